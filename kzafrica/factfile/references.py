"""The reference rule, once: which ids a record names, and when a name is wrong.

A reference field holds an id or a list of ids; only text counts as an id (any other value
is a wrong type, which field validation reports). Every id is unique across all records,
and a reference must name an existing record of the kind its field wants.

:func:`referred` is the one reading of the ids a record names: the fact base, the store's
rows and the fast first run all use it. The rule is checked in two forms: :func:`problems`
lists every wrong reference with its location, for people; :func:`any_wrong` only says
whether there is one, with set operations, several times faster on a big file. A test holds
the two to the same answer. No pydantic here: the query path reads references too.

A record's ``derived`` entries name where a value the article only implies comes from: a
record of any kind, or one of the words :data:`FROM_WORDS`. Such an id must exist too, and
both forms of the rule check it; it is no reference field (no link, no kind wanted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kzafrica.factfile.errors import Loc

DERIVED = "derived"  # the field of derived values, on every record
FROM_NAME = "name"  # derived from the record's own name (or title)
FROM_DATELINE = "dateline"  # derived from the article's date and dateline
FROM_WORDS = frozenset({FROM_NAME, FROM_DATELINE})


def derived_from(entries: Any) -> list[str]:
    """The record ids a ``derived`` list names, in order (the words of :data:`FROM_WORDS`
    left out): from raw YAML or output data (``from`` keys) or the models' objects
    (``source``); anything else names none (a wrong type that field validation reports)."""
    if type(entries) is not list:
        return []
    out: list[str] = []
    for entry in entries:
        source = entry.get("from") if isinstance(entry, dict) else getattr(entry, "source", None)
        if isinstance(source, str) and source not in FROM_WORDS:
            out.append(source)
    return out


def referred(value_of: Callable[[str], Any], fields: Iterable[str]) -> list[tuple[str, str]]:
    """(field, id) for every id a record names in its reference ``fields``, in order;
    ``value_of`` gives a field's value (``record.get`` for a dict). A field names the id it
    holds, or the text items of the list it holds; nothing else (None, or a wrong type)."""
    out: list[tuple[str, str]] = []
    for field in fields:  # (run for every record of a big file: kept lean)
        value = value_of(field)
        if type(value) is list:
            out += [(field, target) for target in value if isinstance(target, str)]
        elif isinstance(value, str):
            out.append((field, value))
    return out


def problems(
    records: Iterable[tuple[str, int, Mapping[str, Any]]],
    references: Mapping[str, Mapping[str, str]],
    kinds: Mapping[str, str],
) -> list[tuple[Loc, str]]:
    """Duplicate ids, and references to unknown ids or to records of the wrong kind.

    ``records`` are (collection key, index, fields); ``references`` gives each collection's
    reference fields and the kind each wants, ``kinds`` each collection's kind. This works
    on validated records and on raw YAML data alike, so a file with other errors hears
    about its references too.
    """
    records = [(key, index, fields) for key, index, fields in records if key in references]
    found: list[tuple[Loc, str]] = []
    kind_of: dict[str, str] = {}
    for key, index, fields in records:
        record_id = fields.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in kind_of:
            found.append(((key, index, "id"), f"duplicate id '{record_id}'"))
        else:
            kind_of[record_id] = kinds[key]
    for key, index, fields in records:
        for field, want in references[key].items():
            named = [target for _, target in referred(fields.get, (field,))]
            if not named:
                continue
            value: Any = fields.get(field)
            in_list = isinstance(value, list)
            for position, target in enumerate(value if in_list else [value]):
                if target not in named:
                    continue  # not an id: a wrong type that field validation reports
                loc: Loc = (key, index, field, position) if in_list else (key, index, field)
                got = kind_of.get(target)
                name = fields.get("id")
                if got is None:
                    found.append((loc, f"'{name}' refers to unknown id '{target}'"))
                elif got != want:
                    found.append((loc, f"'{name}' refers to '{target}', a {got}, not a {want}"))
        entries = fields.get(DERIVED)
        for position, entry in enumerate(entries if type(entries) is list else []):
            for target in derived_from([entry]):
                if target not in kind_of:
                    found.append(
                        (
                            (key, index, DERIVED, position, "from"),
                            f"'{fields.get('id')}' derives a value from unknown id '{target}'",
                        )
                    )
    return found


def any_wrong(
    ids: Mapping[str, Iterable[str]],
    named: Mapping[str, Mapping[str, set[str]]],
    references: Mapping[str, Mapping[str, str]],
    kinds: Mapping[str, str],
    derived: Iterable[str] = (),
) -> bool:
    """Whether :func:`problems` would find anything, for validated records: ``ids`` gives
    each collection's record ids, ``named`` each collection's ids named by each reference
    field, ``derived`` the ids named by ``derived`` entries (:func:`derived_from`). A
    collection missing from either is wrong too (never after validation)."""
    of_kind: dict[str, set[str]] = {}
    count = 0
    for key in references:
        if key not in ids or key not in named:
            return True
        listed = [i for i in ids[key] if isinstance(i, str)]  # others: wrong types
        count += len(listed)
        of_kind.setdefault(kinds[key], set()).update(listed)
    every: set[str] = set().union(*of_kind.values())
    if len(every) != count:  # an id used twice, in any collections
        return True
    if not set(derived) <= every:
        return True
    for key, fields in references.items():
        for field, want in fields.items():
            if field not in named[key] or not named[key][field] <= of_kind.get(want, set()):
                return True
    return False
