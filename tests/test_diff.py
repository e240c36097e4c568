"""`kpoctl diff`: every kind of model change between two commits of a real git repository."""

from __future__ import annotations

import subprocess

import pytest
from conftest import table_cells, write_files
from rule_cases import make_history

from kpoctl.commands.diff import compare

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


def test_one_argument_is_a_revision_even_where_a_file_has_its_name(run_cli, repo, monkeypatch):
    """`kpoctl diff NAME` compares the revision NAME with the working tree, though a file
    of the scorecard is called NAME too: only a second or third argument may be a path."""
    monkeypatch.chdir(repo)
    git("branch", "other.yaml", "HEAD~1", cwd=repo)
    result = run_cli("diff", "other.yaml", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json() == run_cli("diff", "HEAD~1", "-f", "json").json() != []


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


def test_diff_runs_no_rule_but_the_readers_own_where_it_fills_no_cache(run_cli, repo, monkeypatch):
    """diff shows no finding: a revision's files are read for their parts alone, and without
    a cache the working tree's run only KP001 and KP002 (what diff says it cannot compare)."""
    import kpoctl.pipeline.reading as reading

    monkeypatch.chdir(repo)
    expected = run_cli("diff", "HEAD~1", "-f", "json").json()
    asked: list = []
    real = reading.analyse_file
    monkeypatch.setattr(reading, "analyse_file", lambda *args: asked.append(args[3]) or real(*args))
    assert run_cli("diff", "HEAD~1", "-f", "json", env={"KPOCTL_CACHE_DIR": "relative/so/none"}).json() == expected
    assert sorted(set(asked), key=len) == [frozenset(), frozenset({"KP001", "KP002"})]


def test_against_the_work_tree_only_the_files_git_finds_changed_are_taken_from_git(run_cli, repo, monkeypatch):
    """`diff REV` takes the work tree's part for every file whose blob at REV git's status
    says the work tree holds; only the others (edited, staged, changed since REV) are read
    from git, and the answer is the one read from every blob."""
    from kpoctl.read.gitrevs import History

    monkeypatch.chdir(repo)
    (repo / "other.yaml").write_text("team: other\nname: Other team\nparent: top\n")  # edited, not staged
    (repo / "unit.yaml").write_text((repo / "unit.yaml").read_text().replace("Unit team", "The unit"))
    git("add", "unit.yaml", cwd=repo)  # staged: the index is not HEAD's
    monkeypatch.setattr(History, "unchanged_blobs", lambda self: {})  # every blob read, as before
    everything = run_cli("diff", "HEAD~1", "-f", "json", env={"KPOCTL_CACHE_DIR": "relative/so/none"}).json()
    monkeypatch.undo()
    monkeypatch.chdir(repo)
    read: list[str] = []
    real = History.blob
    monkeypatch.setattr(History, "blob", lambda self, blob_id: read.append(blob_id) or real(self, blob_id))
    for revision in ("HEAD~1", "HEAD"):
        read.clear()
        found = run_cli("diff", revision, "-f", "json", env={"KPOCTL_CACHE_DIR": "relative/so/none"}).json()
        if revision == "HEAD~1":
            assert found == everything and len(read) == 3  # all three changed since HEAD~1
        else:
            assert {(c["kind"], c["team"]) for c in found} == {("renamed", "other"), ("renamed", "unit")}
            assert len(read) == 2  # top.yaml is as HEAD has it: not taken from git


def test_a_scorecard_in_a_subfolder_is_told_from_a_same_named_file_elsewhere_in_the_repository(run_cli, tmp_path):
    """Only the scorecard folder's files stand for themselves: `odds/top.yaml`, as HEAD's
    `card/top.yaml` was and left as it is, does not make the edited `card/top.yaml` unchanged."""
    write_files(tmp_path, {"card/top.yaml": TOP, "odds/top.yaml": TOP})
    git("init", "-q", cwd=tmp_path)
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".", cwd=tmp_path)
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "one", cwd=tmp_path)
    (tmp_path / "card" / "top.yaml").write_text(TOP.replace("name: Top", "name: The top", 1))
    changes = run_cli("diff", "HEAD", tmp_path / "card", "-f", "json").json()
    assert [(c["kind"], c["team"]) for c in changes] == [("renamed", "top")]


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
         "message": "team other: owner (none) -> Someone"}]


def changes_between(run_cli, folder, before: dict, after: dict, *formats: str):
    """Commit `before` as a scorecard, write `after` over it in the working tree, and diff HEAD:
    the JSON changes, or the output in `formats[0]`."""
    make_history(folder, [{"files": before}])
    for name in set(before) - set(after):
        (folder / name).unlink()
    write_files(folder, after)
    result = run_cli("diff", "HEAD", str(folder), "-f", formats[0] if formats else "json")
    return result if formats else result.json()


def indicator_with(target: str, extra: str = "") -> dict:
    return {"t.yaml": "team: t\nname: T\nobjectives:\n  - {id: o, level: KPO, title: Deliver on time}\n"
            f"indicators:\n  - {{id: k, level: KPI, measures: o, name: K, target: {target}{extra}}}\n"}


@pytest.mark.parametrize(("before", "after", "kind"), [
    ("{value: 95, direction: at_least}", "{value: 90, direction: at_least}", "lowered-target"),  # a lower floor
    ("{value: 90, direction: at_least}", "{value: 95, direction: at_least}", "target"),
    ("{value: 10, direction: at_most}", "{value: 12, direction: at_most}", "lowered-target"),  # a higher ceiling
    ("{value: 12, direction: at_most}", "{value: 10, direction: at_most}", "target"),
    ("{value: 95, direction: at_least, tolerance: 2}", "{value: 95, direction: at_least, tolerance: 5}", "lowered-target"),
    ("{value: 95, direction: at_least}", "{value: 95, direction: at_least, tolerance: 1}", "lowered-target"),
    ("{value: 95, direction: at_least, tolerance: 5}", "{value: 95, direction: at_least, tolerance: 2}", "target"),
    ("{value: 95, direction: at_least, tolerance: 0.5}", "{value: 95, direction: at_least}", "target"),  # none: 0
    ("{value: 95, direction: at_least, tolerance: 5}", "{value: 96, direction: at_least, tolerance: 9}", "target"),
    ("{value: 95, direction: at_least}", "{value: 90, direction: at_most}", "target"),  # a new direction: a new target
    ("{value: 95, direction: equal}", "{value: 90, direction: equal}", "target"),
])
def test_a_target_moved_the_easier_way_is_a_lowered_ambition(run_cli, tmp_path, before, after, kind):
    changes = changes_between(run_cli, tmp_path, indicator_with(before), indicator_with(after))
    assert [(c["kind"], c["team"], c["id"]) for c in changes] == [(kind, "t", "k")]
    assert changes[0]["message"].endswith(" (lower ambition)") == (kind == "lowered-target")


def test_a_target_taken_away_is_a_lowered_ambition_and_one_set_is_not(run_cli, tmp_path):
    with_target = indicator_with("{value: 95, direction: at_least}")
    without = {"t.yaml": with_target["t.yaml"].replace(", target: {value: 95, direction: at_least}", "")}
    assert changes_between(run_cli, tmp_path / "a", with_target, without) == [
        {"kind": "lowered-target", "team": "t", "id": "k", "before": ">= 95", "after": None,
         "message": "t/k target >= 95 -> (none) (lower ambition)"}]
    assert changes_between(run_cli, tmp_path / "b", without, with_target) == [
        {"kind": "target", "team": "t", "id": "k", "before": None, "after": ">= 95",
         "message": "t/k target (none) -> >= 95"}]


def test_interim_targets_moved_added_and_removed(run_cli, tmp_path):
    def interim(values: str) -> dict:
        return indicator_with("{value: 95, direction: at_least, tolerance: 2}", f", targets: [{values}]")

    before = interim("{period: 2025-Q4, value: 70}, {period: 2026-Q1, value: 80}, {period: 2026-Q2, value: 85}, "
                     "{period: 2026-Q3, value: 90}")
    after = interim("{period: 2025-Q4, value: 70}, {period: 2026-Q1, value: 75}, {period: 2026-Q2, value: 88}, "
                    "{period: 2026-Q4, value: 92}")
    changes = changes_between(run_cli, tmp_path, before, after)
    assert [(c["kind"], c["before"], c["after"]) for c in changes] == [
        ("lowered-target", ">= 80", ">= 75"), ("target", ">= 85", ">= 88"),
        ("target", ">= 90", None), ("target", None, ">= 92")]
    assert changes[0]["message"] == "t/k interim target for 2026-Q1 >= 80 -> >= 75 (lower ambition)"
    assert changes[2]["message"] == "t/k interim target for 2026-Q3 >= 90 -> (none)"
    # the same values in another unit: the unit's change only, not the target's nor each interim target's
    in_percent = {"t.yaml": before["t.yaml"].replace("name: K,", "name: K, unit: '%',")}
    assert [(c["kind"], c["before"], c["after"], c["message"])
            for c in changes_between(run_cli, tmp_path / "unit", before, in_percent)] == [
        ("unit", None, "%", "t/k unit (none) -> %")]


def test_interim_targets_under_a_new_direction_are_not_called_lower(run_cli, tmp_path):
    before = indicator_with("{value: 10, direction: at_most}", ", targets: [{period: 2026-Q1, value: 20}]")
    after = indicator_with("{value: 10, direction: at_least}", ", targets: [{period: 2026-Q1, value: 15}]")
    kinds = [(c["kind"], c["before"], c["after"]) for c in changes_between(run_cli, tmp_path, before, after)]
    assert kinds == [("target", "<= 10", ">= 10"), ("target", "20", "15")]


LEVELS = """team: t
name: T
objectives:
  - {id: a, level: KPO, title: Deliver on time}
  - {id: b, level: PO, title: Ship parts on time, role: breakdown, supports: a}
indicators:
  - {id: k, level: KPI, measures: a, name: K}
  - {id: p, level: PI, measures: b, name: P}
  - {id: c, level: context, name: C}
"""


@pytest.mark.parametrize(("old", "new", "kind"), [
    ("{id: k, level: KPI", "{id: k, level: PI", "demoted"),
    ("{id: k, level: KPI", "{id: k, level: context", "demoted"),
    ("{id: p, level: PI", "{id: p, level: context", "demoted"),
    ("{id: p, level: PI", "{id: p, level: KPI", "promoted"),
    ("{id: c, level: context", "{id: c, level: PI", "promoted"),
    ("{id: a, level: KPO", "{id: a, level: PO", "demoted"),
    ("{id: b, level: PO", "{id: b, level: KPO", "promoted"),
])
def test_a_level_change_is_called_a_demotion_or_a_promotion(run_cli, tmp_path, old, new, kind):
    changes = changes_between(run_cli, tmp_path, {"t.yaml": LEVELS}, {"t.yaml": LEVELS.replace(old, new)})
    entry = old.split(",")[0].removeprefix("{id: ")
    levels = (old.rsplit(" ", 1)[1], new.rsplit(" ", 1)[1])
    assert [(c["kind"], c["id"], c["before"], c["after"]) for c in changes] == [(kind, entry, *levels)]
    assert changes[0]["message"] == f"t/{entry} {kind}: {levels[0]} -> {levels[1]}"


def test_an_objective_made_an_indicator_is_a_level_change_only(run_cli, tmp_path):
    after = LEVELS.replace("  - {id: b, level: PO, title: Ship parts on time, role: breakdown, supports: a}\n", "") \
        .replace("  - {id: c, level: context, name: C}\n", "  - {id: c, level: context, name: C}\n"
                 "  - {id: b, level: KPI, measures: a, name: Parts on time}\n")
    after = after.replace("name: Parts on time}", "name: Parts on time, target: {value: 95, direction: at_least}}")
    changes = changes_between(run_cli, tmp_path, {"t.yaml": LEVELS}, {"t.yaml": after})
    assert [(c["kind"], c["id"], c["before"], c["after"]) for c in changes] == [("level", "b", "PO", "KPI")]
    # and back: its links and target are not compared across kinds either
    changes = changes_between(run_cli, tmp_path / "back", {"t.yaml": after}, {"t.yaml": LEVELS})
    assert [(c["kind"], c["id"], c["before"], c["after"]) for c in changes] == [("level", "b", "KPI", "PO")]
    # a cascading KPO made a KPI: a level change, not a cascade cut
    child = CHILD.replace("objectives:\n  - {id: otif, level: KPO, title: Deliver 95% of orders on time, "
                          "cascades_from: top/otif}", "indicators:\n  - {id: otif, level: KPI, name: OTIF}")
    changes = changes_between(run_cli, tmp_path / "cascade", {"top.yaml": TOP, "unit.yaml": CHILD},
                              {"top.yaml": TOP, "unit.yaml": child})
    assert [(c["kind"], c["id"], c["before"], c["after"]) for c in changes] == [("level", "otif", "KPO", "KPI")]


def test_links_within_a_team_re_parented_and_a_role_changed(run_cli, tmp_path):
    before = LEVELS.replace("  - {id: c, level: context", "  - {id: k2, level: KPI, name: K2}\n  - {id: c, level: context") \
        .replace("objectives:\n", "objectives:\n  - {id: z, level: KPO, title: Cut cost}\n"
                 "  - {id: y, level: PO, title: Cut waste, role: enabling}\n")
    after = (before.replace("{id: k, level: KPI, measures: a", "{id: k, level: KPI, measures: z")
             .replace("{id: k2, level: KPI, name: K2}", "{id: k2, level: KPI, measures: a, name: K2}")
             .replace("role: breakdown, supports: a}", "role: enabling, supports: [z, a]}")
             .replace("role: enabling}", "role: enabling, supports: z}")
             .replace("{id: a, level: KPO", "{id: x, level: PO, title: Train staff, role: enabling, supports: z}\n"
                      "  - {id: a, level: KPO"))
    before = before.replace("{id: a, level: KPO", "{id: x, level: PO, title: Train staff, role: enabling, "
                            "supports: [z]}\n  - {id: a, level: KPO")
    after = after.replace("supports: z}\n  - {id: a, level: KPO", "}\n  - {id: a, level: KPO", 1)
    changes = changes_between(run_cli, tmp_path, {"t.yaml": before}, {"t.yaml": after})
    assert [(c["kind"], c["id"], c["before"], c["after"], c["message"]) for c in changes] == [
        ("re-parented", "b", "a", "a, z", "t/b now supports a, z (was a)"),
        ("role", "b", "breakdown", "enabling", "t/b role breakdown -> enabling"),
        ("re-parented", "k", "a", "z", "t/k now measures z (was a)"),
        ("re-parented", "k2", None, "a", "t/k2 now measures a (was (none))"),
        ("re-parented", "x", "z", None, "t/x now supports (none) (was z)"),
        ("re-parented", "y", None, "z", "t/y now supports z (was (none))"),
    ]
    # the same KPOs in another order, or one repeated, is the same link
    reordered = after.replace("supports: [z, a]", "supports: [a, z, a]")
    assert changes_between(run_cli, tmp_path / "same", {"t.yaml": after}, {"t.yaml": reordered}) == []


def test_a_cascade_cut_and_a_team_made_a_root(run_cli, tmp_path):
    child = CHILD.replace(", cascades_from: top/otif", "").replace("parent: top\n", "")
    changes = changes_between(run_cli, tmp_path, {"top.yaml": TOP, "unit.yaml": CHILD}, {"top.yaml": TOP, "unit.yaml": child})
    assert [c["message"] for c in changes] == [
        "team unit moved from parent top to (none)", "unit/otif now cascades from (none) (was top/otif)"]


def test_teams_added_and_removed_around_one_that_stayed(run_cli, tmp_path):
    files = {"a.yaml": "team: a\nname: A\n", "m.yaml": "team: m\nname: M\n", "z.yaml": "team: z\nname: Z\n"}
    after = {"b.yaml": "team: b\nname: B\n", "m.yaml": "team: m\nname: M\nowner: Mo\n"}
    changes = changes_between(run_cli, tmp_path, files, after)
    assert [(c["kind"], c["team"], c["before"], c["after"]) for c in changes] == [
        ("removed", "a", "A", None), ("added", "b", None, "B"), ("owner", "m", None, "Mo"), ("removed", "z", "Z", None)]


def test_a_repeated_id_is_compared_as_its_first_entry(run_cli, tmp_path):
    twice = ("team: t\nname: T\nindicators:\n  - {id: k, level: KPI, name: K, owner: Ann}\n"
             "  - {id: k, level: PI, name: K again, owner: Bob}\n  - {id: m, level: PI, name: M, owner: Eve}\n")
    second_changed = twice.replace("owner: Bob", "owner: Cy")
    assert changes_between(run_cli, tmp_path / "second", {"t.yaml": twice}, {"t.yaml": second_changed}) == []
    first_changed = twice.replace("owner: Ann", "owner: Di").replace("owner: Eve", "owner: Fay")
    assert [c["message"] for c in changes_between(run_cli, tmp_path / "first", {"t.yaml": twice},
                                                  {"t.yaml": first_changed})] == ["t/k owner Ann -> Di",
                                                                                  "t/m owner Eve -> Fay"]


@pytest.mark.parametrize("side", ["before", "after"])
def test_a_team_read_in_part_on_either_side_is_not_compared(run_cli, tmp_path, side):
    """A file with a KP002 on one side would otherwise look as if its bad entry were removed
    (or added): its team is left out of the comparison and named on stderr, exit 1."""
    good = indicator_with("{value: 95, direction: at_least}")
    bad = {"t.yaml": good["t.yaml"].replace("value: 95", "value: ninety")}
    other = {"u.yaml": "team: u\nname: U\n"}
    before, after = ({**bad, **other}, {**good, **other}) if side == "before" else ({**good, **other}, {**bad, **other})
    after["u.yaml"] = "team: u\nname: U\nowner: Uma\n"
    result = changes_between(run_cli, tmp_path, before, after, "json")
    assert result.exit_code == 1
    assert [(c["team"], c["kind"]) for c in result.json()] == [("u", "owner")]
    assert "1 team file not read whole, their teams not compared: t.yaml" in result.stderr


def test_a_revisions_file_over_max_file_mb_is_not_compared(run_cli, tmp_path):
    settings = {"kpoctl.yaml": "max_file_mb: 0.001\n"}
    small = {"t.yaml": "team: t\nname: T\n", **settings}
    big = {"t.yaml": "team: t\nname: T\n" + "# padding\n" * 110, **settings}  # 1,117 bytes: over a limit of 1,000
    result = changes_between(run_cli, tmp_path / "a", big, small, "json")
    assert result.exit_code == 1 and result.json() == []
    assert "at HEAD, 1 team file not read whole" in result.stderr and "t.yaml" in result.stderr
    exactly = {"t.yaml": "team: t\nname: T\n" + "#" * (1000 - 16 - 1) + "\n", **settings}  # 1,000 bytes: at the limit
    assert len(exactly["t.yaml"].encode()) == 1000
    result = changes_between(run_cli, tmp_path / "b", exactly, {**exactly, "t.yaml": exactly["t.yaml"] + "owner: O\n"}, "json")
    assert result.exit_code == 1  # the working tree's copy is now over it; HEAD's, at the limit, was read
    assert "at HEAD" not in result.stderr and "at working tree, 1 team file not read whole" in result.stderr


def test_each_format_says_no_change_and_counts_changes(run_cli, tmp_path):
    files = {"t.yaml": "team: t\nname: T\n"}
    assert changes_between(run_cli, tmp_path / "a", files, files, "text").stdout.strip() == \
        "No change to the model between HEAD and working tree."
    assert changes_between(run_cli, tmp_path / "b", files, files, "markdown").stdout == \
        "# Scorecard changes: HEAD → working tree\n\nNo change to the model.\n"
    two = {"t.yaml": "team: t\nname: T\nowner: O\n", "u.yaml": "team: u\nname: U\n"}
    text = changes_between(run_cli, tmp_path / "c", files, two, "text").stdout
    assert text.rstrip().endswith("\n2 changes") and "lowered" not in text
    markdown = changes_between(run_cli, tmp_path / "d", {**files, **two}, files, "markdown").stdout
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "change" not in line]
    assert rows == ["| owner | t |  | O |  |", "| removed ⚠ | u |  | U |  |"]


def test_text_counts_lowered_targets(run_cli, tmp_path):
    before, after = indicator_with("{value: 95, direction: at_least}"), indicator_with("{value: 90, direction: at_least}")
    text = changes_between(run_cli, tmp_path, before, after, "text").stdout
    assert text.rstrip().endswith("\n1 change; 1 lowered target")
    assert table_cells(text, header=True) == [["change", "team", "id", "before", "after"],
                                              ["lowered-target", "t", "k", ">= 95", ">= 90"]]
    markdown = changes_between(run_cli, tmp_path / "md", before, after, "markdown").stdout
    assert "| lowered-target ⚠ | t | k | &gt;= 95 | &gt;= 90 |" in markdown


TERMS = """team: t
name: Operations
meeting: monthly
objectives:
  - {id: o, level: KPO, title: Deliver on time, due: 2026-12-31, perspective: customer, shared_with: [u, s]}
  - {id: q, level: KPO, title: Keep customers glad, evaluation: Survey of key accounts}
  - {id: p, level: PO, title: Ship parts on time, role: breakdown, supports: o, by: site, weight: 0.5}
indicators:
  - {id: k, level: KPI, measures: o, name: OTIF, unit: '%', baseline: {period: 2025, value: 80},
     rollup: weighted_mean, target: {value: 95, direction: at_least}, timing: lagging, frequency: monthly,
     source: ERP delivery report, actions: [Call the late carriers, Add a Saturday shift]}
"""


@pytest.mark.parametrize(("old", "new", "change"), [
    ("name: Operations", "name: Operations and logistics",
     ("renamed", None, "Operations", "Operations and logistics", "team t renamed: Operations -> Operations and logistics")),
    ("name: OTIF", "name: Orders shipped",
     ("renamed", "k", "OTIF", "Orders shipped", "t/k renamed: OTIF -> Orders shipped")),
    ("title: Deliver on time", "title: Deliver",
     ("renamed", "o", "Deliver on time", "Deliver", "t/o renamed: Deliver on time -> Deliver")),
    ("due: 2026-12-31", "due: 2027-06-30", ("postponed", "o", "2026-12-31", "2027-06-30", "t/o due 2026-12-31 -> 2027-06-30")),
    (", due: 2026-12-31", "", ("postponed", "o", "2026-12-31", None, "t/o due 2026-12-31 -> (none)")),
    ("due: 2026-12-31", "due: 2026-09-30", ("due", "o", "2026-12-31", "2026-09-30", "t/o due 2026-12-31 -> 2026-09-30")),
    ("weight: 0.5", "weight: 0.25",
     ("breakdown", "p", "by site, weight 0.5", "by site, weight 0.25", "t/p breakdown by site, weight 0.5 -> by site, weight 0.25")),
    ("by: site, weight: 0.5", "by: segment",
     ("breakdown", "p", "by site, weight 0.5", "by segment", "t/p breakdown by site, weight 0.5 -> by segment")),
    (", by: site, weight: 0.5", "", ("breakdown", "p", "by site, weight 0.5", None, "t/p breakdown by site, weight 0.5 -> (none)")),
    (", by: site, weight: 0.5", ", weight: 0.5",  # by parts, the default: the weight is still a share
     ("breakdown", "p", "by site, weight 0.5", "by parts, weight 0.5", "t/p breakdown by site, weight 0.5 -> by parts, weight 0.5")),
    ("perspective: customer", "perspective: financial",
     ("perspective", "o", "customer", "financial", "t/o perspective customer -> financial")),
    ("shared_with: [u, s]", "shared_with: [s]", ("shared", "o", "s, u", "s", "t/o shared with s, u -> s")),
    (", shared_with: [u, s]", "", ("shared", "o", "s, u", None, "t/o shared with s, u -> (none)")),
    ("evaluation: Survey of key accounts", "evaluation: Count of complaints",
     ("evaluation", "q", "Survey of key accounts", "Count of complaints",
      "t/q evaluated by Survey of key accounts -> Count of complaints")),
    ("unit: '%'", "unit: days", ("unit", "k", "%", "days", "t/k unit % -> days")),
    ("value: 80}", "value: 70}", ("baseline", "k", "80 in 2025", "70 in 2025", "t/k baseline 80 in 2025 -> 70 in 2025")),
    ("period: 2025,", "period: 2024-Q4,", ("baseline", "k", "80 in 2025", "80 in 2024-Q4", "t/k baseline 80 in 2025 -> 80 in 2024-Q4")),
    ("rollup: weighted_mean", "rollup: {step: product, site: min}",
     ("rollup", "k", "weighted_mean", "site: min, step: product", "t/k roll-up weighted_mean -> site: min, step: product")),
    ("timing: lagging", "timing: leading", ("timing", "k", "lagging", "leading", "t/k timing lagging -> leading")),
    ("frequency: monthly", "frequency: weekly", ("frequency", "k", "monthly", "weekly", "t/k measured monthly -> weekly")),
    # measured less often: a stale indicator goes unflagged for longer
    ("frequency: monthly", "frequency: yearly", ("less-often", "k", "monthly", "yearly", "t/k measured monthly -> yearly")),
    (" frequency: monthly,", "", ("frequency", "k", "monthly", None, "t/k measured monthly -> (none)")),
    ("source: ERP delivery report", "source: BI dashboard",
     ("source", "k", "ERP delivery report", "BI dashboard", "t/k source ERP delivery report -> BI dashboard")),
    (", Add a Saturday shift]", "]", ("actions", "k", "Add a Saturday shift; Call the late carriers", "Call the late carriers",
                                      "t/k actions: Add a Saturday shift; Call the late carriers -> Call the late carriers")),
    (", actions: [Call the late carriers, Add a Saturday shift]", "",
     ("actions", "k", "Add a Saturday shift; Call the late carriers", None,
      "t/k actions: Add a Saturday shift; Call the late carriers -> (none)")),
    ("meeting: monthly", "meeting: weekly", ("meeting", None, "monthly", "weekly", "team t meets monthly -> weekly")),
    ("meeting: monthly", "meeting: quarterly", ("less-often", None, "monthly", "quarterly", "team t meets monthly -> quarterly")),
    ("meeting: monthly\n", "", ("meeting", None, "monthly", None, "team t meets monthly -> (none)")),
])
def test_each_term_of_an_entry_and_a_teams_meeting_is_a_change(run_cli, tmp_path, old, new, change):
    assert old in TERMS
    changes = changes_between(run_cli, tmp_path, {"t.yaml": TERMS}, {"t.yaml": TERMS.replace(old, new)})
    assert [(c["kind"], c["id"], c["before"], c["after"], c["message"]) for c in changes] == [change]


def test_the_same_terms_written_another_way_are_no_change(run_cli, tmp_path):
    same = (TERMS.replace("rollup: weighted_mean", "rollup: 'weighted_mean'").replace("weight: 0.5", "weight: 0.50")
            .replace("value: 80}", "value: 80.0}").replace("due: 2026-12-31", "due: '2026-12-31'"))
    assert same != TERMS
    assert changes_between(run_cli, tmp_path, {"t.yaml": TERMS}, {"t.yaml": same}) == []
    assert changes_between(run_cli, tmp_path / "shared", {"t.yaml": TERMS},
                           {"t.yaml": TERMS.replace("shared_with: [u, s]", "shared_with: [s, u, s]")}) == []
    # the same actions in another order, or one said twice, are the same actions
    actions = TERMS.replace("[Call the late carriers, Add a Saturday shift]",
                            "[Add a Saturday shift, Call the late carriers, Add a Saturday shift]")
    assert changes_between(run_cli, tmp_path / "actions", {"t.yaml": TERMS}, {"t.yaml": actions}) == []
    split = TERMS.replace("rollup: weighted_mean", "rollup: {site: min, step: product}")
    reordered = TERMS.replace("rollup: weighted_mean", "rollup: {step: product, site: min}")
    assert changes_between(run_cli, tmp_path / "order", {"t.yaml": split}, {"t.yaml": reordered}) == []


def test_a_postponed_due_date_is_flagged_like_a_lowered_target(run_cli, tmp_path):
    later = {"t.yaml": TERMS.replace("due: 2026-12-31", "due: 2027-06-30")}
    markdown = changes_between(run_cli, tmp_path, {"t.yaml": TERMS}, later, "markdown").stdout
    assert "| postponed ⚠ | t | o | 2026-12-31 | 2027-06-30 |" in markdown
    earlier = {"t.yaml": TERMS.replace("due: 2026-12-31", "due: 2026-06-30")}
    markdown = changes_between(run_cli, tmp_path / "earlier", {"t.yaml": TERMS}, earlier, "markdown").stdout
    assert "| due | t | o | 2026-12-31 | 2026-06-30 |" in markdown
    undated = {"t.yaml": TERMS.replace(", due: 2026-12-31", "")}
    changes = changes_between(run_cli, tmp_path / "set", undated, {"t.yaml": TERMS})
    assert [(c["kind"], c["before"], c["after"]) for c in changes] == [("due", None, "2026-12-31")]


def test_an_indicator_measured_less_often_is_flagged_and_more_often_is_not(run_cli, tmp_path):
    rarer = {"t.yaml": TERMS.replace("frequency: monthly", "frequency: quarterly")}
    markdown = changes_between(run_cli, tmp_path, {"t.yaml": TERMS}, rarer, "markdown").stdout
    assert "| less-often ⚠ | t | k | monthly | quarterly |" in markdown
    markdown = changes_between(run_cli, tmp_path / "back", rarer, {"t.yaml": TERMS}, "markdown").stdout
    assert "| frequency | t | k | quarterly | monthly |" in markdown
    # a frequency first set is no cadence made longer
    unset = {"t.yaml": TERMS.replace(" frequency: monthly,", "")}
    changes = changes_between(run_cli, tmp_path / "set", unset, rarer)
    assert [(c["kind"], c["before"], c["after"]) for c in changes] == [("frequency", None, "quarterly")]


def test_a_team_both_sides_share_is_not_decoded():
    # a revision's file the work tree holds as it is gives both sides one part: its body
    # (the team's entries, most of a part) is never decoded, which at 10,000 teams was
    # most of what a diff did after reading them
    shared = {"team": "t", "name": "T", "invalid": None, "body": "not JSON: never read"}
    edited = {"team": "u", "name": "U", "invalid": None,
              "body": '{"parent": null, "owner": null, "meeting": null, "entries": {}}'}
    renamed = {**edited, "name": "U2"}
    assert [c.message for c in compare({"t": shared, "u": edited}, {"t": shared, "u": renamed})] == [
        "team u renamed: U -> U2"]
