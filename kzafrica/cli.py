"""The command line: Typer wiring only. The one place that prints and picks exit codes.

Exit codes: 0 success (an empty result too), 1 invalid data file, 2 usage error,
130 interrupted, 141 output pipe closed. Every error is printed as plain text on stderr,
one line per problem, never through Rich and never with a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Annotated, Any, ClassVar, NoReturn

import typer
from typer import _click as click  # Typer 0.28 vendors Click
from typer.core import TyperCommand, TyperGroup

from kzafrica import __version__, query, render, store, views
from kzafrica.errors import DataError, UsageError, visible
from kzafrica.factbase import Facts
from kzafrica.render import Result

# The format choices are the render registry's names: a new format needs no CLI change.
Format = Enum("Format", [(name, name) for name in render.FORMATS], type=str)  # type: ignore[misc]
TABLE = Format("table")


class Status(str, Enum):
    """--status choices: an event has happened, or is only expected."""

    held = "held"
    planned = "planned"


def _say(message: str) -> None:
    """One line on stderr, as plain text (no markup is ever interpreted)."""
    sys.stderr.write(f"kzafrica: {visible(message)}\n")
    sys.stderr.flush()


def _problems(error: DataError) -> None:
    """Every problem of a data file, one line each: FILE:LINE:COL: field: message."""
    for problem in error.problems:
        sys.stderr.write(problem.render(error.file) + "\n")
    sys.stderr.flush()


class _Group(TyperGroup):
    """Turns every failure into one line on stderr and an exit code, for the installed
    command and for tests alike."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        click_errors = click.exceptions
        code = 0
        try:
            result = super().main(
                args=args,
                prog_name=prog_name or "kzafrica",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
            if code == 130:
                # Typer turns a KeyboardInterrupt anywhere in a command (validate, schema,
                # a query) into a silent 130; say it here, once, for all of them.
                _say("interrupted")
        except click_errors.NoArgsIsHelpError as exc:
            sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
        except click_errors.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "kzafrica"
            _say(f"{_one_line(exc.format_message())} (see '{command} --help')")
            code = 2
        except click_errors.ClickException as exc:
            _say(_one_line(exc.format_message()))
            code = exc.exit_code
        except typer.Abort:
            _say("interrupted")
            code = 130
        try:
            # Flush now: a closed pipe met by the interpreter's own final flush would print
            # "Exception ignored ... BrokenPipeError" and exit 120 (--version, validate).
            sys.stdout.flush()
        except BrokenPipeError:
            _stdout_to_devnull()
            code = 141
        if standalone_mode:
            sys.exit(code)
        return code

    # Typer exits 1 (our "invalid data file") when a write to a closed pipe fails outside
    # a query command: --help, --version, schema, validate. Exit 141 there too.
    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _exit_on_closed_pipe():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _exit_on_closed_pipe():
            return super().invoke(ctx)


@contextlib.contextmanager
def _exit_on_closed_pipe() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        _pipe_closed()


def _one_line(message: str) -> str:
    # Click quotes the user's input itself and _say escapes control characters: only
    # join the lines and cap the length (a 100 kB argument must not echo 100 kB back).
    flat = " ".join(message.split())
    return flat if len(flat) <= 400 else flat[:399] + "…"


app = typer.Typer(
    cls=_Group,
    name="kzafrica",
    help="Facts about Kazakhstan–Africa relations from one article (2025-06-03, Astana), "
    "each with its source sentence.",
    epilog="Data: the shipped facts, or --data FILE, or $KZAFRICA_DATA. "
    "Exit codes: 0 ok, 1 invalid data file, 2 usage error.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _State:
    """Per-run state: which data file, and the facts once loaded."""

    def __init__(self, data: str | None) -> None:
        self.data = data
        self._facts: Facts | None = None

    def facts(self) -> Facts:
        if self._facts is None:
            self._facts = Facts(store.load(self.data))
        return self._facts


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kzafrica {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            metavar="FILE",
            help="Read facts from FILE instead of the shipped facts.yaml ($KZAFRICA_DATA too).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = _State(data)


def _run(
    ctx: typer.Context, answer: Callable[[Facts], Result], out: render.Options | None = None
) -> None:
    """Load the facts, answer, render; map every failure to its message and exit code.
    The output options are the shared ones the command class collected (see _Output)."""
    try:
        result = answer(ctx.ensure_object(_State).facts())
        render.write(result, out or _output(ctx), sys.stdout)
        sys.stdout.flush()
    except UsageError as exc:
        _fail(str(exc), 2)
    except DataError as exc:
        _problems(exc)
        raise typer.Exit(1) from None


def _fail(message: str, code: int) -> NoReturn:
    _say(message)
    raise typer.Exit(code)


def _pipe_closed() -> NoReturn:
    # The reader went away (`| head`): exit as a process killed by SIGPIPE would.
    _stdout_to_devnull()
    raise typer.Exit(141)


def _stdout_to_devnull() -> None:
    # Point stdout at /dev/null so that the interpreter's final flush cannot fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):  # ValueError: a test runner's buffer
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


# -- shared options ---------------------------------------------------------------------

FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format: a table for people, the rest for scripts.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="A,B,C",
        help="Only these fields (dotted paths too: amount.value, origin.name).",
    ),
]
CiteOption = Annotated[
    bool, typer.Option("--cite", help="Show each record's evidence under its row.")
]
SortOption = Annotated[
    str | None,
    typer.Option(
        "--sort",
        metavar="FIELD,…",
        help="Order by these output fields, -FIELD descending (e.g. --sort -date).",
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", metavar="N", min=0, help="At most N records, after --sort."),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="On or after YYYY[-MM[-DD]].")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="On or before YYYY[-MM[-DD]].")
]
CertainOption = Annotated[
    bool,
    typer.Option(
        "--certain",
        help="Only records certainly in the --since/--until window (not '?' ones).",
    ),
]


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (text or "").split(",") if name.strip())


def _object_output(
    fmt: FormatOption = TABLE, json_: JsonOption = False, fields: FieldsOption = None
) -> render.Options:
    """The output options of a command that answers with one object."""
    if json_ and fmt.value not in ("table", "json"):  # table is the default: not a choice
        raise UsageError(f"--json and --format {fmt.value} disagree; use one of them")
    return render.Options(format="json" if json_ else str(fmt.value), fields=_names(fields))


def _list_output(
    fmt: FormatOption = TABLE,
    json_: JsonOption = False,
    fields: FieldsOption = None,
    cite: CiteOption = False,
    sort: SortOption = None,
    limit: LimitOption = None,
) -> render.Options:
    """The output options of every command that lists records."""
    out = _object_output(fmt, json_, fields)
    return out._replace(cite=cite, sort=_names(sort), limit=limit)


_OUTPUT = "kzafrica.output"


class _Output(TyperCommand):
    """A command that takes the shared output options, declared once: in the signature of
    ``declare``. Typer cannot share options between signatures, so this class adds them
    to the command's own parameters (Typer's own machinery builds them, so --help shows
    them alike) and, when the command runs, takes their values out of the callback's
    arguments and hands them on as :class:`render.Options` in ``ctx.meta``."""

    declare: ClassVar[Callable[..., render.Options]]

    def __init__(self, name: str | None, **extra: Any) -> None:
        super().__init__(name, **extra)
        shared, self._convert, _ = typer.main.get_params_convertors_ctx_param_name_from_function(
            type(self).declare
        )
        self._shared = [str(param.name) for param in shared]
        self.params.extend(shared)

    def invoke(self, ctx: click.Context) -> Any:
        values = {name: ctx.params.pop(name) for name in self._shared}
        for name, convert in self._convert.items():
            values[name] = convert(values[name])
        try:
            ctx.meta[_OUTPUT] = type(self).declare(**values)
        except UsageError as exc:
            raise click.exceptions.UsageError(str(exc), ctx=ctx) from None
        return super().invoke(ctx)


class _ListCommand(_Output):
    declare = staticmethod(_list_output)


class _ObjectCommand(_Output):
    declare = staticmethod(_object_output)


def _output(ctx: typer.Context) -> render.Options:
    options = ctx.meta.get(_OUTPUT)
    return options if isinstance(options, render.Options) else render.Options()


def _completion_facts(ctx: typer.Context) -> Facts | None:
    try:  # the --data given so far on the command line, else the usual choice
        return Facts(store.load(ctx.obj.data if isinstance(ctx.obj, _State) else None))
    except DataError:
        return None


def _complete_country(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    facts = _completion_facts(ctx)
    if facts is None:
        return
    for record in facts.records("countries"):
        if query.fold(record["name"]).startswith(query.fold(incomplete)):
            yield record["name"]


def _complete_id(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    facts = _completion_facts(ctx)
    if facts is None:
        return
    typed = incomplete.casefold()  # ids are lowercase; what is typed may not be
    yield from (i for i in facts.ids() if i.casefold().startswith(typed))


CountryOption = Annotated[
    str | None,
    typer.Option(
        "--country",
        "-c",
        metavar="COUNTRY",
        help="Name, ISO code or demonym (Rwanda, RW, RWA, Rwandan).",
        autocompletion=_complete_country,
    ),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="COUNTRY",
        help="Visits from this country (its visitors' side).",
        autocompletion=_complete_country,
    ),
]
ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="COUNTRY",
        help="Visits to this country (the hosts' side).",
        autocompletion=_complete_country,
    ),
]
SpeakerOption = Annotated[
    str | None,
    typer.Option("--speaker", "-s", metavar="NAME", help="Any part of the name, any accents."),
]
ContainsOption = Annotated[
    str | None,
    typer.Option(
        "--contains", metavar="TEXT", help="Words in the text; any case, accents, ' or ’."
    ),
]


ALL = query.Window()  # no --since/--until


def _country(facts: Facts, value: str | None) -> query.CountryMatch | None:
    return None if value is None else query.resolve_country(facts, value)


# -- commands ---------------------------------------------------------------------------
# Every list command takes the shared output options (_ListCommand), every one-object
# command the format options (_ObjectCommand); neither repeats them in its signature.


@app.command(cls=_ListCommand)
def visits(
    ctx: typer.Context,
    country: CountryOption = None,
    origin: FromOption = None,
    destination: ToOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    certain: CertainOption = False,
    status: Annotated[
        Status | None, typer.Option("--status", case_sensitive=False, help="held or planned.")
    ] = None,
) -> None:
    """Visits both ways, held or planned.

    Who went where, when, at what level; oldest first. --country matches either side,
    --from the visitors' country, --to the hosts'. With --since/--until, '?' marks a
    visit that only possibly falls in the window.

    \b
    Examples:
      kzafrica visits --country Rwanda
      kzafrica visits --from Kazakhstan
      kzafrica visits --status planned --json
      kzafrica visits --since 2025 --certain --cite
    """

    def answer(facts: Facts) -> Result:
        match, source, target = (_country(facts, v) for v in (country, origin, destination))
        state = status.value if status else None
        span = query.window(since, until, certain)
        rows = query.visits(facts, match, span, state, source, target)
        sides = {"from": source.name if source else None, "to": target.name if target else None}
        heading = views.title(
            "Visits", match, **sides, since=since, until=until, status=state, only=_only(certain)
        )
        return Result(
            rows,
            views.visits(heading, rows),
            lambda: span.mark(query.visits(facts, None, ALL, None)),
        )

    _run(ctx, answer)


def _only(certain: bool) -> str | None:
    return "certain" if certain else None


@app.command(cls=_ListCommand)
def trade(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    certain: CertainOption = False,
) -> None:
    """Trade volume by year, with its qualifier.

    Kazakhstan's trade with African countries; "around" and "surpassed" are kept.

    \b
    Examples:
      kzafrica trade
      kzafrica trade --since 2020 --json
      kzafrica trade --sort -amount --limit 1
    """

    def answer(facts: Facts) -> Result:
        span = query.window(since, until, certain)
        rows = query.trade(facts, span)
        heading = views.title("Trade", since=since, until=until, only=_only(certain))
        return Result(rows, views.trade(heading, rows), lambda: span.mark(query.trade(facts, ALL)))

    _run(ctx, answer)


def _goods(ctx: typer.Context, direction: str, country: str | None) -> None:
    def answer(facts: Facts) -> Result:
        match = _country(facts, country)
        base = "Exports to Africa" if direction == "export" else "Imports from Africa"
        rows = query.goods(facts, direction, match)
        return Result(
            rows, views.goods(views.title(base, match)), lambda: query.goods(facts, direction, None)
        )

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def exports(ctx: typer.Context, country: CountryOption = None) -> None:
    """Goods Kazakhstan sells to Africa.

    --country finds goods the article ties to a country.

    \b
    Examples:
      kzafrica exports
      kzafrica exports --country Morocco --cite
    """
    _goods(ctx, "export", country)


@app.command(cls=_ListCommand)
def imports(ctx: typer.Context, country: CountryOption = None) -> None:
    """Goods Kazakhstan buys from Africa.

    \b
    Examples:
      kzafrica imports
      kzafrica imports --format csv
    """
    _goods(ctx, "import", country)


@app.command(cls=_ListCommand)
def people(ctx: typer.Context, country: CountryOption = None) -> None:
    """People, their roles and countries.

    Roles exactly as the article states them, "former" included; in the article's order.

    \b
    Examples:
      kzafrica people
      kzafrica people --country "Burkina Faso" --cite
      kzafrica people --sort name --fields name,role
    """

    def answer(facts: Facts) -> Result:
        match = _country(facts, country)
        rows = query.people(facts, match)
        return Result(
            rows, views.people(views.title("People", match)), lambda: query.people(facts, None)
        )

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def quotes(
    ctx: typer.Context, speaker: SpeakerOption = None, contains: ContainsOption = None
) -> None:
    """Direct quotes with speaker and date.

    The date is given only where the article gives one; dated quotes come first.

    \b
    Examples:
      kzafrica quotes --speaker kagame
      kzafrica quotes --contains "Kazakhstan's know-how"
      kzafrica quotes --speaker smadiyarov --json
    """

    def answer(facts: Facts) -> Result:
        heading = views.title("Quotes", speaker=speaker, contains=contains)
        rows = query.quotes(facts, speaker, contains)
        return Result(rows, views.quotes(heading), lambda: query.quotes(facts, None, None))

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def statements(
    ctx: typer.Context, speaker: SpeakerOption = None, contains: ContainsOption = None
) -> None:
    """Claims reported without quotation marks.

    The spokesperson's reported words, and the article's own statements ('the article').

    \b
    Examples:
      kzafrica statements
      kzafrica statements --contains "middle power"
      kzafrica statements --speaker smadiyarov --json
    """

    def answer(facts: Facts) -> Result:
        heading = views.title("Statements", speaker=speaker, contains=contains)
        rows = query.statements(facts, speaker, contains)
        return Result(rows, views.statements(heading), lambda: query.statements(facts, None, None))

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def countries(ctx: typer.Context) -> None:
    """Countries, ISO codes, records per country.

    In the article's order.

    \b
    Examples:
      kzafrica countries
      kzafrica countries --fields name,code,records --format csv
      kzafrica countries --sort -records --limit 3
    """

    def answer(facts: Facts) -> Result:
        return Result(query.country_counts(facts), views.countries())

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def places(ctx: typer.Context) -> None:
    """Cities the article names.

    \b
    Examples:
      kzafrica places
      kzafrica places --json
    """

    def answer(facts: Facts) -> Result:
        return Result(query.places(facts), views.places())

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def orgs(ctx: typer.Context) -> None:
    """Organizations, memberships and strategies.

    Ministries, funds, forums, multilateral bodies, then statuses, then strategies.

    \b
    Examples:
      kzafrica orgs
      kzafrica orgs --json | jq '.[] | select(.kind == "membership")'
    """

    def answer(facts: Facts) -> Result:
        return Result(query.organizations(facts), views.organizations())

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def missions(ctx: typer.Context) -> None:
    """Diplomatic missions and honorary consuls.

    \b
    Examples:
      kzafrica missions
      kzafrica missions --json
    """

    def answer(facts: Facts) -> Result:
        return Result(query.missions(facts), views.missions())

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def areas(ctx: typer.Context) -> None:
    """Areas of cooperation the article names.

    Who named each, and the article's words on it ("particularly promising").

    \b
    Examples:
      kzafrica areas
      kzafrica areas --fields name,named_by.name --format csv
    """

    def answer(facts: Facts) -> Result:
        return Result(query.areas(facts), views.areas())

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def initiatives(ctx: typer.Context) -> None:
    """Kazakh initiatives African countries supported.

    \b
    Examples:
      kzafrica initiatives
      kzafrica initiatives --cite
    """

    def answer(facts: Facts) -> Result:
        return Result(query.initiatives(facts), views.initiatives())

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def figures(ctx: typer.Context) -> None:
    """Numbers the article states, with their whole.

    \b
    Examples:
      kzafrica figures
      kzafrica figures --json
    """

    def answer(facts: Facts) -> Result:
        return Result(query.figures(facts), views.figures())

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def events(
    ctx: typer.Context,
    country: CountryOption = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", metavar="KIND", help="visit, event, trade, quote, …"),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    certain: CertainOption = False,
) -> None:
    """Every dated record as one timeline.

    Oldest first; undated visits and events follow, marked 'undated', unless a window is
    given. A record matches a --since/--until window when its date or range overlaps it;
    '?' marks one that only possibly falls inside.

    \b
    Examples:
      kzafrica events
      kzafrica events --country Rwanda
      kzafrica events --kind visit --since 2025 --json
    """

    def answer(facts: Facts) -> Result:
        match = _country(facts, country)
        span = query.window(since, until, certain)
        rows = query.timeline(facts, match, kind, span)
        heading = views.title(
            "Timeline", match, kind=kind, since=since, until=until, only=_only(certain)
        )
        left_out = (
            query.undated_left_out(facts, match, kind)
            if not span.open and _output(ctx).format == "table"
            else 0
        )
        return Result(
            rows,
            views.timeline(heading, rows, left_out),
            lambda: span.mark(query.timeline(facts, None, kind, ALL)),
        )

    _run(ctx, answer)


@app.command(cls=_ListCommand)
def search(
    ctx: typer.Context,
    words: Annotated[
        str, typer.Argument(metavar="TEXT", help="Text to find, any case or accents.")
    ],
) -> None:
    """Find records by text, any case or accents.

    Also ' for ’ and - for –. Records whose own fields hold the text come first, those
    that hold it only in their evidence last; "matched" names the fields.

    \b
    Examples:
      kzafrica search grain
      kzafrica search traore --cite
      kzafrica search congo --format csv
    """

    def answer(facts: Facts) -> Result:
        heading = views.title("Search", text=words)
        return Result(query.search(facts, words), views.search(heading))

    _run(ctx, answer)


@app.command(cls=_ObjectCommand)
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="A record id.", autocompletion=_complete_id)
    ],
) -> None:
    """One record: every field, evidence, links.

    Shows the records it references, the records that refer to it, and the evidence.

    \b
    Examples:
      kzafrica show visit-kagame-2025
      kzafrica show paul-kagame --json
    """

    def answer(facts: Facts) -> Result:
        record = query.show(facts, record_id)
        return Result(record, views.record(record))

    _run(ctx, answer, _output(ctx)._replace(cite=True))


@app.command(cls=_ObjectCommand)
def summary(ctx: typer.Context) -> None:
    """A one-screen overview for newcomers.

    Counts, the trade trend, the latest and the upcoming events.

    \b
    Examples:
      kzafrica summary
      kzafrica summary --json
    """

    def answer(facts: Facts) -> Result:
        kinds = {key: facts.kind(key) for key in facts.collections}
        return Result(query.summary(facts), views.summary(kinds))

    _run(ctx, answer)


@app.command()
def validate(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(metavar="[PATH]", help="The file to check (default: the data in use)."),
    ] = None,
) -> None:
    """Check a facts file, with line numbers.

    Prints 'ok: N records', or every problem as FILE:LINE:COL: field: message.

    \b
    Examples:
      kzafrica validate
      kzafrica validate my-facts.yaml
    """
    file = store.choose(path or ctx.ensure_object(_State).data)
    try:
        dataset = store.validate(file, store.read_bytes(file))
    except DataError as exc:
        _problems(exc)
        if len(exc.problems) > 1:  # a count helps with a long list; one line says it all
            _say(f"{len(exc.problems)} problems in {visible(file)}")
        raise typer.Exit(1) from None
    count = sum(len(v) for v in dataset.facts.values() if isinstance(v, list))
    sys.stdout.write(f"ok: {count} records\n")


@app.command()
def schema() -> None:
    """Print the JSON Schema of facts.yaml.

    \b
    Examples:
      kzafrica schema > facts.schema.json
    """
    import json

    from kzafrica.models import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show 'é' gets 'Fran\xe7oise', not a crash.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        _keep_only_the_invoked_command(sys.argv[1:])
        typer.main.get_command(app).main(prog_name="kzafrica")
    except KeyboardInterrupt:  # before a command runs; _Group.main handles the rest
        _say("interrupted")
        sys.exit(130)


def _keep_only_the_invoked_command(args: list[str]) -> None:
    """Typer builds every command's parameters before it parses the arguments: about a
    tenth of a run. A run that names its command needs only that one built."""
    if any(name.startswith("_KZAFRICA_COMPLETE") for name in os.environ):
        return  # shell completion may complete any command
    rest = list(args)
    while rest and rest[0].startswith("-"):
        if rest.pop(0) == "--data" and rest:
            rest.pop(0)  # its value
    named = [
        command
        for command in app.registered_commands
        if rest and command.callback and command.callback.__name__ == rest[0]
    ]
    if named:
        app.registered_commands = named
