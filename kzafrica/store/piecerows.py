"""A validated piece of a facts file as the store's rows: the fast first run's last step.

:mod:`kzafrica.store.firstrun` validates a big file a piece at a time; :class:`PieceRows`
makes each piece's records into their rows at once (their JSON, digests and the ids they
name), so that the records never stay in memory as objects. It runs in this process and,
on two cores, in a forked worker (:mod:`kzafrica.store.twocores`): what it gives back is
plain data, cheap to send.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from kzafrica.factfile import excerpts
from kzafrica.factfile.models import REFERENCES
from kzafrica.factfile.references import DERIVED, derived_from, referred
from kzafrica.store import sqlite_store
from kzafrica.store.sqlite_store import Batch

# What one piece gives: (top-level key, JSON-ready value or Part, first piece of its key?).
Entry = tuple[str, Any, bool]
# An excerpt (its article, words, occurrence).
_Excerpt = tuple[object, object, object]
# A place as compact_json writes it (ids need no escaping: [a-z0-9-]).
_AT = '{{"article":"{article}","start":{start},"end":{end}}}'


class Part(NamedTuple):
    """A piece of a collection, made ready: its rows, the ids each reference field names,
    the ids its ``derived`` entries name, and the disagreements its records list."""

    rows: Batch
    named: dict[str, set[str]]
    derived: frozenset[str] = frozenset()
    # Records whose `disagrees_with` lists something: (id, the ids it lists).
    disagreeing: tuple[tuple[str, tuple[str, ...]], ...] = ()


class PieceRows:
    """Makes validated pieces into rows; ``source`` is the id of the file's first article,
    recorded on every record. Each distinct excerpt is located once in a run."""

    def __init__(self, locator: excerpts.Locator, source: str) -> None:
        self.locator = locator
        self.source = source
        self._places: dict[_Excerpt, str | None] = {}  # as JSON; None: not in its article

    def __call__(self, entries: list[Entry]) -> list[Entry] | None:
        """Validated top-level entries (lists of records as models) with each list made into
        a :class:`Part`, its excerpts located; None if one is not found, or anything is
        unusual.

        A record's JSON is pydantic's (``to_json``, for speed): the very text the store's
        :func:`~kzafrica.store.sqlite_store.compact_json` gives for its
        ``model_dump(mode="json")`` (the models hold no floats), with ``evidence_at`` added
        last, as :func:`kzafrica.factfile.excerpts.annotate` adds it. The tests hold the rows
        to the store the reference path makes.
        """
        out: list[Entry] = []
        located: dict[Any, str | None] = {}  # lists of excerpts (and pins) -> evidence_at
        for key, records, first in entries:
            fields = REFERENCES.get(key)
            if fields is None or not isinstance(records, list):
                return None
            named: dict[str, set[str]] = {field: set() for field in fields}
            derived: set[str] = set()
            ids: list[str] = []
            bodies: list[str] = []
            targets: list[list[str]] = []
            disagreeing: list[tuple[str, tuple[str, ...]]] = []
            for record in records:
                record_id = getattr(record, "id", None)
                evidence = getattr(record, "evidence", None)
                pins = getattr(record, "occurrences", None)
                if type(record_id) is not str or type(evidence) is not list:
                    return None
                others = getattr(record, "disagrees_with", None)
                if others:  # made mutual once every row is made (kzafrica.store.mutual)
                    disagreeing.append((record_id, tuple(others)))
                if all(type(item) is str for item in evidence):
                    # A big file repeats whole lists of excerpts of its first article.
                    pinned = (tuple(evidence), None if pins is None else tuple(pins))
                    at = located.get(pinned, "")
                    if at == "":
                        at = located[pinned] = self._places_of(evidence, pins)
                else:  # excerpts of other articles: rarely a list another record has
                    at = self._places_of(evidence, pins)
                if at is None:
                    return None
                body = _body(record, record_id, evidence)
                if body is None:
                    return None
                ids.append(record_id)
                bodies.append(f'{body[:-1]},"evidence_at":{at}}}')
                pairs = referred(record.__dict__.get, fields)  # a model keeps its fields there
                for field, target in pairs:
                    named[field].add(target)
                targets.append([target for _, target in pairs])
                derived.update(derived_from(record.__dict__.get(DERIVED)))
            rows = sqlite_store.batch_of_json(key, self.source, ids, bodies, targets)
            out.append((key, Part(rows, named, frozenset(derived), tuple(disagreeing)), first))
        return out

    def _places_of(self, evidence: list[Any], pins: Any) -> str | None:
        """A record's ``evidence_at`` as JSON, or None if an excerpt is not in its
        article."""
        out = []
        for position, item in enumerate(evidence):
            nth = pins[position] if pins else 1
            if type(item) is str:
                key: _Excerpt = (self.locator.first, item, nth)
            else:
                key = (getattr(item, "article", None), getattr(item, "excerpt", None), nth)
            if key not in self._places:
                found = self.locator.spans([item], [nth])
                self._places[key] = None if found is None else _AT.format_map(found[0])
            place = self._places[key]
            if place is None:
                return None
            out.append(place)
        return "[" + ",".join(out) + "]"


def _body(record: Any, record_id: str, evidence: list[Any]) -> str | None:
    """A record's JSON as :func:`kzafrica.factfile.excerpts.annotate` leaves it, without its
    ``evidence_at``: each excerpt its words, whichever article it is from. None where the
    record is not as expected (the reference path then makes the rows).

    Pydantic writes every field but ``evidence``, which goes in after ``id``, where the
    models have it: serializing it would call Python for every excerpt (the union's
    discriminator), which is slower, and would swallow a Ctrl-C that lands there (pydantic
    takes a failing discriminator for a value of another form)."""
    if not _evidence_after_id(record.__class__):
        return None
    body: str = record.__pydantic_serializer__.to_json(record, exclude=_EVIDENCE).decode("utf-8")
    key = f'"id":{sqlite_store.compact_json(record_id)}'
    at = body.find(key)
    # The record's own `id`, not one in an object before it (a quote in a string is escaped).
    if at < 0 or body.find("{", 1, at) >= 0 or not body.endswith("}"):
        return None
    at += len(key)
    said = [item if type(item) is str else getattr(item, "excerpt", None) for item in evidence]
    return f'{body[:at]},"evidence":{sqlite_store.compact_json(said)}{body[at:]}'


_EVIDENCE = {"evidence"}


@functools.cache
def _evidence_after_id(model: type) -> bool:
    """Whether the fields of ``model`` (a record's class) have ``evidence`` right after
    ``id``, as their JSON does."""
    fields = list(getattr(model, "model_fields", {}))
    return "id" in fields and fields[fields.index("id") + 1 :][:1] == ["evidence"]
