"""The fast first run (kzafrica.store.firstrun) against the reference path.

The reference is what ``access.validate`` did before the fast path: ``yamlsafe.load`` and
``validation.check`` (``FactsFile.model_validate``). On valid files the fast path must give the
same Dataset, byte for byte once dumped as JSON, and the rows it makes for the cache the
same store as that Dataset; on broken files it must step aside so that the reference path
reports exactly the same problems. Both run with the usual pieces and with many small
ones, on files from the benchmark's generator.
"""

from __future__ import annotations

import codecs
import functools
import importlib.util
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from articles import two_articles
from helpers import SHIPPED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared import examples

from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.errors import DataError, Problem
from kzafrica.factfile.models import REFERENCES, reference_problems
from kzafrica.factfile.references import referred
from kzafrica.store import access, firstrun, piecerows, sqlite_store, twocores

ROOT = Path(__file__).resolve().parents[1]
FILE = "facts.yaml"


@functools.cache
def generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_facts", ROOT / "benchmarks/make_facts.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def generated(records: int, seed: int = 1, width: int = 80) -> str:
    """A synthetic facts file, written as make_facts.py writes it (long lines wrapped)."""
    make = generator()
    data = make.build(records, seed)
    return str(
        yaml.dump(data, Dumper=make.NoAliasDumper, sort_keys=False, allow_unicode=True, width=width)
    )


Outcome = tuple[str, Any]


def outcome(text: str | bytes) -> Outcome:
    """What ``access.validate`` says: the data as JSON text, or every problem."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        dataset = access.validate(FILE, data)
    except DataError as error:
        return "problems", [tuple(p) for p in error.problems]
    facts = json.dumps(dataset.facts, ensure_ascii=False)
    return "data", (facts, dataset.references, dataset.kinds, dataset.source)


def reference(text: str | bytes) -> Outcome:
    """What the reference path says, the fast path switched off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(firstrun, "check", lambda file, data: None)
        return outcome(text)


def problems(text: str | bytes) -> Outcome:
    """What validation says of ``text``, which must not take the fast path: the problems
    the reference path reports, every one."""
    assert fast(text) is None
    got = outcome(text)
    assert got == reference(text)
    assert got[0] == "problems"
    return got


SHARED: list[int] = []  # the counts of items shared with a worker, in "small pieces" mode


@pytest.fixture(params=["usual pieces", "small pieces"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the fast path with its usual pieces (on one core: the files are small), or with
    many small ones (a file split at many more places), shared with a worker on a second
    core where there is one (kzafrica.store.twocores)."""
    SHARED.clear()
    if request.param == "small pieces":
        monkeypatch.setattr(firstrun, "PIECE", 4096)
        monkeypatch.setattr(firstrun, "_TWO_CORES", 0)
        share = twocores.share

        def shared(work: Any, count: int) -> Any:
            if twocores.usable():
                SHARED.append(count)
            return share(work, count)

        monkeypatch.setattr(twocores, "share", shared)
    return str(request.param)


def fast(text: str | bytes) -> Dataset | None:
    """The fast path's Dataset, having checked that the rows it makes for the cache
    (``firstrun.rows``) are there exactly when it is, and make the same store."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    dataset = firstrun.check(FILE, data)
    made = firstrun.rows(FILE, data)
    if dataset is None or made is None:
        assert made is None
        assert dataset is None
    else:
        assert stored(made) == stored(dataset)
    return dataset


def stored(facts: Dataset | sqlite_store.Prepared) -> dict[str, list[Any]]:
    """Every row of every table of the store written from ``facts``."""
    conn = sqlite3.connect(":memory:")
    with conn:
        sqlite_store.write(conn, facts, "key")
    tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    conn.close()
    return found


# -- valid files: the same data ------------------------------------------------------


def test_shipped_file(mode: str) -> None:
    dataset = fast(SHIPPED)
    assert dataset is not None, "the shipped file must take the fast path"
    assert outcome(SHIPPED) == reference(SHIPPED)


def test_two_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fictional article's text is in sources/ beside the file: FILE is read from there.
    text = two_articles(tmp_path).read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    dataset = fast(text)
    assert dataset is not None, "a file of two articles must take the fast path"
    assert outcome(text) == reference(text)
    trade = {r["id"]: r for r in dataset.facts["trade"]}
    assert trade["trade-2024"]["disagrees_with"] == ["trade-2024-fictional"]  # made mutual


@pytest.mark.parametrize(("records", "articles"), [(900, 12)])
def test_generated_files_of_many_articles(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records: int, articles: int
) -> None:
    make = generator()
    data, texts = make.build_many(records, 3, articles)
    (tmp_path / "sources").mkdir()
    for name, body in texts.items():
        (tmp_path / "sources" / name).write_text(body, encoding="utf-8")
    text = yaml.dump(data, Dumper=make.NoAliasDumper, sort_keys=False, allow_unicode=True)
    monkeypatch.chdir(tmp_path)
    assert fast(text) is not None, "a generated file must take the fast path"
    assert outcome(text) == reference(text)
    if mode == "small pieces" and twocores.usable():
        assert SHARED, "the rows were made on one core only"
        assert min(SHARED) > 2


@pytest.mark.parametrize(
    ("records", "seed", "width"),
    [(60, 1, 80), (400, 2, 80), (400, 3, 30), (3000, 4, 80), (3000, 5, 1000)],
)
def test_generated_files(mode: str, records: int, seed: int, width: int) -> None:
    text = generated(records, seed, width)
    assert fast(text) is not None, "a generated file must take the fast path"
    assert outcome(text) == reference(text)


def test_other_layouts_go_the_reference_way(mode: str) -> None:
    """Flow mappings, CRLF line ends, tabs: not for the fast path, same answer."""
    data = generator().build(200, 7)
    flowing = yaml.dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None)
    plain = generated(200, 7)
    for text in (flowing, plain.replace("\n", "\r\n"), plain.replace("s: held", "s:\theld")):
        assert fast(text) is None
        assert outcome(text) == reference(text)
        assert outcome(text)[0] == "data"


def test_a_byte_order_mark(mode: str) -> None:
    data = codecs.BOM_UTF8 + generated(400, 2).encode("utf-8")
    assert fast(data) is not None
    assert outcome(data) == reference(data)


@pytest.mark.parametrize("where", [0.0, 0.5, 0.99])
def test_bytes_that_are_not_utf8(mode: str, where: float) -> None:
    """The file is decoded a piece at a time: a bad byte anywhere sends it the reference way."""
    data = generated(400, 2).encode("utf-8")
    at = data.index(b"\n  evidence:", int(len(data) * where)) + len(b"\n  evid")
    for bad in (b"\xff", b"\xc3", b"\xed\xa0\x80"):  # not UTF-8; a lone surrogate
        broken = data[:at] + bad + data[at:]
        got = problems(broken)
        assert "not UTF-8" in got[1][0][0]


def test_same_ids_and_order_for_records_split_across_pieces(mode: str) -> None:
    text = generated(3000, 4)
    dataset = fast(text)
    assert dataset is not None
    ids = [record["id"] for record in dataset.facts["visits"]]
    assert ids == [f"visit-{n}" for n in range(1, len(ids) + 1)]
    assert list(dataset.facts) == ["articles", *dataset.kinds]


# -- broken files: the same problems -------------------------------------------------


def break_at(text: str, old: str, new: str, which: str) -> str:
    """Replace the first, middle or last occurrence of ``old`` (a whole line) in ``text``."""
    starts = [m.start() for m in re.finditer(f"^{re.escape(old)}$", text, re.MULTILINE)]
    assert starts, old
    start = {"first": starts[0], "middle": starts[len(starts) // 2], "last": starts[-1]}[which]
    return text[:start] + new + text[start + len(old) :]


BREAKAGES = [
    ("  status: held", "  status: done"),  # a bad value
    ("  status: held", "  status: &a held"),  # an anchor
    ("  status: held", "\tstatus: held"),  # a tab
    ("  status: held", "  status: held\n  status: held"),  # a duplicate key
    ("  status: held", "  statuss: held"),  # an unknown field and a missing one
    ("  status: held", "  status: held: x"),  # a syntax error
    ("  status: held", "  status: 'held"),
    ("  destination: kazakhstan", "  destination: atlantis"),  # an unknown reference
    ("  destination: kazakhstan", "  destination: people-1"),  # a reference of the wrong kind
    ("- id: visit-2", "- id: visit-1"),  # a duplicate id
    ("- id: visit-2", "- id: rwanda"),  # ... of a record of another kind
    ("- id: visit-2", "- id: Visit 2"),
]


@pytest.mark.parametrize(("old", "new"), BREAKAGES)
@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_broken_generated_file(mode: str, old: str, new: str, which: str) -> None:
    text = break_at(generated(400, 2), old, new, which)
    problems(text)


def test_bad_dates_everywhere(mode: str) -> None:
    text = generated(400, 2)
    dates = re.findall(r"^  date: '(\d{4}-\d{2}-\d{2})'$", text, re.MULTILINE)
    broken = text
    for date in dates[:: max(1, len(dates) // 5)]:
        broken = broken.replace(f"  date: '{date}'", f"  date: '{date[:5]}13{date[7:]}'", 1)
    got = problems(broken)
    assert len(got[1]) >= 5


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("countries:\n", "extra: 1\ncountries:\n"),  # an unknown top-level key
        ("places:\n", "countries: []\nplaces:\n"),  # a top-level key twice
        ("article:\n", "articles:\n"),  # `article` missing
        ("trade:\n", "trade: []\ntrade2:\n"),
    ],
)
def test_broken_top_level(mode: str, old: str, new: str) -> None:
    text = generated(400, 2).replace(old, new, 1)
    problems(text)


def test_empty_or_missing_countries(mode: str) -> None:
    text = generated(60, 1)
    head, rest = text.split("countries:\n", 1)
    tail = rest[rest.index("places:\n") :]
    for middle in ("countries: []\n", ""):
        broken = head + middle + tail
        assert fast(broken) is None
        assert outcome(broken) == reference(broken)


def test_a_missing_collection_is_an_empty_list(mode: str) -> None:
    text = generated(60, 1)
    start, end = text.index("areas:\n"), text.index("quotes:\n")
    without = text[:start] + text[end:]
    dataset = fast(without)
    assert dataset is not None
    assert dataset.facts["areas"] == []
    assert outcome(without) == reference(without)


# -- properties ----------------------------------------------------------------------


@functools.cache
def small_facts() -> str:
    dataset = fast(generated(60, 1))
    assert dataset is not None
    return json.dumps(dataset.facts)


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, int, str, Any]:
    """A change to one field of one record: an id, or a reference (to anything)."""
    facts = json.loads(small_facts())
    key = draw(st.sampled_from([k for k in REFERENCES if facts[k]]))
    index = draw(st.integers(0, len(facts[key]) - 1))
    field = draw(st.sampled_from(["id", *REFERENCES[key]]))
    ids = [record["id"] for k in REFERENCES for record in facts[k]]
    target = st.one_of(st.sampled_from(ids), st.sampled_from(["fresh", "x"]), st.none())
    value = draw(st.one_of(target, st.lists(target, max_size=3)))
    return key, index, field, value


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(edits(), min_size=1, max_size=3))
def test_reference_check_agrees_with_the_models(changes: list[tuple[str, int, str, Any]]) -> None:
    facts = json.loads(small_facts())
    assert not firstrun.references_wrong(facts)
    for key, index, field, value in changes:
        facts[key][index][field] = value
    found = reference_problems(
        (key, index, record) for key in REFERENCES for index, record in enumerate(facts[key])
    )
    assert firstrun.references_wrong(facts) == bool(found)
    if all(isinstance(r["id"], str) for key in REFERENCES for r in facts[key]):
        # The check of the rows the fast first run makes (ids never other than text there:
        # a record whose id is not fails validation first).
        assert firstrun._rows_wrong(as_parts(facts)) == bool(found)


def as_parts(facts: dict[str, Any]) -> dict[str, list[Any]]:
    """Each collection as the fast first run holds it before the reference check: one part
    of rows, and the ids each reference field names."""
    made: dict[str, list[Any]] = {}
    for key, fields in REFERENCES.items():
        rows = sqlite_store.batch_of_records(key, facts[key], "", fields)
        named = {
            field: {t for r in facts[key] for _, t in referred(r.get, (field,))} for field in fields
        }
        made[key] = [piecerows.Part(rows, named)]
    return made


LINES = SHIPPED.split("\n")
YAMLISH = st.text(
    alphabet=st.sampled_from(list("[]{}:,-&*!|>'\"#\n\t ?%@`.~\\") + list("abcxyz019é\u202e")),
    max_size=30,
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(LINES) - 1), st.one_of(YAMLISH, st.sampled_from(LINES)))
def test_shipped_file_with_one_line_changed(index: int, line: str) -> None:
    """Whatever one line becomes, the answer is the reference path's."""
    lines = [*LINES]
    lines[index] = lines[index][: len(lines[index]) - len(lines[index].lstrip())] + line
    text = "\n".join(lines)
    try:
        access.decode(FILE, text.encode("utf-8"))
    except DataError:
        return
    assert outcome(text) == reference(text)
    fast(text)  # and the rows for the cache make the same access, where there are any


def test_problems_are_the_reference_problems() -> None:
    # A check of the comparison itself: problems compare by message, line, column, path.
    text = SHIPPED.replace("    dateline: Astana", "    dateline: 7")
    line = SHIPPED.split("\n").index("    dateline: Astana") + 1
    kind, problems = outcome(text)
    assert kind == "problems"
    assert [Problem(*p) for p in problems] == [
        Problem(
            "Input should be a valid string (got 7) (article 'astana-2025-06-03')",
            line,
            5,
            ("articles", 0, "dateline"),
        )
    ]


# -- decode --------------------------------------------------------------------------

BREAKS_AND_BLANKS = [*" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\xa0\u3000", "#", "a"]


def empty_as_before(text: str) -> bool:
    """The emptiness rule decode() had, over a list of every line of the file."""
    return not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    )


@settings(max_examples=examples(2000), deadline=None)
@given(st.text(alphabet=st.sampled_from(BREAKS_AND_BLANKS), max_size=20))
def test_decode_finds_a_file_empty_as_before(text: str) -> None:
    if empty_as_before(text):
        with pytest.raises(DataError, match="is empty"):
            access.decode(FILE, text.encode("utf-8"))
    else:
        assert access.decode(FILE, text.encode("utf-8")) == text
