"""docs/cli.md, the command reference: the commands at a glance, the records and their
fields, and every command's --help, generated from the registry (kzafrica.cli.registry)
and the models (kzafrica.factfile.models), in their order.

    python -m kzafrica.cli.clidoc > docs/cli.md

The help is rendered at a fixed width, so the file does not depend on the terminal that
made it; tests/test_clidoc.py fails when the file and the app disagree.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer import _click as click

from kzafrica.cli import app, registry
from kzafrica.factfile.models import COLLECTIONS

WIDTH = 80
REGENERATE = "python -m kzafrica.cli.clidoc > docs/cli.md"


def generate(width: int = WIDTH) -> str:
    """The whole of docs/cli.md."""
    group = typer.main.get_command(app.app)
    # Click wraps help two columns short of the terminal: this is an 80-column terminal.
    size: dict[str, Any] = {"terminal_width": width - 2, "max_content_width": width}
    root = click.Context(group, info_name="kzafrica", **size, **group.context_settings)
    parts = [
        "# kzafrica command reference",
        "",
        "Every command's `--help`, generated from the program itself: do not edit by hand;"
        f" regenerate with `{REGENERATE}`.",
        "",
    ]
    built = getattr(group, "commands", {})
    commands = {command.name: built[command.name] for command in registry.COMMANDS}
    parts += ["## Commands at a glance", "", "| command | what it answers |", "|---|---|"]
    parts += [
        f"| [`kzafrica {c.name}`](#kzafrica-{c.name}) | {c.help.splitlines()[0]} |"
        for c in registry.COMMANDS
    ]
    parts += ["", "## Records and their fields", "", *records_table()]
    parts += _section("kzafrica", group.get_help(root))
    for name, command in commands.items():
        context = click.Context(command, info_name=name, parent=root, **size)
        parts += _section(f"kzafrica {name}", command.get_help(context))
    return "\n".join(parts) + "\n"


# The fields every record has (docs/data-model.md says what they are).
COMMON = ("id", "evidence", "occurrences", "derived")


def records_table() -> list[str]:
    """Each collection of facts.yaml, its kind and its fields (``kzafrica COMMAND --fields``
    says what each means)."""
    rows = ["| list | kind | fields besides `id`, `evidence`, `occurrences` and `derived` |"]
    rows.append("|---|---|---|")
    for key, model in COLLECTIONS.items():
        fields = [f"`{f}`" for f in model.model_fields if f not in COMMON]
        rows.append(f"| `{key}` | {model.kind} | {', '.join(fields)} |")
    return rows


def _section(title: str, help_text: str) -> list[str]:
    lines = [line.rstrip() for line in help_text.splitlines()]
    return ["", f"## {title}", "", "```text", *lines, "```"]


def main() -> None:
    sys.stdout.write(generate())


if __name__ == "__main__":
    main()
