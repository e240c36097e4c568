"""Rules KP0: the files themselves. Every rule gives its findings at the expected places and none on a
passing scorecard."""

from __future__ import annotations

from rule_cases import family_tests

test_rule_gives_exactly_the_expected_findings = family_tests("KP0")
