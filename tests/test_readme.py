"""README and docs/ tell the truth: their examples answer, their links and paths lead
somewhere, and their tables of commands, formats and fields match the code.

The README is what a newcomer reads in five minutes; the reference is in docs/. Every
check here reads whichever page holds the text, so a section may move between pages.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from helpers import SHIPPED
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.factfile.models import COLLECTIONS
from kzafrica.output import render

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Every page, by its path from the repository's root: the README, then docs/.
PAGES = {
    "README.md": README,
    **{
        f"docs/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "docs").glob("*.md"))
    },
}
# docs/cli.md is every command's --help: its examples are run from the help itself.
GENERATED = "docs/cli.md"
# Pages the README links to that are written on other branches at the time of writing
# (the performance page, and adding a record kind, a command or a format); once they
# are here, they are checked like every other page.
ELSEWHERE = {"docs/performance.md", "docs/extending.md"}
README_MAX_LINES = 150

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
RUNNER = CliRunner()


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, title
    return match.group(1)


def _blocks(text: str, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(text) if lang == language]


def _prose(text: str) -> str:
    """The page without its code blocks: where its headings and links are."""
    return FENCE.sub("", text)


def _everywhere() -> str:
    return "\n".join(PAGES.values())


# -- the README -------------------------------------------------------------------------


def test_setup_commands_are_the_ones_ci_runs() -> None:
    block = re.search(r"```sh\n(.*?)```", _section(README, "Set-up"), re.S)
    assert block
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci


def test_the_readme_is_read_in_five_minutes() -> None:
    assert len(README.splitlines()) < README_MAX_LINES


def test_the_readme_links_every_page_of_the_docs() -> None:
    linked = {
        os.path.normpath(target.split("#")[0])
        for target in LINK.findall(_prose(README))
        if target.startswith("docs/")
    }
    pages = {name for name in PAGES if name.startswith("docs/")}
    assert linked == pages | ELSEWHERE


# -- links and paths --------------------------------------------------------------------


def _slug(heading: str) -> str:
    """The anchor a Markdown heading gets, as GitHub makes it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _prose(text), re.M):
        slug = base = _slug(heading)
        number = 0
        while slug in found:  # GitHub numbers a repeated heading's anchor
            number += 1
            slug = f"{base}-{number}"
        found.add(slug)
    return found


@pytest.mark.parametrize("page", list(PAGES))
def test_every_link_leads_to_a_page_and_heading_that_exist(page: str) -> None:
    for target in LINK.findall(_prose(PAGES[page])):
        if re.match(r"[a-z]+:", target):  # https: and the like: not this repository's
            continue
        path, _, anchor = target.partition("#")
        name = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        if name in ELSEWHERE and name not in PAGES:
            continue
        assert (ROOT / name).exists(), (page, target)
        if anchor:
            assert name in PAGES, (page, target)
            assert anchor in _anchors(PAGES[name]), (page, target)


def _top_level_names(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _module(dotted: str) -> tuple[Path, list[str]]:
    """The source of the longest module ``dotted`` starts with, and the names after it.
    Found in the files, not imported: some modules act when imported."""
    parts = dotted.split(".")
    source = ROOT / parts[0] / "__init__.py"
    for number, part in enumerate(parts[1:], start=1):
        folder = source.parent / part
        if source.name == "__init__.py" and (folder / "__init__.py").exists():
            source = folder / "__init__.py"
        elif source.name == "__init__.py" and folder.with_suffix(".py").exists():
            source = folder.with_suffix(".py")
        else:
            return source, parts[number:]
    return source, []


@pytest.mark.parametrize("page", list(PAGES))
def test_every_file_and_module_named_exists(page: str) -> None:
    text = PAGES[page]
    paths = re.findall(r"(?<![\w./$~-])((?:kzafrica|tests|tools|benchmarks|docs)/[\w./-]*\w)", text)
    for path in paths:
        assert (ROOT / path).exists() or path in ELSEWHERE, (page, path)
    for dotted in re.findall(r"(?<![\w./-])(kzafrica(?:\.\w+)+)", text):
        source, rest = _module(dotted)
        if rest:
            assert rest[0] in _top_level_names(source), (page, dotted)
    for name in re.findall(r"python -m ([\w.]+)", text):
        source, rest = _module(name)
        assert not rest, (page, name)
        if source.name == "__init__.py":  # a package runs its __main__ module
            assert source.with_name("__main__.py").exists(), (page, name)
        else:
            assert "__main__" in source.read_text(encoding="utf-8"), (page, name)


# -- tables that must match the code ----------------------------------------------------


def test_command_reference_matches_help() -> None:
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    rows = re.findall(
        r"^\| \[?`kzafrica (\w+)`(?:\]\(#[\w-]+\))? \| (.+?) \|$", _everywhere(), re.M
    )
    assert {name for name, _ in rows} == set(group.commands)
    for name, text in rows:
        help_text = group.commands[name].help
        assert help_text is not None
        assert text == help_text.splitlines()[0], name


def test_every_command_help_has_examples() -> None:
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    for name in group.commands:
        result = RUNNER.invoke(app.app, [name, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, name
        assert "Examples:" in result.stdout, name
        assert f"kzafrica {name}" in result.stdout, name


def test_formats_in_the_docs_are_the_registry() -> None:
    named = re.findall(r"`--format ([a-z]+(?:\|[a-z]+)+)`", _everywhere())
    assert named
    for formats in named:
        assert formats.split("|") == list(render.FORMATS)


def test_data_model_table_lists_every_field() -> None:
    text = _everywhere()
    for key, model in COLLECTIONS.items():
        rows = re.findall(rf"^\| `{key}` \| {model.kind} \| (.+) \|$", text, re.M)
        assert rows, key
        fields = [
            f for f in model.model_fields if f not in ("id", "evidence", "occurrences", "derived")
        ]
        for row in rows:
            assert re.findall(r"`(\w+)`", row) == fields, key


# -- examples ---------------------------------------------------------------------------


def _examples(text: str) -> list[tuple[list[str], str]]:
    """Each command line of the page's ``sh`` blocks: its words, and what its output is
    piped into (empty if nothing)."""
    found = []
    for block in _blocks(text, "sh"):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            command, _, consumer = line.partition(" | ")
            found.append((shlex.split(command.split(" >")[0]), consumer))
    return found


def _consume(consumer: str, output: str) -> str | None:
    """What a documented consumer (jq, python3 -c) makes of ``output``; None when it
    cannot be run here."""
    words = shlex.split(consumer)
    if not words or "|" in words:
        return None
    if words[0] == "python3":
        words[0] = sys.executable
    elif words[0] != "jq" or shutil.which("jq") is None:
        return None
    done = subprocess.run(words, input=output, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (consumer, done.stderr)
    return done.stdout


@pytest.mark.parametrize("page", [name for name in PAGES if name != GENERATED])
def test_every_example_gives_an_answer(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # `kzafrica dump` writes its file here
    examples = _examples(PAGES[page])
    if page == "README.md":
        assert len([args for args, _ in examples if args[0] == "kzafrica"]) >= 15
    for words, consumer in examples:
        if words[0] == "sqlite3":  # the query, on the dump an example before it wrote
            database, query = words[1:]
            with contextlib.closing(sqlite3.connect(tmp_path / database)) as conn:
                assert conn.execute(query).fetchall(), (page, query)
            continue
        if words[0] == "grep":  # a look at the code, from the repository's root
            done = subprocess.run(words, cwd=ROOT, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, (page, words, done.stderr)
            assert done.stdout.strip(), (page, words)
            continue
        if words[0] != "kzafrica":
            continue
        args = words[1:]
        result = RUNNER.invoke(app.app, args, env={"COLUMNS": "100"})
        assert result.exit_code == 0, (page, args, result.stderr)
        if args[0] == "dump":  # its answer is the file it writes; stdout stays empty
            assert (tmp_path / args[-1]).stat().st_size > 0, (page, args)
            continue
        assert result.stdout.strip(), (page, args)
        assert "No records match." not in result.stdout, (page, args)
        assert result.stdout.strip() != "[]", (page, args)
        if consumer:
            consumed = _consume(consumer, result.stdout)
            assert consumed is None or consumed.strip(), (page, args, consumer)


def _help_examples() -> list[tuple[str, list[str]]]:
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    found = []
    for name, command in group.commands.items():
        for line in (command.help or "").splitlines():
            line = line.strip()
            if line.startswith("kzafrica "):
                # The command itself, before any pipe or redirection.
                found.append((name, shlex.split(line.split(" |")[0].split(" >")[0])[1:]))
    return found


def test_every_example_in_every_help_gives_an_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = _help_examples()
    group = typer.main.get_command(app.app)
    assert isinstance(group, typer.core.TyperGroup)
    assert {name for name, _ in examples} == set(group.commands)
    monkeypatch.chdir(tmp_path)  # `kzafrica validate my-facts.yaml` reads a copy of the facts
    (tmp_path / "my-facts.yaml").write_text(SHIPPED, encoding="utf-8")
    for _name, args in examples:
        result = RUNNER.invoke(app.app, args, env={"COLUMNS": "100"})
        assert result.exit_code == 0, (args, result.stderr)
        if args[0] == "dump":  # its answer is the file it writes; stdout stays empty
            assert (tmp_path / args[1]).stat().st_size > 0, args
            continue
        assert result.stdout.strip(), args
        assert "No records match." not in result.stdout, args
        assert result.stdout.strip() != "[]", args


def _python_block(containing: str) -> tuple[str, str]:
    """The page and the text of the one ``python`` block that holds ``containing``."""
    found = [
        (page, block)
        for page, text in PAGES.items()
        for block in _blocks(text, "python")
        if containing in block
    ]
    assert len(found) == 1, containing
    return found[0]


def test_the_pandas_example_keeps_dates_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pandas snippet, run as written (skipped where pandas is not installed)."""
    pytest.importorskip("pandas")
    kzafrica = Path(sys.executable).parent / "kzafrica"
    if not kzafrica.exists():
        pytest.skip("the kzafrica command is not installed")
    monkeypatch.setenv("PATH", f"{kzafrica.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    page, block = _python_block("import pandas")
    namespace: dict[str, object] = {}
    exec(compile(block, page, "exec"), namespace)
    for frame in (namespace["visits"], namespace["same"]):
        dates = list(frame["date"])  # type: ignore[index]
        assert dates[0] == "2015"  # a year, not 2015-01-01
        assert all(isinstance(d, str) for d in dates)
        assert "2025-05" in dates


def test_the_import_graph_shown_goes_one_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The architecture page's snippet, run as written: each layer imports only layers
    before it."""
    monkeypatch.chdir(ROOT)
    page, block = _python_block("ast.parse")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, page, "exec"), {})
    order = ["factfile", "store", "answers", "output", "cli"]
    graph = dict(line.split(" -> ") for line in out.getvalue().splitlines())
    assert list(graph) == order
    assert graph["factfile"] == "-"
    for layer, used in graph.items():
        for other in used.split(", "):
            if other != "-":
                assert order.index(other) < order.index(layer), (layer, other)
