"""The cache never changes a result, never runs what it reads, never trusts what it did not
sign, and never touches the scanned tree."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

from kpoctl.bench.generate import generate
from kpoctl.read.cache import CACHE_ENV, INDEX, SECRET, cache_home, scorecard_folder_name


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    generate(120, folder)  # enough files for the worker processes
    return folder


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A cache folder of this test's own."""
    folder = tmp_path / "cache-home"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def entries_of(home: Path, card: Path) -> Path:
    return home / "scorecards" / scorecard_folder_name(card)


def lint_json(run_cli, folder, *extra):
    result = run_cli("lint", folder, "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def tree_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"/"
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("source", ["broken", "generated"])
def test_lint_with_and_without_cache_is_identical(run_cli, tmp_path, home, generated, source):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "broken" if source == "broken" else generated, folder)
    before = tree_of(folder)
    plain = lint_json(run_cli, folder, "--no-cache")
    assert not home.exists()
    cold = lint_json(run_cli, folder)
    entries = list(entries_of(home, folder).iterdir())
    assert len(entries) >= 5
    warm = lint_json(run_cli, folder)
    assert plain == cold == warm
    assert tree_of(folder) == before  # nothing written into the scanned tree
    # a changed file is read again, not served stale
    victim = sorted(folder.rglob("*.yaml"))[-1]
    victim.write_text(victim.read_text().replace("title:", "titel:", 1))
    after = lint_json(run_cli, folder)
    assert after == lint_json(run_cli, folder, "--no-cache") != warm


def test_entries_are_json_and_only_team_files_get_one(run_cli, tmp_path, home):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    for n in range(20):
        (folder / f"not-a-team-{n}.yaml").write_text("just: data\n")
    lint_json(run_cli, folder)
    stored = sorted(entries_of(home, folder).iterdir())
    team_files = [p for p in folder.glob("*.yaml") if p.name != "kpoctl.yaml" and not p.name.startswith("not-")]
    assert len(stored) == len(team_files) + 1  # one per team file, and the index
    for entry in stored:
        for part in entry.read_bytes()[32:].split(b"\n"):
            json.loads(part)  # a 32-byte signature, then plain JSON
        assert entry.stat().st_mode & 0o077 == 0
    assert (home / SECRET).stat().st_mode & 0o077 == 0


def test_corrupt_entries_are_ignored_and_rewritten(run_cli, tmp_path, home):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    expected = lint_json(run_cli, folder)
    for entry in entries_of(home, folder).iterdir():
        entry.write_bytes(b"garbage")
    assert lint_json(run_cli, folder) == expected
    assert all(len(e.read_bytes()) > 40 for e in entries_of(home, folder).iterdir())


def test_a_forged_entry_is_not_believed(run_cli, tmp_path, home):
    """Well-formed JSON that says something else, signed with a key that is not ours."""
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    expected = lint_json(run_cli, folder)
    for entry in entries_of(home, folder).iterdir():
        payload = entry.read_bytes()[32:].replace(b"KP404", b"KP999").replace(b"leading", b"FORGED")
        entry.write_bytes(b"\0" * 32 + payload)
    os.utime(folder / "best-company.yaml")  # the stat shortcut must not hide the forgery either
    assert lint_json(run_cli, folder) == expected
    result = run_cli("report", folder, "--format", "json")
    assert "FORGED" not in result.stdout


def test_a_signing_key_that_is_not_one_keeps_the_cache_unused(run_cli, tmp_path, home):
    """A key file of the wrong length (an empty one signs anything anybody can sign) is not
    taken: the answer is the same, and nothing is stored under it."""
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / SECRET).write_bytes(b"")
    assert lint_json(run_cli, folder) == lint_json(run_cli, folder, "--no-cache")
    assert not any(entries_of(home, folder).iterdir()) and (home / SECRET).read_bytes() == b""


def test_links_and_fifos_in_the_cache_are_never_followed(run_cli, tmp_path, home):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    expected = lint_json(run_cli, folder)
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    stored = sorted(entries_of(home, folder).iterdir())
    stored[0].unlink()
    stored[0].symlink_to(outside)
    stored[1].unlink()
    os.mkfifo(stored[1])
    assert lint_json(run_cli, folder) == expected  # and no hang on the FIFO
    assert outside.read_text() == "keep me\n"


def test_a_cache_planted_in_the_scanned_tree_is_never_read_nor_written(run_cli, tmp_path, home):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    expected = lint_json(run_cli, folder, "--no-cache")
    planted = folder / ".kpoctl_cache"
    shutil.copytree(entries_of(home, folder) if entries_of(home, folder).exists() else folder, planted / "x")
    (planted / "v1").symlink_to(tmp_path)
    before = tree_of(folder)
    assert lint_json(run_cli, folder) == expected
    assert tree_of(folder) == before


def test_a_read_only_scorecard_is_cached_all_the_same(run_cli, tmp_path, home):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    for path in [folder, *folder.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        assert lint_json(run_cli, folder) == lint_json(run_cli, folder, "--no-cache")
        assert (entries_of(home, folder) / INDEX).exists()
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("place", ["a file", "shared with others"])
def test_a_cache_folder_that_is_not_private_is_not_used(run_cli, tmp_path, monkeypatch, place):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    home = tmp_path / "cache-home"
    if place == "a file":
        home.write_text("not a folder")
    else:
        home.mkdir(mode=0o777)
        home.chmod(0o777)
    monkeypatch.setenv(CACHE_ENV, str(home))
    assert lint_json(run_cli, folder) == lint_json(run_cli, folder, "--no-cache")
    assert home.is_file() or list(home.iterdir()) == []


def test_the_cache_folder_is_made_private(run_cli, tmp_path, monkeypatch):
    """What the cache holds is the scorecard: nobody else may list or read the folder it makes."""
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    home = tmp_path / "new" / "cache-home"
    monkeypatch.setenv(CACHE_ENV, str(home))
    lint_json(run_cli, folder)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700 and list(home.iterdir())


def test_where_the_cache_lives():
    assert cache_home({CACHE_ENV: "/abs/kp"}) == Path("/abs/kp")
    assert cache_home({CACHE_ENV: "relative/kp"}) is None  # never a path relative to wherever kpoctl runs
    assert cache_home({"XDG_CACHE_HOME": "/x"}) == Path("/x/kpoctl")
    assert cache_home({"XDG_CACHE_HOME": "rel", "HOME": "/home/u"}) == Path("/home/u/.cache/kpoctl")


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpoctl", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


def test_without_home_or_any_cache_folder_every_command_still_works(tmp_path):
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    env = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1", "PYTHONPATH": str(ROOT),
           "XDG_CACHE_HOME": "relative-cache"}
    # no HOME, and no entry in the password database either (as in some containers)
    code = ("import os, pwd, runpy, sys; os.environ.pop('HOME', None); "
            "pwd.getpwuid = lambda uid: (_ for _ in ()).throw(KeyError(uid)); "
            "sys.argv[0] = 'kpoctl'; runpy.run_module('kpoctl', run_name='__main__')")
    for command in (["lint"], ["count"], ["tree"], ["orphans"], ["report", "--format", "json"]):
        result = subprocess.run([sys.executable, "-c", code, *command, str(folder)], capture_output=True, text=True,
                                env=env, cwd=tmp_path, timeout=120)
        assert result.returncode in (0, 1) and "error" not in result.stderr, (command, result.stderr)
    assert not (tmp_path / "relative-cache").exists() and not any(tmp_path.rglob("secret"))


def test_editing_a_rule_changes_a_cached_result(tmp_path):
    """The cache key holds a digest of kpoctl's own code: a rule edited after a run is
    run again, not answered from the cache (36 findings where 39 were due, before)."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "kpoctl", copy / "kpoctl", ignore=shutil.ignore_patterns("__pycache__"))
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    env = {**os.environ, "PYTHONPATH": str(copy), CACHE_ENV: str(tmp_path / "cache"), "NO_COLOR": "1"}
    first = _run(["lint", "--format", "json", str(folder)], env, tmp_path)
    assert any(f["code"] == "KP404" for f in json.loads(first.stdout))
    rule = copy / "kpoctl" / "rules" / "practice.py"
    text = rule.read_text()
    assert "has no leading indicator" in text
    rule.write_text(text.replace("has no leading indicator", "lacks a leading indicator"))
    second = _run(["lint", "--format", "json", str(folder)], env, tmp_path)
    messages = [f["message"] for f in json.loads(second.stdout) if f["code"] == "KP404"]
    assert messages and all("lacks a leading indicator" in m for m in messages)


def test_rules_run_per_file_in_workers_give_what_the_whole_graph_gives(generated):
    """Team-scoped rules analysed per file (workers, cached) equal running them lazily in one process."""
    from kpoctl.read.load import load
    from kpoctl.rules.engine import Selection, analyse_file, lint

    selection = Selection.build(["ALL"], [])
    lazily = lint(load(generated, jobs=1), selection)
    in_workers = lint(load(generated, jobs=2, analyse=analyse_file), selection)
    assert lazily == in_workers and len(lazily) > 20


VIEWS = [["count", "--format", "json"], ["orphans", "--format", "json"], ["tree", "--format", "json"],
         ["tree", "--format", "mermaid"], ["report", "--format", "json"], ["report", "--format", "markdown"],
         ["export"]]


@pytest.mark.parametrize("command", VIEWS, ids=" ".join)
def test_every_view_with_the_cache_says_what_it_says_without(run_cli, tmp_path, home, generated, command):
    """Cold, warm (files served from the cache, without their actuals where the view never
    reads them) and after an edit: always the answer of a fresh read."""
    folder = tmp_path / "card"
    shutil.copytree(generated, folder)

    def run(*extra):
        result = run_cli(command[0], folder, *command[1:], *extra)
        assert result.exit_code in (0, 1), result.stderr
        return result.stdout

    fresh = run("--no-cache")
    assert not home.exists()  # --no-cache: nothing written
    assert run() == fresh  # cold: fills the cache, as every view does unless told not to
    assert len(list(entries_of(home, folder).iterdir())) > 20
    assert run() == fresh  # warm: from the cache
    victim = sorted((folder / "teams").glob("*.yaml"))[7]
    victim.write_text(victim.read_text().replace("value: ", "value: 1", 1))
    after = run()
    assert after == run("--no-cache")
    if command[0] == "report":  # the value edited shows there
        assert after != fresh


@pytest.mark.parametrize("command", VIEWS, ids=" ".join)
def test_a_view_after_lint_filled_the_cache_says_what_it_says_without(run_cli, tmp_path, generated, command):
    """lint leaves every file's entry and no view's parts: the view then builds its parts
    from the entries, actuals included where it reads them (a report from entries taken
    without them would say 'no data' of every indicator)."""
    folder = tmp_path / "card"
    shutil.copytree(generated, folder)
    fresh = run_cli(command[0], folder, *command[1:], "--no-cache").stdout
    lint_json(run_cli, folder)
    result = run_cli(command[0], folder, *command[1:])
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == fresh


def test_an_xlsx_export_from_the_cache_holds_the_actuals_and_no_cache_writes_none(run_cli, tmp_path, home):
    """The workbook loads whole models, actuals included, from the cache's entries: the same
    rows as a fresh read's. --no-cache writes nothing; without it the cache is filled."""
    import openpyxl

    def rows(*extra):
        out = tmp_path / "card.xlsx"
        result = run_cli("export", folder, "-o", out, *extra)
        assert result.exit_code == 0, result.stderr
        return list(openpyxl.load_workbook(out)["scorecard"].iter_rows(values_only=True))

    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    fresh = rows("--no-cache")
    assert not home.exists()
    assert sum(row[0] == "actual" for row in fresh) > 10
    assert rows() == fresh  # cold: it fills the cache
    assert len(list(entries_of(home, folder).iterdir())) > 3
    assert rows() == fresh  # from the entries


@pytest.mark.parametrize("command", VIEWS[1:], ids=" ".join)
def test_a_view_whose_entries_are_gone_reads_the_files_again(run_cli, tmp_path, home, generated, command):
    """The index still knows every file unchanged, but the per-file entries a view builds
    its parts from were deleted (pruned, or a cleaner): each file is read again where its
    part is worked out, its entry written again, and the answer is a fresh read's."""
    folder = tmp_path / "card"
    shutil.copytree(generated, folder)
    fresh = run_cli(command[0], folder, *command[1:], "--no-cache").stdout
    lint_json(run_cli, folder)
    entries = [p for p in entries_of(home, folder).iterdir() if len(p.name) == 40]
    assert len(entries) == 120
    for entry in entries:
        entry.unlink()
    result = run_cli(command[0], folder, *command[1:])
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == fresh
    assert sorted(p.name for p in entries_of(home, folder).iterdir() if len(p.name) == 40) == sorted(
        p.name for p in entries)


@pytest.mark.parametrize("actuals", [b'[["2026-01"]]', b'[[["2026-01", "x", null]]]', b'{"a": 1}', b'[[1]]', b"nope"])
def test_a_signed_entry_of_the_wrong_shape_is_a_miss(tmp_path, home, actuals):
    """Even signed with our own key (a bug of an older kpoctl, say), a wrong shape is read again."""
    from kpoctl.model import Settings
    from kpoctl.read.cache import MISS, Cache
    from kpoctl.read.load import read_team_file

    card = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", card)
    settings = Settings()
    cache = Cache(card, settings)
    team_file = read_team_file(card / "unit-1.yaml", "unit-1.yaml", settings)
    cache.put("a" * 40, team_file)
    assert cache.get("a" * 40, actuals=True) == team_file
    meta, _ = (cache.folder / ("a" * 40)).read_bytes()[32:].split(b"\n", 1)
    cache._write_signed_bytes("a" * 40, meta + b"\n" + actuals)
    assert cache.get("a" * 40, actuals=True) is MISS


def test_entries_no_run_uses_are_pruned_once_they_outnumber_the_used(run_cli, tmp_path, home):
    """The cache does not grow with every edit: stale entries go once they are more than twice
    the used ones and a hundred; the index, derived data and files not ours stay."""
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    expected = lint_json(run_cli, folder)
    entries = entries_of(home, folder)
    used = sorted(p.name for p in entries.iterdir())
    team_entries = len(used) - 1  # one per team file, and the index
    stale = [f"{n:040x}" for n in range(2 * team_entries + 100 - len(used) - 1)]  # all that is allowed
    for name in [*stale, "notes.txt"]:
        (entries / name).write_bytes(b"old")
    assert lint_json(run_cli, folder) == expected  # within the allowance: nothing pruned
    assert len(list(entries.iterdir())) == len(used) + len(stale) + 1
    (entries / f"{len(stale):040x}").write_bytes(b"old")  # one more than it allows
    assert lint_json(run_cli, folder) == expected
    assert sorted(p.name for p in entries.iterdir()) == sorted([*used, "notes.txt"])


def test_the_caches_of_scorecards_not_linted_lately_are_dropped_past_sixty_four(run_cli, tmp_path, home):
    from kpoctl.read.cache import MAX_SCORECARDS

    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    lint_json(run_cli, folder)
    parent = entries_of(home, folder).parent
    for n in range(MAX_SCORECARDS - 1):  # older than any run of this test: with it and the next, one too many
        old = parent / f"{n:032x}"
        old.mkdir(mode=0o700)
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
    other = tmp_path / "other"
    shutil.copytree(EXAMPLES / "northwind", other)
    lint_json(run_cli, other)  # a new scorecard's folder: the oldest beyond sixty-four go
    kept = {p.name for p in parent.iterdir()}
    assert len(kept) == MAX_SCORECARDS == 64  # the README's number
    assert {entries_of(home, folder).name, entries_of(home, other).name} <= kept
    assert f"{0:032x}" not in kept and f"{1:032x}" in kept  # the one used longest ago went


def test_a_cache_that_cannot_be_written_is_gone_on_without(run_cli, tmp_path, home, monkeypatch):
    """A full or read-only disk: the answer is the same, and the run tries no further write."""
    import kpoctl.read.cache

    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    expected = lint_json(run_cli, folder, "--no-cache")
    attempts = []

    def disk_full(*args, **kwargs):
        attempts.append(args[0])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kpoctl.read.cache, "write_bytes_atomic", disk_full)
    assert lint_json(run_cli, folder) == expected
    assert len(attempts) == 1 and not any(entries_of(home, folder).iterdir())


# The cache's own guards, in process: the tests above run kpoctl as a user does; these
# name each refusal, so that a guard dropped fails here and not only in a subprocess.

def _cache_for(tmp_path: Path, home: Path | None):
    from kpoctl.model import Settings
    from kpoctl.read.cache import Cache

    card = tmp_path / "card"
    if not card.exists():
        shutil.copytree(EXAMPLES / "best-company", card)
    return Cache(card, Settings(), home=home)


def test_the_cache_lives_under_home_when_nothing_else_is_set():
    assert cache_home({"HOME": "/home/u"}) == Path("/home/u/.cache/kpoctl")
    assert cache_home({"HOME": "home/u"}) is None


def test_with_no_place_for_a_cache_nothing_is_written_and_nothing_fails(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "not/absolute")
    cache = _cache_for(tmp_path, None)
    assert not cache.enabled
    from kpoctl.model import Settings
    from kpoctl.read.load import read_team_file

    cache.write_index({"a": 1})  # a run without a cache still finishes its work
    cache.put("a" * 40, read_team_file(tmp_path / "card" / "unit-1.yaml", "unit-1.yaml", Settings()))
    assert cache.read_index() is None


@pytest.mark.parametrize("how", ["a link to a private folder", "owned by someone else",
                                 "its scorecards folder shared", "a file where a folder should be"])
def test_a_cache_folder_kpoctl_cannot_call_its_own_is_not_used(tmp_path, monkeypatch, how):
    home = tmp_path / "cache-home"
    if how == "a link to a private folder":
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        home.symlink_to(elsewhere)
    elif how == "owned by someone else":
        home.mkdir(mode=0o700)
        real = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    elif how == "its scorecards folder shared":
        (home / "scorecards").mkdir(mode=0o700, parents=True)
        (home / "scorecards").chmod(0o777)
    else:
        home.write_text("not a folder")
    cache = _cache_for(tmp_path, home)
    assert not cache.enabled
    if how == "a link to a private folder":
        assert list((tmp_path / "elsewhere").iterdir()) == []


def test_only_regular_files_within_their_size_are_read(tmp_path):
    from kpoctl.read.cache import read_regular_file

    plain = tmp_path / "plain"
    plain.write_bytes(b"1234")
    assert read_regular_file(plain, limit=4) == b"1234"
    assert read_regular_file(plain, limit=3) is None
    link = tmp_path / "link"
    link.symlink_to(plain)
    assert read_regular_file(link) is None
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert read_regular_file(fifo) is None  # and no wait for a writer
    huge = tmp_path / "huge"  # sparse: past the default limit of a gibibyte, on no disk at all
    with huge.open("wb") as out:
        out.truncate((1 << 30) + 1)
    assert read_regular_file(huge) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_signing_key_owned_by_someone_else_is_not_taken(tmp_path):
    home = tmp_path / "cache-home"
    home.mkdir(mode=0o700)
    (home / SECRET).write_bytes(b"k" * 32)
    os.chown(home / SECRET, 12345, -1)
    assert not _cache_for(tmp_path, home).enabled


@pytest.mark.parametrize("theirs", [b"t" * 32, b"short", "a link"])
def test_a_signing_key_another_run_made_first_is_taken_only_if_it_is_one(tmp_path, monkeypatch, theirs):
    """Two runs start at once: the one that loses the race to create the key reads the
    winner's, and takes it only when it is a whole key in a regular file."""
    home = tmp_path / "cache-home"
    home.mkdir(mode=0o700)

    def the_other_run_first(size):
        if theirs == "a link":
            (home / SECRET).symlink_to(tmp_path / "nowhere")
        else:
            (home / SECRET).write_bytes(theirs)
        return b"m" * size

    monkeypatch.setattr(os, "urandom", the_other_run_first)
    cache = _cache_for(tmp_path, home)
    assert cache.secret == (theirs if theirs == b"t" * 32 else None)


def test_every_entry_a_run_writes_is_one_prune_may_drop_later(run_cli, tmp_path, home):
    """An entry goes stale when its file changes; prune must know it for one of its own."""
    from kpoctl.read.cache import _ENTRY_NAME

    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "best-company", folder)
    lint_json(run_cli, folder)
    names = [p.name for p in entries_of(home, folder).iterdir() if p.name != INDEX]
    assert names and all(_ENTRY_NAME.fullmatch(name) for name in names)
