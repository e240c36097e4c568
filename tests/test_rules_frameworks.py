"""KP6: the framework profiles' rules, each case with the profile in its kpoctl.yaml; and what
a profile changes besides its rules (words, defaults, the rules it stands in for)."""

from __future__ import annotations

import pytest
from rule_cases import family_tests

from kpoctl.model import Settings

test_rule_gives_exactly_the_expected_findings = family_tests("KP6")

OMTM_TEAM = """\
team: growth
name: Growth team
meeting: weekly
objectives:
  - {id: activation, level: KPO, title: Activate 40% of new sign-ups in their first week}
indicators:
  - {id: activated, level: KPI, measures: activation, name: Sign-ups active in week one}
  - {id: signups, level: KPI, measures: activation, name: Sign-ups}
"""


def test_a_profile_sets_the_defaults_the_settings_leave_unset():
    assert Settings.model_validate({"profile": "okr"}).limits.kpi == 15
    assert Settings.model_validate({"profile": "cpi-kpi-kpa"}).limits.kpi == 5
    assert Settings.model_validate({"profile": "bsc"}).limits.kpi == 8
    assert Settings.model_validate({}).limits.kpi == 3
    assert Settings.model_validate({"profile": "okr", "limits": {"kpi": 9}}).limits.kpi == 9
    assert Settings.model_validate({"profile": "bsc"}).rules.severity == {"KP405": "error"}
    assert Settings.model_validate({"profile": "bsc", "rules": {"severity": {"KP405": "info"}}}).rules.severity == {
        "KP405": "info"}
    assert Settings.model_validate({}).profile == "kpo"


def test_omtm_says_exactly_one_in_its_own_words_instead_of_kp201_and_kp203(run_cli, scorecard):
    folder = scorecard({"growth.yaml": OMTM_TEAM}, settings="profile: omtm\ntoday: 2026-11-21\n")
    codes = [f["code"] for f in run_cli("lint", folder, "--format", "json", "--fail-on", "info").json()]
    assert "KP631" in codes and "KP201" not in codes and "KP203" not in codes
    (folder / "kpoctl.yaml").write_text("today: 2026-11-21\nlimits: {kpi: 1}\n")
    codes = [f["code"] for f in run_cli("lint", folder, "--format", "json", "--fail-on", "info").json()]
    assert "KP201" in codes and "KP631" not in codes


@pytest.mark.parametrize("args", [["--select", "KP601"], ["--select", "KP1,KP601"]])
def test_selecting_another_profiles_rule_says_which_profile_it_needs(run_cli, scorecard, args):
    folder = scorecard({"growth.yaml": OMTM_TEAM})
    result = run_cli("lint", folder, *args)
    assert result.exit_code == 2 and "KP601 belongs to the okr profile" in result.stderr


def test_selecting_a_family_no_rule_of_which_runs_under_the_profile_is_an_error(run_cli, scorecard):
    folder = scorecard({"growth.yaml": OMTM_TEAM})
    result = run_cli("lint", folder, "--select", "KP6")
    assert result.exit_code == 2 and "no rule of KP6 runs under the kpo profile" in result.stderr
    (folder / "kpoctl.yaml").write_text("profile: okr\ntoday: 2026-11-21\n")
    found = run_cli("lint", folder, "--select", "KP6", "--format", "json").json()
    assert {f["code"] for f in found} == {"KP601", "KP602"}  # KP601-KP603 run; KP61x-KP63x do not


def test_an_unknown_profile_is_a_settings_error(run_cli, scorecard):
    folder = scorecard({"growth.yaml": OMTM_TEAM}, settings="profile: six-sigma\n")
    result = run_cli("lint", folder)
    assert result.exit_code == 2 and "kpoctl.yaml:1:10" in result.stderr and "profile" in result.stderr


def test_the_reports_speak_the_profiles_words_and_score_key_results(run_cli):
    from conftest import EXAMPLES

    okr = EXAMPLES / "okr"
    rows = {r["id"]: r for r in run_cli("report", okr, "--format", "json").json()}
    assert rows["weekly-active"]["score"] == 0.45 and rows["trials"]["score"] == 0.6
    assert rows["weekly-active"]["level"] == "KPI"  # JSON keeps FORMAT.md's levels: scripts depend on them
    text = run_cli("report", okr, "--team", "lumen", env={"COLUMNS": "200"}).stdout
    assert "key result" in text and "at risk, score 0.45 (progress)" in text
    assert "key result (max 15)" in run_cli("count", okr, env={"COLUMNS": "200"}).stdout
    assert "key metric repeat-buyers" in run_cli("tree", EXAMPLES / "omtm").stdout
    kpo_rows = run_cli("report", EXAMPLES / "northwind", "--format", "json").json()
    assert "score" not in kpo_rows[0]


@pytest.mark.parametrize("direction, baseline, actuals, target, score", [
    ("at_least", None, [40, 45, 50], 60, 0.5),       # from the first actual
    ("at_least", 30, [45], 60, 0.5),                 # from the baseline
    ("at_most", 12, [9], 6, 0.5),
    ("at_least", 30, [20], 60, 0.0),                 # went backwards: clamped
    ("at_least", 30, [70], 60, 1.0),                 # beyond the target: clamped
    ("at_least", 60, [61], 60, 1.0),                 # started at the target: still there
    ("at_least", 60, [59], 60, 0.0),
    ("at_least", 60, [60], 60, 1.0),                 # started at the target, and is exactly on it
    ("at_most", 5, [5.5], 6, 1.0),                   # started under a ceiling, still under it
    ("at_most", 5, [6.5], 6, 0.0),
    ("at_least", 0, [1], 3, 0.33),                   # two decimals
    ("at_most", 9, [8], 6, 0.33),
    ("equal", 30, [45], 60, None),
])
def test_an_okr_score_is_the_way_gone_from_start_to_target(direction, baseline, actuals, target, score):
    from kpoctl.model import Indicator
    from kpoctl.model.scoring import okr_score

    indicator = Indicator.model_validate({
        "id": "kr", "level": "KPI", "name": "A key result", "target": {"value": target, "direction": direction},
        "baseline": {"period": "2026-09", "value": baseline} if baseline is not None else None,
        "actuals": [{"period": f"2026-{10 + n}", "value": v} for n, v in enumerate(actuals)]})
    assert okr_score(indicator) == score


@pytest.mark.parametrize("score, zone", [(0.0, "missed"), (0.29, "missed"), (0.3, "progress"), (0.69, "progress"),
                                         (0.7, "delivered"), (0.99, "delivered"),
                                         (1.0, "delivered in full: a stretch lands near 0.7")])
def test_the_okr_zones_turn_at_0_3_and_0_7(score, zone):
    from kpoctl.model.scoring import zone as zone_of

    assert zone_of(score) == zone


def test_findings_speak_the_profiles_words_outside_quoted_ids(run_cli, scorecard):
    folder = scorecard({"growth.yaml": OMTM_TEAM.replace("id: signups, level: KPI", "id: signups, level: PI")},
                       settings="profile: okr\ntoday: 2026-11-21\n")
    messages = [f["message"] for f in run_cli("lint", folder, "--format", "json", "--fail-on", "info").json()]
    assert "supporting result 'signups' has no owner" in messages and "key result 'activated' has no owner" in messages
    assert "orphan supporting result: 'signups' measures 'activation', which is an objective, not a supporting " \
           "objective" in messages
    (folder / "kpoctl.yaml").write_text("today: 2026-11-21\n")
    messages = [f["message"] for f in run_cli("lint", folder, "--format", "json", "--fail-on", "info").json()]
    assert "PI 'signups' has no owner" in messages and "KPI 'activated' has no owner" in messages


def test_no_score_without_a_target_or_an_actual():
    from kpoctl.model import Indicator
    from kpoctl.model.scoring import okr_score

    base = {"id": "kr", "level": "KPI", "name": "A key result"}
    assert okr_score(Indicator.model_validate({**base, "actuals": [{"period": "2026-10", "value": 1}]})) is None
    assert okr_score(Indicator.model_validate({**base, "target": {"value": 5, "direction": "at_least"}})) is None


@pytest.mark.parametrize("profile, said, expected", [
    ("okr", "a KPO and an KPI", "an objective and a key result"),
    ("okr", "An KPI, The KPO", "A key result, The objective"),
    ("okr", "KPOs and KPIs of 'KPI-team'", "objectives and key results of 'KPI-team'"),
    ("okr", "a PO", "a supporting objective"),
    ("omtm", "a KPI and a KPO", "a key metric and a KPO"),
    ("kpo", "a KPI", "a KPI"),
])
def test_a_message_in_the_profiles_words(profile, said, expected):
    from kpoctl.model.profiles import PROFILES

    assert PROFILES[profile].say(said) == expected


def test_a_profiles_defaults_fill_in_beside_what_the_settings_set():
    okr = Settings.model_validate({"profile": "okr", "limits": {"pi": 4}})
    assert (okr.limits.kpi, okr.limits.pi) == (15, 4)
    bsc = Settings.model_validate({"profile": "bsc", "rules": {"select": ["kp1"]}})
    assert (bsc.rules.select, bsc.rules.severity) == (["KP1"], {"KP405": "error"})


@pytest.mark.parametrize("settings", [
    {"profile": "okr", "limits": 3}, {"profile": "bsc", "rules": 3}, {"profile": "bsc", "rules": {"severity": 3}},
    {"profile": 3}, {"profile": "scrum"}, "profile: okr", {"quantified_share": float("nan")},
    {"max_file_mb": float("inf")}, {"limits": {"kpi": -1}},
], ids=repr)
def test_settings_a_profile_cannot_fill_in_are_refused_as_settings(settings):
    """Refused by the model (one 'invalid settings' line for the user), never a crash while
    the profile's defaults are merged in."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings.model_validate(settings)


def test_the_run_date_is_todays_unless_the_settings_fix_it():
    import datetime as dt

    assert Settings.model_validate({"today": "2026-03-01"}).run_date() == dt.date(2026, 3, 1)
    before = dt.date.today()
    assert Settings().run_date() in {before, dt.date.today()}  # a run across midnight takes either
