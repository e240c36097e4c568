"""Every output format comes out of the same findings; each is checked for its structure,
not only by snapshot."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from conftest import EXAMPLES

from kpoctl.rules import REGISTRY


def lint(run_cli, fmt, folder="broken"):
    return run_cli("lint", EXAMPLES / folder, "--format", fmt)


def test_sarif_has_one_rule_per_code_and_located_results(run_cli, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    findings = lint(run_cli, "json").json()
    result = lint(run_cli, "sarif")
    assert result.exit_code == 1
    log = result.json()
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(REGISTRY)
    kp101 = next(r for r in rules if r["id"] == "KP101")
    assert kp101["name"] == "orphan-kpi" and kp101["defaultConfiguration"]["level"] == "error"
    assert kp101["shortDescription"]["text"] and "Bad" in kp101["help"]["text"]
    assert len(run["results"]) == len(findings)
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["KP101"] == "error" and levels["KP301"] == "warning" and levels["KP406"] == "note"
    first = run["results"][0]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (findings[0]["line"], findings[0]["column"])
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken/" + findings[0]["file"]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"]


def test_github_annotations(run_cli, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    lines = lint(run_cli, "github").stdout.splitlines()
    assert len(lines) == len(lint(run_cli, "json").json())
    assert "::error file=broken/sales.yaml,line=37,col=5,title=KP101::orphan KPI: 'call-count' measures no " \
           "objective; add `measures: <KPO id>`" in lines
    assert any(line.startswith("::warning ") for line in lines)
    assert any(line.startswith("::notice ") for line in lines)


def test_junit_has_a_suite_per_file_and_a_case_per_finding(run_cli):
    findings = lint(run_cli, "json").json()
    root = ET.fromstring(lint(run_cli, "junit").stdout)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 6
    failures = root.findall("testsuite/testcase/failure")
    assert len(failures) == len(findings) == int(root.get("failures"))
    assert {f.get("type") for f in failures} == {"error", "warning", "info"}
    for suite in suites:  # a file with findings: a failing case each, and no passing one
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) == int(suite.get("failures")) == len(suite.findall(".//failure"))
    assert int(root.get("tests")) == len(findings) + sum(1 for s in suites if s.get("failures") == "0")
    clean = ET.fromstring(lint(run_cli, "junit", "northwind").stdout)
    assert len(clean.findall("testsuite")) == 9 and not clean.findall(".//failure")
    assert clean.get("tests") == "9"  # a clean file is one passing case
    assert all(s.get("tests") == "1" and [c.get("name") for c in s.findall("testcase")] == ["kpoctl"]
               for s in clean.findall("testsuite"))


def test_text_in_colour_styles_each_severity_and_never_breaks_a_line(run_cli, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    plain = run_cli("lint", "broken").stdout
    monkeypatch.delenv("NO_COLOR")
    coloured = run_cli("lint", "broken", env={"FORCE_COLOR": "1", "COLUMNS": "40"}).stdout
    assert "\x1b[1;31mKP101\x1b[0m" in coloured  # error: bold red
    assert "\x1b[33mKP301\x1b[0m" in coloured  # warning: yellow
    assert "\x1b[36mKP406\x1b[0m" in coloured  # info: cyan
    # the same lines as without colour: a narrow terminal wraps them, rich does not break them
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert "\n\nbroken/sales.yaml\nbroken/sales.yaml:" in plain  # a blank line before each file's group


def test_json_output_is_alone_on_stdout(run_cli):
    result = lint(run_cli, "json")
    assert json.loads(result.stdout) and result.stderr == ""


def test_every_format_lint_offers_has_its_reporter():
    from kpoctl.commands.cli import LintFormat
    from kpoctl.output.reporters import REPORTERS, reporter_for

    assert [f.value for f in LintFormat] == list(REPORTERS)
    assert all(reporter_for(name).name == name for name in REPORTERS)
