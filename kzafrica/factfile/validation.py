"""Validating parsed YAML against the models and turning every error into a located line.

Pydantic reports a location as a path (``visits.3.date``); the YAML reader, run a second
time only when something is wrong, says where each path starts in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from kzafrica.factfile import excerpts, yamlsafe
from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.errors import DataError, Loc, Problem
from kzafrica.factfile.models import (
    COLLECTIONS,
    KINDS,
    REFERENCES,
    FactsFile,
    ReferenceProblems,
    article_problems,
    reference_problems,
)
from kzafrica.factfile.records import CITED, WORDS

_TOP_LEVEL = ("articles", *COLLECTIONS)


def check(file: str, text: str, raw: Any) -> Dataset:
    """Validate parsed data; return it as plain JSON-ready data or raise DataError."""
    if not isinstance(raw, dict):
        got = "a list" if isinstance(raw, list) else "a single value"
        if raw is None:  # `---` or `~` alone: not "a single value" to the reader
            got = "an empty document"
        raise DataError(
            file,
            [
                Problem(
                    f"the top level must be a mapping with keys {', '.join(_TOP_LEVEL)}; got {got}",
                    1,
                    1,
                )
            ],
        )
    try:
        facts = FactsFile.model_validate(raw)
    except ValidationError as exc:
        problems = [(location(err["loc"]), _message(err)) for err in exc.errors()]
        # Pydantic stops before the reference check; run it on the raw data so that one
        # round of fixes can address every problem.
        seen = {loc for loc, _ in problems}
        problems += [p for p in reference_problems(_raw_records(raw)) if p[0] not in seen]
        listed = raw.get("articles") or raw.get("article")
        if listed:  # else pydantic has said what is missing
            problems += [p for p in article_problems(listed, _raw_records(raw)) if p[0] not in seen]
        problems += [p for p in excerpts.problems(raw, file) if p[0] not in seen]
        raise _located(file, text, raw, problems) from None
    except ReferenceProblems as exc:
        raise _located(file, text, raw, [*exc.problems, *excerpts.problems(raw, file)]) from None
    data = facts.model_dump(mode="json")
    # Every excerpt is its article's: evidence_at says where.
    missing = excerpts.annotate(data, file)
    if missing:
        raise _located(file, text, raw, missing)
    return Dataset(
        facts=data,
        references=REFERENCES,
        kinds=KINDS,
        source=file,
    )


def location(loc: tuple[Any, ...]) -> Loc:
    """Pydantic's location without the tag of an excerpt's form (records.Evidence)."""
    return tuple(
        part
        for n, part in enumerate(loc)
        if not (part in (WORDS, CITED) and n >= 2 and loc[n - 2] == "evidence")
    )


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against `kzafrica schema`"
    if kind == "missing":
        return "required field is missing"
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind.endswith("_type") or kind == "literal_error":
        message += f" (got {_show(err.get('input'))})"
    return message


def _show(value: Any) -> str:
    shown = repr(value)  # repr escapes control characters
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _located(file: str, text: str, raw: Any, problems: list[tuple[Loc, str]]) -> DataError:
    marks: dict[Loc, tuple[int, int]] = {}
    yamlsafe.load(text, marks)  # cannot fail: the same text parsed a moment ago
    out = []
    for path, message in problems:
        where = _nearest(marks, path)
        record = _record_id(raw, path)
        if record and f"'{record}'" not in message:
            message += f" ({'article' if path[0] == 'articles' else 'record'} '{record}')"
        out.append(Problem(message, where[0], where[1], path))
    out.sort(key=lambda p: (p.line or 0, p.column or 0))
    return DataError(file, out)


def _nearest(marks: dict[Loc, tuple[int, int]], path: Loc) -> tuple[int, int]:
    """Where the value at ``path`` starts, or its closest enclosing value that exists."""
    for depth in range(len(path), -1, -1):
        found = marks.get(path[:depth])
        if found is not None:
            return found
    return (1, 1)


def _record_id(raw: Any, path: Loc) -> str | None:
    if len(path) < 2 or not isinstance(raw, dict):
        return None
    items = raw.get(path[0])
    if isinstance(items, list) and isinstance(path[1], int) and path[1] < len(items):
        item = items[path[1]]
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return str(item["id"])
    return None


def _raw_records(raw: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for key in COLLECTIONS:
        items = raw.get(key)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield key, index, item
