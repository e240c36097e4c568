"""`--format json`: the array of CLI.md, nothing else on stdout."""

from __future__ import annotations

from typing import TextIO

from kpoctl.common.findings import Finding
from kpoctl.common.jsonout import dumps
from kpoctl.output.reporters.base import Reporter, RunInfo


class JsonReporter(Reporter):
    name = "json"
    description = "a JSON array of findings (code, severity, message, file, line, column, team, id)"

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        stream.write(dumps([f.to_dict() for f in findings]))
