"""`--format text`: findings grouped by file, one `file:line:col CODE (severity) message` line each."""

from __future__ import annotations

import os
from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.text import Text

from kpoctl.common.findings import Finding, Severity
from kpoctl.common.textsafe import plain
from kpoctl.output.reporters.base import Reporter, RunInfo

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def console_for(stream: TextIO) -> Console:
    """A rich console on `stream` (NO_COLOR and FORCE_COLOR are honoured by rich).

    When piped, with no COLUMNS set, it is wide enough not to crop tables and trees."""
    width = None
    if not stream.isatty() and "COLUMNS" not in os.environ:
        width = 200
    return Console(file=stream, highlight=False, width=width)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class TextReporter(Reporter):
    name = "text"
    description = "human-readable, grouped by file (colour in a terminal; NO_COLOR respected)"

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        # One Text printed once: rich's per-print overhead made a print per finding
        # cost more than the whole warm lint (1.2 s for 4,000 findings).
        report = Text()
        current = None
        for f in findings:
            shown = plain(info.display_path(f.file))
            if f.file != current:
                if current is not None:
                    report.append("\n")
                report.append(shown, style="bold underline")
                report.append("\n")
                current = f.file
            style = STYLE[f.severity]
            report.append(f"{shown}:{f.line}:{f.column}", style="bold")
            report.append(" ")
            report.append(f.code, style=style)
            report.append(f" ({f.severity.value}) ", style=style)
            report.append(plain(f.message))
            report.append("\n")
        for gone in info.baseline_gone:
            report.append(plain(f"fixed since the baseline: {gone['code']} {gone.get('team')}/{gone.get('id')}: "
                                f"{gone['message']}"), style="green")
            report.append("\n")
        if findings:
            counts = Counter(f.severity for f in findings)
            parts = [plural(counts[s], s.value) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
            files = len({f.file for f in findings})
            report.append("\n")
            report.append(f"Found {plural(len(findings), 'finding')} ({', '.join(parts)}) in "
                          f"{files} of {plural(len(info.files), 'team file')}.", style="bold")
        else:
            report.append(f"All checks passed: {plural(len(info.files), 'team file')}, no findings.", style="bold green")
        console_for(stream).print(report, soft_wrap=True)
