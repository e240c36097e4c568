"""Tables printed whole: a team's name, a code or a count is never cut to fit the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

FOLDED_AT_LEAST = 10  # characters a line of a folded column (a path, a reason) keeps however narrow


def print_whole(console: Console, table: Table) -> None:
    """Print `table` no narrower than it can be: each `no_wrap` column as wide as its
    widest cell, each column that folds (`overflow="fold"`) FOLDED_AT_LEAST characters,
    any other as its longest word.

    To fit a narrower terminal rich shrinks every column below that, by its own rule: it
    cut team names and codes to an ellipsis ('communit…', 'cont…') and dropped whole
    columns (explain's codes at 40 columns). The terminal wraps the longer lines instead,
    and nothing is lost; where the table fits, it is printed as rich lays it out."""
    unlimited = console.options.update_width(1 << 16)
    folded = []
    for column in table.columns:
        if column.no_wrap:  # rich measures such a column by its longest word, as if it wrapped
            column.min_width = max(Measurement.get(console, unlimited, cell).maximum
                                   for cell in (column.header, *column.cells))
        elif column.overflow == "fold" and column.max_width is None:
            folded.append(column)
            column.max_width = FOLDED_AT_LEAST  # for the measure only: a folded word needs no room of its own
    narrowest = Measurement.get(console, unlimited, table).minimum
    for column in folded:
        column.max_width = None
    width = console.width
    console.width = max(width, narrowest)
    try:
        console.print(table)
    finally:
        console.width = width
