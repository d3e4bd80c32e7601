"""`--format yaml` reads back as written, under YAML 1.1 (PyYAML) and under YAML 1.2: every
string either reader would take for another type is quoted (tests/test_yamlplain.py has
the differences between the two)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from helpers import facts_file
from hypothesis import given, settings
from hypothesis import strategies as st
from shared import examples
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.factfile.errors import first_unsafe
from kzafrica.output import render

RUNNER = CliRunner()

# The YAML 1.2 core schema (spec 1.2.2, 10.3.2): every plain scalar that is not a string.
CORE_1_2 = re.compile(
    r"null|Null|NULL|~|"
    r"true|True|TRUE|false|False|FALSE|"
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|"
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|"
    r"[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)


def plain_non_strings(node: yaml.Node) -> list[str]:
    """The plain scalars of a composed document a YAML 1.2 core reader takes for a null, a
    bool or a number (every scalar written here is a string)."""
    if isinstance(node, yaml.ScalarNode):
        plain = node.style is None
        return (
            [node.value] if plain and (node.value == "" or CORE_1_2.fullmatch(node.value)) else []
        )
    if isinstance(node, yaml.SequenceNode):
        return [text for item in node.value for text in plain_non_strings(item)]
    assert isinstance(node, yaml.MappingNode)
    return [text for pair in node.value for item in pair for text in plain_non_strings(item)]


SPELLINGS = st.sampled_from(
    [
        *("1e3", "0o17", "08", "-.5", "1.5e3", "+12", ".inf", "-.Inf", ".NaN", "0x1F", "1_000"),
        *("yes", "No", "on", "null", "~", "", "True", "2024-01-05", "1:20", "=", "<<", "-", "."),
    ]
)
STRINGS = st.one_of(
    SPELLINGS,
    st.from_regex(r"\A[-+]?[0-9]{0,4}(?:\.[0-9]{0,3})?(?:[eE][-+]?[0-9]{1,3})?\Z"),
    st.from_regex(r"\A(?:0[oxb][0-9a-fA-F_]{1,4}|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN))\Z"),
    st.text(alphabet="+-.0123456789eExoOb_:~ ", max_size=8),
    # Text as a record can hold it: no control, format or other invisible character (the
    # models refuse them; PyYAML would fold a NEL, U+0085, into a space).
    st.text(max_size=12).filter(lambda text: first_unsafe(text) is None),
)
DATA = st.recursive(
    STRINGS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(STRINGS, inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=examples(1500), deadline=None)
@given(DATA)
def test_every_string_reads_back_as_itself_under_yaml_1_1_and_1_2(data: Any) -> None:
    text = render.yaml_text(data)
    assert yaml.safe_load(text) == data  # YAML 1.1, PyYAML's reading
    node = yaml.compose(text)
    assert node is not None
    assert plain_non_strings(node) == [], text  # YAML 1.2 core


def test_numbers_and_nulls_stay_plain() -> None:
    text = render.yaml_text({"value": 1000, "share": 1.5, "note": None, "high": True})
    assert text == "value: 1000\nshare: 1.5\nnote: null\nhigh: true\n"


def test_a_note_spelled_like_a_number_is_quoted(tmp_path: Path) -> None:
    file = facts_file(
        tmp_path,
        (
            "note: 'for the first time, an all-time record in Kazakh-African trade'",
            "note: '1e3'",
        ),
    )
    result = RUNNER.invoke(
        app.app, ["--data", str(file), "trade", "--format", "yaml", "--fields", "id,note"]
    )
    assert result.exit_code == 0, result.stderr
    assert "note: '1e3'" in result.stdout
    assert {"id": "trade-2022", "note": "1e3"} in yaml.safe_load(result.stdout)


def test_yaml_1_1s_one_letter_booleans_are_quoted() -> None:
    # YAML 1.1 reads y, Y, n and N as booleans (go-yaml v2 does); PyYAML does not, so the
    # round trip above cannot tell.
    text = render.yaml_text({"a": "y", "b": "Y", "c": "n", "d": "N", "e": "why"})
    assert text == "a: 'y'\nb: 'Y'\nc: 'n'\nd: 'N'\ne: why\n"
