"""The cache of read files, kept in the user's own cache folder, never in the scanned tree.

Where: `$KPOCTL_CACHE_DIR`, else `$XDG_CACHE_HOME/kpoctl`, else `~/.cache/kpoctl`
(a relative path in either variable is ignored, as the XDG spec asks), with one
folder per scorecard, named by a hash of its absolute path. Nothing in the scanned
tree is ever read as cache or written by it: a cache committed to a repository or
planted in it is just another folder, and a read-only checkout is cached as well.

What: per team file, its result (model, positions, KP001/KP002 problems) under a key
made of a digest of kpoctl's own code, the settings, the run's date, the file's path
and the sha256 of its bytes; and one index per scorecard (kpoctl.pipeline.reading),
which keeps the team-scoped rules' problems. Any change to kpoctl's code, an upgrade
included, changes every key.

How it is kept honest: entries are JSON (kpoctl.read.serial: reading one runs no code)
signed with an HMAC whose 32-byte secret is created in the cache folder (mode 0600).
Folders are created mode 0700 and used only when they are real folders owned by
this user and writable by no one else; entries are opened without following links
and read only when they are regular files. A missing, corrupt, forged or foreign
entry is a miss: the file is read again and the entry rewritten. When no private
folder can be had (no HOME, a read-only disk) kpoctl runs without a cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import shutil
import stat
from pathlib import Path

import orjson

from kpoctl import __version__
from kpoctl.common.atomic import write_bytes_atomic
from kpoctl.model import Settings
from kpoctl.model.scorecard import TeamFile

CACHE_ENV = "KPOCTL_CACHE_DIR"
FORMAT = b"kpoctl-cache-3"
_MISS = object()
MISS = _MISS
INDEX = "index"
SECRET = "secret"
MAX_SCORECARDS = 64  # folders of scorecards not linted lately are dropped past this many
_ENTRY_NAME = re.compile(r"[0-9a-f]{40}")  # what prune may delete: entries, never the index or strangers


def cache_home(environ=os.environ) -> Path | None:
    """The folder for kpoctl's cache, or None when there is no safe place for one."""
    explicit = environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit) if os.path.isabs(explicit) else None
    xdg = environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "kpoctl"
    home = environ.get("HOME")
    if not home:
        try:
            import pwd

            home = pwd.getpwuid(os.geteuid()).pw_dir  # no HOME: the password database, if it knows us
        except (ImportError, KeyError):
            return None
    return Path(home) / ".cache" / "kpoctl" if os.path.isabs(home) else None


def _private_folder(path: Path) -> bool:
    """Create `path` (mode 0700) if needed; True when it is a real folder owned by this
    user that no one else may write."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def read_regular_file(path: Path, limit: int = 1 << 30) -> bytes | None:
    """The bytes of `path` if it is a regular file (never a link, FIFO or device), else None."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _secret(home: Path) -> bytes | None:
    """The signing key, created on first use; None when it cannot be had safely."""
    path = home / SECRET
    data = read_regular_file(path, limit=64)
    if data is not None:
        return data if len(data) == 32 and os.stat(path, follow_symlinks=False).st_uid == os.geteuid() else None
    key = os.urandom(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:  # another run made it first
        data = read_regular_file(path, limit=64)
        return data if data is not None and len(data) == 32 else None
    except OSError:
        return None
    with os.fdopen(descriptor, "wb") as out:
        out.write(key)
    return key


@functools.cache
def code_digest() -> bytes:
    """A digest of kpoctl's own code: a changed rule, an upgrade or a local patch is a new cache."""
    package = Path(__file__).resolve().parent.parent  # kpoctl/, from kpoctl/read/cache.py
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


def scorecard_folder_name(root: Path) -> str:
    return hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:32]


class Cache:
    """Signed entries for one scorecard: one per team file, and the index."""

    def __init__(self, root: Path, settings: Settings, *, home: Path | None = None) -> None:
        self.used: set[str] = set()
        self.secret: bytes | None = None
        self.writable = False
        self.salt = (FORMAT + b"|" + code_digest() + b"|" + settings.run_date().isoformat().encode() + b"|"
                     + settings.model_dump_json().encode())
        home = home if home is not None else cache_home()
        if home is None or not _private_folder(home):
            return
        self.folder = home / "scorecards" / scorecard_folder_name(root)
        new = not os.path.lexists(self.folder)
        if not _private_folder(self.folder.parent) or not _private_folder(self.folder):
            return
        self.secret = _secret(home)
        self.writable = self.secret is not None
        if new:
            _drop_old_scorecards(self.folder.parent)

    @property
    def enabled(self) -> bool:
        return self.secret is not None

    def key(self, relative: str, content: bytes) -> str:
        # sha256: twice blake2b's speed where the CPU has SHA instructions, and every
        # changed file is hashed on every run
        digest = hashlib.sha256(self.salt)
        digest.update(os.fsencode(relative))
        digest.update(b"\0")
        digest.update(content)
        return digest.hexdigest()[:40]

    def get(self, key: str, *, actuals: bool):
        """The cached TeamFile for `key` (its actuals only when asked for), or MISS."""
        from kpoctl.read.serial import team_file_from_json

        self.used.add(key)
        blob = self._read_signed_bytes(key)
        if blob is None:
            return _MISS
        try:
            meta, values = blob.split(b"\n", 1)  # compact JSON holds no raw newline
            # orjson: the standard library's decoder was a quarter of a warm run at 10,000 teams
            return team_file_from_json(orjson.loads(meta), orjson.loads(values) if actuals else None)
        except Exception:  # not what we write (pydantic's errors included): read the file again
            return _MISS

    def put(self, key: str, value: TeamFile) -> None:
        from kpoctl.read.serial import team_file_to_json

        meta, values = team_file_to_json(value)
        self._write_signed_bytes(key, compact_json(meta) + b"\n" + compact_json(values))

    def read_index(self):
        """The scorecard's index as stored (plain JSON values), or None."""
        value = self._read_signed(INDEX)
        return value if isinstance(value, dict) else None

    def write_index(self, value: dict) -> None:
        self._write_signed(INDEX, value)

    def read_derived(self, kind: str) -> dict:
        """What was worked out per file for `kind` (kpoctl.pipeline.reading.Reading.derived),
        by content key; empty when absent, corrupt or forged."""
        value = self._read_signed(_derived_name(kind))
        return value if isinstance(value, dict) else {}

    def write_derived(self, kind: str, value: dict) -> None:
        self._write_signed(_derived_name(kind), value)

    def _mac(self, name: str, payload: bytes | memoryview) -> bytes:
        # fed in two pieces: a view's parts at 10,000 teams are a hundred megabytes, and
        # joining them to the prefix copied them once more at the peak of the run
        signer = hmac.new(self.secret, self.salt + b"|" + name.encode() + b"|", hashlib.sha256)
        signer.update(payload)
        return signer.digest()

    def _verified(self, name: str) -> memoryview | None:
        """The payload stored under `name` (a view of the file's bytes, not a copy), or None
        when absent, corrupt, forged or foreign."""
        if self.secret is None:
            return None
        blob = read_regular_file(self.folder / name)
        if blob is None or len(blob) < 33:
            return None
        view = memoryview(blob)
        mac, payload = view[:32], view[32:]
        if not hmac.compare_digest(mac, self._mac(name, payload)):
            return None  # corrupt, or not written by this kpoctl for these settings: read again, overwrite
        return payload

    def _read_signed_bytes(self, name: str) -> bytes | None:
        """The payload stored under `name`, or None when absent, corrupt, forged or foreign."""
        payload = self._verified(name)
        return None if payload is None else payload.tobytes()

    def _read_signed(self, name: str):
        """The JSON value stored under `name`, or MISS."""
        payload = self._verified(name)
        if payload is None:
            return _MISS
        try:
            return orjson.loads(payload)
        except ValueError:  # orjson's JSONDecodeError is one
            return _MISS

    def _write_signed(self, name: str, value) -> None:
        self._write_signed_bytes(name, compact_json(value))

    def _write_signed_bytes(self, name: str, payload: bytes) -> None:
        if not self.writable:
            return
        try:
            write_bytes_atomic(self.folder / name, (self._mac(name, payload), payload), mode=0o600, durable=False,
                               own_folder=True)
        except OSError:
            self.writable = False  # a full or read-only disk: go on without writing

    def prune(self) -> None:
        """Drop entries this run did not use, once they clearly outnumber the used ones."""
        if not self.enabled:
            return
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        if len(names) <= 2 * len(self.used) + 100:
            return
        for name in names:
            if name not in self.used and _ENTRY_NAME.fullmatch(name):
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass


def _derived_name(kind: str) -> str:
    if not re.fullmatch(r"[a-z]+", kind):
        raise ValueError(f"not a name for derived data: {kind!r}")
    return f"derived-{kind}"  # never a 40-hex name: prune leaves it alone


def compact_json(value) -> bytes:
    """Compact JSON; orjson (ten times the standard library's speed on the large derived
    data), the standard library where orjson refuses (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _drop_old_scorecards(parent: Path) -> None:
    """Keep the cache of the MAX_SCORECARDS scorecards used last; a scorecard's folder is
    touched on every run that writes its index."""
    try:
        folders = [entry for entry in os.scandir(parent) if entry.is_dir(follow_symlinks=False)]
        if len(folders) <= MAX_SCORECARDS:
            return
        folders.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    except OSError:
        return
    for entry in folders[MAX_SCORECARDS:]:
        shutil.rmtree(entry.path, ignore_errors=True)
