"""`kzafrica dump FILE`: the whole fact base in one file, for other tools.

``FILE.db`` or ``FILE.sqlite``: a SQLite database of browsing tables (see
:mod:`kzafrica.store.dump_tables`) beside the indexed store's own ``kz_`` tables (written by
:mod:`kzafrica.store.sqlite_store`, the writer of the cache and of the shipped store), with
Datasette metadata beside it as ``FILE.metadata.json``; it holds every article's text, the
evidence's offsets count in. ``FILE.json``: one JSON object, the articles and every record
in the form the query commands print.

Each file is written to a temporary file in the same folder, created exclusively, and
renamed over FILE only once complete (``os.replace``), so FILE is never seen half written;
the temporary file is removed on any failure, Ctrl-C included. A database and its metadata
are both written before either is renamed, and should the second rename fail the first is
undone: the pair is replaced together or not at all. An existing file is replaced only
with ``force``. A name that cannot be written (a folder, a missing folder) is a
:class:`UsageError`; a failed write (a full disk, no permission, an I/O error) is
:class:`WriteFailed`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.errors import UsageError
from kzafrica.store import (
    dump_metadata,  # pydantic: the dump alone imports this module
    sqlite_store,
    tempfiles,
)
from kzafrica.store.dump_tables import write_browse_tables
from kzafrica.store.factbase import FactBase

SQLITE = (".db", ".sqlite")
DUMP_KEY = "dump"  # the kz_ tables' key: a dump is for reading, never served as a cache
JSON = (".json",)


def outputs(target: str) -> list[Path]:
    """The files a dump to ``target`` writes: FILE, and for SQLite its metadata."""
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix in SQLITE:
        return [path, path.with_name(path.stem + ".metadata.json")]
    if suffix in JSON:
        return [path]
    raise UsageError(
        f"cannot tell the format of {target}: name the file .db or .sqlite (SQLite) or .json"
    )


class WriteFailed(Exception):
    """The dump could not be written: one line saying why (exit 74, as for any output)."""


def dump(
    dataset: Dataset, texts: Mapping[str, str], target: str, *, force: bool = False
) -> list[Path]:
    """Write the fact base to ``target`` (and its metadata); return the files written.
    ``texts``: every article's text by id, for a SQLite file (a JSON file needs none)."""
    files = outputs(target)
    try:
        target.encode("utf-8")
    except UnicodeEncodeError:  # bytes in another encoding: Datasette's metadata names it
        raise UsageError("the file name is not UTF-8; name the file in UTF-8") from None
    if target.endswith(("/", os.sep)):  # Path() would drop the slash and write the file
        raise UsageError(f"{target} names a folder; name a file to write")
    for path in files:
        if path.is_dir():
            raise UsageError(f"{path} is a folder; name a file to write")
        if not force and os.path.lexists(path):
            raise UsageError(f"{path} exists; add --force to replace it")
    if not files[0].parent.is_dir():
        raise UsageError(f"cannot write {target}: no folder {files[0].parent}; create it first")
    try:
        if len(files) == 1:
            with _staged(files[0]) as temp:
                _write_json(temp, everything(FactBase(dataset)))
                _replace([(temp, files[0])], force)
        else:
            # Both files complete before either replaces anything.
            with _staged(files[0]) as temp_db, _staged(files[1]) as temp_meta:
                _write_sqlite(temp_db, dataset, texts)
                _write_json(temp_meta, dump_metadata.metadata(dataset, files[0].stem))
                _replace([(temp_db, files[0]), (temp_meta, files[1])], force)
    except FileExistsError as exc:  # made meanwhile, by another run or by hand
        raise UsageError(f"{exc.filename} exists; add --force to replace it") from None
    except OSError as exc:
        raise WriteFailed(f"cannot write {target}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise WriteFailed(f"cannot write {target}: {exc}") from None
    return files


def _replace(pairs: list[tuple[Path, Path]], force: bool = True) -> None:
    """Rename each new file over its target, all or none: a failed rename puts back the
    targets already replaced (their old files kept meanwhile as hard links) and raises.
    Without ``force`` a target is never replaced: a file that appeared since the check
    (another run's, or one made by hand) raises FileExistsError."""
    done: list[tuple[Path, Path | None]] = []  # (target, the link to its old file, if any)
    try:
        for new, target in pairs:
            if not force:
                _place(new, target)
                done.append((target, None))
                continue
            old = None
            if len(pairs) > 1 and os.path.lexists(target):
                old = new.with_name(new.name + ".old")
                os.link(target, old, follow_symlinks=False)
            try:
                os.replace(new, target)
            except BaseException:
                if old is not None:
                    old.unlink()
                raise
            done.append((target, old))
    except BaseException:
        for target, old in reversed(done):
            with contextlib.suppress(OSError):
                if old is None:
                    target.unlink()
                else:
                    os.replace(old, target)
        raise
    for _, old in done:
        if old is not None:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()


def everything(facts: FactBase) -> dict[str, Any]:
    """The whole fact base as one object: the articles, then each collection's records in
    the form the query commands print."""
    out: dict[str, Any] = {"articles": facts.articles}
    for key in facts.collections:
        out[key] = [facts.expand(key, record) for record in facts.records(key)]
    return out


# Datasette gives a facet 200 ms by default; the facet by article takes about 10 µs a row
# (it reads each row's array), so a big fact base needs more, or the facet is left out.
FACET_MS = 200
FACET_MS_PER_RECORD = 0.02  # twice what it takes, for a slower machine


def datasette_options(dataset: Dataset) -> list[str]:
    """What ``datasette`` needs, beyond the files, to show a dump of ``dataset`` whole:
    for a big fact base, the time its facets take."""
    needed = count(dataset) * FACET_MS_PER_RECORD
    if needed <= FACET_MS:
        return []
    return ["--setting", "facet_time_limit_ms", str(-(-int(needed) // 1000) * 1000)]


def count(dataset: Dataset) -> int:
    """How many records a fact base holds."""
    return sum(len(v) for k, v in dataset.facts.items() if k != "articles" and isinstance(v, list))


def _write_sqlite(path: Path, dataset: Dataset, texts: Mapping[str, str]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)  # transactions by hand
    try:
        conn.execute("BEGIN")
        # The browsing tables first (tools list tables in creation order), then the same
        # writer as the cache and the shipped store.
        write_browse_tables(conn, dataset, texts)
        sqlite_store.write(conn, dataset, DUMP_KEY)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _write_json(path: Path, data: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A new temporary file beside ``path`` (the block renames it over ``path`` with
    :func:`_replace`), removed whatever happens if it is still there."""
    with tempfiles.temporary(path.parent, f".{path.name}.", ".tmp") as temp:
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp's 0600 is for secrets; this is not
        yield temp


def _place(new: Path, target: Path) -> None:
    """``new`` at ``target``, which must not exist: a hard link fails if it does, where a
    rename would replace it."""
    try:
        os.link(new, target, follow_symlinks=False)
    except FileExistsError:  # named by the target (link's own error names the source first)
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        if os.path.lexists(target):  # no hard links here: check, then rename
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(new, target)
        return
    new.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
