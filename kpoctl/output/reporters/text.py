"""`--format text`: findings grouped by file, one `file:line:col CODE (severity) message` line each."""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from kpoctl.common.findings import Finding, Severity
from kpoctl.common.textsafe import plain
from kpoctl.output.reporters.base import Reporter, RunInfo

if TYPE_CHECKING:
    from rich.console import Console

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def console_for(stream: TextIO) -> Console:
    """A rich console on `stream` (NO_COLOR and FORCE_COLOR are honoured by rich).

    When piped, with no COLUMNS set, it is wide enough not to crop tables and trees, and
    its lines carry no trailing spaces (_TrimmedLines)."""
    from rich.console import Console

    width = None
    if not stream.isatty() and "COLUMNS" not in os.environ:
        width = 200
    return Console(file=_TrimmedLines(stream) if surely_plain(stream) else stream, highlight=False, width=width)


_SPACES_BEFORE_NEWLINE = re.compile(r" +\n")


class _TrimmedLines:
    """`stream` without the spaces rich pads a line's end with (a table's last column, a
    centred title, a wrapped line): piped output lands in files, diffs and CI logs, where
    a pre-commit trailing-whitespace hook would flag every such line. Only for plain
    output: with colour, a line's end holds style codes after its spaces."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._spaces = ""  # spaces a write ended with: dropped if a newline comes next

    def write(self, text: str) -> int:
        if self._spaces:
            text = self._spaces + text
        body = text.rstrip(" ")
        self._spaces = text[len(body):]
        # the search first: most output (findings, the report's own layout) has no such line
        self._stream.write(_SPACES_BEFORE_NEWLINE.sub("\n", body) if " \n" in body else body)
        return len(text)

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str):  # flush, fileno, encoding: the stream's own
        return getattr(self._stream, name)


def surely_plain(stream: TextIO) -> bool:
    """True when rich would surely show no style on `stream`: it is no terminal and nothing
    in the environment tells rich to treat it as one (FORCE_COLOR, TTY_COMPATIBLE). Such
    output (a pre-commit hook's, a CI log's) is written as it is, without importing rich,
    a fifth of a warm lint's start-up."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return False
    try:
        return not stream.isatty()
    except ValueError:  # a closed stream: rich takes it for no terminal too
        return True


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class TextReporter(Reporter):
    name = "text"
    description = "human-readable, grouped by file (colour in a terminal; NO_COLOR respected)"

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        pieces = self.pieces(findings, info)
        if surely_plain(stream):
            stream.write("".join(text for text, _ in pieces) + "\n")
            return
        # One Text printed once: rich's per-print overhead made a print per finding
        # cost more than the whole warm lint (1.2 s for 4,000 findings).
        from rich.text import Text

        report = Text()
        for text, style in pieces:
            report.append(text, style=style)
        console_for(stream).print(report, soft_wrap=True)

    @staticmethod
    def pieces(findings: list[Finding], info: RunInfo) -> list[tuple[str, str | None]]:
        """The report as (text, style) pieces: every character of it is inert (plain)."""
        pieces: list[tuple[str, str | None]] = []
        add = pieces.append
        current = None
        for f in findings:
            shown = plain(info.display_path(f.file))
            if f.file != current:
                if current is not None:
                    add(("\n", None))
                add((shown, "bold underline"))
                add(("\n", None))
                current = f.file
            style = STYLE[f.severity]
            add((f"{shown}:{f.line}:{f.column}", "bold"))
            add((" ", None))
            add((f.code, style))
            add((f" ({f.severity.value}) ", style))
            add((plain(f.message), None))
            add(("\n", None))
        for gone in info.baseline_gone:
            add((plain(f"fixed since the baseline: {gone['code']} {gone.get('team')}/{gone.get('id')}: "
                       f"{gone['message']}"), "green"))
            add(("\n", None))
        if findings:
            counts = Counter(f.severity for f in findings)
            parts = [plural(counts[s], s.value) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
            files = len({f.file for f in findings})
            add(("\n", None))
            add((f"Found {plural(len(findings), 'finding')} ({', '.join(parts)}) in "
                 f"{files} of {plural(len(info.files), 'team file')}.", "bold"))
        else:
            add((f"All checks passed: {plural(len(info.files), 'team file')}, no findings.", "bold green"))
        return pieces
