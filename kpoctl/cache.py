"""A per-file cache of parse results, like ruff's: `.kpoctl_cache/` beside the scorecard.

Each team file's result (validated model, positions, KP001/KP002 problems, and
for lint the problems of the team-scoped rules) is stored under a key made of the
kpoctl version, the settings (and, for lint, the date), its path and its content
hash. Entries are pickles, so each one is
signed with an HMAC whose secret lives in the user's own cache folder, never in
the scanned tree: a corrupt, foreign or forged entry fails the check, is ignored
and rewritten, and is never unpickled. Nothing the cache holds can change a
result: a hit returns exactly what reading the file would.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import re
from pathlib import Path

from kpoctl import __version__
from kpoctl.atomic import write_bytes_atomic
from kpoctl.model import Settings
from kpoctl.scorecard import TeamFile

CACHE_DIR = ".kpoctl_cache"
FORMAT = b"kpoctl-cache-1"
_MISS = object()
INDEX = "lint-index"
_ENTRY_NAME = re.compile(r"[0-9a-f]{40}")  # what prune may delete: entries, never the index or strangers


def _secret() -> bytes | None:
    """The machine-local signing key, created on first use (None when it cannot be)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kpoctl"
    path = base / "cache-secret"
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(key)
        return key
    except OSError:
        return None


class Cache:
    """Read and write signed per-file entries under `root/.kpoctl_cache/`."""

    def __init__(self, root: Path, settings: Settings, *, analysed: bool = False) -> None:
        self.folder = root / CACHE_DIR / "v1"
        self.secret = _secret()
        self.salt = f"{__version__}|{settings.max_nodes}|{settings.max_file_mb}".encode()
        if analysed:
            # lint's entries hold the team-scoped rules' problems: they depend on every
            # setting and on the date (stale data, past due dates)
            today = settings.run_date().isoformat()
            self.salt += f"|lint|{today}|".encode() + settings.model_dump_json().encode()
        self.used: set[str] = set()
        self.writable = self.secret is not None

    @property
    def enabled(self) -> bool:
        return self.secret is not None

    def key(self, relative: str, content: bytes) -> str:
        # sha256: twice blake2b's speed where the CPU has SHA instructions, and every
        # unchanged file is hashed on every run
        digest = hashlib.sha256(self.salt)
        digest.update(relative.encode())
        digest.update(b"\0")
        digest.update(content)
        return digest.hexdigest()[:40]

    def get(self, key: str):
        """The cached result for `key` (a TeamFile or None), or _MISS."""
        self.used.add(key)
        value = self._read_signed(key)
        return value if value is None or isinstance(value, TeamFile) else _MISS

    def put(self, key: str, value: TeamFile | None) -> None:
        self._write_signed(key, value)

    def read_index(self):
        """lint's index (see kpoctl.incremental), or None when there is none, or none for
        these settings and this date."""
        value = self._read_signed(INDEX)
        if isinstance(value, tuple) and len(value) == 2 and value[0] == self.salt:
            return value[1]
        return None

    def write_index(self, value) -> None:
        self._write_signed(INDEX, (self.salt, value))

    def _read_signed(self, name: str):
        """The value stored under `name`, or _MISS when absent, corrupt, forged or foreign."""
        try:
            blob = (self.folder / name).read_bytes()
        except OSError:
            return _MISS
        mac, payload = blob[:32], blob[32:]
        expected = hmac.new(self.secret, FORMAT + name.encode() + payload, hashlib.sha256).digest()
        if len(blob) < 33 or not hmac.compare_digest(mac, expected):
            return _MISS  # corrupt or not ours: read the file again and overwrite
        try:
            return pickle.loads(payload)
        except Exception:
            return _MISS

    def _write_signed(self, name: str, value) -> None:
        if not self.writable:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        mac = hmac.new(self.secret, FORMAT + name.encode() + payload, hashlib.sha256).digest()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder.parent / ".gitignore"
            if not gitignore.exists():
                write_bytes_atomic(gitignore, b"# Created by kpoctl: the cache is local.\n*\n")
            write_bytes_atomic(self.folder / name, mac + payload, durable=False)
        except OSError:
            self.writable = False  # a read-only checkout: lint on without a cache

    def prune(self) -> None:
        """Drop entries this run did not use, once they clearly outnumber the used ones."""
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


MISS = _MISS
