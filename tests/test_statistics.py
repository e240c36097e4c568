"""`lint --statistics`: the count of findings per code, most first, with the rule's summary."""

from __future__ import annotations

from collections import Counter

from kpoctl.rules import REGISTRY

from conftest import EXAMPLES


def test_statistics_count_what_lint_lists_most_first(run_cli):
    findings = run_cli("lint", EXAMPLES / "broken", "--format", "json").json()
    result = run_cli("lint", EXAMPLES / "broken", "--statistics", "--format", "json")
    rows = result.json()
    assert result.exit_code == 1  # the exit code of lint itself
    assert {r["code"]: r["count"] for r in rows} == Counter(f["code"] for f in findings)
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    for row in rows:
        teams = {f["team"] if f["team"] is not None else f["file"] for f in findings if f["code"] == row["code"]}
        assert row["teams"] == len(teams) and row["summary"] == REGISTRY[row["code"]].summary
        assert row["severity"] == next(f["severity"] for f in findings if f["code"] == row["code"])


def test_statistics_in_text_name_the_top_codes(run_cli):
    text = run_cli("lint", EXAMPLES / "broken", "--statistics", env={"COLUMNS": "120"}).stdout
    rows = run_cli("lint", EXAMPLES / "broken", "--statistics", "--format", "json").json()
    first = text.splitlines()[1].split()
    assert first[:3] == [str(rows[0]["count"]), rows[0]["code"], rows[0]["severity"]]
    assert f"kpoctl explain {rows[0]['code']}" in text


def test_statistics_follow_select_and_a_clean_run(run_cli):
    rows = run_cli("lint", EXAMPLES / "broken", "--statistics", "-f", "json", "--select", "KP1").json()
    assert rows and all(r["code"].startswith("KP1") for r in rows)
    clean = run_cli("lint", EXAMPLES / "northwind", "--statistics", "--fail-on", "info")
    assert clean.exit_code == 0 and "no findings" in clean.stdout


def test_statistics_in_another_format_is_a_usage_error(run_cli):
    result = run_cli("lint", EXAMPLES / "broken", "--statistics", "--format", "sarif")
    assert result.exit_code == 2 and "--statistics prints text or json" in result.stderr
