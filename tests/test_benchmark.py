"""The benchmark: a 100-team smoke run (the full run is `python benchmarks/run.py`), and the
README quoting exactly the table the last full run wrote."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def quoted_and_written(results: str, after: str, marker: str) -> tuple[str, str]:
    """The README's copy between `<!-- marker:start/end -->`, and the results file's table."""
    table = (ROOT / "benchmarks" / results).read_text().split(after, 1)[1]
    readme = (ROOT / "README.md").read_text()
    return readme.split(f"<!-- {marker}:start -->\n", 1)[1].split(f"<!-- {marker}:end -->", 1)[0], table


def test_readme_quotes_the_last_benchmark_run():
    quoted, table = quoted_and_written("RESULTS.md", "Written by `python benchmarks/run.py`.\n\n", "bench")
    assert quoted == table, "README's benchmark table differs from benchmarks/RESULTS.md"
    assert "| 10,000 |" in table


def smoke_run(script: str, args: list[str], tmp_path) -> str:
    """What a small run of a benchmark script writes as its results file."""
    results = tmp_path / "results.md"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args, "--out", str(tmp_path / "out"),
                          "--results", str(results)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return results.read_text()


def test_benchmark_smoke_run_on_100_teams(tmp_path):
    text = smoke_run("run.py", ["--sizes", "100", "--runs", "1", "--warm-runs", "1", "--start-runs", "1",
                                "--yamllint-max", "0"], tmp_path)
    speed, cache, views = [line for line in text.splitlines() if line.startswith("| 100 |")]
    cells = [c.strip() for c in speed.strip("|").split("|")]
    assert float(cells[2]) > 0 and float(cells[3]) > 0 and float(cells[4]) > 0  # events, load and lint timed
    assert cells[6] == "not run"
    assert "| lint / events | lint / events, CPU |" in text and float(cells[8]) > 0  # the CPU ratio beside the wall's
    first, edited, _, as_text, links, _, _ = [float(c) for c in cache.strip("|").split("|")[1:]]
    assert first > 0 and edited > 0 and as_text > 0 and links > 0
    commands = [c.strip() for c in views.strip("|").split("|")[1:]]
    assert len(commands) == 16  # count, tree, orphans, report, report text, export, record, diff: cold and warm
    assert all(float(c.split()[0]) > 0 for c in commands)
    after_lint = text.split("parts not yet), s and peak MB: 100 teams: ", 1)[1].split(".\n", 1)[0].split(", ")
    assert [entry.split(" ")[0] for entry in after_lint] == ["count", "tree", "orphans", "report", "report", "export"]
    assert all(float(entry.split()[-4]) > 0 and int(entry.split()[-2]) > 0 for entry in after_lint)
    assert "Cold start against `python -c 'import typer'`" in text and "`kpoctl lint examples/best-company`" in text
    assert "`a typer command with lint's options doing nothing` " in text  # the floor of any typer CLI, same run


def test_a_runs_cpu_time_counts_its_workers():
    """The CPU column would flatter a command that works in processes it starts if only its
    own process were counted: a parent that waits while its child burns CPU is measured
    with the child's time."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    burn = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}], check=True)"
    run = bench.measure([sys.executable, "-c", parent])
    assert run.code == 0
    assert run.cpu >= 0.4  # the child's 0.4 s, with the two interpreters' start


def test_readme_quotes_the_last_history_benchmark_run():
    quoted, table = quoted_and_written("HISTORY.md", "seconds).\n\n", "history-bench")
    assert quoted == table, "README's history benchmark differs from benchmarks/HISTORY.md"
    assert "| 1,000 | 500 |" in table


def test_history_benchmark_smoke_run(tmp_path):
    text = smoke_run("history.py", ["--sizes", "20x30", "--runs", "1"], tmp_path)
    row = [line for line in text.splitlines() if line.startswith("| 20 | 30 |")][0]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[2]) > 0 and float(cells[4]) > 0 and float(cells[7]) > 0  # floor, history, one indicator timed
