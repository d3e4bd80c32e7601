"""The loader: reading, parsing, validating and caching a facts file.

Bad files are mostly built from the shipped facts.yaml with one targeted edit, so the
line an error must be reported at is computed from the text rather than hard-coded.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from loading import (
    FILE,
    SHIPPED,
    check_rendering,
    column_of,
    load_problem,
    only_problem,
    problems_of,
    replace_line,
    shipped_facts,
)

from kzafrica.factfile import yamlsafe
from kzafrica.factfile.errors import DataError
from kzafrica.factfile.models import COLLECTIONS, KINDS
from kzafrica.store import access

# -- the shipped file ----------------------------------------------------------------


def test_shipped_facts_load() -> None:
    dataset = access.load(None)
    assert dataset.source == str(access.packaged_facts())
    assert set(dataset.facts) == {"articles", *COLLECTIONS}
    assert dataset.kinds == KINDS
    assert dataset.facts["articles"][0]["date"] == "2025-06-03"
    assert "kazakhstan" in [country["id"] for country in dataset.facts["countries"]]
    assert sum(len(records) for key, records in dataset.facts.items() if key != "articles") > 50


def test_data_file_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(SHIPPED.replace("    dateline: Astana", "    dateline: Almaty"), "utf-8")
    monkeypatch.setenv("KZAFRICA_DATA", str(copy))
    dataset = access.load(None)
    assert dataset.source == str(copy)
    assert dataset.facts["articles"][0]["dateline"] == "Almaty"


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
    text, line = replace_line(SHIPPED, "    dateline: Astana", "    dateline: AstXana")
    data = text.encode("utf-8").replace(b"AstXana", b"Ast\xffana")
    problem = only_problem(data)
    assert (problem.line, problem.column) == (line, column_of("    dateline: AstXana", "X"))
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
    text, line = replace_line(SHIPPED, "    dateline: Astana", "    dateline: 12")
    problem = only_problem(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (problem.line, problem.column, problem.path) == (line, 5, ("articles", 0, "dateline"))


# -- YAML structure ------------------------------------------------------------------


def test_broken_yaml() -> None:
    new = "    dateline: Astana: x"
    text, line = replace_line(SHIPPED, "    dateline: Astana", new)
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
    text, line = replace_line(SHIPPED, "    dateline: Astana", "    datelne: Astana")
    article_line = SHIPPED.split("\n").index("  - id: astana-2025-06-03") + 1
    problems = problems_of(text)
    assert [(p.line, p.column, p.path) for p in problems] == [
        (article_line, 5, ("articles", 0, "dateline")),  # missing: placed at the article
        (line, 5, ("articles", 0, "datelne")),
    ]
    assert "required field is missing" in problems[0].message
    assert "unknown field" in problems[1].message


def test_duplicate_key_reports_second() -> None:
    text, line = replace_line(SHIPPED, "    dateline: Astana", "    date: '2025-06-03'")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 5, ("articles", 0))
    assert "duplicate key 'date'" in problem.message


def test_duplicate_key_in_flow_mapping() -> None:
    problem = only_problem("article: {date: '2025', date: '2024'}\n")
    line = "article: {date: '2025', date: '2024'}"
    assert (problem.line, problem.column) == (1, column_of(line, "date: '2024'"))
    assert "duplicate key 'date'" in problem.message


def test_python_tag_does_not_run(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    new = f"    dateline: !!python/object/apply:builtins.open ['{target}', 'w']"
    text, line = replace_line(SHIPPED, "    dateline: Astana", new)
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
    new = "    date: 2024-02-30"
    text, line = replace_line(SHIPPED, "    date: '2025-06-03'", new)
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.path) == (line, 5, ("articles", 0, "date"))
    assert "has no day 30" in problem.message


def test_unquoted_date_stays_text() -> None:
    text, _ = replace_line(SHIPPED, "    date: '2025-06-03'", "    date: 2025-06-03")
    assert access.validate(FILE, text.encode()).facts["articles"][0]["date"] == "2025-06-03"


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
    text, line = replace_line(SHIPPED, "    dateline: Astana", "\tdateline: Astana")
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
    text, line = replace_line(SHIPPED, "    dateline: Astana", "    dateline: " + "9" * 5000)
    problem = only_problem(text)
    assert (problem.line, problem.column) == (line, 15)
    assert "number" in problem.message


@pytest.mark.parametrize(
    ("raw", "codepoint"), [("\x1b", "U+001B"), ("\x00", "U+0000"), ("\x07", "U+0007")]
)
def test_raw_control_character_in_file(raw: str, codepoint: str) -> None:
    # The YAML reader refuses these before parsing; it must still say where.
    text, line = replace_line(SHIPPED, "    dateline: Astana", f"    dateline: Asténa{raw}")
    problem = only_problem(text)
    assert (problem.line, problem.column) == (line, len("    dateline: Asténa") + 1)
    assert codepoint in problem.message
