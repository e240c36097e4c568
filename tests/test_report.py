"""The meeting report in every format, the cascade as pictures, and the HTML checked by a
real headless browser."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES, uncoloured
from hypothesis import assume, given, settings
from hypothesis import strategies as st

STATUS_VALUES = {"on track", "at risk", "off track", "no data"}
ROW_KEYS = ["team", "id", "level", "name", "unit", "target", "direction", "latest", "period", "status", "owner"]


def test_report_json_has_the_shape_of_cli_md(run_cli):
    rows = run_cli("report", EXAMPLES / "best-company", "--format", "json").json()
    assert all(list(r) == ROW_KEYS for r in rows)
    assert all(r["status"] in STATUS_VALUES for r in rows)
    otif = next(r for r in rows if (r["team"], r["id"]) == ("unit-1", "otif-rate"))
    assert otif == {"team": "unit-1", "id": "otif-rate", "level": "KPI", "name": "OTIF rate of Unit 1", "unit": "%",
                    "target": 95.0, "direction": "at_least", "latest": 94.6, "period": "2026-10",
                    "status": "at risk", "owner": "Logistics lead"}
    assert {r["status"] for r in rows} == {"on track", "at risk", "off track"}
    assert not any(r["level"] == "context" for r in rows)


def test_report_puts_kpis_first_and_off_track_first(run_cli):
    rows = [r for r in run_cli("report", EXAMPLES / "best-company", "--team", "unit-1", "-f", "json").json()]
    assert rows[0]["level"] == "KPI"
    pis = [r["status"] for r in rows[1:]]
    order = ["off track", "at risk", "on track", "no data"]
    assert pis == sorted(pis, key=order.index)


def test_report_text_shows_status_trend_and_notes(run_cli):
    text = run_cli("report", EXAMPLES / "broken").stdout
    assert "✖ off track" in text and "○ no data" in text
    assert "KP403" in text and "KP409" in text  # stale and no-actions notes beside their rows
    assert "acme: 1 off track, 1 on track" in text.splitlines()
    assert "sales: 1 off track, 3 no data" in text.splitlines()


def test_report_text_draws_each_trend_and_says_when_a_team_has_nothing_to_report(run_cli, scorecard):
    """The trend column is the last eight actuals from lowest to highest bar (a flat series
    in the middle), then the last move; a team with no KPI or PI says so on its summary line."""
    from conftest import TOP

    months = ", ".join(f"{{period: 2026-{month:02}, value: {80 + month}}}" for month in range(1, 11))
    flat = ("  - {id: late, level: PI, name: Late orders, owner: COO, target: {value: 5, direction: at_most},\n"
            "     actuals: [{period: 2026-09, value: 4}, {period: 2026-10, value: 4}]}\n")
    top = TOP + f"    actuals: [{months}]\n" + flat
    quiet = "team: quiet\nname: Quiet team\nparent: top\n"
    folder = scorecard({"top.yaml": top, "quiet.yaml": quiet})
    lines = run_cli("report", folder, env={"COLUMNS": "120"}).stdout.splitlines()
    rising = next(line for line in lines if "OTIF rate" in line)
    assert rising.split() == ["KPI", "OTIF", "rate", "≥", "95%", "90%", "▁▂▃▄▅▆▇█", "↑", "✖", "off", "track", "COO"]
    then = run_cli("report", folder, "--as-of", "2026-10", env={"COLUMNS": "120"}).stdout.splitlines()
    assert next(line for line in then if "OTIF rate" in line) == rising  # all ten actuals ended by then: eight drawn
    steady = next(line for line in lines if "Late orders" in line)
    assert steady.split() == ["PI", "Late", "orders", "≤", "5", "4", "▄▄", "→", "●", "on", "track", "COO"]
    assert "quiet: no KPIs or PIs" in lines


def test_report_under_okr_scores_key_results_as_they_stand_today(run_cli, scorecard):
    """Under the okr profile the JSON scores each key result (a KPI), never a supporting
    result (a PI: "score" is null), and nothing as of a past period (a score is today's);
    the text names the levels in the profile's words."""
    from conftest import TOP

    okr = EXAMPLES / "okr"
    assert all(r["score"] is not None for r in run_cli("report", okr, "--format", "json").json())
    assert all(r["score"] is None for r in run_cli("report", okr, "--format", "json", "--as-of", "2026-10").json())
    supporting = ("  - {id: late, level: PI, name: Late orders, owner: COO, target: {value: 5, direction: at_most},\n"
                  "     actuals: [{period: 2026-10, value: 4}]}\n")
    top = TOP + "    baseline: {period: 2026-06, value: 75}\n    actuals: [{period: 2026-10, value: 90}]\n" + supporting
    folder = scorecard({"top.yaml": top}, settings="today: 2026-11-21\nprofile: okr\n")
    rows = {r["id"]: r for r in run_cli("report", folder, "--format", "json").json()}
    assert (rows["otif-rate"]["score"], rows["late"]["score"]) == (0.75, None)  # 75 to 90 of the way to 95
    lines = run_cli("report", folder, env={"COLUMNS": "120"}).stdout.splitlines()
    assert next(line for line in lines if "OTIF rate" in line).split()[:4] == ["key", "result", "OTIF", "rate"]
    assert next(line for line in lines if "Late orders" in line).split()[:4] == ["supporting", "result", "Late", "orders"]


def test_briefing_book_links_an_indicator_only_to_the_objective_it_measures(run_cli, scorecard):
    """A card links to the objective its indicator measures; an indicator whose `measures`
    names another indicator (KP004) gets no link, rather than one to an anchor not there."""
    import re

    from conftest import TOP

    wrong = ("  - {id: late, level: PI, measures: otif-rate, name: Late orders, owner: COO,\n"
             "     target: {value: 5, direction: at_most}, actuals: [{period: 2026-10, value: 4}]}\n")
    page = run_cli("report", scorecard({"top.yaml": TOP + wrong}), "--format", "html").stdout
    assert re.findall(r'measures <a href="#([^"]+)">([^<]+)</a>', page) == [("obj-top-otif", "otif")]
    assert 'id="obj-top-otif"' in page


def test_briefing_book_links_an_objective_to_where_it_cascades_from_and_to(run_cli, scorecard):
    """An objective's line links up to the objective it cascades from and down to those
    cascaded from it; a `cascades_from` that names nothing (KP101's) gets no link."""
    import re

    from conftest import TOP

    unit = ("team: unit\nname: Unit team\nparent: top\nobjectives:\n"
            "  - {id: otif, level: KPO, title: Deliver on time, cascades_from: top/otif, due: 2026-12-31}\n"
            "  - {id: stray, level: KPO, title: Deliver something, cascades_from: top/gone, due: 2026-12-31}\n")
    page = run_cli("report", scorecard({"top.yaml": TOP, "unit.yaml": unit}), "--format", "html").stdout
    lines = dict(re.findall(r'<li id="(obj-[^"]+)">(.*?)</li>', page))
    assert re.findall(r'<a href="#([^"]+)">', lines["obj-top-otif"]) == ["obj-unit-otif"]
    assert re.findall(r'<a href="#([^"]+)">', lines["obj-unit-otif"]) == ["obj-top-otif"]
    assert "<a " not in lines["obj-unit-stray"] and "top/gone" not in lines["obj-unit-stray"]


def test_report_markdown_goes_on_past_a_team_with_nothing_to_report(run_cli, scorecard):
    """A team with no KPI or PI gets its heading and its summary, and the teams after it follow."""
    from conftest import TOP

    quiet = "team: a-quiet\nname: Quiet team\nparent: top\n"
    busy = TOP.replace("team: top", "team: b-busy\nparent: top")
    text = run_cli("report", scorecard({"top.yaml": TOP, "quiet.yaml": quiet, "busy.yaml": busy}), "-f", "markdown").stdout
    titles = [line for line in text.splitlines() if line.startswith("## ")]
    assert titles == ["## top: Top management team (monthly meeting)", "## a-quiet: Quiet team",
                      "## b-busy: Top management team (monthly meeting)"]
    assert "**no KPIs or PIs**" in text


def test_report_markdown(run_cli):
    text = run_cli("report", EXAMPLES / "best-company", "--format", "markdown").stdout
    assert text.startswith("# Meeting report")
    assert "## unit-1: Unit 1 management team (monthly meeting)" in text
    assert "| KPI | OTIF rate of Unit 1 (`otif-rate`) | ≥ 95% | 94.6% (2026-10) |" in text
    assert "🔴 off track" in text


def test_report_unknown_team_is_exit_2(run_cli):
    result = run_cli("report", EXAMPLES / "best-company", "--team", "unit-9")
    assert result.exit_code == 2 and "did you mean 'unit-1'" in result.stderr


def test_tree_mermaid_and_dot_colour_nodes_by_status(run_cli):
    mermaid = run_cli("tree", EXAMPLES / "best-company", "--format", "mermaid").stdout
    assert mermaid.startswith("flowchart TD\n")
    assert "classDef off_track fill:#cf222e" in mermaid
    assert '("KPO otif: Deliver 95% of orders on time and in full")' in mermaid
    dot = run_cli("tree", EXAMPLES / "best-company", "--format", "dot").stdout
    assert dot.startswith("digraph cascade {") and dot.rstrip().endswith("}")
    assert 'fillcolor="#cf222e"' in dot and 'fillcolor="#d4a72c"' in dot
    assert dot.count("->") == mermaid.count("-->")


def test_briefing_book_says_what_is_not_known_on_each_card_and_in_the_overview(run_cli):
    """A card says "no target" where there is none, and the target where there is one; the
    overview counts the indicators with no data, as the JSON report has them."""
    import re

    rows = run_cli("report", EXAMPLES / "broken", "--format", "json").json()
    page = run_cli("report", EXAMPLES / "broken", "--format", "html").stdout
    facts = dict(re.findall(r'<div class="card" id="ind-([^"]+)"[^>]*>.*?<p class="facts muted">([^<]*)', page))
    assert len(facts) == len(rows)
    for row in rows:
        said = facts[f"{row['team']}-{row['id']}"]
        assert said.startswith("no target ·" if row["target"] is None else "target "), (row, said)
    no_data = sum(row["status"] == "no data" for row in rows)
    assert 0 < no_data < len(rows)
    assert f"<p>{no_data} of the indicators have no data, so nobody can tell for them.</p>" in page


def test_html_report_is_one_self_contained_file(run_cli, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("report", EXAMPLES / "broken", "--format", "html", "--output", out)
    assert result.exit_code == 1 and "marketing.yaml (KP001 line 4" in result.stderr  # written, and said partial
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "@media print" in html
    site = run_cli("report", EXAMPLES / "broken", "--format", "html", "--output", tmp_path / "site")
    assert site.exit_code == 1 and "marketing.yaml (KP001 line 4" in site.stderr  # a site alike
    assert (tmp_path / "site" / "index.html").is_file()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed (.ci/run installs it)")
def test_html_report_in_a_headless_browser(run_cli, tmp_path):
    """Chromium loads the page, it shows every team and status, and logs no console error."""
    assert CHROMIUM, "CI must install chromium (see .ci/run)"
    out = tmp_path / "report.html"
    run_cli("report", EXAMPLES / "broken", "--format", "html", "--output", out)
    profile = tmp_path / "profile"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([*flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for team in ("acme", "sales", "east", "it"):
        assert f'id="team-{team}"' in dom.stdout
    for state in ("on-track", "off-track", "no-data"):
        assert f'data-status="{state}"' in dom.stdout
    assert "Cascade" in dom.stdout
    source = out.read_text()  # the browser built every chart and section the file holds
    assert dom.stdout.count("<svg") == source.count("<svg") > 0
    assert 'id="top"' in dom.stdout and 'id="overview"' in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    shot = tmp_path / "report.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1200,1600", out.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


@pytest.mark.parametrize("folder", [EXAMPLES / "best-company", EXAMPLES / "broken"], ids=lambda p: p.name)
def test_report_text_at_80_columns_splits_no_word_and_no_id(run_cli, folder):
    text = run_cli("report", folder, env={"COLUMNS": "80"}).stdout
    rows = run_cli("report", folder, "--format", "json").json()
    tokens = set(text.split())
    for row in rows:
        assert f"({row['id']})" in tokens  # each id whole, on its own line under the name
        assert all(word in tokens for word in row["name"].split()), row["name"]
    assert all(len(line) <= 80 for line in text.splitlines() if len(line.split()) > 1 and "(" not in line)
    assert not any(line.endswith(" ") for line in text.splitlines())


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.text(alphabet="ab-/(▲→", min_size=0, max_size=9), min_size=1, max_size=12),
       spaces=st.sampled_from([" ", "  "]), width=st.integers(1, 30))
def test_report_text_wraps_a_name_between_words_as_textwrap_does(words, spaces, width):
    """A name or owner too long for its column takes the lines textwrap gives it (the usual
    name is filled without textwrap: the same lines, a tenth of the time). A wide script's
    text is broken by cells instead (test_a_wide_script_wraps_by_cells_and_never_breaks_a_narrow_word)."""
    import textwrap

    from kpoctl.output.views.report_text import _wrap

    text = spaces.join(words)
    assume(len(text) > width)
    assert _wrap(text, width) == (textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""])


LAYOUT = Path(__file__).parent / "report_layout"


@pytest.mark.parametrize("width", [20, 40, 80, 132])
def test_report_text_is_laid_out_as_its_snapshot(run_cli, width):
    """The whole text report of a small scorecard, character for character, at four
    widths: where names, owners, notes and actions wrap, which columns show, how wide.
    Cold, then warm (each team's block taken from the cache). After a change of layout
    or wording meant as such, write the snapshots again and read their diff:
    `for w in 20 40 80 132; do COLUMNS=$w NO_COLOR=1 kpoctl report tests/report_layout/scorecard
    --no-cache > tests/report_layout/report-$w.txt; done`"""
    expected = (LAYOUT / f"report-{width}.txt").read_text(encoding="utf-8")
    for _ in ("cold", "warm"):
        assert run_cli("report", LAYOUT / "scorecard", env={"COLUMNS": str(width)}).stdout == expected


def test_report_text_drops_a_column_no_row_fills(run_cli, scorecard):
    from conftest import TOP

    card = scorecard({"top.yaml": TOP})
    header = next(line for line in run_cli("report", card).stdout.splitlines() if "indicator" in line)
    assert header.split() == ["indicator", "target", "status", "owner"]  # no actual: no latest, no trend


@pytest.mark.parametrize("name, starts", [("r.md", "# Meeting report"), ("r.HTML", "<!DOCTYPE html>"), ("r.json", "[")])
def test_report_output_takes_its_format_from_the_extension(run_cli, tmp_path, name, starts):
    out = tmp_path / name
    result = run_cli("report", EXAMPLES / "best-company", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith(starts)


def test_report_output_with_an_unknown_extension_asks_for_a_format(run_cli, tmp_path):
    result = run_cli("report", EXAMPLES / "best-company", "-o", tmp_path / "r.txt")
    assert result.exit_code == 2 and "give --format" in result.stderr and not (tmp_path / "r.txt").exists()
    assert run_cli("report", EXAMPLES / "best-company", "-o", tmp_path / "r.txt", "-f", "markdown").exit_code == 0


@pytest.mark.parametrize("output", ["mermaid", "dot"])
def test_tree_picture_fenced_for_markdown(run_cli, output):
    plain = run_cli("tree", EXAMPLES / "best-company", "--format", output).stdout
    fenced = run_cli("tree", EXAMPLES / "best-company", "--format", output, "--fence").stdout
    assert fenced == f"```{output}\n{plain}```\n"
    assert run_cli("tree", EXAMPLES / "best-company", "--fence").exit_code == 2


@pytest.mark.parametrize("folder", ["best-company", "northwind", "broken"])
def test_report_goes_down_the_cascade(run_cli, folder):
    """Each team after its parent, as the tree shows them; the JSON rows in the same order."""
    tree = run_cli("tree", EXAMPLES / folder, "--format", "json").json()
    order, stack = [], list(reversed(tree))
    while stack:
        node = stack.pop()
        if node["kind"] == "team":
            order.append(node["team"])
        stack.extend(reversed([c for c in node["children"] if c["kind"] == "team"]))
    rows = run_cli("report", EXAMPLES / folder, "--format", "json").json()
    teams = list(dict.fromkeys(r["team"] for r in rows))
    assert teams == [t for t in order if t in teams]
    text = run_cli("report", EXAMPLES / folder).stdout
    titles = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith(" ") and ": " in line
              and not line.split(":")[0].endswith(("track", "data"))]
    assert [t for t in dict.fromkeys(titles)] == [t for t in order if t in titles]


def test_report_text_shows_actions_and_the_last_move(run_cli):
    rows = {r["id"]: r for r in run_cli("report", EXAMPLES / "best-company", "--format", "json").json()}
    text = run_cli("report", EXAMPLES / "best-company", env={"COLUMNS": "100"}).stdout
    assert "→ action: " in text
    assert "actions" not in rows["otif-rate"]  # the JSON keeps CLI.md's shape


@pytest.mark.parametrize("trend, direction, arrow, better", [
    ([1, 2], "at_least", "↑", True), ([2, 1], "at_least", "↓", False), ([2, 1], "at_most", "↓", True),
    ([1, 2], "at_most", "↑", False), ([1, 1], "at_least", "→", None), ([1, 2], "equal", "↑", None), ([5], "at_least", "", None),
])
def test_the_last_move_is_judged_by_the_target_direction(trend, direction, arrow, better):
    from kpoctl.output.views.report import ReportRow

    row = ReportRow("t", "i", "KPI", "I", None, 1.0, direction, trend[-1], "2026-01", "on track", None, trend=trend)
    assert row.movement == (arrow, better)


# --- the briefing book (report --format html) -----------------------------------------

def _ids_and_links(html_text: str) -> tuple[set[str], list[str]]:
    import re

    return set(re.findall(r'\bid="([^"]+)"', html_text)), re.findall(r'\bhref="([^"]+)"', html_text)


def test_the_briefing_book_has_a_cover_an_overview_and_every_team_down_the_cascade(run_cli, tmp_path):
    out = tmp_path / "book.html"
    assert run_cli("report", EXAMPLES / "best-company", "-o", out).exit_code == 0
    page = out.read_text()
    rows = run_cli("report", EXAMPLES / "best-company", "--format", "json").json()
    assert "Briefing book: BestCompany executive committee" in page and "As of <b>2026-11-21</b>" in page
    overview = page.split('id="overview"')[1].split("</section>")[0]
    flagged = [r for r in rows if r["status"] in ("off track", "at risk")]
    assert overview.count("<tr data-status") == len(flagged) > 0
    assert overview.index("off track") < overview.index("at risk")  # worst first
    order = [page.index(f'id="team-{t}"') for t in ("best-company", "unit-1", "order-management", "production")]
    assert order == sorted(order)  # down the cascade, as `tree` shows it
    with_actuals = sum(1 for r in rows if r["latest"] is not None)
    assert page.count('<svg class="chart"') == with_actuals
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_every_link_of_the_book_leads_somewhere(run_cli, tmp_path):
    out = tmp_path / "book.html"
    run_cli("report", EXAMPLES / "broken", "-o", out)
    ids, links = _ids_and_links(out.read_text())
    assert links and all(link.startswith("#") and link[1:] in ids for link in links), \
        [link for link in links if link[1:] not in ids]
    assert any(link.startswith("#obj-") for link in links) and any(link.startswith("#ind-") for link in links)


def test_a_folder_gets_a_site_whose_pages_link_to_each_other(run_cli, tmp_path):
    site = tmp_path / "site"
    result = run_cli("report", EXAMPLES / "best-company", "--format", "html", "-o", site)
    assert result.exit_code == 0 and "wrote 5 pages" in result.stderr
    pages = {p.name: p.read_text() for p in site.iterdir()}
    assert sorted(pages) == ["index.html", "team-best-company.html", "team-order-management.html",
                             "team-production.html", "team-unit-1.html"]
    for name, text in pages.items():
        _, links = _ids_and_links(text)
        for link in links:
            page, _, fragment = link.partition("#")
            target = pages[page or name]
            assert not fragment or f'id="{fragment}"' in target, (name, link)
    assert 'href="team-best-company.html"' in pages["team-unit-1.html"]  # up to the parent team


def test_as_of_shows_the_scorecard_as_it_stood(run_cli, tmp_path):
    now = {(r["team"], r["id"]): r for r in run_cli("report", EXAMPLES / "best-company", "--format", "json").json()}
    then = run_cli("report", EXAMPLES / "best-company", "--format", "json", "--as-of", "2026-08").json()
    assert all(r["period"] is None or r["period"] <= "2026-08" for r in then)
    assert any(r["period"] == "2026-08" for r in then)  # the period named counts: it ended by then
    changed = [r for r in then if r["latest"] != now[(r["team"], r["id"])]["latest"]]
    assert changed and any(r["status"] == "no data" for r in then)
    out = tmp_path / "then.html"
    run_cli("report", EXAMPLES / "broken", "--as-of", "2026-Q1", "-o", out)
    page = out.read_text()
    assert "As of <b>2026-Q1 (actuals of periods ended by 2026-03-31)</b>" in page
    assert 'class="attention"' not in page  # today's notes describe today
    assert "describe today and are left out" in page  # and the book says why there are none
    assert "left out" not in run_cli("report", EXAMPLES / "broken", "--format", "html").stdout
    bad = run_cli("report", EXAMPLES / "best-company", "--as-of", "2026-13")
    assert bad.exit_code == 2 and bad.stderr.startswith("kpoctl: error: --as-of takes a period")
    assert "(write" not in bad.stderr  # no month 13 to suggest
    ahead = run_cli("report", EXAMPLES / "best-company", "--as-of", "2999", "--format", "json")
    assert "--as-of 2999 has not begun yet" in ahead.stderr  # a year mistyped: said, not guessed at
    assert ahead.json() == run_cli("report", EXAMPLES / "best-company", "--format", "json").json()
    assert "not begun" not in run_cli("report", EXAMPLES / "best-company", "--as-of", "2026-Q1").stderr
    # best-company's today is 2026-11-21: a period is ahead only when it begins after that day
    for begun in ("2026-11", "2026-Q4", "2026-11-21"):
        assert "not begun" not in run_cli("report", EXAMPLES / "best-company", "--as-of", begun).stderr, begun
    assert "not begun" in run_cli("report", EXAMPLES / "best-company", "--as-of", "2026-11-22").stderr
    no_such_day = run_cli("report", EXAMPLES / "best-company", "--as-of", "2026-02-30")
    assert no_such_day.exit_code == 2 and no_such_day.stderr.startswith("kpoctl: error: --as-of takes a period")
    loose = run_cli("report", EXAMPLES / "best-company", "--as-of", "2026-q1")
    assert loose.exit_code == 2 and loose.stderr.endswith("got '2026-q1' (write 2026-Q1)\n")


@pytest.mark.parametrize("direction, values, shapes, better", [
    ("at_least", [90, 94.5, 96], ["off", "risk", "on"], "higher is better"),
    ("at_most", [98, 95.5, 94], ["off", "risk", "on"], "lower is better"),
])
def test_a_chart_shows_target_band_and_each_status_by_shape(direction, values, shapes, better):
    from kpoctl.output.views.html import chart_svg
    from kpoctl.output.views.report import ReportRow

    row = ReportRow("t", "k", "KPI", "OTIF", "%", 95.0, direction, values[-1], "2026-10", "on track", None,
                    tolerance=1.0, history=[(f"2026-{m:02d}", v, 95.0) for m, v in zip((8, 9, 10), values)])
    svg = chart_svg(row)
    assert svg.count('class="band"') == 1 and svg.count('class="target"') == 1 and better in svg
    marks = [("on", '<circle class="on-track"'), ("risk", '<path class="at-risk"'), ("off", '<path class="off-track"')]
    assert [name for name, tag in marks if tag in svg] == sorted(set(shapes), key=["on", "risk", "off"].index)
    assert "2026-08" in svg and "2026-10" in svg and 'aria-label="OTIF: 3 actuals' in svg


def test_an_existing_folder_takes_a_site_and_a_bare_new_name_is_not_guessed(run_cli, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    assert run_cli("report", EXAMPLES / "best-company", "-o", folder).exit_code == 0
    assert (folder / "index.html").read_text().startswith("<!DOCTYPE html>")
    bare = run_cli("report", EXAMPLES / "best-company", "-o", tmp_path / "book")
    assert bare.exit_code == 2 and "cannot tell the format" in bare.stderr and not (tmp_path / "book").exists()
    wrong = run_cli("report", EXAMPLES / "best-company", "--format", "json", "-o", folder)
    assert wrong.exit_code == 2 and "only --format html writes into one" in wrong.stderr


def test_a_bare_name_is_a_site_only_for_html_and_only_when_nothing_is_there(run_cli, tmp_path):
    run_cli("report", EXAMPLES / "best-company", "--format", "markdown", "-o", tmp_path / "notes")
    assert (tmp_path / "notes").is_file() and (tmp_path / "notes").read_text().startswith("# ")
    (tmp_path / "book").write_text("last week's\n")  # a file already there is written over, as one page
    assert run_cli("report", EXAMPLES / "best-company", "--format", "html", "-o", tmp_path / "book").exit_code == 0
    assert (tmp_path / "book").is_file() and (tmp_path / "book").read_text().startswith("<!DOCTYPE html>")
    run_cli("report", EXAMPLES / "best-company", "--format", "html", "-o", tmp_path / "books" / "2026" / "site")
    assert (tmp_path / "books" / "2026" / "site" / "index.html").is_file()  # the folders above made too


WIDE = """
team: tokyo
name: Tokyo team
indicators:
  - {id: sales, level: KPI, name: 売上高の伸び, owner: 山田 (営業), unit: "%", target: {value: 5, direction: at_least},
     actuals: [{period: 2026-09, value: 4}, {period: 2026-10, value: 6}]}
  - {id: otif, level: KPI, name: OTIF rate, owner: COO, unit: "%", target: {value: 95, direction: at_least},
     actuals: [{period: 2026-09, value: 97}, {period: 2026-10, value: 90}]}
"""


def test_report_text_lines_columns_up_by_terminal_cells(run_cli, scorecard):
    """A name in a wide script takes two cells a character: the columns after it still line up."""
    from rich.cells import cell_len

    lines = run_cli("report", scorecard({"tokyo.yaml": WIDE})).stdout.splitlines()
    header = next(line for line in lines if "indicator" in line)
    rows = [line for line in lines if "売上高の伸び" in line or "OTIF rate" in line]
    assert len(rows) == 2

    def at(line: str, text: str) -> int:
        return cell_len(line[:line.index(text)])

    assert {at(row, "≥") for row in rows} == {at(header, "target")}
    assert {at(row, "山田" if "山田" in row else "COO") for row in rows} == {at(header, "owner")}


def test_report_text_breaks_a_name_in_a_wide_script_by_terminal_cells(run_cli, scorecard):
    """A Japanese name too long for its column is broken between two of its characters (the
    script puts no spaces between words): no line runs past the terminal, the columns after
    it stay in line, and the name reads whole down its column."""
    import re

    from rich.cells import cell_len

    name = "東京本社における全ての店舗の売上高の前年同月比での伸び率"
    lines = run_cli("report", scorecard({"tokyo.yaml": WIDE.replace("売上高の伸び", name)}),
                    env={"COLUMNS": "80"}).stdout.splitlines()
    assert max(map(cell_len, lines)) <= 80
    header = next(line for line in lines if "indicator" in line)
    first = next(number for number, line in enumerate(lines) if line.startswith("  KPI  東京"))
    last = lines.index("       (sales)")
    pieces = [re.split(" {2,}", line.strip())[0] for line in lines[first + 1:last]]
    assert re.split(" {2,}", lines[first].strip())[1] + "".join(pieces) == name
    assert cell_len(lines[first][:lines[first].index("≥")]) == cell_len(header[:header.index("target")])


@pytest.mark.parametrize("text, width, lines", [
    ("東京 a 東京", 6, ["東京 a", "東京"]),  # six cells: a line, full
    ("東京 東京", 8, ["東京", "東京"]),  # five characters, but nine cells
    ("東京 a b 東京", 8, ["東京 a b", "東京"]),
    ("東京 a 東京", 9, ["東京 a", "東京"]),
    ("東京本社における", 6, ["東京本", "社にお", "ける"]),  # broken between characters, by cells
    ("abc 東京本社", 7, ["abc", "東京本", "社"]),
    ("東京 kpoctl-identifier-long", 8, ["東京", "kpoctl-identifier-long"]),  # a narrow word is never broken
])
def test_a_wide_script_wraps_by_cells_and_never_breaks_a_narrow_word(text, width, lines):
    from kpoctl.output.views.report_text import _wrap

    assert _wrap(text, width) == lines


def test_report_text_in_colour_paints_the_status_and_the_id(run_cli, scorecard):
    import re

    text = run_cli("report", scorecard({"tokyo.yaml": WIDE}), env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    plain_text = uncoloured(text)
    assert "✖ off track" in plain_text
    painted = re.findall(r"\x1b\[([0-9;]*)m([^\x1b]+)\x1b\[0m", text)
    assert any(code == "1;31" and body == "✖ off track" for code, body in painted), painted  # bold red
    assert any(code == "2" and body == "(sales)" for code, body in painted), painted  # the id dim


def test_report_text_in_colour_is_the_same_text_painted(run_cli):
    """Colour only paints: without its escape codes the coloured report is the uncoloured
    one, line for line, even where a line is wider than the terminal (rich wraps nothing),
    and rich paints nothing of its own accord (a number in a cell stays as it is)."""
    import re

    text = run_cli("report", LAYOUT / "scorecard", env={"COLUMNS": "40", "FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert uncoloured(text) == (LAYOUT / "report-40.txt").read_text(encoding="utf-8")
    painted = re.findall(r"\x1b\[([0-9;]*)m([^\x1b]+)\x1b\[0m", text)
    assert ("1", "top: Top management team of the whole group (monthly meeting)") in painted  # bold
    assert ("1", "top: 2 off track, 1 on track") in painted
    # each last move red when it went the worse way for its target, green the better
    assert [(code, body) for code, body in painted if body.endswith(("↑", "↓"))] == [
        ("31", "▁█▄ ↓"), ("31", "▁█ ↑"), ("32", "█▁ ↓"), ("31", "█▁ ↓")]
    assert not [body for _, body in painted if re.fullmatch(r"[0-9.%()-]+", body)]
    lean = painted.index(("1", "lean: Lean team"))  # a team with no owner: the status is the last column
    assert painted[lean:lean + 7] == [("1", "lean: Lean team"), ("2", "indicator"), ("2", "target"), ("2", "status"),
                                      ("2", "○ no data"), ("2", "(waste)"), ("1", "lean: 1 no data")]


def test_piped_text_report_goes_out_team_by_team():
    """Without colour the report is written as each team is laid out, never held whole
    (10,000 teams' pieces were hundreds of MB): one write per team, in report order."""
    from rich.console import Console

    from kpoctl.output.views.parts import Teams
    from kpoctl.output.views.report import build_report, report_text_part
    from kpoctl.output.views.report_text import render_text
    from kpoctl.pipeline.reading import read_scorecard

    reading = read_scorecard(EXAMPLES / "best-company", use_cache=False, derive=(("reporttext", report_text_part),))
    reports = build_report(Teams(reading.derived("reporttext")), reading.problems, reading.sites)

    class Writes(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[str] = []

        def write(self, text: str) -> int:
            self.calls.append(text)
            return super().write(text)

    stream = Writes()
    render_text(reports, Console(file=stream, color_system=None, width=120))
    assert len(reports) > 2 and [call.split(":", 1)[0] for call in stream.calls] == [r.team for r in reports]
    assert all(call.endswith("\n\n") for call in stream.calls)


OFF_TRACK_TEAM = """team: lumen
name: Lumen
objectives:
  - {id: revenue, level: KPO, title: Prove customers pay 40 EUR a month}
indicators:
  - id: paying
    level: KPI
    measures: revenue
    name: Paying customers
    frequency: monthly
    target: {value: 500, direction: at_least}
    actuals:
      - {period: 2026-07, value: 120}
"""


@pytest.mark.parametrize("settings", ["profile: okr\n", "profile: okr\nrules: {ignore: [KP409]}\n"])
def test_report_notes_read_as_lint_under_the_scorecards_settings(run_cli, scorecard, settings):
    """A note is the finding lint shows: in the profile's words, and gone when the settings ignore its rule."""
    folder = scorecard({"lumen.yaml": OFF_TRACK_TEAM}, "today: 2026-11-21\n" + settings)
    linted = run_cli("lint", folder, "--format", "json", "--no-cache").json()
    said = sorted(f"{f['code']}: {f['message']}" for f in linted if f["code"] in ("KP403", "KP409"))
    assert ("KP409" in settings) != any(note.startswith("KP409") for note in said)
    for output_format in ("text", "markdown"):
        shown = run_cli("report", folder, "--format", output_format).stdout
        assert sorted(note for note in said if note in " ".join(shown.split())) == said
        assert ("KP409" in shown) == ("KP409" not in settings)
    assert said and "KPI" not in " ".join(said)
    assert ("KP409" in settings) != any("key result 'paying' is off track" in note for note in said)


def test_an_indicator_read_in_part_says_why_beside_its_row(run_cli, scorecard):
    """A target that is no number leaves the KPI with "no target": the row says which
    problem (and in HTML, in a manager's words), not just the line on stderr."""
    folder = scorecard({"lumen.yaml": OFF_TRACK_TEAM.replace("value: 500,", "value: five hundred,", 1)})
    assert "value: five hundred," in (folder / "lumen.yaml").read_text()
    note = "KP002: value must be a number; got the text 'five hundred'"
    for output_format in ("text", "markdown"):
        result = run_cli("report", folder, "--format", output_format)
        assert result.exit_code == 1 and note in " ".join(result.stdout.split())
    assert "is not valid and is left out here" in run_cli("report", folder, "--format", "html").stdout
