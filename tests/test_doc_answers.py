"""What the docs say of answers is true (issue #18, item 12): every jq example in a
command's help prints something, the dump holds the records a command prints (in the
fact base's order, where the command sorts), and the pandas snippet gets text dates from
CSV and no empty column beside a reference's dotted ones."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kzafrica.cli import app

ROOT = Path(__file__).resolve().parent.parent
RUNNER = CliRunner()


def _piped_help_examples() -> list[tuple[list[str], str]]:
    """(the command's words, the jq program) of every help example piped into jq."""
    group = typer.main.get_command(app.app)
    found = []
    for command in group.commands.values():  # type: ignore[attr-defined]
        for line in (command.help or "").splitlines():
            line = line.strip()
            head, pipe, consumer = line.partition(" | ")
            if line.startswith("kzafrica ") and pipe and consumer.startswith("jq "):
                found.append((shlex.split(head)[1:], consumer))
    return found


@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq")
def test_every_jq_example_in_a_help_prints_something() -> None:
    examples = _piped_help_examples()
    assert any(args[0] == "article" for args, _ in examples)
    for args, consumer in examples:
        result = RUNNER.invoke(app.app, args)
        assert result.exit_code == 0, (args, result.stderr)
        done = subprocess.run(
            shlex.split(consumer), input=result.stdout, capture_output=True, text=True
        )
        assert done.returncode == 0, (consumer, done.stderr)
        assert done.stdout.strip(), (args, consumer)


@pytest.mark.parametrize(("command", "key"), [("visits", "visits"), ("quotes", "quotes")])
def test_the_dump_holds_what_a_command_prints_in_the_fact_bases_order(
    command: str, key: str, tmp_path: Path
) -> None:
    dumped = tmp_path / "facts.json"
    assert RUNNER.invoke(app.app, ["dump", str(dumped)]).exit_code == 0
    from_dump = json.loads(dumped.read_text("utf-8"))[key]
    printed = json.loads(RUNNER.invoke(app.app, [command, "--json"]).stdout)
    by_id = {record["id"]: record for record in printed}
    assert {record["id"]: record for record in from_dump} == by_id
    assert [r["id"] for r in from_dump] != [r["id"] for r in printed]  # as output.md says
    assert "oldest first" in (ROOT / "docs" / "output.md").read_text("utf-8")


def test_the_pandas_snippet_gets_clean_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The output.md snippet, run as written (skipped where pandas is not installed)."""
    pytest.importorskip("pandas")
    kzafrica = Path(sys.executable).parent / "kzafrica"
    monkeypatch.setenv("PATH", f"{kzafrica.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    page = (ROOT / "docs" / "output.md").read_text("utf-8")
    [block] = [b for b in re.findall(r"```python\n(.*?)```", page, re.S) if "pandas" in b]
    namespace: dict[str, object] = {}
    exec(compile(block, "docs/output.md", "exec"), namespace)
    trade, visits = namespace["trade"], namespace["visits"]
    assert list(trade["date"])[:1] == ["2012"]  # type: ignore[index]
    columns = list(visits.columns)  # type: ignore[attr-defined]
    assert "place.name" in columns
    assert "place" not in columns
