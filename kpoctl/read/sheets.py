"""Read a scorecard sheet: a CSV file (the csv module) or an xlsx workbook (openpyxl).

Only values are read: openpyxl opens the workbook read-only with cached values
(formulas are not evaluated, macros never run), and with defusedxml installed it
refuses XML entity tricks. Headers are matched to kpoctl.model.sheet.COLUMNS
case- and space-insensitively; an unknown column is refused rather than dropped.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpoctl.common.errors import UsageError
from kpoctl.common.textsafe import ooxml_unescaped
from kpoctl.model.sheet import COLUMNS

SHEET_NAME = "scorecard"  # the sheet read when a workbook has several


@dataclass(frozen=True)
class Table:
    """The rows of a sheet as (row number, {column: value}); the header is row 1."""

    name: str  # the file, and the sheet for a workbook: how problems name it
    rows: list[tuple[int, dict[str, Any]]]


def read_table(path: Path, max_mb: float) -> Table:
    """The table in a .csv or .xlsx file; one clear UsageError for anything else."""
    if not path.is_file():
        raise UsageError(f"{path} is not a file" if path.exists() else f"path does not exist: {path}")
    size = os.stat(path).st_size
    if size > max_mb * 1_000_000:
        raise UsageError(f"{path} is {size / 1_000_000:.1f} MB, over max_file_mb ({max_mb:g}): not read")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(path)
    if suffix == ".xlsx":
        return _xlsx(path)
    raise UsageError(f"{path}: kpoctl imports .csv and .xlsx files (an .xls or .ods: save it as .xlsx)")


def header_of(names: list[Any], where: str) -> list[str]:
    """Column names as COLUMNS spells them; refused when one is unknown or repeated."""
    header = [str(name or "").strip().lower().replace(" ", "_").replace("-", "_") for name in names]
    while header and not header[-1]:
        header.pop()
    unknown = [name or "(empty)" for name in header if name not in COLUMNS]
    if unknown:
        raise UsageError(f"{where}: unknown column {', '.join(repr(u) for u in unknown)}; the columns are "
                         f"{', '.join(COLUMNS)} (README: Spreadsheets)")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise UsageError(f"{where}: column {', '.join(repeated)} appears twice")
    if "team" not in header:
        raise UsageError(f"{where}: no 'team' column: every row names its team")
    return header


def dialect_of(text: str) -> type[csv.Dialect]:
    """Excel's CSV dialect with the delimiter the header line uses (comma, semicolon or tab).
    Only the delimiter is sniffed: a header has no quotes to learn quoting from, and a
    sniffed dialect would then read "" inside a quoted cell as two quotes."""
    first = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","

    class Sheet(csv.excel):
        pass

    Sheet.delimiter = delimiter
    return Sheet


def _csv(path: Path) -> Table:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8: export the CSV as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect_of(text))
    records = list(reader)
    if not records:
        raise UsageError(f"{path} is empty: the first row names the columns")
    header = header_of(records[0], str(path))
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise UsageError(f"{path} row {number}: more cells than the header has columns")
        rows.append((number, dict(zip(header, cells))))
    return Table(str(path), rows)


def _xlsx(path: Path) -> Table:
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UsageError(f"{path} is not an xlsx workbook that can be read: {exc}") from None
    try:
        names = workbook.sheetnames
        if SHEET_NAME in names:
            sheet = workbook[SHEET_NAME]
        elif len(names) == 1:
            sheet = workbook[names[0]]
        else:
            raise UsageError(f"{path} has {len(names)} sheets ({', '.join(names)}) and none is named "
                             f"'{SHEET_NAME}': name the one to import so")
        records = ([ooxml_unescaped(c) if isinstance(c, str) else c for c in cells]
                   for cells in sheet.iter_rows(values_only=True))
        first = next(records, None)
        if first is None:
            raise UsageError(f"{path} sheet {sheet.title!r} is empty: the first row names the columns")
        where = f"{path} sheet {sheet.title!r}"
        header = header_of(list(first), where)
        rows = []
        for number, cells in enumerate(records, start=2):
            if len(cells) > len(header) and any(c not in (None, "") for c in cells[len(header):]):
                raise UsageError(f"{where} row {number}: a value in a column with no header")
            rows.append((number, dict(zip(header, cells))))
        return Table(where, rows)
    finally:
        workbook.close()
