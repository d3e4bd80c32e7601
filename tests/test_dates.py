"""The date parser's month lengths agree with the standard library's calendar."""

from __future__ import annotations

import calendar

from hypothesis import given
from hypothesis import strategies as st

from kzafrica.factfile import dates


@given(year=st.integers(1, 9999), month=st.integers(1, 12))
def test_month_lengths_are_the_calendars(year: int, month: int) -> None:
    last = calendar.monthrange(year, month)[1]
    assert dates.span(f"{year:04d}-{month:02d}")[1].day == last
