"""`--fields` with no value lists the fields in the format asked for (issue #18, item 10):
`visits --fields --json` printed the text list; as every other --json it is JSON now,
a list of {field, meaning, only}, and so in every machine format."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from typer.testing import CliRunner

from kzafrica.cli import app, registry

RUNNER = CliRunner()
# Commands with --fields, with the arguments they need (search TEXT, show ID).
WITH_FIELDS = {c.name: c.sample for c in registry.COMMANDS if c.answers != registry.OWN}


def listed(*args: str) -> str:
    result = RUNNER.invoke(app.app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def text_names(command: str) -> list[str]:
    """The field names of the text listing, the first word of each line that has one."""
    lines = listed(command, *WITH_FIELDS[command], "--fields").splitlines()[1:]
    return [line.split()[0] for line in lines if line[2:3].strip()]


@pytest.mark.parametrize("command", WITH_FIELDS)
def test_json_lists_every_field_with_its_meaning(command: str) -> None:
    sample = WITH_FIELDS[command]
    rows = json.loads(listed(command, *sample, "--fields", "--json"))
    assert rows
    assert all(set(row) == {"field", "meaning", "only"} and row["meaning"] for row in rows)
    assert list(dict.fromkeys(row["field"] for row in rows)) == text_names(command)
    assert json.loads(listed(command, *sample, "--json", "--fields")) == rows
    assert json.loads(listed(command, *sample, "--format", "json", "--fields")) == rows


def test_every_machine_format_lists_the_same_fields() -> None:
    rows = json.loads(listed("visits", "--fields", "--json"))
    names = [row["field"] for row in rows]
    jsonl = listed("visits", "--fields", "--format", "jsonl").splitlines()
    assert [json.loads(line)["field"] for line in jsonl] == names
    table = list(csv.DictReader(io.StringIO(listed("visits", "--fields", "--format", "csv"))))
    assert [row["field"] for row in table] == names
    assert table[0]["meaning"] == rows[0]["meaning"]
    tsv = listed("visits", "--fields", "-f", "tsv").splitlines()
    assert tsv[0].split("\t") == ["field", "meaning", "only"]
    assert yaml.safe_load(listed("visits", "--fields", "--format", "yaml")) == rows


def test_only_names_the_kinds_that_have_a_field() -> None:
    rows = json.loads(listed("search", "kagame", "--fields", "--json"))
    assert any(row["only"] and row["field"] == "name" for row in rows)
    assert all(row["only"] == [] for row in rows if row["field"] in ("id", "evidence"))


def test_the_listing_for_people_stays_text() -> None:
    assert listed("visits", "--fields").startswith("Fields of kzafrica visits")
    assert listed("visits", "--fields", "-f", "table").startswith("Fields of kzafrica visits")


def test_json_and_another_format_still_disagree() -> None:
    result = RUNNER.invoke(app.app, ["visits", "--fields", "--json", "--format", "csv"])
    assert result.exit_code == 2
    assert "disagree" in result.stderr
