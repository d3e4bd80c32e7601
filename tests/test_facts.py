"""The shipped fact base tells the truth: every excerpt is the article's, every code is ISO's.

These tests read facts.yaml through the real loader and compare it with the shipped copy of
the article; none of them knows an answer in advance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pycountry
import pytest

from kzafrica import models, store
from kzafrica.factbase import Facts

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "article.txt"  # the project's hand-over copy

# Fields whose text must be the article's own words, wherever they occur.
VERBATIM = ("evidence", "as_stated", "note", "text", "description", "role")


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return store.validate("facts.yaml", (ROOT / "facts.yaml").read_bytes()).facts


@pytest.fixture(scope="module")
def article() -> str:
    return squash(store.packaged_article())


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, field, text) for every string under a verbatim field."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in VERBATIM:
                for text in item if isinstance(item, list) else [item]:
                    if isinstance(text, str):
                        yield f"{path}.{key}", key, text
            else:
                yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            label = item.get("id", index) if isinstance(item, dict) else index
            yield from strings(item, f"{path}[{label}]")


def test_package_copy_of_facts_is_the_repository_file() -> None:
    assert store.packaged_facts().read_bytes() == (ROOT / "facts.yaml").read_bytes()


@pytest.mark.skipif(
    not SEED.exists(), reason="the hand-over copy of the article is not beside the repo"
)
def test_shipped_article_is_the_handed_over_article() -> None:
    assert store.packaged_article() == SEED.read_text(encoding="utf-8")


def test_every_verbatim_field_occurs_in_the_article(facts: dict[str, Any], article: str) -> None:
    checked = 0
    missing = []
    for path, _, text in strings(facts):
        checked += 1
        if squash(text) not in article:
            missing.append(f"{path}: {text!r}")
    assert not missing, "not in the article:\n" + "\n".join(missing)
    assert checked > 150  # the walk really visited the records


def test_every_record_has_evidence(facts: dict[str, Any]) -> None:
    for key in models.COLLECTIONS:
        for record in facts[key]:
            assert record["evidence"], record["id"]
            assert all(e.strip() for e in record["evidence"]), record["id"]


@pytest.mark.parametrize("record_key", ["countries", "people", "visits", "trade", "quotes"])
def test_collections_are_not_empty(facts: dict[str, Any], record_key: str) -> None:
    assert facts[record_key]


def test_country_codes_are_real_iso_3166_codes_whose_names_match(facts: dict[str, Any]) -> None:
    for country in facts["countries"]:
        iso = pycountry.countries.get(alpha_2=country["code"])
        assert iso is not None, country["code"]
        assert iso.alpha_3 == country["code3"]
        official = {iso.name, getattr(iso, "official_name", ""), getattr(iso, "common_name", "")}
        assert {country["name"], *country["aliases"]} & official, (country["name"], official)


def test_every_country_the_article_names_is_in_the_fact_base(
    facts: dict[str, Any], article: str
) -> None:
    # Independent of facts.yaml: every ISO country name that appears in the article.
    def says(name: str) -> bool:  # a whole name: "Guinea" inside "Guinea-Bissau" is not Guinea
        return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", article) is not None

    named = {
        c.alpha_2
        for c in pycountry.countries
        if says(c.name) or says(getattr(c, "common_name", c.name))
    }
    assert named <= {c["code"] for c in facts["countries"]}
    assert {"KZ", "RW", "MA"} <= named


def test_every_quotation_in_the_article_is_a_quote_record(
    facts: dict[str, Any], article: str
) -> None:
    quoted = [squash(q).rstrip(",") for q in re.findall(r"“([^”]+)”", article)]
    texts = {squash(q["text"]) for q in facts["quotes"]}
    assert quoted
    assert [q for q in quoted if q.rstrip(".") not in texts] == []
    assert len(texts) == len(quoted)


def test_amounts_keep_the_article_qualifiers(facts: dict[str, Any]) -> None:
    by_words = {t["amount"]["as_stated"]: t["amount"] for t in facts["trade"]}
    assert by_words["around $100 million"]["qualifier"] == "around"
    assert by_words["around $100 million"]["value"] == 100_000_000
    assert by_words["surpassed $1 billion"]["qualifier"] == "more than"
    assert by_words["$783 million"]["value"] == 783_000_000
    for amount in by_words.values():
        assert amount["currency"] == "USD"


def test_people_keep_former_and_special_representative(facts: dict[str, Any]) -> None:
    people = {p["name"]: p for p in facts["people"]}
    assert people["Lassina Zerbo"]["former"] is True
    assert "special representative" in people["Françoise Joly"]["role"]
    assert sum(p["former"] for p in facts["people"]) == 1


def test_planned_visits_are_marked_planned(facts: dict[str, Any], article: str) -> None:
    planned = [v for v in facts["visits"] if v["status"] == "planned"]
    assert planned
    for visit in planned:
        words = " ".join(visit["evidence"])
        assert "expected" in words or "set to welcome" in words


def test_dates_completed_from_the_dateline_are_in_the_article_year(facts: dict[str, Any]) -> None:
    # "May 28" -> 2025-05-28: a full date must be written in the article as that month and day.
    months = "January February March April May June July August September October November December"
    for key in ("visits", "events", "quotes"):
        for record in facts[key]:
            date = record.get("date")
            if isinstance(date, str) and len(date) == 10 and not record.get("approximate"):
                month = months.split()[int(date[5:7]) - 1]
                day = str(int(date[8:10]))
                said = " ".join(record["evidence"])
                assert f"{month} {day}" in said, record["id"]


def test_references_resolve_for_every_record(facts: dict[str, Any]) -> None:
    dataset = store.validate("facts.yaml", (ROOT / "facts.yaml").read_bytes())
    index = Facts(dataset)
    for key, record in index.all():
        for _, target in index.referenced(key, record):
            assert index.get(target) is not None
