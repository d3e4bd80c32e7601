"""The shipped fact base tells the truth: every excerpt is the article's, every code is ISO's.

These tests read facts.yaml through the real loader and compare it with the shipped copy of
the article; none of them knows an answer in advance.
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pycountry
import pytest

from kzafrica.factfile import models, records
from kzafrica.store import access
from kzafrica.store.factbase import FactBase

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "article.txt"  # the project's hand-over copy

# Fields whose text must be the article's own words, wherever they occur.
VERBATIM = ("evidence", "as_stated", "note", "text", "description", "role")


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return access.validate("facts.yaml", (ROOT / "facts.yaml").read_bytes()).facts


@pytest.fixture(scope="module")
def article() -> str:
    return squash(access.packaged_article())


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, field, text) for every string under a verbatim field."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in VERBATIM:
                for text in item if isinstance(item, list) else [item]:
                    if isinstance(text, str):
                        yield f"{path}.{key}", key, text
            else:
                yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            label = item.get("id", index) if isinstance(item, dict) else index
            yield from strings(item, f"{path}[{label}]")


def test_package_copy_of_facts_is_the_repository_file() -> None:
    assert access.packaged_facts().read_bytes() == (ROOT / "facts.yaml").read_bytes()


@pytest.mark.skipif(
    not SEED.exists(), reason="the hand-over copy of the article is not beside the repo"
)
def test_shipped_article_is_the_handed_over_article() -> None:
    assert access.packaged_article() == SEED.read_text(encoding="utf-8")


def test_every_verbatim_field_occurs_in_the_article(facts: dict[str, Any], article: str) -> None:
    checked = 0
    missing = []
    for path, _, text in strings(facts):
        checked += 1
        if squash(text) not in article:
            missing.append(f"{path}: {text!r}")
    assert not missing, "not in the article:\n" + "\n".join(missing)
    assert checked > 150  # the walk really visited the records


def test_every_record_has_evidence(facts: dict[str, Any]) -> None:
    for key in models.COLLECTIONS:
        for record in facts[key]:
            assert record["evidence"], record["id"]
            assert all(e.strip() for e in record["evidence"]), record["id"]


@pytest.mark.parametrize("record_key", ["countries", "people", "visits", "trade", "quotes"])
def test_collections_are_not_empty(facts: dict[str, Any], record_key: str) -> None:
    assert facts[record_key]


def test_country_codes_are_real_iso_3166_codes_whose_names_match(facts: dict[str, Any]) -> None:
    for country in facts["countries"]:
        iso = pycountry.countries.get(alpha_2=country["code"])
        assert iso is not None, country["code"]
        assert iso.alpha_3 == country["code3"]
        official = {iso.name, getattr(iso, "official_name", ""), getattr(iso, "common_name", "")}
        assert {country["name"], *country["aliases"]} & official, (country["name"], official)


def test_every_country_the_article_names_is_in_the_fact_base(
    facts: dict[str, Any], article: str
) -> None:
    # Independent of facts.yaml: every ISO country name that appears in the article.
    def says(name: str) -> bool:  # a whole name: "Guinea" inside "Guinea-Bissau" is not Guinea
        return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", article) is not None

    named = {
        c.alpha_2
        for c in pycountry.countries
        if says(c.name) or says(getattr(c, "common_name", c.name))
    }
    assert named <= {c["code"] for c in facts["countries"]}
    assert {"KZ", "RW", "MA"} <= named


def test_every_quotation_in_the_article_is_a_quote_record(
    facts: dict[str, Any], article: str
) -> None:
    quoted = [squash(q).rstrip(",") for q in re.findall(r"“([^”]+)”", article)]
    texts = {squash(q["text"]) for q in facts["quotes"]}
    assert quoted
    assert [q for q in quoted if q.rstrip(".") not in texts] == []
    assert len(texts) == len(quoted)


def test_amounts_keep_the_article_qualifiers(facts: dict[str, Any]) -> None:
    by_words = {t["amount"]["as_stated"]: t["amount"] for t in facts["trade"]}
    assert by_words["around $100 million"]["qualifier"] == "around"
    assert by_words["around $100 million"]["value"] == 100_000_000
    assert by_words["surpassed $1 billion"]["qualifier"] == "more than"
    assert by_words["$783 million"]["value"] == 783_000_000
    for amount in by_words.values():
        assert amount["currency"] == "USD"


def test_people_keep_former_and_special_representative(facts: dict[str, Any]) -> None:
    people = {p["name"]: p for p in facts["people"]}
    assert people["Lassina Zerbo"]["former"] is True
    assert "special representative" in people["Françoise Joly"]["role"]
    assert sum(p["former"] for p in facts["people"]) == 1


def test_planned_visits_are_marked_planned(facts: dict[str, Any], article: str) -> None:
    planned = [v for v in facts["visits"] if v["status"] == "planned"]
    assert planned
    for visit in planned:
        words = " ".join(visit["evidence"])
        assert "expected" in words or "set to welcome" in words


def test_dates_completed_from_the_dateline_are_in_the_article_year(facts: dict[str, Any]) -> None:
    # "May 28" -> 2025-05-28: a full date must be written in the article as that month and day,
    # in the record's own evidence, or in that of the record its `derived` says it is from.
    months = "January February March April May June July August September October November December"
    index = {r["id"]: r for key in models.COLLECTIONS for r in facts[key]}
    for key in ("visits", "events", "quotes"):
        for record in facts[key]:
            date = record.get("date")
            if isinstance(date, str) and len(date) == 10 and not record.get("approximate"):
                month = months.split()[int(date[5:7]) - 1]
                day = str(int(date[8:10]))
                sources = [d["from"] for d in record["derived"] if d["field"] == "date"]
                said = " ".join(record["evidence"])
                if sources:
                    (source,) = sources
                    assert index[source]["date"] == date, record["id"]
                    said = " ".join(index[source]["evidence"])
                assert f"{month} {day}" in said, record["id"]


def test_references_resolve_for_every_record(facts: dict[str, Any]) -> None:
    dataset = access.validate("facts.yaml", (ROOT / "facts.yaml").read_bytes())
    index = FactBase(dataset)
    for key, record in index.all():
        for _, target in index.referenced(key, record):
            assert index.get(target) is not None


# -- labels: a label the article's words do not give stays empty ----------------------------

# Every label a record may carry, with the article's words that give it. The words must stand
# in the record's own name or evidence (an amount's qualifier: in its `as_stated`). A label
# with no entry here is one the article never gives, and the model must not offer it.
HELD = r"^(?!.*\b(expected|set to)\b)"  # held: nothing in the evidence says it is yet to come
LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("organizations", "type"): {
        "ministry": r"\b[Mm]inistry\b",
        "fund": r"\bFund\b",
        "forum": r"\b[Ff]orum\b",
        "union": r"\bUnion\b",
        "UN body": r"\bUN\b",
    },
    ("visits", "status"): {"held": HELD, "planned": r"\b(expected|set to)\b"},
    ("visits", "form"): {
        "visit": r"\bvisits?\b",
        "official visit": r"\bofficial visits?\b",
        "delegation": r"\bdelegation\b",
        "forum attendance": r"\bforum was also attended\b",
    },
    ("visits", "level"): {
        "head of state": r"\bPresidents?\b",
        "minister": r"\b[Mm]inisters?\b",
        "envoy": r"\brepresentative\b",
    },
    ("events", "status"): {"held": HELD, "planned": r"\b(expected|set to)\b"},
    ("events", "type"): {
        "meeting": r"\bmeeting\b",
        "address": r"\baddressed\b",
        "agreement": r"\bagreement\b",
        "press briefing": r"\bpress briefing\b",
        "shipment": r"\bshipment\b",
        "expo": r"\bEXPO\b",
        "election": r"\belection\b",
        "establishment": r"\bestablishment\b",
    },
    ("trade", "qualifier"): {"around": r"\baround\b", "more than": r"\b(surpassed|more than)\b"},
    ("goods", "direction"): {"export": r"\b(exports|sent to)\b", "import": r"\bimports\b"},
    ("missions", "type"): {
        "diplomatic missions": r"\bdiplomatic missions\b",
        "honorary consuls": r"\bhonorary consuls\b",
    },
}
VOCABULARIES: dict[tuple[str, str], Any] = {
    ("organizations", "type"): records.OrgType,
    ("visits", "status"): records.Status,
    ("visits", "form"): records.VisitForm,
    ("visits", "level"): records.Level,
    ("events", "status"): records.Status,
    ("events", "type"): records.EventType,
    ("trade", "qualifier"): records.Qualifier,
    ("goods", "direction"): records.Direction,
    ("missions", "type"): records.MissionType,
}
# Words that qualify a figure: where the article puts one before it, the amount keeps it.
QUALIFYING = (
    r"\b(around|about|approximately|roughly|nearly|almost|over|more than|less than"
    r"|surpassed|exceeded|under|some|just|up to)\b"
)


def label_and_words(key: str, field: str, record: dict[str, Any]) -> tuple[Any, str]:
    if key == "trade":
        return record["amount"][field], record["amount"]["as_stated"]
    return record.get(field), " ".join([record.get("name") or "", *record["evidence"]])


@pytest.mark.parametrize(("key", "field"), list(LABELS))
def test_every_label_is_given_by_the_records_own_words(
    facts: dict[str, Any], key: str, field: str
) -> None:
    unsupported = []
    for record in facts[key]:
        label, words = label_and_words(key, field, record)
        if label is None:
            continue
        pattern = LABELS[key, field].get(label)
        if pattern is None or not re.search(pattern, words, re.S):
            unsupported.append(f"{record['id']}: {field} {label!r} is not in {words!r}")
    assert not unsupported, "labels the article does not give:\n" + "\n".join(unsupported)


@pytest.mark.parametrize(("key", "field"), list(LABELS))
def test_the_model_offers_only_labels_the_article_can_give(key: str, field: str) -> None:
    # `dignitary`, `agency`, `exact`: offered once, given by no words of the article.
    assert set(typing.get_args(VOCABULARIES[key, field])) == set(LABELS[key, field])


def test_unlabelled_records_where_the_article_gives_no_label(facts: dict[str, Any]) -> None:
    orgs = {o["id"]: o for o in facts["organizations"]}
    assert orgs["rwanda-mining-board"]["type"] is None  # a board; "agency" is not the article's
    assert orgs["united-nations"]["type"] is None  # the article says only "UN"
    visits = {v["id"]: v for v in facts["visits"]}
    for guest in ("visit-ogunwusi-forum-2025", "visit-zerbo-forum-2025"):
        assert visits[guest]["level"] is None  # "dignitary" is not the article's word
    trade = {t["id"]: t for t in facts["trade"]}
    assert trade["trade-2024"]["amount"]["qualifier"] is None  # "reached $783 million"


def test_amounts_keep_every_qualifier_the_article_gives(facts: dict[str, Any]) -> None:
    for record in facts["trade"]:
        amount = record["amount"]
        words = amount["as_stated"]
        evidence = " ".join(record["evidence"])
        assert words in evidence, record["id"]
        before = evidence[: evidence.index(words)].split()
        assert not re.fullmatch(QUALIFYING, before[-1] if before else ""), record["id"]
        assert (amount["qualifier"] is not None) == bool(re.search(QUALIFYING, words)), words


# -- who said it -------------------------------------------------------------------------


def sentence_around(article: str, excerpt: str) -> str:
    """The whole sentence(s) of the (squashed) article that ``excerpt`` stands in."""
    start = article.index(excerpt)
    ends = [m.end() for m in re.finditer(r"\.”? ", article + " ")]
    first = max((e for e in ends if e <= start), default=0)
    last = min(e for e in ends if e >= start + len(excerpt))
    return article[first:last].strip()


def test_goods_are_named_by_whoever_the_article_says_listed_them(
    facts: dict[str, Any], article: str
) -> None:
    # "According to the Kazakh official, Kazakhstan's exports ... include ..." and "“Kazakhstan
    # imports ...,” Smadiyarov added": both lists are his, so both are attributed alike.
    said = [s for s in facts["quotes"] + facts["statements"] if s.get("speaker")]
    attributed = 0
    for goods in facts["goods"]:
        sentence = sentence_around(article, squash(goods["evidence"][0]))
        speakers = {s["speaker"] for s in said if squash(s["text"]) in sentence}
        if re.search(r"^According to|\b(said|added)\b", sentence):
            attributed += 1
            assert len(speakers) == 1, (goods["id"], speakers)
            assert goods["named_by"] == speakers.pop(), goods["id"]
        else:  # "as he puts it" attributes only the words in quotation marks
            assert goods["named_by"] is None, goods["id"]
    assert attributed == 13  # five exports, eight imports


def test_statement_texts_start_where_the_article_sentence_starts(facts: dict[str, Any]) -> None:
    # A statement cut after "Since 2013," would drop the time the article gives it.
    article = access.packaged_article()  # as written: a paragraph starts after a newline
    for statement in facts["statements"]:
        before = article[: article.index(statement["text"])]
        assert re.search(r"(\n|[.?!]”? |– |According to [^,]+, )$", before), statement["id"]


def test_honorary_consuls_keep_where_the_article_says_they_serve(facts: dict[str, Any]) -> None:
    (consuls,) = [m for m in facts["missions"] if m["type"] == "honorary consuls"]
    assert "where Kazakhstan does not yet have diplomatic missions" in consuls["description"]


# -- when it was said ------------------------------------------------------------------------

MONTHS = "January February March April May June July August September October November December"


def quote_dating_problems(facts: dict[str, Any], article: str) -> list[str]:
    """Quotes that break the one dating rule of docs/data-model.md (Reading choices).

    The article attributes every quote after it: "..., said X at a June 2 briefing" dates it;
    "..., he added" takes the date and occasion of the quote before it in the article, dated
    or not; any other quote has neither.
    """
    events = {e["id"]: e for e in facts["events"]}
    placed = sorted((article.index(squash(q["text"])), q) for q in facts["quotes"])
    problems = []
    previous: dict[str, Any] = {}
    for position, quote in placed:
        after = article[position + len(squash(quote["text"])) :]
        attribution = re.split(r"“|(?<!\b[A-Z])\.(?= |$)", after.split("”", 1)[1], maxsplit=1)[0]
        day = re.search(rf"\b({MONTHS.replace(' ', '|')}) ([0-9]{{1,2}})\b", attribution)
        if re.search(r"\badded\b", attribution):
            want = (previous.get("date"), previous.get("occasion"))
        elif day:
            date = f"2025-{MONTHS.split().index(day[1]) + 1:02d}-{int(day[2]):02d}"
            occasions = [e for e in events.values() if e.get("date") == date]
            want = (date, occasions[0]["id"] if len(occasions) == 1 else "one event that day")
        else:
            want = (None, None)
        got = (quote.get("date"), quote.get("occasion"))
        if got != want:
            problems.append(f"{quote['id']}: {got} but {attribution.strip()!r} gives {want}")
        previous = quote
    return problems


def test_quotes_are_dated_by_one_rule(facts: dict[str, Any], article: str) -> None:
    assert quote_dating_problems(facts, article) == []
    assert sum(q["date"] is not None for q in facts["quotes"]) == 4  # two said, two added


def test_the_dating_rule_catches_an_added_quote_out_of_step(
    facts: dict[str, Any], article: str
) -> None:
    # The check has teeth: a "he added" quote that drops (or invents) the date is found.
    quotes = copy.deepcopy(facts["quotes"])
    by_id = {q["id"]: q for q in quotes}
    by_id["quote-smadiyarov-official-visits"].update(date=None, occasion=None)
    by_id["quote-smadiyarov-equal-partner"]["date"] = "2025-06-02"
    problems = quote_dating_problems({**facts, "quotes": quotes}, article)
    assert [p.split(":")[0] for p in problems] == [
        "quote-smadiyarov-official-visits",
        "quote-smadiyarov-equal-partner",
    ]
