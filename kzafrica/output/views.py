"""How each command's answer looks as a table: its title and columns. Presentation only.

The machine formats ignore these and write the records themselves; a view decides only
what a person sees in the table.
"""

from __future__ import annotations

from kzafrica.answers.query import CountryMatch, printable
from kzafrica.output.render import Bars, Column, View, block, text
from kzafrica.store.factbase import Record, describe


def title(base: str, country: CountryMatch | None = None, **filters: str | None) -> str:
    """A table title that repeats the filters the user gave."""
    parts = [f"country {country.name}"] if country else []
    parts += [
        f"{name} {printable(value).strip(chr(39))}" for name, value in filters.items() if value
    ]
    return f"{base} ({', '.join(parts)})" if parts else base


def when(record: Record) -> str:
    """A record's date as a person reads it: ranges with an arrow, ~ when approximate, ?
    first when it only possibly falls inside the --since/--until window, 'undated' in a
    timeline for a record without a date."""
    date = record.get("date")
    if not date:
        return "undated" if record.get("kind") in UNDATED_IN_TIMELINE else ""
    shown = f"{date} → {record['end']}" if record.get("end") else str(date)
    shown = f"~{shown}" if record.get("approximate") else shown
    return f"? {shown}" if record.get("in_window") == "possible" else shown


# Kinds whose undated records a timeline lists (query.OCCURRENCES).
UNDATED_IN_TIMELINE = ("visit", "event")

POSSIBLE = (
    "? only possibly in the window: an approximate date (~) or a span reaching outside it;"
    " --certain leaves these out."
)


def window_caption(rows: list[Record], *more: str | None) -> str | None:
    """The caption that explains '?' when a row only possibly falls in the window."""
    notes = [POSSIBLE] if any(r.get("in_window") == "possible" for r in rows) else []
    notes += [note for note in more if note]
    return " ".join(notes) or None


def _who(record: Record) -> str:
    names = [v["name"] for v in record.get("visitors") or []]
    return ", ".join(names) or str(record.get("visitor_role") or "")


def _route(record: Record) -> str:
    origin = ", ".join(c["name"] for c in record["origin"])
    return f"{origin} → {record['destination']['name']}"


def _with_note(name: str, note: object) -> str:
    return f"{name} ({note})" if note else name


ID = Column("ID", lambda r: str(r["id"]), whole=True)
WHEN = Column("When", when)
NOTE = Column("Note", lambda r: text(r.get("note")))
KIND = Column("Kind", lambda r: str(r["kind"]))
WHAT = Column("What", describe)


def visits(heading: str, rows: list[Record]) -> View:
    route = Column("Route", _route, stack=True)
    level = Column(
        "Level, status", lambda r: f"{text(r.get('level')) or '—'}, {r['status']}", stack=True
    )
    return View(heading, (WHEN, Column("Visitor", _who), route, level, ID), window_caption(rows))


def trade(heading: str, rows: list[Record]) -> View:
    bars = Bars([r["amount"]["value"] for r in rows])
    columns = (
        Column("Year", when),
        Column("Volume", lambda r: str(r["amount"]["as_stated"])),
        Column("", lambda r: bars.bar(r["amount"]["value"]), bar=True),
        NOTE,
        ID,
    )
    caption = "Bars are to scale; 'around' and 'surpassed' are the article's words."
    return View(heading, columns, window_caption(rows, caption))


def goods(heading: str) -> View:
    note = Column("Note", lambda r: text(r.get("note")), stack=True)
    # Only the countries the record names: goods sold to Africa as a whole name none.
    countries = Column("Countries", lambda r: text(r.get("countries")))
    return View(heading, (Column("Goods", lambda r: str(r["name"])), note, countries, WHEN, ID))


def people(heading: str) -> View:
    role = Column(
        "Role", lambda r: ("former " if r.get("former") else "") + str(r["role"]), stack=True
    )
    country = Column("Country", lambda r: str(r["country"]["name"]), stack=True)
    return View(heading, (Column("Name", lambda r: str(r["name"])), role, country, ID))


def places() -> View:
    country = Column("Country", lambda r: str(r["country"]["name"]))
    return View("Places", (Column("Place", lambda r: str(r["name"])), country, ID))


def _speaker(record: Record) -> str:
    speaker = record.get("speaker")
    return str(speaker["name"]) if speaker else "the article"


def quotes(heading: str) -> View:
    words = Column("Quote", lambda r: ("…" if r.get("partial") else "") + f"“{r['text']}”")
    speaker = Column("Speaker", _speaker)
    return View(heading, (speaker, Column("Date", when, stack=True), words, ID))


def statements(heading: str) -> View:
    speaker = Column("Said by", _speaker)
    return View(heading, (speaker, Column("Statement", lambda r: str(r["text"])), ID))


def countries() -> View:
    iso = Column("ISO", lambda r: f"{r['code']} {r['code3']}")
    count = Column("Records", lambda r: str(r["records"]))
    return View("Countries", (Column("Country", lambda r: str(r["name"])), iso, count, ID))


def articles() -> View:
    """The articles: each with its date, dateline and title, and how much of it is cited."""
    number = Column("#", lambda r: str(r["number"]), whole=True)
    dated = Column("Date", lambda r: f"{r['date']}, {r['dateline']}")
    title = Column("Title", lambda r: text(r.get("title")), stack=True)
    records = Column("Records", lambda r: str(r["records"]))
    cited = Column("Cited", lambda r: f"{r['sentences_cited']}/{r['sentences']}")
    caption = (
        "#: the number tables give it (Src); Records: how many cite it; Cited: its"
        " sentences some record cites, of all."
    )
    return View("Articles", (number, dated, title, records, cited, ID), caption)


def organizations() -> View:
    kind_of = Column("Type", lambda r: text(r.get("type") or r.get("status")), stack=True)
    columns = (KIND, kind_of, Column("Name", describe), WHEN, ID)
    return View("Organizations and memberships", columns)


def missions() -> View:
    count = Column("Count", lambda r: text(r.get("count")))
    words = Column("As stated", lambda r: text(r.get("as_stated") or r.get("description")))
    return View(
        "Diplomatic presence", (Column("Type", lambda r: str(r["type"])), WHEN, count, words, ID)
    )


def figures() -> View:
    value = Column(
        "Value", lambda r: f"{r['value']} of {r['total']}" if r.get("total") else str(r["value"])
    )
    subject = Column("Subject", lambda r: _with_note(str(r["subject"]), r.get("note")))
    return View("Figures", (subject, value, ID))


def initiatives() -> View:
    event = Column("Event", lambda r: str(r["event"]["name"]))
    support = Column("Supported by", lambda r: str(r["supported_by"]))
    return View(
        "Initiatives African countries supported",
        (Column("Initiative", lambda r: str(r["name"])), event, support, ID),
    )


def areas() -> View:
    named = Column("Named by", lambda r: text(r.get("named_by")) or "the article")
    name = Column("Area", lambda r: _with_note(str(r["name"]), r.get("note")))
    return View("Areas of cooperation", (name, named, ID))


def timeline(heading: str, rows: list[Record], left_out: int = 0) -> View:
    kind = Column("Kind", lambda r: str(r["kind"]), stack=True)
    status = Column("Status", lambda r: text(r.get("status")), stack=True)
    note = (
        f"{left_out} undated record{'s' if left_out != 1 else ''} left out by the window."
        if left_out
        else None
    )
    return View(heading, (WHEN, kind, status, WHAT, ID), window_caption(rows, note))


def search(heading: str) -> View:
    matched = Column("Matched", _matched, stack=True)
    flat = (
        Column("id", lambda r: str(r["id"])),
        Column("kind", lambda r: str(r["kind"])),
        Column("date", lambda r: text(r.get("date"))),
        Column("what", describe),
        Column("matched", lambda r: " | ".join(r.get("matched") or [])),
        Column("evidence", lambda r: " | ".join(r.get("evidence") or [])),
    )
    caption = "Matched: the fields holding the text; matches only in the evidence come last."
    return View(heading, (KIND, matched, WHAT, ID), caption, delimited=flat)


def _matched(record: Record) -> str:
    """Where a search matched, in short: the record's own fields without their sub-fields
    ('visitors.name' -> 'visitors'), or 'evidence' when only the evidence holds the text."""
    fields = [path.split(".")[0] for path in record.get("matched") or []]
    own = [field for field in dict.fromkeys(fields) if field != "evidence"]
    return ", ".join(own) or "evidence"


def record(data: Record) -> View:
    """`show`: titled with what the record is (its kind and id have rows of their own)."""
    return View(describe(data), pairs=_record_rows)


def _link(ref: Record, label: str) -> str:
    name = f" {ref['name']}" if ref["name"] != ref["id"] else ""
    return f"{label}:{name} [{ref['id']}]"


def _record_rows(data: Record) -> list[tuple[str, str]]:
    """Every field that holds something; links with the ids to show next. Where the
    evidence stands in the article (bare offsets) is for scripts: --json has it."""
    rows = []
    for key, value in data.items():
        if key == "evidence_at":
            continue
        if key in ("references", "referenced_by"):
            shown = "\n".join(
                _link(r, r["field"] if key == "references" else r["kind"]) for r in value
            )
        elif key == "sources":
            shown = "\n".join(f"{s['id']} ({s['date']})" for s in value)
        elif key == "evidence" and len(data.get("sources", ())) > 1:
            shown = _by_article(value, data.get("evidence_at", []))
        else:
            shown = block(value)
        if shown:
            rows.append((key, shown))
    return rows


def _by_article(evidence: list[str], places: list[Record]) -> str:
    """A record's excerpts under the article each is from, in the order first cited."""
    grouped: dict[str, list[str]] = {}
    for excerpt, at in zip(evidence, places, strict=False):
        grouped.setdefault(str(at.get("article")), []).append(excerpt)
    return "\n".join(
        f"{article}:\n" + "\n".join(f"- {excerpt}" for excerpt in excerpts)
        for article, excerpts in grouped.items()
    )


def summary(kinds: dict[str, str]) -> View:
    """``kinds``: each collection's record kind, its singular ('memberships' -> 'membership')."""

    def rows(data: Record) -> list[tuple[str, str]]:
        return _summary_rows(data, kinds)

    return View("kzafrica: Kazakhstan–Africa relations at a glance", pairs=rows)


def _summary_rows(data: Record, kinds: dict[str, str]) -> list[tuple[str, str]]:
    articles = data["articles"]
    counts = " · ".join(
        f"{n} {key if n != 1 else kinds.get(key, key)}" for key, n in data["counts"].items() if n
    )
    bars = Bars([t["value"] for t in data["trade"]], width=12)

    def item(r: Record) -> str:
        return f"{when(r)}  {r['name']}  [{r['id']}]"

    trend = "\n".join(
        f"{t['date']}  {bars.bar(t['value'])} {t['as_stated']}" for t in data["trade"]
    )
    return [
        _articles_row(articles),
        ("Records", counts),
        ("Trade", trend),
        ("Latest", "\n".join(item(r) for r in data["latest"]) or "none"),
        ("Upcoming", "\n".join(item(r) for r in data["upcoming"]) or "none"),
        ("Next", "kzafrica visits · kzafrica quotes · kzafrica show ID · kzafrica --help"),
    ]


def sourced(view: View, rows: list[Record], ids: list[str]) -> View:
    """A list's table when the fact base has several articles (``ids``, in order): a Src
    column after the id giving each record's articles by number, ≠ on a record another
    article's record disagrees with, and a caption saying what the numbers and marks are."""
    number = {article: n for n, article in enumerate(ids, 1)}

    def cell(record: Record) -> str:
        tags = ",".join(str(number[s["id"]]) for s in record.get("sources", ()))
        return f"{tags} ≠" if record.get("disagrees_with") else tags

    # After the id, and under it where the room is short: a name or a figure keeps the room.
    columns = [*view.columns, Column("Src", cell, whole=True, stack=True)]
    cited = {s["id"] for record in rows for s in record.get("sources", ())}
    key = ", ".join(f"{number[i]} = {i}" for i in ids if i in cited)
    pairs = [
        f"{r['id']} ≠ {other}"
        for r in rows
        for other in r.get("disagrees_with", ())
        if r["id"] < other or other not in {row["id"] for row in rows}
    ]
    said = f"Src (articles): {key}." if key else ""
    if pairs:
        said += " Articles disagree: " + "; ".join(pairs) + "."
    caption = " ".join(part for part in (view.caption, said) if part)
    return view._replace(columns=tuple(columns), caption=caption or None)


def _articles_row(articles: list[Record]) -> tuple[str, str]:
    if len(articles) == 1:
        return ("Article", f"{articles[0]['date']}, {articles[0]['dateline']}")
    shown = [f"{a['id']}: {a['date']}, {a['dateline']}" for a in articles[:5]]
    if len(articles) > 5:
        shown.append(f"… {len(articles) - 5} more: kzafrica articles")
    return ("Articles", "\n".join(shown))


def listed(title: str) -> View:
    """The table of a list that has no view of its own: what each record is (its name, or
    a line built from its fields), its date where it has one, its id."""
    return View(title, (WHAT, WHEN, ID))
