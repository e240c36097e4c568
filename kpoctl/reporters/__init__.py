"""Reporters: each formats the same findings one way. `--format` choices come from here."""

from __future__ import annotations

from kpoctl.reporters.base import Reporter, RunInfo
from kpoctl.reporters.github import GithubReporter
from kpoctl.reporters.json import JsonReporter
from kpoctl.reporters.junit import JunitReporter
from kpoctl.reporters.sarif import SarifReporter
from kpoctl.reporters.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    r.name: r for r in (TextReporter, JsonReporter, SarifReporter, GithubReporter, JunitReporter)
}

__all__ = ["REPORTERS", "Reporter", "RunInfo"]
