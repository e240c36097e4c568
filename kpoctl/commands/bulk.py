"""`kpoctl record --from actuals.csv`: many actuals at once, as BI and ERP exports give them.

Every row is checked against the scorecard before anything is written; one refused row
and nothing is written (each is named with its row number). Then each file takes all of
its rows in one atomic write, under the same lock as a single `record`, every other byte
kept as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kpoctl.commands.record import (
    Entry,
    Prepared,
    Recorded,
    check_period,
    only_declaration,
    parse_value,
    prepare_many,
    record_many,
)
from kpoctl.common.errors import UsageError
from kpoctl.model import Settings
from kpoctl.read.load import in_workers
from kpoctl.read.sheets import dialect_of

COLUMNS = "indicator (TEAM/ID), or team and indicator; period; value; and optionally note"
_KNOWN = {"team", "indicator", "period", "value", "note"}


@dataclass(frozen=True)
class Row:
    number: int  # the line of the CSV file it starts on
    entry: Entry


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, {column: text}) of each data row; one clear error for a file that is not such a CSV."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8: export the CSV as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect_of(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = sorted(set(header) - _KNOWN)
    if unknown or not {"indicator", "period", "value"} <= set(header) or len(set(header)) != len(header):
        problem = f"unknown column {', '.join(unknown)}" if unknown else "missing or repeated columns"
        raise UsageError(f"{path}: {problem}; the columns are {COLUMNS}")
    rows = []
    for fields in reader:
        if None in fields:  # more cells than columns
            raise UsageError(f"{path} line {reader.line_num}: more cells than the header has columns")
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in fields.items()}))
    return rows


def check_rows(raw: list[tuple[int, dict[str, str]]], teams: dict, replace: bool) -> tuple[list[Row], list[str]]:
    """The rows as entries, and what is wrong with the others ('row N: why')."""
    rows: list[Row] = []
    refused: list[str] = []
    seen: dict[tuple, int] = {}
    for number, fields in raw:
        try:
            entry = _entry(fields, teams, replace)
            key = (entry.team, entry.indicator, entry.period)
            if key in seen:
                raise UsageError(f"{entry.team}/{entry.indicator} {entry.period} is also on row {seen[key]}")
            seen[key] = number
            rows.append(Row(number, entry))
        except UsageError as exc:
            refused.append(f"row {number}: {exc}")
    return rows, refused


def _entry(fields: dict[str, str], teams: dict, replace: bool) -> Entry:
    name = fields["indicator"] if "team" not in fields else f"{fields['team']}/{fields['indicator']}"
    if name.count("/") != 1:
        raise UsageError(f"name the indicator as TEAM/INDICATOR; got {name!r}")
    team_id, indicator_id = name.split("/")
    team_file = only_declaration(teams, team_id)
    if team_file is None:
        raise UsageError(f"no team {team_id!r} in the scorecard")
    team = team_file.team
    indicator = next((i for i in team.indicators if i.id == indicator_id), None)
    if indicator is None:
        raise UsageError(f"team {team_id!r} has no indicator {indicator_id!r}")
    if indicator.level == "context":
        raise UsageError(f"{name} is a context indicator: context is not performance")
    if not fields["period"]:
        raise UsageError("no period (YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or a date)")
    check_period(fields["period"])
    value = parse_value(fields["value"])
    note = fields.get("note") or None
    if any(a.period == fields["period"] for a in indicator.actuals):
        if not replace:
            raise UsageError(f"{name} already has a value for {fields['period']}; use --replace to change it")
        if note is not None:
            raise UsageError(f"{name} {fields['period']}: a note of a recorded value is changed by hand")
    return Entry(team_id, indicator_id, fields["period"], value, note)


def record_rows(root: Path, teams: dict, rows: list[Row], *, replace: bool, today: dt.date,
                settings: Settings) -> list[Recorded]:
    """Each file's rows in one write, files in name order. Every file's new text is made
    and checked first, so that one that cannot take its rows (an anchored actuals list,
    say) stops the lot before anything is written."""
    by_file: dict[str, list[Entry]] = defaultdict(list)
    for row in rows:
        by_file[teams[row.entry.team][0].file].append(row.entry)
    refused = []
    prepared = {}
    jobs = [(root / file, file, by_file[file], replace, today, settings) for file in sorted(by_file)]
    for file, result in _prepared_all(jobs):
        if isinstance(result, str):
            refused.append(f"{file}: {result}")
        else:
            prepared[file] = result
    if refused:
        raise Refused(refused)
    done: list[Recorded] = []
    for file in sorted(by_file):
        done += record_many(root / file, by_file[file], replace=replace, today=today, settings=settings,
                            prepared=prepared[file])
    return done


def _prepared_all(jobs: list[tuple]):
    """(file, Prepared or why it is refused) for each file, in worker processes when there
    are many: reading and checking each file's new text is most of a bulk record's time."""
    return in_workers(_prepare_job, jobs, os.cpu_count() or 1)


def _prepare_job(job: tuple) -> tuple[str, Prepared | str]:
    path, file, entries, replace, today, settings = job
    try:
        return file, prepare_many(path, entries, replace=replace, today=today, settings=settings)
    except UsageError as exc:
        return file, str(exc)


class Refused(UsageError):
    """Rows or files that cannot be recorded: each said on its own line, nothing written."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"nothing written: {len(reasons)} refused\n" + "\n".join(reasons))
        self.reasons = reasons
