"""`kpoctl orphans`: the orphan KPIs (KP101) and PIs (KP102), with where they are."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpoctl.common.textsafe import plain
from kpoctl.model import Settings
from kpoctl.model.scorecard import TeamFile
from kpoctl.output.tables import print_whole
from kpoctl.output.views.parts import Teams, alone, header
from kpoctl.rules.cascade import ORPHAN_WANTS, orphan_reason
from kpoctl.rules.engine import Selection, finish

ORPHAN_CODES = ("KP101", "KP102")


def orphans_part(team_file: TeamFile, settings: Settings) -> dict:
    """The team's orphan KPIs and PIs (kpoctl.output.views.parts): id -> [level, measures, reason]."""
    graph = alone(team_file, settings)
    found = {}
    for ref in graph.entries_by_team.get(team_file.team.team, []):
        if ref.entry.level in ORPHAN_WANTS:  # KPI or PI: only indicators have these levels
            reason = orphan_reason(graph, ref)
            if reason is not None:
                found[ref.entry.id] = [ref.entry.level, ref.entry.measures, reason]
    return {**header(team_file), "orphans": found}


def orphan_rows(teams: Teams, problems, sites) -> list[dict]:
    """`[{team, id, level, measures, file, line, reason}]`: the entries the orphan rules
    found (suppressions applied, as lint applies them), described from the teams' parts."""
    selection = Selection.build(list(ORPHAN_CODES), [])
    findings = finish(((c, p) for c, p in problems if c in ORPHAN_CODES), sites, selection)
    rows = []
    for f in findings:
        if teams.files.get(f.team) != f.file:
            continue  # a repeated team (KP003): the graph keeps its first file; lint shows the rest
        # the rules and the part read the same entries of that file (a repeated id: the first)
        level, measures, reason = teams.parts[f.team]["orphans"][f.id]
        rows.append({"team": f.team, "id": f.id, "level": level, "measures": measures, "file": f.file,
                     "line": f.line, "reason": reason})
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
    print_whole(console, table)
    kpis = sum(r["level"] == "KPI" for r in rows)
    console.print(f"{kpis} orphan KPI{'s' if kpis != 1 else ''}, {len(rows) - kpis} orphan "
                  f"PI{'s' if len(rows) - kpis != 1 else ''}.")
