"""Text that cannot be seen: the pinned table of refused characters, and how it is applied.

The table (kzafrica/factfile/invisible.py) is checked against Python's unicodedata: exactly
when this Python's Unicode is the table's, and for every category that cannot have changed
otherwise.
"""

from __future__ import annotations

import functools
import itertools
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzafrica.factfile import invisible
from kzafrica.factfile.errors import escape, first_unsafe, visible

# The code points of issue #9, each of which once passed validation in a name.
REPORTED = ["\u061c", "\u00ad", "\U000e0041", "\u180e", "\u034f", "\u206f", "\u3164"]
# Text a fact may hold: letters of many scripts, accents, curly quotes, dashes, emoji.
ORDINARY = [
    "Françoise Joly",
    "Karamoko Jean-Marie Traoré",
    "Kazakhstan’s “multi-vector” policy – 2025–2030",
    "Қазақстан",
    "北京",
    "한국",
    "العربية",
    "עברית",
    "😀",
    "Ω ≤ ∞",
]


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


RUNTIME = version(unicodedata.unidata_version)
TABLE = version(invisible.UNICODE_VERSION)


@functools.cache
def refused_set() -> frozenset[int]:
    return frozenset(p for first, last in invisible.ranges() for p in range(first, last + 1))


def points(spans: tuple[tuple[int, int], ...]) -> set[int]:
    return {p for first, last in spans for p in range(first, last + 1)}


def test_the_table_is_sorted_merged_and_in_the_code_space() -> None:
    spans = invisible.ranges()
    assert spans[0][0] == 0
    assert spans[-1][1] == 0x10FFFF
    for (_, last), (first, end) in itertools.pairwise(spans):
        assert last + 1 < first <= end  # in order, no overlap, no two ranges that touch


@pytest.mark.skipif(
    RUNTIME != TABLE,
    reason=f"the table is Unicode {invisible.UNICODE_VERSION}, this Python's is {RUNTIME}",
)
def test_the_table_is_what_unicodedata_derives_under_its_version() -> None:
    assert list(invisible.ranges()) == invisible.derive()


def test_the_table_agrees_with_this_pythons_unicodedata() -> None:
    # Holds under any Unicode version: assigned characters keep their category, and a code
    # point, once assigned, stays assigned.
    extra = points(invisible.OTHER_DEFAULT_IGNORABLE + invisible.VARIATION_SELECTORS)
    refused = refused_set()
    for point in range(0x110000):
        category = unicodedata.category(chr(point))
        if category == "Cn":
            # Unassigned here: refused unless a newer Unicode than this Python's assigned it.
            assert point in refused or RUNTIME < TABLE, hex(point)
        elif category in invisible.CATEGORIES:
            assert point in refused, (hex(point), category)  # every Cf among them
        elif point in refused:
            assert point in extra, (hex(point), category)


def test_the_proplist_sets_are_what_unicodedata_can_tell_of_them() -> None:
    selectors = points(invisible.VARIATION_SELECTORS)
    named = {p for p in range(0x110000) if "VARIATION SELECTOR" in unicodedata.name(chr(p), "")}
    assert selectors == named
    ignorable = points(invisible.OTHER_DEFAULT_IGNORABLE)
    assigned = {unicodedata.name(chr(p)) for p in ignorable if unicodedata.category(chr(p)) != "Cn"}
    assert assigned == {
        "COMBINING GRAPHEME JOINER",
        "HANGUL CHOSEONG FILLER",
        "HANGUL JUNGSEONG FILLER",
        "KHMER VOWEL INHERENT AQ",
        "KHMER VOWEL INHERENT AA",
        "HANGUL FILLER",
        "HALFWIDTH HANGUL FILLER",
    }
    # The derivation subtracts White_Space; neither set holds any.
    assert not any(chr(p).isspace() for p in selectors | ignorable)


@pytest.mark.parametrize("char", REPORTED)
def test_the_reported_characters_are_refused(char: str) -> None:
    assert invisible.refuses(char)
    assert first_unsafe(f"Paul{char}Kagame") == char
    assert visible(f"Paul{char}Kagame") == f"Paul{escape(char)}Kagame"


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_refused(text: str) -> None:
    assert first_unsafe(text) is None
    assert visible(text) == text


def test_escapes_are_python_escapes() -> None:
    assert [escape(c) for c in "\x1b\xad\u202e\U000e0041"] == [
        "\\x1b",
        "\\xad",
        "\\u202e",
        "\\U000e0041",
    ]


@given(st.integers(0, 0x10FFFF))
def test_every_refused_code_point_is_printed_escaped(point: int) -> None:
    char = chr(point)
    if point in refused_set():
        assert first_unsafe(f"a{char}b") == char
        assert visible(f"a{char}b") == f"a{escape(char)}b"
    else:
        assert first_unsafe(f"a{char}b") is None
        assert visible(f"a{char}b") == f"a{char}b"


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_visible_leaves_nothing_that_cannot_be_seen(text: str) -> None:
    shown = visible(text)
    assert not any(invisible.refuses(c) for c in shown)
    for char in shown:
        category = unicodedata.category(char)
        assert category[0] != "C" or (category == "Cn" and RUNTIME < TABLE), hex(ord(char))
    # Exactly the refused characters are escaped, everything else is kept as it was.
    assert shown == "".join(escape(c) if invisible.refuses(c) else c for c in text)
    first = next((c for c in text if invisible.refuses(c)), None)
    assert first_unsafe(text) == first


def test_a_query_path_never_loads_the_table() -> None:
    # ASCII messages and fields are checked without the table or its big expression.
    code = (
        "import sys; from kzafrica.factfile import errors; errors.visible('x\\x1b'); "
        "errors.first_unsafe('plain'); print('kzafrica.factfile.invisible' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
