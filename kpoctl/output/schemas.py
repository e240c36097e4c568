"""JSON Schemas of a team file and of `kpoctl.yaml`, generated from the pydantic models.

The committed copies in `schemas/` are what editors point at through
`# yaml-language-server: $schema=...`; a test keeps them equal to these.
"""

from __future__ import annotations

import json
from pathlib import Path

from kpoctl.model import Settings, Team

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILES = {"team": "team.schema.json", "settings": "settings.schema.json"}


def schema_for(kind: str) -> dict:
    model = {"team": Team, "settings": Settings}[kind]
    schema = model.model_json_schema(mode="validation")
    title = "kpoctl team scorecard" if kind == "team" else "kpoctl settings (kpoctl.yaml)"
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def render(kind: str) -> str:
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_all(folder: Path) -> list[Path]:
    """Write both schema files into `folder` (atomically); return their paths."""
    from kpoctl.common.atomic import write_text_atomic

    written = []
    for kind, name in FILES.items():
        path = folder / name
        write_text_atomic(path, render(kind))
        written.append(path)
    return written
