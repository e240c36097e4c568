"""Regenerate every document kpoctl derives from its own code, so none drifts from the tool.

    python tools/docs.py          # rewrite what is stale, and say which files changed
    python tools/docs.py --check  # exit 1, naming the stale files, without writing

What it writes:
- README.md, between `<!-- rules-table:start -->` and `<!-- rules-table:end -->`: the
  rule table, from the registry (what `kpoctl explain --list` prints);
- docs/rules.md: every rule's reference (summary, why, bad and good), from the registry;
- examples/spreadsheet/client-scorecard.xlsx, from client-scorecard.csv beside it (compared
  by its cells, not its bytes);
- each example's README.md, between `<!-- findings:start -->` and `<!-- findings:end -->`:
  the findings `kpoctl lint` gives on that example, messages included (`lint --history` on the
  repository an example's commits.yaml replays).
A test (tests/test_docs.py) fails when any of them is stale.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpoctl.bench.history import replay  # noqa: E402
from kpoctl.commands.history import history_problems  # noqa: E402
from kpoctl.commands.transfer import import_sheet  # noqa: E402
from kpoctl.common.textsafe import markdown_cell  # noqa: E402
from kpoctl.output.explain import rules_markdown, rules_reference  # noqa: E402
from kpoctl.pipeline.reading import read_scorecard  # noqa: E402
from kpoctl.read.gitrevs import Window  # noqa: E402
from kpoctl.rules.engine import finish, selection_from  # noqa: E402

RULES_TABLE = ("<!-- rules-table:start -->\n", "<!-- rules-table:end -->")
FINDINGS = ("<!-- findings:start -->\n", "<!-- findings:end -->")
COMMITS = "commits.yaml"  # an example that is a git history (examples/gamed-history)
SHEET = "client-scorecard.xlsx"  # an example that is a spreadsheet, made from its CSV (examples/spreadsheet)
SHEET_SOURCE = "client-scorecard.csv"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def example_findings(folder: Path) -> str:
    """The markdown table of every finding lint gives on an example, at `--fail-on info`; for
    an example that is a history (commits.yaml), of `lint --history` on the replayed repository."""
    if (folder / COMMITS).exists():
        with tempfile.TemporaryDirectory() as scratch:
            return _findings_table(replay(folder / COMMITS, Path(scratch) / folder.name), history=True)
    if (folder / SHEET_SOURCE).exists():
        with tempfile.TemporaryDirectory() as scratch:
            return _findings_table(imported(folder, Path(scratch) / folder.name))
    return _findings_table(folder)


def imported(folder: Path, into: Path) -> Path:
    """An example that is a spreadsheet, imported (from its CSV: the workbook holds the same
    cells, tests/test_examples.py checks it), with the example's kpoctl.yaml beside it."""
    import_sheet(folder / SHEET_SOURCE, into, max_mb=10)
    (into / "kpoctl.yaml").write_bytes((folder / "kpoctl.yaml").read_bytes())
    return into


def workbook_cells(path: Path) -> list[list]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


def sheet_cells(csv_path: Path) -> list[list]:
    """The example's CSV as a client's workbook holds it: numbers as numbers, the rest text."""
    import csv

    def cell(column: str, text: str):
        if not text:
            return None
        if column in ("value", "target", "weight", "tolerance") and NUMBER.fullmatch(text):
            return int(text) if text.lstrip("-").isdigit() else float(text)
        return text

    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    return [rows[0]] + [[cell(c, t) for c, t in zip(rows[0], row)] for row in rows[1:]]


def workbook_bytes(cells: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "scorecard"
    for row in cells:
        sheet.append(row)
    for row in sheet.iter_rows():
        for item in row:
            if isinstance(item.value, str):
                item.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _findings_table(folder: Path, history: bool = False) -> str:
    found = read_scorecard(folder, use_cache=False, jobs=1, need_model=history)
    selection = selection_from(found.settings, None, None)
    problems = found.problems
    if history:
        with contextlib.redirect_stderr(io.StringIO()):  # "8 commits checked": not part of the table
            problems = problems + history_problems(found, selection.codes, Window())
    findings = finish(problems, found.sites, selection)
    lines = ["| code | where | message |", "|---|---|---|"]
    lines += [f"| {f.code} | {f.file}:{f.line} | {markdown_cell(f.message)} |" for f in findings]
    return "\n".join(lines) + "\n"


def _between(text: str, markers: tuple[str, str], body: str, path: Path) -> str:
    start, end = markers
    if start not in text or end not in text:
        raise SystemExit(f"docs: {path.relative_to(ROOT)} has no {start.strip()} ... {end} markers")
    head, rest = text.split(start, 1)
    return head + start + body + end + rest.split(end, 1)[1]


def expected() -> dict[Path, str]:
    """Every generated file, as it should read now."""
    readme = ROOT / "README.md"
    out = {
        readme: _between(readme.read_text(encoding="utf-8"), RULES_TABLE, rules_markdown(), readme),
        ROOT / "docs" / "rules.md": rules_reference(),
    }
    for example in sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()):
        page = example / "README.md"
        text = page.read_text(encoding="utf-8")
        if FINDINGS[0] in text:
            out[page] = _between(text, FINDINGS, example_findings(example), page)
    return out


def stale() -> dict[Path, str | bytes]:
    changed: dict[Path, str | bytes] = {path: text for path, text in expected().items()
                                        if not path.exists() or path.read_text(encoding="utf-8") != text}
    for example in sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()):
        source = example / SHEET_SOURCE
        if source.exists():  # the workbook is compared by its cells: its bytes carry the time it was saved
            cells = sheet_cells(source)
            if not (example / SHEET).exists() or workbook_cells(example / SHEET) != cells:
                changed[example / SHEET] = workbook_bytes(cells)
    return changed


def main(argv: list[str]) -> int:
    changed = stale()
    for path, text in changed.items():
        if "--check" not in argv:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        print(f"{'stale' if '--check' in argv else 'wrote'} {path.relative_to(ROOT)}")
    return 1 if changed and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
