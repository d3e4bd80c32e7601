"""The list commands with filters of their own: a Typer function each, its parameters the
filters. Their help, examples and the collections they list are in the registry
(kzafrica.cli.registry), which names every command; a list without filters has no
function of its own: `listing` makes it from the registry's question and view.

Every one takes the shared output options (options.ListCommand), never in its signature.
"""

# Annotations here are objects, not strings (no `from __future__ import annotations`):
# Typer reads every parameter's annotation at each run, and a string costs it an eval.
from collections.abc import Callable
from typing import Annotated

import typer

from kzafrica.answers import query
from kzafrica.cli import completion
from kzafrica.cli.answering import output, run
from kzafrica.cli.options import (
    ALL,
    CertainOption,
    ContainsOption,
    CountryOption,
    FromOption,
    SinceOption,
    SpeakerOption,
    StatusOption,
    ToOption,
    UntilOption,
    only,
    resolve,
)
from kzafrica.output import views
from kzafrica.output.render import Result, View
from kzafrica.store.factbase import FactBase, Record


def listing(
    question: Callable[[FactBase], list[Record]], view: Callable[[], View]
) -> Callable[[typer.Context], None]:
    """The command of a list without filters: it asks ``question`` and shows ``view``."""

    def command(ctx: typer.Context) -> None:
        run(ctx, lambda facts: Result(question(facts), view()))

    return command


def visits(
    ctx: typer.Context,
    country: CountryOption = None,
    origin: FromOption = None,
    destination: ToOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    certain: CertainOption = False,
    status: StatusOption = None,
) -> None:
    def answer(facts: FactBase) -> Result:
        match, source, target = (resolve(facts, v) for v in (country, origin, destination))
        state = status.value if status else None
        span = query.window(since, until, certain)
        rows = query.visits(facts, match, span, state, source, target)
        sides = {"from": source.name if source else None, "to": target.name if target else None}
        heading = views.title(
            "Visits", match, **sides, since=since, until=until, status=state, only=only(certain)
        )
        return Result(
            rows,
            views.visits(heading, rows),
            lambda: span.mark(query.visits(facts, None, ALL, None)),
        )

    run(ctx, answer)


def trade(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    certain: CertainOption = False,
) -> None:
    def answer(facts: FactBase) -> Result:
        span = query.window(since, until, certain)
        rows = query.trade(facts, span)
        heading = views.title("Trade", since=since, until=until, only=only(certain))
        return Result(rows, views.trade(heading, rows), lambda: span.mark(query.trade(facts, ALL)))

    run(ctx, answer)


def _goods(ctx: typer.Context, direction: str, country: str | None) -> None:
    def answer(facts: FactBase) -> Result:
        match = resolve(facts, country)
        base = "Exports to Africa" if direction == "export" else "Imports from Africa"
        rows = query.goods(facts, direction, match)
        return Result(
            rows, views.goods(views.title(base, match)), lambda: query.goods(facts, direction, None)
        )

    run(ctx, answer)


def exports(ctx: typer.Context, country: CountryOption = None) -> None:
    _goods(ctx, "export", country)


def imports(ctx: typer.Context, country: CountryOption = None) -> None:
    _goods(ctx, "import", country)


def people(ctx: typer.Context, country: CountryOption = None) -> None:
    def answer(facts: FactBase) -> Result:
        match = resolve(facts, country)
        rows = query.people(facts, match)
        return Result(
            rows, views.people(views.title("People", match)), lambda: query.people(facts, None)
        )

    run(ctx, answer)


def quotes(
    ctx: typer.Context, speaker: SpeakerOption = None, contains: ContainsOption = None
) -> None:
    def answer(facts: FactBase) -> Result:
        heading = views.title("Quotes", speaker=speaker, contains=contains)
        rows = query.quotes(facts, speaker, contains)
        return Result(rows, views.quotes(heading), lambda: query.quotes(facts, None, None))

    run(ctx, answer)


def statements(
    ctx: typer.Context, speaker: SpeakerOption = None, contains: ContainsOption = None
) -> None:
    def answer(facts: FactBase) -> Result:
        heading = views.title("Statements", speaker=speaker, contains=contains)
        rows = query.statements(facts, speaker, contains)
        return Result(rows, views.statements(heading), lambda: query.statements(facts, None, None))

    run(ctx, answer)


def events(
    ctx: typer.Context,
    country: CountryOption = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="visit, event, trade, quote, …",
            click_type=completion.KIND,
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    certain: CertainOption = False,
) -> None:
    def answer(facts: FactBase) -> Result:
        match = resolve(facts, country)
        span = query.window(since, until, certain)
        rows = query.timeline(facts, match, kind, span)
        heading = views.title(
            "Timeline", match, kind=kind, since=since, until=until, only=only(certain)
        )
        left_out = (
            query.undated_left_out(facts, match, kind)
            if not span.open and output(ctx).format == "table"
            else 0
        )
        return Result(
            rows,
            views.timeline(heading, rows, left_out),
            lambda: span.mark(query.timeline(facts, None, kind, ALL)),
        )

    run(ctx, answer)


def search(
    ctx: typer.Context,
    words: Annotated[
        str, typer.Argument(metavar="TEXT", help="Text to find, any case or accents.")
    ],
) -> None:
    def answer(facts: FactBase) -> Result:
        heading = views.title("Search", text=words)
        return Result(query.search(facts, words), views.search(heading))

    run(ctx, answer)
