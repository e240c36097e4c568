"""`kpoctl count`'s table: the counts per team as the reader recorded them, what is marked
over a limit ('!') or without a KPI ('?'), the totals and the line under the table."""

from __future__ import annotations

import io

from conftest import table_cells
from rich.console import Console

from kpoctl.model import Limits
from kpoctl.model.profiles import PROFILES
from kpoctl.output.views.count import render_count, rows_from_levels


def table_of(rows: list[dict], limits: Limits = Limits(), profile: str = "kpo") -> tuple[list[list[str]], list[str]]:
    """The table's cells row by row (header first), and the lines outside it."""
    out = io.StringIO()
    render_count(rows, limits, Console(file=out, width=120, color_system=None), PROFILES[profile])
    lines = out.getvalue().splitlines()
    return table_cells(out.getvalue(), header=True), [line for line in lines if line[:1] not in "│┃┏┡└├"]


def row(team: str, kpo=1, po=0, kpi=1, pi=0, context=0) -> dict:
    return {"team": team, "kpo": kpo, "po": po, "kpi": kpi, "pi": pi, "context": context}


def test_a_count_over_its_limit_is_marked_and_one_at_it_is_not():
    cells, outside = table_of([row("at", kpi=3, pi=7), row("over", kpi=4, pi=8), row("many", kpo=9, po=9, context=9)])
    assert cells[0] == ["team", "KPO", "PO", "KPI (max 3)", "PI (max 7)", "context"]
    assert cells[1] == ["at", "1", "0", "3", "7", "0"]
    assert cells[2] == ["over", "1", "0", "4 !", "8 !", "0"]
    assert cells[3] == ["many", "9", "9", "1", "0", "9"]  # KPOs, POs and context have no limit
    assert cells[4] == ["total", "11", "9", "8", "15", "9"]
    assert outside[-1] == "3 teams; 2 limit breaches marked '!'; '?' marks a team with no KPI."


def test_the_limits_are_the_settings_and_a_team_without_a_kpi_is_asked_about():
    cells, outside = table_of([row("none", kpi=0, pi=2)], Limits(kpi=0, pi=1))
    assert cells[0][3:5] == ["KPI (max 0)", "PI (max 1)"]
    assert cells[1] == ["none", "1", "0", "0 ?", "2 !", "0"]
    assert outside[-1] == "1 team; 1 limit breach marked '!'; '?' marks a team with no KPI."


def test_no_breach_is_said_so():
    _, outside = table_of([row("a"), row("b")])
    assert outside[-1] == "2 teams; no limit breached; '?' marks a team with no KPI."


def test_a_profile_names_the_levels_in_its_own_words():
    cells, outside = table_of([row("a")], Limits(kpi=5), profile="okr")
    assert outside[0].startswith("Objectives and indicators per team (")
    assert PROFILES["okr"].title in outside[0]
    assert cells[0][3] == f"{PROFILES['okr'].word('KPI')} (max 5)" != "KPI (max 5)"


def test_rows_come_in_team_order_a_team_given_twice_counted_from_its_first_file():
    rows = rows_from_levels([("b", 1, 2, 3, 4, 5), ("a", 0, 0, 1, 0, 0), ("b", 9, 9, 9, 9, 9)])
    assert rows == [row("a", kpo=0, kpi=1), {"team": "b", "kpo": 1, "po": 2, "kpi": 3, "pi": 4, "context": 5}]
