"""Never silently partial, never a guess: what a command could not read is said on stderr
and makes the answer exit 1; one file is checked within its scorecard; an ambiguous
team is refused."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import EXAMPLES, TOP, write_files

import kpoctl.read.load

CHILD = TOP.replace("team: top", "team: child").replace("owner: CEO", "owner: Head\nparent: top")
BROKEN = "team: sales\nname: Sales\nname: twice\nparent: top\n"


@pytest.fixture
def partial(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "child.yaml": CHILD, "sales.yaml": BROKEN})
    (tmp_path / "kpoctl.yaml").write_text("today: 2026-11-21\n")
    return tmp_path


VIEWS = [["count"], ["tree"], ["orphans"], ["report"], ["count", "--format", "json"], ["tree", "--format", "json"],
         ["orphans", "--format", "json"], ["report", "--format", "json"], ["report", "--format", "markdown"]]


@pytest.mark.parametrize("command", VIEWS, ids=" ".join)
def test_a_team_file_that_does_not_parse_is_named_and_the_answer_exits_1(run_cli, partial, command):
    result = run_cli(command[0], partial, *command[1:])
    assert result.exit_code == 1
    assert "1 team file not read" in result.stderr and "sales.yaml (KP001 line 3:" in result.stderr
    if "json" in command:
        json.loads(result.stdout)  # the data stays alone on stdout, and whole


@pytest.mark.parametrize(("broken", "said"), [
    (3, "a.yaml (KP001 line 3: duplicate key 'name' (first at line 2)), b.yaml (KP001 line 3: duplicate key "
        "'name' (first at line 2)), c.yaml (KP001 line 3: duplicate key 'name' (first at line 2)); "),
    (4, "c.yaml (KP001 line 3: duplicate key 'name' (first at line 2)) and 1 more; "),
])
def test_the_files_not_read_are_named_up_to_three_then_counted(run_cli, tmp_path, broken, said):
    """Three files not read: each is named, and no "and 0 more"; a fourth is counted."""
    files = {f"{name}.yaml": f"team: {name}\nname: A\nname: twice\n" for name in "abcd"[:broken]}
    write_files(tmp_path, {"top.yaml": TOP, **files})
    result = run_cli("count", tmp_path)
    assert result.exit_code == 1
    assert f"kpoctl: {broken} team files not read, so this answer leaves them out: " in result.stderr
    assert said in result.stderr and " more" not in result.stderr.replace(said, "")


NO_TEAM = "team: Sales Team!\nname: Sales\nparent: top\n"  # parses, but its team id is not one


@pytest.mark.parametrize("command", VIEWS + [["export"]], ids=" ".join)
@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]], ids=["cached", "no cache"])
def test_a_team_file_whose_team_is_invalid_is_named_and_the_answer_exits_1(run_cli, partial, command, no_cache):
    (partial / "sales.yaml").write_text(NO_TEAM)
    for _ in range(2):  # the second run from the cache says it too
        result = run_cli(command[0], partial, *command[1:], *no_cache)
        assert result.exit_code == 1
        assert "1 team file not read" in result.stderr and "sales.yaml (KP002 line 1:" in result.stderr


# an indicator whose target is not a number: KP002, and the model leaves the indicator out
ONE_INVALID = CHILD.replace("value: 95", "value: ninety-five", 1)


@pytest.mark.parametrize("command", VIEWS + [["export"]], ids=" ".join)
@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]], ids=["cached", "no cache"])
def test_a_team_file_read_in_part_is_named_and_the_answer_exits_1(run_cli, partial, command, no_cache):
    (partial / "sales.yaml").unlink()
    (partial / "child.yaml").write_text(ONE_INVALID)
    line = 1 + ONE_INVALID.splitlines().index(next(t for t in ONE_INVALID.splitlines() if "ninety-five" in t))
    for _ in range(2):  # the second run from the cache says it too
        result = run_cli(command[0], partial, *command[1:], *no_cache)
        assert result.exit_code == 1
        assert "1 team file read in part" in result.stderr and f"child.yaml (KP002 line {line}:" in result.stderr
        assert "not read" not in result.stderr
    if command == ["count", "--format", "json"]:  # the rest of the team is still counted
        assert {row["team"] for row in result.json()} == {"top", "child"}


def test_a_file_read_in_part_is_named_by_its_first_field_left_out(run_cli, partial):
    (partial / "sales.yaml").unlink()
    twice = ONE_INVALID.replace("due: 2026-12-31", "due: 2026-13-31", 1)  # above the target's value
    (partial / "child.yaml").write_text(twice)
    lines = twice.splitlines()
    due, value = (1 + lines.index(next(t for t in lines if mark in t)) for mark in ("2026-13-31", "ninety-five"))
    assert due < value
    result = run_cli("count", partial)
    assert f"child.yaml (KP002 line {due}:" in result.stderr and f"line {value}:" not in result.stderr


# actuals written out of time order: KP002, and the indicator is kept without its actuals
OUT_OF_ORDER = CHILD + "    actuals:\n      - {period: 2026-10, value: 96}\n      - {period: 2026-07, value: 80}\n"


@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]], ids=["cached", "no cache"])
def test_an_indicator_whose_actuals_do_not_validate_is_shown_with_no_data_and_said(run_cli, partial, no_cache):
    """Neither the July value (the last written) nor October's (the latest) is the status:
    the report says no data for the indicator, still counted, and names the file on stderr."""
    (partial / "sales.yaml").unlink()
    (partial / "child.yaml").write_text(OUT_OF_ORDER)
    line = len(OUT_OF_ORDER.splitlines())
    for _ in range(2):  # the second run from the cache says it too
        report = run_cli("report", partial, "--format", "json", *no_cache)
        assert report.exit_code == 1 and f"child.yaml (KP002 line {line}:" in report.stderr
        [row] = [r for r in report.json() if r["team"] == "child"]
        assert (row["id"], row["status"], row["latest"]) == ("otif-rate", "no data", None)
        count = run_cli("count", partial, "--format", "json", *no_cache).json()
        assert [row["kpi"] for row in count if row["team"] == "child"] == [1]
    codes = {f["code"] for f in run_cli("lint", partial, "--format", "json").json() if f["file"] == "child.yaml"}
    assert "KP002" in codes and not codes & {"KP203", "KP108", "KP302"}  # no team without a KPI, no KPO unmeasured


IMPOSSIBLE_DUE = CHILD.replace("due: 2026-12-31", "due: 2026-02-30")


@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]], ids=["cached", "no cache"])
def test_an_entry_with_a_field_that_does_not_validate_is_kept_and_judged_once_it_does(run_cli, partial, no_cache):
    """One impossible date in a KPO: the KPO is kept without its `due`, so its KPI is no
    orphan and `measures` names it; only the KP002 is said of the KPO (the file checks judge
    what was read of it, the other rules wait until it validates), and the views count it."""
    (partial / "sales.yaml").unlink()
    (partial / "child.yaml").write_text(IMPOSSIBLE_DUE)
    for _ in range(2):  # the second run from the cache says the same
        result = run_cli("lint", partial, "--format", "json", *no_cache)
        findings = [(f["code"], f["id"]) for f in result.json() if f["file"] == "child.yaml"]
        assert [found for found in findings if found[1] == "otif"] == [("KP002", "otif")]
        assert not {code for code, _ in findings} & {"KP004", "KP101", "KP108", "KP203", "KP306", "KP405"}
        count = run_cli("count", partial, "--format", "json", *no_cache)
        assert count.exit_code == 1 and "child.yaml (KP002 line 12:" in count.stderr
        assert [(row["kpo"], row["kpi"]) for row in count.json() if row["team"] == "child"] == [(1, 1)]
        assert run_cli("orphans", partial, "--format", "json", *no_cache).json() == []
    (partial / "child.yaml").write_text(CHILD)  # valid again: the KPO is judged (it cascades from nothing)
    findings = [(f["code"], f["id"]) for f in run_cli("lint", partial, "--format", "json", *no_cache).json()]
    assert ("KP103", "otif") in findings


@pytest.mark.parametrize("command", VIEWS + [["export"]], ids=" ".join)
@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]], ids=["cached", "no cache"])
def test_a_second_file_of_a_team_is_named_as_left_out_and_the_answer_exits_1(run_cli, partial, command, no_cache):
    (partial / "sales.yaml").unlink()
    # the second file has a field that does not validate: it is left out whole, not said read in part
    write_files(partial, {"more/child.yaml": ONE_INVALID.replace("otif-rate", "fill-rate")})
    for _ in range(2):  # the second run from the cache says it too
        result = run_cli(command[0], partial, *command[1:], *no_cache)
        assert result.exit_code == 1
        assert "1 team file left out" in result.stderr and "read in part" not in result.stderr
        assert "more/child.yaml (KP003: team 'child' is already declared in child.yaml)" in result.stderr
        assert "fill-rate" not in result.stdout  # the views keep the team's first file, as the graph does


@pytest.mark.parametrize("command", [["count"], ["tree"], ["report", "--format", "json"]], ids=" ".join)
def test_a_complete_answer_says_nothing_and_exits_0(run_cli, partial, command):
    (partial / "sales.yaml").unlink()
    result = run_cli(command[0], partial, *command[1:])
    assert result.exit_code == 0 and result.stderr == ""


def test_count_of_the_broken_example_names_marketing(run_cli):
    result = run_cli("count", EXAMPLES / "broken", "--format", "json")
    assert result.exit_code == 1
    assert "marketing.yaml (KP001 line 4" in result.stderr
    assert "marketing" not in {row["team"] for row in result.json()}


@pytest.fixture
def unlistable(monkeypatch):
    """A folder that cannot be listed (root reads any folder, so the refusal is simulated)."""
    real = os.scandir

    def scandir(path):
        if os.path.basename(str(path)) == "locked":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(kpoctl.read.load.os, "scandir", scandir)


def test_a_folder_that_cannot_be_listed_is_a_finding_and_a_partial_answer(run_cli, partial, unlistable):
    (partial / "sales.yaml").unlink()
    (partial / "teams" / "locked").mkdir(parents=True)
    lint = run_cli("lint", partial, "--format", "json", "--no-cache")
    assert lint.exit_code == 1
    assert [(f["code"], f["file"], f["line"], f["column"]) for f in lint.json() if f["code"] == "KP001"] == [
        ("KP001", "teams/locked", 1, 1)]
    count = run_cli("count", partial)
    assert count.exit_code == 1 and "1 folder not read" in count.stderr
    assert "teams/locked (KP001 line 1:" in count.stderr


def test_a_bug_in_one_file_is_a_finding_on_it_and_the_others_are_checked(run_cli, partial, monkeypatch):
    from kpoctl import rules

    (partial / "sales.yaml").unlink()
    rule = rules.REGISTRY["KP404"]
    original = rule.check

    def exploding(ctx):
        if any(f.team is not None and f.team.team == "child" for f in ctx.scorecard.files):
            raise ZeroDivisionError("division by zero")
        return original(ctx)

    from dataclasses import replace

    monkeypatch.setitem(rules.REGISTRY, "KP404", replace(rule, check=exploding))
    result = run_cli("lint", partial, "--format", "json", "--no-cache")
    assert result.exit_code == 1
    found = {(f["file"], f["code"]) for f in result.json()}
    assert ("child.yaml", "KP001") in found and ("top.yaml", "KP404") in found
    message = next(f["message"] for f in result.json() if f["file"] == "child.yaml")
    assert "ZeroDivisionError" in message


def test_one_file_is_checked_within_its_scorecard(run_cli):
    """Its parent sits next to it: no KP006 (no parent) nor KP004 (names nothing) for it."""
    card = EXAMPLES / "best-company"
    whole = run_cli("lint", card, "--format", "json", "--no-cache").json()
    one = run_cli("lint", card / "unit-1.yaml", "--format", "json", "--no-cache")
    assert one.json() == [f for f in whole if f["file"] == "unit-1.yaml"] != []
    assert {f["code"] for f in one.json()}.isdisjoint({"KP004", "KP006"})
    cached = run_cli("lint", card / "unit-1.yaml", "--format", "json")
    assert cached.json() == one.json()


@pytest.mark.parametrize("command", [["lint"], ["count"], ["report"]], ids=" ".join)
@pytest.mark.parametrize("name, text", [("ci.yaml", "jobs: {test: {run: pytest}}\n"), ("notes.txt", "hello\n")])
def test_one_file_named_that_is_not_a_team_file_is_one_line_and_exit_2(run_cli, partial, command, name, text):
    """Not "all checks passed" on a file no check ran on."""
    (partial / name).write_text(text)
    result = run_cli(command[0], partial / name)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and f"{name} is not a team file" in result.stderr


def test_one_file_in_a_folder_of_its_own_is_its_own_scorecard(run_cli, tmp_path):
    write_files(tmp_path, {"alone/child.yaml": CHILD})
    result = run_cli("lint", tmp_path / "alone" / "child.yaml", "--format", "json", "--select", "KP006")
    assert [f["code"] for f in result.json()] == ["KP006"]


def test_record_refuses_a_team_declared_twice_naming_both_files(run_cli, partial):
    (partial / "sales.yaml").unlink()
    write_files(partial, {"more/child.yaml": CHILD})
    before = (partial / "child.yaml").read_bytes(), (partial / "more/child.yaml").read_bytes()
    result = run_cli("record", "child/otif-rate", "93", partial, "--period", "2026-10")
    assert result.exit_code == 2
    assert "child.yaml" in result.stderr and "more/child.yaml" in result.stderr
    assert ((partial / "child.yaml").read_bytes(), (partial / "more/child.yaml").read_bytes()) == before


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=cwd, check=True,
                   capture_output=True)


def commit_all(folder):
    """The folder as a git repository of one commit holding every file."""
    git("init", "-q", cwd=folder)
    git("add", ".", cwd=folder)
    git("commit", "-qm", "one", cwd=folder)


def test_diff_does_not_call_a_file_it_cannot_read_removed(run_cli, partial, monkeypatch):
    (partial / "sales.yaml").unlink()
    commit_all(partial)
    (partial / "child.yaml").write_text(CHILD.replace("owner: Head", "owner: Head\nowner: twice"))
    monkeypatch.chdir(partial)
    result = run_cli("diff", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert result.json() == []  # not "team child removed"
    assert "child.yaml (KP001 line" in result.stderr and "not compared" in result.stderr


def test_diff_does_not_call_a_file_it_could_not_read_at_the_revision_added(run_cli, partial, monkeypatch):
    """sales.yaml was committed broken (a duplicate key) and is mended since: read from git,
    it is named as not compared, and its team is not 'added'. A YAML file that is no team
    file is in the revision too: it is neither."""
    (partial / "notes.yaml").write_text("notes: [one, two]\n")
    commit_all(partial)
    (partial / "sales.yaml").write_text(CHILD.replace("team: child", "team: sales"))
    monkeypatch.chdir(partial)
    result = run_cli("diff", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert result.json() == []
    assert "sales.yaml (KP001 line 3:" in result.stderr and "not compared" in result.stderr


def test_diff_does_not_call_an_entry_that_no_longer_validates_removed(run_cli, partial, monkeypatch):
    (partial / "sales.yaml").unlink()
    commit_all(partial)
    (partial / "child.yaml").write_text(ONE_INVALID)
    monkeypatch.chdir(partial)
    result = run_cli("diff", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert result.json() == []  # not "otif-rate removed"
    assert "child.yaml (KP002 line" in result.stderr and "not compared" in result.stderr
    git("commit", "-qam", "two", cwd=partial)
    (partial / "child.yaml").write_text(CHILD)
    back = run_cli("diff", "HEAD", "--format", "json")  # nor added when it validates again
    assert back.exit_code == 1 and back.json() == []


def test_diff_compares_the_first_file_of_a_team_declared_twice_and_names_the_other(run_cli, partial, monkeypatch):
    """The folder child/ comes before child.yaml in path order, as lint reads them; git's
    own order puts child.yaml first: a revision is read in path order too."""
    (partial / "sales.yaml").unlink()
    write_files(partial, {"child/more.yaml": CHILD.replace("otif-rate", "fill-rate")})
    commit_all(partial)
    monkeypatch.chdir(partial)
    result = run_cli("diff", "HEAD", "--format", "json")
    assert result.json() == []  # nothing changed
    assert result.exit_code == 1
    assert "child.yaml (KP003: team 'child' is already declared in child/more.yaml)" in result.stderr
    assert "1 team file not compared" in result.stderr


def test_diff_names_a_revision_that_is_not_one(run_cli, partial, monkeypatch):
    commit_all(partial)
    monkeypatch.chdir(partial)
    result = run_cli("diff", "nosuchrev")
    assert result.exit_code == 2 and "'nosuchrev'" in result.stderr


def test_a_file_name_that_is_not_utf8_is_one_finding_and_every_output_stays_utf8(run_cli, partial):
    (partial / "sales.yaml").unlink()
    bad = os.fsdecode(b"caf\xe9.yaml")
    (partial / bad).write_text("team: bad\nname: B\nparent: top\n")
    (partial / os.fsdecode(b"dir\xff")).mkdir()
    for output in ("json", "sarif", "junit", "github", "text"):
        result = run_cli("lint", partial, "--format", output, "--no-cache")
        assert result.exit_code == 1
        result.stdout.encode("utf-8")  # no lone surrogate reaches the output
        assert "udce9.yaml" in result.stdout and "udcff" in result.stdout  # named, escaped
    findings = run_cli("lint", partial, "--format", "json").json()
    assert [f["file"] for f in findings if f["code"] == "KP001"] == ["caf\\udce9.yaml", "dir\\udcff"]
    assert {f["file"] for f in findings} >= {"top.yaml", "child.yaml"}  # the rest is analysed
    count = run_cli("count", partial)
    assert count.exit_code == 1 and "1 team file and 1 folder not read" in count.stderr


@pytest.mark.parametrize("period", ["2027-W53", "0000-01", "9999-12", "9999-W52", "9999"])
def test_an_impossible_or_last_period_is_a_finding_never_an_internal_error(run_cli, partial, period):
    (partial / "sales.yaml").unlink()
    text = (partial / "top.yaml").read_text()
    (partial / "top.yaml").write_text(text + f"    actuals:\n      - {{period: \"{period}\", value: 90}}\n")
    for command in (["lint", "--format", "json"], ["report", "--format", "json"], ["report"], ["tree", "-f", "mermaid"]):
        result = run_cli(command[0], partial, *command[1:])
        assert result.exit_code in (0, 1) and "error" not in result.stderr, (command, result.stderr)
    assert not [f for f in run_cli("lint", partial, "--format", "json").json() if f["code"] == "KP001"]  # no bug met
    findings = run_cli("lint", partial, "--format", "json", "--select", "KP002").json()
    impossible = period in ("2027-W53", "0000-01")
    assert [(f["code"], f["file"]) for f in findings] == ([("KP002", "top.yaml")] if impossible else [])


def test_diff_leaves_a_file_over_max_file_mb_unread_at_the_revision(run_cli, partial, monkeypatch):
    (partial / "sales.yaml").unlink()
    (partial / "child.yaml").write_text(CHILD + "description: " + "x" * 2_000 + "\n")
    commit_all(partial)
    (partial / "kpoctl.yaml").write_text("today: 2026-11-21\nmax_file_mb: 0.001\n")
    monkeypatch.chdir(partial)
    result = run_cli("diff", "HEAD", "--format", "json")
    assert result.exit_code == 1 and result.json() == []
    assert "at HEAD, 1 team file not read" in result.stderr and "over max_file_mb" in result.stderr


def test_diff_and_history_name_a_kpoctl_yaml_below_the_root_and_a_link_too(run_cli, partial, monkeypatch):
    (partial / "sales.yaml").unlink()
    write_files(partial, {"unit/kpoctl.yaml": "today: 2026-11-21\nlimits: {kpi: 1}\n"})
    (partial / "linked.yaml").symlink_to(partial / "child.yaml")  # and a link, not followed
    commit_all(partial)
    monkeypatch.chdir(partial)
    for command in (["diff", "HEAD"], ["history", "."], ["history", "child/otif-rate", "."]):
        result = run_cli(*command)
        assert result.exit_code == 0, command
        assert "unit/kpoctl.yaml not read" in result.stderr, command
        assert "linked.yaml not checked" in result.stderr, command


def test_a_suppression_on_an_entry_that_waits_is_not_called_unused(run_cli, partial):
    """The KPO's KP103 waits while its `due` does not validate: the comment that silences it
    silences something still, so no KP007 says to remove it."""
    (partial / "sales.yaml").unlink()
    (partial / "child.yaml").write_text(IMPOSSIBLE_DUE.replace("  - id: otif\n", "  - id: otif  # kpoctl: ignore[KP103]\n", 1))
    codes = [f["code"] for f in run_cli("lint", partial, "--format", "json", "--select", "ALL").json()
             if f["file"] == "child.yaml"]
    assert "KP002" in codes and "KP007" not in codes


# A top team with nothing to say: every objective measured with a target, four perspectives,
# a leading indicator. Each case below breaks one field of one entry; lint says that KP002
# and nothing else (the other findings would be the same typo said again), while leaving
# the field out instead shows the finding that waited, so the rule is alive.
BALANCED = TOP.replace("indicators:\n", """\
  - id: margin
    level: KPO
    title: Earn a gross margin of 40% on every order
    perspective: financial
    due: 2026-12-31
  - id: flow
    level: PO
    role: enabling
    supports: otif
    title: Ship every order within two days of its start
    perspective: process
    due: 2026-12-31
  - id: skills
    level: PO
    role: enabling
    supports: margin
    title: Train every planner in pricing before the summer
    perspective: learning
    due: 2026-12-31
indicators:
""") + """\
  - id: margin-rate
    level: KPI
    measures: margin
    name: Gross margin
    unit: "%"
    timing: lagging
    frequency: monthly
    owner: CFO
    target: {value: 40, direction: at_least}
  - id: flow-time
    level: PI
    measures: flow
    name: Days from start to shipment
    unit: days
    frequency: weekly
    owner: Plant manager
    target: {value: 2, direction: at_most}
  - id: trained
    level: PI
    measures: skills
    name: Planners trained in pricing
    unit: "%"
    timing: leading
    frequency: monthly
    owner: HR lead
    target: {value: 100, direction: at_least}
"""

def _without(text: str, start: str, end: str) -> str:
    """`text` without what runs from `start` up to (not including) `end`."""
    return text[:text.index(start)] + text[text.index(end):]


ONE_TYPO = {
    # the line as written, the line with a typo, the file with that field (or entry) left
    # out, and the finding the typo would have caused: (code, entry)
    "a perspective": ("    perspective: financial\n", "    perspective: money\n",
                      BALANCED.replace("    perspective: financial\n", ""), ("KP405", None)),
    "a timing": ("    timing: leading\n", "    timing: lead\n", BALANCED.replace("    timing: leading\n", ""),
                 ("KP404", None)),
    "a target": ("    target: {value: 40, direction: at_least}\n", "    target: {value: forty, direction: at_least}\n",
                 BALANCED.replace("    target: {value: 40, direction: at_least}\n", ""), ("KP302", None)),
    "what an indicator measures": ("    measures: skills\n", "    measures: [skills]\n",
                                   BALANCED.replace("    measures: skills\n", ""), ("KP108", "skills")),
    "an indicator's level": ("    level: KPI\n    measures: otif\n", "    level: KIP\n    measures: otif\n",
                             _without(BALANCED, "  - id: otif-rate\n", "  - id: margin-rate\n"), ("KP108", "otif")),
    "an objective's title": ("    title: Ship every order within two days of its start\n", "    title:\n",
                             _without(BALANCED, "  - id: flow\n", "  - id: skills\n"), ("KP004", "flow-time")),
}


@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]], ids=["cached", "no cache"])
@pytest.mark.parametrize("case", sorted(ONE_TYPO))
def test_one_typo_in_one_entry_is_one_finding_not_one_per_rule_that_reads_it(run_cli, scorecard, case, no_cache):
    line, typo, left_out, consequence = ONE_TYPO[case]
    assert BALANCED.count(line) == 1
    root = scorecard({"top.yaml": BALANCED.replace(line, typo)})
    for _ in range(2):  # the second run from the cache says the same
        findings = run_cli("lint", root, "--format", "json", "--select", "ALL", *no_cache).json()
        assert [f["code"] for f in findings] == ["KP002"], findings
    (root / "top.yaml").write_text(left_out)
    findings = run_cli("lint", root, "--format", "json", "--select", "ALL", *no_cache).json()
    assert consequence in [(f["code"], f["id"]) for f in findings]


def test_what_waits_is_held_back_in_its_own_team_only(run_cli, scorecard):
    """A typo in the top team holds back its KP405; a child team's KP404 is said as ever."""
    child = BALANCED.replace("team: top", "team: child\nparent: top").replace("timing: leading", "timing: lagging")
    child = child.replace("    perspective: customer\n", "    cascades_from: top/otif\n    perspective: customer\n")
    child = child.replace("    perspective: financial\n", "    cascades_from: top/margin\n    perspective: financial\n")
    root = scorecard({"top.yaml": BALANCED.replace("perspective: financial", "perspective: money"),
                      "child.yaml": child})
    findings = [(f["file"], f["code"]) for f in run_cli("lint", root, "--format", "json").json()]
    assert sorted(findings) == [("child.yaml", "KP109"), ("child.yaml", "KP404"), ("top.yaml", "KP002")]


def test_a_suppression_of_a_finding_that_waits_for_another_entry_is_not_called_unused(run_cli, scorecard):
    text = BALANCED.replace("perspective: financial", "perspective: money").replace(
        "team: top\n", "team: top  # kpoctl: ignore[KP405]\n")
    root = scorecard({"top.yaml": text})
    codes = [f["code"] for f in run_cli("lint", root, "--format", "json", "--select", "ALL").json()]
    assert codes == ["KP002"]


def _below(parent: str, name: str) -> str:
    """BALANCED as a team below `parent`, its KPOs cascading from the parent's."""
    text = BALANCED.replace("team: top", f"team: {name}\nparent: {parent}")
    text = text.replace("    perspective: customer\n", f"    cascades_from: {parent}/otif\n    perspective: customer\n")
    return text.replace("    perspective: financial\n", f"    cascades_from: {parent}/margin\n    perspective: financial\n")


# the unit below the top, its otif KPO cascading from `top/Otif` (ids are lower case): a KP002 leaves the link unread
UNREAD_LINK_UNIT = _below("top", "unit").replace("cascades_from: top/otif", "cascades_from: top/Otif")


def test_a_cascade_link_left_unread_holds_back_relevance_below_it_in_other_teams_too(run_cli, scorecard):
    """`cascades_from: top/Otif` in the unit is one KP002: whether the plant's objectives
    below it reach the top is not known, so no KP306 there, from the cache or not; with the
    link left out instead, the plant's KP306 is said (the cache does not keep the old answer)."""
    unit = UNREAD_LINK_UNIT
    root = scorecard({"top.yaml": BALANCED, "unit.yaml": unit, "plant.yaml": _below("unit", "plant")})
    for flags in ([], [], ["--no-cache"]):
        findings = [(f["file"], f["code"]) for f in run_cli("lint", root, "--format", "json", *flags).json()]
        assert findings == [("unit.yaml", "KP002")], findings
    # an objective of the unit whose chain does not pass the unread link is judged as ever
    tidy = "  - id: tidy\n    level: PO\n    role: enabling\n    supports: nowhere\n    title: Keep the desks tidy every day\n"
    (root / "unit.yaml").write_text(unit.replace("indicators:\n", tidy + "indicators:\n"))
    found = [(f["code"], f["id"]) for f in run_cli("lint", root, "--format", "json").json()]
    assert ("KP306", "tidy") in found and ("KP306", "otif") not in found, found
    (root / "unit.yaml").write_text(unit)
    assert [f["code"] for f in run_cli("lint", root, "--format", "json").json()] == ["KP002"]  # cached again
    (root / "unit.yaml").write_text(unit.replace("    cascades_from: top/Otif\n", ""))
    for flags in ([], ["--no-cache"]):
        findings = [(f["file"], f["code"], f["id"]) for f in run_cli("lint", root, "--format", "json", *flags).json()]
        assert ("plant.yaml", "KP306", "otif") in findings and ("unit.yaml", "KP103", "otif") in findings


@pytest.mark.parametrize("unsaid", ["--ignore", "settings", "comment"])
def test_a_kp002_not_said_holds_nothing_back_below_its_link_either(run_cli, scorecard, unsaid):
    """`cascades_from: top/Otif` in the unit, its KP002 ignored (on the command line or in
    the settings) or silenced by a comment: the unit's KPO is read without the link and
    judged so (KP103), and what hangs below it (the plant's KPO, each team's PO that
    supports its KPO) does not reach the top (KP306), cold and warm. Said, the KP002
    holds them all back (the test above)."""
    unit = UNREAD_LINK_UNIT
    if unit.count("  - id: otif\n") != 1:
        raise AssertionError("the unit's otif entry starts on one line")
    settings = "today: 2026-11-21\n" + ("rules: {ignore: [KP002]}\n" if unsaid == "settings" else "")
    if unsaid == "comment":
        unit = unit.replace("  - id: otif\n", "  - id: otif  # kpoctl: ignore[KP002] the link is being fixed\n")
    root = scorecard({"top.yaml": BALANCED, "unit.yaml": unit, "plant.yaml": _below("unit", "plant")}, settings)
    flags = ["--ignore", "KP002"] if unsaid == "--ignore" else []
    for cache in ([], [], ["--no-cache"]):
        findings = [(f["file"], f["code"], f["id"]) for f in run_cli("lint", root, "-f", "json", *flags, *cache).json()]
        assert findings == [("plant.yaml", "KP306", "otif"), ("plant.yaml", "KP306", "flow"),  # the PO supports it
                            ("unit.yaml", "KP103", "otif"), ("unit.yaml", "KP306", "flow")], findings


def test_below_two_unread_links_one_kp002_said_is_enough_to_hold_back(run_cli, scorecard):
    """The unit's PO supports both its KPOs, and each KPO's `cascades_from` is a KP002: one
    silenced by a comment, the other said. Whether the PO reaches the top is not known while
    one of them is said, whichever comes first; the plant, below the silenced one only, is
    judged as read."""
    unit = (UNREAD_LINK_UNIT
            .replace("cascades_from: top/margin", "cascades_from: top/Margin")
            .replace("    supports: otif\n", "    supports: [otif, margin]\n", 1)
            .replace("  - id: otif\n", "  - id: otif  # kpoctl: ignore[KP002] being fixed\n"))
    if "supports: [otif, margin]" not in unit or "ignore[KP002]" not in unit:
        raise AssertionError("the unit is not what the test means")
    root = scorecard({"top.yaml": BALANCED, "unit.yaml": unit, "plant.yaml": _below("unit", "plant")})
    for cache in ([], [], ["--no-cache"]):
        findings = [(f["file"], f["code"], f["id"]) for f in run_cli("lint", root, "-f", "json", *cache).json()]
        assert findings == [("plant.yaml", "KP306", "otif"), ("plant.yaml", "KP306", "flow"),
                            ("unit.yaml", "KP103", "otif"), ("unit.yaml", "KP002", "margin")], findings


def test_a_kpi_below_an_unread_link_is_said_not_to_roll_up_once_the_kp002_is_not_said(run_cli, tmp_path):
    """KP612's case of a link left unread (cpi-kpi-kpa): said, the KP002 holds the plant's
    KPI back; not selected, the KPIs' cascades are judged as read, and reach no CPI."""
    from rule_cases import cases_of

    (case,) = [c for c in cases_of("KP612") if c.name.startswith("below a link a KP002 left unread")]
    root = case.write(tmp_path)
    held = [(f["code"], f["id"]) for f in run_cli("lint", root, "-f", "json", "--select", "KP002,KP612").json()]
    assert held == [("KP612", "accidents"), ("KP002", "margin")], held
    said = [(f["code"], f["id"]) for f in run_cli("lint", root, "-f", "json", "--select", "KP612").json()]
    # the unit's own KPI too: its KPO, read without the link, reaches no CPI either
    assert said == [("KP612", "scrap-rate"), ("KP612", "accidents"), ("KP612", "margin-rate")], said


def test_an_ignored_kp002_holds_nothing_back(run_cli, scorecard):
    """Ignored (or silenced), a KP002 is not said, so what it would hold back is said."""
    root = scorecard({"top.yaml": BALANCED.replace("perspective: financial", "perspective: money")},
                     "today: 2026-11-21\nrules: {ignore: [KP002]}\n")
    assert [f["code"] for f in run_cli("lint", root, "--format", "json").json()] == ["KP405"]


def test_an_owner_left_unread_is_not_an_owner_missing_and_holds_back_no_other_owner(run_cli, scorecard):
    """`owner: [COO]` on a KPO of a team without an owner: one KP002, not also "has nobody to
    answer for it"; another indicator's missing owner is still said."""
    text = BALANCED.replace("owner: CEO\n", "").replace(
        "    perspective: customer\n", "    perspective: customer\n    owner: [COO]\n").replace("    owner: CFO\n", "")
    for perspective in ("financial", "process", "learning"):  # the other objectives have owners of their own
        text = text.replace(f"    perspective: {perspective}\n", f"    perspective: {perspective}\n    owner: Ann\n")
    for _ in range(2):
        for team_owner in ("", "owner: [CEO]\n"):  # a team owner left unread is not one missing either
            root = scorecard({"top.yaml": text.replace("meeting: monthly\n", "meeting: monthly\n" + team_owner)})
            found = [(f["code"], f["id"]) for f in run_cli("lint", root, "--format", "json").json()
                     if f["code"] in ("KP002", "KP401")]
            assert sorted(found, key=str) == sorted([("KP002", "otif"), ("KP401", "margin-rate")]
                                                    + ([("KP002", None)] if team_owner else []), key=str), found


def test_a_header_field_left_unread_holds_back_nothing_of_the_entries(run_cli, scorecard):
    """`meeting: fortnightly` is one KP002 on the team; what the entries are judged on is all
    there, so the findings about them are said (a short title here)."""
    text = BALANCED.replace("meeting: monthly", "meeting: fortnightly").replace(
        "title: Earn a gross margin of 40% on every order", "title: Earn margin").replace("    perspective: financial\n", "")
    root = scorecard({"top.yaml": text})
    found = sorted((f["code"], f["id"]) for f in run_cli("lint", root, "--format", "json").json())
    assert found == [("KP002", None), ("KP301", "margin"), ("KP405", None)], found
