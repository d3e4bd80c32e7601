"""Datasette metadata for the browsing tables of :mod:`kzafrica.store.dump_tables`.

What a reader sees on Datasette's pages: the database's title, source and description;
a description of every table and of every column, from the models' field docs, put as
they read in a table (1 or 0, not true or false; empty, not None); the column that names
each row (so a link to a visit reads as the visit, not its id); facets (every record
table by the articles its records cite, an array facet); each kind's rows
in the command line's date order, undated last; the store's own ``kz_`` tables hidden;
and a canned query, ``search``, that lists the best matches first (Datasette's search
box on a table keeps the table's order).

Imports the models (pydantic): only a dump's metadata needs them.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from kzafrica.factfile import fieldhelp
from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.models import COLLECTIONS
from kzafrica.store.dump_tables import (
    ARTICLES,
    DATE_ORDER,
    DISAGREEMENTS,
    DISAGREES,
    EVIDENCE,
    FTS,
    HUB,
    LABEL,
    Column,
    article_columns,
    columns,
    label_column,
    link_columns,
    link_table,
    list_references,
)
from kzafrica.store.factbase import FactBase

# Best matches first: FTS5's rank (bm25) over the names and the evidence. escape_fts is
# Datasette's own function: the words are searched for as words, whatever their
# punctuation. No words (the form as it opens) match nothing: FTS5 rejects an empty query.
SEARCH = f"""select {HUB}.id, {HUB}.kind, {HUB}.collection, {HUB}.name, {HUB}.evidence
from {FTS} join {HUB} on {HUB}.rowid = {FTS}.rowid
where {FTS} match case when trim(:words) = '' then '""' else escape_fts(:words) end
order by {FTS}.rank"""  # noqa: S608 - constants

DIGEST = "BLAKE2b digest over the row's other columns, checked when kzafrica reads it."
# The query path's own tables (kzafrica.store.sqlite_store): for kzafrica, not for browsing.
CORE = {
    "kz_meta": {
        "format": "The store's format version.",
        "key": "What the store was made from.",
        "body": "Record kinds, reference fields, collections and the articles (JSON).",
        "digest": DIGEST,
    },
    "kz_collections": {
        "collection": "A list of facts.yaml.",
        "ids": "Its record ids in file order (JSON).",
        "digest": DIGEST,
    },
    "kz_records": {
        "id": "The record's id.",
        "collection": "The list that holds it.",
        "article": "The id of the file's first article (body's evidence_at names the"
        " article of each excerpt).",
        "body": "Its fields as validated (JSON).",
        "linked": "1 when other records refer to it: it has a row in kz_links.",
        "digest": DIGEST,
    },
    "kz_links": {
        "id": "The record's id.",
        "referrers": "Ids of the records that refer to it, by list (JSON).",
        "mentions": "For a country: ids of the records that mention it, by list (JSON).",
        "digest": DIGEST,
    },
}


def metadata(dataset: Dataset, database: str = "facts") -> dict[str, Any]:
    """Datasette metadata for a database of these tables named ``database`` (Datasette
    names a database after its file: ``facts.db`` is ``facts``)."""
    facts = FactBase(dataset)
    tables: dict[str, Any] = {
        HUB: {
            "description": "Every record once: its kind, the table that holds it, a one-line"
            " name, the articles it cites and its evidence. Search it: any case, any accents"
            " (the search query lists the best matches first).",
            "label_column": "name",
            "fts_table": FTS,
            "fts_pk": "rowid",
            "facets": ["kind", BY_ARTICLE],
            "columns": {
                "id": "The record's id, unique across all tables.",
                "kind": "The record kind (visit, person, …).",
                "collection": "The table that holds the record's fields.",
                "name": "What the record is, in one line.",
                ARTICLES: CITES,
                "evidence": "The excerpts that state it, one a line (the evidence table says"
                " which article each is from, and where).",
            },
        },
    }
    for key in facts.collections:
        tables.update(_collection(facts, key))
    if facts.disagreements():
        tables[DISAGREEMENTS] = {
            "description": "Where two articles disagree: each pair of records that give"
            " different values for the same thing, once. Both records stand; neither is"
            " taken for the right one.",
            "facets": ["kind"],
            "columns": {
                "record": "One of the two records (an id in facts).",
                DISAGREES: "The other record: from another article, it gives a different"
                " value for the same thing (an id in facts).",
                "kind": "The kind of both records.",
            },
        }
    tables[EVIDENCE] = {
        "description": "Every excerpt that a record cites, with the article it is from and"
        " where it is in that article.",
        "label_column": "text",
        "facets": ["article"],
        "columns": {
            "record": "The record that cites it.",
            "position": "Its place in the record's evidence, from 0.",
            "article": "The article it is from (an id in articles).",
            "text": "The excerpt, verbatim.",
            "start": "Where it starts in its article's text, in characters from 0.",
            "end": "Where it ends in its article's text (exclusive).",
        },
    }
    described = {
        "id": "The article's id, as the evidence table and every articles column give it.",
        "title": "Its title; empty where it has none.",
        "date": "Its date, as it gives it.",
        "dateline": "Its dateline.",
        "source": "The file of its text, shipped in kzafrica/sources/ or in a sources"
        " folder beside the facts file.",
        "evidence": "Its own words that give its date and dateline.",
        "text": "The whole text: the evidence table's start and end count characters in it.",
    }
    tables[ARTICLES] = {
        "description": "The articles the facts come from, one row each, with their texts."
        " An article's page links to its excerpts in the evidence table.",
        "label_column": "id",
        "columns": {name: described[name] for name in article_columns(facts)},
    }
    for table, described in CORE.items():
        tables[table] = {
            "hidden": True,
            "description": "kzafrica's own index for its queries, not for browsing.",
            "columns": described,
        }
    many = len(facts.articles) > 1
    words = "the articles' own words" if many else "the article's own words"
    about = (
        f"Facts from {_count(len(facts.articles))} on Kazakhstan–Africa relations, each"
        f" with {words} as evidence. Start with the facts table: search it, or follow a"
        " record to its own table."
    )
    if many:
        about += " Facet a table by its articles column to see what one article says"
        about += (
            "; the disagreements table lists where two articles give different values."
            if facts.disagreements()
            else "."
        )
    return {
        "title": "kzafrica: Kazakhstan–Africa relations",
        "description": about,
        "source": _sources(facts.articles),
        "databases": {
            database: {
                "description": about,
                "tables": tables,
                "queries": {
                    "search": {
                        "title": "Search the facts, best matches first",
                        "description": "Words to find in a record's name or evidence, in"
                        " any case and with or without accents.",
                        "sql": SEARCH,
                    }
                },
            }
        },
    }


# Datasette's array facet: each article with its count of records, a click filters by it.
BY_ARTICLE = {"array": ARTICLES}
CITES = (
    "The ids of the articles it cites (rows of the articles table). Facet by it to see what"
    " one article says."
)
# Articles named one by one in the database's source, up to this many.
_NAMED = 3


def _count(articles: int) -> str:
    return "one news article" if articles == 1 else f"{articles} news articles"


def _sources(articles: list[dict[str, Any]]) -> str:
    """The database's source line: each article by date and dateline, or the range."""
    if len(articles) == 1:
        return f"News article, {articles[0]['date']}, {articles[0]['dateline']}"
    if len(articles) <= _NAMED:
        return "News articles: " + "; ".join(f"{a['date']}, {a['dateline']}" for a in articles)
    days = sorted(str(a["date"]) for a in articles)
    return f"{len(articles)} news articles, {days[0]} to {days[-1]}"


def _collection(facts: FactBase, key: str) -> dict[str, Any]:
    """The metadata of collection ``key``'s table and of its link tables."""
    model = COLLECTIONS[key]
    layout = columns(facts, key)
    names = [c.name for c in layout]
    described = {c.name: _column(facts, key, model, c) for c in layout}
    meta: dict[str, Any] = {
        "description": (model.__doc__ or "").strip().splitlines()[0],
        "label_column": label_column(names),
        "columns": described,
    }
    facets: list[Any] = [
        c.name for c in layout if c.shows == "value" and fieldhelp.choices(model, c.field)
    ]
    meta["facets"] = [*facets, BY_ARTICLE]
    if DATE_ORDER in names:
        # Opens in date order, undated last; the date itself is not offered as a sort,
        # where SQLite would put the undated first.
        meta["sort"] = DATE_ORDER
        meta["sortable_columns"] = [n for n in names if n != "date"]
    out = {key: meta}
    kind = facts.kind(key)
    for field in list_references(facts, key):
        source, target = link_columns(facts, key, field)
        out[link_table(key, field)] = {
            "description": f"{key}.{field} as rows: one per {target}, in order, with"
            f" links to both.",
            "facets": [target],
            "columns": {
                source: f"The {kind}.",
                target: _sentence(fieldhelp.meaning(model, field)) or f"The {target}.",
                "position": f"Its place in {key}.{field}, from 0.",
            },
        }
    return out


def _column(facts: FactBase, key: str, model: type[BaseModel], column: Column) -> str:
    """What a column holds, as a reader of the table sees it."""
    if column.shows == LABEL:
        return "What the record is, in one line, made from its fields (as in facts.name)."
    if column.shows == DATE_ORDER:
        return (
            "Its place in date order, from 1, as the command line lists them: by first day,"
            " then last day; undated last. The table opens sorted by it: sort by it, not"
            " by date, to keep the undated last."
        )
    if column.shows == "evidence":
        return (
            "The excerpts that state it, one a line (the evidence table says which article"
            " each is from, and where it stands there)."
        )
    if column.shows == ARTICLES:
        return CITES
    if column.shows == DISAGREES:
        return (
            "The ids of the records in this table, from other articles, that give a different"
            " value for the same thing, comma-separated. Both records stand; the"
            f" {DISAGREEMENTS} table pairs them."
        )
    said = fieldhelp.meaning(model, column.field)
    if column.shows == "ref":
        target = {k: t for t, k in facts.kinds.items()}.get(facts.references[key][column.field])
        return fieldhelp.with_shape(_sentence(said), f"an id in {target or HUB}")
    if column.shows == "names":
        link = link_table(key, column.field)
        return f"{_sentence(said)} Names, comma-separated; the ids are in {link}, one row each."
    if column.shows == "texts":
        return f"{_sentence(said).rstrip('.')}, comma-separated."
    if column.shows == "part":
        part = _object_model(model, column.field)
        own = fieldhelp.meaning(part, column.part) if part else ""
        shape = fieldhelp.shape(part, column.part) if part else ""
        head = f"{column.field.capitalize()}, {column.part.replace('_', ' ')}."
        return f"{head} {_value(own, shape)}"
    text = _value(said, fieldhelp.shape(model, column.field))
    if column.field == "date":
        records = facts.records(key)
        if any(not r.get("date") for r in records):
            text = f"{text.rstrip('.')}; empty where the articles give none."
        text += f" To sort by date, sort by {DATE_ORDER} (undated last)."
    return text


def _value(said: str, shape: str) -> str:
    """A description and the shape of its value, as a table shows the value."""
    said = _sentence(said)
    if shape == "true or false":
        if said.startswith("True when "):
            return f"1 when {said.removeprefix('True when ').rstrip('.')}, else 0."
        return f"{said.rstrip('.')}: 1 or 0." if said else "1 or 0."
    if said.startswith("None where "):
        empty = "empty where " + said.removeprefix("None where ")
        return _sentence(f"{shape}; {empty}") if shape else _sentence(empty)
    return fieldhelp.with_shape(said, shape)


def _sentence(text: str) -> str:
    """``text`` as a table's reader sees it: no Markdown quotes, a capital first."""
    text = text.replace("`", "").strip()
    return text[:1].upper() + text[1:] if text else ""


def _object_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The model of an object field (``amount``: Amount), if it is one."""
    annotation = model.model_fields[name].annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next((a for a in typing.get_args(annotation) if a is not type(None)), None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
