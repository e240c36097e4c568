"""`kpoctl diff REV [REV2]`: what changed in the scorecard between two git revisions.

Files are taken from git's objects through libgit2 (kpoctl.read.gitrevs, as the
history check reads them) and read with the same loader as lint, so a revision is compared as kpoctl sees it. Changes are
about the model, not the text: entries added and removed, targets changed (a
lowered ambition flagged), cascades re-parented, owners changed, levels demoted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from kpoctl.common.textsafe import markdown_cell
from kpoctl.model import Indicator, Objective, Settings, Team
from kpoctl.model.direction import ASCII_SIGN, easier
from kpoctl.model.rollup import fmt
from kpoctl.read.gitrevs import History
from kpoctl.read.load import UNREADABLE, NoTeamFiles, read_team_bytes

DEMOTIONS = {("KPO", "PO"), ("KPI", "PI"), ("KPI", "context"), ("PI", "context")}


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | target | lowered-target | re-parented | owner | demoted | promoted | level
    team: str
    id: str | None
    before: str | None
    after: str | None
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Side:
    """One side of a diff: the teams read, the file each came from, the team files not read."""

    teams: dict[str, Team] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # team id -> file relative to PATH
    unread: dict[str, str] = field(default_factory=dict)  # file -> why (KP001 line N: ...)

    def add(self, team_file) -> None:
        if team_file.team is not None:
            self.teams.setdefault(team_file.team.team, team_file.team)
            self.files.setdefault(team_file.team.team, team_file.file)
        else:
            first = next((p for code, p in team_file.problems if code == UNREADABLE), None)
            if first is not None:
                self.unread[team_file.file] = f"{UNREADABLE} line {first.location.line}: {first.message}"


def teams_at(revision: str, path: Path, settings: Settings) -> Side:
    """The teams of the scorecard at PATH as they were at `revision`, read from git's
    objects (libgit2, as the history check reads them) with the same per-file reader as
    every command (kpoctl.read.load)."""
    history = History(path)
    commit = history.commit(revision)
    side = Side()
    for relative, blob in history.files_at(commit):
        size = history.blob_size(blob)
        if size > settings.max_file_mb * 1_000_000:
            side.unread[relative] = f"KP001 line 1: file is {size / 1_000_000:.1f} MB, over max_file_mb"
            continue
        result = read_team_bytes(history.blob(blob), relative, settings)
        if result is not None:
            side.add(result)
    return side


def teams_now(path: Path) -> Side:
    """The teams of the working tree, through the one read path (none when every team
    file was deleted)."""
    from kpoctl.pipeline.reading import read_scorecard

    side = Side()
    try:
        reading = read_scorecard(path, need_model=True)
    except NoTeamFiles:
        return side
    for team_file in reading.scorecard().files:
        side.add(team_file)
    for unread in reading.unread:
        side.unread.setdefault(unread.file, f"KP001 line {unread.line}: {unread.message}")
    return side


def comparable(old: Side, new: Side) -> tuple[dict[str, Team], dict[str, Team]]:
    """The teams both sides can speak for: a team whose file could not be read on one
    side is left out of both, rather than called added or removed."""
    unknown = {team for team, file in old.files.items() if file in new.unread}
    unknown |= {team for team, file in new.files.items() if file in old.unread}
    keep = lambda side: {name: team for name, team in side.teams.items() if name not in unknown}  # noqa: E731
    return keep(old), keep(new)


def _entries(team: Team) -> dict[str, Objective | Indicator]:
    found: dict[str, Objective | Indicator] = {}
    for entry in [*team.objectives, *team.indicators]:
        found.setdefault(entry.id, entry)
    return found


def _target_text(entry: Indicator) -> str | None:
    t = entry.target
    if t is None:
        return None
    return f"{ASCII_SIGN[t.direction]} {fmt(t.value, entry.unit)}"


def _lowered(before: Indicator, after: Indicator) -> bool:
    """Less ambitious: a lower floor, a higher ceiling, or a wider tolerance on the same target."""
    b, a = before.target, after.target
    if b is None or a is None or a.direction != b.direction:
        return False
    if easier(b.value, a.value, a.direction):
        return True
    return a.value == b.value and (a.tolerance or 0) > (b.tolerance or 0)


def compare(old: dict[str, Team], new: dict[str, Team]) -> list[Change]:
    changes: list[Change] = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            changes.append(Change("added", name, None, None, new[name].name, f"team {name} added"))
            continue
        if name not in new:
            changes.append(Change("removed", name, None, old[name].name, None, f"team {name} removed"))
            continue
        before_team, after_team = old[name], new[name]
        if before_team.parent != after_team.parent:
            changes.append(Change("re-parented", name, None, before_team.parent, after_team.parent,
                                  f"team {name} moved from parent {before_team.parent} to {after_team.parent}"))
        if before_team.owner != after_team.owner:
            changes.append(Change("owner", name, None, before_team.owner, after_team.owner,
                                  f"team {name}: owner {before_team.owner} -> {after_team.owner}"))
        changes += _compare_entries(name, _entries(before_team), _entries(after_team))
    return changes


def _compare_entries(team: str, old: dict, new: dict) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        ref = f"{team}/{key}"
        if key not in old:
            e = new[key]
            changes.append(Change("added", team, key, None, e.level, f"{e.level} {ref} added"))
            continue
        if key not in new:
            e = old[key]
            changes.append(Change("removed", team, key, e.level, None, f"{e.level} {ref} removed"))
            continue
        b, a = old[key], new[key]
        if b.level != a.level:
            kind = "demoted" if (b.level, a.level) in DEMOTIONS else "promoted" if (a.level, b.level) in DEMOTIONS else "level"
            changes.append(Change(kind, team, key, b.level, a.level, f"{ref} {kind}: {b.level} -> {a.level}"))
        if isinstance(b, Objective) and isinstance(a, Objective) and b.cascades_from != a.cascades_from:
            changes.append(Change("re-parented", team, key, b.cascades_from, a.cascades_from,
                                  f"{ref} now cascades from {a.cascades_from} (was {b.cascades_from})"))
        if isinstance(b, Indicator) and isinstance(a, Indicator) and b.target != a.target:
            lowered = _lowered(b, a)
            kind = "lowered-target" if lowered else "target"
            note = " (lower ambition)" if lowered else ""
            changes.append(Change(kind, team, key, _target_text(b), _target_text(a),
                                  f"{ref} target {_target_text(b)} -> {_target_text(a)}{note}"))
        if b.owner != a.owner:
            changes.append(Change("owner", team, key, b.owner, a.owner, f"{ref} owner {b.owner} -> {a.owner}"))
    return changes


def render_markdown(changes: list[Change], old: str, new: str) -> str:
    lines = [f"# Scorecard changes: {markdown_cell(old)} → {markdown_cell(new)}", ""]
    if not changes:
        return "\n".join(lines + ["No change to the model.", ""])
    lines += ["| change | team | id | before | after |", "|---|---|---|---|---|"]
    for c in changes:
        flag = " ⚠" if c.kind in ("lowered-target", "demoted", "removed") else ""
        cells = [f"{c.kind}{flag}", c.team, c.id or "", c.before or "", c.after or ""]
        lines.append("| " + " | ".join(markdown_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def render_text(changes: list[Change], console, old: str, new: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from kpoctl.common.textsafe import plain

    if not changes:
        console.print(Text(plain(f"No change to the model between {old} and {new}.")))
        return
    table = Table(title=Text(plain(f"Scorecard changes: {old} -> {new}")), title_justify="left")
    for column in ("change", "team", "id", "before", "after"):
        table.add_column(column, overflow="fold")
    style = {"lowered-target": "bold red", "demoted": "yellow", "removed": "red", "added": "green"}
    for c in changes:
        table.add_row(Text(c.kind, style=style.get(c.kind, "")), *(Text(plain(x)) for x in
                                                                   (c.team, c.id or "", c.before or "", c.after or "")))
    console.print(table)
    lowered = sum(c.kind == "lowered-target" for c in changes)
    console.print(f"{len(changes)} change{'s' if len(changes) != 1 else ''}" + (f"; {lowered} lowered target{'s' if lowered != 1 else ''}" if lowered else ""))
