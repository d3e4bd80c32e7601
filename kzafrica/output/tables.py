"""The table format's layout: column widths that keep ids whole and never cut a word.

Rich shrinks every column in proportion when a table is too wide, which splits an id over
three lines at 80 columns and gives a one-word Status column as much room as a sentence.
Here the widths are decided first: each column gets at least its longest word (an id
column its longest id); the room left goes in full to the columns that want little, the
rest to the others in proportion to what they want. Cells are wrapped at spaces, and
after a hyphen between words ('Guinea-|Bissau'), never inside a word or an id. A view may
let a column go under the one before it (Route under Visitor): of the two layouts, the
shorter that fits is shown; when neither fits, each record becomes a block of label/value
rows. With --cite, each record's evidence is a line across the table under its row.

Imported only by the table writer, which is the only writer that needs Rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

# A border and a space on either side of every column, and the table's last border.
_CHROME_PER_COLUMN = 3
# Where a word may break: after a hyphen between letters ('Guinea-|Bissau', 'export-|
# oriented'), never inside a date or an id's number ('2023-06', 'kagame-2015').
_HYPHEN = re.compile(r"(?<=[^\W\d_]{2}-)(?=[^\W\d_]{2})")
EVIDENCE_INDENT = 2


class Cells(NamedTuple):
    """One column as shown: its header, its cells' texts, and whether a cell may wrap."""

    header: str
    cells: list[str]
    whole: bool = False  # never wrapped (ids: people copy them)
    min_width: int | None = None
    # May go under the column before it (its text on the lines below) when that makes the
    # table shorter or lets it fit at all: 'Route' under 'Visitor' at 80 columns.
    stack: bool = False


def stacked(columns: Sequence[Cells]) -> list[Cells]:
    """The columns with every stackable one put under the column before it."""
    out: list[Cells] = []
    for column in columns:
        if not (column.stack and out):
            out.append(column)
            continue
        above = out[-1]
        cells = [
            "\n".join(filter(None, pair)) for pair in zip(above.cells, column.cells, strict=True)
        ]
        minimum = max(above.min_width or 0, column.min_width or 0) or None
        out[-1] = Cells(f"{above.header}\n{column.header}", cells, above.whole, minimum)
    return out


def height(columns: Sequence[Cells], fitted: Sequence[int]) -> int:
    """How many lines the table's header and cells take at these widths."""
    rows = zip(*([c.header, *c.cells] for c in columns), strict=True)
    return sum(
        max(wrap(text, width).count("\n") + 1 for text, width in zip(row, fitted, strict=True))
        for row in rows
    )


def pieces(text: str) -> list[tuple[str, bool]]:
    """The unbreakable pieces of one line, each with whether a space comes before it."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        # '[visit-kagame-2025]': an id in running text (summary) stays whole too.
        parts = [word] if word.startswith("[") else _HYPHEN.split(word)
        out.extend((piece, index == 0) for index, piece in enumerate(parts))
    return out


def longest_piece(text: str) -> int:
    return max(
        (cell_len(piece) for line in text.splitlines() for piece, _ in pieces(line)), default=0
    )


def longest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def wrap(text: str, width: int) -> str:
    """``text`` wrapped to ``width`` cells at spaces and after hyphens between words; a
    piece longer than the width (a terminal narrower than a word) is folded."""
    width = max(1, width)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for piece, spaced in pieces(paragraph):
            joined = f"{line} {piece}" if line and spaced else line + piece
            if cell_len(joined) <= width:
                line = joined
                continue
            if line:
                lines.append(line)
            line = piece
            while cell_len(line) > width:  # only narrower than one word: fold it
                cut = _fit(line, width)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


def _fit(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` cells (at least one)."""
    for end in range(len(text), 0, -1):
        if cell_len(text[:end]) <= width:
            return end
    return 1


def widths(columns: Sequence[Cells], room: int) -> list[int] | None:
    """Column widths for a table ``room`` cells wide, or None when the columns' longest
    words (and whole ids) do not fit side by side."""
    texts = [[column.header, *column.cells] for column in columns]
    need = [max(longest_line(t) for t in texts_) for texts_ in texts]
    floor = [
        need[i] if column.whole else max(longest_piece(t) for t in texts[i])
        for i, column in enumerate(columns)
    ]
    for i, column in enumerate(columns):
        if column.min_width:
            floor[i] = max(floor[i], column.min_width)
            need[i] = max(need[i], column.min_width)
        floor[i] = max(floor[i], 1)
        need[i] = max(need[i], floor[i])
    free = room - (_CHROME_PER_COLUMN * len(columns) + 1) - sum(floor)
    if free < 0:
        return None
    out = list(floor)
    # The room left goes first, in full, to the columns that want little (no more than an
    # equal share of it); the rest is shared among the others in proportion to their want.
    want = {i: need[i] - floor[i] for i in range(len(columns)) if need[i] > floor[i]}
    while want:
        share = free // len(want)
        small = [i for i, wanted in want.items() if wanted <= share]
        if not small:
            break
        for i in small:
            out[i] += want.pop(i)
            free -= need[i] - floor[i]
    total = sum(want.values())
    for i, wanted in want.items():
        out[i] += free * wanted // total
    left = free - sum(free * wanted // total for wanted in want.values())
    for i in sorted(want, key=lambda i: need[i] - out[i], reverse=True)[:left]:
        out[i] += 1
    return out


def list_table(
    title: Text,
    caption: Text | None,
    columns: Sequence[Cells],
    evidence: list[str] | None,
    room: int,
    cell: Callable[[str], Text],
) -> RenderableType:
    """Records side by side when they fit in ``room`` cells, else one block per record.
    Of the two side-by-side layouts, columns apart or stacked, the shorter one is shown.
    ``evidence`` (with --cite) holds each record's excerpts, one per line."""
    candidates = [list(columns)]
    if any(column.stack for column in columns):
        candidates.append(stacked(columns))
    layouts = [(c, widths(c, room)) for c in candidates]
    fitting = [(c, w) for c, w in layouts if w is not None]
    if not fitting:
        return _blocks(title, caption, columns, evidence, room, cell)
    columns, fitted = min(fitting, key=lambda layout: height(layout[0], layout[1] or []))
    assert fitted is not None
    if evidence is None:
        table = Table(title=title, caption=caption)
        for column, width in zip(columns, fitted, strict=True):
            table.add_column(cell(wrap(column.header, width)), width=width, no_wrap=True)
        for row in zip(*(column.cells for column in columns), strict=True):
            table.add_row(
                *(cell(wrap(text, width)) for text, width in zip(row, fitted, strict=True))
            )
        return table
    # Cited: one cell per record holding its row and, under it, its evidence, as wide as
    # the evidence needs (up to the room); a narrower row gives its last text column more.
    inner = sum(fitted) + _CHROME_PER_COLUMN * (len(fitted) - 1)
    wanted = max((longest_line(e) + EVIDENCE_INDENT for e in evidence), default=0)
    extra = min(room - 4, wanted) - inner
    if extra > 0:
        wrapping = [i for i, column in enumerate(columns) if not column.whole]
        fitted[(wrapping or [len(fitted) - 1])[-1]] += extra
        inner += extra
    table = Table(title=title, caption=caption, show_lines=True)
    header = [
        Text.assemble(cell(wrap(c.header, w)), style="bold")
        for c, w in zip(columns, fitted, strict=True)
    ]
    table.add_column(_row(header, fitted, box.HEAVY), width=inner)
    for index, row in enumerate(zip(*(column.cells for column in columns), strict=True)):
        cells = [cell(wrap(text, width)) for text, width in zip(row, fitted, strict=True)]
        quoted = cell(wrap(evidence[index], inner - EVIDENCE_INDENT))
        table.add_row(
            Group(_row(cells, fitted, box.SQUARE), Padding(quoted, (0, 0, 0, EVIDENCE_INDENT)))
        )
    return table


def _row(cells: list[Text], fitted: list[int], lines: box.Box) -> Table:
    """One row of cells at the given widths, with column rules but no outer border."""
    row = Table(box=lines, show_header=False, show_edge=False, pad_edge=False)
    for width in fitted:
        row.add_column(width=width, no_wrap=True)
    row.add_row(*cells)
    return row


def _blocks(
    title: Text,
    caption: Text | None,
    columns: Sequence[Cells],
    evidence: list[str] | None,
    room: int,
    cell: Callable[[str], Text],
) -> Table:
    """Too narrow for side-by-side columns: one block of label/value rows per record."""
    labels = [column.header for column in columns] + (["Evidence"] if evidence is not None else [])
    label_width = max(1, min(max(longest_line(label) for label in labels), (room - 7) // 2))
    value_width = max(1, room - 7 - label_width)
    table = Table(title=title, caption=caption, show_header=False)
    table.add_column("Field", style="bold", width=label_width, no_wrap=True)
    table.add_column("Value", width=value_width, no_wrap=True)
    for index, row in enumerate(zip(*(column.cells for column in columns), strict=True)):
        shown = [(c.header, text) for c, text in zip(columns, row, strict=True) if text]
        if evidence is not None and evidence[index]:
            shown.append(("Evidence", evidence[index]))
        for position, (label, text) in enumerate(shown):
            table.add_row(
                cell(wrap(label, label_width)),
                cell(wrap(text, value_width)),
                end_section=position == len(shown) - 1,
            )
    return table


def object_table(
    title: Text,
    caption: Text | None,
    pairs: list[tuple[str, str]],
    room: int,
    cell: Callable[[str], Text],
) -> Table:
    """One record (show, summary): a label/value row per field."""
    label_width = max(1, min(max((longest_line(k) for k, _ in pairs), default=1), (room - 7) // 2))
    value_width = max(
        1, min(max((longest_line(v) for _, v in pairs), default=1), room - 7 - label_width)
    )
    table = Table(title=title, caption=caption)
    table.add_column("Field", style="bold", width=label_width, no_wrap=True)
    table.add_column("Value", width=value_width, no_wrap=True)
    for key, value in pairs:
        table.add_row(cell(wrap(key, label_width)), cell(wrap(value, value_width)))
    return table
