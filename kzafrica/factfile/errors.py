"""The project's own error types, shared by the loader and the command line."""

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

# Where a value stands in the data: its keys and list indexes from the top (visits.3.date).
Loc = tuple[str | int, ...]

# Characters that cannot be seen, or that could take over or disguise a terminal line:
# controls, format characters (bidi overrides, zero-width marks, soft hyphens, tags),
# private-use, surrogate and unassigned code points, line separators and every
# default-ignorable code point; kzafrica/factfile/invisible.py has the table and its derivation.
# The models reject them in data; messages escape them. ASCII text, the common case, is
# checked against the ASCII controls alone, without loading the table.
_ASCII_UNSAFE = "[\x00-\x1f\x7f]"


@functools.cache
def _ascii_unsafe() -> re.Pattern[str]:
    return re.compile(_ASCII_UNSAFE)


@functools.cache
def _candidates() -> tuple[re.Pattern[str], Callable[[str], bool]]:
    from kzafrica.factfile import (
        invisible,  # loaded and compiled on first use: a query never needs it
    )

    return re.compile(invisible.candidates()), invisible.refuses


def _next_unsafe(text: str, start: int = 0) -> re.Match[str] | None:
    """The first unsafe character of ``text`` from ``start``, as a match, or None."""
    if text.isascii():  # the common case: no need for the table
        return _ascii_unsafe().search(text, start)
    candidates, refuses = _candidates()
    found = candidates.search(text, start)
    # Above U+FFFF the class matches every character: keep only the refused ones.
    while found and found.group() > "\uffff" and not refuses(found.group()):
        found = candidates.search(text, found.end())
    return found


def first_unsafe(text: str) -> str | None:
    """The first unsafe character in ``text``, or None."""
    found = _next_unsafe(text)
    return found.group() if found else None


def escape(char: str) -> str:
    """One character as a Python escape: ``\\x1b``, ``\\u202e``, ``\\U000e0041``."""
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character escaped (ESC shows as ``\\x1b``): one safe line."""
    out, done = [], 0
    found = _next_unsafe(text)
    while found:
        out += [text[done : found.start()], escape(found.group())]
        done = found.end()
        found = _next_unsafe(text, done)
    return "".join(out) + text[done:] if out else text


class Problem(NamedTuple):
    """One thing wrong with a data file, at a line and column where one is known."""

    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: Loc = ()

    def render(self, file: str) -> str:
        """``FILE:LINE:COL: path.to.field: message``, leaving out what is unknown.

        One line, with control characters escaped, whatever the data held.
        """
        where = file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = ".".join(str(part) for part in self.path)
        text = f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"
        return visible(text)


class DataError(Exception):
    """A data file that cannot be used; carries every problem found."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(p.render(file) for p in problems))


class UsageError(Exception):
    """A bad argument on the command line (exit code 2)."""
