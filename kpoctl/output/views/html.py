"""`kpoctl report --format html`: the briefing book a manager reads before the meeting.

One self-contained page (no script, no network, no font to fetch), or with `-o DIR` a
small static site (index.html and a page per team) for GitHub or GitLab Pages. A cover
with the as-of date, an overview of everything off track or at risk, then the teams down
the cascade, each indicator with a chart of its actuals against the target and its
tolerance band. Status is told by shape and word as well as colour, so the book reads
in print and in black and white; each chart says which way is better.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from kpoctl.model.direction import AT_LEAST, AT_MOST
from kpoctl.model.rollup import fmt
from kpoctl.model.status import AT_RISK, NO_DATA, NO_TARGET, OFF_TRACK, ON_TRACK, STATUSES, judge_against
from kpoctl.output.views.report import STATUS_MARK, ReportRow, TeamReport

CLASS = {ON_TRACK: "on-track", AT_RISK: "at-risk", OFF_TRACK: "off-track", NO_TARGET: "no-target", NO_DATA: "no-data"}
BETTER = {AT_LEAST: "↑ higher is better", AT_MOST: "↓ lower is better", "equal": "= closer to the target is better"}

CSS = """
:root { --on: #1a7f37; --risk: #9a6700; --off: #cf222e; --none: #6e7781; --line: #d0d7de; --ink: #1f2328; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1.5rem; color: var(--ink); }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; } h2 { font-size: 1.3rem; margin: 2.2rem 0 .3rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .2rem; }
a { color: #0969da; } .muted { color: #57606a; }
nav.crumbs { font-size: .9em; margin: .2rem 0 .6rem; }
.cover { border-bottom: 2px solid var(--ink); padding-bottom: 1rem; margin-bottom: 1rem; }
.tiles { display: flex; gap: .8rem; flex-wrap: wrap; margin-top: .8rem; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 8rem; }
.tile b { display: block; font-size: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.status { font-weight: 600; white-space: nowrap; }
.on-track { color: var(--on); } .at-risk { color: var(--risk); } .off-track { color: var(--off); }
.no-data, .no-target { color: var(--none); }
.indicators { display: grid; grid-template-columns: repeat(auto-fill, minmax(21rem, 1fr)); gap: .9rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; break-inside: avoid; }
.card h4 { margin: 0 0 .2rem; font-size: .95rem; } .card .facts { font-size: .9em; margin: .2rem 0; }
.card ul { margin: .2rem 0 0 1.1rem; padding: 0; font-size: .9em; }
.attention { font-weight: 600; }
svg.chart { width: 100%; height: auto; display: block; margin: .3rem 0; }
.objectives li { margin: .15rem 0; }
.tree ul { list-style: none; margin: 0; padding-left: 1.2rem; border-left: 1px solid var(--line); }
.tree > ul { border-left: none; padding-left: 0; } .tree li { margin: .15rem 0; }
.tree .team { font-weight: 700; } .tree .level { display: inline-block; min-width: 3.2rem; font-size: .8em; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; } a { color: inherit; text-decoration: none; }
  section.team { break-before: page; } h2, h3 { break-after: avoid; } .card, tr { break-inside: avoid; }
  .status, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


@dataclass(frozen=True)
class Book:
    """What the cover says."""

    title: str
    as_of: str  # "2026-11-21", or "2026-Q3 (actuals of periods ended by 2026-09-30)"
    generated: str  # "kpoctl 0.1.0 on 2026-11-21"
    past: bool  # an --as-of view: today's notes are not shown


class _Links:
    """Where a team, an objective or an indicator is: an anchor of the one page, or a page of the site."""

    def __init__(self, site: bool) -> None:
        self.site = site

    def team(self, team: str) -> str:
        return f"team-{escape(team)}.html" if self.site else f"#team-{escape(team)}"

    @staticmethod
    def fragment(team: str, kind: str, ident: str) -> str:
        """The id of an objective ("obj") or indicator ("ind") on its team's page."""
        return f"{kind}-{escape(team)}-{escape(ident)}"

    def anchor(self, team: str, kind: str, ident: str) -> str:
        fragment = self.fragment(team, kind, ident)
        return f"team-{escape(team)}.html#{fragment}" if self.site else f"#{fragment}"

    def home(self) -> str:
        return "index.html" if self.site else "#top"


# --- the chart ----------------------------------------------------------------------------

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 320, 120, 10, 10, 16, 22


def _point_status(row: ReportRow, value: float, target: float | None) -> str:
    """A point's status against the target in force for its period."""
    if target is None or row.direction is None:
        return NO_TARGET
    return judge_against(value, target, row.direction, row.tolerance)


def _marker(x: float, y: float, state: str) -> str:
    """A point whose shape tells its status without colour: dot, triangle, cross, ring."""
    cls = CLASS[state]
    if state == ON_TRACK:
        return f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="currentColor"/>'
    if state == AT_RISK:
        return (f'<path class="{cls}" d="M{x:.1f} {y - 4:.1f} L{x + 4:.1f} {y + 3:.1f} L{x - 4:.1f} {y + 3:.1f} Z" '
                'fill="currentColor"/>')
    if state == OFF_TRACK:
        return (f'<path class="{cls}" d="M{x - 3.5:.1f} {y - 3.5:.1f} L{x + 3.5:.1f} {y + 3.5:.1f} M{x + 3.5:.1f} '
                f'{y - 3.5:.1f} L{x - 3.5:.1f} {y + 3.5:.1f}" stroke="currentColor" stroke-width="2"/>')
    return f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="none" stroke="currentColor"/>'


def chart_svg(row: ReportRow) -> str:
    """The indicator's actuals over time, its target line and tolerance band, as inline SVG."""
    points = row.history
    if not points:
        return ""
    values = [v for _, v, _ in points]
    targets = [t for _, _, t in points]
    moving = len({t for t in targets if t is not None}) > 1  # interim targets, or a baseline's straight line
    band = None if moving else _band(row)
    scale = values + [t for t in targets if t is not None] + (list(band) if band else [])
    low, high = min(scale), max(scale)
    if high == low:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.08
    low, high = low - margin, high + margin

    def y(value: float) -> float:
        return PAD_T + (high - value) / (high - low) * (H - PAD_T - PAD_B)

    def x(index: int) -> float:
        span = W - PAD_L - PAD_R
        return PAD_L + (span / 2 if len(points) == 1 else index * span / (len(points) - 1))

    unit = row.unit
    parts = [f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#8c959f"/>']
    if band:
        top, bottom = y(max(band)), y(min(band))
        parts.append(f'<rect class="band" x="{PAD_L}" y="{top:.1f}" width="{W - PAD_L - PAD_R}" '
                     f'height="{max(bottom - top, 1):.1f}" fill="#8c959f" fill-opacity="0.18"/>')
    if moving:
        steps = " ".join(f"{x(i):.1f},{y(t):.1f}" for i, t in enumerate(targets) if t is not None)
        parts.append(f'<polyline class="target" points="{steps}" fill="none" stroke="#1f2328" '
                     'stroke-dasharray="5 3"/>')
    if row.target is not None and not moving:
        ty = y(row.target)
        parts.append(f'<line class="target" x1="{PAD_L}" y1="{ty:.1f}" x2="{W - PAD_R}" y2="{ty:.1f}" '
                     'stroke="#1f2328" stroke-dasharray="5 3"/>')
        label_y = ty - 3 if ty - 3 > PAD_T + 8 else ty + 11  # above the line, or below it at the top
        parts.append(f'<text x="{PAD_L + 2}" y="{label_y:.1f}" font-size="10">target '
                     f'{escape(fmt(row.target, unit))}</text>')
    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{line}" fill="none" stroke="#57606a" stroke-width="1.5"/>')
    parts += [_marker(x(i), y(v), _point_status(row, v, t)) for i, (v, t) in enumerate(zip(values, targets))]
    last_y = y(values[-1])
    parts.append(f'<text x="{x(len(values) - 1) - 6:.1f}" y="{last_y - 7 if last_y > PAD_T + 12 else last_y + 15:.1f}" '
                 f'text-anchor="end" font-size="10" font-weight="600">{escape(fmt(values[-1], unit))}</text>')
    parts.append(f'<text x="{PAD_L}" y="{H - 6}" font-size="10">{escape(points[0][0])}</text>')
    if len(points) > 1:
        parts.append(f'<text x="{W - PAD_R}" y="{H - 6}" text-anchor="end" font-size="10">{escape(points[-1][0])}</text>')
    better = BETTER.get(row.direction, "")
    if better:
        parts.append(f'<text x="{W - PAD_R}" y="10" text-anchor="end" font-size="10">{escape(better)}</text>')
    label = (f"{row.name}: {len(points)} actuals from {points[0][0]} to {points[-1][0]}, latest "
             f"{fmt(values[-1], unit)}" + (f", target {row.target_text}" if row.target is not None else ""))
    return (f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>{''.join(parts)}</svg>")


def _band(row: ReportRow) -> tuple[float, float] | None:
    """The tolerance band: where a value is at risk (for equal: on track)."""
    if row.target is None or not row.tolerance:
        return None
    t, d = row.target, row.tolerance
    return {AT_LEAST: (t - d, t), AT_MOST: (t, t + d)}.get(row.direction, (t - d, t + d))


# --- words for a manager --------------------------------------------------------------

def attention(row: ReportRow) -> list[str]:
    """What needs saying about a row, in a manager's words (from the rules that flagged it)."""
    said = []
    codes = {note.partition(":")[0] for note in row.notes}
    if "KP002" in codes:
        said.append("Part of what its file says of it is not valid and is left out here: kpoctl lint says what.")
    if "KP403" in codes:
        said.append(f"No new figure since {row.period}: it is overdue.")
    if "KP409" in codes:
        said.append("Off track, and no action agreed yet.")
    return said


def _status(state: str) -> str:
    return f'<span class="status {CLASS[state]}">{STATUS_MARK[state]} {state}</span>'


def _card(row: ReportRow, links: _Links) -> str:
    anchor = links.fragment(row.team, "ind", row.id)
    facts = [f"target {escape(row.target_text)}" if row.target is not None else "no target",
             f"latest {escape(row.latest_text)}", f"owner {escape(row.owner or 'nobody named')}"]
    actions = "".join(f"<li>{escape(a)}</li>" for a in row.actions)
    notes = "".join(f'<p class="attention">{escape(n)}</p>' for n in attention(row))
    measures = (f' · measures <a href="{links.anchor(row.team, "obj", row.measures)}">{escape(row.measures)}</a>'
                if row.measures else "")
    return (f'<div class="card" id="{anchor}" data-status="{CLASS[row.status]}">'
            f"<h4>{escape(row.level)} {escape(row.name)} {_status(row.status)}</h4>"
            f'<p class="facts muted">{" · ".join(facts)}{measures}</p>{chart_svg(row)}{notes}'
            + (f"<p class=\"facts\">Actions:</p><ul>{actions}</ul>" if actions else "") + "</div>")


def _objectives(report: TeamReport, links: _Links) -> str:
    items = []
    for o in report.objectives:
        anchor = links.fragment(report.team, "obj", o.id)
        up = f" · from {_objective_link(o.up, links)}" if o.up else ""
        down = ", ".join(_objective_link(key, links) for key in o.down)
        items.append(f'<li id="{anchor}"><b>{escape(o.level)}</b> {escape(o.title)} <code>{escape(o.id)}</code>{up}'
                     + (f" · to {down}" if down else "") + "</li>")
    return f'<ul class="objectives">{"".join(items)}</ul>' if items else ""


def _objective_link(key: str, links: _Links) -> str:
    team, _, ident = key.partition("/")
    return f'<a href="{links.anchor(team, "obj", ident)}">{escape(key)}</a>'


def _team_section(report: TeamReport, links: _Links) -> str:
    crumbs = [f'<a href="{links.home()}">overview</a>']
    if report.parent:
        crumbs.append(f'up: <a href="{links.team(report.parent)}">{escape(report.parent)}</a>')
    if report.children:
        crumbs.append("down: " + ", ".join(f'<a href="{links.team(c)}">{escape(c)}</a>' for c in report.children))
    meeting = f"{escape(report.meeting)} meeting" if report.meeting else "no meeting cadence set"
    owner = f"owner {escape(report.owner)}" if report.owner else "no owner"
    cards = "".join(_card(row, links) for row in report.rows)
    return (f'<section class="team" id="team-{escape(report.team)}"><h2>{escape(report.name)} '
            f'<code>{escape(report.team)}</code></h2><nav class="crumbs">{" · ".join(crumbs)}</nav>'
            f'<p class="muted">{meeting} · {owner} · {escape(report.summary)}</p>'
            f"<h3>Objectives</h3>{_objectives(report, links) or '<p class=muted>none</p>'}"
            f"<h3>Indicators</h3>{'<div class=indicators>' + cards + '</div>' if cards else '<p class=muted>none</p>'}"
            "</section>")


def _cover(book: Book, reports: list[TeamReport]) -> str:
    rows = [r for report in reports for r in report.rows]
    tiles = "".join(f'<div class="tile {CLASS[s]}"><b>{sum(r.status == s for r in rows)}</b>{STATUS_MARK[s]} {s}</div>'
                    for s in STATUSES)
    past = " Notes on stale data and missing actions describe today and are left out." if book.past else ""
    return (f'<header class="cover" id="top"><h1>{escape(book.title)}</h1>'
            f'<p class="as-of">As of <b>{escape(book.as_of)}</b>. {len(reports)} teams, {len(rows)} KPIs and PIs.{past}</p>'
            f'<div class="tiles">{tiles}</div><p class="muted">Generated by {escape(book.generated)}.</p></header>')


def _overview(reports: list[TeamReport], links: _Links) -> str:
    rows = [r for report in reports for r in report.rows if r.status in (OFF_TRACK, AT_RISK)]
    rows.sort(key=lambda r: STATUSES.index(r.status))  # stable: cascade order within a status
    unknown = sum(r.status == NO_DATA for report in reports for r in report.rows)
    blind = f" {unknown} of the indicators have no data, so nobody can tell for them." if unknown else ""
    if not rows:
        return f'<section id="overview"><h2>Needs attention</h2><p>Nothing is off track or at risk.{blind}</p></section>'
    body = "".join(
        f'<tr data-status="{CLASS[r.status]}"><td><a href="{links.team(r.team)}">{escape(r.team)}</a></td>'
        f'<td><a href="{links.anchor(r.team, "ind", r.id)}">{escape(r.name)}</a> ({escape(r.level)})</td>'
        f"<td>{escape(r.latest_text)}</td><td>{escape(r.target_text)}</td><td>{_status(r.status)}</td>"
        f"<td>{escape(r.owner or 'nobody named')}</td>"
        f"<td>{escape('; '.join(r.actions)) if r.actions else '<b>no action agreed</b>'}</td></tr>"
        for r in rows)
    return ('<section id="overview"><h2>Needs attention</h2><table><thead><tr><th>team</th><th>indicator</th>'
            "<th>latest</th><th>target</th><th>status</th><th>owner</th><th>what is being done</th></tr></thead>"
            f'<tbody>{body}</tbody></table>{f"<p>{blind.strip()}</p>" if blind else ""}</section>')


def _tree(node: dict, statuses: dict[tuple, str], links: _Links) -> str:
    if node["kind"] == "team":
        label = f'<a class="team" href="{links.team(node["team"])}">{escape(node["team"])}</a> {escape(node["title"])}'
    else:
        state = statuses.get((node["team"], node["id"]))
        title = escape(node["title"])
        if node["level"] != "context":  # context indicators have no card to link to
            kind = "obj" if node["level"] in ("KPO", "PO") else "ind"
            title = f'<a href="{links.anchor(node["team"], kind, node["id"])}">{title}</a>'
        mark = f'<span class="{CLASS[state]}" title="{state}">{STATUS_MARK[state]}</span> ' if state else ""
        label = f'{mark}<span class="level">{escape(node["level"])}</span>{title}'
    children = "".join(_tree(child, statuses, links) for child in node["children"])
    return f"<li>{label}{'<ul>' + children + '</ul>' if children else ''}</li>"


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
{body}
</body>
</html>
"""


def render_html(reports: list[TeamReport], roots: list[dict], statuses: dict[tuple, str], book: Book) -> str:
    """The briefing book as one page."""
    links = _Links(site=False)
    tree = "".join(_tree(root, statuses, links) for root in roots)
    body = (_cover(book, reports) + _overview(reports, links) + "".join(_team_section(r, links) for r in reports)
            + f'<section id="cascade"><h2>Cascade</h2><div class="tree"><ul>{tree}</ul></div></section>')
    return _page(book.title, body)


def render_site(reports: list[TeamReport], roots: list[dict], statuses: dict[tuple, str], book: Book) -> dict[str, str]:
    """The briefing book as a static site: {file name: page}, index.html first."""
    links = _Links(site=True)
    tree = "".join(_tree(root, statuses, links) for root in roots)
    teams = "".join(f'<li><a href="{links.team(r.team)}">{escape(r.name)}</a> <span class="muted">'
                    f"{escape(r.summary)}</span></li>" for r in reports)
    pages = {"index.html": _page(book.title, _cover(book, reports) + _overview(reports, links)
                                 + f'<section id="teams"><h2>Teams</h2><ul>{teams}</ul></section>'
                                 + f'<section id="cascade"><h2>Cascade</h2><div class="tree"><ul>{tree}</ul></div></section>')}
    for report in reports:
        pages[f"team-{report.team}.html"] = _page(f"{report.name}: {book.title}", _team_section(report, links))
    return pages
