"""The table format's layout: column widths that keep ids whole and never cut a word.

Rich shrinks every column in proportion when a table is too wide, which splits an id over
three lines at 80 columns and gives a one-word Status column as much room as a sentence.
Here the widths are decided first, by one rule for every list:

1. each column gets at least its longest word (an id column its longest id, a bar a few
   cells); a hyphenated word is one word ('Guinea-Bissau'), and an arrow stays with the
   word before it ('~2023-06 →');
2. then, narrowest column first, each gets its longest line, while the room lasts: names,
   figures and dates are short, so they are whole before a long text, a bar or anything
   else takes room;
3. what is left goes to the columns still wrapping and to bars, in proportion to what they
   lack; a bar is drawn to the width it gets.

Cells are wrapped at spaces only. A view may let a column go under the one before it
(Route under Visitor); of the two layouts, the one that costs a reader less is shown: a
line each, and four more for each name, figure or date (a line of up to 40 cells) it
breaks. Fields stacked in one cell are told apart by a hanging indent (a field's wrapped
lines are indented under its first line), and records of stacked fields by a rule. When
neither layout fits, each record becomes a block headed by its id, with a label/value
row per field. An id is never broken: where even a block is narrower than an id, the
table overflows the line.
With --cite, each record's evidence is a line across the table under its row.

Imported only by the table writer, which is the only writer that needs Rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

# A border and a space on either side of every column, and the table's last border.
_CHROME_PER_COLUMN = 3
# Marks that end the line before them rather than start one: '2023-06 →' / '2025-06'.
_TRAILING = frozenset("→")
# The narrowest a bar is drawn when the room is short, and the block that draws it.
_BAR_FLOOR = 4
BAR = "█"
# The longest line a cell may hold and still be a name, a figure or a date, kept whole if
# at all possible; a longer one is prose (a note, a quote), which wraps.
_PHRASE = 40
# A name broken over two lines ('Paul / Kagame') is harder to read than a few more lines:
# a layout that breaks one pays this many lines for it.
_BROKEN = 4
# How far a stacked field's wrapped lines are indented under its first line.
HANG = 2
EVIDENCE_INDENT = 2


class Cells(NamedTuple):
    """One column as shown: its header, its cells' texts, and whether a cell may wrap."""

    header: str
    cells: list[str]
    whole: bool = False  # never wrapped (ids: people copy them)
    min_width: int | None = None
    # May go under the column before it (its text on the lines below) when that makes the
    # table wrap less or lets it fit at all: 'Route' under 'Visitor' at 80 columns.
    stack: bool = False
    bar: bool = False  # cells of BAR, drawn shorter in proportion when the room is short
    hang: int = 0  # a paragraph's wrapped lines indented by this much (stacked fields)


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
        header = f"{above.header}\n{column.header}"
        out[-1] = Cells(header, cells, above.whole, minimum, hang=HANG)
    return out


def lines_of(columns: Sequence[Cells], fitted: Sequence[int]) -> list[list[str]]:
    """Each column's header and cells as shown at these widths (bars drawn to fit)."""
    return [
        [wrap(text, width, column.hang) for text in [column.header, *_drawn(column, width)]]
        for column, width in zip(columns, fitted, strict=True)
    ]


def height(columns: Sequence[Cells], fitted: Sequence[int]) -> int:
    """How many lines the table's header and cells take at these widths."""
    shown = lines_of(columns, fitted)
    return sum(max(text.count("\n") + 1 for text in row) for row in zip(*shown, strict=True))


def broken(columns: Sequence[Cells], fitted: Sequence[int]) -> int:
    """How many names, figures and dates (a cell's line of up to _PHRASE cells) wrap at
    these widths; a longer text is prose, which may wrap."""
    return sum(
        1
        for column, width in zip(columns, fitted, strict=True)
        if not (column.whole or column.bar)
        for text in [column.header, *column.cells]
        for line in text.splitlines()
        if cell_len(line) <= _PHRASE and "\n" in wrap(line, width, column.hang)
    )


def _cost(columns: Sequence[Cells], fitted: Sequence[int]) -> int:
    """What a layout costs a reader, in lines: its lines (the rules between records of
    stacked fields included), and for each name, figure or date it breaks, _BROKEN more."""
    rules = len(columns[0].cells) - 1 if any(c.hang for c in columns) else 0
    return height(columns, fitted) + rules + _BROKEN * broken(columns, fitted)


def _drawn(column: Cells, width: int) -> list[str]:
    """A column's cells at ``width``: a bar shortened in proportion when it lacks room."""
    full = max((cell_len(cell) for cell in column.cells), default=0)
    if not column.bar or full <= width:
        return column.cells
    return [BAR * max(1, round(len(cell) * width / full)) if cell else "" for cell in column.cells]


def pieces(text: str) -> list[str]:
    """The unbreakable pieces of one line: its words, an arrow joined to the word before."""
    out: list[str] = []
    for word in text.split():
        if word in _TRAILING and out:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out


def longest_piece(text: str) -> int:
    return max((cell_len(piece) for line in text.splitlines() for piece in pieces(line)), default=0)


def longest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def wrap(text: str, width: int, hang: int = 0) -> str:
    """``text`` wrapped to ``width`` cells at spaces, each paragraph's later lines indented
    by ``hang``; a piece longer than the width (a terminal narrower than a word) is
    folded."""
    width = max(1, width)
    indent = " " * hang if width > hang + 1 else ""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        prefix, line = "", ""
        for piece in pieces(paragraph):
            joined = f"{line} {piece}" if line else piece
            if cell_len(prefix + joined) <= width:
                line = joined
                continue
            if line:
                lines.append(prefix + line)
                prefix = indent
            line = piece
            while cell_len(prefix + line) > width:  # only narrower than one word: fold it
                cut = _fit(line, width - cell_len(prefix))
                lines.append(prefix + line[:cut])
                prefix, line = indent, line[cut:]
        lines.append(prefix + line)
    return "\n".join(lines)


def _fit(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` cells (at least one)."""
    for end in range(len(text), 0, -1):
        if cell_len(text[:end]) <= width:
            return end
    return 1


def widths(columns: Sequence[Cells], room: int) -> list[int] | None:
    """Column widths for a table ``room`` cells wide, or None when the columns' longest
    words (and whole ids) do not fit side by side. The module's docstring gives the rule."""
    texts = [[column.header, *column.cells] for column in columns]
    need = [max(longest_line(t) for t in texts_) for texts_ in texts]
    floor = []
    for i, column in enumerate(columns):
        word = max(longest_piece(t) for t in texts[i])
        if column.whole:
            floor.append(need[i])
        elif column.bar:  # drawn shorter when the room is short
            floor.append(max(longest_piece(column.header), min(need[i], _BAR_FLOOR)))
        else:  # a wrapped line of a stacked field starts with its indent
            floor.append(word + (column.hang if need[i] > word else 0))
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
    # Names, figures and dates first: the narrowest column first, each made whole while the
    # room lasts. A bar waits: it says nothing a wrapped figure beside it would not.
    for i in sorted(range(len(columns)), key=lambda i: need[i]):
        if not columns[i].bar and 0 < need[i] - out[i] <= free:
            free -= need[i] - out[i]
            out[i] = need[i]
    # The rest goes to the columns still wrapping and to bars, in proportion to their lack.
    want = {i: need[i] - out[i] for i in range(len(columns)) if need[i] > out[i]}
    total = sum(want.values())
    if not total:
        return out
    given = {i: min(wanted, free * wanted // total) for i, wanted in want.items()}
    for i, extra in given.items():
        out[i] += extra
    left = free - sum(given.values())
    for i in sorted(want, key=lambda i: need[i] - out[i], reverse=True):
        extra = min(left, need[i] - out[i])
        out[i] += extra
        left -= extra
    return out


class Laid(NamedTuple):
    """A table and how wide it is: wider than the room only where an id overflows."""

    table: RenderableType
    width: int


def list_table(
    title: Text,
    caption: Text | None,
    columns: Sequence[Cells],
    evidence: list[str] | None,
    room: int,
    cell: Callable[[str], Text],
) -> Laid:
    """Records side by side when they fit in ``room`` cells, else one block per record.
    Of the two side-by-side layouts, columns apart or stacked, the one that wraps fewer
    lines (then the shorter) is shown. ``evidence`` (with --cite) holds each record's
    excerpts, one per line."""
    candidates = [list(columns)]
    if any(column.stack for column in columns):
        candidates.append(stacked(columns))
    layouts = [(c, widths(c, room)) for c in candidates]
    fitting = [(c, w) for c, w in layouts if w is not None]
    if not fitting:
        return _blocks(title, caption, columns, evidence, room, cell)
    columns, fitted = min(
        ((c, w) for c, w in fitting if w is not None), key=lambda layout: _cost(*layout)
    )
    table_width = sum(fitted) + _CHROME_PER_COLUMN * len(fitted) + 1
    if evidence is None:
        # Records of stacked fields, several lines each, are ruled apart.
        table = Table(title=title, caption=caption, show_lines=any(c.hang for c in columns))
        shown = lines_of(columns, fitted)
        for width, texts in zip(fitted, shown, strict=True):
            table.add_column(cell(texts[0]), width=width, no_wrap=True)
        for row in zip(*(texts[1:] for texts in shown), strict=True):
            table.add_row(*(cell(text) for text in row))
        return Laid(table, table_width)
    return Laid(_cited(title, caption, columns, fitted, evidence, room, cell), table_width)


def _cited(
    title: Text,
    caption: Text | None,
    columns: Sequence[Cells],
    fitted: list[int],
    evidence: list[str],
    room: int,
    cell: Callable[[str], Text],
) -> RenderableType:
    """One cell per record holding its row and, under it, its evidence, as wide as the
    evidence needs (up to the room); a narrower row gives its last text column more. The
    header is a table of its own, so that its top border has the columns' junctions."""
    inner = sum(fitted) + _CHROME_PER_COLUMN * (len(fitted) - 1)
    wanted = max((longest_line(e) + EVIDENCE_INDENT for e in evidence), default=0)
    extra = min(room - 4, wanted) - inner
    if extra > 0:
        wrapping = [i for i, column in enumerate(columns) if not (column.whole or column.bar)]
        fitted[(wrapping or [len(fitted) - 1])[-1]] += extra
        inner += extra
    shown = lines_of(columns, fitted)
    head = Table(title=title, box=_HEAD_ONLY)
    for texts, width in zip(shown, fitted, strict=True):
        head.add_column(cell(texts[0]), width=width, no_wrap=True)
    body = Table(caption=caption, show_header=False, show_lines=True, box=box.SQUARE)
    body.add_column(width=inner, no_wrap=True)
    for index, row in enumerate(zip(*(texts[1:] for texts in shown), strict=True)):
        quoted = cell(wrap(evidence[index], inner - EVIDENCE_INDENT))
        body.add_row(
            Group(
                _row([cell(text) for text in row], fitted),
                Padding(quoted, (0, 0, 0, EVIDENCE_INDENT)),
            )
        )
    return Group(_Trimmed(head, last=True), _Trimmed(body, first=True))


# The header of a cited table, a table of its own: its top border has the junctions of
# the columns, and the rule under it (its last line, dropped) leads into the records.
_HEAD_ONLY = box.HEAVY_HEAD


class _Trimmed:
    """A table drawn without its first or its last line, to join the one above or below:
    the header's table ends at the rule under the header, the records' starts under it."""

    def __init__(self, table: Table, first: bool = False, last: bool = False) -> None:
        self.table, self.first, self.last = table, first, last

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = console.render_lines(self.table, options, pad=False)
        for line in lines[int(self.first) : len(lines) - int(self.last)]:
            yield from line
            yield Segment.line()


def _row(cells: list[Text], fitted: list[int]) -> Table:
    """One row of cells at the given widths, with column rules but no outer border."""
    row = Table(box=box.SQUARE, show_header=False, show_edge=False, pad_edge=False)
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
) -> Laid:
    """Too narrow for side-by-side columns: one block per record, headed by its id, then a
    label/value row per field. Blocks have rules between them but no sides, which leaves an
    id all the room there is; a block is as wide as the room, or as its longest id."""
    heads = [column for column in columns if column.whole]
    fields = [column for column in columns if not column.whole]
    headings = [
        "\n".join(_heading(column, text) for column, text in zip(heads, row, strict=True) if text)
        for row in zip(*(column.cells for column in heads), strict=True)
    ] or [""] * max((len(column.cells) for column in columns), default=0)
    inner = max(room - _FRAMELESS, 2, *(longest_line(h) for h in headings))
    labels = [column.header for column in fields] + (["Evidence"] if evidence else [])
    label_width = max(1, min(max((longest_line(label) for label in labels), default=1), inner // 3))
    value_width = max(1, inner - label_width - 2)
    table = _frameless(title, caption, inner)
    for index, heading in enumerate(headings):
        shown = [(c.header, c.cells[index]) for c in fields if c.cells[index]]
        if evidence is not None and evidence[index]:
            shown.append(("Evidence", evidence[index]))
        grid = Table.grid(padding=(0, 2, 0, 0))
        grid.add_column(width=label_width, no_wrap=True, style="bold")
        grid.add_column(width=value_width, no_wrap=True)
        for label, text in shown:
            grid.add_row(cell(wrap(label, label_width)), cell(wrap(text, value_width)))
        parts: list[RenderableType] = [grid] if shown else []
        if heading:
            parts.insert(0, Text.assemble(cell(heading), style="bold"))
        table.add_row(Group(*parts))
    return Laid(table, inner + _FRAMELESS)


# A frameless table's chrome: the space where either side border would be.
_FRAMELESS = 2


def _frameless(title: Text, caption: Text | None, inner: int, lines: bool = True) -> Table:
    """One column ``inner`` cells wide, with a rule between rows (``lines``) but no side
    borders."""
    table = Table(
        title=title,
        caption=caption,
        show_header=False,
        show_lines=lines,
        box=box.HORIZONTALS,
        padding=(0, 0),
    )
    table.add_column(width=inner, no_wrap=True)
    return table


def _heading(column: Cells, text: str) -> str:
    """An id heads its block as it is; another whole column says which it is."""
    return text if column.header.lower() == "id" else f"{column.header}: {text}"


def object_table(
    title: Text,
    caption: Text | None,
    pairs: list[tuple[str, str]],
    room: int,
    cell: Callable[[str], Text],
) -> Laid:
    """One record (show, summary): a label/value row per field; where the labels leave
    the values too little room for the longest id they hold ('[astana-international-
    forum]'), each label over its value instead, with no side borders."""
    label_width = max(1, min(max((longest_line(k) for k, _ in pairs), default=1), (room - 7) // 2))
    ids = [width for _, value in pairs for width in _bracketed(value)]
    ids += [longest_line(value) for key, value in pairs if key == "id"]
    longest_id = max(ids, default=0)
    value_width = max(
        1, min(max((longest_line(v) for _, v in pairs), default=1), room - 7 - label_width)
    )
    if value_width < longest_id:
        inner = max(room - _FRAMELESS, longest_id, 2)
        indent = 2 if longest_id + 2 <= inner else 0
        blocks = _frameless(title, caption, inner, lines=False)
        for key, value in pairs:
            shown = Padding(cell(wrap(value, inner - indent)), (0, 0, 0, indent))
            blocks.add_row(Group(Text.assemble(cell(wrap(key, inner)), style="bold"), shown))
        return Laid(blocks, inner + _FRAMELESS)
    table = Table(title=title, caption=caption)
    table.add_column("Field", style="bold", width=label_width, no_wrap=True)
    table.add_column("Value", width=value_width, no_wrap=True)
    for key, value in pairs:
        table.add_row(cell(wrap(key, label_width)), cell(wrap(value, value_width)))
    return Laid(table, label_width + value_width + 7)


def _bracketed(value: str) -> Iterable[int]:
    """The widths of the ids a value names in brackets."""
    for line in value.splitlines():
        for piece in pieces(line):
            if piece.startswith("[") and piece.endswith("]"):
                yield cell_len(piece)
