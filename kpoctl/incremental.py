"""`lint` that remembers: after an edit, re-check only what the edit can change.

One signed index per scorecard (`.kpoctl_cache/v1/lint-index`, see kpoctl.cache)
remembers for each file its content key, the team-scoped rules' problems, its
suppression comments and the digest of its links (kpoctl.links); and, across
files, the cross-team rules' problems with the links they were found on.

A run analyses again only the changed files. A file is known unchanged without
being read when its stat stamp (device, inode, size, mtime, ctime) is the one
recorded when it was last hashed, as git's index knows; any other file is read
and hashed, and its content key decides. When no file's links changed, the
cross-team problems are reused, and those in an edited file are placed again by
their anchors. When links did change, the cross-team rules run again over the
whole scorecard, its unchanged files taken from the per-file cache. Every path
ends where `lint --no-cache` ends: the tests compare them edit by edit.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from kpoctl.cache import MISS, Cache
from kpoctl.engine import all_problems, analyse_file, crossteam_problems
from kpoctl.findings import Problem
from kpoctl.links import links_digest
from kpoctl.load import Located, collector_paused, load_located, locate, no_team_files, read_many, read_regular
from kpoctl.model import Settings
from kpoctl.scorecard import Scorecard, SuppressionSite, TeamFile


class FileRecord(NamedTuple):
    """What the index remembers of one candidate file."""

    key: str | None  # content key; None for a file that could not be read as bytes
    is_team_file: bool
    problems: tuple  # (code, Problem) of the team-scoped rules, KP001/KP002 included
    site: SuppressionSite | None
    links: bytes
    stamp: tuple | None = None  # the stat stamp `key` was hashed under, once the file had settled


# A stamp stands for content only once the file has settled. Two writes within one
# timestamp tick (2 s on FAT, a few ms elsewhere) can leave every field of the stamp as
# it was, so a file changed less than this before the run began keeps no stamp and is
# hashed again next time: git's "racily clean" rule.
SETTLE_NS = 3_000_000_000


def stamp_of(info: os.stat_result) -> tuple:
    """What changes whenever a file's bytes do, short of clock tricks: ctime and the inode
    cannot be set back by a program that restores mtime, nor by a checkout that rewrites."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def settled(stamp: tuple | None, run_started_ns: int) -> tuple | None:
    """`stamp` when it may be trusted on later runs, else None."""
    if stamp is None or max(stamp[3], stamp[4]) > run_started_ns - SETTLE_NS:
        return None
    return stamp


class Memo(NamedTuple):
    """The cross-team problems, with the links and content keys they were found on."""

    signature: bytes
    keys: dict[str, str | None]
    problems: list[tuple[str, Problem]]


@dataclass(slots=True)
class LintInput:
    """Everything `finish` needs: every problem of every rule but KP007, and the suppressions."""

    root: Path
    settings: Settings
    files: list[str]  # the team files, relative to root
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    sites: list[SuppressionSite | None] = field(default_factory=list)


def collect(path: Path, *, use_cache: bool = True, jobs: int | None = None) -> LintInput:
    """Every rule's problems over the scorecard at PATH, reusing the last run's where it can."""
    located = locate(path)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    cache = Cache(located.root, located.settings, analysed=True) if use_cache else None
    if cache is None or not cache.enabled:
        return _from_scorecard(load_located(path, located, use_cache=False, jobs=jobs, analyse=analyse_file))
    with collector_paused():
        return _collect_remembering(path, located, cache, jobs)


def _from_scorecard(scorecard: Scorecard) -> LintInput:
    return LintInput(scorecard.root, scorecard.settings, [f.file for f in scorecard.files], all_problems(scorecard),
                     [f.suppression_site() for f in scorecard.files])


def _record(key: str | None, result: TeamFile | None, stamp: tuple | None) -> FileRecord:
    if result is None:
        return FileRecord(key, False, (), None, b"", stamp)
    return FileRecord(key, True, result.local, result.suppression_site(), links_digest(result), stamp)


def _collect_remembering(path: Path, located: Located, cache: Cache, jobs: int) -> LintInput:
    started = time.time_ns()
    index = cache.read_index()
    remembered: dict[str, FileRecord] = index[0] if index else {}
    memo: Memo | None = index[1] if index else None
    settings = located.settings
    records: dict[str, FileRecord] = {}
    fresh: dict[str, TeamFile | None] = {}
    pending: list[tuple[str, str, str | None, tuple | None]] = []
    restamped = False
    for candidate, relative in located.candidates:
        known = remembered.get(relative)
        try:
            # stat before reading: a write after the stat changes the stamp, so the
            # stamp recorded can only be older than the bytes hashed, never newer
            info = os.stat(candidate, follow_symlinks=False)
        except OSError:
            info = None
        current = stamp_of(info) if info is not None else None
        if known is not None and known.stamp is not None and known.stamp == current:
            records[relative] = known  # unchanged since it was hashed: not even read
            cache.used.add(known.key)
            continue
        try:
            content = read_regular(candidate, settings, info) if info is not None else None
        except OSError:
            content = None
        key = cache.key(relative, content) if isinstance(content, bytes) else None
        stamp = settled(current, started) if key is not None else None  # no bytes hashed, nothing to stand for
        if key is not None and known is not None and known.key == key:
            records[relative] = known._replace(stamp=stamp)  # touched, or newly settled: same bytes
            restamped = restamped or stamp != known.stamp
            cache.used.add(key)
        else:
            records[relative] = None  # type: ignore[assignment]  # keeps discovery order
            pending.append((candidate, relative, key, stamp))
    outcomes = read_many([(candidate, relative) for candidate, relative, _, _ in pending], settings, jobs, analyse_file)
    for (_, relative, key, stamp), result in zip(pending, outcomes):
        fresh[relative] = result
        records[relative] = _record(key, result, stamp)
        if key is not None:
            cache.put(key, result)
            cache.used.add(key)
    team_records = [(relative, record) for relative, record in records.items() if record.is_team_file]
    if not team_records:
        raise no_team_files(path)

    signature = hashlib.blake2b(b"".join(record.links for _, record in team_records), digest_size=20).digest()
    keys = {relative: record.key for relative, record in team_records}
    crossteam = _reuse(memo, signature, keys, fresh) if memo is not None else None
    if crossteam is None:
        files = _team_files(located, cache, team_records, fresh, jobs)
        scorecard = Scorecard(located.root, settings, files, located.settings_file)
        crossteam = crossteam_problems(scorecard)
        memo = Memo(signature, keys, crossteam)
    elif pending:
        memo = Memo(signature, keys, crossteam)
    if pending or restamped or remembered.keys() != records.keys() or index is None or memo is not index[1]:
        cache.write_index((records, memo))
    if len(located.candidates) > 1:
        cache.prune()
    problems = [p for _, record in team_records for p in record.problems]
    return LintInput(
        located.root, settings, [relative for relative, _ in team_records], problems + crossteam,
        [record.site for _, record in team_records],
    )


def _reuse(memo: Memo, signature: bytes, keys: dict[str, str | None],
           fresh: dict[str, TeamFile | None]) -> list[tuple[str, Problem]] | None:
    """The remembered cross-team problems, placed again in edited files; None when they
    cannot be reused (some file's links changed, or a problem has no anchor)."""
    if memo.signature != signature:
        return None
    problems = []
    for code, problem in memo.problems:
        file = problem.location.file
        if memo.keys.get(file) == keys.get(file):
            problems.append((code, problem))
            continue
        edited = fresh.get(file)
        if edited is None or problem.anchor is None:
            return None
        problems.append((code, replace(problem, location=edited.location(problem.anchor))))
    return problems


def _team_files(located: Located, cache: Cache, team_records: list[tuple[str, FileRecord]],
                fresh: dict[str, TeamFile | None], jobs: int) -> list[TeamFile]:
    """Every team file, for the cross-team rules: fresh, from the per-file cache, or read again."""
    files: dict[str, TeamFile | None] = {}
    again: list[tuple[Path, str]] = []
    for relative, record in team_records:
        if relative in fresh:
            files[relative] = fresh[relative]
            continue
        hit = cache.get(record.key) if record.key is not None else MISS
        if hit is MISS:
            again.append((located.root / relative, relative))
        else:
            files[relative] = hit
    for (_, relative), result in zip(again, read_many(again, located.settings, jobs, analyse_file)):
        files[relative] = result
    return [files[relative] for relative, _ in team_records if files[relative] is not None]
