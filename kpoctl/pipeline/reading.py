"""The one way in: every command reads a scorecard with `read_scorecard`.

It discovers the files, reads and validates each (in worker processes when there
are many), runs the team-scoped rules on each, then the cross-team rules, with the
cache (kpoctl.read.cache) wherever it can (with no cache to fill, only the rules whose
findings the command shows); and it says what it could not read. lint takes
its problems; count, tree, orphans, report, record and diff take the scorecard too.

The cache remembers, per scorecard, an index: for each file its content key, the
team-scoped rules' problems, its suppression comments and the digest of its links
(kpoctl.model.links); and, across files, the cross-team rules' problems with the links
they were found on. A run reads again only the changed files. A file is known
unchanged without being read when its stat stamp (device, inode, size, mtime,
ctime) is the one recorded when it was last hashed, as git's index knows; any other
file is read and hashed, and its content key decides. When no file's links changed,
the cross-team problems are reused, and those in an edited file are placed again
by their anchors. Every path ends where a read without the cache ends: the tests
compare them edit by edit.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

import orjson

from kpoctl.common.findings import Location, Problem
from kpoctl.graph import load_graph_library
from kpoctl.model import Settings
from kpoctl.model.links import links_digest, links_only
from kpoctl.model.scorecard import Scorecard, SuppressionSite, TeamFile
from kpoctl.read.cache import MISS, Cache, compact_json
from kpoctl.read.load import (
    SCHEMA,
    UNREADABLE,
    Located,
    NoTeamFiles,
    collector_paused,
    in_parallel,
    in_workers,
    locate,
    no_team_files,
    read_many,
    read_many_bytes,
    read_regular,
)
from kpoctl.read.serial import problems_from_json, problems_to_json, site_from_json, site_to_json
from kpoctl.read.settings import invalid_setting
from kpoctl.rules.base import REGISTRY, SCORECARD
from kpoctl.rules.engine import SelectionError, analyse_file, check_selector, scorecard_problems
from kpoctl.rules.suppress import READ_CODES

# A stamp stands for content only once the file has settled. Two writes within one
# timestamp tick (2 s on FAT, a few ms elsewhere) can leave every field of the stamp as
# it was, so a file changed less than this before the run began keeps no stamp and is
# hashed again next time: git's "racily clean" rule.
SETTLE_NS = 3_000_000_000

# Past this many files to read, a terminal gets a progress bar on stderr.
PROGRESS_MIN_FILES = 300


@dataclass(frozen=True, slots=True)
class Unread:
    """A team file (or a folder) that could not be read: its first KP001, or the KP002
    that left it without a team (an invalid `team` id): every view leaves it out. A file
    read in part is told the same way, by its first KP002 (Reading.read_in_part)."""

    file: str
    line: int
    column: int
    message: str
    folder: bool = False
    code: str = UNREADABLE

    @property
    def why(self) -> str:
        return f"{self.code} line {self.line}: {self.message}"

    @classmethod
    def of(cls, code: str, problem: Problem) -> "Unread":
        where = problem.location
        return cls(where.file, where.line, where.column, problem.message, code=code)


def first_invalid(problems: Iterable[tuple[str, Problem]], files: set[str] | None = None) -> dict[str, Unread]:
    """Each file's first KP002 among `problems` (only those of `files`, when given): a team
    file read in part, as what does not validate (an entry, a field) is left out of its model."""
    first: dict[str, Unread] = {}
    for code, problem in problems:
        file = problem.location.file
        if code == SCHEMA and file not in first and (files is None or file in files):
            first[file] = Unread.of(code, problem)
    return first


@dataclass(slots=True)
class Reading:
    """What read_scorecard found: every rule's problems but KP007 (the engine's, see
    engine.finish; only the reader's and those asked for, when read_scorecard was told
    which findings are shown and had no cache), the suppression comments, what could not
    be read and, when asked for, the team files themselves."""

    root: Path
    settings: Settings
    settings_file: Path | None
    files: list[str]  # the team files, relative to root, in path order
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    sites: list[SuppressionSite | None] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    only: str | None = None  # PATH named this one file of the scorecard
    settings_below: tuple[str, ...] = ()  # each kpoctl.yaml below the root, not read
    links_skipped: tuple[str, ...] = ()  # each link to a YAML file or a folder below the root, not followed
    team_files: list[TeamFile] | None = None
    # each readable team file's (team, KPOs, POs, KPIs, PIs, context), by relative path in path order
    levels: dict[str, tuple] = field(default_factory=dict)
    keys: dict[str, str | None] = field(default_factory=dict)  # each readable team file's content key
    cache: Cache | None = None
    # (relative paths, actuals, compute) -> each file's part, worked out where the file is taken
    parts: Callable[[list[str], bool, Derive], dict[str, object]] | None = None
    derive: dict[str, Derive] = field(default_factory=dict)  # the parts asked for at read time, by kind
    fresh_parts: dict[str, dict] = field(default_factory=dict)  # parts worked out where files were read (pack_part)

    def scorecard(self) -> Scorecard:
        if self.team_files is None:
            raise ValueError("read_scorecard(..., need_model=True) keeps the team files")
        return Scorecard(self.root, self.settings, self.team_files, self.settings_file)

    def read_in_part(self) -> list[Unread]:
        """The team files read with their team but without what in them does not validate,
        each as its first KP002: every view's answer leaves that out (a file left out whole,
        unread or repeated, is not named again)."""
        left_out = {u.file for u in self.unread} | set(self.repeated())
        return list(first_invalid(self.problems, set(self.files) - left_out).values())

    def repeated(self) -> dict[str, str]:
        """Each team file whose team an earlier file declares (KP003) -> that first file: the
        graph, and so every view, keeps only a team's first file."""
        return {file: files[0] for files in self.declared().values() for file in files[1:]}

    def declared(self) -> dict[str, list[str]]:
        """Each team id with the readable files that declare it, in path order (from each
        file's levels, as `count` reads them: no model)."""
        teams: dict[str, list[str]] = {}
        for relative, levels in self.levels.items():
            teams.setdefault(levels[0], []).append(relative)
        return teams

    def derived(self, kind: str, *, actuals: bool = True) -> dict[str, object]:
        """Each readable team file's part of `kind` (its `derive` function, given to
        read_scorecard), by relative path in path order.

        What a file gives depends on its content alone, so the cache keeps it by the file's
        content key (which holds kpoctl's code, the settings and the date): a warm run
        computes it only for the files that changed and loads no other model. The function
        returns plain JSON values. `actuals=False`: it never reads them. Each kind is asked
        for once: a part worked out while reading is handed over, not kept (a second call
        works it out again)."""
        compute = self.derive[kind]
        stored = self.cache.read_derived(kind) if self.cache is not None else {}
        found: dict[str, object] = {}
        missing = []
        for relative, key in self.keys.items():
            if key is not None and key in stored:
                found[relative] = stored[key]
            elif kind in self.fresh_parts.get(relative, ()):  # dropped as decoded: never held twice
                found[relative] = unpack_part(self.fresh_parts[relative].pop(kind))
            else:
                missing.append(relative)
        if missing:
            assert self.parts is not None
            found.update(self.parts(missing, actuals, compute))
        # only this scorecard's files as they are now: what an edit replaced is dropped
        kept = {self.keys[r]: value for r, value in found.items() if self.keys[r] is not None}
        if self.cache is not None and kept.keys() != stored.keys():
            self.cache.write_derived(kind, kept)
        return {relative: found[relative] for relative in self.keys if relative in found}


class FileRecord(NamedTuple):
    """What the index remembers of one candidate file."""

    key: str | None  # content key; None for a file that could not be read as bytes
    is_team_file: bool
    problems: tuple  # (code, Problem) of the team-scoped rules, KP001/KP002 included
    site: SuppressionSite | None
    links: bytes
    stamp: tuple | None = None  # the stat stamp `key` was hashed under, once the file had settled
    unread: Unread | None = None  # set when the file claims to be a team file but could not be read
    levels: tuple | None = None  # (team, KPOs, POs, KPIs, PIs, context indicators): what `count` shows of it

    def to_json(self) -> list:
        unread = [self.unread.line, self.unread.column, self.unread.message, self.unread.code] if self.unread else None
        return [self.key, self.is_team_file, problems_to_json(self.problems), site_to_json(self.site),
                self.links.hex(), list(self.stamp) if self.stamp else None, unread,
                list(self.levels) if self.levels else None]

    @classmethod
    def from_json(cls, relative: str, value: list) -> "FileRecord":
        key, is_team, problems, site, links, stamp, unread, levels = value
        if levels is not None and not (len(levels) == 6 and isinstance(levels[0], str)
                                       and all(type(n) is int for n in levels[1:])):
            raise ValueError("levels")
        return cls(key, bool(is_team), problems_from_json(problems), site_from_json(site), bytes.fromhex(links),
                   tuple(stamp) if stamp else None, _unread_from_json(relative, unread) if unread else None,
                   tuple(levels) if levels else None)


def _unread_from_json(relative: str, value: list) -> Unread:
    line, column, message, code = value
    return Unread(relative, line, column, message, code=code)


class Memo(NamedTuple):
    """The cross-team problems, with the links and content keys they were found on."""

    signature: bytes
    keys: dict[str, str | None]
    problems: list[tuple[str, Problem]]


Progress = Callable[[int], Callable[[], None]]  # told how many files will be read, returns "one more done"
Derive = Callable[[TeamFile, Settings], object]  # a view's part of one file (kpoctl.output.views.parts)


def pack_part(value: object) -> bytes:
    """A view's part of one file as the main process holds it until the view asks: JSON,
    compressed (about a seventh of the JSON; export's CSV lines of 10,000 teams were
    110 MB as plain JSON, held beside everything else read)."""
    return zlib.compress(compact_json(value), 1)


def unpack_part(packed: bytes) -> object:
    return orjson.loads(zlib.decompress(packed))


def stamp_of(info: os.stat_result) -> tuple:
    """What changes whenever a file's bytes do, short of clock tricks: ctime and the inode
    cannot be set back by a program that restores mtime, nor by a checkout that rewrites."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def settled(stamp: tuple | None, run_started_ns: int) -> tuple | None:
    """`stamp` when it may be trusted on later runs, else None."""
    if stamp is None or max(stamp[3], stamp[4]) > run_started_ns - SETTLE_NS:
        return None
    return stamp


def read_scorecard(path: Path, *, use_cache: bool = True, need_model: bool = False, actuals: bool = True,
                   jobs: int | None = None, progress: Progress | None = None, one_shot: bool = False,
                   derive: tuple[tuple[str, Derive], ...] = (), findings: Iterable[str] | None = None) -> Reading:
    """Read the scorecard at PATH (a folder, or one file of a scorecard) and run every rule.

    `need_model`: keep the team files (else the main process never holds more of a file
    than its links, kpoctl.model.links.links_only). `derive`: (kind, compute) of the
    parts a view will ask Reading.derived for, worked out where each file is read.
    `actuals=False`: files taken from the cache may come without their actuals (most of
    their bulk), for views that never read them. Raises UsageError (no such path, no team
    file) and SettingsError. `one_shot`: the caller exits soon after and keeps what was
    read (the CLI): the garbage collector is left off. `findings`: the codes of the only
    findings the caller shows (None: any rule's). With no cache to fill (whose entries hold
    every rule's), only those rules run, with the reader's own (KP001, KP002: what is left
    out or read in part), and `problems` holds nothing else."""
    located = locate_checked(path)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    cache = Cache(located.root, located.settings) if use_cache else None
    if cache is not None and not cache.enabled:
        cache = None
    codes = None if findings is None or cache is not None else frozenset(READ_CODES).union(findings)
    with collector_paused(restore=not one_shot):
        return _read(path, located, cache, jobs, need_model, actuals, progress, derive, codes)


def locate_checked(path: Path) -> Located:
    """`locate`, and the rule codes kpoctl.yaml names checked: one that names no rule is an
    invalid setting (exit 2), said at its line and column, as the other invalid settings are."""
    located = locate(path)
    rules = located.settings.rules
    for section, selectors in (("select", rules.select), ("ignore", rules.ignore), ("severity", list(rules.severity))):
        for index, selector in enumerate(selectors):
            try:
                check_selector(selector, exact=section == "severity")
            except SelectionError as exc:
                if located.settings_file is None:  # pragma: no cover - the defaults name real rules
                    raise
                where = ("rules", section, selector if section == "severity" else index)
                raise invalid_setting(located.settings_file, where, f"rules.{section}: {exc}",
                                      key=section == "severity") from None
    return located


def _index_of(cache: Cache | None) -> tuple[dict[str, list], Memo | None]:
    """The remembered records (as stored, decoded on use) and memo; empty when unusable."""
    stored = cache.read_index() if cache is not None else None
    if stored is None:
        return {}, None
    try:
        records = stored["records"]
        signature, keys, problems = stored["memo"]
        memo = Memo(bytes.fromhex(signature), keys, list(problems_from_json(problems)))
        if isinstance(records, dict) and isinstance(keys, dict):
            return records, memo
    except (KeyError, TypeError, ValueError):
        pass
    return {}, None


def _record(key: str | None, result: TeamFile | None, stamp: tuple | None, remembered: bool) -> FileRecord:
    """What the index keeps of a file just read. `remembered`: there is a cache to keep it
    in; without one the links' digest (which only tells a later run what it may reuse)
    is not worked out."""
    if result is None:
        return FileRecord(key, False, (), None, b"", stamp)
    return FileRecord(key, True, result.team_problems, result.suppression_site(),
                      links_digest(result) if remembered else b"", stamp, _first_unread(result), _levels(result))


def _first_unread(result: TeamFile) -> Unread | None:
    """A team file read without a team, as its first KP001 tells it (it does not parse), or
    else its first KP002 (it parses, but its `team` is not a valid id)."""
    if result.team is None:
        unread = next((Unread.of(code, problem) for code, problem in result.problems if code == UNREADABLE), None)
        return unread if unread is not None else first_invalid(result.problems).get(result.file)
    return None


LEVELS = ("KPO", "PO", "KPI", "PI", "context")


def _levels(result: TeamFile) -> tuple | None:
    """How many entries of each level the team has, a repeated id counted once (as the graph
    keeps the first): `count` answers from these without building any model."""
    if result.team is None:
        return None
    seen: dict[str, str] = {}
    for entry in [*result.team.objectives, *result.team.indicators]:
        seen.setdefault(entry.id, entry.level)
    levels = list(seen.values())
    return (result.team.team, *(levels.count(level) for level in LEVELS))


@dataclass(frozen=True)
class Prepare:
    """What is done with each team file where it is read (a worker process, when there are
    many), so that the main process receives only what it keeps: the team-scoped rules
    run, the file's cache entry written, the views' parts worked out and, unless the
    command needs the model, the model cut down to its links. Sending whole models back
    cost a tenth of a cold lint in pickling and most of its memory."""

    cache: Cache | None
    keys: dict[str, str | None]  # each file's content key, for its cache entry
    derive: tuple[tuple[str, Derive], ...] = ()
    keep_model: bool = True
    codes: frozenset[str] | None = None  # the team-scoped rules to run (None: all)

    def __call__(self, team_file: TeamFile, settings: Settings, today) -> TeamFile:
        result = analyse_file(team_file, settings, today, self.codes)
        key = self.keys.get(result.file)
        if self.cache is not None and key is not None:
            self.cache.put(key, result)
        if result.team is None:
            return result
        if self.derive:  # packed (pack_part): a small fraction of the memory of the values until a view takes them
            result.parts = {kind: pack_part(compute(result, settings)) for kind, compute in self.derive}
        return result if self.keep_model else links_only(result)


def _read(path: Path, located: Located, cache: Cache | None, jobs: int, need_model: bool, actuals: bool,
          progress: Progress | None, derive: tuple = (), codes: frozenset[str] | None = None) -> Reading:
    # only the rules of `codes`, when given (read_scorecard: no cache to fill)
    across_wanted = codes is None or any(REGISTRY[code].scope == SCORECARD for code in codes)
    started = time.time_ns()
    stored, memo = _index_of(cache)
    settings = located.settings
    records: dict[str, FileRecord] = {}
    fresh: dict[str, TeamFile | None] = {}
    pending: list[tuple[str, str, str | None, tuple | None]] = []
    changed = cache is not None and not stored
    for candidate, relative in located.candidates:
        known = _known(stored.get(relative), relative)
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
        content = None
        if cache is not None and info is not None:
            try:
                content = read_regular(candidate, settings, info)
            except OSError:
                content = None
        key = cache.key(relative, content) if isinstance(content, bytes) else None
        stamp = settled(current, started) if key is not None else None  # no bytes hashed, nothing to stand for
        if key is not None and known is not None and known.key == key:
            records[relative] = known._replace(stamp=stamp)  # touched, or newly settled: same bytes
            changed = changed or stamp != known.stamp
            cache.used.add(key)
        else:
            records[relative] = None  # type: ignore[assignment]  # keeps discovery order
            pending.append((candidate, relative, key, stamp))
    done = progress(len(pending)) if progress is not None and len(pending) >= PROGRESS_MIN_FILES else None
    # only team files get a cache entry (Prepare writes it): other YAML costs no disk
    prepare = Prepare(cache, {relative: key for _, relative, key, _ in pending}, derive, need_model, codes)
    outcomes = read_many([(candidate, relative) for candidate, relative, _, _ in pending], settings, jobs, prepare)
    # with nothing remembered the cross-team rules will run: load their graph library
    # while the workers read the first files, rather than after the last
    overlap = across_wanted and memo is None and in_parallel(len(pending), jobs)
    for (_, relative, key, stamp), result in zip(pending, outcomes):
        if overlap:
            load_graph_library()
            overlap = False
        fresh[relative] = result
        records[relative] = _record(key, result, stamp, cache is not None)
        if key is not None and result is not None and cache is not None:
            cache.used.add(key)
        if done is not None:
            done()
    team_records = _team_records(records, located, path)

    signature = hashlib.blake2b(b"".join(record.links for _, record in team_records), digest_size=20).digest()
    keys = {relative: record.key for relative, record in team_records}
    across = _reuse(memo, signature, keys, fresh) if memo is not None else None
    files: list[TeamFile] | None = None
    if across is None and not across_wanted:
        across = []  # none of the findings asked for is a cross-team rule's
    if across is None or need_model:  # the cross-team rules read links only: a links-only file serves them
        files = list(_team_files(located, cache, team_records, fresh, jobs, actuals=need_model and actuals).values())
    if across is None:
        across = scorecard_problems(Scorecard(located.root, settings, files, located.settings_file), codes=codes)
    if memo is None or across is not memo.problems or pending:
        memo, changed = Memo(signature, keys, across), True
    if cache is not None:
        if changed or stored.keys() != records.keys():
            cache.write_index({
                "records": {relative: record.to_json() for relative, record in records.items()},
                "memo": [memo.signature.hex(), memo.keys, problems_to_json(memo.problems)],
            })
        if len(located.candidates) > 1:
            cache.prune()
    folders = [(name, is_folder, Problem(why, Location(name, 1, 1))) for name, why, is_folder in located.unreadable]
    problems = [p for _, record in team_records for p in record.problems]
    return Reading(
        root=located.root,
        settings=settings,
        settings_file=located.settings_file,
        files=[relative for relative, _ in team_records],
        problems=problems + across + [(UNREADABLE, problem) for _, _, problem in folders],
        sites=[record.site for _, record in team_records],
        unread=[record.unread for _, record in team_records if record.unread is not None]
        + [Unread(name, 1, 1, problem.message, folder=is_folder) for name, is_folder, problem in folders],
        only=located.only,
        settings_below=located.settings_below,
        links_skipped=located.links_skipped,
        team_files=files if need_model else None,
        levels={relative: record.levels for relative, record in team_records if record.levels is not None},
        keys={relative: record.key for relative, record in team_records if record.levels is not None},
        cache=cache,
        # a links-only file is taken again for a whole model: the closure keeps none of them alive
        parts=functools.partial(_parts_again, located, cache, records, jobs,
                                {r: f for r, f in fresh.items() if f is None or not f.links_only}),
        derive=dict(derive),
        fresh_parts={relative: f.parts for relative, f in fresh.items() if f is not None and f.parts},
    )


def _team_records(records: dict[str, FileRecord], located: Located, path: Path) -> list[tuple[str, FileRecord]]:
    """The team files among the files read. None at all, or one file named as PATH that is
    not one, is a usage error: else lint says "all checks passed" of a file no check ran on."""
    team_records = [(relative, record) for relative, record in records.items() if record.is_team_file]
    if not team_records:
        raise no_team_files(path)
    if located.only is not None and not records[located.only].is_team_file:
        raise NoTeamFiles(f"{path} is not a team file (a team file is YAML with a top-level 'team:' key)")
    return team_records


def _parts_again(located: Located, cache: Cache | None, records: dict[str, FileRecord], jobs: int,
                 fresh: dict[str, TeamFile | None], relatives: list[str], actuals: bool,
                 compute: Derive) -> dict[str, object]:
    """Each of `relatives`' part by `compute` (None for a file without a team), a file that
    is no longer a readable team file left out: from this run's whole model, else worked
    out where the file is taken from the cache or read again, in worker processes when
    there are many. Only the parts come back: taking every model into this process first
    held them all at once, 0.9 GB for a report at 10,000 teams after a lint had filled
    the cache (each view's parts were not in it yet)."""
    settings = located.settings
    parts: dict[str, object] = {}
    paths = {relative: candidate for candidate, relative in located.candidates}
    todo = []
    for relative in relatives:
        if relative not in fresh:
            todo.append((paths[relative], relative, records[relative].key))
        elif fresh[relative] is not None:
            parts[relative] = _part_of(fresh[relative], settings, compute)
    take = TakePart(cache, settings, compute, actuals)
    for (_, relative, _), (readable, part) in zip(todo, in_workers(_worker_take_part, todo, jobs, serial=take,
                                                                   initializer=_init_take_part, initargs=(take,))):
        if readable:
            parts[relative] = part
    return parts


def _cached(cache: Cache | None, key: str | None, relative: str, actuals: bool) -> TeamFile | object:
    """The team file `relative` as the cache holds it under its content `key`, else MISS
    (no cache, no key, no entry, or an entry written for a file at another path)."""
    hit = cache.get(key, actuals=actuals) if cache is not None and key is not None else MISS
    return MISS if hit is MISS or hit.file != relative else hit


def _part_of(team_file: TeamFile, settings: Settings, compute: Derive) -> object:
    return compute(team_file, settings) if team_file.team is not None else None


@dataclass(frozen=True)
class TakePart:
    """One file's part where it is taken: its cache entry, else the file read again (and
    its entry written, as a first read writes it). (False, None) when the file is no
    longer a team file that can be read."""

    cache: Cache | None
    settings: Settings
    compute: Derive
    actuals: bool

    def __call__(self, job: tuple[str, str, str | None]) -> tuple[bool, object]:
        candidate, relative, key = job
        hit = _cached(self.cache, key, relative, self.actuals)
        if hit is MISS:
            hit = next(read_many([(candidate, relative)], self.settings, 1, Prepare(self.cache, {relative: key})))
        return (False, None) if hit is None else (True, _part_of(hit, self.settings, self.compute))


_worker_take: TakePart | None = None


def _init_take_part(take: TakePart) -> None:
    global _worker_take
    _worker_take = take


def _worker_take_part(job: tuple[str, str, str | None]) -> tuple[bool, object]:
    assert _worker_take is not None
    return _worker_take(job)


def _known(stored: list | None, relative: str) -> FileRecord | None:
    if stored is None:
        return None
    try:
        return FileRecord.from_json(relative, stored)
    except (TypeError, ValueError):
        return None  # not what this version writes: the file is read again


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
    return problems if memo.keys != keys else memo.problems  # the memo itself: nothing to remember anew


def _team_files(located: Located, cache: Cache | None, team_records: list[tuple[str, FileRecord]],
                fresh: dict[str, TeamFile | None], jobs: int, *, actuals: bool) -> dict[str, TeamFile]:
    """Every team file: fresh, from the per-file cache (with its actuals if asked), or read
    again. `fresh` holds only what the caller may use as it is: files read this run, whole
    where the model is needed (a links-only file is left out of it to be taken again)."""
    files: dict[str, TeamFile | None] = {}
    again: list[tuple[str, str]] = []
    paths = dict((relative, candidate) for candidate, relative in located.candidates)
    for relative, record in team_records:
        if relative in fresh:
            files[relative] = fresh[relative]
            continue
        hit = _cached(cache, record.key, relative, actuals)
        if hit is MISS:
            again.append((paths[relative], relative))
        else:
            files[relative] = hit
    keys = {relative: record.key for relative, record in team_records}
    prepare = Prepare(cache, keys)
    for (_, relative), result in zip(again, read_many(again, located.settings, jobs, prepare)):
        files[relative] = result
    return {relative: files[relative] for relative, _ in team_records if files[relative] is not None}


def read_blobs(root: Path, settings: Settings, blobs: Iterable[tuple[str, bytes]], kind: str,
               compute: Derive, *, known: dict[str, object] | None = None,
               jobs: int | None = None) -> tuple[dict[str, object], list[Unread]]:
    """Each team file's part of `kind` among `blobs` ((path relative to the scorecard at
    `root`, bytes): files that are not on disk, such as a git revision's, for diff), and
    the team files that could not be read.

    Read as the read path reads a file on disk, through the same cache and under the
    same content keys: a blob whose bytes a file of the working tree had when a view last
    asked for `kind`, or that an earlier call read, costs its hash and no parse. The part
    of a blob read here is kept beside the working tree's parts (`<kind>revisions`, which
    is kept from growing past a few revisions' worth); no per-file entry is written for
    it, as nothing would read one. `known`: the working tree's parts by content key when
    the caller has them (else read from the cache). Blobs are taken one at a time and
    only the ones read are kept."""
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    cache = Cache(root, settings)
    cache = cache if cache.enabled else None
    current = known if known is not None else cache.read_derived(kind) if cache is not None else {}
    earlier = cache.read_derived(kind + "revisions") if cache is not None else {}
    keys: dict[str, str | None] = {}
    found: dict[str, object] = {}
    used: dict[str, object] = {}
    pending: list[tuple[bytes, str]] = []
    for relative, raw in blobs:
        key = keys[relative] = cache.key(relative, raw) if cache is not None else None
        if key is not None and current.get(key) is not None:
            found[relative] = current[key]
        elif key is not None and earlier.get(key) is not None:
            found[relative] = used[key] = earlier[key]
        else:
            found[relative] = None  # keeps the blobs' order
            pending.append((raw, relative))
    unread: list[Unread] = []
    fresh: dict[str, object] = {}
    with collector_paused():
        # no rule: no finding is shown of a revision, and no entry written that would keep one
        prepare = Prepare(None, keys, ((kind, compute),), keep_model=False, codes=frozenset())
        for (_, relative), result in zip(pending, read_many_bytes(pending, settings, jobs, prepare)):
            if result is not None and result.team is not None:
                found[relative] = unpack_part(result.parts[kind])
                if keys[relative] is not None:
                    fresh[keys[relative]] = found[relative]
            elif result is not None and (first := _first_unread(result)) is not None:
                unread.append(first)
    if cache is not None and fresh:
        kept = {**earlier, **fresh}
        cache.write_derived(kind + "revisions", kept if len(kept) <= 2 * len(keys) + 100 else {**used, **fresh})
    return {relative: part for relative, part in found.items() if part is not None}, unread
