"""Mutation testing for kpoctl's rules and domain helpers: does a broken check fail a test?

A small AST mutator of our own, because the rules are decorated functions, which
mutmut 3 leaves alone. Each mutant changes one thing in one module (`<` to `<=`,
`and` to `or`, drops one operand of an `and`, a number plus one, `not` removed,
`+` to `-`, `min` to `max`, `continue` to `break`, True to False), is written into
a private copy of the package, and the tests that cover that module run against it
(`pytest -x`). A mutant the tests do not fail is a survivor: a behaviour nothing
checks. Docstrings, messages and the `@rule(...)` metadata are left alone; message
text is checked by the rule cases, not by this.

    python tools/mutate.py                 # every group, a summary and the survivors
    python tools/mutate.py --group helpers # status, rollup, periods only
    python tools/mutate.py --list          # the mutants, without running anything
    python tools/mutate.py --check         # exit 1 below 85% (rules) or 90% (helpers)

Runs one pytest per mutant, `--jobs` at a time (default: the CPU count).
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kpoctl"

RULE_TESTS = ["tests/test_rules_files.py", "tests/test_rules_cascade.py", "tests/test_rules_focus.py",
              "tests/test_rules_smart.py", "tests/test_rules_practice.py"]
HELPER_TESTS = ["tests/test_status_periods.py", "tests/test_report.py", *RULE_TESTS]
REPORTER_TESTS = ["tests/test_reporters.py", "tests/test_statistics.py", "tests/test_inert_output.py",
                  "tests/test_baseline.py"]
VIEW_TESTS = ["tests/test_parts.py", "tests/test_report.py", "tests/test_cli.py", "tests/test_partial.py"]

# group -> {module relative to the package: tests that cover it}
GROUPS: dict[str, dict[str, list[str]]] = {
    "rules": {
        "rules/files.py": ["tests/test_rules_files.py"],
        "rules/cascade.py": ["tests/test_rules_cascade.py"],
        "rules/focus.py": ["tests/test_rules_focus.py"],
        "rules/smart.py": ["tests/test_rules_smart.py"],
        "rules/practice.py": ["tests/test_rules_practice.py"],
        "rules/history.py": ["tests/test_rules_history.py", "tests/test_history.py"],
        "rules/frameworks.py": ["tests/test_rules_frameworks.py"],
        "rules/suppress.py": ["tests/test_suppress.py", "tests/test_rules_files.py"],  # what comments silence; KP007
    },
    "helpers": {  # the domain logic the rules and reports share
        "model/status.py": HELPER_TESTS,
        "model/rollup.py": HELPER_TESTS,
        "model/periods.py": HELPER_TESTS,
        "model/direction.py": [*HELPER_TESTS, "tests/test_diff.py", "tests/test_rules_history.py"],  # eased: diff, KP501
        "model/scoring.py": ["tests/test_rules_frameworks.py"],
        "model/profiles.py": ["tests/test_rules_frameworks.py", "tests/test_examples.py"],
    },
    "history": {  # the walk over git behind the KP5xx rules
        "pipeline/history.py": ["tests/test_rules_history.py", "tests/test_history.py"],
        # diff reads revisions through it too (which files the work tree holds as they are)
        "read/gitrevs.py": ["tests/test_rules_history.py", "tests/test_history.py", "tests/test_diff.py"],
        # `history`'s window (--since, --last, --base) and an indicator's timeline through the commits
        "commands/history.py": ["tests/test_history.py"],
    },
    "views": {  # each team's part of the views, and the links-only files workers send
        "output/views/parts.py": VIEW_TESTS,
        "output/views/tree.py": VIEW_TESTS,
        "output/views/orphans.py": VIEW_TESTS,
        "model/links.py": ["tests/test_reading.py"],
    },
    "writes": {  # record's splice into a team file, and the checks before it writes
        "commands/record.py": ["tests/test_record.py", "tests/test_writes.py"],
        "commands/bulk.py": ["tests/test_record.py", "tests/test_writes.py"],  # record --from: all rows or none
    },
    "sheets": {  # import's reading of a sheet (its cells, its header), and export's cells
        "model/sheet.py": ["tests/test_sheet.py", "tests/test_transfer.py"],
        "read/sheets.py": ["tests/test_sheet.py", "tests/test_transfer.py"],
        # import's checks before it writes (every team read back as its rows), and export's table
        "commands/transfer.py": ["tests/test_transfer.py"],
        # the team files import writes, and the quoted text record writes into one
        "output/team_yaml.py": ["tests/test_transfer.py", "tests/test_record.py", "tests/test_writes.py"],
    },
    "reading": {  # what the reader keeps of an entry, what the cache may reuse, what waits for a KP002
        "read/validate.py": ["tests/test_validate.py", "tests/test_partial.py", "tests/test_load.py"],
        "read/cache.py": ["tests/test_cache.py", "tests/test_reading.py"],  # reading: what a warm run reuses
        # the one read path: which files are read again, what the index and the memo give back
        "pipeline/reading.py": ["tests/test_reading.py", "tests/test_cache.py", "tests/test_partial.py",
                                "tests/test_diff.py"],  # diff: a git revision's blobs through the same cache
        "rules/engine.py": ["tests/test_partial.py", "tests/test_suppress.py", "tests/test_cli.py", "tests/test_rules_files.py",
                            "tests/test_rules_frameworks.py"],  # selection under a profile
    },
    "parser": {  # the YAML reader: values and the positions every finding points at; what it refuses
        # test_hostile's cases run kpoctl whole (34 s a mutant); these three read in-process
        "read/yamlread.py": ["tests/test_yamlread.py", "tests/test_fuzz_regressions.py", "tests/test_load.py"],
    },
    "report": {  # what the manager reads: each row's target, latest, trend and status, its notes; the text layout
        "output/views/report.py": ["tests/test_report.py", "tests/test_parts.py"],
        "output/views/report_text.py": ["tests/test_report.py", "tests/test_parts.py"],  # parts: the blocks a warm run reuses
    },
    "book": {  # the briefing book (report --format html): status by shape and word, charts, links between pages
        "output/views/html.py": ["tests/test_chart.py", "tests/test_report.py", "tests/test_inert_output.py"],
    },
    "reporters": {  # what CI and a reviewer read of a lint: each --format, --statistics and --summary
        # (json, sarif and github have no site this tool mutates: their structure tests stand alone)
        **{f"output/reporters/{name}.py": REPORTER_TESTS
           for name in ("base", "text", "junit", "markdown", "statistics", "summary")},
        "output/tables.py": [*REPORTER_TESTS, "tests/test_registry.py", "tests/test_cli.py", "tests/test_history.py"],  # no table cut to fit
    },
    "graph": {  # the cascade graph every cross-team rule and view asks: edges, ancestors, cycles, the top
        "graph/__init__.py": ["tests/test_graph.py", "tests/test_rules_cascade.py", "tests/test_rules_focus.py",
                              "tests/test_rules_files.py", "tests/test_rules_practice.py"],
    },
    "discovery": {  # which files a run checks, and that each one it cannot is said: never a file dropped silently
        "read/load.py": ["tests/test_load.py", "tests/test_partial.py"],
        "read/settings.py": ["tests/test_load.py", "tests/test_cli.py"],
    },
    "baseline": {  # what a CI job that adopted kpoctl on an old scorecard sees: only new findings
        "commands/baseline.py": ["tests/test_baseline.py"],
        "output/views/count.py": ["tests/test_count.py", "tests/test_cli.py"],  # the counts per team and their limits
    },
    "diff": {  # what a reviewer reads of a change: entries added and removed, a lowered ambition flagged
        "commands/diff.py": ["tests/test_diff.py"],
    },
    "cacheformat": {  # what a warm run gets back from the cache must be what a cold run would have read
        # in process: test_cache's and test_reading's runs through the CLI cover the same round trip slowly
        "read/serial.py": ["tests/test_serial.py"],
        "common/findings.py": ["tests/test_serial.py", "tests/test_reporters.py", "tests/test_baseline.py"],
        # what a file holds beside its model: the positions findings point at, its `# kpoctl:` comments
        # (the rule cases pin every finding's line and column: TeamFile.location gives them)
        "model/scorecard.py": ["tests/test_positions.py", "tests/test_serial.py", "tests/test_suppress.py",
                               "tests/test_partial.py", *RULE_TESTS],  # partial: what a KP002 left unread
    },
    "safety": {  # no file left half written or written through a link to a device; no text a terminal obeys
        "common/atomic.py": ["tests/test_writes.py", "tests/test_init.py"],
        "common/textsafe.py": ["tests/test_inert_output.py", "tests/test_transfer.py", "tests/test_reporters.py"],
    },
    "surface": {  # what a user reads outside lint and the report: explain, init's files, a rule's metadata
        "output/explain.py": ["tests/test_registry.py", "tests/test_cli.py", "tests/test_docs.py"],  # docs/rules.md
        "commands/scaffold.py": ["tests/test_init.py"],
        "output/views/history.py": ["tests/test_history.py"],
        "rules/base.py": ["tests/test_registry.py", "tests/test_rules_frameworks.py", *RULE_TESTS],  # a profile's own rules
    },
    "cli": {  # each command's options, exit codes and the lines on stderr: what a script or CI sees
        # the cheap modules first: pytest -x stops at the first failing test
        "commands/cli.py": ["tests/test_count.py", "tests/test_baseline.py", "tests/test_init.py",
                            "tests/test_examples.py", "tests/test_inert_output.py", "tests/test_statistics.py",
                            "tests/test_load.py", "tests/test_cli.py", "tests/test_partial.py",
                            "tests/test_report.py", "tests/test_cache.py", "tests/test_history.py",
                            "tests/test_diff.py", "tests/test_record.py", "tests/test_writes.py",
                            "tests/test_transfer.py"],
    },
    "model": {  # what a file may say (the models), and a series of periods that can be read
        "model/series.py": ["tests/test_rules_files.py", "tests/test_validate.py", "tests/test_status_periods.py"],
        # the pydantic models themselves: what a file may say, periods and dates, the settings' defaults
        "model/__init__.py": ["tests/test_validate.py", "tests/test_schemas.py", "tests/test_status_periods.py",
                              "tests/test_load.py", "tests/test_rules_files.py",
                              "tests/test_rules_frameworks.py"],  # a profile's defaults in the settings
    },
}
TARGETS = {"rules": 0.85, "helpers": 0.90, "history": 0.85, "views": 0.85, "model": 0.85, "writes": 0.85, "sheets": 0.85, "reading": 0.85, "parser": 0.85, "report": 0.85, "reporters": 0.85, "graph": 0.85, "discovery": 0.85, "baseline": 0.85, "diff": 0.85, "cacheformat": 0.85, "safety": 0.85, "surface": 0.85, "book": 0.85, "cli": 0.85}
TIMEOUT = 300  # a mutant that hangs the tests counts as caught

_COMPARE_SWAP = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div}
_NAME_SWAP = {"min": "max", "max": "min", "any": "all", "all": "any"}


@dataclass(frozen=True)
class Mutant:
    module: str  # relative to the package, e.g. "rules/smart.py"
    index: int  # the how-many-th mutation site of the module
    line: int
    description: str
    source: str  # the whole mutated module

    @property
    def label(self) -> str:
        return f"{self.module}:{self.line}: {self.description}"


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: docstrings and decorators (a rule's metadata)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                skipped.update(id(n) for n in ast.walk(decorator))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.update(id(n) for n in ast.walk(first))
        if isinstance(node, ast.JoinedStr):  # messages: the rule cases check their text
            skipped.update(id(n) for n in ast.walk(node) if n is not node)
    return skipped


def _mutations(node: ast.AST) -> list[tuple[str, callable]]:
    """(description, function that mutates a copy of `node` in place) for one node."""
    out: list[tuple[str, callable]] = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swap = _COMPARE_SWAP.get(type(op))
            if swap:
                def apply(n, i=i, swap=swap):
                    n.ops[i] = swap()
                out.append((f"{_op_text(op)} -> {_op_text(swap())}", apply))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        out.append((f"{_op_text(node.op)} -> {_op_text(other())}", lambda n, other=other: setattr(n, "op", other())))
        if len(node.values) >= 2:
            for i in range(len(node.values)):
                def drop(n, i=i):
                    del n.values[i]
                out.append((f"{_op_text(node.op)}: operand {i + 1} dropped", drop))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append(("'not' removed", None))  # handled by the parent rewrite below
    elif isinstance(node, ast.BinOp):
        swap = _BINOP_SWAP.get(type(node.op))
        if swap:
            out.append((f"{_op_text(node.op)} -> {_op_text(swap())}", lambda n, swap=swap: setattr(n, "op", swap())))
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        out.append((f"{node.value!r} -> {node.value + 1!r}", lambda n: setattr(n, "value", n.value + 1)))
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        out.append((f"{node.value} -> {not node.value}", lambda n: setattr(n, "value", not n.value)))
    elif isinstance(node, ast.Name) and node.id in _NAME_SWAP and isinstance(node.ctx, ast.Load):
        out.append((f"{node.id} -> {_NAME_SWAP[node.id]}", lambda n: setattr(n, "id", _NAME_SWAP[n.id])))
    elif isinstance(node, ast.Continue):
        out.append(("continue -> break", None))
    return out


def _op_text(op: ast.AST) -> str:
    return {
        ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
        ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or", ast.Add: "+",
        ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
    }[type(op)]


class _Replace(ast.NodeTransformer):
    """Replace the node at position `target` of the walk (for 'not' removal and continue)."""

    def __init__(self, target: int, order: dict[int, int]) -> None:
        self.target, self.order = target, order

    def generic_visit(self, node):
        node = super().generic_visit(node)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        return node.operand if self.order.get(id(node)) == self.target else node

    def visit_Continue(self, node):
        return ast.Break() if self.order.get(id(node)) == self.target else node


def mutants_of(module: str, text: str) -> list[Mutant]:
    """Every mutant of one module's source, in the order of its nodes."""
    tree = ast.parse(text)
    skipped = _skipped_nodes(tree)
    sites = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        for description, apply in _mutations(node):
            sites.append((node, description, apply))
    sites.sort(key=lambda site: (getattr(site[0], "lineno", 0), getattr(site[0], "col_offset", 0)))
    positions = {id(n): i for i, n in enumerate(ast.walk(tree))}
    mutants = []
    for index, (node, description, apply) in enumerate(sites):
        # copy the tree, find the node of the same walk position in the copy, mutate it
        position = positions[id(node)]
        twin = copy.deepcopy(tree)
        twin_node = list(ast.walk(twin))[position]
        if apply is None:
            order = {id(n): i for i, n in enumerate(ast.walk(twin))}
            twin = _Replace(position, order).visit(twin)
        else:
            apply(twin_node)
        mutants.append(Mutant(module, index, getattr(node, "lineno", 0), description,
                              ast.unparse(ast.fix_missing_locations(twin))))
    return mutants


def _run_tests(workdir: Path, tests: list[str]) -> bool:
    """Whether the tests pass with the package in `workdir` (True: the mutant survived)."""
    env = {**os.environ, "PYTHONPATH": str(workdir), "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    command = [sys.executable, "-P", "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", *tests]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


class Workspace:
    """A private copy of the package a worker mutates one module of at a time."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kpoctl-mutant-"))
        shutil.copytree(PACKAGE, self.dir / "kpoctl", ignore=shutil.ignore_patterns("__pycache__"))

    def survives(self, mutant: Mutant, tests: list[str]) -> bool:
        path = self.dir / "kpoctl" / mutant.module
        original = (PACKAGE / mutant.module).read_text(encoding="utf-8")
        path.write_text(mutant.source, encoding="utf-8")
        try:
            return _run_tests(self.dir, tests)
        finally:
            path.write_text(original, encoding="utf-8")

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _check_the_copy_is_what_runs(tests: list[str]) -> None:
    """The unmutated copy must pass, and must be the package the tests import."""
    space = Workspace()
    try:
        env = {**os.environ, "PYTHONPATH": str(space.dir)}
        where = subprocess.run([sys.executable, "-P", "-c", "import kpoctl; print(kpoctl.__file__)"], cwd=ROOT, env=env,
                               capture_output=True, text=True).stdout.strip()
        if not where.startswith(str(space.dir)):
            sys.exit(f"mutate: the tests import kpoctl from {where}, not from the mutated copy")
        if not _run_tests(space.dir, tests):
            sys.exit("mutate: the tests fail on the unmutated code; fix them first")
    finally:
        space.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--group", choices=sorted(GROUPS), action="append", help="only these groups")
    parser.add_argument("--module", action="append", help="only these modules (e.g. rules/smart.py)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--check", action="store_true", help="exit 1 when a group is under its target")
    parser.add_argument("--from-line", type=int, default=1, metavar="N",
                        help="only mutants at line N or after (to go on with a run stopped part way)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    plan: list[tuple[str, Mutant, list[str]]] = []
    for group in args.group or sorted(GROUPS):
        for module, tests in GROUPS[group].items():
            if args.module and module not in args.module:
                continue
            for mutant in mutants_of(module, (PACKAGE / module).read_text(encoding="utf-8")):
                if mutant.line >= args.from_line:
                    plan.append((group, mutant, tests))
    if args.list:
        for group, mutant, _ in plan:
            print(f"{group:8} {mutant.label}")
        print(f"{len(plan)} mutants")
        return 0

    _check_the_copy_is_what_runs(sorted({t for _, _, tests in plan for t in tests}))
    spaces = [Workspace() for _ in range(max(1, args.jobs))]
    free = list(spaces)

    import threading
    lock = threading.Lock()

    def run(item):
        group, mutant, tests = item
        with lock:
            space = free.pop()
        try:
            survived = space.survives(mutant, tests)
        finally:
            with lock:
                free.append(space)
        print(("SURVIVED " if survived else "caught   ") + mutant.label, file=sys.stderr, flush=True)
        return group, mutant, survived

    try:
        with ThreadPoolExecutor(len(spaces)) as pool:
            results = list(pool.map(run, plan))
    finally:
        for space in spaces:
            space.close()

    failed = False
    print()
    for group in args.group or sorted(GROUPS):
        mine = [(m, s) for g, m, s in results if g == group]
        if not mine:
            continue
        caught = sum(1 for _, s in mine if not s)
        rate = caught / len(mine)
        target = TARGETS[group]
        verdict = "meets" if rate >= target else "UNDER"
        failed |= rate < target
        print(f"{group}: {caught} of {len(mine)} mutants caught, {rate:.0%} ({verdict} the {target:.0%} target)")
        for mutant, survived in mine:
            if survived:
                print(f"  survived  {mutant.label}")
    return 1 if (args.check and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
