"""Rule cases as data: `tests/rule_cases/CODE.yaml` holds the rule's named cases.

Each case is a small scorecard (`files`: name -> YAML text) and every finding of
that rule it must give, in order, as `file:line:column: message`. A case without a
`kpoctl.yaml` gets `today: 2026-11-21`, so dates never depend on the day the suite
runs. The rule runs alone unless the case's kpoctl.yaml selects more (KP007 needs
the rule it suppresses).

A history rule's case (KP5xx) gives `revisions` instead of `files`: commits, oldest
first, each with `author`, `date` and the `files` it writes (null removes one). The
case is a git repository built by `make_history`; its `files` are the last commit's.
In the expected messages `@N` stands for the Nth commit's short hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pygit2
import yaml

from kpoctl.read.load import load
from kpoctl.rules.engine import Selection, finish, lint

CASES = Path(__file__).resolve().parent / "rule_cases"
DEFAULT_SETTINGS = "today: 2026-11-21\n"


@dataclass(frozen=True)
class Case:
    code: str
    name: str
    files: dict[str, str]
    expect: list[str]
    revisions: tuple[dict, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.code}-{self.name}"

    def write(self, folder: Path) -> Path:
        """The case's scorecard, written below `folder` (with its history, if it has one)."""
        if self.revisions:
            make_history(folder, [{**r, "files": {"kpoctl.yaml": DEFAULT_SETTINGS, **r["files"]} if n == 0 else r["files"]}
                                  for n, r in enumerate(self.revisions)])
            return folder
        folder.mkdir(parents=True, exist_ok=True)
        files = {"kpoctl.yaml": DEFAULT_SETTINGS, **self.files}
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder


def codes_of(prefix: str = "KP") -> list[str]:
    return sorted(p.stem for p in CASES.glob(f"{prefix}*.yaml"))


def cases_of(code: str) -> list[Case]:
    data = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
    cases = []
    for item in data:
        expect = [f"{at}: {message}" for finding in item["expect"] for at, message in finding.items()]
        revisions = tuple(item.get("revisions", ()))
        files = item["files"] if not revisions else _last_state(revisions)
        cases.append(Case(code, item["case"], files, expect, revisions))
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), f"{code}: two cases share a name"
    return cases


def all_cases(prefix: str = "KP") -> list[Case]:
    return [case for code in codes_of(prefix) for case in cases_of(code)]


def _last_state(revisions) -> dict[str, str]:
    files: dict[str, str] = {}
    for revision in revisions:
        for name, text in revision["files"].items():
            if text is None:
                files.pop(name, None)
            else:
                files[name] = text
    return files


def make_history(folder: Path, revisions: list[dict]) -> list[str]:
    """A git repository in `folder` with one commit per revision (oldest first): each writes
    its `files` (None removes one) as `author` ("Name" or "Name <email>") on `date`; the
    work tree is left at the last. Returns the commits' full hashes, oldest first."""
    repo = pygit2.init_repository(str(folder), initial_head="main")
    hashes: list[str] = []
    for number, revision in enumerate(revisions, start=1):
        for name, text in revision["files"].items():
            target = folder / name
            if text is None:
                target.unlink()
                repo.index.remove(name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            if name in revision.get("executable", ()):
                target.chmod(0o755)
        repo.index.add_all()
        repo.index.write()
        tree = repo.index.write_tree()
        name, _, email = str(revision.get("author", "Ann Lee")).partition(" <")
        day = revision.get("date", dt.date(2026, 1, 1) + dt.timedelta(days=number))
        clock = dt.time.fromisoformat(revision.get("time", "12:00"))
        when = int(dt.datetime.combine(dt.date.fromisoformat(str(day)), clock, dt.timezone.utc).timestamp())
        signature = pygit2.Signature(name, email.rstrip(">") or f"{name.split()[0].lower()}@example.com", when, 0)
        parents = [] if repo.head_is_unborn else [repo.head.target]  # called again: commits on top
        commit = repo.create_commit("HEAD", signature, signature, revision.get("message", f"Change {number}"), tree,
                                    parents)
        hashes.append(str(commit))
    return hashes


def findings(folder: Path, code: str) -> list[str]:
    """The rule's findings on the scorecard in `folder`, as the cases write them."""
    if code.startswith("KP5"):
        return history_findings(folder, code)
    scorecard = load(folder)
    select = list(scorecard.settings.rules.select)
    # the rule, and KP002 as every run has it: what a KP002 holds back is held back here too
    selection = Selection.build(select if select != ["ALL"] else [code, "KP002"], [])
    return [f"{f.file}:{f.line}:{f.column}: {f.message}" for f in lint(scorecard, selection) if f.code == code]


def family_tests(prefix: str):
    """The test of a rule family's module, parametrised over its codes' cases."""
    import pytest

    @pytest.mark.parametrize("case", all_cases(prefix), ids=lambda c: c.id)
    def test_rule_gives_exactly_the_expected_findings(case, tmp_path):
        assert findings(case.write(tmp_path / "card"), case.code) == case.expect

    return test_rule_gives_exactly_the_expected_findings


def history_findings(folder: Path, code: str) -> list[str]:
    """A history rule's findings over the whole history of the repository in `folder`,
    each commit's short hash written `@N` (its number, oldest first)."""
    from kpoctl.graph import CascadeGraph
    from kpoctl.pipeline.history import check_history, place

    scorecard = load(folder)
    walked = check_history(folder, scorecard.settings, codes=[code])
    repo = pygit2.Repository(str(folder))
    numbers = {str(c.id)[:7]: n for n, c in enumerate(reversed(list(repo.walk(repo.head.target))), start=1)}
    texts = []
    for found in finish(place(walked.problems, CascadeGraph(scorecard)), (f.suppression_site() for f in scorecard.files),
                        Selection.build([code], [])):
        message = found.message
        for short, number in numbers.items():
            message = message.replace(short, f"@{number}")
        texts.append(f"{found.file}:{found.line}:{found.column}: {message}")
    return texts
