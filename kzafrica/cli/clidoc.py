"""docs/cli.md, the command reference: every command's --help, generated from the app, in
the registry's order (kzafrica.cli.registry).

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
    parts += [f"- [`kzafrica {name}`](#kzafrica-{name})" for name in commands]
    parts += _section("kzafrica", group.get_help(root))
    for name, command in commands.items():
        context = click.Context(command, info_name=name, parent=root, **size)
        parts += _section(f"kzafrica {name}", command.get_help(context))
    return "\n".join(parts) + "\n"


def _section(title: str, help_text: str) -> list[str]:
    lines = [line.rstrip() for line in help_text.splitlines()]
    return ["", f"## {title}", "", "```text", *lines, "```"]


def main() -> None:
    sys.stdout.write(generate())


if __name__ == "__main__":
    main()
