"""`kzafrica dump`: the fact base as SQLite (browsed with sqlite3 and a real Datasette) and
as one JSON object; refusing to overwrite, and never leaving half a file behind."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from articles import FICTIONAL_ID, FICTIONAL_SOURCE, two_articles
from clirun import one_line_error, run
from helpers import SHIPPED
from typer.testing import CliRunner

from kzafrica.factfile.models import COLLECTIONS
from kzafrica.store import access, dump, dump_tables
from kzafrica.store.factbase import describe

RUNNER = CliRunner()
FACTS: dict[str, Any] = yaml.safe_load(SHIPPED)
RECORDS = sum(len(v) for k, v in FACTS.items() if k != "articles")
ARTICLE = access.packaged_article()
ARTICLE_ID = FACTS["articles"][0]["id"]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the dump (tmp_path also holds the test's cache)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dump")
    result = run("dump", str(folder / "facts.db"))
    assert result.exit_code == 0, result.stderr
    return folder / "facts.db"


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


# -- SQLite ------------------------------------------------------------------------------


def test_dump_says_what_it_wrote(out: Path) -> None:
    result = run("dump", str(out / "facts.db"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert f"wrote {out / 'facts.db'} ({RECORDS} records)" in line
    assert str(out / "facts.metadata.json") in line
    assert sorted(p.name for p in out.iterdir()) == ["facts.db", "facts.metadata.json"]


def test_one_table_per_kind_with_every_record(database: Path) -> None:
    names = {n for (n,) in rows(database, "select name from sqlite_master where type='table'")}
    assert set(dump_tables.table_names(access.load())) <= names
    for key, records in FACTS.items():
        if key == "articles":
            continue
        ids = [i for (i,) in rows(database, f'select id from "{key}" order by rowid')]
        assert ids == [r["id"] for r in records], key
    assert {"facts", "facts_fts", "evidence", "articles", "visits_origin"} <= names
    # One article: nothing disagrees, so no table of disagreements, no column of them.
    assert "disagreements" not in names
    assert "disagrees_with" not in [c for (_, c, *_r) in rows(database, "pragma table_info(trade)")]


def test_scalar_nested_and_reference_columns(database: Path) -> None:
    (trade,) = rows(
        database,
        "select date, amount_value, amount_qualifier, record_high from trade where id = ?",
        "trade-2022",
    )
    assert trade == ("2022", 1000000000, "more than", 1)
    (visit,) = rows(
        database,
        "select destination, origin, visitors from visits where id = ?",
        "visit-kagame-2025",
    )
    assert visit == ("kazakhstan", "Rwanda", "Paul Kagame")  # a list of references: names
    linked = rows(
        database, "select country, position from visits_origin where visit = ?", "visit-kagame-2025"
    )
    assert linked == [("rwanda", 0)]
    # The column types say what the values are: sqlite-utils and pandas read them so.
    types = {c: t for (_, c, t, *_rest) in rows(database, "pragma table_info(trade)")}
    assert types["amount_value"] == "INTEGER"
    assert types["record_high"] == "INTEGER"


def test_foreign_keys_hold_and_are_declared(database: Path) -> None:
    assert rows(database, "pragma foreign_key_check") == []
    targets = {t for (_, _, t, *_rest) in rows(database, "pragma foreign_key_list(visits)")}
    assert {"countries", "places", "organizations"} <= targets
    link = {
        (t, f) for (_, _, t, f, *_rest) in rows(database, "pragma foreign_key_list(visits_origin)")
    }
    assert link == {("visits", "visit"), ("countries", "country")}
    assert {t for (_, _, t, *_r) in rows(database, "pragma foreign_key_list(evidence)")} == {
        "facts",
        "articles",
    }


def test_full_text_search_ignores_accents(database: Path) -> None:
    def search(words: str) -> list[str]:
        sql = (
            "select id from facts where rowid in"
            " (select rowid from facts_fts where facts_fts match ?) order by rowid"
        )
        return [i for (i,) in rows(database, sql, words)]

    traore = [r["id"] for r in FACTS["people"] if "Traoré" in r["name"]]
    assert traore == ["karamoko-jean-marie-traore"]
    assert set(traore) <= set(search("traore"))
    assert search("traore") == search("TRAORÉ")
    assert rows(database, "select name from facts where id = ?", traore[0]) == [
        ("Karamoko Jean-Marie Traoré",)
    ]
    # Quote texts and evidence are indexed too.
    assert "quote-kagame-learn-from-each-other" in search('"learn from each other"')
    assert search("evidence:reiterated") == ["quote-kagame-know-how"]  # the evidence column


def test_evidence_rows_locate_each_excerpt_in_the_articles_table(database: Path) -> None:
    assert rows(database, "select id, date, dateline, source, text from articles") == [
        (ARTICLE_ID, "2025-06-03", "Astana", "article.txt", ARTICLE)
    ]
    evidence = rows(database, "select record, position, article, text, start, end from evidence")
    assert len(evidence) == sum(
        len(r["evidence"]) for k, v in FACTS.items() if k != "articles" for r in v
    )
    for _record, _position, article, excerpt, start, end in evidence:
        assert article == ARTICLE_ID
        assert " ".join(ARTICLE[start:end].split()) == " ".join(excerpt.split())
    assert rows(database, MISMATCHED) == [(0,)]


# Excerpts that are not where their rows say, in their own article's text. SQLite counts
# characters as Python does: substr gives the same text.
MISMATCHED = (
    "select count(*) from evidence join articles on articles.id = evidence.article where"
    " evidence.text != substr(articles.text, evidence.start + 1, evidence.end - evidence.start)"
)


def test_every_record_names_the_article_it_cites(database: Path) -> None:
    cited = rows(database, "select distinct articles from facts union select articles from visits")
    assert cited == [(json.dumps([ARTICLE_ID]),)]


def test_opens_with_the_sqlite3_shell(database: Path) -> None:
    if shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 shell here; the sqlite3 module's tests above still ran")
    out = subprocess.run(
        ["sqlite3", str(database), "select count(*) from facts; pragma foreign_key_check;"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == [str(RECORDS)]


def test_datasette_metadata_describes_every_table_and_column(database: Path) -> None:
    metadata = json.loads(database.with_name("facts.metadata.json").read_text(encoding="utf-8"))
    assert metadata["source"] == "News article, 2025-06-03, Astana"
    tables = metadata["databases"]["facts"]["tables"]
    for (name,) in rows(
        database, "select name from sqlite_master where type='table' and name not like 'facts_fts%'"
    ):
        assert tables[name]["description"], name
        columns = [c for (_, c, *_rest) in rows(database, f'pragma table_info("{name}")')]
        for column in columns:
            assert tables[name]["columns"][column], (name, column)
    assert tables["facts"]["fts_table"] == "facts_fts"
    # Column descriptions come from the models' field docs.
    said = COLLECTIONS["visits"].model_fields["ordinal"].description or "?"
    assert tables["visits"]["columns"]["ordinal"].startswith(said.rstrip("."))
    assert tables["visits"]["columns"]["destination"].endswith("(an id in countries).")


def test_the_browse_tables_go_into_a_callers_transaction(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "shared.db", isolation_level=None)
    conn.execute("BEGIN")
    dump_tables.write_browse_tables(conn, access.load(), {ARTICLE_ID: ARTICLE})
    conn.execute("ROLLBACK")  # nothing was committed behind the caller's back
    assert conn.execute("select count(*) from sqlite_master").fetchone() == (0,)
    conn.close()


# -- JSON --------------------------------------------------------------------------------


def test_json_dump_is_the_query_commands_records(out: Path) -> None:
    target = out / "facts.json"
    result = run("dump", str(target))
    assert result.exit_code == 0, result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    assert list(data) == ["articles", *(k for k in COLLECTIONS if k in FACTS)]
    assert sum(len(v) for k, v in data.items() if k != "articles") == RECORDS
    for command, key in [
        ("visits", "visits"),
        ("trade", "trade"),
        ("people", "people"),
        ("quotes", "quotes"),
        ("missions", "missions"),
    ]:
        printed = json.loads(run(command, "--json").stdout)
        assert sorted(printed, key=lambda r: r["id"]) == sorted(data[key], key=lambda r: r["id"])
    (article,) = data["articles"]
    assert (article["id"], article["dateline"]) == (ARTICLE_ID, "Astana")
    assert data["visits"][0]["sources"] == [{"id": ARTICLE_ID, "date": "2025-06-03"}]


# -- two articles ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the dumps of two articles: two.db (and its metadata) and two.json."""
    folder = tmp_path_factory.mktemp("two")
    facts = two_articles(folder / "data")
    for name in ("two.db", "two.json"):
        result = run("--data", str(facts), "dump", str(folder / name))
        assert result.exit_code == 0, result.stderr
    return folder


def test_the_articles_table_holds_each_article_and_its_text(two: Path) -> None:
    found = rows(two / "two.db", "select id, title, date, dateline, source, text from articles")
    fictional = FICTIONAL_SOURCE.read_text(encoding="utf-8")
    assert fictional.startswith("FICTIONAL TEST TEXT")
    title = "Rwanda and Kazakhstan take the next steps"
    assert found == [
        (ARTICLE_ID, None, "2025-06-03", "Astana", "article.txt", ARTICLE),
        (FICTIONAL_ID, title, "2025-07-15", "Almaty", f"{FICTIONAL_ID}.txt", fictional),
    ]


def test_each_excerpt_is_located_in_its_own_article(two: Path) -> None:
    db = two / "two.db"
    assert rows(db, "pragma foreign_key_check") == []
    keys = {(t, f, to) for (_, _, t, f, to, *_r) in rows(db, "pragma foreign_key_list(evidence)")}
    assert ("articles", "article", "id") in keys
    assert rows(db, MISMATCHED) == [(0,)]
    # Kagame's visit, reported by both: one record, its excerpts from each article.
    sql = "select distinct article from evidence where record = ? order by position"
    assert rows(db, sql, "visit-kagame-2025") == [(ARTICLE_ID,), (FICTIONAL_ID,)]


def test_records_name_the_articles_they_cite_as_the_json_dump_does(two: Path) -> None:
    db = two / "two.db"
    data = json.loads((two / "two.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in data["articles"]] == [ARTICLE_ID, FICTIONAL_ID]
    hub = {i: json.loads(a) for i, a in rows(db, "select id, articles from facts")}
    names = dict(rows(db, "select id, name from facts"))
    citing = []  # the records that cite the fictional article
    for key, records in data.items():
        own = {} if key == "articles" else dict(rows(db, f'select id, articles from "{key}"'))
        for record in records if own else ():
            ids = [s["id"] for s in record["sources"]]
            assert hub[record["id"]] == json.loads(own[record["id"]]) == ids, record["id"]
            assert names[record["id"]] == describe(record)  # the command line's one line
            citing += [record["id"]] if FICTIONAL_ID in ids else []
    assert hub["visit-kagame-2025"] == [ARTICLE_ID, FICTIONAL_ID]
    assert hub["trade-2024-fictional"] == [FICTIONAL_ID]
    # SQLite's JSON functions find the records that cite one article.
    sql = "select facts.id from facts, json_each(facts.articles) where json_each.value = ?"
    assert sorted(i for (i,) in rows(db, sql, FICTIONAL_ID)) == sorted(citing)


def test_records_that_disagree_name_each_other(two: Path) -> None:
    db = two / "two.db"
    trade = dict(rows(db, "select id, disagrees_with from trade"))
    assert (trade["trade-2024"], trade["trade-2024-fictional"]) == (
        "trade-2024-fictional",
        "trade-2024",
    )
    assert trade["trade-2022"] is None
    assert rows(db, "select record, disagrees_with, kind from disagreements") == [
        ("trade-2024", "trade-2024-fictional", "trade")
    ]
    data = json.loads((two / "two.json").read_text(encoding="utf-8"))
    said = {r["id"]: r["disagrees_with"] for r in data["trade"]}
    assert said["trade-2024-fictional"] == ["trade-2024"]
    assert said["trade-2024"] == ["trade-2024-fictional"]


def test_the_metadata_names_both_articles(two: Path) -> None:
    metadata = json.loads((two / "two.metadata.json").read_text(encoding="utf-8"))
    assert metadata["source"] == "News articles: 2025-06-03, Astana; 2025-07-15, Almaty"
    assert metadata["description"].startswith("Facts from 2 news articles")
    tables = metadata["databases"]["two"]["tables"]
    assert {"array": "articles"} in tables["facts"]["facets"]
    assert {"array": "articles"} in tables["visits"]["facets"]
    assert tables["articles"]["columns"]["title"]
    assert tables["disagreements"]["columns"]["disagrees_with"]


# -- refusing, replacing, atomicity ------------------------------------------------------


@pytest.mark.parametrize("name", ["facts.db", "facts.sqlite", "facts.json", "facts.metadata.json"])
def test_an_existing_file_is_kept_without_force(out: Path, name: str) -> None:
    existing = out / name
    existing.write_text("mine", encoding="utf-8")
    target = "facts.db" if name == "facts.metadata.json" else name
    line = one_line_error(run("dump", str(out / target)), 2)
    assert "exists; add --force" in line
    assert existing.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == [name]


def test_force_replaces(out: Path) -> None:
    target = out / "facts.db"
    target.write_text("old", encoding="utf-8")
    result = run("dump", str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert rows(target, "select count(*) from facts") == [(RECORDS,)]


@pytest.mark.parametrize("name", ["facts.csv", "facts", "facts.db.bak"])
def test_an_unknown_extension_is_a_usage_error(out: Path, name: str) -> None:
    line = one_line_error(run("dump", str(out / name)), 2)
    assert ".db" in line
    assert ".sqlite" in line
    assert ".json" in line
    assert list(out.iterdir()) == []


def test_a_folder_or_a_missing_folder_is_a_usage_error(out: Path) -> None:
    (out / "x.db").mkdir()
    assert "is a folder" in one_line_error(run("dump", str(out / "x.db"), "--force"), 2)
    line = one_line_error(run("dump", str(out / "no" / "x.json")), 2)
    assert "cannot write" in line


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), sqlite3.OperationalError("disk I/O")])
def test_a_failed_dump_leaves_no_temporary_file(
    out: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    target = out / "facts.db"
    target.write_text("the old one", encoding="utf-8")

    def half_then_fail(conn: sqlite3.Connection, *args: Any) -> None:
        conn.execute("create table half (x)")
        raise failure

    monkeypatch.setattr(dump, "write_browse_tables", half_then_fail)
    result = run("dump", str(target), "--force")
    interrupted = isinstance(failure, KeyboardInterrupt)
    assert result.exit_code == (130 if interrupted else 74), result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["facts.db"]
    assert target.read_text(encoding="utf-8") == "the old one"


def test_the_written_file_has_ordinary_permissions(out: Path) -> None:
    result = run("dump", str(out / "facts.json"))
    assert result.exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert (out / "facts.json").stat().st_mode & 0o777 == 0o666 & ~mask


def test_invalid_data_is_reported_and_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SHIPPED.replace("  dateline: Astana", "  dateline: 7"), encoding="utf-8")
    result = run("--data", str(bad), "dump", str(tmp_path / "out.db"))
    assert result.exit_code == 1
    assert "articles.0.dateline" in result.stderr
    assert not (tmp_path / "out.db").exists()


# -- a real Datasette --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def datasette(database: Path) -> Iterator[str]:
    """A Datasette on 127.0.0.1 serving ``database`` with its metadata; always stopped."""
    pytest.importorskip("datasette", reason="datasette is not installed (pip install '.[test]')")
    port = _free_port()
    metadata = database.with_name("facts.metadata.json")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(database),
            "--metadata",
            str(metadata),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    err = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"datasette did not start: {err[-500:]}")
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_datasette_serves_rwandas_visits(database: Path) -> None:
    expected = sorted(
        r["id"] for r in json.loads(run("visits", "--country", "Rwanda", "--json").stdout)
    )
    sql = (
        "select id from visits where destination = :c"
        " union select visit from visits_origin where country = :c order by 1"
    )
    with datasette(database) as base:
        query = urllib.parse.urlencode({"sql": sql, "c": "rwanda", "_shape": "arrayfirst"})
        assert get(f"{base}/facts.json?{query}") == expected
        # The table API with the link table, and the search box's full-text search.
        linked = get(f"{base}/facts/visits_origin.json?country=rwanda&_shape=array")
        assert {r["visit"] for r in linked} <= set(expected)
        found = get(f"{base}/facts/facts.json?_search=traore&_shape=array")
        assert "karamoko-jean-marie-traore" in [r["id"] for r in found]
        assert get(f"{base}/-/metadata.json")["title"].startswith("kzafrica")
