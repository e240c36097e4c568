"""The walk behind `kpoctl history` and `lint --history`: commit by commit, team by team.

Oldest commit first, each commit's changed team files are read (with the same
reader as lint) and each team is handed to the KP5xx rules as it was before and
after. A file is parsed only when a comparison needs it: a file a commit adds is
kept as its blob id until a later commit changes or removes it, so the first
commit of ten thousand files costs nothing. A file version that cannot be read
(KP001, or a team header that does not validate) is not compared, and said: the
team keeps its last readable version, and the next readable one is compared
with that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from kpoctl.common.findings import Location, Problem
from kpoctl.graph import CascadeGraph
from kpoctl.model import Settings
from kpoctl.model.scorecard import TeamFile
from kpoctl.read.gitrevs import Change, History, Revision, Window, describe
from kpoctl.read.load import SCHEMA, UNREADABLE, read_team_bytes
from kpoctl.rules.base import HISTORY, REGISTRY
from kpoctl.rules.history import HistoryContext, Ledger, Locate

Observer = Callable[[HistoryContext], None]
_TEAM_ID = re.compile(rb"^team\s*:\s*['\"]?([^\s'\"#]+)", re.M)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file version the walk could not compare: where, in which commit, why."""

    relative: str
    revision: Revision
    why: str


@dataclass
class _Known:
    """A path's last readable version: parsed, or only its blob while nothing needs it."""

    blob: str
    parsed: TeamFile | None = None
    added_by: Revision | None = None
    read: bool = False


@dataclass
class Walked:
    """What a walk found: problems as (code, problem), the versions it skipped, how far it went."""

    problems: list[tuple[str, Problem]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    commits: int = 0
    first: Revision | None = None
    last: Revision | None = None


class HistoryWalk:
    """One pass over the commits of a window; `observe` sees every team a commit changed."""

    def __init__(self, root: Path, settings: Settings, window: Window = Window(), *, watch: str | None = None) -> None:
        self.history = History(root)
        self.settings = settings
        self.window = window
        self.watch = watch  # a team id: its added files are read at once (the timeline of one indicator)
        self.ledger = Ledger()
        self.known: dict[str, _Known] = {}
        self.parsed: dict[tuple[str, str], TeamFile | None] = {}

    def run(self, observe: Observer, locate: Locate | None = None) -> Walked:
        walked = Walked()
        commits = self.history.revisions(self.window)
        for commit in commits:
            revision = describe(commit)
            walked.first = walked.first or revision
            walked.last = revision
            walked.commits += 1
            changes = list(self.history.changes(commit))
            if changes:
                self._commit(revision, changes, observe, locate or _nowhere, walked)
        return walked

    def _commit(self, revision: Revision, changes: list[Change], observe: Observer, locate: Locate,
                walked: Walked) -> None:
        removing = any(change.after is None for change in changes)  # a team may be moving: read what is added
        befores: dict[str, TeamFile] = {}
        afters: dict[str, TeamFile] = {}
        for change in changes:
            before = self._before(change, walked)
            after = None
            if change.after is None:
                self.known.pop(change.relative, None)
            elif before is None and not removing and not self._watched(change.after):
                self.known[change.relative] = _Known(change.after, added_by=revision)
                continue
            else:
                after = self._parse(change.after, change.relative)
                problem = _unreadable(after)
                if problem is not None:
                    walked.skipped.append(Skipped(change.relative, revision, problem))
                    continue  # the path keeps its last readable version
                self.known[change.relative] = _Known(change.after, after, read=True)
            if before is not None and before.team is not None:
                befores.setdefault(before.team.team, before)
            if after is not None and after.team is not None:
                afters.setdefault(after.team.team, after)
        for team in sorted(befores.keys() | afters.keys()):
            ctx = HistoryContext(revision, team, befores.get(team), afters.get(team), self.ledger, locate)
            observe(ctx)
            self.ledger.remember(ctx)

    def _before(self, change: Change, walked: Walked) -> TeamFile | None:
        """The path's last readable version before the commit, if it had one."""
        known = self.known.get(change.relative)
        if known is None:
            if change.before is None:
                return None
            known = self.known[change.relative] = _Known(change.before)  # where the walk starts
        if not known.read:
            known.parsed, known.read = self._parse(known.blob, change.relative), True
            if _unreadable(known.parsed) is not None:
                known.parsed = None
            elif known.parsed is not None:
                self.ledger.seed(known.parsed, known.added_by)
        return known.parsed

    def _parse(self, blob: str, relative: str) -> TeamFile | None:
        key = (blob, relative)
        if key not in self.parsed:
            if self.history.blob_size(blob) > self.settings.max_file_mb * 1_000_000:
                self.parsed[key] = TeamFile(file=relative, problems=[(UNREADABLE, Problem(
                    f"file is over max_file_mb ({self.settings.max_file_mb:g}): not read", Location(relative, 1, 1)))])
            else:
                self.parsed[key] = read_team_bytes(self.history.blob(blob), relative, self.settings)
        return self.parsed[key]

    def _watched(self, blob: str) -> bool:
        if self.watch is None:
            return False
        found = _TEAM_ID.search(self.history.blob(blob))
        return found is None or found.group(1).decode("utf-8", "replace") == self.watch


def _unreadable(team_file: TeamFile | None) -> str | None:
    """Why a version cannot be compared: it does not parse, or its team header is invalid."""
    if team_file is None:
        return None
    for code, problem in team_file.problems:
        if code == UNREADABLE or (code == SCHEMA and team_file.team is None):
            return f"{code} line {problem.location.line}: {problem.message}"
    return None


def _nowhere(team: str, entry_id: str | None, field_name: str | None) -> Location | None:
    return None


def today_locator(graph: CascadeGraph) -> Locate:
    """Findings point at today's files: the entry's field, else its team, else nowhere."""

    def locate(team: str, entry_id: str | None, field_name: str | None) -> Location | None:
        ref = graph.entries.get(f"{team}/{entry_id}") if entry_id else None
        if ref is not None:
            return ref.location(field_name)
        team_ref = graph.teams.get(team)
        return team_ref.location() if team_ref is not None else None

    return locate


def history_codes() -> frozenset[str]:
    return frozenset(code for code, rule in REGISTRY.items() if rule.scope == HISTORY)


def check_history(root: Path, settings: Settings, graph: CascadeGraph, window: Window = Window(),
                  codes: Iterable[str] | None = None) -> Walked:
    """Every selected KP5xx problem over the window's commits, located in today's files."""
    rules = [(code, REGISTRY[code]) for code in sorted(history_codes() if codes is None else codes)
             if REGISTRY[code].scope == HISTORY]
    walk = HistoryWalk(root, settings, window)
    found: list[tuple[str, Problem]] = []

    def observe(ctx: HistoryContext) -> None:
        if ctx.before is not None:
            found.extend((code, problem) for code, rule in rules for problem in rule.check(ctx))

    walked = walk.run(observe, today_locator(graph))
    walked.problems = found
    return walked
