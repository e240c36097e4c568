"""Write a git repository of N teams and C commits: `python -m kpoctl.bench.history N C DIR`.

The history a scorecard repository has after a year or two of meetings: each
commit records a month's actuals for one to three teams; now and then someone
games the scorecard the ways the KP5xx rules look for (a target lowered after
a miss, an off-track indicator removed, a past actual rewritten, a due date
pushed back). Commits go through `git fast-import`, so thousands of commits take
seconds; authors and dates are fixed, so a given (N, C) gives the same hashes.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kpoctl.bench.generate import parent_of, team_id

AUTHORS = ("Ann Lee <ann@example.com>", "Bob Roy <bob@example.com>", "Cy Diaz <cy@example.com>")
START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.timezone.utc)
KPOS = ("otif", "revenue", "engagement")


@dataclass
class Indicator:
    target: float
    actuals: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class TeamState:
    index: int
    count: int
    due: dict[str, str] = field(default_factory=lambda: {kpo: "2026-12-31" for kpo in KPOS})
    indicators: dict[str, Indicator] = field(default_factory=dict)

    def render(self) -> str:
        index, tid = self.index, team_id(self.index)
        lines = ["# yaml-language-server: $schema=../schemas/team.schema.json",
                 f"team: {tid}", f"name: Management team {index}"]
        if index:
            lines.append(f"parent: {team_id(parent_of(index))}")
        lines += [f"owner: Head of team {index}", "meeting: monthly", "", "objectives:"]
        for kpo in KPOS:
            lines += [f"  - id: {kpo}", "    level: KPO", f"    title: Reach the {kpo} target of team {index}"]
            if index:
                lines.append(f"    cascades_from: {team_id(parent_of(index))}/{kpo}")
            lines.append(f"    due: {self.due[kpo]}")
        lines += ["", "indicators:"]
        for kpo in KPOS:
            indicator = self.indicators.get(kpo)
            if indicator is None:
                continue
            lines += [f"  - id: {kpo}-kpi", "    level: KPI", f"    measures: {kpo}",
                      f"    name: {kpo.title()} rate of team {index}", '    unit: "%"', "    frequency: monthly",
                      f"    target: {{value: {indicator.target:g}, direction: at_least, tolerance: 1}}"]
            if indicator.actuals:
                lines.append("    actuals:")
                lines += [f"      - {{period: {period}, value: {value:g}}}" for period, value in indicator.actuals]
        return "\n".join(lines) + "\n"


def _month_before(day: dt.datetime) -> str:
    first = day.date().replace(day=1) - dt.timedelta(days=1)
    return f"{first.year}-{first.month:02d}"


def _later(due: str, months: int) -> str:
    year, month = int(due[:4]), int(due[5:7]) + months
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return f"{year}-{month:02d}-{last:02d}"


def _edit(state: TeamState, rng: random.Random, when: dt.datetime) -> str:
    """Change one team as a commit would; say what was done."""
    kpo = rng.choice([k for k in KPOS if k in state.indicators] or [KPOS[0]])
    indicator = state.indicators.setdefault(kpo, Indicator(target=90.0))
    roll = rng.random()
    last = indicator.actuals[-1] if indicator.actuals else None
    if roll < 0.02 and last and last[1] < indicator.target - 1:
        indicator.target = float(int(last[1]))
        return f"Set {kpo} target to what is reachable"
    if roll < 0.03 and last and last[1] < indicator.target - 1 and len(state.indicators) > 1:
        del state.indicators[kpo]
        return f"Drop the {kpo} indicator"
    if roll < 0.05 and len(indicator.actuals) > 2:
        at = rng.randrange(len(indicator.actuals) - 1)
        period, value = indicator.actuals[at]
        indicator.actuals[at] = (period, round(value + 1.5, 1))
        return f"Correct the {kpo} figure of {period}"
    if roll < 0.06:
        state.due[kpo] = _later(state.due[kpo], 3)
        return f"Give {kpo} one more quarter"
    period = _month_before(when)
    if last and last[0] >= period:
        return f"Review {kpo}"
    indicator.actuals.append((period, round(indicator.target + rng.uniform(-4, 2), 1)))
    return f"Record the {kpo} actual of {period}"


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def stream(teams: int, commits: int, seed: int = 11) -> bytes:
    """A `git fast-import` stream of the whole history."""
    rng = random.Random(seed)
    states = [TeamState(i, teams, indicators={k: Indicator(target=90.0 + n) for n, k in enumerate(KPOS)})
              for i in range(teams)]
    chunks: list[bytes] = []
    for number in range(1, commits + 1):
        when = START + dt.timedelta(hours=12 * (number - 1))
        author = AUTHORS[number % len(AUTHORS)]
        stamp = f"{author} {int(when.timestamp())} +0000".encode()
        if number == 1:
            message, changed = "Scorecard of every team", states
            changed_files = [(b"kpoctl.yaml", b"today: 2026-11-21\n")]
        else:
            busy = states[:50] if rng.random() < 0.6 else states  # most commits are the busy teams' monthly figures
            changed = rng.sample(busy, k=min(len(busy), rng.randint(1, 3)))
            message = "; ".join(_edit(state, rng, when) for state in changed)
            changed_files = []
        changed_files += [(f"teams/{team_id(s.index)}.yaml".encode(), s.render().encode()) for s in changed]
        chunks.append(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n" % (number, stamp, stamp))
        chunks.append(_data(message.encode()))
        if number > 1:
            chunks.append(b"from :%d\n" % (number - 1))
        for path, payload in changed_files:
            chunks.append(b"M 100644 inline %s\n" % path + _data(payload))
        chunks.append(b"\n")
    return b"".join(chunks)


def make_repository(teams: int, commits: int, folder: Path, seed: int = 11) -> Path:
    """Create `folder` as a git repository holding the generated history, checked out."""
    return _import(stream(teams, commits, seed), folder)


def replay_stream(commits: list[dict]) -> bytes:
    """A `git fast-import` stream of commits written as in examples/gamed-history/commits.yaml:
    each with author ("Name <email>"), date, message, and `write` (whole files), `change`
    (per file, [old, new] replacements whose old text occurs exactly once) or `remove`."""
    files: dict[str, str] = {}
    chunks: list[bytes] = []
    for number, commit in enumerate(commits, start=1):
        touched: dict[str, str | None] = {}
        for name, text in (commit.get("write") or {}).items():
            touched[name] = files[name] = text
        for name, replacements in (commit.get("change") or {}).items():
            text = files[name]
            for old, new in replacements:
                if text.count(old) != 1:
                    raise ValueError(f"commit {number}: {old!r} occurs {text.count(old)} times in {name}, not once")
                text = text.replace(old, new)
            touched[name] = files[name] = text
        for name in commit.get("remove") or ():
            del files[name]
            touched[name] = None
        author = commit["author"] if "<" in commit["author"] else f"{commit['author']} <someone@example.com>"
        when = dt.datetime.combine(dt.date.fromisoformat(str(commit["date"])), dt.time(9), dt.timezone.utc)
        stamp = f"{author} {int(when.timestamp())} +0000".encode()
        chunks.append(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n" % (number, stamp, stamp))
        chunks.append(_data(str(commit.get("message", f"Change {number}")).encode()))
        if number > 1:
            chunks.append(b"from :%d\n" % (number - 1))
        for name, text in touched.items():
            chunks.append(b"D %s\n" % name.encode() if text is None else
                          b"M 100644 inline %s\n" % name.encode() + _data(text.encode()))
        chunks.append(b"\n")
    return b"".join(chunks)


def _import(stream_bytes: bytes, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    git = ["git", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"]
    subprocess.run([*git, "init", "-q", str(folder)], check=True)
    subprocess.run([*git, "fast-import", "--quiet"], cwd=folder, input=stream_bytes, check=True)
    subprocess.run([*git, "checkout", "-q", "-f", "main"], cwd=folder, check=True)
    return folder


def replay(commits_file: Path, folder: Path) -> Path:
    """Create `folder` as a git repository of the commits in `commits_file`, checked out."""
    import yaml

    return _import(replay_stream(yaml.safe_load(commits_file.read_text(encoding="utf-8"))), folder)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 3 and args[0] == "--replay":
        replay(Path(args[1]), Path(args[2]))
        sys.stderr.write(f"replayed {args[1]} into {args[2]}\n")
        return
    if len(args) != 3 or not (args[0].isdigit() and args[1].isdigit()):
        sys.stderr.write("usage: python -m kpoctl.bench.history TEAMS COMMITS DIR\n"
                         "       python -m kpoctl.bench.history --replay COMMITS.yaml DIR\n")
        raise SystemExit(2)
    make_repository(int(args[0]), int(args[1]), Path(args[2]))
    sys.stderr.write(f"wrote {args[0]} teams and {args[1]} commits into {args[2]}\n")


if __name__ == "__main__":
    main()
