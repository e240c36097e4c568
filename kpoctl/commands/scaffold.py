"""`kpoctl init`: a new scorecard that lints clean, written atomically.

A top team covering the four perspectives with a leading indicator, one team
below it with a cascaded KPO, `kpoctl.yaml`, and the JSON Schemas the files point
editors at. (The cache lives in the user's cache folder: nothing to ignore in git.)
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from kpoctl.common.atomic import write_text_atomic
from kpoctl.common.errors import UsageError
from kpoctl.output import schemas

TEAM_HEADER = "# yaml-language-server: $schema=schemas/team.schema.json\n"
SETTINGS_HEADER = "# yaml-language-server: $schema=schemas/settings.schema.json\n"

TOP = """\
# The top management team: its KPOs come from the strategy.
team: {top}
name: {top_name} executive team
owner: CEO
meeting: monthly

objectives:
  - id: revenue
    level: KPO
    title: Grow revenue to 10 million EUR this year
    perspective: financial
    due: {due}
  - id: otif
    level: KPO
    title: Deliver 95% of orders on time and in full
    perspective: customer
    due: {due}
  - id: lead-time
    level: PO
    role: enabling
    supports: otif
    perspective: process
    title: Cut order to delivery lead time to 10 days
    due: {due}
  - id: skills
    level: PO
    role: enabling
    supports: revenue
    perspective: learning
    title: Train 90% of sellers on the new product range
    due: {due}

indicators:
  - id: revenue-kpi
    level: KPI
    measures: revenue
    name: Revenue booked
    unit: MEUR
    timing: lagging
    frequency: monthly
    owner: CFO
    target: {{value: 10, direction: at_least, tolerance: 0.5}}
  - id: otif-kpi
    level: KPI
    measures: otif
    name: OTIF rate
    unit: "%"
    timing: lagging
    frequency: monthly
    owner: COO
    target: {{value: 95, direction: at_least, tolerance: 1}}
  - id: lead-time-pi
    level: PI
    measures: lead-time
    name: Order to delivery lead time
    unit: days
    timing: leading
    frequency: weekly
    owner: COO
    target: {{value: 10, direction: at_most, tolerance: 1}}
  - id: skills-pi
    level: PI
    measures: skills
    name: Sellers trained on the new range
    unit: "%"
    timing: leading
    frequency: monthly
    owner: Sales director
    target: {{value: 90, direction: at_least}}
"""

CHILD = """\
# A team below the top: its KPO is cascaded from the top team's.
team: operations
name: Operations management team
parent: {top}
owner: Operations director
meeting: weekly

objectives:
  - id: otif
    level: KPO
    title: Deliver 95% of orders on time and in full
    cascades_from: {top}/otif
    perspective: customer
    due: {due}
  - id: downtime
    level: PO
    role: enabling
    supports: otif
    perspective: process
    title: Keep unplanned downtime of the lines under 3% of planned time
    due: {due}

indicators:
  - id: otif-kpi
    level: KPI
    measures: otif
    name: OTIF rate of operations
    unit: "%"
    timing: lagging
    frequency: weekly
    owner: Operations director
    target: {{value: 95, direction: at_least, tolerance: 1}}
    actions:
      - Review every late order in the weekly meeting
  - id: downtime-pi
    level: PI
    measures: downtime
    name: Unplanned downtime
    unit: "%"
    timing: leading
    frequency: weekly
    owner: Maintenance lead
    target: {{value: 3, direction: at_most}}
"""

SETTINGS = """\
# kpoctl settings; every key is optional. See `kpoctl schema settings`.
limits: {kpi: 3, pi: 7, shared: 2}
quantified_share: 0.8
rules:
  select: [ALL]
  ignore: []
"""


def scaffold_files(top: str = "company", today: dt.date | None = None) -> dict[str, str]:
    """Relative path -> content of every file `init` writes."""
    today = today or dt.date.today()
    due = dt.date(today.year + 1, 12, 31).isoformat()
    top_name = top.replace("-", " ").title()
    return {
        "kpoctl.yaml": SETTINGS_HEADER + SETTINGS,
        f"{top}.yaml": TEAM_HEADER + TOP.format(top=top, top_name=top_name, due=due),
        "operations.yaml": TEAM_HEADER + CHILD.format(top=top, due=due),
        "schemas/team.schema.json": schemas.render("team"),
        "schemas/settings.schema.json": schemas.render("settings"),
    }


def init(folder: Path, *, force: bool = False, top: str = "company") -> list[Path]:
    """Write a new scorecard into `folder`; refuse to overwrite anything unless `force`."""
    files = scaffold_files(top)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"not a folder: {folder}")
    existing = [name for name in files if os.path.lexists(folder / name)]
    if existing and not force:
        raise UsageError(f"{folder / existing[0]} already exists; use --force to overwrite")
    try:
        (folder / "schemas").mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files.items():
            path = folder / name
            write_text_atomic(path, text)
            written.append(path)
    except OSError as exc:
        raise UsageError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    return written
