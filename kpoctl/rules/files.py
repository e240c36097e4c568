"""KP0: the files themselves (parse, schema, duplicates, references, cycles, top team)."""

from __future__ import annotations

from kpoctl.common.findings import Problem, Severity
from kpoctl.graph import CASCADES_FROM, PARENT, SUPPORTS
from kpoctl.model import Objective
from kpoctl.rules.base import TEAM, Context, engine_rule, entries, rule

E, I = Severity.ERROR, Severity.INFO


def _read_problems(ctx: Context, code: str):
    for team_file in ctx.scorecard.files:
        yield from (problem for found, problem in team_file.problems if found == code)


@rule("KP001", "yaml-unreadable", E, "YAML does not parse (syntax, duplicate key, unsupported tag, not UTF-8)",
      bad="""
      team: unit-1
      name: Unit 1
      name: Unit one      # duplicate key
      """,
      good="""
      team: unit-1
      name: Unit 1 management team
      """, scope=TEAM)
def yaml_unreadable(ctx: Context):
    """A file kpoctl cannot read safely is not checked at all, so every other rule is
    blind to it. Syntax errors, duplicate keys (YAML says the later silently wins),
    tags outside the YAML core schema (nothing in a scorecard is ever executed),
    encodings other than UTF-8, several documents in one file, and files beyond the
    size, alias-expansion or nesting limits all land here, at the line concerned."""
    return _read_problems(ctx, "KP001")


@rule("KP002", "schema", E, "schema: missing required field, unknown field, wrong type or value",
      bad="""
      objectives:
        - id: 2024          # YAML reads a number: quote it
          level: kpo        # must be KPO or PO
      """,
      good="""
      objectives:
        - id: "2024"
          level: KPO
          title: Deliver 95% of orders on time and in full
      """, scope=TEAM)
def schema(ctx: Context):
    """The model only means something when every field has the name and type FORMAT.md
    gives it: a misspelt `mesures` would silently orphan a KPI. Each problem is its own
    finding at the key or value concerned, naming the field and what it accepts. Actuals
    are written oldest first, one per period, and an interim target is given once per
    period: otherwise which value is the latest, or which target is in force, would be a
    guess (the first item out of order or repeated is named). An entry with such a field
    is kept without it (without its actuals, when they are the problem), so that the others
    still find it; no rule but the file checks (KP0xx) judges it until it validates, nor
    says what depends on what was left out of it elsewhere in its team (a perspective
    that is no perspective would otherwise also be a perspective missing, KP405)."""
    return _read_problems(ctx, "KP002")


@rule("KP003", "duplicate-id", E, "two files declare the same team, or a team repeats an objective/indicator id",
      bad="""
      indicators:
        - {id: otif, level: KPI, measures: otif, name: OTIF rate}   # otif is also the KPO's id
      """,
      good="""
      indicators:
        - {id: otif-rate, level: KPI, measures: otif, name: OTIF rate}
      """)
def duplicate_id(ctx: Context):
    """`team/id` must name exactly one thing, or references become ambiguous. Teams are
    unique in the scorecard; within a team objectives and indicators share one
    namespace. The first declaration is kept, later ones are reported."""
    first_file: dict[str, str] = {}
    for team, team_file in ctx.scorecard.teams():
        if team.team in first_file:
            yield Problem(f"team '{team.team}' is already declared in {first_file[team.team]}",
                          team_file.location(("team",)), team.team, None, ("team",))
            continue
        first_file[team.team] = team_file.file
        seen: dict[str, tuple] = {}
        for entry, path in team_file.entries():
            if entry.id in seen:
                line = team_file.location(seen[entry.id]).line
                yield Problem(f"id '{entry.id}' is already used in team '{team.team}' (line {line}); "
                              "objectives and indicators share one namespace",
                              team_file.location(path + ("id",)), team.team, entry.id, path + ("id",))
            else:
                seen[entry.id] = path


@rule("KP004", "dangling-reference", E, "`parent`, `cascades_from`, `supports`, `measures` or `shared_with` names nothing",
      bad="""
      indicators:
        - id: otif-rate
          level: KPI
          measures: otiff     # no such objective in this team
      """,
      good="""
      indicators:
        - id: otif-rate
          level: KPI
          measures: otif
      """, reads=("id", "level"))
def dangling_reference(ctx: Context):
    """A reference that names nothing breaks the cascade silently: the KPI looks linked
    but measures nothing. `measures` and `supports` take a bare id of the same team,
    so a `team/id` there names nothing either; `cascades_from` takes TEAM/ID;
    `shared_with` takes team ids, and a team that is not there shares nothing."""
    graph = ctx.graph
    for ref in graph.teams.values():
        parent = ref.team.parent
        if parent is not None and parent not in graph.teams:
            yield ctx.at(ref, f"parent '{parent}' names no team in this scorecard", "parent")
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Objective):
            if entry.cascades_from is not None and entry.cascades_from not in graph.entries:
                target_team = entry.cascades_from.split("/")[0]
                why = "no such team" if target_team not in graph.teams else f"team '{target_team}' has no such id"
                yield ctx.at(ref, f"cascades_from '{entry.cascades_from}' names nothing ({why})", "cascades_from")
            for target in entry.supports:
                if graph.resolve(ref.team, target) is None:
                    yield ctx.at(ref, _local_message("supports", target, ref.team), "supports")
            for team in entry.shared_with:
                if team not in graph.teams:
                    yield ctx.at(ref, f"shared_with '{team}' names no team in this scorecard", "shared_with")
        elif entry.measures is not None and graph.resolve(ref.team, entry.measures) is None:
            yield ctx.at(ref, _local_message("measures", entry.measures, ref.team), "measures")


def _local_message(field: str, target: str, team: str) -> str:
    if "/" in target:
        return f"{field} '{target}' names nothing: it takes a bare id of an objective of team '{team}', not TEAM/ID"
    return f"{field} '{target}' names nothing in team '{team}'"


@rule("KP005", "cycle", E, "cycle in the team tree or in the cascade of objectives",
      bad="""
      # unit-1.yaml
      team: unit-1
      parent: unit-2
      # unit-2.yaml
      team: unit-2
      parent: unit-1
      """,
      good="""
      team: unit-2
      parent: unit-1
      """)
def cycle(ctx: Context):
    """Teams form a tree and objectives cascade downwards; a loop has no top, so
    nothing in it can reach the strategy. Each member of a cycle is reported, with
    the whole loop in the message."""
    graph = ctx.graph
    for loop in graph.cycles(PARENT):
        text = " -> ".join([*loop, loop[0]])
        for name in loop:
            yield ctx.at(graph.teams[name], f"team '{name}' is in a cycle of parents: {text}", "parent")
    for loop in graph.cycles(CASCADES_FROM, SUPPORTS):
        text = " -> ".join([*loop, loop[0]])
        for key in loop:
            ref = graph.entries[key]
            field = "cascades_from" if ref.entry.cascades_from else "supports"
            yield ctx.at(ref, f"objective '{key}' is in a cycle of cascades: {text}", field)


@rule("KP006", "top-team", E, "more than one top team (no `parent`), or none",
      bad="""
      # two files without parent
      team: best-company
      ---
      team: unit-1
      """,
      good="""
      team: unit-1
      parent: best-company
      """)
def top_team(ctx: Context):
    """The cascade starts at one top management team whose KPOs come from the strategy.
    Two teams without a parent are two scorecards in one folder (or a forgotten
    `parent`); none means the parents loop."""
    graph = ctx.graph
    tops = graph.top_teams
    if len(tops) > 1:
        for name in tops:
            others = ", ".join(t for t in tops if t != name)
            yield ctx.at(graph.teams[name], f"team '{name}' has no parent, like {others}: there must be one top team")
    elif not tops:
        for name in sorted(graph.teams):
            yield ctx.at(graph.teams[name], "no team is without a parent: there must be one top team")


engine_rule(
    "KP007", "unused-suppression", I, "a `# kpoctl: ignore` comment silences nothing",
    rationale="""
    A suppression that silences nothing hides the next real problem of that entry
    and misleads readers; remove it (as ruff's RUF100 asks). It must sit on the line
    where an entry starts (or on the `team:` line for team-level findings). The engine
    reports it after applying every suppression, since only then is it known. A
    `# kpoctl:` comment in neither form, `ignore` or `ignore[KP101, KP102]` (say
    `ignore KP101`, or an unclosed `[`), silences nothing and is named here: read as a
    bare `ignore` it would silence every rule on its line, errors too.""",
    bad="""
    - id: otif     # kpoctl: ignore[KP303]   (the objective has a due date)
      due: 2026-12-31
    """,
    good="""
    - id: otif
      due: 2026-12-31
    """,
)
