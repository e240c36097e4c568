"""`--format github`: GitHub Actions workflow commands, shown as annotations on the diff."""

from __future__ import annotations

from typing import TextIO

from kpoctl.common.findings import Finding, Severity
from kpoctl.common.textsafe import plain
from kpoctl.output.reporters.base import Reporter, RunInfo

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    name = "github"
    description = "GitHub Actions annotations (::error file=...,line=...,col=...)"

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        for f in findings:
            props = ",".join(
                f"{key}={_escape_property(str(value))}"
                for key, value in (
                    ("file", plain(info.display_path(f.file))), ("line", f.line), ("col", f.column), ("title", f.code),
                )
            )
            stream.write(f"::{LEVEL[f.severity]} {props}::{_escape_data(plain(f.message))}\n")
