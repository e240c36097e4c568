"""Benchmark kpoctl against the YAML parser itself and yamllint, on generated scorecards.

    python benchmarks/run.py                       # 100, 1,000 and 10,000 teams (about 20 minutes)
    python benchmarks/run.py --sizes 100 --runs 1  # the smoke run CI does

For each size, on the same files in the same run: the bare libyaml load (PyYAML's
CSafeLoader, one process), libyaml's bare event stream (the floor) and `kpoctl lint
--no-cache` (cold) in turns, `kpoctl lint` on an empty cache (the first run, which fills
it), `kpoctl lint` after one file was edited without touching its links (a comment, a
title, an actual), in JSON and in text as a terminal user sees it, and after one file's
links changed (here an indicator's `timing`, which cross-team rules read), every other
command that reads the scorecard (count, tree, orphans, report, export, record, diff)
cold, in turns with a cold lint, and after one edit (the views also on their first run
after a lint on an empty cache, as CI runs them: every file's entry there, the view's
parts not), yamllint, and the start-up a pre-commit hook pays (`kpoctl --version`,
`kpoctl lint examples/best-company` warm and with --no-cache, and a typer command with
lint's options doing nothing) against `import typer`, run in turns so that a machine
that slows down meanwhile slows both. Every command runs in its own process; times are
medians of --runs (of --warm-runs for the runs after an edit, which take a fraction of a
second); peak memory is the largest total PSS of the process and its workers, sampled
from /proc (proportional set size: a page a forked worker still shares with the main
process is counted once between them, where summing RSS counts it in each). Cold lint
against the floor is given in wall-clock time and in CPU time (the command's and its
workers'): the floor uses one core, lint every core there is.
Writes benchmarks/RESULTS.md (the README quotes it).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kpoctl.bench.generate import generate  # noqa: E402

LIBYAML = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    with open(path, "rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""

# The true floor: libyaml's event stream, nothing built from it (one process).
LIBYAML_EVENTS = """
import sys
from pathlib import Path
from yaml._yaml import CParser
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    parser = CParser(path.read_bytes())
    while parser.get_event() is not None:
        pass
    parser.dispose()
"""

# Every command that reads a scorecard, as a script or CI would run it.
VIEWS = {
    "count": ["count", "--format", "json"],
    "tree": ["tree", "--format", "json"],
    "orphans": ["orphans", "--format", "json"],
    "report": ["report", "--format", "json"],
    "report text": ["report", "--format", "text"],
    "export": ["export"],  # the sheet, as CSV
}


def _tree_rss(pid: int) -> int:
    """Total proportional memory (bytes) of a process and its descendants: each one's Pss
    (its private pages and its share of the pages it shares), VmRSS where the kernel
    gives no smaps_rollup."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            total += _pss(current)
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(c) for c in children.read().split())
        except OSError:
            continue
    return total


def _pss(pid: int) -> int:
    for name, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name) as lines:
                for line in lines:
                    if line.startswith(field):
                        return int(line.split()[1]) * 1024
        except FileNotFoundError:
            continue
    return 0


ENV: dict[str, str] = dict(os.environ)


class Run(NamedTuple):
    seconds: float  # wall clock
    peak: int  # peak total PSS in bytes
    code: int  # exit code
    cpu: float  # CPU seconds (user and system) of the process and its workers


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], *, cwd: Path | None = None) -> Run:
    """One run. Its CPU time is what the children this process reaped used meanwhile:
    the command, and its workers, which it reaps before it ends."""
    peak = 0
    cpu = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return Run(elapsed, peak, code, _children_cpu() - cpu)


class Timing(NamedTuple):
    seconds: float  # median wall clock
    peak: int  # largest peak PSS in bytes
    cpu: float  # median CPU seconds


def median_of(runs: int, command: list[str], prepare=None) -> Timing:
    """Medians of `runs` runs, and their largest peak; a run that fails (exit 2 and up: an
    error, not findings) stops the benchmark rather than timing an error message."""
    done = []
    for _ in range(runs):
        if prepare:
            prepare()
        run = measure(command)
        if run.code not in (0, 1):
            raise SystemExit(f"benchmark: {' '.join(command)} exited {run.code}")
        done.append(run)
    return _timing(done)


def _timing(runs: list) -> Timing:
    """Runs (or Timings) as one: median wall clock and CPU, largest peak."""
    return Timing(statistics.median(r.seconds for r in runs), max(r.peak for r in runs),
                  statistics.median(r.cpu for r in runs))


def paired(runs: int, first: list[str], second: list[str], prepare_first=None,
           prepare_second=None) -> tuple[Timing, Timing]:
    """`first` and `second` run in turns, `runs` times each: the Timing of each. A ratio of
    the two is then measured in the same minutes: this machine's speed drifts by a third
    over a long run, which ratios of runs made far apart took in."""
    done: tuple[list, list] = ([], [])
    for _ in range(runs):
        for index, (command, prepare) in enumerate(((first, prepare_first), (second, prepare_second))):
            done[index].append(median_of(1, command, prepare))
    return _timing(done[0]), _timing(done[1])


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.yaml"))


def bench_size(count: int, runs: int, warm_runs: int, out: Path, yamllint_max: int) -> dict:
    folder = out / f"teams-{count}"
    if not (folder / "teams").is_dir():
        print(f"generating {count} teams ...", flush=True)
        generate(count, folder)
    cache = out / f"cache-{count}"  # the user's cache folder, as KPOCTL_CACHE_DIR names it
    ENV["KPOCTL_CACHE_DIR"] = str(cache)
    ENV.pop("COLUMNS", None)
    shutil.rmtree(cache, ignore_errors=True)
    size = folder_size(folder / "teams")
    kpoctl = [sys.executable, "-m", "kpoctl", "lint", str(folder), "--format", "json"]
    result: dict = {"teams": count, "mb": size / 1e6}
    print(f"{count} teams ({size / 1e6:.1f} MB): libyaml", flush=True)
    result["libyaml"], result["libyaml_mem"], _ = median_of(runs, [sys.executable, "-c", LIBYAML, str(folder / "teams")])
    print(f"{count} teams: libyaml events and kpoctl lint, cold, in turns", flush=True)
    events = [sys.executable, "-c", LIBYAML_EVENTS, str(folder / "teams")]
    floor, cold = paired(runs, events, [*kpoctl, "--no-cache"])
    result["events"], result["events_cpu"] = floor.seconds, floor.cpu
    result["cold"], result["cold_mem"], result["cold_cpu"] = cold
    print(f"{count} teams: kpoctl lint, first run on an empty cache", flush=True)
    result["first"] = median_of(runs, kpoctl, lambda: shutil.rmtree(cache, ignore_errors=True)).seconds
    victim = sorted((folder / "teams").glob("*.yaml"))[count // 2]
    original = victim.read_text()

    def edit_one_file() -> None:
        victim.write_text(victim.read_text() + f"# edited {time.time_ns()}\n")

    def change_one_files_links() -> None:
        text = victim.read_text()
        flipped = text.replace("timing: lagging", "timing: @", 1).replace("timing: leading", "timing: lagging", 1)
        victim.write_text(flipped.replace("timing: @", "timing: leading", 1))

    print(f"{count} teams: kpoctl lint, warm cache, one file edited", flush=True)
    result["warm"], result["warm_mem"], _ = median_of(warm_runs, kpoctl, edit_one_file)
    print(f"{count} teams: kpoctl lint --format text, warm cache, one file edited", flush=True)
    as_text = [*kpoctl[:-1], "text"]
    result["warm_text"] = median_of(warm_runs, as_text, edit_one_file).seconds
    print(f"{count} teams: kpoctl lint, warm cache, one file's links changed", flush=True)
    result["links"] = median_of(warm_runs, kpoctl, change_one_files_links).seconds
    result["views"], result["after_lint"] = {}, {}

    def lint_on_an_empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        median_of(1, kpoctl)

    for name, args in VIEWS.items():
        command = [sys.executable, "-m", "kpoctl", *args, str(folder)]
        print(f"{count} teams: kpoctl {' '.join(args)}, cold (in turns with lint), after a lint and after one edit",
              flush=True)
        lint, cold = paired(runs, [*kpoctl, "--no-cache"], [*command, "--no-cache"])
        # what CI does: lint, then the view, whose parts the cache does not hold yet
        after_lint = median_of(runs, command, lint_on_an_empty_cache)  # it fills the cache
        result["after_lint"][name] = (after_lint.seconds, after_lint.peak)
        warm = median_of(warm_runs, command, edit_one_file)
        result["views"][name] = (cold.seconds, cold.peak, warm.seconds, warm.peak, lint.seconds)
    for name, (command, restore) in writing_commands(folder, victim, original).items():
        # neither has --no-cache: cold is a run on an empty cache, beside lint's run on an empty cache
        print(f"{count} teams: kpoctl {name}, on an empty cache (in turns with lint) and after one edit", flush=True)
        empty = lambda: (restore(), shutil.rmtree(cache, ignore_errors=True))  # noqa: E731
        lint, cold = paired(runs, kpoctl, command, empty, empty)
        median_of(1, command, restore)  # fill the cache
        warm = median_of(warm_runs, command, lambda: (restore(), edit_one_file()))
        result["views"][name] = (cold.seconds, cold.peak, warm.seconds, warm.peak, lint.seconds)
    victim.write_text(original)
    if count <= yamllint_max and shutil.which("yamllint"):
        print(f"{count} teams: yamllint", flush=True)
        result["yamllint"] = median_of(1 if count >= 10_000 else runs, ["yamllint", "-f", "parsable", str(folder / "teams")]).seconds
    else:
        result["yamllint"] = None
    return result


def writing_commands(folder: Path, victim: Path, original: str) -> dict[str, tuple[list[str], object]]:
    """`record` (one actual into the edited file, which is put back before each run) and
    `diff HEAD` (the edited working tree against the generated scorecard, committed once
    in its own git repository), each with what puts the scorecard back before a run."""
    victim.write_text(original)
    if not (folder / ".git").exists():
        git = ["git", "-c", "user.email=bench@kpoctl", "-c", "user.name=bench"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "generated scorecard"]):
            subprocess.run([*git, *args], cwd=folder, check=True, capture_output=True)
    import yaml

    data = yaml.safe_load(original)
    indicator = f"{data['team']}/{data['indicators'][0]['id']}"
    kpoctl = [sys.executable, "-m", "kpoctl"]
    return {
        "record": ([*kpoctl, "record", indicator, "1", str(folder), "--period", "2031-01"],
                   lambda: victim.write_text(original)),
        "diff": ([*kpoctl, "diff", "HEAD", str(folder), "--format", "json"], lambda: None),
    }


EXAMPLE = HERE.parent / "examples" / "best-company"
# A typer command with lint's options that does nothing: what any typer CLI pays to run
# a command before its own work (typer 0.29 parses each option through a pydantic
# TypeAdapter, so it imports pydantic and builds one adapter per option).
TYPER_COMMAND = """
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional
import typer
app = typer.Typer()
class Choice(str, Enum):
    a = "a"
    b = "b"
@app.callback()
def main(version: Annotated[bool, typer.Option("--version")] = False): pass
@app.command()
def lint(path: Annotated[Path, typer.Argument()] = Path("."),
         select: Annotated[Optional[list[str]], typer.Option()] = None,
         ignore: Annotated[Optional[list[str]], typer.Option()] = None,
         fail_on: Annotated[Choice, typer.Option()] = Choice.a,
         output_format: Annotated[Optional[Choice], typer.Option("--format")] = None,
         baseline: Annotated[Optional[Path], typer.Option()] = None,
         write_baseline: Annotated[Optional[Path], typer.Option()] = None,
         no_cache: Annotated[bool, typer.Option()] = False, statistics: Annotated[bool, typer.Option()] = False,
         summary: Annotated[bool, typer.Option()] = False, history: Annotated[bool, typer.Option()] = False,
         since: Annotated[Optional[str], typer.Option()] = None,
         last: Annotated[Optional[int], typer.Option(min=1)] = None,
         base: Annotated[Optional[str], typer.Option()] = None): pass
@app.command()
def other(): pass
app()
"""

STARTS = {  # what a pre-commit hook pays on every commit, against importing typer alone
    "kpoctl --version": ["--version"],
    "kpoctl lint examples/best-company": ["lint", str(EXAMPLE)],
    "same, --no-cache": ["lint", str(EXAMPLE), "--no-cache"],
}


def cold_start(runs: int) -> tuple[float, dict[str, float]]:
    """Medians of `import typer` and of each start in STARTS, run in turns (lint's cache
    filled first, so its runs are warm)."""
    measure([sys.executable, "-m", "kpoctl", "lint", str(EXAMPLE)])
    typer: list[float] = []
    starts: dict[str, list[float]] = {name: [] for name in [TYPER_FLOOR, *STARTS]}
    for _ in range(runs):
        typer.append(measure([sys.executable, "-c", "import typer"]).seconds)
        starts[TYPER_FLOOR].append(measure([sys.executable, "-c", TYPER_COMMAND, "lint", str(EXAMPLE)]).seconds)
        for name, args in STARTS.items():
            starts[name].append(measure([sys.executable, "-m", "kpoctl", *args]).seconds)
    return statistics.median(typer), {name: statistics.median(times) for name, times in starts.items()}


TYPER_FLOOR = "a typer command with lint's options doing nothing"


def table(results: list[dict], typer: float, starts: dict[str, float], runs: int, warm_runs: int,
          start_runs: int) -> str:
    lines = [
        f"Measured on {platform.node() and 'this machine'}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, medians of {runs} runs ({warm_runs} after an edit, {start_runs} of the "
        "cold start; yamllint at 10,000 teams: one run).",
        "",
        "| teams | MB | libyaml events s | libyaml load s | kpoctl lint cold s | MB/s | yamllint s "
        "| lint / events | lint / events, CPU | lint / load | yamllint / lint | peak MB (lint cold) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        yl = f"{r['yamllint']:.1f}" if r["yamllint"] else "not run"
        ratio_yl = f"{r['yamllint'] / r['cold']:.1f}x" if r["yamllint"] else "-"
        lines.append(
            f"| {r['teams']:,} | {r['mb']:.1f} | {r['events']:.2f} | {r['libyaml']:.2f} | {r['cold']:.2f} "
            f"| {r['mb'] / r['cold']:.1f} | {yl} | {r['cold'] / r['events']:.2f} | {r['cold_cpu'] / r['events_cpu']:.2f} "
            f"| {r['cold'] / r['libyaml']:.2f} "
            f"| {ratio_yl} | {r['cold_mem'] / 1e6:.0f} |"
        )
    lines += [
        "",
        "With the cache (in the user's cache folder), against the cold run above:",
        "",
        "| teams | first run, empty cache s | one file edited s | edited / cold | same, `--format text` s "
        "| one file's links changed s | links / cold | peak MB (one file edited) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['teams']:,} | {r['first']:.2f} | {r['warm']:.2f} | {r['warm'] / r['cold']:.2f} "
            f"| {r['warm_text']:.2f} | {r['links']:.2f} | {r['links'] / r['cold']:.2f} | {r['warm_mem'] / 1e6:.0f} |"
        )
    lines += [
        "",
        "Every command through the one read path: cold (`--no-cache`; `record` and `diff HEAD`, which have no such "
        "option: on an empty cache) and after one file was edited (warm cache). Each cold run takes turns with a "
        "cold lint (for record and diff, lint on an empty cache), and is given against that lint's median:",
        "",
        "| teams | " + " | ".join(f"{name} cold s | {name} warm s" for name in results[0]["views"]) + " |",
        "|---:|" + "---:|---:|" * len(results[0]["views"]),
    ]
    for r in results:
        cells = [f"{v[0]:.2f} ({v[0] / v[4]:.2f}x lint) | {v[2]:.2f} ({v[2] / v[0]:.0%})" for v in r["views"].values()]
        lines.append(f"| {r['teams']:,} | " + " | ".join(cells) + " |")
    lines += ["", "Peak memory, cold / warm, MB: " + "; ".join(
        f"{r['teams']:,} teams: " + ", ".join(f"{name} {v[1] / 1e6:.0f}/{v[3] / 1e6:.0f}" for name, v in r["views"].items())
        for r in results) + "."]
    lines += ["", "A view's first run after a lint on an empty cache (what CI does: the files' entries are "
              "there, the view's parts not yet), s and peak MB: " + "; ".join(
                  f"{r['teams']:,} teams: " + ", ".join(f"{name} {s:.2f} s {peak / 1e6:.0f} MB"
                                                       for name, (s, peak) in r["after_lint"].items())
                  for r in results) + "."]
    by = {r["teams"]: r for r in results}
    lines += ["", f"Cold start against `python -c 'import typer'` ({typer * 1000:.0f} ms): " + "; ".join(
        f"`{name}` {seconds * 1000:.0f} ms ({seconds / typer:.2f}x)" for name, seconds in starts.items()) + "."]
    if 1000 in by and 10_000 in by:
        lines.append(f"Growth: lint at 10,000 teams / 1,000 teams = {by[10_000]['cold'] / by[1000]['cold']:.1f}.")
    return "\n".join(lines) + "\n"


def compile_bytecode() -> None:
    """Measure kpoctl as `pip install` leaves it: compiled to bytecode. (Where
    PYTHONDONTWRITEBYTECODE is set, as on some CI images, an editable checkout would
    otherwise compile every module on every run.)"""
    import compileall

    compileall.compile_dir(str(HERE.parent / "kpoctl"), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=9, help="runs after an edit (each a fraction of a second)")
    parser.add_argument("--start-runs", type=int, default=21, help="runs of the cold start, in turns")
    parser.add_argument("--yamllint-max", type=int, default=10_000, help="skip yamllint above this many teams")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    compile_bytecode()
    results = [bench_size(n, args.runs, args.warm_runs, args.out, args.yamllint_max) for n in sizes]
    typer, starts = cold_start(args.start_runs)
    text = table(results, typer, starts, args.runs, args.warm_runs, args.start_runs)
    print(text)
    args.results.write_text("# Benchmark results\n\nWritten by `python benchmarks/run.py`.\n\n" + text)


if __name__ == "__main__":
    main()
