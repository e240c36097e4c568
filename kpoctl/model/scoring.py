"""OKR scoring: how far a key result went from where it started to its target, 0.0 to 1.0.

Under the okr profile the report shows each key result's score with its zone, as OKR
practice reads it: 0.7 and above is delivered (a stretch objective is expected to land
near 0.7, not at 1.0), 0.3 to 0.7 is progress that fell short, under 0.3 is a miss.
The start is the indicator's `baseline`, else its first actual.
"""

from __future__ import annotations

from kpoctl.model import Indicator
from kpoctl.model.direction import AT_MOST, EQUAL, within

ZONES = ((1.0, "delivered in full: a stretch lands near 0.7"), (0.7, "delivered"), (0.3, "progress"), (0.0, "missed"))


def okr_score(indicator: Indicator) -> float | None:
    """The latest actual's progress from the start to the target, clamped to 0.0-1.0; None
    without a target or an actual, or for an `equal` target (no way is forward)."""
    target = indicator.target
    if target is None or not indicator.actuals or target.direction == EQUAL:
        return None
    start = indicator.baseline.value if indicator.baseline is not None else indicator.actuals[0].value
    latest = indicator.actuals[-1].value
    lower = target.direction == AT_MOST
    span = start - target.value if lower else target.value - start
    gone = start - latest if lower else latest - start
    if span <= 0:  # already at or past the target when it started: scored on whether it still is
        return 1.0 if within(latest, target.value, target.direction) else 0.0
    return round(min(1.0, max(0.0, gone / span)), 2)


def zone(score: float) -> str:
    return next(name for floor, name in ZONES if score >= floor)
