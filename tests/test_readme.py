"""The README tells the truth: its commands, command reference and data model match the code."""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pytest
import typer
from helpers import SHIPPED
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.factfile.models import COLLECTIONS
from kzafrica.output import render

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, title
    return match.group(1)


def test_setup_commands_are_the_ones_ci_runs() -> None:
    block = re.search(r"```sh\n(.*?)```", _section("Set-up"), re.S)
    assert block
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci


def test_command_reference_matches_help() -> None:
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    rows = dict(re.findall(r"^\| `kzafrica (\w+)` \| (.+?) \|$", README, re.M))
    assert set(rows) == set(group.commands)
    for name, command in group.commands.items():
        assert command.help is not None
        assert rows[name] == command.help.splitlines()[0], name


def test_every_command_help_has_examples() -> None:
    runner = CliRunner()
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    for name in group.commands:
        result = runner.invoke(app.app, [name, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, name
        assert "Examples:" in result.stdout, name
        assert f"kzafrica {name}" in result.stdout, name


def test_formats_in_readme_are_the_registry() -> None:
    match = re.search(r"`--format ([a-z|]+)`", _section("Command reference"))
    assert match
    assert match.group(1).split("|") == list(render.FORMATS)


def test_data_model_table_lists_every_field() -> None:
    table = _section("The data model")
    for key, model in COLLECTIONS.items():
        row = re.search(rf"^\| `{key}` \| {model.kind} \| (.+) \|$", table, re.M)
        assert row, key
        listed = re.findall(r"`(\w+)`", row.group(1))
        fields = [f for f in model.model_fields if f not in ("id", "evidence", "occurrences")]
        assert listed == fields, key


def test_every_example_in_the_readme_runs() -> None:
    runner = CliRunner()
    blocks = re.findall(r"```sh\n(.*?)```", _section("Examples"), re.S)
    lines = [
        line.split(" #")[0].split(" |")[0].split(" >")[0] for b in blocks for line in b.splitlines()
    ]
    examples = [shlex.split(line)[1:] for line in lines if line.startswith("kzafrica ")]
    assert len(examples) >= 15
    for args in examples:
        result = runner.invoke(app.app, args, env={"COLUMNS": "100"})
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stdout.strip(), args


def _help_examples() -> list[tuple[str, list[str]]]:
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    found = []
    for name, command in group.commands.items():
        for line in (command.help or "").splitlines():
            line = line.strip()
            if line.startswith("kzafrica "):
                # The command itself, before any pipe or redirection.
                found.append((name, shlex.split(line.split(" |")[0].split(" >")[0])[1:]))
    return found


def test_every_example_in_every_help_gives_an_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = _help_examples()
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    assert {name for name, _ in examples} == set(group.commands)
    monkeypatch.chdir(tmp_path)  # `kzafrica validate my-facts.yaml` reads a copy of the facts
    (tmp_path / "my-facts.yaml").write_text(SHIPPED, encoding="utf-8")
    runner = CliRunner()
    for _name, args in examples:
        result = runner.invoke(app.app, args, env={"COLUMNS": "100"})
        assert result.exit_code == 0, (args, result.stderr)
        if args[0] == "dump":  # its answer is the file it writes; stdout stays empty
            assert (tmp_path / args[1]).stat().st_size > 0, args
            continue
        assert result.stdout.strip(), args
        assert "No records match." not in result.stdout, args
        assert result.stdout.strip() != "[]", args


def test_the_pandas_example_keeps_dates_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's pandas snippet, run as written (skipped where pandas is not installed)."""
    pytest.importorskip("pandas")
    kzafrica = Path(sys.executable).parent / "kzafrica"
    if not kzafrica.exists():
        pytest.skip("the kzafrica command is not installed")
    monkeypatch.setenv("PATH", f"{kzafrica.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    block = re.search(r"```python\n(.*?)```", _section("Examples"), re.S)
    assert block
    namespace: dict[str, object] = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    for frame in (namespace["visits"], namespace["same"]):
        dates = list(frame["date"])  # type: ignore[index]
        assert dates[0] == "2015"  # a year, not 2015-01-01
        assert all(isinstance(d, str) for d in dates)
        assert "2025-05" in dates
