"""docs/cli.md is every command's --help, as the program prints it today."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kzafrica.cli import app, clidoc

ROOT = Path(__file__).resolve().parents[1]


def sections() -> dict[str, str]:
    found = re.findall(
        r"^## (kzafrica(?: \w+)?)\n\n```text\n(.*?)\n```$", clidoc.generate(), re.M | re.S
    )
    return dict(found)


def test_docs_cli_md_is_in_step_with_the_program() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == clidoc.generate(), f"docs/cli.md is stale: run {clidoc.REGENERATE}"


def test_every_command_has_its_section() -> None:
    group = typer.main.get_command(app.app)
    names = list(getattr(group, "commands", {}))
    assert list(sections()) == ["kzafrica", *(f"kzafrica {n}" for n in names)]


@pytest.mark.parametrize("title", ["kzafrica", "kzafrica visits", "kzafrica dump"])
def test_a_section_is_what_help_prints_in_80_columns(title: str) -> None:
    # The installed program in a real 80-column setting (CliRunner forces its own width).
    env = {**os.environ, "COLUMNS": "80"}
    args = [sys.executable, "-m", "kzafrica", *title.split()[1:], "--help"]
    shown = subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout
    assert [line.rstrip() for line in shown.rstrip("\n").splitlines()] == sections()[
        title
    ].splitlines()
