"""What `python tools/docs.py` generates from the code (README rule table, docs/rules.md,
the examples' finding tables) is current: regenerate, never edit by hand."""

from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("kpoctl_docs", ROOT / "tools" / "docs.py")
docs = importlib.util.module_from_spec(_spec)
sys.modules["kpoctl_docs"] = docs
_spec.loader.exec_module(docs)


def test_every_generated_document_is_current():
    stale = [str(path.relative_to(ROOT)) for path in docs.stale()]
    assert stale == [], f"stale: {stale}; run `python tools/docs.py`"


def test_the_rule_reference_has_every_rule_with_its_examples():
    from kpoctl.rules import REGISTRY

    text = (ROOT / "docs" / "rules.md").read_text()
    for code, rule in REGISTRY.items():
        section = text.split(f"\n## {code} ", 1)[1].split("\n## ", 1)[0]
        assert rule.summary in section and rule.bad in section and rule.good in section


def test_a_finding_table_follows_what_lint_says(tmp_path):
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "top.yaml").write_text("team: top\nname: Top management team\nowner: CEO\n")
    (folder / "kpoctl.yaml").write_text("today: 2026-11-21\n")
    table = docs.example_findings(folder)
    assert "| KP402 | top.yaml:1 | team 'top' has no `meeting` cadence |" in table.splitlines()
