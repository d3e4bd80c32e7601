"""Model invariants and the small date parser, on records built in the test."""

from __future__ import annotations

import datetime as dt
import json
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.factfile import dates, models, records, validation, values


def base() -> dict[str, Any]:
    return {
        "article": {
            "date": "2025-06-03",
            "dateline": "Astana",
            "source": "article.txt",
            "evidence": ["ASTANA"],
        },
        "countries": [
            {"id": "kz", "name": "Kazakhstan", "code": "KZ", "code3": "KAZ", "evidence": ["x"]},
            {"id": "rw", "name": "Rwanda", "code": "RW", "code3": "RWA", "evidence": ["x"]},
        ],
        "people": [
            {
                "id": "pk",
                "name": "Paul Kagame",
                "role": "President",
                "country": "rw",
                "evidence": ["x"],
            },
        ],
    }


def visit(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "v1",
        "status": "held",
        "form": "visit",
        "level": "head of state",
        "visitors": ["pk"],
        "origin": ["rw"],
        "destination": "kz",
        "date": "2025-05",
        "evidence": ["It was his second visit"],
    }
    record.update(changes)
    return record


def errors(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    try:
        models.FactsFile.model_validate(data)
    except ValidationError as exc:
        return [(validation.location(e["loc"]), e["msg"]) for e in exc.errors()]
    except models.ReferenceProblems as exc:
        return [(tuple(loc), msg) for loc, msg in exc.problems]
    return []


def test_a_valid_document_validates() -> None:
    assert errors({**base(), "visits": [visit()]}) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"date": "2025-13"}, ("visits", 0, "date")),
        ({"date": "2024-02-30"}, ("visits", 0, "date")),
        ({"date": ["2025"]}, ("visits", 0, "date")),
        ({"status": "maybe"}, ("visits", 0, "status")),
        ({"status": True}, ("visits", 0, "status")),
        ({"ordinal": "2"}, ("visits", 0, "ordinal")),
        ({"evidence": []}, ("visits", 0, "evidence")),
        ({"evidence": ["   "]}, ("visits", 0, "evidence", 0)),
        ({"evidence": ["a\x1b[31mred"]}, ("visits", 0, "evidence", 0)),
        ({"evidence": ["bidi \u202e"]}, ("visits", 0, "evidence", 0)),
        ({"colour": "red"}, ("visits", 0, "colour")),
        ({"id": "Bad Id"}, ("visits", 0, "id")),
        ({"date": "2025-06", "end": "2025-05"}, ("visits", 0)),
        ({"visitors": [], "visitor_role": None}, ("visits", 0)),
    ],
)
def test_bad_fields_are_rejected_at_their_location(
    change: dict[str, Any], where: tuple[Any, ...]
) -> None:
    found = errors({**base(), "visits": [visit(**change)]})
    assert [loc for loc, _ in found] == [where]


@pytest.mark.parametrize(
    ("char", "words"),
    [
        ("\t", "the control character U+0009"),
        ("\x85", "the control character U+0085"),
        ("\u3164", "U+3164, a character that cannot be seen"),  # Hangul filler: a letter
        ("\U000e0041", "U+E0041, a character that cannot be seen"),  # a tag
        ("\ue000", "U+E000, a character that cannot be seen"),  # private use
        ("\u0378", "U+0378, a character that cannot be seen"),  # unassigned
        ("\ufe0f", "U+FE0F, a character that cannot be seen"),  # a variation selector
    ],
)
def test_text_fields_name_the_character_they_refuse(char: str, words: str) -> None:
    found = errors({**base(), "visits": [visit(note=f"second{char} visit")]})
    assert [loc for loc, _ in found] == [("visits", 0, "note")]
    assert words in found[0][1]


@given(st.text(max_size=12))
def test_remembered_checks_give_the_checks_answers(text: str) -> None:
    """Text and dates found valid are remembered (a big file repeats them); a value is
    refused, with the same message, however often it is checked, and before or after a
    valid one."""

    def outcome(check: Any, value: str) -> str:
        try:
            return f"ok {check(value)}"
        except ValueError as exc:
            return f"refused {exc}"

    for check, seen in ((values._safe_text, values._SAFE), (values._check_date, values._DATES)):
        first = outcome(check, text)
        assert outcome(check, text) == first
        if first.startswith("refused"):
            assert text not in seen
    assert outcome(values._check_date, "2025-02-30").startswith("refused")
    assert outcome(values._safe_text, " padded").startswith("refused")


def test_an_unquoted_year_means_the_year() -> None:
    facts = models.FactsFile.model_validate({**base(), "visits": [visit(date=2015)]})
    assert facts.visits[0].date == "2015"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"destination": "nowhere"}, "unknown id 'nowhere'"),
        ({"destination": "pk"}, "a person, not a country"),
        ({"visitors": ["kz"]}, "a country, not a person"),
    ],
)
def test_references_must_resolve_to_the_right_kind(change: dict[str, Any], message: str) -> None:
    found = errors({**base(), "visits": [visit(**change)]})
    assert len(found) == 1
    assert message in found[0][1]
    assert "'v1'" in found[0][1]  # names the record


def test_duplicate_ids_are_rejected_across_kinds() -> None:
    found = errors({**base(), "visits": [visit(id="rw")]})
    assert found == [(("visits", 0, "id"), "duplicate id 'rw'")]


def test_amounts_are_whole_non_negative_usd() -> None:
    def trade(amount: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        record = {"id": "t", "date": "2024", "amount": amount, "evidence": ["x"]}
        return errors({**base(), "trade": [record]})

    good = {"value": 783000000, "currency": "USD", "as_stated": "$783 million"}
    assert trade(good) == []  # no qualifier: the article gives the figure as it is
    assert trade({**good, "qualifier": "around"}) == []
    assert trade({**good, "qualifier": "exact"})  # a label no article words give
    assert trade({**good, "value": -1})
    assert trade({**good, "value": 7.5})
    assert trade({**good, "value": "783"})
    assert trade({**good, "currency": "EUR"})
    assert trade({**good, "qualifier": "roughly"})


def test_quote_text_must_stand_in_its_evidence() -> None:
    quote = {"id": "q", "speaker": "pk", "text": "not said", "evidence": ["said this"]}
    found = errors({**base(), "quotes": [quote]})
    assert found
    assert "verbatim" in found[0][1]


def test_schema_command_prints_the_models_schema() -> None:
    result = CliRunner().invoke(app.app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == models.json_schema()
    assert set(models.COLLECTIONS) <= set(schema["properties"])


# -- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2015", dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2025-02", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        ("2025-05-28", dt.date(2025, 5, 28), dt.date(2025, 5, 28)),
    ],
)
def test_a_partial_date_spans_the_days_it_covers(text: str, first: dt.date, last: dt.date) -> None:
    assert dates.span(text) == (first, last)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "25",
        "2025-5",
        "2025-13",
        "2025-00",
        "2025-02-29",
        "2025-05-28T00",
        "０２０２５",
        "2025/05",
        "0000",
        " 2025",
        "2025-05-32",
        "99999",
    ],
)
def test_anything_else_is_not_a_date(text: str) -> None:
    with pytest.raises(dates.DateError):
        dates.span(text)


def test_overlap_is_at_the_records_precision() -> None:
    since = dt.date(2025, 5, 15)
    assert dates.overlaps("2025-05", None, since, None)
    assert not dates.overlaps("2025-04", None, since, None)
    assert dates.overlaps("2025-06-03", "2025-06-05", None, dt.date(2025, 6, 3))
    assert not dates.overlaps("2025-06-03", "2025-06-05", None, dt.date(2025, 6, 2))


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_every_real_day_round_trips(day: dt.date) -> None:
    assert dates.span(day.isoformat()) == (day, day)
    first, last = dates.span(day.isoformat()[:7])
    assert first <= day <= last


def test_cli_status_choices_are_the_models() -> None:
    assert {s.value for s in app.Status} == set(typing.get_args(records.Status))
