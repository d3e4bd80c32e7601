"""Two pieces of work at once, one in a forked child: results, failures, clean-up."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kzafrica import parallel

CORES = parallel.cores  # before the fixture below replaces it
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


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


def sleeper(pid_file: Path) -> Callable[[], int]:
    """Work for the child that says who it is, then takes far longer than any test."""

    def there() -> int:
        pid_file.write_text(str(os.getpid()), "utf-8")
        time.sleep(600)
        return 1

    return there


def child_pid(pid_file: Path) -> int:
    """The pid the child wrote, once it has written it (it then sleeps)."""
    for _ in range(3000):
        if pid_file.exists() and pid_file.read_text("utf-8"):
            return int(pid_file.read_text("utf-8"))
        time.sleep(0.01)
    raise AssertionError("the child never started")


def test_both_results_the_second_from_a_child() -> None:
    result = parallel.both(lambda: ("here", os.getpid()), lambda: ("there", os.getpid()))
    assert result is not None
    (here, here_pid), (there, there_pid) = result
    assert (here, there) == ("here", "there")
    assert here_pid == os.getpid()
    assert there_pid != os.getpid()
    assert gone(there_pid)


def test_big_results_come_through_whole() -> None:
    data = [{"id": f"record-{n}", "n": n, "tags": ["a", "b"] * 3} for n in range(200_000)]
    result = parallel.both(lambda: 1, lambda: data)
    assert result == (1, data)


def fail() -> int:
    raise ValueError("failed")


@pytest.mark.parametrize(
    "there",
    [
        fail,
        lambda: None,
        lambda: lambda: 1,  # cannot be pickled
        lambda: os._exit(0),  # exits without a result
        lambda: os.kill(os.getpid(), 9),
    ],
)
def test_a_failing_child_gives_none(there: Callable[[], object]) -> None:
    assert parallel.both(lambda: 1, there) is None


def test_none_here_stops_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    pids: list[int] = []

    def here() -> int | None:
        pids.append(child_pid(pid_file))
        return None

    assert parallel.both(here, sleeper(pid_file)) is None
    assert gone(pids[0])  # killed and reaped, not left sleeping


def test_an_exception_here_stops_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    pids: list[int] = []

    def here() -> int:
        pids.append(child_pid(pid_file))
        return fail()

    with pytest.raises(ValueError, match="failed"):
        parallel.both(here, sleeper(pid_file))
    assert gone(pids[0])


@pytest.mark.parametrize("cores", [1, 2])
def test_without_a_second_core_both_run_here(monkeypatch: pytest.MonkeyPatch, cores: int) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: cores)
    monkeypatch.setattr(sys, "platform", "darwin" if cores == 2 else "linux")
    assert not parallel.available()
    ran: list[str] = []

    def work(name: str, result: int | None) -> Callable[[], int | None]:
        def run() -> int | None:
            ran.append(name)
            return result

        return run

    assert parallel.both(work("here", 1), work("there", 2)) == (1, 2)
    assert ran == ["here", "there"]
    ran.clear()
    assert parallel.both(work("here", None), work("there", 2)) is None
    assert ran == ["here"]  # no point doing the second half of a failed whole


def test_cores_counts_this_process() -> None:
    assert CORES() >= 1
