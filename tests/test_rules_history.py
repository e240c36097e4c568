"""KP5xx: the history rules, each case a git history built by the suite (tests/rule_cases/KP5*.yaml)."""

from __future__ import annotations

from rule_cases import family_tests

test_rule_gives_exactly_the_expected_findings = family_tests("KP5")
