"""The `derived` entries of a record: each names a field of the record that is set, where
its value comes from (a record id, `name` or `dateline`) and why; written with `from`."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from kzafrica.factfile import models, records
from kzafrica.store import firstrun


def event(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "e1",
        "type": "expo",
        "title": "EXPO 2017",
        "date": "2017",
        "evidence": ["hosting EXPO 2017 in Astana"],
    }
    return record | changes


def why(field: str, source: str = "name") -> dict[str, Any]:
    return {"derived": [{"field": field, "from": source, "why": "in its name"}]}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (event(**why("year")), "`year`, not a field of a event"),
        (event(**why("evidence")), "`evidence`, not a field of a event"),
        (event(**why("place")), "`place`, which is not set"),
        (event(**why("approximate")), "`approximate`, which is not set"),
        (event(**why("date", "e1")), "from the record itself"),
        (event(derived=[{"field": "date", "source": "name", "why": "x"}]), "Field required"),
    ],
)
def test_a_derived_entry_must_name_a_set_field(record: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        records.Event.model_validate(record)


def test_derived_from_a_name_needs_a_name() -> None:
    trade = {
        "id": "t1",
        "date": "2024",
        "amount": {"value": 1, "currency": "USD", "as_stated": "$1"},
        "evidence": ["x"],
    }
    with pytest.raises(ValidationError, match="a trade has no name"):
        records.Trade.model_validate(trade | why("date"))
    assert records.Trade.model_validate(trade | why("date", "dateline")).derived[0].source


def test_derived_is_written_with_from_in_json_and_schema() -> None:
    expo = records.Event.model_validate(event(**why("date")))
    assert expo.model_dump(mode="json")["derived"] == [
        {"field": "date", "from": "name", "why": "in its name"}
    ]
    schema = models.json_schema()["$defs"]["Derived"]
    assert list(schema["properties"]) == ["field", "from", "why"]


@pytest.mark.parametrize(("source", "wrong"), [("kz", False), ("name", False), ("atlantis", True)])
def test_both_reference_checks_know_where_values_come_from(source: str, wrong: bool) -> None:
    facts: dict[str, Any] = {key: [] for key in models.REFERENCES}
    facts["countries"] = [{"id": "kz", "derived": []}]
    entry = {"field": "date", "from": source, "why": "x"}
    refs: dict[str, Any] = {"people": [], "countries": [], "organizations": [], "place": None}
    facts["events"] = [{"id": "e1", **refs, "derived": [entry]}]
    assert firstrun.references_wrong(facts) == wrong
    found = models.reference_problems(
        (key, index, record) for key in facts for index, record in enumerate(facts[key])
    )
    assert found == ([(("events", 0, "derived", 0, "from"), UNKNOWN)] if wrong else [])


UNKNOWN = "'e1' derives a value from unknown id 'atlantis'"
