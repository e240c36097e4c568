"""`lint --statistics`: the count of findings per code, most first, with the rule's summary."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from conftest import EXAMPLES, uncoloured

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
    written = yaml.safe_load((EXAMPLES / "broken" / "sales.yaml").read_text())
    assert by_team["sales"]["entries"] == len(written["objectives"]) + len(written["indicators"])  # what a score is per
    # one file named: the whole scorecard read, that file's team alone summed up
    alone = run_cli("lint", EXAMPLES / "broken" / "sales.yaml", "--summary", "--format", "json").json()
    assert alone == [by_team["sales"]]


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


def _summary_row(team: str = "t", score: int = 100, **warnings: int) -> dict:
    """A row as summary_rows gives it: one entry, and `warnings` per family (KP6=1)."""
    from kpoctl.output.reporters.summary import FAMILIES

    return {"team": team, "score": score, "entries": 1,
            "families": {code: {"errors": 0, "warnings": warnings.get(code, 0), "infos": 0} for code in FAMILIES}}


def _finding(code: str, file: str, team: str | None, severity: str = "warning"):
    from kpoctl.common.findings import Finding, Severity

    return Finding(code, Severity(severity), "m", file, 1, 1, team)


def test_every_rule_has_a_family_in_the_summary():
    from kpoctl.output.reporters.summary import FAMILIES

    assert {code[:3] for code in REGISTRY} == set(FAMILIES)


def test_a_profile_rule_counts_in_its_own_family_not_as_a_file_problem(run_cli):
    """okr-defects' findings are KP6xx: a column of their own, shown where there are any."""
    rows = run_cli("lint", EXAMPLES / "okr-defects", "--summary", "-f", "json").json()
    assert sum(row["families"]["KP6"]["warnings"] for row in rows) == sum(row["warnings"] for row in rows) > 0
    assert all(row["families"]["KP0"] == {"errors": 0, "warnings": 0, "infos": 0} for row in rows)
    text = run_cli("lint", EXAMPLES / "okr-defects", "--summary", env={"COLUMNS": "120"}).stdout
    header = text.splitlines()[1:3]
    assert header[0].split() == ["KP0", "KP1", "KP2", "KP3", "KP4", "KP6"]  # no history column: none found
    assert header[1].split() == ["score", "team", "files", "cascade", "focus", "SMART", "practice", "profile",
                                 "entries"]
    markdown = run_cli("lint", EXAMPLES / "okr-defects", "--summary", "-f", "markdown").stdout
    assert "| KP4 practice | KP6 profile | entries |" in markdown
    clean = run_cli("lint", EXAMPLES / "northwind", "--summary", "-f", "markdown").stdout
    assert "KP5" not in clean and "KP6" not in clean and "| KP4 practice | entries |" in clean


def test_a_finding_counts_for_the_team_it_names_else_for_its_files_team():
    from kpoctl.output.reporters.summary import TeamSide, summary_rows

    teams = {"sales": TeamSide("sales.yaml", 4), "it": TeamSide("it.yaml", 2)}
    rows = summary_rows([
        _finding("KP301", "it.yaml", "sales"),  # a team declared twice: its findings are one team's
        _finding("KP007", "it.yaml", None, "info"),  # about the file: its team's
        _finding("KP101", "sales.yaml", "ghost", "error"),  # a team no file gives: the file's team
        _finding("KP001", "bad.yaml", None, "error"),  # a file that cannot be read: a row of its own
    ], teams)
    by_team = {row["team"]: row for row in rows}
    assert set(by_team) == {"sales", "it", "bad.yaml"}
    assert (by_team["sales"]["warnings"], by_team["sales"]["errors"], by_team["it"]["infos"]) == (1, 1, 1)
    assert by_team["bad.yaml"]["entries"] == 0 and by_team["bad.yaml"]["file"] == "bad.yaml"


def test_summary_in_text_colours_scores_by_band_and_gives_the_mean(run_cli, monkeypatch):
    """Under 50 red, under 80 yellow, else green: the bands the reader scans for."""
    import io

    from kpoctl.output.reporters.summary import write_text

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    rows = [_summary_row(name, score) for name, score in (("a", 49), ("b", 50), ("c", 79), ("d", 80))]
    out = io.StringIO()
    write_text(rows, out)
    text = out.getvalue()
    assert re.search(r"\x1b\[1;31m +49\x1b\[0m", text) and re.search(r"\x1b\[33m +50\x1b\[0m", text)
    assert re.search(r"\x1b\[33m +79\x1b\[0m", text) and re.search(r"\x1b\[32m +80\x1b\[0m", text)
    assert "4 teams, mean score 64;" in uncoloured(text)


@pytest.mark.parametrize("columns", ["50", "30"])
def test_summary_in_a_narrow_terminal_cuts_no_team_name_and_no_count(run_cli, columns):
    """The counts fold, and a line too long for the terminal wraps there, before a team's
    name or a number is cut to an ellipsis (at 80 columns it cut 'marketing.yaml')."""
    text = run_cli("lint", EXAMPLES / "broken", "--summary", env={"COLUMNS": columns}).stdout
    rows = run_cli("lint", EXAMPLES / "broken", "--summary", "-f", "json").json()
    assert "…" not in text
    for row in rows:
        assert any(line.split()[:2] == [str(row["score"]), row["team"]] and line.split()[-1] == str(row["entries"])
                   for line in text.splitlines())


def test_a_long_team_name_stays_whole_beside_short_ones(monkeypatch):
    import io

    from kpoctl.output.reporters.summary import write_text

    monkeypatch.setenv("COLUMNS", "40")
    long_name = "incubation-engineering-and-applied-research-group"  # 49 characters
    rows = [_summary_row(name) for name in ("it", long_name)]
    out = io.StringIO()
    write_text(rows, out)
    assert any(line.split()[:2] == ["100", long_name] for line in out.getvalue().splitlines())


def test_the_history_and_profile_columns_show_when_any_team_has_their_findings():
    from kpoctl.output.reporters.summary import CORE, shown_families

    assert shown_families([_summary_row(), _summary_row()]) == list(CORE)
    assert shown_families([_summary_row(KP6=1), _summary_row()]) == [*CORE, "KP6"]
    assert shown_families([_summary_row(KP5=2), _summary_row(KP6=1)]) == [*CORE, "KP5", "KP6"]


def test_statistics_count_teams_not_files_and_order_ties_by_code():
    from kpoctl.output.reporters.statistics import statistics_rows

    rows = statistics_rows([
        _finding("KP001", "a.yaml", None, "error"), _finding("KP001", "b.yaml", None, "error"),  # two files
        _finding("KP301", "x.yaml", "sales"), _finding("KP301", "y.yaml", "sales"),  # one team in two files
        _finding("KP201", "x.yaml", "sales"), _finding("KP201", "x.yaml", "it"),
    ])
    assert [(r["code"], r["count"], r["teams"]) for r in rows] == [("KP001", 2, 2), ("KP201", 2, 2), ("KP301", 2, 1)]


def test_statistics_as_markdown_and_the_share_of_the_top_codes(run_cli):
    rows = run_cli("lint", EXAMPLES / "broken", "--statistics", "-f", "json").json()
    markdown = run_cli("lint", EXAMPLES / "broken", "--statistics", "-f", "markdown").stdout.splitlines()
    assert markdown[:2] == ["| count | code | severity | teams | summary |", "|---:|---|---|---:|---|"]
    assert markdown[2] == (f"| {rows[0]['count']} | {rows[0]['code']} | {rows[0]['severity']} | {rows[0]['teams']} "
                           f"| {rows[0]['summary']} |")
    assert len(markdown) == 2 + len(rows)
    text = run_cli("lint", EXAMPLES / "broken", "--statistics", env={"COLUMNS": "200"}).stdout
    assert text.startswith("count  code")  # no padding before the table
    total = sum(r["count"] for r in rows)
    share = sum(r["count"] for r in rows[:3]) / total
    assert f"{total} findings of {len(rows)} codes in 6 team files; the first 3 make {share:.0%} of them" in text
    one = run_cli("lint", EXAMPLES / "broken", "--statistics", "--select", "KP101", env={"COLUMNS": "200"}).stdout
    assert "the first 1 make 100% of them: `kpoctl explain KP101`" in one


def test_statistics_in_colour_paint_the_code_and_severity_not_the_count(run_cli, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    text = run_cli("lint", EXAMPLES / "broken", "--statistics", "--select", "KP101",
                   env={"FORCE_COLOR": "1", "COLUMNS": "200"}).stdout
    row = text.splitlines()[1]
    assert "\x1b[1;31mKP101" in row and "\x1b[1;31merror" in row
    assert row.lstrip()[0] != "\x1b"  # the count plain


def test_summary_table_starts_at_the_edge(run_cli):
    text = run_cli("lint", EXAMPLES / "broken", "--summary", env={"COLUMNS": "120"}).stdout
    assert text.splitlines()[2].startswith("score  team")  # under the line of codes


def test_piped_output_is_as_wide_as_its_tables_unless_columns_say_otherwise(monkeypatch):
    """Piped with no COLUMNS, 200 columns: a table in a CI log is not cut to 80."""
    import io

    from conftest import Terminal
    from rich.console import Console

    from kpoctl.output.reporters.text import console_for

    monkeypatch.delenv("COLUMNS", raising=False)
    assert console_for(io.StringIO()).width == 200
    assert console_for(Terminal()).width == Console(file=Terminal()).width != 200  # a terminal's own width
    monkeypatch.setenv("COLUMNS", "60")
    assert console_for(io.StringIO()).width == 60


def test_statistics_in_a_narrow_terminal_keep_each_code_and_count_whole(run_cli):
    rows = run_cli("lint", EXAMPLES / "broken", "--statistics", "-f", "json").json()
    text = run_cli("lint", EXAMPLES / "broken", "--statistics", env={"COLUMNS": "20"}).stdout
    assert "…" not in text
    starts = [line.split()[:4] for line in text.splitlines() if re.fullmatch(r"\d+", line.split()[0] if line.split() else "")
              and re.fullmatch(r"KP\d{3}", line.split()[1])]
    assert starts == [[str(r["count"]), r["code"], r["severity"], str(r["teams"])] for r in rows]
