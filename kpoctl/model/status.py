"""Status of a KPI/PI from its latest actual, as FORMAT.md defines it.

Shared by the rules (KP305, KP409) and the meeting report, so the two can
never disagree.
"""

from __future__ import annotations

from kpoctl.model import Actual, Indicator, Target
from kpoctl.model.direction import EQUAL, within

ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
NO_DATA = "no data"
STATUSES = (OFF_TRACK, AT_RISK, ON_TRACK, NO_DATA)  # as reports list them: worst first, nothing measured last


def latest(indicator: Indicator) -> Actual | None:
    """The most recent actual (actuals are written oldest first)."""
    return indicator.actuals[-1] if indicator.actuals else None


def judge(value: float, target: Target) -> str:
    """Status of one value against a target: on track when it reaches the target, at risk
    within the tolerance short of it (an equal target has no 'at risk': the tolerance is
    its on-track band)."""
    t, d, way = target.value, target.tolerance or 0.0, target.direction
    if way == EQUAL:
        return ON_TRACK if within(value, t, way, d) else OFF_TRACK
    return ON_TRACK if within(value, t, way) else AT_RISK if within(value, t, way, d) else OFF_TRACK


def met(value: float, target: Target) -> bool:
    """Whether a value meets the target itself (tolerance counted only for equal targets)."""
    return within(value, target.value, target.direction, (target.tolerance or 0.0) if target.direction == EQUAL else 0.0)


def worst(states: list[str]) -> str:
    """An objective's status from its indicators': the worst of them, where no data is worse
    than on track (what is not measured cannot be called on track)."""
    return min(states, key=_WORST_FIRST.index)


_WORST_FIRST = (OFF_TRACK, AT_RISK, NO_DATA, ON_TRACK)


def status(indicator: Indicator) -> str | None:
    """on track / at risk / off track / no data; None for context indicators and no target."""
    return status_of(indicator, latest(indicator))


def status_of(indicator: Indicator, actual: Actual | None) -> str | None:
    """`status` when the latest actual is already at hand."""
    if indicator.level == "context":
        return None
    if actual is None:
        return NO_DATA
    if indicator.target is None:
        return NO_DATA
    return judge(actual.value, indicator.target)
