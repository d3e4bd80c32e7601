"""The registry of commands (kzafrica.cli.registry) against the models and the app: for a
kind of record added in part, each failure names the place still missing it
(docs/extending.md tells the whole of it)."""

import json

import pytest
import typer
from typer.testing import CliRunner

from kzafrica.cli import app, registry
from kzafrica.factfile import fieldhelp
from kzafrica.factfile.models import COLLECTIONS, KINDS
from kzafrica.output import views
from kzafrica.store import access

RUNNER = CliRunner()
FACTS = access.open_facts(None)
# The commands that print records of many kinds: they list a new kind by themselves.
MANY = {registry.EVERY_KIND, registry.DATED_KINDS}


def listers(key: str) -> list[str]:
    """The list commands that print collection ``key``: by name, or (the timeline) as one
    of the dated ones. Search prints every kind, which lists none of them."""
    dated = "date" in COLLECTIONS[key].model_fields
    return [
        command.name
        for command in registry.COMMANDS
        if command.answers == registry.LIST
        and (key in command.lists or (dated and registry.DATED_KINDS in command.lists))
    ]


@pytest.mark.parametrize("key", list(COLLECTIONS))
def test_every_kind_has_a_list_command(key: str) -> None:
    assert listers(key), (
        f"collection {key!r}: no command lists it; add a Command to COMMANDS in"
        f" kzafrica/cli/registry.py (lists=({key!r},) is enough; a view in"
        " kzafrica/output/views.py is optional)"
    )


@pytest.mark.parametrize("key", list(COLLECTIONS))
def test_every_field_of_every_kind_says_what_it_means(key: str) -> None:
    model = COLLECTIONS[key]
    silent = [name for name in model.model_fields if not fieldhelp.describe(model, name)]
    assert not silent, (
        f"collection {key!r}: fields {silent} say nothing in `--fields`; give each a"
        " Field(description=...) in kzafrica/factfile/models.py"
    )


@pytest.mark.parametrize("key", list(COLLECTIONS))
def test_every_kind_has_records_in_the_shipped_facts(key: str) -> None:
    assert FACTS.records(key), (
        f"collection {key!r}: no record in facts.yaml; add the article's, then rebuild the"
        " shipped store: python -m kzafrica.store.build"
    )


@pytest.mark.parametrize("key", list(COLLECTIONS))
def test_every_kind_is_in_its_commands_answers(key: str) -> None:
    # The commands that name it (the timeline has only the dated records of a kind).
    for command in [c for c in registry.COMMANDS if key in c.lists]:
        name = command.name
        result = RUNNER.invoke(app.app, [name, *command.sample, "--json"])
        assert result.exit_code == 0, (name, result.stderr)
        kinds = {record["kind"] for record in json.loads(result.stdout)}
        assert KINDS[key] in kinds, (
            f"collection {key!r}: `kzafrica {name}` lists it but answers none of its"
            f" records; see its question (or lists) in kzafrica/cli/registry.py"
        )


@pytest.mark.parametrize("command", registry.COMMANDS, ids=lambda c: c.name)
def test_every_command_is_complete(command: registry.Command) -> None:
    where = f"command {command.name!r} in kzafrica/cli/registry.py"
    assert command.help.strip(), f"{where}: no help"
    assert command.examples, f"{where}: no examples"
    assert any(e.startswith(f"kzafrica {command.name}") for e in command.examples), where
    assert command.answers in (registry.LIST, registry.OBJECT, registry.OWN), where
    if command.function is None:
        assert command.lists or command.question, (
            f"{where}: a list without a function needs its collections or its question"
        )
    if command.answers != registry.OWN:  # it takes --fields: say what they are
        assert command.lists or command.fields, f"{where}: give lists or fields (for --fields)"
    unknown = set(command.lists) - set(COLLECTIONS) - MANY
    assert not unknown, f"{where}: lists {sorted(unknown)}, no collection of the models"
    for name in command.fields:
        assert command.fields[name], f"{where}: field {name!r} says nothing"


def test_the_app_has_the_registry_commands_in_its_order() -> None:
    group = typer.main.get_command(app.app)
    names = list(getattr(group, "commands", {}))
    assert names == [command.name for command in registry.COMMANDS]


def test_a_list_without_a_question_asks_for_its_collections_in_the_articles_order() -> None:
    both = registry.Command(
        "x", "X.", ("kzafrica x",), view=views.places, lists=("areas", "places")
    )
    asked = [record["id"] for record in registry.question(both)(FACTS)]
    assert asked == [r["id"] for key in ("areas", "places") for r in FACTS.records(key)]
    assert asked  # not a vacuous comparison


def test_a_list_without_anything_to_list_is_refused() -> None:
    broken = registry.Command("nothing", "Nothing.", ("kzafrica nothing",))
    with pytest.raises(ValueError, match="'nothing': give a function, or a list"):
        registry.callback(broken)


def test_a_list_without_a_view_gets_the_default_table() -> None:
    """What each record is, its date, its id: a new kind needs no view to be read."""
    plain = registry.Command("figures", "Figures.", ("kzafrica figures",), lists=("figures",))
    assert callable(registry.callback(plain))
    view = views.listed("Figures")
    assert [column.header for column in view.columns] == ["What", "When", "ID"]
    rows = registry.question(plain)(FACTS)
    assert rows
    for row in rows:
        what, _, ident = (column.value(row) for column in view.columns)
        assert str(row["subject"]) in what
        assert ident == row["id"]


@pytest.mark.parametrize(
    ("lists", "expected"),
    [
        (("trade",), ("trade",)),
        ((registry.EVERY_KIND,), tuple(COLLECTIONS)),
        (
            (registry.DATED_KINDS,),
            tuple(k for k, m in COLLECTIONS.items() if "date" in m.model_fields),
        ),
    ],
)
def test_collections_resolve_the_markers(lists: tuple[str, ...], expected: tuple[str, ...]) -> None:
    command = registry.Command("x", "X.", ("kzafrica x",), lists=lists)
    assert registry.collections(command) == expected
