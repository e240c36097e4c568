"""Read one YAML document fast, keeping the position of every key and value.

libyaml (through PyYAML's C parser) does the scanning and parsing; this module
builds plain Python values from its events in one iterative pass. Why not a
ready constructor:

- ruamel.yaml's round-trip loader keeps positions but is 14x slower than libyaml;
- PyYAML's own constructors resolve scalars as YAML 1.1 (`no` is false) and its
  C composer recurses, so deep nesting crashes the interpreter.

So scalars are resolved here exactly as ruamel.yaml resolves YAML 1.2 (core
schema plus timestamps and merge keys), only the core tags are accepted, alias
expansion and nesting are bounded, and nothing in a file is ever executed.
A differential test keeps the semantics equal to ruamel.yaml's.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml._yaml import CParser
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

DEFAULT_MAX_NODES = 100_000
DEFAULT_MAX_DEPTH = 100

Path = tuple
Position = tuple[int, int]


class YamlError(Exception):
    """A file that cannot be read as one safe YAML document (finding KP001)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class BadDate(str):
    """A scalar that YAML resolves as a timestamp but names no real date (2026-02-30)."""


class BigNumber(str):
    """An integer too long for Python to convert; the model rejects it as too large."""


@dataclass(slots=True)
class Document:
    """One parsed document: its data and the 1-based positions of its nodes by path."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Position:
        """Position of the node at `path` (its key when `key`), else its nearest ancestor's."""
        if key and path in self.keys:
            return self.keys[path]
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]


# --- scalar resolution: YAML 1.2 as ruamel.yaml does it ---------------------------------

_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"~", "null", "Null", "NULL", ""}
_FLOAT_RE = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_RE = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_DATE_RE = re.compile(r"^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$")
_TIMESTAMP_RE = re.compile(
    r"""^(?P<year>[0-9][0-9][0-9][0-9])-(?P<month>[0-9][0-9]?)-(?P<day>[0-9][0-9]?)
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9][0-9]?):(?P<minute>[0-9][0-9]):(?P<second>[0-9][0-9])
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)(?::(?P<tz_minute>[0-9][0-9]))?))?)?$""",
    re.X,
)
_NUMERIC_FIRST = frozenset("-+0123456789.")
_RESOLVABLE_FIRST = frozenset("-+0123456789.tTfFnN~<=")

CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


def _int(text: str) -> int | BigNumber:
    digits = text.replace("_", "")
    sign = 1
    if digits[0] == "-":
        sign = -1
    if digits[0] in "+-":
        digits = digits[1:]
    try:
        if digits == "0":
            return 0
        if digits.startswith("0b"):
            return sign * int(digits[2:], 2)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        return sign * int(digits)
    except ValueError:
        if digits.isdigit():
            return BigNumber(text)  # beyond Python's int-from-string digit limit
        raise


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    sign = 1
    if digits[0] == "-":
        sign = -1
    if digits[0] in "+-":
        digits = digits[1:]
    if digits == ".inf":
        return sign * float("inf")
    if digits == ".nan":
        return float("nan")
    return sign * float(digits)


def _timestamp(text: str) -> _dt.date | _dt.datetime | BadDate:
    match = _TIMESTAMP_RE.match(text)
    if match is None:
        return BadDate(text)
    g = match.groupdict()
    try:
        if g["hour"] is None:
            return _dt.date(int(g["year"]), int(g["month"]), int(g["day"]))
        digits = g["fraction"] or "0"
        fraction = int(digits[:6].ljust(6, "0"))
        tz = None
        if g["tz"] == "Z":
            tz = _dt.timezone.utc
        elif g["tz_sign"]:
            delta = _dt.timedelta(hours=int(g["tz_hour"]), minutes=int(g["tz_minute"] or 0))
            tz = _dt.timezone(-delta if g["tz_sign"] == "-" else delta)
        stamp = _dt.datetime(
            int(g["year"]), int(g["month"]), int(g["day"]),
            int(g["hour"]), int(g["minute"]), int(g["second"]), fraction, tzinfo=tz,
        )
        # microseconds rounded half up from the seventh digit, carried over, as ruamel.yaml does
        return stamp + _dt.timedelta(microseconds=1) if len(digits) > 6 and digits[6] > "4" else stamp
    except (ValueError, OverflowError):
        return BadDate(text)


_MERGE = object()  # the key `<<`


def resolve_plain(text: str) -> Any:
    """Value of a plain (unquoted, untagged) scalar under YAML 1.2 as ruamel.yaml reads it."""
    if not text:
        return None
    first = text[0]
    if first not in _RESOLVABLE_FIRST:
        return text
    if first in "tTfF":
        return _BOOL.get(text, text)
    if first in "nN~":
        return None if text in _NULL else text
    if first == "<":
        return _MERGE if text == "<<" else text
    if first == "=":
        if text == "=":
            raise ValueError("the value '=' (YAML's !!value) is not supported: quote it")
        return text
    if _FLOAT_RE.match(text):
        return _float(text)
    if first != "." and _INT_RE.match(text):
        return _int(text)
    if first in "0123456789" and (_DATE_RE.match(text) or _timestamp_with_time(text)):
        return _timestamp(text)
    return text


def _timestamp_with_time(text: str) -> bool:
    """A plain timestamp other than YYYY-MM-DD must have its time: `2026-1-2` is text to
    ruamel.yaml (so a `due` written so is refused, not read as a date), `2026-1-2 3:04:05` is not."""
    match = _TIMESTAMP_RE.match(text)
    return match is not None and match.group("hour") is not None


def _explicit(tag: str, text: str) -> Any:
    """Value of a scalar with an explicit core tag (`!!int "12"`)."""
    name = tag.rsplit(":", 1)[-1]
    if name == "str":
        return text
    if name == "null":
        return None
    if name == "bool" and text in _BOOL:
        return _BOOL[text]
    if name == "int" and _INT_RE.match(text):
        return _int(text)
    if name == "float" and (_FLOAT_RE.match(text) or _INT_RE.match(text)):
        return _float(text)
    if name == "timestamp" and _TIMESTAMP_RE.match(text):
        return _timestamp(text)
    if name in ("map", "seq"):
        raise ValueError(f"tag !!{name} on a scalar")
    raise ValueError(f"{text!r} cannot be read as !!{name}")


def short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


# --- decoding -----------------------------------------------------------------------------

def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 with or without a BOM; anything else is a YamlError."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError("file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8: save it as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(f"not UTF-8: invalid byte 0x{raw[exc.start]:02x}; save the file as UTF-8", line, column) from None


# --- the builder --------------------------------------------------------------------------

class Depths(NamedTuple):
    """The levels of a document whose positions a read records (the root's keys are at 1;
    the root's own position is always kept): of values and items, and of keys."""

    values: frozenset[int]
    keys: frozenset[int]


class _Frame:
    __slots__ = ("container", "path", "is_map", "key", "key_pos", "merges", "anchor", "start_count",
                 "keep_values", "keep_keys")

    def __init__(self, container, path, is_map, anchor, start_count, depths: Depths | None):
        self.container = container
        self.path = path
        self.is_map = is_map
        self.key = None  # pending key of a mapping; None when a key is expected
        self.key_pos = None
        self.merges = None
        self.anchor = anchor
        self.start_count = start_count
        # whether the positions of its children (one level down) are recorded
        below = len(path) + 1
        self.keep_values = depths is None or below in depths.values
        self.keep_keys = depths is None or below in depths.keys


def _pos(mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def parse(text: str, *, max_nodes: int = DEFAULT_MAX_NODES, max_depth: int = DEFAULT_MAX_DEPTH,
          positions: Depths | None = None) -> Document:
    """Parse one YAML document. Raises YamlError with a 1-based position.

    `positions`: record where the nodes at these levels are (None: every node).
    Recording the rest (each actual's keys and values: most of a team file) was a fifth
    of the parse for positions no finding points at. A document that fails is parsed
    again with every position, so that its error is said exactly as ever."""
    if positions is not None:
        try:
            return _parse(text, max_nodes, max_depth, positions)
        except YamlError:
            pass
    return _parse(text, max_nodes, max_depth, None)


def _parse(text: str, max_nodes: int, max_depth: int, positions: Depths | None) -> Document:
    parser = CParser(text)
    get = parser.get_event
    relocate = _yaml12_marks(text)
    if relocate is not None:
        def get():
            event = parser.get_event()
            event.start_mark = relocate(event.start_mark)
            return event
    try:
        return _build(get, max_nodes, max_depth, positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if relocate is not None and mark is not None:
            mark = relocate(mark)
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        line, column = _pos(mark) if mark is not None else (1, 1)
        raise YamlError(f"YAML syntax error: {message}", line, column) from None
    except yaml.YAMLError as exc:  # reader errors: control characters, NUL bytes
        raise _unreadable(text, exc) from None
    finally:
        parser.dispose()


_YAML12_LINE = re.compile(r"\r\n|\r|\n")


def _yaml12_marks(text: str):
    """For a text holding NEL, LS or PS: a function that puts a libyaml mark where YAML 1.2
    counts it. libyaml counts those three as line breaks (YAML 1.1); YAML 1.2, kpoctl and
    every editor do not, so every position after one would be lines off. None otherwise."""
    if "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return None  # three substring searches: a hundredth of one regular expression's scan
    starts = [0] + [match.end() for match in _YAML12_LINE.finditer(text)]

    def relocate(mark) -> _Mark:
        line = bisect.bisect_right(starts, mark.index) - 1
        return _Mark(line, mark.index - starts[line], mark.index)

    return relocate


class _Mark(NamedTuple):
    """A position as libyaml's marks give it (0-based), counted the YAML 1.2 way."""

    line: int
    column: int
    index: int


# What YAML 1.2 allows in a stream (its c-printable production); the reader stops at anything else.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _unreadable(text: str, exc: Exception) -> YamlError:
    """libyaml's reader error, located by us: it gives an offset only, and its wording changes."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return YamlError(f"YAML cannot be read: {exc}".splitlines()[0])
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return YamlError(f"character U+{ord(found.group()):04X} is not allowed in YAML: remove it", line, column)


class _Tree:
    """What the builder keeps besides the locals of its loop."""

    __slots__ = ("values", "keys", "anchors", "stack", "root", "max_nodes", "max_depth", "depths")

    def __init__(self, max_nodes: int, max_depth: int, depths: Depths | None) -> None:
        self.values: dict[Path, Position] = {}
        self.keys: dict[Path, Position] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.max_nodes, self.max_depth, self.depths = max_nodes, max_depth, depths


_END = object()  # the document's end, as _structure tells it


def _build(get, max_nodes: int, max_depth: int, depths: Depths | None) -> Document:
    """The document of libyaml's events, with the position of every value and key at the
    levels `depths` names (None: all).

    One pass over the events. Most of a team file is plain scalars, keys and values, in
    mappings and lists: those are handled inline (this loop is most of a cold lint's
    time above libyaml's own); every other event goes to _structure."""
    tree = _Tree(max_nodes, max_depth, depths)
    values, keys = tree.values, tree.keys
    top: _Frame | None = None
    count = 0
    memo_get = _PLAIN_MEMO.get
    resolvable = _RESOLVABLE_FIRST
    if not _document_starts(get):
        return Document(None, values, keys)
    while True:
        ev = get()
        if type(ev) is not ScalarEvent:
            top, count = _structure(ev, top, count, tree)
            if top is _END:
                break
            continue
        count += 1
        if top is not None and top.is_map and top.key is None:  # a key: text only, never twice
            key = ev.value
            if ev.tag is not None or key == "<<" or ev.anchor is not None or key in top.container:
                _take_key(ev, ScalarEvent, top, tree.anchors, keys)
            else:
                top.key = key
                top.key_pos = ev.start_mark  # made a position only if the key's is recorded
            continue
        if ev.tag is None and ev.anchor is None and ev.implicit[0]:  # a plain scalar
            value = ev.value or None
            if value is not None and value[0] in resolvable:
                value = memo_get(value, _UNSEEN)
                value = _plain_value(ev) if value is _UNSEEN else value
        else:
            value = _tagged_or_anchored(ev, tree.anchors)
        if count > max_nodes:
            _too_many(ev, max_nodes)
        if top is None or (top.is_map and top.key is _MERGE):
            _attach(value, ev, top, tree, False)
        elif top.is_map:
            key = top.key
            top.key = None
            top.container[key] = value
            if top.keep_keys:
                mark = top.key_pos
                keys[top.path + (key,)] = (mark.line + 1, mark.column + 1)
            if top.keep_values:
                mark = ev.start_mark
                values[top.path + (key,)] = (mark.line + 1, mark.column + 1)
        else:
            if top.keep_values:
                mark = ev.start_mark
                values[top.path + (len(top.container),)] = (mark.line + 1, mark.column + 1)
            top.container.append(value)
    ev = get()
    if type(ev) is not StreamEndEvent:
        raise YamlError("several YAML documents in one file: keep one document (one team) per file", *_pos(ev.start_mark))
    return Document(tree.root, values, keys)


def _document_starts(get) -> bool:
    """Past the stream's start: True when a document follows, False for an empty stream."""
    ev = get()
    assert type(ev) is StreamStartEvent
    ev = get()
    if type(ev) is StreamEndEvent:
        return False
    if type(ev) is not DocumentStartEvent:  # pragma: no cover - libyaml guarantees it
        raise YamlError("expected a YAML document")
    return True


def _tagged_or_anchored(ev, anchors: dict) -> Any:
    """A scalar that is not plain, or that has an anchor (which is then remembered)."""
    value = _scalar_value(ev)
    if ev.anchor is not None:
        anchors[ev.anchor] = (value, 1)
    return value


def _structure(ev, top: _Frame | None, count: int, tree: _Tree) -> tuple[Any, int]:
    """Any event but a scalar: a collection starts or ends, an alias, the document's end.
    The innermost open collection and the node count after it (_END at the end)."""
    kind = type(ev)
    stack = tree.stack
    if top is not None and top.is_map and top.key is None and kind is AliasEvent:
        _take_key(ev, kind, top, tree.anchors, tree.keys)
        return top, count + 1
    if kind is MappingEndEvent or kind is SequenceEndEvent:
        frame = stack.pop()
        if frame.merges:
            _merge(frame, ev)
        if frame.anchor is not None:
            tree.anchors[frame.anchor] = (frame.container, count - frame.start_count + 1)  # with itself
        return (stack[-1] if stack else None), count
    if kind is DocumentEndEvent:
        return _END, count
    if kind is AliasEvent:
        value, size = _alias_target(ev, tree.anchors)
        count += size
    elif kind is MappingStartEvent or kind is SequenceStartEvent:
        count += 1
        _check_collection_start(ev, kind, top, len(stack), tree.max_depth)
        value = {} if kind is MappingStartEvent else []
    else:  # pragma: no cover
        raise YamlError(f"unexpected YAML event {kind.__name__}", *_pos(ev.start_mark))
    if count > tree.max_nodes:
        _too_many(ev, tree.max_nodes)
    path = _attach(value, ev, top, tree, kind is not AliasEvent)
    if kind is AliasEvent:
        return top, count
    top = _Frame(value, path, kind is MappingStartEvent, ev.anchor, count, tree.depths)
    stack.append(top)
    return top, count


def _too_many(ev, max_nodes: int):
    raise YamlError(
        f"document expands to more than {max_nodes} nodes (through aliases?): raise max_nodes if this is real",
        *_pos(ev.start_mark),
    )


# A plain scalar that may be more than text (a number, a date, a boolean) is resolved once
# per process: a scorecard says the same periods, numbers and words again and again.
# Only values that cannot be changed are kept (text, numbers, dates, None, booleans).
_UNSEEN = object()
_PLAIN_MEMO: dict[str, Any] = {}
_PLAIN_MEMO_MAX = 1 << 16


def _plain_value(ev) -> Any:
    """A plain scalar's value the first time its text is met (YamlError when refused)."""
    value = _scalar_value(ev)
    if len(_PLAIN_MEMO) >= _PLAIN_MEMO_MAX:
        _PLAIN_MEMO.clear()
    _PLAIN_MEMO[ev.value] = value
    return value


def _take_key(ev, kind, top: _Frame, anchors: dict, keys: dict) -> None:
    """A scalar or alias in key position of a mapping: text only, never twice."""
    if kind is AliasEvent:
        target = anchors.get(ev.anchor)
        if target is None or not isinstance(target[0], str):
            raise YamlError(f"alias *{ev.anchor} cannot be used as a key", *_pos(ev.start_mark))
        key = target[0]
    elif ev.tag is None and ev.implicit[0] and ev.value == "<<":
        key = _MERGE
    elif ev.tag not in (None, "!", "tag:yaml.org,2002:str"):
        raise YamlError(f"a key with tag {short_tag(ev.tag)} is not supported: keys are text", *_pos(ev.start_mark))
    else:
        key = ev.value
    if kind is not AliasEvent and ev.anchor is not None:  # `&k a: 1` then `b: *k` repeats the key's text
        anchors[ev.anchor] = ("<<" if key is _MERGE else key, 1)
    if key is not _MERGE and key in top.container:
        first = keys.get(top.path + (key,))
        where = f" (first at line {first[0]})" if first else ""
        raise YamlError(f"duplicate key {key!r}{where}", *_pos(ev.start_mark))
    top.key = key
    top.key_pos = ev.start_mark  # made a position only if the key's is recorded


def _scalar_value(ev) -> Any:
    """A scalar's value under the YAML 1.2 core schema; any other tag is refused, never run."""
    tag = ev.tag
    try:
        if tag is None or tag == "!":  # `!`: resolved as if plain, quoted or not, as ruamel.yaml (and PyYAML) read it
            value = resolve_plain(ev.value) if tag == "!" or ev.implicit[0] else ev.value
            return "<<" if value is _MERGE else value
        if tag in CORE_TAGS:
            return _explicit(tag, ev.value)
        raise ValueError(f"unsupported tag {short_tag(tag)}: only the YAML core tags are read, nothing is executed")
    except ValueError as exc:
        raise YamlError(str(exc), *_pos(ev.start_mark)) from None


def _check_collection_start(ev, kind, top: _Frame | None, depth: int, max_depth: int) -> None:
    """A mapping or sequence may start here: core tag, within the depth limit, not as a key."""
    is_map = kind is MappingStartEvent
    tag = ev.tag
    if tag is not None and tag != "!" and tag != ("tag:yaml.org,2002:map" if is_map else "tag:yaml.org,2002:seq"):
        raise YamlError(
            f"unsupported tag {short_tag(tag)}: only the YAML core tags are read, nothing is executed",
            *_pos(ev.start_mark),
        )
    if depth >= max_depth:
        raise YamlError(f"nesting deeper than {max_depth} levels", *_pos(ev.start_mark))
    if top is not None and top.is_map and top.key is None:
        raise YamlError("a mapping key must be a plain scalar, not a collection", *_pos(ev.start_mark))


def _alias_target(ev, anchors: dict) -> tuple[Any, int]:
    """The value an alias repeats, and how many nodes it counts for (the expansion limit)."""
    target = anchors.get(ev.anchor)
    if target is None:
        raise YamlError(
            f"alias *{ev.anchor} names no anchor defined before it (or one that contains it)",
            *_pos(ev.start_mark),
        )
    return target


def _attach(value: Any, ev, top: _Frame | None, tree: _Tree, is_collection: bool) -> Path | None:
    """Put a node in its parent (a merge key's value aside for later) and record where it
    is (and where its key is), at the levels recorded. The node's path, or None for a
    scalar whose position is not recorded (nothing needs it)."""
    keys, values = tree.keys, tree.values
    if top is None:  # the document's root
        tree.root = value
        values[()] = _pos(ev.start_mark)
        return ()
    if top.is_map:
        key = top.key
        top.key = None
        if key is _MERGE:
            path = top.path + ("<<",)
            position = _pos(ev.start_mark)
            if top.merges is None:
                top.merges = []
            top.merges.append((value, position))
            if top.keep_values:
                values[path] = position
            return path
        top.container[key] = value
        if not (top.keep_values or top.keep_keys or is_collection):
            return None
        path = top.path + (key,)
        if top.keep_keys:
            keys[path] = _pos(top.key_pos)
    else:
        index = len(top.container)
        top.container.append(value)
        if not (top.keep_values or is_collection):
            return None
        path = top.path + (index,)
    if top.keep_values:
        values[path] = _pos(ev.start_mark)
    return path


def _merge(frame: _Frame, ev) -> None:
    """Apply `<<` merge keys: explicit keys win, earlier merged mappings win over later ones."""
    sources: list[dict] = []
    for value, position in frame.merges:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                raise YamlError("a merge key << needs a mapping or a list of mappings", *position)
            sources.append(item)
    target = frame.container
    for source in sources:
        for key, value in source.items():
            if key not in target:
                target[key] = value


# a team file's own top-level keys: a file holding any of them is taken for a team file
# (one without `team` then gets KP002, as when the key is misspelt)
TEAM_FILE_KEYS = ("team", "objectives", "indicators")
TEAM_LINE_PATTERN = rf"^(?:{'|'.join(TEAM_FILE_KEYS)})\s*:"
_TEAM_LINE = re.compile(TEAM_LINE_PATTERN, re.M)


def looks_like_team_file(text: str) -> bool:
    """For a file that does not parse: does one of its lines begin with `team:` (or with
    `objectives:` or `indicators:`, a team file's sections, as when `team` is misspelt)?"""
    return _TEAM_LINE.search(text) is not None
