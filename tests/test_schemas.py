"""The committed JSON Schemas are the ones the models generate, and they accept the examples."""

from __future__ import annotations

import json

import pytest

from kpoctl import schemas
from conftest import ROOT


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
