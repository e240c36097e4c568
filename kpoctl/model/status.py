"""Status of a KPI/PI from its latest actual, as FORMAT.md defines it.

Shared by the rules (KP305, KP409) and the meeting report, so the two can
never disagree.
"""

from __future__ import annotations

import datetime as dt

from kpoctl.model import Actual, Indicator, Target
from kpoctl.model.direction import EQUAL, within
from kpoctl.model.periods import period_bounds

ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
NO_TARGET = "no target"  # measured, but with nothing to judge the value against
NO_DATA = "no data"
STATUSES = (OFF_TRACK, AT_RISK, ON_TRACK, NO_TARGET, NO_DATA)  # as reports list them: worst first, unknown last


EXPLAINED = """\
An indicator's status comes from its latest actual, judged against the target in force for
that actual's period (`kpoctl report`, the briefing book, `tree`, KP409 and KP305 all use it).

on track: the value reaches the target in its direction (at_least: at or above it; at_most:
at or below it; equal: within the tolerance of it).

at risk: it misses the target by no more than `tolerance` (an equal target has no at risk).

off track: it misses the target by more than that.

no target: the indicator is measured but has no target to judge the value against.

no data: it has no actual yet. Context indicators have no status: context is not performance.

The target in force for a period is the latest interim target (`targets: [{period, value}]`)
whose period has ended by the end of that period; else, with a `baseline: {period, value}`,
the point on the straight line from the baseline to the final `target` at the measured
objective's `due`; else the final `target` itself. Direction and tolerance are always those
of `target`. So an early quarter is judged against where the indicator should be by then,
not against the end-of-year goal.

An objective in the cascade tree takes the worst status of its indicators, where no data
counts as worse than on track: what is not measured cannot be called on track.
"""


def latest(indicator: Indicator) -> Actual | None:
    """The most recent actual (actuals are written oldest first)."""
    return indicator.actuals[-1] if indicator.actuals else None


def judge(value: float, target: Target) -> str:
    """Status of one value against a target: on track when it reaches the target, at risk
    within the tolerance short of it (an equal target has no 'at risk': the tolerance is
    its on-track band)."""
    return judge_against(value, target.value, target.direction, target.tolerance)


def judge_against(value: float, t: float, way: str, tolerance: float | None) -> str:
    """`judge` for a target given by its parts (the chart's points, each with the target in
    force for its period)."""
    d = tolerance or 0.0
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


_WORST_FIRST = (OFF_TRACK, AT_RISK, NO_DATA, NO_TARGET, ON_TRACK)


def status(indicator: Indicator, due: dt.date | None = None) -> str | None:
    """on track / at risk / off track against the target in force for the latest actual's
    period; no target when there is none; no data without actuals; None for context
    indicators. `due`: the measured objective's, for a baseline's straight line."""
    return status_of(indicator, latest(indicator), due)


def status_of(indicator: Indicator, actual: Actual | None, due: dt.date | None = None) -> str | None:
    """`status` when the latest actual is already at hand."""
    if indicator.level == "context":
        return None
    if actual is None:
        return NO_DATA
    target = target_in_force(indicator, actual.period, due)
    if target is None:
        return NO_TARGET
    return judge(actual.value, target)


def target_in_force(indicator: Indicator, period: str, due: dt.date | None = None) -> Target | None:
    """The target a value of `period` is judged against: the latest interim target
    (`targets`) whose period ended by the end of `period`; else, with a `baseline` and the
    objective's `due`, the point on the straight line from the baseline to `target` at
    `due`; else `target` itself. Direction and tolerance are always `target`'s."""
    target = indicator.target
    if target is None or (not indicator.targets and indicator.baseline is None):
        return target
    end = period_bounds(period)[1]
    interim = [(period_bounds(t.period)[1], i, t.value) for i, t in enumerate(indicator.targets)]
    reached = [item for item in interim if item[0] <= end]
    if reached:
        return target.model_copy(update={"value": max(reached)[2]})
    base = indicator.baseline
    if base is None or due is None:
        return target
    start = period_bounds(base.period)[1]
    if end <= start:
        value = base.value
    elif end >= due:
        value = target.value
    else:
        value = base.value + (target.value - base.value) * (end - start).days / (due - start).days
    return target.model_copy(update={"value": value})
