"""Reporters: each formats the same findings one way. `--format` choices come from here.

Each is imported only when chosen: `--format json` in CI need not load rich."""

from __future__ import annotations

from importlib import import_module

from kpoctl.reporters.base import Reporter, RunInfo

REPORTERS: dict[str, str] = {
    "text": "kpoctl.reporters.text:TextReporter",
    "json": "kpoctl.reporters.json:JsonReporter",
    "sarif": "kpoctl.reporters.sarif:SarifReporter",
    "github": "kpoctl.reporters.github:GithubReporter",
    "junit": "kpoctl.reporters.junit:JunitReporter",
    "markdown": "kpoctl.reporters.markdown:MarkdownReporter",
}


def reporter_for(name: str) -> Reporter:
    module, _, cls = REPORTERS[name].partition(":")
    return getattr(import_module(module), cls)()


__all__ = ["REPORTERS", "Reporter", "RunInfo", "reporter_for"]
