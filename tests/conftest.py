"""Shared test helpers: a CLI runner that never swallows exceptions, and scorecard folders
written from small dicts of YAML text."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

pytest.register_assert_rewrite("rule_cases")  # a failing case shows the findings it got

# No example database: the tests write nothing outside temporary folders (hypothesis's
# would be .hypothesis/ in the checkout), and tools/mutate.py's runs must not replay an
# example one mutant failed on against every mutant after it (each then looks caught).
# A failure prints its example; one worth keeping becomes a case of its own.
settings.register_profile("kpoctl", database=None)
settings.load_profile("kpoctl")
# Nor its own caches (character tables, the code's constants): in the temporary folder,
# set before the first test (the constants are gathered as the tests are collected).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"kpoctl-tests-hypothesis-{getattr(os, 'getuid', lambda: 0)()}")
from typer.testing import CliRunner

from kpoctl.commands.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REALWORLD = ROOT.parent / "shared" / "realworld" / "gitlab-pi" / "teams"


class Result:
    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(autouse=True, scope="session")
def _no_cache_in_the_real_home(tmp_path_factory):
    """Subprocesses and anything that escapes the per-test fixture below cache in a
    temporary folder, never in the real home folder."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ.pop("KPOCTL_CACHE_DIR", None)


@pytest.fixture(autouse=True)
def _cache_of_this_test(tmp_path, monkeypatch):
    """Each test caches in its own temporary folder (hidden, so a scan of tmp_path skips
    it): no test is answered from another's cache, and none writes outside tmp."""
    monkeypatch.setenv("KPOCTL_CACHE_DIR", str(tmp_path / ".kpoctl-cache"))


@pytest.fixture
def run_cli(monkeypatch):
    """Run kpoctl in-process; exceptions propagate so a crash fails the test loudly."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()

    def run(*args: str, env: dict | None = None) -> Result:
        return Result(runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env=env))

    return run


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: YAML text} below root (text is dedented)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


TOP = """
team: top
name: Top management team
owner: CEO
meeting: monthly
objectives:
  - id: otif
    level: KPO
    title: Deliver 95% of orders on time and in full
    perspective: customer
    due: 2026-12-31
indicators:
  - id: otif-rate
    level: KPI
    measures: otif
    name: OTIF rate
    unit: "%"
    timing: lagging
    frequency: monthly
    owner: COO
    target: {value: 95, direction: at_least}
"""


@pytest.fixture
def scorecard(tmp_path):
    """Write a scorecard folder from {name: text}; a `today` setting keeps runs reproducible."""

    def make(files: dict[str, str], settings: str = "today: 2026-11-21\n") -> Path:
        write_files(tmp_path, files)
        if settings is not None:
            (tmp_path / "kpoctl.yaml").write_text(settings, encoding="utf-8")
        return tmp_path

    return make


def no_schema_can_say(error) -> bool:
    """What kpoctl refuses and a JSON Schema cannot: week 53 of a year that has none (no
    pattern knows the calendar that far: kpoctl.model.DATE_PATTERN), and actuals out of
    time order or a period given twice (a schema compares no item with another)."""
    from kpoctl.model import PERIOD_RE

    if error["type"] in ("period_order", "period_repeated"):
        return True
    period = error.get("input")
    return error["type"] == "period" and isinstance(period, str) and period.endswith("-W53") and bool(PERIOD_RE.match(period))


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as rich and kpoctl ask."""

    def isatty(self) -> bool:
        return True


def uncoloured(text: str) -> str:
    """`text` without its colour codes (SGR escapes): what a coloured run says, as plain text."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def table_cells(text: str, header: bool = False) -> list[list[str]]:
    """A rich table's cells as printed, line by line, each stripped: its body's lines (with
    `header`, the header's first)."""
    starts = "│┃" if header else "│"
    return [[cell.strip() for cell in line.replace("┃", "│").split("│")[1:-1]]
            for line in text.splitlines() if line[:1] and line[:1] in starts]
