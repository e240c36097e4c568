"""The cascade graph: teams, objectives and indicators with typed edges.

Edges are typed and point from the dependent to what it depends on (child team
-> parent, objective -> what it cascades from, PO -> KPO it supports, indicator
-> objective it measures). The lookups every rule makes (what measures this,
what supports that) are plain dict indexes; the graph questions a few rules ask
(ancestors, cycles, reachability) are networkx calls on cached per-kind views,
so networkx is imported, and a networkx graph built, only when one is asked:
checking one file on its own (the per-file rules) never needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from kpoctl.common.findings import Location
from kpoctl.model import Indicator, Objective, Team
from kpoctl.model.scorecard import Scorecard, TeamFile, unread_part

if TYPE_CHECKING:
    import networkx as nx

PARENT = "parent"
CASCADES_FROM = "cascades_from"
SUPPORTS = "supports"
MEASURES = "measures"
LINKS_UP = (CASCADES_FROM, SUPPORTS)  # an objective's links towards the top


def load_graph_library() -> None:
    """Import networkx now. Its import takes about a fifth of a second: a command that
    reads in worker processes spends it while they read, not after them."""
    import networkx  # noqa: F401


def _unread_fields(team_file: TeamFile) -> frozenset[tuple]:
    """(section, index, field) of each entry field a KP002 is about."""
    unread = (unread_part(code, problem) for code, problem in team_file.problems)
    return frozenset(path + (field,) for path, field in filter(None, unread))


def cascade_order(roots: list[str], names: list[str], children) -> list[str]:
    """Teams depth first from each root, each after its parent and siblings in the order
    `children` gives; then, from `names` in turn, the teams only a cycle of parents reaches."""
    order: list[str] = []
    seen: set[str] = set()
    for start in [*roots, *names]:
        stack = [start]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            order.append(name)
            stack.extend(reversed(children(name)))
    return order


@dataclass(slots=True, unsafe_hash=True)
class EntryRef:
    """An objective or indicator, with the team and file it lives in. Not declared frozen
    (nothing changes one): a frozen dataclass sets each field through object.__setattr__,
    which made building the graph of a large scorecard a third slower."""

    team: str
    entry: Objective | Indicator
    file: TeamFile
    path: tuple  # its path in the document, e.g. ("indicators", 3)
    key: str  # "team/id", the node's name (kept: rules ask for it hundreds of thousands of times)

    @property
    def is_objective(self) -> bool:
        return isinstance(self.entry, Objective)

    def location(self, field: str | None = None) -> Location:
        """The entry's start, or the key of one of its fields."""
        if field is None:
            return self.file.location(self.path)
        return self.file.location(self.path + (field,))


@dataclass(frozen=True, slots=True)
class TeamRef:
    team: Team
    file: TeamFile

    def location(self, field: str = "team") -> Location:
        return self.file.location((field,))

    def invalid(self, field: str) -> bool:
        """Whether the header field was given but invalid (KP002 said so already)."""
        return field in self.file.invalid_fields

    @property
    def has_parent(self) -> bool:
        """A team with an invalid `parent` still has one: it is not a top team."""
        return self.team.parent is not None or self.invalid("parent")


class CascadeGraph:
    """The scorecard as a graph. Duplicates (KP003) keep their first occurrence."""

    def __init__(self, scorecard: Scorecard) -> None:
        self.scorecard = scorecard
        self.teams: dict[str, TeamRef] = {}
        self.entries: dict[str, EntryRef] = {}
        self.entries_by_team: dict[str, list[EntryRef]] = {}
        for team, team_file in scorecard.teams():
            if team.team in self.teams:
                continue
            self.teams[team.team] = TeamRef(team, team_file)
            refs = self.entries_by_team[team.team] = []
            for entry, path in team_file.entries():
                ref = EntryRef(team.team, entry, team_file, path, f"{team.team}/{entry.id}")
                if ref.key in self.entries:
                    continue
                self.entries[ref.key] = ref
                refs.append(ref)
        self._add_edges()

    def _add_edges(self) -> None:
        """Typed edges, plus per-kind reverse indexes for the hot lookups."""
        teams, entries = self.teams, self.entries
        edges: list[tuple[str, str, str]] = []
        for name, ref in teams.items():
            if ref.team.parent in teams:
                edges.append((name, ref.team.parent, PARENT))
        for key, ref in entries.items():
            entry = ref.entry
            if isinstance(entry, Objective):
                if entry.cascades_from in entries:
                    edges.append((key, entry.cascades_from, CASCADES_FROM))
                for target in entry.supports:
                    if f"{ref.team}/{target}" in entries:
                        edges.append((key, f"{ref.team}/{target}", SUPPORTS))
            elif entry.measures is not None and f"{ref.team}/{entry.measures}" in entries:
                edges.append((key, f"{ref.team}/{entry.measures}", MEASURES))
        self.edges = edges
        self._incoming: dict[str, dict[str, list[str]]] = {PARENT: {}, CASCADES_FROM: {}, SUPPORTS: {}, MEASURES: {}}
        for source, target, kind in edges:
            self._incoming[kind].setdefault(target, []).append(source)

    # --- lookups -------------------------------------------------------------------------

    def resolve(self, team: str, local_id: str | None) -> EntryRef | None:
        """The entry a same-team reference (`measures`, `supports`) names, if any."""
        if local_id is None:
            return None
        return self.entries.get(f"{team}/{local_id}")

    def due_of(self, ref: EntryRef):
        """The `due` of the objective an indicator measures (a baseline's line ends there), if any."""
        target = self.resolve(ref.team, getattr(ref.entry, "measures", None))
        return getattr(target.entry, "due", None) if target is not None else None

    def view(self, *kinds: str) -> nx.DiGraph:
        """A plain DiGraph of the edges of the given kinds (cached)."""
        cache_key = tuple(sorted(kinds))
        cache = self.__dict__.setdefault("_views", {})
        if cache_key not in cache:
            import networkx as nx

            view = nx.DiGraph()
            view.add_edges_from((u, v) for u, v, kind in self.edges if kind in kinds)
            cache[cache_key] = view
        return cache[cache_key]

    def measured_by(self, key: str) -> list[EntryRef]:
        """Indicators that measure the objective `key`."""
        return [self.entries[u] for u in self._incoming[MEASURES].get(key, ())]

    def cascaded_from(self, key: str) -> list[EntryRef]:
        """Objectives that name `key` as their `cascades_from`: the same objective one level down."""
        return [self.entries[u] for u in self._incoming[CASCADES_FROM].get(key, ())]

    def supported_by(self, key: str) -> list[EntryRef]:
        """POs that support the KPO `key`."""
        return [self.entries[u] for u in self._incoming[SUPPORTS].get(key, ())]

    def children(self, team: str) -> list[str]:
        """Teams whose parent is `team`, in name order."""
        return sorted(self._incoming[PARENT].get(team, ()))

    def cascade_order(self) -> list[str]:
        """Every team, down the cascade: each after its parent, siblings in name order
        (as the tree shows them); teams only reachable through a cycle of parents last."""
        roots = [name for name, ref in sorted(self.teams.items()) if ref.team.parent not in self.teams]
        return cascade_order(roots, sorted(self.teams), self.children)

    # --- graph questions -----------------------------------------------------------------

    @cached_property
    def top_teams(self) -> list[str]:
        return sorted(name for name, ref in self.teams.items() if not ref.has_parent)

    def ancestors(self, team: str) -> set[str]:
        """Teams above `team` (parents, their parents, ...)."""
        cache = self.__dict__.setdefault("_ancestors", {})
        if team not in cache:
            import networkx as nx

            view = self.view(PARENT)
            cache[team] = nx.descendants(view, team) - {team} if team in view else set()
        return cache[team]

    def cycles(self, *kinds: str) -> list[list[str]]:
        """Each cycle among edges of `kinds`, as the ordered list of its nodes."""
        import networkx as nx

        view = self.view(*kinds)
        found = []
        for component in nx.strongly_connected_components(view):
            if len(component) > 1 or any(view.has_edge(n, n) for n in component):
                start = min(component)
                cycle = nx.find_cycle(view.subgraph(component), source=start)
                found.append([u for u, _ in cycle])
        return sorted(found)

    @cached_property
    def reaching_top(self) -> set[str]:
        """Objectives whose cascades_from/supports chain reaches a KPO of a top team."""
        import networkx as nx

        view = self.view(CASCADES_FROM, SUPPORTS)
        reached: set[str] = set()
        for team in self.top_teams:
            for ref in self.entries_by_team.get(team, []):
                if isinstance(ref.entry, Objective) and ref.entry.level == "KPO":
                    reached.add(ref.key)
                    if ref.key in view:
                        reached |= nx.ancestors(view, ref.key)
        return reached

    @cached_property
    def past_unread_links(self) -> dict[str, tuple[tuple[str, str, str], ...]]:
        """Objectives whose cascades_from/supports chain runs into one a KP002 left without
        its `cascades_from` or `supports` (kpoctl.read.validate anchors each such problem at
        the field), that objective included, each with (file, team, id) of every one it
        runs into: while one of their KP002s is said, whether they reach the top is not
        known (a rule's problem about them waits for it: Problem.waits_for)."""
        import networkx as nx

        view = self.view(CASCADES_FROM, SUPPORTS)
        past: dict[str, tuple[tuple[str, str, str], ...]] = {}
        for key in self._unread_links():
            ref = self.entries[key]
            unread = (ref.file.file, ref.team, ref.entry.id)
            for below in [key, *(nx.ancestors(view, key) if key in view else ())]:
                past[below] = past.get(below, ()) + (unread,)
        return past

    def _unread_links(self) -> list[str]:
        return [ref.key for name, team_ref in self.teams.items() if team_ref.file.problems
                for ref in self.entries_by_team.get(name, ()) if any(self.left_unread(ref, f) for f in LINKS_UP)]

    def left_unread(self, ref: EntryRef, field: str) -> bool:
        """Whether a KP002 left this field of the entry unread: None in the model, as a
        field not given, but a rule that reports it missing would repeat the KP002."""
        if not ref.file.problems:
            return False
        cache = self.__dict__.setdefault("_unread", {})
        if ref.file.file not in cache:
            cache[ref.file.file] = _unread_fields(ref.file)
        return (ref.path + (field,)) in cache[ref.file.file]

    def team_depths(self) -> dict[str, int]:
        """Depth of each team below a top team (0 for top teams); teams in cycles are absent."""
        import networkx as nx

        view = self.view(PARENT).reverse(copy=False)
        depths: dict[str, int] = {}
        for top in self.top_teams:
            depths[top] = 0
            if top in view:
                for node, depth in nx.single_source_shortest_path_length(view, top).items():
                    depths[node] = depth
        return depths
