"""The command line: Typer wiring only. The one place that prints and picks exit codes.

Exit codes (EXIT_CODES; the top-level help and the README list them): 0 success (an empty
result too), 1 invalid data file, 2 usage error, 74 output cannot be written, 130
interrupted, 141 output pipe closed. Every error is printed as plain text on stderr, one line
per problem, never through Rich and never with a traceback; when stderr itself cannot be
written, the exit code still says what happened.
"""

# Annotations here are objects, not strings (no `from __future__ import annotations`):
# Typer reads every parameter's annotation at each run, and a string costs it an eval.
import atexit
import contextlib
import errno
import gc
import io
import os
import signal
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, NoReturn, TextIO, cast

import typer
from typer import _click as click  # Typer 0.28 vendors Click
from typer.core import TyperCommand, TyperGroup

from kzafrica import __version__
from kzafrica.answers import query
from kzafrica.factfile.errors import DataError, UsageError, visible
from kzafrica.output import render, views
from kzafrica.output.render import Result, View
from kzafrica.store import access
from kzafrica.store.factbase import FactBase, Record

if TYPE_CHECKING:
    from kzafrica.factfile.excerpts import Span

# The format choices are the render registry's names: a new format needs no CLI change.
Format = Enum("Format", [(name, name) for name in render.FORMATS], type=str)  # type: ignore[misc]
TABLE = Format("table")

OK, DATA_ERROR, USAGE_ERROR = 0, 1, 2
OUTPUT_ERROR = 74  # EX_IOERR in sysexits.h, as other tools use it for a failed write
INTERRUPTED = 130  # what a shell reports for a process that Ctrl-C ended
PIPE_CLOSED = 141  # what a shell reports for a process that SIGPIPE ended
EXIT_CODES = {
    OK: "ok",
    DATA_ERROR: "invalid data file",
    USAGE_ERROR: "usage error",
    OUTPUT_ERROR: "output cannot be written (stdout closed or full)",
    INTERRUPTED: "interrupted",
    PIPE_CLOSED: "output pipe closed",
}


class Status(str, Enum):
    """--status choices: an event has happened, or is only expected."""

    held = "held"
    planned = "planned"


def _say(message: str) -> None:
    """One line on stderr, as plain text (no markup is ever interpreted)."""
    _to_stderr(f"kzafrica: {visible(message)}\n")


def _problems(error: DataError) -> None:
    """Every problem of a data file, one line each: FILE:LINE:COL: field: message."""
    _to_stderr("".join(problem.render(error.file) + "\n" for problem in error.problems))


def _to_stderr(text: str) -> None:
    stream = sys.stderr
    if stream is None:  # started with stderr closed: the exit code is all there is
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: Ctrl-C in the middle of this
        # stderr is full or gone: nothing can be said, and the interpreter's last flush of
        # the unwritten text must not fail either (it would exit 120).
        _to_devnull(stream)


def _say_interrupted() -> None:
    """'interrupted', once however many Ctrl-C presses end up here."""
    if not _interruption.said:
        _interruption.said = True
        _say("interrupted")


class _Interruption:
    """Whether this run has said 'interrupted' yet."""

    said = False


_interruption = _Interruption()


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
        _interruption.said = False
        code = self._exit_code(args, prog_name or "kzafrica", complete_var, extra)
        if code == INTERRUPTED:
            # Typer turns a KeyboardInterrupt anywhere in a command (validate, schema,
            # a query) into a silent 130; say it here, once, for all of them, and drop any
            # output not yet written: an interrupted answer is not half printed.
            _say_interrupted()
            _to_devnull(sys.stdout)
        code = _flush_stdout(code)
        if standalone_mode:
            sys.exit(code)
        return code

    def _exit_code(
        self, args: list[str] | None, prog_name: str, complete_var: str | None, extra: Any
    ) -> int:
        click_errors = click.exceptions
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            return result if isinstance(result, int) else OK
        except click_errors.NoArgsIsHelpError as exc:
            try:
                sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
            except OSError as error:
                return _output_failed(error)
            return OK
        except click_errors.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "kzafrica"
            _say(f"{_one_line(exc.format_message())} (see '{command} --help')")
            return USAGE_ERROR
        except click_errors.ClickException as exc:
            _say(_one_line(exc.format_message()))
            return exc.exit_code
        except typer.Abort:
            return INTERRUPTED
        except OSError as exc:  # a write outside any command: shell completion
            return _output_failed(exc)
        except SystemExit as exc:  # Typer's completion options end with sys.exit(0)
            if exc.code is None or isinstance(exc.code, int):
                return exc.code or OK
            raise

    # Typer exits 1 (our "invalid data file") when a write to a closed pipe fails, and
    # shows a traceback for any other failed write: --help, --version, schema, validate, a
    # query. Map them here, where they happen: while parsing (--help, --version) or while
    # a command runs.
    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _exit_on_output_error():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _exit_on_output_error():
            return super().invoke(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:  # shell completion parses half-typed lines: let it
            args = _completion_shell(self, ctx, args)
            _check_values(self, ctx, args)
        return super().parse_args(ctx, args)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        for param in params:
            if param.name in _COMPLETION_PARAMETERS and param.callback:
                _take_a_shell(param)
        return params

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            rest, bare = _bare_fields(rest, command)
            if bare:  # read by _options, through the context tree's shared meta
                ctx.meta[_LIST_FIELDS] = True
            if not ctx.resilient_parsing:
                # The same checks for every command, whatever class it was built with.
                trial = command.context_class(
                    command, info_name=name, parent=ctx, **command.context_settings
                )
                _check_values(command, trial, rest)
        return name, command, rest


_LIST_FIELDS = "kzafrica.list_fields"


def _bare_fields(args: list[str], command: click.Command) -> tuple[list[str], bool]:
    """Take out a `--fields` that has no value (it is last, or another option follows),
    which asks for the list of fields, and say whether there was one: Click's options
    cannot take an optional value."""
    valued = {
        name
        for param in command.params
        if param.param_type_name == "option" and not getattr(param, "is_flag", False)
        for name in param.opts
    }
    if "--fields" not in valued:
        return args, False
    out = list(args)
    bare = False
    index = 0
    while index < len(out) and out[index] != "--":
        arg = out[index]
        if arg == "--fields" and (index + 1 == len(out) or out[index + 1].startswith("-")):
            del out[index]
            bare = True
            continue
        if arg in valued:
            index += 1  # its value, whatever it looks like
        index += 1
    return out, bare


# Parameters that name a file: an empty value (an unset shell variable) must not quietly
# mean the usual data.
_FILE_PARAMETERS = {"data", "path"}


def _check_values(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    """Refuse an option that takes one value given more than once (Click would keep the
    last one without a word) and an empty file name. Parses ``args`` without side effects
    and without errors: any other mistake is left to the real parse, which reports it."""
    resilient, ctx.resilient_parsing = ctx.resilient_parsing, True
    try:
        values, _, order = command.make_parser(ctx).parse_args(args=list(args))
    finally:
        ctx.resilient_parsing = resilient
    seen: list[click.Parameter] = []
    for param in order:
        takes_one_value = isinstance(param, typer.core.TyperOption) and not (
            param.is_flag or param.multiple or param.count
        )
        if takes_one_value and param in seen:
            raise click.exceptions.UsageError(
                f"{param.get_error_hint(ctx)} given more than once; give it once", ctx=ctx
            )
        seen.append(param)
    for param in command.get_params(ctx):
        if param.name in _FILE_PARAMETERS and values.get(param.name) == "":
            raise click.exceptions.BadParameter(
                "an empty file name; name a file", ctx=ctx, param=param
            )


# -- shell completion: `--show-completion zsh` ---------------------------------------------

_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_COMPLETION_PARAMETERS = ("show_completion", "install_completion")
_NAMED_SHELL = "kzafrica.shell"


def _completion_shell(group: TyperGroup, ctx: click.Context, args: list[str]) -> list[str]:
    """Typer's completion options are flags for the shell it detects: `--show-completion
    zsh` printed the bash script under bash, and `--install-completion zsh` installed for
    bash. Take the word after either option (or after its `=`), unless it is a command, as
    the shell, and hand it to Typer's callback; an unknown shell is a usage error."""
    flags: dict[str, click.Parameter] = {}
    with_value: set[str] = set()
    for param in group.get_params(ctx):
        if not isinstance(param, typer.core.TyperOption):
            continue
        if param.name in _COMPLETION_PARAMETERS and param.is_flag:
            flags.update(dict.fromkeys(param.opts, param))
        elif not param.is_flag:
            with_value.update(param.opts)
    index = 0
    while index < len(args) and args[index].startswith("-") and args[index] != "--":
        option, equals, value = args[index].partition("=")
        if option not in flags:  # another of the group's own options: skip it and its value
            index += 2 if args[index] in with_value else 1
            continue
        rest = args[index + 1 :]
        if not value and rest and not rest[0].startswith("-") and rest[0] not in group.commands:
            value, rest = rest[0], rest[1:]
        if value or equals:
            if value not in _SHELLS:
                raise click.exceptions.BadParameter(
                    f"unknown shell {visible(repr(value))}; choose from {', '.join(_SHELLS)}",
                    ctx=ctx,
                    param=flags[option],
                )
            ctx.meta[_NAMED_SHELL] = value
        return [*args[:index], option, *rest]
    return args


def _take_a_shell(param: click.Parameter) -> None:
    """Give Typer's completion callback the named shell, or else the one detected."""
    callback = param.callback
    if callback is None or getattr(callback, "_kzafrica_shell", False):
        return

    def with_shell(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if not value or ctx.resilient_parsing or isinstance(value, str):
            return callback(ctx, param, value)  # nothing to do, or a shell already given
        shell = ctx.meta.get(_NAMED_SHELL)
        if shell is None:
            from typer._completion_shared import _get_shell_name  # what Typer itself uses

            shell = _get_shell_name()
            if shell not in _SHELLS:
                raise click.exceptions.BadParameter(
                    f"cannot tell which shell this is ({shell or 'none found'});"
                    f" name it: {param.opts[0]} {'|'.join(_SHELLS)}",
                    ctx=ctx,
                    param=param,
                )
        return callback(ctx, param, shell)

    with_shell._kzafrica_shell = True  # type: ignore[attr-defined]
    param.callback = with_shell
    if isinstance(param, typer.core.TyperOption) and param.is_flag:
        what = "Install" if param.name == "install_completion" else "Show"
        param.help = f"{what} completion for the current shell, or the one named after it."


# -- output that cannot be written ---------------------------------------------------------


@contextlib.contextmanager
def _exit_on_output_error() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise typer.Exit(_output_failed(exc)) from None


def _output_failed(error: OSError) -> int:
    """Say why the output could not be written, and pick the exit code.

    The commands turn every failure to read a file into a DataError and the cache ignores
    its own, so an OSError that reaches this far is a failed write to stdout; one with a
    file name is reported as such all the same."""
    _to_devnull(sys.stdout)  # the interpreter's last flush must not fail again
    if isinstance(error, BrokenPipeError):
        return PIPE_CLOSED  # the reader went away (`| head`): quiet, as SIGPIPE would be
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is None:
        _say(f"cannot write output: {reason}")
    else:
        _say(f"{error.filename}: {reason}")
    return OUTPUT_ERROR


def _flush_stdout(code: int) -> int:
    # Flush now: a failure met by the interpreter's own final flush would print "Exception
    # ignored ... BrokenPipeError" and exit 120 (--version, validate).
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as error:
        failed = _output_failed(error)
        return failed if code == OK else code
    return code


def _to_devnull(stream: TextIO | None) -> None:
    """Point ``stream``'s descriptor at /dev/null: what it still holds can be flushed
    without failing again. A stream without a descriptor (a test runner's) is left alone."""
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):  # ValueError: a closed stream
        target = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, target)
        finally:
            os.close(devnull)


class _ClosedOutput(io.TextIOBase):
    """stdout when the process was started without one (`kzafrica trade >&-`): every write
    fails as a write to a closed descriptor would, so that the answer is reported lost
    (exit 74) rather than silently dropped."""

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _standard_streams() -> None:
    """Make the three standard streams safe to use, whatever the process was given."""
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if getattr(sys, name) is None:
            # A closed descriptor: hold its number with /dev/null, so that no file opened
            # later (the facts, the cache) takes its place and receives output.
            with contextlib.suppress(OSError):
                devnull = os.open(os.devnull, os.O_RDWR)
                if devnull != fd:
                    os.dup2(devnull, fd)
                    os.close(devnull)
    if sys.stdout is None:
        sys.stdout = cast(TextIO, _ClosedOutput())
    sys.stdout, sys.stderr = _buffered(sys.stdout), _buffered(sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show 'é' gets 'Fran\xe7oise' in tables and messages, not
        # a crash; machine formats are UTF-8 bytes whatever the terminal (render.py).
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _buffered(stream: TextIO | None) -> Any:
    """``stream`` over a buffered writer. Unbuffered (`python -u`, $PYTHONUNBUFFERED), a
    standard stream writes straight to the file, and when the file takes a write only in
    part (a size limit, a pipe whose reader left) the rest is dropped without an error: a
    buffered writer writes it all or says why not."""
    raw = getattr(stream, "buffer", None)
    if stream is None or not isinstance(raw, io.RawIOBase):
        return stream
    text = cast(io.TextIOWrapper, stream)
    return io.TextIOWrapper(
        io.BufferedWriter(text.detach()),
        encoding=text.encoding,
        errors=text.errors,
        line_buffering=text.line_buffering,
        write_through=True,
    )


# -- Ctrl-C -------------------------------------------------------------------------------


def _raise_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C while a command runs: unwind (Typer and _Group turn it into one line and
    130, and cleanup code runs); a second Ctrl-C ends the process at once."""
    signal.signal(signal.SIGINT, _exit_interrupted)
    raise KeyboardInterrupt


def _exit_interrupted(signum: int, frame: object) -> None:
    """Ctrl-C after a command, or a second one: nothing is left to clean up, so end now."""
    try:
        _say_interrupted()
    finally:
        os._exit(INTERRUPTED)


def _unraisable(report: Any) -> None:
    """A Ctrl-C that lands in a finalizer (__del__, a closing generator) cannot unwind: Python
    would print "Exception ignored" and carry on. End the run as any interrupt does."""
    if isinstance(report.exc_value, KeyboardInterrupt):
        _exit_interrupted(signal.SIGINT, None)
    sys.__unraisablehook__(report)


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
    epilog="Data: the shipped facts, or --data FILE, or $KZAFRICA_DATA. Exit codes: "
    + ", ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items())
    + ".",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _State:
    """Per-run state: which data file, and whether to say why the cache was not used."""

    def __init__(self, data: str | None, verbose: bool = False) -> None:
        self.data = data
        self.verbose = verbose
        self.notes: list[str] = []  # what the store did that a --verbose run tells

    def tell(self) -> None:
        if self.verbose:
            for note in dict.fromkeys(self.notes):  # once each
                _say(note)
        self.notes.clear()


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
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Say on stderr when the cache is not used, and why."),
    ] = False,
) -> None:
    ctx.obj = _State(data, verbose)


def _run(
    ctx: typer.Context, answer: Callable[[FactBase], Result], out: render.Options | None = None
) -> None:
    """Load the facts, answer, render; map every failure to its message and exit code.
    The output options are the shared ones the command class collected (see _Output)."""
    state = ctx.ensure_object(_State)
    options = out or _output(ctx)
    try:
        # A store found damaged while answering is set aside and the answer computed again
        # from freshly validated facts: nothing is written until the answer is complete.
        access.ask(
            state.data, lambda facts: render.write(answer(facts), options, sys.stdout), state.notes
        )
        sys.stdout.flush()
    except UsageError as exc:
        _fail(str(exc), USAGE_ERROR)
    except DataError as exc:
        _problems(exc)
        raise typer.Exit(DATA_ERROR) from None
    finally:
        state.tell()


def _listing(
    ctx: typer.Context, question: Callable[[FactBase], list[Record]], view: Callable[[], View]
) -> None:
    """A command that lists the records of one question, with no filters of its own."""
    _run(ctx, lambda facts: Result(question(facts), view()))


def _fail(message: str, code: int) -> NoReturn:
    _say(message)
    raise typer.Exit(code)


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
        help="Only these fields (dotted paths too: amount.value, origin.name);"
        " with no value, list the fields.",
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
        if ctx.meta.get(_LIST_FIELDS):  # a bare --fields (see _Group): list them, and stop
            from kzafrica.factfile import fieldhelp

            sys.stdout.write(fieldhelp.listing(ctx.info_name or ""))
            return None
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


def _completion_facts(ctx: typer.Context) -> FactBase | None:
    try:  # the --data given so far on the command line, else the usual choice
        return access.open_facts(ctx.obj.data if isinstance(ctx.obj, _State) else None)
    except DataError:
        return None


def _complete_country(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    """The fact base's countries whose name or alias starts with what was typed, in any
    case and with or without accents, each offered as one shell word."""
    facts = _completion_facts(ctx)
    if facts is None:
        return
    typed = query.fold(incomplete)
    shell = os.environ.get("_KZAFRICA_COMPLETE", "").removeprefix("complete_")
    for record in facts.records("countries"):
        names = [record["name"], *record.get("aliases", [])]
        found = next((name for name in names if query.fold(name).startswith(typed)), None)
        if found is not None:
            yield _offer(found, incomplete, shell)


class _Offered(str):
    """A completion that passes Typer's filter, which keeps only values that start with
    the typed text, case-sensitively: we have matched already, ignoring case."""

    def startswith(self, *args: Any) -> bool:
        return True


def _offer(name: str, incomplete: str, shell: str) -> str:
    """``name`` as the shell needs it. Bash inserts a completion as it is, so a space
    must be escaped ('Burkina\\ Faso'), and replaces what was typed ('rw' -> 'Rwanda');
    fish matches and quotes by itself. Zsh quotes by itself but keeps only completions
    that start with the typed text, so that text is kept ('rw' -> 'rwanda')."""
    if shell == "bash":
        return _Offered(
            "".join(f"\\{c}" if c in _SHELL_SPECIAL or c.isspace() else c for c in name)
        )
    if shell == "fish":
        return _Offered(name)
    head, rest = name[: len(incomplete)], name[len(incomplete) :]
    return incomplete + rest if query.fold(head) == query.fold(incomplete) else name


# What bash reads as anything but a letter of a word (spaces are tested apart).
_SHELL_SPECIAL = frozenset("\\'\"`$&|;<>()[]{}*?!#~^")


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


def _country(facts: FactBase, value: str | None) -> query.CountryMatch | None:
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

    def answer(facts: FactBase) -> Result:
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

    def answer(facts: FactBase) -> Result:
        span = query.window(since, until, certain)
        rows = query.trade(facts, span)
        heading = views.title("Trade", since=since, until=until, only=_only(certain))
        return Result(rows, views.trade(heading, rows), lambda: span.mark(query.trade(facts, ALL)))

    _run(ctx, answer)


def _goods(ctx: typer.Context, direction: str, country: str | None) -> None:
    def answer(facts: FactBase) -> Result:
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

    def answer(facts: FactBase) -> Result:
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

    def answer(facts: FactBase) -> Result:
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

    def answer(facts: FactBase) -> Result:
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

    _listing(ctx, query.country_counts, views.countries)


@app.command(cls=_ListCommand)
def places(ctx: typer.Context) -> None:
    """Cities the article names.

    \b
    Examples:
      kzafrica places
      kzafrica places --json
    """

    _listing(ctx, query.places, views.places)


@app.command(cls=_ListCommand)
def orgs(ctx: typer.Context) -> None:
    """Organizations, memberships and strategies.

    Ministries, funds, forums, multilateral bodies, then statuses, then strategies.

    \b
    Examples:
      kzafrica orgs
      kzafrica orgs --json | jq '.[] | select(.kind == "membership")'
    """

    _listing(ctx, query.organizations, views.organizations)


@app.command(cls=_ListCommand)
def missions(ctx: typer.Context) -> None:
    """Diplomatic missions and honorary consuls.

    \b
    Examples:
      kzafrica missions
      kzafrica missions --json
    """

    _listing(ctx, query.missions, views.missions)


@app.command(cls=_ListCommand)
def areas(ctx: typer.Context) -> None:
    """Areas of cooperation the article names.

    Who named each, and the article's words on it ("particularly promising").

    \b
    Examples:
      kzafrica areas
      kzafrica areas --fields name,named_by.name --format csv
    """

    _listing(ctx, query.areas, views.areas)


@app.command(cls=_ListCommand)
def initiatives(ctx: typer.Context) -> None:
    """Kazakh initiatives African countries supported.

    \b
    Examples:
      kzafrica initiatives
      kzafrica initiatives --cite
    """

    _listing(ctx, query.initiatives, views.initiatives)


@app.command(cls=_ListCommand)
def figures(ctx: typer.Context) -> None:
    """Numbers the article states, with their whole.

    \b
    Examples:
      kzafrica figures
      kzafrica figures --json
    """

    _listing(ctx, query.figures, views.figures)


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

    def answer(facts: FactBase) -> Result:
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

    def answer(facts: FactBase) -> Result:
        heading = views.title("Search", text=words)
        return Result(query.search(facts, words), views.search(heading))

    _run(ctx, answer)


@app.command(cls=_ObjectCommand)
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="A record id.", autocompletion=_complete_id)
    ],
    context: Annotated[
        bool,
        typer.Option("--context", help="Each excerpt within its paragraph, highlighted."),
    ] = False,
) -> None:
    """One record: every field, evidence, links.

    Shows the records it references, the records that refer to it, and the evidence;
    --context shows each excerpt in its paragraph of the article (machine formats add
    evidence_context: the paragraph's text and offsets).

    \b
    Examples:
      kzafrica show visit-kagame-2025
      kzafrica show paul-kagame --json
      kzafrica show trade-2022 --context
    """
    out = _output(ctx)._replace(cite=True)
    below: list[tuple[str, Record]] = []  # for the table: (article, record) to show after it

    def answer(facts: FactBase) -> Result:
        record = query.show(facts, record_id)
        if context:
            from kzafrica.answers import coverage

            text = coverage.article_text(facts)
            if out.format == "table":
                below.append((text, record))
            else:
                record["evidence_context"] = coverage.contexts(record, text)
        return Result(record, views.record(record))

    _run(ctx, answer, out)
    for text, record in below:
        _write_contexts(text, record)


@app.command(cls=_ObjectCommand)
def summary(ctx: typer.Context) -> None:
    """A one-screen overview for newcomers.

    Counts, the trade trend, the latest and the upcoming events.

    \b
    Examples:
      kzafrica summary
      kzafrica summary --json
    """

    def answer(facts: FactBase) -> Result:
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
    file = access.choose(path or ctx.ensure_object(_State).data)
    try:
        dataset = access.validate(file, access.read_bytes(file))
    except DataError as exc:
        _problems(exc)
        if len(exc.problems) > 1:  # a count helps with a long list; one line says it all
            _say(f"{len(exc.problems)} problems in {visible(file)}")
        raise typer.Exit(DATA_ERROR) from None
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

    from kzafrica.factfile.models import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")


# -- the article and the whole fact base -------------------------------------------------


def _loaded(ctx: typer.Context) -> FactBase:
    """All the facts in use, or exit 1 listing the data file's problems."""
    try:
        return FactBase(access.load(ctx.ensure_object(_State).data))
    except DataError as exc:
        _problems(exc)
        raise typer.Exit(DATA_ERROR) from None


def _article_of(facts: FactBase) -> str:
    from kzafrica.answers import coverage

    try:
        return coverage.article_text(facts)
    except DataError as exc:
        _problems(exc)
        raise typer.Exit(DATA_ERROR) from None


def _write_contexts(text: str, record: Record) -> None:
    """Each excerpt of a record within its paragraph, the excerpt marked."""
    from kzafrica.answers import coverage
    from kzafrica.factfile import excerpts
    from kzafrica.output import highlight

    sys.stdout.write("\nEvidence in context:\n")
    for number, span in enumerate(excerpts.spans_of(record), 1):
        around = coverage.context(text, span)
        mark = excerpts.Span(span.start - around.start, span.end - around.start)
        sys.stdout.write(f"\n[{number}] characters {span.start}-{span.end}\n")
        highlight.write(text[around.start : around.end], [mark], sys.stdout)
    sys.stdout.flush()


@app.command()
def article(
    ctx: typer.Context,
    uncited: Annotated[
        bool,
        typer.Option("--uncited", help="Only the sentences no record cites, one a line."),
    ] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Sentences with their offsets and citing records.")
    ] = False,
) -> None:
    """The article, with every span a record cites marked.

    On a terminal the cited spans are highlighted; elsewhere they are marked [[like
    this]]. A last line counts the sentences that at least one record cites. --uncited
    lists the others as SOURCE:LINE: sentence, candidates for missing facts.

    \b
    Examples:
      kzafrica article
      kzafrica article --json | jq '.sentences[] | select(.cited_by == []) | .text'
    """
    import json

    from kzafrica.answers import coverage
    from kzafrica.output import highlight

    facts = _loaded(ctx)
    text = _article_of(facts)
    found = coverage.sentences(facts, text)
    chosen = [s for s in found if not s.cited_by] if uncited else found
    if json_:
        data: Any = [s.as_json() for s in chosen]
        if not uncited:
            data = {
                "source": facts.article["source"],
                "sentences": data,
                "cited": sum(1 for s in found if s.cited_by),
                "total": len(found),
            }
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif uncited:
        source = facts.article["source"]
        sys.stdout.writelines(f"{source}:{s.line}: {s.text}\n" for s in chosen)
        if not chosen:
            _say("every sentence is cited by at least one record")
    else:
        highlight.write(*_stripped(text, coverage.marks(facts)), sys.stdout)
        sys.stdout.write("\n" + coverage.coverage_line(found) + "\n")
    sys.stdout.flush()


def _stripped(text: str, spans: "list[Span]") -> "tuple[str, list[Span]]":
    """``text`` without surrounding whitespace, and the spans moved to match."""
    from kzafrica.factfile.excerpts import Span

    cut = len(text) - len(text.lstrip())
    return text.strip(), [Span(s.start - cut, s.end - cut) for s in spans]


@app.command()
def dump(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="FILE.db or FILE.sqlite for SQLite, FILE.json for JSON."
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write the whole fact base to SQLite or JSON.

    FILE.db or FILE.sqlite: a SQLite database (a table per kind of record, links,
    evidence with its offsets, full-text search, the article) and FILE.metadata.json
    beside it for Datasette. FILE.json: one JSON object, every record as the query
    commands print it. Files are replaced only with --force, and never half written.

    \b
    Examples:
      kzafrica dump facts.db
      datasette facts.db --metadata facts.metadata.json
      kzafrica dump facts.json --force
    """
    from kzafrica.store import dump as dumping

    try:
        dumping.outputs(file)  # a bad name is a usage error before any work
        dataset = access.load(ctx.ensure_object(_State).data)
        text = _article_of(FactBase(dataset))
        written = dumping.dump(dataset, text, file, force=force)
    except UsageError as exc:
        _fail(str(exc), 2)
    except DataError as exc:
        _problems(exc)
        raise typer.Exit(DATA_ERROR) from None
    also = f" and {written[1]}" if len(written) > 1 else ""
    hint = f"; browse with: datasette {written[0]} --metadata {written[1]}" if also else ""
    _say(f"wrote {written[0]} ({dumping.count(dataset)} records){also}{hint}")


def main() -> None:
    """The process's command line (the console script runs it through kzafrica.cli.entry)."""
    _standard_streams()
    code = INTERRUPTED
    try:
        _keep_only_the_invoked_command(sys.argv[1:])
        command = typer.main.get_command(app)
        gc.enable()  # kzafrica.cli.entry paused it for the start-up (see there)
        sys.unraisablehook = _unraisable
        signal.signal(signal.SIGINT, _raise_interrupt)
        code = command.main(prog_name="kzafrica", standalone_mode=False)
    except KeyboardInterrupt:  # outside Typer's own handling; _Group.main has the rest
        _say_interrupted()
        _to_devnull(sys.stdout)  # not half an answer
        code = INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, _exit_interrupted)
    _exit(code)


def _exit(code: int) -> NoReturn:
    """End the process with ``code`` once everything is written.

    When nothing is left to run at exit (no exit handler, no other thread), the process
    ends at once: the interpreter's own teardown, which frees every module and object one
    by one, is a tenth of a short run and has nothing to do that the system will not."""
    code = _flush_stdout(code)
    _to_stderr("")  # flushes it
    handlers = getattr(atexit, "_ncallbacks", None)  # CPython's count of exit handlers
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    if handlers is not None and handlers() == 0 and alone:
        os._exit(code)
    sys.exit(code)


def _keep_only_the_invoked_command(args: list[str]) -> None:
    """Typer builds every command's parameters before it parses the arguments: about a
    tenth of a run. A run that names its command needs only that one built, and --version
    (answered while the top-level options are read) none."""
    if any(name.startswith("_KZAFRICA_COMPLETE") for name in os.environ):
        return  # shell completion may complete any command
    rest = list(args)
    leading = []
    while rest and rest[0].startswith("-"):
        leading.append(rest.pop(0))
        if leading[-1] == "--data" and rest:
            rest.pop(0)  # its value
    if "--version" in leading and not {"-h", "--help"} & set(leading):
        app.registered_commands = []
        return
    named = [
        command
        for command in app.registered_commands
        if rest and command.callback and command.callback.__name__ == rest[0]
    ]
    if named:
        app.registered_commands = named
