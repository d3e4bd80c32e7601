"""Ctrl-C, SIGTERM and SIGHUP: at any moment, one line on stderr, the signal's exit code
(130, 143, 129), no temporary file left behind and no half answer in a file.

Real signals to the installed command in real processes, started with the default action
for each signal whatever this test run ignores (see processes.default_signals). The big
cases use a generated fact file (benchmarks/make_facts.py) on which a first run, a dump
or a long answer lasts long enough to be cut at a chosen moment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from articles import two_articles
from processes import (
    CASES,
    ENDINGS,
    IDS,
    INTERRUPTED,
    command,
    default_signals,
    environment,
    interrupt,
    kz,
    python,
    small_pipe,
    start,
    warm_cache,
)

from kzafrica.store import twocores

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[1]
RECORDS = 10000  # a first run of about a second, an answer of about 5.6 MB


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One warm cache for this module's processes (never the user's)."""
    return warm_cache(tmp_path_factory)


# -- Ctrl-C ------------------------------------------------------------------------------


DELAYS = [0.0, 0.01, 0.03, 0.06, 0.1, 0.2]


@pytest.mark.parametrize("args", [*CASES, ["events", "--json"]], ids=[*IDS, "events --json"])
def test_ctrl_c_at_any_moment(cache: str, args: list[str]) -> None:
    """Ctrl-C during the imports, the command or the exit: one line and 130, or a normal
    exit if it came too late; stdout holds the whole answer or nothing, never a part."""
    complete = kz(cache, *args).stdout
    assert complete
    delays = [i / 100 for i in range(16)] if args == ["trade", "--json"] else DELAYS
    outcomes = set()
    for delay in delays:
        code, stdout, said = interrupt(cache, args, delay)
        outcomes.add(code)
        assert stdout in (b"", complete), (delay, stdout[:200])
        if code == INTERRUPTED:
            assert said == [b"kzafrica: interrupted"], delay
        else:
            # Finished first; or ended by the signal itself while the interpreter shut
            # down, after every byte was written (Python restores the default action).
            assert code in (0, -signal.SIGINT), (delay, code, said)
            assert said == []
            assert stdout == complete
    assert INTERRUPTED in outcomes  # at least the first delays interrupt


BLOCKED = [
    (["events", "--json"], signal.SIGINT),
    (["events"], signal.SIGINT),
    (["schema"], signal.SIGINT),
    (["search", "a", "-f", "csv"], signal.SIGINT),
    (["events", "--json"], signal.SIGTERM),
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs F_SETPIPE_SZ, FIONREAD")
@pytest.mark.parametrize(("args", "signum"), BLOCKED)
def test_a_signal_while_blocked_on_output(cache: str, args: list[str], signum: int) -> None:
    """A late signal: the process is blocked writing to a full pipe. One line, and the
    signal's exit code."""
    import fcntl
    import termios

    read_end, write_end = small_pipe()
    try:
        capacity = fcntl.fcntl(write_end, fcntl.F_GETPIPE_SZ)
        with start(cache, args, stdout=write_end) as process:
            os.close(write_end)
            write_end = -1
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                waiting = fcntl.ioctl(read_end, termios.FIONREAD, b"\0\0\0\0")
                if int.from_bytes(waiting, sys.byteorder) >= capacity:
                    break
                assert process.poll() is None, "finished before the pipe filled"
                time.sleep(0.01)
            time.sleep(0.1)  # let it block in write()
            process.send_signal(signum)
            while os.read(read_end, 65536):  # drain, so that no later write blocks
                pass
            assert process.stderr is not None
            stderr = process.stderr.read()
            code = process.wait(timeout=30)
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    assert (code, stderr) == (ENDINGS[signum][0], ENDINGS[signum][1] + b"\n")


def test_ctrl_c_in_a_finalizer_still_ends_the_run(cache: str) -> None:
    """An interrupt raised inside __del__ cannot unwind; Python would only print
    "Exception ignored" and carry on."""
    program = (
        "import sys\n"
        "from kzafrica.cli import streams\n"
        "sys.unraisablehook = streams.unraisable\n"
        "class Finalized:\n"
        "    def __del__(self):\n"
        "        raise KeyboardInterrupt\n"
        "Finalized()\n"
        "print('carried on')\n"
    )
    process = python(cache, program)
    assert process.stderr == b"kzafrica: interrupted\n"
    assert process.stdout == b""
    assert process.returncode == INTERRUPTED


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_signal_as_the_command_ends_is_not_a_traceback(cache: str, signum: int) -> None:
    """A signal in the instant between the command's end and kzafrica taking the signals
    back (seen once in CI, under load, on `--help`): made certain here by sending it from
    that very switch."""
    program = (
        "import os, sys\n"
        "from kzafrica.cli import entry, streams\n"
        "switch = streams.handle_signals\n"
        "def late(handler):\n"
        "    if handler is streams.exit_interrupted:\n"
        f"        os.kill(os.getpid(), {int(signum)})\n"
        "    switch(handler)\n"
        "streams.handle_signals = late\n"
        "sys.argv = ['kzafrica', 'trade', '--json']\n"
        "entry.run()\n"
    )
    process = python(cache, program)
    assert (process.returncode, process.stderr) == (ENDINGS[signum][0], ENDINGS[signum][1] + b"\n")
    assert process.stdout == b"" or json.loads(process.stdout)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_signal_a_library_swallows_still_ends_the_run(
    cache: str, tmp_path: Path, signum: int
) -> None:
    """Pydantic takes an exception in a union's discriminator, while it writes a model, for a
    value of another form: the interrupt was lost, the run went on to print its whole
    answer and a pydantic warning, and exited 0. Made certain here by sending the signal
    from inside the discriminator, as it writes an excerpt of a named article."""
    data = two_articles(tmp_path)
    program = (
        "import sys\n"
        "from kzafrica.cli import entry\n"
        "from kzafrica.factfile import records\n"
        "def form(value):\n"
        "    import os\n"
        "    from kzafrica.factfile import records\n"
        "    if isinstance(value, records.Cited):\n"
        f"        os.kill(os.getpid(), {int(signum)})\n"
        "    return records.CITED if isinstance(value, (dict, records.Cited)) else records.WORDS\n"
        "records._evidence_form.__code__ = form.__code__  # the function pydantic holds\n"
        f"sys.argv = ['kzafrica', '--data', {str(data)!r}, 'validate']\n"
        "entry.run()\n"
    )
    process = python(cache, program)
    assert (process.returncode, process.stderr) == (ENDINGS[signum][0], ENDINGS[signum][1] + b"\n")
    assert process.stdout == b""


# -- SIGTERM and SIGHUP: early, late ---------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_sigterm_and_sighup_at_any_moment(cache: str, signum: int) -> None:
    """As Ctrl-C: during the imports, the command or the exit, one line and 128 + the
    signal's number, or a normal exit if it came too late; never half an answer."""
    args = ["trade", "--json"]
    complete = kz(cache, *args).stdout
    code_for, line = ENDINGS[signum]
    outcomes = set()
    for delay in (0.0, 0.05):
        code, stdout, said = interrupt(cache, args, delay, signum)
        outcomes.add(code)
        assert stdout in (b"", complete), (delay, stdout[:200])
        if code == code_for:
            assert said == [line], delay
        else:
            assert code in (0, -signum), (delay, code, said)
            assert (said, stdout) == ([], complete)
    assert code_for in outcomes


def test_a_hangup_ignored_from_the_start_stays_ignored(cache: str) -> None:
    """`nohup kzafrica ...`: the run outlives its terminal."""

    def ignore_hangups() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    with subprocess.Popen(
        command("validate"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(cache, PYTHONPROFILEIMPORTTIME="1"),
        preexec_fn=ignore_hangups,
    ) as process:
        assert process.stderr is not None
        process.stderr.readline()  # the interpreter is running: importing is under way
        for _ in range(5):
            process.send_signal(signal.SIGHUP)
            time.sleep(0.02)
        stdout, _ = process.communicate(timeout=60)
    assert (process.returncode, stdout) == (0, kz(cache, "validate").stdout)


# -- SIGTERM and SIGHUP on a big fact file ------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated fact file of RECORDS records."""
    path = tmp_path_factory.mktemp("big") / "facts.yaml"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "make_facts.py"),
            *("--records", str(RECORDS), "-o", str(path)),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path


@pytest.fixture(scope="module")
def big_cache(big: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A cache that holds the big file's store: a run of it starts answering at once."""
    folder = str(tmp_path_factory.mktemp("big-cache"))
    assert kz(folder, "--data", str(big), "trade").returncode == 0
    return folder


def wait_for(ready: Callable[[], bool], process: Any) -> bool:
    """Wait until ``ready()``, checking about every 0.1 ms; False if the process ends first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if ready():
            return True
        time.sleep(0.0001)
    return False


def ended(process: Any, signum: int, stderr: bytes) -> bool:
    """Whether the signal ended the run as it should (one line, its exit code); False for a
    run that had finished first (nothing said, exit 0)."""
    code, line = ENDINGS[signum]
    if process.returncode == code:
        assert stderr == line + b"\n"
        return True
    assert process.returncode == 0, (process.returncode, stderr[-500:])
    return False


# The moments: the instant the temporary file appears (the store holds signals back while
# it makes the file and keeps its name, so none lands in between), and a little after.
@pytest.mark.parametrize(("signum", "after"), [(signal.SIGTERM, 0.0), (signal.SIGTERM, 0.02)])
def test_a_signal_during_a_first_run_leaves_no_temporary_store(
    big: Path, tmp_path: Path, signum: int, after: float
) -> None:
    # SIGTERM killed the run and left a .tmp-*.db of 17-64 MB in the cache until the next
    # prune, an hour later.
    entries = tmp_path / "cache" / "kzafrica"
    with start(str(tmp_path / "cache"), ["--data", str(big), "trade", "--json"]) as process:
        assert wait_for(lambda: any(entries.glob(".tmp-*")), process), "no store written"
        time.sleep(after)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    if not ended(process, signum, stderr):
        assert json.loads(stdout)
    assert not list(entries.glob(".tmp-*"))


def children(pid: int) -> list[int]:
    """The processes ``pid`` has forked (Linux)."""
    try:
        return [int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie that nobody has reaped yet does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not twocores.usable(), reason="the first run's worker: Linux, two cores")
@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM", "SIGKILL"])
def test_the_first_run_s_worker_ends_with_the_run(big: Path, tmp_path: Path, how: str) -> None:
    # The worker holds both ends of its executor's pipes, so it never sees them close: after
    # a SIGKILL of the command it waited for work for ever.
    with subprocess.Popen(
        command("--data", str(big), "trade", "--json"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment(str(tmp_path / "cache")),
        preexec_fn=default_signals,
        start_new_session=True,  # a terminal's Ctrl-C goes to the process group
    ) as process:
        assert wait_for(lambda: bool(children(process.pid)), process), "no worker started"
        (worker,) = children(process.pid)
        time.sleep(0.02)
        if how == "Ctrl-C":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not alive(worker)
    if how == "SIGKILL":
        assert process.returncode == -signal.SIGKILL
    else:
        signum = signal.SIGINT if how == "Ctrl-C" else signal.SIGTERM
        assert ended(process, signum, stderr), "the run ended before the signal"


@pytest.mark.parametrize(
    ("signum", "after"), [(signal.SIGTERM, 0.0), (signal.SIGTERM, 0.02), (signal.SIGHUP, 0.2)]
)
def test_a_signal_during_a_dump_leaves_no_file(
    big: Path, big_cache: str, tmp_path: Path, signum: int, after: float
) -> None:
    # SIGTERM left .x.db.*.tmp, its -journal and .x.metadata.json.*.tmp for good.
    folder = tmp_path / "out"
    folder.mkdir()
    with start(big_cache, ["--data", str(big), "dump", str(folder / "x.db")]) as process:
        assert wait_for(lambda: any(folder.iterdir()), process), "nothing written"
        time.sleep(after)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    left = sorted(path.name for path in folder.iterdir())
    if ended(process, signum, stderr):
        assert left == []
    else:
        assert left == ["x.db", "x.metadata.json"]


@pytest.mark.parametrize("signum", [signal.SIGTERM])
def test_a_signal_as_the_answer_is_written_leaves_all_or_nothing(
    big: Path, big_cache: str, tmp_path: Path, signum: int
) -> None:
    # SIGTERM the moment `events --json > file` started writing left 4 MiB of a 56 MiB
    # document (the kernel cuts a large write short when a fatal signal arrives).
    out = tmp_path / "events.json"
    with (
        open(out, "wb") as handle,
        start(big_cache, ["--data", str(big), "events", "--json"], stdout=handle) as process,
    ):
        assert wait_for(lambda: out.stat().st_size > 0, process), "nothing written"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    ended(process, signum, stderr)
    written = out.read_bytes()
    # Whole (the signal is handled once the write is done) or nothing.
    assert written == b"" or len(json.loads(written)) > RECORDS / 2, len(written)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (signal.SIGTERM, signal.SIGHUP),
        (signal.SIGTERM, signal.SIGTERM),
        (signal.SIGINT, signal.SIGINT),
    ],
)
def test_two_signals_at_once_still_leave_no_file(
    big: Path, big_cache: str, tmp_path: Path, first: int, second: int
) -> None:
    # systemd sends SIGTERM and SIGHUP together: the second signal ended the process at
    # once, before the first one's cleanup, and left .x.db.*.tmp, its -journal and
    # .x.metadata.json.*.tmp behind.
    folder = tmp_path / "out"
    folder.mkdir()
    with start(big_cache, ["--data", str(big), "dump", str(folder / "x.db")]) as process:
        assert wait_for(lambda: any(folder.iterdir()), process), "nothing written"
        process.send_signal(first)
        process.send_signal(second)
        _, stderr = process.communicate(timeout=60)
    left = sorted(path.name for path in folder.iterdir())
    # Two signals pending at once are taken in the order of their numbers: either ends it.
    taken = second if process.returncode == ENDINGS[second][0] else first
    if ended(process, taken, stderr):
        assert left == []
    else:
        assert left == ["x.db", "x.metadata.json"]
