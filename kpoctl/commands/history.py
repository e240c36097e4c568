"""`kpoctl history` and `lint --history`: the KP5xx check over git, and one indicator's past.

The walk itself is kpoctl.pipeline.history; here: which commits the user asked
for, what PATH and TEAM/ID mean, and what is said on stderr about what the walk
could not see (a shallow clone, file versions that did not parse).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from kpoctl.common.errors import UsageError
from kpoctl.common.findings import Problem
from kpoctl.common.textsafe import plain
from kpoctl.graph import CascadeGraph
from kpoctl.model import REF_PATTERN
from kpoctl.model.scorecard import Scorecard
from kpoctl.pipeline.history import Walked, check_history, history_codes, place
from kpoctl.pipeline.reading import locate_checked
from kpoctl.read.gitrevs import History, HistoryError, Window
from kpoctl.read.load import Located, holds_team_file, read_team_file

TEAM_SLASH_ID = re.compile(REF_PATTERN)  # what names an indicator: as the model spells a reference


def window_of(since: str | None, last: int | None, base: str | None) -> Window:
    """The commits asked for; `since` is a date (YYYY-MM-DD), never guessed from a revision name."""
    day = None
    if since is not None:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"--since takes a date (YYYY-MM-DD), not {since!r}; for the commits since a "
                             "revision use --base REV") from None
    return Window(last=last, since=day, base=base)


def split_target(args: list[str]) -> tuple[tuple[str, str] | None, Path]:
    """`[TEAM/ID] [PATH]`: a lone argument is PATH when it exists and TEAM/ID when it does not;
    one that could be either is refused rather than guessed."""
    if len(args) > 2:
        raise UsageError("usage: kpoctl history [TEAM/ID] [PATH]")
    if len(args) == 2:
        if not TEAM_SLASH_ID.match(args[0]):
            raise UsageError(f"{args[0]!r} is not TEAM/ID (e.g. unit-1/otif-rate)")
        team, indicator = args[0].split("/")
        return (team, indicator), Path(args[1])
    if not args:
        return None, Path(".")
    arg = args[0]
    exists = Path(arg).exists()
    if exists and TEAM_SLASH_ID.match(arg):
        raise UsageError(f"{arg!r} is both a path and a TEAM/ID: write {arg + '/'!r} for the folder, "
                         f"or `kpoctl history {arg} .` for the indicator")
    if exists:
        return None, Path(arg)
    if TEAM_SLASH_ID.match(arg):
        team, indicator = arg.split("/")
        return (team, indicator), Path(".")
    raise UsageError(f"path does not exist: {arg} (nor is it TEAM/ID)")


def history_problems(reading, codes: frozenset[str], window: Window) -> list[tuple[str, Problem]]:
    """`lint --history`: the selected KP5xx problems over the window, placed in the scorecard
    lint has read; what the walk could not see is said on stderr."""
    wanted = codes & history_codes()
    if not wanted:
        return []
    walked = git_read(check_history, reading.root, reading.settings, window, wanted)
    say_walked(walked)
    return place(walked.problems, CascadeGraph(reading.scorecard()))


def git_read(walk, *args):
    """A walk over the history; a repository libgit2 cannot read (a corrupt object, a broken
    reference) is one clear line, not an internal error."""
    import pygit2

    try:
        return walk(*args)
    except pygit2.GitError as exc:
        raise HistoryError(f"cannot read the git history: {exc}") from None


@dataclass
class Checked:
    """`kpoctl history PATH`: the problems placed in today's files, the suppression sites of
    the files they name, and the files at HEAD (what the summary counts)."""

    located: Located
    problems: list[tuple[str, Problem]]
    sites: list
    files: tuple[str, ...]


def check(path: Path, window: Window) -> Checked:
    """The KP5xx check of PATH. Only the files that findings name are read from the work
    tree (to place them on today's lines and apply their suppression comments): at 10,000
    teams, reading every file would cost more than the whole walk."""
    located = locate_checked(path)
    walked = git_read(check_history, located.root, located.settings, window)
    say_walked(walked)
    named = {walked.team_files[p.team] for _, p in walked.problems if p.team in walked.team_files}
    scorecard = today(located, named)
    return Checked(located, place(walked.problems, CascadeGraph(scorecard)),
                   [f.suppression_site() for f in scorecard.files], git_read(team_files_at_head, located))


def team_files_at_head(located: Located) -> tuple[str, ...]:
    """The team files at HEAD, as lint would count them in the work tree: a CI file or raw
    data beside them is YAML but no team file (each blob is looked at: 0.2 s at 10,000 teams)."""
    history = History(located.root)
    return tuple(relative for relative, blob in history.head_files()
                 if holds_team_file(history.blob(blob), relative, located.settings))


def today(located: Located, relatives: set[str]) -> Scorecard:
    """The named team files as they are in the work tree now (one that is gone is left out:
    its findings stay where their commit had them)."""
    files = []
    for relative in sorted(relatives):
        path = located.root / relative
        if os.path.lexists(path):
            team_file = read_team_file(path, relative, located.settings)
            if team_file is not None and team_file.team is not None:
                files.append(team_file)
    return Scorecard(located.root, located.settings, files, located.settings_file)


def say_walked(walked: Walked) -> None:
    """One line on stderr about the commits read, and one per thing the walk could not see."""
    if walked.commits == 0:
        sys.stderr.write("kpoctl: history: no commit in the window: nothing was checked\n")
    else:
        span = f"{walked.first.short}..{walked.last.short}" if walked.commits > 1 else walked.last.short
        sys.stderr.write(f"kpoctl: history: {walked.commits} commit{'s' if walked.commits != 1 else ''} "
                         f"checked ({span})\n")
    if walked.shallow:
        sys.stderr.write("kpoctl: history: this is a shallow clone, so commits before its cut-off were not "
                         "checked; fetch the whole history (actions/checkout: fetch-depth: 0)\n")
    if walked.skipped:
        shown = ", ".join(f"{plain(s.relative)} in {s.revision.short} ({plain(s.why)})" for s in walked.skipped[:3])
        more = f" and {len(walked.skipped) - 3} more" if len(walked.skipped) > 3 else ""
        sys.stderr.write(f"kpoctl: history: {len(walked.skipped)} file version"
                         f"{'s' if len(walked.skipped) != 1 else ''} could not be read and {'were' if len(walked.skipped) != 1 else 'was'} "
                         f"not compared (the team's last readable version was kept): {shown}{more}\n")
