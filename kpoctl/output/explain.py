"""`kpoctl explain`: a rule's own documentation, and the catalogue as a table.

The README's rule table is generated here too (`rules_markdown`), so the docs
and the tool cannot drift apart.
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from kpoctl.model.profiles import PROFILES
from kpoctl.output.tables import print_whole
from kpoctl.rules import REGISTRY, Rule
from kpoctl.rules.base import HISTORY

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
HOW_HISTORY_RUNS = ("Checked over the scorecard's git history, commit by commit: `kpoctl history` or "
                    "`kpoctl lint --history` (see `--since`, `--last`, `--base`).")


def render_rule(rule: Rule, console: Console) -> None:
    style = SEVERITY_STYLE[rule.severity.value]
    console.print(f"[bold]{rule.code}[/] {rule.name} [{style}]({rule.severity.value})[/]")
    console.print(Text(textwrap.fill(rule.summary, _width(console))))
    console.print()
    console.print("[bold]Why[/]")
    _print_paragraphs(unwrapped(rule.rationale), console, indent="  ")
    if rule.scope == HISTORY:
        console.print()
        _print_paragraphs(HOW_HISTORY_RUNS, console, indent="  ")
    for said in (profile_note(rule), waits_note(rule)):
        if said:
            console.print()
            _print_paragraphs(said, console, indent="  ")
    for title, example in (("Bad", rule.bad), ("Good", rule.good)):
        console.print()
        console.print(f"[bold]{title}[/]")
        if console.color_system is None:  # piped: the lines as they are, no padding to the width
            console.print(Text(textwrap.indent(example.rstrip("\n"), "  ")))
        else:
            console.print(Padding(Syntax(example, "yaml", theme="ansi_dark", background_color="default"), (0, 0, 0, 2)))


def profile_note(rule: Rule) -> str | None:
    """Which framework profile a rule belongs to, or which profiles leave it to their own."""
    if rule.profile is not None:
        profile = PROFILES[rule.profile]
        return (f"Profile: {profile.name} ({profile.title}). Runs only with `profile: {profile.name}` in "
                "kpoctl.yaml.")
    left = [f"{p.name} ({p.leaves[rule.code]})" for p in PROFILES.values() if rule.code in p.leaves]
    if left:
        return f"Profile: every one but {'; '.join(left)}."
    return None


def waits_note(rule: Rule) -> str | None:
    """What the rule reads of other entries, for which its findings wait (kpoctl.rules.engine)."""
    if not rule.reads:
        return None
    whole = "is left out whole (a KP002 on its id, level, title or name)"
    fields = [f"`{name}`" for name in sorted(rule.reads - {"id", "level"})]
    which = f"{', '.join(fields[:-1])} or {fields[-1]}" if len(fields) > 1 else "".join(fields)
    what = f"has a KP002 on its {which}, or {whole}" if fields else whole
    return f"Waits while another entry of the team {what}: what it would say depends on what was not read."


def render_prose(title: str, text: str, console: Console) -> None:
    """A title, then `text`'s paragraphs wrapped once to the terminal (`explain score`)."""
    console.print(Text(title))
    console.print()
    _print_paragraphs(text, console)


def _width(console: Console) -> int:
    # paragraphs read best under a hundred columns; under the terminal's width, or rich
    # breaks each wrapped line again, losing the rationale's indent (the floor: textwrap's)
    return max(10, min(console.width, 100))


def _print_paragraphs(text: str, console: Console, indent: str = "") -> None:
    for number, paragraph in enumerate(text.split("\n\n")):
        if number:
            console.print()
        console.print(Text(textwrap.fill(paragraph, _width(console) - len(indent), initial_indent=indent,
                                         subsequent_indent=indent)))


def unwrapped(text: str) -> str:
    """A docstring's paragraphs on one line each, so the terminal wraps them once, at its
    own width, instead of re-wrapping lines already broken for the source file."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines()) for block in text.strip().split("\n\n")]
    return "\n\n".join(paragraphs)


def render_list(console: Console) -> None:
    table = Table(title="kpoctl rules", title_justify="left")
    table.add_column("code", style="bold", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("summary", overflow="fold")
    for code, rule in sorted(REGISTRY.items()):
        sev = rule.severity.value
        table.add_row(code, rule.name, f"[{SEVERITY_STYLE[sev]}]{sev}[/]", escape(rule.summary))
    print_whole(console, table)  # the codes whole at any width (at 40 columns rich dropped them)
    console.print(f"{len(REGISTRY)} rules; `kpoctl explain CODE` for the rationale and examples.")


def rules_markdown() -> str:
    """The README's rule table."""
    lines = ["| code | name | severity | summary |", "|---|---|---|---|"]
    for code, rule in sorted(REGISTRY.items()):
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| {code} | {rule.name} | {rule.severity.value} | {summary} |")
    return "\n".join(lines) + "\n"


def rules_reference() -> str:
    """docs/rules.md: every rule as `kpoctl explain` prints it, in markdown (tools/docs.py)."""
    parts = [
        "# kpoctl rules\n\n",
        "Generated from the rule registry by `python tools/docs.py`; do not edit by hand.\n",
        "`kpoctl explain CODE` prints the same in a terminal.\n",
    ]
    for code, rule in sorted(REGISTRY.items()):
        parts.append(f"\n## {code} {rule.name} ({rule.severity.value})\n\n{rule.summary}\n\n")
        parts.append(f"**Why.** {unwrapped(rule.rationale)}\n\n")
        if rule.scope == HISTORY:
            parts.append(f"{HOW_HISTORY_RUNS}\n\n")
        for said in (profile_note(rule), waits_note(rule)):
            if said:
                parts.append(f"{said}\n\n")
        parts.append(f"Bad:\n\n```yaml\n{rule.bad}\n```\n\nGood:\n\n```yaml\n{rule.good}\n```\n")
    return "".join(parts)
