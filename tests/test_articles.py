"""A fact base of several articles: sources on every answer, --article, `articles` and
`article ID`, disagreements shown and noted, each excerpt in its own article, and the
maintainer's mistakes each one located line.

Run on the shipped facts merged with a fictional second article (tests/articles.py), which
reports Kagame's 2025 visit again and gives another figure for trade in 2024.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from articles import FICTIONAL_ID, FICTIONAL_SOURCE, merged, two_articles
from clirun import fails, run
from helpers import LIST_COMMANDS, SHIPPED
from tabletext import plain_table as table

from kzafrica.factfile.errors import DataError
from kzafrica.store import access

REAL = "astana-2025-06-03"
BOTH = [REAL, FICTIONAL_ID]
DATES = {REAL: "2025-06-03", FICTIONAL_ID: "2025-07-15"}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_articles(tmp_path_factory.mktemp("two"))


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, shared_cache: Path) -> None:
    """As conftest's, but one cache for the module: the two-article file is validated
    once, not by each of the many commands asked of it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    monkeypatch.delenv("KZAFRICA_NO_CACHE", raising=False)
    monkeypatch.delenv("KZAFRICA_DATA", raising=False)


def kz(two: Path, *args: str) -> Any:
    result = run("--data", str(two), *args, "--json")
    assert result.exit_code == 0, (args, result.stderr)
    return json.loads(result.stdout)


def texts(two: Path) -> dict[str, str]:
    shipped = (Path(access.packaged_facts()).parent / "sources" / "article.txt").read_text("utf-8")
    return {REAL: shipped, FICTIONAL_ID: FICTIONAL_SOURCE.read_text(encoding="utf-8")}


def squash(text: str) -> str:
    return " ".join(text.split())


# -- every answer names its sources -----------------------------------------------------


def test_every_record_lists_the_articles_it_cites(two: Path) -> None:
    every = kz(two, "search", "a") + kz(two, "events")
    for record in every:
        cited = list(dict.fromkeys(at["article"] for at in record["evidence_at"]))
        assert [s["id"] for s in record["sources"]] == [i for i in BOTH if i in cited]
        assert all(s["date"] == DATES[s["id"]] for s in record["sources"])
    both = {r["id"]: r for r in every}["visit-kagame-2025"]
    assert [s["id"] for s in both["sources"]] == BOTH  # the same visit, reported twice


def test_each_excerpt_is_found_in_its_own_article(two: Path) -> None:
    known = texts(two)
    checked = 0
    for record in kz(two, "search", "a") + kz(two, "events"):
        for excerpt, at in zip(record["evidence"], record["evidence_at"], strict=True):
            text = known[at["article"]]
            assert squash(text[at["start"] : at["end"]]) == squash(excerpt), record["id"]
            checked += at["article"] == FICTIONAL_ID
    assert checked >= 10


def test_one_article_answers_name_it_too() -> None:
    for record in json.loads(run("trade", "--json").stdout):
        assert record["sources"] == [{"id": REAL, "date": "2025-06-03"}]
    # ... and its tables stay as they were: no source column for a single article.
    assert "Src" not in table(["trade"], 100)


# -- disagreement: both kept, shown side by side, noted -----------------------------------


def test_disagreeing_records_are_both_kept_and_name_each_other(two: Path) -> None:
    trade = {r["id"]: r for r in kz(two, "trade")}
    assert trade["trade-2024"]["amount"]["value"] == 783_000_000
    assert trade["trade-2024-fictional"]["amount"]["value"] == 812_000_000
    assert trade["trade-2024"]["disagrees_with"] == ["trade-2024-fictional"]
    assert trade["trade-2024-fictional"]["disagrees_with"] == ["trade-2024"]
    assert trade["trade-2012"]["disagrees_with"] == []
    ids = list(trade)
    assert ids.index("trade-2024-fictional") == ids.index("trade-2024") + 1  # side by side


def test_a_table_marks_the_disagreement_and_names_the_sources(two: Path) -> None:
    shown = table(["--data", str(two), "trade"], 120)
    rows = [line for line in shown.splitlines() if "trade-2024" in line and "│" in line]
    assert len(rows) == 2
    assert all("≠" in row for row in rows)
    caption = squash(shown.split("└")[-1])
    assert f"1 = {REAL}" in caption
    assert f"2 = {FICTIONAL_ID}" in caption
    assert "trade-2024 ≠ trade-2024-fictional" in caption


def test_at_80_columns_the_sources_go_under_the_ids_and_figures_stay_whole(two: Path) -> None:
    shown = table(["--data", str(two), "trade"], 80)
    assert "$783 million" in shown  # not "$783 / million": the Src column took no room
    assert "$812 million" in shown
    lines = shown.splitlines()
    at = next(n for n, line in enumerate(lines) if "trade-2024-fictional" in line)
    assert "2 ≠" in lines[at + 1]  # its source under its id


def test_validate_notes_each_disagreement_and_passes(two: Path) -> None:
    result = run("validate", str(two))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"ok: \d+ records", lines[0])
    assert lines[1:] == [
        f"note: trade-2024 ({REAL}) and trade-2024-fictional ({FICTIONAL_ID}) disagree;"
        " both are kept and shown side by side"
    ]


# -- ask by source ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [*LIST_COMMANDS, "articles"])
def test_article_keeps_the_records_that_cite_it(two: Path, command: str) -> None:
    args = [command, *LIST_COMMANDS.get(command, [])]
    every = kz(two, *args)
    for article in BOTH:
        kept = kz(two, *args, "--article", article)
        wanted = [r for r in every if cites(r, article)]
        assert kept == wanted, (command, article)


def cites(record: dict[str, Any], article: str) -> bool:
    """Whether an answer's row cites ``article`` (a row of `articles`: is it)."""
    if "sources" not in record:
        return bool(record["id"] == article)
    return any(s["id"] == article for s in record["sources"])


def test_article_narrows_events_and_search(two: Path) -> None:
    fictional = [r["id"] for r in kz(two, "events", "--article", FICTIONAL_ID)]
    assert "agreement-agriculture-2025-07-14" in fictional
    assert "visit-kagame-2015" not in fictional  # the real article's alone
    found = [r["id"] for r in kz(two, "search", "kagame", "--article", REAL)]
    assert "visit-kagame-2015" in found
    assert "visit-kagame-2025" in found


@pytest.mark.parametrize("command", ["visits", "events", "search", "articles"])
def test_an_unknown_article_is_a_usage_error_listing_the_ids(two: Path, command: str) -> None:
    args = [command, "kagame"] if command == "search" else [command]
    said = fails(2, "--data", str(two), *args, "--article", "fictional")
    assert "unknown article 'fictional'" in said
    assert REAL in said
    assert FICTIONAL_ID in said


# -- the articles, one by one -------------------------------------------------------------


def test_articles_lists_each_with_its_coverage(two: Path) -> None:
    listed = kz(two, "articles")
    assert [a["id"] for a in listed] == BOTH
    fictional = listed[1]
    assert fictional["title"] == "Rwanda and Kazakhstan take the next steps"
    assert (fictional["date"], fictional["dateline"]) == ("2025-07-15", "Almaty")
    records = {r["id"] for r in kz(two, "search", "a") + kz(two, "events")}
    citing = {r for r in records if FICTIONAL_ID in {s["id"] for s in _sources(two, r)}}
    assert fictional["records"] == len(citing)
    assert 0 < fictional["sentences_cited"] < fictional["sentences"]
    assert listed[0]["sentences_cited"] == listed[0]["sentences"]  # the real one: all cited


def _sources(two: Path, record_id: str) -> list[dict[str, str]]:
    shown = kz(two, "show", record_id)
    assert isinstance(shown["sources"], list)
    return list(shown["sources"])


def test_article_needs_an_id_where_there_are_several(two: Path) -> None:
    said = fails(2, "--data", str(two), "article")
    assert REAL in said
    assert FICTIONAL_ID in said
    said = fails(2, "--data", str(two), "article", "nope")
    assert "unknown article 'nope'" in said


def test_article_uncited_lists_each_articles_own_sentences(two: Path) -> None:
    result = run("--data", str(two), "article", FICTIONAL_ID, "--uncited")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines
    text = FICTIONAL_SOURCE.read_text(encoding="utf-8").splitlines()
    for line in lines:
        source, number, sentence = line.split(":", 2)
        assert source == FICTIONAL_SOURCE.name
        assert sentence.strip() in text[int(number) - 1]
    assert not any("$812 million" in line for line in lines)  # cited by trade-2024-fictional
    assert run("--data", str(two), "article", REAL, "--uncited").stdout == ""


def test_article_json_and_its_marks_are_of_that_article(two: Path) -> None:
    data = kz(two, "article", FICTIONAL_ID)
    assert data["id"] == FICTIONAL_ID
    cited = {i for s in data["sentences"] for i in s["cited_by"]}
    assert "trade-2024-fictional" in cited
    assert "trade-2024" not in cited
    marked = run("--data", str(two), "article", FICTIONAL_ID).stdout
    assert "[[In 2024, Kazakhstan’s trade with African countries reached $812 million.]]" in marked


def test_show_lists_each_excerpt_under_its_article(two: Path) -> None:
    shown = table(["--data", str(two), "show", "visit-kagame-2025"], 120)
    real, fictional = shown.index(f"{REAL}:"), shown.index(f"{FICTIONAL_ID}:")
    assert shown.index("Among the recent visits") > real
    assert fictional < shown.index("Kagame came to Kazakhstan in May 2025") or real > fictional


def test_show_context_takes_each_paragraph_from_its_own_article(two: Path) -> None:
    record = kz(two, "show", "visit-kagame-2025", "--context")
    known = texts(two)
    assert {c["article"] for c in record["evidence_context"]} == set(BOTH)
    for context, at in zip(record["evidence_context"], record["evidence_at"], strict=True):
        assert context["article"] == at["article"]
        assert context["text"] == known[at["article"]][context["start"] : context["end"]]
        assert context["start"] <= at["start"] < at["end"] <= context["end"]


# -- the maintainer's mistakes: one located line each ----------------------------------


def written(tmp_path: Path, change: Any) -> Path:
    """The two-article file with ``change`` made to its data."""
    import yaml

    data = merged()
    change(data)
    path = two_articles(tmp_path)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096), "utf-8")
    return path


def only_problem(path: Path) -> str:
    result = run("validate", str(path))
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{path}:")
    assert "Traceback" not in result.stderr
    return str(line)


def _record(data: dict[str, Any], key: str, record_id: str) -> dict[str, Any]:
    return next(r for r in data[key] if r["id"] == record_id)


def test_an_excerpt_of_the_second_article_written_plain_says_where_it_is(tmp_path: Path) -> None:
    def plain(data: dict[str, Any]) -> None:
        record = _record(data, "trade", "trade-2024-fictional")
        record["evidence"] = [record["evidence"][0]["excerpt"]]

    said = only_problem(written(tmp_path, plain))
    assert f"not in the article {REAL}" in said
    assert f"it is in {FICTIONAL_ID}: write {{article: {FICTIONAL_ID}, excerpt: ...}}" in said


def test_an_excerpt_naming_no_listed_article(tmp_path: Path) -> None:
    def unknown(data: dict[str, Any]) -> None:
        _record(data, "trade", "trade-2024-fictional")["evidence"][0]["article"] = "nope"

    said = only_problem(written(tmp_path, unknown))
    assert "no article 'nope' is listed" in said
    assert REAL in said
    assert FICTIONAL_ID in said


def test_an_excerpt_cited_from_the_wrong_article(tmp_path: Path) -> None:
    def wrong(data: dict[str, Any]) -> None:
        _record(data, "trade", "trade-2024-fictional")["evidence"][0]["article"] = REAL

    said = only_problem(written(tmp_path, wrong))
    assert f"not in the article {REAL}" in said


def test_two_articles_with_one_id(tmp_path: Path) -> None:
    def twice(data: dict[str, Any]) -> None:
        data["articles"][1]["id"] = REAL

    result = run("validate", str(written(tmp_path, twice)))
    assert result.exit_code == 1
    assert f"article id '{REAL}' is given twice" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_article_whose_text_is_missing(tmp_path: Path) -> None:
    def missing(data: dict[str, Any]) -> None:
        data["articles"][1]["source"] = "gone.txt"

    said = only_problem(written(tmp_path, missing))
    assert "no article file named 'gone.txt'" in said
    assert "articles.1.source" in said


@pytest.mark.parametrize(
    ("target", "told"),
    [
        ("trade-2024-fictional", "cannot disagree with itself"),
        ("nothing-here", "no record has the id 'nothing-here'"),
        ("rwanda", "'rwanda' is one of the countries, not of the trade"),
    ],
)
def test_disagreeing_with_no_record_of_its_kind(tmp_path: Path, target: str, told: str) -> None:
    def bad(data: dict[str, Any]) -> None:
        _record(data, "trade", "trade-2024-fictional")["disagrees_with"] = [target]

    said = only_problem(written(tmp_path, bad))
    assert told in said
    assert "disagrees_with.0" in said


# -- the old form, and what the cache keys on -----------------------------------------


def test_a_file_with_one_article_written_the_old_way_still_validates(tmp_path: Path) -> None:
    old = SHIPPED.replace(
        "articles:\n  - id: astana-2025-06-03\n    date: '2025-06-03'\n    dateline: Astana\n"
        "    source: article.txt\n    evidence:\n      - 'date 2025-06-03 ASTANA'\n",
        "article:\n  date: '2025-06-03'\n  dateline: Astana\n  source: article.txt\n"
        "  evidence:\n    - 'date 2025-06-03 ASTANA'\n",
    )
    assert old != SHIPPED
    path = tmp_path / "old.yaml"
    path.write_text(old, encoding="utf-8")
    facts = access.open_facts(str(path))
    assert facts.article_ids() == ["article"]  # the source's name without .txt
    record = json.loads(run("--data", str(path), "trade", "--json").stdout)[0]
    assert record["sources"] == [{"id": "article", "date": "2025-06-03"}]
    assert run("--data", str(path), "article", "--uncited").exit_code == 0


def test_a_changed_article_beside_the_file_is_validated_again(tmp_path: Path) -> None:
    path = two_articles(tmp_path)
    assert access.open_facts(str(path)).article_ids() == BOTH  # now in the cache
    source = tmp_path / "sources" / FICTIONAL_SOURCE.name
    source.write_text(source.read_text("utf-8").replace("$812 million", "$900 million"), "utf-8")
    with pytest.raises(DataError) as caught:
        access.open_facts(str(path))
    assert any("not in the article" in p.message for p in caught.value.problems)


def test_a_disagreement_mark_fits_its_column_on_an_ascii_terminal(two: Path) -> None:
    # '≠' is '!=' in ASCII: measured as shown, not cut to '…' (seen while building this).
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "120", "LANG": "C"}
    for name in ("KZAFRICA_DATA", "KZAFRICA_NO_CACHE", "NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "kzafrica", "--data", str(two), "trade"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shown = done.stdout.decode("ascii")
    rows = [line for line in shown.splitlines() if "trade-2024" in line and "|" in line]
    assert len(rows) == 2
    assert all(" != " in row for row in rows)
    assert "\\u" not in shown


def test_a_date_completed_from_a_dateline_takes_its_own_articles_year(two: Path) -> None:
    # "July 14" in the article of 2025-07-15 is 2025-07-14: the year of the article that
    # says the day, whichever article that is.
    months = "January February March April May June July August September October November"
    months += " December"
    years = {article["id"]: article["date"][:4] for article in kz(two, "articles")}
    checked = 0
    for record in kz(two, "events"):
        date = record.get("date") or ""
        if len(date) != 10 or record.get("approximate"):
            continue
        day = f"{months.split()[int(date[5:7]) - 1]} {int(date[8:10])}"
        for excerpt, at in zip(record["evidence"], record["evidence_at"], strict=True):
            if day in excerpt and date[:4] not in excerpt:
                assert date[:4] == years[at["article"]], record["id"]
                checked += at["article"] == FICTIONAL_ID
    assert checked >= 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_an_article_that_is_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    # A sources/ file is read as a facts file is: a regular file of sane size, or refused.
    # Seen hanging for ever (the cache key read it, then validation).
    path = two_articles(tmp_path)
    source = tmp_path / "sources" / FICTIONAL_SOURCE.name
    source.unlink()
    os.mkfifo(source)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("KZAFRICA_DATA", None)
    done = subprocess.run(
        [sys.executable, "-m", "kzafrica", "--data", str(path), "validate"],
        capture_output=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == b""
    said = done.stderr.decode()
    assert "articles.1.source" in said
    assert "not a regular file" in said
    assert "Traceback" not in said


@pytest.mark.parametrize("listed", ["articles: []\n", ""], ids=["empty", "missing"])
def test_a_file_without_articles_says_what_to_give(tmp_path: Path, listed: str) -> None:
    start, end = SHIPPED.index("articles:"), SHIPPED.index("countries:")
    path = tmp_path / "facts.yaml"
    path.write_text(SHIPPED[:start] + listed + "\n" + SHIPPED[end:], encoding="utf-8")
    said = only_problem(path)
    assert "articles: no article is listed: give `articles`" in said
