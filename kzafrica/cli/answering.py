"""Answering a command: the run's state (--data, --verbose), loading the facts, writing the
answer, and every failure on the way mapped to its message and exit code."""

import sys
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

import typer

from kzafrica.answers import sources
from kzafrica.cli import streams
from kzafrica.factfile.errors import DataError, UsageError
from kzafrica.output import render, views
from kzafrica.output.render import Result
from kzafrica.store import access
from kzafrica.store.factbase import FactBase

if TYPE_CHECKING:
    from kzafrica.factfile.fieldhelp import Field

# Where a command's output options wait in the context (set by options.Output).
OUTPUT = "kzafrica.output"

# In a command's `lists`, for commands that print records of many kinds.
EVERY_KIND = "*"  # every collection
DATED_KINDS = "dated"  # every collection whose records have a date

NO_FIELDS: Mapping[str, str] = MappingProxyType({})


class Holds(NamedTuple):
    """What a command's answer holds, for `--fields` and its completion: the collections
    whose records it prints (or EVERY_KIND, DATED_KINDS), and the fields it adds, each with
    what it means. The app gives each command class its own (the registry says what)."""

    lists: tuple[str, ...] = ()
    fields: Mapping[str, str] = NO_FIELDS


def holds(command: object) -> Holds:
    """What ``command`` (a Click command the app built) answers with; nothing known for
    any other."""
    found = getattr(command, "holds", None)
    return found if isinstance(found, Holds) else Holds()


def collections(lists: tuple[str, ...]) -> tuple[str, ...]:
    """``lists`` with EVERY_KIND and DATED_KINDS resolved. Imports the models: for
    `--fields` and the tests, never on a query's path."""
    # pydantic: a bare --fields, its completion and the tests only.
    from kzafrica.factfile.models import COLLECTIONS

    every = {
        EVERY_KIND: tuple(COLLECTIONS),
        DATED_KINDS: tuple(
            key for key, model in COLLECTIONS.items() if "date" in model.model_fields
        ),
    }
    return tuple(key for name in lists for key in every.get(name, (name,)))


def fields_of(held: Holds) -> "list[Field]":
    """Every field of an answer that holds ``held``, with what it means."""
    from kzafrica.factfile import fieldhelp  # the models (pydantic): as above

    return fieldhelp.fields(collections(held.lists), held.fields)


class State:
    """Per-run state: which data file, and whether to say why the cache was not used."""

    def __init__(self, data: str | None, verbose: bool = False) -> None:
        self.data = data
        self.verbose = verbose
        self.notes: list[str] = []  # what the store did that a --verbose run tells

    def tell(self) -> None:
        if self.verbose:
            for note in dict.fromkeys(self.notes):  # once each
                streams.say(note)
        self.notes.clear()


def output(ctx: typer.Context) -> render.Options:
    """The output options the command's class collected (the defaults for a command
    without them)."""
    options = ctx.meta.get(OUTPUT)
    return options if isinstance(options, render.Options) else render.Options()


def run(
    ctx: typer.Context, answer: Callable[[FactBase], Result], out: render.Options | None = None
) -> None:
    """Load the facts, answer, render; map every failure to its message and exit code."""
    state = ctx.ensure_object(State)
    options = out or output(ctx)

    def write(facts: FactBase) -> None:
        render.write(sourced(facts, answer(facts), options), options, sys.stdout)

    try:
        # A store found damaged while answering is set aside and the answer computed again
        # from freshly validated facts: nothing is written until the answer is complete.
        access.ask(state.data, write, state.notes)
        sys.stdout.flush()
    except UsageError as exc:
        streams.fail(str(exc), streams.USAGE_ERROR)
    except DataError as exc:
        streams.data_failed(exc)
    finally:
        state.tell()


def sourced(facts: FactBase, result: Result, options: render.Options) -> Result:
    """A list's answer with its sources: only the records citing --article's article, and,
    where the fact base has several articles, a table that names each record's."""
    if not isinstance(result.data, list):
        return result
    rows, view = result.data, result.view
    if options.article is not None:
        article = sources.article_id(facts, options.article)
        rows = sources.citing(rows, article)
        view = view._replace(title=f"{view.title}, from {article}")
    if len(facts.articles) > 1 and options.format == "table" and any("sources" in r for r in rows):
        view = views.sourced(view, rows, facts.article_ids())
    return result._replace(data=rows, view=view)


def loaded(ctx: typer.Context) -> FactBase:
    """All the facts in use, or exit 1 listing the data file's problems."""
    try:
        return FactBase(access.load(ctx.ensure_object(State).data))
    except DataError as exc:
        streams.data_failed(exc)


def article_of(facts: FactBase, article_id: str) -> str:
    """An article's text, or exit 1 when its file cannot be read."""
    # Only article and dump need an article's text: not loaded on every run.
    from kzafrica.answers import coverage

    try:
        return coverage.article_text(facts, article_id)
    except DataError as exc:
        streams.data_failed(exc)
