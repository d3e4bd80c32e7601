"""Spread a synthetic fact file's records over many synthetic articles (make_facts.py --articles).

Every record of make_facts.py cites a sentence of the shipped article. Here each record is
given to one of M articles, ``synthetic-0001`` ... (round robin, so that every article has
records once there are as many records as articles); countries cite two to four articles
and some places, people and organizations two, each with a sentence of its own there. An
article's text is the sentences its records cite, in the shipped article's order, after a
dateline (``date 2019-04-12 ALMATY –``) that its ``evidence`` cites; every other article
has a title line. The dates are spread evenly over 2012-2026. An excerpt of the first
article stays a plain string; one of any other article is the mapping
``{article: ID, excerpt: TEXT}``. Some trade records of one year disagree with another
article's figure for that year (``disagrees_with``). Deterministic for a seed; standard
library only.
"""

from __future__ import annotations

import datetime
import random
import re
from typing import Any

Rec = dict[str, Any]

FIRST_DAY = datetime.date(2012, 1, 1).toordinal()
LAST_DAY = datetime.date(2026, 12, 31).toordinal()
# Records that cite more than one article: countries always, these kinds sometimes.
SHARED = ("places", "people", "organizations")
SHARED_CHANCE = 0.25
DISAGREE_CHANCE = 0.2
PARAGRAPH = 3  # sentences a paragraph
# The shipped article's own dateline, at the start of its first sentence: not repeated.
SHIPPED_DATELINE = re.compile(r"^date \S+ [A-Z]+ – ")


def article_ids(count: int) -> list[str]:
    width = max(4, len(str(count)))
    return [f"synthetic-{n:0{width}d}" for n in range(1, count + 1)]


def spread(
    data: Rec, count: int, sentences: list[str], cities: list[str], seed: int
) -> tuple[list[Rec], dict[str, str]]:
    """Give the records of ``data`` (collections of records, changed in place) to ``count``
    articles; return the ``articles`` entries and each article's text by file name.

    ``sentences`` are the shipped article's sentences in order: every excerpt of ``data`` is
    one of them (the first without the shipped dateline it starts with, here). ``cities``
    are the datelines to choose from.
    """
    rng = random.Random(f"articles {seed}")  # apart from the records' own random stream
    ids = article_ids(count)
    plain = {sentence: SHIPPED_DATELINE.sub("", sentence) for sentence in sentences}
    sentences = list(plain.values())
    order = {sentence: at for at, sentence in enumerate(sentences)}
    cited: list[dict[str, None]] = [{} for _ in ids]  # per article, its sentences (a set)
    first_trade: dict[str, tuple[str, int, int]] = {}  # year -> (id, article, value)
    turn = 0
    for key, collection in data.items():
        for record in collection:
            own = turn % count
            turn += 1
            citing = [own]
            extra = 0
            if key == "countries":
                extra = rng.randint(1, 3)
            elif key in SHARED and rng.random() < SHARED_CHANCE:
                extra = 1
            if extra:
                others = rng.sample(range(count), min(count, extra + 1))
                citing += [n for n in others if n != own][:extra]
            pairs = [(own, plain.get(excerpt, excerpt)) for excerpt in record.pop("evidence")]
            pairs += [(n, rng.choice(sentences)) for n in citing[1:]]
            if key == "trade":
                disagreeing(record, own, first_trade, rng)
            evidence: list[Any] = []
            for n, excerpt in sorted(pairs, key=lambda pair: pair[0]):
                cited[n][excerpt] = None
                evidence.append(excerpt if n == 0 else {"article": ids[n], "excerpt": excerpt})
            record["evidence"] = evidence

    articles: list[Rec] = []
    texts: dict[str, str] = {}
    for n, article_id in enumerate(ids):
        day = FIRST_DAY + (LAST_DAY - FIRST_DAY) * n // max(1, count - 1)
        date = datetime.date.fromordinal(day).isoformat()
        city = rng.choice(cities)
        dateline = f"date {date} {city.upper()}"
        entry: Rec = {"id": article_id, "date": date, "dateline": city}
        lines = []
        if n % 2:
            entry["title"] = f"Kazakhstan and Africa: synthetic report {n + 1} from {city}"
            lines.append(entry["title"])
        entry.update(source=f"{article_id}.txt", evidence=[dateline])
        articles.append(entry)
        body = sorted(cited[n], key=order.__getitem__)
        paragraphs = [body[at : at + PARAGRAPH] for at in range(0, len(body), PARAGRAPH)]
        lines.append(" ".join([f"{dateline} –", *(paragraphs[0] if paragraphs else [])]))
        lines += [" ".join(paragraph) for paragraph in paragraphs[1:]]
        texts[entry["source"]] = "\n\n".join(lines) + "\n"
    return articles, texts


def disagreeing(
    record: Rec, article: int, first: dict[str, tuple[str, int, int]], rng: random.Random
) -> None:
    """Mark some trade records as disagreeing with an earlier record of the same year from
    another article that gives another figure."""
    year, value = str(record["date"]), int(record["amount"]["value"])
    if year not in first:
        first[year] = (str(record["id"]), article, value)
        return
    other, other_article, other_value = first[year]
    if other_article != article and other_value != value and rng.random() < DISAGREE_CHANCE:
        record["disagrees_with"] = [other]
