"""Rules KP4: management practice. Every rule gives its findings at the expected places and none on a
passing scorecard."""

from __future__ import annotations

from rule_cases import family_tests

test_rule_gives_exactly_the_expected_findings = family_tests("KP4")


def _lint(run_cli, card, code):
    return [(f["file"], f["line"], f["id"], f["message"]) for f in
            run_cli("lint", card, "--format", "json", "--select", code).json()]


def test_a_team_without_owner_is_said_once_with_the_objectives_it_leaves_without_one(run_cli, scorecard):
    objectives = "".join(f"  - {{id: o{n}, level: KPO, title: Deliver 95% of orders on time {n}}}\n" for n in range(5))
    card = scorecard({"top.yaml": "team: top\nname: Top\nobjectives:\n" + objectives
                      + "  - {id: owned, level: KPO, title: Cut cost per order to 10 EUR, owner: CFO}\n"
                      + "indicators:\n  - {id: rate, level: KPI, measures: o0, name: OTIF rate}\n"})
    assert _lint(run_cli, card, "KP401") == [
        ("top.yaml", 1, None, "team 'top' has no owner, so 5 objectives without one ('o0', 'o1', 'o2' and 2 more) "
                              "have nobody to answer for them; add `owner:` to the team"),
        ("top.yaml", 11, "rate", "KPI 'rate' has no owner"),  # an indicator needs its own, whoever leads the team
    ]


def test_a_team_with_an_owner_leaves_no_objective_without_one(run_cli, scorecard):
    card = scorecard({"top.yaml": "team: top\nname: Top\nowner: CEO\nobjectives:\n"
                                  "  - {id: o1, level: KPO, title: Deliver 95% of orders on time}\n"})
    assert _lint(run_cli, card, "KP401") == []


def test_one_objective_without_owner_is_named_in_the_singular(run_cli, scorecard):
    card = scorecard({"top.yaml": "team: top\nname: Top\nobjectives:\n"
                                  "  - {id: o1, level: KPO, title: Deliver 95% of orders on time}\n"})
    assert _lint(run_cli, card, "KP401")[0][3].startswith("team 'top' has no owner, so 1 objective without one ('o1')")
