"""`kpoctl record`: the diff is exactly the added (or replaced) line, errors leave the file alone."""

from __future__ import annotations

import difflib
import shutil

import pytest
from conftest import EXAMPLES, write_files

from kpoctl.read.load import load

COMMENTED = """\
# yaml-language-server: $schema=../schemas/team.schema.json
# A file full of comments, odd quoting and flow style: record must not touch any of it.
team: 'unit-1'   # quoted id
name: "Unit 1 management team"
parent: top
owner: Head   # of unit 1
meeting: monthly
objectives:
  - &kpo {id: otif, level: KPO, title: 'Deliver 95% of orders on time', cascades_from: top/otif}
indicators:
  # the key indicator
  - id: otif-rate        # kpoctl: ignore[KP305]
    level: KPI
    measures: otif
    name: OTIF rate
    unit: "%"
    frequency: monthly
    target: {value: 95, direction: at_least}
    actuals:
      - period: 2026-08   # block style item
        value: 93.4
      - period: "2026-09"
        value: 94.1       # trailing comment

    # a comment between entries
  - id: backlog
    level: PI
    name: Order backlog
    frequency: weekly
"""


@pytest.fixture
def card(tmp_path):
    write_files(tmp_path, {"unit-1.yaml": COMMENTED, "top.yaml": "team: top\nname: Top team\n",
                           "kpoctl.yaml": "today: 2026-11-21\n"})
    return tmp_path


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("+ ", "- ")]


def test_record_appends_exactly_one_item_in_the_same_style(run_cli, card):
    before = (card / "unit-1.yaml").read_text()
    result = run_cli("record", "unit-1/otif-rate", "95.2", card)
    assert result.exit_code == 0, result.stderr
    after = (card / "unit-1.yaml").read_text()
    assert changed_lines(before, after) == ["+       - period: 2026-11", "+         value: 95.2"]
    # after the last item, ahead of the blank line and the comment that belong to the next entry
    assert ("        value: 94.1       # trailing comment\n      - period: 2026-11\n        value: 95.2\n"
            "\n    # a comment between entries\n") in after


def test_record_creates_actuals_when_there_are_none(run_cli, card):
    before = (card / "unit-1.yaml").read_text()
    assert run_cli("record", "unit-1/backlog", "120", card, "--period", "2026-W47").exit_code == 0
    after = (card / "unit-1.yaml").read_text()
    assert changed_lines(before, after) == ["+     actuals:", "+       - {period: 2026-W47, value: 120}"]
    assert after.endswith("    frequency: weekly\n    actuals:\n      - {period: 2026-W47, value: 120}\n")
    assert run_cli("lint", card, "--select", "KP002,KP001", "-f", "json").json() == []


def test_an_older_period_recorded_late_goes_where_it_belongs_in_time(run_cli, card):
    """Actuals are written oldest first (the latest is the last one): a value for a month
    before the last one recorded goes between its neighbours, not at the end."""
    path = card / "unit-1.yaml"
    before = path.read_text()
    assert run_cli("record", "unit-1/otif-rate", "92", card, "--period", "2026-07").exit_code == 0
    middle = path.read_text()
    assert changed_lines(before, middle) == ["+       - period: 2026-07", "+         value: 92"]
    assert middle.index("value: 92") < middle.index("period: 2026-08   # block style item")
    assert run_cli("record", "unit-1/otif-rate", "93.9", card, "--period", "2026-08-31").exit_code == 0
    after = path.read_text()
    assert after.index("period: 2026-08   #") < after.index("period: 2026-08-31") < after.index('period: "2026-09"')
    assert after.index("value: 94.1       # trailing comment") < after.index("# a comment between entries")
    assert run_cli("record", "unit-1/otif-rate", "91", card, "--period", "2026-06").exit_code == 0
    first = path.read_text()
    assert changed_lines(after, first) == ["+       - period: 2026-06", "+         value: 91"]
    assert first.index("    actuals:\n      - period: 2026-06\n        value: 91\n      - period: 2026-07\n") > 0
    report = run_cli("report", card, "--format", "json")
    assert report.exit_code == 0, report.stderr
    [row] = [r for r in report.json() if (r["team"], r["id"]) == ("unit-1", "otif-rate")]
    assert (row["period"], row["latest"]) == ("2026-09", 94.1)


def test_record_into_a_file_that_does_not_validate_names_its_problem_and_writes_nothing(run_cli, card):
    """Actuals written out of time order (by hand, or by an older record) are the file's
    KP002: record would leave it invalid, so it refuses and says what is wrong, and where."""
    path = card / "unit-1.yaml"
    path.write_text(path.read_text().replace('period: "2026-09"', 'period: "2026-07"'))
    before = path.read_text()
    result = run_cli("record", "unit-1/otif-rate", "95", card, "--period", "2026-11")
    assert result.exit_code == 2 and path.read_text() == before
    assert ("would not give a valid file: KP002 line 22: actuals are written oldest first: 2026-07 comes after "
            "2026-08; nothing was written") in result.stderr


def test_record_says_the_value_it_wrote_not_the_text_it_was_given(run_cli, card):
    result = run_cli("record", "unit-1/backlog", " 1.2e2 ", card, "--period", "2026-W47")
    assert result.exit_code == 0, result.stderr
    assert "value: 120}" in (card / "unit-1.yaml").read_text()
    assert "recorded unit-1/backlog = 120 for 2026-W47 in " in result.stderr


def test_record_flow_items_and_replace(run_cli, tmp_path):
    shutil.copytree(EXAMPLES / "best-company", tmp_path / "card", ignore=shutil.ignore_patterns(".kpoctl_cache"))
    path = tmp_path / "card" / "unit-1.yaml"
    before = path.read_text()
    assert run_cli("record", "unit-1/otif-rate", "95.5", tmp_path / "card").exit_code == 0
    assert changed_lines(before, path.read_text()) == ["+       - {period: 2026-11, value: 95.5}"]
    again = run_cli("record", "unit-1/otif-rate", "96", tmp_path / "card")
    assert again.exit_code == 2 and "already has a value for 2026-11; use --replace" in again.stderr
    middle = path.read_text()
    assert run_cli("record", "unit-1/otif-rate", "96", tmp_path / "card", "--replace").exit_code == 0
    assert changed_lines(middle, path.read_text()) == ["-       - {period: 2026-11, value: 95.5}",
                                                       "+       - {period: 2026-11, value: 96}"]


@pytest.mark.parametrize("args, words", [
    (["unit-1/otif-rate", "abc"], "value must be a number"),
    (["unit-1/otif-rate", "nan"], "finite number"),
    (["unit-1/nope", "1"], "has no indicator 'nope'"),
    (["unit-9/otif-rate", "1"], "no team 'unit-9'"),
    (["otif-rate", "1"], "TEAM/INDICATOR"),
    (["unit-1/otif-rate", "1", "--period", "2026-13"], "period must be"),
    (["unit-1/otif-rate", "1", "--period", "2026-09"], "already has a value for 2026-09"),
])
def test_bad_requests_are_exit_2_and_leave_the_file_untouched(run_cli, card, args, words):
    before = (card / "unit-1.yaml").read_bytes()
    result = run_cli("record", args[0], args[1], card, *args[2:])
    assert result.exit_code == 2 and words in result.stderr
    assert (card / "unit-1.yaml").read_bytes() == before


def test_a_context_indicator_is_refused(run_cli, tmp_path):
    shutil.copytree(EXAMPLES / "best-company", tmp_path / "card", ignore=shutil.ignore_patterns(".kpoctl_cache"))
    result = run_cli("record", "unit-1/outside-temperature", "12", tmp_path / "card")
    assert result.exit_code == 2 and "context indicator" in result.stderr


# --- record --from CSV: every row checked first, each file written once -------------------

def _csv(tmp_path, text: str):
    path = tmp_path / "actuals.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_records_every_row_and_changes_only_those_lines(run_cli, card, tmp_path):
    before = (card / "unit-1.yaml").read_text()
    csv = _csv(tmp_path, "indicator;period;value;note\n"
                         "unit-1/otif-rate;2026-10;95.2;\n"
                         "unit-1/otif-rate;2026-11;96;\"from BI, checked\"\n"
                         "unit-1/backlog;2026-W47;120;\n")
    result = run_cli("record", "--from", csv, card)
    assert result.exit_code == 0, result.stderr
    assert "recorded 3 and replaced 0 actuals in 1 file" in result.stderr
    after = (card / "unit-1.yaml").read_text()
    assert changed_lines(before, after) == [
        "+       - period: 2026-10",
        "+         value: 95.2",
        "+       - period: 2026-11",
        "+         value: 96",
        '+         note: "from BI, checked"',
        "+     actuals:",
        "+       - {period: 2026-W47, value: 120}",
    ]
    rows = {r["id"]: r for r in run_cli("report", card, "--format", "json").json()}
    assert rows["otif-rate"]["latest"] == 96 and rows["backlog"]["period"] == "2026-W47"


def test_team_and_indicator_columns_and_replace(run_cli, card, tmp_path):
    csv = _csv(tmp_path, "team,indicator,period,value\nunit-1,otif-rate,2026-09,94.5\n")
    refused = run_cli("record", "--from", csv, card)
    assert refused.exit_code == 2 and "row 2: unit-1/otif-rate already has a value for 2026-09" in refused.stderr
    assert run_cli("record", "--from", csv, card, "--replace").exit_code == 0
    assert "value: 94.5" in (card / "unit-1.yaml").read_text()


def test_one_refused_row_and_nothing_is_written(run_cli, card, tmp_path):
    before = {p.name: p.read_text() for p in card.glob("*.yaml")}
    csv = _csv(tmp_path, "indicator,period,value\n"
                         "unit-1/otif-rate,2026-10,95\n"
                         "unit-1/otif-rate,2026-10,96\n"   # the same period twice
                         "unit-1/nothing,2026-10,1\n"
                         "nobody/otif-rate,2026-10,1\n"
                         "unit-1/backlog,2026-13,1\n"
                         "unit-1/backlog,2026-W40,lots\n")
    result = run_cli("record", "--from", csv, card)
    assert result.exit_code == 2
    for row in (3, 4, 5, 6, 7):
        assert f"kpoctl: row {row}: " in result.stderr
    assert "row 2:" not in result.stderr and "nothing written: 5 of 6 rows refused" in result.stderr
    assert {p.name: p.read_text() for p in card.glob("*.yaml")} == before


def test_a_quote_inside_a_quoted_csv_cell_is_one_quote(run_cli, card, tmp_path):
    csv = _csv(tmp_path, 'indicator,period,value,note\nunit-1/otif-rate,2026-10,95.2,"the ""new"" ERP"\n')
    assert run_cli("record", "--from", csv, card).exit_code == 0
    team = next(team for team, _ in load(card).teams() if team.team == "unit-1")
    assert [a.note for a in next(i for i in team.indicators if i.id == "otif-rate").actuals][-1] == 'the "new" ERP'


@pytest.mark.parametrize("header, problem", [
    ("indicator,period,value,comment", "unknown column comment"),
    ("indicator,value", "missing or repeated columns"),
    ("indicator,period,value,Value", "missing or repeated columns"),  # which value would count?
    ("", "missing or repeated columns"),  # a blank first line: a header of no columns
])
def test_a_csv_without_the_columns_is_one_line_and_exit_2(run_cli, card, tmp_path, header, problem):
    result = run_cli("record", "--from", _csv(tmp_path, header + "\n"), card)
    assert result.exit_code == 2 and problem in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_empty_csv_is_one_line_and_exit_2(run_cli, card, tmp_path):
    result = run_cli("record", "--from", _csv(tmp_path, ""), card)
    assert result.exit_code == 2 and "missing or repeated columns" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_row_short_of_cells_is_refused_by_its_number_not_a_crash(run_cli, card, tmp_path):
    before = (card / "unit-1.yaml").read_text()
    csv = _csv(tmp_path, "indicator,period,value\nunit-1/otif-rate,2026-10,95\nunit-1/otif-rate,2026-11\n")
    result = run_cli("record", "--from", csv, card)
    assert result.exit_code == 2 and "kpoctl: row 3: " in result.stderr and "row 2:" not in result.stderr
    assert (card / "unit-1.yaml").read_text() == before


def test_from_takes_no_value_on_the_command_line(run_cli, card, tmp_path):
    csv = _csv(tmp_path, "indicator,period,value\nunit-1/otif-rate,2026-10,95\n")
    before = (card / "unit-1.yaml").read_text()
    result = run_cli("record", "--from", csv, card, "95")
    assert result.exit_code == 2 and "with --from, give only the scorecard's PATH" in result.stderr
    result = run_cli("record", "--from", csv, card, "--period", "2026-11")  # nor a period: the CSV's own say
    assert result.exit_code == 2 and "with --from, give only the scorecard's PATH" in result.stderr
    assert (card / "unit-1.yaml").read_text() == before


def test_a_bulk_record_over_many_files_adds_one_line_to_each_and_changes_nothing_else(run_cli, tmp_path):
    from kpoctl.bench.generate import generate, team_id

    generate(60, tmp_path / "card")  # more files than the parallel threshold: worker processes prepare them
    files = sorted((tmp_path / "card" / "teams").glob("*.yaml"))
    before = {p.name: p.read_text() for p in files}
    rows = "".join(f"{team_id(n)}/otif-kpi,2027-01,{90 + n / 10}\n" for n in range(60))
    csv = _csv(tmp_path, "indicator,period,value\n" + rows)
    result = run_cli("record", "--from", csv, tmp_path / "card")
    assert result.exit_code == 0, result.stderr
    for path in files:
        value = 90 + int(path.stem.split("-")[-1] if "-" in path.stem else 0) / 10
        assert changed_lines(before[path.name], path.read_text()) == [f"+       - {{period: 2027-01, value: {value:g}}}"]


def test_a_plain_file_is_recorded_without_the_round_trip_loader(run_cli, card, monkeypatch):
    """ruamel.yaml's round-trip loader (5 ms a file, paid by every file of a bulk record) reads
    only a file whose indicator holds an anchor, an alias or a merge; this one has none."""
    import ruamel.yaml

    def refuse(*args, **kwargs):
        raise AssertionError("the round-trip loader was used")

    monkeypatch.setattr(ruamel.yaml, "YAML", refuse)
    result = run_cli("record", "unit-1/otif-rate", "95.2", card)
    assert result.exit_code == 0, result.stderr
    assert "value: 95.2" in (card / "unit-1.yaml").read_text()


def test_record_takes_no_model_of_the_other_teams(run_cli, card, monkeypatch):
    """Which file declares the team comes from what the read path keeps of each file; on a
    warm cache no team's model is loaded (record reads the file it writes itself)."""
    from kpoctl.read.cache import Cache

    write_files(card, {f"team-{n}.yaml": f"team: t{n}\nname: Team {n}\nparent: top\n" for n in range(5)})
    assert run_cli("lint", card).exit_code in (0, 1)  # the cache, warm
    taken = []
    real = Cache.get
    monkeypatch.setattr(Cache, "get", lambda self, key, **kw: taken.append(key) or real(self, key, **kw))
    result = run_cli("record", "unit-1/otif-rate", "95.2", card)
    assert result.exit_code == 0, result.stderr
    assert taken == []
    assert "value: 95.2" in (card / "unit-1.yaml").read_text()


# --- what record writes reads back as meant, and what it cannot tell it refuses ----------

@pytest.mark.parametrize("note", ["next\x85line", "line\u2028separator", "para\u2029graph", "del\x7fete",
                                  "c1\x9fcontrol", "bell\x07", 'a "quote" and a \\ backslash', "café 😀"])
def test_a_note_reads_back_exactly_as_given(run_cli, card, tmp_path, note):
    """A note is written as a double-quoted scalar: characters YAML would fold (NEL, LS, PS)
    or refuse (DEL, C1 controls) are escaped, in a block item and in a flow one alike."""
    import csv as csv_module

    from ruamel.yaml import YAML

    path = tmp_path / "actuals.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv_module.writer(out)
        writer.writerows([["indicator", "period", "value", "note"], ["unit-1/otif-rate", "2026-10", "95", note],
                          ["unit-1/backlog", "2026-W47", "120", note]])
    result = run_cli("record", "--from", path, card)
    assert result.exit_code == 0, result.stderr
    team = next(team for team, _ in load(card).teams() if team.team == "unit-1")
    assert [i.actuals[-1].note for i in team.indicators] == [note, note]
    data = YAML(typ="rt").load((card / "unit-1.yaml").read_text(encoding="utf-8"))
    assert [i["actuals"][-1]["note"] for i in data["indicators"]] == [note, note]


def test_a_team_declared_in_two_files_is_not_guessed(run_cli, card):
    write_files(card, {"unit-1-copy.yaml": COMMENTED})
    before = {p.name: p.read_bytes() for p in card.glob("*.yaml")}
    result = run_cli("record", "unit-1/otif-rate", "95", card)
    assert result.exit_code == 2
    assert "declared in 2 files (unit-1-copy.yaml, unit-1.yaml): record will not guess" in result.stderr
    assert {p.name: p.read_bytes() for p in card.glob("*.yaml")} == before


@pytest.mark.parametrize("team_file", [
    "team: unit-1\nname: Unit 1\nparent: top\n",  # no indicators at all
    "team: unit-1\nname: Unit 1\nparent: top\nindicators:\n  - not an entry\n  - [a, list]\n",
])
def test_an_indicator_missing_among_odd_entries_is_one_line(run_cli, card, team_file):
    write_files(card, {"unit-1.yaml": team_file})
    result = run_cli("record", "unit-1/otif-rate", "95", card, "--period", "2026-10")
    assert result.exit_code == 2 and "team 'unit-1' has no indicator 'otif-rate'" in result.stderr
    assert (card / "unit-1.yaml").read_text() == team_file


@pytest.mark.parametrize("item", ["- 93.4", "- [period, 93.4]"])
def test_an_actual_that_is_not_a_mapping_is_the_files_problem(run_cli, card, item):
    """record writes beside the items already there; one that is not a mapping is a KP002
    that it names, not a crash."""
    path = card / "unit-1.yaml"
    path.write_text(COMMENTED.replace("      - period: \"2026-09\"\n        value: 94.1       # trailing comment\n",
                                      f"      {item}\n"))
    before = path.read_text()
    for args in (["--period", "2026-10"], ["--period", "2026-08", "--replace"]):
        result = run_cli("record", "unit-1/otif-rate", "95", card, *args)
        assert result.exit_code == 2 and "would not give a valid file: KP002 line 22" in result.stderr, result.stderr
        assert path.read_text() == before


ENDS_IN_AN_ACTUAL = ("team: unit-1\nname: Unit 1\nparent: top\nindicators:\n  - id: otif-rate\n    level: KPI\n"
                     "    name: OTIF\n    actuals:\n      - {period: 2026-01, value: 1}")


@pytest.mark.parametrize("text, added", [
    (ENDS_IN_AN_ACTUAL, ["+       - {period: 2026-02, value: 5}"]),
    (ENDS_IN_AN_ACTUAL.split("\n    actuals:")[0], ["+     actuals:", "+       - {period: 2026-02, value: 5}"]),
], ids=["after the last actual", "a new actuals key"])
def test_a_file_without_a_final_newline_gets_whole_lines(run_cli, card, text, added):
    path = card / "unit-1.yaml"
    path.write_text(text)
    result = run_cli("record", "unit-1/otif-rate", "5", card, "--period", "2026-02")
    assert result.exit_code == 0, result.stderr
    after = path.read_text()
    assert changed_lines(text, after) == added
    assert after == text + "\n" + "".join(line[2:] + "\n" for line in added)


def test_replace_mends_a_value_that_did_not_validate_among_the_others(run_cli, card):
    """A file read in part (one actual is `ninety`) has a partial model; record --replace of
    that period gives a valid file, the other actuals as they were."""
    path = card / "unit-1.yaml"
    path.write_text(COMMENTED.replace("value: 93.4", "value: ninety"))
    result = run_cli("record", "unit-1/otif-rate", "93.4", card, "--period", "2026-08", "--replace")
    assert result.exit_code == 0, result.stderr
    assert path.read_text() == COMMENTED


@pytest.mark.parametrize("mend", [False, True], ids=["valid file", "value mended"])
def test_a_value_that_would_read_back_otherwise_is_never_written(run_cli, card, monkeypatch, mend):
    """The last check holds the recorded indicator to the value asked for, in a valid file
    and in one being mended alike: a writer that got it wrong (simulated here) writes nothing."""
    import kpoctl.commands.record

    monkeypatch.setattr(kpoctl.commands.record, "number_text", lambda value: "12.5")
    path = card / "unit-1.yaml"
    path.write_text(COMMENTED.replace("value: 93.4", "value: ninety") if mend else COMMENTED)
    before = path.read_text()
    result = run_cli("record", "unit-1/otif-rate", "93.4", card, "--period", "2026-08", "--replace")
    assert result.exit_code == 2, result.stderr
    assert "would not hold unit-1/otif-rate as recorded (it reads back otherwise)" in result.stderr
    assert path.read_text() == before


def test_record_names_the_first_of_the_files_problems(run_cli, card):
    path = card / "unit-1.yaml"
    path.write_text(COMMENTED.replace("unit: \"%\"", "unit: [\"%\"]").replace("frequency: weekly", "frequency: often"))
    result = run_cli("record", "unit-1/otif-rate", "95", card, "--period", "2026-11")
    assert result.exit_code == 2 and "would not give a valid file: KP002 line 16: " in result.stderr, result.stderr


@pytest.mark.parametrize("before, after", [
    # a blank line inside an item: the item goes on to its next key
    ("      - period: 2026-08   # block style item\n\n        value: 93.4\n",
     "      - period: 2026-08   # block style item\n\n        value: 93.4\n      - period: 2026-09-15\n        value: 5\n"),
    # blank lines after a one-line item stay after the new one
    ("      - {period: 2026-08, value: 93.4}\n\n", "      - {period: 2026-08, value: 93.4}\n"
                                                 "      - {period: 2026-09-15, value: 5}\n\n"),
], ids=["blank line inside", "blank line after"])
def test_a_new_item_goes_right_after_the_one_before_it(run_cli, card, before, after):
    path = card / "unit-1.yaml"
    old = "      - period: 2026-08   # block style item\n        value: 93.4\n"
    path.write_text(COMMENTED.replace(old, before))
    result = run_cli("record", "unit-1/otif-rate", "5", card, "--period", "2026-09-15")
    assert result.exit_code == 0, result.stderr
    assert path.read_text() == COMMENTED.replace(old, after)


def test_a_text_that_is_no_longer_a_team_file_is_never_written(tmp_path):
    from kpoctl.commands.record import _verify
    from kpoctl.common.errors import UsageError
    from kpoctl.model import Settings

    for text in ("just: a mapping\n", "[a, list]\n"):
        with pytest.raises(UsageError, match="would not give a valid file; nothing was written"):
            _verify(COMMENTED, text, tmp_path / "unit-1.yaml", [], Settings())


@pytest.mark.parametrize("args", [[], ["unit-1/otif-rate"]])
def test_record_without_an_indicator_and_a_value_says_its_usage(run_cli, card, monkeypatch, args):
    monkeypatch.chdir(card)
    result = run_cli("record", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("kpoctl: error: usage: kpoctl record TEAM/INDICATOR VALUE [PATH]")


def test_a_team_not_found_names_the_files_not_read_where_it_may_be(run_cli, card):
    (card / "broken.yaml").write_text("team: lost\nname: [\n")
    missing = run_cli("record", "lost/otif-rate", "95", card)
    assert missing.exit_code == 2 and "broken.yaml" in missing.stderr  # the team may be in the file not read
    found = run_cli("record", "unit-1/otif-rate", "95", card, "--period", "2026-11")
    assert found.exit_code in (0, 1) and "broken.yaml" not in found.stderr  # beside the point when it is found
