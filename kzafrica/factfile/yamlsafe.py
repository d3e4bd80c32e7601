"""A YAML reader for data files written by anyone: plain data, nothing else.

It builds dicts, lists, strings, ints, floats, bools and None straight from the parser's
events (libyaml's when available), so no constructor ever runs. It refuses tags, anchors
and aliases (no object construction, no alias bombs), duplicate keys, non-text keys,
several documents and deep nesting, and resolves plain scalars the YAML 1.2 way:
``no``/``on`` and unquoted dates stay strings. Optionally it records where each value
starts so that validation errors can name a line.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from kzafrica.factfile.errors import Loc, Problem
from kzafrica.factfile.yamlplain import MAX_DEPTH, plain_value

__all__ = ["MAX_DEPTH", "YamlProblem", "load", "plain_value"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C parser when available
# Characters YAML does not allow in a stream (the reader's own set). Checked up front: the
# parser's ReaderError has no line, and libyaml gives its position in bytes, not characters.
# Listed rather than as the complement of what is allowed, which takes 20 times longer to
# compile (on every first run).
_NOT_YAML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class YamlProblem(Exception):
    """The first structural problem found; carries it as a :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _at(mark: Any, message: str, path: Loc = ()) -> YamlProblem:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return YamlProblem(Problem(message, line, column, path))


def _scalar(event: Any) -> Any:
    value: str = event.value
    if event.style:  # quoted or block scalars are always text
        return value
    try:
        return plain_value(value)
    except ValueError:
        raise _at(event.start_mark, f"number with {len(value)} digits is too long") from None


def load(text: str, marks: dict[Loc, tuple[int, int]] | None = None) -> Any:
    """Parse one YAML document of plain data. Fill ``marks`` (path -> line, column) if given.

    Raises :class:`YamlProblem` for anything that is not plain data, and for syntax errors.
    """
    bad = _NOT_YAML.search(text)
    if bad:
        start = bad.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        message = f"the control character U+{ord(bad.group()):04X} is not allowed in YAML"
        raise YamlProblem(Problem(message, line, column))
    try:
        return _build(yaml.parse(text, Loader=_Loader), marks)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _at(mark, f"YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:  # unplaced: keep the first line, not the parser's context
        raise YamlProblem(Problem(f"YAML error: {str(exc).splitlines()[0]}")) from None


def _build(events: Any, marks: dict[Loc, tuple[int, int]] | None) -> Any:
    # Each open container: [value, path, pending key, keys seen, pending key's mark]; the
    # last three for mappings only.
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _at(event.start_mark, "only one YAML document is allowed in a data file")
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _at(event.start_mark, "YAML aliases (*name) are not allowed in data files")
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if not isinstance(
            event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
        ):
            continue
        if event.anchor is not None:
            raise _at(event.start_mark, "YAML anchors (&name) are not allowed in data files")
        if event.tag is not None and event.tag != "!":
            raise _at(event.start_mark, f"YAML tags ({event.tag}) are not allowed in data files")

        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent[0], dict) and parent[2] is None:
            # This event is a key.
            if not isinstance(event, yaml.ScalarEvent):
                raise _at(event.start_mark, "mapping keys must be plain text", parent[1])
            key = _scalar(event)
            if not isinstance(key, str):
                raise _at(event.start_mark, f"mapping key {event.value!r} must be text", parent[1])
            if key in parent[3]:
                raise _at(event.start_mark, f"duplicate key '{key}'", parent[1])
            parent[3].add(key)
            parent[2] = key
            parent[4] = event.start_mark
            continue

        if isinstance(event, yaml.ScalarEvent):
            value: Any = _scalar(event)
        elif isinstance(event, yaml.MappingStartEvent):
            value = {}
        else:
            value = []
        mark: Any = event.start_mark
        if parent is None:
            path: Loc = ()
            root = value
        elif isinstance(parent[0], dict):
            path = (*parent[1], parent[2])
            parent[0][parent[2]] = value
            parent[2] = None
            # A mapping's value is placed at its key: that is where an unknown field is,
            # and a block value (`amount:` then its fields) starts only on the next line.
            mark = parent[4]
        else:
            path = (*parent[1], len(parent[0]))
            parent[0].append(value)
        if marks is not None:
            marks[path] = (mark.line + 1, mark.column + 1)
        if not isinstance(event, yaml.ScalarEvent):
            if len(stack) >= MAX_DEPTH:
                raise _at(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels", path)
            stack.append([value, path, None, set(), None])
    return root
