"""Where validated stores of ``--data`` files are kept, and the rules that make them safe.

An entry is named by a key over everything that can change the validated result: the
file's bytes and :func:`context` (the modules that validate and store, the shipped
articles and those in ``sources/`` beside the facts file, the installed versions of
pydantic, pydantic-core and PyYAML, and this Python's Unicode version), the rule the
shipped store's key follows too (:mod:`kzafrica.store.shipped`).
It is used only from a directory that is the user's own and not writable by anyone else,
and only if it is a regular file of the user's, no symlink, of sane size; anything else is
ignored and, where that is safe, removed. New entries are written to a file created
exclusively (never through a symlink) and renamed into place, so a reader never sees half
an entry and an interrupted write leaves nothing.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from kzafrica.factfile import articles, package_files
from kzafrica.store.environment import ENV_NO_CACHE

try:  # the builtin BLAKE2, as the store's digests: hashlib would also load OpenSSL
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - every CPython has _blake2; other Pythons may not
    from hashlib import blake2b

MAX_ENTRY_BYTES = 1024 * 1024 * 1024  # a store of the largest facts file is far smaller
_DEPENDENCIES = ("pydantic", "pydantic_core", "yaml")
_STORING_LAYERS = ("factfile", "store")  # the code whose changes can change a store


def directory(notes: list[str]) -> Path | None:
    """The cache directory, created private if missing; None where it must not be used.

    ``notes`` gets one line saying why the cache is not used, for ``--verbose``.
    """
    if not cache_wanted(notes):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG spec says to ignore relative paths
        home = os.environ.get("HOME") or ""
        if not os.path.isabs(home):  # a relative or missing HOME: never the current folder
            notes.append("no cache: HOME is not set to an absolute path")
            return None
        base = os.path.join(home, ".cache")
    folder = Path(base) / "kzafrica"
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, mode=0o700)
        info = os.lstat(folder)
    except OSError as exc:
        notes.append(f"no cache: cannot use {folder}: {exc.strerror}")
        return None
    if not stat.S_ISDIR(info.st_mode):
        notes.append(f"no cache: {folder} is not a directory")
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        notes.append(
            f"no cache: {folder} is not private (owned by another user, or group- or"
            " world-writable); validating without caching"
        )
        return None
    return folder


def cache_wanted(notes: list[str]) -> bool:
    """Whether ``$KZAFRICA_NO_CACHE`` leaves the cache on: unset, empty, 0, false or no
    leave it on; 1, true or yes turn it off; anything else turns it off too, and says so."""
    value = os.environ.get(ENV_NO_CACHE, "")
    word = value.strip().lower()
    if word in _CACHE_ON:
        return True
    if word in _CACHE_OFF:
        notes.append(f"no cache: {ENV_NO_CACHE}={value} turns it off")
    else:
        notes.append(
            f"no cache: {ENV_NO_CACHE}={value!r} is not one of 1, true, yes (cache off)"
            " or 0, false, no (cache on); taken as off"
        )
    return False


_CACHE_ON = frozenset({"", "0", "false", "no"})
_CACHE_OFF = frozenset({"1", "true", "yes"})


def key(data: Iterator[bytes], parts: dict[str, str] | None = None) -> str:
    """The entry name for a facts file whose bytes ``data`` yields, in chunks, under
    ``parts`` (default: :func:`context` now)."""
    import hashlib  # OpenSSL's SHA-256: the fastest on big files, needed only for --data

    parts = context() if parts is None else parts
    digest = hashlib.sha256(";".join(f"{k}={v}" for k, v in parts.items()).encode() + b"\0")
    for chunk in data:
        digest.update(chunk)
    return digest.hexdigest()


def context(libraries: bool = True, facts_file: str | None = None) -> dict[str, str]:
    """Everything besides a facts file's own bytes that can change what validating it
    gives, by part: a digest of the shipped articles, one of the code that validates and
    stores (the factfile and store layers: by the layer rule, which a test enforces, they
    import nothing above them), and the validating libraries' versions with this Python's
    Unicode version (the invisible-character rule follows it), unless ``libraries`` is
    False. About 35 small files are read: a third of a millisecond.
    """
    package, sources = package_files.PACKAGE_DIR, package_files.SOURCES
    article = blake2b(digest_size=20)
    for name in sorted(os.listdir(sources)):
        article.update(_named(name, (sources / name).read_bytes()))
    code = blake2b(digest_size=20)
    found = [str(package / "__init__.py")]  # the version
    for layer in _STORING_LAYERS:
        found += _modules(str(package / layer))
    for path in sorted(found):
        name = os.path.relpath(path, package).replace(os.sep, "/")
        with open(path, "rb") as handle:
            code.update(_named(name, handle.read()))
    parts = {"article": article.hexdigest(), "code": code.hexdigest()}
    beside = [folder for folder in articles.folders(facts_file) if folder != sources]
    if beside:  # a facts file's own articles (kzafrica.factfile.articles): any change counts
        parts["beside"] = _folder_digest(beside[0])
    if libraries:  # not for the shipped store (kzafrica.store.shipped says why)
        versions = [*_dependency_versions().split("\n"), f"unicode-{unicodedata.unidata_version}"]
        parts["libraries"] = ",".join(versions)
    return parts


def _folder_digest(folder: Path) -> str:
    """A digest of the article files in ``folder`` (names and bytes); "none" without it."""
    found = blake2b(digest_size=20)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return "none"
    for name in names:
        if name.endswith(".txt"):
            # Read as validation reads it: a named pipe is never waited on.
            data, why = articles.read_bytes(folder / name)
            found.update(_named(name, b"\0" + why.encode() if data is None else data))
    return found.hexdigest()


def _named(name: str, data: bytes) -> bytes:
    return len(name).to_bytes(4, "big") + name.encode() + len(data).to_bytes(8, "big") + data


def _modules(folder: str) -> Iterator[str]:
    """Every .py file under ``folder`` (os.scandir: a tenth of pathlib's rglob)."""
    with os.scandir(folder) as items:
        for item in items:
            if item.is_dir(follow_symlinks=False):
                if item.name != "__pycache__":
                    yield from _modules(item.path)
            elif item.name.endswith(".py"):
                yield item.path


def _dependency_versions() -> str:
    """The installed distributions of the validating libraries, by their dist-info names
    (``pydantic-2.14.4.dist-info``): reading them costs no import."""
    from importlib.util import find_spec  # already loaded by the interpreter's start-up

    found = []
    listed: dict[str, list[str]] = {}  # one listing per folder: usually all three share one
    for module in _DEPENDENCIES:
        spec = find_spec(module)
        where = os.path.dirname(os.path.dirname(spec.origin)) if spec and spec.origin else ""
        if where not in listed:
            try:
                listed[where] = os.listdir(where)
            except OSError:
                listed[where] = []
        lowered = module.lower().replace("yaml", "pyyaml")
        found += sorted(
            name
            for name in listed[where]
            if name.lower().startswith(lowered + "-") and name.endswith(".dist-info")
        )
    return "\n".join(found)


def entry(folder: Path, name: str) -> Path | None:
    """The entry file if it may be read: a regular file of the user's, of sane size.

    Anything else in its place is removed where that is safe (a file or a link, never a
    directory) and None returned, so that the facts are validated again.
    """
    path = _path(folder, name)
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if (
        stat.S_ISREG(info.st_mode)
        and info.st_uid == os.getuid()
        and 0 < info.st_size <= MAX_ENTRY_BYTES
    ):
        return path
    discard(path)
    return None


def discard(path: Path) -> None:
    """Remove a bad entry, unless it is a directory (whose contents are not ours to judge)."""
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)


def write(folder: Path, name: str, fill: Callable[[str], None]) -> Path:
    """Create an entry and return its path: ``fill`` writes the store at a fresh private
    path, which is then renamed into place. Failures leave no entry and no temporary file;
    an interruption (Ctrl-C) removes the temporary file and goes on interrupting."""
    from kzafrica.store import tempfiles  # only to write an entry

    _prune(folder)
    with tempfiles.temporary(folder, ".tmp-", ".db") as temp:  # O_EXCL, 0600
        fill(str(temp))
        path = _path(folder, name)
        os.replace(temp, path)
    return path


def _path(folder: Path, name: str) -> Path:
    return folder / f"{name}.db"


def _prune(folder: Path, keep_days: float = 30.0, temp_hours: float = 1.0) -> None:
    """Drop entries unused for a month (edits would pile up copies) and temporary files
    that a killed run left behind."""
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for item in entries:
            with contextlib.suppress(OSError):
                info = item.stat(follow_symlinks=False)
                if item.name.startswith(".tmp-"):
                    stale = info.st_mtime < now - temp_hours * 3600
                elif item.name.endswith((".db", ".json")):
                    stale = max(info.st_atime, info.st_mtime) < now - keep_days * 86400
                else:
                    continue
                if stale and not stat.S_ISDIR(info.st_mode):
                    os.unlink(item.path)
