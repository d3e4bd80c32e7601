"""Values the article only implies say so: a record cites only sentences about itself, and a
value taken from another record or from a name is listed in its `derived` entries.

The shipped facts are read through the real loader; the rules are checked on every record
that could break them, and each check is shown to catch a record that does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import SHIPPED
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.factfile import models, records
from kzafrica.factfile.errors import DataError
from kzafrica.factfile.references import FROM_WORDS
from kzafrica.store import access, firstrun

ROOT = Path(__file__).resolve().parents[1]
RUNNER = CliRunner()
FORUM = "Astana International Forum"
GUESTS = ("visit-ogunwusi-forum-2025", "visit-joly-forum-2025", "visit-zerbo-forum-2025")


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return access.validate("facts.yaml", (ROOT / "facts.yaml").read_bytes()).facts


@pytest.fixture(scope="module")
def index(facts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for key in models.COLLECTIONS for r in facts[key]}


def derived(record: dict[str, Any], field: str) -> list[str]:
    """Where ``record`` says its ``field`` comes from."""
    return [d["from"] for d in record["derived"] if d["field"] == field]


def said(record: dict[str, Any]) -> str:
    return " ".join(record["evidence"])


# -- every derived entry is sound --------------------------------------------------------


def test_every_derived_value_is_set_and_comes_from_somewhere(
    facts: dict[str, Any], index: dict[str, dict[str, Any]]
) -> None:
    entries = 0
    for key in models.COLLECTIONS:
        for record in facts[key]:
            for entry in record["derived"]:
                entries += 1
                assert record.get(entry["field"]) not in (None, [], False), record["id"]
                assert entry["from"] in FROM_WORDS or entry["from"] in index, record["id"]
                assert entry["from"] != record["id"]
                assert entry["why"].strip()
    assert entries >= 40  # the guests, the names, the "he added" quotes, the past two years


def shipped_with(*edits: tuple[str, str]) -> bytes:
    text = SHIPPED
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode("utf-8")


EXPO_FROM = "        from: name\n        why: '2017, in its name; no sentence dates it'"


def test_a_derived_value_from_an_unknown_record_is_reported_at_its_line() -> None:
    data = shipped_with((EXPO_FROM, EXPO_FROM.replace("from: name", "from: expo-2071")))
    assert firstrun.check("facts.yaml", data) is None  # the fast path leaves it to the models
    assert firstrun.rows("facts.yaml", data) is None
    with pytest.raises(DataError) as caught:
        access.validate("facts.yaml", data)
    (problem,) = caught.value.problems
    assert problem.line == SHIPPED[: SHIPPED.index(EXPO_FROM)].count("\n") + 1
    assert problem.path[0] == "events"
    assert problem.path[2:] == ("derived", 0, "from")
    assert "'expo-2017' derives a value from unknown id 'expo-2071'" in problem.message


def test_an_unknown_source_is_reported_beside_other_problems() -> None:
    # Pydantic stops before the file's own checks: the raw data is checked for them too.
    data = shipped_with(
        (EXPO_FROM, EXPO_FROM.replace("from: name", "from: expo-2071")),
        ("    title: EXPO 2017\n", "    title: EXPO 2017\n    year: 2017\n"),
    )
    with pytest.raises(DataError) as caught:
        access.validate("facts.yaml", data)
    messages = [p.message for p in caught.value.problems]
    assert any("unknown field" in m for m in messages)
    assert any("unknown id 'expo-2071'" in m for m in messages)


def test_a_derived_value_from_an_existing_record_takes_the_fast_path() -> None:
    data = shipped_with((EXPO_FROM, EXPO_FROM.replace("from: name", "from: astana")))
    fast = firstrun.check("facts.yaml", data)
    assert fast is not None
    (expo,) = [e for e in fast.facts["events"] if e["id"] == "expo-2017"]
    assert expo["derived"][0]["from"] == "astana"


# -- the points --------------------------------------------------------------------


def test_forum_guests_cite_only_the_sentence_about_them(
    facts: dict[str, Any], index: dict[str, dict[str, Any]]
) -> None:
    for guest in GUESTS:
        visit = index[guest]
        assert "addressed" not in said(visit), guest  # Kagame's sentence is his, not theirs
        assert "The big forum was also attended by" in said(visit), guest
        assert derived(visit, "date") == ["address-kagame-aif-2025-05-29"], guest
        assert derived(visit, "occasion") == ["address-kagame-aif-2025-05-29"], guest
        assert derived(visit, "place") == ["astana-international-forum"], guest
        assert visit["approximate"] is True


def test_a_record_cites_addresses_only_of_its_own(facts: dict[str, Any]) -> None:
    # Only Kagame's visit and address, the forum itself and his quote may cite his address.
    citing = {
        r["id"]
        for key in models.COLLECTIONS
        for r in facts[key]
        if "addressed the Astana International Forum" in said(r)
    }
    assert citing == {
        "visit-kagame-2025",
        "address-kagame-aif-2025-05-29",
        "astana-international-forum",
        "quote-kagame-know-how",
    }


def test_a_place_comes_from_the_records_words_or_says_where_from(facts: dict[str, Any]) -> None:
    places = {p["id"]: p["name"] for p in facts["places"]}
    checked = 0
    for key in ("organizations", "visits", "events"):
        for record in facts[key]:
            if record.get("place") is None:
                continue
            checked += 1
            words = said(record).replace(FORUM, "")  # the forum's name places nothing
            if places[record["place"]] not in words:
                assert derived(record, "place"), record["id"]
    assert checked >= 10


def test_labels_and_parents_from_a_name_say_so(index: dict[str, dict[str, Any]]) -> None:
    for org in ("kazakh-foreign-ministry", "samruk-kazyna", FORUM.lower().replace(" ", "-")):
        assert derived(index[org], "type") == ["name"], org
    for body in ("un-security-council", "un-sdg-hub"):
        assert derived(index[body], "type") == derived(index[body], "parent") == ["name"]
    assert derived(index["expo-2017"], "date") == ["name"]
    # From context alone: no label at all.
    assembly = index["un-general-assembly"]
    assert assembly["type"] is None
    assert assembly["parent"] is None


def test_the_sdg_hub_establishment_has_no_status(index: dict[str, dict[str, Any]]) -> None:
    # The article says only that African countries supported the initiative.
    establishment = index["establishment-un-sdg-hub"]
    assert establishment["status"] is None or derived(establishment, "status")


def test_initiatives_were_mentioned_as_the_article_says(facts: dict[str, Any]) -> None:
    for initiative in facts["initiatives"]:
        assert "announced_by" not in initiative
        assert initiative["mentioned_by"] == "aibek-smadiyarov"
        assert "Smadiyarov mentioned" in said(initiative)
    assert "announced_by" not in records.Initiative.model_fields


def test_the_fifteen_years_since_the_last_grain_shipment_are_a_figure(
    facts: dict[str, Any],
) -> None:
    (figure,) = [f for f in facts["figures"] if f["value"] == 15]
    assert "Kazakh grain" in figure["subject"]
    assert "the first shipment of Kazakh grain in 15 years" in said(figure)


def test_a_person_a_record_names_is_in_its_words_or_says_where_from(
    facts: dict[str, Any],
) -> None:
    # "he added", "He pointed to", "the Kazakh official", "his": who, from another record.
    surnames = {p["id"]: p["name"].split()[-1] for p in facts["people"]}
    checked = 0
    for key in models.COLLECTIONS:
        for record in facts[key]:
            for field in ("speaker", "named_by", "mentioned_by", "visitors"):
                value = record.get(field)
                for person in value if isinstance(value, list) else [value]:
                    if person is None:
                        continue
                    checked += 1
                    if surnames[person] not in said(record):
                        assert derived(record, field), (record["id"], field)
    assert checked >= 40


def test_said_records_cite_only_their_own_sentences(facts: dict[str, Any]) -> None:
    # A quote or statement cites the sentence its words stand in, never the one before it.
    article = " ".join(access.packaged_article().split())
    for record in facts["quotes"] + facts["statements"]:
        start = article.index(" ".join(record["text"].split()))
        for excerpt in record["evidence"]:
            at = article.index(" ".join(excerpt.split()))
            between = article[min(at, start) : max(at, start)]
            assert not re.search(r"[.?!]”? [A-Z“]", between), (record["id"], excerpt)


def test_show_prints_and_json_carries_and_fields_lists_derived() -> None:
    shown = RUNNER.invoke(app.app, ["show", "expo-2017"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    assert "field: date, from: name, why: 2017, in its name" in shown.stdout
    listed = RUNNER.invoke(app.app, ["visits", "--fields"])
    assert re.search(r"^  derived +The values the article only implies", listed.stdout, re.M)
    assert "{field, from, why}" in listed.stdout
    as_json = RUNNER.invoke(app.app, ["show", "visit-joly-forum-2025", "--json"])
    entries = json.loads(as_json.stdout)["derived"]
    assert {"field": "place", "from": "astana-international-forum"}.items() <= entries[2].items()
    initiatives = json.loads(RUNNER.invoke(app.app, ["initiatives", "--json"]).stdout)
    assert all(i["mentioned_by"]["id"] == "aibek-smadiyarov" for i in initiatives)
