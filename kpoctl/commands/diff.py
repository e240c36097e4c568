"""`kpoctl diff REV [REV2]`: what changed in the scorecard between two git revisions.

Files are taken from git's objects through libgit2 (kpoctl.read.gitrevs, as the
history check reads them) and read with the same reader and cache as lint, so a
revision is compared as kpoctl sees it. Changes are
about the model, not the text: entries added and removed, targets changed (a
lowered ambition flagged), cascades re-parented, owners changed, levels demoted.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import orjson

from kpoctl.common.textsafe import markdown_cell
from kpoctl.model import CADENCES, Objective, Settings
from kpoctl.model.direction import ASCII_SIGN, eased, easier
from kpoctl.model.rollup import fmt
from kpoctl.model.scorecard import TeamFile
from kpoctl.read.cache import compact_json
from kpoctl.read.gitrevs import History
from kpoctl.read.load import NoTeamFiles

DEMOTIONS = {("KPO", "PO"), ("KPI", "PI"), ("KPI", "context"), ("PI", "context")}
# an entry's term in diff_part -> the kind of its change and how a message names it
TERMS = (("name", "renamed", "renamed:"), ("due", "due", "due"), ("share", "breakdown", "breakdown"),
         ("perspective", "perspective", "perspective"), ("shared", "shared", "shared with"),
         ("evaluation", "evaluation", "evaluated by"),
         ("unit", "unit", "unit"), ("baseline", "baseline", "baseline"), ("rollup", "rollup", "roll-up"),
         ("timing", "timing", "timing"), ("frequency", "frequency", "measured"), ("source", "source", "source"),
         ("actions", "actions", "actions:"))


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | target | lowered-target | re-parented | role | owner | demoted | promoted | level
    #            | renamed | due | postponed | breakdown | perspective | shared | evaluation | unit | baseline | rollup
    #            | timing | frequency | less-often | source | actions | meeting
    team: str
    id: str | None
    before: str | None
    after: str | None
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Side:
    """One side of a diff: each team as diff_part gives it, the file each came from, the
    team files not read whole, the second files of a team. Parts are added in path order."""

    teams: dict[str, dict] = field(default_factory=dict)  # team id -> its diff_part
    files: dict[str, str] = field(default_factory=dict)  # team id -> its first file, relative to PATH
    unread: dict[str, str] = field(default_factory=dict)  # file not read whole -> why (KP001 or KP002 line N: ...)
    repeated: dict[str, str] = field(default_factory=dict)  # a team's second file -> why (KP003: ...)
    known: dict[str, object] = field(default_factory=dict)  # content key -> diff_part, for a revision read next
    parts: dict[str, dict] = field(default_factory=dict)  # file -> its diff_part, relative to `root`
    root: Path | None = None  # the working tree's scorecard folder
    settings_file: Path | None = None  # the working tree's: the settings every side is read with
    settings_below: tuple[str, ...] = ()  # the working tree's kpoctl.yaml files below the root, not read
    links_skipped: tuple[str, ...] = ()  # the working tree's links below the root, not followed

    def add(self, relative: str, part: dict) -> None:
        self.parts[relative] = part
        first = self.files.setdefault(part["team"], relative)  # the file the graph keeps
        if first != relative:
            self.repeated[relative] = f"KP003: team '{part['team']}' is already declared in {first}"
        elif part["invalid"] is not None:  # read in part: what does not validate would look removed
            self.unread[relative] = part["invalid"]
        else:
            self.teams[part["team"]] = part

    def add_unread(self, unread) -> None:
        self.unread.setdefault(unread.file, unread.why)


def diff_part(team_file: TeamFile, settings: Settings) -> dict:
    """What diff compares of a team, as plain JSON values. The cache keeps it per file
    content, so the files a revision shares with the working tree (most of them) are
    neither parsed again nor held as models. `invalid`: why the file was read in part
    (its first KP002), as its team is then not compared. What compare alone reads (the
    team's parent, owner, meeting and entries) is kept as one JSON text, `body`, decoded
    only for a team the two sides do not share (decoding every team's entries was most of
    what a diff of 10,000 teams did after the read: 0.9 s, for the one team edited)."""
    team = team_file.team
    entries: dict[str, dict] = {}
    for entry in [*team.objectives, *team.indicators]:
        if entry.id in entries:  # a repeated id: the first, as the graph keeps
            continue
        objective = isinstance(entry, Objective)
        target = None if objective or entry.target is None else entry.target
        part = entries[entry.id] = {
            "level": entry.level,
            "owner": entry.owner,
            "objective": objective,
            "cascades_from": entry.cascades_from if objective else None,
            "target": None if target is None else [target.value, target.direction, target.tolerance],
            "target_text": None if target is None else f"{ASCII_SIGN[target.direction]} {fmt(target.value, entry.unit)}",
        }
        # only what is set, as both sides of a diff of 10,000 teams hold these (compare reads them with .get):
        # what the entry hangs from within its team (a KPI's KPO, a PO's KPOs as one sorted text, and role),
        # and interim targets (period -> the value and its text; the direction is the target's)
        links = {"measures": entry.measures} if not objective else {"supports": _listed(entry.supports), "role": entry.role}
        part.update((key, value) for key, value in links.items() if value)
        # and what the entry says it is and how it counts: its wording, an objective's due date,
        # breakdown share, perspective, sharing and evaluation, an indicator's unit, baseline,
        # roll-up, timing, frequency, source and actions (each as a message shows it; a
        # `description` is free text, left to git's own diff)
        part.update((key, value) for key, value in _terms(entry, objective).items() if value is not None)
        if not objective and entry.targets:
            part["interim"] = {t.period: [t.value, fmt(t.value, entry.unit)] for t in entry.targets}
    from kpoctl.pipeline.reading import first_invalid

    invalid = first_invalid(team_file.problems).get(team_file.file)
    body = {"parent": team.parent, "owner": team.owner, "meeting": team.meeting, "entries": entries}
    return {"team": team.team, "name": team.name, "invalid": invalid.why if invalid is not None else None,
            "body": compact_json(body).decode()}


def _opened(part: dict) -> dict:
    """A team's part with its body decoded (diff_part): what compare reads."""
    return {"name": part["name"], **orjson.loads(part["body"])}


def _terms(entry, objective: bool) -> dict[str, str | None]:
    """An entry's terms other than its links and targets, as text (None: not set)."""
    if objective:
        share = None if entry.by == "parts" and entry.weight is None else \
            f"by {entry.by}" + ("" if entry.weight is None else f", weight {fmt(entry.weight, None)}")
        return {"name": entry.title, "due": None if entry.due is None else entry.due.isoformat(), "share": share,
                "perspective": entry.perspective, "shared": _listed(entry.shared_with),
                "evaluation": entry.evaluation}
    rollup = entry.rollup if not isinstance(entry.rollup, dict) else \
        ", ".join(f"{by}: {method}" for by, method in sorted(entry.rollup.items()))
    # the baseline without its unit, as interim targets are compared: a new unit is one change, not two
    baseline = None if entry.baseline is None else f"{fmt(entry.baseline.value, None)} in {entry.baseline.period}"
    return {"name": entry.name, "unit": entry.unit, "baseline": baseline, "rollup": rollup, "timing": entry.timing,
            "frequency": entry.frequency, "source": entry.source,
            "actions": _listed(entry.actions, "; ")}  # a sentence may hold a comma


def _listed(items: list[str], separator: str = ", ") -> str | None:
    """Ids (or actions) as one text, sorted and once each (the same ones in another order
    are no change); None for none."""
    return separator.join(sorted(set(items))) or None


def at_revision(revision: str, path: Path, settings: Settings) -> Callable[..., Side]:
    """The teams of the scorecard at PATH as they were at `revision`, to be read when called.
    The revision is resolved now, so that an unknown one fails before anything is read;
    read it after the working tree, whose parts then serve every file the revision has
    unchanged (pass them as `known`: Side.known of the working tree)."""
    history = History(path)
    return functools.partial(_teams_at, history, history.commit(revision), path, settings)


def _teams_at(history: History, commit, path: Path, settings: Settings, known: dict | None = None,
              work_tree: Side | None = None) -> Side:
    """Files taken from git's objects (libgit2, as the history check reads them) and read
    as every command reads a file, through the same cache (kpoctl.pipeline.reading.read_blobs).
    With the `work_tree` side: a file whose blob git's status says the work tree holds as
    it is takes the work tree's part, and its blob is not even inflated (at 10,000 teams,
    inflating and hashing every blob was most of what diff did beyond a lint)."""
    from kpoctl.pipeline.reading import read_blobs

    side = Side()
    same = history.unchanged_blobs() if work_tree is not None and work_tree.root == history.folder else {}
    order: list[str] = []
    taken: dict[str, dict] = {}  # the work tree's parts of the files the revision has as they are

    def within_limit():  # one object lookup per file: libgit2 inflates a blob to tell its size
        for relative, blob in history.files_at(commit):
            order.append(relative)
            if same.get(relative) == blob and relative in work_tree.parts:
                taken[relative] = work_tree.parts[relative]
                continue
            raw = history.blob(blob)
            if len(raw) > settings.max_file_mb * 1_000_000:
                side.unread[relative] = f"KP001 line 1: file is {len(raw) / 1_000_000:.1f} MB, over max_file_mb"
            else:
                yield relative, raw

    parts, unread = read_blobs(path, settings, within_limit(), "diff", diff_part, known=known)
    for relative in order:  # in path order: a team's first file is the one the graph keeps
        part = taken[relative] if relative in taken else parts.get(relative)
        if part is not None:
            side.add(relative, part)
    for file in unread:
        side.add_unread(file)
    return side


def teams_now(path: Path) -> Side:
    """The teams of the working tree, through the one read path (none when every team
    file was deleted)."""
    from kpoctl.pipeline.reading import read_scorecard

    side = Side()
    try:
        reading = read_scorecard(path, actuals=False, derive=(("diff", diff_part),), findings=())
    except NoTeamFiles:
        return side
    for relative, part in reading.derived("diff", actuals=False).items():
        if part is not None:
            side.add(relative, part)
            if reading.keys.get(relative) is not None:
                side.known[reading.keys[relative]] = part
    for unread in reading.unread:
        side.add_unread(unread)
    side.settings_file, side.settings_below = reading.settings_file, reading.settings_below
    side.root = reading.root.resolve()
    side.links_skipped = reading.links_skipped
    return side


def comparable(old: Side, new: Side) -> tuple[dict[str, dict], dict[str, dict]]:
    """The teams both sides can speak for: a team whose file could not be read whole on
    one side (or was read in part) is left out of both, rather than called added or
    removed, or its entries that do not validate called removed."""
    unknown = {team for side in (old, new) for team, file in side.files.items() if file in old.unread or file in new.unread}
    keep = lambda side: {name: team for name, team in side.teams.items() if name not in unknown}  # noqa: E731
    return keep(old), keep(new)


def _lowered(before: dict, after: dict) -> bool:
    """Less ambitious: a lower floor, a higher ceiling, a wider tolerance on the same
    target, or the target taken away (nothing left to miss). A new direction is a new
    target, not a lower one. The two targets differ (compare asks only then)."""
    b, a = before["target"], after["target"]
    if a is None:
        return True
    if b is None or a[1] != b[1]:
        return False
    (b_value, direction, b_tolerance), (a_value, _, a_tolerance) = b, a
    return eased(b_value, b_tolerance, a_value, a_tolerance, direction) is not None


def compare(old: dict[str, dict], new: dict[str, dict]) -> list[Change]:
    """The changes from `old` to `new` (team id -> diff_part), team by team, id by id."""
    changes: list[Change] = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            changes.append(Change("added", name, None, None, new[name]["name"], f"team {name} added"))
            continue
        if name not in new:
            changes.append(Change("removed", name, None, old[name]["name"], None, f"team {name} removed"))
            continue
        before, after = old[name], new[name]
        if before is after:  # a file the revision shares with the other side: one part serves both
            continue
        before, after = _opened(before), _opened(after)
        if before["parent"] != after["parent"]:
            changes.append(Change("re-parented", name, None, before["parent"], after["parent"],
                                  f"team {name} moved from parent {_said(before['parent'])} to {_said(after['parent'])}"))
        if before["owner"] != after["owner"]:
            changes.append(Change("owner", name, None, before["owner"], after["owner"],
                                  f"team {name}: owner {_said(before['owner'])} -> {_said(after['owner'])}"))
        if before["name"] != after["name"]:
            changes.append(Change("renamed", name, None, before["name"], after["name"],
                                  f"team {name} renamed: {before['name']} -> {after['name']}"))
        if before["meeting"] != after["meeting"]:
            was, now = before["meeting"], after["meeting"]
            changes.append(Change(_cadence_kind("meeting", was, now), name, None, was, now,
                                  f"team {name} meets {_said(was)} -> {_said(now)}"))
        changes += _compare_entries(name, before["entries"], after["entries"])
    return changes


def _compare_entries(team: str, old: dict[str, dict], new: dict[str, dict]) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        ref = f"{team}/{key}"
        if key not in old:
            level = new[key]["level"]
            changes.append(Change("added", team, key, None, level, f"{level} {ref} added"))
            continue
        if key not in new:
            level = old[key]["level"]
            changes.append(Change("removed", team, key, level, None, f"{level} {ref} removed"))
            continue
        b, a = old[key], new[key]
        if b["level"] != a["level"]:
            levels = (b["level"], a["level"])
            kind = "demoted" if levels in DEMOTIONS else "promoted" if levels[::-1] in DEMOTIONS else "level"
            changes.append(Change(kind, team, key, *levels, f"{ref} {kind}: {levels[0]} -> {levels[1]}"))
        both_objectives = b["objective"] and a["objective"]
        both_indicators = not b["objective"] and not a["objective"]
        if both_objectives and b["cascades_from"] != a["cascades_from"]:
            changes.append(Change("re-parented", team, key, b["cascades_from"], a["cascades_from"],
                                  f"{ref} now cascades from {_said(a['cascades_from'])} (was {_said(b['cascades_from'])})"))
        if both_objectives and b.get("supports") != a.get("supports"):
            was, now = b.get("supports"), a.get("supports")
            changes.append(Change("re-parented", team, key, was, now, f"{ref} now supports {_said(now)} (was {_said(was)})"))
        if both_objectives and b.get("role") != a.get("role"):
            changes.append(Change("role", team, key, b.get("role"), a.get("role"),
                                  f"{ref} role {_said(b.get('role'))} -> {_said(a.get('role'))}"))
        if both_indicators and b.get("measures") != a.get("measures"):
            changes.append(Change("re-parented", team, key, b.get("measures"), a.get("measures"),
                                  f"{ref} now measures {_said(a.get('measures'))} (was {_said(b.get('measures'))})"))
        if both_indicators and b["target"] != a["target"]:
            lowered = _lowered(b, a)
            kind = "lowered-target" if lowered else "target"
            note = " (lower ambition)" if lowered else ""
            changes.append(Change(kind, team, key, b["target_text"], a["target_text"],
                                  f"{ref} target {_said(b['target_text'])} -> {_said(a['target_text'])}{note}"))
        if both_indicators:
            changes += _compare_interim(team, key, b, a)
        if b["owner"] != a["owner"]:
            changes.append(Change("owner", team, key, b["owner"], a["owner"],
                                  f"{ref} owner {_said(b['owner'])} -> {_said(a['owner'])}"))
        if b["objective"] == a["objective"]:
            changes += _compare_terms(ref, team, key, b, a)
    return changes


def _compare_terms(ref: str, team: str, key: str, b: dict, a: dict) -> list[Change]:
    """Wording, due date, breakdown share, perspective, sharing, evaluation, unit, baseline,
    roll-up, timing, frequency, source and actions, each its own kind of change; a due date
    moved later is `postponed` (more time to reach the same objective), a frequency made
    longer `less-often`."""
    changes = []
    for term, kind, says in TERMS:
        was, now = b.get(term), a.get(term)
        if was == now:
            continue
        if term == "due" and was is not None and (now is None or now > was):
            kind = "postponed"
        elif term == "frequency":
            kind = _cadence_kind(kind, was, now)
        changes.append(Change(kind, team, key, was, now, f"{ref} {says} {_said(was)} -> {_said(now)}"))
    return changes


def _cadence_kind(kind: str, was: str | None, now: str | None) -> str:
    """`less-often` for a cadence made longer (measured or reviewed less often: a stale
    indicator then goes unflagged for longer), else the term's own kind. A cadence taken
    away is its own kind: lint says what is missing (KP402)."""
    if was is not None and now is not None and CADENCES.index(now) > CADENCES.index(was):
        return "less-often"
    return kind


def _compare_interim(team: str, key: str, b: dict, a: dict) -> list[Change]:
    """Interim targets added, removed or moved, period by period; one moved the easier way
    under an unchanged direction is a lowered ambition, as the target's own would be."""
    changes = []
    directions = {target[1] for target in (b["target"], a["target"]) if target is not None}
    direction = directions.pop() if len(directions) == 1 else None  # none, or two: nothing is "easier"
    sign = ASCII_SIGN[direction] + " " if direction is not None else ""
    before_interim, after_interim = b.get("interim", {}), a.get("interim", {})
    for period in sorted(set(before_interim) | set(after_interim)):
        was, now = before_interim.get(period), after_interim.get(period)
        if was is not None and now is not None and was[0] == now[0]:
            continue  # the same value (its unit, if changed, is not an interim target's change)
        lowered = was is not None and now is not None and easier(was[0], now[0], direction)  # no direction: False
        before, after = (f"{sign}{was[1]}" if was else None), (f"{sign}{now[1]}" if now else None)
        changes.append(Change("lowered-target" if lowered else "target", team, key, before, after,
                              f"{team}/{key} interim target for {period} {_said(before)} -> {_said(after)}"
                              + (" (lower ambition)" if lowered else "")))
    return changes


def _said(value: str | None) -> str:
    """A value as a message says it: an unset one as "(none)", never Python's None."""
    return "(none)" if value is None else value


def render_markdown(changes: list[Change], old: str, new: str) -> str:
    lines = [f"# Scorecard changes: {markdown_cell(old)} → {markdown_cell(new)}", ""]
    if not changes:
        return "\n".join(lines + ["No change to the model.", ""])
    lines += ["| change | team | id | before | after |", "|---|---|---|---|---|"]
    for c in changes:
        flag = " ⚠" if c.kind in ("lowered-target", "postponed", "less-often", "demoted", "removed") else ""
        cells = [f"{c.kind}{flag}", c.team, c.id or "", c.before or "", c.after or ""]
        lines.append("| " + " | ".join(markdown_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def render_text(changes: list[Change], console, old: str, new: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from kpoctl.common.textsafe import plain
    from kpoctl.output.tables import print_whole

    if not changes:
        console.print(Text(plain(f"No change to the model between {old} and {new}.")))
        return
    table = Table(title=Text(plain(f"Scorecard changes: {old} -> {new}")), title_justify="left")
    for column in ("change", "team", "id", "before", "after"):
        table.add_column(column, overflow="fold")
    style = {"lowered-target": "bold red", "postponed": "yellow", "less-often": "yellow", "demoted": "yellow",
             "removed": "red", "added": "green"}
    for c in changes:
        table.add_row(Text(c.kind, style=style.get(c.kind, "")), *(Text(plain(x)) for x in
                                                                   (c.team, c.id or "", c.before or "", c.after or "")))
    print_whole(console, table)
    lowered = sum(c.kind == "lowered-target" for c in changes)
    console.print(f"{len(changes)} change{'s' if len(changes) != 1 else ''}" + (f"; {lowered} lowered target{'s' if lowered != 1 else ''}" if lowered else ""))
