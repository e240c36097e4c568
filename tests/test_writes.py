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


def test_a_stray_carriage_return_does_not_change_the_files_line_endings(run_cli, card):
    """A file written with LF and one lone CR (an edit from another system) keeps LF for the new lines."""
    path = card / "unit.yaml"
    path.write_bytes(UNIT.replace("name: Unit team\n", "name: Unit team  # from the old sheet\r\n", 1)
                     .replace("\r\n", "\r").encode())
    assert run_cli("record", "unit/a", "5", card, "--period", "2026-02").exit_code == 0
    data = path.read_bytes()
    assert data.count(b"\r") == 1 and b"      - {period: 2026-02, value: 5}\n  - id: b" in data


def test_a_file_removed_while_record_waits_for_its_lock_is_one_line(run_cli, card, monkeypatch):
    """Another program replaced or removed the file while record waited: record takes the
    lock again on the file that is there now, and says so when there is none."""
    import fcntl

    import kpoctl.commands.record

    real = fcntl.flock

    def removed_meanwhile(descriptor, operation):
        (card / "unit.yaml").unlink(missing_ok=True)
        return real(descriptor, operation)

    monkeypatch.setattr(kpoctl.commands.record.fcntl, "flock", removed_meanwhile)
    result = run_cli("record", "unit/a", "5", card, "--period", "2026-02")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "cannot open" in result.stderr and "unit.yaml" in result.stderr


def test_a_write_prepared_before_the_file_changed_is_prepared_again(card):
    """`record --from` prepares each file's text first, then writes it under the lock: if
    another record landed in between, the text is made again from the file as it is now."""
    import datetime as dt

    from kpoctl.commands.record import Entry, prepare_many, record, record_many
    from kpoctl.model import Settings

    path, today, settings = card / "unit.yaml", dt.date(2026, 11, 21), Settings()
    entries = [Entry("unit", "a", "2026-02", 5.0)]
    prepared = prepare_many(path, entries, replace=False, today=today, settings=settings)
    record(path, "unit", "b", 7.0, period="2026-02", replace=False, today=today, settings=settings)
    record_many(path, entries, replace=False, today=today, settings=settings, prepared=prepared)
    text = path.read_text()
    assert "{period: 2026-02, value: 5}" in text and "{period: 2026-02, value: 7}" in text


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
    old = os.umask(0o022)  # the common umask: a new file is readable by all, executable by none
    try:
        run_cli("report", card, "--format", "markdown", "-o", tmp_path / "shared.md")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.md").stat().st_mode) == 0o644


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_a_file_owned_by_another_user_keeps_its_owner_and_group(run_cli, card):
    """Root recording an actual in a team member's file must not leave it root's."""
    path = card / "unit.yaml"
    os.chown(path, 12345, 23456)
    assert run_cli("record", "unit/a", "5", card, "--period", "2026-02").exit_code == 0
    assert "value: 5" in path.read_text()
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)


def test_a_record_after_a_quoted_line_separator_lands_in_its_list(run_cli, card):
    path = card / "unit.yaml"
    path.write_text(UNIT.replace("name: Unit team", 'name: "Unit\\u2028team\\x85and\\u2029more"')
                    .replace("name: A", 'name: "A\u2028B"'), encoding="utf-8")
    result = run_cli("record", "unit/a", "5", card, "--period", "2026-02")
    assert result.exit_code == 0, result.stderr
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index("      - {period: 2026-02, value: 5}")
    assert lines[at - 1] == "      - {period: 2026-01, value: 1}"


SHARED_LIST = UNIT.replace("actuals:\n      - {period: 2026-01, value: 1}\n  - id: b",
                           "actuals: &shared\n      - {period: 2026-01, value: 1}\n  - id: b", 1)
ALIASED_LIST = SHARED_LIST.replace("name: B\n    actuals:\n      - {period: 2026-01, value: 1}\n",
                                   "name: B\n    actuals: *shared\n")
MERGED = UNIT.replace("  - id: a\n", "  - &base\n    id: a\n").replace(
    "  - id: b\n    level: KPI\n    name: B\n    actuals:\n      - {period: 2026-01, value: 1}\n",
    "  - <<: *base\n    id: b\n    name: B\n")
SHARED_ACTUAL = UNIT.replace("      - {period: 2026-01, value: 1}\n  - id: b", "      - &jan {period: 2026-01, value: 1}\n  - id: b", 1)
ALIASED_ACTUAL = SHARED_ACTUAL.replace("name: B\n    actuals:\n      - {period: 2026-01, value: 1}\n",
                                       "name: B\n    actuals:\n      - *jan\n")
SHARED_VALUE = UNIT.replace("value: 1}\n  - id: b", "value: &one 1}\n  - id: b", 1).replace(
    "name: B\n    actuals:\n      - {period: 2026-01, value: 1}\n",
    "name: B\n    actuals:\n      - {period: 2026-01, value: *one}\n")
MERGED_ACTUAL = SHARED_ACTUAL.replace("name: B\n    actuals:\n      - {period: 2026-01, value: 1}\n",
                                      "name: B\n    actuals:\n      - {<<: *jan, period: 2026-02}\n")
HEADER = "parent: top\nowner: Head of unit\nmeeting: monthly\n"  # the entries start further down
C = "  - id: c\n    level: KPI\n    name: C\n"


@pytest.mark.parametrize("text, target, args", [
    (SHARED_LIST, "unit/a", []),
    (ALIASED_LIST, "unit/b", []),
    (MERGED, "unit/b", []),
    (MERGED, "unit/a", []),  # merged elsewhere
    # an actual another entry shares: replacing it, or writing beside its alias, would write
    # on the anchor's line, in the other entry
    (ALIASED_ACTUAL, "unit/a", ["--replace", "--period", "2026-01"]),
    (ALIASED_ACTUAL, "unit/b", ["--replace", "--period", "2026-01"]),
    (ALIASED_ACTUAL, "unit/b", []),
    (SHARED_VALUE, "unit/b", ["--replace", "--period", "2026-01"]),
    (MERGED_ACTUAL, "unit/b", ["--replace", "--period", "2026-02"]),
    # the alias on the entry's last line, the entries further down, another entry or key after it
    (ALIASED_LIST.replace("parent: top\n", HEADER), "unit/b", []),
    (ALIASED_LIST + C, "unit/b", []),
    (ALIASED_LIST + "objectives: []\n", "unit/b", []),
], ids=["anchored list", "aliased list", "merge", "merged elsewhere", "anchored actual", "aliased actual",
        "beside an alias", "aliased value", "merged actual", "after a longer header", "before an entry",
        "before a key"])
def test_shared_actuals_are_refused(run_cli, card, text, target, args):
    (card / "unit.yaml").write_text(text)
    before = (card / "unit.yaml").read_bytes()
    result = run_cli("record", target, "5", card, "--period", "2026-02", *args)
    assert result.exit_code == 2 and "shared with another entry" in result.stderr, result.stderr
    assert (card / "unit.yaml").read_bytes() == before


@pytest.mark.parametrize("target, args, says", [
    ("unit/a", ["--replace", "--period", "2026-01"], "would change unit/b besides the values recorded"),
    ("unit/b", [], "would change unit/a besides the values recorded"),
])
def test_a_write_that_would_change_another_entry_is_refused_even_unforeseen(run_cli, card, monkeypatch, target,
                                                                           args, says):
    """The last check compares the whole model before and after: with the refusal of shared
    actuals taken out, a replace through an alias still changes nothing."""
    import kpoctl.commands.record

    monkeypatch.setattr(kpoctl.commands.record, "_refuse_shared", lambda *args: None)
    (card / "unit.yaml").write_text(ALIASED_ACTUAL)
    result = run_cli("record", target, "5", card, "--period", "2026-02", *args)
    assert result.exit_code == 2 and says in result.stderr and "nothing was written" in result.stderr
    assert (card / "unit.yaml").read_text() == ALIASED_ACTUAL


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


def device(tmp_path: Path, block: bool) -> Path:
    """A device node to aim a write at. Root (as CI runs) could replace /dev/null itself if
    the writer were broken, so root gets a node of its own in the test's folder: the null
    device, or a block device of a number nothing answers to. Others get /dev/null, which
    they cannot replace."""
    if os.geteuid() == 0:
        node = tmp_path / ("block" if block else "null")
        try:
            os.mknod(node, (stat.S_IFBLK if block else stat.S_IFCHR) | 0o600,
                     os.makedev(240, 0) if block else os.makedev(1, 3))
        except PermissionError:  # a container without CAP_MKNOD: never aim root at the real one
            pytest.skip("root without the right to make a device node")
        return node
    if block:
        pytest.skip("a block device node can only be made by root")
    return Path("/dev/null")


@pytest.fixture(params=["fifo", "link to a fifo", "device", "link to a device", "block device"])
def special(request, tmp_path):
    target = tmp_path / "special"
    if "fifo" in request.param:
        os.mkfifo(tmp_path / "fifo")
        source = tmp_path / "fifo"
    else:
        source = device(tmp_path, block=request.param == "block device")
    if request.param.startswith("link"):
        target.symlink_to(source)
        return target, source
    return source, source


@pytest.mark.parametrize("command", [["lint", "--write-baseline"], ["report", "--format", "markdown", "-o"]],
                         ids=["write-baseline", "report -o"])
def test_a_fifo_or_a_device_is_never_replaced(run_cli, card, special, command):
    target, source = special
    kind = stat.S_IFMT(os.stat(source).st_mode)
    result = run_cli(command[0], card, *command[1:], target)
    said = "a FIFO" if stat.S_ISFIFO(kind) else "a device"
    assert result.exit_code == 2 and f"{said}, not a regular file" in result.stderr
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
                                          ("2026-13", "period must be"), ("2026-5", "got '2026-5' (write 2026-05)\n"),
                                          ("2026/W9", "(write 2026-W09)\n")])
def test_record_refuses_a_period_the_model_would_refuse(run_cli, card, period, says):
    before = (card / "unit.yaml").read_bytes()
    result = run_cli("record", "unit/a", "5", card, "--period", period)
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1
    assert ("(write" in result.stderr) is ("(write" in says)
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
