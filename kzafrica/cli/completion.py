"""Shell completion: every value the program knows (countries, speakers, record ids, kinds,
fields) as shell words, and the shell named after `--show-completion` /
`--install-completion`.

Typer's completion options are flags for the shell it detects; the app's group hands them
the shell named on the command line (completion_shell, take_a_shell). Values complete
through Click's own hook, ParamType.shell_complete (see Completing); each shell's class
(BashCompletion, ...) reads the line as the shell gives it and never fails aloud.
"""

import contextlib
import io
import os
from collections.abc import Callable, Iterator
from typing import Any

import typer
from typer import _click as click  # Typer 0.28 vendors Click
from typer._click.shell_completion import (  # Click's own steps, kept but for one (_completions)
    CompletionItem,
    ShellComplete,
    _is_incomplete_option,
    _resolve_context,
    _resolve_incomplete,
    add_completion_class,
    split_arg_string,
)
from typer._completion_classes import (
    BashComplete,
    FishComplete,
    PowerShellComplete,
    ZshComplete,
)
from typer.core import TyperGroup

from kzafrica.answers import query
from kzafrica.cli import answering
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
    offers here do not, on purpose: typed 'rw', bash gets 'Rwanda' (bash replaces the word).
    How a name is quoted for the shell is the shell's class's work (see BashCompletion)."""

    def __init__(self, names: Callable[[click.Context, FactBase, str], Iterator[str]]) -> None:
        self._names = names

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        def names(facts: FactBase) -> list[str]:
            return list(dict.fromkeys(self._names(ctx, facts, incomplete)))

        try:  # the --data given so far on the command line, else the usual choice
            found = access.ask(_data(ctx), names)
        except DataError:
            return []
        shell = os.environ.get("_KZAFRICA_COMPLETE", "").removeprefix("complete_")
        return [CompletionItem(offer(name, incomplete, shell)) for name in found]


def _data(ctx: click.Context) -> str | None:
    """The --data given so far: the group's callback, which keeps it, does not run while
    completing, so it is read from the root context's parsed values."""
    if isinstance(ctx.obj, State):
        return ctx.obj.data
    data = ctx.find_root().params.get("data")
    return data if isinstance(data, str) and data else None


def countries(ctx: click.Context, facts: FactBase, incomplete: str) -> Iterator[str]:
    """The fact base's countries whose name, alias or id starts with what was typed, in
    any case and with or without accents (the name or alias that matched; the name for
    an id)."""
    typed = query.fold(incomplete)
    for record in facts.records("countries"):
        names = [record["name"], *record.get("aliases", [])]
        found = next((name for name in names if query.fold(name).startswith(typed)), None)
        if found is None and query.fold(record["id"]).startswith(typed):
            found = record["name"]
        if found is not None:
            yield found


def ids(ctx: click.Context, facts: FactBase, incomplete: str) -> Iterator[str]:
    """The record ids that start with what was typed, in any case."""
    typed = incomplete.casefold()  # ids are lowercase; what is typed may not be
    yield from (i for i in facts.ids() if i.casefold().startswith(typed))


def article_ids(ctx: click.Context, facts: FactBase, incomplete: str) -> Iterator[str]:
    """The article ids that start with what was typed, in any case."""
    typed = incomplete.casefold()
    yield from (i for i in facts.article_ids() if i.casefold().startswith(typed))


def speakers(ctx: click.Context, facts: FactBase, incomplete: str) -> Iterator[str]:
    """The ids of the people who speak in the command's records (quotes or statements)
    whose id or any word of whose name starts with what was typed: an id is one shell
    word, and --speaker takes it as it takes a name."""
    typed = query.fold(incomplete)
    key = ctx.info_name if ctx.info_name in ("quotes", "statements") else None
    for collection in [key] if key else ["quotes", "statements"]:
        for record in facts.records(collection):
            speaker = record.get("speaker")
            if not speaker:
                continue
            words = [speaker, *query.fold(facts.name(speaker)).split()]
            if any(query.fold(word).startswith(typed) for word in words):
                yield speaker


def kinds(ctx: click.Context, facts: FactBase, incomplete: str) -> Iterator[str]:
    """The kinds of dated record (events --kind) that start with what was typed."""
    typed = incomplete.strip().lower()
    for key in query.dated_collections(facts):
        if facts.kind(key).startswith(typed):
            yield facts.kind(key)


def fields(ctx: click.Context, facts: FactBase, incomplete: str) -> Iterator[str]:
    """The command's output fields and their dotted paths, for the last name of a
    comma-separated list (--fields a,b): the list so far with each field that starts
    with what was typed of the last name."""
    head, comma, last = incomplete.rpartition(",")
    done = head + comma
    yield from (done + name for name in output_fields(ctx, facts) if name.startswith(last))


def sort_fields(ctx: click.Context, facts: FactBase, incomplete: str) -> Iterator[str]:
    """As :func:`fields`, each field also as -FIELD (descending) for --sort."""
    head, comma, last = incomplete.rpartition(",")
    sign, bare = ("-", last[1:]) if last.startswith("-") else ("", last)
    done = head + comma
    names = [name for name in output_fields(ctx, facts) if name.startswith(bare)]
    yield from (done + sign + name for name in names)
    if not sign:
        yield from (f"{done}-{name}" for name in names)


def output_fields(ctx: click.Context, facts: FactBase) -> list[str]:
    """Every field of the command's answer, each followed by the dotted paths into it
    that the records have (place, place.id, place.name), in output order."""
    held = answering.holds(ctx.command)
    if not held.lists and not held.fields:
        return []
    keys = answering.collections(held.lists)
    top = [field.name for field in answering.fields_of(held)]
    paths = list(dict.fromkeys(p for row in query.select(facts, keys) for p in _paths(row)))
    out: list[str] = []
    for name in dict.fromkeys(top):
        out += [name, *(path for path in paths if path.startswith(name + "."))]
    return out


def _paths(value: Any, prefix: str = "") -> Iterator[str]:
    """The dotted paths into the objects of ``value`` (through lists of objects too)."""
    if isinstance(value, list):
        for item in value:
            yield from _paths(item, prefix)
    elif isinstance(value, dict):
        for key, item in value.items():
            if prefix:
                yield prefix + key
            yield from _paths(item, f"{prefix}{key}.")


def offer(name: str, incomplete: str, shell: str) -> str:
    """``name`` as a shell's class gets it. Bash replaces what was typed ('rw' ->
    'Rwanda') and fish matches by itself. Zsh keeps only completions that start with the
    typed text, so that text is kept ('rw' -> 'rwanda')."""
    if shell in ("bash", "fish"):
        return name
    head, rest = name[: len(incomplete)], name[len(incomplete) :]
    return incomplete + rest if query.fold(head) == query.fold(incomplete) else name


COUNTRY = Completing(countries)
RECORD_ID = Completing(ids)
ARTICLE = Completing(article_ids)
SPEAKER = Completing(speakers)
KIND = Completing(kinds)
FIELDS = Completing(fields)
SORT = Completing(sort_fields)


# -- the shells' side --------------------------------------------------------------------


def never_fails(shell: ShellComplete, args: list[str], incomplete: str) -> list[CompletionItem]:
    """What ``shell`` offers, or nothing: completion runs at every Tab, and a traceback
    there lands in the middle of the line being typed. Whatever goes wrong (a damaged
    store, a half-typed line Click cannot read) the answer is no offers, and exit 0."""
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # notes and warnings: not at a Tab
            return _completions(shell, args, incomplete)
    except Exception:  # see above: no traceback, whatever it was
        return []


def _completions(shell: ShellComplete, args: list[str], incomplete: str) -> list[CompletionItem]:
    """Click's completions, but a value that starts with `-` (--sort -date) is the value
    of the option before it: Click took any such word for an option name, and offered
    option names. `--option=value` is split here first, for the same reason."""
    option, equals, value = incomplete.partition("=")
    if equals and option.startswith("--"):
        args, incomplete = [*args, option], value
    ctx = _resolve_context(shell.cli, shell.ctx_args, shell.prog_name, args)
    if "--" not in args:
        for param in ctx.command.get_params(ctx):
            if _is_incomplete_option(ctx, args, param):
                return param.shell_complete(ctx, incomplete)
    obj, incomplete = _resolve_incomplete(ctx, args, incomplete)
    return obj.shell_complete(ctx, incomplete)


class BashCompletion(BashComplete):
    """Typer's bash completion, which reads the words as bash sees them.

    Bash splits `--country=R` into `--country`, `=`, `R` (the `=` is in COMP_WORDBREAKS),
    and Click took the `=` as the option's value: nothing was offered, and bash fell back
    to file names. A word that opens a quote (`"Burkina`) gets its completion inside the
    quote, which readline closes: a space there must not be escaped."""

    quote = ""

    def get_completion_args(self) -> tuple[list[str], str]:
        try:  # set by Typer's script; a hand-made call may lack them: then nothing typed
            cword = int(os.environ.get("COMP_CWORD", "0"))
        except ValueError:
            cword = 0
        words, cword = bash_words(os.environ.get("COMP_WORDS", ""), cword)
        incomplete = words[cword] if cword < len(words) else ""
        option, equals, value = incomplete.partition("=")
        typed = value if equals and option.startswith("--") else incomplete
        self.quote = typed[:1] if typed[:1] in ("'", '"') else ""
        return [unquote(arg) for arg in words[1:cword]], unquote(incomplete)

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return never_fails(self, args, incomplete)

    def format_completion(self, item: CompletionItem) -> str:
        return for_bash(str(item.value), self.quote)


def bash_words(joined: str, cword: int) -> tuple[list[str], int]:
    """The words bash completes, as typed, from COMP_WORDS (which Typer's script joins
    with newlines), an `=` after an option name joined to it again: `--country`, `=`, `R`
    -> `--country=R` (then Click splits it as it should)."""
    words = joined.split("\n") if "\n" in joined else _split_typed(joined)
    out: list[str] = []
    current = min(cword, len(words))
    joining = False  # the word after an `=` that follows an option name joins them
    for index, word in enumerate(words):
        bare_option = out and out[-1].startswith("--") and "=" not in out[-1]
        if joining or (word == "=" and bare_option):
            out[-1] += word
            current -= index <= cword
            joining = not joining
        else:
            out.append(word)
    return out, current


def _split_typed(line: str) -> list[str]:
    """A command line split into its words, each kept as typed (quotes, backslashes)."""
    words: list[str] = []
    word, quote, index = "", "", 0
    while index < len(line):
        char = line[index]
        if char == "\\" and quote != "'":
            word += line[index : index + 2]
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char.isspace():
            if word:
                words.append(word)
            word = ""
            index += 1
            continue
        word += char
        index += 1
    words.append(word)
    return words


def unquote(word: str) -> str:
    """A word as the command will get it: quotes and backslashes taken out (an open quote
    too)."""
    return "".join(split_arg_string(word))


def for_bash(name: str, quote: str) -> str:
    """``name`` as bash inserts it: inside an open double quote only `"`, `$`, `` ` ``
    and `\\` are escaped; inside a single quote a `'` closes, escapes and opens it again;
    elsewhere every character bash reads as more than a letter is escaped."""
    if quote == '"':
        return "".join(f"\\{c}" if c in '"$`\\' else c for c in name)
    if quote == "'":
        return name.replace("'", "'\\''")
    return "".join(f"\\{c}" if c in _SHELL_SPECIAL or c.isspace() else c for c in name)


# What bash reads as anything but a letter of a word (spaces are tested apart).
_SHELL_SPECIAL = frozenset("\\'\"`$&|;<>()[]{}*?!#~^")


class ZshCompletion(ZshComplete):
    """Typer's zsh completion, which never prints a traceback."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return never_fails(self, args, incomplete)


class FishCompletion(FishComplete):
    """Typer's fish completion, which never prints a traceback."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return never_fails(self, args, incomplete)


class PowerShellCompletion(PowerShellComplete):
    """Typer's PowerShell completion, which never prints a traceback."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return never_fails(self, args, incomplete)


def use_our_shells() -> None:
    """Put these classes in place of Typer's, which Typer registers as the app is built:
    call it after that, before completing."""
    for name, shell in (
        ("bash", BashCompletion),
        ("zsh", ZshCompletion),
        ("fish", FishCompletion),
        ("powershell", PowerShellCompletion),
        ("pwsh", PowerShellCompletion),
    ):
        add_completion_class(shell, name)
