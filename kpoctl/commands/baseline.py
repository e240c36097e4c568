"""Baselines: adopt kpoctl on a scorecard with old problems and see only new ones.

A finding is matched by code, team, id and message, never by line, so editing
other lines does not bring old findings back. Fixed findings are reported as
gone so the baseline can shrink.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from pathlib import Path

from kpoctl.common.atomic import write_text_atomic
from kpoctl.common.errors import UsageError
from kpoctl.common.findings import Finding

MARKER = "kpoctl-baseline"
VERSION = 1


_LINE_REF = re.compile(r"\bline \d+")


def _key(item: dict) -> tuple:
    """Identity of a finding: code, team, id and message, with line references in the message
    ("first at line 12") blanked, so that moving lines never resurrects a finding."""
    return (item["code"], item.get("team"), item.get("id"), _LINE_REF.sub("line N", item["message"]))


def write_baseline(path: Path, findings: list[Finding]) -> None:
    entries = sorted(
        ({"code": f.code, "team": f.team, "id": f.id, "message": f.message, "file": f.file} for f in findings),
        key=lambda e: (e["file"], e["code"], str(e["team"]), str(e["id"]), e["message"]),
    )
    text = json.dumps({"format": MARKER, "version": VERSION, "findings": entries}, indent=2, ensure_ascii=False)
    try:
        write_text_atomic(path, text + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None


MAX_BYTES = 200_000_000  # a baseline of a million findings is about 200 MB


def read_baseline(path: Path) -> list[dict]:
    try:
        info = os.stat(path)  # a link to a baseline is fine; a FIFO or a device is never opened
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"baseline {path} is not a regular file")
    if info.st_size > MAX_BYTES:
        raise UsageError(f"baseline {path} is {info.st_size / 1e6:.0f} MB: too large for a kpoctl baseline")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UsageError(f"{path} is not a kpoctl baseline (not JSON); write one with --write-baseline") from None
    ok = (
        isinstance(data, dict) and data.get("format") == MARKER and data.get("version") == VERSION
        and isinstance(data.get("findings"), list)
        and all(isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message"), str)
                for e in data["findings"])
    )
    if not ok:
        raise UsageError(f"{path} is not a kpoctl baseline; write one with --write-baseline")
    return data["findings"]


def apply_baseline(path: Path, findings: list[Finding]) -> tuple[list[Finding], list[dict]]:
    """Findings not in the baseline, and baseline entries no longer found."""
    recorded = read_baseline(path)
    remaining = Counter(_key(e) for e in recorded)
    new = []
    for f in findings:
        key = _key({"code": f.code, "team": f.team, "id": f.id, "message": f.message})
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(f)
    gone = []
    for entry in recorded:
        key = _key(entry)
        if remaining[key] > 0:
            remaining[key] -= 1
            gone.append(entry)
    return new, gone
