"""What a command hands to the output: a :class:`Result` (its data and a :class:`View` of
it), the :class:`Options` every format takes, and how a value reads as text in a table.

Shared by the format registry (:mod:`kzafrica.output.render`) and the table writer
(:mod:`kzafrica.output.table_format`), which render imports only to write a table.
"""

# Annotations here are objects, not strings (no `from __future__ import annotations`):
# every NamedTuple below is made at start-up, and a string annotation costs an eval.
from collections.abc import Callable
from typing import Any, NamedTuple

from kzafrica.store.factbase import Record


class Column(NamedTuple):
    """A table column: a header and how to get the cell's text from a record."""

    header: str
    value: Callable[[Record], str]
    min_width: int | None = None
    whole: bool = False  # never wrapped: ids, which people copy into `show`
    stack: bool = False  # may go under the column before it when the terminal is narrow
    bar: bool = False  # a bar (Bars): drawn shorter when names and figures need the room


class View(NamedTuple):
    """How the table format shows a result."""

    title: str
    columns: tuple[Column, ...] = ()
    caption: str | None = None
    # For one object: the (label, text) rows to show instead of every field.
    pairs: Callable[[Record], list[tuple[str, str]]] | None = None
    # For a list mixing kinds (search): the fixed columns of CSV and TSV, so that the
    # header is the same whatever the answer.
    delimited: tuple[Column, ...] = ()


class Result(NamedTuple):
    """What a command answers: JSON-ready data and its table view."""

    data: list[Record] | Record
    view: View
    # The same question without its filters, asked only when the answer is empty: it tells
    # CSV its header and --fields its choices, so an empty answer has both too.
    unfiltered: Callable[[], list[Record]] | None = None


class Options(NamedTuple):
    """Output options common to every command."""

    format: str = "table"
    fields: tuple[str, ...] = ()
    cite: bool = False
    sort: tuple[str, ...] = ()  # output fields, "-field" for descending
    limit: int | None = None
    article: str | None = None  # only the records that cite this article


def text(value: Any) -> str:
    """A value as a person reads it in a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if {"as_stated", "qualifier", "value", "currency"} <= value.keys():  # an amount
            words = (value["qualifier"], f"{value['value']:,}", value["currency"])
            amount = " ".join(str(w) for w in words if w)  # no qualifier: none was given
            return f"{value['as_stated']} ({amount})"
        if "as_stated" in value:
            return str(value["as_stated"])
        if "name" in value:
            return str(value["name"])
        return ", ".join(f"{k}: {text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return (
            "\n".join(text(v) for v in value)
            if any(isinstance(v, dict) and "name" not in v for v in value)
            else ", ".join(text(v) for v in value)
        )
    return str(value)


def field_column(name: str) -> Column:
    """A column showing one output field of a record :func:`select_fields` made, where a
    dotted path is already a key of its own."""
    whole = name == "id" or name.endswith(".id")
    return Column(name, lambda record: text(record.get(name)), whole=whole)


def block(value: Any) -> str:
    """A nested value as lines, for the two-column table of a single object."""
    if isinstance(value, list):
        return (
            "\n".join(
                text(v) if not isinstance(v, dict) or "name" in v else _inline(v) for v in value
            )
            if value
            else ""
        )
    if isinstance(value, dict) and "name" not in value and "as_stated" not in value:
        return "\n".join(f"{k}: {text(v)}" for k, v in value.items())
    return text(value)


def _inline(value: Record) -> str:
    return ", ".join(f"{k}: {text(v)}" for k, v in value.items() if v is not None)


class Bars(NamedTuple):
    """Bars scaled to the largest value, for the trade table."""

    values: list[int]
    width: int = 20

    def bar(self, value: int) -> str:
        top = max(self.values, default=0) or 1
        return "█" * max(1, round(self.width * value / top))
