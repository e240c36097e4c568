"""The walk behind `kpoctl history` and `lint --history`: commit by commit, team by team.

Oldest commit first, each commit's changed team files are read (with the same
reader as lint) and each team is handed to the KP5xx rules as it was before and
after. A file is parsed only when a comparison needs it: a file a commit adds is
kept as its blob id until a later commit changes or removes it, so the first
commit of ten thousand files costs nothing. A file version that cannot be read
(KP001) or does not validate (KP002) is not compared, and said: the team keeps
its last readable version, and the next readable one is compared with that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from kpoctl.common.findings import Location, Problem
from kpoctl.graph import CascadeGraph
from kpoctl.model import Settings
from kpoctl.model.scorecard import TeamFile
from kpoctl.read.gitrevs import Change, History, Revision, Window, describe
from kpoctl.read.load import SCHEMA, UNREADABLE, read_team_bytes
from kpoctl.rules.base import HISTORY, REGISTRY
from kpoctl.rules.history import HistoryContext, Ledger

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

    shallow: bool  # a shallow clone: the history before its cut-off is not there to check
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    commits: int = 0
    first: Revision | None = None
    last: Revision | None = None
    team_files: dict[str, str] = field(default_factory=dict)  # team -> its file at the last commit, if read


class HistoryWalk:
    """One pass over the commits of a window; `observe` sees every team a commit changed."""

    def __init__(self, root: Path, settings: Settings, window: Window = Window(), *, watch: str | None = None) -> None:
        self.history = History(root)
        self.settings = settings
        self.window = window
        self.watch = watch  # a team id: its added files are read at once (the timeline of one indicator)
        self.ledger = Ledger()
        self.known: dict[str, _Known] = {}
        self.reported: set[str] = set()  # the commits findings may name (with a base: the merge request's)

    def run(self, observe: Observer) -> Walked:
        walked = Walked(shallow=self.history.repo.is_shallow)
        commits, first_reported = self.history.revisions(self.window)
        for number, commit in enumerate(commits):
            revision = describe(commit)
            if number >= first_reported:
                self.reported.add(revision.hash)
                walked.first = walked.first or revision
                walked.last = revision
                walked.commits += 1
            changes = list(self.history.changes(commit))
            if changes:
                self._commit(revision, changes, observe, walked)
        return walked

    def _commit(self, revision: Revision, changes: list[Change], observe: Observer, walked: Walked) -> None:
        removing = any(change.after is None for change in changes)  # a team may be moving: read what is added
        befores: dict[str, TeamFile] = {}
        afters: dict[str, TeamFile] = {}
        for change in changes:
            before = self._before(change)
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
            # a version kept is a team file that validated (_unreadable): it has its team
            if before is not None:
                befores.setdefault(before.team.team, before)
            if after is not None:
                afters.setdefault(after.team.team, after)
        for team in sorted(befores.keys() | afters.keys()):
            ctx = HistoryContext(revision, team, befores.get(team), afters.get(team), self.ledger)
            observe(ctx)
            self.ledger.remember(ctx)

    def team_files(self) -> dict[str, str]:
        """Where each team the walk read lives at its last commit (the files findings name)."""
        return {known.parsed.team.team: relative for relative, known in sorted(self.known.items())
                if known.parsed is not None}

    def _before(self, change: Change) -> TeamFile | None:
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
        """One version of a file, read as lint reads a file (each version once: `known` keeps
        the one a later commit compares with)."""
        if self.history.blob_size(blob) > self.settings.max_file_mb * 1_000_000:
            return TeamFile(file=relative, problems=[(UNREADABLE, Problem(
                f"file is over max_file_mb ({self.settings.max_file_mb:g}): not read", Location(relative, 1, 1)))])
        return read_team_bytes(self.history.blob(blob), relative, self.settings)

    def _watched(self, blob: str) -> bool:
        if self.watch is None:
            return False
        found = _TEAM_ID.search(self.history.blob(blob))
        return found is None or found.group(1).decode("utf-8", "replace") == self.watch


def _unreadable(team_file: TeamFile | None) -> str | None:
    """Why a version cannot be compared: it does not parse (KP001), or part of it does not
    validate (KP002: an invalid entry is dropped from the model, and would look removed).
    The walk then keeps the last version it could compare, and says so."""
    if team_file is None:
        return None
    for code, problem in team_file.problems:
        if code in (UNREADABLE, SCHEMA):
            return f"{code} line {problem.location.line}: {problem.message}"
    return None


def place(problems: list[tuple[str, Problem]], graph: CascadeGraph) -> list[tuple[str, Problem]]:
    """History problems moved to today's files (`graph`): an entry's field (the problem's
    anchor), or its team when the entry is gone; where nothing of it is left today, the
    problem stays where the commit had it."""
    placed = []
    for code, problem in problems:
        ref = graph.entries.get(f"{problem.team}/{problem.id}")
        location = ref.location(problem.anchor[0] if problem.anchor else None) if ref is not None else None
        if location is None and problem.team in graph.teams:
            location = graph.teams[problem.team].location()
        placed.append((code, replace(problem, location=location) if location is not None else problem))
    return placed


def history_codes() -> frozenset[str]:
    return frozenset(code for code, rule in REGISTRY.items() if rule.scope == HISTORY)


def check_history(root: Path, settings: Settings, window: Window = Window(),
                  codes: Iterable[str] | None = None) -> Walked:
    """Every selected KP5xx problem over the window's commits, located in the commits' files
    (`place` moves them to today's; `Walked.team_files` says where each team is at the end)."""
    rules = [(code, REGISTRY[code]) for code in sorted(history_codes() if codes is None else codes)
             if REGISTRY[code].scope == HISTORY]
    walk = HistoryWalk(root, settings, window)
    found: list[tuple[str, Problem]] = []

    def observe(ctx: HistoryContext) -> None:
        if ctx.revision.hash in walk.reported:
            found.extend((code, problem) for code, rule in rules for problem in rule.check(ctx))

    walked = walk.run(observe)
    walked.problems = found
    walked.team_files = walk.team_files()
    return walked


@dataclass(frozen=True, slots=True)
class Step:
    """One indicator in one commit that changed it: what it was after, and what changed."""

    revision: Revision
    present: bool
    target: float | None
    direction: str | None
    unit: str | None
    due: str | None
    latest_period: str | None
    latest_value: float | None
    status: str | None
    changes: tuple[str, ...]


def indicator_timeline(root: Path, settings: Settings, team: str, indicator_id: str,
                       window: Window = Window()) -> tuple[list[Step], Walked, str | None]:
    """The indicator through the commits that changed it, the KP5xx problems about it (or
    about the objective it measures), in the commits' files, and the team's file at the end."""
    from kpoctl.model.rollup import fmt
    from kpoctl.model.status import latest, status

    rules = [(code, REGISTRY[code]) for code in sorted(history_codes())]
    steps: list[Step] = []
    found: list[tuple[str, Problem]] = []

    def observe(ctx: HistoryContext) -> None:
        if ctx.team != team or ctx.revision.hash not in walk.reported:
            return
        compared = _compared(ctx.before, ctx.after, indicator_id)
        if compared is None:
            return
        before, after, due_before, due_after, measured = compared
        changes = _changes(before, after, due_before, due_after, fmt)
        if ctx.before is not None:
            found.extend((code, p) for code, rule in rules for p in rule.check(ctx) if p.id in (indicator_id, measured))
        if not changes:
            return
        now = latest(after) if after is not None else None
        steps.append(Step(ctx.revision, after is not None, after.target.value if after and after.target else None,
                          after.target.direction if after and after.target else None, (after or before).unit,
                          due_after.isoformat() if due_after else None, now.period if now else None,
                          now.value if now else None, status(after, due_after) if after is not None else None,
                          tuple(changes)))

    walk = HistoryWalk(root, settings, window, watch=team)
    walked = walk.run(observe)
    walked.problems = found
    return steps, walked, walk.team_files().get(team)


def uncommitted_changes(root: Path, settings: Settings, relative: str, indicator_id: str) -> tuple[str, ...]:
    """What the work tree has changed of the indicator since HEAD, in the timeline's words:
    a value rewritten before it is committed is as much a part of its past as one after.
    Nothing when HEAD and the work tree agree; one sentence when either does not validate."""
    from kpoctl.model.rollup import fmt
    from kpoctl.read.load import OVERSIZED, read_regular

    history = History(root)
    blob = history.head_blob(relative)
    committed = history.blob(blob) if blob is not None and history.blob_size(blob) <= settings.max_file_mb * 1e6 else None
    try:
        now = read_regular(root / relative, settings)  # never a link followed, nor a file past max_file_mb
    except OSError:
        now = None  # gone from the work tree
    if (blob is not None and committed is None) or now is OVERSIZED or now == committed:
        return ()  # past max_file_mb: the walk or lint says so; else nothing changed
    sides = [read_team_bytes(raw, relative, settings) if raw is not None else None for raw in (committed, now)]
    for side, where in zip(sides, ("committed", "work tree's")):
        if side is not None and (side.team is None or side.problems):
            return (f"{relative} has changed, but the {where} file does not validate, so they cannot be "
                    "compared: `kpoctl lint` says why",)
    compared = _compared(*sides, indicator_id)
    return tuple(_changes(*compared[:4], fmt)) if compared is not None else ()


def _compared(before: TeamFile | None, after: TeamFile | None, indicator_id: str):
    """(the indicator before, after, the due before, after, the objective it measures) across
    two versions of its team's file, or None when neither has it. Each due is that of the
    objective it measures now (then, once removed): a due moved is part of its story."""
    indicators = [{i.id: i for i in side.team.indicators}.get(indicator_id) if side is not None else None
                  for side in (before, after)]
    if all(indicator is None for indicator in indicators):
        return None
    measured = (indicators[1] or indicators[0]).measures
    dues = [_due({o.id: o for o in side.team.objectives} if side is not None else {}, measured)
            for side in (before, after)]
    return (*indicators, *dues, measured)


def _due(objectives: dict, objective_id: str | None):
    objective = objectives.get(objective_id)
    return objective.due if objective is not None else None


def _changes(before, after, due_before, due_after, fmt) -> list[str]:
    """What a commit did to an indicator, in a few words each."""
    if before is None:
        return ["added"]
    if after is None:
        return ["removed"]
    said: list[str] = []
    unit = after.unit
    old_target = (before.target.value, before.target.direction) if before.target else None
    new_target = (after.target.value, after.target.direction) if after.target else None
    if old_target != new_target:
        said.append(f"target {_target(old_target, unit, fmt)} -> {_target(new_target, unit, fmt)}")
    if due_before != due_after:
        said.append(f"due {due_before or 'none'} -> {due_after or 'none'}")
    old = {a.period: a.value for a in before.actuals}
    new = {a.period: a.value for a in after.actuals}
    said += [f"recorded {p}: {fmt(v, unit)}" for p, v in new.items() if p not in old]
    said += [f"{p} rewritten {fmt(old[p], unit)} -> {fmt(v, unit)}" for p, v in new.items() if p in old and old[p] != v]
    said += [f"{p} deleted (was {fmt(v, unit)})" for p, v in old.items() if p not in new]
    return said


def _target(target: tuple | None, unit: str | None, fmt) -> str:
    if target is None:
        return "none"
    value, direction = target
    return fmt(value, unit) + {"at_least": " or more", "at_most": " or less"}.get(direction, "")
