"""The command line: the Typer app, its commands built from the registry, and the group that
turns every failure into one line on stderr and an exit code. main() runs the process.

The rooms: streams (stderr, stdout, exit codes, Ctrl-C), options (the shared output options
and filters), completion (shell completion), answering (loading the facts and answering),
registry (every command), filtered and whole (the commands that need a function of their own).
"""

# Annotations here are objects, not strings (no `from __future__ import annotations`):
# Typer reads every parameter's annotation at each run, and a string costs it an eval.
import gc
import os
import signal
import sys
from typing import Annotated, Any

import typer
from typer import _click as click  # Typer 0.28 vendors Click
from typer.core import TyperCommand, TyperGroup

from kzafrica import __version__
from kzafrica.cli import completion, options, registry, streams
from kzafrica.cli.answering import State
from kzafrica.cli.options import Format, Status
from kzafrica.cli.streams import EXIT_CODES, INTERRUPTED, OK, USAGE_ERROR

# The names other code and the tests use: the app, its exit codes and its choices.
__all__ = ["EXIT_CODES", "Format", "Status", "app", "main"]


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
        streams.interruption.said, streams.interruption.signum = False, None
        code = self._exit_code(args, prog_name or "kzafrica", complete_var, extra)
        if code == INTERRUPTED or streams.interruption.signum is not None:
            # Typer turns a KeyboardInterrupt anywhere in a command (validate, schema,
            # a query) into a silent 130; say it here, once, for all of them, with the
            # signal's own code (SIGTERM: 143), and drop any output not yet written: an
            # interrupted answer is not half printed.
            streams.say_interrupted()
            streams.to_devnull(sys.stdout)
            code = streams.interruption.code()
        code = streams.flush_stdout(code)
        if standalone_mode:
            sys.exit(code)
        return code

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        completion.use_our_shells()  # after Typer registered its own, as the app was built
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

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
                return streams.output_failed(error)
            return OK
        except click_errors.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "kzafrica"
            misplaced = _misplaced(exc)
            if misplaced:
                streams.say(misplaced)
            else:
                message = streams.one_line(exc.format_message())
                streams.say(f"{message} (see '{command} --help')")
            return USAGE_ERROR
        except click_errors.ClickException as exc:
            streams.say(streams.one_line(exc.format_message()))
            return exc.exit_code
        except typer.Abort:
            return INTERRUPTED
        except OSError as exc:  # a write outside any command: shell completion
            return streams.output_failed(exc)
        except SystemExit as exc:  # Typer's completion options end with sys.exit(0)
            if exc.code is None or isinstance(exc.code, int):
                return exc.code or OK
            raise
        except BaseException as exc:  # a Ctrl-C that a library wrapped, or worse
            if streams.interrupted(exc):
                return INTERRUPTED
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
        with streams.exit_on_output_error():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with streams.exit_on_output_error():
            return super().invoke(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:  # shell completion parses half-typed lines: let it
            args = completion.completion_shell(self, ctx, args)
            _check_values(self, ctx, args)
        return super().parse_args(ctx, args)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        for param in params:
            if param.name in completion.PARAMETERS and param.callback:
                completion.take_a_shell(param)
        return params

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            rest, bare = options.bare_fields(rest, command)
            if bare:  # read by options.Output, through the context tree's shared meta
                ctx.meta[options.LIST_FIELDS] = True
            if not ctx.resilient_parsing:
                # The same checks for every command, whatever class it was built with.
                trial = command.context_class(
                    command, info_name=name, parent=ctx, **command.context_settings
                )
                _check_values(command, trial, rest)
        return name, command, rest


def _misplaced(error: click.exceptions.UsageError) -> str | None:
    """What to say of an option of kzafrica itself given after the command (`kzafrica
    trade --data f`), which Click calls only "No such option"; None for any other error."""
    ctx = error.ctx
    if not isinstance(error, click.exceptions.NoSuchOption) or ctx is None or not ctx.parent:
        return None
    root = ctx.find_root()
    for param in root.command.get_params(root):
        if error.option_name in param.opts and error.option_name not in root.help_option_names:
            value = "" if getattr(param, "is_flag", False) else f" {param.make_metavar(root)}"
            return (
                f"{error.option_name} is an option of kzafrica itself: put it before the"
                f" command ({root.info_name} {error.option_name}{value} {ctx.info_name} ...)"
            )
    return None


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


app = typer.Typer(
    cls=_Group,
    name="kzafrica",
    help="Facts about Kazakhstan–Africa relations from news articles (shipped: one, "
    "2025-06-03, Astana), each with its source sentence and article.",
    epilog="Data: the shipped facts, or --data FILE, or $KZAFRICA_DATA. Exit codes: "
    + ", ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items())
    + ".",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    ctx.obj = State(data, verbose)


# Each command's class: which shared output options it takes.
_CLASSES: dict[str, type[TyperCommand]] = {
    registry.LIST: options.ListCommand,
    registry.OBJECT: options.ObjectCommand,
    registry.OWN: TyperCommand,
}
for _command in registry.COMMANDS:
    # Each command's class carries what its answer holds (for --fields and completion),
    # so that the rooms below the registry need not import it.
    _class = _CLASSES[_command.answers]
    _held = type(_class.__name__, (_class,), {"holds": registry.holds(_command)})
    app.command(_command.name, cls=_held, help=_command.text())(registry.callback(_command))


def main() -> None:
    """The process's command line (the console script runs it through kzafrica.cli.entry)."""
    streams.standard_streams()
    code = INTERRUPTED
    try:
        _keep_only_the_invoked_command(sys.argv[1:])
        command = typer.main.get_command(app)
        gc.enable()  # kzafrica.cli.entry paused it for the start-up (see there)
        sys.unraisablehook = streams.unraisable
        streams.handle_signals(streams.raise_interrupt)
        code = command.main(prog_name="kzafrica", standalone_mode=False)
    except BaseException as exc:  # outside _Group.main, which has the rest
        if isinstance(exc, SystemExit) or not streams.interrupted(exc):
            raise
        streams.say_interrupted()
        streams.to_devnull(sys.stdout)  # not half an answer
        code = streams.interruption.code()
    finally:
        try:
            streams.handle_signals(streams.exit_interrupted)
        except KeyboardInterrupt:  # a signal came as the command ended, before this switch
            streams.exit_interrupted(streams.interruption.signum or signal.SIGINT, None)
    streams.end(code)


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
    named = [command for command in app.registered_commands if rest and command.name == rest[0]]
    if named:
        app.registered_commands = named
