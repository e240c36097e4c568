"""Rule cases as data: `tests/rule_cases/CODE.yaml` holds the rule's named cases.

Each case is a small scorecard (`files`: name -> YAML text) and every finding of
that rule it must give, in order, as `file:line:column: message`. A case without a
`kpoctl.yaml` gets `today: 2026-11-21`, so dates never depend on the day the suite
runs. The rule runs alone unless the case's kpoctl.yaml selects more (KP007 needs
the rule it suppresses)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kpoctl.read.load import load
from kpoctl.rules.engine import Selection, lint

CASES = Path(__file__).resolve().parent / "rule_cases"
DEFAULT_SETTINGS = "today: 2026-11-21\n"


@dataclass(frozen=True)
class Case:
    code: str
    name: str
    files: dict[str, str]
    expect: list[str]

    @property
    def id(self) -> str:
        return f"{self.code}-{self.name}"

    def write(self, folder: Path) -> Path:
        """The case's scorecard, written below `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        files = {"kpoctl.yaml": DEFAULT_SETTINGS, **self.files}
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder


def codes_of(prefix: str = "KP") -> list[str]:
    return sorted(p.stem for p in CASES.glob(f"{prefix}*.yaml"))


def cases_of(code: str) -> list[Case]:
    data = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
    cases = []
    for item in data:
        expect = [f"{at}: {message}" for finding in item["expect"] for at, message in finding.items()]
        cases.append(Case(code, item["case"], item["files"], expect))
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), f"{code}: two cases share a name"
    return cases


def all_cases(prefix: str = "KP") -> list[Case]:
    return [case for code in codes_of(prefix) for case in cases_of(code)]


def findings(folder: Path, code: str) -> list[str]:
    """The rule's findings on the scorecard in `folder`, as the cases write them."""
    scorecard = load(folder)
    select = list(scorecard.settings.rules.select)
    selection = Selection.build(select if select != ["ALL"] else [code], [])
    return [f"{f.file}:{f.line}:{f.column}: {f.message}" for f in lint(scorecard, selection) if f.code == code]


def family_tests(prefix: str):
    """The test of a rule family's module, parametrised over its codes' cases."""
    import pytest

    @pytest.mark.parametrize("case", all_cases(prefix), ids=lambda c: c.id)
    def test_rule_gives_exactly_the_expected_findings(case, tmp_path):
        assert findings(case.write(tmp_path / "card"), case.code) == case.expect

    return test_rule_gives_exactly_the_expected_findings
