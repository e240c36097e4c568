"""`kpoctl report`: the meeting report. Per team, its KPIs then PIs with target, latest
actual, trend, status and owner; off-track first; stale data (KP403) and off-track KPIs
without actions (KP409) noted beside their rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from kpoctl.graph import CascadeGraph, EntryRef
from kpoctl.model import Indicator, Settings
from kpoctl.model.direction import AT_LEAST, SIGN, improved
from kpoctl.model.periods import period_bounds
from kpoctl.model.profiles import profile_of
from kpoctl.model.rollup import fmt
from kpoctl.model.scorecard import TeamFile
from kpoctl.model.scoring import okr_score, zone
from kpoctl.model.status import AT_RISK, NO_DATA, NO_TARGET, OFF_TRACK, ON_TRACK, STATUSES, status_of, target_in_force
from kpoctl.output.views.parts import Teams, alone, header
from kpoctl.rules.engine import Selection, finish, selection_from

SPARKS = "▁▂▃▄▅▆▇█"
# the findings shown beside an indicator's row: what of it is not valid (its status "no
# target" may be a target that is no number), stale, off track with no actions
NOTE_CODES = ("KP002", "KP403", "KP409")


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
    actions: list[str] = field(default_factory=list)  # what the owner does about it (shown, not in JSON)
    tolerance: float | None = None
    # every actual, for the briefing book's chart: (period, value, the target in force for it)
    history: list[tuple[str, float, float | None]] = field(default_factory=list)
    measures: str | None = None  # the objective's id, in the same team
    score: float | None = None  # the OKR score (profile okr: kpoctl.model.scoring)
    scored: bool = False  # the profile scores key results: JSON has "score"
    label: str = ""  # the level in the profile's words (kpoctl.model.profiles): what text and markdown show
    cells: str = ""  # the row as the text report shows it (report_text.row_cells): one string, compact in the cache
    notes: list[str] = field(default_factory=list)  # findings of NOTE_CODES about it (build_report)

    @property
    def level_text(self) -> str:
        return self.label or self.level

    @property
    def status_text(self) -> str:
        """The status, and under the okr profile the score with its zone (0.3 and 0.7 mark them)."""
        if self.score is None:
            return self.status
        return f"{self.status}, score {self.score:.2f} ({zone(self.score)})"

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
        shape = {k: getattr(self, k) for k in
                 ("team", "id", "level", "name", "unit", "target", "direction", "latest", "period", "status", "owner")}
        if self.scored:  # profile okr: the key result's score, 0.0-1.0 (null when it cannot be scored)
            shape["score"] = self.score
        return shape

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "-"
        # a target in force on the way from a baseline has every decimal of a straight line: three are read
        return f"{SIGN[self.direction or AT_LEAST]} {fmt(round(self.target, 3), self.unit)}"

    @property
    def latest_text(self) -> str:
        return "-" if self.latest is None else f"{fmt(self.latest, self.unit)} ({self.period})"


@dataclass
class ObjectiveLink:
    """An objective in the briefing book, with where it comes from and where it goes."""

    id: str
    level: str
    title: str
    up: str | None  # TEAM/ID it cascades from
    down: list[str]  # TEAM/ID of the objectives cascaded from it


@dataclass
class TeamReport:
    team: str
    name: str
    meeting: str | None
    rows: list[ReportRow]
    owner: str | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    objectives: list[ObjectiveLink] = field(default_factory=list)

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
    span = high - low
    return "".join([SPARKS[round((v - low) / span * 7)] for v in values])  # 7: len(SPARKS) - 1


def _row(ref: EntryRef, as_of: dt.date | None, history: bool, due: dt.date | None) -> ReportRow:
    entry = ref.entry
    if as_of is None:
        shown = entry.actuals if history else entry.actuals[-8:]  # a large cached scorecard builds actuals when read
    else:
        shown = [a for a in entry.actuals if period_bounds(a.period)[1] <= as_of]
    recent = shown[-8:]
    latest = recent[-1] if recent else None
    target = target_in_force(entry, latest.period, due) if latest is not None else entry.target
    return ReportRow(
        team=ref.team, id=entry.id, level=entry.level, name=entry.name, unit=entry.unit,
        target=target.value if target else None, direction=target.direction if target else None,
        latest=latest.value if latest else None, period=latest.period if latest else None,
        status=status_of(entry, latest, due) or NO_DATA, owner=entry.owner,
        trend=[a.value for a in recent], actions=list(entry.actions),
        tolerance=target.tolerance if target else None, measures=entry.measures,
        history=[(a.period, a.value, _value(target_in_force(entry, a.period, due))) for a in shown] if history else [],
    )


def _value(target) -> float | None:
    return target.value if target is not None else None




# a report row as a team's part keeps it: the fields its team's file alone decides, in ReportRow's order
ROW_FIELDS = tuple(name for name in ReportRow.__dataclass_fields__ if name not in ("team", "notes"))


def report_part(team_file: TeamFile, settings: Settings, *, as_of: dt.date | None = None,
                history: bool = False, text: bool = False) -> dict:
    """The team's report rows (kpoctl.output.views.parts), KPIs then PIs, worst status first.
    `as_of`: only the actuals of periods ended by then count. `history`: every actual, for
    charts. `text`: with each row's cells as the text report shows them."""
    from kpoctl.output.views.report_text import row_cells

    graph = alone(team_file, settings)
    name = team_file.team.team
    profile = profile_of(settings.profile)
    refs = [r for r in graph.entries_by_team.get(name, [])
            if isinstance(r.entry, Indicator) and r.entry.level in ("KPI", "PI")]
    rows = [_row(r, as_of, history, graph.due_of(r)) for r in refs]
    for row, ref in zip(rows, refs):
        row.label = profile.word(row.level)
        if profile.name == "okr":  # the profile scores key results
            row.scored, row.score = True, okr_score(ref.entry) if row.level == "KPI" and as_of is None else None
        target = graph.resolve(name, row.measures) if row.measures else None
        row.measures = target.entry.id if target is not None and target.is_objective else None  # else KP004's
        if text:
            row.cells = row_cells(row)
    rows.sort(key=lambda r: (r.level != "KPI", STATUSES.index(r.status)))
    return {**header(team_file), "rows": [[getattr(row, f) for f in ROW_FIELDS] for row in rows]}


def report_text_part(team_file: TeamFile, settings: Settings) -> dict:
    """report_part with the text report's cells (a part of its own: JSON runs never pay for them)."""
    return report_part(team_file, settings, text=True)


def build_report(teams: Teams, problems, sites, team: str | None = None, *, notes: bool = True,
                 settings: Settings | None = None) -> list[TeamReport]:
    """Team reports down the cascade, each after its parent (or just `team`), from the teams'
    report parts; the findings of NOTE_CODES among `problems` become notes as lint would
    show them under `settings` (its rules selected, suppressions applied, in its profile's
    words), unless `notes` is False (a report as of a past period: they describe today)."""
    noted: dict[tuple, list[str]] = {}
    if notes:
        selection = selection_from(settings, None, None) if settings is not None else Selection.build(list(NOTE_CODES), [])
        selection = replace(selection, codes=selection.codes & frozenset(NOTE_CODES))
        for f in finish(((c, p) for c, p in problems if c in NOTE_CODES), sites, selection):
            noted.setdefault((f.team, f.id), []).append(f"{f.code}: {f.message}")
    reports = []
    for name in teams.cascade_order() if team is None else [team]:
        part = teams.parts[name]
        rows = []
        for values in part["rows"]:
            row = ReportRow(name, *values, notes=noted.get((name, values[0]), []))
            row.history = [tuple(point) for point in row.history]  # a part from the cache has JSON's lists
            rows.append(row)
        report = TeamReport(name, part["name"], part["meeting"], rows, owner=part["owner"],
                            parent=part["parent"] if part["parent"] in teams else None, children=teams.children(name))
        reports.append(report)
    return reports


def link_objectives(reports: list[TeamReport], graph: CascadeGraph) -> None:
    """The briefing book's links up and down the cascade, from the whole graph."""
    for report in reports:
        report.objectives = _objectives(graph, report.team)


def _objectives(graph: CascadeGraph, name: str) -> list[ObjectiveLink]:
    out = []
    for ref in graph.entries_by_team.get(name, []):
        entry = ref.entry
        if not ref.is_objective:
            continue
        down = sorted(r.key for r in graph.cascaded_from(ref.key))
        up = entry.cascades_from if entry.cascades_from in graph.entries else None
        out.append(ObjectiveLink(entry.id, entry.level, entry.title, up, down))
    return out


def report_rows(reports: list[TeamReport]) -> list[dict]:
    return [row.to_dict() for report in reports for row in report.rows]


# --- text -----------------------------------------------------------------------------

STATUS_STYLE = {ON_TRACK: "bold green", AT_RISK: "bold yellow", OFF_TRACK: "bold red", NO_TARGET: "dim", NO_DATA: "dim"}
STATUS_MARK = {ON_TRACK: "●", AT_RISK: "▲", OFF_TRACK: "✖", NO_TARGET: "◇", NO_DATA: "○"}


def render_text(reports: list[TeamReport], console, blocks=None) -> None:
    """The report in a terminal (kpoctl.output.views.report_text lays it out; `blocks`:
    its Blocks, the teams it laid out on an earlier run)."""
    from kpoctl.output.views.report_text import render_text as render

    render(reports, console, blocks)


# --- markdown ---------------------------------------------------------------------------

MD_MARK = {ON_TRACK: "🟢", AT_RISK: "🟡", OFF_TRACK: "🔴", NO_TARGET: "⬜", NO_DATA: "⚪"}


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
                f"| {r.level_text} | {_md(r.name)} (`{r.id}`) | {_md(r.target_text)} | {_md(r.latest_text)} | "
                f"{sparkline(r.trend)} | {MD_MARK[r.status]} {r.status_text} | {_md(r.owner or '-')} | "
                f"{_md('; '.join(r.notes))} |"
            )
        out.append("")
    return "\n".join(out)
