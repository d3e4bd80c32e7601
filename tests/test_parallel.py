"""Work items shared between this process and a forked child: results, failures, clean-up."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from kzafrica.store import parallel

CORES = parallel.cores  # before the fixture below replaces it
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux")


@pytest.fixture(autouse=True)
def _two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended and been reaped (no zombie left)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def child_pid(pid_file: Path) -> int:
    """The pid the child wrote, once it has written it."""
    for _ in range(3000):
        if pid_file.exists() and pid_file.read_text("utf-8"):
            return int(pid_file.read_text("utf-8"))
        time.sleep(0.01)
    raise AssertionError("the child never started")


def test_results_in_order_some_from_a_child() -> None:
    def work(n: int) -> tuple[int, int]:
        time.sleep(0.005)  # so that both processes get some
        return n * n, os.getpid()

    result = parallel.run(work, range(200))
    assert result is not None
    assert [square for square, _ in result] == [n * n for n in range(200)]
    pids = {pid for _, pid in result}
    assert os.getpid() in pids
    [child] = pids - {os.getpid()}
    assert gone(child)


def test_big_results_come_through_whole() -> None:
    def work(n: int) -> list[dict[str, object]]:
        return [{"id": f"record-{n}-{i}", "n": i, "tags": ["a", "b"] * 3} for i in range(20_000)]

    result = parallel.run(work, range(10))
    assert result == [work(n) for n in range(10)]


class Result:
    """A result that weakref can follow (ints and lists cannot)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.pid = os.getpid()


def test_results_are_freed_without_the_collector() -> None:
    # The caller runs with the collector off and then freezes what is left (firstrun): a
    # reference cycle through the executor's futures kept every result of the worker's
    # alive for good, 37 MiB on a first run of 100,000 records.
    def work(n: int) -> Result:
        time.sleep(0.002)
        return Result(n)

    enabled = gc.isenabled()
    gc.disable()
    try:
        result = parallel.run(work, range(100))
        assert result is not None
        assert [r.n for r in result] == list(range(100))
        assert any(r.pid != os.getpid() for r in result)
        kept = [weakref.ref(r) for r in result]
        del result
        assert [r for r in kept if r() is not None] == []
    finally:
        if enabled:
            gc.enable()


def fail(n: int) -> int:
    raise ValueError("failed")


def unpicklable(n: int) -> object:
    return lambda: n


def exits(n: int) -> int:
    os._exit(0)


def killed(n: int) -> int:
    os.kill(os.getpid(), 9)
    return n


def interrupted(n: int) -> int:
    # Ctrl-C reaches the child too. Python's own handler, as in a process started from a
    # terminal: pytest itself may run with SIGINT ignored (nohup, `&` in a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)
    return n


@pytest.mark.parametrize("there", [fail, unpicklable, exits, killed, interrupted, lambda n: None])
def test_a_failing_child_gives_none(there: Callable[[int], object]) -> None:
    """The child's items fail (the parent's first item waits so that the child takes one)."""
    parent = os.getpid()
    here: list[int] = []

    def work(n: int) -> object:
        if os.getpid() != parent:
            return there(n)
        time.sleep(0.2)
        here.append(n)
        return n

    assert parallel.run(work, range(50)) is None
    # Seen at once: the parent did not go on to do every remaining item itself first
    # (49 items, 10 s here), as when the child's failure was noticed only at the end. A
    # few items' grace: a busy machine may be slow to start the child.
    assert len(here) <= 10
    assert parallel.available()  # no thread of the executor's left behind


def test_none_here_stops_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    parent = os.getpid()
    pids: list[int] = []

    def work(n: int) -> int | None:
        if os.getpid() != parent:
            pid_file.write_text(str(os.getpid()), "utf-8")
            time.sleep(600)
            return n
        pids.append(child_pid(pid_file))
        return None

    assert parallel.run(work, range(50)) is None
    assert gone(pids[0])  # killed and reaped, not left sleeping


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_an_exception_here_stops_the_child(tmp_path: Path, error: type[BaseException]) -> None:
    pid_file = tmp_path / "pid"
    parent = os.getpid()
    pids: list[int] = []

    def work(n: int) -> int:
        if os.getpid() != parent:
            pid_file.write_text(str(os.getpid()), "utf-8")
            time.sleep(600)
            return n
        pids.append(child_pid(pid_file))
        raise error("failed")

    with pytest.raises(error, match="failed"):
        parallel.run(work, range(50))
    assert gone(pids[0])


SETTINGS = ["one core", "macOS", "another thread", "too few items"]


@pytest.mark.parametrize("setting", SETTINGS)
def test_when_not_shared_all_run_here(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    count = {"too few items": 1}.get(setting, 10)
    if setting == "one core":
        monkeypatch.setattr(parallel, "cores", lambda: 1)
    if setting == "macOS":
        monkeypatch.setattr(sys, "platform", "darwin")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    if setting == "another thread":
        other.start()
    pids: list[int] = []

    def work(n: int) -> int | None:
        pids.append(os.getpid())
        return None if n == 3 else n

    try:
        assert parallel.run(work, range(count)) == ([0] if count == 1 else None)
    finally:
        stop.set()
        if other.is_alive():
            other.join()
    assert set(pids) == {os.getpid()}
    assert len(pids) == min(count, 4)  # stops at the first None


def test_run_here_stops_at_the_first_none() -> None:
    ran: list[int] = []

    def work(n: int) -> int | None:
        ran.append(n)
        return None if n == 2 else n

    assert parallel.run_here(work, range(5)) is None
    assert ran == [0, 1, 2]
    assert parallel.run_here(lambda n: n + 1, range(3)) == [1, 2, 3]


def test_cores_counts_this_process() -> None:
    assert CORES() >= 1


# -- aside: one piece of work on the other core ------------------------------------------


def test_aside_gives_the_childs_result() -> None:
    with parallel.aside(lambda: (os.getpid(), list(range(100_000)))) as result:
        here = sum(range(1000))  # this process's own work meanwhile
        pid, numbers = result()
    assert here == 499_500
    assert pid != os.getpid()
    assert numbers == list(range(100_000))
    assert gone(pid)


@pytest.mark.parametrize("there", [fail, unpicklable, exits, killed, interrupted])
def test_aside_does_the_work_here_when_the_child_fails(there: Callable[[int], object]) -> None:
    parent = os.getpid()

    def work() -> object:
        return ("here", os.getpid()) if os.getpid() == parent else there(1)

    with parallel.aside(work) as result:
        assert result() == ("here", parent)


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_aside_stops_the_child_when_this_side_fails(
    tmp_path: Path, error: type[BaseException]
) -> None:
    pid_file = tmp_path / "pid"

    def work() -> int:
        pid_file.write_text(str(os.getpid()), "utf-8")
        time.sleep(600)
        return 1

    pids: list[int] = []

    def fails_meanwhile() -> None:
        with parallel.aside(work):
            pids.append(child_pid(pid_file))
            raise error("failed")

    with pytest.raises(error, match="failed"):
        fails_meanwhile()
    assert gone(pids[0])


def test_aside_without_a_second_core_works_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    with parallel.aside(os.getpid) as result:
        assert result() == os.getpid()


def ended(pid: int) -> bool:
    """Whether process ``pid`` has ended (reaped, or a zombie no one has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


PARENT_KILLED = """
import os, sys, time
from kzafrica.store import parallel
parallel.cores = lambda: 2
parent, pid_file, how = os.getpid(), sys.argv[1], sys.argv[2]
def work(n):
    if os.getpid() != parent:
        open(pid_file, "w").write(str(os.getpid()))
    time.sleep(600)  # both sides: the parent is killed meanwhile
    return n
if how == "run":
    parallel.run(work, range(4))
else:
    with parallel.aside(lambda: work(0)) as result:
        time.sleep(600)
"""


@pytest.mark.parametrize("how", ["run", "aside"])
def test_a_child_ends_with_a_killed_parent(tmp_path: Path, how: str) -> None:
    # A SIGTERM or SIGKILL to kzafrica left its child working on alone (for seconds, on
    # a big file): nothing would read what it makes.
    pid_file = tmp_path / "pid"
    program = PARENT_KILLED
    if how == "aside":  # the work runs in the child alone
        program = program.replace("if os.getpid() != parent:", "if True:")
    process = subprocess.Popen([sys.executable, "-c", program, str(pid_file), how])
    child = 0
    try:
        child = child_pid(pid_file)
        process.kill()
        process.wait(timeout=60)
        for _ in range(500):
            if ended(child):
                break
            time.sleep(0.01)
        assert ended(child)
    finally:
        process.kill()
        if child:  # not left behind, whatever happened
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
