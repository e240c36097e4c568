"""Regenerate every document kpoctl derives from its own code, so none drifts from the tool.

    python tools/docs.py          # rewrite what is stale, and say which files changed
    python tools/docs.py --check  # exit 1, naming the stale files, without writing

What it writes:
- README.md, between `<!-- rules-table:start -->` and `<!-- rules-table:end -->`: the
  rule table, from the registry (what `kpoctl explain --list` prints);
- docs/rules.md: every rule's reference (summary, why, bad and good), from the registry;
- each example's README.md, between `<!-- findings:start -->` and `<!-- findings:end -->`:
  the findings `kpoctl lint` gives on that example, messages included (`lint --history` on the
  repository an example's commits.yaml replays).
A test (tests/test_docs.py) fails when any of them is stale.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpoctl.bench.history import replay  # noqa: E402
from kpoctl.commands.history import history_problems  # noqa: E402
from kpoctl.common.textsafe import markdown_cell  # noqa: E402
from kpoctl.output.explain import rules_markdown, rules_reference  # noqa: E402
from kpoctl.pipeline.reading import read_scorecard  # noqa: E402
from kpoctl.read.gitrevs import Window  # noqa: E402
from kpoctl.rules.engine import finish, selection_from  # noqa: E402

RULES_TABLE = ("<!-- rules-table:start -->\n", "<!-- rules-table:end -->")
FINDINGS = ("<!-- findings:start -->\n", "<!-- findings:end -->")
COMMITS = "commits.yaml"  # an example that is a git history (examples/gamed-history)


def example_findings(folder: Path) -> str:
    """The markdown table of every finding lint gives on an example, at `--fail-on info`; for
    an example that is a history (commits.yaml), of `lint --history` on the replayed repository."""
    if (folder / COMMITS).exists():
        with tempfile.TemporaryDirectory() as scratch:
            return _findings_table(replay(folder / COMMITS, Path(scratch) / folder.name), history=True)
    return _findings_table(folder)


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


def stale() -> dict[Path, str]:
    return {path: text for path, text in expected().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text}


def main(argv: list[str]) -> int:
    changed = stale()
    for path, text in changed.items():
        if "--check" not in argv:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"{'stale' if '--check' in argv else 'wrote'} {path.relative_to(ROOT)}")
    return 1 if changed and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
