"""ISO 8601 dates at the precision the article gives: ``2015``, ``2025-02``, ``2025-05-28``.

A small parser for exactly this subset (the ``edtf`` package is slow and mis-handles
several forms). A partial date stands for the span of days it covers, so ``2025-05``
is 2025-05-01 to 2025-05-31; filters compare spans, never points.
"""

from __future__ import annotations

import datetime as dt
import re

_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


class DateError(ValueError):
    """A string that is not a date of the accepted forms."""


def _days_in(year: int, month: int) -> int:
    # calendar.monthrange, without importing calendar on every run.
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def span(text: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day that ``text`` (YYYY, YYYY-MM or YYYY-MM-DD) covers."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        shown = text[:40] if text[:40].isprintable() else repr(text[:40])[1:-1]
        raise DateError(f"'{shown}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match[1])
    if year < 1:
        raise DateError(f"'{text}' is not a date: the year must be 0001 or later")
    if match[2] is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(match[2])
    if not 1 <= month <= 12:
        raise DateError(f"'{text}' is not a date: month {month:02d} does not exist")
    last = _days_in(year, month)
    if match[3] is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    day = int(match[3])
    if not 1 <= day <= last:
        raise DateError(f"'{text}' is not a date: {year:04d}-{month:02d} has no day {day:02d}")
    return dt.date(year, month, day), dt.date(year, month, day)


def record_span(date: str, end: str | None = None) -> tuple[dt.date, dt.date]:
    """The days a record covers: its ``date``, extended to the last day of ``end``."""
    first, last = span(date)
    if end is not None:
        last = span(end)[1]
    return first, last


def overlaps(date: str, end: str | None, since: dt.date | None, until: dt.date | None) -> bool:
    """True when the record's span shares at least one day with the window."""
    first, last = record_span(date, end)
    return (since is None or last >= since) and (until is None or first <= until)
