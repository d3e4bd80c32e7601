"""One folding of text for every comparison of what a person types with what the article says.

The article writes ’ “ ” and – where a keyboard gives ' " and -; a reader types
'Kazakhstan's', 'TRAORE' or 'Guinea–Bissau'. :func:`fold` maps both sides to one form:
case folded, accents dropped, apostrophes, quotation marks and dashes made plain, runs of
whitespace made one space. It is only ever used for comparing, never for output.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

# What is typed as ' : apostrophes and single quotes ’ ‘ ‛ ′ ʼ ＇, and the grave and acute
# accents used as apostrophes.
APOSTROPHES = "\u2019\u2018\u201b\u2032\u02bc\u0060\u00b4\uff07"
# Typographic marks -> the plain mark a keyboard types. Hyphens and dashes: ‐ ‑ ‒ – — ―
# and the minus sign; the apostrophes; double quotes: “ ” „ ‟ ″ « ».
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys(APOSTROPHES, "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02", '"'),
    }
)


def fold(text: str) -> str:
    """The comparable form of ``text``: 'Kazakhstan’s' and "KAZAKHSTAN'S" fold alike, as do
    'Traoré' and 'traore', 'Guinea–Bissau' and 'guinea-bissau'."""
    return " ".join(comparable(text, _PLAIN).split())


def comparable(text: str, marks: Mapping[int, str | None]) -> str:
    """``text`` with case, accents and compatibility forms ('ℙ' is 'P') not counting, and
    every mark in ``marks`` (a ``str.maketrans`` table) replaced: the one folding, which
    each comparison gives the marks it treats as equal or as nothing.

    Marks are replaced before decomposing, which may break one into a space and an accent
    ('´'), and again after, for the marks decomposing makes. Case is folded between two
    decompositions: folding can give letters that decompose ('İ' -> 'i̇').
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(marks)).casefold()
    return without_accents(decomposed).translate(marks)


def without_accents(text: str) -> str:
    """``text`` decomposed (NFKD) and without its combining marks: 'Traoré' -> 'Traore'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
