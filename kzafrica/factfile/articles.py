"""The articles a facts file cites: their list, where their texts are, and the checks that
span articles and records.

A facts file lists its articles under ``articles`` (or, written before files held several,
one under ``article``, read as a list of one whose id is its source's name without
``.txt``). A record's plain excerpt is the first article's; ``{article, excerpt}`` names
another. An article's text is the file ``source`` in the folder ``sources/`` beside the
facts file, else the shipped copy in ``kzafrica/sources/``: so a maintainer's own facts
file can bring its own articles, and the shipped facts file finds the shipped ones.

No heavy imports: the query path reads article texts through this module.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from kzafrica.factfile.errors import Loc
from kzafrica.factfile.package_files import SOURCES

# A plain file name of a sources folder: no folders, no hidden files.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# The order of an article's keys in validated data.
_ORDER = ("id", "title", "date", "dateline", "source", "evidence")


def listed(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The articles of validated (JSON-ready) ``data``, id first, as a list however the
    file wrote them."""
    found = data.get("articles") or []
    if not found and isinstance(data.get("article"), dict):
        one = dict(data["article"])
        found = [{"id": stem(str(one.get("source", ""))), **one}]
    return [_ordered(article) for article in found]


def stem(source: str) -> str:
    """The id of the one article of an old-style file: its source file's name without
    ``.txt`` ("article.txt" -> "article")."""
    return source[: -len(".txt")] if source.endswith(".txt") else source


def _ordered(article: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: article[key] for key in _ORDER if key in article}
    return out | {key: value for key, value in article.items() if key not in out}


# -- their texts -------------------------------------------------------------------------


def folders(facts_file: str | None) -> list[Path]:
    """Where the texts of a facts file's articles are looked for, in order: ``sources/``
    beside it, then the shipped ones."""
    if not facts_file:
        return [SOURCES]
    beside = Path(facts_file).parent / "sources"
    try:
        same = beside.resolve() == SOURCES.resolve()
    except (OSError, RuntimeError):
        same = False
    return [SOURCES] if same else [beside, SOURCES]


def text(source: object, facts_file: str | None) -> str | None:
    """The text of the article file ``source`` of ``facts_file``, or None when there is none."""
    return found(source, facts_file)[0]


def found(source: object, facts_file: str | None) -> tuple[str | None, str]:
    """The text of the article file ``source`` of ``facts_file``, and "" ; or None and why
    not: "missing" where no folder has it, else what is wrong with the first that has it
    (a file of the facts file's own is never passed over for a shipped one)."""
    if not isinstance(source, str) or not _PLAIN_NAME.fullmatch(source):
        return None, MISSING
    for folder in folders(facts_file):
        data, why = read_bytes(folder / source)
        if why == MISSING:
            continue
        if data is None:
            return None, why
        try:
            return data.decode("utf-8"), ""
        except UnicodeDecodeError:
            return None, "is not UTF-8 text"
    return None, MISSING


MISSING = "missing"
MAX_BYTES = 64 * 1024 * 1024  # as for a facts file (kzafrica.store.access)


def read_bytes(path: Path) -> tuple[bytes | None, str]:
    """The bytes of the article file ``path``, and ""; or None and why not. Read as a facts
    file is: only a regular file (a named pipe or a device would be waited on for ever),
    of at most MAX_BYTES counted as they are read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None, MISSING
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        return None, f"cannot be opened ({getattr(exc, 'strerror', None) or exc})"
    chunks: list[bytes] = []
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, "is not a regular file (a directory, device or named pipe)"
        total = 0
        while block := os.read(fd, 1 << 20):
            total += len(block)
            if total > MAX_BYTES:
                return None, f"is larger than the {MAX_BYTES // 2**20} MiB limit"
            chunks.append(block)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    finally:
        os.close(fd)
    return b"".join(chunks), ""


def available(facts_file: str | None) -> list[str]:
    """The names of the article files a facts file can name."""
    names: set[str] = set()
    for folder in folders(facts_file):
        try:
            names.update(path.name for path in folder.glob("*.txt"))
        except OSError:
            continue
    return sorted(names)


# -- checks across articles and records ---------------------------------------------------


def problems(
    articles: object, key: str, records: Iterable[tuple[str, int, Mapping[str, Any]]]
) -> list[tuple[Loc, str]]:
    """What is wrong between the articles (``articles``, listed under top-level ``key``)
    and ``records`` (collection key, index, fields; validated or raw): an article id given
    twice, an excerpt naming no listed article, a `disagrees_with` naming no record, a
    record of another kind, or the record itself."""
    out: list[tuple[Loc, str]] = []
    ids: list[str] = []
    if key == "article":
        if isinstance(articles, Mapping):
            ids = [stem(str(articles.get("source", "")))]
    elif isinstance(articles, list):
        for index, article in enumerate(articles):
            article_id = article.get("id") if isinstance(article, Mapping) else None
            if not isinstance(article_id, str):
                continue
            if article_id in ids:
                out.append(((key, index, "id"), f"article id {article_id!r} is given twice"))
            ids.append(article_id)
    kinds: dict[str, str] = {}
    listed_records = list(records)
    for collection, _, record in listed_records:
        if isinstance(record.get("id"), str):
            kinds.setdefault(record["id"], collection)
    for collection, index, record in listed_records:
        out += _cited_problems(record, (collection, index), ids)
        out += _disagreement_problems(record, (collection, index), collection, kinds)
    return out


def _cited_problems(
    record: Mapping[str, Any], at: Loc, ids: list[str]
) -> Iterator[tuple[Loc, str]]:
    evidence = record.get("evidence")
    if not ids or not isinstance(evidence, list):
        return
    for position, item in enumerate(evidence):
        article = cited_article(item)
        if article is not None and article not in ids:
            yield (
                (*at, "evidence", position, "article"),
                f"no article {article!r} is listed; choose from {', '.join(ids)}",
            )


def _disagreement_problems(
    record: Mapping[str, Any], at: Loc, collection: str, kinds: Mapping[str, str]
) -> Iterator[tuple[Loc, str]]:
    others = record.get("disagrees_with")
    if not isinstance(others, list):
        return
    for position, other in enumerate(others):
        where = (*at, "disagrees_with", position)
        if not isinstance(other, str):
            continue
        if other == record.get("id"):
            yield where, "a record cannot disagree with itself"
        elif other not in kinds:
            yield where, f"no record has the id {other!r}"
        elif kinds[other] != collection:
            yield where, f"{other!r} is one of the {kinds[other]}, not of the {collection}"


def cited_article(item: object) -> str | None:
    """The article an ``{article, excerpt}`` evidence item names (raw, dumped or a model);
    None for a plain excerpt."""
    found = item.get("article") if isinstance(item, Mapping) else getattr(item, "article", None)
    return found if isinstance(found, str) else None


def words(item: object) -> object:
    """The words of an evidence item: the string itself, or its ``excerpt``."""
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        return item.get("excerpt")
    return getattr(item, "excerpt", None)


def symmetric(collections: Mapping[str, list[dict[str, Any]]]) -> None:
    """Make every validated record's ``disagrees_with`` name each record that names it
    (A disagrees with B: B disagrees with A), in file order."""
    named: dict[str, set[str]] = {}
    order: dict[str, int] = {}
    for records in collections.values():
        for record in records:
            order[record["id"]] = len(order)
            for other in record.get("disagrees_with", []):
                named.setdefault(record["id"], set()).add(other)
                named.setdefault(other, set()).add(record["id"])
    if not named:
        return
    for records in collections.values():
        for record in records:
            found = named.get(record["id"])
            if found:
                record["disagrees_with"] = sorted(found, key=order.__getitem__)
