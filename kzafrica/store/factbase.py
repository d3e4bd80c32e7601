"""The fact base as the queries see it: records by id, by collection and by reference.

Queries ask only these questions, so a store can answer each from an index and a query
costs what its answer costs. :class:`FactBase` answers them from a validated
:class:`~kzafrica.factfile.dataset.Dataset` held in memory; the indexed store answers the same
questions from disk with the same results, in the same order (file order).

Records are the plain dicts of a Dataset; :meth:`FactBase.expand` gives their output form,
references expanded to ``{id, name}`` (countries also carry ``code``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.references import referred

Record = dict[str, Any]

# The order of keys in output records: these first, evidence last, the rest as in the model.
_FIRST = ("id", "kind")
_LAST = ("evidence",)


class FactBase:
    """Questions every store answers, with an in-memory answer for each."""

    def __init__(self, dataset: Dataset) -> None:
        self.source = dataset.source
        self.articles: list[Record] = dataset.facts["articles"]
        self.references = dataset.references
        self.kinds = dataset.kinds
        self.collections = [key for key in dataset.kinds if key in dataset.facts]
        self._facts = dataset.facts
        self._by_id: dict[str, tuple[str, Record]] | None = None
        self._referrers: dict[str, list[tuple[str, Record]]] | None = None
        self._mentions: dict[str, frozenset[str]] = {}
        self._refs: dict[str, Record] = {}
        self._order: dict[str, tuple[int, str]] | None = None
        self._pairs: list[tuple[str, str, str]] | None = None

    # -- the primitives a store provides ---------------------------------------------

    def get(self, record_id: str) -> tuple[str, Record] | None:
        """(collection key, record) for an id, or None."""
        if self._by_id is None:
            self._by_id = {r["id"]: (key, r) for key in self.collections for r in self._facts[key]}
        return self._by_id.get(record_id)

    def ids(self) -> list[str]:
        """Every record id, in file order."""
        return [r["id"] for key in self.collections for r in self._facts[key]]

    def records(self, key: str) -> list[Record]:
        """The records of one collection, in file order."""
        return list(self._facts.get(key, []))

    def count(self, key: str) -> int:
        """How many records a collection has."""
        return len(self._facts.get(key, []))

    def referrers(self, target: str) -> list[tuple[str, Record]]:
        """(key, record) of every record that refers to ``target``, in file order."""
        if self._referrers is None:
            index: dict[str, list[tuple[str, Record]]] = {}
            for key, record in self.all():
                for other in dict.fromkeys(t for _, t in self.referenced(key, record)):
                    index.setdefault(other, []).append((key, record))
            self._referrers = index
        return list(self._referrers.get(target, []))

    # -- built on the primitives ---------------------------------------------------------

    def all(self) -> Iterator[tuple[str, Record]]:
        """Every record with its collection key, in file order."""
        for key in self.collections:
            for record in self.records(key):
                yield key, record

    def record(self, record_id: str) -> tuple[str, Record]:
        """(key, record) for an id that is known to exist (a validated reference)."""
        found = self.get(record_id)
        if found is None:
            raise KeyError(record_id)
        return found

    def referring(self, key: str, fields: Iterable[str], target: str) -> list[Record]:
        """Records of collection ``key`` whose ``fields`` refer to ``target``, in file order."""
        wanted = tuple(fields)
        out = []
        for other_key, record in self.referrers(target):
            if other_key == key and any(
                field in wanted for field, t in self.referenced(key, record) if t == target
            ):
                out.append(record)
        return out

    def mentioning(
        self, country: str, keys: Iterable[str] | None = None
    ) -> list[tuple[str, Record]]:
        """Records that mention ``country``: directly, or through a person, place,
        organization or event they refer to. In file order."""
        wanted = set(self.collections if keys is None else keys)
        found: dict[str, tuple[str, Record]] = {}
        if "countries" in wanted and self.get(country) is not None:
            found[country] = self.record(country)
        for key, record in self.referrers(country):
            if key in wanted:
                found[record["id"]] = (key, record)
            for second_key, second in self.referrers(record["id"]):
                if second_key in wanted and country in self.countries_of(second_key, second):
                    found[second["id"]] = (second_key, second)
        order = {record_id: n for n, record_id in enumerate(self.ids())}
        return sorted(found.values(), key=lambda item: order[item[1]["id"]])

    def article_ids(self) -> list[str]:
        """The ids of the articles, in file order (the first: the one plain excerpts are from)."""
        return [str(article["id"]) for article in self.articles]

    def article(self, article_id: str | None = None) -> Record:
        """An article by id (the first without one); KeyError for an unknown id."""
        for article in self.articles:
            if article_id is None or article["id"] == article_id:
                return article
        raise KeyError(article_id)

    def cites(self, record: Record) -> list[str]:
        """The ids of the articles a record's excerpts are from, in the articles' order."""
        return [source["id"] for source in self.sources(record)]

    def sources(self, record: Record) -> list[Record]:
        """The articles a record cites, in the articles' order, as output: ``{id, date}``."""
        if self._order is None:  # id -> (place, date): once, for a thousand articles
            self._order = {a["id"]: (n, a["date"]) for n, a in enumerate(self.articles)}
        order = self._order
        cited = {at.get("article") for at in record.get("evidence_at", ())}
        found = sorted(order[i] + (i,) for i in cited if i in order)
        return [{"id": i, "date": date} for _, date, i in found]

    def disagreements(self) -> list[tuple[str, str, str]]:
        """Each pair of records that disagree, once: (the one first in the file, the other,
        their kind), in file order (validation has made ``disagrees_with`` name both
        ways). One pass over the records, made once: the dump asks several times."""
        if self._pairs is None:
            order = {record_id: n for n, record_id in enumerate(self.ids())}
            self._pairs = [
                (record["id"], other, self.kind(key))
                for key, record in self.all()
                for other in record.get("disagrees_with") or ()
                if other in order and order[record["id"]] < order[other]
            ]
        return list(self._pairs)

    def kind(self, key: str) -> str:
        """The record kind of a collection ('visits' -> 'visit')."""
        return self.kinds[key]

    def name(self, record_id: str) -> str:
        """A human name for a record: its name, title or text, else its id."""
        record = self.record(record_id)[1]
        for field in ("name", "title", "text"):
            if isinstance(record.get(field), str):
                return str(record[field])
        return record_id

    def referenced(self, key: str, record: Record) -> Iterator[tuple[str, str]]:
        """(field, id) for every reference the record makes."""
        return iter(referred(record.get, self.references.get(key, {})))

    def countries_of(self, key: str, record: Record) -> frozenset[str]:
        """Country ids a record mentions (:func:`countries_mentioned` says which)."""
        found = self._mentions.get(record["id"])
        if found is None:
            own = record["id"] if key == "countries" else None
            targets = [t for _, t in self.referenced(key, record)]
            found = frozenset(countries_mentioned(own, targets, self._countries_through))
            self._mentions[record["id"]] = found
        return found

    def _countries_through(self, record_id: str) -> list[str]:
        key, record = self.record(record_id)
        targets = [t for _, t in self.referenced(key, record)]
        return countries_through(
            record_id, key == "countries", targets, lambda t: self.record(t)[0] == "countries"
        )

    def expand(self, key: str, record: Record) -> Record:
        """The output form of a record: kind added, references expanded, the articles it
        cites (``sources``) added, evidence last."""
        refs = self.references.get(key, {})
        out: Record = {"id": record["id"], "kind": self.kind(key)}
        for field, value in record.items():
            if field in _FIRST or field in _LAST or (field == "occurrences" and value is None):
                continue  # (a pin of excerpts is shown only where a record has one)
            if field in refs and value is not None:
                value = [self.ref(v) for v in value] if isinstance(value, list) else self.ref(value)
            elif field == "evidence_at":
                out["sources"] = self.sources(record)  # (just before the excerpts' places)
            out[field] = value
        for field in _LAST:
            if field in record:
                out[field] = record[field]
        return out

    def expand_all(self, key: str, records: list[Record]) -> list[Record]:
        """:meth:`expand` for many records of one collection at once."""
        return [self.expand(key, record) for record in records]

    def ref(self, record_id: str) -> Record:
        """A reference as output: ``{id, name}``, plus ``code`` for a country."""
        made = self._refs.get(record_id)
        if made is None:  # an answer refers to the same few records again and again
            key, record = self.record(record_id)
            made = {"id": record_id, "name": self.name(record_id)}
            if key == "countries":
                made["code"] = record["code"]
            self._refs[record_id] = made
        return dict(made)


def countries_mentioned(
    own: str | None, targets: Iterable[str], through: Callable[[str], list[str] | None]
) -> set[str]:
    """The one rule of which countries a record mentions: itself, if it is a country
    (``own``), and the countries each id it refers to (``targets``) brings, as
    :func:`countries_through` says (``through`` gives them for an id, None for none)."""
    named = set() if own is None else {own}
    for target in targets:
        more = through(target)
        if more:
            named.update(more)
    return named


def countries_through(
    record_id: str, is_country: bool, targets: Iterable[str], country: Callable[[str], bool]
) -> list[str]:
    """The countries a reference to a record brings into the referrer's: the record itself
    if it is a country, else the countries it refers to itself (a person's, a place's, an
    organization's, an event's): one step, no further."""
    return [record_id] if is_country else [t for t in targets if country(t)]


def describe(record: Record) -> str:
    """One line saying what an output record is, built from its fields."""
    if record["kind"] == "visit":
        who = (
            ", ".join(v["name"] for v in record.get("visitors") or [])
            or record.get("visitor_role")
            or ""
        )
        origin = ", ".join(c["name"] for c in record["origin"])
        return f"{who} ({origin}) → {record['destination']['name']}: {record['form']}"
    if record["kind"] == "trade":
        return f"trade with African countries: {record['amount']['as_stated']}"
    if record["kind"] == "figure":
        total = f" of {record['total']}" if record.get("total") is not None else ""
        return f"{record['subject']}: {record['value']}{total}"
    for field in ("title", "name", "text", "subject"):
        if isinstance(record.get(field), str):
            return str(record[field])
    if record["kind"] == "mission":
        return f"{record['type']}: {record.get('count')}"
    if record["kind"] == "membership":
        return f"{record['member']['name']}: {record['status']} of {record['organization']['name']}"
    return str(record["id"])
