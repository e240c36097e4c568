"""Every format stays well-formed and inert for any text a YAML string (or a file name)
can hold: rich markup, terminal escapes, line breaks, HTML, pipes, percent signs. Each
output is parsed by a parser of its format, or checked for what would break it."""

from __future__ import annotations

import html.parser
import json
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

HOSTILE = [
    "[/]", "[link=https://evil.example]click[/link]", "[bold red]loud[/]", "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "two\r\nlines", "cr\ronly", "<script>alert(1)</script>",
    "| a | b |", "100% #1 ?q=x&y", "\x01\x02\x7f\x9b", "line\u2028sep\u2029par\x85nel", "café ✓ 😀", '"quoted"',
    "`tick` *star* _under_",
]


_PRINTABLE = re.compile("[\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text`, whatever it holds."""
    def char(c: str) -> str:
        if c in '"\\':
            return "\\" + c
        if _PRINTABLE.fullmatch(c):
            return c
        code = ord(c)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return '"' + "".join(char(c) for c in text) + '"'


def scorecard(folder, variant: int = 0):
    """Every free-text field holds every hostile string (in turn first or last)."""
    words = HOSTILE if variant == 0 else HOSTILE[::-1]
    text = iter([" ".join(words)] * 20)
    top = f"""team: top
name: {yaml_string(next(text))}
owner: {yaml_string(next(text))}
meeting: monthly
objectives:
  - id: goal
    level: KPO
    title: {yaml_string(next(text) + " deliver 95% of orders")}
indicators:
  - id: rate
    level: KPI
    measures: goal
    name: {yaml_string(next(text))}
    unit: {yaml_string(next(text))}
    owner: {yaml_string(next(text))}
    frequency: monthly
    actions: [{yaml_string(next(text))}]
    target: {{value: 95, direction: at_least}}
    actuals:
      - {{period: 2026-01, value: 80, note: {yaml_string(next(text))}}}
  - id: stray
    level: KPI
    measures: {yaml_string(next(text))}
    name: {yaml_string(next(text))}
"""
    (folder / "top.yaml").write_text(top, encoding="utf-8")
    odd = folder / "odd %#? [x] \x1b[31m name.yaml"
    odd.write_text(f"team: child\nname: {yaml_string(next(text))}\nparent: top\nowner: {yaml_string(next(text))}\n"
                   f"objectives:\n  - {{id: sub, level: KPO, title: {yaml_string(next(text))}, "
                   "cascades_from: top/nothing}\n"
                   f"indicators:\n  - {{id: lost, level: KPI, name: {yaml_string(next(text))}, "
                   f"owner: {yaml_string(next(text))}}}\n", encoding="utf-8")
    (folder / "kpoctl.yaml").write_text("today: 2026-11-21\n")


def assert_inert_terminal_text(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text and "\x9b" not in text, repr(text[:400])
    assert "evil.example" not in text or "[link=" in text or "8;;" in text  # shown as text, never a live link


def assert_markdown_table(text: str) -> None:
    assert "<script" not in text and "\r" not in text
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert rows
    widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
    assert len(widths) <= 2, widths  # every row of a table has its header's cells (two tables at most: per team)


class _Html(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


CHECKS = {
    ("lint", "text"): assert_inert_terminal_text,
    ("lint", "json"): lambda out: json.loads(out),
    ("lint", "sarif"): lambda out: [
        re.fullmatch(r"[A-Za-z0-9/._~%-]+", loc["physicalLocation"]["artifactLocation"]["uri"]) or pytest.fail(loc)
        for result in json.loads(out)["runs"][0]["results"] for loc in result["locations"]],
    ("lint", "junit"): lambda out: ET.fromstring(out.split("\n", 1)[1]),
    ("lint", "github"): lambda out: all(line.startswith("::") and "\x1b" not in line for line in out.splitlines())
    or pytest.fail(out),
    ("lint", "markdown"): assert_markdown_table,
    ("count", "text"): assert_inert_terminal_text,
    ("count", "json"): lambda out: json.loads(out),
    ("orphans", "text"): assert_inert_terminal_text,
    ("orphans", "json"): lambda out: json.loads(out),
    ("tree", "text"): assert_inert_terminal_text,
    ("tree", "json"): lambda out: json.loads(out),
    ("tree", "mermaid"): lambda out: [
        pytest.fail(line) for line in out.splitlines()
        if "\r" in line or re.search(r"[<>]", line.replace("-->", "")) or "\x1b" in line],
    ("tree", "dot"): lambda out: [
        pytest.fail(line) for line in out.splitlines()[3:-1]
        if not line.rstrip().endswith(";") or "\x1b" in line or (line.count('"') - line.count('\\"')) % 2],
    ("report", "text"): assert_inert_terminal_text,
    ("report", "json"): lambda out: json.loads(out),
    ("report", "markdown"): assert_markdown_table,
    ("report", "html"): lambda out: ("script" not in _parsed(out).tags) or pytest.fail("a live script tag"),
}


def _parsed(out: str) -> _Html:
    parser = _Html()
    parser.feed(out)
    return parser


@pytest.mark.parametrize("variant", [0, 1])
@pytest.mark.parametrize("command, output", list(CHECKS), ids=lambda v: v if isinstance(v, str) else None)
def test_every_format_stays_well_formed_and_inert(run_cli, tmp_path, variant, command, output):
    scorecard(tmp_path, variant)
    result = run_cli(command, tmp_path, "--format", output)
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout.encode("utf-8")  # valid UTF-8, whatever the input
    CHECKS[(command, output)](result.stdout)
    assert_inert_terminal_text(result.stderr)


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_diff_stays_well_formed_and_inert(run_cli, tmp_path, monkeypatch, output):
    scorecard(tmp_path, 0)
    git("init", "-q", cwd=tmp_path)
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "one", cwd=tmp_path)
    scorecard(tmp_path, 1)  # every owner and name changes
    monkeypatch.chdir(tmp_path)
    result = run_cli("diff", "HEAD", "--format", output)
    assert result.exit_code in (0, 1), result.stderr
    {"text": assert_inert_terminal_text, "json": json.loads, "markdown": assert_markdown_table}[output](result.stdout)


@pytest.mark.parametrize("text, cell", [
    ("add `measures: <KPO id>`", "add `measures: <KPO id>`"),  # a code span shows < as it is
    ("a | b `c|d` <e>", "a \\| b `c\\|d` &lt;e&gt;"),
    ("```<x>`", "```&lt;x&gt;`"),  # runs of backticks: spans uncertain, all escaped
    ("\\`<x>`", "\\`&lt;x&gt;`"),  # an escaped backtick opens no span
    ("`<x>", "`&lt;x&gt;"),  # an unpaired backtick opens no span
    ("`<a>` or `b|c` <d>", "`<a>` or `b\\|c` &lt;d&gt;"),  # the second span of a line is a span too
])
def test_markdown_cells_escape_html_outside_code_spans_only(text, cell):
    from kpoctl.common.textsafe import markdown_cell

    assert markdown_cell(text) == cell
