"""Properties of the whole pipeline over generated scorecards (hypothesis).

Valid scorecards, and valid ones with random mutations (fields dropped, retyped,
renamed, references pointed elsewhere, ids duplicated, parents looped), fed to every
command in every format: no exception escapes, exit codes are those of CLI.md, JSON
parses and has its shape, every finding lies inside its file, the same input gives
the same output, and a valid scorecard gives no error.

CI runs the `ci` profile; `HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py`
runs thousands of examples.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from conftest import no_schema_can_say
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kpoctl.commands.cli import app

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Every command in every format costs about a second per example: a tenth of the examples.
EVERY_FORMAT = settings(max_examples=max(10, settings().max_examples // 10))

SLUG = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
WORDS = st.lists(st.sampled_from(["deliver", "95%", "of", "orders", "on", "time", "reach", "cost", "10", "EUR"]),
                 min_size=4, max_size=7).map(" ".join)
FINDING_KEYS = ["code", "severity", "message", "file", "line", "column", "team", "id"]
SHAPES = {  # CLI.md's JSON shapes
    "count": {"team", "kpo", "po", "kpi", "pi", "context"},
    "orphans": {"team", "id", "level", "measures", "file", "line", "reason"},
    "report": {"team", "id", "level", "name", "unit", "target", "direction", "latest", "period", "status", "owner"},
}
NODE_KEYS = {"kind", "team", "id", "level", "title", "children"}


def check_shape(command: str, data: list) -> None:
    assert isinstance(data, list)
    if command == "tree":
        stack = list(data)
        while stack:
            node = stack.pop()
            assert set(node) == NODE_KEYS and node["kind"] in ("team", "objective", "indicator")
            stack.extend(node["children"])
        return
    for row in data:
        assert set(row) == SHAPES[command], (command, row)
    if command == "report":
        assert all(r["status"] in ("on track", "at risk", "off track", "no data", "no target") for r in data)  # CLI.md


@st.composite
def scorecards(draw) -> dict[str, dict]:
    """A valid scorecard: {file name: team data}, parents before children."""
    count = draw(st.integers(1, 5))
    names = draw(st.lists(SLUG, min_size=count, max_size=count, unique=True))
    teams: dict[str, dict] = {}
    for index, name in enumerate(names):
        parent = names[draw(st.integers(0, index - 1))] if index else None
        team: dict = {"team": name, "name": f"Team {name}", "owner": "Head", "meeting": "monthly"}
        if parent:
            team["parent"] = parent
        objectives, indicators = [], []
        for k in range(draw(st.integers(1, 3))):
            kpo = {"id": f"k{k}", "level": "KPO", "title": draw(WORDS), "due": "2026-12-31",
                   "perspective": draw(st.sampled_from(["financial", "customer", "process", "learning"]))}
            if parent:
                kpo["cascades_from"] = f"{parent}/k0"
            objectives.append(kpo)
            direction = draw(st.sampled_from(["at_least", "at_most", "equal"]))
            values = draw(st.lists(st.floats(0, 200, allow_nan=False).map(lambda v: round(v, 1)), max_size=4))
            indicators.append({
                "id": f"k{k}-kpi", "level": "KPI", "measures": f"k{k}", "name": draw(WORDS), "unit": "%",
                "timing": draw(st.sampled_from(["leading", "lagging"])), "frequency": "monthly", "owner": "Lead",
                "target": {"value": draw(st.integers(1, 100)), "direction": direction},
                "actions": ["Review"],
                "actuals": [{"period": f"2026-{m + 1:02d}", "value": v} for m, v in enumerate(values)],
            })
        if draw(st.booleans()):
            objectives.append({"id": "po", "level": "PO", "role": "enabling", "supports": "k0",
                               "title": draw(WORDS), "due": "2026-12-31"})
            indicators.append({"id": "po-pi", "level": "PI", "measures": "po", "name": draw(WORDS),
                               "timing": "leading", "frequency": "weekly", "owner": "Lead"})
        if draw(st.booleans()):
            indicators.append({"id": "ctx", "level": "context", "name": "Weather"})
        team["objectives"], team["indicators"] = objectives, indicators
        teams[f"{name}.yaml"] = team
    return teams


# Text no report may let loose: rich markup, terminal escapes, line breaks, HTML, pipes.
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["[/]", "[link=https://evil.example]x[/link]", "\x1b[31mred", "\x1b]8;;http://e\x07l",
                     "a\r\nb", "<b>x</b>", "| x |", "100% #?", "\u2028", "\x85", "\x9b"]),
    st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12),
)
# Periods at the edges of the calendar, and some that are not in it.
PERIODS = st.sampled_from(["2027-W53", "2026-W53", "0000-01", "9999-12", "9999-W52", "9999", "1000", "2026-13",
                           "2026-Q5", "2026-02-30", "2024-02-29", 2026, "2026"])
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=8),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@st.composite
def mutated(draw) -> dict[str, dict]:
    teams = draw(scorecards())
    for _ in range(draw(st.integers(1, 4))):
        team = teams[draw(st.sampled_from(sorted(teams)))]
        pool = [team] + [e for section in ("objectives", "indicators") if isinstance(team.get(section), list)
                         for e in team[section] if isinstance(e, dict)]
        target = draw(st.sampled_from(pool))
        action = draw(st.sampled_from(["drop", "retype", "rename", "repoint", "duplicate", "loop", "text", "period",
                                       "file name"]))
        if action in ("drop", "retype", "rename") and target:
            key = draw(st.sampled_from(sorted(target)))
            if action == "drop":
                target.pop(key)
            elif action == "retype":
                target[key] = draw(JUNK)
            else:
                target[key + "x"] = target.pop(key)
        elif action == "repoint":
            target[draw(st.sampled_from(["measures", "supports", "cascades_from", "parent"]))] = draw(
                st.sampled_from(["nope", "k0", "po", "x/k0", *[str(t.get("team")) for t in teams.values()]]))
        elif action == "duplicate" and isinstance(team.get("indicators"), list) and team["indicators"]:
            team["indicators"].append(team["indicators"][0])
        elif action == "loop":
            team["parent"] = draw(st.sampled_from([str(t.get("team")) for t in teams.values()]))
        elif action == "text":
            target[draw(st.sampled_from(["name", "title", "owner", "unit", "description"]))] = draw(HOSTILE_TEXT)
        elif action == "period":
            for indicator in team.get("indicators") or []:
                if isinstance(indicator, dict) and isinstance(indicator.get("actuals"), list) and indicator["actuals"]:
                    indicator["actuals"][0] = {"period": draw(PERIODS), "value": 1}
                    break
        elif action == "file name":  # a name that is not UTF-8 (its bytes kept as lone surrogates)
            name = draw(st.sampled_from(sorted(teams)))
            teams["caf\udce9-" + name] = teams.pop(name)
    return teams


def write(folder: Path, teams: dict[str, dict]) -> None:
    (folder / "kpoctl.yaml").write_text("today: 2026-11-21\n")
    for name, data in teams.items():
        # JSON is YAML: every generated value is written exactly, quotes and all
        (folder / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def run(folder: Path, *args: str):
    return CliRunner().invoke(app, [*args, str(folder)], catch_exceptions=False, env={"NO_COLOR": "1"})


def check_lint(folder: Path) -> list[dict]:
    """lint's JSON: the exit codes of CLI.md, the keys, positions inside the file, determinism."""
    lint = run(folder, "lint", "--format", "json", "--no-cache")
    if lint.exit_code == 2:  # every `team:` key mutated away: a usage error by CLI.md, one line
        assert lint.stderr.startswith("kpoctl: error: no team file found") and lint.stdout == ""
        return []
    assert lint.exit_code in (0, 1), lint.stderr
    findings = json.loads(lint.stdout)
    assert not [f for f in findings if "kpoctl failed on this file" in f["message"]], findings  # no bug met
    for f in findings:
        assert list(f)[:8] == FINDING_KEYS
        if not (folder / f["file"]).is_file():  # a file named with its bytes escaped: not there by that name
            assert f["code"] == "KP001" and "\\udc" in f["file"], f
            continue
        lines = re.split(r"\r\n|\r|\n", (folder / f["file"]).read_text()) or [""]  # YAML's line breaks
        assert 1 <= f["line"] <= len(lines), f
        assert 1 <= f["column"] <= len(lines[f["line"] - 1]) + 1, f
    again = run(folder, "lint", "--format", "json", "--no-cache")
    assert again.stdout == lint.stdout  # deterministic
    return findings


def check_every_command(folder: Path) -> None:
    lint = run(folder, "lint", "--format", "json", "--no-cache")
    if lint.exit_code == 2:
        return
    for fmt in ("text", "sarif", "github", "junit", "markdown"):
        assert run(folder, "lint", "--format", fmt, "--no-cache").exit_code == lint.exit_code
    for command, formats in (("count", ("text", "json")), ("orphans", ("text", "json")),
                             ("tree", ("text", "json", "mermaid", "dot")),
                             ("report", ("text", "json", "markdown", "html"))):
        for fmt in formats:
            result = run(folder, command, "--format", fmt)
            assert result.exit_code in (0, 1), (command, fmt, result.stderr)
            if fmt == "json":
                check_shape(command, json.loads(result.stdout))


def _in_folder(teams: dict[str, dict], check) -> list[dict] | None:
    folder = Path(tempfile.mkdtemp())
    try:
        write(folder, teams)
        return check(folder)
    finally:
        shutil.rmtree(folder)


@given(scorecards())
def test_valid_scorecards_have_no_errors(teams):
    findings = _in_folder(teams, check_lint)
    assert [f for f in findings if f["severity"] == "error"] == []


@given(mutated())
def test_mutated_scorecards_lint_cleanly(teams):
    _in_folder(teams, check_lint)


@EVERY_FORMAT
@given(st.one_of(scorecards(), mutated()))
def test_every_command_in_every_format_survives(teams):
    _in_folder(teams, check_every_command)


# --- the JSON Schema and the model accept the same team files ------------------------------

@given(st.one_of(scorecards(), mutated()))
def test_the_schema_and_the_model_agree_on_generated_teams(teams):
    import jsonschema
    from pydantic import ValidationError

    from kpoctl.model import Team
    from kpoctl.output import schemas

    validator = jsonschema.Draft202012Validator(schemas.schema_for("team"))
    for data in teams.values():
        try:
            Team.model_validate(data)
            model_errors = []
        except ValidationError as exc:
            model_errors = exc.errors(include_url=False)
        by_schema = validator.is_valid(json.loads(json.dumps(data, default=str)))
        if by_schema and model_errors and all(no_schema_can_say(error) for error in model_errors):
            continue
        assert by_schema == (not model_errors), [e.message for e in validator.iter_errors(data)][:3]
