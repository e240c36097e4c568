"""The rule registry: every code of RULES.md, each with its documentation, and the README's
rule table generated from it."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, uncoloured

from kpoctl.common.findings import Severity
from kpoctl.rules import REGISTRY, closest_code, get

SPEC = ROOT.parent / "shared" / "spec" / "RULES.md"
LETTER = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}


@pytest.mark.skipif(not SPEC.exists(), reason="the spec (../shared/spec/RULES.md) is not beside the repository")
def test_every_code_of_the_spec_is_registered_with_its_default_severity():
    spec = dict(re.findall(r"^\| (KP\d{3}) \| ([EWI]) \|", SPEC.read_text(), re.M))
    assert len(spec) > 30
    assert {code: LETTER[REGISTRY[code].severity] for code in spec if code in REGISTRY} == spec
    assert set(spec) <= set(REGISTRY)  # codes beyond the spec's (KP007, the engine's own) are kpoctl's additions


def test_every_rule_explains_itself():
    for rule in REGISTRY.values():
        assert rule.summary and rule.name and re.fullmatch(r"[a-z0-9-]+", rule.name)
        assert len(rule.rationale.split()) >= 15, rule.code
        assert rule.bad.strip() and rule.good.strip() and rule.bad != rule.good


def test_what_a_rule_waits_for_is_a_field_of_an_entry_and_explain_says_so(run_cli):
    """A name in `reads` that is no field would never match a KP002, and the rule would
    repeat the typo it depends on (kpoctl.rules.engine.Unread)."""
    from kpoctl.model import Indicator, Objective

    fields = set(Objective.model_fields) | set(Indicator.model_fields)
    for rule in REGISTRY.values():
        assert rule.reads <= fields, rule.code
    assert "has a KP002 on its `perspective`" in " ".join(run_cli("explain", "KP405").stdout.split())


def test_readme_opens_with_the_two_quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start")[1].split("```sh\n")[1].split("```")[0]
    assert block.splitlines() == [
        "pip install . && kpoctl lint examples/best-company",
        'pip install ".[test]" && python -m pytest',
    ]
    assert 'pip install ".[test]" && python -m pytest' in (ROOT / ".ci" / "run").read_text()


def test_closest_code_forgives_lookalikes():
    assert closest_code("kp1o1") == "KP101"
    assert get("kp407").code == "KP407"


def test_explain_wraps_each_paragraph_once_and_leaves_no_trailing_blanks(run_cli):
    from kpoctl.output.explain import unwrapped, waits_note
    from kpoctl.rules import REGISTRY

    for code in ("KP306", "KP101", "KP007"):
        text = run_cli("explain", code, env={"COLUMNS": "80"}).stdout
        assert not any(line.endswith(" ") for line in text.splitlines()), code
        why = text.split("\nWhy\n", 1)[1].split("\nBad\n", 1)[0]
        said = [unwrapped(REGISTRY[code].rationale), waits_note(REGISTRY[code]) or ""]
        assert " ".join(why.split()) == " ".join(" ".join(said).split())
        assert all(len(line) <= 80 for line in why.splitlines())


def test_explain_list_is_in_code_order(run_cli):
    text = run_cli("explain", "--list", env={"COLUMNS": "200"}).stdout
    codes = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│ KP")]
    assert codes == sorted(codes) and len(codes) > 30


@pytest.mark.parametrize("columns", ["80", "40"])
def test_explain_list_keeps_every_code_name_and_severity_whole(run_cli, columns):
    """At 40 columns rich gave the code column no room at all and cut names: a terminal that
    narrow wraps the table's lines instead; at 80 the summaries fold within the line."""
    text = run_cli("explain", "--list", env={"COLUMNS": columns}).stdout
    rows = [[cell.strip() for cell in line.split("│")[1:4]] for line in text.splitlines() if line.startswith("│ KP")]
    assert [row[0] for row in rows] == sorted(REGISTRY)
    assert all(row[1:] == [REGISTRY[row[0]].name, REGISTRY[row[0]].severity.value] for row in rows)
    if columns == "80":
        assert max(len(line) for line in text.splitlines()) <= 80


def test_every_rule_has_cases_that_find_and_cases_that_stay_silent():
    from rule_cases import cases_of, codes_of

    assert codes_of() == sorted(REGISTRY)
    for code in REGISTRY:
        cases = cases_of(code)
        assert any(case.expect for case in cases), f"{code}: no case where the rule finds something"
        assert any(not case.expect for case in cases), f"{code}: no case where the rule stays silent"


@pytest.mark.parametrize("columns, longest", [("30", 30), ("60", 60), ("200", 100)])
def test_explain_wraps_prose_to_the_terminal_and_under_100_columns(run_cli, columns, longest):
    """Prose reads best under a hundred columns; the indented rationale keeps within the
    same width as the summary."""
    from kpoctl.rules import REGISTRY

    widest = 0
    for code in REGISTRY:
        prose = run_cli("explain", code, env={"COLUMNS": columns}).stdout.split("\nBad\n", 1)[0].splitlines()
        here = max(len(line) for line in prose)
        assert here <= longest, code
        widest = max(widest, here)
    assert widest >= longest - 2  # wrapped at that width, not narrower
    why = run_cli("explain", "KP306", env={"COLUMNS": columns}).stdout.split("\nWhy\n", 1)[1].split("\n\n", 1)[0]
    assert all(line.startswith("  ") for line in why.splitlines())  # wrapped once: every line keeps the indent


def test_explain_in_a_colour_terminal_highlights_the_examples_indented_as_piped(run_cli):
    coloured = run_cli("explain", "KP402", env={"FORCE_COLOR": "1", "NO_COLOR": None, "COLUMNS": "80"}).stdout
    piped = run_cli("explain", "KP402", env={"COLUMNS": "80"}).stdout
    bad = coloured.split("Bad", 1)[1].split("Good", 1)[0]
    assert all("\x1b[" in line for line in bad.splitlines() if "team" in line)  # the YAML highlighted
    plain = uncoloured(coloured)
    assert [line.rstrip() for line in plain.splitlines()] == piped.splitlines()
