"""KP2: focus. A management team reviews few indicators well."""

from __future__ import annotations

from collections import Counter

from kpoctl.common.findings import Severity
from kpoctl.rules.base import TEAM, Context, rule

W = Severity.WARNING


def level_counts(ctx: Context) -> dict[str, Counter]:
    """Per team, how many entries of each level (KPO, PO, KPI, PI, context)."""
    return {
        name: Counter(ref.entry.level for ref in refs)
        for name, refs in ctx.graph.entries_by_team.items()
    }


@rule("KP201", "too-many-kpis", W, "a team has more KPIs than `limits.kpi` (default 3)",
      bad="""
      indicators:   # five KPIs
        - {id: a, level: KPI, ...}
        - {id: b, level: KPI, ...}
      """,
      good="""
      indicators:   # three KPIs, the rest PIs of POs
        - {id: a, level: KPI, ...}
      """, scope=TEAM)
def too_many_kpis(ctx: Context):
    """Focus: a management team can steer about three key indicators; with more, every
    one of them gets less attention and none is key any more."""
    limit = ctx.settings.limits.kpi
    for name, counts in level_counts(ctx).items():
        if counts["KPI"] > limit:
            yield ctx.at(ctx.graph.teams[name], f"team '{name}' has {counts['KPI']} KPIs; focus on at most {limit} "
                                                "(limits.kpi)")


@rule("KP202", "too-many-pis", W, "a team has more PIs than `limits.pi` (default 7)",
      bad="""
      indicators:   # twelve PIs
      """,
      good="""
      indicators:   # up to seven PIs
      """, scope=TEAM)
def too_many_pis(ctx: Context):
    """Besides its KPIs a team can follow up to about seven PIs in its meeting; more is
    data, not management. Move the rest to a dashboard or cascade them."""
    limit = ctx.settings.limits.pi
    for name, counts in level_counts(ctx).items():
        if counts["PI"] > limit:
            yield ctx.at(ctx.graph.teams[name], f"team '{name}' has {counts['PI']} PIs; at most {limit} (limits.pi)")


@rule("KP203", "no-kpi", W, "a team has no KPI at all",
      bad="""
      team: unit-1
      indicators: []
      """,
      good="""
      indicators:
        - {id: otif-rate, level: KPI, measures: otif, name: OTIF rate}
      """, scope=TEAM, reads=("level",))
def no_kpi(ctx: Context):
    """A management team without a KPI reviews nothing that matters to the level above:
    its scorecard is disconnected from the strategy."""
    for name, counts in level_counts(ctx).items():
        if counts["KPI"] == 0:
            yield ctx.at(ctx.graph.teams[name], f"team '{name}' has no KPI")
