"""How each command's answer looks as a table: its title and columns. Presentation only.

The machine formats ignore these and write the records themselves; a view decides only
what a person sees in the table.
"""

from __future__ import annotations

from kzafrica.factbase import Record
from kzafrica.query import CountryMatch, describe, printable
from kzafrica.render import Bars, Column, View, text


def title(base: str, country: CountryMatch | None = None, **filters: str | None) -> str:
    """A table title that repeats the filters the user gave."""
    parts = [f"country {country.name}"] if country else []
    parts += [
        f"{name} {printable(value).strip(chr(39))}" for name, value in filters.items() if value
    ]
    return f"{base} ({', '.join(parts)})" if parts else base


def when(record: Record) -> str:
    """A record's date as a person reads it: ranges with an arrow, ~ when approximate."""
    date = record.get("date")
    if not date:
        return ""
    shown = f"{date} → {record['end']}" if record.get("end") else str(date)
    return f"~{shown}" if record.get("approximate") else shown


def _who(record: Record) -> str:
    names = [v["name"] for v in record.get("visitors") or []]
    return ", ".join(names) or str(record.get("visitor_role") or "")


def _route(record: Record) -> str:
    origin = ", ".join(c["name"] for c in record["origin"])
    return f"{origin} → {record['destination']['name']}"


ID = Column("ID", lambda r: str(r["id"]))
WHEN = Column("When", when)
NOTE = Column("Note", lambda r: text(r.get("note")))
KIND = Column("Kind", lambda r: str(r["kind"]))
WHAT = Column("What", describe)


def visits(heading: str) -> View:
    level = Column("Level, status", lambda r: f"{text(r.get('level')) or '—'}, {r['status']}")
    return View(heading, (WHEN, Column("Visitor", _who), Column("Route", _route), level, ID))


def trade(heading: str, rows: list[Record]) -> View:
    bars = Bars([r["amount"]["value"] for r in rows])
    columns = (
        Column("Year", when),
        Column("Volume", lambda r: str(r["amount"]["as_stated"])),
        Column("", lambda r: bars.bar(r["amount"]["value"]), min_width=bars.width),
        NOTE,
    )
    caption = "Bars are to scale; 'around' and 'surpassed' are the article's words."
    return View(heading, columns, caption)


def goods(heading: str) -> View:
    countries = Column("Countries", lambda r: text(r.get("countries")) or "Africa")
    return View(heading, (Column("Goods", lambda r: str(r["name"])), countries, WHEN, NOTE))


def people(heading: str) -> View:
    role = Column("Role", lambda r: ("former " if r.get("former") else "") + str(r["role"]))
    country = Column("Country", lambda r: str(r["country"]["name"]))
    return View(heading, (Column("Name", lambda r: str(r["name"])), role, country, ID))


def quotes(heading: str) -> View:
    words = Column("Quote", lambda r: ("…" if r.get("partial") else "") + f"“{r['text']}”")
    speaker = Column("Speaker", lambda r: str(r["speaker"]["name"]))
    return View(heading, (speaker, Column("Date", when), words, ID))


def countries() -> View:
    iso = Column("ISO", lambda r: f"{r['code']} {r['code3']}")
    count = Column("Records", lambda r: str(r["records"]))
    return View("Countries", (Column("Country", lambda r: str(r["name"])), iso, count))


def organizations() -> View:
    kind_of = Column("Type", lambda r: text(r.get("type") or r.get("status")))
    return View(
        "Organizations and memberships", (KIND, Column("Name", describe), kind_of, WHEN, ID)
    )


def missions() -> View:
    count = Column("Count", lambda r: text(r.get("count")))
    words = Column("As stated", lambda r: text(r.get("as_stated") or r.get("description")))
    return View(
        "Diplomatic presence", (Column("Type", lambda r: str(r["type"])), WHEN, count, words)
    )


def timeline(heading: str) -> View:
    status = Column("Status", lambda r: text(r.get("status")))
    return View(heading, (WHEN, KIND, WHAT, status, ID))


def search(heading: str) -> View:
    return View(heading, (KIND, WHAT, ID))


def record(data: Record) -> View:
    return View(f"{data['kind']} {data['id']}")


def summary() -> View:
    return View("kzafrica: Kazakhstan–Africa relations at a glance", pairs=_summary_rows)


def _summary_rows(data: Record) -> list[tuple[str, str]]:
    article = data["article"]
    counts = " · ".join(f"{n} {key}" for key, n in data["counts"].items() if n)
    bars = Bars([t["value"] for t in data["trade"]], width=12)

    def item(r: Record) -> str:
        return f"{when(r)}  {r['name']}  [{r['id']}]"

    trend = "\n".join(
        f"{t['date']}  {bars.bar(t['value'])} {t['as_stated']}" for t in data["trade"]
    )
    return [
        ("Article", f"{article['date']}, {article['dateline']}"),
        ("Records", counts),
        ("Trade", trend),
        ("Latest", "\n".join(item(r) for r in data["latest"]) or "none"),
        ("Upcoming", "\n".join(item(r) for r in data["upcoming"]) or "none"),
        ("Next", "kzafrica visits · kzafrica quotes · kzafrica show ID · kzafrica --help"),
    ]
