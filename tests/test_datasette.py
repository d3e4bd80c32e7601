"""A dump as a Datasette reader sees it (issue #18): names rather than JSON, every row
named, a record's evidence on its own page, the trade figures as numbers, undated rows
last, no empty columns, descriptions that read right, the store's own tables out of the
way and search results best first; with two articles, records faceted by article, each
excerpt linked to its article, and the records that disagree paired. One Datasette, in
this process, for each dump (the shipped article; it and a second one): its JSON API and
its HTML pages."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from articles import FICTIONAL_ID, two_articles
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.store.factbase import describe

datasette_app = pytest.importorskip(
    "datasette.app", reason="datasette is not installed (pip install '.[test]')"
)

RUNNER = CliRunner()
# The tables of the store's own format (kzafrica.store.sqlite_store).
CORE = ("kz_meta", "kz_collections", "kz_records", "kz_links")


class Reader:
    """A Datasette serving one dump with its metadata, asked as a browser would."""

    def __init__(self, database: Path, data: list[str]) -> None:
        metadata = json.loads(database.with_name("facts.metadata.json").read_text("utf-8"))
        self.database = database
        self.data = data  # the options that give the command line the dump's facts
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

    def cli(self, *args: str) -> list[dict[str, Any]]:
        """What the command line prints as JSON for the dump's facts."""
        result = RUNNER.invoke(app.app, [*self.data, *args, "--json"])
        assert result.exit_code == 0, result.stderr
        printed: list[dict[str, Any]] = json.loads(result.stdout)
        return printed


ONE, TWO = "one article", "two articles"


def _dump(folder: Path, articles: str) -> tuple[Path, list[str]]:
    """A dump of the shipped article (``ONE``) or of it and the fictional one (``TWO``),
    and the options that give the command line the same facts."""
    folder.mkdir()
    data: list[str] = []
    if articles == TWO:
        data = ["--data", str(two_articles(folder / "data"))]
    result = RUNNER.invoke(app.app, [*data, "dump", str(folder / "facts.db")])
    assert result.exit_code == 0, result.stderr
    return folder / "facts.db", data


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, list[str]]]:
    """Each dump, made when first asked for."""
    folder = tmp_path_factory.mktemp("datasette")
    made: dict[str, tuple[Path, list[str]]] = {}

    def dump(articles: str) -> tuple[Path, list[str]]:
        if articles not in made:
            made[articles] = _dump(folder / articles.replace(" ", "-"), articles)
        return made[articles]

    return dump


@pytest.fixture(scope="module", params=[ONE, TWO])
def reader(
    dumps: Callable[[str], tuple[Path, list[str]]], request: pytest.FixtureRequest
) -> Iterator[Reader]:
    """Each dump as a reader sees it: what holds for one article holds for two."""
    made = dumps(request.param)
    threads = threading.active_count()
    yield Reader(*made)
    assert threading.active_count() == threads


@pytest.fixture(scope="module")
def two(dumps: Callable[[str], tuple[Path, list[str]]]) -> Reader:
    """The dump of two articles."""
    return Reader(*dumps(TWO))


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
        p["name"]
        for p in reader.cli("people")
        if p["id"] in ("paul-kagame", "kassym-jomart-tokayev")
    }
    assert set(meeting["people"].split(", ")) == names
    articles = {r["id"] for r in reader.rows("articles")}
    for table in ("visits", "events", "goods"):
        for row in reader.rows(table):
            # The one array: what Datasette's array facet reads (the ids of the articles).
            cited = json.loads(row.pop("articles"))
            assert cited
            assert set(cited) <= articles
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
        1 for v in reader.cli("visits") if "rwanda" in [c["id"] for c in v["origin"]]
    )


# -- 3. a record's evidence on, or one link from, its own page ---------------------------


def test_a_visits_page_shows_its_evidence_and_links_to_its_countries(reader: Reader) -> None:
    (record,) = [v for v in reader.cli("visits") if v["id"] == "visit-kagame-2025"]
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
    printed = {t["id"]: t["amount"] for t in reader.cli("trade")}
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
    assert ids == [r["id"] for r in reader.cli(table)]
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
    assert {"facts", "visits", "visits_origin", "evidence", "articles"} <= {
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


# -- 7. two articles: records by article, excerpts by article, disagreements ----------------


@pytest.mark.parametrize("table", ["facts", "visits", "countries", "trade"])
def test_records_facet_by_the_articles_they_cite(two: Reader, table: str) -> None:
    facet = two.json(f"/facts/{table}.json?_size=0")["facet_results"]["articles"]
    assert facet["type"] == "array"
    counts = {r["value"]: r["count"] for r in facet["results"]}
    for article in (r["id"] for r in two.rows("articles")):
        if table == "facts":  # every kind at once: as each kind's own table says
            kinds = {r["collection"] for r in two.rows(table)}
            rows = [r for kind in kinds for r in two.rows(kind)]
            citing = sorted(r["id"] for r in rows if article in json.loads(r["articles"]))
        else:  # as the command line's --article picks them
            citing = sorted(r["id"] for r in two.cli(table, "--article", article))
        assert counts.get(article, 0) == len(citing), (table, article)
        (chosen,) = [r for r in facet["results"] if r["value"] == article]
        query = chosen["toggle_url"].split("?", 1)[1]
        shown = two.rows(table, query.replace("_size=0&", ""))
        assert sorted(r["id"] for r in shown) == citing, (table, article)
    visit = two.rows("visits", "id=visit-kagame-2025")[0]
    assert json.loads(visit["articles"]) == ["astana-2025-06-03", FICTIONAL_ID]


def test_an_articles_page_links_to_its_excerpts(two: Reader) -> None:
    excerpts = two.rows("evidence", f"article={FICTIONAL_ID}&_labels=on")
    assert excerpts
    assert {r["article"]["value"] for r in excerpts} == {FICTIONAL_ID}
    page = {
        href: " ".join(text.split())
        for href, text in links(two.page(f"/facts/articles/{FICTIONAL_ID}"))
    }
    assert page[f"/facts/evidence?article={FICTIONAL_ID}"] == f"{len(excerpts)} rows"
    # The excerpts' table links each to its article and its record, by name.
    found = links(two.page(f"/facts/evidence?article={FICTIONAL_ID}"))
    assert (f"/facts/articles/{FICTIONAL_ID}", FICTIONAL_ID) in found
    visit = next(v for v in two.cli("visits") if v["id"] == "visit-kagame-2025")
    assert ("/facts/facts/visit-kagame-2025", describe(visit)) in found
    facet = two.json("/facts/evidence.json?_size=0")["facet_results"]["article"]["results"]
    assert {r["value"]: r["count"] for r in facet}[FICTIONAL_ID] == len(excerpts)


def test_records_that_disagree_stand_side_by_side_and_are_paired(two: Reader) -> None:
    (pair,) = two.rows("disagreements", "_labels=on")
    assert pair["record"] == {
        "value": "trade-2024",
        "label": "trade with African countries: $783 million",
    }
    assert pair["disagrees_with"] == {
        "value": "trade-2024-fictional",
        "label": "trade with African countries: $812 million",
    }
    assert pair["kind"] == "trade"
    trade = [(r["id"], r["disagrees_with"]) for r in two.rows("trade")]
    at = [i for i, _ in trade].index("trade-2024")
    assert trade[at : at + 2] == [
        ("trade-2024", "trade-2024-fictional"),
        ("trade-2024-fictional", "trade-2024"),
    ]
    # A record's own page in the facts table links to its pair.
    found = dict(links(two.page("/facts/facts/trade-2024")))
    assert "/facts/disagreements?record=trade-2024" in found


def test_the_database_names_its_articles(two: Reader) -> None:
    about = two.json("/-/metadata.json")
    assert about["source"] == "News articles: 2025-06-03, Astana; 2025-07-15, Almaty"
    page = html.unescape(two.page("/facts"))
    assert "Facts from 2 news articles" in page
    assert "disagreements" in page
