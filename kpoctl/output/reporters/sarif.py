"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

from typing import TextIO
from urllib.parse import quote

from kpoctl.common.findings import Finding, Severity
from kpoctl.common.jsonout import dumps
from kpoctl.output.reporters.base import Reporter, RunInfo
from kpoctl.rules import REGISTRY

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def rule_descriptor(code: str) -> dict:
    rule = REGISTRY[code]
    help_text = f"{rule.rationale}\n\nBad:\n{rule.bad}\n\nGood:\n{rule.good}"
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": f"{rule.rationale}\n\n**Bad**\n```yaml\n{rule.bad}\n```\n\n"
                                                f"**Good**\n```yaml\n{rule.good}\n```"},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
    }


class SarifReporter(Reporter):
    name = "sarif"
    description = "SARIF 2.1.0 (GitHub code scanning)"

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        codes = sorted(REGISTRY)
        index = {code: i for i, code in enumerate(codes)}
        results = [
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(info.display_path(f.file), safe="/")},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    },
                    **({"logicalLocations": [{"name": f"{f.team}/{f.id}" if f.id else f.team, "kind": "object"}]}
                       if f.team else {}),
                }],
            }
            for f in findings
        ]
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "kpoctl",
                    "version": info.version,
                    "informationUri": "https://github.com/kpoctl/kpoctl",
                    "rules": [rule_descriptor(code) for code in codes],
                }},
                "results": results,
            }],
        }
        stream.write(dumps(log))
