"""Roll-up of breakdown targets (KP407): do the parts add up to the whole?

For each breakdown dimension (`by`) of a KPO, the targets of the PIs measuring
its breakdown POs are combined with the KPI's `rollup` method and compared with
the KPI's own target. `product` reads a `%` value as a fraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kpoctl.model import Indicator
from kpoctl.model.direction import EQUAL, within

SYMBOL = {"sum": " + ", "product": " x ", "min": ", ", "max": ", ", "mean": ", ", "weighted_mean": ", "}


@dataclass(frozen=True)
class Part:
    value: float
    weight: float | None


@dataclass(frozen=True)
class Rollup:
    dimension: str
    method: str
    parts: tuple[Part, ...]
    combined: float
    unit: str | None

    def arithmetic(self) -> str:
        """"95% x 95% = 90.25%": the calculation as a reader can check it."""
        values = [fmt(p.value, self.unit) for p in self.parts]
        if self.method in ("sum", "product"):
            expression = SYMBOL[self.method].join(values)
        elif self.method == "weighted_mean":
            weights = [p.weight for p in self.parts]
            expression = "weighted mean of " + ", ".join(f"{v} (weight {w:g})" for v, w in zip(values, weights))
        else:
            expression = f"{self.method} of " + ", ".join(values)
        return f"{expression} = {fmt(self.combined, self.unit)}"


def fmt(value: float, unit: str | None) -> str:
    text = f"{round(value, 6):g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def method_for(indicator: Indicator, dimension: str) -> str | None:
    rollup = indicator.rollup
    if rollup is None:
        return None
    if isinstance(rollup, str):
        return rollup
    return rollup.get(dimension)


def combine(method: str, parts: list[Part], unit: str | None) -> float:
    values = [p.value for p in parts]
    if method == "sum":
        return math.fsum(values)
    if method == "mean":
        return math.fsum(values) / len(values)
    if method == "min":
        return min(values)
    if method == "max":
        return max(values)
    if method == "weighted_mean":
        weights = [p.weight for p in parts]
        if any(w is None for w in weights) or not math.fsum(weights):  # type: ignore[arg-type]
            return math.fsum(values) / len(values)
        return math.fsum(v * w for v, w in zip(values, weights)) / math.fsum(weights)  # type: ignore[misc]
    scale = 100.0 if unit == "%" else 1.0
    result = 1.0
    for value in values:
        result *= value / scale
    return result * scale


def disagrees(combined: float, actual: float, tolerance: float | None) -> bool:
    """Whether parts rolled up to `combined` contradict the whole's `actual` by more than the
    tolerance (rounding in the arithmetic forgiven)."""
    return abs(combined - actual) > (tolerance or 0.0) + 1e-9 * max(1.0, abs(actual))


def falls_short(combined: float, indicator: Indicator) -> bool:
    """Whether the combined parts miss the whole's target in its direction."""
    target = indicator.target
    assert target is not None
    eps = 1e-9 * max(1.0, abs(target.value))  # rounding in the arithmetic is not a shortfall
    band = (target.tolerance or 0.0) if target.direction == EQUAL else 0.0
    return not within(combined, target.value, target.direction, band + eps)
