"""Work shared with a forked worker (kzafrica.store.twocores): the same results as one
core, in order, whatever the worker does; nothing from the worker on the streams; no
worker left behind when this process leaves early."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from kzafrica.store import twocores

PARENT = os.getpid()
forked = pytest.mark.skipif(not twocores.usable(), reason="needs Linux and two cores")


def squares(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


@pytest.mark.parametrize("count", [0, 1, 2, 3, 8, 31])
def test_the_results_are_one_core_s_in_order(count: int) -> None:
    got = twocores.share(squares, count)
    assert got is not None
    assert [square for square, _ in got] == [n * n for n in range(count)]


@forked
def test_the_worker_does_some_of_the_items() -> None:
    def slow(number: int) -> int:
        if os.getpid() == PARENT:
            os.sched_yield()  # let the worker begin before this process takes its items
            __import__("time").sleep(0.01)
        return os.getpid()

    pids = twocores.share(slow, 20)
    assert pids is not None
    assert {pid for pid in pids if pid != os.getpid()}, "no item was done by a worker"
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("bad", [0, 5, 9])
def test_none_from_any_item_is_none(bad: int) -> None:
    def work(number: int) -> int | None:
        return None if number == bad else number

    assert twocores.share(work, 10) is None
    assert not multiprocessing.active_children()


@forked
@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_failing_worker_costs_time_not_answers(how: str) -> None:
    def work(number: int) -> int:
        if os.getpid() != PARENT:
            if how == "dies":
                os._exit(3)
            raise RuntimeError("in the worker")
        return number + 1

    assert twocores.share(work, 12) == list(range(1, 13))
    assert not multiprocessing.active_children()


WORKER_WRITES = """
import os, sys
from kzafrica.store import twocores
parent = os.getpid()
sys.stdout.write("unwritten at the fork;")  # the worker's copy of it must not appear

def work(number):
    if os.getpid() != parent:
        print("from the worker")
        print("from the worker", file=sys.stderr)
    return number

print(twocores.share(work, 10) == list(range(10)))
"""


@forked
def test_the_worker_writes_nothing_to_the_streams() -> None:
    # A real process: the worker's copies of stdout and stderr write to its descriptors.
    done = subprocess.run(
        [sys.executable, "-c", WORKER_WRITES], capture_output=True, text=True, timeout=60
    )
    assert (done.stdout, done.stderr) == ("unwritten at the fork;True\n", "")


@forked
def test_leaving_early_stops_the_worker() -> None:
    def work(number: int) -> int:
        if number == 2 and os.getpid() == PARENT:
            raise KeyboardInterrupt
        return number

    with pytest.raises(KeyboardInterrupt):
        twocores.share(work, 40)
    assert not multiprocessing.active_children()


def test_one_core_or_another_thread_means_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(twocores, "cores", lambda: 1)
    assert not twocores.usable()
    got = twocores.share(squares, 6)
    assert got is not None
    assert {pid for _, pid in got} == {os.getpid()}
