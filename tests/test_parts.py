"""`tree`, `orphans` and `report` from each team's part (kpoctl.output.views.parts): after any
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
from kpoctl.output.views import orphans, report, tree
from kpoctl.read.cache import CACHE_ENV, Cache, scorecard_folder_name

VIEWS = {
    "tree": ("tree", "--format", "json"),
    "tree mermaid": ("tree", "--format", "mermaid"),
    "orphans": ("orphans", "--format", "json"),
    "report": ("report", "--format", "json"),
    "report markdown": ("report", "--format", "markdown"),  # notes, words of the profile
    "report text": ("report", "--format", "text"),  # the cells each row's part keeps
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

    for module in (tree, report, orphans):  # each view module's part starts from the file alone
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
