"""The checks of one value of facts.yaml, and the types the record kinds are made of: safe
text, ids, dates at the article's precision, excerpts and references.

References between records are ids, typed with :class:`Ref` so that validation can reject
unknown ids and ids of the wrong kind (:mod:`kzafrica.factfile.models` checks them across
the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from kzafrica.factfile import dates
from kzafrica.factfile.errors import first_unsafe


@dataclass(frozen=True)
class Ref:
    """Marks a field whose value is the id of a record of ``kind``."""

    kind: str


# Values already found valid: a big file repeats the same excerpts, labels and dates many
# times, and each check is pure. Bounded (at most 20,000 values of up to 1,000 characters),
# so that a file of all-different values costs only the checks.
_SAFE: set[str] = set()
_DATES: set[str] = set()
_REMEMBER = 20_000


def _safe_text(value: str) -> str:
    if value in _SAFE:
        return value
    _check_text(value)
    if len(_SAFE) < _REMEMBER and len(value) <= 1000:
        _SAFE.add(value)
    return value


def _check_text(value: str) -> None:
    bad = first_unsafe(value)
    if bad and (bad < "\x20" or "\x7f" <= bad <= "\x9f"):
        raise ValueError(
            f"contains the control character U+{ord(bad):04X};"
            " write plain text (whitespace other than spaces is not allowed)"
        )
    if bad:
        raise ValueError(
            f"contains U+{ord(bad):04X}, a character that cannot be seen (format, private-use,"
            " unassigned or default-ignorable); remove it"
        )
    if not value.strip():
        raise ValueError("is empty or only whitespace")
    if value != value.strip():
        raise ValueError("has leading or trailing whitespace")


def _check_date(value: str) -> str:
    if value not in _DATES:
        dates.span(value)  # raises DateError, a ValueError, with a clear message
        if len(_DATES) < _REMEMBER:
            _DATES.add(value)
    return value


def _year_as_text(value: object) -> object:
    # An unquoted year (`date: 2015`) arrives from YAML as an int; it means the same date.
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    return value


Text = Annotated[str, AfterValidator(_safe_text)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Date = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(_check_date)]
Excerpt = Annotated[str, AfterValidator(_safe_text)]

CountryRef = Annotated[Id, Ref("country")]
PlaceRef = Annotated[Id, Ref("place")]
PersonRef = Annotated[Id, Ref("person")]
OrgRef = Annotated[Id, Ref("organization")]
EventRef = Annotated[Id, Ref("event")]
