"""One finding: what every rule produces and every reporter formats.

Plain frozen dataclasses with no dependencies, so findings travel between
processes and through the cache as simple tuples (`__reduce__`: pickling a
slotted dataclass otherwise goes through dataclasses' getstate in Python, which
was half the cost of writing and reading lint's index).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """Finding severity, ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls(text.lower())
        except ValueError:
            raise ValueError(f"severity must be one of error, warning, info; got {text!r}") from None


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file relative to PATH and a 1-based line and column."""

    file: str
    line: int
    column: int

    def __reduce__(self):
        return Location, (self.file, self.line, self.column)


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check yields: the engine stamps the code and severity on it.

    `anchor` is the path in the document the location was taken from (e.g.
    ("indicators", 3, "unit") or ("parent",)): with it a remembered problem can be
    placed again in an edited file without running the check again. `waits_for`: the
    (file, team, id) of each entry whose link a KP002 left unread, below which the problem
    lies: it is held back while one of those KP002s is said (kpoctl.rules.engine.Unread)."""

    message: str
    location: Location
    team: str | None = None
    id: str | None = None
    anchor: tuple | None = None
    waits_for: tuple[tuple[str, str, str], ...] | None = None

    def __reduce__(self):
        return Problem, (self.message, self.location, self.team, self.id, self.anchor, self.waits_for)


@dataclass(frozen=True, slots=True)
class Finding:
    """A located, coded finding as users and scripts see it."""

    code: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    team: str | None = None
    id: str | None = None

    @classmethod
    def from_problem(cls, code: str, severity: Severity, problem: Problem) -> "Finding":
        loc = problem.location
        return cls(code, severity, problem.message, loc.file, loc.line, loc.column, problem.team, problem.id)

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict:
        """CLI.md's JSON object, keys in its order."""
        return {
            "code": self.code, "severity": self.severity.value, "message": self.message, "file": self.file,
            "line": self.line, "column": self.column, "team": self.team, "id": self.id,
        }

    def with_severity(self, severity: Severity) -> "Finding":
        return Finding(self.code, severity, self.message, self.file, self.line, self.column, self.team, self.id)
