"""Shared test set-up: never touch the user's own cache or data settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import typer.testing

from kzafrica.cli import app


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the cache at a fresh directory and clear settings that choose the data file."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("KZAFRICA_NO_CACHE", raising=False)
    monkeypatch.delenv("KZAFRICA_DATA", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _command_built_once() -> Iterator[None]:
    """Typer rebuilds the Click command from the app on every CliRunner.invoke, which is
    most of an invocation's cost; build it once for the whole run."""
    command = typer.main.get_command(app.app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda app: command)
        yield
