"""`kpoctl orphans`: the orphan KPIs (KP101) and PIs (KP102), with where they are."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpoctl.common.textsafe import plain
from kpoctl.graph import CascadeGraph
from kpoctl.model import Indicator
from kpoctl.rules.cascade import orphan_reason
from kpoctl.rules.engine import Selection, finish

ORPHAN_CODES = ("KP101", "KP102")


def orphan_rows(graph: CascadeGraph, problems, sites) -> list[dict]:
    """`[{team, id, level, measures, file, line, reason}]`: the entries the orphan rules
    found (suppressions applied, as lint applies them), described from the model."""
    selection = Selection.build(list(ORPHAN_CODES), [])
    findings = finish(((c, p) for c, p in problems if c in ORPHAN_CODES), sites, selection)
    rows = []
    for f in findings:
        ref = graph.entries.get(f"{f.team}/{f.id}")
        reason = orphan_reason(graph, ref) if ref is not None else None
        if ref is None or reason is None or ref.file.file != f.file:
            continue  # a repeated id (KP003): the graph keeps the first; lint shows the rest
        assert isinstance(ref.entry, Indicator)
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
        cells = (f"{display_path(row['file'])}:{row['line']}", row["team"], row["id"], row["level"],
                 row["measures"] or "-", row["reason"])
        table.add_row(*(Text(plain(cell)) for cell in cells))
    console.print(table)
    kpis = sum(r["level"] == "KPI" for r in rows)
    console.print(f"{kpis} orphan KPI{'s' if kpis != 1 else ''}, {len(rows) - kpis} orphan "
                  f"PI{'s' if len(rows) - kpis != 1 else ''}.")
