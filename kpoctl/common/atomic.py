"""Writes that cannot leave a file half written: temp file beside the target, fsync, rename.

They replace regular files only: a FIFO, a device, a folder, or a link to one of
those is refused, never replaced nor written through. A link to a regular file is
written through (the file it names is replaced, the link stays). A new file gets the
mode the user's umask gives; a replaced one keeps its mode and, where the process may
set them, its owner and group.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterable


class NotRegularFile(OSError):
    """The target exists and is not a regular file (or a link to one)."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _target(path: Path) -> tuple[Path, os.stat_result | None]:
    """Where to write, and what is there now (None: nothing)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path, None
    if stat.S_ISLNK(info.st_mode):
        try:
            resolved = Path(os.path.realpath(path))
            info = os.stat(resolved)
        except OSError:
            raise NotRegularFile(errno.EINVAL, "a link to nothing: not replaced", str(path)) from None
        path = resolved
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(errno.EINVAL, f"{_kind(info.st_mode)}, not a regular file: not replaced", str(path))
    return path, info


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path, data: bytes | Iterable[bytes], *, mode: int | None = None, durable: bool = True,
                       own_folder: bool = False) -> None:
    """Replace `path` with `data` (bytes, or pieces of them written in turn, so a large
    file is never held whole) atomically; on any error the old file stays as it was.

    `durable=False` skips the fsync: the rename still makes the write all or nothing
    for readers, but a power cut may lose it. Right for a cache, whose entries are
    signed (a torn one is ignored) and can always be computed again. `own_folder`: the
    folder is kpoctl's own (the cache), so whatever is at `path` is replaced, never
    looked through."""
    path, existing = (Path(path), None) if own_folder else _target(Path(path))
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(data, (bytes, bytearray, memoryview)):
                out.write(data)
            else:
                out.writelines(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if mode is None:
            mode = existing.st_mode & 0o7777 if existing is not None else 0o666 & ~_umask()
        os.chmod(temp, mode)
        if existing is not None and (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(temp, existing.st_uid, existing.st_gid)
            except PermissionError:
                pass  # only root may give a file away; it stays ours, as any editor would leave it
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_text_atomic(path: Path, text: str | Iterable[str]) -> None:
    write_bytes_atomic(path, text.encode("utf-8") if isinstance(text, str) else (piece.encode("utf-8") for piece in text))
