"""--country under every name a newspaper uses (issue #8).

- a real country the article does not name is an empty answer (exit 0) under its official,
  short, common and former names and the usual spellings;
- the article's own countries match under the same variants, and the two Congos are never
  confused: in this fact base 'Congo' is the Republic of the Congo (CG);
- a non-country is a usage error (exit 2) with a 'did you mean' hint;
- kzafrica/answers/country_names.py is what tools/make_country_names.py makes from its sources.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from helpers import SHIPPED
from hypothesis import given, settings
from hypothesis import strategies as st
from shared import examples
from typer.testing import CliRunner

from kzafrica.answers import countries, country_names, query
from kzafrica.cli import app
from kzafrica.factfile.errors import UsageError
from kzafrica.store import access
from kzafrica.store.factbase import FactBase

ROOT = Path(__file__).resolve().parents[1]
RUNNER = CliRunner()
ENV = {"COLUMNS": "100"}
FACTS: dict[str, Any] = yaml.safe_load(SHIPPED)
ARTICLE = {c["code"]: c["id"] for c in FACTS["countries"]}


@functools.cache
def shipped() -> FactBase:
    """The shipped fact base, validated once, without the cache (no fixture has set the
    cache directory when a module-scoped fixture runs)."""
    file = str(access.packaged_facts())
    return FactBase(access.validate(file, access.read_bytes(file)))


@pytest.fixture
def facts() -> FactBase:
    return shipped()


def resolve(facts: FactBase, text: str) -> tuple[str | None, str]:
    match = query.resolve_country(facts, text)
    return match.id, match.code


# -- the folding rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Côte d'Ivoire", "Côte d’Ivoire", "Cote d'Ivoire", "COTE D`IVOIRE", "Cote dIvoire"],
        ["Côte d‛Ivoire", "Cote d′Ivoire", "Côte dʼIvoire", "Cote d＇Ivoire", "Cote dʻIvoire"],
        ["Guinea-Bissau", "Guinea Bissau", "guinea–bissau", "Guinea—Bissau", "GUINEA_BISSAU"],
        ["Republic of the Congo", "Republic of Congo", "Rep. of Congo", "republic of the congo"],
        ["Democratic Republic of the Congo", "Democratic Republic of Congo", "Dem. Rep. Congo"],
        ["Congo-Brazzaville", "Congo Brazzaville", "Congo (Brazzaville)", "congo/brazzaville"],
        ["The Gambia", "Gambia", "the gambia"],
        ["St. Lucia", "St Lucia", "Saint Lucia"],
        ["Trinidad & Tobago", "Trinidad and Tobago"],
        ["São Tomé and Príncipe", "Sao Tome and Principe", "SAO TOME & PRINCIPE"],
        ["U.S.", "US", "us"],
    ],
)
def test_spellings_of_one_name_fold_alike(spellings: list[str]) -> None:
    assert len({countries.key(s) for s in spellings}) == 1, spellings


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Republic of the Congo", "Democratic Republic of the Congo"),
        ("Congo", "DR Congo"),
        ("Congo, Republic of", "Congo, Democratic Republic of the"),
        ("Niger", "Nigeria"),
        ("Guinea", "Guinea-Bissau"),
        ("Sudan", "South Sudan"),
        ("ST", "Saint"),  # alone, 'ST' is a code, not an abbreviation
    ],
)
def test_different_names_stay_apart(one: str, other: str) -> None:
    assert countries.key(one) != countries.key(other)


@given(st.text())
def test_folding_twice_is_folding_once(text: str) -> None:
    once = countries.key(text)
    assert countries.key(once) == once


# -- real countries the article does not name: an empty answer ------------------------

NOT_IN_THE_ARTICLE = {
    "CD": [
        "DR Congo",
        "D.R. Congo",
        "DRC",
        "Democratic Republic of the Congo",
        "Democratic Republic of Congo",
        "democratic republic of the congo",
        "Dem. Rep. Congo",
        "Congo-Kinshasa",
        "Congo Kinshasa",
        "Congo, Democratic Republic of the",
        "Congo, The Democratic Republic of the",
        "Zaire",
        "Zaïre",
        "Republic of Zaire",
        "COD",
        "cd",
        "Congolese (DRC)",
    ],
    "CI": ["Ivory Coast", "Côte d'Ivoire", "Côte d’Ivoire", "Cote d'Ivoire", "Cote dIvoire"],
    "RU": ["Russia", "Russian Federation", "RUS"],
    "SZ": ["Swaziland", "Eswatini", "Kingdom of Eswatini", "Kingdom of Swaziland", "Swazi"],
    "TR": ["Turkey", "Türkiye", "Turkiye", "Republic of Turkey", "TUR"],
    "MM": ["Burma", "Myanmar"],
    "CV": ["Cape Verde", "Cabo Verde"],
    "CZ": ["Czech Republic", "Czechia"],
    "TL": ["East Timor", "Timor-Leste"],
    "MK": ["Macedonia", "North Macedonia", "Republic of Macedonia"],
    "KE": ["Kenya", "Republic of Kenya", "Kenyan", "KEN"],
    "GB": ["UK", "Great Britain", "United Kingdom"],
    "US": ["USA", "U.S.", "United States", "United States of America"],
    "GM": ["The Gambia", "Gambia"],
    "KR": ["South Korea", "Republic of Korea", "Korea, Republic of"],
    "KP": ["North Korea", "Democratic People's Republic of Korea"],
    "TW": ["Taiwan", "Republic of China"],
    "CN": ["China", "People's Republic of China"],
    "LA": ["Laos", "Lao People’s Democratic Republic"],
    "VN": ["Vietnam", "Viet Nam"],
    "ST": ["Sao Tome and Principe", "São Tomé and Príncipe", "ST"],
}


@pytest.mark.parametrize(
    ("spelling", "code"),
    [(s, code) for code, spellings in NOT_IN_THE_ARTICLE.items() for s in spellings],
)
def test_a_country_the_article_does_not_name_is_known(
    facts: FactBase, spelling: str, code: str
) -> None:
    assert resolve(facts, spelling) == (None, code)


# -- the article's countries under the same variants -------------------------------------

IN_THE_ARTICLE = {
    "congo": [
        "Congo",
        "congo",
        "Republic of the Congo",
        "Republic of Congo",
        "Rep. of Congo",
        "Congo, Republic of",
        "Congo-Brazzaville",
        "Congo Brazzaville",
        "CG",
        "COG",
        "Congolese",
    ],
    "guinea-bissau": [
        "Guinea-Bissau",
        "Guinea Bissau",
        "guinea–bissau",
        "Republic of Guinea-Bissau",
        "Bissau-Guinean",
        "GNB",
    ],
    "burkina-faso": ["Burkina Faso", "Burkina-Faso", "BURKINA FASO", "Upper Volta", "Burkinabè"],
    "benin": ["Benin", "Republic of Benin", "Dahomey", "Bénin"],
    "togo": ["Togo", "Togolese Republic", "Republic of Togo"],
    "nigeria": ["Nigeria", "Federal Republic of Nigeria"],
    "rwanda": ["Rwanda", "Republic of Rwanda"],
    "sierra-leone": ["Sierra Leone", "Sierra-Leone", "Republic of Sierra Leone"],
    "morocco": ["Morocco", "Kingdom of Morocco", "the Kingdom of Morocco"],
    "kazakhstan": ["Kazakhstan", "Republic of Kazakhstan", "Kazakhstan’s", "Qazaqstan"],
}


@pytest.mark.parametrize(
    ("spelling", "country"),
    [(s, country) for country, spellings in IN_THE_ARTICLE.items() for s in spellings],
)
def test_the_articles_countries_under_every_variant(
    facts: FactBase, spelling: str, country: str
) -> None:
    assert resolve(facts, spelling)[0] == country


def test_the_two_congos_are_never_confused(facts: FactBase) -> None:
    for spelling in NOT_IN_THE_ARTICLE["CD"]:
        assert resolve(facts, spelling) == (None, "CD"), spelling
    for spelling in IN_THE_ARTICLE["congo"]:
        assert resolve(facts, spelling) == ("congo", "CG"), spelling
    cd = [name for name, code in country_names.NAMES.items() if code == "CD"]
    cg = [name for name, code in country_names.NAMES.items() if code == "CG"]
    assert "congo" in cg
    assert all("brazzaville" not in name for name in cd)
    assert all("kinshasa" not in name and "zaire" not in name for name in cg)
    assert all("democratic" not in name.split() for name in cg)
    assert {country_names.NAMES[countries.key(n)] for n in IN_THE_ARTICLE["congo"][:9]} == {"CG"}


def test_every_name_in_the_table_resolves_to_its_country(facts: FactBase) -> None:
    """The fact base comes first, and never takes a name of another country."""
    for name, code in country_names.NAMES.items():
        match = query.resolve_country(facts, name)
        assert match.code == code, name
        assert match.id == ARTICLE.get(code), name


def test_a_country_of_the_fact_base_is_named_as_the_fact_base_names_it(
    facts: FactBase,
) -> None:
    assert query.resolve_country(facts, "Congo-Brazzaville").name == "Republic of the Congo"
    assert query.resolve_country(facts, "DR Congo").name == "Democratic Republic of the Congo"
    assert query.resolve_country(facts, "Swaziland").name == "Eswatini"


def test_display_names_resolve_to_their_own_country() -> None:
    assert len(country_names.DISPLAY) >= 249
    for code, name in country_names.DISPLAY.items():
        assert country_names.NAMES[countries.key(name)] == code, name


# -- not a country: a usage error with a hint ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("Kenia", "Kenya"),
        ("Swazilan", "Eswatini"),  # the table's display name, not the old name typed
        ("Turkye", "Türkiye"),
        ("Korea", "South Korea or North Korea"),  # ambiguous: not guessed
        ("Congo Kinshasha", "Democratic Republic of the Congo"),
        ("Rwand", "Rwanda"),
        ("Republic of Congoo", "Republic of the Congo"),  # the fact base's name
    ],
)
def test_a_near_miss_is_an_error_with_a_hint(facts: FactBase, value: str, hint: str) -> None:
    with pytest.raises(UsageError) as error:
        query.resolve_country(facts, value)
    assert str(error.value).startswith(f"unknown country '{value}'; did you mean ")
    assert hint in str(error.value)


@pytest.mark.parametrize("value", ["Atlantis", "Africa", "Kinshasa", "Istanbul", "the", "?!"])
def test_a_non_country_is_an_error(facts: FactBase, value: str) -> None:
    with pytest.raises(UsageError, match=f"^unknown country {re.escape(repr(value))}; "):
        query.resolve_country(facts, value)


@given(st.text(max_size=60))
@settings(max_examples=examples(300), deadline=None)
def test_resolving_any_text_gives_a_country_or_a_usage_error(text: str) -> None:
    try:
        match = query.resolve_country(shipped(), text)
    except UsageError as error:
        message = str(error)  # anything else fails the test
    else:
        assert match.code in country_names.DISPLAY
        message = ""
    assert "\n" not in message


# -- the command line ---------------------------------------------------------------------


def run(*args: str) -> Any:
    return RUNNER.invoke(app.app, list(args), env=ENV)


def congo_visits() -> list[str]:
    return [v["id"] for v in FACTS["visits"] if "congo" in [*v["origin"], v["destination"]]]


@pytest.mark.parametrize(
    "spelling", ["DR Congo", "Democratic Republic of the Congo", "Ivory Coast", "Swaziland"]
)
def test_cli_a_country_the_article_does_not_name_is_an_empty_answer(spelling: str) -> None:
    result = run("visits", "--country", spelling, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("spelling", ["Republic of Congo", "Congo-Brazzaville", "Congo"])
def test_cli_republic_of_congo_finds_the_congo_visits(spelling: str) -> None:
    result = run("visits", "--country", spelling, "--json")
    assert result.exit_code == 0, result.output
    assert sorted(v["id"] for v in json.loads(result.stdout)) == sorted(congo_visits()) != []


def test_cli_table_names_the_country_not_in_the_article() -> None:
    result = run("visits", "--country", "DR Congo")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())  # the title may wrap
    assert "Democratic Republic of the Congo" in shown
    assert "No records match." in shown


def test_cli_a_non_country_exits_2_with_a_hint() -> None:
    result = run("visits", "--country", "Kenia", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown country 'Kenia'; did you mean Kenya" in result.stderr


# -- the table and its sources ---------------------------------------------------------------


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_country_names", ROOT / "tools" / "make_country_names.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_is_what_its_sources_make() -> None:
    """Drift: regenerate in memory from the installed sources and compare."""
    for source, version in country_names.SOURCES.items():
        pytest.importorskip(source, reason=f"{source} (a test dependency) is not installed")
        installed = importlib.metadata.version(source)
        if installed != version:
            pytest.skip(f"the table is made from {source} {version}, {installed} is installed")
    generator = _generator()
    text = generator.render(generator.build())
    committed = (ROOT / "kzafrica" / "answers" / "country_names.py").read_text(encoding="utf-8")
    assert text == committed, "rerun: python tools/make_country_names.py"


def test_the_test_extra_pins_the_tables_sources() -> None:
    """So that a fresh `pip install '.[test]'` runs the drift test instead of skipping."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    extra = re.search(r"^test = \[(.*?)^\]", pyproject, re.S | re.M)
    assert extra
    for source, version in country_names.SOURCES.items():
        # A pin may end in an environment marker: countryinfo 1.0.1 needs Python 3.11 or later.
        pin = rf'"{re.escape(source)}=={re.escape(version)}(; [^"]*)?"'
        assert re.search(pin, extra.group(1)), source


def test_the_generator_stops_at_a_name_of_two_countries() -> None:
    generator = _generator()
    codes = {"CD": {"CD", "COD"}, "CG": {"CG", "COG"}}
    given = {"CD": {"Congo, Democratic Republic of the"}, "CG": {"Congo", "Congo (Republic)"}}
    names, _ = generator._keys(codes, given, {"CD": set(), "CG": set()})
    assert names["congo"] == "CG"
    given["CD"].add("Congo")
    with pytest.raises(generator.CollisionError, match=r"'congo' is both CD .* and CG"):
        generator._keys(codes, given, {"CD": set(), "CG": set()})


def test_the_generator_leaves_out_ambiguous_variants() -> None:
    generator = _generator()
    codes = {"KR": {"KR"}, "KP": {"KP"}, "CN": {"CN"}, "TW": {"TW"}}
    given = {
        "KR": {"Republic of Korea"},
        "KP": {"North Korea"},
        "CN": {"China"},
        "TW": {"Taiwan", "Republic of China"},
    }
    short = {"KR": set(), "KP": set(), "CN": {"China"}, "TW": {"Taiwan"}}
    names, dropped = generator._keys(codes, given, short)
    assert "korea" not in names  # from 'Republic of Korea', but North Korea has the word
    assert names["china"] == "CN"  # from the source; TW's derived 'China' is dropped
    assert names["republic china"] == "TW"
    assert names["republic taiwan"] == "TW"
    assert set(dropped) == {"korea", "china", "republic china"}
