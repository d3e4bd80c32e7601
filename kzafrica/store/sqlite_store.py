"""The indexed store: validated facts in one SQLite file, each row checked when it is read.

One writer makes the file that serves as the validated-data cache, the prevalidated copy of
the shipped facts and the core of ``kzafrica dump``. A query reads only the rows its answer
needs: a record by id, a collection's id list, or the ids of the records that refer to (or
mention) a record, which that record's own row carries. So a filtered query costs what its
answer costs, however big the file.

Nothing read from the file is trusted. Every row carries a digest over everything in it;
a row whose digest does not match, a listed id with no row, JSON of the wrong shape or a
file SQLite cannot read raises :class:`StoreCorrupt`, and the caller validates the facts
afresh. The digest finds edits and damage; it is no secret, so the cache directory is kept
private to its user (see :mod:`kzafrica.store.cache`).

Tables (``kz_`` marks the query path's own; a dump adds browsing tables beside them):

- ``kz_meta``: one row, the store's format, key, record kinds, reference fields and article.
- ``kz_collections``: per collection, its record ids in file order.
- ``kz_records``: per record, its collection, its source article and its fields as JSON.
  Records of several articles fit in one file: the ``article`` column says which one a
  record cites.
- ``kz_links``: per record that something refers to (its ``linked`` flag), the ids of the
  records that refer to it (``referrers``) and, for a country, that mention it
  (``mentions``), each by collection; apart from the record, so that reading a record
  never pays for its (possibly long) lists.
"""

import contextlib
import functools
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.references import referred
from kzafrica.store.factbase import FactBase, Record, countries_mentioned, countries_through

try:  # the builtin BLAKE2: importing hashlib would also load OpenSSL, a few ms per run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - every CPython has _blake2; other Pythons may not
    from hashlib import blake2b

FORMAT = 1
_RECORD_COLUMNS = "id, collection, article, body, linked, digest"
_BATCH = 500  # ids per SELECT ... IN (...): under SQLite's limit of bound parameters

SCHEMA = """
CREATE TABLE kz_meta (
    format INTEGER NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE TABLE kz_collections (
    collection TEXT PRIMARY KEY,
    ids TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE TABLE kz_records (
    id TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    article TEXT NOT NULL,
    body TEXT NOT NULL,
    linked TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE TABLE kz_links (
    id TEXT PRIMARY KEY,
    referrers TEXT NOT NULL,
    mentions TEXT NOT NULL,
    digest TEXT NOT NULL
);
"""


class StoreCorrupt(Exception):
    """The store is not exactly what kzafrica wrote: validate the facts again."""


def digest(*parts: str) -> str:
    """A row's digest: BLAKE2b over its columns, each prefixed with its length (so that no
    two different rows hash the same text)."""
    text = "".join(f"{len(part)}:{part}" for part in parts)
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _row_digest(a: str, b: str, c: str, d: str, e: str) -> str:
    """``digest(a, b, c, d, e)``, written out: a record row's, computed for every record."""
    text = f"{len(a)}:{a}{len(b)}:{b}{len(c)}:{c}{len(d)}:{d}{len(e)}:{e}"
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


_ESCAPED = re.compile(r'[\x00-\x1f"\\]')  # what JSON escapes in a string, non-ASCII kept


def _json_ids(ids: list[str]) -> str:
    """``_dumps(ids)`` for a list of ids, joined directly when none needs escaping: the
    lists of a big file's links hold hundreds of thousands."""
    if not ids or _ESCAPED.search("".join(ids)) is not None:
        return _dumps(ids)
    return '["' + '","'.join(ids) + '"]'


def _json_groups(groups: dict[str, list[str]]) -> str:
    """``_dumps(groups)`` for ids by collection."""
    return "{" + ",".join(f"{_dumps(key)}:{_json_ids(ids)}" for key, ids in groups.items()) + "}"


# -- writing -----------------------------------------------------------------------------


class Batch(NamedTuple):
    """Records of one collection as the store holds them, made where they were validated
    (on a big file, in the worker that validated them: see :mod:`kzafrica.store.firstrun`)."""

    ids: list[str]
    bodies: list[str]  # each record as JSON
    digests: list[str]  # each row's digest as if nothing referred to it (`linked` "0")
    targets: list[tuple[str, ...]]  # per record, the ids it refers to, each once, in order


class Prepared(NamedTuple):
    """Validated facts ready to write: the article, and every collection in batches."""

    article: dict[str, Any]
    references: dict[str, dict[str, str]]
    kinds: dict[str, str]
    collections: dict[str, list[Batch]]  # in the order of ``kinds``
    source: str  # the source article's file name, recorded on every record


def batch(collection: str, records: Iterable[Record], source: str, fields: Iterable[str]) -> Batch:
    """The rows of ``records`` of ``collection``, whose reference fields are ``fields``."""
    fields = tuple(fields)
    ids: list[str] = []
    bodies: list[str] = []
    targets: list[list[str]] = []
    for record in records:
        ids.append(record["id"])
        bodies.append(_ENCODER.encode(record))
        targets.append([target for _, target in referred(record.get, fields)])
    return batch_of(collection, source, ids, bodies, targets)


def batch_of(
    collection: str, source: str, ids: list[str], bodies: list[str], targets: list[list[str]]
) -> Batch:
    """The rows of records of ``collection``: their ids, JSON bodies, and the ids each refers
    to (in order, repeats allowed)."""
    stamp = _row_digest
    return Batch(
        ids,
        bodies,
        [stamp(i, collection, source, body, "0") for i, body in zip(ids, bodies, strict=True)],
        [tuple(dict.fromkeys(found)) if found else () for found in targets],
    )


def prepare(dataset: Dataset, article: str = "") -> Prepared:
    """``dataset`` ready to write; ``article`` names the source article (by default, the
    one its ``article.source`` names)."""
    source = article or str(dataset.facts["article"].get("source", ""))
    collections = {
        key: [batch(key, dataset.facts[key], source, dataset.references.get(key, {}))]
        for key in dataset.kinds
        if key in dataset.facts
    }
    return Prepared(
        dataset.facts["article"], dataset.references, dataset.kinds, collections, source
    )


def write(conn: sqlite3.Connection, facts: Dataset | Prepared, key: str, article: str = "") -> None:
    """Create the query path's tables in ``conn`` and fill them from ``facts``.

    ``key`` says what the store was made from (see :mod:`kzafrica.store.cache`); ``article`` is
    the source article's file name, recorded on every record (for a Dataset; Prepared
    facts carry theirs). The caller commits.
    """
    ready = facts if isinstance(facts, Prepared) else prepare(facts, article)
    for statement in SCHEMA.split(";"):  # not executescript: it would commit the caller's
        if statement.strip():  # transaction (a dump writes more tables in the same one)
            conn.execute(statement)
    source = ready.source
    meta = _dumps(
        {
            "article": ready.article,
            "kinds": ready.kinds,
            "references": ready.references,
            "collections": list(ready.collections),
        }
    )
    conn.execute(
        "INSERT INTO kz_meta VALUES (?, ?, ?, ?)",
        (FORMAT, key, meta, digest(str(FORMAT), key, meta)),
    )
    for collection, batches in ready.collections.items():
        ids = _json_ids([i for part in batches for i in part.ids])
        conn.execute(
            "INSERT INTO kz_collections VALUES (?, ?, ?)",
            (collection, ids, digest(collection, ids)),
        )
    # `linked` says whether a record has a row of links (only records that something refers
    # to do): checked with the record, so that a missing row of links is damage. Every record
    # goes in as unlinked while its links are worked out (on a big file, by a forked child
    # on the other core); the linked ones are then marked, their digests made anew.
    from kzafrica.store import parallel

    count = sum(len(part.ids) for batches in ready.collections.values() for part in batches)
    work = functools.partial(_link_rows, ready)
    with parallel.aside(work) if count >= ASIDE else contextlib.nullcontext(work) as links:
        conn.executemany(
            "INSERT INTO kz_records VALUES (?, ?, ?, ?, ?, ?)",
            (
                (i, collection, source, body, "0", stamp)
                for collection, batches in ready.collections.items()
                for part in batches
                for i, body, stamp in zip(part.ids, part.bodies, part.digests, strict=True)
            ),
        )
        marks, rows = links()
    conn.executemany("UPDATE kz_records SET linked = '1', digest = ? WHERE id = ?", marks)
    conn.executemany("INSERT INTO kz_links VALUES (?, ?, ?, ?)", rows)


ASIDE = 20_000  # records: a store this big has its links worked out on the other core


def _link_rows(facts: Prepared) -> tuple[list[tuple[str, str]], list[tuple[str, ...]]]:
    """The linked records' new (digest, id), and the rows of ``kz_links``, in id order."""
    referrers, mentions = _links(facts)
    linked = referrers.keys() | mentions.keys()
    # By position, so that only the linked records' bodies are touched (in a forked child,
    # touching an object copies its page).
    marks = [
        (_row_digest(i, collection, facts.source, part.bodies[n], "1"), i)
        for collection, batches in facts.collections.items()
        for part in batches
        for n, i in enumerate(part.ids)
        if i in linked
    ]
    rows = [
        _row(i, _json_groups(referrers.get(i, {})), _json_groups(mentions.get(i, {})))
        for i in sorted(linked)
    ]
    return marks, rows


def _row(*columns: str) -> tuple[str, ...]:
    return (*columns, digest(*columns))


Groups = dict[str, dict[str, list[str]]]  # record id -> collection -> ids, in file order


def _links(facts: Prepared) -> tuple[Groups, Groups]:
    """For every record, the records that refer to it and, for a country, the records
    that mention it (as :func:`~kzafrica.store.factbase.countries_mentioned` says), in one
    pass over the facts."""
    country_ids = {i for part in facts.collections.get("countries", []) for i in part.ids}
    is_country = country_ids.__contains__
    # Per record, the countries a reference to it brings (its own, for a country).
    through: dict[str, list[str]] = {}
    for key, batches in facts.collections.items():
        for part in batches:
            for record_id, targets in zip(part.ids, part.targets, strict=True):
                found = countries_through(record_id, key == "countries", targets, is_country)
                if found:
                    through[record_id] = found
    through_get = through.get
    referrers: Groups = {}
    mentions: Groups = {}
    for key, batches in facts.collections.items():
        in_countries = key == "countries"
        # This collection's part of every list: each list grows in file order.
        refer: dict[str, list[str]] = {}
        mention: dict[str, list[str]] = {}
        for part in batches:
            for record_id, targets in zip(part.ids, part.targets, strict=True):
                for target in targets:
                    ids = refer.get(target)
                    if ids is None:
                        refer[target] = [record_id]
                    else:
                        ids.append(record_id)
                own = record_id if in_countries else None
                for country in countries_mentioned(own, targets, through_get):
                    ids = mention.get(country)
                    if ids is None:
                        mention[country] = [record_id]
                    else:
                        ids.append(record_id)
        for target, ids in refer.items():
            referrers.setdefault(target, {})[key] = ids
        for country, ids in mention.items():
            mentions.setdefault(country, {})[key] = ids
    return referrers, mentions


# -- reading -----------------------------------------------------------------------------


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
            raise StoreCorrupt("made for other data or by another version")
        if not isinstance(body, str) or stamp != digest(str(fmt), str(stored_key), body):
            raise StoreCorrupt("meta row does not match its digest")
        meta = _load(body, dict)
        article, kinds = meta.get("article"), meta.get("kinds")
        references, collections = meta.get("references"), meta.get("collections")
        if not (
            isinstance(article, dict)
            and isinstance(kinds, dict)
            and isinstance(references, dict)
            and isinstance(collections, list)
        ):
            raise StoreCorrupt("meta row has the wrong shape")
        self.source = source
        self.article = article
        self.kinds = kinds
        self.references = references
        self.collections = collections
        self._rows: dict[str, tuple[str, Record]] = {}
        self._links: dict[str, tuple[str, str]] = {}
        self._lists: dict[str, list[str]] = {}
        self._mentions = {}
        self._refs = {}
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
