"""A list of work items done on two cores: this process and one forked worker.

The first run of a big facts file validates it in pieces (:mod:`kzafrica.store.firstrun`);
the pieces are independent, so a second core nearly halves that part of the wait (figures
in docs/performance.md). The worker is the standard library's: a
:class:`concurrent.futures.ProcessPoolExecutor` of one forked process, so the work and its
data reach it by inheritance, and only item numbers and results travel (pickled, item by
item).

This process does the first half of the items, then takes the worker's from the back until
the two meet, so that neither waits while the other has some left. Two numbers in shared
memory say where each has got to (the worker's next item, and the first item this process
has taken); at worst both do the item where they meet, and this process keeps its own.
Nothing is cancelled, so the executor's own threads are never raced (a cancelled future in
a pool whose worker dies makes them raise, before Python 3.12).

Used only on Linux (``fork``; it is unsafe on macOS and missing on Windows), with a second
core, and with no other thread (one might hold a lock the forked copy would wait on for
ever). Anything that goes wrong in the worker costs time, never an answer: an item it did
not give back is done here. The worker ignores Ctrl-C (the terminal sends it to both
processes; this one stops the worker), writes nothing to the streams, and ends with this
process, however it ends (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterable, MutableSequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

R = TypeVar("R")
T = TypeVar("T")

# What the worker does, and where the two processes have got to: set before the fork.
_work: Callable[[int], object] | None = None
_marks: MutableSequence[int] = [0, 0]  # [the worker's next item, the first item taken here]
_SWITCH = 0.0002  # seconds: the interpreter's switch interval while the worker's results come


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def usable() -> bool:
    """Whether :func:`share` gives items to a forked worker."""
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    return sys.platform.startswith("linux") and alone and cores() >= 2


def share(work: Callable[[int], R | None], count: int) -> list[R] | None:
    """``[work(n) for n in range(count)]``, on two cores when :func:`usable`; None as soon as
    one ``work(n)`` gives None.

    ``work`` runs in the worker as it is, with the data it can see at the fork: it must not
    write to files or streams, nor use an open database connection.
    """
    if count < 2 or not usable():
        return each(work, range(count))
    # Imported here: only the first run of a big file needs them, and they cost start-up.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _work, _marks
    half = count // 2
    fork = multiprocessing.get_context("fork")
    _work, _marks = work, fork.RawArray("q", [half, count])
    # The executor's thread reads the worker's results a pipe's worth at a time, waiting
    # for the interpreter lock at each read: at the usual interval (5 ms) the worker would
    # wait on a full pipe for a third of its time.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(_SWITCH)
    try:
        with ProcessPoolExecutor(
            1, mp_context=fork, initializer=_worker_start, initargs=(os.getpid(),)
        ) as pool:
            theirs: list[Future[object]] = []
            try:
                for number in range(half, count):
                    theirs.append(pool.submit(_do, number))
            except RuntimeError:  # the worker has died already (BrokenProcessPool)
                pass  # the items not handed over are taken here
            try:
                return _gathered(work, half, count, theirs)
            finally:
                _marks[1] = 0  # the worker skips what it has not begun: leaving waits for it
                theirs.clear()
    finally:
        _work, _marks = None, [0, 0]
        sys.setswitchinterval(interval)


def _gathered(
    work: Callable[[int], R | None], half: int, count: int, theirs: list[Future[object]]
) -> list[R] | None:
    """This process's items, then the worker's results; ``theirs`` are the futures of the
    items from ``half`` on that were handed over."""
    mine = each(work, range(half))
    if mine is None:
        return None
    taken: list[R] = []  # from the back
    while _marks[1] - 1 >= max(_marks[0], half):
        number = _marks[1] - 1
        _marks[1] = number  # before the worker reads it, or both do this one item
        result = work(number)
        if result is None:
            return None
        taken.append(result)
    for number in range(half, _marks[1]):
        try:
            # (result,) for an item it did; () for one it skipped, as taken here
            said = theirs[number - half].result() if number - half < len(theirs) else ()
        except Exception:  # the worker died or failed
            said = ()
        result = said[0] if isinstance(said, tuple) and said else work(number)
        if result is None:
            return None
        mine.append(result)
    return mine + taken[::-1]


def each(work: Callable[[T], R | None], items: Iterable[T]) -> list[R] | None:
    """``[work(item) for item in items]``, here; None as soon as one gives None."""
    out: list[R] = []
    for item in items:
        result = work(item)
        if result is None:
            return None
        out.append(result)
    return out


def _worker_start(parent: int) -> None:
    """In the worker, first: end with ``parent``; leave Ctrl-C and SIGTERM to it; and let
    nothing the worker holds (a copy of the parent's unwritten output) reach the streams."""
    _end_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_with(parent: int) -> None:
    """Be killed when ``parent`` ends, even by SIGKILL. The worker holds both ends of the
    executor's pipes (a fork inherits them), so it would never see them close: it would
    wait for work for ever."""
    import ctypes  # only in a worker, on Linux (see usable)

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)


def _do(number: int) -> tuple[object, ...]:
    """In the worker: one item, as ``(result,)``; ``()`` if this process has taken it."""
    if number >= _marks[1]:
        return ()
    _marks[0] = number + 1
    assert _work is not None  # set before the fork
    return (_work(number),)
