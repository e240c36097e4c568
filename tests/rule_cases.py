"""Data-driven rule tests: `tests/fixtures/rules/CODE/{fail,pass}/` are small scorecards.

`fail/expected.txt` lists the `file:line:column` of each finding the rule must give;
`pass/` must give none. A rule is selected alone unless the fixture's kpoctl.yaml
selects more (KP007 needs the rule it suppresses)."""

from __future__ import annotations

from pathlib import Path

from kpoctl.engine import Selection, lint
from kpoctl.load import load

from conftest import FIXTURES

CASES = FIXTURES / "rules"


def codes_of(prefix: str) -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.name.startswith(prefix))


def findings(folder: Path, code: str) -> list[str]:
    scorecard = load(folder)
    select = list(scorecard.settings.rules.select)
    selection = Selection.build(select if select != ["ALL"] else [code], [])
    return [f"{f.file}:{f.line}:{f.column}" for f in lint(scorecard, selection) if f.code == code]


def check_fail(code: str) -> None:
    folder = CASES / code / "fail"
    expected = (folder / "expected.txt").read_text().split()
    assert findings(folder, code) == expected


def check_pass(code: str) -> None:
    assert findings(CASES / code / "pass", code) == []


def family_tests(prefix: str):
    """The two tests of a rule family's module, parametrised over its codes."""
    import pytest

    codes = codes_of(prefix)

    @pytest.mark.parametrize("code", codes)
    def test_rule_finds_the_problem_where_it_is(code):
        check_fail(code)

    @pytest.mark.parametrize("code", codes)
    def test_rule_is_silent_on_a_good_scorecard(code):
        check_pass(code)

    return test_rule_finds_the_problem_where_it_is, test_rule_is_silent_on_a_good_scorecard
