"""One registry of output formats; every command renders through :func:`write`.

A command hands over a :class:`Result`: the data (a list of records, or one object for
``show`` and ``summary``) and a :class:`View` saying how a table shows it. Machine formats
write the data itself, losslessly; the table is for people. Heavy imports (Rich, PyYAML,
csv) happen inside the writer that needs them, so a ``--json`` run never pays for Rich.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TextIO

from kzafrica.errors import UsageError

Record = dict[str, Any]


class Column(NamedTuple):
    """A table column: a header and how to get the cell's text from a record."""

    header: str
    value: Callable[[Record], str]
    min_width: int | None = None


class View(NamedTuple):
    """How the table format shows a result."""

    title: str
    columns: tuple[Column, ...] = ()
    caption: str | None = None
    # For one object: the (label, text) rows to show instead of every field.
    pairs: Callable[[Record], list[tuple[str, str]]] | None = None


class Result(NamedTuple):
    """What a command answers: JSON-ready data and its table view."""

    data: list[Record] | Record
    view: View
    # The same question without its filters, asked only when the answer is empty: it tells
    # CSV its header and --fields its choices, so an empty answer has both too.
    unfiltered: Callable[[], list[Record]] | None = None


class Options(NamedTuple):
    """Output options common to every command."""

    format: str = "table"
    fields: tuple[str, ...] = ()
    cite: bool = False


Writer = Callable[[Result, Options, TextIO], None]
FORMATS: dict[str, Writer] = {}


def writer(name: str) -> Callable[[Writer], Writer]:
    """Register a format under ``name``; the CLI offers exactly the registered names."""

    def register(function: Writer) -> Writer:
        FORMATS[name] = function
        return function

    return register


def write(result: Result, options: Options, stream: TextIO) -> None:
    """Select fields, then write ``result`` in the chosen format."""
    if options.format not in FORMATS:
        raise UsageError(f"unknown format '{options.format}'; choose from {', '.join(FORMATS)}")
    if options.fields:
        fields = options.fields
        if options.cite and options.format == "table" and isinstance(result.data, list):
            # The --cite column of a list table reads each selected record's evidence.
            fields = (*fields, "evidence") if "evidence" not in fields else fields
        examples = result.data or (result.unfiltered() if result.unfiltered else [])
        picked = select_fields(result.data, fields, examples)
        result = result._replace(data=picked, unfiltered=lambda: [dict.fromkeys(fields)])
    FORMATS[options.format](result, options, stream)


def select_fields(
    data: list[Record] | Record, fields: tuple[str, ...], examples: list[Record] | Record
) -> list[Record] | Record:
    """Keep only ``fields`` (top-level names, or dotted paths into nested objects) that
    ``examples``, records of the same kind, have."""
    rows = data if isinstance(data, list) else [data]
    available: list[str] = []
    for row in examples if isinstance(examples, list) else [examples]:
        for name in _paths(row):
            if name not in available:
                available.append(name)
    unknown = [f for f in fields if f not in available]
    if unknown and available:
        raise UsageError(
            f"unknown field {', '.join(_quoted(f) for f in unknown)};"
            f" available: {', '.join(a for a in available if '.' not in a)}"
        )
    picked = [{f: _get(row, f) for f in fields} for row in rows]
    return picked if isinstance(data, list) else picked[0]


def _quoted(name: str, limit: int = 80) -> str:
    # The user's own text, echoed: shortened (a 100 kB --fields is not echoed back whole).
    return repr(name if len(name) <= limit else name[: limit - 1] + "…")


def _paths(row: Record, prefix: str = "") -> Iterable[str]:
    for key, value in row.items():
        yield prefix + key
        if isinstance(value, dict):
            yield from _paths(value, f"{prefix}{key}.")


def _get(row: Record, path: str) -> Any:
    value: Any = row
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


# -- the table, for people --------------------------------------------------------------


def text(value: Any) -> str:
    """A value as a person reads it in a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if {"as_stated", "qualifier", "value", "currency"} <= value.keys():  # an amount
            words = (value["qualifier"], f"{value['value']:,}", value["currency"])
            amount = " ".join(str(w) for w in words if w)  # no qualifier: none was given
            return f"{value['as_stated']} ({amount})"
        if "as_stated" in value:
            return str(value["as_stated"])
        if "name" in value:
            return str(value["name"])
        return ", ".join(f"{k}: {text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return (
            "\n".join(text(v) for v in value)
            if any(isinstance(v, dict) and "name" not in v for v in value)
            else ", ".join(text(v) for v in value)
        )
    return str(value)


def field_column(name: str) -> Column:
    """A column showing one output field of a record :func:`select_fields` made, where a
    dotted path is already a key of its own."""
    return Column(name, lambda record: text(record.get(name)))


@writer("table")
def _table(result: Result, options: Options, stream: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text objects are never parsed as markup; emoji codes and highlighting stay off, so
    # whatever a data file holds is shown exactly as typed.
    console = Console(file=stream, emoji=False, highlight=False, markup=False, soft_wrap=False)
    encoding = getattr(stream, "encoding", None) or "utf-8"

    def cell(value: str) -> Text:
        return Text(_displayable(value, encoding))

    view = result.view
    table = Table(
        title=cell(view.title),
        caption=cell(view.caption) if view.caption else None,
        show_lines=False,
        expand=False,
    )
    if isinstance(result.data, dict):
        table.add_column("Field", style="bold", no_wrap=False)
        table.add_column("Value", overflow="fold")
        pairs = (
            view.pairs(result.data)
            if view.pairs and not options.fields
            else [(key, _block(value)) for key, value in result.data.items()]
        )
        for key, value in pairs:
            if key == "evidence" and not options.cite and not options.fields:
                continue
            table.add_row(cell(key), cell(value))
        if "evidence" in result.data and not options.cite and not options.fields:
            table.caption = cell("Evidence: add --cite, or use --json")
        _print(console, table, stream)
        return
    columns = list(view.columns)
    if options.fields:
        columns = [field_column(f) for f in options.fields]
    if options.cite and "evidence" not in options.fields:
        columns.append(Column("Evidence", lambda r: "\n".join(r.get("evidence") or [])))
    if console.width < _MIN_COLUMN_WIDTH * len(columns):
        # Too narrow for side-by-side columns: one block of label/value rows per record.
        table.show_header = False
        table.add_column("Field", style="bold")
        table.add_column("Value", overflow="fold")
        for row in result.data:
            values = [(c.header, c.value(row)) for c in columns]
            shown = [(h, v) for h, v in values if v]
            for index, (header, value) in enumerate(shown):
                table.add_row(cell(header), cell(value), end_section=index == len(shown) - 1)
    else:
        for column in columns:
            table.add_column(column.header, overflow="fold", min_width=column.min_width)
        for row in result.data:
            table.add_row(*(cell(column.value(row)) for column in columns))
    if not result.data:
        table.caption = cell("No records match.")
    _print(console, table, stream)


def _print(console: Any, table: Any, stream: TextIO) -> None:
    # Rich turns a closed pipe into a silent exit 1 (our "invalid data file"); writing
    # the rendered text ourselves lets the BrokenPipeError reach the CLI, which exits 141.
    with console.capture() as captured:
        console.print(table)
    stream.write(captured.get())


_MIN_COLUMN_WIDTH = 12  # below this many cells per column, a table turns into blocks


def _block(value: Any) -> str:
    """A nested value as lines, for the two-column table of a single object."""
    if isinstance(value, list):
        return (
            "\n".join(
                text(v) if not isinstance(v, dict) or "name" in v else _inline(v) for v in value
            )
            if value
            else ""
        )
    if isinstance(value, dict) and "name" not in value and "as_stated" not in value:
        return "\n".join(f"{k}: {text(v)}" for k, v in value.items())
    return text(value)


def _inline(value: Record) -> str:
    return ", ".join(f"{k}: {text(v)}" for k, v in value.items() if v is not None)


# -- machine formats ---------------------------------------------------------------


# Typographic marks a table uses, in ASCII, for a terminal that cannot show them.
_PLAIN = str.maketrans(
    {"→": "->", "█": "#", "…": "...", "“": '"', "”": '"', "’": "'", "–": "-", "·": "-"}
)


def _displayable(text: str, encoding: str) -> str:
    """``text`` as the stream can show it: unchanged where it can; else marks in ASCII,
    accents dropped (Traoré -> Traore), anything left escaped. Rich measures the result,
    so columns stay aligned. Machine formats never do this: they keep the exact text."""
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.encode(encoding, "backslashreplace").decode(encoding, "replace")


def _emit(stream: TextIO, text: str) -> None:
    """Write a machine format's whole document at once, as UTF-8 bytes whatever the
    terminal's encoding (as jq does): a script reads the exact text under LANG=C or
    PYTHONIOENCODING=ascii too, and an interrupted run leaves all of it or none of it in
    the stream's buffer. A stream without bytes underneath (a StringIO) takes the text."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()  # whatever the text layer holds goes first
    # Text is UTF-8-encodable except lone surrogates (an undecodable argument, echoed):
    # escaped, never a crash.
    buffer.write(text.encode("utf-8", "backslashreplace"))


@writer("json")
def _json(result: Result, options: Options, stream: TextIO) -> None:
    # json always escapes control characters.
    _emit(stream, json.dumps(result.data, ensure_ascii=False, indent=2) + "\n")


@writer("jsonl")
def _jsonl(result: Result, options: Options, stream: TextIO) -> None:
    rows = result.data if isinstance(result.data, list) else [result.data]
    _emit(stream, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


LIST_SEPARATOR = " | "


def flatten(row: Record) -> dict[str, Any]:
    """One level of columns: nested objects become ``parent.child``; lists are joined with
    `` | `` (the article itself uses semicolons) and a list of objects becomes one joined
    column per key."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for sub, item in flatten(value).items():
                out[f"{key}.{sub}"] = item
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            keys: list[str] = []
            flat = [flatten(v) for v in value]
            for item in flat:
                keys += [k for k in item if k not in keys]
            for sub in keys:
                out[f"{key}.{sub}"] = LIST_SEPARATOR.join(_scalar(item.get(sub)) for item in flat)
        elif isinstance(value, list):
            out[key] = LIST_SEPARATOR.join(_scalar(v) for v in value)
        else:
            out[key] = value
    return out


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# A spreadsheet runs a cell starting with one of these as a formula; a leading
# apostrophe makes it text (the OWASP advice for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str | int | float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = _scalar(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _delimited(result: Result, stream: TextIO, delimiter: str) -> None:
    import csv
    import io

    rows = [flatten(r) for r in (result.data if isinstance(result.data, list) else [result.data])]
    # The columns of the unfiltered question: the same header for every filter, an empty
    # answer included, so that scripts can rely on it.
    examples = [flatten(r) for r in result.unfiltered()] if result.unfiltered else rows
    header = _header(examples + rows)
    text = io.StringIO()
    out = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    out.writerow(header)
    for row in rows:
        out.writerow([_cell(row.get(k)) for k in header])
    _emit(stream, text.getvalue())


def _header(rows: list[dict[str, Any]]) -> list[str]:
    """Columns in first-seen order. A field that is empty in one row and an object in
    another (``place: null`` beside ``place.id``) gets only the object's columns, at the
    field's position, so the columns do not depend on which record came first."""
    header: list[str] = []
    for row in rows:
        for key in row:
            if key in header:
                continue
            parents = [h for h in header if key.startswith(h + ".")]
            if parents:
                family = [i for i, h in enumerate(header) if h.startswith(parents[0])]
                header.insert(family[-1] + 1, key)
            else:
                header.append(key)
    return [
        h
        for h in header
        if not any(k.startswith(h + ".") for k in header)
        or any(row.get(h) not in (None, "") for row in rows)
    ]


@writer("csv")
def _csv(result: Result, options: Options, stream: TextIO) -> None:
    _delimited(result, stream, ",")


@writer("tsv")
def _tsv(result: Result, options: Options, stream: TextIO) -> None:
    _delimited(result, stream, "\t")


@writer("yaml")
def _yaml(result: Result, options: Options, stream: TextIO) -> None:
    import yaml

    _emit(stream, yaml.safe_dump(result.data, sort_keys=False, allow_unicode=True))


class Bars(NamedTuple):
    """Bars scaled to the largest value, for the trade table."""

    values: list[int]
    width: int = 20

    def bar(self, value: int) -> str:
        top = max(self.values, default=0) or 1
        return "█" * max(1, round(self.width * value / top))
