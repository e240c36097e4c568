"""KP1: the cascade. Every KPI needs its KPO, every KPO below the top its source."""

from __future__ import annotations

from kpoctl.common.findings import Severity
from kpoctl.model import Indicator, Objective
from kpoctl.rules.base import TEAM, Context, entries, rule

E, W = Severity.ERROR, Severity.WARNING


ORPHAN_WANTS = {"KPI": "KPO", "PI": "PO"}


def orphan_reason(graph, ref) -> str | None:
    """Why the KPI or PI at `ref` is an orphan, or None when it is not one (or when its
    `measures` names nothing, which is KP004's). The rules and `kpoctl orphans` share it.
    Only objectives have the levels an indicator may measure (KPO, PO)."""
    entry = ref.entry
    wanted = ORPHAN_WANTS[entry.level]
    if entry.measures is None:
        return f"'{entry.id}' measures no objective; add `measures: <{wanted} id>`"
    target = graph.resolve(ref.team, entry.measures)
    if target is None or target.entry.level == wanted:
        return None
    return f"'{entry.id}' measures '{entry.measures}', which is a {target.entry.level}, not a {wanted}"


def _orphans(ctx: Context, level: str):
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level != level:  # KPI or PI: only indicators have these levels
            continue
        reason = orphan_reason(ctx.graph, ref)
        if reason is not None:
            yield ctx.at(ref, f"orphan {level}: {reason}", None if entry.measures is None else "measures")


@rule("KP101", "orphan-kpi", E, "orphan KPI: `measures` is missing, or names something that is not a KPO",
      bad="""
      indicators:
        - id: revenue
          level: KPI
          name: Monthly revenue in EUR     # measures nothing
      """,
      good="""
      indicators:
        - id: revenue
          level: KPI
          measures: grow-revenue           # a KPO of this team
          name: Monthly revenue in EUR
      """, scope=TEAM, reads=("level",))
def orphan_kpi(ctx: Context):
    """A KPI measures progress towards a KPO; a KPI with no KPO is not a KPI but data
    somebody likes to look at. Link it to the KPO it monitors, demote it to a PI of a
    PO, or make it a context indicator."""
    return _orphans(ctx, "KPI")


@rule("KP102", "orphan-pi", E, "orphan PI: `measures` is missing, or names something that is not a PO",
      bad="""
      - id: survey-score
        level: PI
        measures: otif          # a KPO: use a KPI, or measure a PO
      """,
      good="""
      - id: survey-score
        level: PI
        measures: motivation    # a PO of this team
      """, scope=TEAM, reads=("level",))
def orphan_pi(ctx: Context):
    """A PI measures a PO, the less important objectives that support a KPO. A PI that
    measures a KPO is really a KPI; one that measures nothing is an orphan."""
    return _orphans(ctx, "PI")


@rule("KP103", "kpo-not-cascaded", E, "a KPO of a team below the top does not say `cascades_from`",
      bad="""
      team: unit-1
      parent: best-company
      objectives:
        - {id: otif, level: KPO, title: Deliver 95% of orders on time}
      """,
      good="""
      objectives:
        - id: otif
          level: KPO
          title: Deliver 95% of orders on time
          cascades_from: best-company/otif
      """, scope=TEAM)
def kpo_not_cascaded(ctx: Context):
    """A KPO comes from the top: only the top team takes its KPOs from the strategy;
    every other team's KPOs are cascaded from its hierarchy. A KPO that names no source
    is either a PO in disguise or an objective the hierarchy never asked for."""
    graph = ctx.graph
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level == "KPO" and entry.cascades_from is None and graph.teams[ref.team].has_parent:
            yield ctx.at(ref, f"KPO '{entry.id}' of a team below the top names no `cascades_from` "
                              "(TEAM/ID of the objective in an ancestor team)")


def _cascade_targets(ctx: Context):
    """(objective ref, target ref) for every cascades_from that names something."""
    graph = ctx.graph
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Objective) and entry.cascades_from in graph.entries:
            yield ref, graph.entries[entry.cascades_from]


@rule("KP104", "cascade-not-ancestor", E, "`cascades_from` names an objective that is not in one of the team's ancestors",
      bad="""
      team: unit-1
      parent: best-company
      objectives:
        - id: otif
          cascades_from: unit-2/otif     # a sibling, not an ancestor
      """,
      good="""
      objectives:
        - id: otif
          cascades_from: best-company/otif
      """)
def cascade_not_ancestor(ctx: Context):
    """Objectives cascade down the hierarchy. Taking one from a sibling or a team below
    turns the cascade into a web where nobody knows who set the objective. Sharing an
    objective with a peer on purpose is what `shared_with` is for."""
    for ref, target in _cascade_targets(ctx):
        if not target.is_objective:
            yield ctx.at(ref, f"cascades_from '{target.key}' names an indicator, not an objective", "cascades_from")
        elif target.team not in ctx.graph.ancestors(ref.team):
            yield ctx.at(ref, f"cascades_from '{target.key}': team '{target.team}' is not an ancestor of "
                              f"'{ref.team}'", "cascades_from")


@rule("KP105", "cascade-skips-level", W, "`cascades_from` skips a level: the objective is not in the direct parent team",
      bad="""
      team: cell-a            # parent: unit-1, whose parent is best-company
      objectives:
        - id: otif
          cascades_from: best-company/otif
      """,
      good="""
      objectives:
        - id: otif
          cascades_from: unit-1/otif
      """)
def cascade_skips_level(ctx: Context):
    """When an objective jumps a level, the team in between cannot steer it and does
    not see it in its own scorecard. Cascade through the direct parent."""
    graph = ctx.graph
    for ref, target in _cascade_targets(ctx):
        parent = graph.teams[ref.team].team.parent
        if target.is_objective and target.team != parent and target.team in graph.ancestors(ref.team):
            yield ctx.at(ref, f"cascades_from '{target.key}' skips a level: take it from parent team "
                              f"'{parent}'", "cascades_from")


@rule("KP106", "po-unlinked", E, "a PO has no `role`, or does not `supports` a KPO of its own team",
      bad="""
      - id: segment-ca
        level: PO
        title: Deliver 97% of segment CA orders on time
      """,
      good="""
      - id: segment-ca
        level: PO
        role: breakdown
        supports: otif
        by: segment
        title: Deliver 97% of segment CA orders on time
      """, scope=TEAM, reads=("level",))
def po_unlinked(ctx: Context):
    """A PO exists only to support a KPO of the same team, either as a breakdown (a
    mathematical split that rolls up to the KPO) or as an enabler (a driver believed
    to help it). Without a role and a KPO it supports, nobody can tell why it is there."""
    graph = ctx.graph
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level != "PO":
            continue
        missing = []  # one finding naming every missing part: one fix, one line to read
        if entry.role is None:
            missing.append(("has no `role` (breakdown or enabling)", "`role:`"))
        if not entry.supports:
            missing.append(("supports no KPO", "`supports: <KPO id>`"))
        if missing:
            what = " and ".join(part for part, _ in missing)
            yield ctx.at(ref, f"PO '{entry.id}' {what}; add {' and '.join(fix for _, fix in missing)}")
        for target_id in entry.supports:
            target = graph.resolve(ref.team, target_id)
            if target is not None and target.entry.level != "KPO":
                yield ctx.at(ref, f"PO '{entry.id}' supports '{target_id}', which is a {target.entry.level}, "
                                  "not a KPO", "supports")


@rule("KP107", "context-with-target", W, "a context indicator has a target or `measures` (context is not performance)",
      bad="""
      - id: temperature
        level: context
        name: Outside temperature
        target: {value: 20, direction: at_least}
      """,
      good="""
      - id: temperature
        level: context
        name: Outside temperature
      """, scope=TEAM)
def context_with_target(ctx: Context):
    """The ice cream seller's weather explains the sales; it is not a performance to
    reach. A context indicator with a target or an objective is a KPI or PI in
    disguise: make it one, or drop the target."""
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level == "context":
            if entry.target is not None:
                yield ctx.at(ref, f"context indicator '{entry.id}' has a target: context is not performance", "target")
            if entry.measures is not None:
                yield ctx.at(ref, f"context indicator '{entry.id}' measures '{entry.measures}': context has no "
                                  "objective", "measures")


@rule("KP108", "objective-unmeasured", W, "an objective is measured by no indicator",
      bad="""
      objectives:
        - {id: otif, level: KPO, title: Deliver 95% of orders on time}
      indicators: []
      """,
      good="""
      indicators:
        - {id: otif-rate, level: KPI, measures: otif, name: OTIF rate}
      """, scope=TEAM, reads=("measures", "level"))
def objective_unmeasured(ctx: Context):
    """What is not measured is not managed: an objective no KPI or PI follows is never
    reviewed in the meeting. An objective that says how it is judged (`evaluation`)
    is a non-quantified objective on purpose and is not reported."""
    graph = ctx.graph
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Objective) and entry.evaluation is None and not graph.measured_by(ref.key):
            yield ctx.at(ref, f"{entry.level} '{entry.id}' is measured by no indicator")


@rule("KP109", "enabling-lagging", W, "an enabling PO, or a PI measuring one, is marked `timing: lagging`",
      bad="""
      - id: motivation-index
        level: PI
        measures: motivation     # an enabling PO
        timing: lagging
      """,
      good="""
      - id: motivation-index
        level: PI
        measures: motivation
        timing: leading
      """, scope=TEAM)
def enabling_lagging(ctx: Context):
    """An enabling PO is a driver believed to move the KPO before the result shows:
    by definition a leading indicator. Marked lagging, it either is not an enabler or
    is measured by the wrong indicator."""
    graph = ctx.graph
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Indicator) and entry.timing == "lagging":
            target = graph.resolve(ref.team, entry.measures)
            if target is not None and isinstance(target.entry, Objective) and target.entry.role == "enabling":
                yield ctx.at(ref, f"'{entry.id}' measures the enabling PO '{target.entry.id}' but is marked "
                                  "lagging: enablers are leading", "timing")


@rule("KP110", "shared-too-widely", W, "an objective is shared with more teams than `limits.shared` (default 2)",
      bad="""
      shared_with: [unit-2, unit-3, unit-4]
      """,
      good="""
      shared_with: [unit-2]
      """, scope=TEAM)
def shared_too_widely(ctx: Context):
    """An objective shared with many teams is owned by none of them. Share with few,
    on purpose, and cascade the rest."""
    limit = ctx.settings.limits.shared
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Objective) and len(entry.shared_with) > limit:
            yield ctx.at(ref, f"'{entry.id}' is shared with {len(entry.shared_with)} teams; at most {limit} "
                              "(limits.shared)", "shared_with")
