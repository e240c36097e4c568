"""Periods (YYYY, YYYY-MM, YYYY-Qn, YYYY-Www, dates) and cadences as date ranges.

Staleness (KP403), trends and `record` all need "when does this period end"
and "what is N cadence periods later"; this is the one place that knows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools

CADENCE_DAYS = {"daily": 1, "weekly": 7, "biweekly": 14}
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


@functools.lru_cache(maxsize=4096)
def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period written as the model stores it (worked out once per
    period: the rules ask it of every actual)."""
    year = int(period[:4])
    rest = period[5:]
    if not rest:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if rest[0] == "Q":
        quarter = int(rest[1])
        first = dt.date(year, 3 * quarter - 2, 1)
        return first, _month_end(year, 3 * quarter)
    if rest[0] == "W":
        first = dt.date.fromisocalendar(year, int(rest[1:]), 1)
        try:
            return first, first + dt.timedelta(days=6)
        except OverflowError:  # the last ISO week of 9999 ends past the calendar
            return first, dt.date.max
    if len(rest) == 2:
        month = int(rest)
        return dt.date(year, month, 1), _month_end(year, month)
    day = dt.date.fromisoformat(period)
    return day, day


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=4096)
def add_periods(day: dt.date, cadence: str, count: int) -> dt.date:
    """`day` moved forward by `count` periods of `cadence`; the last day there is
    (9999-12-31) when that is past the calendar's end."""
    if cadence in CADENCE_DAYS:
        try:
            return day + dt.timedelta(days=CADENCE_DAYS[cadence] * count)
        except OverflowError:
            return dt.date.max
    months = CADENCE_MONTHS[cadence] * count
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def current_period(cadence: str | None, today: dt.date) -> str:
    """The period that `today` falls in, written for an indicator of this cadence."""
    if cadence in ("daily", None):
        return today.isoformat()
    if cadence in ("weekly", "biweekly"):
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    if cadence == "monthly":
        return f"{today.year}-{today.month:02d}"
    if cadence == "quarterly":
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return str(today.year)


@functools.lru_cache(maxsize=4096)
def sort_key(period: str) -> tuple[dt.date, dt.date]:
    """Order periods by when they end, then when they start (kpoctl.model.series asks it of
    every actual a file holds: a scorecard names the same few periods)."""
    first, last = period_bounds(period)
    return (last, first)
