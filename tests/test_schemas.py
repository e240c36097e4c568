"""The committed JSON Schemas are the ones the models generate, and they accept the examples."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, no_schema_can_say

from kpoctl.output import schemas


@pytest.mark.parametrize("kind, name", sorted(schemas.FILES.items()))
def test_committed_schema_is_up_to_date(kind, name):
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == schemas.render(kind), f"schemas/{name} is stale: run `kpoctl schema --write schemas/`"


def test_schema_describes_every_field():
    team = schemas.schema_for("team")
    for definition in [team, *team["$defs"].values()]:
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description"), f"{definition.get('title')}.{name} has no description"


def test_schema_forbids_unknown_fields_and_names_the_levels():
    team = schemas.schema_for("team")
    assert team["additionalProperties"] is False
    assert team["$defs"]["Objective"]["properties"]["level"]["enum"] == ["KPO", "PO"]
    assert json.loads(schemas.render("settings"))["properties"]["limits"]


# --- the schema and the model agree: what one accepts, the other accepts ------------------

def _schema_validator():
    import jsonschema

    return jsonschema.Draft202012Validator(schemas.schema_for("team"))


def _as_editor_sees(data):
    """YAML as an editor's JSON Schema check sees it: dates as strings."""
    return json.loads(json.dumps(data, default=str))


def _model_accepts(data, *, as_a_schema_can: bool = False) -> bool:
    """Whether the model takes `data`; `as_a_schema_can`: leaving aside what no JSON Schema
    can say (conftest.no_schema_can_say)."""
    from pydantic import ValidationError

    from kpoctl.model import Team

    try:
        Team.model_validate(data)
    except ValidationError as exc:
        return as_a_schema_can and all(no_schema_can_say(error) for error in exc.errors(include_url=False))
    return True


def _team_documents():
    from conftest import EXAMPLES, REALWORLD
    from rule_cases import all_cases

    from kpoctl.read.yamlread import YamlError, decode, parse

    texts = [(path, path.read_bytes()) for folder in (EXAMPLES, REALWORLD) for path in sorted(folder.rglob("*.yaml"))]
    texts += [(f"{case.id}/{name}", text.encode()) for case in all_cases() for name, text in case.files.items()]
    for path, raw in texts:
        try:
            data = parse(decode(raw)).data
        except YamlError:
            continue
        if isinstance(data, dict) and "team" in data:
            yield path, data


def test_the_schema_and_the_model_agree_on_every_file_in_the_repository():
    validator = _schema_validator()
    checked = 0
    for path, data in _team_documents():
        by_schema = validator.is_valid(_as_editor_sees(data))
        assert by_schema == _model_accepts(data, as_a_schema_can=True), (path, [e.message for e in validator.iter_errors(_as_editor_sees(data))][:3])
        checked += 1
    assert checked > 50


@pytest.mark.parametrize("change, accepted", [
    ({"supports": "otif"}, True), ({"supports": ["otif", "cost"]}, True), ({"supports": 5}, False),
    ({"shared_with": None}, True), ({"shared_with": ["a-team"]}, True), ({"shared_with": "a-team"}, False),
    ({"due": "2026-12-31"}, True), ({"level": "KPX"}, False), ({"owner": ""}, False), ({"colour": "red"}, False),
])
def test_the_schema_and_the_model_agree_on_each_shape_of_a_field(change, accepted):
    data = {"team": "unit", "name": "Unit", "objectives": [
        {"id": "po", "level": "PO", "role": "breakdown", "title": "Ship 95% of orders within 2 days", **change}]}
    assert _model_accepts(data) is accepted
    assert _schema_validator().is_valid(_as_editor_sees(data)) is accepted


@pytest.mark.parametrize("section", ["objectives", "indicators"])
def test_an_empty_section_is_valid_for_both(section):
    data = {"team": "unit", "name": "Unit", section: None}
    assert _model_accepts(data) and _schema_validator().is_valid(data)


@pytest.mark.parametrize("settings, accepted", [
    ({"limits": None, "rules": None, "weasel_words": None}, True),
    ({"rules": {"ignore": None, "severity": None}}, True),
    ({"rules": {"select": None}}, False), ({"limits": {"kpi": None}}, False),
    ({"limits": {"kpi": 4}, "rules": {"select": ["KP1"], "severity": {"KP101": "warning"}}}, True),
    ({"rules": {"severity": {"KP101": "fatal"}}}, False), ({"limits": []}, False),
])
def test_the_settings_schema_and_model_agree_on_an_empty_section(settings, accepted):
    import jsonschema
    from pydantic import ValidationError

    from kpoctl.model import Settings

    try:
        Settings.model_validate(settings)
        by_model = True
    except ValidationError:
        by_model = False
    assert by_model is accepted
    assert jsonschema.Draft202012Validator(schemas.schema_for("settings")).is_valid(settings) is accepted


@pytest.mark.parametrize("before", [None, "logfire"])
def test_the_models_are_built_without_plugins_and_the_environment_is_left_as_it_was(before):
    """Building the models looks for no pydantic plugin (a scan of every installed
    package), and leaves PYDANTIC_DISABLE_PLUGINS as the user had it."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if before is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = before
    script = ("import os, pydantic.plugin._loader as loader, kpoctl.model\n"
              "print(loader._plugins is None, os.environ.get('PYDANTIC_DISABLE_PLUGINS'))")
    out = subprocess.run([sys.executable, "-c", script], env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["True", str(before)]
