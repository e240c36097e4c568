"""Rules KP1: the cascade. Every rule gives its findings at the expected places and none on a
passing scorecard."""

from __future__ import annotations

import pytest
from rule_cases import family_tests

test_rule_gives_exactly_the_expected_findings = family_tests("KP1")


@pytest.mark.parametrize("fields, message", [
    ("", "PO 'po' has no `role` (breakdown or enabling) and supports no KPO; add `role:` and `supports: <KPO id>`"),
    ("role: enabling, ", "PO 'po' supports no KPO; add `supports: <KPO id>`"),
    ("supports: k, ", "PO 'po' has no `role` (breakdown or enabling); add `role:`"),
    ("role: enabling, supports: k, ", None),
])
def test_a_po_gets_one_finding_naming_every_missing_part(run_cli, scorecard, fields, message):
    card = scorecard({"top.yaml": "team: top\nname: Top\nowner: CEO\nobjectives:\n"
                                  "  - {id: k, level: KPO, title: Deliver 95% of orders on time}\n"
                                  f"  - {{id: po, level: PO, {fields}title: Confirm 98% of orders within a day}}\n"})
    found = [f["message"] for f in run_cli("lint", card, "--format", "json", "--select", "KP106").json()]
    assert found == ([message] if message else [])
