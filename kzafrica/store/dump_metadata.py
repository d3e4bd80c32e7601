"""Datasette metadata for the browsing tables of :mod:`kzafrica.store.dump_tables`.

What a reader sees on Datasette's pages: the database's title, source and description;
a description of every table and of every column, from the models' field docs, put as
they read in a table (1 or 0, not true or false; empty, not None); the column that names
each row (so a link to a visit reads as the visit, not its id); facets; each kind's rows
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
    ARTICLE,
    DATE_ORDER,
    EVIDENCE,
    FTS,
    HUB,
    LABEL,
    Column,
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
        "body": "Record kinds, reference fields, collections and the article (JSON).",
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
        "article": "The article it cites.",
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
    article = facts.article
    tables: dict[str, Any] = {
        HUB: {
            "description": "Every record once: its kind, the table that holds it, a one-line"
            " name and its evidence. Search it: any case, any accents (the search query"
            " lists the best matches first).",
            "label_column": "name",
            "fts_table": FTS,
            "fts_pk": "rowid",
            "facets": ["kind"],
            "columns": {
                "id": "The record's id, unique across all tables.",
                "kind": "The record kind (visit, person, …).",
                "collection": "The table that holds the record's fields.",
                "name": "What the record is, in one line.",
                "evidence": "The excerpts of the article that state it, one a line.",
            },
        },
    }
    for key in facts.collections:
        tables.update(_collection(facts, key))
    tables[EVIDENCE] = {
        "description": "Every excerpt of the article that a record cites, with where it"
        " is in the article.",
        "label_column": "text",
        "columns": {
            "record": "The record that cites it.",
            "position": "Its place in the record's evidence, from 0.",
            "text": "The excerpt, verbatim.",
            "start": "Where it starts in article.text, in characters from 0.",
            "end": "Where it ends in article.text (exclusive).",
        },
    }
    tables[ARTICLE] = {
        "description": "The article the facts come from.",
        "label_column": "source",
        "columns": {
            "source": "The shipped copy, in kzafrica/sources/.",
            "date": "Its date.",
            "dateline": "Its dateline.",
            "evidence": "The excerpt that gives its date and dateline.",
            "text": "The whole text, as shipped.",
        },
    }
    for table, described in CORE.items():
        tables[table] = {
            "hidden": True,
            "description": "kzafrica's own index for its queries, not for browsing.",
            "columns": described,
        }
    about = (
        "Facts from one news article on Kazakhstan–Africa relations, each with the"
        " article's own words as evidence. Start with the facts table: search it, or follow"
        " a record to its own table."
    )
    return {
        "title": "kzafrica: Kazakhstan–Africa relations",
        "description": about,
        "source": f"News article, {article['date']}, {article['dateline']}",
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
    facets = [c.name for c in layout if c.shows == "value" and fieldhelp.choices(model, c.field)]
    if facets:
        meta["facets"] = facets
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
            "The article's own words for it: the excerpts that state it, one a line (the"
            " evidence table has where each stands in the article)."
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
            text = f"{text.rstrip('.')}; empty where the article gives no date."
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
