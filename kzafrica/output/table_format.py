"""The table format, for people: a result laid out as wide as the terminal, with Rich.

Imported only when a table is written (:mod:`kzafrica.output.render` registers the format),
so that a machine format never pays for Rich. The layout itself is
:mod:`kzafrica.output.tables`.
"""

from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from kzafrica.answers.textfold import without_accents
from kzafrica.output import tables
from kzafrica.output.answer import Options, Result, block, field_column
from kzafrica.store.factbase import Record


def write(result: Result, options: Options, stream: TextIO) -> None:
    """Write ``result`` as a table for people, as wide as the terminal."""
    # Text objects are never parsed as markup; emoji codes and highlighting stay off, so
    # whatever a data file holds is shown exactly as typed.
    console = Console(file=stream, emoji=False, highlight=False, markup=False, soft_wrap=False)
    encoding = getattr(stream, "encoding", None) or "utf-8"

    def cell(value: str) -> Text:
        return Text(_displayable(value, encoding))

    view = result.view
    title = cell(view.title)
    caption = view.caption
    if isinstance(result.data, dict):
        pairs = (
            view.pairs(result.data)
            if view.pairs and not options.fields
            else [(key, block(value)) for key, value in result.data.items()]
        )
        if not options.cite and not options.fields:
            pairs = [(key, value) for key, value in pairs if key != "evidence"]
            if "evidence" in result.data:
                caption = "Evidence: add --cite, or use --json"
        _print(
            console,
            tables.object_table(title, _caption(cell, caption), pairs, console.width, cell),
            stream,
        )
        return
    columns = list(view.columns)
    if options.fields:  # --cite shows the evidence under each row, not as a column
        columns = [
            field_column(f) for f in options.fields if not (options.cite and f == "evidence")
        ]
    # Measured as shown: in ASCII a mark may take more cells ('≠' is '!=').
    cells = [
        tables.Cells(
            _displayable(column.header, encoding),
            [_displayable(column.value(row), encoding) for row in result.data],
            whole=column.whole,
            min_width=column.min_width,
            stack=column.stack,
            bar=column.bar,
        )
        for column in columns
    ]
    evidence = [_evidence(row) for row in result.data] if options.cite else None
    if not result.data:
        caption = "No records match."
    table = tables.list_table(title, _caption(cell, caption), cells, evidence, console.width, cell)
    _print(console, table, stream)


def _caption(cell: Callable[[str], Any], caption: str | None) -> Any:
    return cell(caption) if caption else None


def _evidence(row: Record) -> str:
    return "\n".join(str(excerpt) for excerpt in row.get("evidence") or [])


def _print(console: Any, laid: tables.Laid, stream: TextIO) -> None:
    # An id is never broken: a table wider than the terminal overflows the line.
    console.width = max(console.width, laid.width)
    # Rich turns a closed pipe into a silent exit 1 (our "invalid data file"); writing
    # the rendered text ourselves lets the BrokenPipeError reach the CLI, which exits 141.
    with console.capture() as captured:
        console.print(laid.table)
    stream.write(captured.get())


# Typographic marks a table uses, in ASCII, for a terminal that cannot show them. Not the
# table of kzafrica.answers.textfold, which is for comparing: shown text keeps its case and
# its ASCII marks (that table makes '`' an apostrophe), and the table's own marks (→ █ …)
# need ASCII too.
_ASCII_MARKS = str.maketrans(
    {
        "→": "->",
        "█": "#",
        "…": "...",
        "“": '"',
        "”": '"',
        "’": "'",
        "–": "-",
        "—": "-",
        "·": "-",
        "≠": "!=",
    }
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
    plain = without_accents(text.translate(_ASCII_MARKS))
    return plain.encode(encoding, "backslashreplace").decode(encoding, "replace")
