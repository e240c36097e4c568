"""Discovery and reading: which files are team files, and how broken ones become KP001
without stopping the others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TOP, write_files

from kpoctl.common.errors import UsageError
from kpoctl.read.load import discover, load, scorecard_root
from kpoctl.read.settings import SettingsError

CHILD = TOP.replace("team: top", "team: child").replace("owner: CEO", "owner: Head\nparent: top")


def kp001(scorecard):
    return {(f.file, p.location.line, p.location.column): p.message
            for f in scorecard.files for code, p in f.problems if code == "KP001"}


def test_only_files_with_a_team_key_are_team_files(tmp_path):
    write_files(tmp_path, {
        "top.yaml": TOP,
        "ci.yml": "stages: [test]\n",
        "list.yaml": "- team: x\n",
        "empty.yaml": "",
        "notes.txt": "team: nope\n",
    })
    sc = load(tmp_path)
    assert [f.file for f in sc.files] == ["top.yaml"]


def test_hidden_folders_and_links_are_skipped(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, ".git/team.yaml": CHILD, "sub/.hidden/x.yaml": CHILD})
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(CHILD)
    os.symlink(outside / "secret.yaml", tmp_path / "linked.yaml")
    os.symlink(outside, tmp_path / "linked-folder")
    os.symlink(tmp_path, tmp_path / "loop")
    os.symlink(outside / "secret.yaml", tmp_path / "sub" / ".hidden" / "linked.yaml")  # in a hidden folder: not met
    os.symlink(tmp_path / "top.yaml", tmp_path / "README.md")  # not a YAML name: nothing to say
    links: list[str] = []
    files = [relative for _, relative in discover(tmp_path, links=links)]
    assert files == ["top.yaml"]
    assert links == ["linked-folder/", "linked.yaml", "loop/"]  # each named, none followed


def test_a_link_skipped_is_said_and_a_link_named_as_path_is_refused(run_cli, tmp_path):
    """A linked team file is not followed (FORMAT.md), but never dropped without a word: its
    team would be missing from every answer, and its children's `parent` name nothing."""
    outside = tmp_path / "outside"
    write_files(tmp_path, {"card/top.yaml": TOP, "outside/child.yaml": CHILD})
    (tmp_path / "card" / "kpoctl.yaml").write_text("today: 2026-11-21\n")
    os.symlink(outside / "child.yaml", tmp_path / "card" / "child.yaml")
    whole = run_cli("lint", tmp_path / "card", "--format", "json", "--no-cache")
    assert whole.exit_code == 0 and {f["file"] for f in whole.json()} <= {"top.yaml"}
    assert whole.stderr.count("\n") == 1 and "child.yaml not checked" in whole.stderr
    counted = run_cli("count", tmp_path / "card", "--format", "json", "--no-cache")
    assert "child.yaml not checked" in counted.stderr and "child" not in {t["team"] for t in counted.json()}
    named = run_cli("lint", tmp_path / "card" / "child.yaml")
    assert named.exit_code == 2 and named.stdout == "" and named.stderr.count("\n") == 1
    assert "symbolic link" in named.stderr and str(outside / "child.yaml") in named.stderr
    dangling = tmp_path / "card" / "gone.yaml"
    os.symlink(tmp_path / "nowhere.yaml", dangling)
    assert run_cli("lint", dangling).exit_code == 2


def test_files_are_found_in_path_order_with_their_relative_names(tmp_path):
    names = ["a.yaml", "a-b.yml", "a/x.yaml", "b/c/d.yaml", "B.yaml", "b/c.yaml", "kpoctl.yaml", "notes.txt"]
    write_files(tmp_path, {name: "x: 1\n" for name in names})
    found = discover(tmp_path)
    # component by component, as `sorted(Path)` orders them: a folder's files come where its name sorts
    assert [relative for _, relative in found] == ["B.yaml", "a/x.yaml", "a-b.yml", "a.yaml", "b/c/d.yaml", "b/c.yaml"]
    assert all(Path(path) == tmp_path / relative for path, relative in found)


def test_a_yaml_suffix_in_capitals_is_yaml_too(tmp_path):
    """A team file saved as .YAML (a system that ignores case) is read, never dropped without
    a word; pre-commit's identify takes it as YAML too."""
    names = ["c.YAML", "d.Yml", "e.yaml.bak", "f.yamlx", "KPOCTL.YAML"]
    write_files(tmp_path, {name: "x: 1\n" for name in names})
    assert [relative for _, relative in discover(tmp_path)] == ["KPOCTL.YAML", "c.YAML", "d.Yml"]
    write_files(tmp_path, {"top.YAML": TOP})
    assert [team.team for team, _ in load(tmp_path).teams()] == ["top"]


def test_a_folder_or_fifo_named_yaml_is_never_opened(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "dir.yaml/child.yaml": CHILD})
    os.mkfifo(tmp_path / "pipe.yaml")
    sc = load(tmp_path)
    assert sorted(f.file for f in sc.files) == ["dir.yaml/child.yaml", "top.yaml"]


def test_an_unreadable_file_is_kp001(tmp_path, monkeypatch):
    write_files(tmp_path, {"top.yaml": TOP, "child.yaml": CHILD})
    real_open = open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("child.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    assert kp001(load(tmp_path))[("child.yaml", 1, 1)] == "cannot read file: Permission denied"


def test_broken_team_files_are_kp001_and_the_others_are_still_read(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP})
    (tmp_path / "dup.yaml").write_text("team: a\nname: A\nname: B\n")
    (tmp_path / "latin1.yaml").write_bytes(b"team: b\nname: Caf\xe9\n")
    (tmp_path / "utf16.yaml").write_bytes("team: c\nname: C\n".encode("utf-16"))
    (tmp_path / "syntax.yaml").write_text("team: d\nname: [D\n")
    (tmp_path / "tag.yaml").write_text("team: e\nname: !!python/object/apply:os.system ['echo hacked']\n")
    (tmp_path / "two.yaml").write_text("team: f\nname: F\n---\nteam: g\n")
    (tmp_path / "other.yaml").write_text("key: [unclosed\n")  # not a team file: ignored
    sc = load(tmp_path)
    found = kp001(sc)
    assert found[("dup.yaml", 3, 1)].startswith("duplicate key 'name'")
    assert found[("latin1.yaml", 2, 10)].startswith("not UTF-8")
    assert "UTF-16" in found[("utf16.yaml", 1, 1)]
    assert any(k[0] == "syntax.yaml" for k in found)
    assert "unsupported tag" in found[("tag.yaml", 2, 7)]
    assert "several YAML documents" in found[("two.yaml", 3, 1)]
    assert "other.yaml" not in {k[0] for k in found}
    assert [f.team.team for f in sc.files if f.team] == ["top"]


def test_a_bom_is_fine(tmp_path):
    (tmp_path / "top.yaml").write_bytes(b"\xef\xbb\xbf" + TOP.lstrip().encode())
    sc = load(tmp_path)
    assert sc.files[0].team.team == "top" and not sc.files[0].problems


def test_a_file_over_the_size_limit_is_kp001(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP})
    (tmp_path / "kpoctl.yaml").write_text("max_file_mb: 0.0001\n")
    found = kp001(load(tmp_path))
    assert "over max_file_mb" in found[("top.yaml", 1, 1)]


def test_a_single_file_is_read_with_the_scorecard_it_belongs_to(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "child.yaml": CHILD})
    sc = load(tmp_path / "child.yaml")
    assert [f.file for f in sc.files] == ["child.yaml", "top.yaml"]


@pytest.mark.parametrize("marker, expected", [
    ("kpoctl.yaml", "card"),  # the nearest folder with kpoctl.yaml
    (".git", "card"),  # else the top of the git work tree
    (None, "card/teams/sales"),  # else the file's own folder
])
def test_the_scorecard_of_one_file(tmp_path, marker, expected):
    write_files(tmp_path, {"card/teams/sales/east.yaml": CHILD, "card/top.yaml": TOP})
    if marker == "kpoctl.yaml":
        (tmp_path / "card" / marker).write_text("today: 2026-11-21\n")
        (tmp_path / "kpoctl.yaml").write_text("today: 2026-11-21\n")  # farther away: not this one
    elif marker == ".git":
        (tmp_path / "card" / marker).mkdir()
    assert scorecard_root(tmp_path / "card/teams/sales/east.yaml") == tmp_path / expected


def test_no_team_file_and_missing_path_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="no team file"):
        load(tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        load(tmp_path / "nope")


def test_settings_are_found_in_a_parent_folder_and_validated(tmp_path):
    write_files(tmp_path, {"cards/top.yaml": TOP})
    (tmp_path / "kpoctl.yaml").write_text("limits: {kpi: 5}\n")
    assert load(tmp_path / "cards").settings.limits.kpi == 5
    (tmp_path / "kpoctl.yaml").write_text("limits: {kpis: 5}\n")
    with pytest.raises(SettingsError, match=r"kpoctl.yaml:1:10: invalid settings: unknown field 'limits.kpis' \(did you mean 'kpi'\?\)"):
        load(tmp_path / "cards")


def test_suppression_comments_are_collected(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP.replace("  - id: otif\n", "  - id: otif   # kpoctl: ignore[kp303, KP301]\n")})
    sc = load(tmp_path)
    assert sc.files[0].suppressions == {6: (16, frozenset({"KP303", "KP301"}), None)}  # the column of its '#'; read


@pytest.mark.parametrize("comment", ["ignore KP303", "ignored", "ignore[KP303", "ignore[]", "ignore all"])
def test_a_suppression_comment_kpoctl_cannot_read_silences_nothing(run_cli, tmp_path, comment):
    """Each of these once silenced every rule on its line, the errors with them."""
    write_files(tmp_path, {"top.yaml": TOP.replace("  - id: otif-rate\n", f"  - id: otif-rate   # kpoctl: {comment}\n")
                                          .replace("    measures: otif\n", "")})
    found = [(f["code"], f["line"]) for f in run_cli("lint", tmp_path, "--format", "json", "--no-cache").json()]
    line = 1 + (tmp_path / "top.yaml").read_text().splitlines().index(f"  - id: otif-rate   # kpoctl: {comment}")
    assert ("KP101", line) in found and ("KP007", line) in found


@pytest.mark.parametrize("text, code", [
    ("taem: unit\nname: Unit\nindicators:\n  - {id: x, level: KPI, name: X}\n", "KP002"),  # 'taem'
    ("name: Unit\nobjectives: []\n", "KP002"),  # no team at all
    ("taem: unit\nindicators:\n  - {id: x, level: KPI\n", "KP001"),  # and it does not parse
])
def test_a_file_with_a_team_files_sections_but_no_team_is_a_finding_not_ignored(run_cli, tmp_path, text, code):
    write_files(tmp_path, {"top.yaml": TOP, "unit.yaml": text, "ci.yaml": "jobs: {test: {run: pytest}}\n"})
    result = run_cli("lint", tmp_path, "--format", "json", "--no-cache")
    assert (code, "unit.yaml") in {(f["code"], f["file"]) for f in result.json()}
    assert "ci.yaml" not in {f["file"] for f in result.json()}  # other YAML stays ignored


def test_a_kpoctl_yaml_below_the_root_is_named_as_not_read(run_cli, tmp_path):
    second = "  - {id: fill-rate, level: KPI, measures: otif, name: Fill rate}\n"
    write_files(tmp_path, {"top.yaml": TOP, "unit/more/team.yaml": TOP.replace("team: top", "team: unit\nparent: top") + second})
    (tmp_path / "kpoctl.yaml").write_text("today: 2026-11-21\nlimits: {kpi: 5}\n")
    (tmp_path / "unit" / "kpoctl.yaml").write_text("today: 2026-11-21\nlimits: {kpi: 1}\n")
    whole = run_cli("lint", tmp_path, "--format", "json")
    assert "unit/kpoctl.yaml not read" in whole.stderr and f"(here {tmp_path / 'kpoctl.yaml'})" in whole.stderr
    assert "KP201" not in {f["code"] for f in whole.json()}  # its limit of one KPI does not apply
    alone = run_cli("lint", tmp_path / "unit", "--format", "json")  # the folder on its own settings
    assert alone.stderr == "" and "KP201" in {f["code"] for f in alone.json()}
    (tmp_path / "kpoctl.yaml").unlink()  # none at the root: the defaults hold, and are named
    assert "(here none: the defaults)" in run_cli("lint", tmp_path, "--format", "json").stderr


@pytest.mark.parametrize("written, same_as", [
    ("limits:\n", ""),
    ("rules:\n  # ignore: [KP406]\n", ""),  # every line under it commented out
    ("weasel_words:\n", ""),
    ("rules:\n  ignore:\n  severity:\n", ""),
    ("limits:\nrules: {ignore: [KP406]}\n", "rules: {ignore: [KP406]}\n"),
    ("profile: okr\nlimits:\nrules:\n", "profile: okr\n"),  # the profile's limits and severities still fill them
    ("profile: okr\nrules:\n  severity:\n", "profile: okr\n"),
])
def test_a_settings_section_left_empty_sets_nothing(tmp_path, written, same_as):
    """As `objectives:` left empty in a team file: the section's defaults hold."""
    write_files(tmp_path, {"top.yaml": TOP})
    (tmp_path / "kpoctl.yaml").write_text(same_as or "today: 2026-11-21\n")
    expected = load(tmp_path).settings.model_dump(exclude={"today"})
    (tmp_path / "kpoctl.yaml").write_text(written)
    assert load(tmp_path).settings.model_dump(exclude={"today"}) == expected


@pytest.mark.parametrize("written, place, field", [
    ("rules:\n  select:\n", "2:10", "rules.select must be a list"),  # no rule, or every rule? not guessed
    ("limits:\n  kpi:\n", "2:7", "limits.kpi must be a whole number"),  # no limit, or the default?
])
def test_an_empty_setting_that_could_mean_two_things_is_refused_where_it_is(tmp_path, written, place, field):
    write_files(tmp_path, {"top.yaml": TOP})
    (tmp_path / "kpoctl.yaml").write_text(written)
    with pytest.raises(SettingsError, match=rf"kpoctl.yaml:{place}: invalid settings: {field}; got nothing"):
        load(tmp_path)


@pytest.mark.parametrize("text, says", [
    ("limits: {kpi: five}\n", "got the text 'five'\n"),  # unquoted in the file: no quotes to remove
    ('limits: {kpi: "5"}\n', "got the text '5' (remove the quotes)\n"),
])
def test_a_settings_error_quotes_what_is_in_the_file(run_cli, tmp_path, text, says):
    write_files(tmp_path, {"top.yaml": TOP})
    (tmp_path / "kpoctl.yaml").write_text(text)
    result = run_cli("lint", tmp_path)
    assert result.exit_code == 2 and result.stderr.endswith(says)


ACTUALS = TOP.rstrip("\n") + """
    actuals:
      - {period: 2026-09, value: 93.1}
      - {period: 2026-10, value: 94.2}
"""


def test_an_error_deep_in_an_actual_is_placed_on_its_value(tmp_path):
    """The reader records where nodes down to an actual are (what findings point at); a
    schema error deeper is placed on the very value all the same."""
    write_files(tmp_path, {"top.yaml": ACTUALS.replace("value: 94.2}", "value: lots}")})
    (problem,) = [p for f in load(tmp_path).files for code, p in f.problems if code == "KP002"]
    lines = (tmp_path / "top.yaml").read_text().splitlines()
    line = lines.index("      - {period: 2026-10, value: lots}")
    assert (problem.location.line, problem.location.column) == (line + 1, lines[line].index("lots") + 1)


def test_a_key_repeated_deep_in_an_actual_names_the_line_of_the_first(tmp_path):
    write_files(tmp_path, {"top.yaml": ACTUALS.replace(
        "      - {period: 2026-10, value: 94.2}", "      - period: 2026-10\n        value: 94.2\n        value: 95")})
    (found,) = kp001(load(tmp_path)).items()
    lines = (tmp_path / "top.yaml").read_text().splitlines()
    first = lines.index("        value: 94.2") + 1
    assert found[0][1:] == (first + 1, 9) and f"(first at line {first})" in found[1]


@pytest.mark.parametrize("folder", ["examples", "realworld"])
def test_positions_at_the_levels_findings_use_are_those_of_a_full_read(folder):
    """What the reader keeps when told to record only the levels findings point at is
    exactly what a read of every position has at those levels, and the positions kept of
    each file are those a full read gives, for every file of the examples and the real world."""
    from conftest import EXAMPLES, REALWORLD

    from kpoctl.model.scorecard import KEY_LEVELS, VALUE_LEVELS, compact_positions
    from kpoctl.read.load import FINDING_POSITIONS
    from kpoctl.read.yamlread import YamlError, decode, parse

    files = sorted((EXAMPLES if folder == "examples" else REALWORLD).rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        try:
            full = parse(decode(path.read_bytes()))
        except YamlError:
            continue
        shallow = parse(decode(path.read_bytes()), positions=FINDING_POSITIONS)
        assert shallow.data == full.data
        assert shallow.values == {p: v for p, v in full.values.items() if len(p) in VALUE_LEVELS or not p}, path
        assert shallow.keys == {p: v for p, v in full.keys.items() if len(p) in KEY_LEVELS}, path
        kept, everything = (compact_positions(d.data, d.values, d.keys) for d in (shallow, full))
        assert kept[0] == everything[0] and {p: list(s) for p, s in kept[1].items()} == {
            p: list(s) for p, s in everything[1].items()}, path


def test_discovery_without_lists_to_fill_still_walks_past_what_it_would_say(tmp_path):
    """A library caller that asks for the files alone: a link, a kpoctl.yaml below the root
    and an unlistable name change nothing of what is found (and raise nothing)."""
    write_files(tmp_path, {"top.yaml": TOP, "sub/kpoctl.yaml": "today: 2026-11-21\n", "sub/child.yaml": CHILD,
                           "sub/README.md": "notes\n"})
    os.symlink(tmp_path / "top.yaml", tmp_path / "sub" / "linked.yaml")
    os.symlink(tmp_path / "sub", tmp_path / "linked-folder")
    assert [relative for _, relative in discover(tmp_path)] == ["sub/child.yaml", "top.yaml"]
    below, links = [], []
    discover(tmp_path, settings_below=below, links=links)
    assert below == ["sub/kpoctl.yaml"]  # the README beside it is no settings file
    assert links == ["linked-folder/", "sub/linked.yaml"]


def test_a_link_whose_name_is_not_utf8_is_said_escaped(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP})
    os.symlink(tmp_path / "top.yaml", tmp_path / os.fsdecode(b"caf\xe9.yaml"))
    links: list[str] = []
    assert [relative for _, relative in discover(tmp_path, links=links)] == ["top.yaml"]
    assert links == ["caf\\udce9.yaml"]


class _Entry:
    """A folder entry whose type the system will not tell (a stale network handle)."""

    def __init__(self, name: str, error: type[OSError]) -> None:
        self.name, self.path, self.error = name, f"/nowhere/{name}", error

    def is_symlink(self) -> bool:
        return False

    def is_dir(self, follow_symlinks: bool = True) -> bool:
        raise self.error(13, "Permission denied")


def test_an_entry_whose_type_cannot_be_told_is_said_and_one_gone_meanwhile_is_not(tmp_path, monkeypatch):
    import kpoctl.read.load as load_module

    write_files(tmp_path, {"top.yaml": TOP, "z.yaml": TOP.replace("team: top", "team: z")})
    real_scandir = os.scandir

    class Listing:
        def __init__(self, folder):
            self.entries = [*real_scandir(folder), _Entry("stale", PermissionError), _Entry("gone.yaml", FileNotFoundError)]

        def __enter__(self):
            return self.entries

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(load_module.os, "scandir", Listing)
    unreadable: list = []
    found = [relative for _, relative in discover(tmp_path, unreadable)]
    assert found == ["top.yaml", "z.yaml"]  # the entries after it are still walked
    assert unreadable == [("stale", "cannot tell what it is: Permission denied; not checked", False)]


def test_a_file_at_the_size_limit_is_read_and_one_past_it_is_said_with_its_size(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP})
    size = (tmp_path / "top.yaml").stat().st_size
    (tmp_path / "kpoctl.yaml").write_text(f"max_file_mb: {size / 1e6}\n")
    assert kp001(load(tmp_path)) == {}
    (tmp_path / "kpoctl.yaml").write_text(f"max_file_mb: {(size - 1) / 1e6}\n")
    assert kp001(load(tmp_path)) == {("top.yaml", 1, 1): f"file is 0.0 MB, over max_file_mb ({(size - 1) / 1e6:g}): not read"}
    (tmp_path / "big.yaml").write_bytes(TOP.replace("team: top", "team: big").encode() + b"# " + b"x" * 1_500_000 + b"\n")
    (tmp_path / "kpoctl.yaml").write_text("max_file_mb: 1\n")
    assert kp001(load(tmp_path)) == {("big.yaml", 1, 1): "file is 1.5 MB, over max_file_mb (1): not read"}


@pytest.mark.parametrize("offset", [0, 1, 2, 3, 4, 10])
def test_a_file_too_large_is_said_wherever_its_team_line_falls(tmp_path, offset):
    """The line that makes a file a team file may be cut where one chunk of the search ends:
    it is found all the same, and a file with none is no team file, said nothing of."""
    from kpoctl.read.load import _holds_team_line

    chunk = 64
    for before in (b"x" * (chunk - offset - 1) + b"\n", b"# " + b"y" * 200 + b"\n" + b"z" * (chunk - offset - 1) + b"\n"):
        text = before + b"team: top\nname: T\n"
        path = tmp_path / "big.yaml"
        path.write_bytes(text)
        with open(path, "rb") as handle:
            assert _holds_team_line(handle, chunk), (before, offset)
    for text in (b"notes: " + b"team" * 100 + b"\n  team: nested\n" + b"x" * 300 + b"team: \n",
                 b"notes " + b"z" * 58 + b"team" + b" " * 60 + b": x\n",  # the key's word late in a long line
                 b"n" * 62 + b"team: x\n"):  # a line as long as a chunk, cut inside the word
        path.write_bytes(text)
        with open(path, "rb") as handle:
            assert not _holds_team_line(handle, chunk)  # mid-line or indented, never a team key


def test_bytes_hold_a_team_file_when_a_line_begins_with_its_key_or_reading_says_so(tmp_path):
    from kpoctl.model import Settings
    from kpoctl.read.load import holds_team_file

    settings = Settings()
    assert holds_team_file(TOP.encode(), "top.yaml", settings)
    assert holds_team_file(b'{"team": "top", "name": "Top"}\n', "flow.yaml", settings)  # flow style: read to tell
    assert not holds_team_file(b"stages: [test]\nnotes: a team of three\n", "ci.yaml", settings)  # the word elsewhere
    assert not holds_team_file(b"stages: [test]\n", "ci.yaml", settings)


def test_a_root_that_cannot_be_listed_is_said_as_the_folder_itself(tmp_path, monkeypatch):
    import kpoctl.read.load as load_module

    def refused(folder):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(load_module.os, "scandir", refused)
    unreadable: list = []
    assert discover(tmp_path, unreadable) == []
    assert unreadable == [(".", "cannot read folder: Permission denied; its files were not checked", True)]


def test_a_link_to_a_folder_named_as_path_is_read_and_a_dangling_link_is_said_as_a_link(tmp_path):
    from kpoctl.read.load import locate

    write_files(tmp_path, {"card/top.yaml": TOP})
    os.symlink(tmp_path / "card", tmp_path / "here")
    assert [relative for _, relative in locate(tmp_path / "here").candidates] == ["top.yaml"]
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "gone.yaml")
    with pytest.raises(UsageError, match="is a symbolic link, which kpoctl does not follow"):
        locate(tmp_path / "gone.yaml")
    with pytest.raises(UsageError, match="path does not exist"):
        locate(tmp_path / "never.yaml")


def test_a_loop_of_links_is_named_as_links_not_followed(tmp_path):
    """Links that point at each other have no target to tell: each is still a link not
    followed, said as one (it was passed over without a word)."""
    write_files(tmp_path, {"top.yaml": TOP})
    os.symlink("b.yaml", tmp_path / "a.yaml")
    os.symlink("a.yaml", tmp_path / "b.yaml")
    unreadable: list = []
    links: list[str] = []
    assert [relative for _, relative in discover(tmp_path, unreadable, links=links)] == ["top.yaml"]
    assert links == ["a.yaml", "b.yaml"] and unreadable == []
