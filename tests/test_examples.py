"""Every example gives exactly the findings its README lists, and every file in it points
editors at the schema."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES

from kpoctl.bench.history import replay
from kpoctl.graph import CascadeGraph
from kpoctl.read.load import load
from kpoctl.rules import REGISTRY

ROW = re.compile(r"^\| (KP\d{3}) \| ([\w./-]+):(\d+) \|", re.M)
EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())


def expected(folder: Path) -> list[tuple[str, str, int]]:
    return [(code, file, int(line)) for code, file, line in ROW.findall((folder / "README.md").read_text())]


PROFILES = ["okr", "cpi-kpi-kpa", "bsc", "omtm"]


def test_there_are_the_examples_and_one_clean_and_one_with_defects_per_profile():
    assert [p.name for p in EXAMPLE_DIRS] == sorted(
        ["best-company", "broken", "gamed-history", "northwind", "spreadsheet", *PROFILES,
         *(f"{p}-defects" for p in PROFILES)])


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_has_a_clean_example_and_one_whose_defects_its_own_rules_find(run_cli, profile):
    assert run_cli("lint", EXAMPLES / profile, "--format", "json", "--fail-on", "info").json() == []
    found = {f["code"] for f in run_cli("lint", EXAMPLES / f"{profile}-defects", "--format", "json").json()}
    own = {code for code, rule in REGISTRY.items() if rule.profile == profile}
    assert own and own <= found


@pytest.mark.parametrize("folder", EXAMPLE_DIRS, ids=lambda p: p.name)
def test_example_gives_exactly_the_findings_its_readme_lists(run_cli, folder, tmp_path):
    if (folder / "commits.yaml").exists():  # a history: replayed into a repository, checked with --history
        findings = run_cli("lint", replay(folder / "commits.yaml", tmp_path / folder.name), "--history",
                           "--format", "json", "--fail-on", "info").json()
    elif (folder / "client-scorecard.xlsx").exists():  # a spreadsheet: imported, then linted
        assert run_cli("import", folder / "client-scorecard.xlsx", "--into", tmp_path / "card").exit_code == 0
        shutil.copy(folder / "kpoctl.yaml", tmp_path / "card")
        findings = run_cli("lint", tmp_path / "card", "--format", "json", "--fail-on", "info").json()
    else:
        findings = run_cli("lint", folder, "--format", "json", "--fail-on", "info").json()
    assert [(f["code"], f["file"], f["line"]) for f in findings] == expected(folder)


def test_the_history_example_shows_every_history_rule(run_cli, tmp_path):
    repository = replay(EXAMPLES / "gamed-history" / "commits.yaml", tmp_path / "harbor")
    codes = {f["code"] for f in run_cli("history", repository, "--format", "json").json()}
    assert codes == {code for code in REGISTRY if code.startswith("KP5")}


def test_the_spreadsheet_example_reads_the_same_from_its_workbook_and_its_csv_and_exports_back(run_cli, tmp_path):
    folder = EXAMPLES / "spreadsheet"
    for name in ("client-scorecard.xlsx", "client-scorecard.csv"):
        result = run_cli("import", folder / name, "--into", tmp_path / name)
        assert result.exit_code == 0 and "row 31, column target: target 'Improve steadily'" in result.stderr
    teams = [{n: r.team for n, r in CascadeGraph(load(tmp_path / name)).teams.items()}
             for name in ("client-scorecard.xlsx", "client-scorecard.csv")]
    assert teams[0] == teams[1] and len(teams[0]) == 3
    run_cli("export", tmp_path / "client-scorecard.xlsx", "-o", tmp_path / "back.xlsx")
    run_cli("import", tmp_path / "back.xlsx", "--into", tmp_path / "back")
    assert {n: r.team for n, r in CascadeGraph(load(tmp_path / "back")).teams.items()} == teams[0]


# commits.yaml is not a team file: the team files it writes carry the line
@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.rglob("*.yaml") if p.name != "commits.yaml"),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_files_start_with_the_schema_line(path):
    first = path.read_text().splitlines()[0]
    kind = "settings" if path.name == "kpoctl.yaml" else "team"
    assert first == f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"


def test_best_company_shows_the_model_predictions(run_cli):
    findings = run_cli("lint", EXAMPLES / "best-company", "--format", "json").json()
    messages = {f["code"]: f["message"] for f in findings}
    assert messages["KP407"] == "step: 95% x 95% = 90.25%, short of the 95% target of unit-1/otif-rate"
    assert "missing: financial, process, learning" in messages["KP405"]
    assert messages["KP404"].startswith("team 'best-company' has no leading indicator")
