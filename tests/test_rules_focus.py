"""Rules KP2: focus. Every rule gives its findings at the expected places and none on a
passing scorecard."""

from __future__ import annotations

import pytest

from rule_cases import check_fail, check_pass, codes_of

CODES = codes_of("KP2")


@pytest.mark.parametrize("code", CODES)
def test_rule_finds_the_problem_where_it_is(code):
    check_fail(code)


@pytest.mark.parametrize("code", CODES)
def test_rule_is_silent_on_a_good_scorecard(code):
    check_pass(code)
