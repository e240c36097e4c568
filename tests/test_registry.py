"""The rule registry: every code of RULES.md, each with its documentation, and the README's
rule table generated from it."""

from __future__ import annotations

import re

from kpoctl.explain import rules_markdown
from kpoctl.findings import Severity
from kpoctl.rules import REGISTRY, closest_code, get
from conftest import ROOT

RULES_MD = {
    "KP001": "E", "KP002": "E", "KP003": "E", "KP004": "E", "KP005": "E", "KP006": "E",
    "KP101": "E", "KP102": "E", "KP103": "E", "KP104": "E", "KP105": "W", "KP106": "E", "KP107": "W",
    "KP108": "W", "KP109": "W", "KP110": "W", "KP201": "W", "KP202": "W", "KP203": "W",
    "KP301": "W", "KP302": "W", "KP303": "W", "KP304": "W", "KP305": "I", "KP306": "W", "KP307": "W",
    "KP401": "W", "KP402": "W", "KP403": "W", "KP404": "W", "KP405": "W", "KP406": "I", "KP407": "W",
    "KP408": "W", "KP409": "I",
}
LETTER = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}


def test_every_code_of_rules_md_is_registered_with_its_default_severity():
    assert {code: LETTER[REGISTRY[code].severity] for code in RULES_MD} == RULES_MD
    assert set(REGISTRY) - set(RULES_MD) == {"KP007"}


def test_spec_file_lists_the_same_codes_when_present():
    spec = ROOT.parent / "shared" / "spec" / "RULES.md"
    if spec.exists():
        assert set(re.findall(r"^\| (KP\d{3}) \| ([EWI]) \|", spec.read_text(), re.M)) == set(RULES_MD.items())


def test_every_rule_explains_itself():
    for rule in REGISTRY.values():
        assert rule.summary and rule.name and re.fullmatch(r"[a-z0-9-]+", rule.name)
        assert len(rule.rationale.split()) >= 15, rule.code
        assert rule.bad.strip() and rule.good.strip() and rule.bad != rule.good


def test_readme_rule_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- rules-table:start -->\n")[1].split("<!-- rules-table:end -->")[0]
    assert table == rules_markdown(), "README rule table is stale: regenerate it from kpoctl.explain.rules_markdown()"


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
    from kpoctl.explain import unwrapped
    from kpoctl.rules import REGISTRY

    for code in ("KP306", "KP101", "KP007"):
        text = run_cli("explain", code, env={"COLUMNS": "80"}).stdout
        assert not any(line.endswith(" ") for line in text.splitlines()), code
        why = text.split("\nWhy\n", 1)[1].split("\nBad\n", 1)[0]
        assert " ".join(why.split()) == " ".join(unwrapped(REGISTRY[code].rationale).split())
        assert all(len(line) <= 80 for line in why.splitlines())


def test_explain_list_is_in_code_order(run_cli):
    text = run_cli("explain", "--list", env={"COLUMNS": "200"}).stdout
    codes = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│ KP")]
    assert codes == sorted(codes) and len(codes) > 30


def test_every_rule_has_cases_that_find_and_cases_that_stay_silent():
    from rule_cases import cases_of, codes_of

    assert codes_of() == sorted(REGISTRY)
    for code in REGISTRY:
        cases = cases_of(code)
        assert any(case.expect for case in cases), f"{code}: no case where the rule finds something"
        assert any(not case.expect for case in cases), f"{code}: no case where the rule stays silent"
