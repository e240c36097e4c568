"""The reporter interface: findings in, text out."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kpoctl.common.findings import Finding


@dataclass(frozen=True)
class RunInfo:
    """What a report may say about the run besides the findings."""

    root: Path  # the folder findings' `file` is relative to
    files: tuple[str, ...] = ()  # every team file checked, relative to root
    version: str = ""
    baseline_gone: tuple[dict, ...] = field(default=())  # baselined findings that are fixed
    _shown: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def display_path(self, file: str) -> str:
        """A finding's file as the user can open it from the current folder (worked out
        once per file: a file with hundreds of findings asks hundreds of times)."""
        shown = self._shown.get(file)
        if shown is None:
            path = self.root / file
            try:
                shown = Path(os.path.relpath(path)).as_posix()
            except ValueError:  # another drive on Windows
                shown = path.as_posix()
            self._shown[file] = shown
        return shown


class Reporter:
    """Formats findings. Subclasses set `name` and implement `write`."""

    name = ""
    description = ""

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        raise NotImplementedError
