"""KP6: the rules of the framework profiles (kpoctl.model.profiles), each run only under its own.

The file format is one format; a profile adds what its framework asks of it, and says
it in the framework's words (an OKR team reads "key result", not KPI).
"""

from __future__ import annotations

import datetime as dt
import re

from kpoctl.common.findings import Severity
from kpoctl.model import Indicator, Objective
from kpoctl.model.periods import period_bounds
from kpoctl.model.profiles import profile_of
from kpoctl.rules.base import TEAM, Context, entries, rule
from kpoctl.rules.focus import level_counts

W, E = Severity.WARNING, Severity.ERROR
KEY_RESULTS = (3, 5)
CPIS = (3, 5)
TASK_VERBS = ("launch", "implement", "introduce", "roll out", "build", "create", "deploy", "set up", "hire",
              "complete", "finish", "hold", "run", "write", "publish", "organize", "organise", "migrate", "start")
_TASK = re.compile(r"^(?:" + "|".join(TASK_VERBS) + r")\b", re.I)
_CADENCE = re.compile(r"\b(daily|weekly|biweekly|fortnightly|monthly|quarterly|yearly|annually|every)\b", re.I)
_OWNER = re.compile(r"\(([^()]*[A-Za-z][^()]*)\)\s*$")


def words(ctx: Context, level: str) -> str:
    return profile_of(ctx.settings.profile).word(level)


# --- okr -------------------------------------------------------------------------------------


@rule("KP601", "okr-key-result-count", W, "OKR: an objective has fewer than 3 or more than 5 key results",
      bad="""
      - {id: delight, level: KPO, title: Delight our first customers}
      - {id: nps, level: KPI, measures: delight, name: Net promoter score}   # the only key result
      """,
      good="""
      - {id: nps, level: KPI, measures: delight, name: Net promoter score}
      - {id: churn, level: KPI, measures: delight, name: Customers lost in the quarter}
      - {id: tickets, level: KPI, measures: delight, name: Support tickets per 100 orders}
      """, scope=TEAM, profile="okr", reads=("measures", "level"))
def okr_key_result_count(ctx: Context):
    """An objective says where to go; its key results say how everyone will know it got
    there. With one or two, the objective is a metric in disguise; with more than five,
    nothing is key. OKR practice is three to five per objective."""
    low, high = KEY_RESULTS
    for ref in entries(ctx):
        if ref.entry.level == "KPO":
            results = [r for r in ctx.graph.measured_by(ref.key) if r.entry.level == "KPI"]
            if not low <= len(results) <= high:
                yield ctx.at(ref, f"{words(ctx, 'KPO')} '{ref.entry.id}' has {len(results)} "
                                  f"{words(ctx, 'KPI')}{'s' if len(results) != 1 else ''}; an OKR objective has "
                                  f"{low} to {high}")


@rule("KP602", "okr-key-result-is-a-task", W, "OKR: a key result reads as a task, or has no target to score",
      bad="""
      - {id: site, level: KPI, measures: delight, name: Launch the new help centre}
      """,
      good="""
      - id: self-service
        level: KPI
        measures: delight
        name: Questions answered by the help centre without a ticket
        unit: "%"
        target: {value: 40, direction: at_least}
      """, scope=TEAM, profile="okr")
def okr_key_result_is_a_task(ctx: Context):
    """A key result is an outcome that can be scored from 0.0 to 1.0, not a task that is
    done or not done: "Launch the help centre" is finished the day it ships, whether or
    not anyone is helped. Reported when a key result has no numeric target to score
    against, or its name starts with a task verb (launch, implement, build, ...)."""
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level != "KPI":
            continue
        word = words(ctx, "KPI")
        if _TASK.match(entry.name.strip()):
            yield ctx.at(ref, f"{word} '{entry.id}' reads as a task ('{entry.name}'): name the result it should "
                              "bring, with a number to score", "name")
        elif entry.target is None:
            yield ctx.at(ref, f"{word} '{entry.id}' has no target: a {word} is scored from 0.0 to 1.0 against one")


@rule("KP603", "okr-beyond-the-quarter", W, "OKR: an objective is due beyond the end of the next quarter",
      bad="""
      - {id: delight, level: KPO, title: Delight our first customers, due: 2027-12-31}
      """,
      good="""
      - {id: delight, level: KPO, title: Delight our first customers, due: 2026-12-31}
      """, scope=TEAM, profile="okr")
def okr_beyond_the_quarter(ctx: Context):
    """OKRs are set for a quarter and scored at its end; a yearly ambition is broken into
    quarterly objectives, so that each is scored while it can still be learned from.
    Reported when an objective's `due` is after the end of the quarter following
    today's."""
    horizon = _next_quarter_end(ctx.today)
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level == "KPO" and entry.due is not None and entry.due > horizon:
            yield ctx.at(ref, f"{words(ctx, 'KPO')} '{entry.id}' is due {entry.due}, after the next quarter "
                              f"(ends {horizon}): set it for a quarter", "due")


def _next_quarter_end(today: dt.date) -> dt.date:
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    return period_bounds(f"{year}-Q{quarter}")[1]


# --- cpi-kpi-kpa -----------------------------------------------------------------------------


@rule("KP611", "cpi-count", W, "CPI/KPI/KPA: the top team has fewer than 3 or more than 5 CPIs",
      bad="""
      team: company   # the top team, with eight KPIs
      """,
      good="""
      team: company   # the top team, with four KPIs: its CPIs
      """, profile="cpi-kpi-kpa", reads=("level",))
def cpi_count(ctx: Context):
    """Critical performance indicators are the few numbers the organisation lives by:
    three to five, set by the top team. Fewer leave the strategy unmeasured; more and
    none is critical. The top team's KPIs are its CPIs."""
    low, high = CPIS
    counts = level_counts(ctx)
    for name in ctx.graph.top_teams:
        found = counts.get(name, {}).get("KPI", 0)
        if not low <= found <= high:
            yield ctx.at(ctx.graph.teams[name], f"top team '{name}' has {found} CPI{'s' if found != 1 else ''} "
                                                f"(its KPIs); CPIs are {low} to {high}")


@rule("KP612", "kpi-not-rolled-up-to-cpi", W, "CPI/KPI/KPA: a KPI's objective does not cascade up to one a CPI measures",
      bad="""
      # team: plant; its KPO 'scrap' cascades from nothing the top team measures
      - {id: scrap-rate, level: KPI, measures: scrap}
      """,
      good="""
      - {id: scrap, level: KPO, cascades_from: company/margin, title: Cut scrap to 2% of output}
      """, profile="cpi-kpi-kpa", reads=("level",))
def kpi_not_rolled_up_to_cpi(ctx: Context):
    """Every KPI below the top explains a CPI: the objective it measures cascades, team by
    team, up to a top-team objective that a CPI measures. A KPI whose cascade reaches no
    CPI is tracked for itself and moves nothing the organisation steers by."""
    graph = ctx.graph
    tops = set(graph.top_teams)
    upward = graph.view("cascades_from")
    for ref in entries(ctx):
        entry = ref.entry
        if entry.level != "KPI" or ref.team in tops:
            continue
        measured = graph.resolve(ref.team, entry.measures)
        if measured is None:
            continue  # KP101/KP004 say what is wrong first
        import networkx as nx  # here: importing it costs every command a third of a second at start-up

        reached = nx.descendants(upward, measured.key) if measured.key in upward else set()
        if not any(graph.entries[key].team in tops and any(r.entry.level == "KPI" for r in graph.measured_by(key))
                   for key in reached if key in graph.entries):
            # past a link a KP002 left unread, nobody knows: while the KP002 is said, it is the finding
            yield ctx.at(ref, f"KPI '{entry.id}' does not roll up to a CPI: the cascade of '{measured.key}' reaches "
                              "no top-team objective a CPI measures", waits_for=graph.past_unread_links.get(measured.key))


@rule("KP613", "kpa-without-owner-or-cadence", W, "CPI/KPI/KPA: a KPA (an action of a KPI) names no owner or no cadence",
      bad="""
      actions:
        - Review late orders
      """,
      good="""
      actions:
        - Weekly review of late orders with the carriers (Logistics lead)
      """, scope=TEAM, profile="cpi-kpi-kpa")
def kpa_without_owner_or_cadence(ctx: Context):
    """Key performance actions are what people do, repeatedly, to move a KPI: an action
    nobody owns is done by nobody, and one with no cadence is done once. A KPA is written
    as one line of the KPI's `actions` that says how often (weekly, monthly, every ...)
    and ends with its owner in parentheses."""
    for ref in entries(ctx):
        entry = ref.entry
        if not isinstance(entry, Indicator):
            continue
        for action in entry.actions:
            missing = [what for what, found in (("owner", _OWNER.search(action)), ("cadence", _CADENCE.search(action)))
                       if not found]
            if missing:
                yield ctx.at(ref, f"KPA '{action}' of '{entry.id}' names no {' and no '.join(missing)}: say how often "
                                  "and end with the owner in parentheses, e.g. 'Weekly review (Logistics lead)'",
                             "actions")


# --- bsc -------------------------------------------------------------------------------------


@rule("KP621", "bsc-objective-without-perspective", W, "Balanced scorecard: an objective belongs to no perspective",
      bad="""
      - {id: otif, level: KPO, title: Deliver 95% of orders on time and in full}
      """,
      good="""
      - {id: otif, level: KPO, title: Deliver 95% of orders on time and in full, perspective: customer}
      """, scope=TEAM, profile="bsc")
def bsc_objective_without_perspective(ctx: Context):
    """A balanced scorecard reads objectives by perspective: financial, customer, internal
    process, learning and growth. An objective in none of them is missing from the map
    the scorecard is read on, and the balance the top team is asked to keep (KP405, an
    error under this profile) cannot be seen."""
    for ref in entries(ctx):
        if isinstance(ref.entry, Objective) and ref.entry.perspective is None:
            yield ctx.at(ref, f"{words(ctx, ref.entry.level)} '{ref.entry.id}' has no perspective (financial, "
                              "customer, process or learning)")


# --- omtm ------------------------------------------------------------------------------------


@rule("KP631", "omtm-not-one-key-metric", E, "OMTM: a team has no key metric, or more than one",
      bad="""
      indicators:
        - {id: signups, level: KPI, ...}
        - {id: revenue, level: KPI, ...}
      """,
      good="""
      indicators:
        - {id: activation, level: KPI, ...}      # the one metric that matters
        - {id: signups, level: context, ...}     # watched, not steered by
      """, scope=TEAM, profile="omtm", reads=("level",))
def omtm_not_one_key_metric(ctx: Context):
    """One metric that matters: at any time a team steers by exactly one number, the one
    that tells whether it is winning at its current stage; everything else is watched as
    context. Two key metrics is two directions; none is no direction. (Under this
    profile, KP201 and KP203 leave it to this rule.)"""
    for name, refs in ctx.graph.entries_by_team.items():
        metrics = [r.entry.id for r in refs if r.entry.level == "KPI"]
        if len(metrics) != 1:
            said = "no key metric" if not metrics else f"{len(metrics)} key metrics ({', '.join(metrics)})"
            yield ctx.at(ctx.graph.teams[name], f"team '{name}' has {said}: one metric that matters is exactly one; "
                                                "make the others context")
