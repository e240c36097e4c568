"""The command line as users and scripts see it: exit codes, JSON shapes of CLI.md, and
output that stays readable without colour."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import pytest
from conftest import EXAMPLES, REALWORLD, TOP, table_cells, write_files

FINDING_KEYS = {"code", "severity", "message", "file", "line", "column", "team", "id"}
CHILD = TOP.replace("team: top", "team: child").replace("owner: CEO", "owner: Head\nparent: top")


def test_lint_json_is_an_array_of_findings_with_the_keys_of_cli_md(run_cli):
    result = run_cli("lint", EXAMPLES / "broken", "--format", "json")
    assert result.exit_code == 1
    findings = result.json()
    assert findings and all(FINDING_KEYS <= set(f) for f in findings)
    assert {f["severity"] for f in findings} == {"error", "warning", "info"}
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in findings)
    assert all(not f["file"].startswith("/") for f in findings)


def test_exit_code_follows_fail_on(run_cli):
    best = EXAMPLES / "best-company"
    assert run_cli("lint", best).exit_code == 0  # warnings only
    assert run_cli("lint", best, "--fail-on", "warning").exit_code == 1
    assert run_cli("lint", best, "--fail-on", "info").exit_code == 1
    assert run_cli("lint", EXAMPLES / "northwind", "--fail-on", "info").exit_code == 0


@pytest.mark.parametrize("severity, refused", [
    ({"KP101": "error"}, None), ({"kp101": "info"}, None),
    ({"KP1": "error"}, "is a prefix: name each code"),  # a severity is per code, never per family
    ({"ALL": "error"}, "unknown rule code 'ALL'"), ({"XX1": "error"}, "unknown rule code 'XX1'"),
])
def test_a_severity_is_set_per_rule_code(severity, refused):
    from kpoctl.rules.engine import Selection, SelectionError

    if refused is None:
        assert set(Selection.build(["ALL"], [], severity).severity) == {code.upper() for code in severity}
    else:
        with pytest.raises(SelectionError, match=refused):
            Selection.build(["ALL"], [], severity)


def test_select_all_in_any_case_selects_every_rule(run_cli):
    """`--select all` ran no rule at all and said "All checks passed"."""
    broken = EXAMPLES / "broken"
    codes = {f["code"] for f in run_cli("lint", broken, "--select", "ALL", "-f", "json").json()}
    assert codes and {f["code"] for f in run_cli("lint", broken, "--select", "all", "-f", "json").json()} == codes


def test_select_and_ignore_take_codes_and_prefixes(run_cli):
    broken = EXAMPLES / "broken"
    codes = {f["code"] for f in run_cli("lint", broken, "--select", "KP1", "--ignore", "KP105,KP108", "-f", "json").json()}
    assert codes and all(c.startswith("KP1") for c in codes)
    assert "KP105" not in codes and "KP108" not in codes
    only = {f["code"] for f in run_cli("lint", broken, "--select", "KP101", "-f", "json").json()}
    assert only == {"KP101"}


@pytest.mark.parametrize("select, ignore, chosen, dropped", [
    (["KP1"], ["KP10"], {"KP110"}, {"KP101", "KP109", "KP201"}),
    (["KP101"], ["KP1"], {"KP101"}, {"KP102", "KP110"}),  # the more specific selector wins
    (["KP1"], ["KP1"], set(), {"KP101", "KP110"}),  # a tie: ignore wins
    (["ALL"], ["KP1"], {"KP201", "KP001"}, {"KP101"}),  # ALL is the least specific of all
    (["ALL", "KP101"], ["KP10"], {"KP101", "KP110"}, {"KP102"}),
    (["kp10"], [], {"KP101", "KP109"}, {"KP110"}),  # codes and prefixes in any case
    (["all"], ["kp1"], {"KP201", "KP001"}, {"KP101"}),  # `all` too: it selected nothing once
    (["KP10"], ["KP1", "KP101"], {"KP102"}, {"KP101"}),  # the most specific ignore counts
])
def test_selection_takes_the_most_specific_selector_as_ruff_does(select, ignore, chosen, dropped):
    from kpoctl.rules.engine import Selection

    codes = Selection.build(select, ignore).codes
    assert chosen <= codes and not dropped & codes


@pytest.mark.parametrize("args, words", [
    (["lint", "--select", "KP999"], "unknown rule code 'KP999'; did you mean"),
    (["lint", "--ignore", "XX1"], "unknown rule code 'XX1'"),
    (["lint", "--format", "yaml"], "'yaml'"),  # the value refused, in the option parser's own words
    (["lint", "--bogus"], "--bogus"),  # the option refused, whatever words click says it in
    (["lint", "does-not-exist"], "path does not exist"),
    (["explain", "KP1O1"], "unknown rule code 'KP1O1' (did you mean KP101?)"),
])
def test_usage_errors_are_one_line_and_exit_2(run_cli, args, words, monkeypatch):
    monkeypatch.chdir(EXAMPLES / "best-company")
    result = run_cli(*args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("kpoctl: error: ")
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("args", [["lint", "--format", "yaml"], ["lint", "--bogus"], ["nosuch"], ["tree", "--depth", "0"]])
def test_usage_errors_of_the_real_command_are_one_line(args):
    result = subprocess.run([sys.executable, "-m", "kpoctl", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("kpoctl: error: ")


def test_no_pydantic_plugin_of_another_package_runs(tmp_path):
    """A package that registers a pydantic plugin (an observability tool, say) is not loaded
    by kpoctl: its code would run on every file read, and looking for it slows start-up."""
    import os

    site = tmp_path / "site"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")
    marker = tmp_path / "loaded"
    (site / "spy_plugin.py").write_text(f"open({str(marker)!r}, 'w').close()\nplugin = object()\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    run = lambda *args: subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, env=env)  # noqa: E731
    # the plugin is found where pydantic looks, so the check below can fail
    seen = run("-c", "import pydantic; from pydantic.plugin._loader import get_plugins; list(get_plugins())")
    assert seen.returncode == 0 and marker.exists()
    marker.unlink()
    result = run("-m", "kpoctl", "lint", "--no-cache", str(EXAMPLES / "best-company"))
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


def test_invalid_settings_exit_2_with_the_place(run_cli, tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "kpoctl.yaml": "rules:\n  select: [KP101]\n  severity: {KP101: fatal}\n"})
    result = run_cli("lint", tmp_path)
    assert result.exit_code == 2
    assert "kpoctl.yaml:3:21: invalid settings: rules.severity.KP101 must be one of error, warning, info; got 'fatal'" in result.stderr
    write_files(tmp_path, {"kpoctl.yaml": "rules:\n  ignore: [KP9]\n"})
    result = run_cli("lint", tmp_path)
    assert result.exit_code == 2 and "unknown rule code 'KP9'" in result.stderr


@pytest.mark.parametrize("rules, place, message", [
    ("  ignore: [KP303, KP99]\n", "3:19", "rules.ignore: unknown rule code 'KP99'"),
    ("  select:\n    - KP1\n    - X1\n", "5:7", "rules.select: unknown rule code 'X1'"),
    ("  severity: {KP303: info, kp3: error}\n", "3:27", "rules.severity: a severity is set per rule code, and 'kp3' "
                                                         "is a prefix"),
])
@pytest.mark.parametrize("command", ["lint", "count", "report", "history"])
def test_a_rule_code_in_the_settings_that_names_no_rule_is_said_where_it_is_written(run_cli, tmp_path, rules, place,
                                                                                     message, command):
    write_files(tmp_path, {"top.yaml": TOP, "kpoctl.yaml": "today: 2026-11-21\nrules:\n" + rules})
    result = run_cli(command, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"kpoctl: error: {tmp_path / 'kpoctl.yaml'}:{place}: invalid settings: {message}" + (
        "; did you mean KP409?\n" if "KP99" in message else "; see `kpoctl explain --list`\n" if "X1" in message
        else ": name each code\n")


def test_settings_severity_and_ignore_apply(run_cli, tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "kpoctl.yaml": "today: 2026-11-21\nrules:\n  severity: {KP404: error}\n  ignore: [KP405]\n"})
    findings = run_cli("lint", tmp_path, "-f", "json").json()
    assert {f["code"]: f["severity"] for f in findings}.get("KP404") == "error"
    assert "KP405" not in {f["code"] for f in findings}


def test_text_output_is_grouped_by_file_and_plain_without_colour(run_cli, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    result = run_cli("lint", "broken")
    lines = result.stdout.splitlines()
    assert "broken/acme.yaml" in lines
    assert "broken/sales.yaml:37:5 KP101 (error) orphan KPI: 'call-count' measures no objective; add `measures: <KPO id>`" in lines
    assert "\x1b[" not in result.stdout
    findings = run_cli("lint", "broken", "--format", "json").json()
    count = {s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")}
    files = len({f["file"] for f in findings})
    assert lines[-1] == (f"Found {len(findings)} findings ({count['error']} errors, {count['warning']} warnings, "
                         f"{count['info']} infos) in {files} of 6 team files.")


@pytest.mark.parametrize("args", [["lint", "--statistics"], ["lint", "--summary"], ["count"], ["tree"], ["report"],
                                  ["orphans"], ["explain"]], ids=" ".join)
def test_piped_text_has_no_trailing_spaces(run_cli, monkeypatch, args):
    """Output saved to a file or read in a CI log: a table's padding, a centred title or a
    wrapped line must not end lines in spaces (a trailing-whitespace hook flags each)."""
    monkeypatch.setenv("COLUMNS", "60")  # long titles wrap: the wrap's space must not stay
    path = {"explain": [], "orphans": [EXAMPLES / "broken"]}.get(args[0], [REALWORLD])
    result = run_cli(*args, *path)
    assert result.stdout.count("\n") > 3, result.stderr
    assert [line for line in result.stdout.splitlines() if line.endswith(" ")] == []


def test_a_clean_scorecard_says_so(run_cli):
    result = run_cli("lint", EXAMPLES / "northwind")
    assert result.exit_code == 0
    assert "All checks passed: 9 team files, no findings." in result.stdout


def test_count_json_and_text(run_cli):
    rows = run_cli("count", EXAMPLES / "best-company", "--format", "json").json()
    assert rows[3] == {"team": "unit-1", "kpo": 1, "po": 6, "kpi": 1, "pi": 6, "context": 1}
    assert [r["team"] for r in rows] == ["best-company", "order-management", "production", "unit-1"]
    text = run_cli("count", EXAMPLES / "best-company", env={"COLUMNS": "100"}).stdout
    cells = table_cells(text)
    assert cells[:4] == [[r["team"], *(str(r[k]) for k in ("kpo", "po", "kpi", "pi", "context"))] for r in rows]
    assert cells[4] == ["total", "4", "8", "4", "8", "1"]


@pytest.mark.parametrize("columns", ["40", "20"])
def test_count_in_a_narrow_terminal_cuts_no_name_header_or_number(run_cli, columns):
    """Rich fitted the table by cutting 'order-management' and 'context' to an ellipsis, and
    narrower still dropped columns: the lines are left whole for the terminal to wrap."""
    text = run_cli("count", EXAMPLES / "best-company", env={"COLUMNS": columns}).stdout
    assert "…" not in text and "┃ context ┃" in text and "│ order-management │" in text
    assert "KPI (max 3)" in text and "│ total            │   4 │  8 │" in text


def test_count_marks_limit_breaches(run_cli, tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "kpoctl.yaml": "limits: {kpi: 0, pi: 4}\n"})
    text = run_cli("count", tmp_path).stdout
    assert "KPI (max 0)" in text and "PI (max 4)" in text
    assert "1 !" in text and "1 limit breach marked '!'" in text


def test_orphans_lists_kp101_and_kp102(run_cli):
    result = run_cli("orphans", EXAMPLES / "broken", "--format", "json")
    assert result.exit_code == 1
    assert result.json() == [
        {"team": "sales", "id": "call-count", "level": "KPI", "measures": None, "file": "sales.yaml", "line": 37,
         "reason": "'call-count' measures no objective; add `measures: <KPO id>`"},
        {"team": "sales", "id": "quotes", "level": "PI", "measures": "growth", "file": "sales.yaml", "line": 45,
         "reason": "'quotes' measures 'growth', which is a KPO, not a PO"},
    ]
    clean = run_cli("orphans", EXAMPLES / "northwind")
    assert clean.exit_code == 0 and "No orphan" in clean.stdout


def test_orphans_exits_1_for_an_orphan_alone_every_file_read(run_cli, tmp_path):
    """examples/broken also has a file that does not parse, which is an exit 1 of its own."""
    write_files(tmp_path, {"top.yaml": TOP + "  - {id: calls, level: KPI, name: Calls made}\n"})
    result = run_cli("orphans", tmp_path, "--format", "json")
    assert [row["id"] for row in result.json()] == ["calls"] and result.stderr == ""
    assert result.exit_code == 1


def test_tree_json_nests_teams_objectives_and_indicators(run_cli):
    roots = run_cli("tree", EXAMPLES / "best-company", "--format", "json").json()
    assert [r["team"] for r in roots] == ["best-company"]
    top = roots[0]
    assert set(top) == {"kind", "team", "id", "level", "title", "children"}
    otif = top["children"][0]
    assert (otif["kind"], otif["level"], otif["id"]) == ("objective", "KPO", "otif")
    unit = top["children"][-1]
    assert (unit["kind"], unit["team"]) == ("team", "unit-1")
    unit_otif = unit["children"][0]
    kids = [(c["level"], c["id"]) for c in unit_otif["children"]]
    assert kids[0] == ("KPI", "otif-rate") and ("PO", "otif-ca") in kids
    po = next(c for c in unit_otif["children"] if c["id"] == "otif-ca")
    assert [c["id"] for c in po["children"]] == ["otif-ca-rate"]
    assert [c["team"] for c in unit["children"] if c["kind"] == "team"] == ["order-management", "production"]


def test_tree_team_and_depth(run_cli):
    roots = run_cli("tree", EXAMPLES / "best-company", "--team", "unit-1", "--depth", "1", "-f", "json").json()
    assert roots[0]["team"] == "unit-1"
    assert not [c for c in roots[0]["children"] if c["kind"] == "team"]
    text = run_cli("tree", EXAMPLES / "best-company", "--depth", "2").stdout
    assert "unit-1" in text and "order-management" not in text
    assert "order-management" in run_cli("tree", EXAMPLES / "best-company", "--depth", "3").stdout  # a grandchild
    bad = run_cli("tree", EXAMPLES / "best-company", "--team", "unit1")
    assert bad.exit_code == 2 and "did you mean 'unit-1'" in bad.stderr


def test_tree_survives_a_cycle_of_parents(run_cli, tmp_path):
    write_files(tmp_path, {
        "a.yaml": CHILD.replace("team: child", "team: a").replace("parent: top", "parent: b"),
        "b.yaml": CHILD.replace("team: child", "team: b").replace("parent: top", "parent: a"),
    })
    roots = run_cli("tree", tmp_path, "-f", "json").json()
    assert sorted(r["team"] for r in roots) == ["a"]
    lint = run_cli("lint", tmp_path, "-f", "json").json()
    assert {f["code"] for f in lint} >= {"KP005", "KP006"}


def test_explain_prints_rationale_and_examples(run_cli):
    text = run_cli("explain", "kp407").stdout
    assert "KP407" in text and "Why" in text and "Bad" in text and "Good" in text and "90.25%" in text
    listing = run_cli("explain", "--list").stdout
    assert "KP001" in listing and "KP409" in listing


def test_schema_prints_both_schemas(run_cli):
    both = run_cli("schema").json()
    assert set(both) == {"team", "settings"}
    team = run_cli("schema", "team").json()
    assert team["properties"]["team"]["pattern"] == "^[a-z0-9][a-z0-9-]*$"


def test_schema_write_fills_a_folder_and_refuses_anything_else(run_cli, tmp_path):
    from conftest import ROOT

    written = run_cli("schema", "--write", tmp_path)
    assert written.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (ROOT / "schemas").iterdir())
    (tmp_path / "file.json").write_text("{}")
    for target in (tmp_path / "file.json", tmp_path / "missing"):
        refused = run_cli("schema", "--write", target)
        assert refused.exit_code == 2 and refused.stderr == f"kpoctl: error: not a folder: {target}\n"
    assert (tmp_path / "file.json").read_text() == "{}" and not (tmp_path / "missing").exists()


def test_version_and_help(run_cli):
    from kpoctl import __version__

    assert run_cli("--version").stdout.strip() == f"kpoctl {__version__}"
    assert "lint" in run_cli("--help").stdout


def test_a_usage_error_names_the_help_of_its_own_command(run_cli):
    result = run_cli("record", "--no-such-option")
    assert result.exit_code == 2
    assert result.stderr.startswith("kpoctl: error: ") and result.stderr.endswith(" (see `kpoctl record --help`)\n")
    assert result.stderr.count("\n") == 1


def test_kpoctl_alone_prints_the_help_and_exits_2(run_cli):
    """No command is a usage error (exit 2), but the help says more than one line would."""
    result = run_cli()
    assert result.exit_code == 2
    assert result.stdout.startswith("Usage: kpoctl") and "  lint " in result.stdout and result.stdout.endswith("\n")


def test_the_installed_command_never_prints_a_traceback(tmp_path):
    """Through a real process: a file that breaks everything still gives a finding, not a crash."""
    write_files(tmp_path, {"top.yaml": TOP})
    (tmp_path / "bomb.yaml").write_text("team: x\n" + "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
                                        + "".join(f"{chr(98+i)}: &{chr(98+i)} [{','.join(['*'+chr(97+i)]*10)}]\n"
                                                  for i in range(9)))
    result = subprocess.run([sys.executable, "-m", "kpoctl", "lint", str(tmp_path), "--format", "json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    codes = {(f["file"], f["code"]) for f in json.loads(result.stdout)}
    assert ("bomb.yaml", "KP001") in codes


def test_github_format_is_chosen_inside_github_actions(run_cli):
    result = run_cli("lint", EXAMPLES / "best-company", env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::warning file=")


def _read_a_little_and_leave(command: str, path, *options: str) -> tuple[int, str]:
    """`kpoctl COMMAND PATH OPTIONS | head -c 100`, through a real pipe: (exit code, stderr)."""
    process = subprocess.Popen([sys.executable, "-m", "kpoctl", command, str(path), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    return process.returncode, stderr


@pytest.mark.parametrize("command", [["tree", "--format", "text"], ["tree", "--format", "json"], ["export"]],
                         ids=["tree-text", "tree-json", "export"])
def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path, command):
    """`kpoctl tree | head`: output far larger than a pipe's buffer, the reader gone after a
    few bytes; through rich, a plain write, and export's rows written in one call."""
    from kpoctl.bench.generate import generate

    generate(60, tmp_path)
    code, stderr = _read_a_little_and_leave(command[0], tmp_path, *command[1:])
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert code == 0  # tree's own code: the reader leaving is no failure of the scorecard


@pytest.mark.parametrize("select, fmt, code", [("KP4", "json", 0), ("ALL", "json", 1), ("ALL", "text", 1)])
def test_a_reader_that_leaves_early_leaves_lints_exit_code_as_it_was(select, fmt, code):
    """`kpoctl lint | head` under `set -o pipefail`: errors found still fail the job and
    warnings alone still do not, through rich's text or a plain write alike."""
    # it writes 140 KB or more: far more than the 64 KB a pipe holds
    returned, stderr = _read_a_little_and_leave("lint", REALWORLD, "--no-cache", "--select", select, "--format", fmt)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert returned == code


def test_a_reader_of_stderr_that_has_left_changes_neither_the_output_nor_the_code(tmp_path):
    """`kpoctl lint 2>&1 | head`: a note on stderr (here a kpoctl.yaml below the root, not
    read) met by a closed pipe is dropped; the findings and the exit code are whole."""
    write_files(tmp_path, {"top.yaml": TOP, "unit/kpoctl.yaml": "limits: {kpi: 1}\n"})
    process = subprocess.Popen([sys.executable, "-m", "kpoctl", "lint", str(tmp_path), "--no-cache", "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stderr.close()  # gone before kpoctl has even started: its first note meets a broken pipe
    stdout = process.stdout.read().decode()
    process.wait(timeout=60)
    assert process.returncode == 0
    assert isinstance(json.loads(stdout), list)


def test_ctrl_c_while_reading_exits_130_without_a_traceback(run_cli, monkeypatch):
    import kpoctl.pipeline.reading

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kpoctl.pipeline.reading, "read_scorecard", interrupted)
    result = run_cli("lint", EXAMPLES / "best-company")
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "")


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, EOFError])  # Ctrl-C; Ctrl-D at a prompt
def test_an_interruption_before_a_command_runs_exits_130_in_one_line_at_most(run_cli, monkeypatch, interruption):
    """While the command line is parsed, outside the command's own guard."""
    from kpoctl.commands import cli

    def interrupted(*args, **kwargs):
        raise interruption

    monkeypatch.setattr(cli._OneLineErrors, "parse_args", interrupted)
    result = run_cli("lint", EXAMPLES / "best-company")
    assert result.exit_code == 130 and result.stdout == ""
    assert result.stderr.strip() in ("", "kpoctl: aborted")  # typer says nothing of a Ctrl-C


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_on_a_terminal_and_is_gone_after_the_last_file(monkeypatch):
    """A bar left running would sit under the findings; one stopped early would lie."""
    import threading

    from kpoctl.commands import cli

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert cli._progress_bar() is None  # piped or in CI: no bar
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    before = threading.active_count()
    advance = cli._progress_bar()(3)
    assert threading.active_count() == before + 1  # drawing while the files are read
    advance()
    advance()
    time.sleep(0.3)  # a bar stopped now would have ended its thread at its next tick (a tenth of a second)
    assert threading.active_count() == before + 1 and "reading" in terminal.getvalue()
    advance()
    for _ in range(100):  # told to stop; its thread ends at its next tick
        if threading.active_count() == before:
            break
        time.sleep(0.05)
    assert threading.active_count() == before
