"""The loaded scorecard: team files with their validated model and positions.

This is what the loader produces and what the graph and rules read. It holds
no parsed YAML trees, only the model and the few positions findings need, so
thousands of teams fit in memory and cross process boundaries cheaply.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from kpoctl.common.findings import Location, Problem
from kpoctl.model import Indicator, Objective, Settings, Team

# Positions are packed into one int: line * _SHIFT + column. 2**32: a scorecard exported
# as one line of JSON has columns past a million (2**20 cut them to 1,048,575), and a
# line number times 2**32 still fits the 64-bit slots of an entry's array.
_SHIFT = 1 << 32


def pack(line: int, column: int) -> int:
    return line * _SHIFT + min(column, _SHIFT - 1)


def unpack(value: int) -> tuple[int, int]:
    return divmod(value, _SHIFT)


# what follows `# kpoctl:`, to the end of the line; `# kpoctl ignore` (no colon) is caught
# too, to be said (KP007) rather than silently read as a plain comment
_DIRECTIVE = re.compile(r"#\s*kpoctl(:|\s+(?=ignore\b))(.*)")
# `ignore` alone (then the end of the line or another comment), or `ignore[codes]` (then
# anything: a reason); codes split on commas or blanks
_IGNORE = re.compile(r"\s*ignore(?:\s*(?:#.*)?|\[([A-Za-z0-9,\s]*)\].*)")


class Suppression(NamedTuple):
    """One `# kpoctl:` comment: where its `#` is on its line (what KP007 points at), the
    codes it silences (none: every rule), and, when it is in neither form kpoctl reads,
    its text from the `#`: it then silences nothing, and KP007 quotes it."""

    column: int
    codes: frozenset[str]
    unread: str | None = None


def find_suppressions(text: str) -> dict[int, Suppression]:
    """Line -> codes silenced by `# kpoctl: ignore[...]` (an empty set silences all). A
    `# kpoctl:` comment that is not one of the two forms (`ignore KP101`, `ignored`, an
    unclosed or empty `[`, `# kpoctl ignore` without its colon) silences nothing rather than
    everything (Suppression.unread)."""
    if "kpoctl" not in text:
        return {}
    found: dict[int, Suppression] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "kpoctl" in line and (directive := _DIRECTIVE.search(line)):
            ignore = _IGNORE.fullmatch(directive.group(2)) if directive.group(1) == ":" else None
            listed = ignore.group(1) if ignore is not None else None  # None: a bare `ignore`
            codes = frozenset(c.upper() for c in re.split(r"[,\s]+", listed) if c) if listed is not None else frozenset()
            if ignore is None or (listed is not None and not codes):  # `ignore[]`, `ignore[,]`: not `ignore`
                found[number] = Suppression(directive.start() + 1, frozenset(), line[directive.start():].strip())
            else:
                found[number] = Suppression(directive.start() + 1, codes)
    return found


@dataclass(frozen=True, slots=True)
class SuppressionSite:
    """A file's suppression comments, with the lines they may sit on to count:
    where an entry starts, and the `team:` line."""

    file: str
    comments: dict[int, Suppression]  # by line
    entry_lines: tuple[int, ...]  # sorted
    team_line: int | None


# Per entry, positions live in one small int array: slot 0 is where the entry starts,
# slot 1 where its last actual starts, then the key of each field in FIELD_SLOTS order.
# Thousands of teams then cost kilobytes of positions each, not a dict of tuples.
FIELD_SLOTS: dict[str, int] = {
    name: index + 2 for index, name in enumerate(sorted({*Objective.model_fields, *Indicator.model_fields}))
}
ENTRY_SLOTS = len(FIELD_SLOTS) + 2
SECTION_NAMES = ("objectives", "indicators")
SCHEMA_CODE = "KP002"  # what the reader found invalid (kpoctl.read.load.SCHEMA)
WHOLE = "*"  # a KP002 about an entry none of which was kept, not one field of it


def unread_part(code: str, problem: Problem) -> tuple[tuple, str] | None:
    """What a KP002 left unread of an entry, as kpoctl.read.validate anchors it: (the entry's
    path, the field or WHOLE); None for any other problem, or one about the team's own fields."""
    anchor = problem.anchor
    if code != SCHEMA_CODE or not anchor or anchor[0] not in SECTION_NAMES:
        return None
    return anchor[:2], anchor[2] if len(anchor) > 2 and isinstance(anchor[2], str) else WHOLE


@dataclass(slots=True)
class TeamFile:
    """One file under PATH that is (or claims to be) a team scorecard."""

    file: str  # relative to PATH, with forward slashes
    team: Team | None = None
    entry_paths: list[tuple] = field(default_factory=list)  # aligned with team.objectives + team.indicators
    header: dict[str, int] = field(default_factory=dict)  # packed positions of the team's own keys
    entry_positions: dict[tuple, array] = field(default_factory=dict)  # every entry in the file, valid or not
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # what reading found: (KP001 or KP002, problem)
    suppressions: dict[int, Suppression] = field(default_factory=dict)  # by line
    invalid_fields: frozenset[str] = frozenset()  # header fields dropped as invalid (already KP002)
    # Problems of the team-scoped rules, as (code, Problem), once the file has been analysed
    # on its own (engine.analyse_file): computed in worker processes and cached with the file.
    team_problems: tuple | None = None
    # Set by kpoctl.model.links.links_only: the model holds the link fields alone.
    links_only: bool = False
    # What views work out from this file alone (kpoctl.output.views.parts), by kind, as
    # compact JSON, when the worker that read it was asked for them.
    parts: dict | None = None

    def location(self, path: tuple = ()) -> Location:
        """Where the node at `path` is: a team key, an entry, an entry's field key, or an
        entry's actuals; else its nearest known ancestor."""
        if len(path) == 1 and path[0] in self.header:
            return Location(self.file, *unpack(self.header[path[0]]))
        slots = self.entry_positions.get(path[:2]) if len(path) >= 2 else None
        if slots is None:
            return Location(self.file, 1, 1)
        packed = slots[0]
        if len(path) >= 4 and path[2] == "actuals" and slots[1]:
            packed = slots[1]
        elif len(path) >= 3 and slots[FIELD_SLOTS.get(path[2], 0)]:
            packed = slots[FIELD_SLOTS.get(path[2], 0)]
        return Location(self.file, *unpack(packed))

    def entry_lines(self) -> list[int]:
        """The line where each entry of the file starts."""
        return sorted(unpack(slots[0])[0] for slots in self.entry_positions.values())

    def suppression_site(self) -> SuppressionSite | None:
        """What the suppressor needs of this file, or None when it has no suppression comment."""
        if not self.suppressions:
            return None
        team = self.header.get("team")
        return SuppressionSite(self.file, self.suppressions, tuple(self.entry_lines()),
                               unpack(team)[0] if team is not None else None)

    def entries(self) -> Iterator[tuple[Objective | Indicator, tuple]]:
        """Every kept entry with its path in the document."""
        if self.team is None:
            return iter(())
        return zip([*self.team.objectives, *self.team.indicators], self.entry_paths)


# The levels of a team document whose positions compact_positions keeps, which is all
# the reader records of a valid file: as values, the entries (objectives, 3) and their
# actuals (indicators, 3, actuals, 11); as keys, the team's own and each entry's.
VALUE_LEVELS, KEY_LEVELS = frozenset({2, 4}), frozenset({1, 3})


def compact_positions(data: Any, values: dict, keys: dict) -> tuple[dict[str, int], dict[tuple, array]]:
    """From a parsed document's positions, keep what findings point at (see FIELD_SLOTS):
    the nodes at VALUE_LEVELS and KEY_LEVELS. Walks the document's own keys and entries (in
    document order) and looks each position up, rather than scanning every recorded one."""
    header: dict[str, int] = {}
    entries: dict[tuple, array] = {}
    if not isinstance(data, dict):
        return header, entries
    for name in data:
        if (at := keys.get((name,))) is not None:
            header[name] = pack(*at)
    for section in [name for name in data if name in SECTION_NAMES]:
        items = data[section]
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if (at := values.get((section, index))) is not None:
                entries[(section, index)] = _entry_slots(section, index, item, at, values, keys)
    return header, entries


_NO_SLOTS = bytes(8 * ENTRY_SLOTS)


def _entry_slots(section: str, index: int, item: Any, at: tuple[int, int], values: dict, keys: dict) -> array:
    """One entry's slots (see FIELD_SLOTS): where it starts, its last actual, its keys."""
    slots = array("q", _NO_SLOTS)
    slots[0] = pack(*at)
    if not isinstance(item, dict):
        return slots
    slot_of, shift, widest = FIELD_SLOTS.get, _SHIFT, _SHIFT - 1
    for name in item:  # pack(), inline: a large scorecard packs millions of keys
        if (slot := slot_of(name)) is not None and (where := keys.get((section, index, name))) is not None:
            line, column = where
            slots[slot] = line * shift + (column if column < widest else widest)
    actuals = item.get("actuals")
    if isinstance(actuals, (list, dict)):  # the last actual written stays (stale data, KP403)
        members = reversed(range(len(actuals))) if isinstance(actuals, list) else reversed(list(actuals))
        for member in members:
            if (where := values.get((section, index, "actuals", member))) is not None:
                slots[1] = pack(*where)
                break
    return slots


@dataclass(slots=True)
class Scorecard:
    """Everything one run looks at."""

    root: Path
    settings: Settings
    files: list[TeamFile]
    settings_file: Path | None = None

    @property
    def today(self) -> dt.date:
        return self.settings.run_date()

    def teams(self) -> Iterator[tuple[Team, TeamFile]]:
        for team_file in self.files:
            if team_file.team is not None:
                yield team_file.team, team_file
