"""The plain-scalar resolver both readers share, cross-checked against PyYAML's own.

PyYAML resolves plain scalars the YAML 1.1 way; kzafrica the YAML 1.2 way (the core
schema, without its octal, hex, infinity and NaN forms). Where the two versions agree,
kzafrica must give exactly PyYAML's value; where only 1.1 gives a type (``yes``, dates,
``0x1F``, ``1_000``, ``1:20``, ``.inf``), kzafrica keeps the text; where only 1.2 gives a
number (``08``, ``-.5``, ``1.5e3``), kzafrica gives that number.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from shared import examples
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from kzafrica.factfile.yamlplain import plain_value

_RESOLVER = Resolver()
STR, NULL, BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
INT, FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
# YAML 1.2 core schema (spec 1.2.2, 10.3.2), the forms kzafrica reads.
INT_1_2 = re.compile(r"[-+]?[0-9]+")
FLOAT_1_2 = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# The one 1.2 core form kzafrica keeps as text: an exponent on a number without a dot.
NO_DOT_EXPONENT = re.compile(r"[-+]?[0-9]+[eE][-+]?[0-9]+")


def pyyaml(text: str) -> tuple[str, Any]:
    """The tag PyYAML's resolver gives a plain scalar, and the value its safe constructor
    makes of it (None for the tags it cannot construct alone: ``=`` and ``<<``)."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    try:
        value = SafeConstructor().construct_object(yaml.ScalarNode(tag, text))
    except yaml.constructor.ConstructorError:
        value = None
    return tag, value


def expected(text: str) -> Any:
    """What kzafrica should make of ``text``: PyYAML's value wherever YAML 1.1 and 1.2
    agree, the 1.2 reading wherever they do not."""
    tag, value = pyyaml(text)
    if tag == STR:  # 1.1 gives text; 1.2 may read a number it does not (08, -.5, 1.5e3)
        if INT_1_2.fullmatch(text):
            return int(text, 10)
        is_float = FLOAT_1_2.fullmatch(text) and not NO_DOT_EXPONENT.fullmatch(text)
        return float(text) if is_float else text
    if tag in (NULL, BOOL):  # 1.1 alone has yes/no/on/off
        return value if text.lower() in ("", "~", "null", "true", "false") else text
    if tag == INT:  # 1.1 alone has 0b, 0x, 0-led octal, 1_000, 1:20
        return int(text, 10) if INT_1_2.fullmatch(text) else text
    if tag == FLOAT:  # 1.1 alone has 1_0.5, 1:20.5, .inf, .nan (kzafrica: text)
        return value if FLOAT_1_2.fullmatch(text) else text
    return text  # timestamps, `=` and `<<`: text in 1.2


def same(ours: Any, theirs: Any) -> bool:
    return type(ours) is type(theirs) and ours == theirs


NUMBERISH = st.from_regex(
    r"\A[-+]?[0-9_]{0,4}(?::[0-5]?[0-9])?(?:\.[0-9_]{0,3})?(?:[eE][-+]?[0-9]{1,3})?\Z"
)
WORDS = st.sampled_from(
    [
        *("", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "false"),
        *("yes", "No", "ON", "off", "y", "n", ".inf", "-.Inf", ".NaN", ".nan", "=", "<<", "."),
        *("0x1F", "0b101", "0o17", "017", "1:20", "1:20.5", "2024-01-05", "2024-1-5 10:00:00"),
    ]
)
SCALARS = st.one_of(
    NUMBERISH,
    WORDS,
    st.text(alphabet="+-.0123456789eE_:xobTtFfNn~ ", max_size=8),
    st.text(max_size=12),
)


@settings(max_examples=examples(2000), deadline=None)
@given(SCALARS)
def test_plain_scalars_resolve_as_a_yaml_reader_says(text: str) -> None:
    assert same(plain_value(text), expected(text)), (text, pyyaml(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("+12", 12),
        ("012", 12),  # 1.1: octal 10
        ("08", 8),  # 1.1: text
        ("1.5", 1.5),
        ("1.5e+3", 1500.0),
        ("1.5e3", 1500.0),  # 1.1: text
        ("-.5", -0.5),  # 1.1: text
        ("1.", 1.0),
        ("", None),
        ("~", None),
        ("True", True),
        ("yes", "yes"),  # 1.1: True
        ("off", "off"),
        ("2024-01-05", "2024-01-05"),  # 1.1: a date
        ("0x1F", "0x1F"),  # 1.1 and 1.2: 31
        ("1_000", "1_000"),
        ("1:20", "1:20"),  # 1.1: 80
        (".inf", ".inf"),
        ("1e400", "1e400"),
        ("1.0e400", float("inf")),  # too big: as Python's float() and PyYAML say
        ("1e3", "1e3"),  # 1.2 core: 1000.0 (see NO_DOT_EXPONENT)
    ],
)
def test_known_scalars(text: str, value: Any) -> None:
    assert same(plain_value(text), value)
    assert same(expected(text), value)  # the reference above says so too
