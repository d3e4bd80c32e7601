"""Helpers shared by the test modules."""

from __future__ import annotations

from pathlib import Path

from kzafrica.cli import registry
from kzafrica.store import access

SHIPPED = access.packaged_facts().read_text(encoding="utf-8")

# Every command that lists records (not `articles`, a list of articles), with arguments
# that give a non-empty answer (the registry's samples).
LIST_COMMANDS: dict[str, list[str]] = {
    command.name: list(command.sample)
    for command in registry.COMMANDS
    if command.answers == registry.LIST and command.lists
}


def facts_file(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the shipped facts with each ``old`` text (found exactly once) replaced."""
    text = SHIPPED
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return path
