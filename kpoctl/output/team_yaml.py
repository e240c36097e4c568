"""A team file written as people write them: the team's keys, then each objective and
indicator in block style, with targets and actuals on one line each.

Strings are written plain only when every YAML reader reads them back as the same
string (YAML 1.1 readers included: `no`, `on` and `2026-10` are quoted); anything
else is double-quoted (`double_quoted`). tests/test_transfer.py
reads every file it writes back through kpoctl's own reader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from kpoctl.common.numbers import number_text

SCHEMA_LINE = "# yaml-language-server: $schema=schemas/team.schema.json\n"

TEAM_KEYS = ("team", "name", "parent", "owner", "meeting", "description")
OBJECTIVE_KEYS = ("id", "level", "role", "supports", "by", "weight", "title", "cascades_from", "perspective", "due",
                  "owner", "shared_with", "evaluation", "description")
INDICATOR_KEYS = ("id", "level", "measures", "name", "unit", "timing", "frequency", "owner", "source", "target",
                  "baseline", "targets", "rollup", "actions", "actuals", "description")

_PLAIN = re.compile(r"^[A-Za-z_(][\w .,()%&/'+-]*$")
_PLAIN_IN_FLOW = re.compile(r"^[A-Za-z_(][\w .()%&/'+-]*$")  # no comma inside { }
_SPECIAL = re.compile(r"^(y|yes|n|no|true|false|on|off|null|~|nan|inf)$", re.I)


def scalar(value: Any, flow: bool = False) -> str:
    """One value as YAML text that reads back as the same value (`flow`: inside { })."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # the patterns hold no ':' or '#': no key, no comment; a space at the end would be lost
    if (_PLAIN_IN_FLOW if flow else _PLAIN).match(text) and not _SPECIAL.match(text) and not text.endswith(" "):
        return text
    return double_quoted(text)


# What a double-quoted scalar must not hold as it is: DEL and the C1 controls (not printable
# in YAML) and the line breaks YAML 1.1 readers such as libyaml fold (NEL, LS, PS).
_ESCAPE_IN_QUOTES = re.compile("[\x7f-\x9f\u2028\u2029]")


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar that every reader reads back as exactly `text`: JSON's
    string escapes are YAML's, and what YAML would fold or refuse is escaped too."""
    return _ESCAPE_IN_QUOTES.sub(lambda found: f"\\u{ord(found.group()):04x}", json.dumps(text, ensure_ascii=False))


def _flow(mapping: dict) -> str:
    """`{key: value, ...}` on one line. A period is written as people write it (2026-10,
    2026-Q3), unquoted: the model holds only periods written so (PERIOD_RE), a string to
    kpoctl's YAML 1.2 reader, and import reads every file back."""
    return "{" + ", ".join(f"{key}: {value if key == 'period' else scalar(value, flow=True)}"
                           for key, value in mapping.items()) + "}"


def _value(key: str, value: Any, indent: str) -> list[str]:
    """`key: value` lines for one field of an entry."""
    if key in ("target", "baseline"):
        return [f"{indent}{key}: {_flow(value)}"]
    if key == "rollup" and isinstance(value, dict):
        return [f"{indent}{key}: {_flow(value)}"]
    if key in ("targets", "actuals"):
        return [f"{indent}{key}:"] + [f"{indent}  - {_flow(item)}" for item in value]
    if key == "due" and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return [f"{indent}{key}: {value}"]
    if key == "supports" and isinstance(value, list) and len(value) == 1:
        return [f"{indent}{key}: {scalar(value[0])}"]
    if isinstance(value, list):
        if key in ("supports", "shared_with"):
            return [f"{indent}{key}: [{', '.join(scalar(v) for v in value)}]"]
        return [f"{indent}{key}:"] + [f"{indent}  - {scalar(item)}" for item in value]
    return [f"{indent}{key}: {scalar(value)}"]


def _entry(entry: dict, keys: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    for key in keys:
        if key in entry and entry[key] not in (None, [], {}):
            lines += _value(key, entry[key], "    ")
    lines[0] = "  - " + lines[0][4:]
    return lines


def render_team(team: dict) -> str:
    """A team file from a team dict (as Team.model_dump(exclude_defaults=True) or an import gives it)."""
    lines = [SCHEMA_LINE.rstrip("\n")]
    lines += [f"{key}: {scalar(team[key])}" for key in TEAM_KEYS if team.get(key) is not None]
    for section, keys in (("objectives", OBJECTIVE_KEYS), ("indicators", INDICATOR_KEYS)):
        entries = team.get(section) or []
        if entries:
            lines += ["", f"{section}:"]
            for entry in entries:
                lines += _entry(entry, keys)
    return "\n".join(lines) + "\n"
