"""Text that cannot be seen: the pinned table of refused characters, and how it is applied.

The table (kzafrica/factfile/invisible.py) is checked against Python's unicodedata: exactly
when this Python's Unicode is the table's, and on any other Python for every code point that
Python can judge: one it knows as unassigned only when its Unicode is no older than the
table's, the rest always.
"""

from __future__ import annotations

import functools
import itertools
import subprocess
import sys
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzafrica.factfile import errors, invisible
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

RUNTIME = invisible.version(unicodedata.unidata_version)
TABLE = invisible.version(invisible.UNICODE_VERSION)


def points(spans: tuple[tuple[int, int], ...]) -> set[int]:
    return {p for first, last in spans for p in range(first, last + 1)}


@functools.cache
def listed() -> tuple[frozenset[int], frozenset[int]]:
    """The code points of RANGES and of SETTLED."""
    return frozenset(points(invisible.ranges())), frozenset(points(invisible.settled()))


def refused(point: int) -> bool:
    """What the module's docstring says of ``point``, on this Python."""
    ranges, settled = listed()
    if point not in ranges:
        return False
    # Unassigned as of the table but perhaps not here: refused if still of a refused category.
    newer = RUNTIME > TABLE and point not in settled
    return not newer or unicodedata.category(chr(point)) in invisible.CATEGORIES


def test_the_tables_are_sorted_merged_and_in_the_code_space() -> None:
    for spans in (invisible.ranges(), invisible.settled()):
        assert spans[0][0] == 0
        for (_, last), (first, end) in itertools.pairwise(spans):
            assert last + 1 < first <= end  # in order, no overlap, no two ranges that touch
    assert invisible.ranges()[-1][1] == 0x10FFFF
    assert invisible.settled()[-1][1] == 0x10FFFD  # the last private-use character
    assert points(invisible.settled()) <= points(invisible.ranges())


@pytest.mark.skipif(
    RUNTIME != TABLE,
    reason=f"the table is Unicode {invisible.UNICODE_VERSION}, this Python's is "
    f"{unicodedata.unidata_version}",
)
def test_the_table_is_what_unicodedata_derives_under_its_version() -> None:
    made = invisible.derive()
    assert list(invisible.ranges()) == made.refused
    assert list(invisible.settled()) == made.settled


def test_the_table_agrees_with_this_pythons_unicodedata() -> None:
    # Holds under any Unicode version, older or newer than the table's: assigned characters
    # keep their category, and a code point, once assigned, stays assigned.
    extra = points(invisible.OTHER_DEFAULT_IGNORABLE + invisible.VARIATION_SELECTORS)
    settled = points(invisible.settled())
    for point in range(0x110000):
        char = chr(point)
        category = unicodedata.category(char)
        if category == "Cn" and point not in extra and RUNTIME < TABLE:
            continue  # unassigned here; the table's newer Unicode may have assigned it
        rule = point in extra or category in invisible.CATEGORIES
        assert invisible.refuses(char) == rule, (hex(point), category)
        if point in settled:
            assert rule, (hex(point), category)  # refused whatever a later Unicode assigns
        elif RUNTIME <= TABLE:  # the rest of the table is what the table's Unicode left unassigned
            assert not rule or category == "Cn", (hex(point), category)


# Assigned since Unicode 14, the table's before issue #17, which refused them all as unassigned
# on every Python: Unicode 15.0's U+0CF3 (Mc), U+1FAE8 (So) and U+13439 (Cf), 15.1's U+2EBF0.
@pytest.mark.parametrize(
    ("text", "unsafe"),
    [
        ("\u0cb9\u0cf3", None),  # KANNADA LETTER HA, SIGN COMBINING ANUSVARA ABOVE RIGHT
        ("\U0001fae8", None),  # SHAKING FACE
        ("\U0002ebf0", None),  # CJK UNIFIED IDEOGRAPH-2EBF0
        ("a\U00013439b", "\U00013439"),  # EGYPTIAN HIEROGLYPH INSERT AT MIDDLE, a format character
    ],
)
def test_characters_of_a_newer_unicode_are_judged_by_their_category(
    text: str, unsafe: str | None
) -> None:
    assert first_unsafe(text) == unsafe


@pytest.fixture
def older_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The table as a Unicode older than this Python's would have it: one that had not yet
    assigned é (U+00E9), INVISIBLE TIMES (U+2062, Cf), 😀 (U+1F600) or LANGUAGE TAG (U+E0001,
    Cf)."""

    def source(found: set[int]) -> str:
        spans = invisible._merged(sorted(found))
        return " ".join(f"{first:04X}-{last:04X}" for first, last in spans)

    unassigned_then = {0xE9, 0x2062, 0x1F600, 0xE0001}
    monkeypatch.setattr(invisible, "UNICODE_VERSION", "1.1.0")
    monkeypatch.setattr(invisible, "RANGES", source(points(invisible.ranges()) | unassigned_then))
    monkeypatch.setattr(invisible, "SETTLED", source(points(invisible.settled()) - unassigned_then))
    caches = (
        invisible.ranges,
        invisible.settled,
        invisible._starts,
        invisible._settled_starts,
        invisible.newer,
        errors._candidates,
    )
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()  # built again from the real table on next use


@pytest.mark.usefixtures("older_table")
def test_a_newer_unicode_accepts_what_it_assigns_visible_and_only_that() -> None:
    assert invisible.newer()
    assert invisible.refuses("\u00e9") is invisible.refuses("\U0001f600") is False
    for text in ("Café", "a😀b"):
        assert first_unsafe(text) is None
        assert visible(text) == text
    # Assigned since the table, but a format character: still refused.
    for char in ("\u2062", "\U000e0001"):
        assert invisible.refuses(char)
        assert first_unsafe(f"a{char}b") == char
        assert visible(f"a{char}b") == f"a{escape(char)}b"
    # Unassigned here too, a reserved default-ignorable code point, a zero-width space.
    for char in ("\u0378", "\U0001ffff", "\u2065", "\u200b"):
        assert invisible.refuses(char)
        assert first_unsafe(f"a{char}b") == char


def test_the_proplist_sets_are_what_unicodedata_can_tell_of_them() -> None:
    selectors = points(invisible.VARIATION_SELECTORS)
    named = {p for p in range(0x110000) if "VARIATION SELECTOR" in unicodedata.name(chr(p), "")}
    # Unicode 14 assigned U+180F: a Python of an older one knows every selector but that.
    unknown = {p for p in selectors if unicodedata.category(chr(p)) == "Cn"}
    assert selectors - unknown == named
    assert unknown == (set() if RUNTIME >= (14,) else {0x180F})
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
    if refused(point):
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
