"""Where findings point (kpoctl.model.scorecard): the positions the reader keeps of a team
file, and the line and column TeamFile.location gives for each path a rule may name."""

from __future__ import annotations

from kpoctl.model import Settings
from kpoctl.model.scorecard import Location, pack, unpack
from kpoctl.read.load import read_team_bytes

TEXT = """\
# a scorecard
team: top
name: Top team
objectives:
  - id: otif
    level: KPO
    title: Deliver on time
indicators:
  - id: otif-rate
    level: KPI
    measures: otif
    name: OTIF rate
    target: {value: 95, direction: at_least}
    actuals:
      - {period: 2026-01, value: 90}
      - {period: 2026-02, value: 91}
  - id: bare
    level: PI
    name: Bare
"""


def read(text: str):
    team_file = read_team_bytes(text.encode(), "t.yaml", Settings())
    assert team_file is not None
    return team_file


def at(team_file, *path) -> tuple[int, int]:
    location = team_file.location(tuple(path))
    assert isinstance(location, Location) and location.file == "t.yaml"
    return location.line, location.column


def test_a_team_key_an_entry_and_its_fields_are_where_they_are_written():
    team_file = read(TEXT)
    assert at(team_file, "team") == (2, 1) and at(team_file, "objectives") == (4, 1)
    assert at(team_file, "objectives", 0) == (5, 5) and at(team_file, "objectives", 0, "title") == (7, 5)
    assert at(team_file, "indicators", 0) == (9, 5) and at(team_file, "indicators", 0, "measures") == (11, 5)
    # a path within a field is placed at the field's key, not elsewhere in the entry
    assert at(team_file, "indicators", 0, "target", "value") == (13, 5)


def test_the_actuals_are_placed_at_the_last_one_written():
    team_file = read(TEXT)
    assert at(team_file, "indicators", 0, "actuals", 0) == (16, 9)
    assert at(team_file, "indicators", 0, "actuals") == (14, 5)  # the key itself
    # an indicator with no actuals: its entry, never a line 0
    assert at(team_file, "indicators", 1, "actuals", 0) == (17, 5)


def test_what_is_not_written_falls_back_to_the_entry_or_the_file_start():
    team_file = read(TEXT)
    assert at(team_file, "indicators", 1, "owner") == (17, 5)  # a field the entry lacks: the entry
    assert at(team_file, "indicators", 1, "no-such-field") == (17, 5)
    assert at(team_file, "meeting") == (1, 1)  # a team key not written: the file's start
    assert at(team_file, "indicators", 7) == (1, 1)  # no such entry
    assert at(team_file) == (1, 1)


def test_a_section_or_an_entry_of_the_wrong_kind_does_not_hide_the_next_ones_positions():
    text = TEXT.replace("objectives:\n  - id: otif\n    level: KPO\n    title: Deliver on time\n",
                        "objectives: 5\n")
    team_file = read(text)
    assert at(team_file, "indicators", 0, "measures") == (8, 5)
    text = TEXT.replace("indicators:\n  - id: otif-rate\n", "indicators:\n  - just text\n  - id: otif-rate\n")
    team_file = read(text)
    assert at(team_file, "indicators", 0) == (9, 5)
    assert at(team_file, "indicators", 1, "measures") == (12, 5) and at(team_file, "indicators", 2) == (18, 5)


def test_a_column_past_a_million_is_kept_as_it_is():
    """A scorecard exported as one line of JSON: a key a million characters in is still found."""
    padding = "x" * 1_200_000
    text = f'{{"team": "top", "name": "{padding}", "owner": "CEO"}}\n'
    assert at(read(text), "owner") == (1, text.index('"owner"') + 1) == (1, 1_200_029)
    assert unpack(pack(3, 5_000_000)) == (3, 5_000_000)
