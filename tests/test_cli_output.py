"""The command line's data files, JSON contract, output options, errors and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from clirun import (
    ALL_IDS,
    ARGS,
    COLLECTIONS,
    FACTS,
    OBJECT_COMMANDS,
    RAW,
    as_json,
    fails,
    ok,
    run,
    walk,
)
from helpers import LIST_COMMANDS, facts_file

from kzafrica.cli import app
from kzafrica.factfile.dataset import Dataset
from kzafrica.output import render
from kzafrica.store import access
from kzafrica.store.factbase import FactBase

# -- validate, schema, data files -----------------------------------------------------------


def test_validate_shipped() -> None:
    total = sum(len(FACTS[key]) for key in COLLECTIONS)
    assert ok("validate").stdout == f"ok: {total} records\n"


def test_validate_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = facts_file(
        tmp_path,
        ("    date: '2015'\n", "    date: '2015-13'\n"),
        ("    role: President of Rwanda\n", "    role: 42\n"),
    )
    lines = bad.read_text(encoding="utf-8").splitlines()
    date_line = lines.index("    date: '2015-13'") + 1
    role_line = lines.index("    role: 42") + 1
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{bad}:{role_line}:")
    assert "people.0.role" in errors[0]
    assert errors[1].startswith(f"{bad}:{date_line}:")
    assert "month 13" in errors[1]
    assert errors[2] == f"kzafrica: 2 problems in {bad}"
    # The same file given to a query command: exit 1, the same problems, nothing on stdout.
    query = run("--data", str(bad), "visits")
    assert query.exit_code == 1
    assert query.stdout == ""
    assert query.stderr.splitlines()[:2] == errors[:2]


def test_raw_control_character_in_data_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = facts_file(tmp_path, ("name: Lassina Zerbo", "name: Lassina\x1bZerbo"))
    line = bad.read_text(encoding="utf-8").splitlines().index("    name: Lassina\x1bZerbo") + 1
    for args in (["validate", str(bad)], ["--data", str(bad), "people", "--json"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith(f"{bad}:{line}:")
        assert "\x1b" not in result.stderr


def test_data_option_and_environment(tmp_path: Path) -> None:
    edited = facts_file(tmp_path, ("name: Lassina Zerbo", "name: Lassina Zerbo Edited"))
    names = {p["name"] for p in as_json("--data", str(edited), "people")}
    assert "Lassina Zerbo Edited" in names
    by_env = {p["name"] for p in as_json("people", env={"KZAFRICA_DATA": str(edited)})}
    assert "Lassina Zerbo Edited" in by_env
    # --data wins over the environment.
    missing = str(tmp_path / "missing.yaml")
    assert as_json("--data", str(edited), "people", env={"KZAFRICA_DATA": missing})
    assert ok("validate", env={"KZAFRICA_DATA": str(edited)}).stdout.startswith("ok: ")


def test_missing_data_file_exits_1(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = run("--data", str(missing), "visits", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{missing}: no such file\n"


def test_a_missing_file_hints_at_where_its_name_came_from(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    # validate names the file itself: no word about --data or the environment
    checked = run("validate", missing)
    assert checked.exit_code == 1
    assert checked.stderr == f"{missing}: no such file\n"
    by_env = run("visits", env={"KZAFRICA_DATA": missing})
    assert by_env.exit_code == 1
    assert (
        by_env.stderr == f"{missing}: no such file (named by KZAFRICA_DATA); check that variable\n"
    )
    assert run("validate", env={"KZAFRICA_DATA": missing}).stderr == by_env.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--data", "", "visits"], "'--data'"),
        (["--data=", "visits"], "'--data'"),
        (["validate", ""], "'[PATH]'"),
        (["--data", "", "validate"], "'--data'"),
    ],
)
def test_an_empty_file_name_is_a_usage_error(args: list[str], words: str) -> None:
    line = fails(2, *args)
    assert f"Invalid value for {words}: an empty file name" in line


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["visits", "--country", "Rwanda", "--country", "Morocco"], "'--country' / '-c'"),
        (["visits", "-c", "Rwanda", "--country", "Rwanda"], "'--country' / '-c'"),
        (["trade", "--since", "2012", "--json", "--since=2020"], "'--since'"),
        (["quotes", "-s", "kagame", "-s", "smadiyarov"], "'--speaker' / '-s'"),
        (["events", "-f", "json", "--format", "csv"], "'--format' / '-f'"),
        (["--data", "a.yaml", "--data", "b.yaml", "trade"], "'--data'"),
    ],
)
def test_an_option_given_twice_is_refused(args: list[str], option: str) -> None:
    line = fails(2, *args)
    assert f"{option} given more than once; give it once" in line
    assert "--help" in line


def test_a_flag_given_twice_is_harmless() -> None:
    assert as_json("trade", "--cite", "--cite") == as_json("trade")


def test_a_value_that_looks_like_the_option_is_a_value() -> None:
    # `--speaker --speaker` is one option with the value "--speaker", not a repeat.
    assert as_json("quotes", "--speaker", "--speaker") == []


def test_every_exit_code_is_in_the_top_level_help() -> None:
    help_text = " ".join(ok("--help").stdout.split())
    listed = help_text.split("Exit codes:")[1]
    for code, meaning in app.EXIT_CODES.items():
        assert f"{code} {meaning}" in listed


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _kzafrica_completion kzafrica"),
        ("zsh", "compdef _kzafrica_completion kzafrica"),
        ("fish", "complete --command kzafrica"),
    ],
)
def test_show_completion_for_the_named_shell(shell: str, marker: str) -> None:
    for args in (["--show-completion", shell], [f"--show-completion={shell}"]):
        result = ok(*args)
        assert marker in result.stdout, (args, result.stdout)
    others = {"bash": "COMPREPLY", "zsh": "compdef", "fish": "complete --command"}
    assert all(
        word not in ok("--show-completion", shell).stdout
        for s, word in others.items()
        if s != shell
    )


def test_show_completion_for_an_unknown_shell() -> None:
    line = fails(2, "--show-completion", "tcsh")
    assert "unknown shell 'tcsh'; choose from bash, zsh, fish, powershell, pwsh" in line


def test_install_completion_for_an_unknown_shell_installs_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert "unknown shell 'tcsh'" in fails(2, "--install-completion", "tcsh")
    assert list(tmp_path.iterdir()) == []


def test_schema_is_json_schema_of_every_collection() -> None:
    schema = json.loads(ok("schema").stdout)
    assert schema["type"] == "object"
    assert set(COLLECTIONS) <= set(schema["properties"])
    assert "article" in schema["properties"]


# -- the JSON contract --------------------------------------------------------------------

ISO_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


@pytest.mark.parametrize("command", list(LIST_COMMANDS))
def test_json_records_carry_what_a_script_needs(command: str) -> None:
    records = as_json(command, *LIST_COMMANDS[command])
    assert isinstance(records, list)
    assert records
    country_ids = {c["id"] for c in FACTS["countries"]}
    for record in records:
        assert isinstance(record["id"], str)
        assert record["evidence"]
        assert all(isinstance(e, str) and e for e in record["evidence"])
        # Beside each excerpt, where it is: its article and {start, end} offsets into it.
        offsets = record.pop("evidence_at")
        keys = [["article", "end", "start"]] * len(record["evidence"])
        assert [sorted(at) for at in offsets] == keys
        # The articles it cites: here the one article, with its date.
        assert record.pop("sources") == [{"id": "astana-2025-06-03", "date": "2025-06-03"}]
        fact = RAW[record["id"]]
        if "date" in fact:  # the date as the article gives it; a range has its end too
            assert record["date"] == fact["date"], record["id"]
            assert record.get("end") == fact.get("end"), record["id"]
        for key, value in walk(record):
            if key in ("date", "end") and value is not None:
                assert isinstance(value, str)
                assert ISO_DATE.fullmatch(value), (record["id"], key, value)
            if key == "amount":
                assert isinstance(value["value"], int)
                assert re.fullmatch(r"[A-Z]{3}", value["currency"])
                assert value["qualifier"] in ("around", "more than", None)  # None: unqualified
            if isinstance(value, dict) and "id" in value:
                # a reference: expanded to at least {id, name}; a country also has its code
                assert "name" in value, (record["id"], key)
                if value["id"] in country_ids:
                    assert re.fullmatch(r"[A-Z]{2}", value["code"])
            # (`from` of a derived value: a record id or a word, given as written)
            if isinstance(value, str) and key not in ("id", "name", "text", "title", "from"):
                assert value not in ALL_IDS or key == "kind", (record["id"], key, value)


def test_amounts_keep_currency_and_qualifier() -> None:
    amounts = {t["id"]: t["amount"] for t in as_json("trade")}
    assert amounts["trade-2012"] == {
        "value": 100_000_000,
        "currency": "USD",
        "qualifier": "around",
        "as_stated": "around $100 million",
    }
    assert amounts["trade-2022"]["qualifier"] == "more than"
    assert amounts["trade-2024"]["value"] == 783_000_000


def test_references_are_expanded() -> None:
    (visit,) = [v for v in as_json("visits") if v["id"] == "visit-kagame-2025"]
    assert visit["visitors"] == [{"id": "paul-kagame", "name": "Paul Kagame"}]
    assert visit["origin"] == [{"id": "rwanda", "name": "Rwanda", "code": "RW"}]
    assert visit["destination"] == {"id": "kazakhstan", "name": "Kazakhstan", "code": "KZ"}
    assert visit["date"] == "2025-05"
    assert visit["end"] is None


@pytest.mark.parametrize("command", [*LIST_COMMANDS, "show"])
def test_json_holds_everything_the_table_shows(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every word of every table cell is a word of the same record's JSON."""
    args = ARGS[command]
    data = as_json(command, *args)
    captured: list[render.Result] = []
    real_write = render.write

    def spy(result: render.Result, options: render.Options, stream: Any) -> None:
        captured.append(result)
        real_write(result, options, stream)

    monkeypatch.setattr(render, "write", spy)
    ok(command, *args)
    (result,) = captured
    assert result.data == data  # the table is drawn from exactly the JSON records
    rows = data if isinstance(data, list) else [data]
    # Words a table adds itself: true and false, "member: observer of organization",
    # "trade with African countries: amount", a statement "said by the article",
    # a timeline's "undated" mark.
    decoration = {"yes", "no", "of", "with", "African", "countries", "undated", "the", "article"}
    for row in rows:
        known = set(re.findall(r"\w+", json.dumps(row, ensure_ascii=False)))
        if result.view.columns:
            cells = [column.value(row) for column in result.view.columns]
        else:
            cells = [render.text(value) for value in row.values()]
        for cell in cells:
            missing = set(re.findall(r"\w+", cell)) - known - decoration
            assert not missing, (row["id"], cell, missing)


# -- output options ---------------------------------------------------------------------


def test_cite_adds_the_evidence_under_each_row() -> None:
    plain = ok("trade").stdout
    cited = ok("trade", "--cite", env={"COLUMNS": "200"}).stdout
    assert "Kazakhstan’s trade" not in plain
    assert "In 2012, Kazakhstan’s trade with African countries stood at around $100" in cited
    lines = cited.splitlines()
    row = next(i for i, line in enumerate(lines) if "trade-2012" in line)
    evidence = next(i for i, line in enumerate(lines) if "In 2012, Kazakhstan’s" in line)
    later = next(i for i, line in enumerate(lines) if "trade-2022" in line)
    assert row < evidence < later  # under its own row, before the next record


def test_json_flag_is_format_json() -> None:
    assert ok("visits", "--json").stdout == ok("visits", "--format", "json").stdout
    assert ok("visits", "--json").stdout == ok("visits", "-f", "json").stdout


def test_fields_select() -> None:
    rows = as_json("trade", "--fields", "id,amount.value")
    assert rows == [
        {"id": "trade-2012", "amount.value": 100_000_000},
        {"id": "trade-2022", "amount.value": 1_000_000_000},
        {"id": "trade-2024", "amount.value": 783_000_000},
    ]
    assert ok("trade", "--fields", " id , date ", "-f", "csv").stdout.splitlines()[0] == "id,date"


def test_fields_in_a_table_show_their_values() -> None:
    # Dotted paths are keys of their own once selected; the table must still find them.
    out = ok("trade", "--fields", "id,amount.value,amount.qualifier").stdout
    assert "1000000000" in out
    assert "more than" in out


def test_fields_with_cite_keep_the_evidence() -> None:
    out = ok("trade", "--fields", "id", "--cite").stdout
    assert "trade-2022" in out
    assert "By 2022, it had surpassed $1 billion for the first time" in out


@pytest.mark.parametrize("command", [*LIST_COMMANDS, *OBJECT_COMMANDS])
def test_unknown_field_lists_the_available_ones(command: str) -> None:
    args = ARGS[command]
    line = fails(2, command, *args, "--fields", "nope")
    assert "unknown field 'nope'" in line
    assert "available: " in line
    if command != "summary":
        assert "id" in line.split("available: ")[1].split(", ")


# -- errors and exit codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nope"], "No such command 'nope'"),
        (["visits", "--bogus"], "No such option: --bogus"),
        (["visits", "--format", "xml"], "'xml' is not one of"),
        (["show"], "Missing argument 'ID'"),
        (["search"], "Missing argument 'TEXT'"),
        (["visits", "--country"], "requires an argument"),
        (["visits", "extra"], "unexpected extra argument"),
    ],
)
def test_usage_errors_are_one_plain_line(args: list[str], words: str) -> None:
    line = fails(2, *args)
    assert words in line
    assert "--help" in line


def test_user_input_in_errors_is_literal() -> None:
    markup = "[bold red]x[/] [link=http://x]y[/link] [/bold]"
    assert f"unknown country '{markup}'" in fails(2, "visits", "--country", markup)
    assert f"unknown id '{markup}'" in fails(2, "show", markup)
    escape = fails(2, "visits", "--country", "\x1b[31mred\nline")
    assert "\x1b" not in escape
    assert "\\x1b[31mred" in escape


def test_huge_arguments_give_short_answers() -> None:
    huge = "x" * 100_000
    assert as_json("search", huge) == []
    assert len(ok("search", huge).stdout) < 5_000
    for args in (
        ["show", huge],
        ["visits", "--country", huge],
        [huge],
        ["visits", "--since", huge],
        ["trade", "--fields", huge],
    ):
        assert len(fails(2, *args)) < 1_000, args[0]


def test_interrupt_while_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(path: str | None = None, notes: list[str] | None = None) -> FactBase:
        raise KeyboardInterrupt

    monkeypatch.setattr(access, "open_facts", interrupted)
    assert fails(130, "visits") == "kzafrica: interrupted"
    assert fails(130, "show", "paul-kagame", "--json") == "kzafrica: interrupted"


def test_interrupt_while_validating(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(file: str, data: bytes) -> Dataset:
        raise KeyboardInterrupt

    monkeypatch.setattr(access, "validate", interrupted)
    assert fails(130, "validate") == "kzafrica: interrupted"


def test_interrupt_while_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(result: render.Result, options: render.Options, stream: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "write", interrupted)
    assert fails(130, "events", "--json") == "kzafrica: interrupted"


def test_closed_pipe_exits_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(result: render.Result, options: render.Options, stream: Any) -> None:
        raise BrokenPipeError

    monkeypatch.setattr(render, "write", closed)
    result = run("events", "--json")
    assert result.exit_code == 141
    assert result.stderr == ""


def test_json_and_another_format_disagree() -> None:
    result = run("trade", "--json", "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--json and --format csv disagree" in result.stderr
    assert run("trade", "--json", "--format", "json").exit_code == 0


def test_kind_takes_the_record_kind_or_its_list_name() -> None:
    singular = json.loads(run("events", "--kind", "visit", "--json").stdout)
    plural = json.loads(run("events", "--kind", "visits", "--json").stdout)
    assert singular == plural
    assert singular
    assert {r["kind"] for r in singular} == {"visit"}


def test_show_ignores_the_case_of_an_id() -> None:
    assert json.loads(run("show", "Paul-Kagame", "--json").stdout)["id"] == "paul-kagame"
