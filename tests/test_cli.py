"""The command line through Typer's CliRunner: filters, outputs, errors and exit codes.

Expected answers are derived from facts.yaml (read here with plain PyYAML, not through the
code under test) wherever that is possible; a few concrete answers from the article are
asserted as well, so that a test can fail when the derivation and the code agree on a
wrong answer.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
import typer.testing
from clirun import (
    COLLECTIONS,
    FACTS,
    OBJECT_COMMANDS,
    OTHER_COMMANDS,
    as_json,
    fails,
    ids,
    in_file_order,
    in_time_order,
    ok,
    overlaps,
    span,
)
from helpers import LIST_COMMANDS

from kzafrica import __version__
from kzafrica.cli import app

# -- the command set ---------------------------------------------------------------------


def test_every_command_is_covered_by_these_tests() -> None:
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    assert set(group.commands) == set(LIST_COMMANDS) | set(OBJECT_COMMANDS) | OTHER_COMMANDS


def test_no_arguments_shows_help() -> None:
    result = ok()
    assert result.stdout.startswith("Usage: kzafrica")
    for name in [*LIST_COMMANDS, *OBJECT_COMMANDS, *OTHER_COMMANDS]:
        assert re.search(rf"^  {name} ", result.stdout, re.M), name


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(flag: str) -> None:
    assert "Commands:" in ok(flag).stdout


def test_version() -> None:
    assert ok("--version").stdout == f"kzafrica {__version__}\n"


# -- --country ---------------------------------------------------------------------------

# Oldest first: 2015, the range 2023-06 to 2025-06, then May 2025.
RWANDA_VISITS = ["visit-kagame-2015", "visit-foreign-minister-rwanda", "visit-kagame-2025"]


@pytest.mark.parametrize(
    "spelling",
    ["Rwanda", "rwanda", "RWANDA", " Rwanda ", "RW", "rw", "RWA", "rwa", "Rwandan", "rwandese"],
)
def test_country_spellings(spelling: str) -> None:
    assert ids("visits", "--country", spelling) == RWANDA_VISITS


@pytest.mark.parametrize(
    ("spelling", "country"),
    [
        ("Kazakh", "kazakhstan"),
        ("KAZAKHSTANI", "kazakhstan"),
        ("kaz", "kazakhstan"),
        ("Moróccó", "morocco"),  # accents the name does not have still match
        ("Kingdom of Morocco", "morocco"),  # an alias in the fact base
        ("Burkinabè", "burkina-faso"),
        ("burkinabe", "burkina-faso"),
        ("Congo", "congo"),
        ("COG", "congo"),
        ("guinea-bissau", "guinea-bissau"),
    ],
)
def test_country_names_codes_and_demonyms(spelling: str, country: str) -> None:
    expected = in_time_order(
        "visits", lambda v: country in v["origin"] or v["destination"] == country
    )
    assert expected
    assert ids("visits", "--country", spelling) == expected


@pytest.mark.parametrize("country", FACTS["countries"], ids=lambda c: str(c["id"]))
def test_every_country_by_code_filters_every_command(country: dict[str, Any]) -> None:
    code, cid = country["code"], country["id"]
    assert ids("visits", "-c", code) == in_time_order(
        "visits", lambda v: cid in v["origin"] or v["destination"] == cid
    )
    assert ids("people", "-c", country["code3"]) == in_file_order(
        "people", lambda p: p["country"] == cid
    )
    assert ids("exports", "-c", country["name"]) == in_time_order(
        "goods", lambda g: g["direction"] == "export" and cid in g.get("countries", [])
    )
    assert ids("imports", "-c", country["name"].upper()) == in_time_order(
        "goods", lambda g: g["direction"] == "import" and cid in g.get("countries", [])
    )


@pytest.mark.parametrize("spelling", ["Kenya", "KE", "KEN", "kenyan", "Côte d'Ivoire", "France"])
@pytest.mark.parametrize("command", ["visits", "people", "exports", "imports", "events"])
def test_real_country_not_in_the_facts_gives_an_empty_answer(command: str, spelling: str) -> None:
    assert as_json(command, "--country", spelling) == []


def test_real_country_not_in_the_facts_table_says_so() -> None:
    result = ok("visits", "--country", "Kenya")
    assert "Kenya" in result.stdout
    assert "No records match." in result.stdout


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [("Narnia", None), ("Rwand", "Rwanda"), ("Moroco", "Morocco"), ("Kazakstan", "Kazakhstan")],
)
def test_unknown_country_is_a_usage_error(value: str, suggestion: str | None) -> None:
    line = fails(2, "visits", "--country", value)
    assert f"unknown country '{value}'" in line
    if suggestion:
        assert "did you mean" in line
        assert suggestion in line


@pytest.mark.parametrize("value", ["", "   "])
@pytest.mark.parametrize("command", ["visits", "people", "exports", "events"])
def test_empty_country_is_a_usage_error(command: str, value: str) -> None:
    line = fails(2, command, "--country", value)
    assert "--country needs a country name" in line


# -- dates ---------------------------------------------------------------------------------


def test_since_matches_at_the_records_precision() -> None:
    found = ids("visits", "--since", "2025-05-15")
    may = in_file_order("visits", lambda v: v["date"] == "2025-05")
    assert len(may) == 4
    assert set(may) <= set(found)  # a visit dated 2025-05 overlaps the second half of May
    assert "visit-kagame-2015" not in found
    assert "visit-nurtleu-morocco-2025" not in found  # 2025-02


def test_until_and_ranges() -> None:
    assert ids("visits", "--until", "2015") == ["visit-kagame-2015"]
    # The Burkina Faso delegation is planned for 2025-06-03 to 2025-06-05.
    assert "visit-burkina-faso-delegation-2025" in ids("visits", "--since", "2025-06-05")
    assert "visit-burkina-faso-delegation-2025" in ids("visits", "--until", "2025-06-03")
    assert "visit-burkina-faso-delegation-2025" not in ids("visits", "--since", "2025-06-06")
    assert "visit-burkina-faso-delegation-2025" not in ids("visits", "--until", "2025-06-02")


WINDOWS = [
    ("2015", None),
    ("2025", None),
    ("2025-05", "2025-05"),
    ("2025-05-29", None),
    (None, "2013"),
    (None, "2023-05-31"),
    ("2024-02-29", "2025-02-01"),
    ("2030", None),
    ("2031", None),
]


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_windows_overlap(since: str | None, until: str | None) -> None:
    window = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    assert ids("visits", *window) == in_time_order("visits", lambda r: overlaps(r, since, until))
    assert ids("trade", *window) == in_time_order("trade", lambda r: overlaps(r, since, until))
    expected = {r["id"] for key in COLLECTIONS for r in FACTS[key] if overlaps(r, since, until)}
    assert set(ids("events", *window)) == expected


@pytest.mark.parametrize(
    "value",
    ["2025-13", "2025-02-30", "2023-02-29", "99999", "25", "2025/05", "May 2025", "", "0000", "x"],
)
@pytest.mark.parametrize("flag", ["--since", "--until"])
def test_malformed_dates_are_usage_errors(flag: str, value: str) -> None:
    assert "bad date" in fails(2, "events", flag, value)


def test_reversed_window_is_a_usage_error() -> None:
    line = fails(2, "visits", "--since", "2026", "--until", "2025")
    assert "--since 2026 is after --until 2025" in line


def test_trade_since() -> None:
    assert ids("trade", "--since", "2020") == ["trade-2022", "trade-2024"]


# -- other filters -------------------------------------------------------------------------


def test_status() -> None:
    assert ids("visits", "--status", "planned") == ["visit-burkina-faso-delegation-2025"]
    assert ids("visits", "--status", "held") == in_time_order(
        "visits", lambda v: v["status"] == "held"
    )
    assert "is not one of 'held', 'planned'" in fails(2, "visits", "--status", "cancelled")


@pytest.mark.parametrize(
    ("speaker", "person"),
    [
        ("kagame", "paul-kagame"),
        ("KAGAME", "paul-kagame"),
        ("Kagamé", "paul-kagame"),
        ("paul", "paul-kagame"),
        ("Aibek Smadiyarov", "aibek-smadiyarov"),
        ("smadiy", "aibek-smadiyarov"),
    ],
)
def test_quotes_by_speaker(speaker: str, person: str) -> None:
    expected = in_time_order("quotes", lambda q: q["speaker"] == person)
    assert expected
    assert ids("quotes", "--speaker", speaker) == expected


def test_quotes_by_speaker_and_words() -> None:
    assert ids("quotes", "--contains", "KNOW-HÓW") == ["quote-kagame-know-how"]
    assert ids("quotes", "-s", "kagame", "--contains", "friends") == ["quote-kagame-good-friends"]
    assert ids("quotes", "-s", "smadiyarov", "--contains", "friends") == []
    assert ids("quotes", "--speaker", "Traoré") == []  # a person, but no quotes


def test_statements_are_not_quotes() -> None:
    # "middle power" is the article's own statement, not anybody's quote.
    assert as_json("quotes", "--contains", "middle power") == []
    assert ids("search", "middle power") == ["statement-middle-power"]


def test_goods() -> None:
    assert ids("exports") == in_time_order("goods", lambda g: g["direction"] == "export")
    assert ids("imports") == in_time_order("goods", lambda g: g["direction"] == "import")
    assert ids("exports", "--country", "Morocco") == ["export-grain-morocco"]
    assert "sulfur" in [g["name"] for g in as_json("exports")]
    assert "cocoa beans" in [g["name"] for g in as_json("imports")]


def test_people() -> None:
    assert ids("people") == in_file_order("people")
    assert ids("people", "--country", "Burkina Faso") == [
        "lassina-zerbo",
        "karamoko-jean-marie-traore",
    ]
    (zerbo,) = [p for p in as_json("people") if p["id"] == "lassina-zerbo"]
    assert zerbo["former"] is True  # "a former prime minister" stays former


def test_countries() -> None:
    rows = as_json("countries")
    assert [(r["id"], r["code"], r["code3"]) for r in rows] == [
        (c["id"], c["code"], c["code3"]) for c in FACTS["countries"]
    ]
    counts = {r["id"]: r["records"] for r in rows}
    assert all(isinstance(n, int) and n >= 1 for n in counts.values())
    assert max(counts, key=lambda k: counts[k]) == "kazakhstan"
    for country in FACTS["countries"]:
        code = country["code"]
        direct = len(ids("visits", "-c", code)) + len(ids("people", "-c", code))
        assert counts[country["id"]] >= direct, country["id"]


def test_orgs_and_missions() -> None:
    assert ids("orgs") == [
        *in_file_order("organizations"),
        *in_file_order("memberships"),
        *in_file_order("strategies"),
    ]
    assert ids("missions") == in_time_order("missions")
    counts = {m["id"]: m["count"] for m in as_json("missions")}
    assert counts["missions-2012"] == 1
    assert counts["missions-2025"] == 6


def test_events_are_every_dated_record_in_order_then_undated_events() -> None:
    records = as_json("events")
    dated = {r["id"] for key in COLLECTIONS for r in FACTS[key] if "date" in r}
    shown = [r for r in records if r.get("date")]
    assert {r["id"] for r in shown} == dated
    spans = [(span(r["date"])[0], span(r.get("end") or r["date"])[1]) for r in shown]
    assert spans == sorted(spans)
    assert shown[0]["date"] == "2012"
    assert shown[-1]["id"] == "visit-burkina-faso-delegation-2025"  # June 3-5, the latest
    # Undated visits and events follow the dated records, in file order: none vanishes.
    undated = [r["id"] for r in records[len(shown) :]]
    assert undated == [
        *in_file_order("visits", lambda r: "date" not in r),
        *in_file_order("events", lambda r: "date" not in r),
    ]
    assert "agreement-critical-minerals" in undated


def test_undated_records_in_the_timeline_of_a_country() -> None:
    """The critical-minerals agreement has no date; it must not vanish without a word."""
    rwanda = ids("events", "--country", "Rwanda")
    assert rwanda[-1] == "agreement-critical-minerals"
    table = ok("events", "--country", "Rwanda").stdout
    row = next(line for line in table.splitlines() if "agreement-critical-minerals" in line)
    assert "undated" in row
    # A window leaves undated records out: JSON just omits them, a table says how many.
    assert "agreement-critical-minerals" not in ids("events", "-c", "Rwanda", "--since", "2015")
    windowed = ok("events", "-c", "Rwanda", "--since", "2015", env={"COLUMNS": "200"}).stdout
    assert "1 undated record left out by the window." in windowed
    everything = ok("events", "--since", "2000", env={"COLUMNS": "300"}).stdout
    assert "3 undated records left out by the window." in everything
    # --kind narrows the timeline: undated records of a kind the timeline leaves out
    # (statements: `kzafrica statements` lists them) are not added back.
    assert ids("events", "--kind", "statement") == []
    assert "agreement-critical-minerals" in ids("events", "--kind", "event")


def test_events_filters() -> None:
    assert {r["kind"] for r in as_json("events", "--kind", "visit")} == {"visit"}
    assert ids("events", "--kind", "trade") == ["trade-2012", "trade-2022", "trade-2024"]
    assert ids("events", "--kind", "person") == []  # a kind without dates
    line = fails(2, "events", "--kind", "meeting")
    assert "unknown kind 'meeting'" in line
    assert "visit" in line
    morocco = ids("events", "--country", "Morocco")
    assert {
        "visit-nurtleu-morocco-2025",
        "shipment-grain-morocco-2025-05",
        "export-grain-morocco",
    } <= set(morocco)
    assert "trade-2012" not in morocco
    may = ids("events", "--kind", "event", "--since", "2025-05", "--until", "2025-05")
    assert may == [
        "shipment-grain-morocco-2025-05",
        "meeting-kagame-tokayev-2025-05-28",
        "address-kagame-aif-2025-05-29",
    ]


@pytest.mark.parametrize("text", ["grain", "GRAIN", "Gráin", "  grain  "])
def test_search_ignores_case_and_accents(text: str) -> None:
    found = ids("search", text)
    assert "shipment-grain-morocco-2025-05" in found
    assert "export-grain-morocco" in found
    assert found == ids("search", "grain")


@pytest.mark.parametrize(
    ("text", "record"),
    [("traore", "karamoko-jean-marie-traore"), ("FRANCOISE", "francoise-joly")],
)
def test_search_finds_accented_names(text: str, record: str) -> None:
    assert record in ids("search", text)


def test_search_needs_text() -> None:
    assert "search needs some text" in fails(2, "search", "  ")
    assert ids("search", "no such words anywhere") == []


def test_show_gives_one_object_with_links() -> None:
    record = as_json("show", "visit-kagame-2025")
    assert isinstance(record, dict)
    assert record["id"] == "visit-kagame-2025"
    assert record["evidence"]
    assert {"field": "place", "id": "astana", "kind": "place", "name": "Astana"} in record[
        "references"
    ]
    person = as_json("show", "paul-kagame")
    assert "visit-kagame-2015" in [r["id"] for r in person["referenced_by"]]
    assert list(person)[-1] == "evidence"


@pytest.mark.parametrize(
    ("wrong", "close"),
    [("visit-kagame", ["visit-kagame-2025", "visit-kagame-2015"]), ("paul-kagam", ["paul-kagame"])],
)
def test_show_unknown_id_suggests_close_ids(wrong: str, close: list[str]) -> None:
    line = fails(2, "show", wrong)
    assert f"unknown id '{wrong}'" in line
    for record_id in close:
        assert record_id in line


def test_show_table_is_every_field_with_evidence() -> None:
    out = ok("show", "trade-2022").stdout
    for word in ("amount", "surpassed $1 billion", "record_high", "evidence", "By 2022"):
        assert word in out


def test_summary() -> None:
    data = as_json("summary")
    assert data["counts"] == {key: len(FACTS[key]) for key in COLLECTIONS}
    assert [t["id"] for t in data["trade"]] == ["trade-2012", "trade-2022", "trade-2024"]
    assert [t["id"] for t in data["upcoming"]] == ["visit-burkina-faso-delegation-2025"]
    table = ok("summary").stdout
    assert "Kazakhstan–Africa" in table
    assert "2025-06-03" in table
