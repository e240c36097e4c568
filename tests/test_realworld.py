"""Every command on GitLab's real performance indicators (shared/realworld), as a new user
would run them: no crash, the documented exit codes, JSON that parses."""

from __future__ import annotations

import pytest
from conftest import REALWORLD

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="shared/realworld is not beside the checkout")


@pytest.mark.parametrize("command, codes", [
    (["lint"], {1}), (["count"], {0}), (["orphans"], {0, 1}), (["tree"], {0}),
])
def test_every_command_runs_on_real_data(run_cli, command, codes):
    text = run_cli(*command, REALWORLD)
    assert text.exit_code in codes and text.stdout
    as_json = run_cli(*command, REALWORLD, "--format", "json")
    assert as_json.exit_code in codes
    assert isinstance(as_json.json(), list)


def test_real_data_findings_are_located_and_plausible(run_cli):
    findings = run_cli("lint", REALWORLD, "--format", "json").json()
    codes = {f["code"] for f in findings}
    # GitLab's data has no due dates, roles or owners, and dangling cascades (see its comments)
    assert {"KP004", "KP106", "KP303", "KP401"} <= codes
    assert not codes & {"KP001", "KP002"}
    for f in findings:
        lines = (REALWORLD / f["file"]).read_text().splitlines()
        assert 1 <= f["line"] <= len(lines) and 1 <= f["column"] <= len(lines[f["line"] - 1]) + 1
