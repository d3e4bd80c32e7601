"""Properties of the command line over generated queries and arbitrary text (Hypothesis).

- every id any command prints can be shown;
- the machine formats of one query agree with its JSON;
- adding a filter never adds a record;
- any text given to an argument gives exit 0 or 2, never a traceback, and the same
  query twice prints the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared import examples
from typer.testing import CliRunner, Result

from kzafrica.cli import app
from kzafrica.output import render
from kzafrica.store import access

RUNNER = CliRunner()
ENV = {"COLUMNS": "100"}
FACTS: dict[str, Any] = yaml.safe_load(access.packaged_facts().read_text(encoding="utf-8"))
ALL_IDS = {r["id"] for value in FACTS.values() if isinstance(value, list) for r in value}

# The autouse fixture of conftest.py gives each test one fresh cache directory, shared by
# that test's examples, which is what these tests want.
PROPERTY = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def run(args: list[str]) -> Result:
    return RUNNER.invoke(app.app, args, env=ENV)


def ok_json(args: list[str]) -> Any:
    result = run([*args, "--json"])
    assert result.exit_code == 0, (args, result.stderr, result.exception)
    return json.loads(result.stdout)


def ids_in(value: Any) -> Iterator[str]:
    """Every id anywhere in a JSON value: records and the references they expand."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):
            yield value["id"]
        for item in value.values():
            yield from ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from ids_in(item)


# -- generated queries ------------------------------------------------------------------

COUNTRIES = st.sampled_from(
    [
        "Rwanda",
        "rw",
        "RWA",
        "Kazakh",
        "kazakhstan",
        "Morocco",
        "Burkina Faso",
        "burkinabè",
        "Congo",
        "Togo",
        "Benin",
        "sierra leone",
        "NGA",
        "Guinea-Bissau",
        "Kenya",
    ]
)


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2031, 12, 31)))
    return draw(st.sampled_from([f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}", str(day)]))


DATES = partial_dates()
FILTERS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "visits": {
        "--country": COUNTRIES,
        "--since": DATES,
        "--until": DATES,
        "--status": st.sampled_from(["held", "planned"]),
    },
    "trade": {"--since": DATES, "--until": DATES},
    "exports": {"--country": COUNTRIES},
    "imports": {"--country": COUNTRIES},
    "people": {"--country": COUNTRIES},
    "quotes": {
        "--speaker": st.sampled_from(["kagame", "Kagamé", "SMADIYAROV", "aibek", "paul", "x"]),
        "--contains": st.sampled_from(["Africa", "trade", "partner", "KNOW-HOW", "ç", "the"]),
    },
    "events": {
        "--country": COUNTRIES,
        "--kind": st.sampled_from(["visit", "event", "trade", "goods", "quote", "person"]),
        "--since": DATES,
        "--until": DATES,
    },
    "countries": {},
    "orgs": {},
    "missions": {},
}
WORDS = st.sampled_from(["grain", "Kagame", "TRAORÉ", "francoise", "astana", "UN", "2025", "é"])


@st.composite
def queries(draw: st.DrawFn, min_filters: int = 0) -> list[str]:
    """A valid query: a command and some of its filters (or a search)."""
    commands = [c for c, f in FILTERS.items() if len(f) >= min_filters]
    if min_filters == 0:
        commands.append("search")
    command = draw(st.sampled_from(commands))
    if command == "search":
        return ["search", draw(WORDS)]
    available = sorted(FILTERS[command])
    names = draw(st.sets(st.sampled_from(available), min_size=min_filters)) if available else set()
    args = [command]
    for name in sorted(names):
        args += [name, draw(FILTERS[command][name])]
    return args


def first_day(text: str) -> dt.date:
    year, month, day = ([int(p) for p in text.split("-")] + [1, 1])[:3]
    return dt.date(year, month, day)


def last_day(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    following = dt.date(parts[0] + 1, 1, 1) if len(parts) == 1 else None
    if following is None:
        year, month = parts
        following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def window_is_valid(args: list[str]) -> bool:
    """--since must not be after --until (that is a usage error, tested elsewhere)."""
    if "--since" not in args or "--until" not in args:
        return True
    since = args[args.index("--since") + 1]
    until = args[args.index("--until") + 1]
    return first_day(since) <= last_day(until)


# -- properties ---------------------------------------------------------------------------


def test_show_finds_every_id_any_command_prints() -> None:
    printed: set[str] = set()
    for command in [*FILTERS, "summary"]:
        printed.update(ids_in(ok_json([command])))
    printed.update(ids_in(ok_json(["search", "a"])))
    # Every record and reference in the fact base is reachable; the articles' ids (in
    # `sources`) are `kzafrica article ID`'s.
    articles = {article["id"] for article in FACTS["articles"]}
    assert printed == ALL_IDS
    for article in articles:
        assert ok_json(["article", article])["id"] == article
    for record_id in sorted(printed - articles):
        shown = ok_json(["show", record_id])
        assert isinstance(shown, dict)
        assert shown["id"] == record_id
        assert shown["evidence"]


def _csv_rows(out: str, delimiter: str) -> int:
    rows = list(csv.reader(io.StringIO(out, newline=""), delimiter=delimiter))
    assert all(len(row) == len(rows[0]) for row in rows)
    return len(rows) - 1


FORMAT_CHECKS: dict[str, Callable[[str, list[Any]], bool]] = {
    "json": lambda out, data: json.loads(out) == data,
    "jsonl": lambda out, data: [json.loads(line) for line in out.splitlines()] == data,
    "csv": lambda out, data: _csv_rows(out, ",") == len(data),
    "tsv": lambda out, data: _csv_rows(out, "\t") == len(data),
    "yaml": lambda out, data: yaml.safe_load(out) == data,
    "table": lambda out, data: bool(out.strip()),
}


def test_every_format_is_checked() -> None:
    assert set(FORMAT_CHECKS) == set(render.FORMATS)


@PROPERTY
@given(queries())
def test_formats_agree_with_json(args: list[str]) -> None:
    if not window_is_valid(args):
        return
    data = ok_json(args)
    assert isinstance(data, list)
    assert set(ids_in(data)) <= ALL_IDS
    for fmt in render.FORMATS:
        result = run([*args, "--format", fmt])
        assert result.exit_code == 0, (fmt, result.stderr)
        assert FORMAT_CHECKS[fmt](result.stdout, data), fmt


@PROPERTY
@given(st.data())
def test_filters_only_narrow(data: st.DataObject) -> None:
    args = data.draw(queries(min_filters=1))
    command, rest = args[0], args[1:]
    pairs = list(zip(rest[::2], rest[1::2], strict=True))
    dropped = data.draw(st.sampled_from(pairs))
    fewer = [command, *(x for pair in pairs if pair != dropped for x in pair)]
    if not window_is_valid(args):
        return
    narrow = [r["id"] for r in ok_json(args)]
    wide = [r["id"] for r in ok_json(fewer)]
    assert set(narrow) <= set(wide), (args, fewer)
    assert narrow == [i for i in wide if i in set(narrow)]  # and the order is kept
    if len(pairs) == 1:
        assert wide == [r["id"] for r in ok_json([command])]


ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, exclude_categories=())),  # surrogates, controls
    st.sampled_from(
        [
            "",
            " ",
            "[bold red]x[/]",
            "[/bold]",
            "[link=http://x]y[/link]",
            ":thumbs_up:",
            "\x1b[31mred",
            "\x1b]8;;http://x\x07",
            "-",
            "--help",
            "2025-13",
            "99999",
            "0000",
            "2025-02-29",
            "\u202eevil",
            "x" * 5000,
        ]
    ),
)
TARGETS = [
    ["search", "--", "{}"],
    ["show", "--", "{}"],
    ["visits", "--country={}"],
    ["people", "-c", "{}"],
    ["quotes", "--speaker={}"],
    ["quotes", "--contains={}"],
    ["visits", "--since={}"],
    ["events", "--until={}"],
    ["events", "--kind={}"],
    ["visits", "--status={}"],
    ["trade", "--fields={}"],
]


@settings(PROPERTY, max_examples=examples(100))
@given(
    st.sampled_from(TARGETS),
    ANY_TEXT,
    st.sampled_from(["table", "json"]),
)
def test_any_text_gives_an_answer_or_one_line(target: list[str], text: str, fmt: str) -> None:
    args = [part.replace("{}", text) for part in target] + ["--format", fmt]
    first = run(args)
    assert first.exception is None or isinstance(first.exception, SystemExit), first.exception
    assert first.exit_code in (0, 2), (first.exit_code, first.stderr)
    assert "Traceback" not in first.output
    if first.exit_code == 2:
        assert first.stdout == ""
        (line,) = first.stderr.splitlines()
        assert line.startswith("kzafrica: ")
        assert not any(c < " " or "\x7f" <= c <= "\x9f" for c in line), line
        assert len(line) < 2_000
    elif fmt == "json":
        assert isinstance(json.loads(first.stdout), (list, dict))
    second = run(args)
    assert (second.exit_code, second.stdout_bytes, second.stderr_bytes) == (
        first.exit_code,
        first.stdout_bytes,
        first.stderr_bytes,
    )
