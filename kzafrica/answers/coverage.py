"""The article read against the fact base: which spans the records cite, which sentences
no record cites, and the paragraph around an excerpt. Pure functions, no printing.

Everything here reads the locations that validation stored (``evidence_at``); nothing
searches the article again. A sentence counts as cited when an excerpt of some record
overlaps it; the sentences are those of :func:`kzafrica.factfile.excerpts.sentences`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from kzafrica.factfile import articles, excerpts
from kzafrica.factfile.errors import DataError, Problem
from kzafrica.factfile.excerpts import Span
from kzafrica.store.factbase import FactBase, Record


class Sentence(NamedTuple):
    """A sentence of the article and the records that cite it."""

    span: Span
    text: str
    line: int
    cited_by: list[str]

    def as_json(self) -> Record:
        return {
            "start": self.span.start,
            "end": self.span.end,
            "line": self.line,
            "text": self.text,
            "cited_by": self.cited_by,
        }


def article_text(facts: FactBase, article_id: str | None = None) -> str:
    """The text of an article of the fact base (the first without an id), or DataError
    saying it is missing."""
    article = facts.article(article_id)
    text = articles.text(article.get("source"), facts.source)
    if text is None:
        said = f"the text of the article {article['id']} ({article.get('source')!r}) is missing"
        raise DataError(facts.source, [Problem(said)])
    return text


def marks(facts: FactBase, article_id: str) -> list[Span]:
    """Every span of one article the fact base cites: the records' excerpts and the
    article's own (the dateline that gives its date)."""
    own = excerpts.spans_of(facts.article(article_id), article_id)
    return own + [span for _, span in citations(facts, article_id)]


def citations(facts: FactBase, article_id: str) -> list[tuple[str, Span]]:
    """(record id, span) for every excerpt of every record that is of one article."""
    return cited_spans(facts).get(article_id, [])


def sentences(facts: FactBase, text: str, article_id: str) -> list[Sentence]:
    """Every sentence of one article (its ``text``) with the ids of the records that cite it."""
    cited = citations(facts, article_id)
    out = []
    for span in excerpts.sentences(text):
        ids = list(dict.fromkeys(i for i, at in cited if at.overlaps(span)))
        out.append(
            Sentence(span, text[span.start : span.end], excerpts.line_of(text, span.start), ids)
        )
    return out


def cited_spans(facts: FactBase) -> dict[str, list[tuple[str, Span]]]:
    """(record id, span) of every excerpt of every record, by article: one pass."""
    out: dict[str, list[tuple[str, Span]]] = {i: [] for i in facts.article_ids()}
    for _, record in facts.all():
        for at in record.get("evidence_at", ()):
            out.setdefault(str(at.get("article")), []).append(
                (record["id"], Span(at["start"], at["end"]))
            )
    return out


def article_rows(facts: FactBase) -> list[Record]:
    """Every article: id, number (its place in the list, as tables give it), title, date,
    dateline, source, how many records cite it, and how many of its sentences some record
    cites, of how many."""
    spans = cited_spans(facts)
    out = []
    for number, article in enumerate(facts.articles, 1):
        cited = spans.get(article["id"], [])
        text = articles.text(article.get("source"), facts.source)
        found = [] if text is None else excerpts.sentences(text)
        covered = sum(1 for s in found if any(at.overlaps(s) for _, at in cited))
        out.append(
            {
                "id": article["id"],
                "number": number,
                "title": article.get("title"),
                "date": article["date"],
                "dateline": article["dateline"],
                "source": article["source"],
                "records": len({record_id for record_id, _ in cited}),
                "sentences_cited": covered,
                "sentences": len(found),
            }
        )
    return out


def coverage_line(found: list[Sentence], article_id: str | None = None) -> str:
    """How many sentences some record cites, in one line (``article_id``: the article's
    id, where the fact base has several)."""
    cited = sum(1 for s in found if s.cited_by)
    total = len(found)
    share = f" ({100 * cited // total}%)" if total else ""
    rest = total - cited
    command = (
        f"kzafrica article {article_id} --uncited" if article_id else "kzafrica article --uncited"
    )
    hint = f"; {command} lists the other {rest}" if rest else ""
    return f"Cited: {cited} of {total} sentences{share} by at least one record{hint}."


def context(text: str, span: Span) -> Span:
    """The paragraph that holds ``span`` (several, if the excerpt runs across them)."""
    around = [p for p in excerpts.paragraphs(text) if p.overlaps(span)]
    if not around:
        return span
    return Span(around[0].start, around[-1].end)


def contexts(facts: FactBase, record: Record) -> list[dict[str, Any]]:
    """For each excerpt of a record, its paragraph in its own article:
    ``{article, start, end, text}``."""
    out = []
    texts: dict[str, str] = {}
    for at in record.get("evidence_at", []):
        article_id = str(at.get("article"))
        if article_id not in texts:
            texts[article_id] = article_text(facts, article_id)
        text = texts[article_id]
        around = context(text, Span(at["start"], at["end"]))
        out.append(
            {
                "article": article_id,
                "start": around.start,
                "end": around.end,
                "text": text[around.start : around.end],
            }
        )
    return out
