"""Ctrl-C: at any moment, one line on stderr, exit 130, and no half answer in a file.

Real signals to the installed command in real processes, started with the default action
for each signal whatever this test run ignores (see processes.default_signals).
"""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from processes import (
    CASES,
    ENDINGS,
    IDS,
    INTERRUPTED,
    interrupt,
    kz,
    python,
    small_pipe,
    start,
    warm_cache,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


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
