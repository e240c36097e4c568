"""`kpoctl tree`: the cascade, team by team: KPOs with their KPIs, POs with their PIs,
then the teams below."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from kpoctl.common.textsafe import plain
from kpoctl.graph import EntryRef
from kpoctl.model import Objective, Settings
from kpoctl.model.scorecard import TeamFile
from kpoctl.output.views.parts import Teams, alone, header

LEVEL_STYLE = {"KPO": "bold magenta", "PO": "magenta", "KPI": "bold cyan", "PI": "cyan", "context": "dim"}


def _node(ref: EntryRef, children: list[dict]) -> dict:
    entry = ref.entry
    title = entry.title if isinstance(entry, Objective) else entry.name
    kind = "objective" if isinstance(entry, Objective) else "indicator"
    return {"kind": kind, "team": ref.team, "id": entry.id, "level": entry.level, "title": title, "children": children}


def tree_part(team_file: TeamFile, settings: Settings) -> dict:
    """The team's own nodes (kpoctl.output.views.parts): each KPO with its KPIs and the
    POs that support it, then the POs that support no KPO, then the indicators that
    measure no objective (orphans, context indicators)."""
    graph = alone(team_file, settings)
    name = team_file.team.team
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

    objectives = [ref for ref in refs if isinstance(ref.entry, Objective)]
    nodes: list[dict] = []
    for ref in objectives:
        if ref.entry.level == "KPO":
            placed.add(ref.key)
            kids = indicators_of(ref.key)
            kids += [po_node(po) for po in graph.supported_by(ref.key) if po.key not in placed]
            nodes.append(_node(ref, kids))
    for ref in objectives:  # POs that support no KPO of the team
        if ref.key not in placed:
            nodes.append(po_node(ref))
    for ref in refs:  # orphans and context indicators: every objective is placed by now
        if ref.key not in placed:
            nodes.append(_node(ref, []))
    return {**header(team_file), "nodes": nodes}


def team_node(teams: Teams, name: str, depth: int | None, seen: set[str]) -> dict:
    """One team's node with its entries and, `depth` permitting, the teams below."""
    seen.add(name)
    part = teams.parts[name]
    children = list(part["nodes"])
    if depth is None or depth > 1:
        for child in teams.children(name):
            if child not in seen:
                children.append(team_node(teams, child, None if depth is None else depth - 1, seen))
    return {"kind": "team", "team": name, "id": None, "level": None, "title": part["name"], "children": children}


def tree_roots(teams: Teams, start: str | None = None, depth: int | None = None) -> list[dict]:
    """Root nodes: the start team, or every team with no known parent (and one per parent cycle)."""
    seen: set[str] = set()
    if start is not None:
        return [team_node(teams, start, depth, seen)]
    nodes = [team_node(teams, n, depth, seen) for n in teams.roots()]
    for name in sorted(teams.parts):  # teams only reachable through a cycle of parents
        if name not in seen and depth is None:
            nodes.append(team_node(teams, name, depth, seen))
    return nodes


def _label(node: dict, word=str) -> str:
    if node["kind"] == "team":
        return f"[bold]{escape(plain(node['team']))}[/]  {escape(plain(node['title']))}"
    style = LEVEL_STYLE.get(node["level"], "")
    return f"[{style}]{word(node['level'])}[/] [bold]{escape(plain(node['id']))}[/]  {escape(plain(node['title']))}"


def render_tree(roots: list[dict], console: Console, word=str) -> None:
    """The cascade as a rich tree; `word` names a level in the profile's words."""
    for root in roots:
        tree = Tree(_label(root, word), guide_style="dim")
        stack = [(tree, root)]
        while stack:
            branch, node = stack.pop()
            for child in node["children"]:
                stack.append((branch.add(_label(child, word)), child))
        console.print(tree)


# --- pictures: Mermaid and Graphviz, nodes coloured by status ----------------------------

COLOURS = {"on track": "#2da44e", "at risk": "#d4a72c", "off track": "#cf222e", "no target": "#d0d7de", "no data": "#afb8c1"}


def node_statuses(teams: Teams, indicators: dict[tuple, str]) -> dict[tuple, str]:
    """(team, id) -> status of each KPI/PI (`indicators`: the report's rows give them), and
    of each objective: the worst of the indicators that measure it (its indicator nodes)."""
    from kpoctl.model.status import worst

    found = dict(indicators)
    for name, part in teams.parts.items():
        stack = list(part["nodes"])
        while stack:
            node = stack.pop()
            if node["kind"] == "objective":
                measured = [(name, kid["id"]) for kid in node["children"] if kid["kind"] == "indicator"]
                states = [found[key] for key in measured if key in found]
                if states:
                    found[(name, node["id"])] = worst(states)
                stack.extend(node["children"])
    return found


def _walk(roots: list[dict]):
    """(parent node or None, node) for every node, depth first."""
    stack = [(None, root) for root in reversed(roots)]
    while stack:
        parent, node = stack.pop()
        yield parent, node
        stack.extend((node, child) for child in reversed(node["children"]))


def _node_id(node: dict) -> str:
    raw = node["team"] if node["kind"] == "team" else f"{node['team']}/{node['id']}"
    import zlib

    return "n_" + "".join(c if c.isalnum() else "_" for c in raw) + f"_{zlib.crc32(raw.encode()):08x}"


def render_mermaid(roots: list[dict], statuses: dict[tuple, str]) -> str:
    def label(node: dict) -> str:
        text = node["title"] if node["kind"] == "team" else f"{node['level']} {node['id']}: {node['title']}"
        # mermaid's entity codes: no quote ends the label, no < or > becomes HTML
        return plain(text).replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")

    lines = ["flowchart TD"]
    used: set[str] = set()
    for parent, node in _walk(roots):
        nid = _node_id(node)
        shape = ('[["', '"]]') if node["kind"] == "team" else ('("', '")') if node["kind"] == "objective" else ('["', '"]')
        lines.append(f"  {nid}{shape[0]}{label(node)}{shape[1]}")
        if parent is not None:
            lines.append(f"  {_node_id(parent)} --> {nid}")
        state = statuses.get((node["team"], node["id"])) if node["kind"] != "team" else None
        if state:
            cls = state.replace(" ", "_")
            lines.append(f"  class {nid} {cls}")
            used.add(state)
    for state in sorted(used):
        lines.append(f"  classDef {state.replace(' ', '_')} fill:{COLOURS[state]},color:#fff,stroke:#333")
    return "\n".join(lines) + "\n"


def render_dot(roots: list[dict], statuses: dict[tuple, str]) -> str:
    def quote(text: str) -> str:
        lines = [plain(part).replace("\\", "\\\\").replace('"', '\\"') for part in text.split("\n")]
        return '"' + "\\n".join(lines) + '"'

    lines = ["digraph cascade {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=10];']
    for parent, node in _walk(roots):
        nid = _node_id(node)
        if node["kind"] == "team":
            attrs = f'label={quote(node["team"] + ": " + node["title"])}, shape=box, style="bold"'
        else:
            state = statuses.get((node["team"], node["id"]))
            fill = COLOURS.get(state, "#ffffff")
            shape = "ellipse" if node["kind"] == "objective" else "note"
            attrs = (f'label={quote(node["level"] + " " + node["id"] + chr(10) + node["title"])}, shape={shape}, '
                     f'style=filled, fillcolor="{fill}"' + (f", tooltip={quote(state)}" if state else ""))
        lines.append(f"  {nid} [{attrs}];")
        if parent is not None:
            lines.append(f"  {_node_id(parent)} -> {nid};")
    lines.append("}")
    return "\n".join(lines) + "\n"
