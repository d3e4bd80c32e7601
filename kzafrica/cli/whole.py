"""The commands that are not lists: one record (show), the overview (summary), the data file
(validate, schema), the article with its citations (article), and the whole fact base
written out (dump). Their help and examples are in the registry (kzafrica.cli.registry).

Most of what they need (coverage, highlighting, the models, the dump) is imported where
they use it: a query's run never loads it.
"""

# Annotations here are objects, not strings (no `from __future__ import annotations`):
# Typer reads every parameter's annotation at each run, and a string costs it an eval.
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kzafrica.answers import query, sources
from kzafrica.cli import completion, streams
from kzafrica.cli.answering import State, article_of, loaded, output, run
from kzafrica.factfile.errors import DataError, UsageError, visible
from kzafrica.output import render, views
from kzafrica.output.render import Result
from kzafrica.store import access
from kzafrica.store.factbase import FactBase

if TYPE_CHECKING:
    from kzafrica.factfile.excerpts import Span


def show(
    ctx: typer.Context,
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="A record id.", click_type=completion.RECORD_ID)
    ],
    context: Annotated[
        bool,
        typer.Option("--context", help="Each excerpt within its paragraph, highlighted."),
    ] = False,
) -> None:
    out = output(ctx)._replace(cite=True)
    # For the table: each excerpt's paragraph, to show after it.
    below: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def answer(facts: FactBase) -> Result:
        record = query.show(facts, record_id)
        if context:
            # Only --context needs the articles' paragraphs.
            from kzafrica.answers import coverage

            found = coverage.contexts(facts, record)
            if out.format == "table":
                below.extend(zip(record["evidence_at"], found, strict=True))
            else:
                record["evidence_context"] = found
        return Result(record, views.record(record))

    run(ctx, answer, out)
    if below:
        _write_contexts(below, several=len({at["article"] for at, _ in below}) > 1)


def _write_contexts(below: list[tuple[dict[str, Any], dict[str, Any]]], several: bool) -> None:
    """Each excerpt of a record within its paragraph, the excerpt marked."""
    # Only show --context as a table gets here.
    from kzafrica.factfile import excerpts
    from kzafrica.output import highlight

    sys.stdout.write("\nEvidence in context:\n")
    for number, (at, around) in enumerate(below, 1):
        mark = excerpts.Span(at["start"] - around["start"], at["end"] - around["start"])
        where = f"{at['article']}, " if several else ""
        sys.stdout.write(f"\n[{number}] {where}characters {at['start']}-{at['end']}\n")
        highlight.write(around["text"], [mark], sys.stdout)
    sys.stdout.flush()


def summary(ctx: typer.Context) -> None:
    def answer(facts: FactBase) -> Result:
        kinds = {key: facts.kind(key) for key in facts.collections}
        return Result(query.summary(facts), views.summary(kinds))

    run(ctx, answer)


def validate(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(metavar="[PATH]", help="The file to check (default: the data in use)."),
    ] = None,
) -> None:
    file = access.choose(path or ctx.ensure_object(State).data)
    try:
        dataset = access.validate(file, access.read_bytes(file))
    except DataError as exc:
        streams.problems(exc)
        if len(exc.problems) > 1:  # a count helps with a long list; one line says it all
            streams.say(f"{len(exc.problems)} problems in {visible(file)}")
        raise typer.Exit(streams.DATA_ERROR) from None
    count = sum(len(v) for k, v in dataset.facts.items() if k != "articles" and isinstance(v, list))
    sys.stdout.write(f"ok: {count} records\n")
    facts = FactBase(dataset)
    for first, second, _ in facts.disagreements():
        # Not an error: two articles may well disagree; both records stand.
        cited = [", ".join(facts.cites(facts.record(i)[1])) for i in (first, second)]
        sys.stdout.write(
            f"note: {first} ({cited[0]}) and {second} ({cited[1]}) disagree;"
            " both are kept and shown side by side\n"
        )


def schema() -> None:
    # The models (pydantic) are loaded only for the schema and for validation.
    import json

    from kzafrica.factfile.models import json_schema

    render.document(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", sys.stdout)


def article(
    ctx: typer.Context,
    article_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="The article's id (kzafrica articles lists them); none: the only one.",
            click_type=completion.ARTICLE,
            show_default=False,
        ),
    ] = None,
    uncited: Annotated[
        bool,
        typer.Option("--uncited", help="Only the sentences no record cites, one a line."),
    ] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Sentences with their offsets and citing records.")
    ] = False,
) -> None:
    # Only this command reads the article's sentences and highlights them.
    import json

    from kzafrica.answers import coverage
    from kzafrica.output import highlight

    facts = loaded(ctx)
    chosen_id = _article_id(facts, article_id)
    text = article_of(facts, chosen_id)
    found = coverage.sentences(facts, text, chosen_id)
    chosen = [s for s in found if not s.cited_by] if uncited else found
    source = facts.article(chosen_id)["source"]
    if json_:
        data: Any = [s.as_json() for s in chosen]
        if not uncited:
            data = {
                "id": chosen_id,
                "source": source,
                "sentences": data,
                "cited": sum(1 for s in found if s.cited_by),
                "total": len(found),
            }
        render.document(json.dumps(data, indent=2, ensure_ascii=False) + "\n", sys.stdout)
    elif uncited:
        sys.stdout.writelines(f"{source}:{s.line}: {s.text}\n" for s in chosen)
        if not chosen:
            streams.say("every sentence is cited by at least one record")
    else:
        highlight.write(*_stripped(text, coverage.marks(facts, chosen_id)), sys.stdout)
        named = chosen_id if len(facts.articles) > 1 else None
        sys.stdout.write("\n" + coverage.coverage_line(found, named) + "\n")
    sys.stdout.flush()


def _article_id(facts: FactBase, given: str | None) -> str:
    """The article asked for: the one named, or the only one; else exit 2 listing them."""
    try:
        if given is not None:
            return sources.article_id(facts, given)
        if len(facts.articles) > 1:
            ids = facts.article_ids()
            shown = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
            raise UsageError(
                f"name an article: there are {len(ids)} ({shown}); see kzafrica articles"
            )
    except UsageError as exc:
        streams.fail(str(exc), streams.USAGE_ERROR)
    return facts.article_ids()[0]


def _stripped(text: str, spans: "list[Span]") -> "tuple[str, list[Span]]":
    """``text`` without surrounding whitespace, and the spans moved to match."""
    # Span is needed only here, after the article is loaded.
    from kzafrica.factfile.excerpts import Span

    cut = len(text) - len(text.lstrip())
    return text.strip(), [Span(s.start - cut, s.end - cut) for s in spans]


def dump(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="FILE.db or FILE.sqlite for SQLite, FILE.json for JSON."
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    # Writing SQLite or JSON files: only this command needs it.
    from kzafrica.store import dump as dumping

    try:
        sqlite = len(dumping.outputs(file)) > 1  # a bad name is a usage error before any work
        dataset = access.load(ctx.ensure_object(State).data)
        texts: dict[str, str] = {}
        if sqlite:  # the articles' texts go into a database; a JSON file has the records
            from kzafrica.answers import coverage

            facts = FactBase(dataset)
            texts = {i: coverage.article_text(facts, i) for i in facts.article_ids()}
        written = dumping.dump(dataset, texts, file, force=force)
    except UsageError as exc:
        streams.fail(str(exc), streams.USAGE_ERROR)
    except dumping.WriteFailed as exc:  # a full disk, no permission: as for any output
        streams.fail(str(exc), streams.OUTPUT_ERROR)
    except DataError as exc:
        streams.data_failed(exc)
    also = hint = ""
    if len(written) > 1:
        # Quoted for a POSIX shell, so that the hint can be pasted whatever the names hold.
        from shlex import quote  # only for this hint

        also = f" and {written[1]}"
        hint = f"; browse with: datasette {quote(str(written[0]))} --metadata"
        hint += f" {quote(str(written[1]))}"
        hint += "".join(f" {quote(word)}" for word in dumping.datasette_options(dataset))
    streams.say(f"wrote {written[0]} ({dumping.count(dataset)} records){also}{hint}")
