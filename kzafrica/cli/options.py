"""The options commands share: output (--format, --json, --fields, --cite, --sort, --limit),
declared once and added to every command that answers, and the filters several commands
take (--country, --since, --until, --certain, --speaker, --contains, ...)."""

import sys
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, ClassVar

import typer
from typer import _click as click  # Typer 0.28 vendors Click
from typer.core import TyperCommand

from kzafrica.answers import query
from kzafrica.cli import answering, completion
from kzafrica.cli.answering import OUTPUT
from kzafrica.factfile.errors import UsageError
from kzafrica.factfile.status import STATUSES
from kzafrica.output import render
from kzafrica.store.factbase import FactBase

# The format choices are the render registry's names: a new format needs no CLI change.
Format = Enum("Format", [(name, name) for name in render.FORMATS], type=str)  # type: ignore[misc]
TABLE = Format("table")
# --status choices: the models' own (kzafrica.factfile.status), without loading the models.
Status = Enum("Status", [(name, name) for name in STATUSES], type=str)  # type: ignore[misc]

# Set in the context's shared meta by the app's group when --fields is given no value.
LIST_FIELDS = "kzafrica.list_fields"

# -- output -------------------------------------------------------------------------------

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
        click_type=completion.FIELDS,
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
        click_type=completion.SORT,
    ),
]
ArticleOption = Annotated[
    str | None,
    typer.Option(
        "--article",
        metavar="ID",
        help="Only records that cite this article (kzafrica articles lists them).",
        click_type=completion.ARTICLE,
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", metavar="N", min=0, help="At most N records, after --sort."),
]


def names(text: str | None) -> tuple[str, ...]:
    """The names of a comma-separated list, blanks dropped."""
    return tuple(name.strip() for name in (text or "").split(",") if name.strip())


def object_output(
    fmt: FormatOption = TABLE, json_: JsonOption = False, fields: FieldsOption = None
) -> render.Options:
    """The output options of a command that answers with one object."""
    if json_ and fmt.value not in ("table", "json"):  # table is the default: not a choice
        raise UsageError(f"--json and --format {fmt.value} disagree; use one of them")
    return render.Options(format="json" if json_ else str(fmt.value), fields=names(fields))


def list_output(
    fmt: FormatOption = TABLE,
    json_: JsonOption = False,
    fields: FieldsOption = None,
    cite: CiteOption = False,
    sort: SortOption = None,
    limit: LimitOption = None,
    article: ArticleOption = None,
) -> render.Options:
    """The output options of every command that lists records."""
    out = object_output(fmt, json_, fields)
    keys = names(sort)
    # Click gives --sort the next argument whatever it is: `--sort --amount` (one dash
    # too many) or `--sort --limit 3` (a field forgotten) must not sort by 'amount'.
    options = [key for key in keys if key.startswith("--")]
    if options:
        raise UsageError(
            f"--sort got '{options[0]}', which looks like an option; give field names,"
            " -FIELD for descending (e.g. --sort -date)"
        )
    return out._replace(cite=cite, sort=keys, limit=limit, article=article)


class Output(TyperCommand):
    """A command that takes the shared output options, declared once: in the signature of
    ``declare``. Typer cannot share options between signatures, so this class adds them
    to the command's own parameters (built by Typer's own machinery from a command of
    their own, so --help shows them alike) and, when the command runs, takes their values
    out of the callback's arguments and hands them on as :class:`render.Options` in
    ``ctx.meta``."""

    declare: ClassVar[Callable[..., render.Options]]

    def __init__(self, name: str | None, **extra: Any) -> None:
        super().__init__(name, **extra)
        self._declared = _declared(type(self).declare)
        self._shared = [str(param.name) for param in self._declared.params]
        self.params.extend(self._declared.params)

    def invoke(self, ctx: click.Context) -> Any:
        listing = ctx.meta.get(LIST_FIELDS)  # a bare --fields (see the app's group)
        values = {name: ctx.params.pop(name) for name in self._shared}
        try:
            if listing:  # in the format asked for, checked as for an answer
                fmt = values.get("fmt", TABLE)  # the name given, or the default Format
                chosen = Format(str(getattr(fmt, "value", fmt)).lower())
                list_fields(ctx, object_output(chosen, values["json_"]).format)
                return None
            assert self._declared.callback is not None  # Typer gives every command one
            ctx.meta[OUTPUT] = self._declared.callback(**values)
        except UsageError as exc:
            raise click.exceptions.UsageError(str(exc), ctx=ctx) from None
        return super().invoke(ctx)


def list_fields(ctx: click.Context, fmt: str) -> None:
    """What `kzafrica NAME --fields` prints: on the table format the list for people;
    in any other format, as every answer in it: one record per field, {field, meaning,
    only} (``only``: the kinds of record that have it, empty when every one does)."""
    # The field help reads the models (pydantic): only a bare --fields needs it.
    from kzafrica.factfile import fieldhelp

    name = ctx.info_name or ""
    fields = answering.fields_of(answering.holds(ctx.command))
    if fmt == "table":
        sys.stdout.write(fieldhelp.listing(name, fields))
        return
    rows = [
        {"field": field.name, "meaning": field.description, "only": list(field.only)}
        for field in fields
    ]
    title = f"Fields of kzafrica {name}"
    render.write(render.Result(rows, render.View(title)), render.Options(format=fmt), sys.stdout)


# Built once per signature, and shared: --help builds every command, and a Typer app per
# command would cost that a few ms. Click only reads a command's parameters.
_DECLARED: dict[Callable[..., render.Options], click.Command] = {}


def _declared(declare: Callable[..., render.Options]) -> click.Command:
    """A command whose parameters are ``declare``'s, built by Typer; its callback converts
    their values (a --format name to a Format) and calls ``declare`` with them."""
    built = _DECLARED.get(declare)
    if built is None:
        shared = typer.Typer(add_completion=False)
        shared.command()(declare)
        built = _DECLARED[declare] = typer.main.get_command(shared)
    return built


class ListCommand(Output):
    """A command that lists records: every output option."""

    declare = staticmethod(list_output)


class ObjectCommand(Output):
    """A command that answers with one object: the format options."""

    declare = staticmethod(object_output)


def bare_fields(args: list[str], command: click.Command) -> tuple[list[str], bool]:
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


# -- filters ------------------------------------------------------------------------------

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
CountryOption = Annotated[
    str | None,
    typer.Option(
        "--country",
        "-c",
        metavar="COUNTRY",
        help="Name, ISO code or demonym (Rwanda, RW, RWA, Rwandan).",
        click_type=completion.COUNTRY,
    ),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="COUNTRY",
        help="Visits from this country (its visitors' side).",
        click_type=completion.COUNTRY,
    ),
]
ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="COUNTRY",
        help="Visits to this country (the hosts' side).",
        click_type=completion.COUNTRY,
    ),
]
StatusOption = Annotated[
    Status | None, typer.Option("--status", case_sensitive=False, help="held or planned.")
]
SpeakerOption = Annotated[
    str | None,
    typer.Option(
        "--speaker",
        "-s",
        metavar="NAME",
        help="Any part of the name, any accents, or the id `people` shows.",
        click_type=completion.SPEAKER,
    ),
]
ContainsOption = Annotated[
    str | None,
    typer.Option(
        "--contains", metavar="TEXT", help="Words in the text; any case, accents, ' or ’."
    ),
]

ALL = query.Window()  # no --since/--until


def resolve(facts: FactBase, value: str | None) -> query.CountryMatch | None:
    """The country a --country, --from or --to names, when one is given."""
    return None if value is None else query.resolve_country(facts, value)


def only(certain: bool) -> str | None:
    """What a table title says of --certain."""
    return "certain" if certain else None
