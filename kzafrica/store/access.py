"""Finding, reading and validating a facts file; opening its validated, indexed store.

The query path never needs pydantic or PyYAML once a file has validated. The shipped facts
come already validated (``kzafrica/facts.db``, made by ``python -m kzafrica.store.build`` and
kept in step by a test); a ``--data`` file is validated once and its store kept in the
cache (:mod:`kzafrica.store.cache`). A store is read through
:mod:`kzafrica.store.stored_facts`, which
checks every row it reads: a store that is not exactly what kzafrica wrote is set aside
and the facts validated again, so unvalidated data is never served.
"""

from __future__ import annotations

import codecs
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from kzafrica.factfile.dataset import Dataset
from kzafrica.factfile.errors import DataError, Problem
from kzafrica.factfile.package_files import PACKAGE_DIR, SOURCES
from kzafrica.store import sqlite_store
from kzafrica.store.environment import ENV_DATA
from kzafrica.store.factbase import FactBase
from kzafrica.store.sqlite_store import Prepared
from kzafrica.store.stored_facts import OtherKey, StoreCorrupt, StoredFacts

MAX_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024  # bytes read at a time while hashing a file
T = TypeVar("T")
# The start of a line (as str.splitlines splits) whose first non-blank character is not `#`:
# a search, not a list of a big file's lines. Compiled on first use, as queries never need it.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTENT = rf"(?:^|(?<=[{_BREAKS}]))[^\S{_BREAKS}]*[^\s#]"


def packaged_facts() -> Path:
    """The facts.yaml shipped inside the package."""
    return PACKAGE_DIR / "facts.yaml"


def packaged_article() -> str:
    """The shipped copy of the article."""
    return (SOURCES / "article.txt").read_text(encoding="utf-8")


def choose(path: str | None) -> str:
    """The file to read: ``--data``, else ``$KZAFRICA_DATA``, else the shipped facts."""
    return path or os.environ.get(ENV_DATA) or str(packaged_facts())


def read_bytes(file: str) -> bytes:
    """Read a regular file of at most MAX_BYTES, or raise DataError saying why not."""
    parts = list(_chunks(file, first=MAX_BYTES))
    # A regular file comes in one read: no copy to join it.
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _chunks(file: str, first: int = _CHUNK) -> Iterator[bytes]:
    """The bytes of ``file``, a regular file, in chunks (the first of up to ``first``
    bytes); DataError once more than MAX_BYTES are read.

    The bytes read are counted, not the size the file reports: a file in /proc reports 0
    and may go on for ever. Reads are of whole mebibytes, as some /proc files require
    multiples of 8. A read that would wait (the file is opened non-blocking) fails rather
    than hangs."""
    fd = _open_regular(file)
    total = 0
    try:
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as handle:
            while True:
                block = handle.read(first if total == 0 else _CHUNK)
                if block is None:  # nothing to read without waiting: a device in disguise
                    raise _fail(file, "cannot read without waiting; name a regular file")
                if not block:
                    return
                total += len(block)
                if total > MAX_BYTES:
                    raise _fail(file, f"is larger than the {MAX_BYTES // 2**20} MiB limit")
                yield block
    except OSError as exc:
        raise _fail(file, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def _open_regular(file: str) -> int:
    """A descriptor of ``file`` if it is a regular file within the size limit, else
    DataError saying why not. Devices and pipes are never read, so nothing hangs."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _fail(file, _missing(file)) from None
    except IsADirectoryError:
        raise _fail(file, "is a directory, not a facts file") from None
    except PermissionError:
        raise _fail(file, "permission denied; make the file readable") from None
    except OSError as exc:
        raise _fail(file, f"cannot open: {exc.strerror}") from None
    except ValueError:  # open() raises this, not OSError, for a NUL in the path
        raise _fail(file, "cannot open: the path contains a NUL character") from None
    try:
        # fstat the raw descriptor: os.fdopen itself raises IsADirectoryError on a
        # directory (which Linux lets os.open open), and devices must not be read at all.
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _fail(file, "is a directory, not a facts file")
        if not stat.S_ISREG(info.st_mode):
            raise _fail(file, "is not a regular file (a device, pipe or socket)")
        if info.st_size > MAX_BYTES:
            raise _fail(file, f"is larger than the {MAX_BYTES // 2**20} MiB limit")
    except OSError as exc:
        os.close(fd)
        raise _fail(file, f"cannot read: {exc.strerror}") from None
    except DataError:
        os.close(fd)
        raise
    return fd


def _missing(file: str) -> str:
    """Why ``file`` cannot be read, with a hint that fits where its name came from."""
    if file == os.environ.get(ENV_DATA):
        return f"no such file (named by {ENV_DATA}); check that variable"
    if file == str(packaged_facts()):
        return "no such file: the shipped facts are missing; reinstall kzafrica"
    return "no such file"  # a path the user typed (--data, validate PATH): they see it


def decode(file: str, data: bytes) -> str:
    """UTF-8 text (a leading BOM is dropped), or DataError at the first bad byte."""
    # Drop the BOM by hand: the utf-8-sig codec reports error offsets after the BOM.
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        line = body.count(b"\n", 0, exc.start) + 1
        # Count characters, as editors do, not bytes; the line up to the error is valid.
        column = len(body[line_start : exc.start].decode("utf-8")) + 1
        raise DataError(
            file,
            [Problem(f"not UTF-8 (byte 0x{body[exc.start]:02x}); save as UTF-8", line, column)],
        ) from None
    if re.search(_CONTENT, text) is None:  # nothing but blank lines and comments
        raise _fail(file, "is empty; a facts file needs at least `article` and `countries`")
    return text


def validate(file: str, data: bytes) -> Dataset:
    """Parse and validate ``data``; raise DataError listing every problem with its line."""
    from kzafrica.store import firstrun  # pydantic: only when validating

    # The fast path takes a valid file in the usual layout, decoding it a piece at a time;
    # anything else, and every file with a problem (not UTF-8, empty...), goes the reference
    # way, which says where each problem is.
    fast = firstrun.check(file, data)
    if fast is not None:
        return fast
    return _reference(file, data)


def _reference(file: str, data: bytes) -> Dataset:
    """:func:`validate` the reference way, which says where every problem is."""
    text = decode(file, data)
    from kzafrica.factfile import yamlsafe  # PyYAML: only on the reference path
    from kzafrica.factfile.validation import check  # pydantic: likewise

    try:
        raw = yamlsafe.load(text)
    except yamlsafe.YamlProblem as exc:
        raise DataError(file, [exc.problem]) from None
    return check(file, text, raw)


# -- opening the facts ------------------------------------------------------------------


def ask(path: str | None, use: Callable[[FactBase], T], notes: list[str] | None = None) -> T:
    """``use(facts)`` for the chosen facts file. If its store turns out damaged while
    ``use`` reads it, the store is set aside and ``use`` runs again on freshly validated
    facts: ``use`` must not have written anything before it returns."""
    notes = [] if notes is None else notes
    facts = open_facts(path, notes)
    try:
        return use(facts)
    except StoreCorrupt as exc:
        if not isinstance(facts, StoredFacts):  # pragma: no cover - memory cannot be damaged
            raise
        notes.append(f"ignored a damaged store ({exc}); validated the facts again")
        if facts.entry is not None:
            from kzafrica.store import cache  # only for a store found damaged

            cache.discard(facts.entry)
        return use(_validated(choose(path), notes, shipped_ok=False))


def open_facts(path: str | None, notes: list[str] | None = None) -> FactBase:
    """The chosen facts, from a valid store where there is one, else validated now."""
    return _validated(choose(path), [] if notes is None else notes, shipped_ok=True)


def load(path: str | None = None) -> Dataset:
    """Every record of the chosen facts as one Dataset (for a dump: the whole file)."""
    return ask(path, as_dataset)


def as_dataset(facts: FactBase) -> Dataset:
    """All of ``facts`` in the plain form validation gives."""
    data = {"articles": facts.articles, **{k: facts.records(k) for k in facts.collections}}
    return Dataset(data, facts.references, facts.kinds, facts.source)


def _validated(file: str, notes: list[str], *, shipped_ok: bool) -> FactBase:
    if shipped_ok and file == str(packaged_facts()):
        found = _shipped(file, notes)
        if found is not None:
            return found
    from kzafrica.store import cache  # not for the shipped facts: their store comes with them

    folder = cache.directory(notes)
    if folder is None:
        return FactBase(validate(file, read_bytes(file)))
    parts = cache.context(facts_file=file)  # once: read both times below
    name = cache.key(_chunks(file), parts)
    entry = cache.entry(folder, name)
    if entry is not None:
        try:
            return _open(entry, name, file, entry)
        except StoreCorrupt as exc:
            notes.append(f"ignored a damaged cache entry ({exc}); validating again")
            cache.discard(entry)
    data = read_bytes(file)
    name = cache.key(iter([data]), parts)  # the bytes validated now, should the file change
    from kzafrica.store import firstrun  # pydantic: only when validating

    # The fast path makes the store's rows as it validates (never the records as objects),
    # and the answer comes from the store, as on every later run.
    rows = firstrun.rows(file, data)
    if rows is not None:
        del data  # not held while the store is written: should that fail, it is read again
        try:
            written = cache.write(folder, name, lambda temp: _write(temp, rows, name))
            return _open(written, name, file, written)
        except (OSError, sqlite3.Error, StoreCorrupt) as exc:
            notes.append(f"could not write the cache: {exc}")
        del rows
        return FactBase(validate(file, read_bytes(file)))
    # Not for the fast path (another layout, or a problem): the reference way says where.
    dataset = _reference(file, data)
    del data
    try:
        cache.write(folder, name, lambda temp: _write(temp, dataset, name))
    except (OSError, sqlite3.Error) as exc:
        notes.append(f"could not write the cache: {exc}")
    return FactBase(dataset)


def _shipped(file: str, notes: list[str]) -> StoredFacts | None:
    """The prevalidated store of the shipped facts, if it was made from these bytes, this
    article and this code."""
    from kzafrica.store import shipped  # only for the shipped facts

    try:
        data = read_bytes(file)
    except DataError:
        return None
    wanted = shipped.key(data)
    try:
        return _open(shipped.store_path(), wanted, file, None)
    except OtherKey as exc:
        made = shipped.differences(exc.stored, wanted)
        notes.append(f"the shipped store was made from {made}; validating the facts")
    except StoreCorrupt as exc:
        notes.append(f"the shipped store cannot be used ({exc}); validating the facts")
    return None


def _open(path: Path, key: str, source: str, entry: Path | None) -> StoredFacts:
    try:
        info = os.lstat(path)
    except OSError:
        raise StoreCorrupt("missing") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreCorrupt("not a regular file")
    # Read-only and immutable: nothing is locked or written, not even a journal.
    where = str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    try:
        conn = sqlite3.connect(f"file:{where}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:  # unreadable to this user (mode 000), say: like damage
        raise StoreCorrupt(f"cannot open: {exc}") from None
    facts = StoredFacts(conn, key, source)
    facts.entry = entry
    return facts


def _write(file: str, facts: Dataset | Prepared, key: str) -> None:
    conn = sqlite3.connect(file)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # the file is renamed into place whole
        conn.execute("PRAGMA synchronous = OFF")
        with conn:
            sqlite_store.write(conn, facts, key)
    finally:
        conn.close()


def _fail(file: str, message: str) -> DataError:
    return DataError(file, [Problem(message)])
