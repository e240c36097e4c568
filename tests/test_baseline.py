"""Baselines: recorded findings stay quiet, matched by code, team, id and message (not line),
new ones show, fixed ones are reported as gone."""

from __future__ import annotations

import json
import shutil

from conftest import EXAMPLES


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
