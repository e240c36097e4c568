"""KP5xx: honesty over time, checked commit by commit in the scorecard's git history.

A scorecard can be gamed without one bad line in today's files: the target is
lowered the month after a miss, the off-track indicator quietly disappears, a
bad month is rewritten, the deadline slips again. These rules compare one team
as it was before a commit with the same team after it, and name the commits.

Each check reads a HistoryContext: the commit, the team before and after it,
and what earlier commits did (the Ledger). A problem is located in the commit's
version of the file; kpoctl.pipeline.history.place then moves it to today's
files, so an annotation lands on a line that exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from kpoctl.common.findings import Problem, Severity
from kpoctl.model import Indicator, Objective
from kpoctl.model.direction import eased
from kpoctl.model.rollup import fmt
from kpoctl.model.scorecard import TeamFile
from kpoctl.model.status import OFF_TRACK, latest, status, target_in_force, worst
from kpoctl.read.gitrevs import Revision
from kpoctl.rules.base import HISTORY, rule


@dataclass
class Ledger:
    """What the walk remembers between commits."""

    recorded: dict[tuple[str, str, str], Revision | None] = field(default_factory=dict)  # (team, id, period)
    pushes: dict[tuple[str, str], list[tuple[Revision, str, str]]] = field(default_factory=dict)  # due moved later

    def seed(self, side: TeamFile, revision: Revision | None) -> None:
        """A file first seen whole (added by `revision`, or as it was where the walk starts)."""
        if side.team is None:
            return
        for indicator in side.team.indicators:
            for actual in indicator.actuals:
                self.recorded.setdefault((side.team.team, indicator.id, actual.period), revision)

    def remember(self, ctx: "HistoryContext") -> None:
        """After the rules have read a commit: which actuals it recorded, which dues it pushed."""
        before_indicators = ctx.indicators(ctx.before)
        for indicator_id, indicator in ctx.indicators(ctx.after).items():
            was = before_indicators.get(indicator_id)
            known = {a.period for a in was.actuals} if was is not None else set()
            for actual in indicator.actuals:
                # new in this commit: recorded here; there before but never seen: before the walk
                self.recorded.setdefault((ctx.team, indicator_id, actual.period),
                                         ctx.revision if actual.period not in known else None)
        before_objectives = ctx.objectives(ctx.before)
        for objective_id, objective in ctx.objectives(ctx.after).items():
            was = before_objectives.get(objective_id)
            if was is not None and was.due is not None and objective.due is not None and objective.due > was.due:
                self.pushes.setdefault((ctx.team, objective_id), []).append(
                    (ctx.revision, was.due.isoformat(), objective.due.isoformat()))


@dataclass
class HistoryContext:
    """One team across one commit."""

    revision: Revision
    team: str
    before: TeamFile | None  # None: the team did not exist before the commit
    after: TeamFile | None  # None: the commit removed it
    ledger: Ledger

    # A side is None where the team did not exist; one that does always has its team (a
    # version whose team does not validate is never compared: kpoctl.pipeline.history).
    def indicators(self, side: TeamFile | None) -> dict[str, Indicator]:
        return {i.id: i for i in side.team.indicators} if side is not None else {}

    def objectives(self, side: TeamFile | None) -> dict[str, Objective]:
        return {o.id: o for o in side.team.objectives} if side is not None else {}

    def due_of(self, side: TeamFile | None, indicator: Indicator):
        measured = self.objectives(side).get(indicator.measures or "")
        return measured.due if measured is not None else None

    def status_before(self, indicator: Indicator) -> str | None:
        return status(indicator, self.due_of(self.before, indicator))

    def at(self, entry_id: str, message: str, field_name: str | None = None) -> Problem:
        """A problem about an entry, at its field after the commit, or where it was before
        when the commit removed it. The anchor, (field,) or (), is what `place` looks for in
        today's files (an entry gone today is placed at its team)."""
        path = _path_of(self.after, entry_id)
        if path is not None:
            location = self.after.location(path + ((field_name,) if field_name else ()))
        else:
            location = self.before.location(_path_of(self.before, entry_id))
        return Problem(message, location, self.team, entry_id, (field_name,) if field_name else ())

    def recorded_by(self, indicator_id: str, period: str) -> str:
        revision = self.ledger.recorded.get((self.team, indicator_id, period))
        return f"recorded in {revision}" if revision is not None else "recorded before the commits checked"


def _path_of(side: TeamFile | None, entry_id: str) -> tuple | None:
    """Where the entry is in that version of the file, if it is there."""
    return next((path for entry, path in side.entries() if entry.id == entry_id), None) if side is not None else None


@rule("KP501", "target-lowered-after-miss", Severity.WARNING,
      "History: a commit made a target easier while its indicator was off track",
      scope=HISTORY,
      bad="""
      # commit 1: {period: 2026-03, value: 88} recorded against target 95 (off track)
      # commit 2: target: {value: 88, direction: at_least}   <- the goal posts moved
      """,
      good="""
      # keep the target and record what is being done about the gap
      target: {value: 95, direction: at_least}
      actions: [Second shift on line 2 until the backlog is cleared]
      """)
def target_lowered_after_miss(ctx: HistoryContext) -> Iterable[Problem]:
    """Moving the goal posts: when an indicator is off track, the honest responses are
    actions or an explicit, reviewed change of plan; quietly lowering the target (or
    raising a ceiling) makes the scorecard green without anything getting better.
    Flagged when a commit makes the target easier while the indicator's latest actual
    before that commit was off track against the target then in force: a lower floor or
    a higher ceiling, a wider tolerance, or an easier target in force for that actual's
    period (an interim target, or the baseline's line, moved)."""
    after = ctx.indicators(ctx.after)
    for indicator_id, before in ctx.indicators(ctx.before).items():
        now = after.get(indicator_id)
        if now is None or before.target is None or now.target is None:
            continue
        actual = latest(before)
        if before.target.direction != now.target.direction or actual is None:
            continue
        moved = _eased("target", before.target, now.target, before.unit, now.unit)
        if moved is None:  # the target in force for that actual (tolerance and direction are the target's)
            was = target_in_force(before, actual.period, ctx.due_of(ctx.before, before))
            will = target_in_force(now, actual.period, ctx.due_of(ctx.after, now))
            moved = _eased(f"target in force for {actual.period}", was, will, before.unit, now.unit)
        # the status last: most commits make no target easier
        if moved is None or ctx.status_before(before) != OFF_TRACK:
            continue
        yield ctx.at(indicator_id, (
            f"'{indicator_id}' {moved} in {ctx.revision}, after its {actual.period} actual of "
            f"{fmt(actual.value, before.unit)} was off track ({ctx.recorded_by(indicator_id, actual.period)})"), "target")


def _eased(what: str, was, will, was_unit: str | None, will_unit: str | None) -> str | None:
    """How a target (the same direction before and after) was made easier, as a message
    says it, or None."""
    how = eased(was.value, was.tolerance, will.value, will.tolerance, was.direction)
    if how == "value":
        return f"{what} made easier from {fmt(was.value, was_unit)} to {fmt(will.value, will_unit)}"
    if how == "tolerance":
        return f"{what}'s tolerance widened from {fmt(was.tolerance or 0, was_unit)} to {fmt(will.tolerance, will_unit)}"
    return None


@rule("KP502", "removed-while-off-track", Severity.WARNING,
      "History: an indicator or objective was removed while it was off track",
      scope=HISTORY,
      bad="""
      # commit 1: otif-rate off track (88 against 95)
      # commit 2: the otif-rate indicator is deleted from the team file
      """,
      good="""
      # keep reporting it until the objective is met or dropped by decision,
      # and say so in the commit: "Drop OTIF: replaced by perfect-order rate (board, 2026-04-02)"
      """)
def removed_while_off_track(ctx: HistoryContext) -> Iterable[Problem]:
    """The invisible KPI: what is off track is exactly what must stay visible. An
    indicator (or an objective whose indicators are off track) deleted while off track
    takes the bad news out of every later report. Removal is sometimes right, which is
    why this is a warning to be read with the commit that did it."""
    after_indicators, after_objectives = ctx.indicators(ctx.after), ctx.objectives(ctx.after)
    before_indicators = ctx.indicators(ctx.before)
    for indicator_id, before in before_indicators.items():
        if indicator_id not in after_indicators and ctx.status_before(before) == OFF_TRACK:
            actual = latest(before)
            yield ctx.at(indicator_id, (
                f"'{indicator_id}' removed in {ctx.revision} while off track ({actual.period}: "
                f"{fmt(actual.value, before.unit)} against a target of {fmt(before.target.value, before.unit)})"))
    for objective_id in ctx.objectives(ctx.before).keys() - after_objectives.keys():
        measures = [i for i in before_indicators.values() if i.measures == objective_id]
        states = [ctx.status_before(i) for i in measures]
        if measures and None not in states and worst(states) == OFF_TRACK:
            yield ctx.at(objective_id, (
                f"'{objective_id}' removed in {ctx.revision} while off track (measured by "
                f"{', '.join(i.id for i, s in zip(measures, states) if s == OFF_TRACK)})"))


@rule("KP503", "actual-rewritten", Severity.WARNING,
      "History: an actual already recorded for a period was changed or deleted by a later commit",
      scope=HISTORY,
      bad="""
      # commit 1: - {period: 2026-03, value: 88}
      # commit 2: - {period: 2026-03, value: 93}   <- March, rewritten in May
      """,
      good="""
      # a genuine correction says so, and the finding is then read with its note:
      - {period: 2026-03, value: 93, note: "Restated: April returns booked in March (finance, 2026-05-04)"}
      """)
def actual_rewritten(ctx: HistoryContext) -> Iterable[Problem]:
    """A recorded actual is a fact of the past: once a period's figure is in the
    scorecard, changing it (or deleting it) rewrites what the meeting saw. Corrections
    happen, and then they should be visible; silent ones are how a trend is made to
    look better than it was. Reported with the commit that first recorded the value."""
    after = ctx.indicators(ctx.after)
    for indicator_id, before in ctx.indicators(ctx.before).items():
        now = after.get(indicator_id)
        if now is None:
            continue  # the whole indicator went: KP502's business
        values = {a.period: a.value for a in now.actuals}
        for actual in before.actuals:
            recorded = ctx.recorded_by(indicator_id, actual.period)
            if actual.period not in values:
                change = f"deleted in {ctx.revision} (it was {fmt(actual.value, before.unit)}, {recorded})"
            elif values[actual.period] != actual.value:
                change = f"rewritten from {fmt(actual.value, before.unit)} to {fmt(values[actual.period], now.unit)} in {ctx.revision} ({recorded})"
            else:
                continue
            yield ctx.at(indicator_id, f"'{indicator_id}' actual for {actual.period} {change}", "actuals")


@rule("KP504", "due-pushed-back-again", Severity.WARNING,
      "History: an objective's due date was pushed back more than once",
      scope=HISTORY,
      bad="""
      # commit 1: due: 2026-06-30 -> 2026-09-30
      # commit 2: due: 2026-09-30 -> 2026-12-31   <- the second slip
      """,
      good="""
      # re-plan once, openly, with the reason in the commit and the title
      due: 2026-09-30
      """)
def due_pushed_back_again(ctx: HistoryContext) -> Iterable[Problem]:
    """A deadline that moves once is a re-plan; one that keeps moving is an objective
    nobody is held to (time-bound is the T of SMART). Flagged at each push after the
    first, naming every push with its commit."""
    after = ctx.objectives(ctx.after)
    for objective_id, before in ctx.objectives(ctx.before).items():
        now = after.get(objective_id)
        if now is None or before.due is None or now.due is None or now.due <= before.due:
            continue
        pushes = [*ctx.ledger.pushes.get((ctx.team, objective_id), []),
                  (ctx.revision, before.due.isoformat(), now.due.isoformat())]
        if len(pushes) > 1:
            said = "; ".join(f"{old} -> {new} in {revision}" for revision, old, new in pushes)
            yield ctx.at(objective_id, f"'{objective_id}' due pushed back {len(pushes)} times: {said}", "due")
