"""What several test modules share besides helpers.py: the environment a real kzafrica
process runs in, and the Hypothesis budgets (the profiles are in conftest.py)."""

from __future__ import annotations

from hypothesis import settings

# Settings of the developer's own terminal that must not leak into a real process.
CLEARED = (
    "COLUMNS",
    "LINES",
    "FORCE_COLOR",
    "NO_COLOR",
    "TERM",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONIOENCODING",
    "PYTHONUNBUFFERED",
    "PYTHONUTF8",
    "PYTHONPROFILEIMPORTTIME",
    "KZAFRICA_DATA",
)

FULL = 100  # max_examples of the "full" profile: every test runs its whole budget


def examples(budget: int) -> int:
    """A property's number of examples: its whole ``budget`` under the "full" profile, the
    same share of it as the loaded profile's max_examples is of FULL otherwise (at least 5)."""
    return max(5, budget * settings().max_examples // FULL)
