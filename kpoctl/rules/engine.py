"""Run the rules over a scorecard: select, stamp, suppress, sort.

The engine, not the rule, stamps each problem with its code and configured
severity, applies `# kpoctl: ignore[...]` comments and reports the ones that
silence nothing (KP007).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from kpoctl.common.errors import UsageError
from kpoctl.common.findings import Finding, Problem, Severity
from kpoctl.graph import CascadeGraph
from kpoctl.model import Settings
from kpoctl.model.profiles import profile_of
from kpoctl.model.scorecard import WHOLE, Scorecard, SuppressionSite, TeamFile, unread_part
from kpoctl.read.load import SCHEMA
from kpoctl.rules import REGISTRY, Context, closest_code
from kpoctl.rules.base import SCORECARD, TEAM
from kpoctl.rules.suppress import Suppressor

UNUSED_SUPPRESSION = "KP007"


class SelectionError(UsageError):
    """An unknown rule code or prefix (exit 2)."""


@dataclass(frozen=True)
class Selection:
    """Which rules run, and at which severity."""

    codes: frozenset[str]
    severity: dict[str, Severity] = field(default_factory=dict)
    profile: str = "kpo"  # the messages are said in its words (kpoctl.model.profiles)

    @classmethod
    def build(
        cls,
        select: list[str],
        ignore: list[str],
        severity: dict[str, str] | None = None,
    ) -> "Selection":
        """Resolve selectors as ruff does: for each rule the most specific matching
        selector wins, and `ignore` wins a tie."""
        for selector in [*select, *ignore, *(severity or {})]:
            check_selector(selector, exact=selector in (severity or {}))
        codes = set()
        for code in REGISTRY:
            chosen = max((_specificity(s, code) for s in select), default=-1)
            dropped = max((_specificity(s, code) for s in ignore), default=-1)
            if chosen >= 0 and chosen > dropped:
                codes.add(code)
        levels = {code.upper(): Severity.parse(level) for code, level in (severity or {}).items()}
        return cls(frozenset(codes), levels)

    def severity_of(self, code: str) -> Severity:
        return self.severity.get(code, REGISTRY[code].severity)


def _specificity(selector: str, code: str) -> int:
    """How specifically a selector, written in any case (`all`, `kp1`), names a rule code:
    -1 not at all, 0 for ALL, else its length (the longer prefix wins, as in ruff)."""
    selector = selector.upper()
    if selector == "ALL":
        return 0
    return len(selector) if code.startswith(selector) else -1


def _matches(selector: str, code: str) -> bool:
    return _specificity(selector, code) >= 0


def check_selector(selector: str, *, exact: bool = False) -> None:
    """Raise SelectionError for a code or prefix that names no rule, suggesting the closest."""
    upper = selector.upper()
    if upper == "ALL" and not exact:
        return
    if upper in REGISTRY or (not exact and any(code.startswith(upper) for code in REGISTRY) and upper.startswith("KP")):
        return
    if exact and upper.startswith("KP") and any(code.startswith(upper) for code in REGISTRY):
        raise SelectionError(f"a severity is set per rule code, and {selector!r} is a prefix: name each code")
    close = closest_code(selector)
    hint = f"; did you mean {close}?" if close else "; see `kpoctl explain --list`"
    raise SelectionError(f"unknown rule code {selector!r}{hint}")


def selection_from(scorecard_settings, select: list[str] | None, ignore: list[str] | None) -> Selection:
    """Settings' selection, with the command line's `--select` replacing and `--ignore` adding.
    Another profile's rules cannot run: they leave the selection, and naming one is an error."""
    rules = scorecard_settings.rules
    profile = scorecard_settings.profile
    for selector in select or list(rules.select):
        matched = [r for code, r in REGISTRY.items() if _matches(selector, code)] if selector.upper() != "ALL" else []
        if matched and not any(r.runs_under(profile) for r in matched):
            owners = sorted({r.profile for r in matched if r.profile})
            if len(matched) == 1 and owners:
                raise SelectionError(f"{matched[0].code} belongs to the {owners[0]} profile and this scorecard's is "
                                     f"{profile}: set `profile: {owners[0]}` in kpoctl.yaml")
            raise SelectionError(f"no rule of {selector.upper()} runs under the {profile} profile"
                                 + (f" (they belong to {', '.join(owners)})" if owners else ""))
    selection = Selection.build(
        select if select else list(rules.select),
        [*rules.ignore, *(ignore or [])],
        dict(rules.severity),
    )
    return replace(selection, codes=frozenset(c for c in selection.codes if REGISTRY[c].runs_under(profile)),
                   profile=profile)


def analyse_file(team_file: TeamFile, settings: Settings, today: dt.date,
                 codes: frozenset[str] | None = None) -> TeamFile:
    """Run the team-scoped rules over one file on its own; their problems go in `team_problems`.

    The reader calls this in its worker processes and caches the result, so an
    unchanged file costs nothing on the next run, whichever command reads it.
    `codes`: only these rules (a command that shows only some findings and fills no cache
    asks for those, with the reader's own, KP001 and KP002, to say what it leaves out)."""
    alone = Scorecard(root=Path("."), settings=settings, files=[team_file])
    ctx = Context(alone, CascadeGraph(alone), settings, today)
    problems = tuple((code, p) for code, rule in REGISTRY.items()
                     if rule.scope == TEAM and (codes is None or code in codes) and rule.runs_under(settings.profile)
                     for p in rule.check(ctx))
    return replace(team_file, team_problems=problems)


def scorecard_problems(scorecard: Scorecard, graph: CascadeGraph | None = None,
                       codes: frozenset[str] | None = None) -> list[tuple[str, Problem]]:
    """(code, problem) of the scorecard-scoped rules (all of them, or those in `codes`).

    These read only the files' links (kpoctl.model.links), which is what lets a later run
    reuse them when no file's links changed. KP007 is not among them: it depends on
    every other finding (see finish)."""
    graph = graph or CascadeGraph(scorecard)
    ctx = Context(scorecard, graph, scorecard.settings, scorecard.today)
    return [
        (code, problem)
        for code, rule in REGISTRY.items()
        if rule.scope == SCORECARD and (codes is None or code in codes) and rule.runs_under(scorecard.settings.profile)
        for problem in rule.check(ctx)
    ]


def team_problems_of(team_file: TeamFile, settings: Settings, today: dt.date) -> tuple:
    """The team-scoped rules' problems of one file: from its analysis if it had one."""
    if team_file.team_problems is not None:
        return team_file.team_problems
    return analyse_file(team_file, settings, today).team_problems


def finish(problems: Iterable[tuple[str, Problem]], sites: Iterable[SuppressionSite | None],
           selection: Selection) -> list[Finding]:
    """Selected problems as findings: stamped, suppressions applied, KP007 added, sorted by place."""
    say = profile_of(selection.profile).say
    chosen = [
        (Finding.from_problem(code, selection.severity_of(code), replace(p, message=say(p.message))), p)
        for code, p in problems if code in selection.codes
    ]
    suppressor = Suppressor(sites, selection.codes, frozenset(REGISTRY))
    chosen = [(f, p) for f, p in chosen if not suppressor.silences(f)]
    # after the suppressions: a comment that silences a finding which waits is not unused;
    # and only a KP002 that is said holds others back (ignored or silenced, it would hide them unsaid)
    unread = Unread.of([(f.code, p) for f, p in chosen])
    findings = [f for f, p in chosen if not unread.waits(f, p)]
    if UNUSED_SUPPRESSION in selection.codes:  # known only now that every suppression is applied
        severity = selection.severity_of(UNUSED_SUPPRESSION)
        findings.extend(Finding.from_problem(UNUSED_SUPPRESSION, severity, Problem(message, location))
                        for location, message in suppressor.unused())
    return sorted(set(findings), key=lambda f: f.sort_key)


FILE_CHECKS = "KP0"  # parse, schema, ids, references, cycles, the top team, suppressions


@dataclass(frozen=True)
class Unread:
    """What the reader could not keep, from KP002's problems (each anchored where it is, see
    kpoctl.read.validate): the entries kept in part, and per team file the entry fields left out."""

    entries: frozenset[tuple[str, str | None, str]]
    fields: dict[tuple[str, str | None], frozenset[str]]

    @classmethod
    def of(cls, problems: list[tuple[str, Problem]]) -> "Unread":
        entries, fields = set(), {}
        for code, p in problems:
            if code != SCHEMA:
                continue
            if p.id is not None:
                entries.add((p.location.file, p.team, p.id))
            unread = unread_part(code, p)
            if unread is not None:
                fields.setdefault((p.location.file, p.team), set()).add(unread[1])
        return cls(frozenset(entries), {key: frozenset(value) for key, value in fields.items()})

    def waits(self, finding: Finding, problem: Problem) -> bool:
        """An entry read in part is judged by the file checks only: no other rule judges it
        until it validates (its missing `due`, its actuals left out, its target dropped would
        each be a finding it does not deserve). A finding that depends on what was left out
        of another entry of its team (the rule's `reads`) waits as well: with a KPI's target
        unreadable, "no objective has a numeric target" is the same typo said twice. So does
        one below an entry whose link was left unread (Problem.waits_for): whether a cascade
        reaches the top is not known past it."""
        if not finding.code.startswith(FILE_CHECKS) and (finding.file, finding.team, finding.id) in self.entries:
            return True
        if problem.waits_for is not None and not self.entries.isdisjoint(problem.waits_for):
            return True
        reads = REGISTRY[finding.code].reads
        left_out = self.fields.get((finding.file, finding.team)) if reads else None
        return bool(left_out) and (WHOLE in left_out or not left_out.isdisjoint(reads))


def all_problems(scorecard: Scorecard, graph: CascadeGraph | None = None,
                 codes: frozenset[str] | None = None) -> list[tuple[str, Problem]]:
    """Every rule's problems but KP007's: each file's own, then the cross-team ones."""
    today = scorecard.today
    problems = [p for f in scorecard.files for p in team_problems_of(f, scorecard.settings, today)]
    return problems + scorecard_problems(scorecard, graph, codes)


def lint(scorecard: Scorecard, selection: Selection, graph: CascadeGraph | None = None) -> list[Finding]:
    """Every selected rule over the scorecard, suppressions applied, sorted by place."""
    problems = all_problems(scorecard, graph, selection.codes)
    return finish(problems, (f.suppression_site() for f in scorecard.files), selection)
