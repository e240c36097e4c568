"""`kpoctl record TEAM/INDICATOR VALUE`: append an actual to an indicator, in its file.

ruamel.yaml's round-trip loader finds where the indicator and its actuals are
(line and column of every node); the change itself is spliced into the text, so
every other byte of the file (comments, order, quoting, flow style) stays as it
was. The result is parsed again and its model checked to be the old one with
exactly the new values (nothing else moved, not even through a YAML alias) before
it atomically replaces the file; on any doubt the file is left untouched.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import math
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kpoctl.common.atomic import write_bytes_atomic
from kpoctl.common.errors import UsageError
from kpoctl.common.numbers import number_text
from kpoctl.model import PERIOD_RE, Actual, Settings, Team, period_in_calendar, period_meant
from kpoctl.model.periods import current_period, sort_key
from kpoctl.model.scorecard import TeamFile
from kpoctl.output.team_yaml import double_quoted
from kpoctl.read.load import read_team_bytes


@dataclass(frozen=True)
class Recorded:
    file: Path
    period: str
    value: float
    replaced: bool


def parse_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"value must be a number, like 94.5; got {text!r}") from None
    if not math.isfinite(value):
        raise UsageError(f"value must be a finite number; got {text!r}")
    return value


def record(team_file: Path, team_id: str, indicator_id: str, value: float, *, period: str | None,
           replace: bool, today: dt.date, settings: Settings) -> Recorded:
    """Add (or with `replace`, change) one actual of an indicator; atomically, and under
    a lock on the file so that two records at once both land."""
    entry = Entry(team_id, indicator_id, period, value)
    return record_many(team_file, [entry], replace=replace, today=today, settings=settings)[0]


def declared_teams(files) -> dict[str, list]:
    """Each team id with the team files that declare it (more than one is KP003)."""
    teams: dict[str, list] = {}
    for team_file in files:
        if team_file.team is not None:
            teams.setdefault(team_file.team.team, []).append(team_file)
    return teams


def only_declaration(teams: dict[str, list], team_id: str):
    """The one team file declaring `team_id`, or None when none does; between several,
    record will not guess."""
    declared = teams.get(team_id, [])
    refuse_ambiguous(team_id, [f.file for f in declared])
    return declared[0] if declared else None


def refuse_ambiguous(team_id: str, files: list[str]) -> None:
    """Between several files declaring `team_id`, record will not guess."""
    if len(files) > 1:
        raise UsageError(f"team {team_id!r} is declared in {len(files)} files "
                         f"({', '.join(files)}): record will not guess which one; keep one (KP003)")


@contextmanager
def locked(path: Path):
    """Hold an exclusive lock on the file at `path` (flock), re-taken until it is on the
    file that is there now: a writer that got the lock first replaces the file by a
    rename, so a lock held on the old one guards nothing."""
    while True:
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            raise UsageError(f"cannot open {path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                same = os.path.samestat(os.fstat(descriptor), os.stat(path))
            except OSError:
                same = False
            if same:
                break
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)
    try:
        yield
    finally:
        os.close(descriptor)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines as YAML counts them, each with its break: CR LF, CR or LF only. (str.splitlines
    also breaks at U+2028, U+2029, NEL and form feeds, which a quoted string may hold.)"""
    return _LINE.findall(text)


@dataclass(frozen=True)
class Entry:
    """One actual to record: where, for which period (None: the current one), what, and an optional note."""

    team: str
    indicator: str
    period: str | None
    value: float
    note: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A file's new text with its actuals recorded, checked, not yet written."""

    raw: bytes  # the file as it was read
    text: str
    done: list[Recorded]


def prepare_many(team_file: Path, entries: list[Entry], *, replace: bool, today: dt.date,
                 settings: Settings, raw: bytes | None = None) -> Prepared:
    """Several actuals applied one after the other to a file's text and checked together;
    nothing written (UsageError when one cannot be)."""
    raw = team_file.read_bytes() if raw is None else raw
    text = before = _decode(raw, team_file)
    done = []
    for entry in entries:
        text, period, replaced = _splice(text, team_file, entry, replace, today)
        done.append(Recorded(team_file, period, entry.value, replaced))
    _verify(before, text, team_file, list(zip(entries, done)), settings)
    return Prepared(raw, text, done)


def record_many(team_file: Path, entries: list[Entry], *, replace: bool, today: dt.date,
                settings: Settings, prepared: Prepared | None = None) -> list[Recorded]:
    """Several actuals into one file, written once (atomically, under the same lock as a
    single record). `prepared` is used as it is when the file has not changed since."""
    with locked(team_file):
        raw = team_file.read_bytes()  # read again under the lock: what another record wrote is kept
        if prepared is None or prepared.raw != raw:  # changed since: prepare again, under the lock
            prepared = prepare_many(team_file, entries, replace=replace, today=today, settings=settings, raw=raw)
        _write(team_file, prepared.raw, prepared.text)
        return prepared.done


def _decode(raw: bytes, team_file: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{team_file} is not UTF-8: fix it first (kpoctl lint shows where)") from None


def _write(team_file: Path, raw: bytes, text: str) -> None:
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        write_bytes_atomic(team_file, bom + text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {team_file}: {exc.strerror or exc}; it is unchanged") from None


def _splice(text: str, team_file: Path, entry: Entry, replace: bool, today: dt.date) -> tuple[str, str, bool]:
    """The text with the actual added (or replaced), every other byte as it was; the period
    it was recorded for; whether it replaced one."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    team_id, indicator_id = entry.team, entry.indicator
    item = _item_alone(text, indicator_id)
    if item is None:
        try:
            data = YAML(typ="rt").load(text)
        except YAMLError as exc:
            raise UsageError(f"{team_file} does not parse: {str(exc).splitlines()[0]} (kpoctl lint shows where)") from None
        indicators = data.get("indicators") if hasattr(data, "get") else None
        item = next((i for i in indicators or [] if hasattr(i, "get") and i.get("id") == indicator_id), None)
    if item is None:
        raise UsageError(f"team {team_id!r} has no indicator {indicator_id!r}")
    if item.get("level") == "context":
        raise UsageError(f"{team_id}/{indicator_id} is a context indicator: context is not performance, "
                         "record its data where it comes from")
    period = entry.period if entry.period is not None else current_period(item.get("frequency"), today)
    check_period(period)
    newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
    lines = split_lines(text)
    actuals = item.get("actuals")
    _refuse_shared(item, actuals, team_id, indicator_id)
    existing = [i for i, a in enumerate(actuals or []) if hasattr(a, "get") and str(a.get("period")) == period]
    if existing and not replace:
        raise UsageError(f"{team_id}/{indicator_id} already has a value for {period}; use --replace to change it")
    if existing and entry.note is not None:
        raise UsageError(f"{team_id}/{indicator_id} {period}: a note of a recorded value is changed by hand")
    if existing:
        lines = _replace_value(lines, actuals, existing[-1], entry.value)
    elif actuals:
        lines = _insert_item(lines, actuals, _place_of(actuals, period), period, entry.value, newline, entry.note)
    else:
        lines = _add_actuals_key(lines, item, period, entry.value, newline, entry.note)
    return "".join(lines), period, bool(existing)


def _item_alone(text: str, indicator_id: str):
    """The indicator as record needs it (its keys, its actuals, where each is), read with
    kpoctl's own parser: what ruamel.yaml took 5 ms a file for, and a bulk record of
    1,000 files paid 1,000 times. None when that is not certain: the file does not parse,
    or the item's lines hold an anchor, an alias or a merge (then ruamel.yaml reads the
    whole file, and _refuse_shared sees what is shared)."""
    from kpoctl.read.yamlread import YamlError, parse

    try:
        doc = parse(text)
    except YamlError:
        return None
    items = doc.data.get("indicators") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return None
    index = next((i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == indicator_id), None)
    if index is None:
        return None
    lines = split_lines(text)
    start = doc.values[("indicators", index)][0] - 1
    later = [doc.values[("indicators", index + 1)][0] - 1] if index + 1 < len(items) else []
    later += [line - 1 for (key, *rest), (line, _) in doc.keys.items() if not rest and line - 1 > start]
    end = min(later, default=len(lines))
    if any(mark in line for line in lines[start:end] for mark in ("&", "*", "<<")):
        return None  # maybe shared through YAML's anchors: let ruamel.yaml tell
    return _Parsed(doc, ("indicators", index), lines)


class _Parsed:
    """A mapping or sequence of kpoctl's own parse with the little of ruamel.yaml's round-trip
    API that record uses: get, iteration, len, lc.key/value/item (0-based), fa.flow_style()."""

    anchor = None

    def __init__(self, doc, path: tuple, lines: list[str]) -> None:
        self.doc, self.path, self.lines = doc, path, lines
        node = doc.data
        for part in path:
            node = node[part]
        self.node = node
        self.lc, self.fa = _Where(self), _Style(self)
        self._ok = set(node) if isinstance(node, dict) else None  # as ruamel.yaml: a mapping's own keys

    def _child(self, key):
        value = self.node[key]
        return _Parsed(self.doc, self.path + (key,), self.lines) if isinstance(value, (dict, list)) else value

    def get(self, key, default=None):
        return self._child(key) if isinstance(self.node, dict) and key in self.node else default

    def __getitem__(self, index):
        return self._child(index)

    def __iter__(self):
        return iter(self.node) if isinstance(self.node, dict) else (self._child(i) for i in range(len(self.node)))

    def __len__(self) -> int:
        return len(self.node)

    def __bool__(self) -> bool:
        return bool(self.node)


class _Where:
    def __init__(self, owner: _Parsed) -> None:
        self.owner = owner

    def _at(self, table: dict, part) -> tuple[int, int]:
        line, column = table[self.owner.path + (part,)]
        return line - 1, column - 1

    def key(self, key) -> tuple[int, int]:
        return self._at(self.owner.doc.keys, key)

    def value(self, key) -> tuple[int, int]:
        return self._at(self.owner.doc.values, key)

    def item(self, index: int) -> tuple[int, int]:
        return self._at(self.owner.doc.values, index)


class _Style:
    def __init__(self, owner: _Parsed) -> None:
        self.owner = owner

    def flow_style(self) -> bool:
        """Whether the node is written in flow style: its first character is '{' or '['."""
        line, column = self.owner.doc.values[self.owner.path]
        text = self.owner.lines[line - 1]
        return text[column - 1:column] in ("{", "[")


def check_period(period: str) -> None:
    if not PERIOD_RE.match(period):
        meant = period_meant(period)
        raise UsageError(f"period must be YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date; got {period!r}"
                         + (f" (write {meant})" if meant else ""))
    if not period_in_calendar(period):
        raise UsageError(f"period {period!r} is not in the calendar (no such year, week or day)")


def _note_text(note: str | None) -> str:
    """`, note: "..."` for a flow item, or nothing."""
    return "" if note is None else f", note: {double_quoted(note)}"


def _anchor(node) -> str | None:
    """The name of the YAML anchor a node carries (as its anchor or through an alias of it), or None."""
    return getattr(getattr(node, "anchor", None), "value", None)


def _refuse_shared(item, actuals, team_id: str, indicator_id: str) -> None:
    """Actuals that another entry shares through YAML's anchors are refused: an actuals list
    that is an anchor, an alias or merged in, and an actual, or a value in one, that is
    anchored or an alias or merged. Writing any of them would change the other entry too
    (an alias's line is its anchor's line)."""
    anchored = actuals is not None and _anchor(actuals)
    merged = actuals is not None and "actuals" not in getattr(item, "_ok", {"actuals"})
    merged_elsewhere = _anchor(item)  # `- &base {...}`, then `<<: *base`
    if anchored or merged or merged_elsewhere or any(_shared_actual(actual) for actual in actuals or []):
        raise UsageError(f"{team_id}/{indicator_id}: its actuals, or one of them, are shared with another entry "
                         "through a YAML anchor, alias or merge; write them out in this entry to use record")


def _shared_actual(actual) -> bool:
    """An actual that is anchored or an alias, has keys merged in, or holds an anchored or aliased value."""
    if _anchor(actual):
        return True
    own = getattr(actual, "_ok", None)  # a mapping's own keys, without those merged in (None: not a mapping)
    return own is not None and (set(actual) != own or any(_anchor(actual.get(key)) for key in actual))


def _place_of(actuals, period: str) -> int:
    """Where a new period goes among the actuals of a file (as `existing` reads them: a date's str is ISO)."""
    return _place_among([str(actual.get("period")) if hasattr(actual, "get") else "" for actual in actuals], period)


def _place_among(periods: list[str], period: str) -> int:
    """Where a new period goes among periods written oldest first: before the first that ends
    later (an older period recorded late, say, goes where it belongs)."""
    key = sort_key(period)
    for index, written in enumerate(periods):
        try:
            later = sort_key(written) > key
        except (ValueError, IndexError):  # not a period: the file's KP002, which _verify refuses
            continue
        if later:
            return index
    return len(periods)


def _insert_item(lines: list[str], actuals, place: int, period: str, value: float, newline: str,
                 note: str | None = None) -> list[str]:
    """A new item at `place` among the actuals: after the item before it (ahead of any
    comment on the next one), or ahead of the first; in its neighbour's style and indentation."""
    if actuals.fa.flow_style():
        raise UsageError("actuals are written as one flow list ([...]); write them one per line to use record")
    neighbour = max(place - 1, 0)
    line, column = actuals.lc.item(neighbour)
    dash_line = lines[line]
    dash = dash_line[:column].rstrip()
    if not dash.endswith("-"):
        raise UsageError("cannot find where an actual starts; add the value by hand")
    indent = dash[:-1]
    item = actuals[neighbour]
    flow = hasattr(item, "fa") and item.fa.flow_style()
    if flow:
        new = f"{indent}- {{period: {period}, value: {number_text(value)}{_note_text(note)}}}{newline}"
    else:
        inner = " " * (column)
        new = f"{indent}- period: {period}{newline}{inner}value: {number_text(value)}{newline}"
        if note is not None:
            new += f"{inner}note: {double_quoted(note)}{newline}"
    if place == 0:
        return lines[:line] + [new] + lines[line:]
    end = _end_of_item(lines, line, len(indent))
    if not lines[end - 1].endswith(("\n", "\r")):
        lines[end - 1] += newline
    return lines[:end] + [new] + lines[end:]


def _end_of_item(lines: list[str], start: int, dash_column: int) -> int:
    """The index of the first line after the sequence item starting at `start`."""
    index = start + 1
    while index < len(lines):
        stripped = lines[index].lstrip(" ")
        depth = len(lines[index]) - len(stripped)
        if stripped.strip() and depth <= dash_column:  # the next item, a key, or a comment on the next item
            break
        index += 1
    while index - 1 > start and not lines[index - 1].strip():
        index -= 1  # keep blank lines after the item where they are
    return index


def _add_actuals_key(lines: list[str], item, period: str, value: float, newline: str,
                     note: str | None = None) -> list[str]:
    """`actuals:` with one item, as the last key of the indicator."""
    key_line, key_column = item.lc.key(next(iter(item)))
    end = _end_of_item(lines, key_line, key_column - 1)
    pad = " " * key_column
    block = [f"{pad}actuals:{newline}",
             f"{pad}  - {{period: {period}, value: {number_text(value)}{_note_text(note)}}}{newline}"]
    if not lines[end - 1].endswith(("\n", "\r")):
        lines[end - 1] += newline
    return lines[:end] + block + lines[end:]


def _replace_value(lines: list[str], actuals, index: int, value: float) -> list[str]:
    """Change the value of an existing actual on its own line, nothing else."""
    target = actuals[index]
    line, _ = target.lc.value("value")
    old = lines[line]
    column = target.lc.value("value")[1]
    match = re.match(r"[^,}\s#]+", old[column:])
    if match is None:
        raise UsageError("cannot find the value to replace; change it by hand")
    lines[line] = old[:column] + number_text(value) + old[column + match.end():]
    return lines


def _verify(before: str, text: str, path: Path, recorded: list[tuple[Entry, Recorded]], settings: Settings) -> None:
    """The new text must be a valid team file whose model is the old one with exactly the
    recorded actuals added or changed: if anything else moved (a line another entry shares,
    say), nothing is written."""
    result = read_team_bytes(text.encode("utf-8"), path.name, settings)
    if result is None or result.team is None or result.problems:
        from kpoctl.pipeline.reading import Unread  # says a problem as every "not read" line does

        first = min(result.problems, key=lambda found: found[1].location.line, default=None) if result else None
        why = f": {Unread.of(*first).why}" if first is not None else ""
        raise UsageError(f"recording into {path} would not give a valid file{why}; nothing was written "
                         "(run kpoctl lint on it)")
    expected = _expected(read_team_bytes(before.encode("utf-8"), path.name, settings), result.team, recorded)
    if result.team != expected:
        raise UsageError(f"recording into {path} {_what_went_wrong(expected, result.team, recorded)}; nothing was "
                         "written (add the values by hand)")


def _expected(old: TeamFile | None, written: Team, recorded: list[tuple[Entry, Recorded]]) -> Team | None:
    """The model the written file must have: the old one with exactly the values recorded.
    A file that did not validate before has a partial model (a value that `record --replace`
    mends was left out, with its indicator's other actuals): there the recorded indicators
    need only hold the values recorded, and everything else must be as it was."""
    if old is None or old.team is None:
        return None  # not reached: the file was its team's when record read it, and a splice keeps the header
    meant = _with_recorded(old.team, recorded)
    if not old.problems:
        return meant
    mine = {indicator.id: indicator for indicator in written.indicators}
    if not all(any(actual.period == done.period and actual.value == entry.value
                   for actual in getattr(mine.get(entry.indicator), "actuals", ()))
               for entry, done in recorded):
        return meant
    touched = {entry.indicator for entry, _ in recorded}
    return old.team.model_copy(update={"indicators": [mine.get(indicator.id, indicator) if indicator.id in touched
                                                      else indicator for indicator in old.team.indicators]})


def _with_recorded(team: Team, recorded: list[tuple[Entry, Recorded]]) -> Team | None:
    """The model of `team` with the recorded actuals applied as intended (None: it lacks one's indicator)."""
    indicators = {indicator.id: indicator for indicator in team.indicators}
    for entry, done in recorded:
        if entry.indicator not in indicators:
            return None
        actuals = list(indicators[entry.indicator].actuals)
        same = next((index for index, actual in enumerate(actuals) if actual.period == done.period), None)
        if same is not None:
            actuals[same] = Actual(period=done.period, value=entry.value, note=actuals[same].note)
        else:
            place = _place_among([actual.period for actual in actuals], done.period)
            actuals.insert(place, Actual(period=done.period, value=entry.value, note=entry.note))
        indicators[entry.indicator] = indicators[entry.indicator].model_copy(update={"actuals": actuals})
    return team.model_copy(update={"indicators": [indicators[indicator.id] for indicator in team.indicators]})


def _what_went_wrong(expected: Team | None, written: Team, recorded: list[tuple[Entry, Recorded]]) -> str:
    """Which entry the written file would get wrong, for the message."""
    ours = {indicator.id: indicator for indicator in expected.indicators} if expected is not None else {}
    wrong = next((indicator.id for indicator in written.indicators if ours.get(indicator.id) != indicator), None)
    if wrong is None:
        return f"would change team {written.team}'s file besides the values recorded"
    if wrong in {entry.indicator for entry, _ in recorded}:
        return f"would not hold {written.team}/{wrong} as recorded (it reads back otherwise)"
    return f"would change {written.team}/{wrong} besides the values recorded"
