"""The scorecard as one table: what `kpoctl export` writes and `kpoctl import` reads.

One row per team, objective, indicator or actual (`kind`; inferred from `level` when
left empty, as consultants' sheets have no such column). Every field of FORMAT.md
has a column; lists and pairs are written in a cell as people type them:

- `supports`, `shared_with`: ids separated by commas (`otif, cost`);
- `actions`: one per line of the cell;
- `baseline`: `2025-12=92.5`; `targets`: `2026-06=93; 2026-09=94`;
- `rollup`: a method (`weighted_mean`) or one per dimension (`segment=weighted_mean; step=product`);
- `target`: a number with `direction` (and `unit`) in their own columns, or free text
  with the direction in it (`>= 95%`, `Less than 2 days`, `<.58`), read by `parse_target`.

Rows become the dicts a team file holds, never more: nothing is invented; what a
row cannot say unambiguously is a problem of that row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from kpoctl.common.numbers import number_text
from kpoctl.model import Indicator, Objective, Team

COLUMNS = (
    "kind", "team", "id", "level", "title", "parent", "owner", "meeting", "role", "supports", "by", "weight",
    "cascades_from", "perspective", "due", "shared_with", "evaluation", "measures", "unit", "timing", "frequency",
    "source", "target", "direction", "tolerance", "baseline", "targets", "rollup", "actions", "period", "value", "note",
    "description", "status",
)
KINDS = ("team", "objective", "indicator", "actual")
OBJECTIVE_LEVELS, INDICATOR_LEVELS = ("KPO", "PO"), ("KPI", "PI", "context")
READ_ONLY = ("status",)  # written by export for the reader, ignored by import
# A CSV cell starting so is written with a leading ' (a spreadsheet would run it as a
# formula: CSV injection); the ' is taken off again on import.
FORMULA_STARTS = ("=", "+", "-", "@")

# title is the team's `name` on a team row and the indicator's `name` on an indicator row
TEAM_FIELDS = ("parent", "owner", "meeting", "description")
OBJECTIVE_FIELDS = ("level", "role", "supports", "by", "weight", "title", "cascades_from", "perspective", "due", "owner",
                    "shared_with", "evaluation", "description")
INDICATOR_FIELDS = ("level", "measures", "title", "unit", "timing", "frequency", "owner", "source", "target",
                    "baseline", "targets", "rollup", "actions", "description")
ID_LISTS, NUMBERS = ("supports", "shared_with"), ("weight", "tolerance", "value")


# the columns each kind of row reads (kind and team: every row); a cell in any other is refused,
# never dropped without a word (a target on an objective's row, an actual on an indicator's)
READS = {
    "team": frozenset({"title", *TEAM_FIELDS}),
    "objective": frozenset({"id", *OBJECTIVE_FIELDS}),
    "indicator": frozenset({"id", *INDICATOR_FIELDS, "direction", "tolerance"}),
    "actual": frozenset({"id", "period", "value", "note"}),
}

REFUSED, TWICE = "refused", "twice"  # an indicator id whose row was refused, or that two rows declare


@dataclass(frozen=True)
class RowProblem:
    """What could not be read, and where: the sheet's row (1-based, the header is row 1) and column."""

    row: int
    column: str
    message: str
    refused: bool = True  # False: read, but said (a free-text target kept as evaluation)


@dataclass
class Parsed:
    """Team files as dicts, in the order their teams first appear, and what the rows said."""

    teams: dict[str, dict] = field(default_factory=dict)
    rows_of: dict[str, int] = field(default_factory=dict)  # team -> the first row naming it
    entry_rows: dict[tuple, int] = field(default_factory=dict)  # (team, section, index[, "actuals", index]) -> row
    problems: list[RowProblem] = field(default_factory=list)


# --- export: the model as rows ------------------------------------------------------------


def to_rows(teams: list[Team], statuses: dict[tuple[str, str], str] | None = None) -> list[dict[str, Any]]:
    """Every team, its objectives, indicators and actuals as rows (values as in the model;
    None for an empty cell). `statuses`: the report's status per (team, indicator id)."""
    return [sheet_row(kind, team, **cells) for kind, team, cells in row_cells(teams, statuses)]


def row_cells(teams: list[Team], statuses: dict[tuple[str, str], str] | None = None, *, actuals: bool = True
              ) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The rows of to_rows as (kind, team, the cells it fills): a cell not named is empty.
    Most rows are actuals, which fill five cells of thirty-four; the CSV writer fills
    only these (or, with `actuals=False`, writes them itself: they come last)."""
    for team in teams:
        yield "team", team.team, {"title": team.name, "parent": team.parent, "owner": team.owner,
                                  "meeting": team.meeting, "description": team.description}
        for objective in team.objectives:
            yield "objective", team.team, {"id": objective.id, **_objective_cells(objective)}
        for indicator in team.indicators:
            cells = {"id": indicator.id, **_indicator_cells(indicator)}
            cells["status"] = (statuses or {}).get((team.team, indicator.id))
            yield "indicator", team.team, cells
        for indicator in team.indicators if actuals else ():
            for a in indicator.actuals:
                yield "actual", team.team, {"id": indicator.id, "period": a.period, "value": a.value, "note": a.note}


def sheet_row(kind: str, team: str, **cells: Any) -> dict[str, Any]:
    return {column: cells.get(column) for column in COLUMNS} | {"kind": kind, "team": team}


def _objective_cells(objective: Objective) -> dict[str, Any]:
    return {
        "level": objective.level, "role": objective.role, "supports": ", ".join(objective.supports) or None,
        "by": objective.by if objective.role == "breakdown" or objective.by != "parts" else None,
        "weight": objective.weight, "title": objective.title, "cascades_from": objective.cascades_from,
        "perspective": objective.perspective, "due": objective.due, "owner": objective.owner,
        "shared_with": ", ".join(objective.shared_with) or None, "evaluation": objective.evaluation,
        "description": objective.description,
    }


def _indicator_cells(indicator: Indicator) -> dict[str, Any]:
    target = indicator.target
    return {
        "level": indicator.level, "measures": indicator.measures, "title": indicator.name, "unit": indicator.unit,
        "timing": indicator.timing, "frequency": indicator.frequency, "owner": indicator.owner,
        "source": indicator.source, "target": target.value if target else None,
        "direction": target.direction if target else None, "tolerance": target.tolerance if target else None,
        "baseline": f"{indicator.baseline.period}={number_text(indicator.baseline.value)}" if indicator.baseline else None,
        "targets": "; ".join(f"{t.period}={number_text(t.value)}" for t in indicator.targets) or None,
        "rollup": _rollup_text(indicator.rollup), "actions": "\n".join(indicator.actions) or None,
        "description": indicator.description,
    }


def _rollup_text(rollup) -> str | None:
    if rollup is None or isinstance(rollup, str):
        return rollup
    return "; ".join(f"{dimension}={method}" for dimension, method in rollup.items())


# --- import: rows as team files -----------------------------------------------------------


def from_rows(rows: list[tuple[int, dict[str, Any]]]) -> Parsed:
    """Team-file dicts from (row number, {column: value}) pairs; every problem names its
    row and column. Empty cells are absent fields."""
    parsed = Parsed()
    indicators: dict[tuple[str, str], dict] = {}
    actual_rows: list[tuple[int, dict[str, Any]]] = []
    team_rows: dict[str, int] = {}
    for number, raw in rows:
        row = {k: v for k, v in raw.items() if k not in READ_ONLY and not _empty(v)}
        if not row:
            continue
        kind = _kind_of(number, row, parsed.problems)
        team_id = _text(row.get("team"))
        if kind is None:
            continue
        if not team_id:
            parsed.problems.append(RowProblem(number, "team", "no team: every row names the team it belongs to"))
            continue
        parsed.problems += [RowProblem(number, column, f"a{'n' if kind[0] in 'aeiou' else ''} {kind} row has no "
                                                     f"{column}, so the cell would be lost: move it to the row it "
                                                     "belongs to, or empty it")
                            for column in row if column not in ("kind", "team") and column not in READS[kind]]
        team = parsed.teams.setdefault(team_id, {"team": team_id})
        parsed.rows_of.setdefault(team_id, number)
        if kind == "team":
            team_rows.setdefault(team_id, number)
            _team_row(number, row, team, parsed.problems)
        elif kind == "actual":
            actual_rows.append((number, row))
        else:
            entry = _entry_row(number, row, kind, parsed.problems)
            if entry is None and kind == "indicator" and _text(row.get("id")):
                indicators.setdefault((team_id, _text(row["id"])), (REFUSED, number))  # its actuals: checked alone
            if entry is not None:
                section = team.setdefault("objectives" if kind == "objective" else "indicators", [])
                parsed.entry_rows[(team_id, "objectives" if kind == "objective" else "indicators", len(section))] = number
                section.append(entry)
                if kind == "indicator":
                    key = (team_id, entry["id"])
                    indicators[key] = (len(section) - 1, entry) if key not in indicators else (TWICE, number)
                    _keep_free_text_target(number, entry, team, parsed.problems)
    for number, row in actual_rows:
        _actual_row(number, row, indicators, parsed)
    for team_id, team in parsed.teams.items():
        if "name" in team:
            continue
        if team_id in team_rows:
            parsed.problems.append(RowProblem(team_rows[team_id], "title", f"the team row of '{team_id}' has no title "
                                              "(the team's name)"))
        else:
            parsed.problems.append(RowProblem(parsed.rows_of[team_id], "team", f"team '{team_id}' has no team row "
                                              "with its name (kind: team, title: the team's name)"))
    return parsed


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return str(value)
    text = value.strip()
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text


def _kind_of(number: int, row: dict, problems: list[RowProblem]) -> str | None:
    kind = (_text(row.get("kind")) or "").lower()
    level = _text(row.get("level")) or ""
    if not kind:
        kind = ("objective" if level in OBJECTIVE_LEVELS else "indicator" if level in INDICATOR_LEVELS
                else "actual" if "period" in row else "")
    if kind not in KINDS:
        said = f"kind {kind!r} is not one of {', '.join(KINDS)}" if kind else (
            "no kind, and the level does not tell (KPO, PO, KPI, PI or context)")
        problems.append(RowProblem(number, "kind", said))
        return None
    return kind


def _team_row(number: int, row: dict, team: dict, problems: list[RowProblem]) -> None:
    if "name" in team:
        problems.append(RowProblem(number, "kind", f"a second team row for '{team['team']}'"))
        return
    if "title" in row:
        team["name"] = _text(row["title"])
    for name in TEAM_FIELDS:
        if name in row:
            team[name] = _text(row[name])


def _entry_row(number: int, row: dict, kind: str, problems: list[RowProblem]) -> dict | None:
    entry_id = _text(row.get("id"))
    if not entry_id:
        problems.append(RowProblem(number, "id", f"an {kind} row needs an id"))
        return None
    entry: dict[str, Any] = {"id": entry_id}
    fields = OBJECTIVE_FIELDS if kind == "objective" else INDICATOR_FIELDS
    before = len(problems)
    for name in fields:
        if name in row:
            value = _cell(number, name, row[name], problems)
            if value is not None:
                entry["name" if (name == "title" and kind == "indicator") else name] = value
    if kind == "indicator" and "target" in entry:
        target = _target(number, row, entry.pop("target"), problems)
        if target is not None:
            entry["target"] = target
    elif kind == "indicator" and ("direction" in row or "tolerance" in row):
        problems.append(RowProblem(number, "target", "a direction or tolerance without a target"))
    return entry if len(problems) == before else None  # every problem found here refuses the row


def _cell(number: int, name: str, value: Any, problems: list[RowProblem]) -> Any:
    """One cell as the team file holds it."""
    if name in ID_LISTS:
        return [part.strip() for part in str(value).split(",") if part.strip()]
    if name == "actions":
        return [line.strip() for line in str(value).splitlines() if line.strip()]
    if name in NUMBERS:
        return _number(number, name, value, problems)
    if name == "due":
        return _date(number, name, value, problems)
    if name == "baseline":
        pairs = _pairs(number, name, value, problems)
        if pairs is None or len(pairs) != 1:
            if pairs is not None:
                problems.append(RowProblem(number, name, "a baseline is one PERIOD=VALUE pair"))
            return None
        return {"period": pairs[0][0], "value": pairs[0][1]}
    if name == "targets":
        pairs = _pairs(number, name, value, problems)
        return [{"period": p, "value": v} for p, v in pairs] if pairs is not None else None
    if name == "rollup":
        text = _text(value)
        if "=" not in text:
            return text
        pairs = [part.split("=", 1) for part in re.split(r"[;\n]", text) if part.strip()]
        return {key.strip(): method.strip() for key, method in pairs}
    if name == "target":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else _text(value)
    return _text(value) if not isinstance(value, (dt.date, dt.datetime)) else value.isoformat()[:10]


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _number(number: int, name: str, value: Any, problems: list[RowProblem]) -> float | int | None:
    if isinstance(value, bool):
        problems.append(RowProblem(number, name, f"{value} is not a number"))
        return None
    if isinstance(value, (int, float)):
        return value
    text = _text(value)
    if _NUMBER.match(text):
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    hint = " (write the decimal point as '.')" if re.fullmatch(r"[+-]?\d+,\d+", text) else ""
    problems.append(RowProblem(number, name, f"{text!r} is not a number{hint}"))
    return None


def _date(number: int, name: str, value: Any, problems: list[RowProblem]) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(RowProblem(number, name, f"{text!r} is not a date (YYYY-MM-DD)"))
        return None


def _period_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def _pairs(number: int, name: str, value: Any, problems: list[RowProblem]) -> list[tuple[str, Any]] | None:
    pairs = []
    for part in re.split(r"[;\n]", str(value)):
        if not part.strip():
            continue
        period, equals, amount = part.partition("=")
        parsed = _number(number, name, amount, problems) if equals else None
        if not equals or parsed is None:
            if not equals:
                problems.append(RowProblem(number, name, f"{part.strip()!r} is not PERIOD=VALUE"))
            return None
        pairs.append((period.strip(), parsed))
    return pairs


def _actual_row(number: int, row: dict, indicators: dict, parsed: Parsed) -> None:
    problems = parsed.problems
    key = (_text(row.get("team")), _text(row.get("id")) or "")
    index, indicator = indicators.get(key, (None, None))
    if index is TWICE:  # the id is declared twice in the team (KP003)
        problems.append(RowProblem(number, "id", f"actual of '{key[0]}/{key[1]}', which two indicator rows declare "
                                                 f"(the second at row {indicator}): it cannot be told which"))
        return
    if index is REFUSED:  # its indicator row is refused already: this row's own cells are still checked
        if "value" in row:
            _number(number, "value", row["value"], problems)
        return
    if indicator is None:
        problems.append(RowProblem(number, "id", f"actual of '{key[0]}/{key[1]}', which no indicator row declares"))
        return
    if "period" not in row or "value" not in row:
        problems.append(RowProblem(number, "period" if "period" not in row else "value",
                                   "an actual row needs a period and a value"))
        return
    period = row["period"]
    if isinstance(period, (dt.date, dt.datetime)) and period.day == 1:
        problems.append(RowProblem(number, "period", (
            f"the period is a date cell ({period.strftime('%Y-%m-%d')}): a spreadsheet turns 2026-10 into the "
            "first of October, so month or day cannot be told; format the column as text")))
        return
    value = _number(number, "value", row["value"], problems)
    if value is None:
        return
    actual = {"period": _period_text(period), "value": value}
    if "note" in row:
        actual["note"] = _text(row["note"])
    actuals = indicator.setdefault("actuals", [])
    parsed.entry_rows[(key[0], "indicators", index, "actuals", len(actuals))] = number
    actuals.append(actual)


# --- free-text targets ----------------------------------------------------------------------

_AT_LEAST = ("at least", "more than", "greater than", "higher than", "above", "over", "min", "minimum", ">=", "≥", "=>", ">")
_AT_MOST = ("at most", "less than", "fewer than", "lower than", "below", "under", "max", "maximum", "<=", "≤", "=<", "<")
_EQUAL = ("equal to", "exactly", "=", "==")
_AFTER = {"or more": "at_least", "or higher": "at_least", "or above": "at_least", "+": "at_least",
          "or less": "at_most", "or fewer": "at_most", "or lower": "at_most", "or below": "at_most"}
_TARGET_TEXT = re.compile(r"^\s*(?P<op>[a-z≥≤<>=\s]*?)\s*(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<rest>.*?)\s*$",
                          re.I)
DIRECTION_WORDS = {"at_least": "at_least", "at least": "at_least", ">=": "at_least", "≥": "at_least", "min": "at_least",
                   "at_most": "at_most", "at most": "at_most", "<=": "at_most", "≤": "at_most", "max": "at_most",
                   "equal": "equal", "=": "equal"}


def parse_target(text: str) -> tuple[float, str, str | None] | None:
    """(value, direction, unit) from a target as people write it in a sheet: `>= 95%`,
    `Less than 2 days`, `<.58`, `95% or more`; None when the direction is not written
    (a bare `95%` could mean either, and is not guessed) or the text is not one number."""
    match = _TARGET_TEXT.match(text)
    if match is None:
        return None
    op, rest = match.group("op").strip().lower(), match.group("rest").strip()
    value = float(match.group("number"))
    direction = None
    if op:
        direction = next((d for words, d in ((_AT_LEAST, "at_least"), (_AT_MOST, "at_most"), (_EQUAL, "equal"))
                          if op in words), None)
        if direction is None:
            return None
    unit_text = rest
    for suffix, said in _AFTER.items():
        if rest.lower().endswith(suffix):
            if direction is not None and direction != said:
                return None
            direction, unit_text = said, rest[: -len(suffix)].strip()
            break
    if direction is None or re.search(r"\d", unit_text):
        return None
    unit = unit_text or None
    return (int(value) if value.is_integer() else value), direction, unit


def _target(number: int, row: dict, value: Any, problems: list[RowProblem]) -> dict | None:
    """The target of an indicator row: a number and its direction column, or free text."""
    direction_text = (_text(row.get("direction")) or "").lower()
    tolerance = _number(number, "tolerance", row["tolerance"], problems) if "tolerance" in row else None
    if isinstance(value, (int, float)) or _NUMBER.match(str(value)):
        amount = _number(number, "target", value, problems)
        direction = DIRECTION_WORDS.get(direction_text)
        if amount is None:
            return None
        if direction is None:
            problems.append(RowProblem(number, "direction", (
                f"direction {direction_text!r} is not at_least, at_most or equal" if direction_text else
                f"target {number_text(float(amount))} has no direction: is more better (at_least) or less "
                "(at_most)? Say it in the direction column, or write the target as '>= 95'")))
            return None
        return {"value": amount, "direction": direction} | ({"tolerance": tolerance} if tolerance is not None else {})
    read = parse_target(str(value))
    if read is None or (direction_text and DIRECTION_WORDS.get(direction_text) != read[1]):
        return {"free_text": str(value)}
    amount, direction, unit = read
    target = {"value": amount, "direction": direction} | ({"tolerance": tolerance} if tolerance is not None else {})
    if unit is not None:
        target["unit"] = unit
    return target


def _keep_free_text_target(number: int, entry: dict, team: dict, problems: list[RowProblem]) -> None:
    """A target that is not a number with a direction is kept as the measured objective's
    `evaluation` (how it is judged), never turned into a number, and reported."""
    target = entry.get("target")
    if target is None:
        return
    unit = target.pop("unit", None)
    if unit is not None:
        if entry.get("unit") not in (None, unit):
            problems.append(RowProblem(number, "target", f"target says {unit!r} but the unit column says "
                                                         f"{entry['unit']!r}"))
            del entry["target"]
            return
        entry["unit"] = unit
    text = target.get("free_text")
    if text is None:
        return
    del entry["target"]
    objectives = {o["id"]: o for o in team.get("objectives", [])}
    measured = objectives.get(entry.get("measures", ""))
    if measured is not None and "evaluation" not in measured:
        measured["evaluation"] = text
        where = f"the evaluation of objective '{measured['id']}'"
    else:
        entry["description"] = (entry.get("description", "") + "\n" if entry.get("description") else "") + \
            f"Target as written: {text}"
        where = "its description"
    problems.append(RowProblem(number, "target", f"target {text!r} is not a number with a direction: kept as "
                                                 f"{where}, with no numeric target", refused=False))


def to_team(data: dict) -> Team:
    """Validate one imported team dict as a team file would be (raises pydantic's ValidationError)."""
    return Team.model_validate(data)
