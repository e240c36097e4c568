"""Which way is better for a target: the one place that knows what at_least, at_most and
equal mean. Status, roll-up, the SMART rules, the report's trend arrows and diff's
"target lowered" and KP501 all ask here."""

from __future__ import annotations

AT_LEAST, AT_MOST, EQUAL = "at_least", "at_most", "equal"

SIGN = {AT_LEAST: "≥", AT_MOST: "≤", EQUAL: "="}  # for people (reports)
ASCII_SIGN = {AT_LEAST: ">=", AT_MOST: "<=", EQUAL: "="}  # for plain text that must stay ASCII (diff)
MISSED = {AT_LEAST: "short of", AT_MOST: "above", EQUAL: "not equal to"}  # "90.25%, short of the 95% target"


def within(value: float, target: float, direction: str, slack: float = 0.0) -> bool:
    """Whether `value` reaches `target` in its direction, allowing `slack` the wrong way
    (for equal: at most `slack` away on either side)."""
    if direction == AT_LEAST:
        return value >= target - slack
    if direction == AT_MOST:
        return value <= target + slack
    return abs(value - target) <= slack


def improved(before: float, after: float, direction: str | None) -> bool | None:
    """Whether a move from `before` to `after` went the better way; None when it did not
    move or the direction cannot tell (equal, or no target)."""
    if direction not in (AT_LEAST, AT_MOST):
        return None
    if after > before:
        return direction == AT_LEAST
    if after < before:
        return direction == AT_MOST
    return None


def easier(before: float, after: float, direction: str) -> bool:
    """Whether a target moved from `before` to `after` asks less: a lower floor or a higher ceiling."""
    if direction == AT_LEAST:
        return after < before
    if direction == AT_MOST:
        return after > before
    return False


def eased(before: float, before_tolerance: float | None, after: float, after_tolerance: float | None,
          direction: str) -> str | None:
    """How a target of one direction moved to ask less: "value" (a lower floor or a higher
    ceiling), "tolerance" (a wider band around the same value), or None. diff's lowered
    targets and KP501 both ask here, so the two never disagree on what is easier."""
    if easier(before, after, direction):
        return "value"
    if after == before and (after_tolerance or 0) > (before_tolerance or 0):
        return "tolerance"
    return None
