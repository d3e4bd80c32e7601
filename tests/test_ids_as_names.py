"""Wherever a person or a country is asked for by name, the id that `people` and
`countries` show works too (issue #18, item 9): `quotes --speaker paul-kagame` found
nothing. The test walks every option of every command that names a country or a person,
found by its completion (a name option completes names), so a new one is walked too."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from kzafrica.answers import countries
from kzafrica.cli import app, completion
from kzafrica.store import access

RUNNER = CliRunner()
FACTS = access.open_facts(None)
COMMANDS = typer.main.get_command(app.app).commands  # type: ignore[attr-defined]

# Options that name a country or a person, by the completion they offer.
NAMES = {completion.COUNTRY: "countries", completion.SPEAKER: "people"}


def name_options() -> list[tuple[str, str, str]]:
    """(command, option, collection) for every option that takes a country or a person."""
    return [
        (name, param.opts[0], NAMES[param.type])
        for name, command in COMMANDS.items()
        for param in command.params
        if isinstance(param, typer.core.TyperOption) and param.type in NAMES
    ]


def answer(*args: str) -> Any:
    result = RUNNER.invoke(app.app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_option_that_takes_a_name_is_walked() -> None:
    # An option whose metavar says it takes a country or a name is one of them, so the
    # walk below cannot miss it (it would, were it declared without its completion).
    takes_a_name = {
        (name, param.opts[0])
        for name, command in COMMANDS.items()
        for param in command.params
        if isinstance(param, typer.core.TyperOption) and param.metavar in ("COUNTRY", "NAME")
    }
    walked = {(name, option) for name, option, _ in name_options()}
    assert takes_a_name <= walked
    assert {("quotes", "--speaker"), ("visits", "--from"), ("people", "--country")} <= walked


@pytest.mark.parametrize(("command", "option", "collection"), name_options())
def test_an_id_names_what_its_name_names(command: str, option: str, collection: str) -> None:
    answered = 0
    for record in FACTS.records(collection):
        by_id = answer(command, option, record["id"])
        assert by_id == answer(command, option, record["name"]), record["id"]
        answered += bool(by_id)
    # Not an empty answer twice: the goods the article ties to no country aside (imports).
    assert answered or not any(
        answer(command, option, r["name"]) for r in FACTS.records(collection)
    )
    assert answered or command == "imports"


def test_the_speaker_id_that_people_shows_finds_the_quotes() -> None:
    [kagame] = [p for p in answer("people") if p["name"] == "Paul Kagame"]
    quotes = answer("quotes", "--speaker", kagame["id"])
    assert quotes
    assert {q["speaker"]["id"] for q in quotes} == {kagame["id"]}


def test_a_country_id_unlike_its_names_names_it() -> None:
    # The shipped ids happen to read like names; an id that does not still names its country.
    home = {"id": "home-country", "name": "Kazakhstan", "code": "KZ", "code3": "KAZ"}
    match = countries.resolve([home], "home-country")
    assert match is not None
    assert (match.id, match.code) == ("home-country", "KZ")
