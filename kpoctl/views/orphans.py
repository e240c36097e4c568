"""`kpoctl orphans`: the orphan KPIs (KP101) and PIs (KP102), with where they are."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kpoctl.engine import Selection, lint
from kpoctl.graph import CascadeGraph
from kpoctl.model import Indicator


def orphan_rows(graph: CascadeGraph) -> list[dict]:
    """`[{team, id, level, measures, file, line, reason}]`, from the same rules `lint` runs."""
    findings = lint(graph.scorecard, Selection.build(["KP101", "KP102"], []), graph)
    rows = []
    for f in findings:
        ref = graph.entries[f"{f.team}/{f.id}"]
        assert isinstance(ref.entry, Indicator)
        reason = f.message.split(": ", 1)[1] if ": " in f.message else f.message
        rows.append({
            "team": f.team, "id": f.id, "level": ref.entry.level, "measures": ref.entry.measures,
            "file": f.file, "line": f.line, "reason": reason,
        })
    return rows


def render_orphans(rows: list[dict], console: Console, display_path) -> None:
    if not rows:
        console.print("[green]No orphan KPIs or PIs: every one measures an objective of its level.[/]")
        return
    table = Table(title="Orphan KPIs and PIs", title_justify="left")
    for column in ("where", "team", "id", "level", "measures", "reason"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(f"{display_path(row['file'])}:{row['line']}", row["team"], row["id"], row["level"],
                      row["measures"] or "-", row["reason"])
    console.print(table)
    kpis = sum(r["level"] == "KPI" for r in rows)
    console.print(f"{kpis} orphan KPI{'s' if kpis != 1 else ''}, {len(rows) - kpis} orphan "
                  f"PI{'s' if len(rows) - kpis != 1 else ''}.")
