"""Hostile and broken input: each case ends with the expected finding or exit code, within
10 s and 1 GB, in a real process; nothing is executed, nothing outside PATH is read.
(An unreadable file is tested in test_load.py by injecting the error: CI runs as root.)"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hostile.corpus import Case, build

LIMIT_BYTES = 1 << 30
LIMIT_SECONDS = 10


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, {case.name: case for case in build(folder)}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run_kpoctl(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "kpoctl", *args, str(folder)], capture_output=True, text=True,
                          timeout=LIMIT_SECONDS, preexec_fn=_limits, env=env, cwd=folder)


CASE_NAMES = [
    "alias-bomb", "nesting-10000", "block-nesting", "file-50mb", "long-line", "nul-bytes", "invalid-utf8",
    "utf16-bom", "utf8-bom", "tabs", "crlf", "several-documents", "python-tag", "unknown-tag", "merge-keys",
    "non-string-keys", "huge-integer", "nan-target", "inf-target", "impossible-date", "yaml11-booleans",
    "number-id", "list-at-top", "empty-file", "dir-named-yaml", "fifo", "symlink-loop", "symlink-out",
]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_hostile_case(corpus, name):
    folder, cases = corpus
    case: Case = cases[name]
    result = run_kpoctl(folder / name, "lint", "--format", "json", "--select", "KP0", "--no-cache")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == case.exit_code, result.stderr
    findings = json.loads(result.stdout)
    at_file = [f for f in findings if f["file"] == case.file]
    if case.code is None:
        assert at_file == [] and all(f["file"] == "top.yaml" for f in findings)
    else:
        assert any(f["code"] == case.code and f["line"] == case.line for f in at_file), findings
        for f in at_file:
            assert f["line"] >= 1 and f["column"] >= 1
    assert not (folder / name / "pwned").exists()


def test_every_case_is_in_the_list(corpus):
    assert sorted(corpus[1]) == sorted(CASE_NAMES)


@pytest.mark.parametrize("command", [["count"], ["orphans"], ["tree"], ["report", "--format", "json"]])
def test_other_commands_survive_the_whole_corpus(corpus, command):
    folder, _ = corpus
    for name in ("alias-bomb", "nesting-10000", "python-tag", "huge-integer", "nan-target", "yaml11-booleans"):
        result = run_kpoctl(folder / name, *command)
        assert "Traceback" not in result.stderr and result.returncode in (0, 1), (name, result.stderr)
