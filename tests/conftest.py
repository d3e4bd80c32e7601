"""Shared test set-up: never touch the user's own cache or data settings."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the cache at a fresh directory and clear settings that choose the data file."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("KZAFRICA_NO_CACHE", raising=False)
    monkeypatch.delenv("KZAFRICA_DATA", raising=False)
