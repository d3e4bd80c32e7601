"""The fact base as SQLite tables to browse: with Datasette, the sqlite3 shell or pandas.

:func:`write_browse_tables` creates and fills, on an open connection and inside the
caller's transaction, these tables, in this order (the order ``sqlite-utils tables`` and
``.tables`` list them in):

- ``facts``: every record once, with its kind, its table, a one-line ``name``, the
  articles it cites (``articles``) and its evidence;
- one table per collection (``countries``, ``visits``, …): one row per record, the
  fields the articles fill in some record as columns (a field empty in every record is
  left out), and:

  - a reference as the id it holds, with a foreign key to the table of the record it
    names (Datasette shows the name and links to it);
  - a list of references as the names, comma-separated (``visits.origin``: ``Rwanda``),
    with a link table ``<collection>_<field>`` (``visits_origin``: visit, country,
    position) holding the ids, with foreign keys both ways: Datasette links each row page
    to it;
  - an object as a column per part (``amount_value``, a number; ``amount_currency``, …),
    a list of text (``aliases``) as the texts, comma-separated;
  - ``label``, the one-line name, for a kind without a name, title or text of its own;
  - ``date_order``, for a kind with dates: the order the command line lists records in
    (by date, undated last);
  - ``disagrees_with``: the ids of the records of the same table that another article
    gives a different value in, comma-separated (only where some record has one);
  - ``articles``: the ids of the articles the record cites, as a JSON array (Datasette's
    array facet lists each article with its count of records, and filters by one);
  - ``evidence``: the record's excerpts, one a line;
- ``disagreements``: each pair of records that disagree, once (only where there is one);
- ``evidence``: one row per excerpt, with the ``article`` it is from (a foreign key) and
  its ``start`` and ``end`` offsets in that article's text
  (``substr(articles.text, start + 1, end - start)`` is the excerpt, whitespace aside:
  SQLite counts characters as Python does);
- ``articles``: the articles, one row each, with their texts;
- ``facts_fts``, an FTS5 index over the facts' names and evidence that ignores case and
  accents (``traore`` finds Traoré), which Datasette's search box uses.

:func:`kzafrica.store.dump_metadata.metadata` describes them for
Datasette. The tables need only the validated data, not the models (pydantic), so a store
may write them on its own path.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from kzafrica.factfile import dates, excerpts
from kzafrica.factfile.dataset import Dataset
from kzafrica.store.factbase import FactBase, Record, describe

HUB = "facts"
FTS = "facts_fts"
EVIDENCE = "evidence"
ARTICLES = "articles"  # the table of the articles, and each record's column of their ids
DISAGREEMENTS = "disagreements"
DISAGREES = "disagrees_with"
LABEL = "label"
DATE_ORDER = "date_order"
# Full-text search that ignores case and accents.
TOKENIZE = "unicode61 remove_diacritics 2"
# Record fields that are not columns as they stand: the evidence is one text column, and
# ``articles`` (the ids of the articles it cites) is made from where it stands.
_NOT_COLUMNS = ("evidence", "evidence_at", ARTICLES)
# Between the names of a list (as the command line's one-line names join them).
SEPARATOR = ", "


class Column(NamedTuple):
    """One column of a collection table: its name, its SQL type and constraints, the
    record field it shows ('' for one made from the whole record) and how:

    ``value`` as it is; ``ref`` an id; ``names`` the names of a list of references;
    ``texts`` a list of text; ``part`` one part of an object; ``label``, ``date_order``,
    ``disagrees_with``, ``articles`` and ``evidence`` (see the module's docs)."""

    name: str
    declared: str
    field: str
    shows: str
    part: str = ""


def q(name: str) -> str:
    """An SQL identifier, quoted (fields such as ``end`` and ``type`` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def table_names(dataset: Dataset) -> list[str]:
    """Every table :func:`write_browse_tables` creates, in order."""
    facts = FactBase(dataset)
    names = [HUB]
    for key in facts.collections:
        names.append(key)
        names += [link_table(key, field) for field in list_references(facts, key)]
    if facts.disagreements():
        names.append(DISAGREEMENTS)
    return [*names, EVIDENCE, ARTICLES, FTS]


def write_browse_tables(
    conn: sqlite3.Connection, dataset: Dataset, texts: Mapping[str, str]
) -> None:
    """Create and fill every browsing table on ``conn``, in the transaction the caller
    holds (nothing is committed here); ``texts`` holds every article's text, by id. A
    table that exists already is an error."""
    facts = FactBase(dataset)
    _hub(conn, facts)
    for key in facts.collections:
        _collection(conn, facts, key)
    _disagreements(conn, facts)
    _evidence(conn, facts, texts)
    _articles(conn, facts, texts)
    # An external-content index (content="facts"): Datasette finds it by that clause and
    # searches the facts table through it.
    conn.execute(
        f"CREATE VIRTUAL TABLE {q(FTS)} USING fts5({q('name')}, {q('evidence')},"
        f' content="{HUB}", tokenize="{TOKENIZE}")'
    )
    conn.execute(f"INSERT INTO {q(FTS)}({q(FTS)}) VALUES ('rebuild')")  # noqa: S608 - constants


def _hub(conn: sqlite3.Connection, facts: FactBase) -> None:
    conn.execute(
        f"CREATE TABLE {q(HUB)} ({q('id')} TEXT PRIMARY KEY NOT NULL, {q('kind')} TEXT NOT NULL,"
        f" {q('collection')} TEXT NOT NULL, {q('name')} TEXT NOT NULL,"
        f" {q(ARTICLES)} TEXT NOT NULL, {q('evidence')} TEXT NOT NULL)"
    )
    cited = ArticleIds(facts)
    hub = [
        (
            record["id"],
            facts.kind(key),
            key,
            _label(facts, key, record),
            cited.json(record),
            _excerpts(record),
        )
        for key, record in facts.all()
    ]
    _insert(conn, HUB, hub)


class ArticleIds:
    """The articles each record cites, in the articles' order, as the ``articles`` column
    holds them (a JSON array of ids: what Datasette's array facet reads)."""

    def __init__(self, facts: FactBase) -> None:
        # By position, once: FactBase.cites would walk the articles for every record.
        self._order = {article_id: n for n, article_id in enumerate(facts.article_ids())}
        self._first = facts.article_ids()[:1]

    def ids(self, record: Record) -> list[str]:
        found = {at.get("article") for at in record.get("evidence_at", ())}
        known = [i for i in found if isinstance(i, str) and i in self._order]
        return sorted(known, key=self._order.__getitem__) if known else list(self._first)

    def json(self, record: Record) -> str:
        return json.dumps(self.ids(record), ensure_ascii=False)


def _disagreements(conn: sqlite3.Connection, facts: FactBase) -> None:
    pairs = facts.disagreements()
    if not pairs:
        return  # a table with no rows says nothing
    conn.execute(
        f"CREATE TABLE {q(DISAGREEMENTS)} ("
        f"{q('record')} TEXT NOT NULL REFERENCES {q(HUB)}({q('id')}),"
        f" {q(DISAGREES)} TEXT NOT NULL REFERENCES {q(HUB)}({q('id')}),"
        f" {q('kind')} TEXT NOT NULL, PRIMARY KEY ({q('record')}, {q(DISAGREES)}))"
    )
    _insert(conn, DISAGREEMENTS, pairs)


def _evidence(conn: sqlite3.Connection, facts: FactBase, texts: Mapping[str, str]) -> None:
    conn.execute(
        f"CREATE TABLE {q(EVIDENCE)} ("
        f"{q('record')} TEXT NOT NULL REFERENCES {q(HUB)}({q('id')}),"
        f" {q('position')} INTEGER NOT NULL,"
        f" {q('article')} TEXT NOT NULL REFERENCES {q(ARTICLES)}({q('id')}),"
        f" {q('text')} TEXT NOT NULL, {q('start')} INTEGER, {q('end')} INTEGER,"
        f" PRIMARY KEY ({q('record')}, {q('position')}))"
    )
    # Datasette counts an article's excerpts on its page, and facets by article.
    conn.execute(f"CREATE INDEX {q(EVIDENCE + '_article')} ON {q(EVIDENCE)}({q('article')})")
    first = facts.article_ids()[0]
    finders: dict[str, excerpts.Finder] = {}

    def finder(article_id: str) -> excerpts.Finder:  # only for an excerpt not yet located
        if article_id not in finders:
            finders[article_id] = excerpts.Finder(texts[article_id])
        return finders[article_id]

    evidence = []
    for _key, record in facts.all():
        for position, (text, article, span) in enumerate(_located(record, first, finder)):
            start, end = (span.start, span.end) if span else (None, None)
            evidence.append((record["id"], position, article, text, start, end))
    _insert(conn, EVIDENCE, evidence)


def _label(facts: FactBase, key: str, record: Record) -> str:
    """The command line's one-line name: :func:`describe` of the record with its kind and
    its references expanded, all it reads (the rest of the output form, such as its
    sources, would cost the dump of many articles dearly and change nothing)."""
    refs = facts.references.get(key, {})
    shown: Record = {"kind": facts.kind(key)}
    for field, value in record.items():
        if field in refs and value is not None:
            value = [facts.ref(v) for v in value] if isinstance(value, list) else facts.ref(value)
        shown[field] = value
    return describe(shown)


def _excerpts(record: Record) -> str:
    return "\n".join(record["evidence"])


def _located(
    record: Record, first: str, finder: Callable[[str], excerpts.Finder]
) -> list[tuple[str, str, excerpts.Span | None]]:
    """Each excerpt with its article and its place there: the stored ones, else (an
    excerpt validation did not locate) the first article's, found now."""
    stored = record.get("evidence_at") or []
    if len(stored) == len(record["evidence"]):
        return [
            (text, at.get("article") or first, excerpts.Span(at["start"], at["end"]))
            for text, at in zip(record["evidence"], stored, strict=True)
        ]
    return [(text, first, finder(first).find(text)) for text in record["evidence"]]


def columns(facts: FactBase, key: str) -> list[Column]:
    """The columns of collection ``key``'s table, in order."""
    records = facts.records(key)
    refs = facts.references.get(key, {})
    tables = {kind: k for k, kind in facts.kinds.items()}
    lists = list_references(facts, key)
    fields: list[str] = []
    for record in records:
        fields += [n for n in record if n not in (*fields, "id", *_NOT_COLUMNS)]
    out = [Column("id", "TEXT PRIMARY KEY NOT NULL", "id", "value")]
    for name in fields:
        values = [r.get(name) for r in records]
        if all(_empty(v) for v in values):
            continue  # a column empty in every row says nothing
        if name in lists:
            out.append(Column(name, "TEXT", name, "names"))
        elif name in refs:
            target = tables.get(refs[name], HUB)
            out.append(Column(name, f"TEXT REFERENCES {q(target)}({q('id')})", name, "ref"))
        elif any(isinstance(v, dict) for v in values):
            parts: list[str] = []
            for value in values:
                parts += [p for p in (value or {}) if p not in parts]
            for part in parts:
                inner = [v.get(part) if isinstance(v, dict) else None for v in values]
                if not all(_empty(v) for v in inner):
                    out.append(Column(f"{name}_{part}", _sql_type(inner), name, "part", part))
        elif name == DISAGREES:
            out.append(Column(name, "TEXT", name, DISAGREES))
        elif any(isinstance(v, list) for v in values):
            out.append(Column(name, "TEXT", name, "texts"))
        else:
            out.append(Column(name, _sql_type(values), name, "value"))
        if name == "date":
            out.append(Column(DATE_ORDER, "INTEGER NOT NULL", "", DATE_ORDER))
    if not any(c.name in LABELS for c in out):
        out.insert(1, Column(LABEL, "TEXT NOT NULL", "", LABEL))
    out.append(Column(ARTICLES, "TEXT NOT NULL", "", ARTICLES))
    out.append(Column("evidence", "TEXT NOT NULL", "", "evidence"))
    return out


# The fields Datasette may show as a row's label, in order of preference.
LABELS = ("name", "title", "text")


def label_column(names: list[str]) -> str:
    """The column that names a row: its name, title or text, else the made one."""
    return next((n for n in LABELS if n in names), LABEL)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _cell(
    facts: FactBase,
    key: str,
    column: Column,
    record: Record,
    order: dict[str, int],
    cited: ArticleIds,
) -> Any:
    value = record.get(column.field) if column.field else None
    if column.shows == LABEL:
        return _label(facts, key, record)
    if column.shows == DATE_ORDER:
        return order[record["id"]]
    if column.shows == ARTICLES:
        return cited.json(record)
    if column.shows == DISAGREES:  # ids, not names: two records that disagree share a name
        return SEPARATOR.join(value) if value else None
    if column.shows == "evidence":
        return _excerpts(record)
    if column.shows == "names":
        return SEPARATOR.join(facts.name(v) for v in value) if value else None
    if column.shows == "texts":  # strings; objects (derived: {field, from, why}) a line each
        between = "\n" if any(isinstance(item, dict) for item in value or ()) else SEPARATOR
        return between.join(map(_text, value)) if value else None
    if column.shows == "part":
        return _sql_value(value.get(column.part)) if isinstance(value, dict) else None
    return _sql_value(value)


def _text(item: Any) -> str:
    """One item of a list: a string as it is, an object as ``key: value; ...``."""
    if isinstance(item, dict):
        return "; ".join(f"{key}: {value}" for key, value in item.items())
    return str(item)


def date_order(records: list[Record]) -> dict[str, int]:
    """Each record's place, from 1, in the command line's order: by first day, then last
    day, then id; undated records last, in file order (a stable sort)."""

    def by_date(record: Record) -> tuple[int, dt.date, dt.date, str]:
        date = record.get("date")
        if not isinstance(date, str):
            return 1, dt.date.max, dt.date.max, ""
        first, last = dates.record_span(date, record.get("end"))
        return 0, first, last, record["id"]

    return {r["id"]: n for n, r in enumerate(sorted(records, key=by_date), 1)}


def _collection(conn: sqlite3.Connection, facts: FactBase, key: str) -> None:
    records = facts.records(key)
    refs = facts.references.get(key, {})
    tables = {kind: k for k, kind in facts.kinds.items()}
    layout = columns(facts, key)
    order = date_order(records)
    cited = ArticleIds(facts)
    conn.execute(
        f"CREATE TABLE {q(key)} ({', '.join(f'{q(c.name)} {c.declared}' for c in layout)})"
    )
    _insert(
        conn, key, [tuple(_cell(facts, key, c, r, order, cited) for c in layout) for r in records]
    )
    for field in list_references(facts, key):
        source, target = link_columns(facts, key, field)
        table = link_table(key, field)
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


def list_references(facts: FactBase, key: str) -> list[str]:
    """The fields of a collection that hold a list of references (in some record: a
    field whose lists are all empty has neither a column nor a link table)."""
    refs = facts.references.get(key, {})
    records = facts.records(key)
    return [f for f in refs if any(isinstance(r.get(f), list) and r[f] for r in records)]


def link_table(key: str, field: str) -> str:
    return f"{key}_{field}"


def link_columns(facts: FactBase, key: str, field: str) -> tuple[str, str]:
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
            return "TEXT"
    return "TEXT"


def _sql_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def article_columns(facts: FactBase) -> list[str]:
    """The columns of the articles table: ``title`` only where some article has one."""
    titled = any(article.get("title") for article in facts.articles)
    return ["id", *(["title"] if titled else []), "date", "dateline", "source", "evidence", "text"]


def _articles(conn: sqlite3.Connection, facts: FactBase, texts: Mapping[str, str]) -> None:
    names = article_columns(facts)
    declared = {"id": "TEXT PRIMARY KEY NOT NULL", "title": "TEXT"}
    conn.execute(
        f"CREATE TABLE {q(ARTICLES)} ("
        + ", ".join(f"{q(n)} {declared.get(n, 'TEXT NOT NULL')}" for n in names)
        + ")"
    )
    rows = []
    for article in facts.articles:
        cells = article | {"evidence": _excerpts(article), "text": texts[article["id"]]}
        rows.append(tuple(cells.get(n) for n in names))
    _insert(conn, ARTICLES, rows)


# -- Datasette ---------------------------------------------------------------------------
