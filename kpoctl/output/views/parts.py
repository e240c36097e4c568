"""The views from each team's own part: what a view shows of a team, worked out from its file alone.

`tree`, `report` and `orphans` are team-local but for the order of the teams: a
team's nodes, report rows and orphans depend only on its own file (`measures` and
`supports` name entries of the same team; the graph keeps each team's first file
and each id's first entry, as a file read alone does). So each view module has a
`*_part(team_file, settings)` that gives plain JSON values, the read path keeps them
by the file's content (kpoctl.pipeline.reading.Reading.derived), and `Teams` puts
the parts of the whole scorecard together by the teams' parents. A warm run of a
view reads the parts and builds no model and no graph; a cold one computes them.
"""

from __future__ import annotations

from pathlib import Path

from kpoctl.graph import CascadeGraph, cascade_order
from kpoctl.model import Settings
from kpoctl.model.scorecard import Scorecard, TeamFile


def alone(team_file: TeamFile, settings: Settings) -> CascadeGraph:
    """The graph of one file on its own: all a team's part needs (as the per-file rules)."""
    return CascadeGraph(Scorecard(root=Path("."), settings=settings, files=[team_file]))


def header(team_file: TeamFile) -> dict:
    team = team_file.team
    assert team is not None
    return {"team": team.team, "name": team.name, "parent": team.parent, "owner": team.owner,
            "meeting": team.meeting}


class Teams:
    """Every team's part, the first file of each team (as the graph keeps it), with the
    teams' parents: the tree of teams a view walks."""

    def __init__(self, parts: dict[str, dict | None]) -> None:
        self.parts: dict[str, dict] = {}
        self.files: dict[str, str] = {}
        for relative, part in parts.items():
            if part is not None and part["team"] not in self.parts:
                self.parts[part["team"]] = part
                self.files[part["team"]] = relative
        self._children: dict[str, list[str]] = {}
        for name, part in self.parts.items():
            if part["parent"] in self.parts:
                self._children.setdefault(part["parent"], []).append(name)
        for names in self._children.values():
            names.sort()

    def __contains__(self, name: str) -> bool:
        return name in self.parts

    def children(self, name: str) -> list[str]:
        """Teams whose parent is `name`, in name order."""
        return self._children.get(name, [])

    def roots(self) -> list[str]:
        """Teams with no known parent, in name order."""
        return sorted(name for name, part in self.parts.items() if part["parent"] not in self.parts)

    def cascade_order(self) -> list[str]:
        """Every team down the cascade, as CascadeGraph.cascade_order gives it."""
        return cascade_order(self.roots(), sorted(self.parts), self.children)
