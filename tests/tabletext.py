"""Tables as a person reads them, for the layout tests (test_layout.py, test_narrow.py): the
text without colour, its words, and the records behind it."""

from __future__ import annotations

import json
import re
from typing import Any

from typer.testing import CliRunner

from kzafrica.cli import app

RUNNER = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Whitespace and box-drawing characters separate the words of a table.
SEPARATORS = re.compile(r"[\s\u2500-\u257f]+")


def plain_table(args: list[str], width: int) -> str:
    """The table ``kzafrica ARGS`` draws at ``width`` columns, without colour codes."""
    result = RUNNER.invoke(app.app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, (args, result.stderr)
    return ANSI.sub("", result.stdout)


def records(args: list[str]) -> list[dict[str, Any]]:
    """The records behind the table, as --json gives them."""
    result = RUNNER.invoke(app.app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def words(text: str) -> set[str]:
    return set(SEPARATORS.split(text)) - {""}
