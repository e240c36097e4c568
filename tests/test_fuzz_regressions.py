"""Every input the fuzzer (fuzz/fuzz_loader.py) ever crashed on stays a regression test,
plus a short fuzzing run of the loader boundary on every CI run."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpoctl.model import Settings
from kpoctl.read.load import read_team_bytes

FOUND = sorted((Path(__file__).parent / "fuzz_regressions").glob("*.yaml"))
SETTINGS = Settings(max_nodes=20_000)


def _fuzz_target():
    """The fuzzer's own target: read, analyse, write the findings (fuzz/fuzz_loader.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz_loader", Path(__file__).parent.parent / "fuzz" / "fuzz_loader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._load_target()
    return module.one_input


@pytest.mark.parametrize("path", FOUND, ids=lambda p: p.name)
def test_saved_crash_no_longer_crashes(path):
    result = read_team_bytes(path.read_bytes(), path.name, SETTINGS)
    assert result is None or all(p.location.line >= 1 and p.location.column >= 1 for _, p in result.problems)
    _fuzz_target()(path.read_bytes())


@pytest.mark.parametrize("source", [
    "indicators:\n  - {id: i, level: KPI, name: N, frequency: weekly, actuals: [{period: 9999-W52, value: 1}]}\n",
    "indicators:\n  - {id: i, level: KPI, name: \"\\x1b[31m[/]\", actuals: [{period: 2027-W53, value: 1}]}\n",
    "owner: \"a\\u2028b\\x85c <b>|\"\n",
])
def test_edge_periods_and_hostile_names_go_through_the_whole_file_path(source):
    _fuzz_target()(("team: x\nname: N\n" + source).encode())


def test_the_regression_folder_has_its_cases():
    assert FOUND, "tests/fuzz_regressions/ must keep the inputs the fuzzer found"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300).map(lambda b: b"team: x\nname: N\n" + b))
def test_random_bytes_after_a_team_line_never_raise(data):
    result = read_team_bytes(data, "x.yaml", SETTINGS)
    assert result is not None  # it has a team line: it is a team file, valid or KP001
