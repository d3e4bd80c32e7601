"""Running two pieces of work at once: one here, one in a forked child on another core.

Used only for big inputs, and only where fork is safe and a second core is there (Linux and
the BSDs; not macOS, where fork is unsafe once system libraries are loaded, nor Windows).
The child's result comes back pickled through a pipe. Anything that goes wrong in the
child (an exception, a signal, an unpicklable result) gives None: the caller then does the
work the slow, single-process way, so a failure costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def available() -> bool:
    """Whether :func:`both` runs its two functions at the same time."""
    return hasattr(os, "fork") and sys.platform != "darwin" and cores() >= 2


def both(here: Callable[[], A | None], there: Callable[[], B | None]) -> tuple[A, B] | None:
    """``(here(), there())``, with ``there`` run in a forked child; None if either gives None.

    ``there`` must not write to files or streams the parent shares: the child leaves with
    ``os._exit`` and flushes nothing. If ``here`` gives None the child is stopped at once.
    """
    if not available():
        mine = here()
        theirs = there() if mine is not None else None
        return None if mine is None or theirs is None else (mine, theirs)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            result = there()
            if result is not None:
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
        except BaseException:  # noqa: S110 - reported to the parent as no result
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    done = False
    try:
        with os.fdopen(read_end, "rb") as pipe:
            mine = here()
            if mine is None:
                return None
            try:
                # Trusted: this process's own fork wrote it.
                theirs = pickle.load(pipe)  # noqa: S301
            except Exception:  # the child failed: nothing, or half a pickle, came through
                return None
        _, status = os.waitpid(pid, 0)
        done = True
        if status != 0 or theirs is None:
            return None
        return mine, theirs
    finally:
        if not done:  # here() failed or raised, or the pickle was bad: stop the child
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
