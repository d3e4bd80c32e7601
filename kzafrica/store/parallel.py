"""Doing a list of work items on two cores: this process and one forked worker share them out.

Used only for big inputs, and only on Linux with a second core and no other thread (fork
is unsafe on macOS once system libraries are loaded, and missing on Windows). The worker is
the standard library's: a :class:`concurrent.futures.ProcessPoolExecutor` of one process,
forked, so the work and its data reach it by inheritance and only item numbers and results
travel (pickled). The worker takes items from the front, each handed over as its last is
done; this process takes them from the back, until the two meet, so neither sits idle
while the other has a long queue. Anything that goes wrong in the worker (an
exception, a signal, an unpicklable result) is seen as soon as this process finishes the
item at hand, and gives None, as does any item whose work gives None: the caller then does
the work the slow, single-process way, so a failure costs time, never correctness.

:func:`aside` runs one piece of work in a forked worker while this process does another.
Leaving either early (an exception, Ctrl-C) kills the worker and reaps it; a worker ends
with this process too, even one killed by SIGTERM or SIGKILL (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")
Submit = Callable[[int], "Future[object]"]  # submits one item to the worker


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def available() -> bool:
    """Whether :func:`run` shares its items with a forked worker.

    Not when other threads run: one of them may hold a lock (imports, logging) that the
    worker, a copy of this thread alone, would wait on for ever.
    """
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    return sys.platform.startswith("linux") and hasattr(os, "fork") and alone and cores() >= 2


def run(work: Callable[[T], R | None], items: Sequence[T]) -> list[R] | None:
    """``[work(item) for item in items]``, on two cores when :func:`available`.

    None as soon as one ``work(item)`` gives None. ``work`` must not write to files or
    streams the parent shares: the worker's standard output and error go to /dev/null.
    """
    if not available() or len(items) < 2:
        return run_here(work, items)
    share = _Share(len(items))
    with _worker(lambda number: work(items[number])) as submit:
        try:
            share.feed(submit)
            share.feed(submit)  # one at work, one waiting: the worker is never idle
            mine: list[R] = []
            while not share.failed.is_set() and (number := share.take_last()) is not None:
                result = work(items[number])
                if result is None:
                    return None
                mine.append(result)
            # No more are handed out. Failed: items may be left that nobody did.
            if share.failed.is_set() or any(_failed(future) for future in share.theirs):
                return None
            return [cast(R, f.result()) for f in share.theirs] + mine[::-1]
        finally:
            share.close()


class _Share:
    """Item numbers shared out: the worker's from the front, each handed over when its
    previous one is done; this process's from the back."""

    def __init__(self, count: int) -> None:
        import threading  # the worker's results arrive in the executor's own thread

        self.front, self.back = 0, count  # the numbers not yet taken: front to back
        self.theirs: list[Future[object]] = []  # the worker's, in item order
        self.failed = threading.Event()  # an item of the worker's failed
        self._lock = threading.Lock()

    def feed(self, submit: Submit) -> None:
        """Hand the worker the next item from the front, if any is left."""
        with self._lock:
            if self.front >= self.back or self.failed.is_set():
                return
            try:
                future = submit(self.front)
            except RuntimeError:  # the worker has died (BrokenProcessPool) or is stopped
                self.failed.set()
                return
            self.front += 1
            self.theirs.append(future)
        future.add_done_callback(lambda done: self._done(done, submit))

    def _done(self, done: Future[object], submit: Submit) -> None:
        if _failed(done):
            self.failed.set()
        else:
            self.feed(submit)

    def take_last(self) -> int | None:
        """The last item not yet taken, for this process; None when none is left."""
        with self._lock:
            if self.front >= self.back:
                return None
            self.back -= 1
            return self.back

    def close(self) -> None:
        """Hand out nothing more, and let go of the futures: their callbacks refer to this
        object, a cycle that the caller's gc.freeze() would otherwise keep for good, with
        every result in it (37 MiB on a first run of 100,000 records)."""
        with self._lock:
            self.back = self.front
            self.theirs = []


def run_here(work: Callable[[T], R | None], items: Sequence[T]) -> list[R] | None:
    """``[work(item) for item in items]`` in this process; None as soon as one gives None."""
    out: list[R] = []
    for item in items:
        result = work(item)
        if result is None:
            return None
        out.append(result)
    return out


@contextlib.contextmanager
def aside(work: Callable[[], R]) -> Iterator[Callable[[], R]]:
    """Start ``work()`` in a forked worker, when :func:`available`, while this process does
    something else; the function given waits for its result. If there is no worker, or it
    fails, the function computes ``work()`` here. Leaving the block stops the worker.

    ``work`` must not use what the worker must not share (an open database connection,
    files the parent writes).
    """
    if not available():
        yield work
        return
    with _worker(lambda _: work()) as submit:
        future = submit(0)

        def result() -> R:
            # exception() waits without raising what the worker raised (even a Ctrl-C there)
            return work() if future.exception() is not None else cast(R, future.result())

        yield result


def _failed(future: Future[object]) -> bool:
    """Whether the worker's item failed (it raised, died, or its work gave None), or was
    cancelled (the worker was stopped)."""
    return future.cancelled() or future.exception() is not None or future.result() is None


@contextlib.contextmanager
def _worker(job: Callable[[int], object]) -> Iterator[Submit]:
    """A forked worker for ``job``: the function given submits ``job(number)`` there.
    Leaving the block kills the worker if it is still at work (nobody will read what it
    makes), and reaps it."""
    # Imported here, not at the top: only a big input needs them, and they cost start-up.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,  # with fork, neither it nor its arguments are pickled
        initargs=(job, os.getpid()),
    )
    futures: list[Future[object]] = []

    def submit(number: int) -> Future[object]:
        futures.append(pool.submit(_do, number))
        return futures[-1]

    try:
        yield submit
    finally:
        if not all(future.done() for future in futures):
            # No public way to stop a busy worker before Python 3.14 (terminate_workers).
            for process in list((pool._processes or {}).values()):
                with contextlib.suppress(OSError):
                    process.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        futures.clear()  # no result kept alive by a cycle through submit (see _Share.close)


_job: Callable[[int], object] | None = None  # in a worker: what _do runs


def _start(job: Callable[[int], object], parent: int) -> None:
    """In a forked worker, first: take the job, and end with the parent."""
    global _job
    _job = job
    _end_with(parent)
    # Whatever the parent left in its stream buffers, and any report of the worker's own,
    # must never reach the parent's output: the worker flushes its copies when it exits.
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _do(number: int) -> object:
    """In a forked worker: one item of the job."""
    return cast(Callable[[int], object], _job)(number)  # _start set it


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_with(parent: int) -> None:
    """In a forked worker: be killed when ``parent`` ends. Its results would go nowhere, and
    a parent ended by SIGTERM or SIGKILL never stops it: it would work on alone, for
    seconds on a big file."""
    import ctypes  # only in a worker, on Linux (see available)

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)
