"""`kpoctl history` and `lint --history` end to end, on git repositories the suite builds.

The rules themselves are checked case by case in tests/rule_cases/KP5*.yaml; here,
what a user sees: real commit hashes, today's lines, the window of commits, exit
codes, and what the walk says when it cannot see everything."""

from __future__ import annotations

import re
import subprocess

import pygit2
import pytest
from conftest import table_cells
from rule_cases import make_history

SETTINGS = "today: 2026-11-21\n"


def team(target=95, actuals=(("2026-01", 96),), due="2026-12-31", indicator=True, comment="", name="top"):
    lines = [f"team: {name}", "name: Top management team", "owner: CEO", "objectives:",
             "  - id: otif", "    level: KPO", "    title: Deliver 95% of orders on time and in full", f"    due: {due}",
             "indicators:"]
    if indicator:
        lines += [f"  - id: otif-rate{comment}", "    level: KPI", "    measures: otif", "    name: OTIF rate",
                  '    unit: "%"', f"    target: {{value: {target}, direction: at_least, tolerance: 1}}", "    actuals:"]
        lines += [f"      - {{period: {p}, value: {v}}}" for p, v in actuals]
    return "\n".join(lines) + "\n"


MISSED = (("2026-01", 96), ("2026-02", 88))


def gamed(folder):
    """Four commits: the scorecard, a missed month, the target lowered, the due pushed twice."""
    return make_history(folder, [
        {"author": "Ann Lee", "date": "2026-02-02", "files": {"kpoctl.yaml": SETTINGS, "top.yaml": team()}},
        {"author": "Bob Roy", "date": "2026-03-02", "files": {"top.yaml": team(actuals=MISSED, due="2027-03-31")}},
        {"author": "Cy Diaz", "date": "2026-03-20", "files": {"top.yaml": team(88, MISSED, due="2027-03-31")}},
        {"author": "Dee Fox", "date": "2026-04-01", "files": {"top.yaml": team(88, MISSED, due="2027-06-30")}},
    ])


def test_findings_name_the_real_commits_and_point_at_todays_lines(tmp_path, run_cli):
    hashes = gamed(tmp_path)
    result = run_cli("history", tmp_path, "--format", "json")
    assert result.exit_code == 0  # warnings: the default --fail-on error lets them pass
    found = {(f["code"], f["file"], f["line"], f["column"]): f["message"] for f in result.json()}
    assert set(found) == {("KP501", "top.yaml", 15, 5), ("KP504", "top.yaml", 8, 5)}
    assert f"in {hashes[2][:7]} on 2026-03-20 by Cy Diaz" in found["KP501", "top.yaml", 15, 5]
    assert f"recorded in {hashes[1][:7]} on 2026-03-02 by Bob Roy" in found["KP501", "top.yaml", 15, 5]
    assert hashes[1][:7] in found["KP504", "top.yaml", 8, 5] and hashes[3][:7] in found["KP504", "top.yaml", 8, 5]
    assert f"4 commits checked ({hashes[0][:7]}..{hashes[3][:7]})" in result.stderr
    assert run_cli("history", tmp_path, "--fail-on", "warning").exit_code == 1


def test_lint_history_adds_the_history_findings_to_the_others(tmp_path, run_cli):
    gamed(tmp_path)
    codes = [f["code"] for f in run_cli("lint", tmp_path, "--history", "--format", "json").json()]
    assert "KP501" in codes and "KP504" in codes
    assert not {"KP501", "KP504"} & {f["code"] for f in run_cli("lint", tmp_path, "--format", "json").json()}
    # the window of `history` serves lint's --history alike
    since = run_cli("lint", tmp_path, "--history", "--since", "2026-03-10", "--format", "json")
    assert {"KP501", "KP504"} & {f["code"] for f in since.json()} == {"KP501"}


def test_the_window_limits_the_commits_reported_on(tmp_path, run_cli):
    gamed(tmp_path)
    last_one = run_cli("history", tmp_path, "--last", "1", "--format", "json").json()
    assert [f["code"] for f in last_one] == []  # one commit alone: no earlier push to repeat
    since = run_cli("history", tmp_path, "--since", "2026-03-10", "--format", "json").json()
    assert [f["code"] for f in since] == ["KP501"]


def test_base_reports_only_the_merge_requests_commits_but_remembers_main(tmp_path, run_cli):
    hashes = gamed(tmp_path)
    repo = pygit2.Repository(str(tmp_path))
    repo.references.create("refs/heads/base", pygit2.Oid(hex=hashes[1]))
    found = run_cli("history", tmp_path, "--base", "base", "--format", "json").json()
    assert sorted(f["code"] for f in found) == ["KP501", "KP504"]  # the first push was on main: still counted
    repo.references.create("refs/heads/later", pygit2.Oid(hex=hashes[2]))
    found = run_cli("history", tmp_path, "--base", "later", "--format", "json").json()
    assert [f["code"] for f in found] == ["KP504"]


def test_a_suppression_comment_silences_a_history_finding_and_is_not_unused_without_history(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}},
        {"files": {"top.yaml": team(88, MISSED, comment="  # kpoctl: ignore[KP501] agreed by the board")}},
    ])
    assert run_cli("history", tmp_path, "--format", "json").json() == []
    assert "KP007" not in {f["code"] for f in run_cli("lint", tmp_path, "--format", "json").json()}


def test_a_version_that_does_not_parse_is_said_and_skipped_not_taken_for_a_removal(tmp_path, run_cli):
    hashes = make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}},
        {"files": {"top.yaml": "team: top\nname: [unclosed\n"}},
        {"files": {"top.yaml": team(actuals=(("2026-01", 96), ("2026-02", 93)))}},
    ])
    result = run_cli("history", tmp_path, "--format", "json")
    assert [f["code"] for f in result.json()] == ["KP503"]  # compared with the last readable version
    assert "1 file version could not be read and was not compared" in result.stderr
    assert f"top.yaml in {hashes[1][:7]} (KP001 line" in result.stderr


def test_a_team_moved_to_another_file_is_not_removed(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}},
        {"files": {"top.yaml": None, "teams/top.yaml": team(actuals=MISSED)}},
    ])
    assert run_cli("history", tmp_path, "--format", "json").json() == []


def test_a_removed_indicator_points_at_its_team_today(tmp_path, run_cli):
    hashes = make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}},
        {"author": "Bob Roy", "files": {"top.yaml": team(indicator=False)}},
    ])
    [finding] = run_cli("history", tmp_path, "--format", "json").json()
    assert (finding["code"], finding["line"], finding["column"], finding["id"]) == ("KP502", 1, 1, "otif-rate")
    assert f"removed in {hashes[1][:7]}" in finding["message"] and "2026-02: 88%" in finding["message"]


def test_one_indicator_through_the_commits(tmp_path, run_cli):
    hashes = gamed(tmp_path)
    data = run_cli("history", "top/otif-rate", tmp_path, "--format", "json").json()
    assert [s["commit"] for s in data["steps"]] == hashes
    assert [s["changes"] for s in data["steps"]] == [
        ["added"], ["due 2026-12-31 -> 2027-03-31", "recorded 2026-02: 88%"], ["target 95% or more -> 88% or more"],
        ["due 2027-03-31 -> 2027-06-30"]]  # the due of the objective it measures is part of its story
    assert [s["status"] for s in data["steps"]] == ["on track", "off track", "on track", "on track"]
    assert {f["code"] for f in data["findings"]} == {"KP501", "KP504"}
    text = run_cli("history", "top/otif-rate", tmp_path).stdout
    assert hashes[2][:7] in text and "target 95% or more -> 88% or more" in text


def test_inside_github_actions_findings_are_annotations_and_a_timeline_stays_text(tmp_path, run_cli):
    """Without --format, the findings of `history` take lint's default (annotations inside
    GitHub Actions); an indicator's timeline, which has no annotation form, stays text."""
    gamed(tmp_path)
    findings = run_cli("history", tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert findings.exit_code == 0, findings.stderr
    assert findings.stdout.startswith("::warning file=") and "KP501" in findings.stdout
    timeline = run_cli("history", "top/otif-rate", tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert timeline.exit_code == 0, timeline.stderr
    assert "target 95% or more -> 88% or more" in timeline.stdout and "::" not in timeline.stdout


def test_finding_the_team_outside_the_window_runs_no_rule_without_a_cache(tmp_path, run_cli, monkeypatch):
    """The work tree is read only to learn which file declares the team: with the cache off,
    no cross-team rule runs for it."""
    import kpoctl.pipeline.reading as reading

    gamed(tmp_path)
    runs: list = []
    real = reading.scorecard_problems
    monkeypatch.setattr(reading, "scorecard_problems", lambda *args, **kwargs: runs.append(1) or real(*args, **kwargs))
    result = run_cli("history", "top/otif-rate", tmp_path, "--since", "2026-05-01", "--format", "json",
                     env={"KPOCTL_CACHE_DIR": "relative/so/none"})
    assert result.exit_code == 0 and result.json()["steps"] == [] and runs == []


def test_a_window_without_the_indicators_commits_is_a_timeline_without_steps(tmp_path, run_cli):
    """The indicator is in the work tree now; no commit in the window read its team. That
    is an empty timeline, not "no indicator in the scorecard now" (exit 2), as it was."""
    gamed(tmp_path)
    result = run_cli("history", "top/otif-rate", tmp_path, "--since", "2026-05-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["steps"] == [] and "no commit in the window" in result.stderr
    text = run_cli("history", "top/otif-rate", tmp_path, "--since", "2026-05-01")
    assert text.exit_code == 0 and text.stdout == "top/otif-rate: no commit in the window, so no change to show\n"
    (tmp_path / "top.yaml").write_text(team(88, MISSED, due="2027-06-30").replace("value: 88}", "value: 80}"))
    pending = run_cli("history", "top/otif-rate", tmp_path, "--since", "2026-05-01", "--format", "json").json()
    assert pending["uncommitted"] == ["2026-02 rewritten 88% -> 80%"]
    missing = run_cli("history", "top/nope", tmp_path, "--since", "2026-05-01")
    assert missing.exit_code == 2 and "no indicator top/nope in the scorecard now" in missing.stderr


def test_one_file_named_reports_only_its_findings(tmp_path, run_cli):
    gamed_twice = [team(), team(actuals=MISSED, due="2027-03-31"), team(88, MISSED, due="2027-03-31")]
    make_history(tmp_path, [{"files": {"kpoctl.yaml": SETTINGS, "top.yaml": version,
                                       "unit.yaml": version.replace("team: top", "team: unit")}}
                            for version in gamed_twice])
    everything = run_cli("history", tmp_path, "--format", "json").json()
    assert {f["file"] for f in everything} == {"top.yaml", "unit.yaml"}
    one = run_cli("history", tmp_path / "unit.yaml", "--format", "json").json()
    assert one and {f["file"] for f in one} == {"unit.yaml"}
    assert one == [f for f in everything if f["file"] == "unit.yaml"]


@pytest.mark.parametrize("columns", ["30", "60"])
def test_the_timeline_in_a_narrow_terminal_cuts_no_word(tmp_path, run_cli, columns):
    """Its columns wrap between words, never inside one: an author's name, a period, a
    change keep every character however narrow the terminal (the lines are then wider)."""
    make_history(tmp_path, [
        {"author": "Bartholomew-Featherstonehaugh", "files": {"kpoctl.yaml": SETTINGS, "top.yaml": team()}},
        {"author": "Ann Lee", "files": {"top.yaml": team(88, MISSED, due="2027-03-31")}},
    ])
    text = run_cli("history", "top/otif-rate", tmp_path, env={"COLUMNS": columns}).stdout
    rows = table_cells(text)
    assert "…" not in text and rows and all(len(cells) == 8 for cells in rows)  # every line whole, to its border
    assert "".join(cells[2] for cells in rows) == "Bartholomew-FeatherstonehaughAnn Lee"  # folded, perhaps, but whole
    assert "target 95% or more -> 88% or more" in " ".join(cells[7] for cells in rows)
    assert [cells[5] for cells in rows if cells[5]] == ["2026-01: 96%", "2026-02: 88%"]
    assert [cells[4] for cells in rows if cells[4]] == ["2026-12-31", "2027-03-31"]


@pytest.mark.parametrize("work_tree, said", [
    (None, []),  # the work tree as committed: nothing more to say
    (team(88, (("2026-01", 96), ("2026-02", 90)), due="2027-06-30"), ["2026-02 rewritten 88% -> 90%"]),
    (team(85, MISSED, due="2027-06-30"), ["target 88% or more -> 85% or more"]),
    (team(indicator=False), ["removed"]),
    ("", ["removed"]),  # the file itself deleted
    ("team: top\nname: [\n", ["top.yaml has changed, but the work tree's file does not validate, so they cannot be "
                               "compared: `kpoctl lint` says why"]),
])
def test_the_timeline_ends_with_what_the_work_tree_changed_since_head(tmp_path, run_cli, work_tree, said):
    """A rewrite not committed yet is part of the indicator's past: said after the commits."""
    gamed(tmp_path)
    if work_tree == "":
        (tmp_path / "top.yaml").unlink()
    elif work_tree is not None:
        (tmp_path / "top.yaml").write_text(work_tree)
    assert run_cli("history", "top/otif-rate", tmp_path, "--format", "json").json()["uncommitted"] == said
    text = " ".join(run_cli("history", "top/otif-rate", tmp_path).stdout.split())
    assert ("not committed yet: " + "; ".join(said) in text) == bool(said)


@pytest.mark.parametrize("args, said", [
    (["history", "{tmp}", "--since", "last week"], "--since takes a date"),
    (["history", "{tmp}", "--base", "no-such-branch"], "unknown revision 'no-such-branch'"),
    (["lint", "{tmp}", "--last", "3"], "add --history"),
    (["lint", "{tmp}", "--select", "KP503"], "KP503 reads the git history: add --history"),
    (["lint", "{tmp}", "--select", "kp5"], "KP5 reads the git history: add --history"),  # the family, by its prefix
    (["history", "nobody/nothing", "{tmp}"], "no indicator nobody/nothing"),
    (["history", "top/otif-rate", "{tmp}", "--format", "sarif"], "timeline prints text or json"),
])
def test_what_cannot_be_done_is_one_line_and_exit_2(tmp_path, run_cli, args, said):
    gamed(tmp_path)
    result = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2 and said in result.stderr and len(result.stderr.splitlines()) == 1


def test_more_than_team_id_and_path_is_one_line_and_exit_2(tmp_path, run_cli):
    gamed(tmp_path)
    result = run_cli("history", "top/otif-rate", tmp_path, "extra")
    assert result.exit_code == 2 and "usage: kpoctl history [TEAM/ID] [PATH]" in result.stderr


def test_a_lone_team_slash_id_is_the_indicator_of_the_scorecard_here(tmp_path, run_cli, monkeypatch):
    hashes = gamed(tmp_path)
    monkeypatch.chdir(tmp_path)
    data = run_cli("history", "top/otif-rate", "--format", "json").json()
    assert [s["commit"] for s in data["steps"]] == hashes


def test_one_commit_checked_is_named_alone_and_many_as_a_range(tmp_path, run_cli):
    hashes = gamed(tmp_path)
    assert f"4 commits checked ({hashes[0][:7]}..{hashes[3][:7]})" in run_cli("history", tmp_path).stderr
    assert f"1 commit checked ({hashes[3][:7]})\n" in run_cli("history", tmp_path, "--last", "1").stderr
    assert f"2 commits checked ({hashes[2][:7]}..{hashes[3][:7]})" in run_cli("history", tmp_path, "--last", "2").stderr


def test_past_three_unreadable_versions_the_rest_are_counted(tmp_path, run_cli):
    broken = "team: {name}\nname: [unclosed\n"
    names = ["a", "b", "c", "d"]
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, **{f"{n}.yaml": team(name=n) for n in names}}},
        {"files": {f"{n}.yaml": broken.format(name=n) for n in names}},
    ])
    said = run_cli("history", tmp_path).stderr
    assert "4 file versions could not be read and were not compared" in said
    assert "a.yaml in" in said and "c.yaml in" in said and "d.yaml in" not in said and "and 1 more" in said
    make_history(tmp_path / "three", [
        {"files": {"kpoctl.yaml": SETTINGS, **{f"{n}.yaml": team(name=n) for n in names[:3]}}},
        {"files": {f"{n}.yaml": broken.format(name=n) for n in names[:3]}},
    ])
    said = run_cli("history", tmp_path / "three").stderr
    assert "3 file versions could not be read" in said and "c.yaml in" in said and "more" not in said


def test_a_finding_whose_file_is_broken_today_stays_where_its_commit_had_it(tmp_path, run_cli):
    """Today's file no longer reads as a team: the finding is still said, at its commit's line."""
    gamed(tmp_path)
    (tmp_path / "top.yaml").write_text("team: top\nname: [unclosed\n")
    result = run_cli("history", tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert {f["code"] for f in result.json()} == {"KP501", "KP504"}
    (tmp_path / "top.yaml").write_text("just: some yaml\n")  # not a team file at all now
    assert {f["code"] for f in run_cli("history", tmp_path, "--format", "json").json()} == {"KP501", "KP504"}


def test_outside_a_repository_is_one_line_and_exit_2(tmp_path, run_cli):
    (tmp_path / "top.yaml").write_text(team(), encoding="utf-8")
    result = run_cli("history", tmp_path)
    assert result.exit_code == 2 and "is not inside a git repository" in result.stderr


def test_a_path_that_could_be_a_team_slash_id_is_not_guessed(tmp_path, run_cli, monkeypatch):
    gamed(tmp_path / "repo")
    (tmp_path / "top" / "otif-rate").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    result = run_cli("history", "top/otif-rate")
    assert result.exit_code == 2 and "both a path and a TEAM/ID" in result.stderr


def test_a_shallow_clone_is_said(tmp_path, run_cli):
    gamed(tmp_path / "origin")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin'}", str(clone)], check=True)
    result = run_cli("history", clone)
    assert result.exit_code == 0 and "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr


def test_files_in_hidden_folders_of_the_history_are_never_read(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED), ".drafts/top.yaml": team(actuals=MISSED)}},
        {"files": {".drafts/top.yaml": None}},
    ])
    # had the draft been read, its team would now have been removed while off track (KP502)
    assert run_cli("history", tmp_path, "--format", "json").json() == []


def test_the_last_n_commits_and_an_executable_team_file(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}, "executable": ["top.yaml"]},
        {"files": {"top.yaml": team(90, MISSED)}},
        {"files": {"top.yaml": team(88, MISSED)}},
    ])
    assert pygit2.Repository(str(tmp_path)).revparse_single("HEAD").tree["top.yaml"].filemode == 0o100755
    assert len(run_cli("history", tmp_path, "--format", "json").json()) == 2
    assert len(run_cli("history", tmp_path, "--last", "1", "--format", "json").json()) == 1
    assert "1 commit checked" in run_cli("history", tmp_path, "--last", "1").stderr


def test_versions_over_max_file_mb_or_with_a_bad_header_are_skipped_and_said(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": "today: 2026-11-21\nmax_file_mb: 0.001\n", "top.yaml": team(actuals=MISSED)}},
        {"files": {"top.yaml": team(90, MISSED) + "# padding\n" * 100}},
        {"files": {"top.yaml": team(89, MISSED).replace("team: top", "team: Top Team")}},
        {"files": {"top.yaml": team(88, MISSED)}},
    ])
    result = run_cli("history", tmp_path, "--format", "json")
    assert "2 file versions could not be read" in result.stderr
    assert "over max_file_mb" in result.stderr and "KP002 line 1" in result.stderr
    [finding] = result.json()  # the last readable version (95) against the next (88)
    assert "from 95% to 88%" in finding["message"]


def test_a_scorecard_folder_that_appears_later_in_the_repository(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"README.md": "Our scorecards, from February on.\n"}},
        {"files": {"card/kpoctl.yaml": SETTINGS, "card/teams/top.yaml": team(actuals=MISSED),
                   "card/.drafts/top.yaml": team(actuals=MISSED), "card/teams/unit.yaml": team(name="unit")}},
        {"files": {"card/teams/top.yaml": team(88, MISSED)}},
    ])
    result = run_cli("history", tmp_path / "card")
    assert "3 commits checked" in result.stderr
    assert "KP501" in result.stdout and "recorded in" in result.stdout and "before the commits checked" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].endswith("in 1 of 2 team files.")  # teams/*, not .drafts


def test_the_summary_and_junit_count_only_the_team_files_at_head(tmp_path, run_cli):
    """Other YAML beside the team files (a CI file, raw data) is not a team file in history's
    count any more than in lint's; a team file in flow style or one that does not parse is."""
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED), "ci.yml": "stages: [build, test]\n",
                   "raw/teams.yml": "- name: Sales team\n  objectives: 3\n",
                   "flow.yaml": "{team: flow, name: Flow team, owner: COO, objectives: []}\n",
                   "broken.yaml": "team: broken\nname: [unclosed\n"}},
        {"files": {"top.yaml": team(88, MISSED)}},
    ])
    text = run_cli("history", tmp_path)
    assert text.stdout.strip().splitlines()[-1].endswith("in 1 of 3 team files.")
    assert run_cli("lint", tmp_path).stdout.strip().splitlines()[-1].endswith("of 3 team files.")
    junit = run_cli("history", tmp_path, "--format", "junit").stdout
    suites = re.findall(r'<testsuite name="[^"]*?([^"/]+)"', junit)  # names are as PATH was given
    assert suites == ["broken.yaml", "flow.yaml", "top.yaml"]
    assert "ci.yml" not in junit and "raw/teams.yml" not in junit


def test_a_commit_without_a_message_has_an_empty_summary(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}, "message": ""},
        {"files": {"top.yaml": team(88, MISSED)}, "message": "Lower it\n\nThe plant is short of staff."},
    ])
    steps = run_cli("history", "top/otif-rate", tmp_path, "--format", "json").json()["steps"]
    assert [s["summary"] for s in steps] == ["", "Lower it"]


def test_two_files_one_commit_adds_are_both_remembered_with_it(tmp_path, run_cli):
    hashes = make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS}},
        {"files": {"a.yaml": team(name="a"), "b.yaml": team(actuals=MISSED, name="b")}},
        {"files": {"b.yaml": team(88, MISSED, name="b")}},
    ])
    [finding] = run_cli("history", tmp_path, "--format", "json").json()
    assert f"recorded in {hashes[1][:7]}" in finding["message"]


def test_a_version_with_an_invalid_entry_is_skipped_not_taken_for_a_removal_and_a_broken_file_skips_only_itself(
        tmp_path, run_cli):
    hashes = make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "a.yaml": team(actuals=MISSED, name="a"),
                   "b.yaml": team(actuals=MISSED, name="b"), "c.yaml": team(actuals=MISSED, name="c")}},
        {"files": {"a.yaml": "team: a\nname: [broken\n", "c.yaml": team(88, MISSED, name="c"),
                   "b.yaml": team(88, MISSED, name="b").replace("    level: KPI\n", "    level: KPI\n    colour: red\n")}},
        {"files": {"b.yaml": team(88, MISSED, name="b")}},
    ])
    result = run_cli("history", tmp_path, "--format", "json")
    found = [(f["code"], f["team"], f["message"].split(" in ")[1][:7]) for f in result.json()]
    assert found == [("KP501", "b", hashes[2][:7]), ("KP501", "c", hashes[1][:7])]  # b: when it validated again
    assert "2 file versions could not be read" in result.stderr
    assert "a.yaml in" in result.stderr and "b.yaml in" in result.stderr and "KP002 line" in result.stderr


def test_a_version_exactly_at_max_file_mb_is_read(tmp_path, run_cli):
    limit = 2000
    first, second = team(actuals=MISSED), team(88, MISSED)
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": f"today: 2026-11-21\nmax_file_mb: {limit / 1e6}\n",
                   "top.yaml": first + "#" * (limit - len(first) - 1) + "\n"}},
        {"files": {"top.yaml": second + "#" * (limit - len(second) - 1) + "\n"}},
    ])
    result = run_cli("history", tmp_path, "--format", "json")
    assert [f["code"] for f in result.json()] == ["KP501"] and "could not be read" not in result.stderr


def test_other_files_changing_alongside_are_not_read(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED), "README.md": "# notes\n"}},
        {"files": {"README.md": "# notes: {not yaml\n", "kpoctl.yaml": SETTINGS + "# tuned\n",
                   "top.yaml": team(88, MISSED)}},
    ])
    result = run_cli("history", tmp_path, "--format", "json")
    assert [f["code"] for f in result.json()] == ["KP501"] and "could not be read" not in result.stderr


def test_a_scorecard_folder_removed_and_restored_removed_its_teams_in_between(tmp_path, run_cli):
    hashes = make_history(tmp_path, [
        {"files": {"card/kpoctl.yaml": SETTINGS, "card/top.yaml": team(actuals=MISSED)}},
        {"files": {"card/kpoctl.yaml": None, "card/top.yaml": None, "README.md": "moved out for a while\n"}},
        {"files": {"card/kpoctl.yaml": SETTINGS, "card/top.yaml": team(indicator=False)}},
    ])
    found = run_cli("history", tmp_path / "card", "--format", "json").json()
    assert [(f["code"], f["id"]) for f in found] == [("KP502", "otif"), ("KP502", "otif-rate")]
    assert all(f"removed in {hashes[1][:7]}" in f["message"] for f in found)


def test_the_window_counts_from_midnight_and_takes_the_last_n(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}, "date": "2026-03-19", "time": "23:59"},
        {"files": {"top.yaml": team(90, MISSED)}, "date": "2026-03-20", "time": "00:00"},
        {"files": {"top.yaml": team(88, MISSED)}, "date": "2026-03-21"},
    ])
    assert "2 commits checked" in run_cli("history", tmp_path, "--since", "2026-03-20").stderr
    assert "2 commits checked" in run_cli("history", tmp_path, "--last", "2").stderr


def test_the_timeline_of_a_removed_indicator_skips_others_and_files_that_are_no_team(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED), "unit.yaml": team(name="unit")}},
        {"files": {"notes.yaml": "title: not a team\n", "unit.yaml": team(90, name="unit")}},
        {"files": {"top.yaml": team(indicator=False)}},
    ])
    steps = run_cli("history", "top/otif-rate", tmp_path, "--format", "json").json()["steps"]
    assert [s["changes"] for s in steps] == [["added"], ["removed"]]  # unit's otif-rate is another indicator
    assert (steps[1]["present"], steps[1]["target"], steps[1]["latest"], steps[1]["status"]) == (False, None, None, None)
    assert steps[1]["unit"] == "%"


def test_a_bare_repository_is_said(tmp_path):
    from kpoctl.read.gitrevs import History, HistoryError

    pygit2.init_repository(str(tmp_path / "bare.git"), bare=True)
    with pytest.raises(HistoryError, match="bare repository"):
        History(tmp_path / "bare.git")


def test_diff_against_a_revision_before_the_scorecard_folder_existed(tmp_path, run_cli, monkeypatch):
    hashes = make_history(tmp_path, [
        {"files": {"README.md": "Scorecards from February on.\n"}},
        {"files": {"card/kpoctl.yaml": SETTINGS, "card/top.yaml": team()}},
    ])
    monkeypatch.chdir(tmp_path)
    changes = run_cli("diff", hashes[0], "HEAD", "card", "--format", "json").json()
    assert {(c["kind"], c["team"]) for c in changes} == {("added", "top")}


def test_a_corrupt_object_in_the_repository_is_one_line_and_exit_2(tmp_path, run_cli):
    hashes = make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team(actuals=MISSED)}},
        {"files": {"top.yaml": team(88, MISSED)}},
    ])
    blob = str(pygit2.Repository(str(tmp_path)).revparse_single(f"{hashes[0]}:top.yaml").id)
    obj = tmp_path / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"not zlib at all")
    result = run_cli("history", tmp_path)
    assert result.exit_code == 2 and "cannot read the git history" in result.stderr
    assert "internal error" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_timeline_shows_each_commits_target_with_its_direction_and_its_status(tmp_path, run_cli):
    make_history(tmp_path, [
        {"files": {"kpoctl.yaml": SETTINGS, "top.yaml": team()}},
        {"files": {"top.yaml": team(88, MISSED, due="2027-03-31")}},
        {"files": {"top.yaml": team(indicator=False)}},
    ])
    rows = [cells for cells in table_cells(run_cli("history", "top/otif-rate", tmp_path,
                                                   env={"COLUMNS": "200"}).stdout) if cells[0]]
    assert [(cells[3], cells[5], cells[6]) for cells in rows] == [
        ("95% ↑", "2026-01: 96%", "on track"), ("88% ↑", "2026-02: 88%", "on track"), ("", "", "removed")]
