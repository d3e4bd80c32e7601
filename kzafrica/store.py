"""Finding, reading and validating a facts file, with line-numbered errors and a cache.

The query path never needs pydantic or PyYAML once a file has validated: the validated
data is cached as JSON under the user's cache directory, keyed by the SHA-256 of the
file's bytes and of the model source, so a changed file or a changed model is validated
afresh and unvalidated data is never served. The cache is best-effort: a missing,
read-only or corrupt cache directory only means validating again.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, NamedTuple

from kzafrica import __version__
from kzafrica.errors import DataError, Problem

MAX_BYTES = 64 * 1024 * 1024
ENV_DATA = "KZAFRICA_DATA"
ENV_NO_CACHE = "KZAFRICA_NO_CACHE"
_PACKAGE_DIR = Path(__file__).parent
_CACHE_FORMAT = 1


class Dataset(NamedTuple):
    """Validated facts as plain JSON-ready data, plus what the model says about them."""

    facts: dict[str, Any]  # collection key -> list of records (dicts); "article" -> dict
    references: dict[str, dict[str, str]]  # collection key -> {field: kind referred to}
    kinds: dict[str, str]  # collection key -> record kind
    source: str  # the file, as the user named it


def packaged_facts() -> Path:
    """The facts.yaml shipped inside the package."""
    return _PACKAGE_DIR / "facts.yaml"


def packaged_article() -> str:
    """The shipped copy of the article."""
    return (_PACKAGE_DIR / "sources" / "article.txt").read_text(encoding="utf-8")


def choose(path: str | None) -> str:
    """The file to read: ``--data``, else ``$KZAFRICA_DATA``, else the shipped facts."""
    return path or os.environ.get(ENV_DATA) or str(packaged_facts())


def read_bytes(file: str) -> bytes:
    """Read a regular file of at most MAX_BYTES, or raise DataError saying why not."""
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
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(file, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise _fail(file, f"is larger than the {MAX_BYTES // 2**20} MiB limit")
    return data


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
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise _fail(file, "is empty; a facts file needs at least `article` and `countries`")
    return text


def load(path: str | None = None) -> Dataset:
    """Read, validate (or take from the cache) and return the chosen facts file."""
    file = choose(path)
    data = read_bytes(file)
    key = _cache_key(data)
    cached = _cache_read(key)
    if cached is not None:
        return Dataset(cached["facts"], cached["references"], cached["kinds"], file)
    dataset = validate(file, data)
    _cache_write(key, dataset)
    return dataset


def validate(file: str, data: bytes) -> Dataset:
    """Parse and validate ``data``; raise DataError listing every problem with its line."""
    from kzafrica import yamlsafe  # PyYAML and pydantic: only when validation runs
    from kzafrica.validation import check

    text = decode(file, data)
    try:
        raw = yamlsafe.load(text)
    except yamlsafe.YamlProblem as exc:
        raise DataError(file, [exc.problem]) from None
    return check(file, text, raw)


# -- cache -------------------------------------------------------------------------


def _cache_dir() -> Path | None:
    if os.environ.get(ENV_NO_CACHE):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG spec says to ignore relative paths
        home = os.environ.get("HOME")
        if not home:
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "kzafrica"


def _cache_key(data: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(__version__.encode())
    for module in ("models.py", "dates.py", "validation.py", "yamlsafe.py"):
        # A changed model or YAML reader must not serve data validated by the old one.
        digest.update((_PACKAGE_DIR / module).read_bytes())
    digest.update(data)
    return digest.hexdigest()


def _cache_read(key: str) -> dict[str, Any] | None:
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / f"{key}.json", encoding="utf-8") as handle:
            payload = json.load(handle)
    except (OSError, ValueError, RecursionError):  # a deeply nested file overflows json
        return None
    if (
        isinstance(payload, dict)
        and payload.get("format") == _CACHE_FORMAT
        and payload.get("key") == key
        and all(isinstance(payload.get(k), dict) for k in ("facts", "references", "kinds"))
    ):
        return payload
    return None


def _cache_write(key: str, dataset: Dataset) -> None:
    folder = _cache_dir()
    if folder is None:
        return
    payload = {
        "format": _CACHE_FORMAT,
        "key": key,
        "facts": dataset.facts,
        "references": dataset.references,
        "kinds": dataset.kinds,
    }
    temp = folder / f".{key}.{os.getpid()}.tmp"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the user's own, unshared
        _prune(folder)
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(temp, folder / f"{key}.json")  # atomic: readers never see half a file
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


def _prune(folder: Path, keep_days: float = 30.0) -> None:
    """Drop entries unused for a month, so edits to a file do not pile up copies."""
    cutoff = time.time() - keep_days * 86400
    for entry in folder.glob("*.json"):
        with contextlib.suppress(OSError):
            if entry.stat().st_atime < cutoff and entry.stat().st_mtime < cutoff:
                entry.unlink()


def _fail(file: str, message: str) -> DataError:
    return DataError(file, [Problem(message)])
