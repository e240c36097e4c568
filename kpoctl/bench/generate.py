"""Write a realistic scorecard of N teams: `python -m kpoctl.bench.generate N DIR`.

A tree with branching 5; each team has 3 KPOs, 5 POs, 3 KPIs, 6 PIs, a context
indicator and 12 monthly actuals per indicator, with comments, as people write
them. A sprinkling of real findings: orphan KPIs, weasel words, stale actuals,
and one cycle of parents. Deterministic for a given N (seeded).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

BRANCHING = 5
PERSPECTIVES = ("financial", "customer", "process", "learning")


def team_id(index: int) -> str:
    return "company" if index == 0 else f"team-{index:05d}"


def parent_of(index: int) -> int:
    return (index - 1) // BRANCHING


def _actuals(rng: random.Random, target: float, direction: str, stale: bool) -> str:
    months = range(1, 13) if not stale else range(1, 5)
    year = 2026 if not stale else 2025
    spread = max(abs(target) * 0.06, 0.5)
    values = [target + rng.uniform(-spread, spread * (0.4 if direction == "at_least" else 1.0)) for _ in months]
    return "".join(f"      - {{period: {year}-{m:02d}, value: {v:.1f}}}\n" for m, v in zip(months, values))


def team_yaml(index: int, count: int, rng: random.Random) -> str:
    tid = team_id(index)
    top = index == 0
    parent = team_id(parent_of(index)) if not top else None
    if count > 50 and index in (count - 1, count - 2):  # a cycle of parents between the last two teams
        parent = team_id(count - 2 if index == count - 1 else count - 1)
    weasel = rng.random() < 0.05
    orphan = rng.random() < 0.04
    stale = rng.random() < 0.05
    lines = [
        "# yaml-language-server: $schema=../schemas/team.schema.json",
        f"# Scorecard of {tid}: reviewed in the monthly management meeting.",
        f"team: {tid}",
        f"name: Management team {index}",
    ]
    if parent:
        lines.append(f"parent: {parent}")
    lines += [f"owner: Head of team {index}", "meeting: monthly", "", "objectives:"]
    kpos = ["otif", "revenue", "engagement"]
    for k, kpo in enumerate(kpos):
        title = ("Optimize" if weasel and k == 0 else "Reach") + f" {90 + k}% on {kpo} for team {index} by December"
        lines += [
            f"  - id: {kpo}",
            "    level: KPO",
            f"    title: {title}",
        ]
        if parent:
            lines.append(f"    cascades_from: {team_id(parent_of(index)) if index < count - 2 or count <= 50 else parent}/{kpo}")
        lines += [f"    perspective: {PERSPECTIVES[k]}", "    due: 2026-12-31"]
    for p in range(5):
        role = "breakdown" if p < 2 else "enabling"
        lines += [
            f"  - id: po-{p}",
            "    level: PO",
            f"    role: {role}",
            f"    supports: {kpos[p % 3]}",
        ]
        if role == "breakdown":
            lines += ["    by: segment", "    weight: 0.5"]
        lines += [
            f"    title: Deliver {91 + p}% of segment {p} work on time in team {index}",
            "    perspective: process" if p == 4 else f"    perspective: {PERSPECTIVES[p % 4]}",
            "    due: 2026-12-31",
        ]
    lines += ["", "indicators:"]
    for k, kpo in enumerate(kpos):
        lines += [
            f"  # {kpo}: the key indicator the team reviews first",
            f"  - id: {kpo}-kpi",
            "    level: KPI",
        ]
        if not (orphan and k == 2):
            lines.append(f"    measures: {kpo}")
        target = 90 + k
        lines += [
            f"    name: {kpo.title()} rate of team {index}",
            '    unit: "%"',
            "    timing: lagging",
            "    frequency: monthly",
            f"    owner: Lead {k} of team {index}",
            f"    target: {{value: {target}, direction: at_least, tolerance: 1}}",
            "    actions:",
            "      - Review the gap in the monthly meeting",
            "    actuals:",
        ]
        lines.append(_actuals(rng, target, "at_least", stale and k == 0).rstrip("\n"))
    for p in range(6):
        po = p if p < 5 else 4
        target = 91 + po
        lines += [
            f"  - id: pi-{p}",
            "    level: PI",
            f"    measures: po-{po}",
            f"    name: Work of segment {p} done on time",
            '    unit: "%"',
            f"    timing: {'leading' if po >= 2 else 'lagging'}",
            "    frequency: monthly",
            f"    owner: Supervisor {p}",
            f"    target: {{value: {target}, direction: at_least, tolerance: 2}}",
            "    actuals:",
            _actuals(rng, target, "at_least", False).rstrip("\n"),
        ]
    lines += [
        "  - id: weather",
        "    level: context",
        "    name: Average outside temperature",
        '    unit: "°C"',
        "    frequency: monthly",
        "    actuals:",
        _actuals(rng, 12, "equal", False).rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"


def generate(count: int, folder: Path, seed: int = 7) -> int:
    """Write `count` team files into `folder/teams/`; return the bytes written."""
    rng = random.Random(seed)
    teams = folder / "teams"
    teams.mkdir(parents=True, exist_ok=True)
    (folder / "kpoctl.yaml").write_text("today: 2026-11-21\n", encoding="utf-8")
    total = 0
    for index in range(count):
        text = team_yaml(index, count, rng)
        (teams / f"{team_id(index)}.yaml").write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not args[0].isdigit():
        sys.stderr.write("usage: python -m kpoctl.bench.generate N DIR\n")
        raise SystemExit(2)
    size = generate(int(args[0]), Path(args[1]))
    sys.stderr.write(f"wrote {args[0]} teams, {size / 1e6:.1f} MB, into {args[1]}\n")


if __name__ == "__main__":
    main()
