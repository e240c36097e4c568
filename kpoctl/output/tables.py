"""Tables printed whole: a team's name, a count or a header is never cut to fit the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


def print_whole(console: Console, table: Table) -> None:
    """Print `table` at its natural width when the terminal is narrower. To fit, rich
    shrinks columns by its own rule, below what their words need: it cut team names and
    headers to an ellipsis ('communit…', 'cont…') and, narrower still, dropped whole
    columns. A terminal wraps the longer lines instead, and nothing is lost."""
    width = console.width
    console.width = max(width, Measurement.get(console, console.options.update_width(1 << 16), table).maximum)
    try:
        console.print(table)
    finally:
        console.width = width
