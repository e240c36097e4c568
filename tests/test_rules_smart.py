"""Rules KP3: SMART. Every rule gives its findings at the expected places and none on a
passing scorecard."""

from __future__ import annotations

import pytest
from rule_cases import family_tests

test_rule_gives_exactly_the_expected_findings = family_tests("KP3")


# --- the wording checks, one sentence at a time ---------------------------------------

from kpoctl.rules.smart import is_activity_quota, weasel_in, weasel_pattern  # noqa: E402

PATTERN = weasel_pattern(["synergies"])


@pytest.mark.parametrize("text, word", [
    ("Optimize the delivery process", "Optimize"),
    ("Run an EFFECTIVE sales team", "EFFECTIVE"),
    ("Adopt best practice in the plants", "best practice"),
    ("Build world-class service desks", "world-class"),
    ("Improve customer satisfaction", "Improve"),
    ("Increase sales in region North", "increase"),
    ("Find synergies between the units", "synergies"),
    ("Increase sales by 10% in 2026", None),
    ("Improve OTIF from 92% to 95%", None),
    ("Reduce ineffective meetings to 2 a week", None),  # whole words only
    ("Raise production capacity utilisation to 85%", "capacity"),
    ("Deliver 95% of orders on time and in full", None),
])
def test_weasel_words_are_whole_words_in_any_case(text, word):
    found = weasel_in(text, PATTERN)
    assert (found.lower() if found else None) == (word.lower() if word else None)


@pytest.mark.parametrize("text, word", [
    ("Optimize café deliveries", "Optimize"),  # text beyond ASCII: the pattern alone decides
    ("\u017ftreamline the plants", "\u017ftreamline"),  # a long s, which IGNORECASE takes for s
    ("Deliver 95% of orders on time", None),
])
def test_weasel_words_beyond_ascii_are_found_as_the_pattern_finds_them(text, word):
    assert weasel_in(text, PATTERN) == word


@pytest.mark.parametrize("text, word", [
    ("Größenvorteile nutzen in drei Werken", "Größenvorteile"),
    ("Optimize the delivery process", "Optimize"),
    ("Improve customer satisfaction", "Improve"),
    ("Deliver 95% of orders on time", None),
])
def test_weasel_words_from_settings_beyond_ascii_are_found(text, word):
    assert weasel_in(text, weasel_pattern(["größenvorteile"])) == word


def test_a_word_beyond_ascii_in_settings_is_found_in_ascii_text_as_the_pattern_finds_it():
    """IGNORECASE takes the long s of a word in settings for the s of a plain text: such a
    word list is always asked of the patterns."""
    assert weasel_in("Find synergies between the units", weasel_pattern(["\u017fynergies"])) == "synergies"


@pytest.mark.parametrize("text", ["Deliver 95% of orders on time", "Otif rate of team 0", "Revenue per head"])
def test_an_ascii_text_without_any_of_the_words_is_told_without_the_patterns(text):
    from kpoctl.rules.smart import WeaselWords

    class Unasked:
        def search(self, text):
            raise AssertionError(f"the pattern was asked of {text!r}")

    assert weasel_in(text, WeaselWords(Unasked(), PATTERN.screen)) is None


def test_a_weasel_word_inside_another_word_passes_the_screen_and_is_no_weasel_word():
    assert weasel_in("Hold ineffective meetings less often", PATTERN) is None


@pytest.mark.parametrize("name, quota", [
    ("Complete 10 sales calls per day", True),
    ("Post 5 updates to our Facebook page", True),
    ("Hold 3 meetings a week", True),
    ("Make 20 client visits per month", True),
    ("Calls answered within 20 s", False),
    ("Revenue from sales calls", False),
    ("Impressions per post", False),
    ("Deliver 95% of orders on time", False),
    ("Complete orders shipped", False),  # no count: a result
])
def test_activity_quotas_are_told_from_results(name, quota):
    assert is_activity_quota(name) is quota


def test_weasel_words_from_settings_are_added(scorecard):
    folder = scorecard({"top.yaml": "team: top\nname: Top team\nobjectives:\n  - id: a\n    level: KPO\n"
                                    "    title: Build holistic client journeys in three markets\n"},
                       "weasel_words: [holistic]\n")
    from kpoctl.read.load import load
    from kpoctl.rules.engine import Selection, lint

    found = lint(load(folder), Selection.build(["KP301"], []))
    assert [f.message for f in found] == ["title uses the weasel word 'holistic': say what, how much and by when"]
