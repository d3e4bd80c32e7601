"""One registry of output formats; every command renders through :func:`write`.

A command hands over a :class:`Result`: the data (a list of records, or one object for
``show`` and ``summary``) and a :class:`View` saying how a table shows it. Machine formats
write the data itself, losslessly; the table is for people (written by
:mod:`kzafrica.output.table_format`, laid out by :mod:`kzafrica.output.tables`). Before any
format, :func:`write` applies the options every list command shares: --sort, then
--limit, then --fields. Heavy imports (Rich, PyYAML, csv) happen inside the writer that
needs them, so a ``--json`` run never pays for Rich.
"""

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from kzafrica.factfile.errors import UsageError
from kzafrica.output.answer import Bars as Bars  # the shape of an answer, named here too
from kzafrica.output.answer import Column as Column
from kzafrica.output.answer import Options as Options
from kzafrica.output.answer import Result as Result
from kzafrica.output.answer import View as View
from kzafrica.output.answer import block as block
from kzafrica.output.answer import field_column as field_column
from kzafrica.output.answer import text as text
from kzafrica.store.factbase import Record

Writer = Callable[[Result, Options, TextIO], None]
FORMATS: dict[str, Writer] = {}


def writer(name: str) -> Callable[[Writer], Writer]:
    """Register a format under ``name``; the CLI offers exactly the registered names."""

    def register(function: Writer) -> Writer:
        FORMATS[name] = function
        return function

    return register


def write(result: Result, options: Options, stream: TextIO) -> None:
    """Sort, limit and select fields, then write ``result`` in the chosen format."""
    if options.format not in FORMATS:
        raise UsageError(f"unknown format '{options.format}'; choose from {', '.join(FORMATS)}")
    if isinstance(result.data, list) and (options.sort or options.limit is not None):
        result = arrange(result, options)
    if options.fields:
        fields = options.fields
        if options.cite and options.format == "table" and isinstance(result.data, list):
            # The --cite column of a list table reads each selected record's evidence.
            fields = (*fields, "evidence") if "evidence" not in fields else fields
        examples = result.data or (result.unfiltered() if result.unfiltered else [])
        picked = select_fields(result.data, fields, examples)
        result = result._replace(
            data=picked,
            unfiltered=lambda: [dict.fromkeys(fields)],
            view=result.view._replace(delimited=()),  # the chosen fields are the columns
        )
    FORMATS[options.format](result, options, stream)


def arrange(result: Result, options: Options) -> Result:
    """``--sort`` then ``--limit``, on the records the filters kept."""
    rows = list(result.data) if isinstance(result.data, list) else [result.data]
    if options.sort:
        examples = rows or (result.unfiltered() if result.unfiltered else [])
        available = _available(examples)
        unknown = [f for f in options.sort if f.lstrip("-") not in available]
        if unknown and available:
            raise UsageError(
                f"unknown sort field {', '.join(_quoted(f.lstrip('-')) for f in unknown)};"
                f" available: {', '.join(a for a in available if '.' not in a)}"
            )
        rows = sort_rows(rows, options.sort)
    view = result.view
    if options.limit is not None and len(rows) > options.limit:
        note = f"The first {options.limit} of {len(rows)} records (--limit)."
        view = view._replace(caption=f"{view.caption} {note}" if view.caption else note)
        rows = rows[: options.limit]
    return result._replace(data=rows, view=view)


def sort_rows(rows: list[Record], keys: tuple[str, ...]) -> list[Record]:
    """Rows ordered by each key in turn (``-key`` descending), stably; a record without
    the field comes last either way. Dates sort by the days they cover, text by its
    folded form."""
    from kzafrica.answers.textfold import fold  # only for --sort

    for key in reversed(keys):
        path = key.lstrip("-")

        def value(row: Record, path: str = path) -> Any:
            found = _get(row, path)
            if path == "date" and isinstance(found, str):  # the record's whole span
                return _date_key(found, row.get("end"))
            if path.rsplit(".", 1)[-1] in ("date", "end") and isinstance(found, str):
                return _date_key(found, None)
            return _sortable(found, fold)

        keyed = [(value(row), row) for row in rows]
        present = [(k, row) for k, row in keyed if k is not None]
        present.sort(key=lambda item: item[0], reverse=key.startswith("-"))
        rows = [row for _, row in present] + [row for k, row in keyed if k is None]
    return rows


def _date_key(date: str, end: Any) -> Any:
    from kzafrica.factfile import dates  # only to sort by a date

    try:
        return (0, dates.record_span(date, end if isinstance(end, str) else None))
    except dates.DateError:
        return (1, date)


def _sortable(value: Any, fold: Callable[[str], str]) -> Any:
    """A comparable key for any JSON value, None for a missing or empty one. Values of
    different types compare by type first: numbers, then text, then lists."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, (bool, int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, fold(value), value)
    if isinstance(value, list):
        items = [_sortable(v, fold) for v in value]
        return (2, tuple(item for item in items if item is not None))
    if isinstance(value, dict):  # an amount by its value, a reference by its name
        for name in ("value", "name", "id"):
            if name in value:
                return _sortable(value[name], fold)
    return (3, json.dumps(value, sort_keys=True, ensure_ascii=False))


def select_fields(
    data: list[Record] | Record, fields: tuple[str, ...], examples: list[Record] | Record
) -> list[Record] | Record:
    """Keep only ``fields`` (top-level names, or dotted paths into nested objects and into
    lists of objects, as the CSV header names them) that ``examples``, records of the same
    kind, have. A path through a list gives the list of its values."""
    rows = data if isinstance(data, list) else [data]
    available = _available(examples if isinstance(examples, list) else [examples])
    unknown = [f for f in fields if f not in available]
    if unknown and available:
        raise UsageError(
            f"unknown field {', '.join(_quoted(f) for f in unknown)};"
            f" available: {', '.join(a for a in available if '.' not in a)}"
        )
    picked = [{f: _get(row, f) for f in fields} for row in rows]
    return picked if isinstance(data, list) else picked[0]


def _available(examples: list[Record]) -> list[str]:
    """Every field name and dotted path the records have, in first-seen order."""
    return list(dict.fromkeys(name for row in examples for name in _paths(row)))


def _quoted(name: str, limit: int = 80) -> str:
    # The user's own text, echoed: shortened (a 100 kB --fields is not echoed back whole).
    return repr(name if len(name) <= limit else name[: limit - 1] + "…")


def _paths(row: Record, prefix: str = "") -> Iterable[str]:
    for key, value in row.items():
        yield prefix + key
        if isinstance(value, dict):
            yield from _paths(value, f"{prefix}{key}.")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from _paths(item, f"{prefix}{key}.")


def _get(value: Any, path: str) -> Any:
    """The value at a dotted path; through a list of objects, the list of their values."""
    if isinstance(value, list):
        return [_get(item, path) for item in value]
    if not isinstance(value, dict):
        return None
    head, _, rest = path.partition(".")
    found = value.get(head)
    return _get(found, rest) if rest and found is not None else found


# -- the table, for people --------------------------------------------------------------


@writer("table")
def _table(result: Result, options: Options, stream: TextIO) -> None:
    from kzafrica.output import table_format  # Rich: only a table needs it

    table_format.write(result, options, stream)


# -- machine formats ---------------------------------------------------------------


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


def document(text: str, stream: TextIO) -> None:
    """Write a machine-readable document a command made itself (the article as JSON, the
    schema) as the formats here are written: whole, and UTF-8 whatever the terminal."""
    _emit(stream, text)


@writer("json")
def _json(result: Result, options: Options, stream: TextIO) -> None:
    # json always escapes control characters. A list is written one record a line: the
    # json module's C encoder cannot indent, and its Python one took most of a big answer's
    # time; a single object (show, summary) is indented.
    if isinstance(result.data, list):
        lines = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in result.data)
        _emit(stream, f"[\n{lines}\n]\n" if lines else "[]\n")
    else:
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
    import csv  # only for CSV and TSV
    import io

    text = io.StringIO()  # the whole document, then written by the one writer
    out = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    if result.view.delimited and isinstance(result.data, list):
        # A list mixing kinds has fixed columns: one header whatever the answer.
        out.writerow([column.header for column in result.view.delimited])
        for record in result.data:
            out.writerow([_cell(column.value(record)) for column in result.view.delimited])
    else:
        data = result.data if isinstance(result.data, list) else [result.data]
        rows = [flatten(r) for r in data]
        # The columns of the unfiltered question: the same header for every filter, an
        # empty answer included, so that scripts can rely on it.
        examples = [flatten(r) for r in result.unfiltered()] if result.unfiltered else rows
        header = _header(examples + rows)
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
    _emit(stream, yaml_text(result.data))


def yaml_text(data: Any) -> str:
    """``data`` as YAML that a YAML 1.1 reader (PyYAML) and a YAML 1.2 reader both read
    back as ``data``: every string either would take for something else is quoted."""
    import yaml  # PyYAML: only for --yaml

    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True)


@functools.cache
def _dumper() -> type[Any]:
    """PyYAML's safe dumper, which quotes the strings YAML 1.1 reads as other types, taught
    the YAML 1.2 core schema's other forms (``1e3``, ``0o17``, ``08``, ``-.5``) too."""
    import re  # compiled only for --yaml

    import yaml  # PyYAML: only for --yaml

    class Dumper(yaml.SafeDumper):
        pass

    # The YAML 1.2 core schema's ints and floats (spec 1.2.2, 10.3.2), under a tag no value
    # is represented with: a string one of them matches is no longer written plain.
    number = re.compile(
        r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
        r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
    )
    Dumper.add_implicit_resolver("tag:kzafrica,2026:yaml-1.2-number", number, list("+-.0123456789"))
    # YAML 1.1's booleans PyYAML leaves out (y, Y, n, N: go-yaml v2 reads them as booleans).
    short = re.compile(r"[yYnN]\Z")
    Dumper.add_implicit_resolver("tag:kzafrica,2026:yaml-1.1-bool", short, list("yYnN"))
    return Dumper
