"""Baselines: recorded findings stay quiet, matched by code, team, id and message (not line),
new ones show, fixed ones are reported as gone."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import EXAMPLES

from kpoctl.commands import baseline
from kpoctl.commands.baseline import apply_baseline, read_baseline, write_baseline
from kpoctl.common.errors import UsageError
from kpoctl.common.findings import Finding, Severity


def copy_broken(tmp_path):
    target = tmp_path / "card"
    shutil.copytree(EXAMPLES / "broken", target, ignore=shutil.ignore_patterns(".kpoctl_cache"))
    return target


def test_baseline_then_one_new_problem_reports_exactly_that_one(run_cli, tmp_path):
    card = copy_broken(tmp_path)
    baseline = tmp_path / "baseline.json"
    wrote = run_cli("lint", card, "--write-baseline", baseline)
    total = len(run_cli("lint", card, "--format", "json").json())
    assert wrote.exit_code == 0 and f"recorded {total} findings" in wrote.stderr
    quiet = run_cli("lint", card, "--baseline", baseline, "--format", "json")
    assert quiet.exit_code == 0 and quiet.json() == []
    # Edit other lines (shifting every position) and add one new problem.
    sales = card / "sales.yaml"
    text = sales.read_text()
    sales.write_text("# a new comment line shifts everything\n" + text.replace("name: Quotes sent", "name: Optimize quotes"))
    new = run_cli("lint", card, "--baseline", baseline, "--format", "json", "--fail-on", "warning")
    assert [(f["code"], f["id"]) for f in new.json()] == [("KP301", "quotes")]
    assert new.exit_code == 1


def test_fixed_findings_are_reported_as_gone(run_cli, tmp_path):
    card = copy_broken(tmp_path)
    baseline = tmp_path / "baseline.json"
    run_cli("lint", card, "--write-baseline", baseline)
    (card / "marketing.yaml").unlink()
    result = run_cli("lint", card, "--baseline", baseline)
    assert "fixed since the baseline: KP001" in result.stdout


def test_a_file_that_is_not_a_baseline_is_exit_2(run_cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"findings": "nope"}))
    result = run_cli("lint", EXAMPLES / "broken", "--baseline", bad)
    assert result.exit_code == 2 and "is not a kpoctl baseline" in result.stderr
    bad.write_text("not json")
    assert run_cli("lint", EXAMPLES / "broken", "--baseline", bad).exit_code == 2
    missing = run_cli("lint", EXAMPLES / "broken", "--baseline", tmp_path / "none.json")
    assert missing.exit_code == 2 and "cannot read baseline" in missing.stderr


def test_an_unwritable_baseline_is_exit_2_and_nothing_is_written(run_cli, tmp_path):
    result = run_cli("lint", EXAMPLES / "broken", "--write-baseline", tmp_path / "no-such-dir" / "b.json")
    assert result.exit_code == 2 and "cannot write baseline" in result.stderr
    assert not (tmp_path / "no-such-dir").exists()


def finding(code="KP301", message="title is vague: 'optimize'", file="a.yaml", line=3, team="a", id="x") -> Finding:
    return Finding(code, Severity.WARNING, message, file, line, 5, team, id)


def test_a_finding_is_matched_by_code_team_id_and_message_as_many_times_as_recorded(tmp_path):
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding(), finding(line=9)])
    now = [finding(line=4), finding(line=20), finding(line=30)]  # once more than recorded
    new, gone = apply_baseline(path, now)
    assert new == [now[2]] and gone == []
    for changed in (finding(code="KP302"), finding(team="b"), finding(id="y"), finding(message="title is vague: 'improve'")):
        assert apply_baseline(path, [changed])[0] == [changed], changed
    new, gone = apply_baseline(path, [finding()])  # one of the two fixed
    assert new == [] and [(g["code"], g["id"]) for g in gone] == [("KP301", "x")]
    assert len(apply_baseline(path, [])[1]) == 2  # both fixed


def test_a_line_named_in_a_message_does_not_tell_findings_apart(tmp_path):
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding(code="KP003", message="duplicate id 'x' (first at line 12)")])
    assert apply_baseline(path, [finding(code="KP003", message="duplicate id 'x' (first at line 40)")]) == ([], [])
    moved = finding(code="KP003", message="duplicate id 'y' (first at line 12)")
    assert apply_baseline(path, [moved])[0] == [moved]


def test_the_baseline_is_written_in_a_stable_order_with_its_text_as_written(tmp_path):
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding(file="b.yaml"), finding(code="KP201", file="a.yaml", message="über 3 KPIs"),
                          finding(code="KP101", file="a.yaml", team=None, id=None)])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("kpoctl-baseline", 1)
    assert [(e["file"], e["code"]) for e in data["findings"]] == [("a.yaml", "KP101"), ("a.yaml", "KP201"), ("b.yaml", "KP301")]
    assert "über 3 KPIs" in path.read_text(encoding="utf-8")  # not \u00fc: a reviewer reads the diff
    assert set(data["findings"][0]) == {"code", "team", "id", "message", "file"}


@pytest.mark.parametrize("content", [
    {"format": "kpoctl-baseline", "version": 2, "findings": []},
    {"format": "other", "version": 1, "findings": []},
    {"format": "kpoctl-baseline", "version": 1, "findings": [{"code": "KP101"}]},
    {"format": "kpoctl-baseline", "version": 1, "findings": [{"code": 101, "message": "m"}]},
    {"format": "kpoctl-baseline", "version": 1, "findings": ["KP101"]},
    {"format": "kpoctl-baseline", "version": 1, "findings": [{"code": "KP101", "message": "m"}, {"code": "KP102"}]},
    {"format": "kpoctl-baseline", "version": 1},
    {"format": "kpoctl-baseline", "version": 1, "findings": {}},
    [],
])
def test_what_is_not_a_baseline_of_this_version_is_refused(tmp_path, content):
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(content))
    with pytest.raises(UsageError, match="is not a kpoctl baseline; write one"):
        read_baseline(path)


def test_a_baseline_that_is_no_regular_file_or_too_large_is_refused_unread(tmp_path, monkeypatch):
    with pytest.raises(UsageError, match="is not a regular file"):
        read_baseline(tmp_path)
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding()])
    monkeypatch.setattr(baseline, "MAX_BYTES", path.stat().st_size)
    assert read_baseline(path)  # at the limit: read
    monkeypatch.setattr(baseline, "MAX_BYTES", path.stat().st_size - 1)
    with pytest.raises(UsageError, match="too large"):
        read_baseline(path)
    path.write_bytes(b"\xff\xfe")
    monkeypatch.setattr(baseline, "MAX_BYTES", 100)
    with pytest.raises(UsageError, match="not JSON"):
        read_baseline(path)


COMMITTED = """{
  "format": "kpoctl-baseline",
  "version": 1,
  "findings": [
    {
      "code": "KP301",
      "team": "a",
      "id": "x",
      "message": "title is vague: 'optimize'",
      "file": "a.yaml"
    }
  ]
}
"""


def test_a_baseline_committed_by_an_earlier_run_reads_and_writes_the_same(tmp_path):
    """A baseline lives in the scorecard's repository: its format is kept (and written
    again byte for byte, so re-recording changes no line that did not change)."""
    path = tmp_path / "baseline.json"
    path.write_text(COMMITTED, encoding="utf-8")
    assert apply_baseline(path, [finding(line=40)]) == ([], [])
    write_baseline(path, [finding()])
    assert path.read_text(encoding="utf-8") == COMMITTED
