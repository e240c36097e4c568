"""`kpoctl record`: the diff is exactly the added (or replaced) line, errors leave the file alone."""

from __future__ import annotations

import difflib
import shutil

import pytest
from conftest import EXAMPLES, write_files

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
    assert after.index("value: 95.2") < after.index("# a comment between entries")


def test_record_creates_actuals_when_there_are_none(run_cli, card):
    before = (card / "unit-1.yaml").read_text()
    assert run_cli("record", "unit-1/backlog", "120", card, "--period", "2026-W47").exit_code == 0
    after = (card / "unit-1.yaml").read_text()
    assert changed_lines(before, after) == ["+     actuals:", "+       - {period: 2026-W47, value: 120}"]
    assert run_cli("lint", card, "--select", "KP002,KP001", "-f", "json").json() == []


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
