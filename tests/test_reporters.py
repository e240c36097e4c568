"""Every output format comes out of the same findings; each is checked for its structure,
not only by snapshot."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import EXAMPLES, Terminal, uncoloured
from hypothesis import example, given
from hypothesis import strategies as st

from kpoctl.common.findings import Finding, Severity
from kpoctl.output.reporters.base import RunInfo
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
    assert uncoloured(coloured) == plain
    assert "\n\nbroken/sales.yaml\nbroken/sales.yaml:" in plain  # a blank line before each file's group


def test_json_output_is_alone_on_stdout(run_cli):
    result = lint(run_cli, "json")
    assert json.loads(result.stdout) and result.stderr == ""


def test_every_format_lint_offers_has_its_reporter():
    from kpoctl.commands.cli import LintFormat
    from kpoctl.output.reporters import REPORTERS, reporter_for

    assert [f.value for f in LintFormat] == list(REPORTERS)
    assert all(reporter_for(name).name == name for name in REPORTERS)


_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)  # wide, combining, RTL, emoji, controls


@given(
    findings=st.lists(
        st.builds(Finding, code=st.sampled_from(["KP101", "KP301", "KP406"]), severity=st.sampled_from(list(Severity)),
                  message=_TEXT, file=st.sampled_from(["a.yaml", "teams/b.yaml", "é 東京.yaml"]),
                  line=st.integers(1, 9999), column=st.integers(1, 99)),
        max_size=6),
    gone=st.lists(st.fixed_dictionaries({"code": st.just("KP201"), "team": _TEXT, "id": _TEXT, "message": _TEXT}),
                  max_size=2),
    columns=st.sampled_from([None, "20", "200"]),
)
@example(findings=[], gone=[], columns=None)
def test_text_piped_is_what_rich_writes_without_a_terminal(findings, gone, columns):
    """Piped text is written without rich (a warm lint's start-up): the same characters
    rich writes for no terminal, whatever the findings hold and whatever COLUMNS says."""
    from kpoctl.output.reporters import text

    info = RunInfo(root=Path("."), files=("a.yaml", "teams/b.yaml"), baseline_gone=tuple(gone))
    findings = sorted(findings, key=lambda f: f.sort_key)
    direct, through_rich = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLUMNS"):
            patch.delenv(name, raising=False)
        if columns is not None:
            patch.setenv("COLUMNS", columns)
        text.TextReporter().write(findings, info, direct)
        patch.setattr(text, "surely_plain", lambda stream: False)
        text.TextReporter().write(findings, info, through_rich)
    assert direct.getvalue() == through_rich.getvalue()
    assert "\x1b" not in direct.getvalue()


def test_text_goes_through_rich_only_where_it_may_show_style(monkeypatch):
    from kpoctl.output.reporters.text import surely_plain

    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    assert surely_plain(io.StringIO()) and not surely_plain(Terminal())
    closed = io.StringIO()
    closed.close()
    assert surely_plain(closed)
    for name, value in (("FORCE_COLOR", ""), ("FORCE_COLOR", "1"), ("TTY_COMPATIBLE", "0"), ("TTY_COMPATIBLE", "1")):
        monkeypatch.setenv(name, value)
        assert not surely_plain(io.StringIO()), (name, value)  # rich decides
        monkeypatch.delenv(name)


def test_piped_lint_does_not_load_rich(tmp_path):
    """What a pre-commit hook or a CI log pays on every run: piped text without rich."""
    script = ("import sys\nfrom kpoctl.commands.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    ran = subprocess.run([sys.executable, "-c", script, "lint", str(EXAMPLES / "best-company"), "--no-cache"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert "KP407" in ran.stdout and ran.stderr.endswith("[]")
    ran = subprocess.run([sys.executable, "-c", script, "lint", str(EXAMPLES / "best-company"), "--no-cache"],
                         capture_output=True, text=True, env={**env, "FORCE_COLOR": "1"}, cwd=tmp_path, timeout=120)
    assert "\x1b[" in ran.stdout and "'rich'" in ran.stderr


def test_piped_output_loses_only_the_spaces_that_end_a_line():
    """Spaces a write ends with are held until the next shows whether a line ends there."""
    import io

    from kpoctl.output.reporters.text import console_for

    out = io.StringIO()
    file = console_for(out).file
    for piece in ["a  ", "  b   ", "\n", "   ", "c", "    \n  \n", "d  "]:
        file.write(piece)
    assert out.getvalue() == "a    b\n   c\n\nd"
