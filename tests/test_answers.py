"""Answers a reader can trust: order, sort and limit, windows, directions, search, every
record kind reachable, and the shared output options behind them.

Expected answers come from facts.yaml read with plain PyYAML, or are the article's own
answers written out, so that a test fails when the code and a derivation agree on a wrong
answer.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import LIST_COMMANDS, SHIPPED
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from kzafrica.answers import query
from kzafrica.answers.textfold import fold
from kzafrica.cli import app, registry
from kzafrica.output import render

RUNNER = CliRunner()
FACTS: dict[str, Any] = yaml.safe_load(SHIPPED)
SHARED = ("--format", "--json", "--fields", "--cite", "--sort", "--limit")


def run(*args: str, width: int = 100) -> Result:
    return RUNNER.invoke(app.app, list(args), env={"COLUMNS": str(width)})


def ok(*args: str, width: int = 100) -> str:
    result = run(*args, width=width)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def as_json(*args: str) -> Any:
    return json.loads(ok(*args, "--json"))


def ids(*args: str) -> list[str]:
    return [record["id"] for record in as_json(*args)]


def usage_error(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- order ----------------------------------------------------------------------------------


def test_visits_are_in_chronological_order() -> None:
    # Not the file order (2015, 2025-05, the 2023-06 ranges, then 2025-02).
    assert ids("visits") == [
        "visit-kagame-2015",
        # 2023-06 to 2025-06: same span, so by id
        "visit-foreign-minister-benin",
        "visit-foreign-minister-rwanda",
        "visit-foreign-minister-sierra-leone",
        "visit-president-congo",
        "visit-president-guinea-bissau",
        "visit-president-togo",
        "visit-nurtleu-morocco-2025",  # 2025-02
        "visit-joly-forum-2025",  # 2025-05, by id
        "visit-kagame-2025",
        "visit-ogunwusi-forum-2025",
        "visit-zerbo-forum-2025",
        "visit-burkina-faso-delegation-2025",  # June 3-5
    ]


def test_undated_records_come_last_in_file_order() -> None:
    assert ids("missions") == ["missions-2012", "missions-2025", "honorary-consuls"]
    quotes = as_json("quotes")
    dated = [q for q in quotes if q.get("date")]
    assert quotes[: len(dated)] == dated
    undated = [q["id"] for q in FACTS["quotes"] if "date" not in q]
    assert [q["id"] for q in quotes[len(dated) :]] == undated
    assert ids("exports")[0] == "export-grain-morocco"  # the one dated export


@pytest.mark.parametrize(
    ("command", "collections"),
    [
        ("people", ["people"]),
        ("countries", ["countries"]),
        ("places", ["places"]),
        ("orgs", ["organizations", "memberships", "strategies"]),
        ("areas", ["areas"]),
        ("initiatives", ["initiatives"]),
        ("figures", ["figures"]),
    ],
)
def test_undated_kinds_keep_the_articles_order(command: str, collections: list[str]) -> None:
    assert ids(command) == [r["id"] for key in collections for r in FACTS[key]]


# -- sort and limit ---------------------------------------------------------------------


@pytest.mark.parametrize("command", list(LIST_COMMANDS))
def test_every_list_command_sorts_and_limits(command: str) -> None:
    args = LIST_COMMANDS[command]
    everything = ids(command, *args)
    assert everything, command
    assert ids(command, *args, "--sort", "id") == sorted(everything)
    assert ids(command, *args, "--sort", "-id") == sorted(everything, reverse=True)
    assert ids(command, *args, "--limit", "1") == everything[:1]
    assert ids(command, *args, "--sort", "-id", "--limit", "2") == sorted(everything)[::-1][:2]
    assert ids(command, *args, "--limit", "0") == []
    line = usage_error(command, *args, "--sort", "nope")
    assert "unknown sort field 'nope'" in line
    assert "available: id, kind" in line


@pytest.mark.parametrize("command", list(LIST_COMMANDS))
def test_every_list_command_has_the_shared_options_declared_once(command: str) -> None:
    help_text = ok(command, *LIST_COMMANDS[command], "--help")
    for option in SHARED:
        assert option in help_text, (command, option)
    # The shared options are not parameters of the command's own function.
    parameters = inspect.signature(registry.callback(registry.BY_NAME[command])).parameters
    assert not {"fmt", "json_", "fields", "cite", "sort", "limit"} & set(parameters)


@pytest.mark.parametrize("command", ["show", "summary"])
def test_one_object_commands_take_the_format_options(command: str) -> None:
    help_text = ok(command, "--help")
    for option in ("--format", "--json", "--fields"):
        assert option in help_text
    assert "--limit" not in help_text
    assert "--sort" not in help_text


def test_limit_is_applied_after_filtering_and_sorting_and_said_in_the_table() -> None:
    assert ids("visits", "--country", "Rwanda", "--sort", "-date", "--limit", "1") == [
        "visit-kagame-2025"
    ]
    table = ok("visits", "--limit", "2", width=200)
    assert "The first 2 of 13 records (--limit)." in table
    assert "--limit" not in ok("visits", "--limit", "20", width=200)
    assert "-1 is not in the range x>=0" in usage_error("visits", "--limit", "-1")


def test_sort_by_a_date_goes_by_the_days_it_covers() -> None:
    rows = [{"id": "a", "date": "2025"}, {"id": "b", "date": "2025-01"}, {"id": "c"}]
    rows.append({"id": "d", "date": "2024-12-31"})
    # As text, '2025' < '2025-01'; as days, January ends before the year does.
    assert [r["id"] for r in render.sort_rows(rows, ("date",))] == ["d", "b", "a", "c"]
    assert [r["id"] for r in render.sort_rows(rows, ("-date",))] == ["a", "b", "d", "c"]
    ranged = [{"id": "r", "date": "2025-01", "end": "2025-12"}, {"id": "m", "date": "2025-01"}]
    assert [r["id"] for r in render.sort_rows(ranged, ("date",))] == ["m", "r"]


def test_missing_values_come_last_either_way() -> None:
    for order in ("date", "-date"):
        events = as_json("events", "--sort", order)
        dated = [e for e in events if e.get("date")]
        assert events[: len(dated)] == dated, order
        assert events[len(dated) :], order
    newest = as_json("quotes", "--sort", "-date")
    assert newest[0]["date"] == "2025-06-02"
    assert newest[-1].get("date") is None


def test_sort_is_stable_and_takes_dotted_paths_and_several_fields() -> None:
    held_first = ids("visits", "--sort", "status")
    assert held_first[-1] == "visit-burkina-faso-delegation-2025"  # planned
    chronological = ids("visits")
    assert held_first[:-1] == [i for i in chronological if i != held_first[-1]]
    assert ids("trade", "--sort", "-amount.value") == ["trade-2022", "trade-2024", "trade-2012"]
    assert ids("trade", "--sort", "-amount") == ["trade-2022", "trade-2024", "trade-2012"]
    by_origin = as_json("visits", "--sort", "origin.name,-date")
    names = [v["origin"][0]["name"] for v in by_origin]
    assert names == sorted(names, key=fold)
    rwanda = [v["id"] for v in by_origin if v["origin"][0]["name"] == "Rwanda"]
    assert rwanda == ["visit-kagame-2025", "visit-foreign-minister-rwanda", "visit-kagame-2015"]


def test_sort_of_text_ignores_case_and_accents() -> None:
    names = [p["name"] for p in as_json("people", "--sort", "name")]
    assert names == sorted(names, key=fold)
    assert names.index("Françoise Joly") < names.index("Karamoko Jean-Marie Traoré")


def test_an_empty_answer_still_checks_the_sort_field() -> None:
    assert ids("visits", "--country", "Kenya", "--sort", "date") == []
    assert "unknown sort field" in usage_error("visits", "--country", "Kenya", "--sort", "x")


# -- choices take any case --------------------------------------------------------------


def test_choices_take_any_case() -> None:
    assert ids("visits", "--status", "PLANNED") == ["visit-burkina-faso-delegation-2025"]
    assert ids("visits", "--status", "Held") == ids("visits", "--status", "held")
    assert ok("visits", "--format", "JSON") == ok("visits", "--json")
    assert ok("trade", "-f", "Csv") == ok("trade", "-f", "csv")


# -- directions -------------------------------------------------------------------------


def test_from_and_to() -> None:
    assert ids("visits", "--from", "Kazakhstan") == ["visit-nurtleu-morocco-2025"]
    assert ids("visits", "--to", "Morocco") == ["visit-nurtleu-morocco-2025"]
    to_kazakhstan = ids("visits", "--to", "KZ")
    assert len(to_kazakhstan) == len(FACTS["visits"]) - 1
    assert "visit-nurtleu-morocco-2025" not in to_kazakhstan
    assert len(ids("visits", "--country", "Kazakhstan")) == len(FACTS["visits"])  # either side
    assert ids("visits", "--from", "Rwanda") == [
        "visit-kagame-2015",
        "visit-foreign-minister-rwanda",
        "visit-kagame-2025",
    ]


def test_directions_combine_with_country_and_each_other() -> None:
    assert ids("visits", "--from", "Kazakhstan", "--country", "Morocco") == [
        "visit-nurtleu-morocco-2025"
    ]
    assert ids("visits", "--from", "Kazakhstan", "--country", "Rwanda") == []
    assert ids("visits", "--to", "Kazakhstan", "--country", "Rwandan") == ids(
        "visits", "--from", "Rwanda"
    )
    assert ids("visits", "--from", "Rwanda", "--to", "Morocco") == []
    assert ids("visits", "--from", "Burkina Faso", "--to", "Kazakhstan", "--status", "planned") == [
        "visit-burkina-faso-delegation-2025"
    ]
    assert "Visits (from Kazakhstan)" in ok("visits", "--from", "kaz", width=120)


def test_directions_with_countries_outside_the_facts_and_unknown_names() -> None:
    assert as_json("visits", "--from", "Kenya") == []
    assert as_json("visits", "--to", "France", "--country", "Rwanda") == []
    assert "unknown country 'Narnia'" in usage_error("visits", "--from", "Narnia")


# -- uncertain dates ----------------------------------------------------------------------


def test_a_window_says_which_records_are_certain() -> None:
    visits = as_json("visits", "--since", "2025")
    places = {v["id"]: v["in_window"] for v in visits}
    # The six visits "over the past two years" only possibly fall in 2025.
    for record in FACTS["visits"]:
        if record.get("as_stated") == "Over the past two years":
            assert places[record["id"]] == "possible", record["id"]
    assert places["visit-kagame-2025"] == "certain"
    assert places["visit-nurtleu-morocco-2025"] == "certain"
    assert places["visit-ogunwusi-forum-2025"] == "possible"  # approximate, though inside
    assert list(visits[0])[-2:] == ["in_window", "evidence"]
    assert "in_window" not in as_json("visits")[0]  # only with a window


def test_who_visited_in_2025_certainly() -> None:
    assert ids("visits", "--since", "2025", "--until", "2025", "--certain") == [
        "visit-nurtleu-morocco-2025",
        "visit-kagame-2025",
        "visit-burkina-faso-delegation-2025",
    ]


@pytest.mark.parametrize(
    ("since", "until", "record", "placement"),
    [
        ("2025-05-15", None, "visit-kagame-2025", "possible"),  # half of May
        ("2025-05", "2025-05", "visit-kagame-2025", "certain"),
        ("2025-05", "2025-05", "visit-zerbo-forum-2025", "possible"),  # approximate
        (None, "2025-06-04", "visit-burkina-faso-delegation-2025", "possible"),  # sticks out
        ("2025-06", None, "visit-burkina-faso-delegation-2025", "certain"),
        ("2012", "2012", "trade-2012", "certain"),
    ],
)
def test_window_placements(
    since: str | None, until: str | None, record: str, placement: str
) -> None:
    window = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    command = "trade" if record.startswith("trade") else "visits"
    found = {r["id"]: r["in_window"] for r in as_json(command, *window)}
    assert found[record] == placement
    certain = ids(command, *window, "--certain")
    assert (record in certain) == (placement == "certain")
    assert all(found[i] == "certain" for i in certain)


def test_the_table_marks_possible_rows_and_explains() -> None:
    table = ok("visits", "--since", "2025", width=200)
    row = next(line for line in table.splitlines() if "visit-president-togo" in line)
    assert "? ~2023-06 → 2025-06" in row
    assert "? only possibly in the window" in table
    certain = ok("visits", "--since", "2025", "--certain", width=200)
    assert "?" not in certain
    assert "visit-president-togo" not in certain


def test_the_window_field_is_in_every_machine_format() -> None:
    csv_out = ok("visits", "--since", "2025", "-f", "csv").splitlines()
    assert "in_window" in csv_out[0].split(",")
    empty = ok("visits", "--since", "2030", "-f", "csv").splitlines()
    assert empty == [csv_out[0]]  # the same header for an empty answer
    assert as_json("events", "--since", "2025", "--fields", "id,in_window")[0]["in_window"]


def test_certain_needs_a_window() -> None:
    assert "--certain needs a window" in usage_error("visits", "--certain")


# -- search that finds what people type ------------------------------------------------


def test_quotes_contains_folds_apostrophes() -> None:
    # The article writes Kazakhstan’s; people type Kazakhstan's.
    found = ids("quotes", "--contains", "Kazakhstan's")
    expected = [q["id"] for q in FACTS["quotes"] if "Kazakhstan’s" in q["text"]]
    assert expected
    assert sorted(found) == sorted(expected)
    assert ids("quotes", "--contains", "KAZAKHSTAN’S KNOW‑HOW") == ["quote-kagame-know-how"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Kazakh-African", "trade-2022"),  # the article: Kazakh-African
        ("Kazakh–African", "trade-2022"),  # en dash typed
        ("Guinea—Bissau", "guinea-bissau"),  # em dash typed
        ("2025-2030", "strategy-africa-2025-2030"),  # the article writes 2025–2030
        ("“benefit immensely", "agreement-critical-minerals"),
        ('"benefit immensely', "agreement-critical-minerals"),
        ("FRANÇOISE", "francoise-joly"),
        ("country's election", "initiative-un-security-council"),
    ],
)
def test_search_folds_typography(typed: str, found: str) -> None:
    assert found in ids("search", typed)


def test_speaker_folds_too() -> None:
    assert ids("statements", "--speaker", "SMADIYAROV") == [
        s["id"] for s in FACTS["statements"] if s.get("speaker") == "aibek-smadiyarov"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["quotes", "--speaker", ""],
        ["quotes", "--contains", ""],
        ["quotes", "--contains", "   "],
        ["statements", "--speaker", ""],
        ["statements", "--contains", " "],
        ["search", ""],
    ],
)
def test_empty_text_filters_are_usage_errors(args: list[str]) -> None:
    assert usage_error(*args).startswith("kzafrica: ")


def test_search_ranks_own_fields_before_evidence() -> None:
    found = as_json("search", "congo")
    order = [r["id"] for r in found]
    evidence_only = [r["id"] for r in found if r["matched"] == ["evidence"]]
    assert {"togo", "guinea-bissau"} <= set(evidence_only)
    assert order[-len(evidence_only) :] == evidence_only  # all of them last
    assert order[0] == "congo"
    congo = found[0]
    assert "name" in congo["matched"]
    assert list(congo)[-2:] == ["matched", "evidence"]
    joly = next(r for r in found if r["id"] == "francoise-joly")
    assert "role" in joly["matched"]
    assert "country.name" in joly["matched"]


def test_search_table_says_where_it_matched() -> None:
    table = ok("search", "congo", width=200)
    togo = next(line for line in table.splitlines() if "│ togo " in line or " togo │" in line)
    assert "evidence" in togo
    assert "Matched" in table


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_typography_blind(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    curly = text.replace("'", "’").replace('"', "“").replace("-", "–")
    assert fold(curly) == folded


def test_query_fold_is_the_one_folding() -> None:
    assert query.fold is fold


# -- --fields into lists of objects -------------------------------------------------------


def test_fields_reach_into_lists_of_objects() -> None:
    rows = as_json("visits", "--country", "Rwanda", "--fields", "id,origin.name,visitors.name")
    assert rows[0] == {
        "id": "visit-kagame-2015",
        "origin.name": ["Rwanda"],
        "visitors.name": ["Paul Kagame"],
    }
    assert rows[1]["visitors.name"] == []  # the foreign minister is unnamed
    csv_rows = ok("visits", "--from", "Rwanda", "-f", "csv", "--fields", "id,origin.name")
    assert csv_rows.splitlines()[1] == "visit-kagame-2015,Rwanda"
    events = as_json("events", "--kind", "event", "--fields", "id,countries.name")
    meeting = next(e for e in events if e["id"] == "meeting-kagame-tokayev-2025-05-28")
    assert meeting["countries.name"] == ["Rwanda", "Kazakhstan"]
    joined = ok("events", "--kind", "event", "-f", "csv", "--fields", "id,countries.name")
    assert "meeting-kagame-tokayev-2025-05-28,Rwanda | Kazakhstan" in joined


# -- every record kind reachable ----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "collection"),
    [
        ("statements", "statements"),
        ("areas", "areas"),
        ("initiatives", "initiatives"),
        ("figures", "figures"),
        ("places", "places"),
    ],
)
def test_every_kind_has_a_list_command(command: str, collection: str) -> None:
    assert sorted(ids(command)) == sorted(r["id"] for r in FACTS[collection])
    assert ok(command, "--cite", width=120).strip()


def test_every_collection_is_listed_by_some_command() -> None:
    listed = {i for command in LIST_COMMANDS if command != "search" for i in ids(command)}
    for key, records in FACTS.items():
        if isinstance(records, list) and key != "articles":
            assert {r["id"] for r in records} <= listed, key


def test_statements_filters() -> None:
    assert ids("statements", "--contains", "middle power") == ["statement-middle-power"]
    table = ok("statements", width=120)
    assert "the article" in table


# -- summary ------------------------------------------------------------------------------


def test_summary_counts_are_singular_for_one() -> None:
    table = " ".join(ok("summary", width=200).split())
    assert "1 membership " in table
    assert "1 memberships" not in table
    assert "13 visits" in table


# -- the real process --------------------------------------------------------------------

KZAFRICA = Path(sys.executable).parent / "kzafrica"


@pytest.mark.skipif(not KZAFRICA.exists(), reason="the kzafrica command is not installed")
def test_shared_options_in_a_real_process(tmp_path: Path) -> None:
    """The installed command builds only the invoked command; the shared options come
    with it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "COLUMNS": "100"}
    done = subprocess.run(
        [str(KZAFRICA), "visits", "--sort", "-date", "--limit", "2", "--format", "JSON"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [v["id"] for v in json.loads(done.stdout)] == [
        "visit-burkina-faso-delegation-2025",
        "visit-joly-forum-2025",
    ]


def test_a_kind_narrows_the_timeline_and_never_adds_to_it() -> None:
    """Found by the property test: `events --kind goods` listed undated goods that
    `events` itself leaves out (it adds only undated visits and events)."""
    everything = ids("events")
    for kind in ("goods", "trade", "visit", "event", "quote"):
        narrowed = ids("events", "--kind", kind)
        assert set(narrowed) <= set(everything), kind
    assert "agreement-critical-minerals" in ids("events", "--kind", "event")
