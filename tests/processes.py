"""Running the installed ``kzafrica`` command in real processes: what the stream, signal
and encoding tests share (test_streams.py, test_signals.py, test_ascii.py)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from shared import CLEARED

SCRIPT = shutil.which("kzafrica", path=str(Path(sys.executable).parent))
# The commands every stream and signal case runs: each writes to stdout in its own way
# (Click's help, a plain write, Rich's table, the JSON writer).
COMMANDS = {
    "--version": ["--version"],
    "--help": ["--help"],
    "schema": ["schema"],
    "validate": ["validate"],
    "trade": ["trade"],
    "trade --json": ["trade", "--json"],
    "show": ["show", "paul-kagame"],
}
CASES = list(COMMANDS.values())
IDS = list(COMMANDS)
OUTPUT_ERROR = 74
HUNG_UP = 129
INTERRUPTED = 130
PIPE_CLOSED = 141
TERMINATED = 143


def warm_cache(factory: pytest.TempPathFactory) -> str:
    """A cache folder (never the user's) holding the shipped facts, validated."""
    if SCRIPT is None:
        pytest.skip("the kzafrica command is not installed next to this Python")
    folder = str(factory.mktemp("xdg-cache"))
    assert kz(folder, "validate").returncode == 0
    assert kz(folder, "trade").returncode == 0  # validates and caches
    return folder


def environment(cache: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update({"XDG_CACHE_HOME": cache, "COLUMNS": "100", "LANG": "C.UTF-8"}, **extra)
    return env


def command(*args: str) -> list[str]:
    assert SCRIPT is not None
    return [SCRIPT, *args]


def kz(cache: str, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        command(*args), capture_output=True, env=environment(cache, **env), timeout=60, check=False
    )


def python(cache: str, program: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``program`` with this Python, in the same environment as the command."""
    return subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        env=environment(cache),
        timeout=60,
        check=False,
    )


def quiet(stderr: bytes) -> None:
    assert b"Traceback" not in stderr, stderr
    assert b"Exception ignored" not in stderr, stderr


def small_pipe() -> tuple[int, int]:
    """A pipe of one page where the system allows it, so that a few kB fill it."""
    read_end, write_end = os.pipe()
    if sys.platform.startswith("linux"):
        import fcntl

        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    return read_end, write_end


# -- signals -------------------------------------------------------------------------------

ENDINGS: dict[int, tuple[int, bytes]] = {
    signal.SIGINT: (INTERRUPTED, b"kzafrica: interrupted"),
    signal.SIGTERM: (TERMINATED, b"kzafrica: terminated"),
    signal.SIGHUP: (HUNG_UP, b"kzafrica: hung up"),
}


def default_signals() -> None:
    """In a child before it starts: the default action for the three signals. The tests
    may themselves run with some ignored (nohup, `&` in a script), and a signal ignored at
    start stays ignored in kzafrica."""
    for signum in ENDINGS:
        signal.signal(signum, signal.SIG_DFL)


def start(cache: str, args: list[str], stdout: Any = subprocess.PIPE, **env: str) -> Any:
    """The command started with default signal actions, stderr a pipe."""
    return subprocess.Popen(
        command(*args),
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=environment(cache, **env),
        preexec_fn=default_signals,
    )


# `-X importtime` lines ("import time: 126 | 126 | collections.abc"), and the pieces of
# one cut in two by another write: its numbers (`  126 |  126 | `), or its indented module
# name alone (`   _locale`). No line kzafrica says looks like any of them.
_IMPORT_TIME = re.compile(rb"(import time:.*|\s*\d+ \|\s*\d+ \|.*|\s+[\w.]+)")


def interrupt(
    cache: str, args: list[str], delay: float, signum: int = signal.SIGINT
) -> tuple[int, bytes, list[bytes]]:
    """Start the command, wait until kzafrica's entry module has been imported (Python's
    -X importtime says so on stderr), wait ``delay`` seconds more, send ``signum``.

    Before that moment the interpreter is still starting (site, the console script), which
    no program can guard; from it on, kzafrica must handle the signal. Gives the exit
    code, stdout and the lines said on stderr (the import times left out)."""
    with start(cache, args, PYTHONPROFILEIMPORTTIME="1") as process:
        assert process.stderr is not None
        before = b""
        while not any(
            line.split(b"|")[-1].strip() == b"kzafrica.cli.entry" for line in before.splitlines()
        ):
            line = process.stderr.readline()
            assert line, f"ended before importing kzafrica.cli.entry: {before!r}"
            before += line
        time.sleep(delay)
        process.send_signal(signum)
        stdout, after = process.communicate(timeout=60)
    stderr = before + after
    said = [line for line in stderr.splitlines() if not _IMPORT_TIME.fullmatch(line)]
    quiet(stderr)
    return process.returncode, stdout, said
