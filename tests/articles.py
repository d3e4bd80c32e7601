"""A fact base of two articles for the tests: the shipped one and a fictional second one.

The second article, ``tests/data/sources/fictional-2025-07-15.txt``, is fictional test text
(its first line says so); ``tests/data/fictional.yaml`` holds its entry in ``articles`` and
its records. It reports Kagame's 2025 visit again and mentions Rwanda and Kazakhstan again
(those records cite both articles), adds a planned visit and an agreement, and gives another
figure for trade in 2024 (``trade-2024-fictional``, which disagrees with ``trade-2024``).

:func:`two_articles` merges the two, the shipped article first, into a folder of its own:
nothing under ``tests/`` is shipped or installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from kzafrica.factfile import articles

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHIPPED = ROOT / "facts.yaml"
FICTIONAL = DATA / "fictional.yaml"
FICTIONAL_ID = "fictional-2025-07-15"
FICTIONAL_SOURCE = DATA / "sources" / f"{FICTIONAL_ID}.txt"


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a repeated object out in full: the project's loader takes no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def merged() -> dict[str, Any]:
    """The shipped facts with the fictional article's entry and records merged in.

    Articles are concatenated, the shipped one first. A fictional record whose id is
    already in the shipped facts gets its evidence appended to that record's (and, where
    the shipped record gives ``occurrences``, a 1 for each excerpt appended); any other
    record is appended to its collection.
    """
    shipped: dict[str, Any] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    fictional: dict[str, Any] = yaml.safe_load(FICTIONAL.read_text(encoding="utf-8"))
    facts: dict[str, Any] = {"articles": articles.listed(shipped) + articles.listed(fictional)}
    facts |= {key: value for key, value in shipped.items() if key not in ("article", "articles")}
    by_id = {
        record["id"]: record
        for key, collection in facts.items()
        if key != "articles"
        for record in collection
    }
    for key, collection in fictional.items():
        if key == "articles":
            continue
        for record in collection:
            known = by_id.get(record["id"])
            if known is None:
                facts.setdefault(key, []).append(record)
                by_id[record["id"]] = record
                continue
            if known.get("occurrences"):
                known["occurrences"] += [1] * len(record["evidence"])
            known["evidence"] += record["evidence"]
    return facts


def two_articles(directory: Path) -> Path:
    """Write the two-article fact base into ``directory``: ``facts.yaml`` and, beside it,
    ``sources/`` with the fictional article's text (the shipped article is found in
    ``kzafrica/sources/``). Return the path of ``facts.yaml``."""
    sources = directory / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FICTIONAL_SOURCE, sources / FICTIONAL_SOURCE.name)
    path = directory / "facts.yaml"
    text = yaml.dump(
        merged(), Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=4096
    )
    path.write_text(text, encoding="utf-8")
    return path
