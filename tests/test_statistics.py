"""`lint --statistics`: the count of findings per code, most first, with the rule's summary."""

from __future__ import annotations

from collections import Counter

from conftest import EXAMPLES

from kpoctl.rules import REGISTRY


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


def test_statistics_in_text_give_each_summary_as_explain_does(run_cli):
    """A summary keeps its field names in backticks: without them KP106's read 'does not
    supports a KPO'."""
    text = run_cli("lint", EXAMPLES / "broken", "--statistics", "--select", "KP106", env={"COLUMNS": "200"}).stdout
    assert REGISTRY["KP106"].summary in text and "`supports`" in REGISTRY["KP106"].summary


def test_statistics_follow_select_and_a_clean_run(run_cli):
    rows = run_cli("lint", EXAMPLES / "broken", "--statistics", "-f", "json", "--select", "KP1").json()
    assert rows and all(r["code"].startswith("KP1") for r in rows)
    clean = run_cli("lint", EXAMPLES / "northwind", "--statistics", "--fail-on", "info")
    assert clean.exit_code == 0 and "no findings" in clean.stdout


def test_statistics_in_another_format_is_a_usage_error(run_cli):
    result = run_cli("lint", EXAMPLES / "broken", "--statistics", "--format", "sarif")
    assert result.exit_code == 2 and "--statistics prints text, json or markdown" in result.stderr


def test_summary_scores_each_team_by_its_findings_worst_first(run_cli):
    from kpoctl.output.reporters.summary import score

    findings = run_cli("lint", EXAMPLES / "broken", "--format", "json").json()
    result = run_cli("lint", EXAMPLES / "broken", "--summary", "--format", "json")
    rows = result.json()
    assert result.exit_code == 1
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)
    assert sum(r["errors"] + r["warnings"] + r["infos"] for r in rows) == len(findings)  # each finding counted once
    for row in rows:
        assert row["score"] == score(row["errors"], row["warnings"], row["infos"], row["entries"])
        assert sum(v["errors"] for v in row["families"].values()) == row["errors"]
    by_team = {r["team"]: r for r in rows}
    assert by_team["marketing.yaml"]["entries"] == 0  # the file that cannot be read is a row of its own
    sales = [f for f in findings if f["team"] == "sales" or (f["team"] is None and f["file"] == "sales.yaml")]
    assert by_team["sales"]["errors"] == sum(f["severity"] == "error" for f in sales)


def test_the_score_formula(run_cli):
    from kpoctl.output.reporters.summary import score

    assert score(0, 0, 0, 4) == 100
    assert score(1, 0, 0, 10) == 83 == score(3, 0, 0, 30)  # per entry
    assert score(0, 10, 0, 10) == 62 and score(10, 0, 0, 10) == 33 and score(0, 0, 5, 1) == 50
    assert score(1, 0, 0, 0) == score(1, 0, 0, 1)  # no entries counts as one
    assert 0 < score(40, 0, 0, 1) < score(20, 0, 0, 1) < score(10, 0, 0, 1)  # the worst still rank among themselves
    assert "10 x errors + 3 x warnings + 1 x infos" in run_cli("explain", "score").stdout


def test_a_clean_team_scores_100_and_markdown_has_a_row_per_team(run_cli):
    rows = run_cli("lint", EXAMPLES / "northwind", "--summary", "-f", "json", "--select", "KP1").json()
    assert rows and all(r["score"] == 100 for r in rows)
    table = run_cli("lint", EXAMPLES / "northwind", "--summary", "-f", "markdown").stdout.splitlines()
    assert table[0].startswith("| score | team |") and len(table) == 2 + len(rows)


def test_findings_as_a_markdown_table(run_cli):
    findings = run_cli("lint", EXAMPLES / "broken", "--format", "json").json()
    text = run_cli("lint", EXAMPLES / "broken", "--format", "markdown").stdout
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(findings)
    assert text.startswith(f"**kpoctl**: {len(findings)} findings")
