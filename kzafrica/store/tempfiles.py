"""Temporary files beside their target, never left behind by a signal.

A file made with ``tempfile.mkstemp`` is removed by a ``finally`` that can only run once the
caller knows the file's name: a Ctrl-C, SIGTERM or SIGHUP landing between the two left the
file behind for good. :func:`temporary` holds those signals while the file is made and its
name kept, so a signal lands before the file exists or after its removal is assured.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

_SIGNALS = {signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])}


@contextlib.contextmanager
def temporary(folder: Path, prefix: str, suffix: str) -> Iterator[Path]:
    """A new empty file in ``folder`` (0600, made exclusively), removed with its SQLite
    ``-journal`` when the block ends, however it ends, unless the block renamed it."""
    # tempfile (and random) only when a file is made: every run holds signals while it
    # writes its answer (kzafrica.cli.streams), few make a file.
    import tempfile

    made: list[Path] = []
    try:
        with held():
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
            made.append(Path(name))
            os.close(fd)
        yield made[0]
    finally:
        for path in made:
            for leftover in (path, path.with_name(path.name + "-journal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


@contextlib.contextmanager
def held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP held back for the block, then delivered."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
