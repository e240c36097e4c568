"""`--format junit`: JUnit XML for CI dashboards; one testsuite per file, one testcase per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TextIO

from kpoctl.common.findings import Finding
from kpoctl.common.textsafe import xml_text
from kpoctl.output.reporters.base import Reporter, RunInfo


class JunitReporter(Reporter):
    name = "junit"
    description = "JUnit XML: a testsuite per file, a failing testcase per finding"

    def write(self, findings: list[Finding], info: RunInfo, stream: TextIO) -> None:
        by_file: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            by_file[f.file].append(f)
        files = sorted(set(info.files) | set(by_file))
        shown = {file: xml_text(info.display_path(file)) for file in files}
        root = ET.Element("testsuites", name="kpoctl", tests=str(sum(max(1, len(by_file[f])) for f in files)),
                          failures=str(len(findings)))
        for file in files:
            items = by_file[file]
            suite = ET.SubElement(root, "testsuite", name=shown[file], tests=str(max(1, len(items))),
                                  failures=str(len(items)), errors="0", skipped="0")
            if not items:
                ET.SubElement(suite, "testcase", name="kpoctl", classname=shown[file])
            for f in items:
                case = ET.SubElement(suite, "testcase", name=f"{f.code} at {f.line}:{f.column}",
                                     classname=shown[file], file=shown[file],
                                     line=str(f.line))
                message = xml_text(f.message)
                failure = ET.SubElement(case, "failure", message=message, type=f.severity.value)
                failure.text = f"{shown[file]}:{f.line}:{f.column} {f.code} ({f.severity.value}) {message}"
        ET.indent(root)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ET.tostring(root, encoding="unicode"))
        stream.write("\n")


