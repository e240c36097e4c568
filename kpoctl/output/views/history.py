"""`kpoctl history TEAM/ID`: one indicator through the commits that changed it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kpoctl.common.findings import Finding
from kpoctl.common.textsafe import plain
from kpoctl.model.rollup import fmt
from kpoctl.output.tables import print_whole
from kpoctl.pipeline.history import Step

STATUS_STYLE = {"off track": "bold red", "at risk": "yellow", "on track": "green"}


def timeline_json(team: str, indicator_id: str, steps: list[Step], findings: list[Finding],
                  uncommitted: tuple[str, ...] = ()) -> dict:
    """`{team, id, steps: [...], findings: [...], uncommitted: [...]}`, oldest commit first;
    `uncommitted`: what the work tree changed of it since HEAD (empty when nothing)."""
    return {
        "team": team,
        "id": indicator_id,
        "steps": [
            {
                "commit": s.revision.hash, "date": s.revision.date.isoformat(), "author": s.revision.author,
                "summary": s.revision.summary, "present": s.present, "target": s.target, "direction": s.direction,
                "unit": s.unit, "due": s.due,
                "latest": {"period": s.latest_period, "value": s.latest_value} if s.latest_period else None,
                "status": s.status, "changes": list(s.changes),
            }
            for s in steps
        ],
        "findings": [f.to_dict() for f in findings],
        "uncommitted": list(uncommitted),
    }


def render_timeline(team: str, indicator_id: str, steps: list[Step], findings: list[Finding], commits: int,
                    console: Console, uncommitted: tuple[str, ...] = ()) -> None:
    name = escape(plain(f"{team}/{indicator_id}"))
    pending = f"not committed yet: {escape(plain('; '.join(uncommitted)))}" if uncommitted else None
    if not steps:
        if commits:
            console.print(f"{name}: no change in the {commits} commit{'s' if commits != 1 else ''} checked")
        else:
            console.print(f"{name}: no commit in the window, so no change to show")
        if pending:
            console.print(pending)
        return
    table = Table(title=f"{name} through {len(steps)} of {commits} commits", title_justify="left")
    for column in ("commit", "date", "author", "target", "due", "latest", "status", "what changed"):
        # values whole (print_whole keeps them so); a name and the changes wrap, folding a long word
        table.add_column(column, no_wrap=column not in ("author", "what changed"))
    for s in steps:
        target = "" if s.target is None else fmt(s.target, s.unit) + {"at_least": " ↑", "at_most": " ↓"}.get(
            s.direction or "", "")
        latest = f"{s.latest_period}: {fmt(s.latest_value, s.unit)}" if s.latest_period else ""
        state = s.status or ("removed" if not s.present else "")
        style = STATUS_STYLE.get(state, "")
        table.add_row(s.revision.short, s.revision.date.isoformat(), escape(plain(s.revision.author)), target,
                      s.due or "", latest, f"[{style}]{state}[/]" if style else escape(state),
                      escape(plain("; ".join(s.changes))))
    print_whole(console, table)
    if pending:
        console.print(pending)
    for f in findings:
        console.print(f"[yellow]{f.code}[/] {escape(plain(f.message))}")
