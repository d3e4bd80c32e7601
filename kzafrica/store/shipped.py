"""The shipped facts, validated at development time: ``kzafrica/facts.db``.

A newcomer's first run reads this store and never imports pydantic or PyYAML. The store
records a key over what can change the store made from the shipped facts, by the rule the
cache follows (:func:`kzafrica.store.cache.context`): the bytes of facts.yaml, the shipped
articles and the code that validates and stores. Anything that differs (a maintainer's
edit in an editable install) has the facts validated instead, so the store can go stale
but never be believed; ``--verbose`` says which part differs.

Unlike a cache entry's, the key leaves out the versions of pydantic, PyYAML and Unicode:
the shipped facts are validated when the store is built, and a store that only an install
of exactly the builder's libraries could use would send almost every first run after
install through validation. That today's libraries still validate the shipped facts to
the same store is what the test keeping facts.db in step checks, on every Python CI runs.
``python -m kzafrica.store.build`` makes the store anew at development time (the runtime
never imports the build).
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
}


def store_path() -> Path:
    """Where the shipped store is."""
    return PACKAGE_DIR / "facts.db"


def key(data: bytes) -> str:
    """The key of the store made from facts.yaml's ``data`` with the installed article and
    code: each part named, so that a mismatch can say which part differs."""
    facts = digest(data.decode("utf-8", "surrogateescape"))
    parts = {"version": f"{__version__}/{FORMAT}", "facts": facts, **cache.context(False)}
    return "shipped;" + ";".join(f"{name}={parts[name]}" for name in PARTS)


def differences(stored: str, wanted: str) -> str:
    """What a store keyed ``stored`` was made from, where ``wanted`` is the key needed."""

    def parts(text: str) -> dict[str, str]:
        return dict(p.partition("=")[::2] for p in text.split(";")[1:])

    theirs, ours = parts(stored), parts(wanted)
    found = [told for name, told in PARTS.items() if theirs.get(name) != ours.get(name)]
    return ", ".join(found) or "another key"
