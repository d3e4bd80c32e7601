"""The article with its facts: `kzafrica article` (marked spans, coverage, --uncited) and
`kzafrica show ID --context`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from helpers import SHIPPED, facts_file
from typer.testing import CliRunner, Result

from kzafrica.cli import app
from kzafrica.factfile import excerpts
from kzafrica.store import access

RUNNER = CliRunner()
ARTICLE = access.packaged_article()
FACTS: dict[str, Any] = yaml.safe_load(SHIPPED)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
MIDDLE_POWER = (
    "Kazakhstan’s growing engagement with partners beyond its geographical region says a lot"
    " about the country’s role as a middle power."
)
# A facts file without the one record that cites the middle-power sentence.
WITHOUT_MIDDLE_POWER = (
    "  - id: statement-middle-power\n"
    f"    text: '{MIDDLE_POWER}'\n"
    "    evidence:\n"
    f"      - '{MIDDLE_POWER}'\n",
    "",
)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return RUNNER.invoke(app.app, list(args), env={"COLUMNS": "100", **(env or {})})


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    result = run(*args, env=env)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def excerpts_of_the_facts() -> list[str]:
    return [e for records in FACTS.values() for r in records for e in r["evidence"]]


def test_the_article_with_marked_spans() -> None:
    out = ok("article")
    body, coverage = out.rstrip("\n").rsplit("\n\n", 1)
    # Take the marks away and the article is left, word for word.
    assert body.replace("[[", "").replace("]]", "") == ARTICLE.strip()
    marked = re.findall(r"\[\[(.*?)\]\]", body, re.S)
    assert marked
    # Every excerpt lies inside a marked span, and every marked span is cited text.
    for excerpt in excerpts_of_the_facts():
        assert any(" ".join(excerpt.split()) in " ".join(m.split()) for m in marked), excerpt
    assert "Multilateral cooperation\n" in body  # a heading: cited by nothing, not marked
    assert "[[Multilateral" not in body
    total = len(excerpts.sentences(ARTICLE))
    assert coverage == f"Cited: {total} of {total} sentences (100%) by at least one record."


def test_colour_on_a_terminal_and_markers_elsewhere() -> None:
    coloured = ok("article", env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert "\x1b[" in coloured
    assert "[[" not in coloured
    plain = ANSI.sub("", coloured)
    assert "Tokayev" in plain
    no_colour = ok("article", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in no_colour
    assert "[[" in no_colour


def test_uncited_sentences_are_listed_with_their_line(tmp_path: Path) -> None:
    path = facts_file(tmp_path, WITHOUT_MIDDLE_POWER)
    out = ok("--data", str(path), "article", "--uncited")
    line = next(n for n, text in enumerate(ARTICLE.splitlines(), 1) if MIDDLE_POWER in text)
    assert out == f"article.txt:{line}: {MIDDLE_POWER}\n"
    coverage = ok("--data", str(path), "article").rstrip("\n").rsplit("\n", 1)[1]
    total = len(excerpts.sentences(ARTICLE))
    assert coverage.startswith(f"Cited: {total - 1} of {total} sentences")
    assert coverage.endswith("kzafrica article --uncited lists the other 1.")
    assert f"[[{MIDDLE_POWER}" not in ok("--data", str(path), "article")


def test_uncited_when_every_sentence_is_cited() -> None:
    result = run("article", "--uncited")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "kzafrica: every sentence is cited by at least one record\n"


def test_article_json_gives_each_sentence_with_its_citing_records(tmp_path: Path) -> None:
    data = json.loads(ok("article", "--json"))
    assert data["source"] == "article.txt"
    assert data["cited"] == data["total"] == len(data["sentences"])
    for sentence in data["sentences"]:
        assert ARTICLE[sentence["start"] : sentence["end"]] == sentence["text"]
        assert sentence["cited_by"]
    (kagame,) = [s for s in data["sentences"] if s["text"].startswith("It was his second visit")]
    assert "visit-kagame-2015" in kagame["cited_by"]
    path = facts_file(tmp_path, WITHOUT_MIDDLE_POWER)
    uncited = json.loads(ok("--data", str(path), "article", "--uncited", "--json"))
    assert [s["text"] for s in uncited] == [MIDDLE_POWER]
    assert uncited[0]["cited_by"] == []


def test_show_context_marks_the_excerpt_in_its_paragraph() -> None:
    out = ok("show", "trade-2022", "--context")
    table, context = out.split("\nEvidence in context:\n")
    assert "trade-2022" in table
    excerpt = "By 2022, it had surpassed $1 billion for the first time, an all-time record"
    start = ARTICLE.index(excerpt)
    assert f"[1] characters {start}-" in context
    paragraph = next(p for p in ARTICLE.split("\n\n") if excerpt in p)
    marked = paragraph.replace(excerpt, "[[" + excerpt, 1).replace(
        "Kazakh-African trade.", "Kazakh-African trade.]]", 1
    )
    assert marked in context


def test_show_context_in_json_gives_each_paragraph() -> None:
    record = json.loads(ok("show", "visit-kagame-2025", "--context", "--json"))
    contexts = record["evidence_context"]
    assert len(contexts) == len(record["evidence"]) == len(record["evidence_at"])
    for excerpt, at, around in zip(
        record["evidence"], record["evidence_at"], contexts, strict=True
    ):
        assert ARTICLE[around["start"] : around["end"]] == around["text"]
        assert around["start"] <= at["start"] < at["end"] <= around["end"]
        assert excerpt in around["text"]
        assert around["text"] in [p.strip() for p in ARTICLE.split("\n\n")]
    assert "evidence_context" not in json.loads(ok("show", "visit-kagame-2025", "--json"))


def test_show_context_colours_on_a_terminal() -> None:
    out = ok("show", "trade-2022", "--context", env={"FORCE_COLOR": "1", "TERM": "xterm"})
    context = out.split("Evidence in context:")[1]
    assert "\x1b[" in context
    assert "[[" not in context
