"""Benchmark the history check: `kpoctl history` against the bare git walk it needs.

    python benchmarks/history.py                          # 1,000 teams x 500 commits, and more
    python benchmarks/history.py --sizes 20x30 --runs 1   # the smoke run of the suite

For each size, on one generated repository (kpoctl.bench.history) in one run: the
floor, which is libgit2 (pygit2) walking the first-parent line, diffing each commit's
tree with its parent's and reading every changed blob, in one process and nothing
parsed; the same walk with dulwich (the other library we could have used: how we
chose); `kpoctl history --format json` (every KP5xx rule, a process of its own; it
reads no cache) and `kpoctl history TEAM/ID --format json` (one indicator's
timeline). Times are medians of --runs; peak memory is the process's largest RSS.
Writes benchmarks/HISTORY.md (the README quotes it).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kpoctl.bench.generate import team_id  # noqa: E402
from kpoctl.bench.history import make_repository  # noqa: E402

PYGIT2_WALK = """
import sys, pygit2
repo = pygit2.Repository(sys.argv[1])
line, commit = [], repo.head.peel(pygit2.Commit)
while commit is not None:
    line.append(commit)
    commit = commit.parents[0] if commit.parents else None
line.reverse()
size = 0
for parent, commit in zip([None] + line, line):
    if parent is None:
        continue
    for delta in parent.tree.diff_to_tree(commit.tree).deltas:
        for side in (delta.old_file, delta.new_file):
            if side.mode:
                size += len(repo[side.id].data)
print(size)
"""

DULWICH_WALK = """
import sys
from dulwich.diff_tree import tree_changes
from dulwich.repo import Repo
repo = Repo(sys.argv[1])
store, line, commit = repo.object_store, [], repo[repo.head()]
while True:
    line.append(commit)
    if not commit.parents:
        break
    commit = repo[commit.parents[0]]
line.reverse()
size = 0
for parent, commit in zip(line, line[1:]):
    for change in tree_changes(store, parent.tree, commit.tree):
        for side in (change.old, change.new):
            if side is not None and side.sha is not None:
                size += len(store[side.sha].data)
print(size)
"""


def _peak_rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _peak_rss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {err.decode()[-400:]}")
    return elapsed, peak[0] // 1024, process.returncode


def median_of(runs: int, command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    results = [timed(command, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def has_dulwich() -> bool:
    return subprocess.run([sys.executable, "-c", "import dulwich"], capture_output=True).returncode == 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000x500,1000x2000,10000x500", help="TEAMSxCOMMITS, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "history")
    parser.add_argument("--results", type=Path, default=HERE / "HISTORY.md")
    args = parser.parse_args(argv)
    kpoctl = [sys.executable, "-m", "kpoctl"]
    env_note = f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True).stdout.strip()
    if commit:
        env_note += f", commit {commit}"
    rows = []
    dulwich = has_dulwich()
    for size in args.sizes.split(","):
        teams, commits = (int(n) for n in size.split("x"))
        folder = args.out / f"{teams}x{commits}"
        shutil.rmtree(folder, ignore_errors=True)
        make_repository(teams, commits, folder)
        floor, _ = median_of(args.runs, [sys.executable, "-c", PYGIT2_WALK, str(folder)])
        other = median_of(args.runs, [sys.executable, "-c", DULWICH_WALK, str(folder)])[0] if dulwich else None
        check, check_mb = median_of(args.runs, [*kpoctl, "history", str(folder), "--format", "json"])
        one, one_mb = median_of(args.runs, [*kpoctl, "history", f"{team_id(1)}/otif-kpi", str(folder),
                                            "--format", "json"])
        rows.append((teams, commits, floor, other, check, check_mb, one, one_mb))
        print(f"{teams}x{commits}: floor {floor:.2f}s, dulwich {other if other is None else round(other, 2)}, "
              f"history {check:.2f}s {check_mb} MB, one indicator {one:.2f}s", file=sys.stderr)
    lines = [
        "# History benchmark",
        "",
        f"Written by `python benchmarks/history.py` ({env_note}; medians of {args.runs} runs, seconds).",
        "",
        "| teams | commits | git walk, pygit2 (floor) | same walk, dulwich | `kpoctl history` | x floor | peak MB "
        "| `history TEAM/ID` | peak MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for teams, commits, floor, other, check, check_mb, one, one_mb in rows:
        lines.append(f"| {teams:,} | {commits:,} | {floor:.2f} | {'not installed' if other is None else f'{other:.2f}'} "
                     f"| {check:.2f} | {check / floor:.1f} | {check_mb} | {one:.2f} | {one_mb} |")
    args.results.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
