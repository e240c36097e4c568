"""`kpoctl import` and `kpoctl export`: the scorecard to and from one sheet (CSV or xlsx).

Import reads every row first (kpoctl.model.sheet), validates every team as a team
file would be, and writes nothing while a row is refused (unless --partial: then
the teams with no refused row are written). Each file is written atomically, and an
existing file is never replaced without --force. Export writes the same table, so
import(export(x)) gives back x: the tests check it on every example.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pydantic import ValidationError

from kpoctl.common.atomic import write_bytes_atomic, write_text_atomic
from kpoctl.common.errors import UsageError
from kpoctl.common.numbers import number_text
from kpoctl.common.textsafe import ooxml_escaped
from kpoctl.model import Settings, Team
from kpoctl.model.sheet import COLUMNS, FORMULA_STARTS, Parsed, RowProblem, from_rows, row_cells, sheet_row, to_rows
from kpoctl.output import schemas
from kpoctl.output.team_yaml import render_team
from kpoctl.output.views.parts import alone
from kpoctl.read.load import read_team_bytes
from kpoctl.read.settings import SETTINGS_FILE
from kpoctl.read.sheets import Table, read_table
from kpoctl.read.validate import error_loc, errors_to_say


class ImportRefused(UsageError):
    """Rows that cannot be imported: each said on its own line, nothing written."""

    def __init__(self, table: str, problems: list[RowProblem], rows: int) -> None:
        self.lines = [f"{table} row {p.row}, column {p.column}: {p.message}" for p in problems]
        self.rows = rows
        super().__init__(f"nothing written: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
                         f"in {rows} row{'s' if rows != 1 else ''}")


@dataclass
class Imported:
    """What an import wrote, and what it said without refusing."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped_teams: list[str] = field(default_factory=list)  # --partial: teams left out for a refused row
    counts: dict[str, int] = field(default_factory=dict)


def import_sheet(sheet: Path, into: Path, *, max_mb: float, partial: bool = False, force: bool = False) -> Imported:
    """Read the sheet, check every row and team, then write one team file per team into `into`."""
    table = read_table(sheet, max_mb)
    parsed = from_rows(table.rows)
    teams, models, problems = _validated(parsed)
    refused = [p for p in problems if p.refused]
    done = Imported(notes=[f"{table.name} row {p.row}, column {p.column}: {p.message}"
                           for p in problems if not p.refused])
    if refused and not partial:
        raise ImportRefused(table.name, refused, len(table.rows))
    bad_teams = {team for team, rows in _team_rows(parsed, table).items() if rows & {p.row for p in refused}}
    done.skipped_teams = sorted(bad_teams)
    done.notes += [f"{table.name} row {p.row}, column {p.column}: {p.message} (its team is not written)"
                   for p in refused]  # none, unless --partial (refused rows without it raised above)
    keep = {name: team for name, team in teams.items() if name not in bad_teams}
    targets = {name: into / f"{name}.yaml" for name in keep}
    existing = [str(path) for path in targets.values() if path.exists() or path.is_symlink()]
    if existing and not force:
        raise UsageError(f"nothing written: {', '.join(existing[:3])}{' and more' if len(existing) > 3 else ''} "
                         "already exist{}; --force replaces them".format("s" if len(existing) == 1 else ""))
    texts = {name: _reading_back(name, team, models[name]) for name, team in keep.items()}
    try:
        into.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            write_text_atomic(targets[name], text)
            done.files.append(targets[name])
        for kind in ("team", "settings"):
            schema = into / "schemas" / f"{kind}.schema.json"
            if not schema.exists():
                schema.parent.mkdir(exist_ok=True)
                write_text_atomic(schema, schemas.render(kind))
    except OSError as exc:
        written = f"; written before that: {len(done.files)} team files" if done.files else ""
        raise UsageError(f"cannot write into {into}: {exc.strerror or exc}{written}") from None
    done.counts = {
        "teams": len(keep),
        "objectives": sum(len(t.get("objectives", [])) for t in keep.values()),
        "indicators": sum(len(t.get("indicators", [])) for t in keep.values()),
        "actuals": sum(len(i.get("actuals", [])) for t in keep.values() for i in t.get("indicators", [])),
    }
    return done


def _reading_back(name: str, team: dict, model: Team) -> str:
    """The team's file, checked to read back (as lint reads it) as `model`, the model of its
    rows: a file kpoctl writes must never say something else than the sheet did."""
    text = render_team(team)
    read = read_team_bytes(text.encode("utf-8"), f"{name}.yaml", Settings())
    if read is None or read.team is None or read.problems or read.team != model:
        raise UsageError(f"nothing written: team {name}'s file would not read back as the sheet gives it "
                         "(a bug in kpoctl: please report it, with the sheet)")
    return text


def _validated(parsed: Parsed) -> tuple[dict[str, dict], dict[str, Team], list[RowProblem]]:
    """Each team dict as a team file would be checked, with its model (what its file must read
    back as); a field it refuses is a problem of the row that gave it."""
    problems = list(parsed.problems)
    teams: dict[str, dict] = {}
    models: dict[str, Team] = {}
    for name, data in parsed.teams.items():
        if "name" not in data:
            continue  # no team row: said already (kpoctl.model.sheet.from_rows)
        try:
            models[name] = Team.model_validate(data)
        except ValidationError as exc:
            for error, _, message in errors_to_say(exc, Team, data):
                row, column = _row_of(parsed, name, data, error_loc(error))
                problems.append(RowProblem(row, column, message))
            continue
        if f"{name}.yaml" == SETTINGS_FILE:  # its file would be read as the settings, not as a team
            problems.append(RowProblem(parsed.rows_of[name], "team", f"a team with the id '{name}' would be written "
                                       f"as {SETTINGS_FILE}, the settings file: give the team another id"))
            continue
        teams[name] = data
    return teams, models, sorted(problems, key=lambda p: p.row)


def _row_of(parsed: Parsed, team: str, data: dict, loc: tuple) -> tuple[int, str]:
    """The row and column a validation error's location comes from."""
    if len(loc) >= 2 and loc[0] in ("objectives", "indicators") and isinstance(loc[1], int):
        row = parsed.entry_rows.get((team, loc[0], loc[1]), parsed.rows_of[team])
        if len(loc) >= 4 and loc[2] == "actuals" and isinstance(loc[3], int):
            actual_row = parsed.entry_rows.get((team, loc[0], loc[1], "actuals", loc[3]), row)
            return actual_row, str(loc[4]) if len(loc) > 4 and isinstance(loc[4], str) else "period"
        column = str(loc[2]) if len(loc) > 2 else "id"
        return row, "title" if column == "name" else column
    return parsed.rows_of[team], "title" if loc and loc[0] == "name" else str(loc[0]) if loc else "team"


def _team_rows(parsed: Parsed, table: Table) -> dict[str, set[int]]:
    rows: dict[str, set[int]] = {}
    for number, raw in table.rows:
        team = str(raw.get("team") or "").strip()
        rows.setdefault(team, set()).add(number)
    return rows


# --- export ---------------------------------------------------------------------------------


def export_rows(scorecard, graph) -> list[dict]:
    """The scorecard as the import table, with each indicator's status as the report gives it."""
    teams = [graph.teams[name].team for name in sorted(graph.teams)]
    return to_rows(teams, _statuses(graph))


def _statuses(graph) -> dict[tuple[str, str], str]:
    from kpoctl.model.status import status

    statuses = {}
    for team, refs in graph.entries_by_team.items():
        for ref in refs:
            if not ref.is_objective:
                state = status(ref.entry, graph.due_of(ref))
                if state is not None:
                    statuses[(team, ref.entry.id)] = state
    return statuses


def export_csv_part(team_file, settings) -> list:
    """A team's rows of the CSV sheet, as [how many rows, their CSV lines]: what an
    indicator's status needs is in its own file (the objective it measures, for its due
    date), so each file's rows are worked out where it is read and kept by the cache, as
    the views' parts are; the sheet is these put in the order of the teams' ids."""
    rows = list(row_cells([team_file.team], _statuses(alone(team_file, settings)), actuals=False))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(_csv_records(rows))
    return [len(rows) + _write_actuals(team_file.team, out, writer), out.getvalue()]


_PERIOD = COLUMNS.index("period")
assert COLUMNS[:3] == ("kind", "team", "id") and COLUMNS[_PERIOD:_PERIOD + 3] == ("period", "value", "note")
_UP_TO_PERIOD, _AFTER_NOTE = "," * (_PERIOD - 2), "," * (len(COLUMNS) - _PERIOD - 3)
_QUOTED = re.compile(r'[,"\r\n]')  # what makes the csv module quote a cell (with "\n" ending a line)


def _write_actuals(team: Team, out: io.StringIO, writer) -> int:
    """A team's actual rows, most of a sheet's rows, written as lines of their own when no
    cell needs quoting or a formula's guard (the csv module writes such cells as they are);
    a row that does goes through `writer`, as every other row does. The id and the period
    are validated slugs and periods, a number's text is digits: only a note can need either.
    How many rows."""
    written = 0
    team_cell = _csv_cell(team.team)
    for indicator in team.indicators:
        start = f"actual,{team_cell},{_csv_cell(indicator.id)}{_UP_TO_PERIOD}"
        for actual in indicator.actuals:
            note = actual.note
            if note is not None and (note[:1] in FORMULA_STARTS or _QUOTED.search(note)):
                cells = {"id": indicator.id, "period": actual.period, "value": actual.value, "note": note}
                writer.writerows(_csv_records([("actual", team.team, cells)]))
            else:
                out.write(f"{start}{actual.period},{number_text(actual.value)},{note or ''}{_AFTER_NOTE}\n")
            written += 1
    return written


def csv_sheet(parts: dict[str, list], declared: dict[str, list[str]]) -> tuple[int, Iterator[str]]:
    """The CSV sheet put together from each file's part (export_csv_part, by file): how
    many rows, and its text in pieces (the header, then each team's rows in the order of
    the teams' ids; a team declared in two files from its first, as the graph keeps it)."""
    chunks = [parts[files[0]] for _, files in sorted(declared.items())]
    return sum(rows for rows, _ in chunks), itertools.chain([csv_header()], (lines for _, lines in chunks))


_COLUMN_INDEX = {column: index for index, column in enumerate(COLUMNS)}


def _csv_records(rows) -> Iterator[list[str]]:
    """row_cells' rows as CSV records, the same cells _csv_lines writes of to_rows' dicts.
    Most cells are plain text, taken as they are without a call (10,000 teams fill
    millions of cells); a team's cell is worked out once for all its rows."""
    blank = [""] * len(COLUMNS)
    index = _COLUMN_INDEX
    team_of, team_cell = None, ""
    for kind, team, cells in rows:
        if team is not team_of:
            team_of, team_cell = team, _csv_cell(team)
        record = blank.copy()
        for column, value in cells.items():
            if type(value) is str and value[:1] not in FORMULA_STARTS:
                record[index[column]] = value
            elif type(value) is float:
                record[index[column]] = number_text(value)
            elif value is not None:
                record[index[column]] = _csv_cell(value)
        record[0], record[1] = kind, team_cell  # a row's kind is one of sheet.KINDS' words
        yield record


def template_rows() -> list[dict]:
    """A sheet to fill in: one row of each kind, as `kpoctl import` reads them."""
    return [
        sheet_row("team", "company", title="Company executive team", owner="CEO", meeting="monthly"),
        sheet_row("objective", "company", id="otif", level="KPO", title="Deliver 95% of orders on time and in full",
                  perspective="customer", due="2026-12-31", owner="COO"),
        sheet_row("indicator", "company", id="otif-rate", level="KPI", title="OTIF rate", measures="otif", unit="%",
                  timing="lagging", frequency="monthly", owner="COO", target=">= 95%", tolerance=1,
                  actions="Weekly review of late orders (COO)"),
        sheet_row("actual", "company", id="otif-rate", period="2026-10", value=94.1),
    ]


def csv_text(rows: list[dict]) -> str:
    return _csv_lines(rows, header=True)


def csv_header() -> str:
    return _csv_lines([], header=True)


def _csv_lines(rows: list[dict], *, header: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # DictWriter checks every row's keys: a third of an export
    if header:
        writer.writerow(COLUMNS)
    writer.writerows([_csv_cell(row[column]) for column in COLUMNS] for row in rows)
    return out.getvalue()


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if type(value) is str and value[:1] not in FORMULA_STARTS:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value  # a spreadsheet opening the CSV must not run it as a formula
    return str(value)


def xlsx_bytes(rows: list[dict]) -> bytes:
    """A workbook with one sheet, 'scorecard', text cells kept as text (a period stays 2026-10)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "scorecard"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ooxml_escaped(row[c]) if isinstance(row[c], str) else row[c] for c in COLUMNS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # a text that starts with '=' is text, never a formula
                cell.data_type = "s"
            if isinstance(cell.value, str):
                cell.number_format = "@"  # text: Excel must not turn 2026-10 into a date when edited
                if "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(output: Path, text: str | Iterable[str]) -> None:
    _write(write_text_atomic, output, text)


def write_export(rows: list[dict], output: Path, kind: str) -> None:
    if kind == "xlsx":
        _write(write_bytes_atomic, output, xlsx_bytes(rows))
    else:
        write_csv(output, csv_text(rows))


def _write(write, output: Path, content) -> None:
    try:
        write(output, content)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
