"""The shipped facts, validated at development time: ``kzafrica/facts.db``.

A newcomer's first run reads this store and never imports pydantic or PyYAML. The store
records a key over the bytes of the facts.yaml it was made from; a facts.yaml that differs
(a maintainer's edit in an editable install) is validated instead, so the store can go
stale but never be believed. ``python -m kzafrica.shipped`` makes it anew; a test fails
while it is out of step with facts.yaml or with what validation gives.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from kzafrica import __version__
from kzafrica.sqlite_store import FORMAT, digest

_PACKAGE_DIR = Path(__file__).parent


def store_path() -> Path:
    """Where the shipped store is."""
    return _PACKAGE_DIR / "facts.db"


def key(data: bytes) -> str:
    """The key of the store made from facts.yaml's ``data`` by this version of kzafrica."""
    return "shipped-" + digest(__version__, str(FORMAT), data.decode("utf-8", "surrogateescape"))


def build(target: Path) -> int:
    """Validate the packaged facts.yaml and write its store to ``target``; the record count."""
    import tempfile

    from kzafrica import sqlite_store, store

    facts = store.packaged_facts()
    data = facts.read_bytes()
    dataset = store.validate(str(facts), data)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".db", dir=target.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(temp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            with conn:
                sqlite_store.write(conn, dataset, key(data))
            conn.execute("VACUUM")  # a compact file, the same for the same facts
        finally:
            conn.close()
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return sum(len(v) for k, v in dataset.facts.items() if k != "article")


def main() -> None:
    """``python -m kzafrica.shipped``: make kzafrica/facts.db anew."""
    count = build(store_path())
    sys.stdout.write(f"wrote {store_path().name}: {count} records\n")


if __name__ == "__main__":
    main()
