"""`# kpoctl: ignore[...]` comments: which findings they silence, and which silence nothing.

A comment on the line where an entry starts silences findings located inside
that entry; one on the `team:` line silences the team-level findings (id null).
It reads only each file's SuppressionSite, so a run that reuses remembered
results applies suppressions exactly as a fresh one does.
"""

from __future__ import annotations

import bisect
from typing import Iterable

from kpoctl.common.findings import Finding, Location
from kpoctl.model.scorecard import SuppressionSite

READ_CODES = ("KP001", "KP002")  # problems found while reading sit where they are, even with no id


class Suppressor:
    """Applies suppression comments and remembers which ones were used."""

    def __init__(self, sites: Iterable[SuppressionSite | None], active: frozenset[str], known: frozenset[str]) -> None:
        self.active = active
        self.known = known
        self.by_file = {site.file: site for site in sites if site is not None}
        self.used: set[tuple[str, int, str]] = set()

    def silences(self, finding: Finding) -> bool:
        site = self.by_file.get(finding.file)
        if site is None:
            return False
        if finding.id is None and finding.code not in READ_CODES:
            line = site.team_line
        else:
            index = bisect.bisect_right(site.entry_lines, finding.line) - 1
            line = site.entry_lines[index] if index >= 0 else None
        comment = site.comments.get(line) if line is not None else None
        if comment is None or comment.unread is not None or (comment.codes and finding.code not in comment.codes):
            return False
        codes = comment.codes
        self.used.add((finding.file, line, finding.code if codes else "*"))
        return True

    def unused(self) -> list[tuple[Location, str]]:
        """Each comment that silenced nothing, or names codes that do not exist, with why."""
        found = []
        for file, site in sorted(self.by_file.items()):
            anchors = set(site.entry_lines) | {site.team_line}
            for line, (column, codes, unread) in sorted(site.comments.items()):
                where = Location(file, line, column)
                if unread is not None:
                    found.append((where, f"'{unread}' is not a suppression kpoctl reads: write "
                                         "`# kpoctl: ignore[KP101, KP102]`, or `# kpoctl: ignore` for every rule; "
                                         "it silences nothing"))
                    continue
                if line not in anchors:
                    found.append((where, "suppression comment is not on the first line of an entry or on the "
                                         "`team:` line: it silences nothing"))
                    continue
                unknown = sorted(c for c in codes if c not in self.known)
                if unknown:
                    found.append((where, f"suppression names unknown rule code(s): {', '.join(unknown)}"))
                if not codes:
                    if (file, line, "*") not in self.used:
                        found.append((where, "`# kpoctl: ignore` silences nothing here: remove it"))
                    continue
                unused = sorted(c for c in codes if c in self.active and (file, line, c) not in self.used)
                if unused:
                    found.append((where, f"suppression of {', '.join(unused)} silences nothing here: remove it"))
        return found
