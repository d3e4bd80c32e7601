"""A dump as a Datasette reader sees it (issue #18): names rather than JSON, every row
named, a record's evidence on its own page, the trade figures as numbers, undated rows
last, no empty columns, descriptions that read right, the store's own tables out of the
way and search results best first. One Datasette, in this process, for the module: its
JSON API and its HTML pages."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kzafrica.cli import app

datasette_app = pytest.importorskip(
    "datasette.app", reason="datasette is not installed (pip install '.[test]')"
)

RUNNER = CliRunner()
# The tables of the store's own format (kzafrica.store.sqlite_store).
CORE = ("kz_meta", "kz_collections", "kz_records", "kz_links")


class Reader:
    """A Datasette serving one dump with its metadata, asked as a browser would."""

    def __init__(self, database: Path) -> None:
        metadata = json.loads(database.with_name("facts.metadata.json").read_text("utf-8"))
        self.database = database
        self.metadata = metadata
        # No threads of its own (num_sql_threads 0): the tests after these must find this
        # process alone, or kzafrica.store.parallel never forks.
        self.ds = datasette_app.Datasette(
            files=[str(database)], metadata=metadata, settings={"num_sql_threads": 0}
        )

    def response(self, path: str) -> Any:
        return asyncio.run(self.ds.client.get(path))

    def page(self, path: str) -> str:
        response = self.response(path)
        assert response.status_code == 200, (path, response.status_code)
        return str(response.text)

    def json(self, path: str) -> Any:
        response = self.response(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    def rows(self, table: str, query: str = "") -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.json(
            f"/facts/{table}.json?_shape=array&_size=max{'&' if query else ''}{query}"
        )
        return found

    def visible_tables(self) -> list[str]:
        return [t["name"] for t in self.json("/facts.json")["tables"] if not t["hidden"]]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    folder = tmp_path_factory.mktemp("datasette")
    result = RUNNER.invoke(app.app, ["dump", str(folder / "facts.db")])
    assert result.exit_code == 0, result.stderr
    threads = threading.active_count()
    yield Reader(folder / "facts.db")
    assert threading.active_count() == threads


def cli(*args: str) -> list[dict[str, Any]]:
    result = RUNNER.invoke(app.app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    printed: list[dict[str, Any]] = json.loads(result.stdout)
    return printed


def links(page: str) -> list[tuple[str, str]]:
    """Every link on a page: (where to, its text)."""
    return [
        (html.unescape(href), html.unescape(text.strip()))
        for href, text in re.findall(r'<a href="([^"]+)">([^<]*)</a>', page)
    ]


# -- 1. names, not JSON; every row named --------------------------------------------------


def test_lists_of_references_read_as_names(reader: Reader) -> None:
    (visit,) = reader.rows("visits", "id=visit-kagame-2025")
    assert visit["origin"] == "Rwanda"
    assert visit["visitors"] == "Paul Kagame"
    (meeting,) = reader.rows("events", "id=meeting-kagame-tokayev-2025-05-28")
    names = {
        p["name"] for p in cli("people") if p["id"] in ("paul-kagame", "kassym-jomart-tokayev")
    }
    assert set(meeting["people"].split(", ")) == names
    for table in ("visits", "events", "goods"):
        for row in reader.rows(table):
            for column, value in row.items():
                assert not (isinstance(value, str) and value.startswith(("[", "{"))), (
                    table,
                    column,
                    value,
                )


def test_links_to_a_visit_read_as_the_visit(reader: Reader) -> None:
    (link,) = reader.rows("visits_origin", "visit=visit-kagame-2025&_labels=on")
    assert link["visit"] == {
        "value": "visit-kagame-2025",
        "label": "Paul Kagame (Rwanda) → Kazakhstan: visit",
    }
    assert link["country"] == {"value": "rwanda", "label": "Rwanda"}
    # Every table with a one-column key names its rows with a column of text.
    for table in reader.visible_tables():
        meta = reader.json(f"/facts/{table}.json?_size=1")
        if len(meta["primary_keys"]) == 1:
            label = reader.metadata["databases"]["facts"]["tables"][table]["label_column"]
            row = reader.rows(table, "_size=1")[0]
            assert isinstance(row[label], str), table
            assert row[label], table


def test_the_link_tables_facet_by_name(reader: Reader) -> None:
    facets = reader.json("/facts/visits_origin.json")["facet_results"]
    results = {r["label"]: r["count"] for r in facets["country"]["results"]}
    assert results["Rwanda"] == sum(
        1 for v in cli("visits") if "rwanda" in [c["id"] for c in v["origin"]]
    )


# -- 3. a record's evidence on, or one link from, its own page ---------------------------


def test_a_visits_page_shows_its_evidence_and_links_to_its_countries(reader: Reader) -> None:
    (record,) = [v for v in cli("visits") if v["id"] == "visit-kagame-2025"]
    page = reader.page("/facts/visits/visit-kagame-2025")
    for excerpt in record["evidence"]:
        assert excerpt in html.unescape(page)
    found = dict(links(page))
    assert "/facts/visits_origin?visit=visit-kagame-2025" in found
    # One link on, the countries themselves, by name.
    origin = dict(links(reader.page("/facts/visits_origin?visit=visit-kagame-2025")))
    assert origin["/facts/countries/rwanda"] == "Rwanda"
    (row,) = reader.rows("visits", "id=visit-kagame-2025")
    assert row["evidence"].splitlines() == record["evidence"]


# -- 2. the trade figures ----------------------------------------------------------------


def test_trade_amounts_are_columns_of_numbers_that_sort(reader: Reader) -> None:
    rows = reader.rows("trade", "_sort_desc=amount_value")
    printed = {t["id"]: t["amount"] for t in cli("trade")}
    assert [r["id"] for r in rows] == sorted(printed, key=lambda i: -printed[i]["value"])
    for row in rows:
        amount = printed[row["id"]]
        assert isinstance(row["amount_value"], int)
        assert row["amount_value"] == amount["value"]
        assert row["amount_currency"] == amount["currency"]
        assert row["amount_qualifier"] == amount["qualifier"]
        assert row["amount_as_stated"] == amount["as_stated"]
        assert "amount" not in row


# -- 5. undated last ---------------------------------------------------------------------


@pytest.mark.parametrize("table", ["quotes", "visits", "trade", "missions"])
def test_date_sorted_pages_list_the_undated_last_as_the_cli_does(
    reader: Reader, table: str
) -> None:
    ids = [r["id"] for r in reader.rows(table)]
    assert ids == [r["id"] for r in cli(table)]
    if table == "quotes":
        dated = [bool(r["date"]) for r in reader.rows(table)]
        assert dated == sorted(dated, reverse=True)
        assert not all(dated)
    page = reader.page(f"/facts/{table}")
    assert "sorted by date_order" in page
    # The only date sort offered is the one that keeps the undated last.
    sorts = [href for href, _ in links(page) if "_sort" in href]
    assert not [href for href in sorts if re.search(r"_sort(_desc)?=date(&|$)", href)]


# -- 4. nothing empty everywhere; descriptions that read right -----------------------------


def test_no_column_is_empty_in_every_row(reader: Reader) -> None:
    for table in reader.visible_tables():
        rows = reader.rows(table)
        assert rows, table
        for column in rows[0]:
            assert any(r[column] not in (None, "") for r in rows), (table, column)
        assert "occurrences" not in rows[0], table


def test_column_descriptions_read_as_a_table_shows_its_values(reader: Reader) -> None:
    said: dict[tuple[str, str], str] = {}
    for table in reader.visible_tables():
        page = reader.page(f"/facts/{table}?_size=1")
        for description, column in re.findall(
            r'<th data-column-description="([^"]*)"[^>]*data-column="([^"]+)"', page
        ):
            said[table, column] = html.unescape(description)
        keys = reader.json(f"/facts/{table}.json?_size=1")["primary_keys"]
        rows = reader.rows(table, "_size=1")
        # (Datasette shows no description over a one-column key: the link to the row.)
        shown = set(rows[0]) - (set(keys) if len(keys) == 1 else set())
        assert shown <= {c for t, c in said if t == table}, table
    assert said["visits", "level"].startswith("One of head of state, minister, envoy")
    for (table, column), text in said.items():
        for wrong in ("None", "True", "False", "JSON", "`", "a list of"):
            assert wrong not in text, (table, column, text)
        assert text.endswith("."), (table, column, text)
        assert text[0].isupper() or text[0].isdigit(), (table, column, text)


# -- 6. the store's own tables out of the way; the database described; search best first --


def test_the_database_page_shows_its_description_and_not_the_store_tables(
    reader: Reader,
) -> None:
    page = reader.page("/facts")
    about = reader.metadata["databases"]["facts"]["description"]
    assert about in html.unescape(page)
    for table in CORE:
        assert table not in page
    tables = {t["name"]: t["hidden"] for t in reader.json("/facts.json")["tables"]}
    assert all(tables[t] for t in CORE)
    assert {"facts", "visits", "visits_origin", "evidence", "article"} <= {
        t for t, hidden in tables.items() if not hidden
    }


def test_tools_list_the_browsing_tables_first(reader: Reader) -> None:
    with contextlib.closing(sqlite3.connect(reader.database)) as conn:
        order = [n for (n,) in conn.execute("select name from sqlite_master where type='table'")]
    assert order[0] == "facts"
    first_core = min(order.index(t) for t in CORE)
    assert order[first_core:] == list(CORE)


def test_search_lists_the_best_matches_first(reader: Reader) -> None:
    found = reader.json("/facts/search.json?words=kagame&_shape=array")
    ids = [r["id"] for r in found]
    assert ids[0] == "paul-kagame"  # his own name, ahead of the records that mention him
    table = reader.rows("facts", "_search=kagame")
    assert sorted(ids) == sorted(r["id"] for r in table)
    # Accents and case do not matter; the form as it opens finds nothing, and no error.
    accented = reader.json("/facts/search.json?words=TRAORE&_shape=array")
    assert accented[0]["id"] == "karamoko-jean-marie-traore"
    assert reader.json("/facts/search.json?words=&_shape=array") == []
