"""Shell completion: country names and record ids as shell words, and the shell named after
`--show-completion` / `--install-completion`.

Typer's completion options are flags for the shell it detects; the app's group hands them
the shell named on the command line (completion_shell, take_a_shell). Values complete
through Click's own hook, ParamType.shell_complete (see Completing).
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import typer
from typer import _click as click  # Typer 0.28 vendors Click
from typer._click.shell_completion import CompletionItem
from typer.core import TyperGroup

from kzafrica.answers import query
from kzafrica.cli.answering import State
from kzafrica.factfile.errors import DataError, visible
from kzafrica.store import access
from kzafrica.store.factbase import FactBase

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
PARAMETERS = ("show_completion", "install_completion")
_NAMED_SHELL = "kzafrica.shell"


def completion_shell(group: TyperGroup, ctx: click.Context, args: list[str]) -> list[str]:
    """Typer's completion options are flags for the shell it detects: `--show-completion
    zsh` printed the bash script under bash, and `--install-completion zsh` installed for
    bash. Take the word after either option (or after its `=`), unless it is a command, as
    the shell, and hand it to Typer's callback; an unknown shell is a usage error."""
    flags: dict[str, click.Parameter] = {}
    with_value: set[str] = set()
    for param in group.get_params(ctx):
        if not isinstance(param, typer.core.TyperOption):
            continue
        if param.name in PARAMETERS and param.is_flag:
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
            if value not in SHELLS:
                raise click.exceptions.BadParameter(
                    f"unknown shell {visible(repr(value))}; choose from {', '.join(SHELLS)}",
                    ctx=ctx,
                    param=flags[option],
                )
            ctx.meta[_NAMED_SHELL] = value
        return [*args[:index], option, *rest]
    return args


def take_a_shell(param: click.Parameter) -> None:
    """Give Typer's completion callback the named shell, or else the one detected."""
    callback = param.callback
    if callback is None or getattr(callback, "_kzafrica_shell", False):
        return

    def with_shell(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if not value or ctx.resilient_parsing or isinstance(value, str):
            return callback(ctx, param, value)  # nothing to do, or a shell already given
        shell = ctx.meta.get(_NAMED_SHELL)
        if shell is None:
            shell = detected_shell()
            if shell not in SHELLS:
                raise click.exceptions.BadParameter(
                    f"cannot tell which shell this is ({shell or 'none found'});"
                    f" name it: {param.opts[0]} {'|'.join(SHELLS)}",
                    ctx=ctx,
                    param=param,
                )
        return callback(ctx, param, shell)

    with_shell._kzafrica_shell = True  # type: ignore[attr-defined]
    param.callback = with_shell
    if isinstance(param, typer.core.TyperOption) and param.is_flag:
        what = "Install" if param.name == "install_completion" else "Show"
        param.help = f"{what} completion for the current shell, or the one named after it."


def detected_shell() -> str | None:
    """The shell this process runs under, found as Typer finds it: with shellingham, which
    Typer requires (the library, not Typer's private helper around it)."""
    # Only --show/--install-completion without a shell get here: not worth loading earlier.
    import shellingham  # type: ignore[import-untyped]

    try:
        name, _command = shellingham.detect_shell()
    except shellingham.ShellDetectionFailure:
        return None
    return str(name).lower()


# -- completing values ---------------------------------------------------------------------


class Completing(click.types.StringParamType):
    """Text whose shell completion offers names from the fact base.

    Through Click's own hook (ParamType.shell_complete), not Typer's `autocompletion=`:
    Typer keeps only the offers that start with the typed text, case-sensitively, and the
    offers here do not, on purpose: typed 'rw', bash gets 'Rwanda' (bash replaces the word),
    and a name with a space comes escaped for bash ('Burkina\\ Faso')."""

    def __init__(self, names: Callable[[FactBase, str], Iterator[str]]) -> None:
        self._names = names

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        try:  # the --data given so far on the command line, else the usual choice
            facts = access.open_facts(ctx.obj.data if isinstance(ctx.obj, State) else None)
        except DataError:
            return []
        shell = os.environ.get("_KZAFRICA_COMPLETE", "").removeprefix("complete_")
        return [CompletionItem(offer(n, incomplete, shell)) for n in self._names(facts, incomplete)]


def countries(facts: FactBase, incomplete: str) -> Iterator[str]:
    """The fact base's countries whose name or alias starts with what was typed, in any
    case and with or without accents (the name or alias that matched)."""
    typed = query.fold(incomplete)
    for record in facts.records("countries"):
        names = [record["name"], *record.get("aliases", [])]
        found = next((name for name in names if query.fold(name).startswith(typed)), None)
        if found is not None:
            yield found


def ids(facts: FactBase, incomplete: str) -> Iterator[str]:
    """The record ids that start with what was typed, in any case."""
    typed = incomplete.casefold()  # ids are lowercase; what is typed may not be
    yield from (i for i in facts.ids() if i.casefold().startswith(typed))


def offer(name: str, incomplete: str, shell: str) -> str:
    """``name`` as the shell needs it. Bash inserts a completion as it is, so a space
    must be escaped ('Burkina\\ Faso'), and replaces what was typed ('rw' -> 'Rwanda');
    fish matches and quotes by itself. Zsh quotes by itself but keeps only completions
    that start with the typed text, so that text is kept ('rw' -> 'rwanda')."""
    if shell == "bash":
        return "".join(f"\\{c}" if c in _SHELL_SPECIAL or c.isspace() else c for c in name)
    if shell == "fish":
        return name
    head, rest = name[: len(incomplete)], name[len(incomplete) :]
    return incomplete + rest if query.fold(head) == query.fold(incomplete) else name


# What bash reads as anything but a letter of a word (spaces are tested apart).
_SHELL_SPECIAL = frozenset("\\'\"`$&|;<>()[]{}*?!#~^")

COUNTRY = Completing(countries)
RECORD_ID = Completing(ids)
