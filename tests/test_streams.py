"""Output streams never crash, hang or lie: the installed command in real processes.

Every case runs the ``kzafrica`` script installed next to this Python, with stdout closed,
full, a pipe whose reader goes away, or an ASCII terminal (signals: test_signals.py).
Whatever happens: no traceback, at most one line on stderr, and the documented exit code
(README, "Exit codes").
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from processes import (
    CASES,
    HUNG_UP,
    IDS,
    INTERRUPTED,
    OUTPUT_ERROR,
    PIPE_CLOSED,
    TERMINATED,
    command,
    environment,
    kz,
    python,
    quiet,
    small_pipe,
    warm_cache,
)
from typer.testing import CliRunner

from kzafrica import __version__
from kzafrica.cli import app
from kzafrica.output import render


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One warm cache for this module's processes (never the user's)."""
    return warm_cache(tmp_path_factory)


def shell(
    cache: str, redirections: str, *args: str, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """Run through /bin/sh with ``redirections`` applied (``>&-`` closes stdout) and the
    file size limit $KZ_LIMIT (ulimit -f), if given."""
    script = f'ulimit -f "${{KZ_LIMIT:-unlimited}}"; "$0" "$@" {redirections}'
    return subprocess.run(
        ["/bin/sh", "-c", script, *command(*args)],
        capture_output=True,
        env=environment(cache, **env),
        timeout=60,
        check=False,
    )


# -- stdout that cannot be written -------------------------------------------------------


@pytest.mark.parametrize("args", CASES, ids=IDS)
def test_closed_stdout(cache: str, args: list[str]) -> None:
    process = shell(cache, ">&-", *args)
    quiet(process.stderr)
    assert process.stderr == b"kzafrica: cannot write output: standard output is closed\n"
    assert process.returncode == OUTPUT_ERROR


def failed_write(code: int) -> bytes:
    """The one line for a write that failed with errno ``code``: the system's own words for
    it, whichever C library gives them."""
    return f"kzafrica: cannot write output: {os.strerror(code)}\n".encode()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [*CASES, ["events", "--json"], ["people", "-f", "csv"]])
def test_full_device(cache: str, args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        process = subprocess.run(
            command(*args),
            stdout=full,
            stderr=subprocess.PIPE,
            env=environment(cache),
            timeout=60,
            check=False,
        )
    quiet(process.stderr)
    assert process.stderr == failed_write(errno.ENOSPC)
    assert process.returncode == OUTPUT_ERROR


UNBUFFERED = [{}, {"PYTHONUNBUFFERED": "1"}]  # `python -u`: the streams write unbuffered


@pytest.mark.parametrize("unbuffered", UNBUFFERED, ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("args", [["events", "--json"], ["schema"], ["quotes"]])
def test_a_file_that_takes_only_part_of_the_answer(
    cache: str, args: list[str], unbuffered: dict[str, str], tmp_path: Path
) -> None:
    # A file size limit (ulimit -f, in KiB here) lets a write in only in part: unbuffered,
    # Python's text stream dropped the rest without a word, and the run exited 0.
    out = tmp_path / "out"
    process = shell(cache, f'> "{out}"', *args, **unbuffered, KZ_LIMIT="4")
    assert process.returncode == OUTPUT_ERROR, (process.stderr, out.stat().st_size)
    assert process.stderr == failed_write(errno.EFBIG)


@pytest.mark.parametrize("args", CASES, ids=IDS)
def test_reader_gone_before_the_start(cache: str, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run(
            command(*args),
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=environment(cache),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert process.stderr == b""  # as quiet as a process killed by SIGPIPE
    assert process.returncode == PIPE_CLOSED


@pytest.mark.parametrize(
    "args", [["events", "--json"], ["search", "a"], ["schema"], ["events", "-f", "csv"]]
)
def test_reader_leaves_early(cache: str, args: list[str]) -> None:
    """`kzafrica events --json | head -c 100` on a big answer: exit 141, nothing said."""
    read_end, write_end = small_pipe()
    with subprocess.Popen(
        command(*args), stdout=write_end, stderr=subprocess.PIPE, env=environment(cache)
    ) as process:
        os.close(write_end)
        assert os.read(read_end, 100)
        os.close(read_end)
        assert process.stderr is not None
        stderr = process.stderr.read()
        code = process.wait(timeout=60)
    assert stderr == b""
    assert code == PIPE_CLOSED


# -- stderr that cannot be written -------------------------------------------------------

STDERR_CASES = [
    (["trade"], 0),
    (["visits", "--country", "Narnia"], 2),
    (["--data", "no-such-file.yaml", "trade"], 1),
    (["validate", "no-such-file.yaml"], 1),
    (["trade", "--since", "nonsense"], 2),
]


@pytest.fixture(scope="module")
def crash_code(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment in which an uncaught exception exits 99, not 1: with stderr closed
    no traceback can be seen, and 1 is also the code of an invalid data file."""
    folder = tmp_path_factory.mktemp("crash-code")
    (folder / "sitecustomize.py").write_text(
        "import os, sys\nsys.excepthook = lambda *exc: os._exit(99)\n", encoding="utf-8"
    )
    return {"PYTHONPATH": str(folder)}


def test_the_crash_code_works(cache: str, crash_code: dict[str, str]) -> None:
    crash = subprocess.run(
        [sys.executable, "-c", "raise SystemError"],
        env=environment(cache, **crash_code),
        check=False,
    )
    assert crash.returncode == 99


@pytest.mark.parametrize(("args", "code"), STDERR_CASES)
@pytest.mark.parametrize("redirection", ["2>&-", "2>/dev/full"])
def test_stderr_closed_or_full(
    cache: str, crash_code: dict[str, str], redirection: str, args: list[str], code: int
) -> None:
    if "full" in redirection and not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    process = shell(cache, f"{redirection} >/dev/null", *args, **crash_code)
    assert process.returncode == code  # 120 would be a failed flush at exit


@pytest.mark.parametrize("redirection", ["2>&-", "2>/dev/full"])
@pytest.mark.parametrize("stdout", [">&-", ">/dev/full"])
def test_nothing_can_be_written(
    cache: str, crash_code: dict[str, str], redirection: str, stdout: str
) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    for args in (["trade"], ["trade", "--json"], ["--help"]):
        process = shell(cache, f"{stdout} {redirection}", *args, **crash_code)
        assert process.returncode == OUTPUT_ERROR, args


def test_closed_stdin_is_no_matter(cache: str) -> None:
    process = shell(cache, "<&-", "trade", "--json")
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)


# -- encodings -------------------------------------------------------------------------

ENCODINGS = [
    {"LANG": "C"},
    {"LC_ALL": "C"},
    {"PYTHONIOENCODING": "ascii"},
    {"PYTHONIOENCODING": "latin-1"},
    {"LC_ALL": "C", "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"},
]
NAME = "Karamoko Jean-Marie Traoré"


FORMATS = ["json", "jsonl", "csv", "tsv", "yaml"]


@pytest.fixture(scope="module")
def utf8(cache: str) -> dict[str, bytes]:
    """``people`` in every machine format, from a UTF-8 terminal."""
    return {fmt: kz(cache, "people", "-f", fmt).stdout for fmt in FORMATS}


@pytest.mark.parametrize("env", ENCODINGS, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()))
def test_machine_formats_are_utf8_in_any_locale(
    cache: str, utf8: dict[str, bytes], env: dict[str, str]
) -> None:
    for fmt in FORMATS:
        process = kz(cache, "people", "-f", fmt, **env)
        quiet(process.stderr)
        assert process.returncode == 0, process.stderr
        assert process.stderr == b""
        assert process.stdout == utf8[fmt], fmt  # byte for byte the UTF-8 answer
        assert NAME.encode("utf-8") in process.stdout, fmt


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}])
def test_every_command_on_a_terminal_without_utf8(cache: str, env: dict[str, str]) -> None:
    for args in CASES:
        process = kz(cache, *args, **env)
        quiet(process.stderr)
        assert process.returncode == 0, (args, process.stderr)
        assert process.stderr == b"", args
    assert json.loads(kz(cache, "schema", **env).stdout)["title"]
    table = kz(cache, "show", "karamoko-jean-marie-traore", **env).stdout.decode(
        env["PYTHONIOENCODING"]
    )
    assert "Traore" in table or "Traoré" in table  # readable, in what the terminal takes
    assert yaml.safe_load(kz(cache, "trade", "-f", "yaml", **env).stdout)


def test_machine_formats_write_utf8_bytes_under_the_text() -> None:
    """The writers themselves: bytes under a text stream of any encoding, after whatever
    the text layer held; plain text into a stream without bytes (a StringIO)."""
    result = render.Result([{"name": NAME}], render.View("People"))
    for fmt in FORMATS:
        raw = io.BytesIO()
        ascii_stream = io.TextIOWrapper(raw, encoding="ascii", errors="backslashreplace")
        ascii_stream.write("before\n")
        render.write(result, render.Options(format=fmt), ascii_stream)
        ascii_stream.flush()
        text = io.StringIO()
        render.write(result, render.Options(format=fmt), text)
        assert raw.getvalue() == b"before\n" + text.getvalue().encode("utf-8"), fmt
        assert NAME in text.getvalue(), fmt


def test_python_dash_m_is_the_same_command(cache: str) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "kzafrica", "trade", "--json"],
        capture_output=True,
        env=environment(cache),
        timeout=60,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout == kz(cache, "trade", "--json").stdout
    closed = subprocess.run(
        ["/bin/sh", "-c", '"$0" -m kzafrica trade >&-', sys.executable],
        capture_output=True,
        env=environment(cache),
        timeout=60,
        check=False,
    )
    assert closed.returncode == OUTPUT_ERROR
    assert closed.stderr == b"kzafrica: cannot write output: standard output is closed\n"


# -- the process ends itself -------------------------------------------------------------


@pytest.mark.parametrize("redirect", ["", '> "$KZ_OUT"'], ids=["pipe", "file"])
def test_every_answer_is_written_whole_before_the_process_ends(
    cache: str, redirect: str, tmp_path: Path
) -> None:
    # main() ends the process without the interpreter's teardown: every byte of a long
    # answer must be out by then, to a pipe and to a file alike.
    out = tmp_path / "out"
    for args in (["events", "--json"], ["events", "--format", "csv"], ["quotes"], ["schema"]):
        done = shell(cache, redirect, *args, KZ_OUT=str(out))
        quiet(done.stderr)
        assert done.returncode == 0, done.stderr
        written = out.read_bytes() if redirect else done.stdout
        expected = CliRunner().invoke(app.app, args, env={"COLUMNS": "100"}).stdout_bytes
        assert written == expected, args
        assert len(written) > 1000


@pytest.mark.parametrize(
    "args", [["--version"], ["--version", "visits"], ["--data", "x.yaml", "--version"]]
)
def test_the_version_is_answered_before_any_command(cache: str, args: list[str]) -> None:
    # main() builds no command for --version: it is answered with the top-level options.
    done = kz(cache, *args)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == f"kzafrica {__version__}\n".encode()
    assert kz(cache, "--help", "--version").stdout.startswith(b"Usage: kzafrica")


def test_exit_handlers_still_run(cache: str) -> None:
    # With a handler registered (a profiler, coverage), the process exits the usual way.
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
        "from kzafrica.cli.app import main\n"
        "sys.argv = ['kzafrica', 'trade', '--json']\n"
        "main()\n"
    )
    done = python(cache, probe)
    assert (done.returncode, done.stderr) == (0, b"handler ran\n")
    assert done.stdout == kz(cache, "trade", "--json").stdout


# -- the documented codes ----------------------------------------------------------------


def test_the_codes_here_are_the_documented_ones() -> None:
    codes = {0, 1, 2, OUTPUT_ERROR, HUNG_UP, INTERRUPTED, PIPE_CLOSED, TERMINATED}
    assert codes == set(app.EXIT_CODES)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("Exit codes")[1].split("\n\n")[1]
    assert [int(code) for code in re.findall(r"^\| `(\d+)` \|", table, re.M)] == list(
        app.EXIT_CODES
    )
