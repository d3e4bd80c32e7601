"""Disagreements made mutual in the rows of the fast first run.

A maintainer writes ``disagrees_with`` on one of two records that disagree (the newer
article's, typically); validation makes it mutual (:func:`kzafrica.factfile.articles.symmetric`).
The fast first run (:mod:`kzafrica.store.firstrun`) makes each record's row as soon as its
piece is validated, before the other records are seen: here, once every row is made, the
few rows whose list grows are written again, so that the store holds what the reference
path gives. Anything the reference path would report (a record of another kind, itself,
an id no record has) gives None: that path then says what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from kzafrica.store.sqlite_store import Batch, compact_json, digest


def mutual(
    collections: Mapping[str, list[Batch]], named: Mapping[str, tuple[str, ...]], source: str
) -> dict[str, list[Batch]] | None:
    """``collections`` (batches of rows by collection) with every record named in
    ``named`` (record id -> the ids its ``disagrees_with`` lists, as written) given the
    mutual list, in file order; None where a listed id is not a record of the same kind."""
    if not named:
        return dict(collections)
    kinds: dict[str, str] = {}
    order: dict[str, int] = {}
    for key, batches in collections.items():
        for batch in batches:
            for record_id in batch.ids:
                kinds[record_id] = key
                order[record_id] = len(order)
    pairs: dict[str, set[str]] = {}
    for record_id, others in named.items():
        for other in others:
            if other == record_id or kinds.get(other) != kinds.get(record_id):
                return None
            pairs.setdefault(record_id, set()).add(other)
            pairs.setdefault(other, set()).add(record_id)
    out: dict[str, list[Batch]] = {}
    for key, batches in collections.items():
        out[key] = [_rewritten(key, batch, pairs, named, order, source) for batch in batches]
    return out


def _rewritten(
    key: str,
    batch: Batch,
    pairs: Mapping[str, set[str]],
    named: Mapping[str, tuple[str, ...]],
    order: Mapping[str, int],
    source: str,
) -> Batch:
    """``batch`` with the rows whose mutual list differs from the one written made again."""
    if not any(record_id in pairs for record_id in batch.ids):
        return batch
    bodies, digests = list(batch.bodies), list(batch.digests)
    for n, record_id in enumerate(batch.ids):
        wanted = sorted(pairs.get(record_id, ()), key=order.__getitem__)
        if wanted and list(named.get(record_id, ())) != wanted:
            record = json.loads(bodies[n])
            record["disagrees_with"] = wanted
            bodies[n] = compact_json(record)
            digests[n] = digest(record_id, key, source, bodies[n], "0")
    return batch._replace(bodies=bodies, digests=digests)
