"""Where each evidence excerpt stands in the article, found once, when a file is validated.

A location is a pair of Python ``str`` indices, ``{"start": s, "end": e}``, into the shipped
copy of the article that the facts file names in ``article.source`` (a file in
``kzafrica/sources/``): ``article[s:e]`` is the excerpt, except that whitespace may differ
(a line break or a run of spaces in the article may be one space in the excerpt, and the
other way round). This is the W3C Web Annotation ``TextPositionSelector``. An excerpt that
occurs more than once is located at its first occurrence.

Validation stores the locations beside ``evidence`` as ``evidence_at``, so the validated
(and cached) data carries them and no query ever searches the article. This module also
splits the article into paragraphs and sentences, for the commands that show it.

No heavy imports: the query path may use the splitting functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from kzafrica.factfile.errors import Loc
from kzafrica.factfile.package_files import SOURCES

# A plain file name of the sources folder: no folders, no hidden files.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class Span(NamedTuple):
    """Character offsets ``[start, end)`` into the article (Python ``str`` indices)."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def shipped(source: object) -> str | None:
    """The text of the shipped article named ``source``, or None when there is none."""
    if not isinstance(source, str) or not _PLAIN_NAME.fullmatch(source):
        return None
    try:
        return (SOURCES / source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def sources() -> list[str]:
    """The names of the shipped articles."""
    return sorted(path.name for path in SOURCES.glob("*.txt"))


class Finder:
    """Finds excerpts in one text, whitespace-insensitively, remembering each answer."""

    def __init__(self, text: str) -> None:
        self.text = text
        words = list(re.finditer(r"\S+", text))
        self._squashed = " ".join(word.group() for word in words)
        # Index in the squashed text -> index in the text; a joining space maps to the
        # end of the word before it.
        to_text: list[int] = []
        for word in words:
            if to_text:
                to_text.append(to_text[-1] + 1)
            to_text.extend(range(word.start(), word.end()))
        self._to_text = to_text
        self._found: dict[tuple[str, int], Span | None] = {}

    def find(self, excerpt: str, occurrence: int = 1) -> Span | None:
        """Where ``excerpt`` occurs for the ``occurrence``-th time (1: the first),
        whitespace aside; None if it does not occur that often."""
        if (excerpt, occurrence) in self._found:
            return self._found[excerpt, occurrence]
        wanted = " ".join(excerpt.split())
        at = self._squashed.find(wanted) if wanted else -1
        for _ in range(occurrence - 1):
            at = self._squashed.find(wanted, at + 1) if at >= 0 else -1
        span = None if at < 0 else Span(self._to_text[at], self._to_text[at + len(wanted) - 1] + 1)
        self._found[excerpt, occurrence] = span
        return span


# -- validation --------------------------------------------------------------------------


def annotate(facts: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Set ``evidence_at`` beside the ``evidence`` of the article and of every record of
    validated ``facts``; return the excerpts that are not in the article, as problems."""
    return list(_scan(facts, annotate=True))


def problems(raw: Any) -> list[tuple[Loc, str]]:
    """The excerpts of unvalidated data that are not in the article; changes nothing."""
    return list(_scan(raw, annotate=False)) if isinstance(raw, dict) else []


def _scan(facts: dict[str, Any], *, annotate: bool) -> Iterator[tuple[Loc, str]]:
    article = facts.get("article")
    if not isinstance(article, dict):
        return  # the model reports it
    source = article.get("source")
    text = shipped(source)
    if text is None:
        if isinstance(source, str):
            yield (
                ("article", "source"),
                f"no shipped article named {source!r}; choose from {', '.join(sources())}",
            )
        return
    finder = Finder(text)
    message = f"not in the article {source}; copy its words exactly (only spacing may differ)"
    for path, record in _records(facts):
        yield from _located(finder, path, record, str(source), message, annotate=annotate)


def annotator(article: dict[str, Any]) -> Callable[[dict[str, Any]], bool] | None:
    """For validated facts with this ``article``: a function that sets one record's
    ``evidence_at``, as :func:`annotate` does, and says whether every excerpt was found.
    None when no shipped article has the name ``article.source``."""
    source = article.get("source")
    text = shipped(source)
    if text is None:
        return None
    finder = Finder(text)

    def located(record: dict[str, Any]) -> bool:
        return next(_located(finder, (), record, str(source), "", annotate=True), None) is None

    return located


def _located(
    finder: Finder, path: Loc, record: dict[str, Any], source: str, message: str, *, annotate: bool
) -> Iterator[tuple[Loc, str]]:
    """Locate one record's excerpts: the problems, and (with ``annotate``) ``evidence_at``."""
    excerpts = record.get("evidence")
    if not isinstance(excerpts, list):
        return
    pins = record.get("occurrences")
    spans = []
    for position, excerpt in enumerate(excerpts):
        # The first occurrence, unless the record pins another (`occurrences`).
        nth = pins[position] if isinstance(pins, list) and position < len(pins) else 1
        if not isinstance(nth, int) or isinstance(nth, bool) or nth < 1:
            continue  # the model reports it
        span = finder.find(excerpt, nth) if isinstance(excerpt, str) else None
        if span is None:
            if isinstance(excerpt, str) and excerpt.strip():
                said = message if nth == 1 else f"does not occur {nth} times in {source}"
                yield (*path, "evidence", position), said
            continue
        spans.append({"start": span.start, "end": span.end})
    if annotate:
        record["evidence_at"] = spans


def _records(facts: dict[str, Any]) -> Iterator[tuple[Loc, dict[str, Any]]]:
    yield ("article",), facts["article"]
    for key, items in facts.items():
        if key != "article" and isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield (key, index), item


def spans_of(record: dict[str, Any]) -> list[Span]:
    """A validated record's excerpt locations."""
    return [Span(at["start"], at["end"]) for at in record.get("evidence_at", [])]


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
