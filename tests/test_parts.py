"""`tree`, `orphans`, `report` and `export` from each team's part (kpoctl.output.views.parts): after any
edit a warm run prints what a fresh `--no-cache` run prints, computes only the edited file's
part, and loads no other team's model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES
from test_reading import EDITS

import kpoctl.output.views.parts
from kpoctl.commands import transfer
from kpoctl.output.views import orphans, report, tree
from kpoctl.read.cache import CACHE_ENV, Cache, scorecard_folder_name

VIEWS = {
    "tree": ("tree", "--format", "json"),
    "tree mermaid": ("tree", "--format", "mermaid"),
    "orphans": ("orphans", "--format", "json"),
    "report": ("report", "--format", "json"),
    "report markdown": ("report", "--format", "markdown"),  # notes, words of the profile
    "report text": ("report", "--format", "text"),  # the cells each row's part keeps
    "export": ("export",),  # the CSV sheet: each team's rows with their statuses
}


@pytest.fixture
def card(tmp_path):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "broken", folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


def shown(run_cli, folder: Path, *args: str) -> tuple[int, str]:
    result = run_cli(*args, folder)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, result.stdout


def every_view(run_cli, folder: Path, *extra: str) -> dict:
    return {name: shown(run_cli, folder, *args, *extra) for name, args in VIEWS.items()}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_views_after_an_edit_match_a_fresh_run(run_cli, card, edit):
    assert every_view(run_cli, card) == every_view(run_cli, card, "--no-cache")
    edit(card)
    after = every_view(run_cli, card)
    assert after == every_view(run_cli, card, "--no-cache")
    assert every_view(run_cli, card) == after  # and again, from the parts this run kept


@pytest.fixture
def computed(monkeypatch):
    """The files whose part was worked out (each needs the file's model)."""
    files = []
    real = kpoctl.output.views.parts.alone

    def counted(team_file, settings):
        files.append(team_file.file)
        return real(team_file, settings)

    for module in (tree, report, orphans, transfer):  # each view module's part starts from the file alone
        monkeypatch.setattr(module, "alone", counted)
    return files


@pytest.fixture
def models_loaded(monkeypatch):
    """The team files taken from the cache as models."""
    keys = []
    real = Cache.get

    def counted(self, key, **kwargs):
        keys.append(key)
        return real(self, key, **kwargs)

    monkeypatch.setattr(Cache, "get", counted)
    return keys


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_a_warm_view_works_out_only_the_edited_files_part(run_cli, card, view, computed, models_loaded):
    shown(run_cli, card, *view)
    assert "east.yaml" in computed and len(set(computed)) > 3  # the first run: every team's
    computed.clear()
    EDITS["a title reworded"](card)
    shown(run_cli, card, *view)
    assert set(computed) == {"east.yaml"}
    assert models_loaded == []  # the edited file is read; no other team's model is loaded


def test_the_parts_kept_are_those_of_the_files_as_they_are(run_cli, card):
    shown(run_cli, card, "tree")
    EDITS["a title reworded"](card)
    EDITS["a file removed"](card)
    shown(run_cli, card, "tree")
    cache = Cache(card, _settings(card))
    kept = cache.read_derived("tree")
    readable = len(list(card.glob("*.yaml"))) - 2  # the settings, and the one file that does not parse
    assert len(kept) == readable  # what the edit replaced and the removed file's part are gone


def _settings(folder: Path):
    from kpoctl.read.load import locate

    return locate(folder).settings


@pytest.mark.parametrize("damage", ["corrupt", "forged", "another kind's"])
def test_damaged_parts_are_worked_out_again(run_cli, card, damage, computed):
    expected = shown(run_cli, card, "tree", "--format", "json")
    folder = Path(os.environ[CACHE_ENV]) / "scorecards" / scorecard_folder_name(card)
    kept = folder / "derived-tree"
    if damage == "corrupt":
        kept.write_bytes(kept.read_bytes()[:-10])
    elif damage == "forged":  # the same length, a value changed: the signature no longer matches
        kept.write_bytes(kept.read_bytes().replace(b'"title":"', b'"title":"X', 1)[:-1])
    else:
        shutil.copy(folder / "derived-tree", folder / "derived-orphans")
        kept = folder / "derived-orphans"
    computed.clear()
    view = ("orphans", "--format", "json") if damage == "another kind's" else ("tree", "--format", "json")
    assert shown(run_cli, card, *view) == (expected if view[0] == "tree" else shown(run_cli, card, *view, "--no-cache"))
    assert len(set(computed)) > 3  # nothing damaged was used: every part worked out again


EVERY_PLACE = {
    "a-top.yaml": """
team: top
name: Top team
objectives:
  - {id: growth, level: KPO, title: Grow}
  - {id: lone-po, level: PO, role: enabling, title: A PO that supports nothing}
  - {id: cost, level: KPO, title: Cost}
  - {id: sales-po, level: PO, role: enabling, supports: growth, title: Sell}
indicators:
  - {id: orphan, level: KPI, name: Orphan KPI}
  - {id: revenue, level: KPI, measures: growth, name: Revenue}
  - {id: calls, level: PI, measures: sales-po, name: Calls}
  - {id: weather, level: context, name: Weather}
  - {id: lone-pi, level: PI, measures: lone-po, name: Lone PI}
""",
    "b-child.yaml": "team: child\nname: Child team\nparent: top\n",
    "c-again.yaml": "team: top\nname: Top team, declared again\nobjectives:\n  - {id: other, level: KPO, title: Other}\n",
    "d-broken.yaml": "team: broken\nname: [unclosed\n",
}


def _shape(node: dict):
    """(kind, id or team, [children]): what the tree says, without titles."""
    return (node["kind"], node["id"] or node["team"], [_shape(child) for child in node["children"]])


@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]], ids=["cached", "no cache"])
def test_the_tree_places_each_entry_once_under_what_it_measures_or_supports(run_cli, scorecard, no_cache):
    folder = scorecard(EVERY_PLACE)
    result = run_cli("tree", folder, "--format", "json", *no_cache)
    assert result.exit_code == 1  # the broken file is said, and the answer is partial
    assert [_shape(root) for root in result.json()] == [
        ("team", "top", [
            ("objective", "growth", [("indicator", "revenue", []), ("objective", "sales-po", [("indicator", "calls", [])])]),
            ("objective", "cost", []),
            ("objective", "lone-po", [("indicator", "lone-pi", [])]),  # supports no KPO: after the KPOs
            ("indicator", "orphan", []),  # measures nothing
            ("indicator", "weather", []),  # context
            ("team", "child", []),
        ]),
    ]
    assert result.json()[0]["title"] == "Top team"  # the first file of a team declared twice


def test_orphans_are_those_of_the_first_file_of_each_team(run_cli, scorecard):
    folder = scorecard({
        **EVERY_PLACE,
        # an orphan the first file has too, and one it has not: neither is this team's
        "c-again.yaml": EVERY_PLACE["c-again.yaml"] + "indicators:\n  - {id: orphan, level: KPI, name: O}\n"
                                                      "  - {id: stray, level: KPI, name: Stray}\n",
        "e-other.yaml": "team: other\nname: Other\nparent: top\nindicators:\n  - {id: lost, level: PI, name: Lost}\n",
    })
    rows = run_cli("orphans", folder, "--format", "json").json()
    assert [(r["team"], r["id"], r["file"]) for r in rows] == [("top", "orphan", "a-top.yaml"),
                                                             ("other", "lost", "e-other.yaml")]


STATUSES = """
team: top
name: Top team
objectives:
  - {id: growth, level: KPO, title: Grow}
  - {id: sales-po, level: PO, role: enabling, supports: growth, title: Sell}
indicators:
  - {id: revenue, level: KPI, measures: growth, name: Revenue, target: {value: 10, direction: at_least},
     actuals: [{period: 2026-10, value: 5}]}
  - {id: calls, level: PI, measures: sales-po, name: Calls, target: {value: 10, direction: at_least},
     actuals: [{period: 2026-10, value: 12}]}
"""


def test_an_objective_in_a_picture_takes_the_worst_status_of_its_own_indicators(run_cli, scorecard):
    folder = scorecard({"top.yaml": STATUSES})
    mermaid = run_cli("tree", folder, "--format", "mermaid").stdout
    classes = dict(line.split()[1:3] for line in mermaid.splitlines() if line.strip().startswith("class "))
    assert classes[next(n for n in classes if "_growth_" in n)] == "off_track"  # its KPI, not its PO's PI
    assert classes[next(n for n in classes if "_sales_po_" in n)] == "on_track"
    assert '[["Top team"]]' in mermaid  # a team is a box with its name
    dot = run_cli("tree", folder, "--format", "dot").stdout
    assert 'label="top: Top team", shape=box' in dot
    assert 'label="KPO growth\\nGrow", shape=ellipse' in dot and 'label="KPI revenue\\nRevenue", shape=note' in dot


def test_a_context_indicator_under_an_objective_leaves_its_colour_to_the_others(run_cli, scorecard):
    context = "  - {id: weather, level: context, measures: growth, name: Weather}\n"
    folder = scorecard({"top.yaml": STATUSES.rstrip("\n") + "\n" + context})
    mermaid = run_cli("tree", folder, "--format", "mermaid").stdout
    classes = dict(line.split()[1:3] for line in mermaid.splitlines() if line.strip().startswith("class "))
    assert classes[next(n for n in classes if "_growth_" in n)] == "off_track"
    assert not any("_weather_" in n for n in classes)  # a context indicator has no status


def test_orphans_text_counts_kpis_and_pis(run_cli, scorecard):
    folder = scorecard({
        "top.yaml": "team: top\nname: Top\nindicators:\n  - {id: a, level: KPI, name: A}\n"
                    "  - {id: b, level: PI, name: B}\n  - {id: c, level: PI, name: C}\n",
    })
    assert run_cli("orphans", folder).stdout.rstrip().endswith("1 orphan KPI, 2 orphan PIs.")
    folder = scorecard({"top.yaml": "team: top\nname: Top\nindicators:\n  - {id: b, level: PI, name: B}\n"})
    assert run_cli("orphans", folder).stdout.rstrip().endswith("0 orphan KPIs, 1 orphan PI.")


def test_orphans_text_shows_what_each_measures_or_a_dash(run_cli, scorecard):
    folder = scorecard({
        "top.yaml": "team: top\nname: Top\nobjectives:\n  - {id: enabler, level: PO, title: Enable}\n"
                    "indicators:\n  - {id: wrong, level: KPI, name: Wrong, measures: enabler}\n"
                    "  - {id: loose, level: PI, name: Loose}\n",
    })
    rows = {line.split("│")[3].strip(): line.split("│")[5].strip()
            for line in run_cli("orphans", folder).stdout.splitlines() if line.startswith("│")}
    assert rows == {"wrong": "enabler", "loose": "-"}


def test_a_warm_text_report_lays_out_only_the_teams_whose_block_changed(run_cli, card, monkeypatch):
    from kpoctl.output.views import report_text

    laid_out = []
    real = report_text._block
    monkeypatch.setattr(report_text, "_block", lambda out, report, *args: laid_out.append(report.team)
                        or real(out, report, *args))
    first = shown(run_cli, card, "report", "--format", "text")
    teams = set(laid_out)
    assert "sales" in teams and len(teams) > 3
    laid_out.clear()
    assert shown(run_cli, card, "report", "--format", "text") == first and laid_out == []
    EDITS["a unit changed"](card)
    edited = shown(run_cli, card, "report", "--format", "text")
    assert laid_out == ["sales"]
    assert edited == shown(run_cli, card, "report", "--format", "text", "--no-cache")
    laid_out.clear()
    monkeypatch.setenv("COLUMNS", "60")  # another width: every block again, narrower
    narrow = shown(run_cli, card, "report", "--format", "text")
    assert set(laid_out) == teams and narrow != edited
    laid_out.clear()
    assert shown(run_cli, card, "report", "--format", "text", "--team", "east") != narrow
    assert laid_out == []  # one team's run uses the blocks kept, and keeps the others
    assert shown(run_cli, card, "report", "--format", "text") == narrow and laid_out == []


def test_a_note_silenced_in_the_file_leaves_the_warm_text_report_too(run_cli, card):
    """A suppression comment changes no row, only the notes under one: the block is laid out again."""
    before = shown(run_cli, card, "report", "--format", "text")[1]
    assert "KP409: KPI 'revenue-east' is off track" in before
    east = card / "east.yaml"
    east.write_text(east.read_text().replace("  - id: revenue-east\n", "  - id: revenue-east  # kpoctl: ignore[KP409]\n"))
    after = shown(run_cli, card, "report", "--format", "text")[1]
    assert "KP409: KPI 'revenue-east'" not in after and "KP403: 'revenue-east' is stale" in after
    assert after == shown(run_cli, card, "report", "--format", "text", "--no-cache")[1]
