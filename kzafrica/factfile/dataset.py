"""Types shared by the loader, the store and the queries, so that none imports another
just for a type."""

from typing import Any, NamedTuple


class Dataset(NamedTuple):
    """Validated facts as plain JSON-ready data, plus what the model says about them."""

    facts: dict[str, Any]  # collection key -> list of records (dicts); "article" -> dict
    references: dict[str, dict[str, str]]  # collection key -> {field: kind referred to}
    kinds: dict[str, str]  # collection key -> record kind
    source: str  # the file, as the user named it
