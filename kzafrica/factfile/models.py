"""The shape of facts.yaml: the whole file's Pydantic model, the single source of truth for it.

The record kinds are in :mod:`kzafrica.factfile.records`; here they are gathered into
collections, and the checks that span records are made: every id unique, every reference
to an existing record of the right kind (the rule is :mod:`kzafrica.factfile.references`).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kzafrica.factfile import articles, references
from kzafrica.factfile.errors import Loc
from kzafrica.factfile.records import (
    Area,
    Article,
    BaseRecord,
    Country,
    Event,
    Figure,
    Goods,
    Initiative,
    Membership,
    Mission,
    OneArticle,
    Organization,
    Person,
    Place,
    Quote,
    Ref,
    Statement,
    Strategy,
    Trade,
    Visit,
)


class ReferenceProblems(Exception):
    """Reference errors found after every record validated; each with its location.

    Not a ValueError on purpose: pydantic lets it through unwrapped, so the loader can
    map each location to a line.
    """

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__(f"{len(problems)} reference problem(s)")
        self.problems = problems


def _ref_kind(annotation: Any) -> tuple[str, bool] | None:
    """The kind a field refers to and whether it holds a list, or None for no reference."""
    for arg in typing.get_args(annotation):
        if isinstance(arg, Ref):
            return arg.kind, False
        found = _ref_kind(arg)
        if found is not None:
            return found[0], found[1] or typing.get_origin(annotation) is list
    return None


def reference_fields(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> kind it refers to, for every reference field of ``model``."""
    out: dict[str, str] = {}
    for name, field in model.model_fields.items():
        marks = [m for m in field.metadata if isinstance(m, Ref)]
        if marks:
            out[name] = marks[0].kind
        else:
            found = _ref_kind(field.annotation)
            if found is not None:
                out[name] = found[0]
    return out


class FactsFile(BaseModel):
    """The whole of facts.yaml."""

    # The JSON Schema's title, as `kzafrica schema` has always printed it.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, title="Facts")

    articles: list[Article] = Field(
        default=[],
        description="The articles the facts come from; a plain excerpt is the first one's.",
    )
    article: OneArticle | None = Field(
        default=None,
        description="Instead of `articles`, as files were written before they held several:"
        " the one article, its id the name of its source without `.txt`.",
    )
    countries: list[Country] = Field(min_length=1)
    places: list[Place] = []
    people: list[Person] = []
    organizations: list[Organization] = []
    visits: list[Visit] = []
    events: list[Event] = []
    trade: list[Trade] = []
    goods: list[Goods] = []
    missions: list[Mission] = []
    memberships: list[Membership] = []
    strategies: list[Strategy] = []
    figures: list[Figure] = []
    initiatives: list[Initiative] = []
    areas: list[Area] = []
    quotes: list[Quote] = []
    statements: list[Statement] = []

    def records(self) -> Iterator[tuple[str, int, BaseRecord]]:
        """Every record with its collection key and index."""
        for key in COLLECTIONS:
            for index, record in enumerate(getattr(self, key)):
                yield key, index, record

    @model_validator(mode="after")
    def _references_resolve(self) -> FactsFile:
        problems = reference_problems(
            (key, index, record.__dict__) for key, index, record in self.records()
        )
        problems += article_problems(self.articles or self.article, self.records())
        if self.articles and self.article is not None:
            problems.append((("article",), "give `articles` or `article`, not both"))
        if problems:
            raise ReferenceProblems(problems)
        return self


def reference_problems(
    records: Iterable[tuple[str, int, Mapping[str, Any]]],
) -> list[tuple[Loc, str]]:
    """:func:`kzafrica.factfile.references.problems` for the collections of facts.yaml:
    ``records`` are (collection key, index, fields), validated or raw YAML data alike."""
    return references.problems(records, REFERENCES, KINDS)


def article_problems(
    listed: object, records: Iterable[tuple[str, int, Any]]
) -> list[tuple[Loc, str]]:
    """:func:`kzafrica.factfile.articles.problems` for the articles (a list, or an old-style
    file's one) and records (models or raw mappings), with `articles` or `article` given
    exactly once."""
    if not listed:
        return [
            (
                ("articles",),
                "no article is listed: give `articles`, each with its id, date, dateline,"
                " source and evidence",
            )
        ]
    if isinstance(listed, list) and listed and isinstance(listed[0], BaseModel):
        listed = [a.__dict__ for a in listed]
    elif isinstance(listed, BaseModel):
        listed = listed.__dict__
    key = "articles" if isinstance(listed, list) else "article"
    fields = ((k, i, r if isinstance(r, Mapping) else r.__dict__) for k, i, r in records)
    return articles.problems(listed, key, fields)


# Collection key in facts.yaml -> model, read off FactsFile's fields: a new kind of record
# is one field there. The order is the order of output and schema.
COLLECTIONS: dict[str, type[BaseRecord]] = {
    key: typing.get_args(field.annotation)[0]
    for key, field in FactsFile.model_fields.items()
    if key not in ("article", "articles")
}

# Collection key -> {field: kind referred to}; derived from the models once.
REFERENCES: dict[str, dict[str, str]] = {
    key: reference_fields(model) for key, model in COLLECTIONS.items()
}
KINDS: dict[str, str] = {key: model.kind for key, model in COLLECTIONS.items()}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of facts.yaml."""
    return FactsFile.model_json_schema()
