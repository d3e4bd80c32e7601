"""The indexed store: validated facts in one SQLite file; its format, and its writer.

One writer makes the file that serves as the validated-data cache, the prevalidated copy of
the shipped facts and the core of ``kzafrica dump``. A query reads only the rows its answer
needs: a record by id, a collection's id list, or the ids of the records that refer to (or
mention) a record, which that record's own row carries. So a filtered query costs what its
answer costs, however big the file.

Nothing read from the file is trusted: every row carries a digest over everything in it,
which the reader (:mod:`kzafrica.store.stored_facts`) checks as it reads the row. The
digest finds edits and damage; it is no secret, so the cache directory is kept private to
its user (see :mod:`kzafrica.store.cache`).

Tables (``kz_`` marks the query path's own; a dump adds browsing tables beside them):

- ``kz_meta``: one row, the store's format, key, record kinds, reference fields and articles.
- ``kz_collections``: per collection, its record ids in file order.
- ``kz_records``: per record, its collection, the file's first article and its fields as
  JSON (the fields' ``evidence_at`` says which article each excerpt is from).
- ``kz_links``: per record that something refers to (its ``linked`` flag), the ids of the
  records that refer to it (``referrers``) and, for a country, that mention it
  (``mentions``), each by collection; apart from the record, so that reading a record
  never pays for its (possibly long) lists.
"""

import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any, NamedTuple

from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.references import referred
from kzafrica.store.factbase import Record, countries_mentioned, countries_through

try:  # the builtin BLAKE2: importing hashlib would also load OpenSSL, a few ms per run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - every CPython has _blake2; other Pythons may not
    from hashlib import blake2b

FORMAT = 2  # 2: `articles` (a list) in kz_meta, each evidence_at names its article

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


def digest(*parts: str) -> str:
    """A row's digest: BLAKE2b over its columns, each prefixed with its length (so that no
    two different rows hash the same text)."""
    # Fed to the hash part by part: joining them first would copy every record's body once
    # more (a twentieth of a big file's first run).
    made = blake2b(digest_size=20)
    for part in parts:
        made.update(b"%d:" % len(part))
        made.update(part.encode("utf-8", "surrogatepass"))
    return made.hexdigest()


# The store's JSON: compact, non-ASCII kept. Every row's JSON is made by this one encoder
# (the fast first run's too), so that equal data gives equal rows and digests.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_ESCAPED = re.compile(r'[\x00-\x1f"\\]')  # what JSON escapes in a string, non-ASCII kept


def _json_ids(ids: list[str]) -> str:
    """``compact_json(ids)`` for a list of ids, joined directly when none needs escaping: the
    lists of a big file's links hold hundreds of thousands."""
    if not ids or _ESCAPED.search("".join(ids)) is not None:
        return compact_json(ids)
    return '["' + '","'.join(ids) + '"]'


def _json_groups(groups: dict[str, list[str]]) -> str:
    """``compact_json(groups)`` for ids by collection."""
    return (
        "{" + ",".join(f"{compact_json(key)}:{_json_ids(ids)}" for key, ids in groups.items()) + "}"
    )


# -- writing -----------------------------------------------------------------------------


class Batch(NamedTuple):
    """Records of one collection as the store holds them, made where they were validated
    (on a big file, in the worker that validated them: see :mod:`kzafrica.store.firstrun`)."""

    ids: list[str]
    bodies: list[str]  # each record as JSON
    digests: list[str]  # each row's digest as if nothing referred to it (`linked` "0")
    targets: list[tuple[str, ...]]  # per record, the ids it refers to, each once, in order


class Prepared(NamedTuple):
    """Validated facts ready to write: the articles, and every collection in batches."""

    articles: list[dict[str, Any]]
    references: dict[str, dict[str, str]]
    kinds: dict[str, str]
    collections: dict[str, list[Batch]]  # in the order of ``kinds``
    source: str  # the file's first article's id, recorded on every record


def batch_of_records(
    collection: str, records: Iterable[Record], source: str, fields: Iterable[str]
) -> Batch:
    """The rows of ``records`` of ``collection``, whose reference fields are ``fields``."""
    fields = tuple(fields)
    ids: list[str] = []
    bodies: list[str] = []
    targets: list[list[str]] = []
    for record in records:
        ids.append(record["id"])
        bodies.append(compact_json(record))
        targets.append([target for _, target in referred(record.get, fields)])
    return batch_of_json(collection, source, ids, bodies, targets)


def batch_of_json(
    collection: str, source: str, ids: list[str], bodies: list[str], targets: list[list[str]]
) -> Batch:
    """The rows of records of ``collection``: their ids, JSON bodies, and the ids each refers
    to (in order, repeats allowed)."""
    stamp = digest
    return Batch(
        ids,
        bodies,
        [stamp(i, collection, source, body, "0") for i, body in zip(ids, bodies, strict=True)],
        [tuple(dict.fromkeys(found)) if found else () for found in targets],
    )


def prepare(dataset: Dataset, article: str = "") -> Prepared:
    """``dataset`` ready to write; ``article`` is recorded on every record (by default,
    the id of its first article)."""
    source = article or first_article(dataset.facts["articles"])
    collections = {
        key: [batch_of_records(key, dataset.facts[key], source, dataset.references.get(key, {}))]
        for key in dataset.kinds
        if key in dataset.facts
    }
    return Prepared(
        dataset.facts["articles"], dataset.references, dataset.kinds, collections, source
    )


def first_article(articles: list[dict[str, Any]]) -> str:
    """The id of the first of validated ``articles``: the one plain excerpts are from."""
    return str(articles[0]["id"]) if articles else ""


def write(conn: sqlite3.Connection, facts: Dataset | Prepared, key: str, article: str = "") -> None:
    """Create the query path's tables in ``conn`` and fill them from ``facts``.

    ``key`` says what the store was made from (see :mod:`kzafrica.store.cache`); ``article`` is
    the id of the file's first article, recorded on every record (for a Dataset; Prepared
    facts carry theirs). The caller commits.
    """
    ready = facts if isinstance(facts, Prepared) else prepare(facts, article)
    for statement in SCHEMA.split(";"):  # not executescript: it would commit the caller's
        if statement.strip():  # transaction (a dump writes more tables in the same one)
            conn.execute(statement)
    source = ready.source
    meta = compact_json(
        {
            "articles": ready.articles,
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
    # to do): checked with the record, so that a missing row of links is damage.
    linked, rows = _link_rows(ready)
    conn.executemany(
        "INSERT INTO kz_records VALUES (?, ?, ?, ?, ?, ?)",
        (
            (i, collection, source, body, "1", linked[i])
            if i in linked
            else (i, collection, source, body, "0", stamp)
            for collection, batches in ready.collections.items()
            for part in batches
            for i, body, stamp in zip(part.ids, part.bodies, part.digests, strict=True)
        ),
    )
    conn.executemany("INSERT INTO kz_links VALUES (?, ?, ?, ?)", rows)


def _link_rows(facts: Prepared) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """The linked records' digests (their rows say linked), by id, and the rows of
    ``kz_links``, in id order."""
    referrers, mentions = _links(facts)
    linked = referrers.keys() | mentions.keys()
    marks = {
        i: digest(i, collection, facts.source, part.bodies[n], "1")
        for collection, batches in facts.collections.items()
        for part in batches
        for n, i in enumerate(part.ids)
        if i in linked
    }
    rows = [
        _with_digest(i, _json_groups(referrers.get(i, {})), _json_groups(mentions.get(i, {})))
        for i in sorted(linked)
    ]
    return marks, rows


def _with_digest(*columns: str) -> tuple[str, ...]:
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
