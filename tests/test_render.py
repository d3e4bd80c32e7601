"""Every output format of every query command, and what the data may not do to them.

The command × format grid iterates over ``render.FORMATS`` itself, so a format added to the
registry without a checker here fails the suite.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import facts_file
from typer.testing import CliRunner, Result

from kzafrica.cli import app
from kzafrica.factfile.errors import UsageError
from kzafrica.output import render

RUNNER = CliRunner()

QUERIES: dict[str, list[str]] = {
    "visits": ["visits"],
    "visits-rwanda": ["visits", "--country", "Rwanda", "--since", "2015"],
    "trade": ["trade"],
    "exports": ["exports"],
    "imports": ["imports"],
    "people": ["people"],
    "quotes": ["quotes", "--speaker", "kagame"],
    "countries": ["countries"],
    "orgs": ["orgs"],
    "missions": ["missions"],
    "events": ["events"],
    "search": ["search", "grain"],
    "show": ["show", "visit-kagame-2025"],
    "summary": ["summary"],
    "empty": ["visits", "--country", "Kenya"],
}
ONE_OBJECT = {"show", "summary"}

# Markup, links, an unmatched closing tag, an emoji code, a formula: all must stay text.
MARKUP = "[bold red]x[/] [link=http://x]y[/link] [/bold] :thumbs_up:"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = RUNNER.invoke(app.app, list(args), env={"COLUMNS": "100", **(env or {})})
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    assert result.stderr == ""
    return result


def rows_of(data: Any) -> list[dict[str, Any]]:
    return data if isinstance(data, list) else [data]


# -- a checker per format: parse the output and compare it with the JSON -----------------


def check_table(out: str, data: Any) -> None:
    """A table drawn wide enough that nothing folds shows every id it has a column for."""
    assert out.strip()
    if data == []:
        assert "No records match." in " ".join(out.split())
    elif isinstance(data, dict):
        assert str(data.get("id", "at a glance")) in out
    elif re.search(r"┃ ID +┃", out, re.I):
        for row in data:
            assert row["id"] in out, row["id"]


def check_json(out: str, data: Any) -> None:
    assert json.loads(out) == data


def check_jsonl(out: str, data: Any) -> None:
    assert out.endswith("\n") or out == ""
    assert [json.loads(line) for line in out.splitlines()] == rows_of(data)


def as_cell(value: Any) -> str:
    """How a flattened value reads in a CSV cell (the test's own rendering)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if isinstance(value, str) and text[:1] in tuple("=+-@\t\r") else text


def check_delimited(delimiter: str) -> Callable[[str, Any], None]:
    def check(out: str, data: Any) -> None:
        rows = list(csv.reader(io.StringIO(out), delimiter=delimiter))
        header, body = rows[0], rows[1:]
        assert len(body) == len(rows_of(data))
        assert len(set(header)) == len(header)
        for row, record in zip(body, rows_of(data), strict=True):
            assert len(row) == len(header)
            flat = render.flatten(record)
            # every value is in a column, and every column holds the record's value
            assert {k for k, v in flat.items() if v not in (None, "")} <= set(header)
            for key, cell in zip(header, row, strict=True):
                assert cell == as_cell(flat.get(key)), (key, cell)

    return check


def check_yaml(out: str, data: Any) -> None:
    assert yaml.safe_load(out) == data


CHECKERS: dict[str, Callable[[str, Any], None]] = {
    "table": check_table,
    "json": check_json,
    "jsonl": check_jsonl,
    "csv": check_delimited(","),
    "tsv": check_delimited("\t"),
    "yaml": check_yaml,
}


def test_every_registered_format_has_a_checker() -> None:
    assert set(CHECKERS) == set(render.FORMATS)


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    assert [f.value for f in app.Format] == list(render.FORMATS)


@pytest.mark.parametrize("fmt", list(render.FORMATS))
@pytest.mark.parametrize("query", list(QUERIES))
def test_every_command_in_every_format(query: str, fmt: str) -> None:
    args = QUERIES[query]
    data = json.loads(invoke(*args, "--json").stdout)
    assert isinstance(data, dict) == (query in ONE_OBJECT)
    # FORCE_COLOR must not colour machine formats: no escape or control character at all.
    env = {"COLUMNS": "1000"} if fmt == "table" else {"FORCE_COLOR": "1", "TERM": "xterm"}
    out = invoke(*args, "--format", fmt, env=env).stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out), (query, fmt)
    assert "\t" not in out or fmt == "tsv"
    if query == "search" and fmt in ("csv", "tsv"):
        check_search_delimited(out, data, "," if fmt == "csv" else "\t")
    else:
        CHECKERS[fmt](out, data)


SEARCH_COLUMNS = ["id", "kind", "date", "what", "matched", "evidence"]


def check_search_delimited(out: str, data: Any, delimiter: str) -> None:
    """Search mixes kinds: its CSV has fixed columns, lists joined with ' | '."""
    rows = list(csv.DictReader(io.StringIO(out), delimiter=delimiter))
    assert out.splitlines()[0] == delimiter.join(SEARCH_COLUMNS)
    assert [r["id"] for r in rows] == [d["id"] for d in data]
    for row, record in zip(rows, data, strict=True):
        assert row["kind"] == record["kind"]
        assert row["date"] == (record.get("date") or "")
        assert row["what"]
        assert row["matched"] == render.LIST_SEPARATOR.join(record["matched"])
        assert row["evidence"] == render.LIST_SEPARATOR.join(record["evidence"])


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_search_has_one_header_whatever_the_query(fmt: str) -> None:
    delimiter = "," if fmt == "csv" else "\t"
    for text in ("congo", "grain", "kagame", "no such words anywhere"):
        out = invoke("search", text, "-f", fmt).stdout
        assert out.splitlines()[0] == delimiter.join(SEARCH_COLUMNS), text
    assert invoke("search", "no such words anywhere", "-f", fmt).stdout == (
        delimiter.join(SEARCH_COLUMNS) + "\n"
    )
    # --fields still chooses the columns.
    assert invoke("search", "grain", "-f", fmt, "--fields", "id,kind").stdout.splitlines()[0] == (
        delimiter.join(["id", "kind"])
    )


@pytest.mark.parametrize("fmt", list(render.FORMATS))
@pytest.mark.parametrize("query", ["visits", "trade", "show", "empty"])
def test_fields_in_every_format(query: str, fmt: str) -> None:
    args = [*QUERIES[query], "--fields", "id,date"]
    data = json.loads(invoke(*args, "--json").stdout)
    for row in rows_of(data):
        assert list(row) == ["id", "date"]
    out = invoke(*args, "--format", fmt, env={"COLUMNS": "1000"}).stdout
    CHECKERS[fmt](out, data)
    if fmt in ("csv", "tsv") and data:
        assert out.splitlines()[0] == ("," if fmt == "csv" else "\t").join(["id", "date"])


# -- CSV and TSV ------------------------------------------------------------------------


def test_csv_flattening_is_predictable() -> None:
    out = invoke("visits", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    header = list(rows[0])
    for column in ("id", "date", "end", "visitors.id", "visitors.name", "origin.code"):
        assert column in header
    assert "destination.name" in header
    assert "visitors" not in header  # a list of objects becomes one column per key
    kagame = next(r for r in rows if r["id"] == "visit-kagame-2025")
    assert kagame["visitors.name"] == "Paul Kagame"
    assert kagame["origin.code"] == "RW"
    assert kagame["approximate"] == "false"
    assert kagame["ordinal"] == "2"
    assert kagame["end"] == ""
    visit = json.loads(invoke("show", "visit-kagame-2025", "--json").stdout)
    assert kagame["evidence"] == render.LIST_SEPARATOR.join(visit["evidence"])


def test_csv_amounts_are_plain_numbers() -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("trade", "-f", "csv").stdout)))
    assert [r["amount.value"] for r in rows] == ["100000000", "1000000000", "783000000"]
    assert [r["amount.currency"] for r in rows] == ["USD"] * 3
    assert [r["amount.qualifier"] for r in rows] == ["around", "more than", ""]


def test_tsv_cells_never_break_rows() -> None:
    out = invoke("quotes", "-f", "tsv").stdout
    rows = list(csv.reader(io.StringIO(out), delimiter="\t"))
    assert len(rows) == 1 + len(json.loads(invoke("quotes", "--json").stdout))


# "\r" is left out: the writer's line ending is "\n", so a CR in a cell goes unquoted;
# the models refuse control characters, so no record can hold one.
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_formula_cells_are_neutralised(start: str) -> None:
    out = io.StringIO()
    record = {"id": "x", "name": f"{start}1+2", "list": [f"{start}cmd", "ok"], "n": -5}
    render.write(render.Result([record], render.View("t")), render.Options("csv"), out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert row["name"] == f"'{start}1+2"
    assert row["list"] == f"'{start}cmd{render.LIST_SEPARATOR}ok"
    assert row["n"] == "-5"  # a number is not a formula


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_formula_in_data_file_is_neutralised(tmp_path: Path, fmt: str) -> None:
    data = facts_file(
        tmp_path,
        ("name: Paul Kagame", "name: '=HYPERLINK(\"http://x\")'"),
        ("name: Lassina Zerbo", "name: '@SUM(A1)'"),
        ("name: Murat Nurtleu", "name: '+1-2'"),
        ("name: Aibek Smadiyarov", "name: '-3'"),
    )
    out = invoke("--data", str(data), "people", "-f", fmt).stdout
    names = [
        r["name"] for r in csv.DictReader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t")
    ]
    assert '\'=HYPERLINK("http://x")' in names
    assert "'@SUM(A1)" in names
    assert "'+1-2" in names
    assert "'-3" in names
    # The machine formats keep the data as it is.
    people = json.loads(invoke("--data", str(data), "people", "--json").stdout)
    assert '=HYPERLINK("http://x")' in [p["name"] for p in people]


# -- markup and escapes ------------------------------------------------------------------


@pytest.fixture
def markup_data(tmp_path: Path) -> Path:
    return facts_file(tmp_path, ("name: Paul Kagame", f"name: '{MARKUP}'"))


@pytest.mark.parametrize(
    "args",
    [
        ["people"],
        ["people", "--cite"],
        ["show", "paul-kagame"],
        ["visits", "--country", "Rwanda"],
        ["quotes"],
        ["events", "--kind", "visit"],
        ["search", "x"],
        ["summary"],
        ["show", "paul-kagame", "--fields", "name"],
    ],
)
@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1", "TERM": "xterm-256color"}])
def test_markup_in_data_is_shown_literally(
    markup_data: Path, args: list[str], env: dict[str, str]
) -> None:
    out = invoke("--data", str(markup_data), *args, env={"COLUMNS": "300", **env}).stdout
    assert "\x1b]8;" not in out  # no hyperlink escape
    assert "👍" not in out
    assert MARKUP in ANSI.sub("", out)


def test_markup_in_json_stays_as_typed(markup_data: Path) -> None:
    people = json.loads(invoke("--data", str(markup_data), "people", "--json").stdout)
    assert people[0]["name"] == MARKUP


def test_markup_in_user_input_is_literal() -> None:
    out = invoke("search", "[bold]x[/bold] :thumbs_up:", env={"COLUMNS": "300"}).stdout
    assert "[bold]x[/bold] :thumbs_up:" in " ".join(out.split())


def test_write_table_with_markup_everywhere() -> None:
    stream = io.StringIO()
    column = render.Column(MARKUP, lambda r: str(r["name"]))
    view = render.View(MARKUP, (column,), caption="[/]")
    render.write(render.Result([{"name": MARKUP}], view), render.Options(), stream)
    out = stream.getvalue()
    assert out.count("[/bold]") == 3
    assert "[/]" in out


def test_json_escapes_control_characters_a_record_might_hold() -> None:
    stream = io.StringIO()
    record = {"id": "x", "text": "a\x1b[31mb\x07\u2028c"}
    render.write(render.Result([record], render.View("t")), render.Options("json"), stream)
    assert "\x1b" not in stream.getvalue()
    assert "\x07" not in stream.getvalue()
    assert json.loads(stream.getvalue()) == [record]


# -- the registry ------------------------------------------------------------------------


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format 'xml'; choose from table, json"):
        render.write(render.Result([], render.View("t")), render.Options("xml"), io.StringIO())


def test_select_fields() -> None:
    rows = [{"id": "a", "amount": {"value": 1, "currency": "USD"}}]
    picked = render.select_fields(rows, ("amount.value", "id"), rows)
    assert picked == [{"amount.value": 1, "id": "a"}]
    with pytest.raises(UsageError, match=r"unknown field 'nope'; available: id, amount$"):
        render.select_fields(rows, ("nope",), rows)
    assert render.select_fields({"id": "a"}, ("id",), {"id": "a"}) == {"id": "a"}
    # An empty answer checks the names against records of the same kind.
    assert render.select_fields([], ("id",), rows) == []
    with pytest.raises(UsageError, match="unknown field 'nope'"):
        render.select_fields([], ("nope",), rows)


def test_csv_header_is_the_same_for_every_filter_and_for_no_match() -> None:
    headers = set()
    for country in ("Rwanda", "Morocco", "Kenya"):
        result = invoke("visits", "--country", country, "--format", "csv")
        assert result.exit_code == 0
        headers.add(result.stdout.splitlines()[0])
    assert len(headers) == 1
    assert headers.pop().startswith("id,kind,date,end,")
    empty = invoke("quotes", "--speaker", "nobody", "-f", "csv", "--fields", "speaker.name,text")
    assert empty.stdout == "speaker.name,text\n"
    bad = RUNNER.invoke(app.app, ["quotes", "--speaker", "nobody", "--fields", "nope"])
    assert bad.exit_code == 2
    assert "unknown field 'nope'" in bad.stderr


def test_flatten() -> None:
    flat = render.flatten(
        {
            "id": "a",
            "place": None,
            "origin": [{"id": "x", "code": "X"}, {"id": "y"}],
            "tags": ["p", "q"],
            "empty": [],
            "amount": {"value": 5, "unit": {"name": "u"}},
        }
    )
    assert flat == {
        "id": "a",
        "place": None,
        "origin.id": "x | y",
        "origin.code": "X | ",
        "tags": "p | q",
        "empty": "",
        "amount.value": 5,
        "amount.unit.name": "u",
    }


def test_csv_columns_do_not_depend_on_record_order() -> None:
    one: dict[str, Any] = {"id": "a", "place": None, "n": 1}
    two: dict[str, Any] = {"id": "b", "place": {"id": "p", "name": "P"}, "n": 2}
    headers = []
    for rows in ([one, two], [two, one]):
        out = io.StringIO()
        render.write(render.Result(rows, render.View("t")), render.Options("csv"), out)
        headers.append(out.getvalue().splitlines()[0])
    assert headers[0] == headers[1] == "id,place.id,place.name,n"


def test_bars_scale_to_the_largest_value() -> None:
    bars = render.Bars([100, 1000, 783])
    assert len(bars.bar(1000)) == bars.width
    assert len(bars.bar(100)) == 2
    assert len(bars.bar(0)) == 1
    assert render.Bars([]).bar(0) == "█"


def test_a_json_list_is_one_record_a_line() -> None:
    """Each record on a line of its own (C-speed, grep-able); the whole is one JSON array."""
    rows: list[dict[str, Any]] = [
        {"id": "a", "name": "Traoré", "n": [1, 2]},
        {"id": "b", "text": "x\ny"},
    ]
    out = io.StringIO()
    render.write(render.Result(rows, render.View("t")), render.Options(format="json"), out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "["
    assert lines[-1] == "]"
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == rows
    assert json.loads(out.getvalue()) == rows
    empty = io.StringIO()
    render.write(render.Result([], render.View("t")), render.Options(format="json"), empty)
    assert empty.getvalue() == "[]\n"
