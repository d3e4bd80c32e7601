"""Helpers for the command line's tests (test_cli.py, test_cli_output.py): running a
command in-process and reading its answer."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import yaml
from helpers import LIST_COMMANDS, SHIPPED
from typer.testing import CliRunner, Result

from kzafrica.cli import app, registry

RUNNER = CliRunner()
ENV = {"COLUMNS": "100"}
FACTS: dict[str, Any] = yaml.safe_load(SHIPPED)
COLLECTIONS = [key for key, value in FACTS.items() if isinstance(value, list) and key != "articles"]
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
# Commands with output of their own, tested one by one (article, articles, dump: in their
# own files).
OTHER_COMMANDS = {"validate", "schema", "article", "articles", "dump"}


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


def one_line_error(result: Result, code: int) -> str:
    """The one line a failed command says, having checked it said only that."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("kzafrica: ")
    return line
