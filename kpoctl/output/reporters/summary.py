"""`lint --summary`: per team, its findings by rule family and a health score.

The score is what a consultant puts in front of a client. Findings weigh 10 points an
error, 3 a warning, 1 an info; the team's points per entry (objective or indicator)
give score = 100 / (1 + points per entry / 5): a clean team scores 100, one warning
per entry 62, one error per entry 33; the score falls ever more slowly (it rounds to 0
only past 250 points per entry), so the worst teams still rank among themselves.
`kpoctl explain score` prints this.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TextIO

from kpoctl.common.findings import Finding

FAMILIES = {"KP0": "files", "KP1": "cascade", "KP2": "focus", "KP3": "SMART", "KP4": "practice",
            "KP5": "history", "KP6": "profile"}
CORE = ("KP0", "KP1", "KP2", "KP3", "KP4")  # RULES.md's families: a column each, always; the others when found
WEIGHTS = {"error": 10, "warning": 3, "info": 1}

HALF_AT = 5  # points per entry at which a team scores 50

FORMULA = (
    "score = 100 / (1 + points per entry / 5), where points = 10 x errors + 3 x warnings + 1 x infos\n\n"
    "A team's findings weigh 10 points an error, 3 a warning and 1 an info; divided by the team's entries "
    "(objectives and indicators, at least 1) they give its points per entry. A clean team scores 100; one "
    "warning per entry scores 62, one error per entry 33, five points per entry 50. The score falls ever more "
    "slowly (it rounds to 0 only past 250 points per entry), so the teams that need help most still rank among "
    "themselves. A file that cannot be read counts as a team of its own. Teams are listed worst first."
)


@dataclass(frozen=True)
class TeamSide:
    """What the summary needs of a team besides its findings."""

    file: str
    entries: int


def score(errors: int, warnings: int, infos: int, entries: int) -> int:
    points = WEIGHTS["error"] * errors + WEIGHTS["warning"] * warnings + WEIGHTS["info"] * infos
    return round(100 / (1 + points / max(1, entries) / HALF_AT))


def summary_rows(findings: list[Finding], teams: dict[str, TeamSide]) -> list[dict]:
    """`[{team, file, entries, score, errors, warnings, infos, families: {KP1: {...}}}]`, worst first."""
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: {family: {"errors": 0, "warnings": 0, "infos": 0} for family in FAMILIES})
    files: dict[str, str] = {name: side.file for name, side in teams.items()}
    team_of_file = {side.file: name for name, side in teams.items()}
    for f in findings:
        team = f.team if f.team is not None and f.team in teams else team_of_file.get(f.file, f.file)
        files.setdefault(team, f.file)
        counts[team][f.code[:3]][f.severity.value + "s"] += 1  # every code's family is one (a test says so)
    rows = []
    for team in sorted(set(files) | set(counts)):
        families = counts[team]
        total = {key: sum(family[key] for family in families.values()) for key in ("errors", "warnings", "infos")}
        entries = teams[team].entries if team in teams else 0
        rows.append({"team": team, "file": files[team], "entries": entries,
                     "score": score(total["errors"], total["warnings"], total["infos"], entries),
                     **total, "families": {code: dict(values) for code, values in families.items()}})
    rows.sort(key=lambda row: (row["score"], row["team"]))
    return rows


def write_json(rows: list[dict], stream: TextIO) -> None:
    from kpoctl.common.jsonout import dumps

    stream.write(dumps(rows))


def shown_families(rows: list[dict]) -> list[str]:
    """The family columns of the table: RULES.md's five, then history's and a profile's
    only where a team has findings of theirs (most scorecards have none)."""
    return [code for code in FAMILIES
            if code in CORE or any(sum(row["families"][code].values()) for row in rows)]


def _cell(values: dict[str, int]) -> str:
    """'2E 3W' for a family's findings; '' for none."""
    parts = [f"{values[key]}{key[0].upper()}" for key in ("errors", "warnings", "infos") if values[key]]
    return " ".join(parts)


def write_text(rows: list[dict], stream: TextIO) -> None:
    from rich.table import Table
    from rich.text import Text

    from kpoctl.common.textsafe import plain
    from kpoctl.output.reporters.text import console_for
    from kpoctl.output.tables import print_whole

    console = console_for(stream)
    table = Table(box=None, show_edge=False, pad_edge=False, title="Health per team, worst first",
                  title_justify="left", title_style="bold")
    families = shown_families(rows)
    table.add_column("score", justify="right", no_wrap=True)  # every column whole: print_whole
    table.add_column("team", no_wrap=True)
    for code in families:
        table.add_column(f"{code}\n{FAMILIES[code]}", no_wrap=True)  # the code over the name: as wide as the longer
    table.add_column("entries", justify="right", no_wrap=True)
    for row in rows:
        style = "bold red" if row["score"] < 50 else "yellow" if row["score"] < 80 else "green"
        table.add_row(Text(str(row["score"]), style=style), Text(plain(row["team"])),
                      *(_cell(row["families"][code]) for code in families), str(row["entries"]))
    print_whole(console, table)
    mean = round(sum(r["score"] for r in rows) / len(rows)) if rows else 100
    console.print(Text(f"{len(rows)} team{'s' if len(rows) != 1 else ''}, mean score {mean}; "
                       "E errors, W warnings, I infos; `kpoctl explain score` gives the formula.", style="bold"))


def write_markdown(rows: list[dict], stream: TextIO) -> None:
    from kpoctl.common.textsafe import markdown_cell

    families = shown_families(rows)
    lines = ["| score | team | " + " | ".join(f"{code} {FAMILIES[code]}" for code in families) + " | entries |",
             "|---:|---|" + "---|" * len(families) + "---:|"]
    for row in rows:
        cells = [str(row["score"]), markdown_cell(row["team"]), *(_cell(row["families"][c]) for c in families),
                 str(row["entries"])]
        lines.append("| " + " | ".join(cells) + " |")
    stream.write("\n".join(lines) + "\n")
