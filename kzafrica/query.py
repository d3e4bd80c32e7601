"""Pure functions over validated facts: lookup, country and date resolution, filters, search.

Records here are the plain dicts of a :class:`~kzafrica.dataset.Dataset`, asked of a
:class:`~kzafrica.factbase.Facts`; output records have references expanded to ``{id, name}``
(countries also carry ``code``) so that a script needs no second lookup. No Typer, no Rich,
no printing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from kzafrica import countries, dates
from kzafrica.countries import CountryMatch as CountryMatch  # re-exported for callers
from kzafrica.errors import UsageError
from kzafrica.factbase import Facts, Record


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text``: 'Traoré' and 'TRAORE' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# -- countries ------------------------------------------------------------------------


def resolve_country(facts: Facts, text: str) -> CountryMatch:
    """Resolve a name (official, short, common or former, any spelling), an ISO
    alpha-2/alpha-3 code or a demonym, in any case, with or without accents."""
    if not text.strip():
        raise UsageError("--country needs a country name or ISO code, e.g. --country Rwanda")
    match = countries.resolve(facts.records("countries"), text)
    if match is not None:
        return match
    close = countries.suggest(facts.records("countries"), text)
    hint = (
        f"; did you mean {' or '.join(close)}?"
        if close
        else "; use a country name, an ISO 3166-1 code or a demonym"
    )
    raise UsageError(f"unknown country {printable(text)}{hint}")


# -- dates --------------------------------------------------------------------------


class Window(NamedTuple):
    """A --since/--until window; either end may be open."""

    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def open(self) -> bool:
        return self.since is None and self.until is None

    def admits(self, record: Record) -> bool:
        """True when the record's date (or range) overlaps the window. Undated records
        only pass an open window."""
        if self.open:
            return True
        date = record.get("date")
        if not isinstance(date, str):
            return False
        return dates.overlaps(date, record.get("end"), self.since, self.until)


def window(since: str | None, until: str | None) -> Window:
    """Parse --since/--until (YYYY, YYYY-MM or YYYY-MM-DD) at their own precision."""
    start = end = None
    try:
        if since is not None:
            start = dates.span(since.strip())[0]
        if until is not None:
            end = dates.span(until.strip())[1]
    except dates.DateError as exc:
        raise UsageError(f"bad date: {exc}") from None
    if start is not None and end is not None and start > end:
        raise UsageError(f"--since {since} is after --until {until}")
    return Window(start, end)


def sort_key(record: Record) -> tuple[dt.date, dt.date, str]:
    """Chronological order: by first day, then last day, then id."""
    first, last = dates.record_span(record["date"], record.get("end"))
    return first, last, record["id"]


# -- selections ------------------------------------------------------------------------


def select(
    facts: Facts,
    keys: Iterable[str],
    *,
    where: Callable[[str, Record], bool] = lambda key, record: True,
    country: CountryMatch | None = None,
    fields: tuple[str, ...] = (),
) -> list[Record]:
    """Expanded records of the given collections that satisfy ``where``, in file order.

    With ``country``, only records that mention it (in ``fields`` if given, else anywhere),
    asked of the store's index so that the cost follows the answer, not the file.
    """
    out = []
    for key in keys:
        if country is None:
            pool = facts.records(key)
        elif country.id is None:  # a real country the fact base does not mention
            pool = []
        elif fields:
            pool = facts.referring(key, fields, country.id)
        else:
            pool = [record for _, record in facts.mentioning(country.id, [key])]
        out += facts.expand_all(key, [record for record in pool if where(key, record)])
    return out


def dated_collections(facts: Facts) -> list[str]:
    """Collections whose records can carry a date."""
    # Every record of a collection has the same fields, so the first one tells.
    return [key for key in facts.collections if "date" in next(iter(facts.records(key)), {})]


def search(facts: Facts, text: str) -> list[Record]:
    """Every record with a string field containing ``text``, case- and accent-insensitive."""
    wanted = fold(text.strip())
    if not wanted:
        raise UsageError("search needs some text, e.g. kzafrica search grain")
    return select(
        facts,
        facts.collections,
        where=lambda key, record: any(wanted in fold(s) for s in _strings(record)),
    )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def show(facts: Facts, record_id: str) -> Record:
    """One record with every field, the records it references and those that refer to it."""
    found = facts.get(record_id.strip()) or facts.get(record_id.strip().lower())
    if found is None:
        close = difflib.get_close_matches(record_id, facts.ids(), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; list ids with kzafrica search"
        raise UsageError(f"unknown id {printable(record_id)}{hint}")
    key, record = found
    out = facts.expand(key, record)
    evidence = out.pop("evidence")
    out["references"] = [
        {
            "field": field,
            "id": target,
            "kind": facts.kind(facts.record(target)[0]),
            "name": facts.name(target),
        }
        for field, target in facts.referenced(key, record)
    ]
    out["referenced_by"] = [
        {"id": other["id"], "kind": facts.kind(other_key), "name": facts.name(other["id"])}
        for other_key, other in facts.referrers(record["id"])
    ]
    out["evidence"] = evidence
    return out


def country_counts(facts: Facts) -> list[Record]:
    """Every country with its codes and how many other records mention it."""
    counts = dict.fromkeys((r["id"] for r in facts.records("countries")), 0)
    for key, record in facts.all():
        if key == "countries":
            continue
        for country in facts.countries_of(key, record):
            counts[country] += 1
    out = []
    for record in facts.records("countries"):
        row = facts.expand("countries", record)
        evidence = row.pop("evidence")
        row["records"] = counts[record["id"]]
        row["evidence"] = evidence
        out.append(row)
    return out


def summary(facts: Facts) -> Record:
    """A newcomer's overview: counts, trade trend, latest and upcoming events."""
    published = dates.span(facts.article["date"])[0]
    timeline = sorted(
        (r for r in select(facts, ["visits", "events"]) if r.get("date")), key=sort_key
    )
    held = [r for r in timeline if r.get("status", "held") == "held" and not r.get("approximate")]
    upcoming = [
        r
        for r in timeline
        if r.get("status") == "planned" or dates.record_span(r["date"], r.get("end"))[0] > published
    ]
    return {
        "article": facts.article,
        "counts": {key: facts.count(key) for key in facts.collections},
        "trade": [
            {
                "id": r["id"],
                "date": r["date"],
                "value": r["amount"]["value"],
                "currency": r["amount"]["currency"],
                "qualifier": r["amount"]["qualifier"],
                "as_stated": r["amount"]["as_stated"],
            }
            for r in sorted(facts.records("trade"), key=sort_key)
        ],
        "latest": [_brief(r) for r in held[-5:][::-1]],
        "upcoming": [_brief(r) for r in upcoming],
    }


def _brief(record: Record) -> Record:
    return {
        "id": record["id"],
        "kind": record["kind"],
        "date": record["date"],
        "end": record.get("end"),
        "name": describe(record),
    }


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
    for field in ("title", "name", "text", "subject"):
        if isinstance(record.get(field), str):
            return str(record[field])
    if record["kind"] == "mission":
        return f"{record['type']}: {record.get('count')}"
    if record["kind"] == "membership":
        return f"{record['member']['name']}: {record['status']} of {record['organization']['name']}"
    return str(record["id"])


# -- one function per question a command answers ------------------------------------------


def visits(
    facts: Facts, country: CountryMatch | None, window: Window, status: str | None
) -> list[Record]:
    """Visits either way that touch ``country`` (either side), in the window, of a status."""
    return select(
        facts,
        ["visits"],
        where=lambda key, r: window.admits(r) and status in (None, r["status"]),
        country=country,
        fields=("origin", "destination"),
    )


def trade(facts: Facts, window: Window) -> list[Record]:
    """Trade volumes in the window, oldest first."""
    return sorted(select(facts, ["trade"], where=lambda key, r: window.admits(r)), key=sort_key)


def goods(facts: Facts, direction: str, country: CountryMatch | None) -> list[Record]:
    """Exports or imports; with a country, those the article ties to it."""
    return select(
        facts,
        ["goods"],
        where=lambda key, r: r["direction"] == direction,
        country=country,
        fields=("countries",),
    )


def people(facts: Facts, country: CountryMatch | None) -> list[Record]:
    """People, of one country if given."""
    return select(facts, ["people"], country=country, fields=("country",))


def quotes(facts: Facts, speaker: str | None, contains: str | None) -> list[Record]:
    """Quotes whose speaker's name holds ``speaker`` and whose words hold ``contains``,
    ignoring case and accents."""
    who, words = fold(speaker or ""), fold(contains or "")
    return select(
        facts,
        ["quotes"],
        where=lambda key, r: who in fold(facts.name(r["speaker"])) and words in fold(r["text"]),
    )


def organizations(facts: Facts) -> list[Record]:
    """Organizations, then memberships and statuses, then strategies."""
    return select(facts, ["organizations", "memberships", "strategies"])


def missions(facts: Facts) -> list[Record]:
    """Diplomatic missions over time and honorary consuls."""
    return select(facts, ["missions"])


def timeline(
    facts: Facts, country: CountryMatch | None, kind: str | None, window: Window
) -> list[Record]:
    """Every dated record, oldest first; ``kind`` is a record kind or its list's name."""
    keys = dated_collections(facts)
    if kind is not None:
        kinds = {facts.kind(k): k for k in facts.collections}
        key = kinds.get(kind.strip().lower()) or (kind if kind in facts.collections else None)
        if key is None:
            raise UsageError(f"unknown kind {printable(kind)}; choose from {', '.join(kinds)}")
        keys = [key] if key in keys else []
    rows = select(
        facts, keys, where=lambda key, r: bool(r.get("date")) and window.admits(r), country=country
    )
    return sorted(rows, key=sort_key)


def printable(text: str, limit: int = 80) -> str:
    """User input echoed in a message: quoted, control characters escaped, shortened."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown) if not shown.isprintable() else f"'{shown}'"
