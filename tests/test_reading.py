"""lint after an edit ends exactly where a fresh `lint --no-cache` ends, whatever the edit,
and an edit that changes no link does not run the cross-team rules again.

Every test on a scorecard runs twice: with its files just written, as in any test (each is
hashed again, its stamp not yet trusted), and as if they had settled long before the run
(an unchanged file is known by its stat stamp alone, never read)."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLES, REALWORLD
from rule_cases import Case, all_cases

import kpoctl.pipeline.reading
from kpoctl.model.links import ENTRY_LINK_FIELDS, TEAM_LINK_FIELDS
from kpoctl.pipeline.reading import settled
from kpoctl.read.cache import CACHE_ENV, INDEX, scorecard_folder_name
from kpoctl.read.load import load, read_regular
from kpoctl.rules.engine import scorecard_problems


def lint_json(run_cli, folder: Path, *extra: str) -> list[dict]:
    result = run_cli("lint", folder, "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def _sub(name: str, old: str, new: str, count: int = 1):
    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, count))

    return edit


def _insert_lines_after_team(name: str):
    return _sub(name, "\nteam:", "\n# a note\n# another note\nteam:")


def _remove(name: str):
    return lambda folder: (folder / name).unlink()


def _rename(old: str, new: str):
    return lambda folder: (folder / old).rename(folder / new)


def _add(name: str, text: str):
    return lambda folder: (folder / name).write_text(text)


NEW_TEAM = """\
team: west
name: Sales West team
parent: sales
owner: Head of Sales West
meeting: weekly
objectives:
  - {id: growth, level: KPO, title: Grow revenue of region West to 10 MEUR, cascades_from: sales/growth, due: 2026-12-31}
indicators:
  - {id: revenue-west, level: KPI, measures: growth, name: Revenue of region West, unit: kEUR, timing: lagging,
     frequency: monthly, owner: Head of Sales West, target: {value: 10, direction: at_least}}
"""

EDITS = {
    "a comment appended": _sub("east.yaml", "meeting: weekly", "meeting: weekly  # every Monday"),
    "a title reworded": _sub("east.yaml", "Make the brand known", "Make the brand widely known"),
    "lines inserted above every finding": _insert_lines_after_team("east.yaml"),
    "lines inserted above a repeated id": _insert_lines_after_team("sales.yaml"),
    "a cascade re-pointed": _sub("east.yaml", "cascades_from: acme/growth", "cascades_from: sales/growth"),
    "a unit changed": _sub("sales.yaml", "unit: kEUR", "unit: MEUR"),
    "a parent changed": _sub("east.yaml", "parent: sales", "parent: nowhere"),
    "a suppression added": _sub("east.yaml", "  - id: brand\n", "  - id: brand  # kpoctl: ignore[KP104]\n"),
    "a suppression removed": _sub("east.yaml", "  # kpoctl: ignore[KP303]", ""),
    "a file removed": _remove("it.yaml"),
    "a file renamed": _rename("east.yaml", "east-region.yaml"),
    "a team added": _add("west.yaml", NEW_TEAM),
    "a file broken": _sub("east.yaml", "objectives:", "objectives: [", 1),
    "a broken file mended": _sub("marketing.yaml", "name: Marketing\n", "", 1),
    "a YAML file that is no team": _add("notes.yaml", "notes: [one, two]\n"),
    "the settings changed": _sub("kpoctl.yaml", "weasel_words: [holistic]", "weasel_words: [holistic, brand]"),
}


@pytest.fixture(params=["fresh files", "settled files"])
def file_age(request, monkeypatch):
    if request.param == "settled files":
        # as if the run began a minute after every write: every stamp may be trusted
        monkeypatch.setattr(kpoctl.pipeline.reading, "SETTLE_NS", -60 * 10**9)
    return request.param


@pytest.fixture
def card(tmp_path, file_age):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "broken", folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_lint_after_an_edit_matches_a_fresh_lint(run_cli, card, edit):
    before = lint_json(run_cli, card)
    assert lint_json(run_cli, card) == before == lint_json(run_cli, card, "--no-cache")
    edit(card)
    after = lint_json(run_cli, card)
    assert after == lint_json(run_cli, card, "--no-cache")
    assert lint_json(run_cli, card) == after  # and again, from what this run remembered


def test_a_same_size_edit_with_its_mtime_put_back_is_still_seen(run_cli, card):
    before = lint_json(run_cli, card)
    path = card / "sales.yaml"
    was = path.stat()
    path.write_text(path.read_text().replace("unit: kEUR", "unit: MEUR", 1))
    os.utime(path, ns=(was.st_atime_ns, was.st_mtime_ns))  # size and mtime as they were; ctime moved
    assert path.stat().st_size == was.st_size and path.stat().st_mtime_ns == was.st_mtime_ns
    after = lint_json(run_cli, card)
    assert after != before
    assert after == lint_json(run_cli, card, "--no-cache")


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files the reader opens, by name."""
    opened: list[str] = []

    def counted(path, *args):
        opened.append(os.path.basename(path))
        return read_regular(path, *args)

    monkeypatch.setattr(kpoctl.pipeline.reading, "read_regular", counted)
    return opened


def test_an_unchanged_file_is_read_again_only_until_it_has_settled(run_cli, card, file_age, reads):
    lint_json(run_cli, card)
    every_file = sorted(reads)
    assert "east.yaml" in every_file and len(every_file) > 1
    reads.clear()
    EDITS["a title reworded"](card)
    lint_json(run_cli, card)
    if file_age == "settled files":
        assert reads == ["east.yaml"]  # the others are known by their stamps
    else:
        assert sorted(reads) == every_file  # just written: each is hashed again


def test_a_stamp_is_trusted_only_once_the_file_has_settled():
    run_started = 100 * 10**9
    old = run_started - kpoctl.pipeline.reading.SETTLE_NS - 1
    assert settled((1, 2, 3, old, old), run_started) == (1, 2, 3, old, old)
    assert settled((1, 2, 3, old, run_started - 1), run_started) is None  # its inode changed just now
    assert settled((1, 2, 3, run_started - 1, old), run_started) is None  # written just now
    assert settled(None, run_started) is None


def test_findings_move_with_the_lines_of_an_edited_file(run_cli, card):
    before = {(f["code"], f["id"]): f["line"] for f in lint_json(run_cli, card) if f["file"] == "east.yaml"}
    _insert_lines_after_team("east.yaml")(card)
    after = {(f["code"], f["id"]): f["line"] for f in lint_json(run_cli, card) if f["file"] == "east.yaml"}
    assert ("KP104", "brand") in after  # a cross-team finding, reused and placed again
    assert after == {key: line + 2 for key, line in before.items()}


@pytest.fixture
def scorecard_rule_runs(monkeypatch):
    runs = []

    def counted(*args, **kwargs):
        runs.append(1)
        return scorecard_problems(*args, **kwargs)

    monkeypatch.setattr(kpoctl.pipeline.reading, "scorecard_problems", counted)
    return runs


def test_an_edit_that_changes_no_link_skips_the_cross_team_rules(run_cli, card, scorecard_rule_runs):
    lint_json(run_cli, card)
    assert len(scorecard_rule_runs) == 1
    _insert_lines_after_team("east.yaml")(card)
    EDITS["a title reworded"](card)
    lint_json(run_cli, card)
    assert len(scorecard_rule_runs) == 1
    EDITS["a cascade re-pointed"](card)
    lint_json(run_cli, card)
    assert len(scorecard_rule_runs) == 2


def test_a_corrupt_index_is_ignored_and_rewritten(run_cli, card, scorecard_rule_runs):
    expected = lint_json(run_cli, card)
    index = Path(os.environ[CACHE_ENV]) / "scorecards" / scorecard_folder_name(card) / INDEX
    index.write_bytes(index.read_bytes()[:-10])
    assert lint_json(run_cli, card) == expected
    assert len(scorecard_rule_runs) == 2
    assert lint_json(run_cli, card) == expected
    assert len(scorecard_rule_runs) == 2  # the rewritten index is trusted again


def test_an_index_from_another_date_is_not_used(run_cli, card):
    lint_json(run_cli, card)
    settings = card / "kpoctl.yaml"
    settings.write_text(settings.read_text().replace("today: 2026-11-21", "today: 2027-06-30"))
    assert lint_json(run_cli, card) == lint_json(run_cli, card, "--no-cache")


# --- the contract that makes skipping sound ------------------------------------------------


class _LinksOnly:
    """A model that answers only for its link fields and fails the test for any other."""

    def __init__(self, wrapped, allowed: tuple[str, ...]) -> None:
        self.__dict__["_wrapped"] = wrapped
        self.__dict__["_allowed"] = allowed

    def __getattr__(self, name: str):
        if name in self._allowed:
            return getattr(self._wrapped, name)
        raise AssertionError(f"a cross-team rule read {type(self._wrapped).__name__}.{name}, which is not among "
                             "the link fields of kpoctl.model.links: add it there, or the cache may serve stale findings")

    @property
    def __class__(self):  # isinstance(entry, Objective) keeps working
        return type(self._wrapped)


def _links_only(team_file):
    team = team_file.team
    if team is None:
        return team_file
    proxy = _LinksOnly(team, (*TEAM_LINK_FIELDS, "objectives", "indicators"))
    proxy.__dict__["objectives"] = [_LinksOnly(o, ENTRY_LINK_FIELDS) for o in team.objectives]
    proxy.__dict__["indicators"] = [_LinksOnly(i, ENTRY_LINK_FIELDS) for i in team.indicators]
    return replace(team_file, team=proxy)


SCORECARDS = [EXAMPLES / name for name in ("best-company", "northwind", "broken")] + all_cases()


@pytest.mark.parametrize("source", SCORECARDS, ids=lambda s: s.id if isinstance(s, Case) else s.name)
def test_cross_team_rules_read_nothing_but_links(source, tmp_path):
    folder = source.write(tmp_path / "card") if isinstance(source, Case) else source
    scorecard = load(folder)
    expected = scorecard_problems(scorecard)
    hidden = replace(scorecard, files=[_links_only(f) for f in scorecard.files])
    assert scorecard_problems(hidden) == expected


@pytest.mark.parametrize("source", SCORECARDS, ids=lambda s: s.id if isinstance(s, Case) else s.name)
def test_a_links_only_file_gives_the_cross_team_rules_what_the_whole_file_gives(source, tmp_path):
    """What worker processes send a command that needs no model (kpoctl.model.links.links_only):
    the same problems, at the same lines and columns, as the whole files."""
    from kpoctl.model.links import links_only

    folder = source.write(tmp_path / "card") if isinstance(source, Case) else source
    scorecard = load(folder)
    slim = replace(scorecard, files=[links_only(f) for f in scorecard.files])
    assert all(f.links_only for f in slim.files if f.team is not None)
    assert scorecard_problems(slim) == scorecard_problems(scorecard)


def test_a_long_read_reports_its_progress_and_a_short_one_does_not(tmp_path, monkeypatch):
    from kpoctl.bench.generate import generate
    from kpoctl.pipeline.reading import read_scorecard

    generate(30, tmp_path / "card")
    told: list[int] = []
    done: list[int] = []

    def progress(total: int):
        told.append(total)
        return lambda: done.append(1)

    read_scorecard(tmp_path / "card", use_cache=False, progress=progress, jobs=1)
    assert told == [] and done == []  # below PROGRESS_MIN_FILES: no bar
    monkeypatch.setattr(kpoctl.pipeline.reading, "PROGRESS_MIN_FILES", 10)
    read_scorecard(tmp_path / "card", use_cache=False, progress=progress, jobs=1)
    assert told and len(done) == told[0] >= 30
    files = told[0]
    for threshold, bar in ((files, True), (files + 1, False)):  # from PROGRESS_MIN_FILES files on
        told.clear()
        monkeypatch.setattr(kpoctl.pipeline.reading, "PROGRESS_MIN_FILES", threshold)
        read_scorecard(tmp_path / "card", use_cache=False, progress=progress, jobs=1)
        assert told == ([files] if bar else [])


@pytest.mark.parametrize("folder", [EXAMPLES / "best-company", EXAMPLES / "broken", EXAMPLES / "northwind"]
                         + ([REALWORLD] if REALWORLD.is_dir() else []), ids=lambda p: p.name)
def test_count_from_the_records_equals_count_from_the_graph(folder):
    from kpoctl.graph import CascadeGraph
    from kpoctl.output.views.count import count_rows, rows_from_levels
    from kpoctl.pipeline.reading import read_scorecard

    for use_cache in (False, True, True):  # fresh, then filling the cache, then from it
        reading = read_scorecard(folder, use_cache=use_cache, need_model=True)
        assert rows_from_levels(reading.levels.values()) == count_rows(CascadeGraph(reading.scorecard()))


def test_count_counts_the_first_file_of_a_team_and_a_repeated_id_once(scorecard):
    from kpoctl.output.views.count import rows_from_levels
    from kpoctl.pipeline.reading import read_scorecard

    folder = scorecard({
        "a.yaml": "team: top\nname: Top\nindicators:\n  - {id: k, level: KPI, name: K}\n  - {id: k, level: PI, name: K}\n",
        "b.yaml": "team: top\nname: Top again\nindicators:\n  - {id: x, level: PI, name: X}\n",
    })
    assert rows_from_levels(read_scorecard(folder).levels.values()) == [
        {"team": "top", "kpo": 0, "po": 0, "kpi": 1, "pi": 0, "context": 0}]


@pytest.mark.parametrize("need_model", [False, True])
def test_the_main_process_holds_a_files_links_unless_the_command_needs_its_model(need_model, tmp_path, monkeypatch):
    from kpoctl.bench.generate import generate
    from kpoctl.pipeline.reading import read_scorecard

    generate(60, tmp_path / "card")  # enough files for worker processes
    seen = []

    def recorded(scorecard, *args, **kwargs):
        seen.extend(f for f in scorecard.files if f.team is not None)
        return scorecard_problems(scorecard, *args, **kwargs)

    monkeypatch.setattr(kpoctl.pipeline.reading, "scorecard_problems", recorded)
    reading = read_scorecard(tmp_path / "card", use_cache=False, need_model=need_model, jobs=2)
    assert len(seen) == 60
    assert all(f.links_only is not need_model for f in seen)
    if need_model:
        assert all(f.team.indicators[0].actuals for f in reading.team_files)  # the whole model, actuals too


def test_a_warm_view_works_out_its_part_only_for_the_files_that_changed(card):
    """A view's part of a file depends on the file alone: kept by content key, it is worked
    out again for an edited file and for no other (the speed of every warm view rests on it)."""
    from kpoctl.pipeline.reading import read_scorecard

    worked: list[str] = []

    def part(team_file, settings):
        worked.append(team_file.file)
        return [team_file.file, len(team_file.team.indicators)]

    def view() -> dict:
        return read_scorecard(card, jobs=1, derive=(("probe", part),)).derived("probe")

    first = view()
    assert sorted(worked) == sorted(first) and len(first) == 5  # marketing.yaml has no team: no part
    worked.clear()
    assert view() == first and worked == []
    (card / "it.yaml").write_text((card / "it.yaml").read_text() + "\n# edited\n")
    assert view() == first and worked == ["it.yaml"]
    worked.clear()
    assert read_scorecard(card, jobs=1, use_cache=False, derive=(("probe", part),)).derived("probe") == first


@pytest.mark.parametrize("spoil", ["records a list", "memo keys a list", "levels too short", "levels not counts",
                                   "the first count text", "a team that is no id"])
def test_a_signed_index_of_the_wrong_shape_is_read_again_not_believed(run_cli, card, spoil):
    """Signed with our own key (an older kpoctl's bug, say), an index that is not what this
    version writes is ignored, or its record is: the answer is a fresh read's, never a crash."""
    from kpoctl.read.cache import Cache
    from kpoctl.read.load import locate

    expected = {command: run_cli(command, card, "--format", "json", "--no-cache").stdout for command in ("lint", "count")}
    lint_json(run_cli, card)
    located = locate(card)
    cache = Cache(located.root, located.settings)
    index = cache.read_index()
    first = next(name for name, record in index["records"].items() if record[7])  # a team file's record
    if spoil == "records a list":
        index["records"] = list(index["records"].values())
    elif spoil == "memo keys a list":
        index["memo"][1] = list(index["memo"][1])
    elif spoil == "levels too short":
        index["records"][first][7] = index["records"][first][7][:5]
    elif spoil == "levels not counts":
        index["records"][first][7] = [*index["records"][first][7][:5], "1"]
    elif spoil == "the first count text":
        index["records"][first][7] = [index["records"][first][7][0], "1", *index["records"][first][7][2:]]
    else:
        index["records"][first][7] = [7, *index["records"][first][7][1:]]
    cache.write_index(index)
    for command in ("count", "lint"):
        assert run_cli(command, card, "--format", "json").stdout == expected[command], command


@pytest.mark.parametrize("edit", ["a title reworded", "a cascade re-pointed", "a file removed", "a team added",
                                  "a file broken"])
def test_after_any_edit_the_next_run_reads_nothing_and_runs_no_cross_team_rule(run_cli, tmp_path, monkeypatch,
                                                                              scorecard_rule_runs, reads, edit):
    """The run after an edit leaves an index that stands for what it read: the run after
    it, with no edit between, opens no file and reuses the cross-team problems."""
    monkeypatch.setattr(kpoctl.pipeline.reading, "SETTLE_NS", -60 * 10**9)  # every stamp may be trusted
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "broken", folder, ignore=shutil.ignore_patterns("README.md"))
    lint_json(run_cli, folder)
    EDITS[edit](folder)
    expected = lint_json(run_cli, folder)
    reads.clear()
    runs = len(scorecard_rule_runs)
    assert lint_json(run_cli, folder) == expected
    assert reads == [] and len(scorecard_rule_runs) == runs


def test_a_file_hashed_while_fresh_is_known_by_its_stamp_once_it_has_settled(run_cli, card, monkeypatch, reads):
    """Read just after a write, a file keeps no stamp; once it has settled, the run that
    hashes it again (same bytes) records the stamp, and the run after opens nothing."""
    monkeypatch.setattr(kpoctl.pipeline.reading, "SETTLE_NS", 10**18)  # nothing has settled yet
    lint_json(run_cli, card)
    monkeypatch.setattr(kpoctl.pipeline.reading, "SETTLE_NS", -60 * 10**9)  # now everything has
    reads.clear()
    lint_json(run_cli, card)
    assert "east.yaml" in reads  # hashed again: no stamp was kept
    reads.clear()
    lint_json(run_cli, card)
    assert reads == []


def _file_name(team_file, settings):
    return team_file.file


def test_the_parts_kept_of_revisions_stop_growing_past_a_few_revisions_worth(tmp_path, monkeypatch):
    """Each diff keeps what it read of a revision, to read it for free next time; past twice
    the files of a revision and a hundred, only what the last call used or read is kept."""
    from kpoctl.model import Settings
    from kpoctl.pipeline.reading import read_blobs
    from kpoctl.read.cache import Cache

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    card = tmp_path / "card"
    card.mkdir()
    settings = Settings()

    def blob(team: int, revision: int) -> tuple[str, bytes]:
        return f"team-{team}.yaml", f"team: team-{team}\nname: Team {team} as of revision {revision}\n".encode()

    def diff(*blobs) -> int:
        parts, unread = read_blobs(card, settings, blobs, "probe", _file_name, jobs=1)
        assert parts == {name: name for name, _ in blobs} and unread == []
        return len(Cache(card, settings).read_derived("proberevisions"))

    sizes = [diff(blob(0, n), blob(1, n)) for n in range(52)]
    assert sizes == [2 * (n + 1) for n in range(52)]  # 104: exactly 2 x 2 + 100, all kept
    assert diff(blob(0, 0), blob(1, 52)) == 2  # 105: only this call's, the part it reused among them
    assert diff(blob(0, 0), blob(1, 52)) == 2  # both read for free: nothing new to keep
    assert diff(blob(0, 1), blob(1, 52)) == 3  # the first revision's part was dropped: read again


@pytest.mark.parametrize("view", [["count"], ["tree", "--format", "json"], ["export"], ["export", "--format", "xlsx"],
                                  ["orphans", "--format", "json"], ["report", "--format", "json"], ["report"]],
                         ids=["count", "tree", "export", "export xlsx", "orphans", "report", "report text"])
def test_a_view_runs_no_cross_team_rule_without_a_cache(run_cli, card, scorecard_rule_runs, view, tmp_path):
    """count, tree and export show no finding, orphans and report only team-scoped rules'
    (KP101, KP102; KP002, KP403, KP409 as notes): with no cache to fill, the cross-team rules
    (the serial part of a large read) are not run, and the answer is the one a cached run gives."""
    out = ["--output", str(tmp_path / "sheet.xlsx")] if "xlsx" in view else []
    bare = run_cli(*view, card, "--no-cache", *out)
    assert scorecard_rule_runs == []
    cached = run_cli(*view, card, *out)
    assert len(scorecard_rule_runs) == 1  # the cache is filled whole, for lint's next run
    assert (bare.exit_code, bare.stdout, bare.stderr) == (cached.exit_code, cached.stdout, cached.stderr)
    assert bare.exit_code == 1 and "read in part" in bare.stderr  # marketing.yaml's KP002 still said


def test_a_view_on_an_empty_cache_fills_it_with_every_rules_findings(run_cli, card, scorecard_rule_runs):
    """export shows no finding, but on a cache it runs every rule: lint's next run reads nothing."""
    run_cli("export", card)
    assert len(scorecard_rule_runs) == 1
    assert lint_json(run_cli, card) == lint_json(run_cli, card, "--no-cache")
    assert len(scorecard_rule_runs) == 2  # lint's warm run took export's; --no-cache ran its own


@pytest.mark.parametrize("shown", [(), ("KP101", "KP102"), ("KP002", "KP403", "KP409"), ("KP104", "KP301")],
                         ids=["none", "orphans", "report notes", "a cross-team and a team rule"])
def test_a_read_for_some_findings_without_a_cache_holds_only_those_and_the_readers_own(card, shown, scorecard_rule_runs):
    """read_scorecard(findings=...) with no cache: the problems of those codes and of KP001
    and KP002, exactly as a full read finds them, and no other rule's (none is run: the
    cross-team rules not at all when none of them is asked for)."""
    from kpoctl.pipeline.reading import read_scorecard
    from kpoctl.rules.suppress import READ_CODES

    full = read_scorecard(card, use_cache=False)
    assert len(scorecard_rule_runs) == 1
    wanted = {*READ_CODES, *shown}
    bare = read_scorecard(card, use_cache=False, findings=shown)
    assert len(scorecard_rule_runs) == (2 if "KP104" in shown else 1)
    assert bare.problems == [found for found in full.problems if found[0] in wanted]
    assert {code for code, _ in bare.problems} == wanted  # the card has each of them
    assert bare.read_in_part() == full.read_in_part() and bare.unread == full.unread
    cached = read_scorecard(card, findings=shown)
    assert cached.problems == full.problems  # a cache is filled with every rule's
