"""The shipped facts, validated at development time: ``kzafrica/facts.db``.

A newcomer's first run reads this store and never imports pydantic or PyYAML. The store
records a key over the bytes of the facts.yaml it was made from; a facts.yaml that differs
(a maintainer's edit in an editable install) is validated instead, so the store can go
stale but never be believed. ``python -m kzafrica.store.build`` makes it anew at
development time (the runtime never imports the build); a test fails while it is out of
step with facts.yaml or with what validation gives.
"""

from __future__ import annotations

from pathlib import Path

from kzafrica import __version__
from kzafrica.factfile.package_files import PACKAGE_DIR
from kzafrica.store.sqlite_store import FORMAT, digest


def store_path() -> Path:
    """Where the shipped store is."""
    return PACKAGE_DIR / "facts.db"


def key(data: bytes) -> str:
    """The key of the store made from facts.yaml's ``data`` by this version of kzafrica."""
    return "shipped-" + digest(__version__, str(FORMAT), data.decode("utf-8", "surrogateescape"))
