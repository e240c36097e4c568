"""The loaded scorecard: team files with their validated model and positions.

This is what the loader produces and what the graph and rules read. It holds
no parsed YAML trees, only the model and the few positions findings need, so
thousands of teams fit in memory and cross process boundaries cheaply.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kpoctl.findings import Location
from kpoctl.model import Indicator, Objective, Settings, Team

# Positions are packed into one int: line * _SHIFT + column.
_SHIFT = 1 << 20


def pack(line: int, column: int) -> int:
    return line * _SHIFT + min(column, _SHIFT - 1)


def unpack(value: int) -> tuple[int, int]:
    return divmod(value, _SHIFT)


@dataclass(frozen=True, slots=True)
class RawProblem:
    """A problem found while reading a file (KP001, KP002), before the engine stamps it."""

    code: str
    message: str
    line: int
    column: int
    team: str | None = None
    id: str | None = None


_SUPPRESS = re.compile(r"#\s*kpoctl:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")


def find_suppressions(text: str) -> dict[int, frozenset[str]]:
    """Line -> codes silenced by `# kpoctl: ignore[...]` (an empty set silences all)."""
    if "kpoctl:" not in text:
        return {}
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "kpoctl:" in line:
            match = _SUPPRESS.search(line)
            if match:
                codes = match.group(1)
                found[number] = frozenset(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else frozenset()
    return found


@dataclass(slots=True)
class TeamFile:
    """One file under PATH that is (or claims to be) a team scorecard."""

    file: str  # relative to PATH, with forward slashes
    team: Team | None = None
    entry_paths: list[tuple] = field(default_factory=list)  # aligned with team.objectives + team.indicators
    positions: dict[tuple, int] = field(default_factory=dict)  # value positions, packed
    key_positions: dict[tuple, int] = field(default_factory=dict)  # key positions, packed
    problems: list[RawProblem] = field(default_factory=list)
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    invalid_fields: frozenset[str] = frozenset()  # header fields dropped as invalid (already KP002)

    def location(self, path: tuple = (), *, key: bool = False) -> Location:
        """Where the node at `path` is (its key when `key`), else its nearest known ancestor."""
        if key and path in self.key_positions:
            return Location(self.file, *unpack(self.key_positions[path]))
        while path and path not in self.positions:
            if path in self.key_positions:
                return Location(self.file, *unpack(self.key_positions[path]))
            path = path[:-1]
        packed = self.positions.get(path)
        return Location(self.file, *unpack(packed)) if packed is not None else Location(self.file, 1, 1)

    def entries(self) -> Iterator[tuple[Objective | Indicator, tuple]]:
        """Every kept entry with its path in the document."""
        if self.team is None:
            return iter(())
        return zip([*self.team.objectives, *self.team.indicators], self.entry_paths)


@dataclass(slots=True)
class Scorecard:
    """Everything one run looks at."""

    root: Path
    settings: Settings
    files: list[TeamFile]
    settings_file: Path | None = None

    @property
    def today(self) -> dt.date:
        return self.settings.today or dt.date.today()

    def teams(self) -> Iterator[tuple[Team, TeamFile]]:
        for team_file in self.files:
            if team_file.team is not None:
                yield team_file.team, team_file
