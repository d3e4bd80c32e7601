"""Asking by source: an article named on the command line, and the records that cite it.
Pure functions over a fact base; no printing (the pairs that disagree are
FactBase.disagreements: the dump needs them too)."""

import difflib

from kzafrica.answers.query import printable
from kzafrica.factfile.errors import UsageError
from kzafrica.store.factbase import FactBase, Record


def article_id(facts: FactBase, given: str) -> str:
    """The id of the article ``given`` names (any case), or UsageError listing the ids."""
    wanted = given.strip().lower()
    ids = facts.article_ids()
    if wanted in ids:
        return wanted
    if len(ids) <= 10:
        hint = f"; choose from {', '.join(ids)}"
    else:
        close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        hint += f" (kzafrica articles lists all {len(ids)})"
    raise UsageError(f"unknown article {printable(given)}{hint}")


def citing(rows: list[Record], article: str) -> list[Record]:
    """The output records of ``rows`` that cite ``article`` (a list of articles: that one)."""

    def cites(row: Record) -> bool:
        if "sources" not in row:
            return bool(row.get("id") == article)
        return any(s["id"] == article for s in row["sources"])

    return [row for row in rows if cites(row)]
