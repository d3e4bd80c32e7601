"""The command line through Typer's CliRunner: filters, outputs, errors and exit codes.

Expected answers are derived from facts.yaml (read here with plain PyYAML, not through the
code under test) wherever that is possible; a few concrete answers from the article are
asserted as well, so that a test can fail when the derivation and the code agree on a
wrong answer.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing
import yaml
from helpers import LIST_COMMANDS, SHIPPED, facts_file
from typer.testing import CliRunner, Result

from kzafrica import __version__
from kzafrica.cli import app, registry
from kzafrica.factfile.dataset import Dataset
from kzafrica.output import render
from kzafrica.store import access
from kzafrica.store.factbase import FactBase

RUNNER = CliRunner()
ENV = {"COLUMNS": "100"}
FACTS: dict[str, Any] = yaml.safe_load(SHIPPED)
COLLECTIONS = [key for key, value in FACTS.items() if isinstance(value, list)]
RAW = {record["id"]: record for key in COLLECTIONS for record in FACTS[key]}
ALL_IDS = set(RAW)

# Every command that answers with one object, with arguments that give a non-empty answer
# (the registry's samples).
OBJECT_COMMANDS: dict[str, list[str]] = {
    command.name: list(command.sample)
    for command in registry.COMMANDS
    if command.answers == registry.OBJECT
}
ARGS = {**LIST_COMMANDS, **OBJECT_COMMANDS}
# Commands with output of their own, tested one by one (article, dump: in their own files).
OTHER_COMMANDS = {"validate", "schema", "article", "dump"}


# -- helpers ---------------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return RUNNER.invoke(app.app, list(args), env={**ENV, **(env or {})})


def ok(*args: str, env: dict[str, str] | None = None) -> Result:
    result = run(*args, env=env)
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    assert result.stderr == "", result.stderr
    return result


def as_json(*args: str, env: dict[str, str] | None = None) -> Any:
    return json.loads(ok(*args, "--json", env=env).stdout)


def ids(*args: str) -> list[str]:
    return [record["id"] for record in as_json(*args)]


def fails(code: int, *args: str, env: dict[str, str] | None = None) -> str:
    """Run, expect exit ``code`` with nothing on stdout and one plain line on stderr."""
    result = run(*args, env=env)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kzafrica: "), lines[0]
    return lines[0]


def in_file_order(collection: str, keep: Any = lambda record: True) -> list[str]:
    return [record["id"] for record in FACTS[collection] if keep(record)]


def in_time_order(collection: str, keep: Any = lambda record: True) -> list[str]:
    """The test's own chronological order: first day, last day, id; undated last, in
    file order."""
    records = [record for record in FACTS[collection] if keep(record)]
    dated = sorted(
        (r for r in records if "date" in r),
        key=lambda r: (span(r["date"])[0], span(r.get("end") or r["date"])[1], r["id"]),
    )
    return [r["id"] for r in dated] + [r["id"] for r in records if "date" not in r]


def span(text: str) -> tuple[dt.date, dt.date]:
    """The days YYYY, YYYY-MM or YYYY-MM-DD covers (the test's own oracle)."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    day = dt.date(parts[0], parts[1], parts[2])
    return day, day


def overlaps(record: dict[str, Any], since: str | None, until: str | None) -> bool:
    if "date" not in record:
        return False
    first = span(record["date"])[0]
    last = span(record.get("end") or record["date"])[1]
    return (since is None or last >= span(since)[0]) and (until is None or first <= span(until)[1])


def walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


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


# -- validate, schema, data files -----------------------------------------------------------


def test_validate_shipped() -> None:
    total = sum(len(FACTS[key]) for key in COLLECTIONS)
    assert ok("validate").stdout == f"ok: {total} records\n"


def test_validate_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = facts_file(
        tmp_path,
        ("    date: '2015'\n", "    date: '2015-13'\n"),
        ("    role: President of Rwanda\n", "    role: 42\n"),
    )
    lines = bad.read_text(encoding="utf-8").splitlines()
    date_line = lines.index("    date: '2015-13'") + 1
    role_line = lines.index("    role: 42") + 1
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{bad}:{role_line}:")
    assert "people.0.role" in errors[0]
    assert errors[1].startswith(f"{bad}:{date_line}:")
    assert "month 13" in errors[1]
    assert errors[2] == f"kzafrica: 2 problems in {bad}"
    # The same file given to a query command: exit 1, the same problems, nothing on stdout.
    query = run("--data", str(bad), "visits")
    assert query.exit_code == 1
    assert query.stdout == ""
    assert query.stderr.splitlines()[:2] == errors[:2]


def test_raw_control_character_in_data_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = facts_file(tmp_path, ("name: Lassina Zerbo", "name: Lassina\x1bZerbo"))
    line = bad.read_text(encoding="utf-8").splitlines().index("    name: Lassina\x1bZerbo") + 1
    for args in (["validate", str(bad)], ["--data", str(bad), "people", "--json"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith(f"{bad}:{line}:")
        assert "\x1b" not in result.stderr


def test_data_option_and_environment(tmp_path: Path) -> None:
    edited = facts_file(tmp_path, ("name: Lassina Zerbo", "name: Lassina Zerbo Edited"))
    names = {p["name"] for p in as_json("--data", str(edited), "people")}
    assert "Lassina Zerbo Edited" in names
    by_env = {p["name"] for p in as_json("people", env={"KZAFRICA_DATA": str(edited)})}
    assert "Lassina Zerbo Edited" in by_env
    # --data wins over the environment.
    missing = str(tmp_path / "missing.yaml")
    assert as_json("--data", str(edited), "people", env={"KZAFRICA_DATA": missing})
    assert ok("validate", env={"KZAFRICA_DATA": str(edited)}).stdout.startswith("ok: ")


def test_missing_data_file_exits_1(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = run("--data", str(missing), "visits", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{missing}: no such file\n"


def test_a_missing_file_hints_at_where_its_name_came_from(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    # validate names the file itself: no word about --data or the environment
    checked = run("validate", missing)
    assert checked.exit_code == 1
    assert checked.stderr == f"{missing}: no such file\n"
    by_env = run("visits", env={"KZAFRICA_DATA": missing})
    assert by_env.exit_code == 1
    assert (
        by_env.stderr == f"{missing}: no such file (named by KZAFRICA_DATA); check that variable\n"
    )
    assert run("validate", env={"KZAFRICA_DATA": missing}).stderr == by_env.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--data", "", "visits"], "'--data'"),
        (["--data=", "visits"], "'--data'"),
        (["validate", ""], "'[PATH]'"),
        (["--data", "", "validate"], "'--data'"),
    ],
)
def test_an_empty_file_name_is_a_usage_error(args: list[str], words: str) -> None:
    line = fails(2, *args)
    assert f"Invalid value for {words}: an empty file name" in line


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["visits", "--country", "Rwanda", "--country", "Morocco"], "'--country' / '-c'"),
        (["visits", "-c", "Rwanda", "--country", "Rwanda"], "'--country' / '-c'"),
        (["trade", "--since", "2012", "--json", "--since=2020"], "'--since'"),
        (["quotes", "-s", "kagame", "-s", "smadiyarov"], "'--speaker' / '-s'"),
        (["events", "-f", "json", "--format", "csv"], "'--format' / '-f'"),
        (["--data", "a.yaml", "--data", "b.yaml", "trade"], "'--data'"),
    ],
)
def test_an_option_given_twice_is_refused(args: list[str], option: str) -> None:
    line = fails(2, *args)
    assert f"{option} given more than once; give it once" in line
    assert "--help" in line


def test_a_flag_given_twice_is_harmless() -> None:
    assert as_json("trade", "--cite", "--cite") == as_json("trade")


def test_a_value_that_looks_like_the_option_is_a_value() -> None:
    # `--speaker --speaker` is one option with the value "--speaker", not a repeat.
    assert as_json("quotes", "--speaker", "--speaker") == []


def test_every_exit_code_is_in_the_top_level_help() -> None:
    help_text = " ".join(ok("--help").stdout.split())
    listed = help_text.split("Exit codes:")[1]
    for code, meaning in app.EXIT_CODES.items():
        assert f"{code} {meaning}" in listed


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _kzafrica_completion kzafrica"),
        ("zsh", "compdef _kzafrica_completion kzafrica"),
        ("fish", "complete --command kzafrica"),
    ],
)
def test_show_completion_for_the_named_shell(shell: str, marker: str) -> None:
    for args in (["--show-completion", shell], [f"--show-completion={shell}"]):
        result = ok(*args)
        assert marker in result.stdout, (args, result.stdout)
    others = {"bash": "COMPREPLY", "zsh": "compdef", "fish": "complete --command"}
    assert all(
        word not in ok("--show-completion", shell).stdout
        for s, word in others.items()
        if s != shell
    )


def test_show_completion_for_an_unknown_shell() -> None:
    line = fails(2, "--show-completion", "tcsh")
    assert "unknown shell 'tcsh'; choose from bash, zsh, fish, powershell, pwsh" in line


def test_install_completion_for_an_unknown_shell_installs_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert "unknown shell 'tcsh'" in fails(2, "--install-completion", "tcsh")
    assert list(tmp_path.iterdir()) == []


def test_schema_is_json_schema_of_every_collection() -> None:
    schema = json.loads(ok("schema").stdout)
    assert schema["type"] == "object"
    assert set(COLLECTIONS) <= set(schema["properties"])
    assert "article" in schema["properties"]


# -- the JSON contract --------------------------------------------------------------------

ISO_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


@pytest.mark.parametrize("command", list(LIST_COMMANDS))
def test_json_records_carry_what_a_script_needs(command: str) -> None:
    records = as_json(command, *LIST_COMMANDS[command])
    assert isinstance(records, list)
    assert records
    country_ids = {c["id"] for c in FACTS["countries"]}
    for record in records:
        assert isinstance(record["id"], str)
        assert record["evidence"]
        assert all(isinstance(e, str) and e for e in record["evidence"])
        # Beside each excerpt, where it is in the article: {start, end} offsets.
        offsets = record.pop("evidence_at")
        assert [sorted(at) for at in offsets] == [["end", "start"]] * len(record["evidence"])
        fact = RAW[record["id"]]
        if "date" in fact:  # the date as the article gives it; a range has its end too
            assert record["date"] == fact["date"], record["id"]
            assert record.get("end") == fact.get("end"), record["id"]
        for key, value in walk(record):
            if key in ("date", "end") and value is not None:
                assert isinstance(value, str)
                assert ISO_DATE.fullmatch(value), (record["id"], key, value)
            if key == "amount":
                assert isinstance(value["value"], int)
                assert re.fullmatch(r"[A-Z]{3}", value["currency"])
                assert value["qualifier"] in ("around", "more than", None)  # None: unqualified
            if isinstance(value, dict) and "id" in value:
                # a reference: expanded to at least {id, name}; a country also has its code
                assert "name" in value, (record["id"], key)
                if value["id"] in country_ids:
                    assert re.fullmatch(r"[A-Z]{2}", value["code"])
            # (`from` of a derived value: a record id or a word, given as written)
            if isinstance(value, str) and key not in ("id", "name", "text", "title", "from"):
                assert value not in ALL_IDS or key == "kind", (record["id"], key, value)


def test_amounts_keep_currency_and_qualifier() -> None:
    amounts = {t["id"]: t["amount"] for t in as_json("trade")}
    assert amounts["trade-2012"] == {
        "value": 100_000_000,
        "currency": "USD",
        "qualifier": "around",
        "as_stated": "around $100 million",
    }
    assert amounts["trade-2022"]["qualifier"] == "more than"
    assert amounts["trade-2024"]["value"] == 783_000_000


def test_references_are_expanded() -> None:
    (visit,) = [v for v in as_json("visits") if v["id"] == "visit-kagame-2025"]
    assert visit["visitors"] == [{"id": "paul-kagame", "name": "Paul Kagame"}]
    assert visit["origin"] == [{"id": "rwanda", "name": "Rwanda", "code": "RW"}]
    assert visit["destination"] == {"id": "kazakhstan", "name": "Kazakhstan", "code": "KZ"}
    assert visit["date"] == "2025-05"
    assert visit["end"] is None


@pytest.mark.parametrize("command", [*LIST_COMMANDS, "show"])
def test_json_holds_everything_the_table_shows(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every word of every table cell is a word of the same record's JSON."""
    args = ARGS[command]
    data = as_json(command, *args)
    captured: list[render.Result] = []
    real_write = render.write

    def spy(result: render.Result, options: render.Options, stream: Any) -> None:
        captured.append(result)
        real_write(result, options, stream)

    monkeypatch.setattr(render, "write", spy)
    ok(command, *args)
    (result,) = captured
    assert result.data == data  # the table is drawn from exactly the JSON records
    rows = data if isinstance(data, list) else [data]
    # Words a table adds itself: true and false, "member: observer of organization",
    # "trade with African countries: amount", a statement "said by the article",
    # a timeline's "undated" mark.
    decoration = {"yes", "no", "of", "with", "African", "countries", "undated", "the", "article"}
    for row in rows:
        known = set(re.findall(r"\w+", json.dumps(row, ensure_ascii=False)))
        if result.view.columns:
            cells = [column.value(row) for column in result.view.columns]
        else:
            cells = [render.text(value) for value in row.values()]
        for cell in cells:
            missing = set(re.findall(r"\w+", cell)) - known - decoration
            assert not missing, (row["id"], cell, missing)


# -- output options ---------------------------------------------------------------------


def test_cite_adds_the_evidence_under_each_row() -> None:
    plain = ok("trade").stdout
    cited = ok("trade", "--cite", env={"COLUMNS": "200"}).stdout
    assert "Kazakhstan’s trade" not in plain
    assert "In 2012, Kazakhstan’s trade with African countries stood at around $100" in cited
    lines = cited.splitlines()
    row = next(i for i, line in enumerate(lines) if "trade-2012" in line)
    evidence = next(i for i, line in enumerate(lines) if "In 2012, Kazakhstan’s" in line)
    later = next(i for i, line in enumerate(lines) if "trade-2022" in line)
    assert row < evidence < later  # under its own row, before the next record


def test_json_flag_is_format_json() -> None:
    assert ok("visits", "--json").stdout == ok("visits", "--format", "json").stdout
    assert ok("visits", "--json").stdout == ok("visits", "-f", "json").stdout


def test_fields_select() -> None:
    rows = as_json("trade", "--fields", "id,amount.value")
    assert rows == [
        {"id": "trade-2012", "amount.value": 100_000_000},
        {"id": "trade-2022", "amount.value": 1_000_000_000},
        {"id": "trade-2024", "amount.value": 783_000_000},
    ]
    assert ok("trade", "--fields", " id , date ", "-f", "csv").stdout.splitlines()[0] == "id,date"


def test_fields_in_a_table_show_their_values() -> None:
    # Dotted paths are keys of their own once selected; the table must still find them.
    out = ok("trade", "--fields", "id,amount.value,amount.qualifier").stdout
    assert "1000000000" in out
    assert "more than" in out


def test_fields_with_cite_keep_the_evidence() -> None:
    out = ok("trade", "--fields", "id", "--cite").stdout
    assert "trade-2022" in out
    assert "By 2022, it had surpassed $1 billion for the first time" in out


@pytest.mark.parametrize("command", [*LIST_COMMANDS, *OBJECT_COMMANDS])
def test_unknown_field_lists_the_available_ones(command: str) -> None:
    args = ARGS[command]
    line = fails(2, command, *args, "--fields", "nope")
    assert "unknown field 'nope'" in line
    assert "available: " in line
    if command != "summary":
        assert "id" in line.split("available: ")[1].split(", ")


# -- errors and exit codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nope"], "No such command 'nope'"),
        (["visits", "--bogus"], "No such option: --bogus"),
        (["visits", "--format", "xml"], "'xml' is not one of"),
        (["show"], "Missing argument 'ID'"),
        (["search"], "Missing argument 'TEXT'"),
        (["visits", "--country"], "requires an argument"),
        (["visits", "extra"], "unexpected extra argument"),
    ],
)
def test_usage_errors_are_one_plain_line(args: list[str], words: str) -> None:
    line = fails(2, *args)
    assert words in line
    assert "--help" in line


def test_user_input_in_errors_is_literal() -> None:
    markup = "[bold red]x[/] [link=http://x]y[/link] [/bold]"
    assert f"unknown country '{markup}'" in fails(2, "visits", "--country", markup)
    assert f"unknown id '{markup}'" in fails(2, "show", markup)
    escape = fails(2, "visits", "--country", "\x1b[31mred\nline")
    assert "\x1b" not in escape
    assert "\\x1b[31mred" in escape


def test_huge_arguments_give_short_answers() -> None:
    huge = "x" * 100_000
    assert as_json("search", huge) == []
    assert len(ok("search", huge).stdout) < 5_000
    for args in (
        ["show", huge],
        ["visits", "--country", huge],
        [huge],
        ["visits", "--since", huge],
        ["trade", "--fields", huge],
    ):
        assert len(fails(2, *args)) < 1_000, args[0]


def test_interrupt_while_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(path: str | None = None, notes: list[str] | None = None) -> FactBase:
        raise KeyboardInterrupt

    monkeypatch.setattr(access, "open_facts", interrupted)
    assert fails(130, "visits") == "kzafrica: interrupted"
    assert fails(130, "show", "paul-kagame", "--json") == "kzafrica: interrupted"


def test_interrupt_while_validating(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(file: str, data: bytes) -> Dataset:
        raise KeyboardInterrupt

    monkeypatch.setattr(access, "validate", interrupted)
    assert fails(130, "validate") == "kzafrica: interrupted"


def test_interrupt_while_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(result: render.Result, options: render.Options, stream: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "write", interrupted)
    assert fails(130, "events", "--json") == "kzafrica: interrupted"


def test_closed_pipe_exits_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(result: render.Result, options: render.Options, stream: Any) -> None:
        raise BrokenPipeError

    monkeypatch.setattr(render, "write", closed)
    result = run("events", "--json")
    assert result.exit_code == 141
    assert result.stderr == ""


def test_json_and_another_format_disagree() -> None:
    result = run("trade", "--json", "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--json and --format csv disagree" in result.stderr
    assert run("trade", "--json", "--format", "json").exit_code == 0


def test_kind_takes_the_record_kind_or_its_list_name() -> None:
    singular = json.loads(run("events", "--kind", "visit", "--json").stdout)
    plural = json.loads(run("events", "--kind", "visits", "--json").stdout)
    assert singular == plural
    assert singular
    assert {r["kind"] for r in singular} == {"visit"}


def test_show_ignores_the_case_of_an_id() -> None:
    assert json.loads(run("show", "Paul-Kagame", "--json").stdout)["id"] == "paul-kagame"
