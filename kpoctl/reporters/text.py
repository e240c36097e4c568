"""`--format text`: findings grouped by file, one `file:line:col CODE (severity) message` line each."""

from __future__ import annotations

import os
from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.text import Text

from kpoctl.findings import Finding, Severity
from kpoctl.reporters.base import Reporter, RunInfo

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
        console = console_for(stream)
        current = None
        for f in findings:
            if f.file != current:
                if current is not None:
                    console.print()
                console.print(Text(info.display_path(f.file), style="bold underline"))
                current = f.file
            line = Text()
            line.append(f"{info.display_path(f.file)}:{f.line}:{f.column}", style="bold")
            line.append(" ")
            line.append(f.code, style=STYLE[f.severity])
            line.append(f" ({f.severity.value}) ", style=STYLE[f.severity])
            line.append(f.message)
            console.print(line, soft_wrap=True)
        for gone in info.baseline_gone:
            console.print(Text(f"fixed since the baseline: {gone['code']} {gone.get('team')}/{gone.get('id')}: "
                               f"{gone['message']}", style="green"))
        counts = Counter(f.severity for f in findings)
        if findings:
            console.print()
            parts = [plural(counts[s], s.value) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
            files = len({f.file for f in findings})
            console.print(Text(f"Found {plural(len(findings), 'finding')} ({', '.join(parts)}) in "
                               f"{files} of {plural(len(info.files), 'team file')}.", style="bold"))
        else:
            console.print(Text(f"All checks passed: {plural(len(info.files), 'team file')}, no findings.",
                               style="bold green"))
