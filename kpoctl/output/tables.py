"""Tables printed whole: a team's name, a code or a count is never cut to fit the terminal."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

FOLDED_AT_LEAST = 10  # characters a line of a folded column (a path, a reason) keeps however narrow


def print_whole(console: Console, table: Table) -> None:
    """Print `table` no narrower than it can be: each `no_wrap` column as wide as its
    widest cell, each other column FOLDED_AT_LEAST characters (or its longest word, when
    shorter); a column that wraps folds a word longer than its room, losing no character.

    To fit a narrower terminal rich shrinks every column below that, by its own rule: it
    cut team names and codes to an ellipsis ('communit…', 'cont…'), an author's name in
    `history`'s table, and dropped whole columns (explain's codes at 40 columns). The
    terminal wraps the longer lines instead, and nothing is lost; where the table fits,
    it is printed as rich lays it out."""
    if _surely_fits(console, table):
        console.print(table)  # measuring every cell first would double the cost of a long table
        return
    unlimited = console.options.update_width(1 << 16)
    folded = []
    for column in table.columns:
        if column.no_wrap:  # rich measures such a column by its longest word, as if it wrapped
            column.min_width = max(Measurement.get(console, unlimited, cell).maximum
                                   for cell in (column.header, *column.cells))
        elif column.max_width is None:
            column.overflow = "fold"  # rich's ellipsis would cut the end of a word wider than the column
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


def _surely_fits(console: Console, table: Table) -> bool:
    """True when the table at its natural width cannot be wider than the terminal: each
    column no wider than its longest cell's text (markup only adds characters) or its set
    width, plus its padding and a border. False when in doubt."""
    _, right, _, left = table.padding
    width = 1
    for column in table.columns:
        cells = [column.width or 0, column.min_width or 0]
        for cell in (column.header, *column.cells):
            if isinstance(cell, Text):
                cells.append(cell.cell_len)
            elif isinstance(cell, str):
                cells.append(max(map(cell_len, cell.split("\n"))))
            else:
                return False
        width += max(cells) + left + right + 1
    return width <= console.width
