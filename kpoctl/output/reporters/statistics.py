"""`lint --statistics`: how many findings of each code, most first, like ruff's.

A consultant facing a thousand findings wants the few codes that make most of them:
one line per code with its count, severity, the number of teams it touches and the
rule's summary."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TextIO

from kpoctl.common.findings import Finding
from kpoctl.rules import REGISTRY


def statistics_rows(findings: list[Finding]) -> list[dict]:
    """`[{code, severity, count, teams, summary}]`, most frequent code first."""
    counts = Counter(f.code for f in findings)
    severity = {f.code: f.severity.value for f in findings}
    teams: dict[str, set] = defaultdict(set)
    for f in findings:
        teams[f.code].add(f.team if f.team is not None else f.file)
    return [
        {"code": code, "severity": severity[code], "count": count, "teams": len(teams[code]),
         "summary": REGISTRY[code].summary if code in REGISTRY else ""}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def write_json(findings: list[Finding], stream: TextIO) -> None:
    from kpoctl.common.jsonout import dumps

    stream.write(dumps(statistics_rows(findings)))


def write_markdown(findings: list[Finding], stream: TextIO) -> None:
    from kpoctl.common.textsafe import markdown_cell

    lines = ["| count | code | severity | teams | summary |", "|---:|---|---|---:|---|"]
    for row in statistics_rows(findings):
        lines.append(f"| {row['count']} | {row['code']} | {row['severity']} | {row['teams']} | "
                     f"{markdown_cell(row['summary'])} |")
    stream.write("\n".join(lines) + "\n")


def write_text(findings: list[Finding], stream: TextIO, files: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from kpoctl.common.findings import Severity
    from kpoctl.output.reporters.text import STYLE, console_for, plural
    from kpoctl.output.tables import print_whole

    console = console_for(stream)
    rows = statistics_rows(findings)
    if not rows:
        console.print(Text(f"All checks passed: {plural(files, 'team file')}, no findings.", style="bold green"))
        return
    table = Table(box=None, show_edge=False, pad_edge=False)
    table.add_column("count", justify="right", no_wrap=True)  # whole (print_whole); the summary wraps
    table.add_column("code", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("teams", justify="right", no_wrap=True)
    table.add_column("summary", overflow="fold")
    for row in rows:
        style = STYLE[Severity(row["severity"])]
        table.add_row(f"{row['count']:,}", Text(row["code"], style=style), Text(row["severity"], style=style),
                      f"{row['teams']:,}", Text(row["summary"]))
    print_whole(console, table)
    top = rows[: min(3, len(rows))]
    share = sum(r["count"] for r in top) / len(findings)
    console.print(Text(f"{plural(len(findings), 'finding')} of {plural(len(rows), 'code')} in "
                       f"{plural(files, 'team file')}; the first {len(top)} make {share:.0%} of them: "
                       f"`kpoctl explain {top[0]['code']}` says why and how to fix.", style="bold"))
