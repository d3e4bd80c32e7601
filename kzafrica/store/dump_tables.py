"""The fact base as SQLite tables to browse: with Datasette, the sqlite3 shell or pandas.

:func:`write_browse_tables` creates and fills, on an open connection and inside the
caller's transaction, these tables:

- one table per collection (``countries``, ``visits``, …): one row per record, scalar
  fields as columns, nested values (``amount``, ``aliases``) as JSON text, a reference as
  the id it holds, with a foreign key to the table of the record it names;
- for each field that holds a list of references, a link table ``<collection>_<field>``
  (``visits_origin``: visit, country, position), with foreign keys both ways; the
  collection table keeps the list too, as a JSON array of ids;
- ``facts``: every record once, with its kind, its table, a one-line ``name`` and its
  evidence, and ``facts_fts``, an FTS5 index over those names and evidence that ignores
  case and accents (``traore`` finds Traoré), which Datasette's search box uses;
- ``evidence``: one row per excerpt, with its ``start`` and ``end`` offsets in the
  article (``substr(article.text, start + 1, end - start)`` is the excerpt, whitespace
  aside: SQLite counts characters as Python does);
- ``article``: the article itself, one row.

:func:`datasette_metadata` describes them for Datasette: title, source, a description of
every table and column (from the models' field docs), label columns, facets and the
full-text index. Only the metadata imports the models (pydantic); the tables need only
the validated data, so a store may write them on its own path.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kzafrica.factfile import excerpts
from kzafrica.factfile.dataset import Dataset
from kzafrica.store.factbase import FactBase, Record, describe

HUB = "facts"
FTS = "facts_fts"
EVIDENCE = "evidence"
ARTICLE = "article"
# Full-text search that ignores case and accents.
TOKENIZE = "unicode61 remove_diacritics 2"
# Record fields that are not columns of a collection table: the evidence has its own.
_NOT_COLUMNS = ("evidence", "evidence_at")


def q(name: str) -> str:
    """An SQL identifier, quoted (fields such as ``end`` and ``type`` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def table_names(dataset: Dataset) -> list[str]:
    """Every table :func:`write_browse_tables` creates, in order."""
    facts = FactBase(dataset)
    names = [HUB, FTS, EVIDENCE, ARTICLE]
    for key in facts.collections:
        names.append(key)
        names += [_link_table(key, field) for field in _list_references(facts, key)]
    return names


def write_browse_tables(conn: sqlite3.Connection, dataset: Dataset, article_text: str) -> None:
    """Create and fill every browsing table on ``conn``, in the transaction the caller
    holds (nothing is committed here). A table that exists already is an error."""
    facts = FactBase(dataset)
    finder = excerpts.Finder(article_text)
    _hub(conn, facts, finder)
    for key in facts.collections:
        _collection(conn, facts, key)
    _article(conn, facts, article_text)


def _hub(conn: sqlite3.Connection, facts: FactBase, finder: excerpts.Finder) -> None:
    conn.execute(
        f"CREATE TABLE {q(HUB)} ({q('id')} TEXT PRIMARY KEY NOT NULL, {q('kind')} TEXT NOT NULL,"
        f" {q('collection')} TEXT NOT NULL, {q('name')} TEXT NOT NULL,"
        f" {q('evidence')} TEXT NOT NULL)"
    )
    conn.execute(
        f"CREATE TABLE {q(EVIDENCE)} ("
        f"{q('record')} TEXT NOT NULL REFERENCES {q(HUB)}({q('id')}),"
        f" {q('position')} INTEGER NOT NULL, {q('text')} TEXT NOT NULL,"
        f" {q('start')} INTEGER, {q('end')} INTEGER,"
        f" PRIMARY KEY ({q('record')}, {q('position')}))"
    )
    hub, evidence = [], []
    for key, record in facts.all():
        name = describe(facts.expand(key, record))
        hub.append((record["id"], facts.kind(key), key, name, "\n".join(record["evidence"])))
        for position, (text, span) in enumerate(_located(record, finder)):
            start, end = (span.start, span.end) if span else (None, None)
            evidence.append((record["id"], position, text, start, end))
    _insert(conn, HUB, hub)
    _insert(conn, EVIDENCE, evidence)
    # An external-content index (content="facts"): Datasette finds it by that clause and
    # searches the facts table through it.
    conn.execute(
        f"CREATE VIRTUAL TABLE {q(FTS)} USING fts5({q('name')}, {q('evidence')},"
        f' content="{HUB}", tokenize="{TOKENIZE}")'
    )
    conn.execute(f"INSERT INTO {q(FTS)}({q(FTS)}) VALUES ('rebuild')")  # noqa: S608 - constants


def _located(record: Record, finder: excerpts.Finder) -> list[tuple[str, excerpts.Span | None]]:
    """Each excerpt with its location: the stored one, else found now."""
    stored = excerpts.spans_of(record)
    if len(stored) == len(record["evidence"]):
        return list(zip(record["evidence"], stored, strict=True))
    return [(text, finder.find(text)) for text in record["evidence"]]


def _collection(conn: sqlite3.Connection, facts: FactBase, key: str) -> None:
    records = facts.records(key)
    refs = facts.references.get(key, {})
    tables = {kind: k for k, kind in facts.kinds.items()}
    names: list[str] = ["id"]
    for record in records:
        names += [n for n in record if n not in names and n not in _NOT_COLUMNS]
    columns = [f"{q('id')} TEXT PRIMARY KEY NOT NULL"]
    lists = _list_references(facts, key)
    for name in names[1:]:
        declared = _sql_type([r.get(name) for r in records])
        if name in refs and name not in lists:
            target = tables.get(refs[name], HUB)
            declared = f"TEXT REFERENCES {q(target)}({q('id')})"
        columns.append(f"{q(name)} {declared}")
    conn.execute(f"CREATE TABLE {q(key)} ({', '.join(columns)})")
    _insert(conn, key, [tuple(_sql_value(r.get(name)) for name in names) for r in records])
    for field in lists:
        source, target = _link_columns(facts, key, field)
        table = _link_table(key, field)
        conn.execute(
            f"CREATE TABLE {q(table)} ("
            f"{q(source)} TEXT NOT NULL REFERENCES {q(key)}({q('id')}),"
            f" {q(target)} TEXT NOT NULL REFERENCES {q(tables.get(refs[field], HUB))}({q('id')}),"
            f" {q('position')} INTEGER NOT NULL, PRIMARY KEY ({q(source)}, {q('position')}))"
        )
        conn.execute(f"CREATE INDEX {q(table + '_' + target)} ON {q(table)}({q(target)})")
        _insert(
            conn,
            table,
            [
                (record["id"], other, position)
                for record in records
                for position, other in enumerate(record.get(field) or [])
            ],
        )


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        # The table's name is quoted and every value is a bound parameter.
        conn.executemany(f"INSERT INTO {q(table)} VALUES ({marks})", rows)  # noqa: S608


def _list_references(facts: FactBase, key: str) -> list[str]:
    """The fields of a collection that hold a list of references."""
    refs = facts.references.get(key, {})
    return [
        field for field in refs if any(isinstance(r.get(field), list) for r in facts.records(key))
    ]


def _link_table(key: str, field: str) -> str:
    return f"{key}_{field}"


def _link_columns(facts: FactBase, key: str, field: str) -> tuple[str, str]:
    """The link table's columns: the referring kind and the kind referred to (the field's
    own name when both are one kind)."""
    source, target = facts.kind(key), facts.references[key][field]
    return source, field if target == source else target


def _sql_type(values: list[Any]) -> str:
    for value in values:
        if isinstance(value, (bool, int)):
            return "INTEGER"
        if isinstance(value, float):
            return "REAL"
        if value is not None:
            return "TEXT"  # text, or JSON text for lists and objects
    return "TEXT"


def _sql_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _article(conn: sqlite3.Connection, facts: FactBase, text: str) -> None:
    article = facts.article
    conn.execute(
        f"CREATE TABLE {q(ARTICLE)} ({q('source')} TEXT PRIMARY KEY NOT NULL,"
        f" {q('date')} TEXT NOT NULL, {q('dateline')} TEXT NOT NULL,"
        f" {q('evidence')} TEXT NOT NULL, {q('text')} TEXT NOT NULL)"
    )
    evidence = json.dumps(article["evidence"], ensure_ascii=False)
    row = (article["source"], article["date"], article["dateline"], evidence, text)
    _insert(conn, ARTICLE, [row])


# -- Datasette ---------------------------------------------------------------------------


def datasette_metadata(dataset: Dataset, database: str = "facts") -> dict[str, Any]:
    """Datasette metadata for a database of these tables named ``database`` (Datasette
    names a database after its file: ``facts.db`` is ``facts``)."""
    # pydantic: only for the metadata of a dump
    from kzafrica.factfile import fieldhelp
    from kzafrica.factfile.models import COLLECTIONS

    facts = FactBase(dataset)
    article = facts.article
    tables: dict[str, Any] = {
        HUB: {
            "description": "Every record once: its kind, the table that holds it, a one-line"
            " name and its evidence. Search it: any case, any accents.",
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
        EVIDENCE: {
            "description": "Every excerpt of the article that a record cites, with where it"
            " is in the article.",
            "columns": {
                "record": "The record that cites it.",
                "position": "Its place in the record's evidence, from 0.",
                "text": "The excerpt, verbatim.",
                "start": "Where it starts in article.text, in characters from 0.",
                "end": "Where it ends in article.text (exclusive).",
            },
        },
        ARTICLE: {
            "description": "The article the facts come from.",
            "columns": {
                "source": "The shipped copy, in kzafrica/sources/.",
                "date": "Its date.",
                "dateline": "Its dateline.",
                "evidence": "The excerpt that gives its date and dateline (JSON).",
                "text": "The whole text, as shipped.",
            },
        },
    }
    # The query path's own tables (kzafrica.store.sqlite_store): for kzafrica, not for browsing.
    digest = "BLAKE2b digest over the row's other columns, checked when kzafrica reads it."
    core = {
        "kz_meta": {
            "format": "The store's format version.",
            "key": "What the store was made from.",
            "body": "Record kinds, reference fields, collections and the article (JSON).",
            "digest": digest,
        },
        "kz_collections": {
            "collection": "A list of facts.yaml.",
            "ids": "Its record ids in file order (JSON).",
            "digest": digest,
        },
        "kz_records": {
            "id": "The record's id.",
            "collection": "The list that holds it.",
            "article": "The article it cites.",
            "body": "Its fields as validated (JSON).",
            "linked": "1 when other records refer to it: it has a row in kz_links.",
            "digest": digest,
        },
        "kz_links": {
            "id": "The record's id.",
            "referrers": "Ids of the records that refer to it, by list (JSON).",
            "mentions": "For a country: ids of the records that mention it, by list (JSON).",
            "digest": digest,
        },
    }
    for table, described in core.items():
        tables[table] = {
            "hidden": True,
            "description": (
                "kzafrica's own index for its queries (see kzafrica/store/sqlite_store.py)."
            ),
            "columns": described,
        }
    names = {kind: key for key, kind in facts.kinds.items()}
    for key in facts.collections:
        model = COLLECTIONS[key]
        refs = facts.references.get(key, {})
        lists = _list_references(facts, key)
        columns: dict[str, str] = {}
        for name in model.model_fields:
            if name in _NOT_COLUMNS:
                continue
            if name in refs:
                target = names.get(refs[name], HUB)
                shape = (
                    f"a JSON list of ids in {target}; also in {_link_table(key, name)}"
                    if name in lists
                    else f"an id in {target}"
                )
            else:
                shape = fieldhelp.shape(model, name)
                if shape == "true or false":
                    shape = "1 or 0"
                elif shape.startswith(("{", "a list")):
                    shape = f"JSON: {shape}"
            columns[name] = fieldhelp.with_shape(fieldhelp.meaning(model, name), shape)
        meta: dict[str, Any] = {
            "description": (model.__doc__ or "").strip().splitlines()[0],
            "columns": columns,
        }
        label = next((c for c in ("name", "title", "text") if c in model.model_fields), None)
        if label:
            meta["label_column"] = label
        facets = [n for n in model.model_fields if fieldhelp.choices(model, n)]
        if facets:
            meta["facets"] = facets
        if "date" in model.model_fields:
            meta["sort"] = "date"
        tables[key] = meta
        for field in lists:
            source, target = _link_columns(facts, key, field)
            tables[_link_table(key, field)] = {
                "description": f"The {field} of each {facts.kind(key)}, one row each, in order"
                f" ({key}.{field}).",
                "columns": {
                    source: f"The {facts.kind(key)}.",
                    target: fieldhelp.meaning(model, field) or f"The {target}.",
                    "position": f"Its place in {key}.{field}, from 0.",
                },
            }
    return {
        "title": "kzafrica: Kazakhstan–Africa relations",
        "description": "FactBase from one news article on Kazakhstan–Africa relations, each with"
        " the article's own words as evidence. Start with the facts table: search it, or"
        " follow a record to its own table.",
        "source": f"News article, {article['date']}, {article['dateline']}",
        "databases": {database: {"tables": tables}},
    }
