"""Every command of kzafrica, in one list (COMMANDS), in the order --help shows them.

An entry says what a command is: its help and examples, what it lists (for the `--fields`
listing) and how it answers: a list without filters is a query and a view, no code of its
own; a command with filters or arguments is a Typer function (kzafrica.cli.filtered,
kzafrica.cli.whole) whose parameters are those filters. The app builds its commands from
this list, `python -m kzafrica.cli.clidoc` documents them, and the tests walk it
(tests/test_registry.py says what a new kind of record still lacks).
"""

# Annotations here are objects, not strings (no `from __future__ import annotations`): a
# NamedTuple made at start-up reads its fields' annotations.
from collections.abc import Callable, Mapping
from typing import NamedTuple

from kzafrica.answers import query
from kzafrica.cli import answering, filtered, whole
from kzafrica.output import views
from kzafrica.output.render import View
from kzafrica.store.factbase import FactBase, Record

# How a command answers: which output options it takes.
LIST = "list"  # records: --format, --json, --fields, --cite, --sort, --limit
OBJECT = "object"  # one object: --format, --json, --fields
OWN = "own"  # its own output, its own options

# In `lists`, for commands that print records of many kinds (resolved by `collections`).
EVERY_KIND, DATED_KINDS, NO_FIELDS = (
    answering.EVERY_KIND,
    answering.DATED_KINDS,
    answering.NO_FIELDS,
)


class Command(NamedTuple):
    """One command: what it is, what it lists, and how it answers."""

    name: str
    # What --help says above the options: one line (the command list shows it), then
    # paragraphs; the examples follow.
    help: str
    # Command lines shown under "Examples:", each as typed.
    examples: tuple[str, ...]
    answers: str = LIST
    # A list without filters: its table (without one: what each record is, when, its id),
    # and the question it asks of the facts (without one: the records of `lists`, in the
    # article's order).
    question: Callable[[FactBase], list[Record]] | None = None
    view: Callable[[], View] | None = None
    # A command with filters or arguments: the Typer function whose parameters they are.
    function: Callable[..., None] | None = None
    # The collections whose records it prints, and the fields it adds to them, each with
    # what it means: what `--fields` with no value lists.
    lists: tuple[str, ...] = ()
    fields: Mapping[str, str] = NO_FIELDS
    # Arguments that give a non-empty answer, all of what it lists where it can (tests).
    sample: tuple[str, ...] = ()

    def text(self) -> str:
        """The help as Typer takes it: the help, then the examples as one block."""
        shown = "\n".join(f"  {example}" for example in self.examples)
        return f"{self.help}\n\n\b\nExamples:\n{shown}"


# Output fields that are not the records' own.
WINDOWED = {
    "in_window": "With --since/--until: 'certain' when the record falls inside the window,"
    " 'possible' when its date is approximate or sticks out of it."
}
SHOWN = {
    "references": "The records this one refers to: [{field, id, kind, name}].",
    "referenced_by": "The records that refer to this one: [{id, kind, name}].",
}
ARTICLE_FIELDS = {
    "id": "The article's id (for --article and `kzafrica article ID`).",
    "number": "Its place in the list: the number tables give it in their Src column.",
    "title": "Its title, where it has one.",
    "date": "Its date, as it gives it.",
    "dateline": "Its dateline.",
    "source": "The file of its text.",
    "records": "How many records cite it.",
    "sentences_cited": "How many of its sentences some record cites.",
    "sentences": "How many sentences it has.",
}


def _article_rows(facts: FactBase) -> list[Record]:
    # Reading the articles' texts: only this command.
    from kzafrica.answers import coverage

    return coverage.article_rows(facts)


SUMMARY = {
    "articles": "The articles: [{id, title, date, dateline, source, evidence, evidence_at}].",
    "counts": "How many records of each kind: {countries: N, ...}.",
    "trade": "Trade by year: [{id, date, value, currency, qualifier, as_stated}].",
    "latest": "The latest events held: [{id, kind, date, end, name}].",
    "upcoming": "Events still to come: [{id, kind, date, end, name}].",
}

COMMANDS: tuple[Command, ...] = (
    Command(
        "visits",
        "Visits both ways, held or planned.\n\n"
        "Who went where, when, at what level; oldest first. --country matches either side,"
        " --from the visitors' country, --to the hosts'. With --since/--until, '?' marks a"
        " visit that only possibly falls in the window.",
        (
            "kzafrica visits --country Rwanda",
            "kzafrica visits --from Kazakhstan",
            "kzafrica visits --status planned --json",
            "kzafrica visits --since 2025 --certain --cite",
        ),
        function=filtered.visits,
        lists=("visits",),
        fields=WINDOWED,
    ),
    Command(
        "trade",
        "Trade volume by year, with its qualifier.\n\n"
        'Kazakhstan\'s trade with African countries; "around" and "surpassed" are kept.',
        (
            "kzafrica trade",
            "kzafrica trade --since 2020 --json",
            "kzafrica trade --sort -amount --limit 1",
        ),
        function=filtered.trade,
        lists=("trade",),
        fields=WINDOWED,
    ),
    Command(
        "exports",
        "Goods Kazakhstan sells to Africa.\n\n--country finds goods the article ties to a country.",
        ("kzafrica exports", "kzafrica exports --country Morocco --cite"),
        function=filtered.exports,
        lists=("goods",),
    ),
    Command(
        "imports",
        "Goods Kazakhstan buys from Africa.",
        ("kzafrica imports", "kzafrica imports --format csv"),
        function=filtered.imports,
        lists=("goods",),
    ),
    Command(
        "people",
        "People, their roles and countries.\n\n"
        'Roles exactly as the article states them, "former" included; in the article\'s order.',
        (
            "kzafrica people",
            'kzafrica people --country "Burkina Faso" --cite',
            "kzafrica people --sort name --fields name,role",
        ),
        function=filtered.people,
        lists=("people",),
    ),
    Command(
        "quotes",
        "Direct quotes with speaker and date.\n\n"
        "The date is given only where the article gives one; dated quotes come first.",
        (
            "kzafrica quotes --speaker kagame",
            'kzafrica quotes --contains "Kazakhstan\'s know-how"',
            "kzafrica quotes --speaker smadiyarov --json",
        ),
        function=filtered.quotes,
        lists=("quotes",),
    ),
    Command(
        "statements",
        "Claims reported without quotation marks.\n\n"
        "The spokesperson's reported words, and the article's own statements ('the article').",
        (
            "kzafrica statements",
            'kzafrica statements --contains "middle power"',
            "kzafrica statements --speaker smadiyarov --json",
        ),
        function=filtered.statements,
        lists=("statements",),
    ),
    Command(
        "countries",
        "Countries, ISO codes, records per country.\n\nIn the article's order.",
        (
            "kzafrica countries",
            "kzafrica countries --fields name,code,records --format csv",
            "kzafrica countries --sort -records --limit 3",
        ),
        question=query.country_counts,
        view=views.countries,
        lists=("countries",),
        fields={"records": "How many other records mention the country."},
    ),
    Command(
        "places",
        "Cities the article names.",
        ("kzafrica places", "kzafrica places --json"),
        question=query.places,
        view=views.places,
        lists=("places",),
    ),
    Command(
        "orgs",
        "Organizations, memberships and strategies.\n\n"
        "Ministries, funds, forums, multilateral bodies, then statuses, then strategies.",
        (
            "kzafrica orgs",
            "kzafrica orgs --json | jq '.[] | select(.kind == \"membership\")'",
        ),
        question=query.organizations,
        view=views.organizations,
        lists=("organizations", "memberships", "strategies"),
    ),
    Command(
        "missions",
        "Diplomatic missions and honorary consuls.",
        ("kzafrica missions", "kzafrica missions --json"),
        question=query.missions,
        view=views.missions,
        lists=("missions",),
    ),
    Command(
        "areas",
        "Areas of cooperation the article names.\n\n"
        'Who named each, and the article\'s words on it ("particularly promising").',
        ("kzafrica areas", "kzafrica areas --fields name,named_by.name --format csv"),
        question=query.areas,
        view=views.areas,
        lists=("areas",),
    ),
    Command(
        "initiatives",
        "Kazakh initiatives African countries supported.",
        ("kzafrica initiatives", "kzafrica initiatives --cite"),
        question=query.initiatives,
        view=views.initiatives,
        lists=("initiatives",),
    ),
    Command(
        "figures",
        "Numbers the article states, with their whole.",
        ("kzafrica figures", "kzafrica figures --json"),
        question=query.figures,
        view=views.figures,
        lists=("figures",),
    ),
    Command(
        "events",
        "Every dated record as one timeline.\n\n"
        "Oldest first; undated visits and events follow, marked 'undated', unless a window is"
        " given. A record matches a --since/--until window when its date or range overlaps"
        " it; '?' marks one that only possibly falls inside.",
        (
            "kzafrica events",
            "kzafrica events --country Rwanda",
            "kzafrica events --kind visit --since 2025 --json",
        ),
        function=filtered.events,
        lists=(DATED_KINDS,),
        fields=WINDOWED,
    ),
    Command(
        "search",
        "Find records by text, any case or accents.\n\n"
        "Also ' for ’ and - for –. Records whose own fields hold the text come first, those"
        ' that hold it only in their evidence last; "matched" names the fields.',
        (
            "kzafrica search grain",
            "kzafrica search traore --cite",
            "kzafrica search congo --format csv",
        ),
        function=filtered.search,
        lists=(EVERY_KIND,),
        fields={"matched": "The fields that hold the text searched for (dotted paths)."},
        sample=("kagame",),
    ),
    Command(
        "show",
        "One record: every field, evidence, links.\n\n"
        "Shows the records it references, the records that refer to it, and the evidence;"
        " --context shows each excerpt in its paragraph of the article (machine formats add"
        " evidence_context: the paragraph's text and offsets).",
        (
            "kzafrica show visit-kagame-2025",
            "kzafrica show paul-kagame --json",
            "kzafrica show trade-2022 --context",
        ),
        answers=OBJECT,
        function=whole.show,
        lists=(EVERY_KIND,),
        fields=SHOWN,
        sample=("visit-kagame-2025",),
    ),
    Command(
        "summary",
        "A one-screen overview for newcomers.\n\n"
        "Counts, the trade trend, the latest and the upcoming events.",
        ("kzafrica summary", "kzafrica summary --json"),
        answers=OBJECT,
        function=whole.summary,
        fields=SUMMARY,
    ),
    Command(
        "validate",
        "Check a facts file, with line numbers.\n\n"
        "Prints 'ok: N records', or every problem as FILE:LINE:COL: field: message.",
        ("kzafrica validate", "kzafrica validate my-facts.yaml"),
        answers=OWN,
        function=whole.validate,
    ),
    Command(
        "schema",
        "Print the JSON Schema of facts.yaml.",
        ("kzafrica schema > facts.schema.json",),
        answers=OWN,
        function=whole.schema,
    ),
    Command(
        "articles",
        "The articles the facts come from.\n\n"
        "Each with its date, dateline and title, how many records cite it and how many of its"
        " sentences some record cites. Tables of a fact base of several articles give each"
        " record's articles by the number (#) shown here.",
        ("kzafrica articles", "kzafrica articles --json"),
        question=_article_rows,
        view=views.articles,
        fields=ARTICLE_FIELDS,
    ),
    Command(
        "article",
        "An article, with every span a record cites marked.\n\n"
        "On a terminal the cited spans are highlighted; elsewhere they are marked [[like"
        " this]]. A last line counts the sentences that at least one record cites. --uncited"
        " lists the others as SOURCE:LINE: sentence, candidates for missing facts. ID is"
        " needed where there are several articles.",
        (
            "kzafrica article",
            # The sentences that cite one record (every sentence is cited: --uncited is empty).
            "kzafrica article --json"
            " | jq -r '.sentences[] | select(.cited_by | index(\"paul-kagame\")) | .text'",
        ),
        answers=OWN,
        function=whole.article,
    ),
    Command(
        "dump",
        "Write the whole fact base to SQLite or JSON.\n\n"
        "FILE.db or FILE.sqlite: a SQLite database (a table per kind of record, links,"
        " evidence with its offsets, full-text search, the article) and FILE.metadata.json"
        " beside it for Datasette. FILE.json: one JSON object, every record as the query"
        " commands print it. Files are replaced only with --force, and never half written.",
        (
            "kzafrica dump facts.db",
            "datasette facts.db --metadata facts.metadata.json",
            "kzafrica dump facts.json --force",
        ),
        answers=OWN,
        function=whole.dump,
    ),
)

BY_NAME = {command.name: command for command in COMMANDS}


def callback(command: Command) -> Callable[..., None]:
    """The function Typer runs for ``command``."""
    if command.function is not None:
        return command.function
    if not (command.question or command.lists):
        raise ValueError(f"command {command.name!r}: give a function, or a list")
    title = command.name.capitalize()
    return filtered.listing(question(command), command.view or (lambda: views.listed(title)))


def question(command: Command) -> Callable[[FactBase], list[Record]]:
    """What a list without filters asks: its own question, or else the records of its
    collections in the article's order."""
    keys = command.lists
    return command.question or (lambda facts: query.select(facts, keys))


def collections(command: Command) -> tuple[str, ...]:
    """The collections whose records ``command`` prints, EVERY_KIND and DATED_KINDS resolved."""
    return answering.collections(command.lists)


def holds(command: Command) -> answering.Holds:
    """What the command's answer holds, as its Click command carries it."""
    return answering.Holds(command.lists, command.fields)
