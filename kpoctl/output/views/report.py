"""`kpoctl report`: the meeting report. Per team, its KPIs then PIs with target, latest
actual, trend, status and owner; off-track first; stale data (KP403) and off-track KPIs
without actions (KP409) noted beside their rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kpoctl.graph import CascadeGraph, EntryRef
from kpoctl.model import Indicator
from kpoctl.model.direction import AT_LEAST, SIGN, improved
from kpoctl.model.rollup import fmt
from kpoctl.model.status import AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, STATUSES, status_of
from kpoctl.rules.engine import Selection, finish

SPARKS = "▁▂▃▄▅▆▇█"
NOTE_CODES = ("KP403", "KP409")


@dataclass
class ReportRow:
    team: str
    id: str
    level: str
    name: str
    unit: str | None
    target: float | None
    direction: str | None
    latest: float | None
    period: str | None
    status: str
    owner: str | None
    trend: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # what the owner does about it (shown, not in JSON)

    @property
    def movement(self) -> tuple[str, bool | None]:
        """The last move as an arrow, and whether it went the better way for the target
        (None: no move, or no direction to judge it by)."""
        if len(self.trend) < 2 or self.trend[-1] == self.trend[-2]:
            return ("→", None) if len(self.trend) >= 2 else ("", None)
        up = self.trend[-1] > self.trend[-2]
        return ("↑" if up else "↓"), improved(self.trend[-2], self.trend[-1], self.direction)

    def to_dict(self) -> dict:
        """The JSON shape of CLI.md."""
        return {k: getattr(self, k) for k in
                ("team", "id", "level", "name", "unit", "target", "direction", "latest", "period", "status", "owner")}

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "-"
        return f"{SIGN[self.direction or AT_LEAST]} {fmt(self.target, self.unit)}"

    @property
    def latest_text(self) -> str:
        return "-" if self.latest is None else f"{fmt(self.latest, self.unit)} ({self.period})"


@dataclass
class TeamReport:
    team: str
    name: str
    meeting: str | None
    rows: list[ReportRow]

    @property
    def summary(self) -> str:
        counts = Counter(r.status for r in self.rows)
        return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]) or "no KPIs or PIs"


def sparkline(values: list[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))] for v in values)


def _row(ref: EntryRef, notes: list[str]) -> ReportRow:
    entry = ref.entry
    recent = entry.actuals[-8:]  # the trend; one slice, as a large cached scorecard builds actuals when read
    latest = recent[-1] if recent else None
    target = entry.target
    return ReportRow(
        team=ref.team, id=entry.id, level=entry.level, name=entry.name, unit=entry.unit,
        target=target.value if target else None, direction=target.direction if target else None,
        latest=latest.value if latest else None, period=latest.period if latest else None,
        status=status_of(entry, latest) or NO_DATA, owner=entry.owner,
        trend=[a.value for a in recent], notes=notes, actions=list(entry.actions),
    )




def build_report(graph: CascadeGraph, problems, sites, team: str | None = None) -> list[TeamReport]:
    """Team reports down the cascade, each after its parent (or just `team`), KPIs then
    PIs, worst status first;
    the findings of NOTE_CODES among `problems` (suppressions applied) become notes."""
    findings = finish(((c, p) for c, p in problems if c in NOTE_CODES), sites, Selection.build(list(NOTE_CODES), []))
    notes: dict[tuple, list[str]] = {}
    for f in findings:
        notes.setdefault((f.team, f.id), []).append(f"{f.code}: {f.message}")
    reports = []
    for name in graph.cascade_order() if team is None else [team]:
        refs = [r for r in graph.entries_by_team.get(name, [])
                if isinstance(r.entry, Indicator) and r.entry.level in ("KPI", "PI")]
        rows = [_row(r, notes.get((name, r.entry.id), [])) for r in refs]
        rows.sort(key=lambda r: (r.level != "KPI", STATUSES.index(r.status)))
        t = graph.teams[name].team
        reports.append(TeamReport(name, t.name, t.meeting, rows))
    return reports


def report_rows(reports: list[TeamReport]) -> list[dict]:
    return [row.to_dict() for report in reports for row in report.rows]


# --- text -----------------------------------------------------------------------------

STATUS_STYLE = {ON_TRACK: "bold green", AT_RISK: "bold yellow", OFF_TRACK: "bold red", NO_DATA: "dim"}
STATUS_MARK = {ON_TRACK: "●", AT_RISK: "▲", OFF_TRACK: "✖", NO_DATA: "○"}


def render_text(reports: list[TeamReport], console) -> None:
    """The report in a terminal (kpoctl.output.views.report_text lays it out)."""
    from kpoctl.output.views.report_text import render_text as render

    render(reports, console)


# --- markdown ---------------------------------------------------------------------------

MD_MARK = {ON_TRACK: "🟢", AT_RISK: "🟡", OFF_TRACK: "🔴", NO_DATA: "⚪"}


def _md(text: str) -> str:
    from kpoctl.common.textsafe import markdown_cell

    return markdown_cell(text)


def render_markdown(reports: list[TeamReport]) -> str:
    out = ["# Meeting report", ""]
    for report in reports:
        meeting = f" ({report.meeting} meeting)" if report.meeting else ""
        out += [f"## {report.team}: {_md(report.name)}{meeting}", "", f"**{report.summary}**", ""]
        if not report.rows:
            continue
        out += ["| | indicator | target | latest | trend | status | owner | notes |", "|---|---|---|---|---|---|---|---|"]
        for r in report.rows:
            out.append(
                f"| {r.level} | {_md(r.name)} (`{r.id}`) | {_md(r.target_text)} | {_md(r.latest_text)} | "
                f"{sparkline(r.trend)} | {MD_MARK[r.status]} {r.status} | {_md(r.owner or '-')} | "
                f"{_md('; '.join(r.notes))} |"
            )
        out.append("")
    return "\n".join(out)
