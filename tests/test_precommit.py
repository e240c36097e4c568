"""The pre-commit hook, run for real through `pre-commit try-repo` on a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                                reason="pre-commit and git are needed (pip install '.[test]')")


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def try_repo(repo):
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1"}
    return subprocess.run(["pre-commit", "try-repo", str(ROOT), "kpoctl-lint", "--all-files"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=600)


def test_hook_passes_a_good_scorecard_and_fails_a_bad_one(tmp_path):
    repo = tmp_path / "scorecards"
    shutil.copytree(EXAMPLES / "northwind", repo)
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    good = try_repo(repo)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "kpoctl lint" in good.stdout and "Passed" in good.stdout
    (repo / "sales.yaml").write_text((repo / "sales.yaml").read_text().replace("    measures: revenue\n", "", 1))
    git("add", ".", cwd=repo)
    bad = try_repo(repo)
    assert bad.returncode == 1
    assert "Failed" in bad.stdout and "KP101" in bad.stdout
