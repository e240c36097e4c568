"""Rules KP0: the files themselves. Every rule gives its findings at the expected places and none on a
passing scorecard."""

from __future__ import annotations

from rule_cases import family_tests

test_rule_finds_the_problem_where_it_is, test_rule_is_silent_on_a_good_scorecard = family_tests("KP0")
