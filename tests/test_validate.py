"""The model layer: every schema problem is one KP002 with a message naming the field and
what it accepts, at the key or value concerned; valid entries survive a broken neighbour."""

from __future__ import annotations

import pytest

from kpoctl.read.validate import validate_team
from kpoctl.read.yamlread import parse

TEAM = """team: unit-1
name: Unit 1
parent: top
objectives:
  - id: otif
    level: KPO
    title: Deliver 95% of orders on time
indicators:
  - id: otif-rate
    level: KPI
    measures: otif
    name: OTIF rate
"""


def issues(source: str):
    team, paths, found, invalid = validate_team(parse(source))
    return [(p.location.line, p.location.column, p.message) for p in found]


def test_a_valid_team_has_no_issue():
    team, paths, found, invalid = validate_team(parse(TEAM))
    assert found == [] and team is not None
    assert paths == [("objectives", 0), ("indicators", 0)]


@pytest.mark.parametrize(
    "old, new, line, column, message",
    [
        ("level: KPO", "level: kpo", 6, 12, "level must be one of KPO, PO; got 'kpo'"),
        ("  - id: otif\n", "  - id: 2024\n", 5, 9, "id must be text; got 2024 (YAML reads it as a number: quote it)"),
        ("  - id: otif\n", "  - id: no\n", 5, 9, None),  # YAML 1.2: `no` is the text 'no', a valid slug
        ("  - id: otif\n", "  - id: Otif\n", 5, 9, "id must be a slug"),
        ("name: Unit 1\n", "", 1, 1, "missing required field 'name'"),
        ("    title: Deliver", "    titel: Deliver", 7, 5, "unknown field 'titel' (did you mean 'title'?)"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    target: {value: '95', direction: at_least}\n", 13, 21,
         "value must be a number; got the text '95' (remove the quotes)"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    target: {value: .inf, direction: at_least}\n", 13, 21,
         "value must be a finite number; got .inf"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    target: {value: true, direction: at_least}\n", 13, 21,
         "value must be a number; got true"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    target: {value: 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999, direction: at_least}\n", 13, 21,
         "value must be a number a float can hold"),
        ("    title: Deliver", "    due: 2026-02-30\n    title: Deliver", 7, 10, "due is not a real date: '2026-02-30'"),
        ("    title: Deliver", "    due: tomorrow\n    title: Deliver", 7, 10, "due must be a date (YYYY-MM-DD); got 'tomorrow'"),
        ("    title: Deliver", "    due: 2026-1-2\n    title: Deliver", 7, 10,
         "due must be a date (YYYY-MM-DD); got '2026-1-2' (write 2026-01-02)"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    actuals:\n      - {period: 2026-13, value: 1}\n", 14, 18,
         "period must be YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date; got '2026-13'"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    rollup: sideways\n", 13, 13,
         "rollup must be one of sum, mean, weighted_mean, min, max, product"),
        ("    title: Deliver", "    weight: -1\n    title: Deliver", 7, 13, "weight must be at least 0; got -1"),
        ("    title: Deliver", "    cascades_from: otif\n    title: Deliver", 7, 20, "cascades_from must be TEAM/ID"),
        # one typo in a rollup's mapping: the method named, not also "rollup is no method"
        ("    name: OTIF rate\n", "    name: OTIF rate\n    rollup: {segment: summ}\n", 13, 23,
         "segment must be one of sum, mean, weighted_mean, min, max, product; got 'summ'"),
        # a misspelt field inside a target or an actual is named with the fields there
        ("    name: OTIF rate\n", "    name: OTIF rate\n    target: {value: 1, direction: at_least, tolerence: 1}\n",
         13, 45, "unknown field 'tolerence' (did you mean 'tolerance'?)"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    actuals:\n      - {period: 2026-10, valeu: 1}\n", 14, 27,
         "unknown field 'valeu' (did you mean 'value'?)"),
        ("    name: OTIF rate\n", "    name: OTIF rate\n    actuals:\n      - {period: 2026-10, value: 1, by: me}\n",
         14, 37, "unknown field 'by'; allowed: period, value, note"),
        # a long value is cut in the message, so that one finding stays one line
        ("level: KPO", "level: " + "k" * 70, 6, 12, f"level must be one of KPO, PO; got '{'k' * 57}...'"),
        ("level: KPO", "level: " + "k" * 61, 6, 12, f"level must be one of KPO, PO; got '{'k' * 57}...'"),
        ("level: KPO", "level: " + "k" * 60, 6, 12, f"level must be one of KPO, PO; got '{'k' * 60}'"),
    ],
)
def test_each_problem_is_one_located_message(old, new, line, column, message):
    assert old in TEAM
    found = issues(TEAM.replace(old, new, 1))
    if message is None:
        assert found == []
        return
    assert len(found) == 1, found
    assert found[0][:2] == (line, column)
    assert found[0][2].startswith(message), found[0][2]


ACTUAL = "    name: OTIF rate\n    unit: '%'\n    actuals:\n      - {period: 2026-10, value: 1}\n"


@pytest.mark.parametrize("old, new, column, says", [
    # numbers and periods as people write them: the message says what to write instead
    ("value: 1}", "value: 95%}", 34, "value must be a number; got the text '95%' (write 95: the number alone, "
                                     "with unit: \"%\" on the indicator)"),
    ("value: 1}", "value: '12,500.5'}", 34, "value must be a number; got the text '12,500.5' (write 12500.5: "
                                            "no thousands separator)"),
    ("value: 1}", "value: 12,500}", 37, "unknown field '500' (in {...} a comma separates fields: write 12500, "
                                        "without the thousands separator)"),
    ("value: 1}", "value: 1.5, 500: }", 39, "unknown field '500'; allowed: period, value, note"),  # no number before
    ("value: 1}", "value: 1,500: 2}", 36, "unknown field '500'; allowed: period, value, note"),  # it has a value
    ("value: 1}", "value: 'a,000'}", 34, "value must be a number; got the text 'a,000'"),
    ("2026-10", "2026-1", 18, "period must be YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date; got '2026-1' "
                              "(write 2026-01)"),
    ("2026-10", "2026/10", 18, "got '2026/10' (write 2026-10)"),
    ("2026-10", "2026-q3", 18, "got '2026-q3' (write 2026-Q3)"),
    ("2026-10", "2026-W5", 18, "got '2026-W5' (write 2026-W05)"),
    ("2026-10", "2026-13", 18, "got '2026-13'"),  # no month 13 to suggest
    ("2026-10", "2026-Q7", 18, "got '2026-Q7'"),
])
def test_a_number_or_period_written_as_people_write_it_says_what_to_write(old, new, column, says):
    source = TEAM.replace("    name: OTIF rate\n", ACTUAL).replace(old, new, 1)
    found = issues(source)
    assert [(line, col) for line, col, _ in found] == [(15, column)], found
    assert found[0][2].endswith(says), found[0][2]  # with what to write, or nothing when nothing is clear


def test_every_problem_is_reported_not_just_the_first():
    source = TEAM.replace("level: KPO", "level: kpo").replace("level: KPI", "level: kpi").replace("parent: top", "parent: 7")
    assert len(issues(source)) == 3


def test_a_union_said_once_does_not_hide_the_problems_after_it():
    """`rollup: sideways` fails both members of its union with one message, said once; the
    problems found after it are still said."""
    source = TEAM.replace("    name: OTIF rate\n", "    name: OTIF rate\n    rollup: sideways\n    actions: 5\n")
    assert sorted(line for line, _, _ in issues(source)) == [13, 14]


def test_a_missing_field_of_an_entry_is_located_at_the_entry():
    assert issues(TEAM.replace("    title: Deliver 95% of orders on time\n", "")) == [
        (5, 5, "missing required field 'title'")]


def test_an_entry_left_out_whole_does_not_hide_the_entries_after_it():
    source = TEAM.replace("  - id: otif-rate\n", "  - just a line\n  - id: broken\n    level: PI\n  - id: otif-rate\n")
    team, paths, found, _ = validate_team(parse(source))
    assert [i.id for i in team.indicators] == ["otif-rate"] and paths == [("objectives", 0), ("indicators", 2)]
    assert [p.anchor for p in found] == [("indicators", 0), ("indicators", 1)]  # none of them was kept


def test_a_section_that_is_no_list_does_not_hide_the_other():
    team, paths, found, _ = validate_team(parse(TEAM.replace("objectives:\n", "objectives: 5\nold:\n")))
    assert [i.id for i in team.indicators] == ["otif-rate"] and paths == [("indicators", 0)]


def test_a_broken_entry_does_not_hide_the_rest_of_the_team():
    source = TEAM + "  - id: broken\n    level: PI\n"
    team, paths, found, invalid = validate_team(parse(source))
    assert [i.message for i in found] == ["missing required field 'name'"]
    assert [i.id for i in team.indicators] == ["otif-rate"]
    assert paths == [("objectives", 0), ("indicators", 0)]


@pytest.mark.parametrize("actuals", [
    "      - {period: 2026-09, value: 94}\n      - {period: 2026-10, value: ninety}\n",
    "      - {period: 2026-10, value: 94}\n      - {period: 2026-09, value: 95}\n",
    "      - {period: 2026-10, value: 94}\n      - {period: 2026-10, value: 95}\n",
])
def test_an_indicator_whose_only_problems_are_in_its_actuals_is_kept_without_any(actuals):
    """The rules still see the KPI (leaving it out made its team look as if it had none), and
    with no actual its status is no data, never judged from the actuals that validated."""
    team, paths, found, _ = validate_team(parse(TEAM + "    actuals:\n" + actuals))
    assert len(found) == 1 and found[0].location.line == 15  # the second actual
    [indicator] = team.indicators
    assert indicator.id == "otif-rate" and indicator.actuals == []
    assert paths == [("objectives", 0), ("indicators", 0)]


def test_an_indicator_with_a_problem_beside_its_actuals_is_left_out():
    source = TEAM.replace("level: KPI", "level: kpi") + "    actuals:\n      - {period: 2026-10, value: ninety}\n"
    team, paths, found, _ = validate_team(parse(source))
    assert len(found) == 2 and team.indicators == [] and paths == [("objectives", 0)]


def test_an_invalid_header_field_is_dropped_and_remembered():
    team, paths, found, invalid = validate_team(parse(TEAM.replace("parent: top", "parent: Top")))
    assert team is not None and team.parent is None
    assert invalid == {"parent"}


def test_an_unreadable_team_id_drops_the_team():
    team, paths, found, invalid = validate_team(parse(TEAM.replace("team: unit-1", "team: [a]")))
    assert team is None
    assert found[0].message == "team must be text; got a list"


def _with_actual(period: str) -> str:
    return TEAM.replace("    name: OTIF rate\n", f"    name: OTIF rate\n    actuals:\n      - {{period: {period}, value: 1}}\n")


@pytest.mark.parametrize("period", ["2026", "1000", "9999", "'2026'", "2026-W53", "2024-02-29", "2000-02-29",
                                    "2026-Q4", "2026-12-31"])
def test_a_period_in_the_calendar_is_read(period):
    assert issues(_with_actual(period)) == []


@pytest.mark.parametrize("period, says", [
    ("999", "got 999"), ("10000", "got 10000"), ("12", "got 12"),  # a year is four digits
    ("2026.5", "got 2026.5"),                                        # a number that is no year: said, not a crash
    ("'0000'", "not in the calendar"), ("0000-01", "not in the calendar"),  # there is no year 0
    ("2027-W53", "not in the calendar"),                             # 2027 has 52 ISO weeks
    ("2026-02-29", "not in the calendar"), ("2100-02-29", "not in the calendar"), ("2026-02-30", "not in the calendar"),
    ("2026-W00", "got '2026-W00'"),
])
def test_a_period_not_in_the_calendar_is_one_problem_at_it(period, says):
    (found,) = issues(_with_actual(period))
    assert found[:2] == (14, 18) and says in found[2]


@pytest.mark.parametrize("due", ['"20261231"', '"2026-W01-1"', '"2026-12-31T00:00"', "'2026 12 31'"])
def test_a_quoted_due_date_is_read_only_as_yyyy_mm_dd(due):
    """Python reads ISO's basic and week forms as dates too; a scorecard's date is one form."""
    assert issues(TEAM.replace("    title: Deliver", f"    due: {due}\n    title: Deliver")) == [
        (7, 10, f"due must be a date (YYYY-MM-DD); got {due[1:-1]!r}")]


def test_a_tolerance_is_a_finite_number():
    source = TEAM.replace("    name: OTIF rate\n",
                          "    name: OTIF rate\n    target: {value: 95, direction: at_least, tolerance: .inf}\n")
    assert issues(source) == [(13, 57, "tolerance must be a finite number; got .inf")]


def test_a_team_read_cannot_be_changed_by_what_reads_it():
    """Rules, views and the cache share one model of each file: none may change it for the others."""
    from pydantic import ValidationError

    team, *_ = validate_team(parse(TEAM))
    with pytest.raises(ValidationError):
        team.name = "Another"
    with pytest.raises(ValidationError):
        team.objectives[0].title = "Another"
