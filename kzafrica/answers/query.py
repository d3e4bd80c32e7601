"""Pure functions over validated facts: lookup, country and date resolution, filters, search.

Records here are the plain dicts of a :class:`~kzafrica.factfile.dataset.Dataset`, asked of
a :class:`~kzafrica.store.factbase.FactBase`; output records have references expanded to
``{id, name}`` (countries also carry ``code``) so that a script needs no second lookup.
No Typer, no Rich, no printing.
"""

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from kzafrica.answers import countries
from kzafrica.answers.countries import CountryMatch as CountryMatch  # re-exported for callers
from kzafrica.answers.textfold import fold as fold  # the one folding of text, for the CLI too
from kzafrica.factfile import dates
from kzafrica.factfile.errors import UsageError
from kzafrica.store.factbase import FactBase, Record, describe

# -- countries ------------------------------------------------------------------------


def resolve_country(facts: FactBase, text: str) -> CountryMatch:
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
    """A --since/--until window; either end may be open. With ``certain``, only records
    that certainly fall inside it pass."""

    since: dt.date | None = None
    until: dt.date | None = None
    certain: bool = False

    @property
    def open(self) -> bool:
        return self.since is None and self.until is None

    def placement(self, record: Record) -> str | None:
        """Where a record stands against the window: ``certain`` when its whole span is
        inside and its date is not approximate, ``possible`` when it only overlaps (an
        approximate date, or a span that reaches outside), None when it is outside or
        undated."""
        date = record.get("date")
        if not isinstance(date, str):
            return None
        first, last = dates.record_span(date, record.get("end"))
        if (self.since is not None and last < self.since) or (
            self.until is not None and first > self.until
        ):
            return None
        inside = (self.since is None or first >= self.since) and (
            self.until is None or last <= self.until
        )
        return "certain" if inside and not record.get("approximate") else "possible"

    def admits(self, record: Record) -> bool:
        """True when the record's date (or range) overlaps the window (with ``certain``:
        lies certainly inside it). Undated records only pass an open window."""
        if self.open:
            return True
        placed = self.placement(record)
        return placed == "certain" if self.certain else placed is not None

    def mark(self, rows: list[Record]) -> list[Record]:
        """Output records with ``in_window`` (before the evidence) when a window is given."""
        if self.open:
            return rows
        return [with_field(row, "in_window", self.placement(row)) for row in rows]


def window(since: str | None, until: str | None, certain: bool = False) -> Window:
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
    if certain and start is None and end is None:
        raise UsageError("--certain needs a window: add --since or --until")
    return Window(start, end, certain)


_LAST = dt.date.max


def sort_key(record: Record) -> tuple[int, dt.date, dt.date, str]:
    """Chronological order: by first day, then last day, then id; undated records last
    (a stable sort keeps them in file order)."""
    date = record.get("date")
    if not isinstance(date, str):
        return 1, _LAST, _LAST, ""
    first, last = dates.record_span(date, record.get("end"))
    return 0, first, last, record["id"]


def chronological(rows: Iterable[Record]) -> list[Record]:
    """Records by :func:`sort_key`: the default order of every list of dated records."""
    return sorted(rows, key=sort_key)


def with_field(record: Record, name: str, value: Any) -> Record:
    """A copy of an output record with ``name`` added just before its evidence."""
    out = {k: v for k, v in record.items() if k != "evidence"}
    out[name] = value
    if "evidence" in record:
        out["evidence"] = record["evidence"]
    return out


# -- selections ------------------------------------------------------------------------


def select(
    facts: FactBase,
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


def dated_collections(facts: FactBase) -> list[str]:
    """Collections whose records can carry a date."""
    # Every record of a collection has the same fields, so the first one tells.
    return [key for key in facts.collections if "date" in next(iter(facts.records(key)), {})]


def search(facts: FactBase, text: str) -> list[Record]:
    """Every record with a field holding ``text`` (any case, accents, apostrophes, dashes),
    each with ``matched``: the fields that hold it. Records whose own fields hold it come
    first, those that hold it only in their evidence after them; each group in file order."""
    wanted = folded_filter(text, "search needs some text, e.g. kzafrica search grain")
    own: list[Record] = []
    evidence_only: list[Record] = []
    for key, record in facts.all():
        row = facts.expand(key, record)
        matched = [path for path, value in _strings(row) if wanted in fold(value)]
        if not matched:
            continue
        found = with_field(row, "matched", list(dict.fromkeys(matched)))
        (evidence_only if set(matched) == {"evidence"} else own).append(found)
    return own + evidence_only


def folded_filter(text: str | None, hint: str) -> str:
    """The folded form of a text filter that must not be empty."""
    wanted = fold(text or "")
    if not wanted:
        raise UsageError(hint)
    return wanted


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) for every string in an output record but its kind; the paths
    are the names --fields and the CSV header use (``visitors.name``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not (path == "" and key == "kind"):
                yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


def show(facts: FactBase, record_id: str) -> Record:
    """One record with every field, the records it references and those that refer to it."""
    found = facts.get(record_id.strip()) or facts.get(record_id.strip().lower())
    if found is None:
        # Ids are lower case: `show KAGAME` is compared as `kagame`.
        close = difflib.get_close_matches(record_id.lower(), facts.ids(), n=3, cutoff=0.5)
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


def country_counts(facts: FactBase) -> list[Record]:
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


def summary(facts: FactBase) -> Record:
    """A newcomer's overview: counts, trade trend, latest and upcoming events."""
    # Upcoming: after the newest article's date.
    published = max(dates.span(article["date"])[0] for article in facts.articles)
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
        "articles": facts.articles,
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


# -- one function per question a command answers ------------------------------------------


def visits(
    facts: FactBase,
    country: CountryMatch | None,
    window: Window,
    status: str | None,
    origin: CountryMatch | None = None,
    destination: CountryMatch | None = None,
) -> list[Record]:
    """Visits that touch ``country`` (either side), come from ``origin`` and go to
    ``destination``, in the window, of a status; oldest first."""
    sides = [
        (match, fields)
        for match, fields in (
            (origin, ("origin",)),
            (destination, ("destination",)),
            (country, ("origin", "destination")),
        )
        if match is not None
    ]
    # The first country filter is asked of the store's index; the others are checked on
    # the records it gives.
    first, rest = (sides[0], sides[1:]) if sides else ((None, ()), [])

    def keep(key: str, record: Record) -> bool:
        return (
            window.admits(record)
            and status in (None, record["status"])
            and all(refers_to(facts, key, record, fields, match) for match, fields in rest)
        )

    rows = select(facts, ["visits"], where=keep, country=first[0], fields=first[1])
    return window.mark(chronological(rows))


def refers_to(
    facts: FactBase, key: str, record: Record, fields: tuple[str, ...], match: CountryMatch
) -> bool:
    """True when one of the record's ``fields`` refers to the matched country."""
    return match.id is not None and any(
        field in fields and target == match.id for field, target in facts.referenced(key, record)
    )


def trade(facts: FactBase, window: Window) -> list[Record]:
    """Trade volumes in the window, oldest first."""
    rows = select(facts, ["trade"], where=lambda key, r: window.admits(r))
    return window.mark(chronological(rows))


def goods(facts: FactBase, direction: str, country: CountryMatch | None) -> list[Record]:
    """Exports or imports; with a country, those the article ties to it. Dated ones first."""
    return chronological(
        select(
            facts,
            ["goods"],
            where=lambda key, r: r["direction"] == direction,
            country=country,
            fields=("countries",),
        )
    )


def people(facts: FactBase, country: CountryMatch | None) -> list[Record]:
    """People, of one country if given, in the article's order."""
    return select(facts, ["people"], country=country, fields=("country",))


def places(facts: FactBase) -> list[Record]:
    """Places (cities), in the article's order."""
    return select(facts, ["places"])


def quotes(facts: FactBase, speaker: str | None, contains: str | None) -> list[Record]:
    """Quotes whose speaker's name holds ``speaker`` and whose words hold ``contains``
    (any case, accents, apostrophes, dashes); dated ones first, oldest first."""
    return _said(facts, "quotes", speaker, contains)


def statements(facts: FactBase, speaker: str | None, contains: str | None) -> list[Record]:
    """Claims reported without quotation marks: someone's, or the article's own."""
    return _said(facts, "statements", speaker, contains)


def _said(facts: FactBase, key: str, speaker: str | None, contains: str | None) -> list[Record]:
    who = (
        ""
        if speaker is None
        else folded_filter(speaker, "--speaker needs a name, e.g. --speaker kagame")
    )
    words = (
        ""
        if contains is None
        else folded_filter(contains, "--contains needs some words, e.g. --contains partner")
    )

    def keep(key: str, record: Record) -> bool:
        speaker = record.get("speaker") or ""
        name = facts.name(speaker) if speaker else ""
        # The id that `people` shows names the speaker as well as any part of the name.
        said_by = not who or who in fold(name) or who == fold(speaker)
        return said_by and words in fold(record["text"])

    return chronological(select(facts, [key], where=keep))


def organizations(facts: FactBase) -> list[Record]:
    """Organizations, then memberships and statuses, then strategies, each in file order."""
    return select(facts, ["organizations", "memberships", "strategies"])


def missions(facts: FactBase) -> list[Record]:
    """Diplomatic missions over time, then honorary consuls (undated)."""
    return chronological(select(facts, ["missions"]))


def figures(facts: FactBase) -> list[Record]:
    """Numbers the article states, in its order."""
    return select(facts, ["figures"])


def initiatives(facts: FactBase) -> list[Record]:
    """Kazakh initiatives African countries supported, in the article's order."""
    return select(facts, ["initiatives"])


def areas(facts: FactBase) -> list[Record]:
    """Areas of cooperation, in the article's order."""
    return select(facts, ["areas"])


# The kinds of record that happen (held or planned): the timeline lists their undated
# records too, after the dated ones, so that no event vanishes for want of a date.
OCCURRENCES = ("visits", "events")


def timeline(
    facts: FactBase, country: CountryMatch | None, kind: str | None, window: Window
) -> list[Record]:
    """Every dated record, oldest first; ``kind`` is a record kind or its list's name.
    Without a window, undated visits and events follow (of ``kind`` only, if it is one of
    them): a kind narrows the timeline, it never adds to it."""
    keys = dated_collections(facts)
    undated = [key for key in keys if key in OCCURRENCES]
    if kind is not None:
        kinds = {facts.kind(k): k for k in facts.collections}
        key = kinds.get(kind.strip().lower()) or (kind if kind in facts.collections else None)
        if key is None:
            raise UsageError(f"unknown kind {printable(kind)}; choose from {', '.join(kinds)}")
        undated = [key] if key in undated else []
        keys = [key] if key in keys else []
    rows = select(
        facts, keys, where=lambda key, r: bool(r.get("date")) and window.admits(r), country=country
    )
    dated = window.mark(chronological(rows))
    if not window.open:
        return dated
    return dated + select(facts, undated, where=lambda key, r: not r.get("date"), country=country)


def undated_left_out(facts: FactBase, country: CountryMatch | None, kind: str | None) -> int:
    """How many undated records :func:`timeline` lists without a window and leaves out
    with one."""
    return sum(1 for row in timeline(facts, country, kind, Window()) if not row.get("date"))


def printable(text: str, limit: int = 80) -> str:
    """User input echoed in a message: quoted, control characters escaped, shortened."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown) if not shown.isprintable() else f"'{shown}'"
