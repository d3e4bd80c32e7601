"""The project's own error types, shared by the loader and the command line."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

Path = tuple[str | int, ...]

# Characters that could take over or disguise a terminal line: C0/C1 controls, DEL, bidi
# overrides and isolates, line separators, zero-width marks, lone surrogates (which no
# terminal encoding can print). The models reject them in data; messages escape them.
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"


@functools.cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(_UNSAFE)  # compiled on first use: answering a query never needs it


def first_unsafe(text: str) -> str | None:
    """The first unsafe character in ``text``, or None."""
    found = _unsafe().search(text)
    return found.group() if found else None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character escaped (ESC shows as ``\\x1b``): one safe line."""
    return _unsafe().sub(_escape, text)


class Problem(NamedTuple):
    """One thing wrong with a data file, at a line and column where one is known."""

    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: Path = ()

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
