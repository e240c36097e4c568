"""Loaded files and problems as plain JSON values, and back: the cache's format.

JSON, not pickle: reading an entry builds lists, dicts, strings and numbers and
nothing else, so no cache entry, however forged, can run code. What comes back is
checked for shape (any mismatch is a ValueError, and the caller treats the entry
as absent); the team model is validated again by pydantic, as when it was read.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from kpoctl.common.findings import Location, Problem
from kpoctl.model import Team, _rebuild_actual
from kpoctl.model.scorecard import Suppression, SuppressionSite, TeamFile


class Malformed(ValueError):
    """A stored value that is not what this version of kpoctl writes."""


def _check(condition: bool) -> None:
    if not condition:
        raise Malformed("unexpected shape")


def problem_to_json(code: str, problem: Problem) -> list:
    loc = problem.location
    anchor = list(problem.anchor) if problem.anchor is not None else None
    waits = [list(entry) for entry in problem.waits_for] if problem.waits_for is not None else None
    return [code, problem.message, loc.file, loc.line, loc.column, problem.team, problem.id, anchor, waits]


def problem_from_json(value) -> tuple[str, Problem]:
    _check(isinstance(value, list) and len(value) == 9)
    code, message, file, line, column, team, entry, anchor, waits = value
    _check(isinstance(code, str) and isinstance(message, str) and isinstance(file, str))
    _check(type(line) is int and type(column) is int)
    _check(anchor is None or isinstance(anchor, list))
    _check(waits is None or (isinstance(waits, list) and all(
        isinstance(w, list) and len(w) == 3 and all(isinstance(part, str) for part in w) for w in waits)))
    return code, Problem(message, Location(file, line, column), team, entry,
                         tuple(anchor) if anchor is not None else None,
                         tuple(tuple(w) for w in waits) if waits is not None else None)


def problems_to_json(problems) -> list:
    return [problem_to_json(code, problem) for code, problem in problems]


def problems_from_json(value) -> tuple:
    _check(isinstance(value, list))
    return tuple(problem_from_json(item) for item in value)


def site_to_json(site: SuppressionSite | None):
    if site is None:
        return None
    comments = [[line, column, sorted(codes), unread] for line, (column, codes, unread) in site.comments.items()]
    return [site.file, comments, list(site.entry_lines), site.team_line]


def _suppressions(value: list) -> dict[int, Suppression]:
    return {int(line): Suppression(int(column), frozenset(codes), unread) for line, column, codes, unread in value}


def site_from_json(value) -> SuppressionSite | None:
    if value is None:
        return None
    _check(isinstance(value, list) and len(value) == 4)
    file, comments, entry_lines, team_line = value
    _check(isinstance(file, str) and isinstance(comments, list) and isinstance(entry_lines, list))
    return SuppressionSite(file, _suppressions(comments), tuple(entry_lines),
                           team_line)


def team_file_to_json(team_file: TeamFile) -> tuple[dict, list]:
    """The file as two JSON values: everything but the actuals, and the actuals of each
    indicator. They are stored apart because the actuals are most of a team's bulk and
    only the report reads them: the other views rebuild a team four times faster without.
    The team-scoped rules' problems are not stored here: the reader keeps them in its index."""
    team = None
    actuals: list = []
    if team_file.team is not None:
        team = team_file.team.model_dump(mode="json", exclude_defaults=True,
                                         exclude={"indicators": {"__all__": {"actuals"}}})
        actuals = [[[a.period, a.value, a.note] for a in indicator.actuals] for indicator in team_file.team.indicators]
    meta = {
        "file": team_file.file,
        "team": team,
        "entry_paths": [list(path) for path in team_file.entry_paths],
        "header": team_file.header,
        "entry_positions": [[list(path), list(slots)] for path, slots in team_file.entry_positions.items()],
        "problems": problems_to_json(team_file.problems),
        "suppressions": [[line, column, sorted(codes), unread]
                         for line, (column, codes, unread) in team_file.suppressions.items()],
        "invalid_fields": sorted(team_file.invalid_fields),
    }
    return meta, actuals


class StoredActuals(Sequence):
    """An indicator's actuals as the cache stored them (`[period, value, note]` rows), each
    made an Actual only when it is read. They were validated when the file was read and
    come back under the cache's signature; a warm report of 10,000 teams reads the last
    eight of each indicator, and building all 1.2 million took longer than the rest of
    the run (and most of its memory)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_actual(row) for row in self._rows[index]]
        return _actual(self._rows[index])

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"StoredActuals({list(self)!r})"


def _actual(row: list):
    period, value, note = row
    return _rebuild_actual(period, float(value), note)


def _attach_actuals(team: Team, actuals: list) -> None:
    """Give each indicator its stored actuals; a wrong shape is a miss (Malformed)."""
    _check(isinstance(actuals, list) and len(actuals) == len(team.indicators))
    for indicator, rows in zip(team.indicators, actuals):
        _check(isinstance(rows, list))  # each row is checked when read (_actual); signed, it is what we wrote
        object.__setattr__(indicator, "actuals", StoredActuals(rows))  # frozen to users; filled once, here


def team_file_from_json(value, actuals: list | None = None) -> TeamFile:
    """The TeamFile stored by team_file_to_json, with its actuals when they are given (else
    none) and no team-scoped problems; Malformed (or pydantic's error) otherwise."""
    _check(isinstance(value, dict))
    team = Team.model_validate(value["team"]) if value["team"] is not None else None
    if team is not None and actuals is not None:
        _attach_actuals(team, actuals)
    return TeamFile(
        file=value["file"],
        team=team,
        entry_paths=[tuple(path) for path in value["entry_paths"]],
        header={str(name): int(packed) for name, packed in value["header"].items()},
        entry_positions={tuple(path): array("q", slots) for path, slots in value["entry_positions"]},
        problems=list(problems_from_json(value["problems"])),
        suppressions=_suppressions(value["suppressions"]),
        invalid_fields=frozenset(value["invalid_fields"]),
    )
