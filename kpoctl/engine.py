"""Run the rules over a scorecard: select, stamp, suppress, sort.

The engine, not the rule, stamps each problem with its code and configured
severity, applies `# kpoctl: ignore[...]` comments and reports the ones that
silence nothing (KP007).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from dataclasses import replace
from pathlib import Path

from kpoctl.findings import Finding, Location, Severity
from kpoctl.graph import CascadeGraph
from kpoctl.model import Settings, Team
from kpoctl.rules import REGISTRY, Context, closest_code
from kpoctl.rules.base import TEAM
from kpoctl.scorecard import Scorecard, TeamFile, unpack

UNUSED_SUPPRESSION = "KP007"


class SelectionError(ValueError):
    """An unknown rule code or prefix (exit 2)."""


@dataclass(frozen=True)
class Selection:
    """Which rules run, and at which severity."""

    codes: frozenset[str]
    severity: dict[str, Severity] = field(default_factory=dict)

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
            chosen = max((len(s) if s != "ALL" else 0 for s in select if _matches(s, code)), default=-1)
            dropped = max((len(s) if s != "ALL" else 0 for s in ignore if _matches(s, code)), default=-1)
            if chosen >= 0 and chosen > dropped:
                codes.add(code)
        levels = {code.upper(): Severity.parse(level) for code, level in (severity or {}).items()}
        return cls(frozenset(codes), levels)

    def severity_of(self, code: str) -> Severity:
        return self.severity.get(code, REGISTRY[code].severity)


def _matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector.upper())


def check_selector(selector: str, *, exact: bool = False) -> None:
    """Raise SelectionError for a code or prefix that names no rule, suggesting the closest."""
    upper = selector.upper()
    if upper == "ALL" and not exact:
        return
    if upper in REGISTRY or (not exact and any(code.startswith(upper) for code in REGISTRY) and upper.startswith("KP")):
        return
    close = closest_code(selector)
    hint = f"; did you mean {close}?" if close else "; see `kpoctl explain --list`"
    raise SelectionError(f"unknown rule code {selector!r}{hint}")


def selection_from(scorecard_settings, select: list[str] | None, ignore: list[str] | None) -> Selection:
    """Settings' selection, with the command line's `--select` replacing and `--ignore` adding."""
    rules = scorecard_settings.rules
    return Selection.build(
        select if select else list(rules.select),
        [*rules.ignore, *(ignore or [])],
        dict(rules.severity),
    )


def analyse_file(team_file: TeamFile, settings: Settings, today: dt.date) -> TeamFile:
    """Run the team-scoped rules over one file on its own.

    Returns a slim copy for lint: their problems in `local`, and the team without
    its actuals, which no scorecard-scoped rule reads. The loader calls this in its
    worker processes and caches the result, so an unchanged file costs nothing."""
    alone = Scorecard(root=Path("."), settings=settings, files=[team_file])
    ctx = Context(alone, CascadeGraph(alone), settings, today)
    problems = tuple((code, p) for code, rule in REGISTRY.items() if rule.scope == TEAM for p in rule.check(ctx))
    return replace(team_file, team=_without_actuals(team_file.team), local=problems)


def _without_actuals(team: Team | None) -> Team | None:
    if team is None or not any(i.actuals for i in team.indicators):
        return team
    return team.model_copy(update={"indicators": [i.model_copy(update={"actuals": []}) for i in team.indicators]})


def lint(scorecard: Scorecard, selection: Selection, graph: CascadeGraph | None = None,
         today: dt.date | None = None) -> list[Finding]:
    """Every selected rule over the scorecard, suppressions applied, sorted by place."""
    today = today or scorecard.today
    graph = graph or CascadeGraph(scorecard)
    ctx = Context(scorecard, graph, scorecard.settings, today)
    findings: list[Finding] = []
    for team_file in scorecard.files:
        local = team_file.local
        if local is None:
            local = analyse_file(team_file, scorecard.settings, today).local
        findings.extend(
            Finding.from_problem(code, selection.severity_of(code), p) for code, p in local if code in selection.codes
        )
    for code, rule in REGISTRY.items():
        if rule.scope == TEAM or code == UNUSED_SUPPRESSION or code not in selection.codes:
            continue
        severity = selection.severity_of(code)
        findings.extend(Finding.from_problem(code, severity, p) for p in rule.check(ctx))
    suppressor = Suppressor(scorecard.files, selection.codes)
    findings = [f for f in findings if not suppressor.silences(f)]
    if UNUSED_SUPPRESSION in selection.codes:
        ctx.unused_suppressions = suppressor.unused()
        severity = selection.severity_of(UNUSED_SUPPRESSION)
        rule = REGISTRY[UNUSED_SUPPRESSION]
        findings.extend(Finding.from_problem(UNUSED_SUPPRESSION, severity, p) for p in rule.check(ctx))
    return sorted(set(findings), key=lambda f: f.sort_key)


class Suppressor:
    """Applies `# kpoctl: ignore[...]` comments and remembers which ones were used.

    A comment on the line where an entry starts silences findings located inside
    that entry; one on the `team:` line silences the team-level findings (id null)."""

    def __init__(self, files: list[TeamFile], active: frozenset[str]) -> None:
        self.active = active
        self.by_file: dict[str, tuple[list[int], TeamFile]] = {}
        self.used: set[tuple[str, int, str]] = set()
        for team_file in files:
            if not team_file.suppressions:
                continue
            self.by_file[team_file.file] = (team_file.entry_lines(), team_file)

    def _team_line(self, team_file: TeamFile) -> int | None:
        packed = team_file.header.get("team")
        return unpack(packed)[0] if packed is not None else None

    def silences(self, finding: Finding) -> bool:
        if finding.file not in self.by_file:
            return False
        starts, team_file = self.by_file[finding.file]
        if finding.id is None and finding.code not in ("KP001", "KP002"):
            line = self._team_line(team_file)
        else:
            index = bisect.bisect_right(starts, finding.line) - 1
            line = starts[index] if index >= 0 else None
        codes = team_file.suppressions.get(line) if line is not None else None
        if codes is None or (codes and finding.code not in codes):
            return False
        self.used.add((finding.file, line, finding.code if codes else "*"))
        return True

    def unused(self) -> list[tuple[Location, str]]:
        found = []
        for file, (starts, team_file) in sorted(self.by_file.items()):
            anchors = set(starts) | {self._team_line(team_file)}
            for line, codes in sorted(team_file.suppressions.items()):
                where = Location(file, line, 1)
                if line not in anchors:
                    found.append((where, "suppression comment is not on the first line of an entry or on the "
                                         "`team:` line: it silences nothing"))
                    continue
                unknown = sorted(c for c in codes if c not in REGISTRY)
                if unknown:
                    found.append((where, f"suppression names unknown rule code(s): {', '.join(unknown)}"))
                if not codes:
                    if (file, line, "*") not in self.used:
                        found.append((where, "`# kpoctl: ignore` silences nothing here: remove it"))
                    continue
                unused = sorted(c for c in codes if c in self.active and (file, line, c) not in self.used)
                if unused:
                    found.append((where, f"suppression of {', '.join(unused)} silences nothing here: remove it"))
        return found
