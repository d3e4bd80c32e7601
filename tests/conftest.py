"""Shared test set-up: never touch the user's own cache or data settings; Hypothesis budgets.

Property tests run an eighth of their examples by default, so that the suite stays under
a minute on two cores. Their whole budgets: ``pytest --hypothesis-profile=full`` (or
``KZAFRICA_HYPOTHESIS=full``); the share of each test's budget is that profile's
max_examples out of 100 (see ``shared.examples``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import typer.testing
from hypothesis import settings
from shared import FULL

from kzafrica.cli import app

settings.register_profile("quick", max_examples=FULL // 8)
settings.register_profile("full", max_examples=FULL)
# Loaded here, at start-up: --hypothesis-profile, if given, is loaded after it and wins.
settings.load_profile(os.environ.get("KZAFRICA_HYPOTHESIS", "quick"))


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
