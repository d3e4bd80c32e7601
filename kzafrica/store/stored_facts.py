"""Reading the indexed store: :class:`StoredFacts` answers a query from a store file.

A query reads only the rows its answer needs (the format is
:mod:`kzafrica.store.sqlite_store`'s). Nothing read from the file is trusted: a row whose
digest does not match, a listed id with no row, JSON of the wrong shape, a schema other
than the one written, or a file SQLite cannot read raises :class:`StoreCorrupt`, and the
caller validates the facts afresh.
"""

import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kzafrica.store.factbase import FactBase, Record
from kzafrica.store.sqlite_store import FORMAT, SCHEMA, digest

_RECORD_COLUMNS = "id, collection, article, body, linked, digest"
_BATCH = 500  # ids per SELECT ... IN (...): under SQLite's limit of bound parameters


class StoreCorrupt(Exception):
    """The store is not exactly what kzafrica wrote: validate the facts again."""


class OtherKey(StoreCorrupt):
    """The store was made for other data, code or libraries: its key is ``stored``."""

    def __init__(self, stored: str) -> None:
        super().__init__("made for other data or by another version")
        self.stored = stored


class StoredFacts(FactBase):
    """:class:`FactBase` answered from a store file: rows are read, and checked, on demand."""

    def __init__(self, conn: sqlite3.Connection, key: str, source: str) -> None:
        self._conn = conn
        try:
            # A file made to look like a store could hold views or triggers that run
            # functions or never end: only the exact tables written here are read.
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.set_progress_handler(_budget(_MAX_STEPS), 10_000)
            schema = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
            if not _expected_schema(schema):
                raise StoreCorrupt("not the schema kzafrica writes")
            row = conn.execute("SELECT format, key, body, digest FROM kz_meta").fetchall()
        except (sqlite3.Error, ValueError) as exc:  # ValueError: text that is not UTF-8
            raise StoreCorrupt(f"unreadable: {exc}") from None
        if len(row) != 1:
            raise StoreCorrupt("no single meta row")
        fmt, stored_key, body, stamp = row[0]
        if fmt != FORMAT or stored_key != key:
            raise OtherKey(str(stored_key))
        if not isinstance(body, str) or stamp != digest(str(fmt), str(stored_key), body):
            raise StoreCorrupt("meta row does not match its digest")
        meta = _load(body, dict)
        articles, kinds = meta.get("articles"), meta.get("kinds")
        references, collections = meta.get("references"), meta.get("collections")
        if not (
            isinstance(articles, list)
            and all(isinstance(a, dict) and isinstance(a.get("id"), str) for a in articles)
            and isinstance(kinds, dict)
            and isinstance(references, dict)
            and isinstance(collections, list)
        ):
            raise StoreCorrupt("meta row has the wrong shape")
        self.source = source
        self.articles = articles
        self.kinds = kinds
        self.references = references
        self.collections = collections
        self._rows: dict[str, tuple[str, Record]] = {}
        self._links: dict[str, tuple[str, str]] = {}
        self._lists: dict[str, list[str]] = {}
        self._mentions = {}
        self._refs = {}
        self._order = None
        self._pairs = None
        self.entry: Path | None = None  # the cache entry it came from, to set aside if bad

    # -- rows, checked ---------------------------------------------------------------------

    def _collection(self, key: str) -> list[str]:
        found = self._lists.get(key)
        if found is not None:
            return found
        if key not in self.collections:
            return []
        rows = self._query("SELECT ids, digest FROM kz_collections WHERE collection = ?", (key,))
        if len(rows) != 1 or rows[0][1] != digest(key, str(rows[0][0])):
            raise StoreCorrupt(f"the list of {key} is missing or altered")
        ids = _ids(_load(rows[0][0], list))
        self._lists[key] = ids
        return ids

    def _fetch(self, ids: Iterable[str], *, listed: bool = True) -> None:
        """Read and check the rows of ``ids`` not read yet. Listed ids (from a checked
        list or a checked record) must each have a row."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._rows]
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            marks = ",".join("?" * len(batch))  # placeholders only: the ids are bound
            sql = f"SELECT {_RECORD_COLUMNS} FROM kz_records WHERE id IN ({marks})"  # noqa: S608
            for row in self._query(sql, batch):
                if not all(isinstance(c, str) for c in row) or row[5] != digest(*row[:5]):
                    raise StoreCorrupt(f"record {row[0]!r} does not match its digest")
                record = _load(row[3], dict)
                if record.get("id") != row[0] or row[1] not in self.collections:
                    raise StoreCorrupt(f"record {row[0]!r} has the wrong shape")
                self._rows[row[0]] = (row[1], record)
                if row[4] != "1":
                    self._links[row[0]] = ("{}", "{}")  # nothing refers to it
            missing = [i for i in batch if i not in self._rows]
            if missing and listed:
                raise StoreCorrupt(f"record {missing[0]!r} is listed but missing")

    def _query(self, sql: str, args: Iterable[Any]) -> list[Any]:
        try:
            return self._conn.execute(sql, tuple(args)).fetchall()
        except (sqlite3.Error, ValueError) as exc:  # ValueError: text that is not UTF-8
            raise StoreCorrupt(f"unreadable: {exc}") from None

    def _in(self, key: str, ids: list[str]) -> list[Record]:
        self._fetch(ids)
        out = []
        for record_id in ids:
            collection, record = self._rows[record_id]
            if collection != key:
                raise StoreCorrupt(f"record {record_id!r} is not in {key}")
            out.append(record)
        return out

    def _index(self, target: str, column: int) -> dict[str, list[str]]:
        """The ids of the records that refer to (column 1) or mention (column 2) a record
        that exists, by collection, from its checked row of links."""
        self._fetch([target])
        links = self._links.get(target)
        if links is None:
            rows = self._query(
                "SELECT id, referrers, mentions, digest FROM kz_links WHERE id = ?", (target,)
            )
            if len(rows) != 1 or not all(isinstance(c, str) for c in rows[0]):
                raise StoreCorrupt(f"the links of {target!r} are missing")
            if rows[0][3] != digest(*rows[0][:3]):
                raise StoreCorrupt(f"the links of {target!r} do not match their digest")
            links = self._links[target] = (rows[0][1], rows[0][2])
        groups = _load(links[column - 1], dict)
        return {k: _ids(v) for k, v in groups.items() if k in self.collections}

    # -- the primitives of FactBase -----------------------------------------------------------

    def get(self, record_id: str) -> tuple[str, Record] | None:
        if _undecodable(record_id):
            return None  # a name typed in another encoding names no record
        found = self._rows.get(record_id)
        if found is None:
            self._fetch([record_id], listed=False)
            found = self._rows.get(record_id)
        return None if found is None else (found[0], found[1])

    def expand_all(self, key: str, records: list[Record]) -> list[Record]:
        # One read for every record the answer refers to, not one per reference.
        self._fetch(t for record in records for _, t in self.referenced(key, record))
        return super().expand_all(key, records)

    def ids(self) -> list[str]:
        return [i for key in self.collections for i in self._collection(key)]

    def records(self, key: str) -> list[Record]:
        return self._in(key, self._collection(key))

    def count(self, key: str) -> int:
        return len(self._collection(key))

    def referrers(self, target: str) -> list[tuple[str, Record]]:
        if self.get(target) is None:
            return []
        groups = self._index(target, 1)
        return [(k, r) for k in self.collections for r in self._in(k, groups.get(k, []))]

    def referring(self, key: str, fields: Iterable[str], target: str) -> list[Record]:
        if self.get(target) is None:
            return []
        wanted = tuple(fields)
        return [
            record
            for record in self._in(key, self._index(target, 1).get(key, []))
            if any(f in wanted for f, t in self.referenced(key, record) if t == target)
        ]

    def mentioning(
        self, country: str, keys: Iterable[str] | None = None
    ) -> list[tuple[str, Record]]:
        found = self.get(country)
        if found is None or found[0] != "countries":
            return []
        wanted = set(self.collections if keys is None else keys)
        groups = self._index(country, 2)
        return [
            (k, r) for k in self.collections if k in wanted for r in self._in(k, groups.get(k, []))
        ]


_MAX_STEPS = 2_000_000_000  # SQLite VM steps a run may take: far beyond any real answer
_TABLES = {" ".join(sql.split()) for sql in SCHEMA.split(";") if sql.strip()}


def _budget(steps: int) -> Callable[[], int]:
    """A progress handler that stops a statement once ``steps`` VM steps have run."""
    left = [steps // 10_000]

    def tick() -> int:
        left[0] -= 1
        return 1 if left[0] < 0 else 0

    return tick


def _expected_schema(rows: list[Any]) -> bool:
    """True when the file holds exactly the tables written here (and their key indexes)."""
    tables = set()
    for kind, name, sql in rows:
        if kind == "table" and isinstance(sql, str):
            tables.add(" ".join(sql.split()))
        elif not (kind == "index" and sql is None and str(name).startswith("sqlite_autoindex_kz_")):
            return False
    return tables == _TABLES


def _load(text: Any, kind: type) -> Any:
    try:
        value = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        raise StoreCorrupt("a row is not JSON") from None
    if not isinstance(value, kind):
        raise StoreCorrupt("a row has the wrong shape")
    return value


def _ids(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise StoreCorrupt("an id list has the wrong shape")
    return value


def _undecodable(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (bytes that were not UTF-8, as Python reads
    a command line in another encoding): SQLite cannot be asked for it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
