"""`# kpoctl: ignore` comments (kpoctl.rules.suppress): what each silences, and what KP007
says of the ones that silence nothing, as lint shows them."""

from __future__ import annotations

import pytest

# one team: a team-level finding (KP402, no `meeting`), an entry with two (KP401 no owner,
# KP402 no frequency), and an entry that does not validate (KP002: the rest of its findings wait)
CARD = """\
team: top{team}
name: Top management team{name}
owner: CEO
objectives:
  - id: otif
    level: KPO
    title: Deliver 95% of orders on time and in full
    perspective: customer
    due: 2026-12-31
indicators:
  - id: otif-rate{rate}
    level: KPI
    measures: otif
    name: OTIF rate
    unit: "%"
    timing: lagging
    target: {{value: 95, direction: at_least}}
  - id: lost{lost}
    level: KPI
    measures: otif
    name: Lost orders
    target: {{value: many, direction: at_most}}
"""
TEAM, NAME, RATE, LOST = 1, 2, 11, 18  # the lines each comment goes on


def found(run_cli, scorecard, select: str = "KP002,KP401,KP402,KP007", **comments: str) -> list[tuple]:
    text = CARD.format(**{place: f"  # kpoctl: {comments[place]}" if place in comments else ""
                          for place in ("team", "name", "rate", "lost")})
    folder = scorecard({"top.yaml": text}, settings=f"today: 2026-11-21\nrules:\n  select: [{select}]\n")
    return [(f["code"], f["line"], f["message"]) for f in run_cli("lint", folder, "--format", "json", "--no-cache").json()]


def codes_at(findings: list[tuple]) -> set[tuple[str, int]]:
    return {(code, line) for code, line, _ in findings}


def test_without_comments_every_finding_is_shown(run_cli, scorecard):
    assert codes_at(found(run_cli, scorecard)) == {("KP402", TEAM), ("KP401", RATE), ("KP402", RATE),
                                                  ("KP002", LOST + 4)}


def test_a_bare_ignore_silences_every_rule_of_its_entry_and_no_other(run_cli, scorecard):
    assert codes_at(found(run_cli, scorecard, rate="ignore")) == {("KP402", TEAM), ("KP002", LOST + 4)}


def test_ignore_with_codes_silences_only_those(run_cli, scorecard):
    assert codes_at(found(run_cli, scorecard, rate="ignore[KP401]")) == {("KP402", TEAM), ("KP402", RATE),
                                                                         ("KP002", LOST + 4)}


def test_a_comment_on_the_team_line_silences_the_team_level_findings_only(run_cli, scorecard):
    assert codes_at(found(run_cli, scorecard, team="ignore[KP402]")) == {("KP401", RATE), ("KP402", RATE),
                                                                         ("KP002", LOST + 4)}


def test_a_schema_error_inside_an_entry_is_silenced_on_the_entrys_line_not_the_teams(run_cli, scorecard):
    assert ("KP002", LOST + 4) not in codes_at(found(run_cli, scorecard, lost="ignore[KP002]"))
    on_team = found(run_cli, scorecard, team="ignore[KP002]")
    assert ("KP002", LOST + 4) in codes_at(on_team) and ("KP007", TEAM) in codes_at(on_team)


@pytest.mark.parametrize("comments, says", [
    ({"name": "ignore[KP401]"}, {NAME: "not on the first line of an entry"}),
    ({"rate": "ignore[KP999]"}, {RATE: "unknown rule code(s): KP999"}),
    ({"rate": "ignore[KP405]"}, {}),  # a rule not run this time: it may silence something when it is
    # the entry that does not validate is kept without its target: its KP401 waits until it
    # validates (only its KP002 is said), and the comment silences it all the same
    ({"lost": "ignore[KP401]"}, {}),
    # each comment of a file is looked at, whatever the one before it was
    ({"name": "ignore", "rate": "ignore[KP999]"}, {NAME: "not on the first line", RATE: "unknown rule code"}),
    ({"team": "ignore[KP401]", "rate": "ignore[KP999]"}, {TEAM: "suppression of KP401 silences nothing",
                                                          RATE: "unknown rule code"}),
    ({"lost": "ignore", "rate": "ignore[KP999]"}, {RATE: "unknown rule code"}),  # the bare one silences KP002
    ({"rate": "ignore", "lost": "ignore[KP401]"}, {}),
    ({"team": "ignored", "rate": "ignore[KP999]"}, {TEAM: "is not a suppression kpoctl reads", RATE: "unknown"}),
])
def test_kp007_names_each_comment_that_silences_nothing(run_cli, scorecard, comments, says):
    unused = {line: message for code, line, message in found(run_cli, scorecard, **comments) if code == "KP007"}
    assert unused.keys() == says.keys()
    for line, words in says.items():
        assert words in unused[line]


@pytest.mark.parametrize("comment, unread", [
    ("# kpoctl ignore[KP401]", True),  # the colon forgotten: said, and it silences nothing
    ("#kpoctl ignore", True),
    ("# kpoctl: ignore [KP401]", True),
    ("#  kpoctl:ignore[KP401]", False),  # a form kpoctl reads
    ("# kpoctl ignores owners here", False),  # a remark, not a directive
    ("# checked by kpoctl", False),
])
def test_a_comment_almost_in_the_form_is_quoted_as_written(run_cli, scorecard, comment, unread):
    text = CARD.format(team="", name="", rate=f"  {comment}", lost="")
    folder = scorecard({"top.yaml": text}, settings="today: 2026-11-21\nrules:\n  select: [KP401,KP007]\n")
    findings = [(f["code"], f["line"], f["message"]) for f in run_cli("lint", folder, "--format", "json").json()]
    quoted = [message for code, line, message in findings if code == "KP007" and line == RATE]
    assert quoted == ([f"'{comment}' is not a suppression kpoctl reads: write `# kpoctl: ignore[KP101, KP102]`, "
                       "or `# kpoctl: ignore` for every rule; it silences nothing"] if unread else [])
    silenced = comment.endswith("ignore[KP401]") and not unread
    assert (("KP401", RATE) in codes_at(findings)) is not silenced


def test_a_bare_ignore_that_silences_nothing_is_named(run_cli, scorecard):
    findings = found(run_cli, scorecard, select="KP405,KP007", lost="ignore")  # KP405: the top team's, at its line
    assert [(code, line) for code, line, message in findings if code == "KP007"] == [("KP007", LOST)]
    assert "`# kpoctl: ignore` silences nothing here" in next(m for c, _, m in findings if c == "KP007")


def test_a_schema_error_with_no_id_is_silenced_on_its_entrys_line(run_cli, scorecard):
    """An entry whose id is missing gives a KP002 no id can name: it is placed, and silenced, by its line."""
    text = CARD.format(team="", name="", rate="", lost="").replace("  - id: lost\n    level: KPI\n",
                                                                   "  - level: KPI  # kpoctl: ignore[KP002]\n")
    folder = scorecard({"top.yaml": text}, settings="today: 2026-11-21\nrules:\n  select: [KP002,KP007]\n")
    assert run_cli("lint", folder, "--format", "json", "--no-cache").json() == []
    loud = scorecard({"top.yaml": text.replace("# kpoctl: ignore[KP002]", "")},
                     settings="today: 2026-11-21\nrules:\n  select: [KP002,KP007]\n")
    shown = run_cli("lint", loud, "--format", "json", "--no-cache").json()
    assert [(f["code"], f["id"]) for f in shown][:1] == [("KP002", None)]


def test_a_comment_kpoctl_cannot_read_silences_nothing(run_cli, scorecard):
    shown = codes_at(found(run_cli, scorecard, team="ignored", rate="ignore KP401"))
    assert {("KP402", TEAM), ("KP401", RATE), ("KP402", RATE), ("KP007", TEAM), ("KP007", RATE)} <= shown


@pytest.mark.parametrize("comment", ["# kpoctl: ignore[KP999]", "# kpoctl: ignored", "#kpoctl ignore"])
def test_kp007_points_at_the_comments_own_column(run_cli, scorecard, comment):
    """An editor jumps to the `#` of the comment, wherever on its line it sits."""
    text = CARD.format(team="", name="", rate=f"     {comment}", lost="")
    folder = scorecard({"top.yaml": text}, settings="today: 2026-11-21\nrules:\n  select: [KP007]\n")
    (finding,) = run_cli("lint", folder, "--format", "json", "--no-cache").json()
    line = text.splitlines()[RATE - 1]
    assert (finding["line"], finding["column"]) == (RATE, line.index("#") + 1) == (RATE, 23)


@pytest.mark.parametrize("comment", ["ignore[]", "ignore[ ]", "ignore[,]"])
def test_an_empty_list_of_codes_silences_nothing_and_is_said(run_cli, scorecard, comment):
    """`ignore[]` is not `ignore`: read as every rule it would hide what nobody chose to."""
    findings = found(run_cli, scorecard, rate=comment)
    assert {("KP401", RATE), ("KP402", RATE), ("KP007", RATE)} <= codes_at(findings)


def test_a_comment_on_a_team_line_below_the_first_silences_that_teams_findings(run_cli, scorecard):
    """The team line is found by its line, wherever the `team:` key is (here after a comment line)."""
    text = "# Top management's scorecard\n" + CARD.format(team="  # kpoctl: ignore[KP402]", name="", rate="", lost="")
    folder = scorecard({"top.yaml": text}, settings="today: 2026-11-21\nrules:\n  select: [KP402,KP007]\n")
    shown = [(f["code"], f["line"]) for f in run_cli("lint", folder, "--format", "json", "--no-cache").json()]
    assert shown == [("KP402", RATE + 1), ("KP402", LOST + 1)]  # the entries', not the team's
