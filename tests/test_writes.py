"""Writes that keep what they must: records serialised under a lock, line endings, modes and
owners kept, shared actuals refused, FIFOs and devices never replaced, errors that name
the file; baselines that cannot hang or crash a run."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_files

TOP = "team: top\nname: Top team\n"
UNIT = """team: unit
name: Unit team
parent: top
indicators:
  - id: a
    level: KPI
    name: A
    actuals:
      - {period: 2026-01, value: 1}
  - id: b
    level: KPI
    name: B
    actuals:
      - {period: 2026-01, value: 1}
"""


@pytest.fixture
def card(tmp_path):
    write_files(tmp_path, {"top.yaml": TOP, "unit.yaml": UNIT, "kpoctl.yaml": "today: 2026-11-21\n"})
    return tmp_path


def record(folder: Path, ref: str, value: str, period: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "kpoctl", "record", ref, value, str(folder), "--period", period],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def test_two_records_at_once_both_land(card):
    for month in range(2, 8):
        period = f"2026-{month:02d}"
        first, second = record(card, "unit/a", "10", period), record(card, "unit/b", "20", period)
        for process in (first, second):
            assert process.wait(timeout=120) == 0, process.stderr.read()
        text = (card / "unit.yaml").read_text()
        assert text.count(f"period: {period}") == 2, text


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_are_kept(run_cli, card, newline):
    path = card / "unit.yaml"
    path.write_bytes(UNIT.replace("\n", newline).encode())
    assert run_cli("record", "unit/a", "5", card, "--period", "2026-02").exit_code == 0
    data = path.read_bytes()
    assert data.count(newline.encode()) == UNIT.count("\n") + 1
    if newline == "\r":
        assert b"\n" not in data


def test_mode_is_kept_and_a_new_file_follows_the_umask(run_cli, card, tmp_path):
    path = card / "unit.yaml"
    path.chmod(0o640)
    assert run_cli("record", "unit/a", "5", card, "--period", "2026-02").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    old = os.umask(0o077)
    try:
        out = tmp_path / "report.md"
        run_cli("report", card, "--format", "markdown", "-o", out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_record_after_a_quoted_line_separator_lands_in_its_list(run_cli, card):
    path = card / "unit.yaml"
    path.write_text(UNIT.replace("name: Unit team", 'name: "Unit\\u2028team\\x85and\\u2029more"')
                    .replace("name: A", 'name: "A\u2028B"'), encoding="utf-8")
    result = run_cli("record", "unit/a", "5", card, "--period", "2026-02")
    assert result.exit_code == 0, result.stderr
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index("      - {period: 2026-02, value: 5}")
    assert lines[at - 1] == "      - {period: 2026-01, value: 1}"


@pytest.mark.parametrize("shape", ["anchor", "alias", "merge", "merged elsewhere"])
def test_shared_actuals_are_refused(run_cli, card, shape):
    text = {
        "anchor": UNIT.replace("actuals:\n      - {period: 2026-01, value: 1}\n  - id: b",
                               "actuals: &shared\n      - {period: 2026-01, value: 1}\n  - id: b", 1),
        "alias": UNIT.replace("actuals:\n      - {period: 2026-01, value: 1}\n  - id: b",
                              "actuals: &shared\n      - {period: 2026-01, value: 1}\n  - id: b", 1)
        .replace("name: B\n    actuals:\n      - {period: 2026-01, value: 1}\n", "name: B\n    actuals: *shared\n"),
        "merge": UNIT.replace("  - id: a\n", "  - &base\n    id: a\n").replace(
            "  - id: b\n    level: KPI\n    name: B\n    actuals:\n      - {period: 2026-01, value: 1}\n",
            "  - <<: *base\n    id: b\n    name: B\n"),
    }
    text["merged elsewhere"] = text["merge"]
    (card / "unit.yaml").write_text(text[shape])
    before = (card / "unit.yaml").read_bytes()
    target = {"anchor": "unit/a", "alias": "unit/b", "merge": "unit/b", "merged elsewhere": "unit/a"}[shape]
    result = run_cli("record", target, "5", card, "--period", "2026-02")
    assert result.exit_code == 2 and "shared with another entry" in result.stderr
    assert (card / "unit.yaml").read_bytes() == before


def test_a_failed_write_names_the_file_and_leaves_it(run_cli, card, monkeypatch):
    import errno

    import kpoctl.commands.record

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(kpoctl.commands.record, "write_bytes_atomic", full)
    before = (card / "unit.yaml").read_bytes()
    result = run_cli("record", "unit/a", "5", card, "--period", "2026-02")
    assert result.exit_code == 2
    assert "unit.yaml" in result.stderr and "No space left on device" in result.stderr
    assert "internal error" not in result.stderr and (card / "unit.yaml").read_bytes() == before


@pytest.fixture(params=["fifo", "link to a fifo", "device", "link to a device"])
def special(request, tmp_path):
    target = tmp_path / "special"
    if "fifo" in request.param:
        os.mkfifo(tmp_path / "fifo")
        source = tmp_path / "fifo"
    else:
        source = Path("/dev/null")
    if request.param.startswith("link"):
        target.symlink_to(source)
        return target, source
    if request.param == "fifo":
        return source, source
    return source, source


@pytest.mark.parametrize("command", [["lint", "--write-baseline"], ["report", "--format", "markdown", "-o"]],
                         ids=["write-baseline", "report -o"])
def test_a_fifo_or_a_device_is_never_replaced(run_cli, card, special, command):
    target, source = special
    kind = stat.S_IFMT(os.stat(source).st_mode)
    result = run_cli(command[0], card, *command[1:], target)
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert stat.S_IFMT(os.stat(source).st_mode) == kind and os.path.lexists(target)


def test_a_link_to_a_regular_file_is_written_through(run_cli, card, tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert run_cli("report", card, "--format", "markdown", "-o", link).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("# Meeting report")


@pytest.mark.parametrize("content", ["fifo", "not json", "deep", "huge", "null bytes"])
def test_a_baseline_that_is_not_one_is_one_line_and_exit_2(run_cli, card, tmp_path, monkeypatch, content):
    import kpoctl.commands.baseline

    path = tmp_path / "baseline.json"
    if content == "fifo":
        os.mkfifo(path)
    elif content == "huge":
        monkeypatch.setattr(kpoctl.commands.baseline, "MAX_BYTES", 10)
        path.write_text('{"format": "kpoctl-baseline", "version": 1, "findings": []}')
    else:
        path.write_bytes({"not json": b"{nope", "deep": b"[" * 100_000 + b"]" * 100_000,
                          "null bytes": b"\0\0\0"}[content])
    result = run_cli("lint", card, "--baseline", path)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "internal error" not in result.stderr


def test_records_that_overlap_are_serialised(card, monkeypatch):
    """Two records whose read and write overlap (each held 0.3 s between them): the lock
    makes the second read what the first wrote."""
    import datetime as dt
    import threading
    import time

    import kpoctl.commands.record
    from kpoctl.model import Settings

    verify = kpoctl.commands.record._verify

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return verify(*args, **kwargs)

    monkeypatch.setattr(kpoctl.commands.record, "_verify", slow)
    path = card / "unit.yaml"
    errors = []

    def run(indicator: str, period: str, delay: float) -> None:
        time.sleep(delay)
        try:
            kpoctl.commands.record.record(path, "unit", indicator, 7.0, period=period, replace=False,
                                 today=dt.date(2026, 11, 21), settings=Settings())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    # a and b start together (b waits on the lock); c comes once a has replaced the file,
    # while b still holds its lock on the file a replaced
    jobs = [("a", "2026-05", 0), ("b", "2026-05", 0), ("a", "2026-06", 0.4)]
    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text = path.read_text()
    assert not errors and text.count("period: 2026-05") == 2 and text.count("period: 2026-06") == 1, text


@pytest.mark.parametrize("period, says", [("2027-W53", "not in the calendar"), ("0000-01", "not in the calendar"),
                                          ("2026-13", "period must be")])
def test_record_refuses_a_period_the_model_would_refuse(run_cli, card, period, says):
    before = (card / "unit.yaml").read_bytes()
    result = run_cli("record", "unit/a", "5", card, "--period", period)
    assert result.exit_code == 2 and says in result.stderr
    assert (card / "unit.yaml").read_bytes() == before


def test_a_write_in_pieces_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    """export -o writes its sheet team by team, never holding it whole: a failure while the
    pieces come (a bug, a full disk) must still leave the old file as it was, and nothing
    beside it."""
    from kpoctl.common.atomic import write_text_atomic

    target = tmp_path / "sheet.csv"
    target.write_text("old\n")

    def pieces():
        yield "kind,team\n"
        yield "team,a\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_text_atomic(target, pieces())
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["sheet.csv"]
    write_text_atomic(target, iter(["kind,team\n", "team,a\n"]))
    assert target.read_text() == "kind,team\nteam,a\n"
