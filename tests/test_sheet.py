"""Import's reading of a sheet's cells (kpoctl.model.sheet.from_rows): what each kind of
cell becomes in a team file, and the row and column of what cannot be read."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kpoctl.model.sheet import from_rows

TEAM = {"kind": "team", "team": "ops", "title": "Operations"}
KPO = {"kind": "objective", "team": "ops", "id": "otif", "level": "KPO", "title": "Deliver 95% on time"}
KPI = {"kind": "indicator", "team": "ops", "id": "otif-rate", "level": "KPI", "title": "OTIF rate", "measures": "otif"}


def read(*rows: dict):
    """The team `ops` and the problems, from rows numbered from 2 (row 1 is the header)."""
    parsed = from_rows(list(enumerate(rows, start=2)))
    return parsed.teams.get("ops"), [(p.row, p.column, p.message) for p in parsed.problems]


@pytest.mark.parametrize("cell, text", [
    ("'=SUM(A1)", "=SUM(A1)"), ("'-5 days", "-5 days"), ("'+1 more", "+1 more"), ("'@home", "@home"),
    ("  '=x  ", "=x"),  # the guard export writes, read back as the text it guards
    ("'quoted", "'quoted"), ("it's", "it's"), ("''=x", "''=x"),  # a quote guarding nothing is text
])
def test_a_formula_guard_is_taken_off_and_any_other_quote_kept(cell, text):
    team, problems = read(TEAM | {"title": cell})
    assert (team["name"], problems) == (text, [])


def test_lists_actions_and_rollups_are_read_from_their_cells():
    team, problems = read(TEAM, KPO | {"supports": None, "shared_with": " unit-1,, unit-2 ,"},
                          KPI | {"actions": "Call each late customer\n\n  Review in the meeting  ",
                                 "rollup": "segment=weighted_mean; step = product\nsite=sum"},
                          KPI | {"id": "other", "rollup": " mean "})
    assert problems == []
    assert team["objectives"][0]["shared_with"] == ["unit-1", "unit-2"]
    first, second = team["indicators"]
    assert first["actions"] == ["Call each late customer", "Review in the meeting"]
    assert first["rollup"] == {"segment": "weighted_mean", "step": "product", "site": "sum"}
    assert second["rollup"] == "mean"


@pytest.mark.parametrize("cell, read_as, problem", [
    ("2026-Q1=5; 2026-Q2=6.5", [{"period": "2026-Q1", "value": 5}, {"period": "2026-Q2", "value": 6.5}], None),
    ("2026-Q1=5\n\n2026-Q2=6", [{"period": "2026-Q1", "value": 5}, {"period": "2026-Q2", "value": 6}], None),
    ("2026-Q1", None, "'2026-Q1' is not PERIOD=VALUE"),
    ("2026-Q1=5; 2026-Q2=lots", None, "'lots' is not a number"),
])
def test_interim_targets_are_period_value_pairs(cell, read_as, problem):
    team, problems = read(TEAM, KPO, KPI | {"targets": cell})
    assert [i["targets"] for i in team.get("indicators", [])] == ([] if read_as is None else [read_as])  # or refused
    assert problems == ([] if problem is None else [(4, "targets", problem)])


@pytest.mark.parametrize("cell, read_as, problem", [
    ("2025=80", {"period": "2025", "value": 80}, None),
    ("2025=80; 2026=90", None, "a baseline is one PERIOD=VALUE pair"),
    ("2025", None, "'2025' is not PERIOD=VALUE"),
])
def test_a_baseline_is_one_pair(cell, read_as, problem):
    team, problems = read(TEAM, KPO, KPI | {"baseline": cell})
    assert [i["baseline"] for i in team.get("indicators", [])] == ([] if read_as is None else [read_as])
    assert problems == ([] if problem is None else [(4, "baseline", problem)])


@pytest.mark.parametrize("cell, read_as, problem", [
    (dt.datetime(2026, 12, 31, 0, 0), "2026-12-31", None), (dt.date(2026, 12, 31), "2026-12-31", None),
    (" 2026-12-31 ", "2026-12-31", None), ("2026-02-30", None, "'2026-02-30' is not a date (YYYY-MM-DD)"),
])
def test_a_due_date_is_a_date_cell_or_its_text(cell, read_as, problem):
    team, problems = read(TEAM, KPO | {"due": cell})
    assert [o["due"] for o in team.get("objectives", [])] == ([] if read_as is None else [read_as])
    assert problems == ([] if problem is None else [(3, "due", problem)])


@pytest.mark.parametrize("cell, read_as, problem", [
    ("  42 ", 42, None), ("4.2e1", 42.0, None), ("-.5", -0.5, None), (7.5, 7.5, None),
    ("1,5", None, "'1,5' is not a number (write the decimal point as '.')"), ("lots", None, "'lots' is not a number"),
    (True, None, "True is not a number"),
])
def test_a_number_cell_is_a_number_or_a_problem_at_its_row(cell, read_as, problem):
    team, problems = read(TEAM, KPO, KPI, {"kind": "actual", "team": "ops", "id": "otif-rate", "period": "2026-10",
                                           "value": cell})
    actuals = team["indicators"][0].get("actuals")
    if problem is None:
        assert (actuals, problems) == ([{"period": "2026-10", "value": read_as}], [])
        assert type(actuals[0]["value"]) is type(read_as)  # 42, not 42.0: the file says what the sheet said
    else:
        assert (actuals, problems) == (None, [(5, "value", problem)])


@pytest.mark.parametrize("cell, period", [
    (2026.0, "2026"), (2026, "2026"), (dt.datetime(2026, 10, 15), "2026-10-15"), (dt.date(2026, 10, 15), "2026-10-15"),
    (" 2026-W40 ", "2026-W40"), (2026.5, "2026.5"),  # no period: the model says so, the sheet's text kept
])
def test_a_period_cell_is_read_as_the_period_it_was(cell, period):
    team, problems = read(TEAM, KPO, KPI, {"kind": "actual", "team": "ops", "id": "otif-rate", "period": cell,
                                           "value": 5, "note": "  from BI "})
    assert problems == []
    assert team["indicators"][0]["actuals"] == [{"period": period, "value": 5, "note": "from BI"}]


@pytest.mark.parametrize("cell", [dt.date(2026, 10, 1), dt.datetime(2026, 10, 1)])
def test_a_period_a_spreadsheet_made_the_first_of_a_month_is_refused(cell):
    team, problems = read(TEAM, KPO, KPI, {"kind": "actual", "team": "ops", "id": "otif-rate", "period": cell,
                                           "value": 5})
    assert "actuals" not in team["indicators"][0]
    assert [(row, column) for row, column, _ in problems] == [(5, "period")]
    assert "the period is a date cell (2026-10-01)" in problems[0][2]


@pytest.mark.parametrize("row, column, says", [
    ({"kind": "actual", "team": "ops", "id": "otif-rate", "value": 5}, "period", "needs a period and a value"),
    ({"kind": "actual", "team": "ops", "id": "otif-rate", "period": "2026-10"}, "value", "needs a period and a value"),
    ({"kind": "actual", "team": "ops", "id": "nothing", "period": "2026-10", "value": 5}, "id",
     "which no indicator row declares"),
    ({"kind": "objective", "team": "ops", "level": "KPO", "title": "No id"}, "id", "an objective row needs an id"),
    ({"kind": "thing", "team": "ops"}, "kind", "kind 'thing' is not one of"),
    ({"team": "ops", "title": "no kind, no level"}, "kind", "the level does not tell"),
    ({"kind": "objective", "id": "x", "level": "KPO", "title": "No team"}, "team", "no team: every row names"),
    ({"kind": "team", "team": "ops", "title": "Again"}, "kind", "a second team row for 'ops'"),
])
def test_a_row_that_cannot_be_read_is_named_by_row_and_column(row, column, says):
    _, problems = read(TEAM, KPO, KPI, row)
    assert [(found_row, found_column) for found_row, found_column, _ in problems] == [(5, column)]
    assert says in problems[0][2]


def test_the_level_tells_the_kind_when_no_kind_is_given():
    team, problems = read(TEAM, KPO | {"kind": None}, KPI | {"kind": ""},
                          {"team": "ops", "id": "otif-rate", "period": "2026-10", "value": 5})
    assert problems == []
    assert [o["id"] for o in team["objectives"]] == ["otif"] and team["indicators"][0]["actuals"][0]["value"] == 5


# --- the table in a file: its header and its rows (kpoctl.read.sheets.read_table) ----------

def _table(tmp_path, kind: str, rows: list[list]):
    from kpoctl.read.sheets import read_table

    path = tmp_path / f"sheet.{kind}"
    if kind == "csv":
        import csv

        with path.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
    else:
        import openpyxl

        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    return read_table(path, max_mb=10)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_header_is_read_as_people_write_it_and_empty_cells_past_it_are_nothing(tmp_path, kind):
    table = _table(tmp_path, kind, [["Kind", " TEAM ", "Cascades From", "shared-with", None, ""],
                                    ["team", "ops", None, None, None, ""]])
    assert table.rows == [(2, {"kind": "team", "team": "ops", "cascades_from": None if kind == "xlsx" else "",
                               "shared_with": None if kind == "xlsx" else ""})]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("rows, says", [
    ([["kind", "team"], ["team", "ops", "", "a value past the header"]], "row 2: "),
    ([["", ""], ["team", "ops"]], "no 'team' column"),
    ([["kind", "", "team"], ["team", "", "ops"]], "unknown column '(empty)'"),
    ([["kind", "team", "Team"], ["team", "ops", "ops"]], "column team appears twice"),
    ([["kind", "title"], ["team", "Operations"]], "no 'team' column"),
    ([["kind", "team", "colour"], ["team", "ops", "red"]], "unknown column 'colour'"),
])
def test_a_table_that_cannot_be_read_is_one_usage_error(tmp_path, kind, rows, says):
    from kpoctl.common.errors import UsageError

    with pytest.raises(UsageError, match=re.escape(says)):
        _table(tmp_path, kind, rows)


def test_a_number_or_date_where_text_is_wanted_is_its_text():
    team, problems = read(TEAM | {"title": 2026, "owner": "  Head of ops  "}, KPO | {"id": 42, "title": 7.5},
                          KPO | {"id": "dated", "title": "Dated", "evaluation": dt.datetime(2026, 10, 15, 9, 30)})
    assert problems == []
    assert (team["name"], team["owner"], team["objectives"][0]["id"], team["objectives"][0]["title"]) == \
        ("2026", "Head of ops", "42", "7.5")
    assert team["objectives"][1]["evaluation"] == "2026-10-15"


def test_an_empty_row_or_one_refused_does_not_end_the_reading():
    team, problems = read(TEAM, {}, {"kind": "thing", "team": "ops"}, {"kind": "", "team": "", "title": "  "},
                          {"kind": "other", "team": "ops"}, KPO, {"status": "on track"})
    assert [o["id"] for o in team["objectives"]] == ["otif"]
    assert [(row, column) for row, column, _ in problems] == [(4, "kind"), (6, "kind")]


# --- export: the model as rows (what import reads back) --------------------------------------

def test_export_cells_say_what_the_model_holds_and_nothing_for_what_it_does_not():
    from kpoctl.model import Team
    from kpoctl.model.sheet import to_rows

    team = Team.model_validate({
        "team": "ops", "name": "Operations",
        "objectives": [
            {"id": "otif", "level": "KPO", "title": "Deliver 95% on time"},
            {"id": "by-part", "level": "PO", "role": "breakdown", "supports": "otif", "title": "Part A on time"},
            {"id": "by-site", "level": "PO", "role": "breakdown", "supports": ["otif"], "by": "site", "title": "Site"},
            {"id": "drive", "level": "PO", "role": "enabling", "supports": "otif", "title": "Faster picking",
             "shared_with": ["unit-1", "unit-2"]},
            {"id": "drive-site", "level": "PO", "role": "enabling", "supports": "otif", "by": "site", "title": "Site"},
        ],
        "indicators": [
            {"id": "otif-rate", "level": "KPI", "measures": "otif", "name": "OTIF rate",
             "target": {"value": 95, "direction": "at_least", "tolerance": 1}, "baseline": {"period": "2025", "value": 80},
             "targets": [{"period": "2026-Q1", "value": 90}, {"period": "2026-Q2", "value": 92.5}],
             "rollup": {"segment": "weighted_mean", "site": "min"}, "actions": ["Call", "Review"]},
            {"id": "plain", "level": "PI", "measures": "drive", "name": "Picks an hour", "rollup": "sum"},
        ]})
    rows = {(row["kind"], row["id"]): row for row in to_rows([team])}  # no statuses given: none written
    assert rows[("objective", "by-part")]["by"] == "parts" and rows[("objective", "by-site")]["by"] == "site"
    assert rows[("objective", "drive")]["by"] is None and rows[("objective", "otif")]["supports"] is None
    assert rows[("objective", "drive-site")]["by"] == "site"  # said, though not a breakdown: kept as written
    assert rows[("objective", "drive")]["shared_with"] == "unit-1, unit-2"
    assert rows[("objective", "otif")]["shared_with"] is None
    full, plain = rows[("indicator", "otif-rate")], rows[("indicator", "plain")]
    assert (full["target"], full["direction"], full["tolerance"], full["status"]) == (95, "at_least", 1, None)
    assert (full["baseline"], full["targets"]) == ("2025=80", "2026-Q1=90; 2026-Q2=92.5")
    assert (full["rollup"], full["actions"]) == ("segment=weighted_mean; site=min", "Call\nReview")
    assert (plain["target"], plain["direction"], plain["baseline"], plain["targets"], plain["rollup"], plain["actions"]) \
        == (None, None, None, None, "sum", None)


@pytest.mark.parametrize("row, column", [
    (KPO | {"target": ">= 10", "unit": "MEUR"}, ["target", "unit"]),  # the target of an objective's indicator
    (KPI | {"period": "2026-10", "value": 5}, ["period", "value"]),  # the latest actual, on the indicator's row
    (TEAM | {"team": "ops2", "target": 99}, ["target"]),
    ({"kind": "actual", "team": "ops", "id": "otif-rate", "period": "2026-10", "value": 5, "title": "Oct"}, ["title"]),
    (KPO | {"measures": "otif", "direction": "at_least"}, ["measures", "direction"]),
])
def test_a_cell_a_row_of_its_kind_does_not_read_is_refused_not_lost(row, column):
    """A cell no field of its row takes would not be imported: said at its row and column,
    and the import refused (as an unknown field of a team file is KP002), never dropped."""
    _, problems = read(TEAM, KPO, KPI, row)
    assert [(found_row, found_column) for found_row, found_column, _ in problems] == [(5, name) for name in column]
    assert all("would be lost: move it to the row it belongs to" in message for _, _, message in problems)


def test_a_row_without_its_team_does_not_end_the_reading():
    team, problems = read(TEAM, {"kind": "objective", "id": "x", "level": "KPO", "title": "No team"}, KPO)
    assert [o["id"] for o in team["objectives"]] == ["otif"] and [(p[0], p[1]) for p in problems] == [(3, "team")]


@pytest.mark.parametrize("refused, actual_id", [
    (KPO | {"id": "late", "due": "2026-02-30"}, "late"),  # an objective's id is no indicator's, refused or not
    (KPI | {"id": None, "title": "No id"}, None),  # an indicator row with no id declares nothing
])
def test_an_actual_names_an_indicator_row_that_declares_it(refused, actual_id):
    _, problems = read(TEAM, KPO, refused, {"kind": "actual", "team": "ops", "id": actual_id, "period": "2026-10",
                                            "value": 5})
    assert (problems[-1][0], problems[-1][1]) == (5, "id")
    assert f"actual of 'ops/{actual_id or ''}', which no indicator row declares" in problems[-1][2]


def test_a_direction_without_a_target_is_refused_and_a_free_text_target_kept_as_said():
    parsed = from_rows(list(enumerate([TEAM, KPO, KPI | {"direction": "at_least"},
                                       KPI | {"id": "care", "target": "Improve steadily"},
                                       KPI | {"id": "band", "tolerance": 2}], start=2)))
    assert [(p.row, p.column, p.refused) for p in parsed.problems] == [(4, "target", True), (5, "target", False),
                                                                       (6, "target", True)]
    assert "a direction or tolerance without a target" in parsed.problems[0].message
    assert [i["id"] for i in parsed.teams["ops"]["indicators"]] == ["care"]  # read, and said
