"""The store's own rules, apart from the cache that keeps it: the shipped store in step with
facts.yaml, the cache key, any damage to an entry, and the links a store is read by."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import SHIPPED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared import examples

from kzafrica.factfile import package_files
from kzafrica.store import access, build, cache, shipped, sqlite_store
from kzafrica.store.factbase import FactBase

ROOT = Path(__file__).resolve().parents[1]


# -- the shipped store -----------------------------------------------------------------


def test_the_shipped_store_is_in_step_with_facts_yaml(tmp_path: Path) -> None:
    """If this fails, run `python -m kzafrica.store.build` and commit kzafrica/facts.db."""
    fresh = tmp_path / "fresh.db"
    build.build(fresh)

    def content(path: Path) -> list[object]:
        conn = sqlite3.connect(path)
        rows: list[object] = []
        for table in ("kz_meta", "kz_collections", "kz_records", "kz_links"):
            rows += sorted(conn.execute(f"SELECT * FROM {table}").fetchall())
        conn.close()
        return rows

    assert content(shipped.store_path()) == content(fresh)


def test_the_first_run_of_the_shipped_facts_imports_neither_pydantic_nor_yaml(
    tmp_path: Path,
) -> None:
    probe = (
        "import atexit, sys; from kzafrica.cli.app import main\n"
        "sys.argv = ['kzafrica', 'visits', '--json']\n"
        "atexit.register(lambda: sys.stderr.write("
        "'LOADED ' + ' '.join(sorted({'pydantic','yaml'} & set(sys.modules)))))\n"
        "main()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "empty"), "KZAFRICA_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().endswith("LOADED")
    assert not (tmp_path / "empty").exists()


# -- the key -----------------------------------------------------------------------------


def package_copy(tmp_path: Path) -> Path:
    package = tmp_path / "package"
    real = access.packaged_facts().parent
    for path in [*real.rglob("*.py"), *real.glob("sources/*")]:
        (package / path.relative_to(real)).parent.mkdir(parents=True, exist_ok=True)
        (package / path.relative_to(real)).write_bytes(path.read_bytes())
    return package


def test_the_key_covers_every_module_that_stores_and_the_article(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = package_copy(tmp_path)
    monkeypatch.setattr(package_files, "PACKAGE_DIR", package)
    monkeypatch.setattr(package_files, "SOURCES", package / "sources")
    # The code that validates and stores: the layers below answers, which import nothing
    # above them (tests/test_readme.py holds them to it), and the version.
    layers = [*package.glob("factfile/*.py"), *package.glob("store/*.py")]
    changed = [package / "__init__.py", *layers, *package.glob("sources/*")]
    assert {p.name for p in changed} >= {"errors.py", "models.py", "validation.py", "article.txt"}
    for path in changed:
        before = cache.key(iter([b"same data"]))
        with path.open("ab") as handle:
            handle.write(b"\n")
        assert cache.key(iter([b"same data"])) != before, path.name


def test_the_key_covers_the_validating_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    found = cache._dependency_versions()
    assert "pydantic-" in found
    assert "pydantic_core-" in found
    assert "yaml-" in found.lower()
    before = cache.key(iter([b"x"]))
    monkeypatch.setattr(cache, "_dependency_versions", lambda: found.replace("2.", "9."))
    assert cache.key(iter([b"x"])) != before


# -- property ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_entry(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str, Path]:
    where = tmp_path_factory.mktemp("entry")
    facts = where / "facts.yaml"
    facts.write_text(SHIPPED, "utf-8")
    name = cache.key(iter([facts.read_bytes()]))
    dataset = access.validate(str(facts), facts.read_bytes())
    database = where / "entry.db"
    access._write(str(database), dataset, name)
    return database.read_bytes(), name, facts


def answer_of(facts: object) -> str:
    from kzafrica.answers import query

    assert isinstance(facts, FactBase)
    rwanda = query.resolve_country(facts, "Rwanda")
    return json.dumps(
        [query.visits(facts, rwanda, query.Window(), None), query.show(facts, "rwanda")]
    )


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_any_damage_to_an_entry_gives_the_right_answer_or_a_fresh_validation(
    good_entry: tuple[bytes, str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    flips: list[tuple[float, int]],
    cut: float | None,
) -> None:
    data, name, facts = good_entry
    expected = answer_of(FactBase(access.validate(str(facts), facts.read_bytes())))
    damaged = bytearray(data)
    for where, xor in flips:
        damaged[int(where * (len(damaged) - 1))] ^= xor
    if cut is not None:
        damaged = damaged[: int(cut * len(damaged))]
    root = tmp_path_factory.mktemp("xdg")
    (root / "kzafrica").mkdir(mode=0o700)
    (root / "kzafrica" / f"{name}.db").write_bytes(bytes(damaged))
    os.environ["XDG_CACHE_HOME"] = str(root)  # the autouse fixture restores it
    got = access.ask(str(facts), answer_of)
    assert got == expected


def test_the_stores_links_are_what_the_facts_say(tmp_path: Path) -> None:
    """The one-pass index equals FactBase' own answers: referrers, and countries_of."""
    big = tmp_path / "big.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), "--records=800", f"-o{big}"],
        check=True,
    )
    for dataset in (access.validate(str(big), big.read_bytes()), access.load()):
        facts = FactBase(dataset)
        referrers, mentions = sqlite_store._links(sqlite_store.prepare(dataset))
        for _, record in facts.all():
            expected: dict[str, list[str]] = {}
            for other_key, other in facts.referrers(record["id"]):
                expected.setdefault(other_key, []).append(other["id"])
            assert referrers.get(record["id"], {}) == expected
        wanted: dict[str, dict[str, list[str]]] = {}
        for key, record in facts.all():
            for country in sorted(facts.countries_of(key, record)):
                wanted.setdefault(country, {}).setdefault(key, []).append(record["id"])
        assert mentions == wanted


def test_a_record_mentions_countries_one_step_away_and_no_further() -> None:
    """The one "mentions a country" rule, in memory and in the store: a visit mentions the
    country of the person it names, not the country of its forum's parent body."""
    from kzafrica.factfile.dataset import Dataset

    def country(i: str) -> dict[str, Any]:
        return {"id": i, "name": i.upper(), "code": i.upper(), "evidence": ["x"]}

    facts: dict[str, Any] = {
        "articles": [{"id": "a", "source": "article.txt"}],
        "countries": [country("rw"), country("ke"), country("kz")],
        "people": [{"id": "pk", "name": "P", "country": "rw", "evidence": ["x"]}],
        "organizations": [
            {"id": "union", "name": "U", "country": "ke", "parent": None, "evidence": ["x"]},
            {"id": "forum", "name": "F", "country": None, "parent": "union", "evidence": ["x"]},
        ],
        "visits": [
            {"id": "v", "visitors": ["pk"], "destination": "kz", "occasion": "forum"},
        ],
    }
    references = {
        "countries": {},
        "people": {"country": "country"},
        "organizations": {"country": "country", "parent": "organization"},
        "visits": {"visitors": "person", "destination": "country", "occasion": "organization"},
    }
    kinds = {key: key for key in references}
    dataset = Dataset(facts, references, kinds, "toy")
    memory = FactBase(dataset)
    assert memory.countries_of("visits", facts["visits"][0]) == {"rw", "kz"}
    assert memory.countries_of("organizations", facts["organizations"][1]) == {"ke"}
    assert memory.countries_of("countries", facts["countries"][0]) == {"rw"}
    _, mentions = sqlite_store._links(sqlite_store.prepare(dataset))
    assert mentions == {
        "rw": {"countries": ["rw"], "people": ["pk"], "visits": ["v"]},
        "ke": {"countries": ["ke"], "organizations": ["union", "forum"]},
        "kz": {"countries": ["kz"], "visits": ["v"]},
    }


def test_each_environment_variable_is_named_in_one_module() -> None:
    # A second spelling of a variable's name could drift from the first unnoticed.
    package = ROOT / "kzafrica"
    naming = {
        module.relative_to(package).as_posix()
        for module in package.rglob("*.py")
        if '"KZAFRICA_' in module.read_text(encoding="utf-8")
    }
    assert naming == {"store/environment.py"}
