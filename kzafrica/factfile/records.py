"""The record kinds of facts.yaml: one Pydantic model per kind, and the articles.

Every record has a readable ``id`` and ``evidence`` (verbatim excerpts of the articles).
The values they are made of, and their checks, are in :mod:`kzafrica.factfile.values`.
Models are strict (no coercion of wrong types), frozen, and reject unknown fields.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from kzafrica.factfile import dates
from kzafrica.factfile.articles import words
from kzafrica.factfile.references import FROM_NAME
from kzafrica.factfile.status import Status as Status  # records.Status, the one definition
from kzafrica.factfile.values import (
    CountryRef,
    Date,
    EventRef,
    Excerpt,
    Id,
    OrgRef,
    PersonRef,
    PlaceRef,
    Text,
)
from kzafrica.factfile.values import Ref as Ref  # records.Ref, as the models module reads it


class Strict(BaseModel):
    """Base configuration: strict types, no unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Derived(Strict):
    """One value the article only implies: which field holds it, where it comes from, why.

    ``from`` is the id of the record the value is taken from, or ``name`` (the record's own
    name or title), or ``dateline`` (the article's date and dateline).
    """

    # `from` is a Python keyword: the field is `source`, read and written as `from`.
    model_config = ConfigDict(serialize_by_alias=True)

    field: Text = Field(description="The field whose value is derived.")
    source: Id = Field(
        alias="from",
        description="Where it comes from: a record id, name (the record's own name) or dateline.",
    )
    why: Text = Field(description="Why the value follows from there.")


class Cited(Strict):
    """An excerpt of a named article: needed only for an article other than the file's
    first (a plain excerpt is the first article's)."""

    article: Id = Field(description="The id of the article the excerpt is from.")
    excerpt: Excerpt = Field(description="Its words, verbatim.")


def _evidence_form(value: object) -> str:
    return CITED if isinstance(value, dict | Cited) else WORDS


# An excerpt: its words (of the file's first article), or {article, excerpt}. Told apart
# by their type, so that a bad one gets the one message of its own form (the tags are
# left out of error locations: kzafrica.factfile.validation).
WORDS, CITED = "words", "cited"
Evidence = Annotated[
    Annotated[Excerpt, Tag(WORDS)] | Annotated[Cited, Tag(CITED)],
    Discriminator(_evidence_form),
]


class BaseRecord(Strict):
    """Fields every record has."""

    kind: ClassVar[str]
    id: Id = Field(description="Stable, readable identifier, unique across all records.")
    evidence: list[Evidence] = Field(
        min_length=1,
        description="Verbatim excerpts that state this record: each a string (an excerpt of"
        " the file's first article) or {article, excerpt} for another article.",
    )
    occurrences: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None,
        description="Which occurrence in the article each excerpt means (1 for the first),"
        " one number per excerpt; only where an excerpt stands in the article more than once.",
    )
    derived: list[Derived] = Field(
        default=[],
        description="The values the article only implies, each with the field that holds it,"
        " where it comes from and why; every other value is stated by the evidence.",
    )
    disagrees_with: list[Id] = Field(
        default_factory=list,  # (a factory: a default list is deep-copied for every record)
        description="The ids of records of the same kind, from other articles, that give a"
        " different value for the same thing; both stand, and answers show them side by side.",
    )

    @model_validator(mode="after")
    def _one_occurrence_per_excerpt(self) -> BaseRecord:
        if self.occurrences is not None and len(self.occurrences) != len(self.evidence):
            raise ValueError("`occurrences` needs one number for each excerpt of `evidence`")
        return self

    @model_validator(mode="after")
    def _derived_values_are_set(self) -> BaseRecord:
        # (Whether `from` names an existing record is checked across the file, with the
        # other references: kzafrica.factfile.references.)
        fields = type(self).model_fields
        for entry in self.derived:
            field = fields.get(entry.field)
            if field is None or entry.field in _NOT_DERIVED:
                raise ValueError(
                    f"`derived` names `{entry.field}`, not a field of a {self.kind} that can be"
                    " derived"
                )
            if not field.is_required() and getattr(self, entry.field) == field.default:
                raise ValueError(f"`derived` names `{entry.field}`, which is not set")
            if entry.source == FROM_NAME and not ({"name", "title"} & fields.keys()):
                raise ValueError(f"`derived` from `{FROM_NAME}`, but a {self.kind} has no name")
            if entry.source == self.id:
                raise ValueError(f"`derived` from the record itself: write `from: {FROM_NAME}`")
        return self


# Fields that are never derived: the record's identity and its sources.
_NOT_DERIVED = frozenset({"id", "evidence", "occurrences", "derived", "disagrees_with"})


class Dated(Strict):
    """Fields of records that happen at a time, at the precision the article gives."""

    date: Date | None = Field(
        default=None, description="ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD."
    )
    end: Date | None = Field(default=None, description="Last day of a range, same forms as `date`.")
    approximate: bool = Field(
        default=False, description="True when the article gives the time only roughly."
    )
    as_stated: Text | None = Field(
        default=None, description="The article's own words for the time or figure."
    )

    @model_validator(mode="after")
    def _range_in_order(self) -> Dated:
        if self.end is not None:
            if self.date is None:
                raise ValueError("a range needs `date` as well as `end`")
            if dates.span(self.end)[1] < dates.span(self.date)[0]:
                raise ValueError(f"range ends ({self.end}) before it starts ({self.date})")
        return self


class OneArticle(Strict):
    """The one article of a file written before files held several (`article:`): read as
    an article whose id is its source file's name without `.txt`."""

    date: Date = Field(description="The article's date, as it gives it.")
    dateline: Text = Field(description="Its dateline.")
    source: Text = Field(
        description="The file of its text: in `sources/` beside the facts file, or shipped"
        " in kzafrica/sources/."
    )
    evidence: list[Excerpt] = Field(
        min_length=1, description="Its own words that give its date and dateline."
    )


class Article(OneArticle):
    """An article the facts come from: its id, date, dateline, title and text."""

    id: Id = Field(description="Stable, readable identifier of the article.")
    title: Text | None = Field(default=None, description="Its title, where it has one.")


class Country(BaseRecord):
    """A country the article names."""

    kind: ClassVar[str] = "country"
    name: Text
    code: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")
    code3: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code.")
    aliases: list[Text] = Field(default=[], description="Other names the article uses.")


class Place(BaseRecord):
    """A city the article names."""

    kind: ClassVar[str] = "place"
    name: Text
    country: CountryRef


class Person(BaseRecord):
    """A named person with the role the article gives them."""

    kind: ClassVar[str] = "person"
    name: Text
    role: Text = Field(description="The role exactly as the article states it.")
    former: bool = Field(default=False, description="The article calls the role former.")
    country: CountryRef
    organization: OrgRef | None = None


# What sort of body an organization is, where its name or the article says so ("Ministry",
# "Fund", "Forum", "Union", "UN ..."); a type the article does not give stays empty.
OrgType = Literal["ministry", "fund", "forum", "union", "UN body"]


class Organization(BaseRecord):
    """A ministry, fund, board, forum or multilateral body."""

    kind: ClassVar[str] = "organization"
    name: Text
    type: OrgType | None = Field(default=None, description="None where the article does not say.")
    aliases: list[Text] = []
    country: CountryRef | None = None
    place: PlaceRef | None = None
    parent: OrgRef | None = Field(default=None, description="The body this one belongs to.")


# The rank of the visitor, as the article's words for them give it: a President is a head of
# state, a special representative an envoy.
Level = Literal["head of state", "minister", "envoy"]


# What sort of visit it was.
VisitForm = Literal["visit", "official visit", "delegation", "forum attendance"]


class Visit(BaseRecord, Dated):
    """A visit between Kazakhstan and an African country, held or planned."""

    kind: ClassVar[str] = "visit"
    status: Status
    form: VisitForm
    level: Level | None = Field(default=None, description="None where the article does not say.")
    visitors: list[PersonRef] = Field(default=[], description="Named visitors.")
    visitor_role: Text | None = Field(
        default=None, description="The visitor's role, where the article names no one."
    )
    origin: list[CountryRef] = Field(min_length=1, description="Country the visitors came from.")
    destination: CountryRef
    place: PlaceRef | None = None
    occasion: OrgRef | None = Field(default=None, description="The forum attended, if any.")
    ordinal: int | None = Field(default=None, ge=1, description="2 for a second visit.")
    note: Text | None = Field(default=None, description="The article's own words on it.")

    @model_validator(mode="after")
    def _someone_visits(self) -> Visit:
        if not self.visitors and self.visitor_role is None:
            raise ValueError("a visit needs `visitors` or `visitor_role`")
        return self


# What sort of event it was.
EventType = Literal[
    "meeting",
    "address",
    "agreement",
    "press briefing",
    "shipment",
    "expo",
    "election",
    "establishment",
]


class Event(BaseRecord, Dated):
    """A meeting, address, agreement, briefing, shipment or other event."""

    kind: ClassVar[str] = "event"
    type: EventType
    status: Status | None = Field(default=None, description="None where the article does not say.")
    title: Text = Field(description="A short name for the event.")
    people: list[PersonRef] = []
    countries: list[CountryRef] = []
    organizations: list[OrgRef] = []
    place: PlaceRef | None = None
    subject: Text | None = None
    note: Text | None = Field(default=None, description="The article's own words on it.")


# How an amount relates to the true figure, as the article says it ("around", "surpassed").
Qualifier = Literal["around", "more than"]


class Amount(Strict):
    """A sum of money: whole currency units, currency, and the article's qualifier."""

    value: int = Field(ge=0, description="Whole currency units: $783 million is 783000000.")
    currency: Literal["USD"] = Field(description="ISO 4217 code.")
    qualifier: Qualifier | None = Field(
        default=None, description="None where the article gives the figure unqualified."
    )
    as_stated: Text = Field(description="The figure in the article's words.")


class Trade(BaseRecord, Dated):
    """Kazakhstan's trade volume with African countries in one year."""

    kind: ClassVar[str] = "trade"
    date: Date
    amount: Amount
    record_high: bool = Field(default=False, description="The article calls it a record.")
    note: Text | None = Field(default=None, description="The article's own words on it.")


# Which way goods go, seen from Kazakhstan.
Direction = Literal["export", "import"]


class Goods(BaseRecord, Dated):
    """Goods Kazakhstan exports to or imports from Africa."""

    kind: ClassVar[str] = "goods"
    name: Text
    direction: Direction
    countries: list[CountryRef] = Field(
        default=[],
        description="Countries the article ties these goods to; empty for Africa.",
    )
    named_by: PersonRef | None = Field(
        default=None, description="Who the article says listed these goods."
    )
    note: Text | None = Field(default=None, description="The article's own words on it.")


# Embassies and the like, or honorary consuls.
MissionType = Literal["diplomatic missions", "honorary consuls"]


class Mission(BaseRecord, Dated):
    """Kazakhstan's diplomatic presence in Africa at a time."""

    kind: ClassVar[str] = "mission"
    type: MissionType
    country: CountryRef
    count: int | None = Field(default=None, ge=0)
    description: Text | None = None


class Membership(BaseRecord, Dated):
    """A country's status in an organization, with its start."""

    kind: ClassVar[str] = "membership"
    member: CountryRef
    organization: OrgRef
    status: Text = Field(description="e.g. observer; `date` is when it began.")


class Strategy(BaseRecord, Dated):
    """A strategy being prepared, with the period it covers (date to end)."""

    kind: ClassVar[str] = "strategy"
    name: Text
    owner: OrgRef
    status: Text = Field(description="The article's words, e.g. currently developing.")


class Figure(BaseRecord):
    """A number the article states, such as African states among UN members."""

    kind: ClassVar[str] = "figure"
    subject: Text
    value: int = Field(ge=0)
    total: int | None = Field(default=None, ge=0, description="The whole it is part of.")
    organization: OrgRef | None = None
    note: Text | None = Field(default=None, description="The article's own words on it.")


class Initiative(BaseRecord):
    """A Kazakh international initiative that African countries supported."""

    kind: ClassVar[str] = "initiative"
    name: Text
    event: EventRef = Field(description="The event the initiative was.")
    supported_by: Text
    mentioned_by: PersonRef | None = Field(
        default=None, description="The person the article says mentioned it."
    )


class Area(BaseRecord):
    """A field of cooperation the article names."""

    kind: ClassVar[str] = "area"
    name: Text
    named_by: PersonRef | None = None
    note: Text | None = Field(default=None, description="The article's own words on it.")


class Said(BaseRecord):
    """Words someone said, or the article says: the text must stand in the evidence."""

    speaker: PersonRef | None = None
    text: Text = Field(description="The exact words, without the quotation marks.")
    date: Date | None = None

    @model_validator(mode="after")
    def _text_in_evidence(self) -> Said:
        if not any(self.text in str(words(excerpt)) for excerpt in self.evidence):
            raise ValueError("`text` must occur verbatim in one of the `evidence` excerpts")
        return self


class Quote(Said):
    """A direct quote: the speaker's exact words."""

    kind: ClassVar[str] = "quote"
    speaker: PersonRef
    occasion: EventRef | None = None
    partial: bool = Field(default=False, description="A fragment quoted inside a sentence.")


class Statement(Said):
    """A claim reported without quotation marks: someone's, or with no speaker the article's own."""

    kind: ClassVar[str] = "statement"
