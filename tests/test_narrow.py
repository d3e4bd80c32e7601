"""Tables at the widths where they used to squeeze: 80 columns and narrower.

Names, figures and dates stay whole before a bar or an id column takes room; a hyphenated
word is one word; stacked fields are told apart; ids are never broken, even at 20 columns
(an id overflows the line instead); `show` prints only what the record holds.
"""

from __future__ import annotations

import functools
import re

import pytest
from helpers import LIST_COMMANDS
from rich.cells import cell_len
from tabletext import plain_table, records, words

EVERY_LIST = [[name, *args] for name, args in LIST_COMMANDS.items()]


def table(args: list[str], width: int) -> str:
    return _table(tuple(args), width)


@functools.cache  # each unwrapped table serves both widths
def _table(args: tuple[str, ...], width: int) -> str:
    return plain_table(list(args), width)


def whole_id(identifier: str, out: str) -> bool:
    return bool(re.search(rf"(^|[\s│┃\[]){re.escape(identifier)}([\s│┃\]]|$)", out, re.M))


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("args", EVERY_LIST, ids=" ".join)
def test_every_list_keeps_words_hyphenated_words_and_ids_whole(args: list[str], width: int) -> None:
    out = table(args, width)
    # Every word of the table is a word of the same table unwrapped: none cut, none
    # broken at its hyphen ('Guinea-' / 'Bissau'). A bar is drawn to the room it gets.
    cut = {w for w in words(out) - words(table(args, 1000)) - {"Evidence"} if set(w) != {"█"}}
    assert not cut, (args, width, cut)
    assert all(cell_len(line) <= width for line in out.splitlines()), out
    for record in records(args):
        assert whole_id(record["id"], out), (args, width, record["id"])


def test_visits_of_one_country_keep_names_and_dates_whole_at_80() -> None:
    out = table(["visits", "--country", "Rwanda"], 80)
    assert "Paul Kagame" in out
    assert "~2023-06 →" in out  # a range breaks after its arrow, if at all
    assert not re.search(r"│ → +│", out)  # never an arrow alone on a line
    assert "visit-foreign-minister-rwanda" in out


def test_trade_keeps_its_figures_whole_before_the_bar_takes_room() -> None:
    out = table(["trade"], 80)
    for figure in ("around $100 million", "surpassed $1 billion", "$783 million"):
        assert figure in out, out
    assert "█" in out


def test_hyphenated_names_stay_whole_at_120() -> None:
    for args in (["people"], ["visits"], ["people", "--cite"], ["visits", "--cite"]):
        out = table(args, 120)
        assert not re.search(r"[^\W\d_]-\s*│", out), (args, out)


def test_stacked_fields_are_told_apart() -> None:
    out = table(["visits"], 80)
    # Visitor, Route and Level share a column: a field's wrapped lines are indented under
    # its first line, so 'President of the / Republic of the Congo' is not read as a route.
    lines = [line for line in out.splitlines() if line.startswith("│")]
    congo = next(i for i, line in enumerate(lines) if "visit-president-congo" in line)
    cell = [line.split("│")[2] for line in lines[congo : congo + 6]]
    starts = [text for text in cell if text.strip() and not text.startswith("   ")]
    assert [s.split()[0] for s in starts[:3]] == ["President", "Republic", "head"], cell


def test_cited_table_has_junctions_in_its_top_border() -> None:
    out = table(["visits", "--cite"], 80)
    lines = out.splitlines()
    top, header = lines[1], lines[2]
    rule = next(line for line in lines if line.startswith("┡"))
    # Visits: When, Visitor/Route/Level, ID: two junctions on every line of the header.
    assert top.startswith("┏"), out
    assert top.count("┳") == header.count("┃") - 2 == 2, out
    assert rule.count("╇") == 2, out


def test_exports_show_only_the_countries_the_record_holds() -> None:
    out = table(["exports"], 100)
    sulfur = next(line for line in out.splitlines() if "export-sulfur" in line)
    assert "Africa" not in sulfur
    assert "Morocco" in out  # a record that names its country still shows it


@pytest.mark.parametrize("width", [20, 40])
@pytest.mark.parametrize("args", EVERY_LIST, ids=" ".join)
def test_ids_are_never_broken_at_narrow_widths(args: list[str], width: int) -> None:
    out = table(args, width)
    for record in records(args):
        assert whole_id(record["id"], out), (args, width, record["id"], out)


def test_at_40_columns_a_block_fits_its_id() -> None:
    out = table(["visits"], 40)
    assert all(cell_len(line) <= 40 for line in out.splitlines()), out
    assert "visit-foreign-minister-sierra-leone" in out


def test_show_prints_only_what_the_record_holds() -> None:
    out = table(["show", "visit-kagame-2025"], 80)
    rows = [line for line in out.splitlines() if line.startswith("│")]
    labels = {row.split("│")[1].strip() for row in rows} - {""}
    assert {"end", "as_stated", "visitor_role", "referenced_by", "evidence_at"}.isdisjoint(labels)
    assert {"id", "date", "visitors", "references"} <= labels
    assert "visit visit-kagame-2025" not in out
    assert not re.search(r"start: \d+, end: \d+", out)
    # Every row has a value: no label stands alone.
    firsts = [row for row in rows if row.split("│")[1].strip()]
    assert all(row.split("│")[2].strip() for row in firsts), out
