"""What each output field means: the list `--fields` prints when it is given no value, and
the column descriptions of the SQLite dump, both from the models' own field docs.

Which collections a command prints, and the fields it adds, are the command line's to say
(kzafrica.cli.registry); this module is given them, and knows no command.

A field the models leave undescribed gets a plain description here, and every description
says the shape of the value where the name does not (a reference is ``{id, name}``, a
choice lists its values). Imports the models, so pydantic: never on a query's path.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

from kzafrica.factfile.models import COLLECTIONS, KINDS, REFERENCES

# Output fields that are not model fields.
KIND = "The record kind"
SOURCES = "The articles the record cites: a list of {id, date}."
EVIDENCE_AT = (
    "Where each excerpt is: a list of {article, start, end}, the article's id and"
    " character offsets into its text."
)
EVIDENCE = "Verbatim excerpts that state this record (evidence_at says each one's article)."
NO_EXTRA: Mapping[str, str] = types.MappingProxyType({})

# Plain descriptions for fields the models leave undescribed, by name.
_PLAIN = {
    "name": "The name, as the article gives it.",
    "date": "ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD.",
    "country": "The country.",
    "organization": "The organization.",
    "place": "The city.",
    "aliases": "Other names the article uses.",
    "destination": "The country visited.",
    "people": "The people taking part.",
    "countries": "The countries concerned.",
    "organizations": "The organizations concerned.",
    "subject": "What it is about.",
    "amount": "The sum, with the article's qualifier and words.",
    "count": "How many.",
    "description": "The article's own words on it.",
    "member": "The member country.",
    "owner": "The organization preparing it.",
    "value": "The number.",
    "supported_by": "Who supported it, in the article's words.",
    "named_by": "The person who named it.",
    "speaker": "Who said it.",
    "occasion": "The event it was said at.",
}


class Field(NamedTuple):
    """One output field: its name, what it means, and the kinds of record that have it
    with that meaning (empty when every record the command lists has it). A field that
    means different things in different kinds (``type``) comes once per meaning."""

    name: str
    description: str
    only: tuple[str, ...] = ()


def meaning(model: type[BaseModel], name: str) -> str:
    """What field ``name`` of ``model`` means, from the model (or plainly, where it is
    silent), without the shape of its value."""
    return model.model_fields[name].description or _PLAIN.get(name, "")


def describe(model: type[BaseModel], name: str) -> str:
    """One line saying what field ``name`` of ``model`` holds, and in what shape as output."""
    refs = REFERENCES.get(_key(model), {})
    if name in refs:
        one = "{id, name, code}" if refs[name] == "country" else "{id, name}"
        shape = f"a list of {one}" if is_list(model, name) else one
    else:
        shape = _shape(model.model_fields[name].annotation)
    return with_shape(meaning(model, name), shape)


def with_shape(said: str, shape: str) -> str:
    """A description and the shape of the value, as one sentence."""
    if not shape:
        return said
    return f"{said.rstrip('.')} ({shape})." if said else f"{shape[0].upper()}{shape[1:]}."


def is_list(model: type[BaseModel], name: str) -> bool:
    """Whether field ``name`` of ``model`` holds a list."""
    return typing.get_origin(_bare(model.model_fields[name].annotation)) is list


def choices(model: type[BaseModel], name: str) -> list[str]:
    """The values a field may take, for a field with a fixed set of them; else none."""
    bare = _bare(model.model_fields[name].annotation)
    return [str(v) for v in typing.get_args(bare)] if typing.get_origin(bare) is Literal else []


def shape(model: type[BaseModel], name: str) -> str:
    """The shape of a field's value where its name does not say it ('' for text)."""
    return _shape(model.model_fields[name].annotation)


def fields(collections: Sequence[str], extra: Mapping[str, str] = NO_EXTRA) -> list[Field]:
    """The fields of the records a command prints, in output order: those of the records
    of ``collections`` and the command's ``extra`` ones (name: what it means). With no
    collections (an answer that is one object of its own), the extra ones alone."""
    if not collections:
        return [Field(name, text) for name, text in extra.items()]
    keys = list(collections)
    kinds = [KINDS[key] for key in keys]
    # name -> description -> the kinds whose field it describes
    meanings: dict[str, dict[str, list[str]]] = {
        "id": {describe(COLLECTIONS[keys[0]], "id"): kinds},
        "kind": {f"{KIND}: {_choice(kinds)}.": kinds},
    }
    for key in keys:
        model = COLLECTIONS[key]
        for name in model.model_fields:
            if name not in ("id", "evidence", "occurrences"):
                text = describe(model, name)
                meanings.setdefault(name, {}).setdefault(text, []).append(KINDS[key])
    pins = describe(COLLECTIONS[keys[0]], "occurrences") + " Given only where set."
    for name, text in {
        "occurrences": pins,
        "sources": SOURCES,
        "evidence_at": EVIDENCE_AT,
        **extra,
        "evidence": EVIDENCE,
    }.items():
        meanings[name] = {text: kinds}
    return [
        Field(name, text, () if len(having) == len(kinds) else tuple(having))
        for name, texts in meanings.items()
        for text, having in texts.items()
    ]


def listing(command: str, rows: Sequence[Field]) -> str:
    """The text `kzafrica COMMAND --fields` prints with no value: every field of ``rows``
    (see :func:`fields`) with what it means."""
    if not rows:
        return f"kzafrica {command}: no field list; its --json output shows every field.\n"
    width = max(len(row.name) for row in rows) + 2
    lines = [f"Fields of kzafrica {command} for --fields a,b,c (a.b reaches into an object):"]
    for index, row in enumerate(rows):
        only = f" [{', '.join(row.only)} only]" if row.only else ""
        again = index and rows[index - 1].name == row.name  # another meaning of one field
        lines.append(f"  {('' if again else row.name).ljust(width)}{row.description}{only}")
    return "\n".join(lines) + "\n"


def _choice(values: list[str]) -> str:
    return " or ".join(values) if len(values) <= 2 else "one of " + ", ".join(values)


def _key(model: type[BaseModel]) -> str:
    return next((key for key, m in COLLECTIONS.items() if m is model), "")


def _bare(annotation: Any) -> Any:
    """``annotation`` without ``| None``."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        rest = [a for a in args if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def _shape(annotation: Any) -> str:
    """The shape of a value, where its name does not say it."""
    bare = _bare(annotation)
    origin = typing.get_origin(bare)
    if origin is typing.Annotated:
        return _shape(typing.get_args(bare)[0])
    if origin is Literal:
        return _choice([str(v) for v in typing.get_args(bare)])
    if bare is bool:
        return "true or false"
    if bare is int:
        return "a whole number"
    if origin is list:
        inner = _shape(typing.get_args(bare)[0])
        return f"a list of {inner}" if inner else "a list of text"
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        # A field is written under its alias where it has one (`from` of `derived`).
        return "{" + ", ".join(f.alias or n for n, f in bare.model_fields.items()) + "}"
    return ""
