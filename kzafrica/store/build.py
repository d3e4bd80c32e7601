"""Builds the shipped store, ``kzafrica/facts.db``, at development time.

    python -m kzafrica.store.build

Nothing on the runtime path imports this module; a test keeps facts.db in step with it.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from kzafrica.store import access, sqlite_store
from kzafrica.store.shipped import key, store_path


def build(target: Path) -> int:
    """Validate the packaged facts.yaml and write its store to ``target``; the record count."""
    facts = access.packaged_facts()
    data = facts.read_bytes()
    dataset = access.validate(str(facts), data)
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
    return sum(len(v) for k, v in dataset.facts.items() if k != "articles")


def main() -> None:
    """``python -m kzafrica.store.build``: make kzafrica/facts.db anew."""
    count = build(store_path())
    sys.stdout.write(f"wrote {store_path().name}: {count} records\n")


if __name__ == "__main__":
    main()
