"""Doing a list of work items on two cores: this process and a forked child share them out.

Used only for big inputs, and only on Linux with a second core and no other thread (fork
is unsafe on macOS once system libraries are loaded, and missing on Windows). The item
numbers wait in a pipe and each process takes the next one when it is free, so neither
sits idle while the other has a long queue; the child's results come back pickled through
a second pipe. Anything that goes wrong in the child (an exception, a signal, an
unpicklable result) gives None, as does any item whose work gives None: the caller then
does the work the slow, single-process way, so a failure costs time, never correctness.

:func:`aside` runs one piece of work in a forked child while this process does another.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

_NUMBER = 4  # bytes of an item number in the queue; a read this small is never split
_QUEUE_LIMIT = 1024  # item numbers that fit in the smallest pipe buffer Linux gives (4 KiB)


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def available() -> bool:
    """Whether :func:`run` shares its items with a forked child.

    Not when other threads run: one of them may hold a lock (imports, logging) that the
    child, a copy of this thread alone, would wait on for ever.
    """
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    return sys.platform.startswith("linux") and hasattr(os, "fork") and alone and cores() >= 2


def run(work: Callable[[T], R | None], items: Sequence[T]) -> list[R] | None:
    """``[work(item) for item in items]``, on two cores when :func:`available`.

    None as soon as one ``work(item)`` gives None. ``work`` must not write to files or
    streams the parent shares: the child leaves with ``os._exit`` and flushes nothing.
    """
    if not available() or not 2 <= len(items) <= _QUEUE_LIMIT:
        return run_here(work, items)
    queue_out, queue_in = os.pipe()
    numbers = memoryview(b"".join(n.to_bytes(_NUMBER, "little") for n in range(len(items))))
    while numbers:  # never blocks: the smallest pipe buffer holds them all
        numbers = numbers[os.write(queue_in, numbers) :]
    os.close(queue_in)  # once it is empty, a read gives b"": no more work
    child = _Child(lambda: _take(work, items, queue_out))
    try:
        mine = _take(work, items, queue_out)
        if mine is None:
            return None
        theirs = child.result()
        if theirs is _FAILED or theirs is None:
            return None
        found = dict(mine) | dict(cast(list[tuple[int, R]], theirs))
        if len(found) != len(items):
            return None
        return [found[number] for number in range(len(items))]
    finally:
        os.close(queue_out)
        child.stop()  # if this side failed or raised


def run_here(work: Callable[[T], R | None], items: Sequence[T]) -> list[R] | None:
    """``[work(item) for item in items]`` in this process; None as soon as one gives None."""
    out: list[R] = []
    for item in items:
        result = work(item)
        if result is None:
            return None
        out.append(result)
    return out


def _take(
    work: Callable[[T], R | None], items: Sequence[T], queue: int
) -> list[tuple[int, R]] | None:
    """Take item numbers from ``queue`` until it is empty; the results with their numbers.

    On a None result, empty the queue so that the other process stops soon too.
    """
    out: list[tuple[int, R]] = []
    while number := os.read(queue, _NUMBER):
        index = int.from_bytes(number, "little")
        result = work(items[index])
        if result is None:
            while os.read(queue, 4096):
                pass
            return None
        out.append((index, result))
    return out


@contextlib.contextmanager
def aside(work: Callable[[], R]) -> Iterator[Callable[[], R]]:
    """Start ``work()`` in a forked child, when :func:`available`, while this process does
    something else; the function given waits for its result. If there is no child, or it
    fails, the function computes ``work()`` here. Leaving the block stops the child.

    ``work`` must not use what the child must not share (an open database connection,
    files or streams the parent writes): the child leaves with ``os._exit``.
    """
    if not available():
        yield work
        return
    child = _Child(work)

    def result() -> R:
        found = child.result()
        return work() if found is _FAILED else cast(R, found)

    try:
        yield result
    finally:
        child.stop()  # if the result was never asked for, or this side raised


_FAILED = object()  # what a child that failed gives


class _Child:
    """A forked child that runs ``work()`` and sends its value back pickled. Anything that
    goes wrong there (an exception, a signal, an unpicklable value) gives _FAILED."""

    def __init__(self, work: Callable[[], object]) -> None:
        results_out, results_in = os.pipe()
        parent, pid = os.getpid(), os.fork()
        if pid == 0:  # the child: never returns
            status = 1
            try:
                _end_with(parent)
                os.close(results_out)
                value = work()
                with os.fdopen(results_in, "wb") as out:
                    pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            except BaseException:  # noqa: S110 - reported to the parent as _FAILED
                pass
            finally:
                os._exit(status)
        os.close(results_in)
        self._pid = pid
        self._pipe = os.fdopen(results_out, "rb")
        self._reaped = False

    def result(self) -> object:
        """Wait for the child's value (_FAILED if it failed)."""
        with self._pipe:
            try:
                found = pickle.load(self._pipe)  # noqa: S301 - this process's own fork wrote it
            except Exception:  # the child failed: nothing, or half a pickle, came through
                found = _FAILED
        _, status = os.waitpid(self._pid, 0)
        self._reaped = True
        return _FAILED if status != 0 else found

    def stop(self) -> None:
        """Stop the child and reap it, unless its result was taken."""
        self._pipe.close()
        if not self._reaped:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self._pid, 0)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_with(parent: int) -> None:
    """In a forked child: be killed when ``parent`` ends. Its results would go nowhere, and
    a parent ended by SIGTERM or SIGKILL never stops it: it would work on alone, for
    seconds on a big file."""
    import ctypes  # only in a child, on Linux (see available)

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)
