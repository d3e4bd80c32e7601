"""`--fields` with no value lists a command's fields, each with what it means, and the list
is the fields the command really prints."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from kzafrica.cli import app, registry

RUNNER = CliRunner()
# Commands with --fields, and arguments that give a non-empty answer: the registry's samples,
# with a window where one adds a field (in_window).
COMMANDS: dict[str, list[str]] = {
    command.name: [*command.sample, *(["--since", "2000"] if "in_window" in command.fields else [])]
    for command in registry.COMMANDS
    if command.answers != registry.OWN
}


def run(*args: str) -> Result:
    return RUNNER.invoke(app.app, list(args), env={"COLUMNS": "100"})


def listed(*args: str) -> dict[str, str]:
    """Field -> its first description, from the listing a command prints."""
    result = run(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    if "--json" in args:  # the listing as JSON (tests/test_fields_listing.py)
        rows = json.loads(result.stdout)
        return {row["field"]: row["meaning"] for row in reversed(rows)}  # the first meaning
    head, *lines = result.stdout.splitlines()
    assert head.startswith(f"Fields of kzafrica {args[0]} ")
    out: dict[str, str] = {}
    for line in lines:
        name, _, text = line.strip().partition(" ")
        if line.startswith("   "):  # another meaning of the field above
            continue
        out[name] = text.strip()
    return out


def test_every_command_with_fields_has_a_listing() -> None:
    group = typer.main.get_command(app.app)
    with_fields = {
        name
        for name, command in getattr(group, "commands", {}).items()
        if any("--fields" in getattr(p, "opts", []) for p in command.params)
    }
    assert with_fields == set(COMMANDS)
    # Every one of them says what it lists, or (summary) what its own fields are.
    assert all(registry.BY_NAME[name].lists or registry.BY_NAME[name].fields for name in COMMANDS)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_listing_is_the_fields_the_command_prints(command: str) -> None:
    fields = listed(command, *COMMANDS[command], "--fields")
    assert all(fields.values()), fields  # every field is described
    printed = json.loads(run(command, *COMMANDS[command], "--json").stdout)
    keys: dict[str, Any] = {}
    for record in printed if isinstance(printed, list) else [printed]:
        keys.update(dict.fromkeys(record))
    assert set(keys) <= set(fields)
    if command in ("orgs", "events", "search", "show"):
        return  # several kinds: the listing covers kinds this answer may not hold
    # The same fields, in the same order (no shipped record pins an occurrence).
    assert list(keys) == [f for f in fields if f != "occurrences"]


@pytest.mark.parametrize(
    "args",
    [
        ["visits", "--fields"],
        ["visits", "--fields", "--json"],
        ["visits", "--json", "--fields", "--country", "Rwanda"],
        ["--data", "facts.yaml", "visits", "--fields"],  # no file is read to list fields
    ],
)
def test_fields_without_a_value_anywhere(args: list[str]) -> None:
    fields = listed(*args[args.index("visits") :]) if args[0] == "--data" else listed(*args)
    assert "destination" in fields
    assert fields["destination"].endswith("({id, name, code}).")


def test_a_value_that_looks_like_an_option_stays_a_value() -> None:
    # "--fields" here is the text --contains looks for, not the option.
    result = run("quotes", "--contains", "--fields", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_an_empty_value_still_means_every_field() -> None:
    result = run("trade", "--fields=", "--json")
    assert result.exit_code == 0
    assert "amount" in json.loads(result.stdout)[0]


def test_a_command_without_fields_rejects_it() -> None:
    result = run("article", "--fields")
    assert result.exit_code == 2
    assert "No such option: --fields" in result.stderr


def test_a_field_with_several_meanings_lists_each_with_its_kinds() -> None:
    result = run("events", "--fields")
    lines = result.stdout.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith("  type ")]
    assert lines[at].endswith("[event only]")
    assert lines[at + 1].startswith("   ")
    assert lines[at + 1].endswith("[mission only]")
    assert "diplomatic missions or honorary consuls" in lines[at + 1].lower()


def test_descriptions_come_from_the_models() -> None:
    fields = listed("visits", "--fields")
    assert fields["ordinal"] == "2 for a second visit (a whole number)."
    assert fields["status"] == "Held or planned."
    assert fields["visitors"] == "Named visitors (a list of {id, name})."
