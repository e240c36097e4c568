"""Status of a KPI/PI from its latest actual, as FORMAT.md defines it.

Shared by the rules (KP305, KP409) and the meeting report, so the two can
never disagree.
"""

from __future__ import annotations

from kpoctl.model import Actual, Indicator, Target

ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
NO_DATA = "no data"
STATUSES = (OFF_TRACK, AT_RISK, ON_TRACK, NO_DATA)


def latest(indicator: Indicator) -> Actual | None:
    """The most recent actual (actuals are written oldest first)."""
    return indicator.actuals[-1] if indicator.actuals else None


def judge(value: float, target: Target) -> str:
    """Status of one value against a target."""
    t, d = target.value, target.tolerance or 0.0
    if target.direction == "at_least":
        return ON_TRACK if value >= t else AT_RISK if value >= t - d else OFF_TRACK
    if target.direction == "at_most":
        return ON_TRACK if value <= t else AT_RISK if value <= t + d else OFF_TRACK
    return ON_TRACK if abs(value - t) <= d else OFF_TRACK


def met(value: float, target: Target) -> bool:
    """Whether a value meets the target itself (tolerance not counted)."""
    if target.direction == "at_least":
        return value >= target.value
    if target.direction == "at_most":
        return value <= target.value
    return abs(value - target.value) <= (target.tolerance or 0.0)


def status(indicator: Indicator) -> str | None:
    """on track / at risk / off track / no data; None for context indicators and no target."""
    if indicator.level == "context":
        return None
    actual = latest(indicator)
    if actual is None:
        return NO_DATA
    if indicator.target is None:
        return NO_DATA
    return judge(actual.value, indicator.target)
