"""Reporters: each formats the same findings one way. `--format` choices come from here.

Each is imported only when chosen: `--format json` in CI need not load rich."""

from __future__ import annotations

from importlib import import_module

from kpoctl.output.reporters.base import Reporter, RunInfo

REPORTERS: dict[str, str] = {
    "text": "kpoctl.output.reporters.text:TextReporter",
    "json": "kpoctl.output.reporters.json:JsonReporter",
    "sarif": "kpoctl.output.reporters.sarif:SarifReporter",
    "github": "kpoctl.output.reporters.github:GithubReporter",
    "junit": "kpoctl.output.reporters.junit:JunitReporter",
    "markdown": "kpoctl.output.reporters.markdown:MarkdownReporter",
}


def reporter_for(name: str) -> Reporter:
    module, _, cls = REPORTERS[name].partition(":")
    return getattr(import_module(module), cls)()


__all__ = ["REPORTERS", "Reporter", "RunInfo", "reporter_for"]
