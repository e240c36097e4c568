"""The meeting report in a terminal: laid out here, in colour as one rich Text printed
once, without colour (piped, NO_COLOR) written team by team, each team's block kept
(Blocks) so that a warm run lays out only the teams whose report changed.

rich's Table measures and renders every cell through its segment machinery, about
0.1 ms a cell: twelve seconds for a thousand teams, where the JSON of the same report
takes one. This layout is a plain grid instead: columns as wide as their content,
the indicator and owner columns sharing what is left of the terminal, text wrapped
between words (never inside a word or an id; a word of a wide script, wider than its
column, between two of its characters), empty columns dropped, notes on their
own lines under their row. rich still does the colour, NO_COLOR and the terminal.
"""

from __future__ import annotations

import re
import textwrap
from itertools import zip_longest

from rich.cells import cell_len, chop_cells
from rich.text import Span, Text

from kpoctl.common.textsafe import plain

GAP = "  "
INDENT = "  "
MIN_WRAPPED = 12  # the narrowest the indicator and owner columns get, whatever the terminal


def _wrap(text: str, width: int) -> list[str]:
    """`text` (made plain: no tab, no newline) in lines of at most `width` cells, broken
    between words. ASCII and the report's marks as textwrap would break them, which was a
    third of a thousand teams' report: the usual name (words one space apart) is filled
    here, in a tenth of its time, to the very same lines. Any other text by cells."""
    if len(text) <= width and _cells(text) <= width:
        return [text]
    if not _NARROW.fullmatch(text):  # a character rich must measure: some may take two cells
        return _by_cells(text.split(), width)
    if "  " not in text and text[:1] != " " and text[-1:] != " ":
        return _filled(text.split(" "), width)
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _filled(words: list[str], width: int) -> list[str]:
    """Words (none empty) in lines of at most `width` characters, each line as full as the
    next word allows; a word longer than `width` on a line of its own."""
    lines = []
    line = words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _by_cells(words: list[str], width: int) -> list[str]:
    """Words of a text rich must measure in lines of at most `width` cells: a character of
    Chinese, Japanese or Korean takes two, and counted in characters such a line overflows
    its column and pushes the row's other columns out of line. A word wider than the
    column that holds such characters is broken between two of them, as these scripts
    are; any other word (an id, an English word) is never broken: it takes a line of its own."""
    lines: list[str] = []
    line, used = "", 0
    for word in words:
        size = cell_len(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        pieces = chop_cells(word, width) if size > width and size != len(word) else [word]
        lines += pieces[:-1]
        line, used = pieces[-1], cell_len(pieces[-1])
    lines.append(line)
    return lines


class Blocks:
    """Each team's laid-out block of the uncoloured report, by a digest of all it shows
    (title, rows, notes, actions, summary) and the width: a warm run lays out only the
    teams whose report changed. `stored` is what an earlier run kept; `used` is what this
    one showed, to keep for the next. `kept=False`: nothing is kept (no cache), so no
    digest is worked out."""

    def __init__(self, stored: dict[str, str] | None = None, *, kept: bool = True) -> None:
        self.stored = stored if stored is not None else {}
        self.used: dict[str, str] = {}
        self.kept = kept

    def block(self, out: _Builder, report, title: str, width: int) -> str:
        """The team's uncoloured block: as stored, or laid out now."""
        if not self.kept:
            return _laid_out(out, report, title, width)
        key = _block_key(report, title, width)
        block = self.stored.get(key)
        self.used[key] = block = block if block is not None else _laid_out(out, report, title, width)
        return block


def render_text(reports, console, blocks: Blocks | None = None) -> None:
    from kpoctl.output.views.report import STATUS_STYLE

    out = _Builder(styled=console.color_system is not None)
    width = console.width
    blocks = blocks if blocks is not None else Blocks(kept=False)
    for report in reports:
        title = f"{report.team}: {report.name}" + (f" ({report.meeting} meeting)" if report.meeting else "")
        if not out.styled:  # piped, or NO_COLOR: rich would print these very characters, so
            # team by team (10,000 teams' pieces are 100s of MB), each laid out once
            console.file.write(blocks.block(out, report, title, width))
        else:
            _block(out, report, title, width, STATUS_STYLE)
    if out.styled:
        console.print(out.text(), end="", soft_wrap=True, highlight=False)


def _laid_out(out: _Builder, report, title: str, width: int) -> str:
    """One team's uncoloured block, as text (`out` holds no colour and is left empty)."""
    from kpoctl.output.views.report import STATUS_STYLE

    _block(out, report, title, width, STATUS_STYLE)
    block = "".join(out.parts)
    out.parts.clear()
    return block


def _block(out: _Builder, report, title: str, width: int, status_style: dict) -> None:
    """One team: its title, the grid of its rows, its summary."""
    out.append(plain(title), style="bold")
    out.append("\n")
    rows = [(r, _columns(r.cells)) for r in report.rows]
    if rows:
        _grid(out, rows, width, status_style)
    out.append(plain(f"{report.team}: {report.summary}"), style="bold")
    out.append("\n\n")


def _block_key(report, title: str, width: int) -> str:
    """What an uncoloured block is made of: the width, the title, each row's cells, notes
    and actions, the summary (fields joined by characters none of them holds: plain()
    escapes control characters)."""
    import hashlib

    fields = [str(width), title, report.summary]
    for row in report.rows:
        fields += [row.cells, "\x01".join(row.notes), "\x01".join(row.actions)]
    return hashlib.blake2b("\x00".join(fields).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def row_cells(row) -> str:
    """The row's columns as the grid shows them (HEADERS' order), lines joined by a newline and
    columns by a tab: no cell holds either (plain() escapes them; the rest is kpoctl's own
    text). A team's report part keeps this one string, so a warm run only lays it out."""
    from kpoctl.output.views.report import STATUS_MARK, sparkline

    columns = [[row.level_text], [plain(row.name), f"({row.id})"], [plain(row.target_text)], _latest(row),
               [_trend(row, sparkline)], [f"{STATUS_MARK[row.status]} {row.status_text}"], [plain(row.owner or "-")]]
    return "\t".join("\n".join(lines) for lines in columns)


def _columns(cells: str) -> list[list[str]]:
    return [column.split("\n") for column in cells.split("\t")]


class _Builder:
    """Text.append costs microseconds a call (it strips control codes, copies spans): the
    grid gathers plain strings and style spans and makes one Text at the end."""

    def __init__(self, styled: bool) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0
        self.styled = styled  # without colour (piped, NO_COLOR) no span is worth recording

    def append(self, text: str, style: str | None = None) -> None:
        if style and text and self.styled:
            self.spans.append(Span(self.length, self.length + len(text), style))
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> Text:
        return Text("".join(self.parts), spans=self.spans)


def _trend(row, sparkline) -> str:
    """The sparkline and the last move's arrow: ↑ or ↓ (→ unchanged)."""
    arrow, _ = row.movement
    return f"{sparkline(row.trend)} {arrow}".strip()


def _latest(row) -> list[str]:
    """The value, and the period it is for on the line below: the column stays narrow."""
    if row.latest is None:
        return ["-"]
    from kpoctl.model.rollup import fmt

    return [plain(fmt(row.latest, row.unit)), f"({row.period})"]


HEADERS = ["", "indicator", "target", "latest", "trend", "status", "owner"]
NAME, TREND, STATUS, OWNER = 1, 4, 5, 6
TREND_STYLE = {True: "green", False: "red", None: None}  # the last move: the better way, the worse, neither
WRAPPED = (NAME, OWNER)  # these share the width the other columns leave


def _grid(out: _Builder, rows: list, width: int, status_style: dict) -> None:
    shown = [i for i in range(len(HEADERS)) if i in (0, NAME) or any(cells[i] not in ([""], ["-"]) for _, cells in rows)]
    widths = {i: max(len(HEADERS[i]), _widest([line for _, cells in rows for line in cells[i]])) for i in shown}
    fixed = sum(widths[i] for i in shown if i not in WRAPPED) + len(GAP) * (len(shown) - 1) + len(INDENT)
    wrapped = [i for i in WRAPPED if i in shown]
    room = max(MIN_WRAPPED * len(wrapped), width - fixed)
    narrowed = sum(widths[i] for i in wrapped) > room  # else every name and owner fits on one line
    if narrowed:
        owner = min(widths[OWNER], max(MIN_WRAPPED, room // 3)) if OWNER in wrapped else 0
        if OWNER in wrapped:
            widths[OWNER] = owner
        widths[NAME] = max(MIN_WRAPPED, room - owner)
    sizes = [widths[i] for i in shown]
    _line(out, [HEADERS[i] for i in shown], sizes, ["dim"] * len(shown))
    # without colour, a line of ASCII and the report's own marks is one str.format: padding
    # by length is padding by cells there (nearly every line; the others take _line)
    padded = INDENT + GAP.join(f"{{:<{size}}}" for size in sizes)
    name, owner = shown.index(NAME), shown.index(OWNER) if OWNER in shown else None
    for row, cells in rows:
        columns = [cells[i] for i in shown]
        if narrowed:  # the name wrapped above its id line, the owner wrapped
            columns[name] = _wrap(cells[NAME][0], widths[NAME]) + cells[NAME][1:]
            if owner is not None:
                columns[owner] = _wrap(cells[OWNER][0], widths[OWNER])
        styles = None
        if out.styled:  # the status in its colour, the trend green or red, the id dim
            trend = TREND_STYLE[row.movement[1]]
            styles = [status_style[row.status] if i == STATUS else trend if i == TREND else None for i in shown]
        # one look at the whole row: its lines are all narrow (nearly always), or each is asked
        if styles is None and _NARROW.fullmatch("".join(map("".join, columns))):
            lines = "".join([padded.format(*texts).rstrip(" ") + "\n" for texts in zip_longest(*columns, fillvalue="")])
            out.parts.append(lines)
            out.length += len(lines)
        else:
            _row_lines(out, columns, sizes, styles, padded, name)
        for note in row.notes:
            _under_row(out, "↳", note, "yellow", width)
        for action in row.actions:
            _under_row(out, "→", f"action: {action}", "cyan", width)


def _row_lines(out: _Builder, columns: list[list[str]], sizes: list[int], styles: list | None, padded: str,
               name: int) -> None:
    """A row's lines one by one: in colour (`styles`), or holding a character rich must measure."""
    for number in range(max(len(lines) for lines in columns)):
        texts = [lines[number] if number < len(lines) else "" for lines in columns]
        if styles is None and _NARROW.fullmatch("".join(texts)):
            line = padded.format(*texts).rstrip(" ") + "\n"
            out.parts.append(line)
            out.length += len(line)
            continue
        line_styles = None
        if styles is not None:
            line_styles = list(styles)
            if number == len(columns[name]) - 1:
                line_styles[name] = "dim"
        _line(out, texts, sizes, line_styles)


def _under_row(out: _Builder, marker: str, text: str, style: str, width: int) -> None:
    """A note or an action on its own lines under its row, wrapped, the marker on the first."""
    for number, line in enumerate(_wrap(plain(text), max(20, width - 2 * len(INDENT) - 2))):
        out.append(INDENT * 2 + (f"{marker} " if number == 0 else "  ") + line + "\n", style=style)


# characters the report itself writes, each one terminal cell wide: a cell made of these
# and ASCII is as wide as it is long, without asking rich (which is slow at it)
_NARROW = re.compile("[\x20-\x7e" + "▁▂▃▄▅▆▇█" + "●▲✖◇○" + "↑↓→↳≥≤≠" + "]*")


def _widest(lines: list[str]) -> int:
    """The most cells any of `lines` takes (one regular expression for the usual column)."""
    return max(map(len, lines)) if _NARROW.fullmatch("".join(lines)) else max(map(_cells, lines))


def _cells(text: str) -> int:
    """Terminal cells `text` takes: its length for ASCII and the report's own marks, else rich's count."""
    return len(text) if _NARROW.fullmatch(text) else cell_len(text)


def _line(out: _Builder, texts: list[str], widths: list[int], styles: list[str | None] | None) -> None:
    """One line of the grid: cells padded to their widths, no trailing blanks; `styles`
    (one per cell) only when the output has colour."""
    last = len(texts) - 1
    while last >= 0 and not texts[last]:
        last -= 1
    pieces = [INDENT]
    for position in range(last):
        text = texts[position]
        pieces.append(text.ljust(widths[position] - _cells(text) + len(text)) + GAP)
    if last >= 0:
        pieces.append(texts[last])
    if styles is not None:
        offset = out.length
        for position, piece in enumerate(pieces):
            if position and styles[position - 1] and texts[position - 1]:
                out.spans.append(Span(offset, offset + len(texts[position - 1]), styles[position - 1]))
            offset += len(piece)
    pieces.append("\n")
    line = "".join(pieces)
    out.parts.append(line)
    out.length += len(line)
