"""PATH -> Scorecard: discover team files, read each safely, validate it.

Reading follows FORMAT.md "Reading files": links are not followed, hidden
folders are skipped, only regular files are read, and a file that cannot be
read, decoded or parsed is a KP001 problem of that file while the others are
still checked.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterator

from kpoctl.common.errors import UsageError
from kpoctl.common.findings import Location, Problem
from kpoctl.common.textsafe import plain
from kpoctl.model import Settings
from kpoctl.model.scorecard import (
    KEY_LEVELS,
    SCHEMA_CODE,
    VALUE_LEVELS,
    Scorecard,
    TeamFile,
    compact_positions,
    find_suppressions,
)
from kpoctl.read.settings import SETTINGS_FILE, find_settings, load_settings
from kpoctl.read.validate import validate_team
from kpoctl.read.yamlread import (
    TEAM_FILE_KEYS,
    TEAM_LINE_PATTERN,
    Depths,
    YamlError,
    decode,
    looks_like_team_file,
    parse,
)

YAML_SUFFIXES = (".yaml", ".yml")
UNREADABLE, SCHEMA = "KP001", SCHEMA_CODE  # what reading finds itself; the rules of these codes pass it on


def is_yaml_name(name: str) -> bool:
    """Whether a file's name says YAML: .yaml or .yml in any case (.YAML from a system that
    ignores case is YAML too, as pre-commit's identify has it)."""
    return name.lower().endswith(YAML_SUFFIXES)


class NoTeamFiles(UsageError):
    """PATH holds no team file at all (exit 2 by CLI.md)."""


def discover(root: Path, unreadable: list[tuple[str, str, bool]] | None = None,
             settings_below: list[str] | None = None, links: list[str] | None = None) -> list[tuple[str, str]]:
    """Candidate YAML files below `root` as (path, path relative to root with forward
    slashes), without following links or entering hidden folders.

    In path order (component by component): each folder's entries are sorted by name as
    the walk meets them, on strings, so ten thousand files cost no Path objects. What
    cannot be checked is added to `unreadable` as (relative name, why, is a folder): a
    folder that cannot be listed, a file or folder whose name is not UTF-8 (no report
    could name it; the name is given with its bytes escaped), and an entry whose type the
    system would not tell. The caller must say so
    rather than answer as if they were not there. A kpoctl.yaml below root, which is not
    read, is added to `settings_below`; a link named like a YAML file, or to a folder, which
    is not followed, to `links` (a folder's name ends with "/")."""
    found: list[tuple[str, str]] = []
    walking = [(_entries_by_name(str(root), "", unreadable), "")]  # a stack: folders may nest deeply
    while walking:
        entries, prefix = walking[-1]
        entry = next(entries, None)
        if entry is None:
            walking.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_symlink():
                if links is not None:  # a name that is not UTF-8 is said with its bytes escaped
                    try:
                        to_folder = entry.is_dir()  # the link's target's type only: nothing below it is read
                    except OSError:  # a loop of links, a target out of sight: a link not followed all the same
                        to_folder = False
                    if to_folder:
                        links.append(plain(f"{prefix}{entry.name}/"))
                    elif is_yaml_name(entry.name):
                        links.append(plain(f"{prefix}{entry.name}"))
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not (is_yaml_name(entry.name) and entry.name != SETTINGS_FILE):
                if entry.name == SETTINGS_FILE and prefix and settings_below is not None:
                    settings_below.append(f"{prefix}{entry.name}")
                continue
            relative = f"{prefix}{entry.name}"
            if not _utf8(entry.name):
                if unreadable is not None:
                    what = "folder" if is_dir else "file"
                    unreadable.append((plain(relative), f"{what} name is not UTF-8, so no report can name it: rename it"
                                                        + (" (its files were not checked)" if is_dir else ""), is_dir))
            elif is_dir:
                walking.append((_entries_by_name(entry.path, relative, unreadable), relative + "/"))
            else:
                found.append((entry.path, relative))
        except FileNotFoundError:  # removed since the folder was listed: nothing to check
            continue
        except OSError as exc:  # its type unknown (a file? a folder of team files?): said, not guessed
            if unreadable is not None:
                unreadable.append((plain(f"{prefix}{entry.name}"),
                                   f"cannot tell what it is: {exc.strerror or exc}; not checked", False))
    return found


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def _entries_by_name(folder: str, relative: str, unreadable: list | None) -> Iterator[os.DirEntry]:
    try:
        with os.scandir(folder) as listing:
            return iter(sorted(listing, key=attrgetter("name")))
    except OSError as exc:
        if unreadable is not None:
            unreadable.append((relative or ".", f"cannot read folder: {exc.strerror or exc}; its files were not checked",
                               True))
        return iter(())


_TEAM_LINE_BYTES = re.compile(TEAM_LINE_PATTERN.encode(), re.M)  # looks_like_team_file's, on bytes


OVERSIZED = object()


def read_regular(path: str | Path, settings: Settings, info: os.stat_result | None = None):
    """The bytes of a regular file; None for anything else (FIFOs, devices, folders named
    *.yaml are never opened, links never followed); OVERSIZED past max_file_mb.
    `info` is the file's lstat when the caller already took it. OSError propagates."""
    if info is None:
        info = os.stat(path, follow_symlinks=False)
    if not stat.S_ISREG(info.st_mode):
        return None
    if info.st_size > settings.max_file_mb * 1_000_000:
        return OVERSIZED
    with open(path, "rb") as handle:
        return handle.read()


def read_team_file(path: str | Path, relative: str, settings: Settings) -> TeamFile | None:
    """Read one candidate file: a TeamFile, or None when it is not a team file."""
    try:
        raw = read_regular(path, settings)
        if raw is OVERSIZED:
            with open(path, "rb") as handle:
                if not _holds_team_line(handle):
                    return None
            size = os.stat(path).st_size / 1_000_000
            return _failed(relative, f"file is {size:.1f} MB, over max_file_mb ({settings.max_file_mb:g}): not read", 1, 1)
    except OSError as exc:
        return _failed(relative, f"cannot read file: {exc.strerror or exc}", 1, 1)
    return None if raw is None else read_team_bytes(raw, relative, settings)


def _holds_team_line(handle, chunk: int = 1 << 20) -> bool:
    """Whether a file too large to read holds a line that begins with a team file's key
    (then it is said as too large, never dropped as no team file), read a chunk at a time:
    a line cut where one chunk ends is searched again whole with the next."""
    carried = b""
    while block := handle.read(chunk):
        text = carried + block
        if _TEAM_LINE_BYTES.search(text):
            return True
        last = text[text.rfind(b"\n") + 1:]  # a line the chunk cut: its start is all a key needs
        carried = last if len(last) <= 64 else b""
    return False


def holds_team_file(raw: bytes, relative: str, settings: Settings) -> bool:
    """Whether `read_team_bytes` would take these bytes for a team file, mostly without
    parsing them: a line that begins with a team file's key makes one (parsed, such a file
    is a mapping with that key; unparsed, that line is what counts it, as KP001's); bytes
    that hold none of the keys cannot be one; only what is left (flow style, quoted keys,
    the words elsewhere) is read to tell."""
    if _TEAM_LINE_BYTES.search(raw):
        return True
    if not any(key.encode() in raw for key in TEAM_FILE_KEYS):
        return False
    return read_team_bytes(raw, relative, settings) is not None


def read_team_bytes(raw: bytes, relative: str, settings: Settings) -> TeamFile | None:
    """Parse and validate the bytes of one candidate file."""
    try:
        text = decode(raw)
    except YamlError as exc:
        encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
        text = raw.decode(encoding, errors="replace").lstrip("\ufeff")
        return _failed(relative, exc.message, exc.line, exc.column) if looks_like_team_file(text) else None
    try:
        # only the positions findings point at (compact_positions keeps no other)
        doc = parse(text, max_nodes=settings.max_nodes, positions=FINDING_POSITIONS)
    except YamlError as exc:
        return _failed(relative, exc.message, exc.line, exc.column) if looks_like_team_file(text) else None
    data = doc.data
    if not isinstance(data, dict) or not any(key in data for key in TEAM_FILE_KEYS):
        return None  # not a team file; one with objectives or indicators lacks its `team` (KP002)
    # a KP002 may point anywhere: a file with one is read again with every position to locate it
    team, entry_paths, schema_problems, invalid = validate_team(
        doc, relative, full=lambda: parse(text, max_nodes=settings.max_nodes))
    problems = [(SCHEMA, problem) for problem in schema_problems]
    header, entry_positions = compact_positions(doc.data, doc.values, doc.keys)
    return TeamFile(
        file=relative,
        team=team,
        entry_paths=entry_paths,
        header=header,
        entry_positions=entry_positions,
        problems=problems,
        suppressions=find_suppressions(text),
        invalid_fields=invalid,
    )


def _failed(relative: str, message: str, line: int, column: int) -> TeamFile:
    return TeamFile(file=relative, problems=[(UNREADABLE, Problem(message, Location(relative, line, column)))])


FINDING_POSITIONS = Depths(VALUE_LEVELS, KEY_LEVELS)
PARALLEL_MIN_FILES = 48  # below this, starting worker processes costs more than it saves


def in_parallel(count: int, jobs: int) -> bool:
    """Whether in_workers takes `count` items to worker processes (else it works here)."""
    return jobs > 1 and count >= PARALLEL_MIN_FILES


Analyse = Callable[[TeamFile, Settings, dt.date], TeamFile]


@dataclass(frozen=True, slots=True)
class Located:
    """What PATH names: the root findings are relative to, its settings, the candidate
    files as (path, path relative to root with forward slashes), the folders that could
    not be listed, and, when PATH is one file, its name relative to root."""

    root: Path
    settings: Settings
    settings_file: Path | None
    candidates: list[tuple[str, str]]
    unreadable: list[tuple[str, str, bool]]  # (relative name, why, is a folder)
    only: str | None = None
    settings_below: tuple[str, ...] = ()  # a kpoctl.yaml in a folder below root: not read (one per scorecard)
    links_skipped: tuple[str, ...] = ()  # links to YAML files or to folders below root: not followed


def scorecard_root(file: Path) -> Path:
    """The scorecard one file belongs to: the nearest folder above it with kpoctl.yaml,
    else the top of its git work tree, else its own folder (as ruff finds a project)."""
    folder = file.absolute().parent
    for candidate in (folder, *folder.parents):
        if (candidate / SETTINGS_FILE).is_file():
            return candidate
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return folder


def locate(path: Path, settings: Settings | None = None) -> Located:
    """Find PATH's settings and candidate files (a folder, or one team file in its scorecard)."""
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"path does not exist: {path}")
    if path.is_symlink() and not path.is_dir():
        raise UsageError(f"{path} is a symbolic link, which kpoctl does not follow: name the file it points to "
                         f"({os.path.realpath(path)})")
    settings_file = find_settings(path)
    if settings is None:
        settings = load_settings(settings_file)
    unreadable: list[tuple[str, str, bool]] = []
    below: list[str] = []
    links: list[str] = []
    if path.is_dir():
        return Located(path, settings, settings_file, discover(path, unreadable, below, links), unreadable,
                       settings_below=tuple(below), links_skipped=tuple(links))
    root = scorecard_root(path)
    only = path.absolute().relative_to(root).as_posix()
    shown_root = Path(os.path.relpath(root)) if not path.is_absolute() else root
    candidates = discover(shown_root, unreadable, below, links)
    if only not in {relative for _, relative in candidates}:
        candidates.append((str(path), only))  # a hidden folder, a .txt: the file named is read all the same
    return Located(shown_root, settings, settings_file, candidates, unreadable, only, tuple(below), tuple(links))


def no_team_files(path: Path) -> NoTeamFiles:
    return NoTeamFiles(f"no team file found under {path} (a team file is YAML with a top-level 'team:' key)")


def load(path: Path, settings: Settings | None = None, *, jobs: int | None = None,
         analyse: Analyse | None = None) -> Scorecard:
    """Every team file at PATH (a folder, or one file and the scorecard it belongs to),
    read afresh: no cache, no rules unless `analyse` is given (applied to each file in
    the worker processes). Commands read through kpoctl.pipeline.reading, which adds the cache
    and the rules; this is the plain read underneath, for library callers and tests."""
    located = locate(path, settings)
    with collector_paused():
        files = [f for f in read_many(located.candidates, located.settings,
                                      jobs if jobs is not None else (os.cpu_count() or 1), analyse) if f is not None]
    if not files:
        raise no_team_files(path)
    return Scorecard(root=located.root, settings=located.settings, files=files, settings_file=located.settings_file)


@contextmanager
def collector_paused(restore: bool = True):
    """Keep the cyclic garbage collector out of a load: it would rescan every loaded
    model again and again, and a load makes no cyclic garbage worth collecting.
    `restore=False` leaves it off: a one-shot command that keeps all it loaded gains
    nothing from the full collection that switching it back on soon brings."""
    collector = gc.isenabled() and restore
    gc.disable()
    try:
        yield
    finally:
        if collector:
            gc.enable()


def read_many(jobs_list: list[tuple[str | Path, str]], settings: Settings, jobs: int, analyse: Analyse | None):
    """read_team_file over many files, in worker processes when there are enough."""
    yield from in_workers(_worker_read, jobs_list, jobs,
                          serial=lambda job: _read_guarded(read_team_file, job[0], job[1], settings, analyse),
                          initializer=_init_worker, initargs=(settings, analyse))


def read_many_bytes(jobs_list: list[tuple[bytes, str]], settings: Settings, jobs: int, analyse: Analyse | None):
    """read_team_bytes over many (bytes, relative path): files that are not on disk, such as
    a git revision's, read as read_many reads files."""
    yield from in_workers(_worker_read_bytes, jobs_list, jobs,
                          serial=lambda job: _read_guarded(read_team_bytes, job[0], job[1], settings, analyse),
                          initializer=_init_worker, initargs=(settings, analyse))


def in_workers(work: Callable, items: list, jobs: int, *, serial: Callable | None = None,
               initializer: Callable | None = None, initargs: tuple = ()) -> Iterator:
    """`work` over `items`, in order, in up to 8 worker processes (forked where the system can)
    when there are enough items to pay for starting them; else `serial` (or `work`) here."""
    if not in_parallel(len(items), jobs):
        yield from map(serial or work, items)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # small chunks: when the items run out, the worker still on its last chunk keeps the
    # others waiting (a 62-file chunk left one core idle for 12-68 ms at 1,000 files; 16: 3-24)
    chunk = max(1, min(16, len(items) // (jobs * 8)))
    with context.Pool(processes=min(jobs, 8), initializer=initializer, initargs=initargs) as pool:
        yield from pool.imap(work, items, chunksize=chunk)


_worker_settings: Settings | None = None
_worker_analyse: Analyse | None = None


def _init_worker(settings: Settings, analyse: Analyse | None) -> None:
    global _worker_settings, _worker_analyse
    _worker_settings = settings
    _worker_analyse = analyse
    # What the worker inherited never changes: keep it out of every collection. The
    # collector stays on for the files' own garbage (a bad file's exception is a cycle).
    gc.freeze()


def _worker_read(job: tuple[str | Path, str]):
    candidate, relative = job
    return _read_guarded(read_team_file, candidate, relative, _worker_settings, _worker_analyse)


def _worker_read_bytes(job: tuple[bytes, str]):
    raw, relative = job
    return _read_guarded(read_team_bytes, raw, relative, _worker_settings, _worker_analyse)


def _read_guarded(read: Callable, source, relative: str, settings: Settings, analyse: Analyse | None) -> TeamFile | None:
    """One file's result (`read` of a path or of bytes), whatever happens in it: a bug met
    while reading or analysing a file is a KP001 finding on that file, naming the
    exception, and the others go on."""
    try:
        result = read(source, relative, settings)
        if result is not None and analyse is not None:
            result = analyse(result, settings, settings.run_date())
        return result
    except Exception as exc:  # a bug; never a traceback, never the end of the run
        failed = _failed(relative, f"kpoctl failed on this file: {type(exc).__name__}: {exc} (please report this)", 1, 1)
        return analyse(failed, settings, settings.run_date()) if analyse is not None else failed
