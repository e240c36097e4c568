"""The cache never changes a result, and never trusts an entry it did not sign."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from kpoctl.bench.generate import generate
from kpoctl.cache import CACHE_DIR

from conftest import EXAMPLES


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    generate(120, folder)  # enough files for the worker processes
    return folder


def lint_json(run_cli, folder, *extra):
    result = run_cli("lint", folder, "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


@pytest.mark.parametrize("source", ["broken", "generated"])
def test_lint_with_and_without_cache_is_identical(run_cli, tmp_path, generated, source):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "broken" if source == "broken" else generated, folder, ignore=shutil.ignore_patterns(CACHE_DIR))
    plain = lint_json(run_cli, folder, "--no-cache")
    assert not (folder / CACHE_DIR).exists()
    cold = lint_json(run_cli, folder)
    entries = list((folder / CACHE_DIR / "v1").iterdir())
    assert len(entries) >= 5
    warm = lint_json(run_cli, folder)
    assert plain == cold == warm
    # a changed file is read again, not served stale
    victim = sorted(folder.rglob("*.yaml"))[-1]
    victim.write_text(victim.read_text().replace("title:", "titel:", 1))
    after = lint_json(run_cli, folder)
    assert after == lint_json(run_cli, folder, "--no-cache") != warm


def test_corrupt_entries_are_ignored_and_rewritten(run_cli, tmp_path):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder, ignore=shutil.ignore_patterns(CACHE_DIR))
    expected = lint_json(run_cli, folder)
    for entry in (folder / CACHE_DIR / "v1").iterdir():
        entry.write_bytes(b"garbage")
    assert lint_json(run_cli, folder) == expected
    assert all(len(e.read_bytes()) > 40 for e in (folder / CACHE_DIR / "v1").iterdir())


class _Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_forged_entry_is_never_unpickled(run_cli, tmp_path):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder, ignore=shutil.ignore_patterns(CACHE_DIR))
    expected = lint_json(run_cli, folder)
    marker = tmp_path / "pwned"
    for entry in (folder / CACHE_DIR / "v1").iterdir():
        entry.write_bytes(b"\0" * 32 + pickle.dumps(_Exploit(marker)))
    assert lint_json(run_cli, folder) == expected
    assert not marker.exists()


def test_a_read_only_cache_folder_does_not_stop_lint(run_cli, tmp_path):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder, ignore=shutil.ignore_patterns(CACHE_DIR))
    (folder / CACHE_DIR).write_text("not a folder")
    assert lint_json(run_cli, folder) == lint_json(run_cli, folder, "--no-cache")


def test_rules_run_per_file_in_workers_give_what_the_whole_graph_gives(generated):
    """Team-scoped rules analysed per file (workers, cached) equal running them lazily in one process."""
    from kpoctl.engine import Selection, analyse_file, lint
    from kpoctl.load import load

    selection = Selection.build(["ALL"], [])
    lazily = lint(load(generated, use_cache=False, jobs=1), selection)
    in_workers = lint(load(generated, use_cache=False, jobs=2, analyse=analyse_file), selection)
    assert lazily == in_workers and len(lazily) > 20


def test_problems_come_back_from_a_pickle_as_they_went_in():
    """The cache and the worker processes carry problems as pickles."""
    from kpoctl.findings import Finding, Location, Problem, Severity

    problems = [
        Problem("a message", Location("teams/a.yaml", 12, 5), "team-a", "otif", ("indicators", 3, "unit")),
        Problem("team-level", Location("b.yaml", 1, 1)),
    ]
    finding = Finding("KP101", Severity.ERROR, "orphan", "a.yaml", 3, 5, "team-a", "x")
    back = pickle.loads(pickle.dumps((problems, finding), protocol=pickle.HIGHEST_PROTOCOL))
    assert back == (problems, finding)
    assert [type(p.location) for p in back[0]] == [Location, Location] and type(back[1]) is Finding
