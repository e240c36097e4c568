"""Framework profiles: one file format, read in the words of the framework a team uses.

`profile:` in kpoctl.yaml (default `kpo`, the model of FORMAT.md). A profile changes
three things and nothing in the files: the words reports and the profile's rules use
for the levels (an OKR team reads "key result" where FORMAT.md says KPI), the
defaults of the settings it does not set (an OMTM team's KPI limit is one), and
which extra rules run (KP6xx, each belonging to one profile; `kpoctl explain` says
which).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LEVELS = ("KPO", "PO", "KPI", "PI", "context")


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    summary: str
    words: dict[str, str] = field(default_factory=dict)  # level -> its name in this framework
    limits: dict[str, int] = field(default_factory=dict)  # defaults of `limits` the settings do not set
    severity: dict[str, str] = field(default_factory=dict)  # defaults of `rules.severity`
    leaves: dict[str, str] = field(default_factory=dict)  # rules of the model it does not run: code -> why

    @property
    def replaces(self) -> tuple[str, ...]:
        return tuple(self.leaves)

    def word(self, level: str) -> str:
        return self.words.get(level, level)

    def say(self, message: str) -> str:
        """A finding's message in this profile's words: 'KPI' becomes 'key result' under
        okr, 'KPIs' 'key results', 'a KPO' 'an objective'. Quoted ids are left alone."""
        if not self.words:  # FORMAT.md's own words (kpo): every finding passes here
            return message
        parts = message.split("'")
        for index in range(0, len(parts), 2):  # outside quotes only
            parts[index] = _LEVEL_WORD.sub(self._swap, parts[index])
        return "'".join(parts)

    def _swap(self, match: re.Match) -> str:
        article, level, plural = match.group(1), match.group(2), match.group(3)
        word = self.words.get(level)
        if word is None:
            return match.group(0)
        word = word + "s" if plural else word
        if article:
            article = ("an " if word[0] in "aeiouAEIOU" else "a ") if article.lower().strip() in ("a", "an") else article
            if match.group(1)[0].isupper():
                article = article.capitalize()
        return f"{article or ''}{word}"


_LEVEL_WORD = re.compile(r"\b((?:[Aa]n?|[Tt]he) )?(KPO|PO|KPI|PI)(s?)\b")


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("kpo", "KPO cascade", "Key performance objectives cascaded down the teams, measured by KPIs (FORMAT.md)."),
        Profile(
            "okr", "Objectives and key results",
            "Qualitative objectives, each with 3 to 5 measurable key results, set for a quarter and scored from "
            "0.0 to 1.0: 0.7 is where a stretch objective is expected to land, under 0.3 is a miss.",
            words={"KPO": "objective", "PO": "supporting objective", "KPI": "key result", "PI": "supporting result"},
            limits={"kpi": 15},
            leaves={"KP405": "OKRs are not read by balanced scorecard perspectives",
                    "KP404": "key results are outcomes; leading and lagging are not how OKRs are read",
                    "KP406": "key results are outcomes; leading and lagging are not how OKRs are read"},
        ),
        Profile(
            "cpi-kpi-kpa", "CPI, KPI and KPA",
            "3 to 5 critical performance indicators (CPIs) at the top, every KPI rolling up to one of them, and key "
            "performance actions (KPAs) with an owner and a cadence.",
            words={"KPI": "KPI", "context": "context indicator"},
            limits={"kpi": 5},
        ),
        Profile(
            "bsc", "Balanced scorecard",
            "Every perspective (financial, customer, process, learning) covered by the top team, every objective "
            "in one perspective.",
            words={"KPO": "strategic objective", "KPI": "measure"},
            limits={"kpi": 8},  # two measures per perspective
            severity={"KP405": "error"},
        ),
        Profile(
            "omtm", "One metric that matters",
            "Exactly one key metric per team, the one the team steers by; everything else is context.",
            words={"KPI": "key metric"},
            leaves={"KP201": "KP631 says 'exactly one' in its own words", "KP203": "KP631 says 'exactly one' in its own words",
                    "KP405": "one metric that matters is not read by balanced scorecard perspectives",
                    "KP406": "the one metric that matters is usually a leading one, on purpose"},
        ),
    )
}


def profile_of(name: str | None) -> Profile:
    return PROFILES[name]
