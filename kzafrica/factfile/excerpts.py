"""Where each evidence excerpt stands in its article, found once, when a file is validated.

A location is ``{"article": id, "start": s, "end": e}``: Python ``str`` indices into the
text of that article (:mod:`kzafrica.factfile.articles` says where texts are):
``text[s:e]`` is the excerpt, except that whitespace may differ (a line break or a run of
spaces in the article may be one space in the excerpt, and the other way round). This is
the W3C Web Annotation ``TextPositionSelector``. An excerpt that occurs more than once is
located at its first occurrence, unless the record's ``occurrences`` pins another.

Validation stores the locations beside ``evidence`` as ``evidence_at``, so the validated
(and cached) data carries them and no query ever searches an article. This module also
splits an article into paragraphs and sentences, for the commands that show it.

No heavy imports: the query path may use the splitting functions.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from kzafrica.factfile import articles
from kzafrica.factfile.errors import Loc


class Span(NamedTuple):
    """Character offsets ``[start, end)`` into the article (Python ``str`` indices)."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class Finder:
    """Finds excerpts in one text, whitespace-insensitively, remembering each answer."""

    def __init__(self, text: str) -> None:
        self._squashed = " ".join(text.split())
        # A character of the squashed text stands this many characters further on in the
        # text: 0 until the first run of whitespace that is not one character (a blank
        # line between paragraphs; leading space), then more after each. Kept only where it
        # changes, so a text costs a few numbers per paragraph, not per word or character:
        # a first run holds a thousand articles at once.
        self._at = array("I", [0])
        self._shift = array("I", [0])
        shift = 0
        for run in _IRREGULAR.finditer(text):
            if run.end() == len(text):
                continue  # trailing: no word after it
            shift += run.end() - run.start() - (0 if run.start() == 0 else 1)
            self._at.append(run.end() - shift)
            self._shift.append(shift)
        self._found: dict[tuple[str, int], Span | None] = {}

    def find(self, excerpt: str, occurrence: int = 1) -> Span | None:
        """Where ``excerpt`` occurs for the ``occurrence``-th time (1: the first),
        whitespace aside; None if it does not occur that often."""
        key = (excerpt, occurrence)
        if key in self._found:
            return self._found[key]
        wanted = " ".join(excerpt.split())
        at = self._squashed.find(wanted) if wanted else -1
        for _ in range(occurrence - 1):
            at = self._squashed.find(wanted, at + 1) if at >= 0 else -1
        span = None if at < 0 else Span(self._to_text(at), self._to_text(at + len(wanted) - 1) + 1)
        self._found[key] = span
        return span

    def _to_text(self, at: int) -> int:
        """The index in the text of the character at index ``at`` of the squashed text (a
        character of a word: an excerpt starts and ends with one)."""
        return at + self._shift[bisect_right(self._at, at) - 1]


# Runs of whitespace the squashed text does not keep as they are: leading ones, and any of
# more than one character (a single line break is one character too, kept as a space).
_IRREGULAR = re.compile(r"\A\s+|\s{2,}")


# -- validation --------------------------------------------------------------------------


def annotate(facts: dict[str, Any], facts_file: str | None) -> list[tuple[Loc, str]]:
    """Settle validated ``facts`` (JSON-ready) read from ``facts_file``: its articles as
    one list (:func:`kzafrica.factfile.articles.listed`), each excerpt of each article and
    record located in its own article (``evidence`` becomes the excerpts' words,
    ``evidence_at`` says where each is: ``{article, start, end}``), and disagreements made
    mutual. Returns the excerpts not found, as problems."""
    listed = articles.listed(facts)
    facts.pop("article", None)
    facts["articles"] = listed
    locator = Locator(listed, facts_file)
    out = list(locator.source_problems("articles"))
    for path, record, own in _records(facts):
        out += locator.locate(path, record, own, annotate=True)
    articles.symmetric({k: v for k, v in facts.items() if k != "articles" and isinstance(v, list)})
    return out


def problems(raw: Any, facts_file: str | None) -> list[tuple[Loc, str]]:
    """The excerpts of unvalidated data that are not in their article; changes nothing."""
    if not isinstance(raw, dict):
        return []
    key = "article" if "article" in raw and "articles" not in raw else "articles"
    listed = [a for a in _raw_articles(raw.get(key), key) if isinstance(a.get("id"), str)]
    locator = Locator(listed, facts_file)
    out = list(locator.source_problems(key))
    for path, record, own in _records(raw):
        out += locator.locate(path, record, own, annotate=False)
    return out


def _raw_articles(value: Any, key: str) -> list[dict[str, Any]]:
    if key == "article":
        return articles.listed({"article": value}) if isinstance(value, dict) else []
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


class Locator:
    """Finds excerpts in the articles of one facts file, each in its own article."""

    def __init__(self, listed: list[dict[str, Any]], facts_file: str | None) -> None:
        self.listed = listed
        self.ids = [str(a["id"]) for a in listed]
        self.first = self.ids[0] if self.ids else None
        self._file = facts_file
        self._by_id = {str(article["id"]): article for article in listed}
        self._finders: dict[str, Finder | None] = {}

    def finder(self, article_id: str) -> Finder | None:
        """The finder over one article's text; None for an unknown id or a missing text."""
        if article_id not in self._finders:
            article = self._by_id.get(article_id)
            text = None if article is None else articles.text(article.get("source"), self._file)
            self._finders[article_id] = None if text is None else Finder(text)
        return self._finders[article_id]

    def source_problems(self, key: str) -> Iterator[tuple[Loc, str]]:
        """An article whose text file is missing or cannot be read."""
        for index, article in enumerate(self.listed):
            source = article.get("source")
            if self.finder(str(article["id"])) is not None or not isinstance(source, str):
                continue
            where: Loc = (key, "source") if key == "article" else (key, index, "source")
            why = articles.found(source, self._file)[1]
            if why == articles.MISSING:
                names = ", ".join(articles.available(self._file)) or "none"
                said = (
                    f"no article file named {source!r} in sources/ beside the facts file or"
                    f" shipped; there are: {names}"
                )
            else:
                said = f"the article file {source!r} {why}; name a readable UTF-8 text file"
            yield where, said

    def spans(
        self, evidence: list[Any], pins: Any, own: str | None = None
    ) -> list[dict[str, Any]] | None:
        """``evidence_at`` for a validated record's excerpts (``own``: the article a plain
        excerpt is from, by default the first), or None if one is not found: in an
        unknown article, one whose text is missing, or not at all (validation says which).
        What :meth:`locate` sets, in one call per record: the fast first run's path."""
        plain = own or self.first
        out = []
        article: str | None
        excerpt: object
        for position, item in enumerate(evidence):
            if type(item) is str:
                article, excerpt = plain, item
            else:  # a model's attributes first: most of a big file's excerpts are cited ones
                article = getattr(item, "article", None) or articles.cited_article(item)
                excerpt = getattr(item, "excerpt", None) or articles.words(item)
            finder = self.finder(article) if isinstance(article, str) else None
            if finder is None or not isinstance(excerpt, str):
                return None
            span = finder.find(excerpt, pins[position] if pins else 1)
            if span is None:
                return None
            out.append({"article": article, "start": span.start, "end": span.end})
        return out

    def locate(
        self, path: Loc, record: dict[str, Any], own: str | None, *, annotate: bool
    ) -> list[tuple[Loc, str]]:
        """Locate one record's excerpts: the problems, and (with ``annotate``) its
        ``evidence`` as words and its ``evidence_at``."""
        items = record.get("evidence")
        if not isinstance(items, list):
            return []
        pins = record.get("occurrences")
        out: list[tuple[Loc, str]] = []
        spans, said = [], []
        for position, item in enumerate(items):
            article_id = articles.cited_article(item) or own or self.first
            excerpt = articles.words(item)
            said.append(excerpt)
            # The first occurrence, unless the record pins another (`occurrences`).
            nth = pins[position] if isinstance(pins, list) and position < len(pins) else 1
            if not isinstance(nth, int) or isinstance(nth, bool) or nth < 1:
                continue  # the model reports it
            if article_id is None or not isinstance(excerpt, str):
                continue
            finder = self.finder(article_id)
            if finder is None:
                continue  # an unknown article or a missing text: reported on its own
            span = finder.find(excerpt, nth)
            if span is None:
                if excerpt.strip():
                    out.append(
                        (
                            (*path, "evidence", position),
                            self._missing(article_id, excerpt, nth, item),
                        )
                    )
                continue
            spans.append({"article": article_id, "start": span.start, "end": span.end})
        if annotate and not out:
            record["evidence"] = said
            record["evidence_at"] = spans
        return out

    def _missing(self, article_id: str, excerpt: str, nth: int, item: object) -> str:
        if nth != 1:
            return f"does not occur {nth} times in the article {article_id}"
        said = f"not in the article {article_id}; copy its words exactly (only spacing may differ)"
        if isinstance(item, str) and len(self.ids) > 1:
            elsewhere = [
                i for i in self.ids if i != article_id and (f := self.finder(i)) and f.find(excerpt)
            ]
            if elsewhere:
                other = elsewhere[0]
                said += f"; it is in {other}: write {{article: {other}, excerpt: ...}}"
        return said


def _records(facts: dict[str, Any]) -> Iterator[tuple[Loc, dict[str, Any], str | None]]:
    """Every article and record with where it is and the article its plain excerpts are
    from (an article's own; a record's: the first)."""
    if isinstance(facts.get("article"), dict) and "articles" not in facts:
        yield ("article",), facts["article"], articles.stem(str(facts["article"].get("source", "")))
    for key, items in facts.items():
        if key in ("article", "articles") or not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield (key, index), item, None
    listed = facts.get("articles")
    if isinstance(listed, list):
        for index, item in enumerate(listed):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                yield ("articles", index), item, item["id"]


def spans_of(record: dict[str, Any], article: str | None = None) -> list[Span]:
    """A validated record's excerpt locations (only those in ``article``, if given)."""
    return [
        Span(at["start"], at["end"])
        for at in record.get("evidence_at", [])
        if article is None or at.get("article") == article
    ]


# -- the article's parts ----------------------------------------------------------------


def paragraphs(text: str) -> list[Span]:
    """Blocks of text between blank lines, without their surrounding whitespace."""
    out = []
    for block in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        out.append(Span(block.start(), block.start() + len(block.group().rstrip())))
    return out


# A sentence ends at . ! or ?, with any closing quotes or brackets after it, where the next
# word starts with a capital letter, a digit or an opening quote. The article has no
# abbreviations with a full stop (no "Mr." or "U.N."), so nothing else can end one.
_END = re.compile(r"[.!?][”’\"')\]]*(?=\s+[“‘\"'(\[A-Z0-9])")
_FINAL = re.compile(r"[.!?][”’\"')\]]*$")


def sentences(text: str) -> list[Span]:
    """The article's sentences, in order. A paragraph that does not end as a sentence
    does (a heading such as "Multilateral cooperation") holds none."""
    out: list[Span] = []
    for paragraph in paragraphs(text):
        body = text[paragraph.start : paragraph.end]
        if not _FINAL.search(body):
            continue
        start = 0
        for end in _END.finditer(body):
            out.append(_trimmed(body, start, end.end(), paragraph.start))
            start = end.end()
        out.append(_trimmed(body, start, len(body), paragraph.start))
    return out


def _trimmed(body: str, start: int, end: int, offset: int) -> Span:
    while start < end and body[start].isspace():
        start += 1
    return Span(offset + start, offset + end)


def merged(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, with overlapping or touching ones joined."""
    out: list[Span] = []
    for span in sorted(spans):
        if out and span.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return out


def line_of(text: str, offset: int) -> int:
    """The 1-based line of ``text`` that holds ``offset``."""
    return text.count("\n", 0, offset) + 1
