"""Periods, status and roll-up arithmetic: the shared pieces the rules and reports rely on."""

from __future__ import annotations

import datetime as dt

import pytest

from kpoctl.model import Indicator, Target, period_meant
from kpoctl.model.periods import add_periods, current_period, period_bounds
from kpoctl.model.rollup import Part, combine, falls_short
from kpoctl.model.status import AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, judge, status

D = dt.date


@pytest.mark.parametrize("period, first, last", [
    ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    ("2026-W01", D(2025, 12, 29), D(2026, 1, 4)),
    ("2026-11-21", D(2026, 11, 21), D(2026, 11, 21)),
])
def test_period_bounds(period, first, last):
    assert period_bounds(period) == (first, last)


def test_adding_cadence_periods_clamps_month_ends():
    assert add_periods(D(2026, 1, 31), "monthly", 1) == D(2026, 2, 28)
    assert add_periods(D(2026, 10, 31), "quarterly", 2) == D(2027, 4, 30)
    assert add_periods(D(2026, 3, 1), "biweekly", 2) == D(2026, 3, 29)
    assert add_periods(D(2024, 2, 29), "yearly", 1) == D(2025, 2, 28)


@pytest.mark.parametrize("cadence, period", [
    ("daily", "2026-11-21"), ("weekly", "2026-W47"), ("biweekly", "2026-W47"),
    ("monthly", "2026-11"), ("quarterly", "2026-Q4"), ("yearly", "2026"),
])
def test_current_period_follows_the_cadence(cadence, period):
    assert current_period(cadence, D(2026, 11, 21)) == period


@pytest.mark.parametrize("direction, value, expected", [
    ("at_least", 95, ON_TRACK), ("at_least", 94.5, AT_RISK), ("at_least", 94, AT_RISK), ("at_least", 93.9, OFF_TRACK),
    ("at_most", 95, ON_TRACK), ("at_most", 96, AT_RISK), ("at_most", 96.1, OFF_TRACK),
    ("equal", 96, ON_TRACK), ("equal", 93.9, OFF_TRACK),
])
def test_status_with_tolerance(direction, value, expected):
    assert judge(value, Target(value=95, direction=direction, tolerance=1)) == expected


def test_status_of_indicators():
    kpi = Indicator(id="a", level="KPI", name="A", target=Target(value=95, direction="at_least"))
    assert status(kpi) == NO_DATA
    kpi = Indicator.model_validate({**kpi.model_dump(), "actuals": [{"period": "2026-10", "value": 90.0}]})
    assert status(kpi) == OFF_TRACK
    context = Indicator(id="t", level="context", name="Temperature")
    assert status(context) is None


@pytest.mark.parametrize("method, unit, values, weights, expected", [
    ("product", "%", [95, 95], [None, None], 90.25),
    ("product", "", [0.95, 0.95], [None, None], 0.9025),
    ("sum", "EUR", [10, 20, 30], [None] * 3, 60),
    ("mean", "%", [97, 93], [None, None], 95),
    ("weighted_mean", "%", [97, 93], [0.25, 0.75], 94),
    ("weighted_mean", "%", [97, 93], [None, None], 95),
    ("min", "days", [8, 2], [None, None], 2),
    ("max", "days", [8, 2], [None, None], 8),
])
def test_rollup_methods(method, unit, values, weights, expected):
    parts = [Part(v, w) for v, w in zip(values, weights)]
    assert combine(method, parts, unit) == pytest.approx(expected)


def test_falls_short_in_the_direction_of_the_target():
    kpi = Indicator(id="a", level="KPI", name="A", target=Target(value=95, direction="at_least"))
    assert falls_short(90.25, kpi) and not falls_short(95.0, kpi)
    lead = Indicator(id="b", level="KPI", name="B", target=Target(value=10, direction="at_most"))
    assert falls_short(10.5, lead) and not falls_short(9, lead)


def test_a_rollup_with_nothing_to_roll_up_is_a_finding(scorecard):
    from kpoctl.read.load import load
    from kpoctl.rules.engine import Selection, lint

    folder = scorecard({"top.yaml": "team: top\nname: Top team\nobjectives:\n  - {id: otif, level: KPO, title: Deliver 95% on time}\n"
                                    "indicators:\n  - id: otif-rate\n    level: KPI\n    measures: otif\n    name: OTIF\n"
                                    "    target: {value: 95, direction: at_least}\n    rollup: product\n"})
    found = lint(load(folder), Selection.build(["KP407"], []))
    assert [(f.line, f.column, f.message) for f in found] == [
        (11, 5, "'otif-rate' has a `rollup` but 'otif' has no breakdown PO whose dimension it names: nothing rolls up")]


# --- the edges a broken comparison or constant would move (found by tools/mutate.py) ----

@pytest.mark.parametrize("period, first, last", [
    ("2026-W47", D(2026, 11, 16), D(2026, 11, 22)),
    ("9999-W52", D(9999, 12, 27), D(9999, 12, 31)),  # the calendar ends inside the week
    ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
])
def test_period_bounds_at_the_edges(period, first, last):
    assert period_bounds(period) == (first, last)


def test_adding_day_and_week_cadences():
    assert add_periods(D(2026, 11, 21), "daily", 3) == D(2026, 11, 24)
    assert add_periods(D(2026, 11, 21), "weekly", 2) == D(2026, 12, 5)
    assert add_periods(D(9999, 1, 31), "monthly", 1) == D(9999, 2, 28)  # the last year is still a year
    assert add_periods(D(9999, 12, 1), "monthly", 1) == D.max
    assert add_periods(D(9999, 12, 30), "daily", 5) == D.max


def test_without_a_tolerance_any_shortfall_is_off_track():
    assert judge(94.5, Target(value=95, direction="at_least")) == OFF_TRACK
    assert judge(95.5, Target(value=95, direction="at_most")) == OFF_TRACK
    assert judge(95.5, Target(value=95, direction="equal")) == OFF_TRACK
    assert judge(95, Target(value=95, direction="equal")) == ON_TRACK


@pytest.mark.parametrize("direction, tolerance, value, expected", [
    ("at_least", None, 95, True), ("at_least", None, 94.99, False), ("at_least", 1, 94.5, False),
    ("at_most", None, 95, True), ("at_most", None, 95.01, False), ("at_most", 1, 95.5, False),
    ("equal", None, 95, True), ("equal", None, 95.5, False), ("equal", 1, 96, True), ("equal", 1, 93.9, False),
])
def test_met_means_the_target_itself_in_its_direction(direction, tolerance, value, expected):
    from kpoctl.model.status import met

    assert met(value, Target(value=95, direction=direction, tolerance=tolerance)) is expected


def test_weights_that_do_not_sum_to_one_are_normalised():
    assert combine("weighted_mean", [Part(97, 1), Part(93, 3)], "%") == pytest.approx(94)
    assert combine("weighted_mean", [Part(97, 1), Part(93, None)], "%") == pytest.approx(95)  # a weight missing
    assert combine("weighted_mean", [Part(97, 0), Part(93, 0)], "%") == pytest.approx(95)  # weights of nothing


@pytest.mark.parametrize("method, unit, parts, text", [
    ("product", "%", [(95, None), (95, None)], "95% x 95% = 90.25%"),
    ("sum", "EUR", [(10, None), (20, None)], "10 EUR + 20 EUR = 30 EUR"),
    ("weighted_mean", "%", [(97, 1), (93, 3)], "weighted mean of 97% (weight 1), 93% (weight 3) = 94%"),
    ("min", "days", [(8, None), (2, None)], "min of 8 days, 2 days = 2 days"),
    ("mean", "", [(1, None), (2, None)], "mean of 1, 2 = 1.5"),
])
def test_the_arithmetic_is_written_as_a_reader_checks_it(method, unit, parts, text):
    from kpoctl.model.rollup import Rollup

    parts = tuple(Part(v, w) for v, w in parts)
    assert Rollup("by", method, parts, combine(method, list(parts), unit), unit).arithmetic() == text


def _kpi(direction: str, value: float, tolerance: float | None = None) -> Indicator:
    return Indicator(id="k", level="KPI", name="K", target=Target(value=value, direction=direction, tolerance=tolerance))


def test_falls_short_forgives_rounding_and_nothing_more():
    eps = 1e-9 * 95
    assert not falls_short(95 - eps, _kpi("at_least", 95))  # exactly at the rounding margin
    assert falls_short(95 - 2 * eps, _kpi("at_least", 95))
    assert not falls_short(10 + 1e-8, _kpi("at_most", 10))
    assert not falls_short(10 + 1e-9 * 10, _kpi("at_most", 10))
    assert falls_short(10 + 2e-8, _kpi("at_most", 10))
    assert falls_short(0.5 - 1.5e-9, _kpi("at_least", 0.5))  # the margin is at least 1e-9, not more
    assert not falls_short(1e-9, _kpi("equal", 0))
    assert falls_short(0.5, _kpi("equal", 0))
    assert not falls_short(96, _kpi("equal", 95, 1)) and falls_short(96.5, _kpi("equal", 95, 1))
    assert not falls_short(94, _kpi("equal", 95, 1))


# --- direction: the one place that knows which way is better ----------------------------

@pytest.mark.parametrize("direction, before, after, better", [
    ("at_least", 90, 95, True), ("at_least", 95, 90, False), ("at_most", 10, 8, True), ("at_most", 8, 10, False),
    ("at_least", 5, 5, None), ("equal", 5, 6, None), (None, 5, 6, None),
])
def test_a_move_is_better_in_the_direction_of_the_target(direction, before, after, better):
    from kpoctl.model.direction import improved

    assert improved(before, after, direction) is better


@pytest.mark.parametrize("direction, before, after, easier", [
    ("at_least", 95, 90, True), ("at_least", 90, 95, False), ("at_least", 95, 95, False),
    ("at_most", 10, 12, True), ("at_most", 12, 10, False), ("at_most", 10, 10, False), ("equal", 10, 5, False),
])
def test_a_target_is_easier_when_it_asks_less(direction, before, after, easier):
    from kpoctl.model.direction import easier as asks_less

    assert asks_less(before, after, direction) is easier


def test_an_objective_is_as_bad_as_its_worst_indicator_and_no_data_is_not_on_track():
    from kpoctl.model.status import worst

    assert worst([ON_TRACK, NO_DATA]) == NO_DATA
    assert worst([ON_TRACK, AT_RISK, NO_DATA]) == AT_RISK
    assert worst([AT_RISK, OFF_TRACK]) == OFF_TRACK
    assert worst([ON_TRACK]) == ON_TRACK


# --- targets in time: the target in force for a period ---------------------------------

def _timed(**extra) -> Indicator:
    return Indicator.model_validate({"id": "otif-rate", "level": "KPI", "name": "OTIF",
                                     "target": {"value": 95, "direction": "at_least", "tolerance": 1}, **extra})


def test_an_interim_target_is_in_force_from_its_period_on():
    from kpoctl.model.status import target_in_force

    kpi = _timed(targets=[{"period": "2026-09", "value": 93.5}, {"period": "2026-Q2", "value": 92}])
    assert target_in_force(kpi, "2026-03").value == 95  # before any interim target: the target itself
    assert target_in_force(kpi, "2026-06").value == 92  # the quarter ends in June
    assert target_in_force(kpi, "2026-08").value == 92
    assert target_in_force(kpi, "2026-09").value == 93.5  # by period, whatever the order they are written in
    assert target_in_force(kpi, "2026-10").tolerance == 1 and target_in_force(kpi, "2026-10").direction == "at_least"


def test_a_baseline_draws_a_straight_line_to_the_target_at_the_objectives_due_date():
    from kpoctl.model.status import target_in_force

    kpi = _timed(baseline={"period": "2025-12", "value": 85})
    due = D(2026, 12, 31)
    assert target_in_force(kpi, "2025-12", due).value == 85
    assert target_in_force(kpi, "2026-12", due).value == 95
    middle = target_in_force(kpi, "2026-06", due).value  # 181 of 365 days along
    assert middle == pytest.approx(85 + 10 * 181 / 365)
    assert target_in_force(kpi, "2027-03", due).value == 95  # past due: the target itself
    assert target_in_force(kpi, "2026-06").value == 95  # no due date: no line to draw


def test_status_judges_the_latest_actual_against_the_target_in_force():
    kpi = _timed(targets=[{"period": "2026-09", "value": 94}], actuals=[{"period": "2026-10", "value": 94.2}])
    assert status(kpi) == ON_TRACK  # 94.2 meets the interim 94, though not the final 95
    early = _timed(targets=[{"period": "2026-12", "value": 94}], actuals=[{"period": "2026-10", "value": 94.2}])
    assert status(early) == AT_RISK  # the interim target is not in force yet


def test_measured_without_a_target_is_no_target_not_no_data():
    from kpoctl.model.status import NO_TARGET

    kpi = Indicator.model_validate({"id": "a", "level": "KPI", "name": "A",
                                    "actuals": [{"period": "2026-10", "value": 3}]})
    assert status(kpi) == NO_TARGET and status(Indicator(id="b", level="KPI", name="B")) == NO_DATA


def test_parts_disagree_with_the_whole_beyond_the_tolerance_only():
    from kpoctl.model.rollup import disagrees

    assert not disagrees(95.5, 94.5, 1) and disagrees(95.6, 94.5, 1)  # exactly the tolerance is within it
    assert disagrees(94.5, 95.6, 1)  # either way
    assert not disagrees(95.0 + 0.5e-9 * 95, 95.0, None)  # rounding forgiven...
    assert disagrees(95.0 + 3e-9 * 95, 95.0, None)  # ...and nothing more
    assert not disagrees(1e-9, 0.0, None)  # exactly the margin is within it
    assert disagrees(0.5 + 1.5e-9, 0.5, None)  # the margin is at least 1e-9, not more
    assert not disagrees(0.5 + 0.9e-9, 0.5, None)
    assert disagrees(10.5, 10, None) and disagrees(10, 10.5, 0)


def test_explain_status_names_every_status_and_the_target_in_force(run_cli):
    from kpoctl.model.status import STATUSES

    text = " ".join(run_cli("explain", "status", env={"COLUMNS": "80"}).stdout.split())
    assert all(f"{state}:" in text for state in STATUSES)
    assert "The target in force for a period is the latest interim target" in text


@pytest.mark.parametrize("text, meant", [
    ("2026-1", "2026-01"), ("2026/12", "2026-12"), ("2026.3", "2026-03"), ("2026-q4", "2026-Q4"),
    ("2026-Q04", "2026-Q4"), ("2026-w1", "2026-W01"), ("2026-W53", None),  # 2026 has a week 53: already right
    ("2027-W53", None), ("2026-13", None), ("2026-Q5", None), ("2026-0", None), ("2026-01", None),
    ("26-01", None), ("2026-1-2", "2026-01-02"), ("2026/12/31", "2026-12-31"), ("2026-2-30", None),
    ("2026-01-02", None), ("2026-q", None), ("2026-W", None), ("", None),
])
def test_a_period_written_loosely_names_the_period_meant(text, meant):
    assert period_meant(text) == meant
