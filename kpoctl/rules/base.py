"""What a rule is, and the context its check reads.

A rule is data plus one check function: its code, default severity, summary,
rationale (the check's docstring), a bad and a good example. Checks yield
Problems; the engine stamps code and severity. Rules never print.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from kpoctl.common.findings import Problem, Severity
from kpoctl.graph import CascadeGraph, EntryRef, TeamRef
from kpoctl.model import Settings
from kpoctl.model.profiles import profile_of
from kpoctl.model.scorecard import Scorecard


@dataclass(slots=True)
class Context:
    """What every check may read."""

    scorecard: Scorecard
    graph: CascadeGraph
    settings: Settings
    today: dt.date

    def at(self, ref: EntryRef | TeamRef, message: str, field_name: str | None = None,
           waits_for: tuple[tuple[str, str, str], ...] | None = None) -> Problem:
        """A problem about an entry (or team), at the entry or one of its fields; `waits_for`:
        the entries with an unread link it lies below (CascadeGraph.past_unread_links)."""
        if isinstance(ref, TeamRef):
            anchor = (field_name or "team",)
            return Problem(message, ref.file.location(anchor), ref.team.team, None, anchor, waits_for)
        anchor = ref.path if field_name is None else ref.path + (field_name,)
        return Problem(message, ref.file.location(anchor), ref.team, ref.entry.id, anchor, waits_for)


Check = Callable[[Context], Iterable[Problem]]


TEAM = "team"  # the check reads one team's own file only: run per file, in workers, cached
SCORECARD = "scorecard"  # the check reads across teams: run once over the whole graph
HISTORY = "history"  # the check compares a team before and after a commit (kpoctl history, lint --history)
ENGINE = "engine"  # no check: the engine itself finds these (KP007, as ruff's RUF100)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    bad: str
    good: str
    check: Check
    scope: str = SCORECARD
    profile: str | None = None  # a framework profile's rule runs only under that profile (kpoctl.model.profiles)
    # The fields of the team's other entries its findings depend on: while one of them is
    # left unread (a KP002), the rule's findings in that team wait (kpoctl.rules.engine.finish).
    reads: frozenset[str] = frozenset()

    def runs_under(self, profile: str) -> bool:
        """A profile's own rules run under it only; it may stand in for some of the model's."""
        if self.profile is not None:
            return self.profile == profile
        return self.code not in profile_of(profile).replaces


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, summary: str, *, bad: str, good: str,
         scope: str = SCORECARD, profile: str | None = None, reads: Iterable[str] = ()) -> Callable[[Check], Check]:
    """Register a check under its code; the docstring is the rationale `explain` prints.
    `scope=TEAM` promises the check reads nothing but the team's own file; `reads` names
    what it reads of entries other than the one a finding is about (Rule.reads)."""

    def register(check: Check) -> Check:
        if code in REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        REGISTRY[code] = Rule(
            code, name, severity, summary, inspect.cleandoc(check.__doc__ or ""),
            inspect.cleandoc(bad), inspect.cleandoc(good), check, scope, profile, frozenset(reads),
        )
        return check

    return register


def engine_rule(code: str, name: str, severity: Severity, summary: str, *, rationale: str, bad: str,
                good: str) -> None:
    """Register a code the engine emits itself: selectable, explained, severity set like any rule."""
    if code in REGISTRY:
        raise ValueError(f"rule {code} registered twice")
    REGISTRY[code] = Rule(code, name, severity, summary, inspect.cleandoc(rationale), inspect.cleandoc(bad),
                          inspect.cleandoc(good), _found_by_the_engine, ENGINE)


def _found_by_the_engine(ctx: Context) -> Iterable[Problem]:
    return ()


def entries(ctx: Context) -> Iterator[EntryRef]:
    for refs in ctx.graph.entries_by_team.values():
        yield from refs
