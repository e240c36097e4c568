"""`--format markdown`: the findings as a table to paste into a merge request or a wiki page."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from kpoctl.common.findings import Finding, Severity
from kpoctl.common.textsafe import markdown_cell
from kpoctl.output.reporters.base import Reporter, RunInfo

MARK = {Severity.ERROR: "🔴 error", Severity.WARNING: "🟡 warning", Severity.INFO: "🔵 info"}


class MarkdownReporter(Reporter):
    name = "markdown"
    description = "a markdown table of findings (merge requests, wikis)"

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        if not findings:
            stream.write(f"**kpoctl**: all checks passed, {len(info.files)} team files, no findings.\n")
            return
        counts = Counter(f.severity for f in findings)
        parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
        lines = [f"**kpoctl**: {len(findings)} findings ({', '.join(parts)}) in "
                 f"{len({f.file for f in findings})} of {len(info.files)} team files.", "",
                 "| where | code | severity | message |", "|---|---|---|---|"]
        for f in findings:
            where = markdown_cell(f"{info.display_path(f.file)}:{f.line}:{f.column}")
            lines.append(f"| `{where}` | {f.code} | {MARK[f.severity]} | {markdown_cell(f.message)} |")
        stream.write("\n".join(lines) + "\n")
