"""Date values resolve to the interval of days they can mean, at their precision."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from lessons.dates import DateError, format_date, format_value, resolve

D = dt.date


@pytest.mark.parametrize("precision, value, start, end, label", [
    ("day", "2024-05-08", D(2024, 5, 8), D(2024, 5, 8), "8 May 2024"),
    ("month", "2024-02", D(2024, 2, 1), D(2024, 2, 29), "February 2024"),
    ("season", "2020-autumn", D(2020, 9, 1), D(2020, 11, 30), "autumn 2020"),
    ("season", "2023-winter", D(2023, 12, 1), D(2024, 2, 29), "winter 2023"),
    ("year", "2020", D(2020, 1, 1), D(2020, 12, 31), "2020"),
    ("range", "2023-09-19/2023-09-20", D(2023, 9, 19), D(2023, 9, 20), "19\u201320 September 2023"),
    ("range", "2020-09-27/2020-11-10", D(2020, 9, 27), D(2020, 11, 10), "27 September \u2013 10 November 2020"),
])
def test_resolve_and_format(precision, value, start, end, label):
    assert resolve(precision, value) == (start, end)
    assert format_date(precision, start, end) == label
    assert format_value(precision, value) == label


@pytest.mark.parametrize("value, approximate, start, end, label", [
    # A range's ends keep their own precision, so a rough period is not shown as exact days.
    ("1991/2023-09", ("start",), D(1991, 1, 1), D(2023, 9, 30), "about 1991 \u2013 September 2023"),
    ("1991/2023-09", (), D(1991, 1, 1), D(2023, 9, 30), "1991 \u2013 September 2023"),
    ("2024-04-10/2024-05-09", ("start", "end"), D(2024, 4, 10), D(2024, 5, 9),
     "about 10 April 2024 \u2013 about 9 May 2024"),
    ("2024-04/2024-06-12", ("end",), D(2024, 4, 1), D(2024, 6, 12), "April 2024 \u2013 about 12 June 2024"),
])
def test_range_ends_keep_their_precision(value, approximate, start, end, label):
    assert resolve("range", value) == (start, end)
    assert format_value("range", value, approximate) == label


@pytest.mark.parametrize("precision, value, message", [
    ("day", "2024-02-30", "'2024-02-30' is not a real date (day is out of range for month)"),
    ("month", "2024-13", "'2024-13' is not a real month"),
    ("day", "May 8", "precision is 'day' but value 'May 8' is not of the form YYYY-MM-DD"),
    ("season", "2020-fall", "precision is 'season' but value '2020-fall' is not of the form "
                            "YYYY-spring|summer|autumn|winter"),
    ("range", "2024-05-09/2024-05-08", "range '2024-05-09/2024-05-08' ends before it starts"),
    ("range", "2024-05/2023", "range '2024-05/2023' ends before it starts"),
    ("range", "2024-05-08/May 9", "precision is 'range' but value '2024-05-08/May 9' is not of the form "
                                  "START/END, each YYYY-MM-DD, YYYY-MM or YYYY"),
    ("range", "2024-13/2024-14", "'2024-13' is not a real month"),
    ("week", "2024-W19", "unknown precision 'week'; expected one of day, month, season, year, range"),
])
def test_bad_dates_are_explained(precision, value, message):
    with pytest.raises(DateError) as caught:
        resolve(precision, value)
    assert str(caught.value) == message


@given(st.sampled_from(["day", "month", "season", "year", "range", "decade"]), st.text(max_size=30))
def test_resolve_never_fails_with_anything_but_a_date_error(precision, value):
    try:
        start, end = resolve(precision, value)
    except DateError:
        return
    assert start <= end
