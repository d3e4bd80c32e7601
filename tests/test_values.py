"""The loader on values: what each field accepts and refuses, and properties of any file.

Bad files are built from the shipped facts.yaml with one targeted edit, so the line an
error must be reported at is computed from the text rather than hard-coded.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loading import (
    FILE,
    SHIPPED,
    check_rendering,
    column_of,
    index_of,
    only_problem,
    problems_of,
    replace_line,
    shipped_facts,
)
from shared import examples

from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.errors import DataError
from kzafrica.store import access

# -- values --------------------------------------------------------------------------


def test_number_where_a_name_goes() -> None:
    text, line = replace_line(SHIPPED, "    name: Benin", "    name: 42")
    problem = only_problem(text)
    assert problem.path == ("countries", index_of("countries", "benin"), "name")
    assert (problem.line, problem.column) == (line, 5)
    assert "valid string" in problem.message
    assert "(got 42)" in problem.message
    assert "'benin'" in problem.message  # names the record


def test_list_where_a_date_goes() -> None:
    text, line = replace_line(SHIPPED, "    date: '2025-06-03'", "    date: [2025, 6, 3]")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 5, ("articles", 0, "date"))
    assert "valid string" in problem.message


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "n", "y", "No", "NO"])
def test_norway_problem_names_stay_text(word: str) -> None:
    text, _ = replace_line(SHIPPED, "    name: Benin", f"    name: {word}")
    countries = access.validate(FILE, text.encode()).facts["countries"]
    assert countries[index_of("countries", "benin")]["name"] == word


@pytest.mark.parametrize("word", ["yes", "on", "y", "1", "'true'"])
def test_bool_field_refuses_yaml11_words(word: str) -> None:
    new = f"    former: {word}"
    text, line = replace_line(SHIPPED, "    former: true", new)
    problem = only_problem(text)
    assert problem.path[0] == "people"
    assert problem.path[2] == "former"
    assert shipped_facts()["people"][problem.path[1]]["former"] is True
    assert (problem.line, problem.column) == (line, 5)
    assert "valid boolean" in problem.message


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ("2025-13-45", "month 13 does not exist"),
        ("2024-02-30", "2024-02 has no day 30"),
        ("2023-02-29", "2023-02 has no day 29"),
        ("0000", "year must be 0001 or later"),
        ("24", "use YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_impossible_dates(date: str, words: str) -> None:
    text, line = replace_line(
        SHIPPED, "    date: '2024'", f"    date: '{date}'", "  - id: trade-2024"
    )
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"), "date")
    assert (problem.line, problem.column) == (line, 5)
    assert words in problem.message


def test_leap_day_is_a_date() -> None:
    text, _ = replace_line(
        SHIPPED, "    date: '2024'", "    date: '2024-02-29'", "  - id: trade-2024"
    )
    trade = access.validate(FILE, text.encode()).facts["trade"]
    assert trade[index_of("trade", "trade-2024")]["date"] == "2024-02-29"


def test_reversed_range() -> None:
    after = "  - id: trade-2024"
    text, _ = replace_line(SHIPPED, "    date: '2024'", "    date: '2024'\n    end: '2023'", after)
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"))
    record_line = SHIPPED.split("\n").index(after) + 1
    assert (problem.line, problem.column) == (record_line, 5)
    assert "range ends (2023) before it starts (2024)" in problem.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-5", "greater than or equal to 0"),
        ("lots", "valid integer"),
        ("'783000000'", "valid integer"),
        ("783.5", "valid integer"),
        ("true", "valid integer"),
    ],
)
def test_bad_amounts(value: str, words: str) -> None:
    after = "  - id: trade-2024"
    text, line = replace_line(SHIPPED, "      value: 783000000", f"      value: {value}", after)
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"), "amount", "value")
    assert (problem.line, problem.column) == (line, 7)
    assert words in problem.message


def test_unknown_currency() -> None:
    after = "  - id: trade-2024"
    text, line = replace_line(SHIPPED, "      currency: USD", "      currency: EUR", after)
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"), "amount", "currency")
    assert (problem.line, problem.column) == (line, 7)
    assert "'USD'" in problem.message
    assert "(got 'EUR')" in problem.message


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("atlantis", "'visit-kagame-2015' refers to unknown id 'atlantis'"),
        ("paul-kagame", "'visit-kagame-2015' refers to 'paul-kagame', a person, not a country"),
        ("astana", "refers to 'astana', a place, not a country"),
    ],
)
def test_bad_reference(target: str, words: str) -> None:
    after = "  - id: visit-kagame-2015"
    new = f"    destination: {target}"
    text, line = replace_line(SHIPPED, "    destination: kazakhstan", new, after)
    problem = only_problem(text)
    assert problem.path == ("visits", index_of("visits", "visit-kagame-2015"), "destination")
    assert (problem.line, problem.column) == (line, 5)
    assert words in problem.message


def test_bad_reference_in_a_list() -> None:
    after = "  - id: visit-kagame-2015"
    new = "    visitors: [paul-kagame, rwanda]"
    text, line = replace_line(SHIPPED, "    visitors: [paul-kagame]", new, after)
    problem = only_problem(text)
    assert problem.path == ("visits", index_of("visits", "visit-kagame-2015"), "visitors", 1)
    assert (problem.line, problem.column) == (line, column_of(new, "rwanda"))
    assert "'rwanda', a country, not a person" in problem.message


def test_missing_field_of_a_block_value_is_placed_at_its_key() -> None:
    # The mapping under `amount:` starts on the next line; the problem belongs to `amount:`.
    after = "  - id: trade-2024"
    text, _ = replace_line(SHIPPED, "      currency: USD", "      # no currency", after)
    amount_line = SHIPPED.split("\n").index("    amount:", SHIPPED.split("\n").index(after)) + 1
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"), "amount", "currency")
    assert (problem.line, problem.column) == (amount_line, 5)
    assert problem.message.startswith("required field is missing")


def test_duplicate_id() -> None:
    text, line = replace_line(SHIPPED, "  - id: trade-2024", "  - id: trade-2022")
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"), "id")
    assert (problem.line, problem.column) == (line, 5)
    assert "duplicate id 'trade-2022'" in problem.message


@pytest.mark.parametrize(
    ("excerpt", "words"),
    [
        ("''", "is empty or only whitespace"),
        ("'   '", "is empty or only whitespace"),
        ("' \u3000 '", "is empty or only whitespace"),  # ideographic space
        ('"\\t"', "control character U+0009"),
    ],
)
def test_blank_evidence(excerpt: str, words: str) -> None:
    old = "      - 'In 2024, trade volume reached $783 million'"
    text, line = replace_line(SHIPPED, old, f"      - {excerpt}", "  - id: trade-2024")
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"), "evidence", 0)
    assert (problem.line, problem.column) == (line, 9)
    assert words in problem.message


@pytest.mark.parametrize(
    ("value", "codepoint"),
    [
        (r'"Ast\eana"', "U+001B"),
        (r'"\x1b[31mAstana"', "U+001B"),
        (r'"Astana\u202e"', "U+202E"),
        ("Astana\u202e", "U+202E"),  # raw in the file: YAML allows it, the model must not
        (r'"Ast\x85ana"', "U+0085"),
        (r'"Ast\u200bana"', "U+200B"),
        (r'"Astana\nAlmaty"', "U+000A"),
    ],
)
def test_control_characters_in_text(value: str, codepoint: str) -> None:
    text, line = replace_line(SHIPPED, "    dateline: Astana", f"    dateline: {value}")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 5, ("articles", 0, "dateline"))
    assert codepoint in problem.message
    assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F for ch in problem.message)
    assert "\u202e" not in problem.message


@pytest.mark.parametrize(
    "char", ["\u061c", "\u00ad", "\U000e0041", "\u180e", "\u034f", "\u206f", "\u3164"]
)
@pytest.mark.parametrize("written", ["escaped", "raw"])
def test_characters_that_cannot_be_seen_in_a_name(char: str, written: str) -> None:
    # Issue #9: each of these once passed `validate` inside a name.
    code = f"U+{ord(char):04X}"
    value = f'"Paul\\U{ord(char):08x} Kagame"' if written == "escaped" else f"Paul{char} Kagame"
    text, line = replace_line(
        SHIPPED, "    name: Paul Kagame", f"    name: {value}", "  - id: paul-kagame"
    )
    problem = only_problem(text)  # checks the rendering is one escaped line
    assert problem.path == ("people", index_of("people", "paul-kagame"), "name")
    assert (problem.line, problem.column) == (line, 5)  # at the field, as every problem
    assert code in problem.message
    assert "cannot be seen" in problem.message
    assert char not in problem.render(FILE)


def test_id_with_trailing_newline() -> None:
    text, line = replace_line(SHIPPED, "  - id: trade-2024", '  - id: "trade-2024\\n"')
    problem = only_problem(text)
    assert problem.path == ("trade", index_of("trade", "trade-2024"), "id")
    assert (problem.line, problem.column) == (line, 5)
    assert "pattern" in problem.message
    assert "(record 'trade-2024\\x0a')" in problem.render(FILE)  # quoted escaped


def test_every_problem_reported_sorted_by_line() -> None:
    # Two bad dates in different records: two problems, in file order.
    text, first = replace_line(
        SHIPPED, "    date: '2012'", "    date: '2012-00'", "  - id: trade-2012"
    )
    text, second = replace_line(
        text, "    date: '2024'", "    date: '2024-99'", "  - id: trade-2024"
    )
    problems = problems_of(text)
    assert [(p.line, p.path[-1]) for p in problems] == [(first, "date"), (second, "date")]
    assert all("does not exist" in p.message for p in problems)


def test_problems_sorted_by_line_not_by_field_order() -> None:
    # Evidence (last in the record) and status (first after id) in the same record.
    after = "  - id: visit-kagame-2015"
    old_excerpt = "      - 'It was his second visit to Kazakhstan, with the first in 2015.'"
    text, status_line = replace_line(SHIPPED, "    status: held", "    status: done", after)
    text, evidence_line = replace_line(text, old_excerpt, "      - ''", after)
    problems = problems_of(text)
    assert [p.line for p in problems] == sorted([status_line, evidence_line])
    assert [p.path[-1] for p in problems] == ["status", 0]
    assert "(got 'done')" in problems[0].message
    assert "empty" in problems[1].message


# -- properties ----------------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(list("[]{}:,-&*!|>'\"#\n\t ?%@`.~\\") + list("abcxyz019é\u202e\x85")),
    max_size=200,
)
FUZZ = settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def outcome_of(data: bytes) -> None:
    """Validation either gives a Dataset or raises DataError, with well-formed problems."""
    try:
        dataset = access.validate(FILE, data)
    except DataError as error:
        check_rendering(error)
    else:
        assert isinstance(dataset, Dataset)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes(data: bytes) -> None:
    outcome_of(data)


@FUZZ
@given(YAMLISH)
def test_any_yamlish_text(text: str) -> None:
    outcome_of(text.encode("utf-8"))


SHIPPED_LINES = SHIPPED.split("\n")


@FUZZ
@given(st.integers(0, len(SHIPPED_LINES) - 1), YAMLISH)
def test_shipped_file_with_one_line_replaced(index: int, line: str) -> None:
    lines = [*SHIPPED_LINES]
    lines[index] = lines[index][: len(lines[index]) - len(lines[index].lstrip())] + line
    outcome_of("\n".join(lines).encode("utf-8"))


def test_references_are_checked_even_when_fields_are_wrong() -> None:
    after = "  - id: visit-kagame-2015"
    text, ref_line = replace_line(
        SHIPPED, "    destination: kazakhstan", "    destination: nowhere", after
    )
    text, date_line = replace_line(text, "    date: '2015'", "    date: '2015-13'", after)
    problems = problems_of(text)
    assert [(p.line, p.path[-1]) for p in problems] == sorted(
        [(ref_line, "destination"), (date_line, "date")]
    )
    assert (
        "unknown id 'nowhere'"
        in problems[[p.path[-1] for p in problems].index("destination")].message
    )


def test_a_wrong_typed_reference_is_reported_once() -> None:
    after = "  - id: visit-kagame-2015"
    text, line = replace_line(
        SHIPPED, "    destination: kazakhstan", "    destination: Not An Id", after
    )
    problem = only_problem(text)
    assert (problem.line, problem.path[-1]) == (line, "destination")
