"""`kpoctl count`: per team, how many KPOs, POs, KPIs, PIs and context indicators."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from rich.console import Console
from rich.table import Table

from kpoctl.graph import CascadeGraph
from kpoctl.model import Limits
from kpoctl.model.profiles import PROFILES, Profile
from kpoctl.output.tables import print_whole

LEVELS = (("kpo", "KPO"), ("po", "PO"), ("kpi", "KPI"), ("pi", "PI"), ("context", "context"))


def rows_from_levels(levels: Iterable[tuple]) -> list[dict]:
    """`count_rows` from each team file's counts as the reader recorded them: the first file
    of a team id counts, as in the graph."""
    first: dict[str, tuple] = {}
    for team, *counts in levels:
        first.setdefault(team, tuple(counts))
    return [{"team": team, **dict(zip((key for key, _ in LEVELS), first[team]))} for team in sorted(first)]


def count_rows(graph: CascadeGraph) -> list[dict]:
    """`[{team, kpo, po, kpi, pi, context}]` in team order."""
    rows = []
    for name in sorted(graph.teams):
        counts = Counter(ref.entry.level for ref in graph.entries_by_team.get(name, []))
        rows.append({"team": name, **{key: counts[level] for key, level in LEVELS}})
    return rows


def render_count(rows: list[dict], limits: Limits, console: Console, profile: Profile = PROFILES["kpo"]) -> None:
    """The table, each level named in the profile's words (an OKR team reads 'key result')."""
    title = "KPOs, POs and indicators per team" if profile.name == "kpo" else \
        f"Objectives and indicators per team ({profile.title})"
    table = Table(title=title, title_justify="left")
    table.add_column("team", style="bold", no_wrap=True)  # every column whole: print_whole
    for key, level in LEVELS:
        limit = {"kpi": limits.kpi, "pi": limits.pi}.get(key)
        word = profile.word(level)
        table.add_column(f"{word} (max {limit})" if limit is not None else word, justify="right", no_wrap=True)
    breaches = 0
    for row in rows:
        cells = []
        for key, _ in LEVELS:
            limit = {"kpi": limits.kpi, "pi": limits.pi}.get(key)
            value = row[key]
            if limit is not None and value > limit:
                breaches += 1
                cells.append(f"[bold red]{value} ![/]")
            elif key == "kpi" and value == 0:
                cells.append("[yellow]0 ?[/]")
            else:
                cells.append(str(value))
        table.add_row(row["team"], *cells)
    table.add_section()
    table.add_row("total", *(str(sum(r[k] for r in rows)) for k, _ in LEVELS), style="bold")
    print_whole(console, table)
    note = f"{breaches} limit breach{'es' if breaches != 1 else ''} marked '!'" if breaches else "no limit breached"
    console.print(f"{len(rows)} team{'s' if len(rows) != 1 else ''}; {note}; '?' marks a team with no KPI.")
