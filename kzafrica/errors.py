"""The project's own error types, shared by the loader and the command line."""

from __future__ import annotations

from dataclasses import dataclass

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, at a line and column where one is known."""

    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: Path = ()

    def render(self, file: str) -> str:
        """``FILE:LINE:COL: path.to.field: message``, leaving out what is unknown."""
        where = file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = ".".join(str(part) for part in self.path)
        return f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"


class DataError(Exception):
    """A data file that cannot be used; carries every problem found."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(p.render(file) for p in problems))


class UsageError(Exception):
    """A bad argument on the command line (exit code 2)."""
