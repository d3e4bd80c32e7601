"""Helpers for the loader's tests (test_loader.py, test_values.py): bad files built from
the shipped facts.yaml with one targeted edit, and checks of how their problems are told."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import pytest

from kzafrica.factfile import invisible
from kzafrica.factfile.errors import DataError, Problem
from kzafrica.store import access

FILE = "facts.yaml"
SHIPPED = access.packaged_facts().read_text(encoding="utf-8")

# FILE:LINE:COL: rest, on one line; `rest` is `path: message` or just `message`.
LOCATED = re.compile(r"(?P<file>[^\n]+?):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): (?P<rest>.+)")


def unsafe(text: str) -> bool:
    """Whether ``text`` holds what must never reach a terminal raw: by this Python's Unicode
    any control, format, private-use, surrogate or unassigned character or line separator,
    and any character of the refused table (default ignorables among them)."""
    return any(
        unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in text
    ) or any(invisible.refuses(c) for c in text)


def replace_line(text: str, old: str, new: str, after: str | None = None) -> tuple[str, int]:
    """Replace the first line equal to ``old`` (after the line equal to ``after``).

    Returns the new text and the 1-based number of the replaced line.
    """
    lines = text.split("\n")
    start = lines.index(after) + 1 if after is not None else 0
    for index in range(start, len(lines)):
        if lines[index] == old:
            lines[index] = new
            return "\n".join(lines), index + 1
    raise AssertionError(f"line {old!r} not found in facts.yaml; the test needs updating")


def column_of(line: str, needle: str) -> int:
    """1-based column where ``needle`` starts in ``line``."""
    assert needle in line
    return line.index(needle) + 1


def check_rendering(error: DataError) -> None:
    """Every problem renders as one line, ``FILE:LINE:COL: path: message`` when located."""
    assert error.problems, "a DataError must carry at least one problem"
    rendered = [problem.render(error.file) for problem in error.problems]
    assert str(error) == "\n".join(rendered)
    for problem, text in zip(error.problems, rendered, strict=True):
        assert "\n" not in text, text
        assert "\r" not in text, text
        assert "Traceback" not in text, text
        assert 'File "' not in text, text
        assert "<unicode string>" not in text, text
        assert not unsafe(text), text  # escaped, whatever the data held
        assert problem.message.strip(), text
        field = ".".join(str(part) for part in problem.path)
        if problem.line is None:
            expected = f"{error.file}: {problem.message}"
        elif field:
            expected = f"{error.file}:{problem.line}:{problem.column}: {field}: {problem.message}"
        else:
            expected = f"{error.file}:{problem.line}:{problem.column}: {problem.message}"
        if unsafe(expected):
            continue  # shown escaped: checked above
        assert text == expected
        if problem.line is not None:
            assert problem.column is not None
            match = LOCATED.fullmatch(text)
            assert match is not None, text
            assert match["file"] == error.file
            assert (int(match["line"]), int(match["col"])) == (problem.line, problem.column)
            assert match["rest"] == (f"{field}: " if field else "") + problem.message


def problems_of(data: str | bytes, file: str = FILE) -> list[Problem]:
    """The problems ``access.validate`` reports for ``data`` (which must be invalid)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(DataError) as info:
        access.validate(file, raw)
    assert info.value.file == file
    check_rendering(info.value)
    return info.value.problems


def only_problem(data: str | bytes) -> Problem:
    problems = problems_of(data)
    assert len(problems) == 1, [p.render(FILE) for p in problems]
    return problems[0]


def load_problem(path: str) -> Problem:
    """The single file-level problem ``access.load`` reports for ``path``."""
    with pytest.raises(DataError) as info:
        access.load(path)
    check_rendering(info.value)
    assert info.value.file == path
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.line is None
    assert problem.path == ()
    return problem


@functools.cache
def shipped_facts() -> dict[str, Any]:
    return access.validate(FILE, SHIPPED.encode("utf-8")).facts


def index_of(collection: str, record_id: str) -> int:
    ids = [record["id"] for record in shipped_facts()[collection]]
    return ids.index(record_id)
