"""Parse date values at a stated precision into the interval of days they can mean."""
from __future__ import annotations

import calendar
import datetime as dt
import re

PRECISIONS = ("day", "month", "season", "year", "range")

# Meteorological seasons of the northern hemisphere: first month and length in months.
SEASONS = {"spring": (3, 3), "summer": (6, 3), "autumn": (9, 3), "winter": (12, 3)}

_FORMS = {
    "day": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "YYYY-MM-DD"),
    "month": (re.compile(r"^\d{4}-\d{2}$"), "YYYY-MM"),
    "season": (re.compile(r"^\d{4}-(spring|summer|autumn|winter)$"), "YYYY-spring|summer|autumn|winter"),
    "year": (re.compile(r"^\d{4}$"), "YYYY"),
    # A range's ends may each be a day, a month or a year: "1991/2023-09" is 1991 to September 2023.
    "range": (re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?/\d{4}(-\d{2}(-\d{2})?)?$"),
              "START/END, each YYYY-MM-DD, YYYY-MM or YYYY"),
}
_END_PRECISION = {4: "year", 7: "month", 10: "day"}  # length of a range end -> its precision


class DateError(ValueError):
    """A date value that does not fit its precision or names no real day."""


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise DateError(f"{text!r} is not a real date ({exc})") from None


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def resolve(precision: str, value: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day that `value` can mean at `precision`."""
    if precision not in _FORMS:
        raise DateError(f"unknown precision {precision!r}; expected one of {', '.join(PRECISIONS)}")
    pattern, form = _FORMS[precision]
    if not isinstance(value, str) or not pattern.match(value):
        raise DateError(f"precision is {precision!r} but value {value!r} is not of the form {form}")
    if precision == "day":
        day = _day(value)
        return day, day
    if precision == "month":
        year, month = map(int, value.split("-"))
        if not 1 <= month <= 12:
            raise DateError(f"{value!r} is not a real month")
        return dt.date(year, month, 1), _month_end(year, month)
    if precision == "season":
        year_text, season = value.split("-")
        first_month, length = SEASONS[season]
        last_year, last_month = _add_months(int(year_text), first_month, length - 1)
        return dt.date(int(year_text), first_month, 1), _month_end(last_year, last_month)
    if precision == "year":
        year = int(value)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start_text, end_text = value.split("/")
    start = resolve(_END_PRECISION[len(start_text)], start_text)[0]
    end = resolve(_END_PRECISION[len(end_text)], end_text)[1]
    if end < start:
        raise DateError(f"range {value!r} ends before it starts")
    return start, end


def format_value(precision: str, value: str, approximate: tuple[str, ...] = ()) -> str:
    """Render an authored value at its own precision; a range's ends each at theirs, "about" where approximate."""
    if precision != "range":
        start, end = resolve(precision, value)
        text = format_date(precision, start, end)
        return f"about {text}" if approximate else text
    ends = value.split("/")
    if all(len(end) == 10 for end in ends) and not approximate:
        return format_date("range", *resolve("range", value))
    words = []
    for which, end_text in zip(("start", "end"), ends):
        precision_of_end = _END_PRECISION[len(end_text)]
        first, last = resolve(precision_of_end, end_text)
        text = format_date(precision_of_end, first, last)
        words.append(f"about {text}" if which in approximate else text)
    return " \u2013 ".join(words)


def format_date(precision: str, start: dt.date, end: dt.date) -> str:
    """Render a resolved date at its precision, e.g. '8 May 2024', 'March 2024', 'autumn 2020'."""
    if precision == "day":
        return f"{start.day} {start:%B %Y}"
    if precision == "month":
        return f"{start:%B %Y}"
    if precision == "season":
        season = next(name for name, (first, _) in SEASONS.items() if first == start.month)
        return f"{season} {start.year}"
    if precision == "year":
        return str(start.year)
    if start.year == end.year and start.month == end.month:
        return f"{start.day}\u2013{end.day} {start:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} \u2013 {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} \u2013 {end.day} {end:%B %Y}"
