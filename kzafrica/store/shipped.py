"""The shipped facts, validated at development time: ``kzafrica/facts.db``.

A newcomer's first run reads this store and never imports pydantic or PyYAML. The store
records a key over everything that can change what validation gives, by the rule the cache
follows (:func:`kzafrica.store.cache.context`): the bytes of facts.yaml, the shipped
articles, every module of kzafrica, and the validating libraries' and Unicode's versions.
Anything that differs (a maintainer's edit in an editable install, or an install with other
libraries) has the facts validated instead, so the store can go stale but never be
believed; ``--verbose`` says which part differs. ``python -m kzafrica.store.build`` makes it
anew at development time (the runtime never imports the build); a test fails while it is
out of step with facts.yaml or with what validation gives.
"""

from __future__ import annotations

from pathlib import Path

from kzafrica import __version__
from kzafrica.factfile.package_files import PACKAGE_DIR
from kzafrica.store import cache
from kzafrica.store.sqlite_store import FORMAT, digest

# What each part of the key stands for, to say which one differs.
PARTS = {
    "version": "another version of kzafrica or of the store's format",
    "facts": "another facts.yaml",
    "article": "another article",
    "code": "other code of kzafrica",
    "libraries": "other versions of pydantic, pydantic-core, PyYAML or Unicode",
}


def store_path() -> Path:
    """Where the shipped store is."""
    return PACKAGE_DIR / "facts.db"


def key(data: bytes) -> str:
    """The key of the store made from facts.yaml's ``data`` with the installed article,
    code and libraries: each part named, so that a mismatch can say which part differs."""
    facts = digest(data.decode("utf-8", "surrogateescape"))
    parts = {"version": f"{__version__}/{FORMAT}", "facts": facts, **cache.context()}
    return "shipped;" + ";".join(f"{name}={parts[name]}" for name in PARTS)


def differences(stored: str, wanted: str) -> str:
    """What a store keyed ``stored`` was made from, where ``wanted`` is the key needed."""

    def parts(text: str) -> dict[str, str]:
        return dict(p.partition("=")[::2] for p in text.split(";")[1:])

    theirs, ours = parts(stored), parts(wanted)
    found = [told for name, told in PARTS.items() if theirs.get(name) != ours.get(name)]
    return ", ".join(found) or "another key"
