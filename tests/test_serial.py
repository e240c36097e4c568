"""The cache's JSON gives back exactly what was read: every example and the real-world data."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace

import pytest
from conftest import EXAMPLES, REALWORLD

from kpoctl.common.findings import Location, Problem
from kpoctl.read.load import load
from kpoctl.read.serial import Malformed, problems_from_json, problems_to_json, team_file_from_json, team_file_to_json
from kpoctl.rules.engine import analyse_file

FOLDERS = [EXAMPLES / name for name in ("best-company", "northwind", "broken")]
if REALWORLD.is_dir():
    FOLDERS.append(REALWORLD)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_team_file_comes_back_from_json_as_it_went_in(folder):
    scorecard = load(folder, jobs=1, analyse=analyse_file)
    for team_file in scorecard.files:
        meta, actuals = json.loads(json.dumps(team_file_to_json(team_file)))
        # the team-scoped rules' problems are the index's to keep, not the entry's
        assert team_file_from_json(meta, actuals) == replace(team_file, team_problems=None)
        meta, _ = json.loads(json.dumps(team_file_to_json(team_file)))
        slim = team_file_from_json(meta)  # the views that never read actuals
        if team_file.team is not None:
            assert all(i.actuals == [] for i in slim.team.indicators)
            assert slim.team.model_copy(update={"indicators": []}) == team_file.team.model_copy(update={"indicators": []})


@pytest.mark.parametrize("bad", [None, [["KP001", "m", "f", "1", 1, None, None, None]], [["KP001"]],
                                 [["KP001", "m", "f", 1, 1, None, None, "anchor"]]])
def test_a_stored_value_of_the_wrong_shape_is_refused(bad):
    with pytest.raises((Malformed, TypeError, ValueError)):
        problems_from_json(bad) if bad is not None else team_file_from_json(bad)


def test_stored_actuals_read_as_the_actuals_they_were():
    from kpoctl.model import Actual
    from kpoctl.read.serial import StoredActuals

    rows = [["2026-08", 96.0, None], ["2026-09", 97, "late"], ["2026-10", 95.0, None]]
    stored = StoredActuals(rows)
    actuals = [Actual(period=p, value=v, note=n) for p, v, n in rows]
    assert len(stored) == 3 and bool(stored) and not StoredActuals([])
    assert stored[-1] == actuals[-1] and stored[0] == actuals[0]
    assert stored[-2:] == actuals[-2:] and list(stored) == actuals and stored == actuals
    assert stored[1].value == 97.0 and isinstance(stored[1].value, float)
    assert [a.period for a in stored] == ["2026-08", "2026-09", "2026-10"]


def test_each_files_suppression_site_comes_back_from_json_as_it_went_in():
    """The index keeps each file's `# kpoctl:` comments and entry lines: a warm run silences
    what a cold one did."""
    from kpoctl.read.serial import site_from_json, site_to_json

    scorecard = load(EXAMPLES / "broken", jobs=1, analyse=analyse_file)
    sites = [team_file.suppression_site() for team_file in scorecard.files]
    assert any(site is not None for site in sites) and any(site is None for site in sites)
    for site in sites:
        assert site_from_json(json.loads(json.dumps(site_to_json(site)))) == site


PROBLEM = ["KP001", "m", "f.yaml", 1, 1, None, None, None, None]


@pytest.mark.parametrize("bad", [
    "a list", [PROBLEM[:8]], [[*PROBLEM, None]], [[1, *PROBLEM[1:]]], [[PROBLEM[0], 1, *PROBLEM[2:]]],
    [[*PROBLEM[:2], 1, *PROBLEM[3:]]], [[*PROBLEM[:4], 1.0, *PROBLEM[5:]]], [[*PROBLEM[:3], True, *PROBLEM[4:]]],
    [[*PROBLEM[:8], "unit.yaml"]], [[*PROBLEM[:8], ["unit.yaml", "unit", "otif"]]], [[*PROBLEM[:8], [["u.yaml", "u"]]]],
    [[*PROBLEM[:8], [["unit.yaml", "unit", 3]]]], [[*PROBLEM[:8], 3]], [[*PROBLEM[:8], ["abc"]]],
    [[*PROBLEM[:8], [["unit.yaml", "unit", "otif"], "x"]]],
])
def test_a_stored_problem_of_any_other_shape_is_refused(bad):
    with pytest.raises(Malformed):
        problems_from_json(bad)
    assert problems_from_json([PROBLEM]) == (("KP001", problems_from_json([PROBLEM])[0][1]),)


def test_a_problem_that_waits_for_a_kp002_keeps_what_it_waits_for_through_json():
    """A KP306 below a link left unread is remembered with the entry it waits for: a warm run
    holds it back (or says it) as the cold one did."""
    waiting = Problem("m", Location("plant.yaml", 6, 5), "plant", "otif", ("objectives", 0),
                      (("unit.yaml", "unit", "otif"), ("unit.yaml", "unit", "margin")))
    assert problems_from_json(json.loads(json.dumps(problems_to_json([("KP306", waiting)])))) == (("KP306", waiting),)
    assert pickle.loads(pickle.dumps(waiting)) == waiting


@pytest.mark.parametrize("bad", [["f.yaml", [], []], "f.yaml", [1, [], [], None], ["f.yaml", {}, [], None],
                                 ["f.yaml", [], "12", None]])
def test_a_stored_suppression_site_of_any_other_shape_is_refused(bad):
    from kpoctl.read.serial import site_from_json

    with pytest.raises(Malformed):
        site_from_json(bad)
    assert site_from_json(None) is None
    assert site_from_json(["f.yaml", [], [], None]).file == "f.yaml"


@pytest.mark.parametrize("bad", ["rows", [[]], [[], [], []]])
def test_stored_actuals_not_one_list_per_indicator_are_refused(bad):
    scorecard = load(EXAMPLES / "best-company", jobs=1)
    team_file = next(f for f in scorecard.files if f.team is not None and len(f.team.indicators) == 2)
    meta, actuals = json.loads(json.dumps(team_file_to_json(team_file)))
    assert len(actuals) == 2
    with pytest.raises(Malformed):
        team_file_from_json(meta, bad)


def test_stored_actuals_are_equal_only_to_the_same_actuals():
    from kpoctl.model import Actual
    from kpoctl.read.serial import StoredActuals

    stored = StoredActuals([["2026-08", 96.0, None]])
    assert stored == [Actual(period="2026-08", value=96.0, note=None)]
    assert stored != [Actual(period="2026-08", value=95.0, note=None)] and stored != []
    assert stored != 96.0 and stored != "2026-08"
