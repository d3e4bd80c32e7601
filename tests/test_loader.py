"""The loader: reading, parsing, validating and caching a facts file.

Bad files are mostly built from the shipped facts.yaml with one targeted edit, so the
line an error must be reported at is computed from the text rather than hard-coded.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared import examples

from kzafrica.factfile import invisible, yamlsafe
from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.errors import DataError, Problem
from kzafrica.factfile.models import COLLECTIONS, KINDS
from kzafrica.store import access

FILE = "facts.yaml"
SHIPPED = access.packaged_facts().read_text(encoding="utf-8")

# FILE:LINE:COL: rest, on one line; `rest` is `path: message` or just `message`.
LOCATED = re.compile(r"(?P<file>[^\n]+?):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): (?P<rest>.+)")


def unsafe(text: str) -> bool:
    """Whether ``text`` holds what must never reach a terminal raw: by this Python's Unicode
    any control, format, private-use, surrogate or unassigned character or line separator,
    and any character of the refused table (default ignorables among them)."""
    return any(
        unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in text
    ) or any(invisible.refuses(c) for c in text)


# -- helpers -------------------------------------------------------------------------


def replace_line(text: str, old: str, new: str, after: str | None = None) -> tuple[str, int]:
    """Replace the first line equal to ``old`` (after the line equal to ``after``).

    Returns the new text and the 1-based number of the replaced line.
    """
    lines = text.split("\n")
    start = lines.index(after) + 1 if after is not None else 0
    for index in range(start, len(lines)):
        if lines[index] == old:
            lines[index] = new
            return "\n".join(lines), index + 1
    raise AssertionError(f"line {old!r} not found in facts.yaml; the test needs updating")


def column_of(line: str, needle: str) -> int:
    """1-based column where ``needle`` starts in ``line``."""
    assert needle in line
    return line.index(needle) + 1


def check_rendering(error: DataError) -> None:
    """Every problem renders as one line, ``FILE:LINE:COL: path: message`` when located."""
    assert error.problems, "a DataError must carry at least one problem"
    rendered = [problem.render(error.file) for problem in error.problems]
    assert str(error) == "\n".join(rendered)
    for problem, text in zip(error.problems, rendered, strict=True):
        assert "\n" not in text, text
        assert "\r" not in text, text
        assert "Traceback" not in text, text
        assert 'File "' not in text, text
        assert "<unicode string>" not in text, text
        assert not unsafe(text), text  # escaped, whatever the data held
        assert problem.message.strip(), text
        field = ".".join(str(part) for part in problem.path)
        if problem.line is None:
            expected = f"{error.file}: {problem.message}"
        elif field:
            expected = f"{error.file}:{problem.line}:{problem.column}: {field}: {problem.message}"
        else:
            expected = f"{error.file}:{problem.line}:{problem.column}: {problem.message}"
        if unsafe(expected):
            continue  # shown escaped: checked above
        assert text == expected
        if problem.line is not None:
            assert problem.column is not None
            match = LOCATED.fullmatch(text)
            assert match is not None, text
            assert match["file"] == error.file
            assert (int(match["line"]), int(match["col"])) == (problem.line, problem.column)
            assert match["rest"] == (f"{field}: " if field else "") + problem.message


def problems_of(data: str | bytes, file: str = FILE) -> list[Problem]:
    """The problems ``access.validate`` reports for ``data`` (which must be invalid)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(DataError) as info:
        access.validate(file, raw)
    assert info.value.file == file
    check_rendering(info.value)
    return info.value.problems


def only_problem(data: str | bytes) -> Problem:
    problems = problems_of(data)
    assert len(problems) == 1, [p.render(FILE) for p in problems]
    return problems[0]


def load_problem(path: str) -> Problem:
    """The single file-level problem ``access.load`` reports for ``path``."""
    with pytest.raises(DataError) as info:
        access.load(path)
    check_rendering(info.value)
    assert info.value.file == path
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.line is None
    assert problem.path == ()
    return problem


@functools.cache
def shipped_facts() -> dict[str, Any]:
    return access.validate(FILE, SHIPPED.encode("utf-8")).facts


def index_of(collection: str, record_id: str) -> int:
    ids = [record["id"] for record in shipped_facts()[collection]]
    return ids.index(record_id)


# -- the shipped file ----------------------------------------------------------------


def test_shipped_facts_load() -> None:
    dataset = access.load(None)
    assert dataset.source == str(access.packaged_facts())
    assert set(dataset.facts) == {"article", *COLLECTIONS}
    assert dataset.kinds == KINDS
    assert dataset.facts["article"]["date"] == "2025-06-03"
    assert "kazakhstan" in [country["id"] for country in dataset.facts["countries"]]
    assert sum(len(records) for key, records in dataset.facts.items() if key != "article") > 50


def test_data_file_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(SHIPPED.replace("  dateline: Astana", "  dateline: Almaty"), "utf-8")
    monkeypatch.setenv("KZAFRICA_DATA", str(copy))
    dataset = access.load(None)
    assert dataset.source == str(copy)
    assert dataset.facts["article"]["dateline"] == "Almaty"


# -- files that cannot be read -------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    problem = load_problem(str(tmp_path / "nope.yaml"))
    assert "no such file" in problem.message


def test_directory(tmp_path: Path) -> None:
    problem = load_problem(str(tmp_path))
    assert "is a directory" in problem.message


def test_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Tests run as root, which ignores chmod 000; simulate what open() would do.
    path = tmp_path / "secret.yaml"
    path.write_text(SHIPPED, "utf-8")
    real_open = os.open

    def deny(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    problem = load_problem(str(path))
    assert "permission denied" in problem.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_chmod_000_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(SHIPPED, "utf-8")
    path.chmod(0)
    assert "permission denied" in load_problem(str(path)).message


def test_name_too_long(tmp_path: Path) -> None:
    problem = load_problem(str(tmp_path / ("x" * 5000)))
    assert problem.message.startswith("cannot open: ")


def test_nul_in_path() -> None:
    # open() raises ValueError, not OSError, for this.
    problem = load_problem("facts\0.yaml")
    assert "cannot open" in problem.message


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_refused_without_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    real_fdopen = os.fdopen

    class Spy:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def fileno(self) -> int:
            return int(self.handle.fileno())

        def read(self, size: int = -1) -> bytes:
            reads.append(size)
            return bytes(self.handle.read(size))

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Spy(real_fdopen(fd, *a, **k)))
    problem = load_problem("/dev/zero")
    assert "not a regular file" in problem.message
    assert reads == []


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(access.load(str(fifo)))
        except BaseException as exc:  # reported below, on the main thread
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # unblock it before failing, so the run can finish
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
        pytest.fail("access.load blocked on a FIFO")
    [result] = outcome
    assert isinstance(result, DataError), result
    check_rendering(result)
    assert "not a regular file" in result.problems[0].message


def test_size_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(access, "MAX_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 101)
    assert "larger than" in load_problem(str(path)).message
    path.write_bytes(b"#" * 100)  # at the limit: read, then found empty
    assert "is empty" in load_problem(str(path)).message


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"   \n\t\n", b"# only a comment\n", b"# one\n\n   # two\n", b"\xef\xbb\xbf"],
)
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(content)
    assert "is empty" in load_problem(str(path)).message


def test_empty_document() -> None:
    problem = only_problem("---\n# nothing here\n")
    assert "empty" in problem.message


# -- encoding ------------------------------------------------------------------------


def test_not_utf8_reports_bad_byte() -> None:
    text, line = replace_line(SHIPPED, "  dateline: Astana", "  dateline: AstXana")
    data = text.encode("utf-8").replace(b"AstXana", b"Ast\xffana")
    problem = only_problem(data)
    assert (problem.line, problem.column) == (line, column_of("  dateline: AstXana", "X"))
    assert "0xff" in problem.message
    assert "UTF-8" in problem.message


def test_not_utf8_column_counts_characters() -> None:
    # The column is in characters, as an editor shows it, not in bytes.
    problem = only_problem("é: 'ça va'\nñame: Françoise".encode() + b"\xc3(")
    assert (problem.line, problem.column) == (2, len("ñame: Françoise") + 1)
    assert "0xc3" in problem.message


def test_not_utf8_after_bom() -> None:
    problem = only_problem(b"\xef\xbb\xbfab\xff: 1\n")
    assert (problem.line, problem.column) == (1, 3)
    assert "0xff" in problem.message


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SHIPPED.encode("utf-8"))
    assert access.load(str(path)).facts == shipped_facts()


def test_bom_keeps_line_numbers() -> None:
    text, line = replace_line(SHIPPED, "  dateline: Astana", "  dateline: 12")
    problem = only_problem(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (problem.line, problem.column, problem.path) == (line, 3, ("article", "dateline"))


# -- YAML structure ------------------------------------------------------------------


def test_broken_yaml() -> None:
    new = "  dateline: Astana: x"
    text, line = replace_line(SHIPPED, "  dateline: Astana", new)
    problem = only_problem(text)
    assert "YAML syntax error" in problem.message
    assert (problem.line, problem.column) == (line, column_of(new, ": x"))


def test_unclosed_flow_sequence() -> None:
    problem = only_problem("article: [a, b\n")
    assert "YAML syntax error" in problem.message
    assert problem.line == 2


@pytest.mark.parametrize(
    ("text", "got"),
    [("- article\n- countries\n", "got a list"), ("hello\n", "got a single value")],
)
def test_top_level_must_be_mapping(text: str, got: str) -> None:
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (1, 1, ())
    assert "top level must be a mapping" in problem.message
    assert got in problem.message


def test_unknown_top_level_key() -> None:
    text = SHIPPED.rstrip("\n") + "\nextras: 1\n"
    problem = only_problem(text)
    assert problem.path == ("extras",)
    assert (problem.line, problem.column) == (text.count("\n"), 1)
    assert "unknown field" in problem.message


def test_misspelt_field_reports_both_problems_in_order() -> None:
    text, line = replace_line(SHIPPED, "  dateline: Astana", "  datelne: Astana")
    article_line = SHIPPED.split("\n").index("article:") + 1
    problems = problems_of(text)
    assert [(p.line, p.column, p.path) for p in problems] == [
        (article_line, 1, ("article", "dateline")),  # missing: placed at `article:`
        (line, 3, ("article", "datelne")),
    ]
    assert "required field is missing" in problems[0].message
    assert "unknown field" in problems[1].message


def test_duplicate_key_reports_second() -> None:
    text, line = replace_line(SHIPPED, "  dateline: Astana", "  date: '2025-06-03'")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 3, ("article",))
    assert "duplicate key 'date'" in problem.message


def test_duplicate_key_in_flow_mapping() -> None:
    problem = only_problem("article: {date: '2025', date: '2024'}\n")
    line = "article: {date: '2025', date: '2024'}"
    assert (problem.line, problem.column) == (1, column_of(line, "date: '2024'"))
    assert "duplicate key 'date'" in problem.message


def test_python_tag_does_not_run(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    new = f"  dateline: !!python/object/apply:builtins.open ['{target}', 'w']"
    text, line = replace_line(SHIPPED, "  dateline: Astana", new)
    # The payload is real: the unsafe loader would create the file.
    yaml.unsafe_load(new.strip()).popitem()[1].close()
    assert target.exists()
    target.unlink()

    problem = only_problem(text)
    assert not target.exists()
    assert (problem.line, problem.column) == (line, column_of(new, "!!python"))
    assert "tags" in problem.message
    assert "python/object/apply" in problem.message


def test_os_system_tag_does_not_run(capfd: pytest.CaptureFixture[str]) -> None:
    problem = only_problem("article: !!python/object/apply:os.system ['echo hi']\n")
    assert (problem.line, problem.column) == (1, 10)
    assert "tags" in problem.message
    assert "hi" not in capfd.readouterr().out


@pytest.mark.parametrize(
    ("text", "column"),
    [("a: !!int\n", 4), ("a: !!bool\n", 4), ("!!timestamp \n", 1), ("a: !!str 1\n", 4)],
)
def test_tags_are_refused(text: str, column: int) -> None:
    problem = only_problem(text)
    assert (problem.line, problem.column) == (1, column)
    assert "tags" in problem.message


def test_impossible_unquoted_date() -> None:
    # PyYAML's safe loader would raise ValueError building a datetime.date from this.
    new = "  date: 2024-02-30"
    text, line = replace_line(SHIPPED, "  date: '2025-06-03'", new)
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 3, ("article", "date"))
    assert "has no day 30" in problem.message


def test_unquoted_date_stays_text() -> None:
    text, _ = replace_line(SHIPPED, "  date: '2025-06-03'", "  date: 2025-06-03")
    assert access.validate(FILE, text.encode()).facts["article"]["date"] == "2025-06-03"


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    ("text", "word", "column"),
    [
        (BILLION_LAUGHS, "anchors", 4),
        ("a: &x [*x]\n", "anchors", 4),
        ("a: *x\n", "aliases", 4),
        ("a: [1, *x]\n", "aliases", 8),
    ],
)
def test_anchors_and_aliases_are_refused(text: str, word: str, column: int) -> None:
    problem = only_problem(text)
    assert (problem.line, problem.column) == (1, column)
    assert word in problem.message


def test_two_documents() -> None:
    text = SHIPPED.rstrip("\n") + "\n---\narticle: {}\n"
    problem = only_problem(text)
    assert (problem.line, problem.column) == (text.count("\n") - 1, 1)
    assert "only one YAML document" in problem.message


def test_tab_indentation() -> None:
    text, line = replace_line(SHIPPED, "  dateline: Astana", "\tdateline: Astana")
    problem = only_problem(text)
    assert "YAML syntax error" in problem.message
    assert (problem.line, problem.column) == (line, 1)


def test_deep_flow_nesting() -> None:
    problem = only_problem("[" * 5000)
    assert problem.line == 1
    assert "nesting" in problem.message


def deep_mapping(levels: int) -> str:
    return "".join("  " * level + f"k{level}:\n" for level in range(levels))


def test_deep_block_mapping() -> None:
    depth = yamlsafe.MAX_DEPTH
    problem = only_problem(deep_mapping(1000))
    assert (problem.line, problem.column) == (depth + 1, 2 * depth + 1)
    assert problem.path == tuple(f"k{level}" for level in range(depth))
    assert f"nesting deeper than {depth} levels" in problem.message


def test_nesting_at_the_limit_parses() -> None:
    depth = yamlsafe.MAX_DEPTH
    value = yamlsafe.load(deep_mapping(depth))
    for level in range(depth - 1):
        value = value[f"k{level}"]
    assert value == {f"k{depth - 1}": None}
    with pytest.raises(yamlsafe.YamlProblem):
        yamlsafe.load(deep_mapping(depth + 1))


@pytest.mark.parametrize(
    ("key", "shown"), [("1: x", "'1'"), ("true: x", "'true'"), ("~: x", "'~'")]
)
def test_keys_must_be_text(key: str, shown: str) -> None:
    problem = only_problem(key + "\n")
    assert (problem.line, problem.column) == (1, 1)
    assert f"mapping key {shown} must be text" in problem.message


def test_huge_integer() -> None:
    # int() refuses more than 4300 digits with ValueError; that must not escape.
    text, line = replace_line(SHIPPED, "  dateline: Astana", "  dateline: " + "9" * 5000)
    problem = only_problem(text)
    assert (problem.line, problem.column) == (line, 13)
    assert "number" in problem.message


@pytest.mark.parametrize(
    ("raw", "codepoint"), [("\x1b", "U+001B"), ("\x00", "U+0000"), ("\x07", "U+0007")]
)
def test_raw_control_character_in_file(raw: str, codepoint: str) -> None:
    # The YAML reader refuses these before parsing; it must still say where.
    text, line = replace_line(SHIPPED, "  dateline: Astana", f"  dateline: Asténa{raw}")
    problem = only_problem(text)
    assert (problem.line, problem.column) == (line, len("  dateline: Asténa") + 1)
    assert codepoint in problem.message


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
    text, line = replace_line(SHIPPED, "  date: '2025-06-03'", "  date: [2025, 6, 3]")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 3, ("article", "date"))
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
    text, line = replace_line(SHIPPED, "  dateline: Astana", f"  dateline: {value}")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 3, ("article", "dateline"))
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
