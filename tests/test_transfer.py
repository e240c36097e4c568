"""`kpoctl export` and `kpoctl import`: the scorecard to one sheet and back.

import(export(x)) gives back x on every example and on GitLab's real data; a sheet
as a client sends it (free-text targets, a date-typed period, a bad number) is read
as documented, every refusal naming its row and column, nothing written meanwhile."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
import yaml
from conftest import EXAMPLES, REALWORLD

from kpoctl.commands.transfer import csv_text, export_rows
from kpoctl.graph import CascadeGraph
from kpoctl.model.sheet import COLUMNS, parse_target
from kpoctl.read.load import load

SCORECARDS = [EXAMPLES / "best-company", EXAMPLES / "northwind"]
SCORECARDS += [REALWORLD] if REALWORLD.is_dir() else []


def teams_of(folder):
    graph = CascadeGraph(load(folder))
    return {name: ref.team for name, ref in graph.teams.items()}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("folder", SCORECARDS, ids=lambda p: p.name)
def test_import_of_an_export_gives_back_the_same_model(run_cli, tmp_path, folder, kind):
    sheet = tmp_path / f"card.{kind}"
    assert run_cli("export", folder, "-o", sheet).exit_code == 0
    result = run_cli("import", sheet, "--into", tmp_path / "card")
    assert result.exit_code == 0, result.stderr
    assert teams_of(tmp_path / "card") == teams_of(folder)
    again = tmp_path / f"again.{kind}"
    run_cli("export", tmp_path / "card", "-o", again)
    if kind == "csv":
        assert again.read_text() == sheet.read_text()


def sheet_text(rows: list[dict], *more_columns: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["kind", "team", "id", "level", "title", "measures", "unit", "target",
                                             "direction", "period", "value", *more_columns], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


TEAM = {"kind": "team", "team": "ops", "title": "Operations management team"}
KPO = {"team": "ops", "id": "otif", "level": "KPO", "title": "Deliver 95% of orders on time and in full"}


def indicator(id_, target, direction="", unit="", measures="otif"):
    return {"team": "ops", "id": id_, "level": "KPI", "title": f"Indicator {id_}", "measures": measures,
            "target": target, "direction": direction, "unit": unit}


@pytest.mark.parametrize("text, read", [
    (">= 95%", (95, "at_least", "%")), ("≥95 %", (95, "at_least", "%")), ("Less than 2 days", (2, "at_most", "days")),
    ("<.58", (0.58, "at_most", None)), ("95% or more", (95, "at_least", "%")), ("at most 3 incidents", (3, "at_most", "incidents")),
    ("= 100%", (100, "equal", "%")), ("95%", None), ("about 95", None), ("between 3 and 5", None), ("> 5 or less", None),
])
def test_free_text_targets_are_read_only_when_they_say_their_direction(text, read):
    assert parse_target(text) == read


def test_a_client_sheet_with_free_text_targets_imports_as_documented(run_cli, tmp_path):
    sheet = tmp_path / "client.csv"
    sheet.write_text(sheet_text([TEAM, KPO, {**KPO, "id": "speed", "title": "Ship every order within 2 days"},
                                 indicator("otif-rate", ">= 95%"), indicator("lead-time", "Less than 2 days", measures="speed"),
                                 indicator("complaints", "as few as possible"),
                                 {"team": "ops", "id": "otif-rate", "period": "2026-10", "value": "94.1"}]))
    result = run_cli("import", sheet, "--into", tmp_path / "card")
    assert result.exit_code == 0, result.stderr
    assert "row 7, column target: target 'as few as possible' is not a number with a direction" in result.stderr
    team = teams_of(tmp_path / "card")["ops"]
    by_id = {i.id: i for i in team.indicators}
    assert (by_id["otif-rate"].target.value, by_id["otif-rate"].target.direction, by_id["otif-rate"].unit) == (95, "at_least", "%")
    assert (by_id["lead-time"].target.value, by_id["lead-time"].target.direction, by_id["lead-time"].unit) == (2, "at_most", "days")
    assert by_id["complaints"].target is None
    assert {o.id: o.evaluation for o in team.objectives}["otif"] == "as few as possible"
    assert [(a.period, a.value) for a in by_id["otif-rate"].actuals] == [("2026-10", 94.1)]
    text = (tmp_path / "card" / "ops.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=schemas/team.schema.json\n")
    assert (tmp_path / "card" / "schemas" / "team.schema.json").is_file()


def test_every_refused_row_is_named_and_nothing_is_written(run_cli, tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(sheet_text([
        TEAM, KPO,
        indicator("otif-rate", "95"),                                  # row 4: no direction
        {"team": "ops", "id": "otif-rate", "period": "2026-10", "value": "94,1"},  # row 5: a decimal comma
        {"kind": "milestone", "team": "ops", "id": "x"},               # row 6: unknown kind
        {"team": "ops", "id": "nothing", "period": "2026-10", "value": "1"},  # row 7: no such indicator
        {"team": "sales", "id": "growth", "level": "KPO", "title": "Grow revenue 10% this year"},  # row 8: no team row
        {**KPO, "id": "Bad Id"},                                       # row 9: not a slug
    ]))
    result = run_cli("import", sheet, "--into", tmp_path / "card")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ", 2)[1].split(" row ")[1] for line in lines[:-1]] == [
        "4, column direction", "5, column value", "6, column kind", "7, column id", "8, column team", "9, column id"]
    assert "(write the decimal point as '.')" in lines[1]
    assert lines[-1] == "kpoctl: error: nothing written: 6 problems in 8 rows"
    assert "which no indicator row declares" not in lines[1]  # its indicator row is refused: not said twice
    assert not (tmp_path / "card").exists()


def test_a_broken_scorecard_exports_what_was_read_and_its_actuals_of_a_repeated_id_are_refused(run_cli, tmp_path):
    exported = run_cli("export", EXAMPLES / "broken", "-o", tmp_path / "broken.csv")
    assert exported.exit_code == 1 and "marketing.yaml" in exported.stderr  # the file not read is named
    result = run_cli("import", tmp_path / "broken.csv", "--into", tmp_path / "card")
    assert result.exit_code == 2
    assert "actual of 'sales/revenue', which two indicator rows declare" in result.stderr


def test_partial_writes_the_teams_that_were_read_and_exits_1(run_cli, tmp_path):
    sheet = tmp_path / "half.csv"
    sheet.write_text(sheet_text([TEAM, KPO, {"kind": "team", "team": "sales", "title": "Sales team"},
                                 {"team": "sales", "id": "Growth!", "level": "KPO", "title": "Grow"}]))
    refused = run_cli("import", sheet, "--into", tmp_path / "card")
    assert refused.exit_code == 2 and not (tmp_path / "card").exists()
    result = run_cli("import", sheet, "--into", tmp_path / "new" / "card", "--partial")  # its folders made
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "new" / "card").glob("*.yaml")) == ["ops.yaml"]
    assert "row 5, column id" in result.stderr and "not written: sales" in result.stderr


def test_existing_files_are_not_replaced_without_force(run_cli, tmp_path):
    sheet = tmp_path / "card.csv"
    sheet.write_text(sheet_text([TEAM, KPO]))
    (tmp_path / "card").mkdir()
    (tmp_path / "card" / "ops.yaml").write_text("mine\n")
    result = run_cli("import", sheet, "--into", tmp_path / "card")
    assert result.exit_code == 2 and "already exists; --force replaces them" in result.stderr
    assert (tmp_path / "card" / "ops.yaml").read_text() == "mine\n"
    assert run_cli("import", sheet, "--into", tmp_path / "card", "--force").exit_code == 0
    assert (tmp_path / "card" / "ops.yaml").read_text().startswith("# yaml-language-server")


def test_import_into_a_scorecard_folder_adds_its_teams_and_keeps_what_is_there(run_cli, tmp_path):
    """The usual import: a client's new teams into the folder that holds the rest."""
    card = tmp_path / "card"
    (card / "schemas").mkdir(parents=True)
    (card / "kpoctl.yaml").write_text("today: 2026-11-30\n")
    (card / "schemas" / "team.schema.json").write_text("{}\n")  # the user's own copy: left as it is
    (card / "sales.yaml").write_text("team: sales\nname: Sales team\nparent: ops\n")
    (tmp_path / "card.csv").write_text(sheet_text([TEAM, KPO]))
    result = run_cli("import", tmp_path / "card.csv", "--into", card)
    assert result.exit_code == 0, result.stderr
    assert sorted(teams_of(card)) == ["ops", "sales"]
    assert (card / "kpoctl.yaml").read_text() == "today: 2026-11-30\n"
    assert (card / "schemas" / "team.schema.json").read_text() == "{}\n"
    assert json.loads((card / "schemas" / "settings.schema.json").read_text())["title"]


def test_a_link_where_a_team_file_would_go_is_an_existing_file(run_cli, tmp_path):
    """A link, even one to nothing, is the user's: replaced only with --force, as a file is."""
    card = tmp_path / "card"
    card.mkdir()
    (card / "ops.yaml").symlink_to(tmp_path / "gone.yaml")
    (tmp_path / "card.csv").write_text(sheet_text([TEAM, KPO]))
    result = run_cli("import", tmp_path / "card.csv", "--into", card)
    assert result.exit_code == 2 and f"{card / 'ops.yaml'} already exists" in result.stderr
    assert (card / "ops.yaml").is_symlink() and not (tmp_path / "gone.yaml").exists()


SALES = {"kind": "team", "team": "sales", "title": "Sales team"}


@pytest.mark.parametrize("bad_rows, row", [
    ([{**KPO, "team": "early", "title": "Grow", "id": "grow"}], "row 2, column team"),  # objectives, no team row
    ([{**TEAM, "team": "early", "title": "Early team"}, {**KPO, "team": "early", "id": "Bad Id"}], "row 3, column id"),
    ([{**TEAM, "team": "kpoctl", "title": "The kpoctl team"}], "row 2, column team"),  # its file: the settings'
], ids=["no-team-row", "invalid-entry", "settings-file-id"])
def test_partial_writes_every_team_read_after_a_refused_one(run_cli, tmp_path, bad_rows, row):
    """A refused team early in the sheet leaves out that team, not the ones after it."""
    (tmp_path / "card.csv").write_text(sheet_text([*bad_rows, TEAM, KPO, SALES]))
    result = run_cli("import", tmp_path / "card.csv", "--into", tmp_path / "card", "--partial")
    assert result.exit_code == 1 and row in result.stderr, result.stderr
    assert sorted(p.name for p in (tmp_path / "card").glob("*.yaml")) == ["ops.yaml", "sales.yaml"]


@pytest.mark.parametrize("change, said", [
    ({1: {"meeting": "sometimes"}}, "row 2, column meeting"),                    # the team's row
    ({1: {"title": ""}}, "row 2, column title"),                                 # the team's name is its title
    ({2: {"perspective": "sideways"}}, "row 3, column perspective"),             # an objective's row
    ({3: {"frequency": "hourly"}}, "row 4, column frequency"),                   # an indicator's row
    ({4: {"period": "2026-13"}}, "row 5, column period"),                        # an actual's own row
], ids=["team", "team-title", "objective", "indicator", "actual"])
def test_a_value_the_model_refuses_is_named_by_its_row_and_column(run_cli, tmp_path, change, said):
    """Where the model refuses a value, the user is sent to the cell that gave it."""
    rows = [TEAM, KPO, indicator("otif-rate", ">= 95%"),
            {"kind": "actual", "team": "ops", "id": "otif-rate", "period": "2026-10", "value": "94"}]
    for index, cells in change.items():
        rows[index - 1] = {**rows[index - 1], **cells}
    (tmp_path / "card.csv").write_text(sheet_text(rows, "meeting", "perspective", "frequency"))
    result = run_cli("import", tmp_path / "card.csv", "--into", tmp_path / "card")
    assert result.exit_code == 2
    assert [line.split(" ", 2)[2].split(":")[0] for line in result.stderr.splitlines()[:-1]] == [said], result.stderr


def test_a_text_that_looks_like_a_formula_stays_text_both_ways(run_cli, tmp_path):
    sheet = tmp_path / "card.csv"
    sheet.write_text(sheet_text([{**TEAM, "title": "=HYPERLINK(\"http://x\")"}, KPO]))
    run_cli("import", sheet, "--into", tmp_path / "card")
    run_cli("export", tmp_path / "card", "-o", tmp_path / "out.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "out.xlsx")["scorecard"]["E2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    exported = run_cli("export", tmp_path / "card").stdout
    assert "'=HYPERLINK" in exported  # CSV: a spreadsheet opening it sees text
    assert teams_of(tmp_path / "card")["ops"].name == '=HYPERLINK("http://x")'


def test_a_period_a_spreadsheet_turned_into_a_date_is_refused_not_guessed(run_cli, tmp_path):
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["kind", "team", "id", "level", "title", "target", "direction", "period", "value"])
    sheet.append(["team", "ops", None, None, "Operations"])
    sheet.append([None, "ops", "otif", "KPO", "Deliver 95% of orders on time"])
    sheet.append([None, "ops", "otif-rate", "KPI", "OTIF", 95, "at_least"])
    sheet.append([None, "ops", "otif-rate", None, None, None, None, dt.datetime(2026, 10, 1), 94.1])
    workbook.save(tmp_path / "typed.xlsx")
    result = run_cli("import", tmp_path / "typed.xlsx", "--into", tmp_path / "card")
    assert result.exit_code == 2 and "row 5, column period: the period is a date cell (2026-10-01)" in result.stderr


@pytest.mark.parametrize("content, said", [
    ("kind,team,colour\n", "unknown column 'colour'"),
    ("kind,id\n", "no 'team' column"),
    ("team,team\n", "column team appears twice"),
])
def test_a_sheet_kpoctl_cannot_read_is_one_line_and_exit_2(run_cli, tmp_path, content, said):
    (tmp_path / "s.csv").write_text(content)
    result = run_cli("import", tmp_path / "s.csv", "--into", tmp_path / "card")
    assert result.exit_code == 2 and said in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_workbook_of_several_sheets_says_which_it_reads(run_cli, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "2025"
    workbook.create_sheet("2026")
    workbook.save(tmp_path / "two.xlsx")
    result = run_cli("import", tmp_path / "two.xlsx")
    assert result.exit_code == 2 and "none is named 'scorecard'" in result.stderr
    (tmp_path / "not.xlsx").write_text("plain text")
    assert run_cli("import", tmp_path / "not.xlsx").exit_code == 2


def test_export_writes_every_column_and_the_report_status(run_cli):
    rows = list(csv.DictReader(io.StringIO(run_cli("export", EXAMPLES / "best-company").stdout)))
    assert tuple(rows[0]) == COLUMNS
    otif = next(r for r in rows if r["kind"] == "indicator" and r["team"] == "best-company")
    assert (otif["target"], otif["direction"], otif["baseline"], otif["status"]) == ("95", "at_least", "2025-12=92.5", "on track")


def test_export_of_xlsx_needs_a_file(run_cli):
    result = run_cli("export", EXAMPLES / "best-company", "--format", "xlsx")
    assert result.exit_code == 2 and "give -o FILE.xlsx" in result.stderr


def test_the_template_imports_to_a_team_with_an_objective_an_indicator_and_an_actual(run_cli, tmp_path):
    assert run_cli("export", "--template", "-o", tmp_path / "template.xlsx").exit_code == 0
    result = run_cli("import", tmp_path / "template.xlsx", "--into", tmp_path / "card")
    assert "imported 1 team (1 objective, 1 indicator, 1 actual)" in result.stderr
    team = teams_of(tmp_path / "card")["company"]
    [indicator] = team.indicators
    assert (indicator.target.value, indicator.target.direction, indicator.unit) == (95, "at_least", "%")
    assert [(a.period, a.value) for a in indicator.actuals] == [("2026-10", 94.1)]


def test_a_team_id_that_is_a_path_is_refused_before_anything_is_written(run_cli, tmp_path):
    (tmp_path / "evil.csv").write_text("kind,team,title\nteam,../../evil,Evil\nteam,quiet,\n")
    result = run_cli("import", tmp_path / "evil.csv", "--into", tmp_path / "card")
    assert result.exit_code == 2 and "got '../../evil'" in result.stderr
    assert "row 3, column title: the team row of 'quiet' has no title" in result.stderr
    assert result.stderr.splitlines()[-1] == "kpoctl: error: nothing written: 2 problems in 2 rows"
    assert not (tmp_path / "card").exists() and not (tmp_path.parent / "evil.yaml").exists()


def test_a_team_whose_file_would_be_the_settings_file_is_refused_at_its_row(run_cli, tmp_path):
    """A team with the id `kpoctl` would be written as kpoctl.yaml, which every command reads
    as the settings: the scorecard would stop reading at all."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(sheet_text([TEAM, {**TEAM, "team": "kpoctl", "title": "The kpoctl product team"}]))
    result = run_cli("import", sheet, "--into", tmp_path / "card")
    assert result.exit_code == 2 and not (tmp_path / "card").exists()
    assert "row 3, column team: a team with the id 'kpoctl' would be written as kpoctl.yaml" in result.stderr
    partial = run_cli("import", sheet, "--into", tmp_path / "card", "--partial")
    assert partial.exit_code == 1 and sorted(p.name for p in (tmp_path / "card").glob("*.yaml")) == ["ops.yaml"]
    assert run_cli("lint", tmp_path / "card").exit_code in (0, 1)  # it reads: no settings file was written over


def test_actual_rows_out_of_time_order_are_refused_at_their_row(run_cli, tmp_path):
    """A team file's actuals are oldest first, one per period, so that the latest is the last
    one: rows that would break that are named, and nothing is written."""
    actual = {"kind": "actual", "team": "ops", "id": "otif-rate"}
    (tmp_path / "card.csv").write_text(sheet_text([
        TEAM, KPO, indicator("otif-rate", ">= 95%"), {**actual, "period": "2026-09", "value": 94},
        {**actual, "period": "2026-08", "value": 93}, {**actual, "period": "2026-10", "value": 95}]))
    result = run_cli("import", tmp_path / "card.csv", "--into", tmp_path / "card")
    assert result.exit_code == 2
    assert "row 6, column period: actuals are written oldest first: 2026-08 comes after 2026-09" in result.stderr
    assert not (tmp_path / "card").exists()


@pytest.mark.parametrize("cell, said", [
    ("segment=summ", "row 4, column rollup: segment must be one of sum, mean, weighted_mean, min, max, product; "
                     "got 'summ'"),
    ("sideways", "row 4, column rollup: rollup must be one of sum, mean, weighted_mean, min, max, product, or a "
                 "mapping of dimension to one of them; got 'sideways'"),
])
def test_a_rollup_cell_that_is_no_method_is_one_problem(run_cli, tmp_path, cell, said):
    """As in a team file: one typo, one line, named by what is wrong in it."""
    (tmp_path / "card.csv").write_text(sheet_text([TEAM, KPO, {**indicator("otif-rate", ">= 95%"), "rollup": cell}],
                                                  "rollup"))
    result = run_cli("import", tmp_path / "card.csv", "--into", tmp_path / "card")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:-1] == [f"kpoctl: {tmp_path / 'card.csv'} {said}"], result.stderr


def test_into_a_path_that_is_a_file_is_one_line_and_exit_2(run_cli, tmp_path):
    (tmp_path / "card.csv").write_text(sheet_text([TEAM, KPO]))
    (tmp_path / "taken").write_text("a file\n")
    result = run_cli("import", tmp_path / "card.csv", "--into", tmp_path / "taken")
    assert result.exit_code == 2 and "cannot write into" in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("folder", sorted(p.parent for p in EXAMPLES.glob("*/kpoctl.yaml") if any(
    "team:" in f.read_text() for f in p.parent.glob("*.yaml"))) + [REALWORLD], ids=lambda p: p.name)
def test_the_csv_sheet_from_each_files_rows_is_the_sheet_of_the_whole_model(run_cli, folder):
    """`export` to CSV puts together each team file's rows (its statuses from its own file):
    the same sheet, byte for byte, as the rows of the whole model and graph."""
    from kpoctl.commands.transfer import csv_text, export_rows

    scorecard = load(folder)
    expected = csv_text(export_rows(scorecard, CascadeGraph(scorecard)))
    result = run_cli("export", folder)
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == expected
    assert run_cli("export", folder).stdout == expected  # and from what the first run kept


def test_actuals_with_notes_that_need_quoting_or_a_guard_export_as_the_csv_module_writes_them(run_cli, scorecard):
    """Actual rows are most of a sheet and are written line by line where no cell needs care;
    a note with a comma, a quote, a line break or a formula's first character is quoted or
    guarded exactly as every other cell is, and the sheet reads back to the same notes."""
    notes = ["plain words", "late, then early", 'the "new" count', "two\nlines", "=HYPERLINK(1)", "-3 on May",
             "  spaced  ", "", None]
    actuals = "".join(f"      - {{period: 2026-{month:02}, value: {-month * 1.5 if month % 2 else month}"
                      + (f", note: {json.dumps(note)}" if note is not None else "") + "}\n"
                      for month, note in enumerate(notes, start=1))
    folder = scorecard({"ops.yaml": "team: ops\nname: Operations team\nobjectives:\n  - id: otif\n    level: KPO\n"
                        "    title: Deliver 95% of orders on time and in full\nindicators:\n  - id: otif-rate\n"
                        "    level: KPI\n    measures: otif\n    name: OTIF rate\n"
                        "    target: {value: 95, direction: at_least}\n    actuals:\n" + actuals})
    model = load(folder)
    result = run_cli("export", folder)
    assert result.stdout == csv_text(export_rows(model, CascadeGraph(model)))
    read_back = [row for row in csv.DictReader(io.StringIO(result.stdout)) if row["kind"] == "actual"]
    assert [row["note"] for row in read_back] == [note if note is None or not note.startswith(("=", "-")) else "'" + note
                                                  for note in notes[:-1]] + [""]
    assert [row["value"] for row in read_back][:3] == ["-1.5", "2", "-4.5"]
    written = run_cli("export", folder, "-o", folder / "sheet.csv")
    assert "wrote 12 rows" in written.stderr  # the team, its objective, its indicator and 9 actuals
    assert (folder / "sheet.csv").read_text(encoding="utf-8") == result.stdout


def test_a_team_declared_twice_exports_its_first_file_as_the_graph_keeps(run_cli, scorecard):
    from kpoctl.commands.transfer import csv_text, export_rows

    folder = scorecard({"a.yaml": "team: sales\nname: Sales (first)\n", "b.yaml": "team: sales\nname: Sales (second)\n",
                        "c.yaml": "team: acme\nname: Acme\n"})
    model = load(folder)
    result = run_cli("export", folder)
    assert result.stdout == csv_text(export_rows(model, CascadeGraph(model)))
    assert "Sales (first)" in result.stdout and "Sales (second)" not in result.stdout


ODD_TEXTS = ["on", "null", "~", "true", "NaN", "next\x85line", "line\u2028separator", "para\u2029graph", "del\x7fete", "c1\x9fcontrol", "bell\x07",
             "tab\tand \"quotes\"", "- a dash", "# a hash", "a: colon", "*star", "&amp", "!bang", "yes", "2026-10",
             "café 😀", "nbsp\xa0and zero\u200bwidth"]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_imported_text_reads_back_exactly_as_the_sheet_gives_it(run_cli, tmp_path, text):
    """A title YAML would fold (NEL, LS, PS), refuse (DEL, C1 controls) or read as something
    else is written so that lint and ruamel.yaml read back the sheet's text, byte for byte."""
    from ruamel.yaml import YAML

    sheet = tmp_path / "card.csv"
    sheet.write_text(sheet_text([{**TEAM, "title": text}, {**KPO, "title": f"Deliver {text}"},
                                 indicator("otif-rate", "95", "at_least", "%") | {"title": text}]), encoding="utf-8")
    result = run_cli("import", sheet, "--into", tmp_path / "card")
    assert result.exit_code == 0, result.stderr
    team = teams_of(tmp_path / "card")["ops"]
    assert (team.name, team.objectives[0].title, team.indicators[0].name) == (text, f"Deliver {text}", text)
    data = YAML(typ="rt").load((tmp_path / "card" / "ops.yaml").read_text(encoding="utf-8"))
    assert (data["name"], data["objectives"][0]["title"], data["indicators"][0]["name"]) == (text, f"Deliver {text}", text)
    yaml11 = yaml.safe_load((tmp_path / "card" / "ops.yaml").read_text(encoding="utf-8"))  # `yes` is true there
    assert (yaml11["name"], yaml11["indicators"][0]["name"]) == (text, text)


@pytest.mark.parametrize("wrong", [
    lambda text: text.replace("Operations management team", "Operations team"),  # reads as another team
    lambda text: "",                                                               # reads as no team file at all
    lambda text: text + "bogus: 1\n",  # reads as the same model, with a problem (an unknown field)
], ids=["other-model", "no-team", "a-problem"])
def test_a_file_that_would_not_read_back_as_the_sheet_is_not_written(run_cli, tmp_path, monkeypatch, wrong):
    """The last check before import writes: each file read as lint reads it must be the
    model of its rows, with nothing to say; a writer that gets one wrong (simulated here)
    writes nothing."""
    import kpoctl.commands.transfer

    real = kpoctl.commands.transfer.render_team
    monkeypatch.setattr(kpoctl.commands.transfer, "render_team", lambda team: wrong(real(team)))
    sheet = tmp_path / "card.csv"
    sheet.write_text(sheet_text([TEAM, KPO]))
    result = run_cli("import", sheet, "--into", tmp_path / "card")
    assert result.exit_code == 2 and "team ops's file would not read back as the sheet gives it" in result.stderr
    assert not (tmp_path / "card").exists()


@pytest.mark.parametrize("text", ["bell\x07 and escape\x1b[31m", "nul\x00", "a literal _x0041_ and _x005F_x0042_",
                                  "next\x85line"])
def test_text_an_xlsx_cell_cannot_hold_as_it_is_goes_there_and_back(run_cli, tmp_path, text):
    """XML cannot hold most control characters: the cell holds OOXML's escape (_x0007_), as
    Excel writes it, and a literal _xHHHH_ is escaped too; import reads both back."""
    from conftest import write_files

    write_files(tmp_path / "card", {"ops.yaml": f"team: ops\nname: {json.dumps(text)}\nindicators:\n"
                                                f"  - {{id: otif-rate, level: KPI, name: {json.dumps(text)}}}\n"})
    result = run_cli("export", tmp_path / "card", "-o", tmp_path / "card.xlsx")
    assert result.exit_code == 0, result.stderr
    assert run_cli("import", tmp_path / "card.xlsx", "--into", tmp_path / "back").exit_code == 0
    team = teams_of(tmp_path / "back")["ops"]
    assert (team.name, team.indicators[0].name) == (text, text)
    assert teams_of(tmp_path / "back") == teams_of(tmp_path / "card")


def test_an_xlsx_cell_holds_the_escapes_excel_reads(run_cli, tmp_path):
    from conftest import write_files

    write_files(tmp_path / "card", {"ops.yaml": 'team: ops\nname: "bell\\a, a literal _x0041_"\n'})
    assert run_cli("export", tmp_path / "card", "-o", tmp_path / "card.xlsx").exit_code == 0
    cells = [c for row in openpyxl.load_workbook(tmp_path / "card.xlsx")["scorecard"].iter_rows(values_only=True)
             for c in row if isinstance(c, str) and c.startswith("bell")]
    assert cells == ["bell_x0007_, a literal _x005F_x0041_"]


def test_an_xlsx_export_reads_as_a_sheet_to_edit(run_cli, tmp_path):
    """What a manager opening the workbook sees: the header row bold and frozen, text cells
    as text (a period stays 2026-10), and a note of several lines shown whole."""
    from conftest import write_files

    write_files(tmp_path / "card", {"ops.yaml": "team: ops\nname: Ops\nindicators:\n  - id: otif-rate\n    level: KPI\n"
                                                "    name: OTIF\n    actuals:\n      - {period: 2026-10, value: 94, "
                                                'note: "late trucks\\nand a strike"}\n'})
    assert run_cli("export", tmp_path / "card", "-o", tmp_path / "card.xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "card.xlsx")["scorecard"]
    assert [c.value for c in sheet[1]] == list(COLUMNS) and all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert cells["2026-10"].number_format == "@"
    assert cells["late trucks\nand a strike"].alignment.wrap_text
    assert not cells["2026-10"].alignment.wrap_text


WRITTEN_AS_PEOPLE_WRITE = "".join(line + "\n" for line in [  # every kind of field import writes
    'kind,team,id,level,title,parent,owner,meeting,role,supports,by,weight,cascades_from,perspective,due,shared_with,evaluation,measures,unit,timing,frequency,source,target,direction,tolerance,baseline,targets,rollup,actions,period,value,note,description,status',
    'team,ops,,,"Operations, logistics and returns team",,Head of ops,monthly,,,,,,,,,,,,,,,,,,,,,,,,,,',
    'objective,ops,otif,KPO,Deliver 95% of orders on time and in full,,,,,,,,,customer,2026-12-31,sales,,,,,,,,,,,,,,,,,,',
    'objective,ops,speed,KPO,yes,,,,,,,,,,,,,,,,,,,,,,,,,,,,,',
    'objective,ops,north,PO,Ship the north region on time: a breakdown,,,,breakdown,otif,site,0.4,,,,,,,,,,,,,,,,,,,,,,',
    'objective,ops,both,PO,Train the team # twice,,,,enabling,"otif, speed",,,,,,,,,,,,,,,,,,,,,,,,',
    'indicator,ops,otif-rate,KPI,OTIF rate,,COO,,,,,,,,,,,otif,%,lagging,monthly,ERP,>= 95%,,1,2026-01=90,2026-06=93,site=min,"Weekly review of late orders; Call the carrier",,,,,',
    'actual,ops,otif-rate,,,,,,,,,,,,,,,,,,,,,,,,,,,2026-10,94.1,"late trucks, then a strike",,',
    'actual,ops,otif-rate,,,,,,,,,,,,,,,,,,,,,,,,,,,2026-11,95,,,',
    'indicator,ops,late-orders,PI,Late orders,,,,,,,,,,,,,north,orders,leading,weekly,,<= 20 orders,,,,,sum,,,,,2026-12-31,',
])


def test_import_writes_a_team_file_as_people_write_one(run_cli, tmp_path):
    """The file a client gets in their repository: block style, a target and each actual on
    one line, one KPO supported without brackets, dates and periods unquoted, text quoted
    only where a YAML reader (1.1 included: `yes`) would read something else."""
    (tmp_path / "sheet.csv").write_text(WRITTEN_AS_PEOPLE_WRITE)
    assert run_cli("import", tmp_path / "sheet.csv", "--into", tmp_path / "card").exit_code == 0
    assert (tmp_path / "card" / "ops.yaml").read_text() == (
        '# yaml-language-server: $schema=schemas/team.schema.json\n'
        'team: ops\n'
        'name: Operations, logistics and returns team\n'
        'owner: Head of ops\n'
        'meeting: monthly\n'
        '\n'
        'objectives:\n'
        '  - id: otif\n'
        '    level: KPO\n'
        '    title: Deliver 95% of orders on time and in full\n'
        '    perspective: customer\n'
        '    due: 2026-12-31\n'
        '    shared_with: [sales]\n'
        '  - id: speed\n'
        '    level: KPO\n'
        '    title: "yes"\n'
        '  - id: north\n'
        '    level: PO\n'
        '    role: breakdown\n'
        '    supports: otif\n'
        '    by: site\n'
        '    weight: 0.4\n'
        '    title: "Ship the north region on time: a breakdown"\n'
        '  - id: both\n'
        '    level: PO\n'
        '    role: enabling\n'
        '    supports: [otif, speed]\n'
        '    title: "Train the team # twice"\n'
        '\n'
        'indicators:\n'
        '  - id: otif-rate\n'
        '    level: KPI\n'
        '    measures: otif\n'
        '    name: OTIF rate\n'
        '    unit: "%"\n'
        '    timing: lagging\n'
        '    frequency: monthly\n'
        '    owner: COO\n'
        '    source: ERP\n'
        '    target: {value: 95, direction: at_least, tolerance: 1}\n'
        '    baseline: {period: 2026-01, value: 90}\n'
        '    targets:\n'
        '      - {period: 2026-06, value: 93}\n'
        '    rollup: {site: min}\n'
        '    actions:\n'
        '      - "Weekly review of late orders; Call the carrier"\n'
        '    actuals:\n'
        '      - {period: 2026-10, value: 94.1, note: "late trucks, then a strike"}\n'
        '      - {period: 2026-11, value: 95}\n'
        '  - id: late-orders\n'
        '    level: PI\n'
        '    measures: north\n'
        '    name: Late orders\n'
        '    unit: orders\n'
        '    timing: leading\n'
        '    frequency: weekly\n'
        '    target: {value: 20, direction: at_most}\n'
        '    rollup: sum\n'
        '    description: "2026-12-31"\n'
    )
