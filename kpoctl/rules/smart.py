"""KP3: SMART objectives and indicators that measure results, not activity."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from kpoctl.common.findings import Severity
from kpoctl.model import Indicator, Objective
from kpoctl.model.status import met, target_in_force
from kpoctl.rules.base import TEAM, Context, entries, rule

W, I = Severity.WARNING, Severity.INFO

WEASEL_WORDS = (
    "effective", "effectively", "efficient", "optimize", "optimise", "streamline", "best practice",
    "capacity", "leverage", "robust", "world-class", "synergy", "enhance", "maximize",
)
_NUMBERLESS_VERBS = ("improve", "increase")
_WORD = re.compile(r"[\w%]+(?:[-'][\w%]+)*")


class WeaselWords(NamedTuple):
    """The weasel words of a run: the pattern that finds them, and a screen that tells
    most texts hold none far sooner (KP301 asks of every title and name)."""

    pattern: re.Pattern
    # every weasel word and vague verb in lower case, when all are ASCII: an ASCII text
    # whose lower case holds none of them has no match (for such a text and such words,
    # the pattern's IGNORECASE is ASCII's own case); None: always ask the pattern
    screen: tuple[str, ...] | None


def weasel_pattern(extra: list[str]) -> WeaselWords:
    return _weasel_pattern(tuple(extra))


@functools.lru_cache(maxsize=8)
def _weasel_pattern(extra: tuple[str, ...]) -> WeaselWords:
    """Built once per word list: KP301 asks for it on every team file."""
    words = sorted({w.lower() for w in (*WEASEL_WORDS, *extra)})  # the lookarounds make order irrelevant
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.I)
    screened = (*words, *_NUMBERLESS_VERBS)
    return WeaselWords(pattern, screened if all(w.isascii() for w in screened) else None)


_VAGUE_VERB = re.compile(r"(?<![\w-])(improve|increase)(?![\w-])", re.I)


def weasel_in(text: str, words: WeaselWords) -> str | None:
    """The first weasel word in `text`, if any."""
    if words.screen is not None and text.isascii() and not _holds_any(text.lower(), words.screen):
        return None  # a tenth of the time of the two patterns below, for most texts
    match = words.pattern.search(text)
    if match:
        return match.group(1)
    vague = _VAGUE_VERB.search(text)
    if vague and not re.search(r"\d", text):
        return vague.group(1)
    return None


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    for word in words:
        if word in text:
            return True
    return False


@rule("KP301", "not-specific", W, "Specific: a title or name uses weasel words or a title is under four words",
      bad="""
      title: Optimize delivery
      """,
      good="""
      title: Deliver 95% of orders on time and in full
      """, scope=TEAM)
def not_specific(ctx: Context):
    """Specific: an objective says what is to be achieved in words nobody can read two
    ways. Weasel words (effective, optimize, streamline, leverage, capacity, ...) and
    "improve" or "increase" without a number sound like objectives but commit to
    nothing. Titles of objectives need at least four words; indicator names are
    labels ("OTIF rate") and are checked for weasel words only. Extend the list with
    `weasel_words` in kpoctl.yaml."""
    pattern = weasel_pattern(ctx.settings.weasel_words)
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Objective):
            text, field = entry.title, "title"
        else:
            text, field = entry.name, "name"
        word = weasel_in(text, pattern)
        if word is not None:
            hint = " without a number" if word.lower() in _NUMBERLESS_VERBS else ""
            yield ctx.at(ref, f"{field} uses the weasel word '{word}'{hint}: say what, how much and by when", field)
        elif field == "title" and len(_WORD.findall(text)) < 4:
            yield ctx.at(ref, f"title '{text}' is under four words: say what is to be achieved", field)


@rule("KP302", "not-measurable", W,
      "Measurable: less than `quantified_share` (default 80%) of a team's objectives have an indicator with a numeric target",
      bad="""
      objectives: [otif, motivation, inventory]   # only otif has a KPI with a target
      """,
      good="""
      indicators:   # each objective measured, each with target: {value, direction}
      """, scope=TEAM, reads=("target", "measures", "level"))
def not_measurable(ctx: Context):
    """Measurable: an objective without a numeric target on one of its indicators cannot
    be called reached or missed. Some objectives are judged otherwise (`evaluation`),
    but most of a team's objectives should be quantified."""
    graph = ctx.graph
    share = ctx.settings.quantified_share
    for name, refs in graph.entries_by_team.items():
        objectives = [r for r in refs if r.is_objective]
        quantified = sum(
            1 for r in objectives if any(i.entry.target is not None for i in graph.measured_by(r.key))
        )
        if objectives and quantified / len(objectives) < share:  # 7 / 10 is exactly the 0.7 written in settings
            yield ctx.at(graph.teams[name], f"only {quantified} of {len(objectives)} objectives of team '{name}' "
                                            f"({quantified / len(objectives):.0%}) have an indicator with a numeric "
                                            f"target; at least {share:.0%} should (quantified_share)")


@rule("KP303", "no-due-date", W, "Time-bound: an objective has no `due` date",
      bad="""
      - id: otif
        level: KPO
        title: Deliver 95% of orders on time and in full
      """,
      good="""
      - id: otif
        level: KPO
        title: Deliver 95% of orders on time and in full
        due: 2026-12-31
      """, scope=TEAM)
def no_due_date(ctx: Context):
    """Time-bound: an objective without a time frame is never late, so never urgent, and
    nobody can say in the meeting whether it was reached. Give every objective a `due`
    date, the end of its time frame."""
    for ref in entries(ctx):
        if isinstance(ref.entry, Objective) and ref.entry.due is None:
            yield ctx.at(ref, f"{ref.entry.level} '{ref.entry.id}' has no `due` date")


@rule("KP304", "past-due", W, "Time-bound: `due` is in the past while the objective is still listed",
      bad="""
      due: 2024-12-31      # and today is 2026
      """,
      good="""
      due: 2026-12-31
      """, scope=TEAM)
def past_due(ctx: Context):
    """An objective whose time frame has ended was either reached or missed: review it
    in the meeting, then renew it with a new date or remove it. `today` in
    kpoctl.yaml fixes the date for reproducible runs."""
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Objective) and entry.due is not None and entry.due < ctx.today:
            yield ctx.at(ref, f"'{entry.id}' was due {entry.due.isoformat()}, before today ({ctx.today.isoformat()}): "
                              "renew or remove it", "due")


@rule("KP305", "target-not-challenging", I,
      "Attainable/ambitious: the target was met in each of the last 3 actuals, or is beyond twice the best actual",
      bad="""
      target: {value: 90, direction: at_least}
      actuals: [{period: 2026-08, value: 96}, {period: 2026-09, value: 97}, {period: 2026-10, value: 95}]
      """,
      good="""
      target: {value: 95, direction: at_least}
      """, scope=TEAM)
def target_not_challenging(ctx: Context):
    """A target met every time no longer stretches anyone: adapt it. One far beyond
    anything ever measured (more than twice the best actual; where lower is better,
    under half of it) is not attainable and will be ignored. The second check needs a
    best actual above 0, since twice nothing says nothing. Both are signals to review
    the target, not errors."""
    for ref in entries(ctx):
        entry = ref.entry
        if not isinstance(entry, Indicator) or entry.target is None or not entry.actuals:
            continue
        target = entry.target
        values = [a.value for a in entry.actuals]
        due = ctx.graph.due_of(ref)
        last = entry.actuals[-3:]
        in_force = [target_in_force(entry, a.period, due) for a in last]  # interim targets count
        if len(values) >= 3 and all(met(a.value, t) for a, t in zip(last, in_force)):
            yield ctx.at(ref, f"'{entry.id}' met its target ({in_force[-1].value:g}) in each of the last 3 actuals: "
                              "consider a more ambitious target", "target")
        elif target.direction == "at_least" and max(values) > 0 and target.value > 2 * max(values):
            yield ctx.at(ref, f"target {target.value:g} of '{entry.id}' is more than twice the best actual "
                              f"({max(values):g}): is it attainable?", "target")
        elif target.direction == "at_most" and min(values) > 0 and target.value < min(values) / 2:
            yield ctx.at(ref, f"target {target.value:g} of '{entry.id}' is less than half the best actual "
                              f"({min(values):g}): is it attainable?", "target")


@rule("KP306", "not-relevant", W, "Relevant: the chain of `cascades_from`/`supports` does not reach a KPO of the top team",
      bad="""
      - id: tidy-desks
        level: KPO
        cascades_from: unit-1/tidy-desks   # which itself comes from nowhere
      """,
      good="""
      - id: otif
        level: KPO
        cascades_from: unit-1/otif         # -> best-company/otif, a strategic KPO
      """, reads=("level",))
def not_relevant(ctx: Context):
    """Relevant: every objective should serve the strategy, through a chain of
    cascades and supports that ends at a KPO of the top team. An objective whose chain
    ends elsewhere is busy work, however well measured. (An objective with no link at
    all is already KP103 or KP106.)"""
    graph = ctx.graph
    if not graph.top_teams:
        return
    reached = graph.reaching_top
    for ref in entries(ctx):
        entry = ref.entry
        if not isinstance(entry, Objective) or ref.key in reached:
            continue
        if entry.cascades_from is None and (entry.level == "KPO" or not entry.supports):
            continue  # no link at all: KP103 (or a second top team's KPO, KP006) or KP106
        # past a link a KP002 left unread, nobody knows: while the KP002 is said, it is the finding
        yield ctx.at(ref, f"the cascade of '{ref.key}' does not reach a KPO of the top team",
                     waits_for=graph.past_unread_links.get(ref.key))


# Imperative verbs of effort. Result verbs ("deliver", "meet", "win") are left out on
# purpose: precision matters more than recall for this rule.
_ACTIVITY_VERBS = (
    "complete", "make", "hold", "post", "send", "call", "attend", "conduct", "do", "perform", "run",
    "write", "publish", "visit", "contact", "schedule", "organize", "organise", "host", "submit",
)
_QUOTA = re.compile(r"^(?:" + "|".join(_ACTIVITY_VERBS) + r")\b[^.]*?\b\d+", re.I)


def is_activity_quota(name: str) -> bool:
    """"Complete 10 sales calls per day": an imperative activity verb followed by a count."""
    return _QUOTA.search(name.strip()) is not None


@rule("KP307", "activity-quota", W, "results, not actions: an indicator reads as an activity quota",
      bad="""
      name: Complete 10 sales calls per day
      """,
      good="""
      name: Revenue from new customers in EUR
      """, scope=TEAM)
def activity_quota(ctx: Context):
    """An indicator measures a result. "Complete 10 sales calls per day" counts effort,
    which people can meet without moving the objective; measure what the calls are
    for (orders won, revenue). Only names that start with an activity verb followed by
    a count are reported: "Calls answered within 20 s" is a result."""
    for ref in entries(ctx):
        entry = ref.entry
        if isinstance(entry, Indicator) and is_activity_quota(entry.name):
            yield ctx.at(ref, f"'{entry.name}' reads as an activity quota: measure the result the activity is for",
                         "name")
