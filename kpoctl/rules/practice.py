"""KP4: management practice. Owners, meetings, fresh numbers, leading indicators."""

from __future__ import annotations

from kpoctl.common.findings import Severity
from kpoctl.graph import EntryRef
from kpoctl.model import PERSPECTIVES, Indicator, Objective
from kpoctl.model.direction import MISSED
from kpoctl.model.periods import add_periods, period_bounds
from kpoctl.model.rollup import Part, Rollup, combine, disagrees, falls_short, fmt, method_for
from kpoctl.model.status import OFF_TRACK, status
from kpoctl.rules.base import TEAM, Context, entries, rule

W, I = Severity.WARNING, Severity.INFO


def _performance(ref: EntryRef) -> bool:
    """A KPI or PI (only indicators have these levels): what owners, cadences and staleness are about."""
    return ref.entry.level in ("KPI", "PI")


@rule("KP401", "no-owner", W, "a KPI/PI or objective has no owner (an objective inherits its team's owner)",
      bad="""
      - id: otif-rate
        level: KPI
        name: OTIF rate
      """,
      good="""
      - id: otif-rate
        level: KPI
        name: OTIF rate
        owner: Logistics lead
      """, scope=TEAM)
def no_owner(ctx: Context):
    """Somebody must answer for every number in the meeting. An objective without an
    owner falls back to its team's owner; an indicator needs its own.

    When the team has no owner either, that is said once, at the team, with the
    objectives it leaves without one: one owner for the team mends them all."""
    graph = ctx.graph
    orphaned: dict[str, list[str]] = {}
    for ref in entries(ctx):
        entry = ref.entry
        if entry.owner is not None:
            continue
        if isinstance(entry, Objective):
            team_ref = graph.teams[ref.team]
            if team_ref.team.owner is None and not team_ref.invalid("owner") and not graph.left_unread(ref, "owner"):
                orphaned.setdefault(ref.team, []).append(entry.id)
        elif _performance(ref):
            yield ctx.at(ref, f"{entry.level} '{entry.id}' has no owner")
    for team, ids in orphaned.items():
        shown = ", ".join(f"'{i}'" for i in ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        objectives = "objective" if len(ids) == 1 else "objectives"
        yield ctx.at(graph.teams[team], f"team '{team}' has no owner, so {len(ids)} {objectives} without one "
                                        f"({shown}) have nobody to answer for them; add `owner:` to the team")


@rule("KP402", "no-cadence", W, "a team has no `meeting` cadence, or a KPI/PI no `frequency`",
      bad="""
      team: unit-1
      name: Unit 1 management team
      """,
      good="""
      team: unit-1
      name: Unit 1 management team
      meeting: monthly
      """, scope=TEAM)
def no_cadence(ctx: Context):
    """A (K)PI exists to be reviewed in the team's systematic management meeting; without
    a meeting cadence there is no review, and without a measuring frequency nobody
    knows when a number is due."""
    graph = ctx.graph
    for name, team_ref in graph.teams.items():
        if team_ref.team.meeting is None and not team_ref.invalid("meeting"):
            yield ctx.at(team_ref, f"team '{name}' has no `meeting` cadence")
    for ref in entries(ctx):
        if _performance(ref) and ref.entry.frequency is None:
            yield ctx.at(ref, f"{ref.entry.level} '{ref.entry.id}' has no `frequency`")


@rule("KP403", "stale", W, "stale KPI/PI: the latest actual is older than two of its `frequency` periods",
      bad="""
      frequency: monthly
      actuals: [{period: 2026-03, value: 94}]    # and today is 2026-11-21
      """,
      good="""
      frequency: monthly
      actuals: [{period: 2026-10, value: 94}]
      """, scope=TEAM)
def stale(ctx: Context):
    """A KPI nobody updates is a KPI nobody looks at. Stale when the end of the latest
    actual's period plus two `frequency` periods lies before today. No actuals at all
    is not stale: reports say "no data"."""
    for ref in entries(ctx):
        entry = ref.entry
        if not _performance(ref) or not entry.actuals or entry.frequency is None:
            continue
        latest = entry.actuals[-1]
        due_by = add_periods(period_bounds(latest.period)[1], entry.frequency, 2)
        if due_by < ctx.today:
            problem = ctx.at(ref, f"'{entry.id}' is stale: latest actual is for {latest.period}, "
                                  f"and a {entry.frequency} indicator needed a new one by {due_by.isoformat()}")
            # at the latest actual: the only one whose place the compact positions keep
            location = ref.file.location(ref.path + ("actuals", "latest"))
            yield type(problem)(problem.message, location, problem.team, problem.id)


@rule("KP404", "no-leading", W, "a team has no leading indicator",
      bad="""
      indicators:   # all timing: lagging
      """,
      good="""
      indicators:
        - {id: motivation-index, level: PI, timing: leading, ...}
      """, scope=TEAM, reads=("timing", "level"))
def no_leading(ctx: Context):
    """Lagging indicators tell what happened; leading ones let the team act before the
    result is lost. Leading indicators are the essence of management."""
    graph = ctx.graph
    for name, team_ref in graph.teams.items():
        refs = graph.entries_by_team.get(name, [])
        if not any(_performance(r) and r.entry.timing == "leading" for r in refs):
            yield ctx.at(team_ref, f"team '{name}' has no leading indicator (timing: leading)")


@rule("KP405", "perspectives", W, "the top team does not cover all four balanced scorecard perspectives",
      bad="""
      objectives:   # all perspective: customer
      """,
      good="""
      objectives:   # financial, customer, process and learning each at least once
      """, reads=("perspective", "level"))
def perspectives(ctx: Context):
    """A strategy steered on one perspective buys short-term results at the cost of the
    others. The top team's objectives, KPOs and POs alike, should cover the four
    balanced scorecard perspectives: financial, customer, process, learning."""
    graph = ctx.graph
    if len(graph.top_teams) != 1:
        return
    name = graph.top_teams[0]
    covered = {r.entry.perspective for r in graph.entries_by_team.get(name, []) if r.is_objective}
    missing = [p for p in PERSPECTIVES if p not in covered]
    if missing:
        yield ctx.at(graph.teams[name], f"top team '{name}' covers {4 - len(missing)} of 4 balanced scorecard "
                                        f"perspectives; missing: {', '.join(missing)}")


@rule("KP406", "strategic-leading", I, "a strategic KPI (top team) is marked leading",
      bad="""
      team: best-company     # the top team
      indicators:
        - {id: otif-rate, level: KPI, timing: leading, ...}
      """,
      good="""
        - {id: otif-rate, level: KPI, timing: lagging, ...}
      """)
def strategic_leading(ctx: Context):
    """The top team's KPIs measure the strategy's results, which are lagging by nature;
    a leading one is usually a PI of an enabling PO promoted too far."""
    graph = ctx.graph
    for name in graph.top_teams:
        for ref in graph.entries_by_team.get(name, []):
            if ref.entry.level == "KPI" and ref.entry.timing == "leading":
                yield ctx.at(ref, f"strategic KPI '{ref.entry.id}' is marked leading", "timing")


@rule("KP407", "rollup-short", W, "breakdown targets do not roll up to the KPI's target",
      bad="""
      # two sub-process steps at 95% each, rolled up as a product: 90.25% < 95%
      rollup: {step: product}
      """,
      good="""
      # each step at 97.5%: 97.5% x 97.5% = 95.06%, enough for a 95% whole
      rollup: {step: product}
      """, scope=TEAM, reads=("target", "measures", "role", "supports", "by", "weight"))
def rollup_short(ctx: Context):
    """A breakdown is a mathematical split of the KPO: if every part reaches its target,
    the whole must reach its own. For each breakdown dimension (`by`), the targets of
    the PIs that measure the breakdown POs are combined with the KPI's `rollup` (sum,
    mean, weighted_mean, min, max, product; `product` reads `%` as fractions) and
    compared with the KPI's target. Two steps at 95% each deliver 90.25%, not 95%."""
    for ref, result in rollups(ctx):
        kpi = ref.entry
        if result is None:
            yield ctx.at(ref, f"'{kpi.id}' has a `rollup` but '{kpi.measures}' has no breakdown PO whose "
                              "dimension it names: nothing rolls up", "rollup")
        elif falls_short(result.combined, kpi):
            word = MISSED[kpi.target.direction]
            yield ctx.at(ref, f"{result.dimension}: {result.arithmetic()}, {word} the "
                              f"{fmt(kpi.target.value, kpi.unit)} target of {ref.key}", "rollup")


def rollups(ctx: Context):
    """(KPI ref, Rollup) for every KPI with a `rollup` and each breakdown dimension of its KPO;
    (KPI ref, None) when the rollup names no dimension the KPO is broken down by."""
    graph = ctx.graph
    for ref in entries(ctx):
        kpi = ref.entry
        if not isinstance(kpi, Indicator) or kpi.rollup is None or kpi.target is None:
            continue
        kpo = graph.resolve(ref.team, kpi.measures)
        if kpo is None:
            continue
        dimensions = _breakdown(graph, kpo.key, lambda po: next(
            (i.entry.target.value for i in graph.measured_by(po.key) if i.entry.target is not None), None))
        if not any(method_for(kpi, d) for d in dimensions):
            yield ref, None  # a rollup with nothing to roll up
            continue
        for result in _rolled_up(kpi, dimensions):
            yield ref, result


def _breakdown(graph, kpo_key: str, value_of) -> dict[str, list[Part | None]]:
    """Per breakdown dimension (`by`) of a KPO, one part per breakdown PO: `value_of(po)`
    with the PO's weight, or None when the PO has no such value."""
    dimensions: dict[str, list[Part | None]] = {}
    for po in graph.supported_by(kpo_key):
        if po.entry.role != "breakdown":  # only objectives support
            continue
        value = value_of(po)
        dimensions.setdefault(po.entry.by, []).append(None if value is None else Part(value, po.entry.weight))
    return dimensions


def _rolled_up(kpi: Indicator, dimensions: dict[str, list[Part | None]]):
    """The Rollup of each dimension the KPI's `rollup` names and whose every part has a value
    (a part without one cannot be checked)."""
    for dimension, parts in sorted(dimensions.items()):
        method = method_for(kpi, dimension)
        if method is not None and all(p is not None for p in parts):
            yield Rollup(dimension, method, tuple(parts), combine(method, parts, kpi.unit), kpi.unit)


@rule("KP410", "actuals-disagree", W,
      "the breakdown PIs' actuals for a period, rolled up, contradict the KPI's actual for that period",
      bad="""
      # OTIF 94.6% in 2026-10, but segment CA 97% and CB 97% (weighted mean) make 97%
      rollup: {segment: weighted_mean}
      """,
      good="""
      # segment CA 96.2% and CB 93% (weighted mean, same volume) make 94.6%, as the KPI says
      rollup: {segment: weighted_mean}
      """, scope=TEAM, reads=("actuals", "measures", "role", "supports", "by", "weight"))
def actuals_disagree(ctx: Context):
    """A breakdown is arithmetic: when every part reports for a period, the parts, rolled
    up as the KPI's `rollup` says, must give the KPI's own actual for that period, within
    its tolerance. When they do not, one of the numbers is wrong (a source changed, a
    part left out, a figure typed twice), and the meeting would argue about data instead
    of about the business. Checked for the KPI's latest period; a part without an actual
    for it is not checked."""
    graph = ctx.graph
    for ref in entries(ctx):
        kpi = ref.entry
        if kpi.level != "KPI" or not kpi.actuals:
            continue
        kpo = graph.resolve(ref.team, kpi.measures)
        if kpo is None:
            continue
        latest = kpi.actuals[-1]
        dimensions = _breakdown(graph, kpo.key, lambda po: next(
            (a.value for i in reversed(graph.measured_by(po.key)) for a in reversed(i.entry.actuals)
             if a.period == latest.period), None))
        for result in _rolled_up(kpi, dimensions):
            if disagrees(result.combined, latest.value, kpi.target.tolerance if kpi.target else None):
                yield ctx.at(ref, f"{result.dimension} in {latest.period}: {result.arithmetic()}, but '{kpi.id}' says "
                                  f"{fmt(latest.value, kpi.unit)}", "rollup")


@rule("KP408", "unit-mismatch", W, "a cascaded objective's indicator uses a different unit from the one it cascades from",
      bad="""
      # best-company/otif-rate has unit: "%"
      - {id: otif-rate, level: KPI, measures: otif, unit: orders}
      """,
      good="""
      - {id: otif-rate, level: KPI, measures: otif, unit: "%"}
      """, reads=("unit", "measures", "cascades_from"))
def unit_mismatch(ctx: Context):
    """A cascaded objective is the same objective one level down: measured in another
    unit, the two numbers cannot be compared or rolled up, and the cascade breaks."""
    graph = ctx.graph
    for ref in entries(ctx):
        entry = ref.entry
        if not isinstance(entry, Objective):
            continue
        upstream = {i.entry.unit for i in graph.measured_by(entry.cascades_from) if i.entry.unit}
        if not upstream:
            continue
        for indicator in graph.measured_by(ref.key):
            unit = indicator.entry.unit
            if unit and unit not in upstream:
                expected = ", ".join(sorted(upstream))
                yield ctx.at(indicator, f"'{indicator.entry.id}' is in {unit!r} but '{entry.cascades_from}', which "
                                        f"'{entry.id}' cascades from, is measured in {expected!r}", "unit")


@rule("KP409", "off-track-no-actions", I, "a KPI that is off track has no `actions`",
      bad="""
      target: {value: 95, direction: at_least}
      actuals: [{period: 2026-10, value: 88}]
      """,
      good="""
      actions:
        - Daily tier review of late orders at 8 AM
      """, scope=TEAM)
def off_track_no_actions(ctx: Context):
    """An off-track KPI discussed in the meeting must leave it with key performance
    actions; a number reviewed without a decision is a report, not management."""
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level == "KPI" and not entry.actions and status(entry, ctx.graph.due_of(ref)) == OFF_TRACK:
            latest = entry.actuals[-1]
            yield ctx.at(ref, f"KPI '{entry.id}' is off track ({latest.value:g} in {latest.period}) and has no "
                              "`actions`")
