"""Parsed YAML -> model: validate a team file and say what is wrong, where (KP002).

Every pydantic error becomes its own problem, located at the offending key or
value, with a message that names the field and what it accepts. Validation
recovers per entry: one broken indicator does not hide the rest of the team
from the other rules.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import replace
from typing import Any, Callable, get_args

from pydantic import BaseModel, ValidationError

from kpoctl.common.findings import Location, Problem
from kpoctl.model import PERIOD_RE, ROLLUP_METHODS, Indicator, Objective, Team, period_meant
from kpoctl.read.yamlread import BadDate, BigNumber, Document

SECTIONS: dict[str, type[BaseModel]] = {"objectives": Objective, "indicators": Indicator}


def describe(value: Any) -> str:
    """A value as the user wrote it in YAML, for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BigNumber):
        return f"the integer {value[:20]}{'...' if len(value) > 20 else ''}"
    if isinstance(value, BadDate):
        return f"{str(value)!r}"
    if isinstance(value, (int, float)):
        return {float("inf"): ".inf", float("-inf"): "-.inf"}.get(value, ".nan" if value != value else repr(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,000 or 12,500.5
_PERCENT = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*%")


def _number_text_hint(text: str) -> str:
    """What to write instead of a number written as people write it: a thousands
    separator, or a percent sign (the indicator's unit says %)."""
    if _looks_numeric(text):
        return " (remove the quotes)"  # a number in quotes is text to YAML
    if _GROUPED.fullmatch(text):
        return f" (write {text.replace(',', '')}: no thousands separator)"
    percent = _PERCENT.fullmatch(text)
    if percent:
        return f" (write {percent.group(1)}: the number alone, with unit: \"%\" on the indicator)"
    return ""


def _period_hint(value: Any, *, day: bool = False) -> str:
    """The end of a message on a period written loosely, ' (write 2026-01)'; `day`: only
    when it names a day (a `due`)."""
    meant = period_meant(value) if isinstance(value, str) else None
    return f" (write {meant})" if meant is not None and (not day or len(meant) == 10) else ""


def _split_number_hint(loc: tuple, data: Any) -> str:
    """An unknown field named by digits alone, with no value, after a whole number: a
    thousands separator in a flow mapping (`{value: 1,000}` is `value: 1` and a field `000`)."""
    parent = data
    for step in loc[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return ""
    name = loc[-1] if loc else None
    if not (isinstance(parent, dict) and isinstance(name, str) and name.isdigit() and parent.get(name, 0) is None):
        return ""
    keys = list(parent)
    place = keys.index(name)
    before = parent[keys[place - 1]] if place > 0 else None
    if type(before) is not int:
        return ""
    return f" (in {{...}} a comma separates fields: write {before}{name}, without the thousands separator)"


def _quote_hint(value: Any) -> str:
    if isinstance(value, (bool, int, float, dt.date)) and not isinstance(value, (BigNumber, BadDate)):
        return " (YAML reads it as a " + _yaml_type(value) + ": quote it)"
    return ""


def _yaml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "date"


def _allowed_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model reached by `loc` (for 'did you mean')."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = _fields_of(current)
        if not fields or part not in fields:
            break
        annotation = fields[part].annotation
        nested = [a for a in _flatten(annotation) if isinstance(a, type) and _fields_of(a)]
        if not nested:
            break
        current = nested[0]
    return list(_fields_of(current) or {})


def _fields_of(cls: Any) -> dict | None:
    """Fields of a pydantic model or pydantic dataclass."""
    return getattr(cls, "model_fields", None) or getattr(cls, "__pydantic_fields__", None)


def _flatten(annotation: Any) -> list:
    args = get_args(annotation)
    if not args:
        return [annotation]
    out = []
    for arg in args:
        out.extend(_flatten(arg))
    return out


def _expected_choices(ctx: dict) -> str:
    return ctx.get("expected", "").replace("'", "").replace(" or ", ", ")


def clean_loc(loc: tuple, data: Any, *, missing: bool = False) -> tuple:
    """The error's path in the user's data, without pydantic's own steps (union members,
    validator names): a step is kept when the data has it, or, for a `missing` error, when
    it is the last one and names the field missing from a mapping (any other error's last
    step that the data lacks is pydantic's: `rollup`'s union member, say). Field names are
    the user's text, so no pattern on the step itself could tell them apart."""
    kept = []
    current = data
    for index, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            kept.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            kept.append(part)
            current = current[part]
        elif missing and index == len(loc) - 1 and isinstance(current, dict):
            kept.append(part)  # the missing field of this mapping
    return tuple(kept)


def error_loc(error: dict) -> tuple:
    """Where a pydantic error is: its `loc`, and for a check over a whole list (actuals in
    order, one value per period) the item it found wrong, which that check names in its
    context, down to its period."""
    item = (error.get("ctx") or {}).get("item")
    return tuple(error["loc"]) + ((item, "period") if item is not None else ())


def message_for(error: dict, model: type[BaseModel], *, dotted: bool = False, data: Any = None) -> str:
    """One clear sentence for one pydantic error; `dotted` names the field by its full path."""
    loc = clean_loc(error_loc(error), data, missing=error["type"] == "missing")
    names = [p for p in loc if isinstance(p, str)]
    name = (".".join(str(p) for p in loc) if dotted else names[-1]) if names else "value"
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    got = describe(value)
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        allowed = _allowed_fields(model, loc[:-1])
        close = difflib.get_close_matches(str(names[-1]) if names else "", allowed, n=1)
        hint = _split_number_hint(loc, data) or (f" (did you mean '{close[0]}'?)" if close
                                                 else f"; allowed: {', '.join(allowed)}")
        return f"unknown field '{name}'{hint}"
    if name == "rollup":
        return f"rollup must be one of {', '.join(ROLLUP_METHODS)}, or a mapping of dimension to one of them; got {got}"
    if kind == "literal_error":
        return f"{name} must be one of {_expected_choices(ctx)}; got {got}"
    if kind == "string_type":
        return f"{name} must be text; got {got}{_quote_hint(value)}"
    if kind == "string_pattern_mismatch":
        if "/" in ctx.get("pattern", ""):
            return f"{name} must be TEAM/ID (for example best-company/otif); got {got}"
        return f"{name} must be a slug: lowercase letters, digits and '-', starting with a letter or digit; got {got}"
    if kind == "string_too_short":
        return f"{name} must not be empty"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return _number_message(name, kind, value, got)
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return _date_message(name, value, got)
    if kind == "period":
        if isinstance(value, str) and PERIOD_RE.match(value):
            return f"period {got} is not in the calendar (no such year, week or day)"
        return f"period must be YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date; got {got}{_period_hint(value)}"
    if kind in ("period_order", "period_repeated"):
        return error["msg"]  # said in full by the check (kpoctl.model)
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()), "")
        bound = f"{bound:g}" if isinstance(bound, (int, float)) else bound
        return f"{name} must be {_BOUNDS[kind]} {bound}; got {got}"
    if kind in _SIMPLE:
        return f"{name} must be {_SIMPLE[kind]}; got {got}"
    return f"{name}: {error['msg']}; got {got}"


_BOUNDS = {"greater_than_equal": "at least", "greater_than": "more than", "less_than_equal": "at most",
           "less_than": "less than"}
_SIMPLE = {
    "finite_number": "a finite number", "list_type": "a list", "bool_type": "true or false",
    **dict.fromkeys(("model_type", "dict_type", "model_attributes_type", "dataclass_type", "dataclass_args_type"),
                    "a mapping of fields"),
}


def _number_message(name: str, kind: str, value: Any, got: str) -> str:
    if isinstance(value, BigNumber) or (isinstance(value, int) and not isinstance(value, bool)):
        return f"{name} must be a number a float can hold; got an integer too large ({got})"
    whole = "a whole number" if kind.startswith("int") else "a number"
    if isinstance(value, str):
        return f"{name} must be {whole}; got the text {got}{_number_text_hint(value)}"
    return f"{name} must be {whole}; got {got}"


def _date_message(name: str, value: Any, got: str) -> str:
    if isinstance(value, BadDate):
        return f"{name} is not a real date: {got}"
    if isinstance(value, dt.datetime):
        return f"{name} must be a date without a time (YYYY-MM-DD); got {got}"
    return f"{name} must be a date (YYYY-MM-DD); got {got}{_period_hint(value, day=True)}"


def errors_to_say(exc: ValidationError, model: type[BaseModel], data: Any) -> list[tuple[dict, tuple, str]]:
    """(error, its path in the data, its message) for each problem worth a finding: what the
    team file reader and `import` both say of a model that does not validate."""
    said: list[tuple[dict, tuple, str]] = []
    seen: set[tuple] = set()
    errors = exc.errors(include_url=False)
    # A misspelt required field is one problem, not two: `titel` explains the missing `title`.
    misspelt = set()
    for error in errors:
        if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            close = difflib.get_close_matches(str(error["loc"][-1]), _allowed_fields(model, error["loc"][:-1]), n=1)
            if close:
                misspelt.add(tuple(error["loc"][:-1]) + (close[0],))
    located = [(error, clean_loc(error_loc(error), data, missing=error["type"] == "missing")) for error in errors]
    # A union says why each member failed: `rollup: {segment: summ}` is not one of the
    # methods (the text member) and has a value that is not one (the mapping member). The
    # member that went into the data names the typo; the one that stopped at its shape is noise.
    deeper = {loc[:depth] for _, loc in located for depth in range(len(loc))}
    for error, loc in located:
        if error["type"] == "missing" and tuple(error["loc"]) in misspelt:
            continue
        if len(loc) < len(error_loc(error)) and loc in deeper:
            continue  # a union member's complaint about the shape, where another member went deeper
        message = message_for(error, model, data=data)
        if (loc, message) in seen:
            continue  # a union reports once per member
        seen.add((loc, message))
        said.append((error, loc, message))
    return said


def _issues(exc: ValidationError, doc: Document, base: tuple, model: type[BaseModel], file: str) -> list[Problem]:
    """The schema's problems (KP002's), each at the key or value concerned."""
    data = doc.data
    issues: list[Problem] = []
    for error, loc, message in errors_to_say(exc, model, data):
        path = base + loc
        if error["type"] == "missing":
            line, column = doc.locate(path[:-1])
        elif error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            line, column = doc.locate(path, key=True)
        else:
            line, column = doc.locate(path)
        entry = path[:2] if len(path) >= 2 and path[0] in SECTIONS and isinstance(path[1], int) else None
        issues.append(Problem(message, Location(file, line, column), _text(data, "team"), _entry_id(data, entry),
                              path))
    return issues


def _text(mapping: Any, key: str) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


def _entry_id(data: Any, entry: tuple | None) -> str | None:
    """The id of the objective or indicator at `entry` (("indicators", 3)), when it has one."""
    if entry is None:
        return None
    return _text(data[entry[0]][entry[1]], "id")


Validated = tuple[Team | None, list[tuple], list[Problem], frozenset[str]]


def validate_team(doc: Document, file: str = "", *, full: Callable[[], Document] | None = None) -> Validated:
    """Validate a team document.

    Returns the team (None when not even its header can be read), the document
    path of each kept entry in the order of `team.objectives + team.indicators`,
    the problems found (located in `file`), and the header fields dropped because they were invalid
    (so rules do not report them a second time as missing). `full`: the same document
    read with every position, asked for only to locate problems when `doc` was read
    with some (a problem may point anywhere; validating again would find the same).
    """
    data = doc.data
    try:
        team = Team.model_validate(data)
    except ValidationError as exc:
        issues = _issues(exc, full() if full is not None else doc, (), Team, file)
    else:
        paths = [("objectives", i) for i in range(len(team.objectives))]
        paths += [("indicators", i) for i in range(len(team.indicators))]
        return team, paths, [], frozenset()
    return _recover(data, issues)


def _recover(data: Any, issues: list[Problem]) -> Validated:
    """Keep what is valid of a team that has errors, so the other rules still see it."""
    if not isinstance(data, dict):
        return None, [], issues, frozenset()
    header = {k: v for k, v in data.items() if k not in SECTIONS}
    failed: set[str] = set()
    try:
        team = Team.model_validate({**header, "objectives": [], "indicators": []})
    except ValidationError as exc:
        failed = {e["loc"][0] for e in exc.errors() if e["loc"]}
        if "team" in failed or not isinstance(header.get("team"), str):
            return None, [], issues, frozenset()
        kept = {k: v for k, v in header.items() if k not in failed}
        kept.setdefault("name", header["team"])
        try:
            team = Team.model_validate({**kept, "objectives": [], "indicators": []})
        except ValidationError:
            return None, [], issues, frozenset()
    kept_entries: dict[str, list] = {"objectives": [], "indicators": []}
    paths: list[tuple] = []
    for section, model in SECTIONS.items():
        items = data.get(section)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            try:
                kept_entries[section].append(model.model_validate(item))
            except ValidationError as exc:
                entry = _without_invalid(item, exc, model)
                if entry is None:
                    continue
                kept_entries[section].append(entry)
            paths.append((section, index))
    ordered = [p for p in paths if p[0] == "objectives"] + [p for p in paths if p[0] == "indicators"]
    team = team.model_copy(update=kept_entries)
    return team, ordered, _whole_entries_unread(issues, set(paths)), frozenset(str(f) for f in failed)


def _whole_entries_unread(issues: list[Problem], kept: set[tuple]) -> list[Problem]:
    """Each problem's anchor says what was left unread: a field of an entry kept in part
    (("indicators", 3, "target", "value")), or the entry itself when none of it was kept
    (("indicators", 3)). The engine holds back the findings that read it
    (kpoctl.rules.engine.finish)."""
    out = []
    for problem in issues:
        anchor = problem.anchor or ()
        if len(anchor) > 2 and anchor[0] in SECTIONS and anchor[:2] not in kept:
            problem = replace(problem, anchor=anchor[:2])
        out.append(problem)
    return out


def _without_invalid(item: Any, exc: ValidationError, model: type[BaseModel]) -> BaseModel | None:
    """An entry kept without the fields that do not validate (a `due` that is no real date, a
    value that is no number in its actuals, a period out of order): left out whole, as it
    once was, the rules said its KPIs were orphans, that `measures` named nothing, that its
    team had no KPI (KP101, KP004, KP203 on a file with one typo). The engine says nothing
    else about such an entry until it validates (kpoctl.rules.engine.finish). An indicator
    whose actuals do not validate keeps none: its status is "no data", never one judged from
    the actuals left, which might not hold the latest. None when what is left does not
    validate either (its id or level is the problem, say)."""
    places = [error["loc"] for error in exc.errors()]
    if not isinstance(item, dict) or not all(places):
        return None
    fields = {place[0] for place in places}
    try:
        return model.model_validate({key: value for key, value in item.items() if key not in fields})
    except ValidationError:
        return None
