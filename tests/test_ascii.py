"""Machine formats are UTF-8 on a terminal that is not: every command of the registry, in
every machine format, under PYTHONIOENCODING=ascii and LANG=C.

`kzafrica article --json` and `kzafrica search traore --format csv` wrote through the
terminal's encoding (`Fran\\xe7oise`, `Traor\\xe9`: invalid JSON, altered text) where every
other answer goes through the one writer (kzafrica.output.render). One process runs every
case with the standard streams the interpreter made for an ASCII terminal, each answer
into a file of its own; each must be UTF-8, nothing escaped, and parse.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from processes import environment, kz, warm_cache

from kzafrica.cli import registry
from kzafrica.output import render

ASCII = {"PYTHONIOENCODING": "ascii", "LANG": "C"}
MACHINE = [name for name in render.FORMATS if name != "table"]
# The commands with output of their own (registry.OWN): what each writes for scripts.
OWN = {
    "validate": [],  # a line for people: 'ok: N records'
    "schema": [["schema"]],
    "article": [["article", "--json"], ["article", "--uncited", "--json"]],
    "dump": [],  # files, not stdout: test_dump.py
}


def cases() -> dict[str, list[str]]:
    """Every command of the registry in every machine format it writes, by name."""
    out: dict[str, list[str]] = {}
    for command in registry.COMMANDS:
        if command.answers == registry.OWN:
            for args in OWN[command.name]:
                out[" ".join(args)] = args
            continue
        for fmt in MACHINE:
            out[f"{command.name} -f {fmt}"] = [command.name, *command.sample, "-f", fmt]
    return out


# Runs each case as the installed command does, with the process's own standard streams
# (made by the interpreter under the environment's encoding), stdout a file per case.
DRIVER = """
import json, os, sys
import typer
from kzafrica.cli import app, streams
streams.standard_streams()
command = typer.main.get_command(app.app)
codes = {}
for name, (args, path) in json.loads(sys.argv[1]).items():
    sys.stdout.flush()
    saved = os.dup(1)
    with open(path, "wb") as out:
        os.dup2(out.fileno(), 1)
        codes[name] = command.main(args, prog_name="kzafrica", standalone_mode=False)
        sys.stdout.flush()
        os.dup2(saved, 1)
    os.close(saved)
sys.stdout.write(json.dumps(codes))
"""


# What the terminal's encoding makes of a character it cannot write ('é' as '\xe9').
_ESCAPED = re.compile(rb"\\(x[89a-f][0-9a-f]|u[0-9a-f]{4}|U[0-9a-f]{8})")


def utf8(written: bytes) -> bool:
    """Whether ``written`` is UTF-8 with no character escaped by the terminal's encoding."""
    try:
        written.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _ESCAPED.search(written) is None


def parses(fmt: str, text: str) -> bool:
    """Whether ``text`` is a whole document of ``fmt``."""
    if fmt == "json":
        return json.loads(text) is not None
    if fmt == "jsonl":
        return all(json.loads(line) for line in text.splitlines())
    if fmt == "yaml":
        return yaml.safe_load(text) is not None
    delimiter = "," if fmt == "csv" else "\t"
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return len(rows) > 1 and len({len(row) for row in rows}) == 1


def test_every_own_command_is_classified() -> None:
    # A new command with its own output says here what it writes for scripts.
    own = {command.name for command in registry.COMMANDS if command.answers == registry.OWN}
    assert own == set(OWN)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One warm cache for this module's processes (never the user's)."""
    return warm_cache(tmp_path_factory)


def test_every_command_and_format_is_utf8_on_an_ascii_terminal(cache: str, tmp_path: Path) -> None:
    chosen = {
        name: (args, str(tmp_path / f"{n}.out")) for n, (name, args) in enumerate(cases().items())
    }
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(chosen)],
        capture_output=True,
        env=environment(cache, **ASCII),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == b""
    codes = json.loads(done.stdout)
    wrong = []
    for name, (args, path) in chosen.items():
        written = Path(path).read_bytes()
        fmt = args[args.index("-f") + 1] if "-f" in args else "json"
        if codes[name] != 0 or not utf8(written) or not parses(fmt, written.decode("utf-8")):
            wrong.append(name)
    assert wrong == []
    # The answers hold the names with accents, in UTF-8.
    for name in ("people -f csv", "people -f yaml", "article --json"):
        assert "Traoré".encode() in Path(chosen[name][1]).read_bytes(), name


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["article", "--json"], "Françoise Joly"),
        (["search", "traore", "--format", "csv"], "Karamoko Jean-Marie Traoré"),
        (["search", "traore", "--format", "tsv"], "Karamoko Jean-Marie Traoré"),
    ],
)
def test_the_installed_command_on_an_ascii_terminal(cache: str, args: list[str], name: str) -> None:
    done = kz(cache, *args, **ASCII)
    assert (done.returncode, done.stderr) == (0, b"")
    assert name.encode("utf-8") in done.stdout
    fmt = args[args.index("--format") + 1] if "--format" in args else "json"
    assert parses(fmt, done.stdout.decode("utf-8"))
