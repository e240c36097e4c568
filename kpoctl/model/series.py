"""What makes a series of periods readable: actuals oldest first, one value per period.

The latest actual is the last one written (the status, the trend and staleness all take
it so); were the actuals out of time order, or a period given twice, which value is the
latest would be a guess. The checks raise pydantic errors that name the item found wrong
(`item` in their context: kpoctl.read.validate.error_loc puts the finding on its period).
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from pydantic_core import PydanticCustomError

from kpoctl.model.periods import sort_key


class _Dated(Protocol):
    period: str


Dated = TypeVar("Dated", bound=_Dated)


def oldest_first(actuals: list[Dated]) -> list[Dated]:
    """The actuals as they are, when each is for a later period than the one before it."""
    if len(actuals) < 2:
        return actuals
    periods = [actual.period for actual in actuals]
    order = [sort_key(period) for period in periods]  # when each ends, then starts: any two periods compare
    for item in range(1, len(order)):
        if order[item] <= order[item - 1]:
            if periods[item] in periods[:item]:
                raise PydanticCustomError(
                    "period_repeated", "period {period} is recorded twice in actuals: keep one value per period",
                    {"item": item, "period": periods[item]})
            raise PydanticCustomError(
                "period_order", "actuals are written oldest first: {period} comes after {before}",
                {"item": item, "period": periods[item], "before": periods[item - 1]})
    return actuals


def one_per_period(targets: list[Dated]) -> list[Dated]:
    """Interim targets in any order, but one per period: two would leave it to chance which
    is in force."""
    seen: set[str] = set()
    for item, target in enumerate(targets):
        if target.period in seen:
            raise PydanticCustomError(
                "period_repeated", "period {period} has two interim targets: keep one per period",
                {"item": item, "period": target.period})
        seen.add(target.period)
    return targets

