"""`kpoctl tree`: the cascade, team by team: KPOs with their KPIs, POs with their PIs,
then the teams below."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from kpoctl.graph import CascadeGraph, EntryRef
from kpoctl.model import Indicator, Objective

LEVEL_STYLE = {"KPO": "bold magenta", "PO": "magenta", "KPI": "bold cyan", "PI": "cyan", "context": "dim"}


def _node(ref: EntryRef, children: list[dict]) -> dict:
    entry = ref.entry
    title = entry.title if isinstance(entry, Objective) else entry.name
    kind = "objective" if isinstance(entry, Objective) else "indicator"
    return {"kind": kind, "team": ref.team, "id": entry.id, "level": entry.level, "title": title, "children": children}


def team_node(graph: CascadeGraph, name: str, depth: int | None, seen: set[str]) -> dict:
    """One team's node with its entries and, `depth` permitting, the teams below."""
    seen.add(name)
    refs = graph.entries_by_team.get(name, [])
    placed: set[str] = set()

    def indicators_of(key: str) -> list[dict]:
        out = []
        for ind in graph.measured_by(key):
            placed.add(ind.key)
            out.append(_node(ind, []))
        return out

    def po_node(po: EntryRef) -> dict:
        placed.add(po.key)
        return _node(po, indicators_of(po.key))

    children: list[dict] = []
    for ref in refs:
        if isinstance(ref.entry, Objective) and ref.entry.level == "KPO":
            placed.add(ref.key)
            kids = indicators_of(ref.key)
            kids += [po_node(po) for po in graph.supported_by(ref.key) if po.key not in placed]
            children.append(_node(ref, kids))
    for ref in refs:  # POs that support no KPO of the team
        if isinstance(ref.entry, Objective) and ref.key not in placed:
            children.append(po_node(ref))
    for ref in refs:  # orphans and context indicators
        if isinstance(ref.entry, Indicator) and ref.key not in placed:
            children.append(_node(ref, []))
    if depth is None or depth > 1:
        for child in graph.children(name):
            if child not in seen:
                children.append(team_node(graph, child, None if depth is None else depth - 1, seen))
    team = graph.teams[name].team
    return {"kind": "team", "team": name, "id": None, "level": None, "title": team.name, "children": children}


def tree_roots(graph: CascadeGraph, start: str | None = None, depth: int | None = None) -> list[dict]:
    """Root nodes: the start team, or every team with no known parent (and one per parent cycle)."""
    seen: set[str] = set()
    if start is not None:
        return [team_node(graph, start, depth, seen)]
    roots = [n for n, ref in sorted(graph.teams.items()) if ref.team.parent not in graph.teams]
    nodes = [team_node(graph, n, depth, seen) for n in roots]
    for name in sorted(graph.teams):  # teams only reachable through a cycle of parents
        if name not in seen and depth is None:
            nodes.append(team_node(graph, name, depth, seen))
    return nodes


def _label(node: dict) -> str:
    if node["kind"] == "team":
        return f"[bold]{escape(node['team'])}[/]  {escape(node['title'])}"
    style = LEVEL_STYLE.get(node["level"], "")
    return f"[{style}]{node['level']}[/] [bold]{escape(node['id'])}[/]  {escape(node['title'])}"


def render_tree(roots: list[dict], console: Console) -> None:
    for root in roots:
        tree = Tree(_label(root), guide_style="dim")
        stack = [(tree, root)]
        while stack:
            branch, node = stack.pop()
            for child in node["children"]:
                stack.append((branch.add(_label(child)), child))
        console.print(tree)
