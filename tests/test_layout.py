"""Table layout at the widths people use: ids whole, words uncut, short columns short,
evidence under its row, blocks when too narrow.

Widths are fixed through COLUMNS, which Rich reads under CliRunner as in a terminal.
"""

from __future__ import annotations

import re

import pytest
from helpers import LIST_COMMANDS
from rich.cells import cell_len
from tabletext import plain_table, records, words

from kzafrica.output import tables

BAR = re.compile(r"█+")

# Every list command, and a window: its '?' caption.
TABLES: list[list[str]] = [[name, *args] for name, args in LIST_COMMANDS.items()] + [
    ["visits", "--since", "2025"],
    ["search", "congo"],
]
CITED = [[*args, "--cite"] for args in TABLES]


def table(args: list[str], width: int) -> str:
    return plain_table(args, width)


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("args", TABLES + CITED, ids=" ".join)
def test_ids_whole_and_no_word_cut(args: list[str], width: int) -> None:
    out = table(args, width)
    assert all(cell_len(line) <= width for line in out.splitlines()), out
    wide = table(args, 1000)
    # 'Evidence' labels the evidence of a record in blocks (too narrow for columns); a
    # bar is drawn shorter when the room is short. Every other word is whole: no word is
    # broken at its hyphen either.
    cut = {w for w in words(out) - words(wide) - {"Evidence"} if not BAR.fullmatch(w)}
    assert not cut, (args, width, cut)
    for record in records(args):
        assert re.search(rf"(^|[\s│┃]){re.escape(record['id'])}([\s│┃]|$)", out, re.M), (
            args,
            record["id"],
        )


@pytest.mark.parametrize("args", [["visits"], ["events"], ["quotes"], ["search", "congo"]])
def test_at_80_columns_records_are_side_by_side(args: list[str]) -> None:
    out = table(args, 80)
    assert re.search(r"┃ ID +┃", out), out  # a header row, not one block per record


def test_at_40_columns_records_are_blocks_headed_by_their_ids() -> None:
    out = table(["visits"], 40)
    assert not re.search(r"┃ ID +┃", out)
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.strip() == "visit-kagame-2015")
    assert re.fullmatch(r" When +2015 +", lines[head + 1]), out
    assert set(lines[head - 1].strip()) == {"─"}, out  # a rule between blocks


def test_short_columns_take_only_the_room_they_need() -> None:
    out = table(["events"], 140)
    header = next(line for line in out.splitlines() if "Status" in line)
    cells = header.split("┃")[1:-1]
    status = next(c for c in cells if c.strip() == "Status")
    what = next(c for c in cells if c.strip() == "What")
    longest = max(len(r.get("status") or "") for r in records(["events"]))
    assert len(status) == longest + 2  # its longest value, not a share of the room
    assert len(what) > len(status)


def test_cited_evidence_is_a_full_width_line_under_its_row() -> None:
    out = table(["visits", "--cite"], 80)
    lines = out.splitlines()
    sentence = "It was his second visit to Kazakhstan, with the first in 2015."
    at = next(i for i, line in enumerate(lines) if sentence in line)
    row = next(i for i, line in enumerate(lines) if "visit-kagame-2015" in line)
    assert row < at
    # The excerpt runs across the columns: no column rule inside it.
    assert lines[at].count("│") == 2


def test_a_narrow_column_set_still_cites_readably() -> None:
    out = table(["trade", "--fields", "id", "--cite"], 80)
    assert "By 2022, it had surpassed $1 billion for the first time, an all-time" in out


def test_widths_keep_whole_columns_whole_and_share_the_rest() -> None:
    columns = [
        tables.Cells("ID", ["visit-burkina-faso-delegation-2025"], whole=True),
        tables.Cells("Status", ["planned"]),
        tables.Cells("What", ["a long sentence " * 6]),
    ]
    fitted = tables.widths(columns, 80)
    assert fitted is not None
    assert fitted[0] == len("visit-burkina-faso-delegation-2025")
    assert fitted[1] == len("planned")
    assert sum(fitted) + 3 * len(columns) + 1 <= 80
    assert tables.widths(columns, 40) is None  # the id alone leaves no room


def test_wrap_breaks_at_spaces_only_and_never_before_an_arrow() -> None:
    assert tables.wrap("Guinea-Bissau → Kazakhstan", 15) == "Guinea-Bissau →\nKazakhstan"
    assert tables.wrap("2023-06 → 2025-06", 10) == "2023-06 →\n2025-06"
    assert tables.wrap("President of the Republic", 18, hang=2) == "President of the\n  Republic"
    assert tables.wrap("[visit-kagame-2025]", 30) == "[visit-kagame-2025]"
    assert tables.wrap("kazakhstan", 4) == "kaza\nkhst\nan"  # narrower than a word: folded
