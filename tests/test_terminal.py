"""The installed command in real processes and terminals: pipes, encodings, widths.

(Closed, full and broken output streams and Ctrl-C: test_streams.py.)

Most tests run the ``kzafrica`` script installed next to this Python in a subprocess, with a
controlled environment; the width grid runs under CliRunner (Rich reads COLUMNS,
NO_COLOR, FORCE_COLOR and TERM from the environment either way) to stay fast.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import LIST_COMMANDS, SHIPPED
from rich.cells import cell_len
from shared import CLEARED
from typer.testing import CliRunner

from kzafrica.cli import app
from kzafrica.store import access

KZAFRICA = Path(sys.executable).parent / "kzafrica"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One cache for this module's processes (fresh, never the user's): each process
    then skips validation, which keeps the subprocess tests fast."""
    if not KZAFRICA.exists():
        pytest.skip(f"the kzafrica command is not installed at {KZAFRICA}")
    return str(tmp_path_factory.mktemp("xdg-cache"))


def environment(cache: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update({"XDG_CACHE_HOME": cache, "COLUMNS": "100", "LANG": "C.UTF-8"}, **extra)
    return env


def kz(
    cache: str, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(KZAFRICA), *args],
        capture_output=True,
        env=environment(cache, **(env or {})),
        cwd=cwd,
        timeout=60,
        check=False,
    )


def clean(process: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in process.stderr, process.stderr
    assert b"Exception ignored" not in process.stderr, process.stderr


# -- the basics ---------------------------------------------------------------------------


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_json_for_scripts(cache: str, unbuffered: str) -> None:
    extra = {"PYTHONUNBUFFERED": unbuffered} if unbuffered else {}
    process = kz(cache, "visits", "--country", "Rwanda", "--json", env=extra)
    assert process.returncode == 0, process.stderr
    assert process.stderr == b""
    assert [v["id"] for v in json.loads(process.stdout)] == [
        "visit-kagame-2015",
        "visit-foreign-minister-rwanda",
        "visit-kagame-2025",
    ]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 0),
        (["visits", "--country", "Kenya", "--json"], 0),
        (["--data", "no-such-file.yaml", "visits"], 1),
        (["visits", "--country", "Narnia"], 2),
        (["no-such-command"], 2),
    ],
)
def test_exit_codes(cache: str, args: list[str], code: int) -> None:
    process = kz(cache, *args)
    clean(process)
    assert process.returncode == code, process.stderr
    if code:
        assert process.stdout == b""
        assert len(process.stderr.splitlines()) == 1, process.stderr


def test_runs_from_another_directory(cache: str, tmp_path: Path) -> None:
    checked = kz(cache, "validate", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(b"ok: ")
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        access.packaged_facts()
        .read_text(encoding="utf-8")
        .replace("name: Murat Nurtleu", "name: M. Nurtleu"),
        encoding="utf-8",
    )
    people = kz(cache, "--data", "mine.yaml", "people", "--json", cwd=tmp_path)
    assert people.returncode == 0, people.stderr
    assert "M. Nurtleu" in [p["name"] for p in json.loads(people.stdout)]


# -- closed pipes ---------------------------------------------------------------------------


def closed_pipe_run(cache: str, args: list[str], **env: str) -> tuple[int, bytes]:
    """Run with stdout a pipe whose reader has already gone: every write fails."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run(
            [str(KZAFRICA), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=environment(cache, **env),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    return process.returncode, process.stderr


CLOSED_PIPE = [
    ["events", "--json"],
    ["events"],
    ["events", "-f", "csv"],
    ["schema"],
    ["validate"],
    ["visits", "--help"],
    ["--version"],
    [],
]


@pytest.mark.parametrize(
    ("args", "unbuffered"),
    [
        *((args, "") for args in CLOSED_PIPE),
        *((args, "1") for args in (["events", "--json"], ["events"])),
    ],
)
def test_closed_pipe_is_quiet(cache: str, args: list[str], unbuffered: str) -> None:
    extra = {"PYTHONUNBUFFERED": unbuffered} if unbuffered else {}
    code, stderr = closed_pipe_run(cache, args, **extra)
    assert stderr == b""
    assert code == 141  # as if killed by SIGPIPE, never 1 ("invalid data file")


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_head_of_a_pipe(cache: str, unbuffered: str) -> None:
    extra = {"PYTHONUNBUFFERED": unbuffered} if unbuffered else {}
    process = subprocess.run(
        ["/bin/sh", "-c", f"'{KZAFRICA}' events --json | head -c 10"],
        capture_output=True,
        env=environment(cache, **extra),
        timeout=60,
        check=False,
    )
    assert process.returncode == 0
    assert process.stdout == b'[\n  {"id":'
    assert process.stderr == b""


# -- encodings ------------------------------------------------------------------------------

ENCODINGS = [
    {"LANG": "C"},
    {"LC_ALL": "C"},
    {"PYTHONIOENCODING": "ascii"},
    {"LC_ALL": "C", "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"},
]
NAMES = {"Françoise Joly", "Karamoko Jean-Marie Traoré"}


def output(cache: str, env: dict[str, str], *args: str) -> str:
    process = kz(cache, *args, env=env)
    clean(process)
    assert process.returncode == 0, process.stderr
    assert process.stderr == b""
    # UTF-8, Latin-1 or ASCII with backslash escapes, depending on the settings
    return process.stdout.decode("utf-8" if b"\xc3" in process.stdout else "latin-1")


@pytest.mark.parametrize("env", ENCODINGS, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()))
def test_accented_names_in_any_encoding(cache: str, env: dict[str, str]) -> None:
    assert {p["name"] for p in json.loads(output(cache, env, "people", "--json"))} >= NAMES
    table = output(cache, env, "people")
    # A terminal that cannot show 'ç' reads the name without its accent, columns aligned.
    assert "Françoise Joly" in table or "Francoise Joly" in table


def test_other_formats_on_an_ascii_terminal(cache: str) -> None:
    env = {"PYTHONIOENCODING": "ascii"}
    # Machine formats are UTF-8 whatever the terminal: the names exactly as in the data.
    rows = list(csv.DictReader(io.StringIO(output(cache, env, "people", "-f", "csv"))))
    assert {r["name"] for r in rows} >= NAMES
    lines = output(cache, env, "people", "-f", "jsonl").splitlines()
    assert {json.loads(line)["name"] for line in lines} >= NAMES
    assert {p["name"] for p in yaml.safe_load(output(cache, env, "people", "-f", "yaml"))} >= NAMES
    # The table is for the terminal: readable ASCII.
    assert "Francoise Joly" in output(cache, env, "show", "francoise-joly")
    assert "Traore" in output(cache, env, "search", "TRAORE")


def test_output_to_a_file(cache: str, tmp_path: Path) -> None:
    for name, args in {"people.json": ["people", "--json"], "people.txt": ["people"]}.items():
        target = tmp_path / name
        with target.open("wb") as handle:
            process = subprocess.run(
                [str(KZAFRICA), *args],
                stdout=handle,
                stderr=subprocess.PIPE,
                env=environment(cache, LC_ALL="C"),
                timeout=60,
                check=False,
            )
        assert process.returncode == 0, process.stderr
        assert process.stderr == b""
        text = target.read_bytes().decode("utf-8")
        assert "\x1b" not in text
        if name.endswith(".json"):
            assert "Françoise Joly" in [p["name"] for p in json.loads(text)]
        else:
            assert "Françoise Joly" in text


# -- terminals --------------------------------------------------------------------------

RUNNER = CliRunner()
# Every list command, and the other tables: cited rows, one record, the summary.
TABLES = [[name, *args] for name, args in LIST_COMMANDS.items()] + [
    ["visits", "--cite"],
    ["events", "--since", "2025", "--cite"],
    ["show", "visit-kagame-2025"],
    ["summary"],
    ["visits", "--country", "Kenya"],
]
# Ids are never broken: a terminal narrower than the longest id, with the two cells of a
# block's edges, gets lines that long.
LONGEST_ID = max(len(i) for i in re.findall(r"(?m)^\s*(?:- )?id: ([a-z0-9-]+)$", SHIPPED))
TERMINALS = [
    {},
    {"NO_COLOR": "1"},
    {"FORCE_COLOR": "1", "TERM": "xterm-256color"},
    {"TERM": "dumb"},
]


@pytest.mark.parametrize(
    ("width", "terminal"),
    [*((40, t) for t in TERMINALS), (20, {}), (12, {"NO_COLOR": "1"}), (60, {}), (80, {})],
    ids=lambda v: str(v) if isinstance(v, int) else ",".join(v) or "plain",
)
def test_tables_stay_within_the_width(width: int, terminal: dict[str, str]) -> None:
    for args in TABLES:
        result = RUNNER.invoke(app.app, args, env={"COLUMNS": str(width), **terminal})
        assert result.exit_code == 0, (args, result.stderr)
        plain = ANSI.sub("", result.stdout)
        assert "\x1b" not in plain
        limit = max(width, LONGEST_ID + 2)
        too_wide = [line for line in plain.splitlines() if cell_len(line) > limit]
        assert not too_wide, (args, too_wide)
        if "FORCE_COLOR" not in terminal:
            assert result.stdout == plain  # colour only where asked for


@pytest.mark.parametrize(
    "terminal",
    [{"NO_COLOR": "1", "TERM": "dumb"}, {"FORCE_COLOR": "1", "TERM": "xterm-256color"}],
    ids=lambda e: ",".join(e),
)
def test_terminal_settings_in_a_real_process(cache: str, terminal: dict[str, str]) -> None:
    table = kz(cache, "people", env={"COLUMNS": "40", **terminal})
    assert table.returncode == 0, table.stderr
    text = ANSI.sub("", table.stdout.decode("utf-8"))
    assert max(cell_len(line) for line in text.splitlines()) <= 40
    assert "Françoise" in text
    assert "\x1b" not in table.stdout.decode() or "FORCE_COLOR" in terminal


def test_forced_colour_never_reaches_json(cache: str) -> None:
    env = {"COLUMNS": "40", "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    machine = kz(cache, "events", "--json", env=env)
    assert b"\x1b" not in machine.stdout
    assert json.loads(machine.stdout)


def test_markup_data_at_forty_columns(tmp_path: Path) -> None:
    markup = "[bold red]x[/] [link=http://x]y[/link] [/bold] :thumbs_up:"
    data = tmp_path / "facts.yaml"
    text = access.packaged_facts().read_text(encoding="utf-8")
    data.write_text(text.replace("name: Paul Kagame", f"name: '{markup}'"), encoding="utf-8")
    for args in (["people"], ["show", "paul-kagame"], ["visits"], ["summary"]):
        result = RUNNER.invoke(
            app.app, ["--data", str(data), *args], env={"COLUMNS": "40", "FORCE_COLOR": "1"}
        )
        assert result.exit_code == 0, result.stderr
        plain = ANSI.sub("", result.stdout)
        assert "\x1b]8;" not in result.stdout
        assert all(cell_len(line) <= 40 for line in plain.splitlines())
        assert "[bold red]x[/]" in plain


# -- absurd input ---------------------------------------------------------------------------


def test_huge_search_term(cache: str) -> None:
    process = kz(cache, "search", "grain " * 16_000, "--json")
    clean(process)
    assert process.returncode == 0
    assert json.loads(process.stdout) == []


@pytest.mark.parametrize(
    "args",
    [
        ["visits", "--since", "99999"],
        ["visits", "--country", "x" * 100_000],
    ],
)
def test_absurd_arguments_get_one_short_line(cache: str, args: list[str]) -> None:
    process = kz(cache, *args)
    clean(process)
    assert process.returncode == 2
    assert process.stdout == b""
    assert len(process.stderr.splitlines()) == 1
    assert len(process.stderr) < 1_000


def test_an_ascii_terminal_reads_a_dash_as_a_dash(cache: str) -> None:
    # 'Level, status' of a visit without a level is '—, held': not '\u2014, held'.
    table = output(cache, {"PYTHONIOENCODING": "ascii"}, "visits", "--country", "Rwanda")
    assert "-, held" in table
    assert "\\u2014" not in table
