"""Validating a facts file in the plain block layout piece by piece: the fast first run.

:func:`check` reads the file with :mod:`kzafrica.factfile.blockyaml` a piece at a time (top-level
entries, or a few hundred items of a collection), validates each piece's records with the
models and keeps only their JSON-ready form, so the raw data and the model objects of the
whole file are never held at once. The result is exactly what
``FactsFile.model_validate(...).model_dump(mode="json")`` gives for the same file.

It answers None whenever anything is unusual or wrong (a layout the fast reader leaves to
the strict one, a validation error, a reference problem): the caller then
runs the reference path, :func:`kzafrica.factfile.yamlsafe.load` and
:func:`kzafrica.factfile.validation.check`, which reports every problem with its line.
"""

from __future__ import annotations

import codecs
import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from annotated_types import MinLen
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from kzafrica.factfile import articles, blockyaml, excerpts, references
from kzafrica.factfile.blockyaml import Piece
from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.models import KINDS, REFERENCES, FactsFile, article_problems
from kzafrica.factfile.references import DERIVED, derived_from, referred
from kzafrica.store import twocores
from kzafrica.store.mutual import mutual
from kzafrica.store.piecerows import Entry, PieceRows
from kzafrica.store.sqlite_store import Prepared

PIECE = 512 * 1024  # bytes in a piece, at most: a few thousand records
_FREEZE = 2 * 1024 * 1024  # bytes: a file this big has data gc.freeze() is worth
_TWO_CORES = 2 * 1024 * 1024  # bytes: a file this big is read on two cores, where there are

# The top-level keys of the articles: read before the records, whose excerpts are theirs.
_ARTICLES = (None, "articles", "article")


def _pieces(data: bytes) -> list[Piece] | None:
    """The pieces of ``data`` for the fast path, with the models made ready; None where the
    fast path does not apply."""
    if not _facts_as_expected():
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    # Pieces small enough to keep little in memory at once, big enough to share repeated
    # lines.
    parts = blockyaml.pieces(data, min(PIECE, max(len(data) // 32, PIECE // 32)), start)
    if parts:
        _adapters()
    return parts


def check(file: str, data: bytes) -> Dataset | None:
    """The validated facts in ``data`` (the file's bytes), or None for the reference path to
    run instead. The file is decoded a piece at a time: never whole, as one string."""
    parts = _pieces(data)
    if not parts:
        return None
    memo: dict[str, Any] = {}  # repeated values, shared within each process

    def work(part: Piece) -> list[Entry] | None:
        return _validate(data, part, memo)

    with _no_gc():
        found = twocores.each(work, parts)
        if found is None:
            return None
        facts = _assemble([entry for entries in found for entry in entries])
        if facts is None or references_wrong(facts) or _articles_wrong(facts):
            return None
        # Every excerpt must be the article's, and evidence_at says where, as on the
        # reference path; an excerpt that is not goes that way to be reported.
        if excerpts.annotate(facts, file):
            return None
        if len(data) >= _FREEZE:
            # A big file's data lives for the rest of the run: out of the collector's sight
            # for good, or it walks the millions of objects again (a third of a second).
            gc.freeze()
    return Dataset(facts=facts, references=REFERENCES, kinds=KINDS, source=file)


def rows(file: str, data: bytes) -> Prepared | None:
    """What :func:`check` gives, ready for the store (:mod:`kzafrica.store.sqlite_store`).

    Each piece's excerpts are located and its rows made as soon as it is validated, so that
    a big file's records never stay in memory as objects: only their JSON, digests and ids.
    None wherever :func:`check` gives None, and where the article is not a top-level
    entry of its own: the caller then validates with :func:`kzafrica.store.access.validate`.
    """
    parts = _pieces(data)
    if not parts:
        return None
    memo: dict[str, Any] = {}
    with _no_gc():
        # Top-level entries that are no list of records (the articles among them) are read
        # first: every piece's excerpts are located in their articles.
        heads: dict[int, list[Entry]] = {}
        for number, part in enumerate(parts):
            if part.key in _ARTICLES:
                read = _validate(data, part, memo, models=True)
                if read is None:
                    return None
                heads[number] = [_json_ready(entry) for entry in read]
        locator = _locator(heads, file)
        if locator is None:
            return None
        source = locator.first or ""
        as_rows = PieceRows(locator, source)

        def work(part: Piece) -> list[Entry] | None:
            entries = _validate(data, part, memo, models=True)
            return None if entries is None else as_rows(entries)

        listed = [part for part in parts if part.key not in _ARTICLES]
        if len(data) >= _TWO_CORES:
            found = twocores.share(lambda number: work(listed[number]), len(listed))
        else:
            found = twocores.each(work, listed)
        if found is None:
            return None
        results = iter(found)
        entries: list[Entry] = []
        for number, part in enumerate(parts):  # in file order, as check assembles them
            if part.key not in _ARTICLES:
                entries += next(results)
                continue
            made = as_rows([e for e in heads[number] if e[0] not in _ARTICLES])
            if made is None:
                return None
            entries += [e for e in heads[number] if e[0] in _ARTICLES]
            entries += made
        prepared = _assemble_rows(entries, source, locator.listed)
        if len(data) >= _FREEZE:
            gc.freeze()  # as in check: out of the collector's sight for the rest of the run
    return prepared


def _json_ready(entry: Entry) -> Entry:
    """The articles of an entry as JSON-ready data (records stay models)."""
    key, value, first = entry
    if key == "articles" and isinstance(value, list):
        value = [article.model_dump(mode="json") for article in value]
    return key, value, first


def _locator(heads: dict[int, list[Entry]], file: str) -> excerpts.Locator | None:
    """The locator of the articles read (each article's own excerpts found in it), or
    None where anything is unusual: the reference path then says what."""
    pieces = _gathered([entry for number in sorted(heads) for entry in heads[number]])
    if pieces is None:
        return None
    found = {key: _joined(key, values) for key, values in pieces.items() if key in _ARTICLES}
    listed = articles.listed(found)
    ids = [article.get("id") for article in listed]
    if not listed or len(set(ids)) != len(ids) or ("article" in found and "articles" in found):
        return None
    locator = excerpts.Locator(listed, file)
    for article in listed:
        spans = locator.spans(article["evidence"], None, article["id"])
        if spans is None:
            return None
        article["evidence_at"] = spans
    return locator


def _joined(key: str, values: list[Any]) -> Any:
    """A top-level value read in pieces, whole: a list of articles may span several."""
    if key == "articles":
        return [article for value in values for article in value]
    return values[0]


def _assemble_rows(
    entries: list[Entry], source: str, listed: list[dict[str, Any]]
) -> Prepared | None:
    """:func:`_assemble` and :func:`references_wrong` for entries made by
    :class:`~kzafrica.store.piecerows.PieceRows`: a collection is its list of
    :class:`~kzafrica.store.piecerows.Part` s; ``listed``: the articles, located."""
    pieces = _gathered(entries)
    if pieces is None:
        return None
    found = {
        key: _joined(key, values) if key in _ARTICLES else values for key, values in pieces.items()
    }

    def size(name: str, value: Any) -> int:
        if name in _ARTICLES:
            return len(value) if value else 0
        return sum(len(p.rows.ids) for p in value)

    made = _in_model_order(found, size)
    if made is None:
        return None
    if any(made[name] not in ([], None) for name in made if name not in found):
        return None  # a default other than no records: this path does not know it
    if _rows_wrong(made):
        return None
    collections = {key: [p.rows for p in made[key]] for key in KINDS if key in made}
    named = {i: others for key in collections for p in made[key] for i, others in p.disagreeing}
    settled = mutual(collections, named, source)
    if settled is None:
        return None
    return Prepared(listed, REFERENCES, KINDS, settled, source)


def _rows_wrong(made: dict[str, Any]) -> bool:
    """:func:`references_wrong` for collections of :class:`~kzafrica.store.piecerows.Part` s."""
    ids = {key: [i for part in made.get(key, []) for i in part.rows.ids] for key in REFERENCES}
    named = {
        key: {
            field: set().union(*(part.named[field] for part in made.get(key, [])))
            for field in fields
        }
        for key, fields in REFERENCES.items()
    }
    derived = set().union(*(part.derived for key in REFERENCES for part in made.get(key, [])))
    return references.any_wrong(ids, named, REFERENCES, KINDS, derived)


def _validate(
    data: bytes, part: Piece, memo: dict[str, Any], *, models: bool = False
) -> list[Entry] | None:
    """Read and validate one piece: its top-level entries, JSON-ready, or None. With
    ``models``, a list of records stays a list of the models' objects."""
    read = blockyaml.read_piece(data, part, memo)
    if read is None:
        return None
    if part.key is None:
        assert isinstance(read, dict)
        entries = list(read.items())
    else:
        entries = [(part.key, read)]
    adapters = _adapters()
    out: list[Entry] = []
    for key, value in entries:
        adapter = adapters.get(key)
        if adapter is None:
            return None  # an unknown top-level key
        try:
            valid = adapter.validate_python(value)
        except ValidationError:
            return None
        if not (models and isinstance(valid, list)):
            valid = adapter.dump_python(valid, mode="json")
        out.append((key, valid, part.number == 0))
    return out


def _assemble(entries: list[Entry]) -> dict[str, Any] | None:
    """The whole of the facts, in the model's order, as ``FactsFile`` would validate them."""
    pieces = _gathered(entries)
    if pieces is None:
        return None
    found = {
        key: values[0] if len(values) == 1 else [item for value in values for item in value]
        for key, values in pieces.items()
    }
    return _in_model_order(found, lambda name, value: len(value))


def _gathered(entries: list[Entry]) -> dict[str, list[Any]] | None:
    """Each top-level key's values, piece by piece in file order; None for a key given
    twice."""
    found: dict[str, list[Any]] = {}
    for key, value, first in entries:
        if first:
            if key in found:
                return None  # a duplicate top-level key
            found[key] = [value]
        else:
            found[key].append(value)
    return found


def _in_model_order(
    found: dict[str, Any], size: Callable[[str, Any], int]
) -> dict[str, Any] | None:
    """The top-level values ``found``, in the model's order, as ``FactsFile`` checks them:
    none too short (``size`` measures a value), none required missing, a missing one its
    default (JSON-ready). None where one is not so, or a key is not the model's."""
    out: dict[str, Any] = {}
    for name, field in FactsFile.model_fields.items():
        if name in found:
            for rule in field.metadata:
                if not isinstance(rule, MinLen) or size(name, found[name]) < rule.min_length:
                    return None  # too short, or a constraint this path does not know
            out[name] = found[name]
        elif field.is_required():
            return None
        else:
            default = field.get_default(call_default_factory=True)
            out[name] = _adapters()[name].dump_python(default, mode="json")
    return out if found.keys() <= out.keys() else None  # a key left over is unknown


def references_wrong(facts: dict[str, Any]) -> bool:
    """Whether :func:`kzafrica.factfile.models.reference_problems` finds anything in
    validated facts: :func:`kzafrica.factfile.references.any_wrong`, the same rule with set
    operations, several times faster on a big file. The tests hold the two to one answer."""
    try:
        ids = {key: [record["id"] for record in facts[key]] for key in REFERENCES}
        named = {
            key: {field: _named(facts[key], field) for field in fields}
            for key, fields in REFERENCES.items()
        }
        derived = {
            target
            for key in REFERENCES
            for record in facts[key]
            for target in derived_from(record.get(DERIVED))
        }
    except KeyError:  # a collection or a record without a field: never after validation
        return True
    return references.any_wrong(ids, named, REFERENCES, KINDS, derived)


def _articles_wrong(facts: dict[str, Any]) -> bool:
    """Whether :func:`kzafrica.factfile.models.article_problems` finds anything in validated
    facts (the fast path validates pieces, not the whole file's model)."""
    listed = facts.get("articles") or facts.get("article")
    records = ((key, n, r) for key in REFERENCES for n, r in enumerate(facts.get(key, [])))
    return bool(article_problems(listed, records)) or bool(
        facts.get("articles") and facts.get("article")
    )


def _named(records: list[dict[str, Any]], field: str) -> set[str]:
    """The ids ``field`` names across ``records``."""
    return {target for record in records for _, target in referred(record.__getitem__, (field,))}


@functools.cache
def _adapters() -> dict[str, TypeAdapter[Any]]:
    """A validator for each top-level field of ``FactsFile``, strict as ``FactsFile`` is."""
    out: dict[str, TypeAdapter[Any]] = {}
    for name, field in FactsFile.model_fields.items():
        kind: Any = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out[name] = TypeAdapter(kind)  # a model brings its own (strict) configuration
        else:
            out[name] = TypeAdapter(kind, config=_STRICT)
    return out


_STRICT = ConfigDict(strict=True)


@functools.cache
def _facts_as_expected() -> bool:
    """Whether ``FactsFile`` checks nothing beyond what this path repeats: its fields, no
    unknown keys, and the references. Another rule sends every file the reference way."""
    rules = FactsFile.__pydantic_decorators__
    return (
        FactsFile.model_config.get("extra") == "forbid"
        and set(rules.model_validators) == {"_references_resolve"}
        and not (rules.validators or rules.field_validators or rules.root_validators)
    )


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while millions of small objects are made and kept.

    The collector would walk them all several times; nothing made here forms cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
