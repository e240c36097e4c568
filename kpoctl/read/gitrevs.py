"""A scorecard's past, read from its git repository with pygit2 (libgit2).

The history check needs, for each commit on the first-parent line of HEAD (oldest
first), which team files under the scorecard changed and their bytes before and
after. libgit2 diffs trees and reads blobs in C: on a generated repository of
1,000 teams and 500 commits it walks, diffs and reads every changed blob in 0.3 s
where dulwich took 2.8 s (benchmarks/git_libraries.py). Only what changed is
ever read, so a long history costs what its commits touched, not its size.

Which files count follows discovery (kpoctl.read.load.discover): YAML files other
than kpoctl.yaml, outside hidden folders, stored as regular files (a link or a
submodule in a tree is never read).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from kpoctl.common.errors import UsageError
from kpoctl.read.load import is_yaml_name
from kpoctl.read.settings import SETTINGS_FILE

if TYPE_CHECKING:
    import pygit2

REGULAR_MODES = (0o100644, 0o100755)  # a link (0o120000) or submodule (0o160000) is never read
FOLDER_MODE = 0o040000


class HistoryError(UsageError):
    """The history cannot be read as asked: no repository, an unknown revision (exit 2)."""


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit, as findings name it."""

    hash: str
    date: dt.date
    author: str
    summary: str

    @property
    def short(self) -> str:
        return self.hash[:7]

    def __str__(self) -> str:
        return f"{self.short} on {self.date.isoformat()} by {self.author}"


@dataclass(frozen=True, slots=True)
class Change:
    """A team file that changed in a commit: its path relative to the scorecard root, and
    the blob ids before and after (None where it did not exist)."""

    relative: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class Window:
    """Which commits to check: the last N, those since a date, those not in a base
    revision (a merge request's own), or all of them."""

    last: int | None = None
    since: dt.date | None = None
    base: str | None = None


class History:
    """The git repository a scorecard folder lives in."""

    def __init__(self, root: Path) -> None:
        import pygit2  # imported here: every other command starts without libgit2

        self.pygit2 = pygit2
        folder = root if root.is_dir() else root.parent
        found = pygit2.discover_repository(str(folder.absolute()))
        if found is None:
            raise HistoryError(f"{root} is not inside a git repository: kpoctl reads its commits")
        self.repo = pygit2.Repository(found)
        if self.repo.is_bare or self.repo.workdir is None:
            raise HistoryError(f"{found} is a bare repository: run the history check in a work tree")
        workdir = Path(self.repo.workdir).resolve()
        try:
            inside = folder.resolve().relative_to(workdir).as_posix()
        except ValueError:
            raise HistoryError(f"{root} is not inside the work tree of {workdir}") from None
        self.prefix = "" if inside == "." else inside + "/"
        self.folder = folder.resolve()

    def revisions(self, window: Window = Window()) -> tuple[list[pygit2.Commit], int]:
        """The commits of the first-parent line of HEAD in the window, oldest first, and the
        index of the first one to report on. With a base, the line goes back past it (the
        walk must know what came before: a due pushed back once on main and again in the
        merge request is pushed back twice), and only the commits after the merge base are
        reported on."""
        if self.repo.head_is_unborn:
            raise HistoryError("the repository has no commit yet: nothing to check")
        head = self.repo.head.peel(self.pygit2.Commit)
        stop = self._merge_base(head, window.base) if window.base else None
        since = (dt.datetime.combine(window.since, dt.time(), dt.timezone.utc).timestamp()
                 if window.since else None)
        line: list[pygit2.Commit] = []
        reported = None
        commit: pygit2.Commit | None = head
        while commit is not None:
            if commit.id == stop:
                reported = len(line)
            if since is not None and commit.commit_time < since:
                break
            line.append(commit)
            if window.last is not None and len(line) >= window.last:
                break
            commit = commit.parents[0] if commit.parents else None
        if window.base and reported is None:
            raise HistoryError(f"{window.base!r} is not an ancestor on HEAD's first-parent line within the commits "
                               "read (a shallow clone? fetch the whole history)")
        line.reverse()
        return line, len(line) - (reported if reported is not None else len(line))

    def _merge_base(self, head: pygit2.Commit, base: str) -> pygit2.Oid | None:
        return self.repo.merge_base(head.id, self.commit(base).id)

    def changes(self, commit: pygit2.Commit) -> Iterator[Change]:
        """The team files the commit changed, against its first parent (everything, for a root)."""
        before = self._subtree(commit.parents[0].tree) if commit.parents else None
        after = self._subtree(commit.tree)
        if before is None and after is None:
            return
        if before is None or after is None:
            present = after if after is not None else before
            for relative, blob in self._files(present):
                yield Change(relative, None, blob) if after is not None else Change(relative, blob, None)
            return
        for delta in before.diff_to_tree(after).deltas:
            old, new = delta.old_file, delta.new_file
            relative = new.path  # the same as old.path: renames are not detected, a move is a removal and an addition
            if not _counts(relative):
                continue
            was = str(old.id) if old.mode in REGULAR_MODES else None
            now = str(new.id) if new.mode in REGULAR_MODES else None
            if was != now:
                yield Change(relative, was, now)

    def _subtree(self, tree: pygit2.Tree) -> pygit2.Tree | None:
        if not self.prefix:
            return tree
        try:
            entry = tree[self.prefix.rstrip("/")]
        except KeyError:
            return None
        return entry if isinstance(entry, self.pygit2.Tree) else None

    def _files(self, tree: pygit2.Tree, prefix: str = "") -> Iterator[tuple[str, str]]:
        """In path order, as kpoctl.read.load.discover walks a folder: each folder's entries
        by name (git's own order puts `a.yaml` before the folder `a`), so that the first
        file of a team declared twice is the same one in a revision as on disk."""
        for entry in sorted(tree, key=lambda entry: entry.name):
            relative = prefix + entry.name
            if entry.name.startswith("."):
                continue
            if entry.filemode == FOLDER_MODE:
                yield from self._files(self.repo[entry.id], relative + "/")
            elif entry.filemode in REGULAR_MODES and _counts(relative):
                yield relative, str(entry.id)

    def commit(self, revision: str) -> pygit2.Commit:
        """The commit a revision names (a branch, a tag, a hash, HEAD~2, ...)."""
        try:
            return self.repo.revparse_single(revision).peel(self.pygit2.Commit)
        except (KeyError, ValueError, self.pygit2.GitError, self.pygit2.InvalidSpecError):
            raise HistoryError(f"unknown revision {revision!r}: not a branch, tag or commit of the git repository "
                               f"at {self.repo.workdir.rstrip('/')}") from None

    def files_at(self, commit: pygit2.Commit) -> list[tuple[str, str]]:
        """The candidate files under the scorecard folder in a commit, as (relative path, blob id)."""
        tree = self._subtree(commit.tree)
        return list(self._files(tree)) if tree is not None else []

    def head_files(self) -> list[tuple[str, str]]:
        """The candidate files under the scorecard folder at HEAD, as (relative path, blob id)."""
        if self.repo.head_is_unborn:
            return []
        return self.files_at(self.repo.head.peel(self.pygit2.Commit))

    def head_blob(self, relative: str) -> str | None:
        """The blob id of one file under the scorecard folder at HEAD (None when HEAD has no
        such regular file): one lookup, not a walk of every file."""
        if self.repo.head_is_unborn:
            return None
        tree = self._subtree(self.repo.head.peel(self.pygit2.Commit).tree)
        try:
            entry = tree[relative] if tree is not None else None
        except KeyError:
            return None
        return str(entry.id) if entry is not None and entry.filemode in REGULAR_MODES else None

    def unchanged_blobs(self) -> dict[str, str]:
        """The files under the scorecard folder that git's status finds as the index has
        them, and the index as HEAD has them, with their blob ids (relative path -> id): a
        revision's file of the same id holds what the work tree's file holds."""
        changed = self.repo.status()  # every path that differs from HEAD or the index, or is new
        prefix, start = self.prefix, len(self.prefix)
        return {entry.path[start:]: str(entry.id) for entry in self.repo.index
                if entry.path.startswith(prefix) and entry.path not in changed and entry.mode in REGULAR_MODES}

    def blob(self, blob_id: str) -> bytes:
        return self.repo[blob_id].data

    def blob_size(self, blob_id: str) -> int:
        return self.repo[blob_id].size


def describe(commit: pygit2.Commit) -> Revision:
    """What a finding says of a commit: its hash, the day it was made, who wrote it."""
    offset = dt.timezone(dt.timedelta(minutes=commit.author.offset))
    when = dt.datetime.fromtimestamp(commit.author.time, offset).date()
    return Revision(str(commit.id), when, commit.author.name, commit.message.strip().splitlines()[0]
                    if commit.message.strip() else "")


def _counts(relative: str) -> bool:
    """Whether discovery would read this path: YAML, not the settings, no hidden part."""
    parts = relative.split("/")
    return (is_yaml_name(parts[-1]) and parts[-1] != SETTINGS_FILE
            and not any(part.startswith(".") for part in parts))

