"""A team file's links: everything about it that a cross-team rule may read.

Cross-team rules (scope SCORECARD) look at how files connect: team names and
parents, entry ids, kinds and levels, `cascades_from`, `supports`, `measures`, `shared_with`,
and the few facts compared across teams (units, perspectives, timing). An edit
that leaves a file's links as they were (a title, a target, an actual, a
comment) cannot change what those rules find, except where their findings sit
in that file. That is what lets `lint` skip the cross-team rules after such an
edit. The contract is checked by a test that hides every other field from the
cross-team rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from kpoctl.model.scorecard import TeamFile, unread_part

# What cross-team rules may read of an objective or indicator (and of its team:
# `team`, `parent`, and whether `parent` was given but invalid).
ENTRY_LINK_FIELDS = ("id", "level", "cascades_from", "supports", "measures", "shared_with", "unit", "perspective",
                     "timing")
TEAM_LINK_FIELDS = ("team", "parent")


def links_of(team_file: TeamFile) -> tuple:
    """The file's links as plain, comparable values (entries in document order)."""
    team = team_file.team
    if team is None:
        return (team_file.file, None)
    entries = []
    first_path: dict[str, tuple] = {}
    repeated: list[tuple[str, int]] = []
    for entry, path in team_file.entries():
        fields = entry.__dict__  # the validated values (getattr on a model costs several times more)
        # ids, levels and words, and lists of ids (`supports`, `shared_with`): plain already
        values = tuple(fields[name] if there else None for name, there in _present(entry.__class__))
        entries.append((path, type(entry).__name__, values))
        if entry.id in first_path:
            # KP003 names the line of the first use of a repeated id in its message
            repeated.append((entry.id, team_file.location(first_path[entry.id]).line))
        else:
            first_path[entry.id] = path
    return (
        team_file.file,
        team.team,
        team.parent,
        "parent" in team_file.invalid_fields,
        tuple(entries),
        tuple(repeated),
        # where a KP002 left an entry's field unread: a link left unread is None in the model,
        # as one not given, but the rules that cross it wait (CascadeGraph.past_unread_links)
        tuple(filter(None, (unread_part(code, p) for code, p in team_file.problems))),
    )


_PRESENT: dict[type, tuple] = {}


def _present(kind: type) -> tuple:
    """(field, whether `kind` has it) for each link field: a field an Objective has not
    (`measures`) is None without asking pydantic, whose miss raises and catches an error."""
    if kind not in _PRESENT:
        _PRESENT[kind] = tuple((name, name in kind.model_fields) for name in ENTRY_LINK_FIELDS)
    return _PRESENT[kind]


def links_digest(team_file: TeamFile) -> bytes:
    return hashlib.blake2b(repr(links_of(team_file)).encode(), digest_size=16).digest()


def links_only(team_file: TeamFile) -> TeamFile:
    """The file as the cross-team rules see it: the team's and each entry's link fields
    (and the ids and levels `count` reads), its positions, suppressions and problems; no
    text, no target, no actual. Worker processes send this to a command that needs no
    model: a third of the memory of the whole file.

    Each entry stays an Objective or an Indicator (rules ask isinstance) holding only
    the fields named here; reading any other raises AttributeError, which the test of
    the links contract (tests/test_reading.py) would have caught first."""
    team = team_file.team
    if team is None:
        return team_file
    slim_team = _with_only(team, {name: getattr(team, name) for name in (*TEAM_LINK_FIELDS, "name")})
    object.__getattribute__(slim_team, "__dict__").update(
        objectives=[_links_of_entry(o) for o in team.objectives],
        indicators=[_links_of_entry(i) for i in team.indicators])
    return replace(team_file, team=slim_team, links_only=True)


def _links_of_entry(entry):
    return _with_only(entry, {name: getattr(entry, name) for name, there in _present(entry.__class__) if there})


_NOTHING_SET = frozenset()  # one for all: a set per entry was a third of a links-only file's memory


def _with_only(model, values: dict):
    """A model of `model`'s class whose fields are `values` alone (no validation: they were)."""
    slim = type(model).__new__(type(model))
    object.__setattr__(slim, "__dict__", values)
    object.__setattr__(slim, "__pydantic_fields_set__", _NOTHING_SET)
    object.__setattr__(slim, "__pydantic_extra__", None)
    object.__setattr__(slim, "__pydantic_private__", None)
    return slim
