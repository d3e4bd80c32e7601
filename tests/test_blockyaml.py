"""The fast reader of the plain block layout: it accepts only what the strict reader accepts,
and then gives exactly the same data; a document read in pieces gives the same again."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
import yaml
from helpers import SHIPPED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared import examples

from kzafrica.factfile import blockyaml, yamlsafe


def same(fast: Any, strict: Any) -> bool:
    """Equal values of equal types (1, 1.0 and True differ), keys in the same order."""
    return json.dumps(fast) == json.dumps(strict)


def agrees(text: str) -> Any:
    """Check that the fast reader gives the strict reader's data or nothing; return it."""
    fast = blockyaml.parse(text)
    if fast is not None:
        strict = yamlsafe.load(text)  # must not raise: the fast reader accepted it
        assert same(fast, strict), text
    return fast


def in_pieces(text: str, size: int) -> dict[str, Any] | None:
    """The document read piece by piece and put back together, as the fast first run does it, or
    None if a piece fails or a top-level key comes twice."""
    out: dict[str, Any] = {}
    memo: dict[str, Any] = {}
    whole = text.encode("utf-8")
    parts = blockyaml.pieces(whole, size)
    if parts is None:
        return None
    for piece in parts:
        data = blockyaml.read_piece(whole, piece, memo)
        if data is None:
            return None
        if piece.key is None:
            assert isinstance(data, dict)
            for key, value in data.items():
                if key in out:
                    return None  # a key twice: the caller must see that
                out[key] = value
        elif piece.number == 0:
            if piece.key in out:
                return None
            out[piece.key] = data
        else:
            out[piece.key].extend(data)
    return out or None  # nothing at all is not a mapping (the fast first run: `article` is missing)


def test_shipped_file_is_read_as_the_strict_reader_reads_it() -> None:
    assert agrees(SHIPPED) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: b # c\n", {"a": "b"}),
        ("a: b#c\n", {"a": "b#c"}),
        ("a: x:y\n", {"a": "x:y"}),
        ("a:   # c\nb: 2\n", {"a": None, "b": 2}),
        ("a: ~\nb: +5\nc: .5\nd: 0x1F\ne: 1_000\nf: TRUE\n", None),
        ("a: [Kingdom of Morocco, x]\nb: []\nc: [ a , 'b, c' ]\n", None),
        ("a: 'it''s'\nb: \"x y\"\nc: ''\n", None),
        ("a:\n- x\n- y\nb: 1\n", {"a": ["x", "y"], "b": 1}),
        ("k:\n  - a: 1\n    b:\n    - z\n", {"k": [{"a": 1, "b": ["z"]}]}),
        ("-  a: 1\n", None),  # the top level must be a mapping
        # A plain scalar over lines: folded with spaces, always text.
        ("a: one\n  two\n   three\nb: 4\n", {"a": "one two three", "b": 4}),
        ("a:\n- 12\n  34\n", {"a": ["12 34"]}),
        ("a: x\n  - y\n", {"a": "x - y"}),
        ("a: x\n  # c\nb: y\n", {"a": "x", "b": "y"}),
        ("a: x\n  y # c\nb: z\n", {"a": "x y", "b": "z"}),
    ],
)
def test_examples(text: str, expected: Any) -> None:
    got = agrees(text)
    if expected is not None:
        assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: b\r\n",  # line breaks other than \n
        "a: b\x85c\n",
        "a: b\u2028c\n",
        "a:\tb\n",  # tabs
        "a: \ufeffb\n",
        "a: &x b\n",  # anchors, aliases, tags
        "a: *x\n",
        "a: !!str b\n",
        "a: |\n  b\n",  # block scalars
        "a: >\n  b\n",
        "a: {b: 1}\n",  # flow mappings
        "a: 'b\n  c'\n",  # quoted scalars over lines
        'a: "b\\tc"\n',  # escapes
        "a: b\n\n  c\n",  # a plain scalar going on after a blank line
        "a: b # c\n  d\n",  # ... or after a comment: an error
        "a: 1\na: 2\n",  # duplicate keys
        "null: 1\n",  # keys that are not text
        "true: 1\n",
        "---\na: 1\n",  # document markers
        "a: 1\n...\n",
        "a: b: c\n",
        "a: [b,]\n",
        "a: - b\n",
        "a:\n-\n  b: 1\n",
        "a: 9" + "9" * 5000 + "\n",  # too long for int()
        "  a: 1\n",  # an indented top level
        "a:\n  b: 1\n c: 2\n",  # a column that closes nothing
        "",
        "# only a comment\n",
    ],
)
def test_everything_else_is_left_to_the_strict_reader(text: str) -> None:
    assert blockyaml.parse(text) is None


def test_deep_nesting_is_left_to_the_strict_reader() -> None:
    text = "".join("  " * level + f"k{level}:\n" for level in range(yamlsafe.MAX_DEPTH + 5))
    assert blockyaml.parse(text) is None


# -- properties ----------------------------------------------------------------------

# Values that sit on the edges of the plain layout: indicators, comments, numbers, quotes.
TRICKY = [
    *["x", "x y", "x  y", "é ñ", "1", "-1", "+1", "1.5", ".5", "1e3", "1_0", "0x1", "007"],
    *["true", "False", "NULL", "~", "null", "2015", "2015-01-08", "'2015-01-08'", "12:30"],
    *["'q'", "'it''s'", "''", "'a # b'", "'a: b'", '"d"', '""', '"a\\tb"', "'open", '"open'],
    *["[a, b]", "[]", "[ a ]", "['x, y', z]", "[a,]", "[[a]]", "[a b, 1, true]", "{a: 1}"],
    *["a: b", "a #c", "a#c", "a:b", "a:", "&x a", "*x", "!t a", "|", ">", "- x", "-x"],
    *["? x", "%x", "@x", "`x", "x  ", "# c", "a ,b", "x'y", 'x"y', "(x)", "x - y", "C#"],
]
TRICKY_VALUES = st.sampled_from(TRICKY)
KEYS = ["a", "b", "id", "k_1", "null", "True", "evidence", "'q'", "a b", "9"]


@st.composite
def lines(draw: st.DrawFn) -> str:
    """One line of roughly YAML shape, mostly near the plain layout."""
    indent = " " * draw(st.sampled_from([0, 0, 1, 2, 2, 3, 4, 6]))
    dash = draw(st.sampled_from(["", "", "- ", "-  ", "-"]))
    key = draw(st.sampled_from(["", *KEYS]))
    value = draw(st.sampled_from(["", *TRICKY]))
    comment = draw(st.sampled_from(["", "", " # c", "#c"]))
    if key:
        return f"{indent}{dash}{key}:{' ' + value if value else ''}{comment}"
    return f"{indent}{dash}{value}{comment}"


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Lines whose columns mostly follow an open block, so that many are well formed."""
    rows: list[str] = []
    columns = [0]  # columns of the blocks open so far
    for index in range(draw(st.integers(1, 14))):
        column = draw(
            st.sampled_from([*columns, *[columns[-1]] * 3, columns[-1] + 2, columns[-1] + 1])
        )
        columns = [c for c in columns if c < column] + [column]
        form = draw(st.sampled_from(["key", "key", "open", "item", "entry", "more", "blank"]))
        value = draw(st.one_of(st.sampled_from(["x", "1", "x y", "'q'", "[a]"]), TRICKY_VALUES))
        key = draw(st.one_of(st.just(f"k{index}"), st.just(f"k{index}"), st.sampled_from(KEYS)))
        if form == "key":
            row = f"{key}: {value}"
        elif form == "open":
            row = f"{key}:"
            columns.append(column + 2)
        elif form == "item":
            row = f"- {value}"
        elif form == "entry":
            row = f"- {key}: {value}"
            columns.append(column + 2)
        elif form == "more":
            row = value
        else:
            row = draw(st.sampled_from(["", "# c"]))
        rows.append(" " * column + row)
    return "\n".join(rows) + "\n"


FUZZ = settings(
    max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ
@given(st.lists(lines(), min_size=1, max_size=12))
def test_random_lines(rows: list[str]) -> None:
    text = "\n".join(rows)
    agrees(text)
    agrees(text + "\n")


@FUZZ
@given(documents(), st.integers(1, 50))
def test_random_documents(text: str, size: int) -> None:
    fast = agrees(text)
    pieced = in_pieces(text, size)
    if pieced is not None:
        assert same(pieced, yamlsafe.load(text))
    elif fast is not None:
        assert in_pieces(text, 10**9) is not None  # in one piece, always read


SCALARS = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet="ab :#'-[]é,", min_size=1, max_size=12),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
)
NAMES = st.text(alphabet="abk_", min_size=1, max_size=4)


def trees(depth: int = 3) -> st.SearchStrategy[Any]:
    leaf = SCALARS
    if depth == 0:
        return leaf
    inner = trees(depth - 1)
    return st.one_of(
        leaf,
        st.lists(inner, min_size=1, max_size=4),
        st.dictionaries(NAMES, inner, min_size=1, max_size=4),
    )


@FUZZ
@given(
    st.dictionaries(NAMES, trees(), min_size=1, max_size=4),
    st.sampled_from([2, 4]),
    st.sampled_from([12, 40, 80]),
    st.booleans(),
)
def test_dumped_data(data: dict[str, Any], indent: int, width: int, indented_lists: bool) -> None:
    """Whatever PyYAML writes in block style, wrapped long lines included, reads the same."""

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, indentless and not indented_lists)

    text = yaml.dump(
        data, Dumper=Dumper, sort_keys=False, allow_unicode=True, indent=indent, width=width
    )
    fast = agrees(text)
    strict = yamlsafe.load(text)
    if fast is None:
        return
    assert same(fast, strict)
    for size in (1, 7, 40):
        pieced = in_pieces(text, size)
        if pieced is not None:
            assert same(pieced, strict)


@FUZZ
@given(st.integers(0, len(SHIPPED.split("\n")) - 1), lines(), st.integers(1, 3000))
def test_shipped_file_with_one_line_replaced(index: int, line: str, size: int) -> None:
    rows = SHIPPED.split("\n")
    rows[index] = line
    text = "\n".join(rows)
    agrees(text)
    pieced = in_pieces(text, size)
    if pieced is not None:  # every piece read: the whole reads the same
        assert same(pieced, yamlsafe.load(text))


@pytest.mark.parametrize("size", [1, 100, 5000, 10**9])
def test_pieces_of_the_shipped_file(size: int) -> None:
    whole = SHIPPED.encode("utf-8")
    parts = blockyaml.pieces(whole, size)
    assert parts is not None
    assert parts[0].start == 0
    assert parts[-1].end == len(whole)
    for a, b in itertools.pairwise(parts):
        gap = whole[a.end : b.start].decode()  # a list's key, between blank lines and comments
        assert gap == "" or re.fullmatch(rf"(?:[ ]*(?:#.*)?\n)*{b.key}:\n(?:[ ]*(?:#.*)?\n)*", gap)
    pieced = in_pieces(SHIPPED, size)
    assert pieced is not None
    assert same(pieced, yamlsafe.load(SHIPPED))
    if size == 1:  # one record a piece
        assert len(parts) > len(pieced["countries"]) + len(pieced["visits"])


def test_characters_it_reads_are_all_ones_yaml_allows() -> None:
    allowed = re.compile(
        "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )
    for code in range(0x110000):
        char = chr(code)
        assert blockyaml.usable(char) == bool(allowed.fullmatch(char)), hex(code)
        if blockyaml.usable(char):
            assert not yamlsafe._NOT_YAML.search(char), hex(code)


def test_characters_yaml_refuses() -> None:
    """The strict reader's list of refused characters is the complement of YAML's set."""
    yaml_set = re.compile(
        "[\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    )
    for code in range(0x110000):
        char = chr(code)
        assert bool(yamlsafe._NOT_YAML.search(char)) != bool(yaml_set.fullmatch(char)), hex(code)
