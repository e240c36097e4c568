"""`kpoctl diff`: every kind of model change between two commits of a real git repository."""

from __future__ import annotations

import subprocess

import pytest
from conftest import write_files

TOP = """team: top
name: Top team
owner: CEO
objectives:
  - {id: otif, level: KPO, title: Deliver 95% of orders on time}
  - {id: cost, level: KPO, title: Cut cost per order to 10 EUR}
indicators:
  - {id: otif-rate, level: KPI, measures: otif, name: OTIF, target: {value: 95, direction: at_least}}
  - {id: cost-kpi, level: KPI, measures: cost, name: Cost, target: {value: 10, direction: at_most}, owner: CFO}
  - {id: gone, level: PI, name: Old PI}
"""
CHILD = """team: unit
name: Unit team
parent: top
objectives:
  - {id: otif, level: KPO, title: Deliver 95% of orders on time, cascades_from: top/otif}
"""


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "unit.yaml": CHILD, "other.yaml": "team: other\nname: Other\nparent: top\n"})
    git("init", "-q", cwd=tmp_path)
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".", cwd=tmp_path)
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "one", cwd=tmp_path)
    new_top = (TOP.replace("value: 95, direction: at_least", "value: 90, direction: at_least")
               .replace("owner: CFO", "owner: Controller")
               .replace("  - {id: gone, level: PI, name: Old PI}\n", "  - {id: fresh, level: PI, name: New PI}\n")
               .replace("id: cost-kpi, level: KPI", "id: cost-kpi, level: PI"))
    write_files(tmp_path, {"top.yaml": new_top, "unit.yaml": CHILD.replace("parent: top", "parent: other")
                           .replace("cascades_from: top/otif", "cascades_from: other/otif")})
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "two", cwd=tmp_path)
    return tmp_path


def test_diff_lists_every_kind_of_change(run_cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = run_cli("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.stderr
    changes = {(c["kind"], c["team"], c["id"]): c for c in result.json()}
    assert set(changes) == {
        ("added", "top", "fresh"), ("removed", "top", "gone"),
        ("lowered-target", "top", "otif-rate"), ("demoted", "top", "cost-kpi"), ("owner", "top", "cost-kpi"),
        ("re-parented", "unit", None), ("re-parented", "unit", "otif"),
    }
    assert changes[("lowered-target", "top", "otif-rate")]["before"] == ">= 95"
    assert changes[("lowered-target", "top", "otif-rate")]["after"] == ">= 90"


def test_diff_against_the_working_tree_and_formats(run_cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    assert run_cli("diff", "HEAD", "-f", "json").json() == []
    (repo / "other.yaml").write_text("team: other\nname: Other\nparent: top\nowner: Someone\n")
    assert [c["kind"] for c in run_cli("diff", "HEAD", "-f", "json").json()] == ["owner"]
    md = run_cli("diff", "HEAD~1", "HEAD", ".", "--format", "markdown").stdout
    assert md.startswith("# Scorecard changes: HEAD~1 → HEAD") and "lowered-target ⚠" in md
    text = run_cli("diff", "HEAD~1", "HEAD").stdout
    assert "1 lowered target" in text


def test_diff_outside_git_or_with_a_bad_revision_is_exit_2(run_cli, repo, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(repo)
    bad = run_cli("diff", "nope")
    assert bad.exit_code == 2 and "unknown revision 'nope'" in bad.stderr
    outside = tmp_path_factory.mktemp("plain")
    write_files(outside, {"top.yaml": TOP})
    monkeypatch.chdir(outside)
    result = run_cli("diff", "HEAD")
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr


def test_diff_when_every_team_file_was_deleted(run_cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    for name in ("top.yaml", "unit.yaml", "other.yaml"):
        (repo / name).unlink()
    changes = run_cli("diff", "HEAD", "-f", "json").json()
    assert sorted((c["kind"], c["team"]) for c in changes) == [("removed", "other"), ("removed", "top"), ("removed", "unit")]


def test_a_revision_is_read_through_the_cache_and_answers_as_without_it(run_cli, repo, monkeypatch):
    """A revision's file whose bytes the cache has seen (in the working tree or an earlier
    diff) is not parsed again, an edited one is, and the answer is the one without a cache."""
    from kpoctl.read import load

    monkeypatch.chdir(repo)
    uncached = run_cli("diff", "HEAD~1", "-f", "json", env={"KPOCTL_CACHE_DIR": "relative/so/none"}).json()
    assert len(uncached) == 7
    assert run_cli("diff", "HEAD~1", "-f", "json").json() == uncached  # fills the cache
    parsed: list[str] = []
    real = load.read_team_bytes
    monkeypatch.setattr(load, "read_team_bytes", lambda raw, relative, settings: parsed.append(relative)
                        or real(raw, relative, settings))
    assert run_cli("diff", "HEAD~1", "-f", "json").json() == uncached
    assert parsed == []
    (repo / "other.yaml").write_text("team: other\nname: Other\nparent: top\nowner: Someone\n")
    changes = run_cli("diff", "HEAD~1", "-f", "json").json()
    # the working tree's edit, and HEAD~1's copy: the working tree's parts are only its own now
    assert parsed == ["other.yaml", "other.yaml"]
    parsed.clear()
    assert run_cli("diff", "HEAD~1", "-f", "json").json() == changes
    assert parsed == []
    assert [c for c in changes if c not in uncached] == [
        {"kind": "owner", "team": "other", "id": None, "before": None, "after": "Someone",
         "message": "team other: owner None -> Someone"}]
