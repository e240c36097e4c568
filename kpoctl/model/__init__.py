"""The scorecard model of FORMAT.md as pydantic v2 models.

These models are the schema: validation (KP002), `kpoctl schema` and the
committed `schemas/*.json` all come from them. Validation is strict: a value
must already have the type YAML gives it (`2024` is a number, not an id), so
problems surface where the user wrote them.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from kpoctl.model.profiles import PROFILES
from kpoctl.model.series import oldest_first, one_per_period

# These models are a file format, not a service to observe: pydantic's plugins are not
# looked for while they are built (finding them scans every installed package's entry
# points, a third of this module's import), as typer does for its own. Restored at the
# end of this module.
_PLUGINS_SETTING = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
REF_PATTERN = r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$"

Cadence = Literal["daily", "weekly", "biweekly", "monthly", "quarterly", "yearly"]
Perspective = Literal["financial", "customer", "process", "learning"]
Direction = Literal["at_least", "at_most", "equal"]
RollupMethod = Literal["sum", "mean", "weighted_mean", "min", "max", "product"]
CADENCES: tuple[str, ...] = Cadence.__args__  # type: ignore[attr-defined]
PERSPECTIVES: tuple[str, ...] = Perspective.__args__  # type: ignore[attr-defined]
ROLLUP_METHODS: tuple[str, ...] = RollupMethod.__args__  # type: ignore[attr-defined]

# Every scalar is strict: a value must already have the type YAML gives it.
Str = Annotated[str, Strict()]
Slug = Annotated[str, Strict(), StringConstraints(pattern=SLUG_PATTERN)]
Ref = Annotated[str, Strict(), StringConstraints(pattern=REF_PATTERN)]
Text = Annotated[str, Strict(), StringConstraints(min_length=1)]
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]


def _iso_date(value: Any) -> Any:
    """A YAML date, or the same date quoted ("2026-12-31"): unambiguous, and what JSON
    writers produce. Times, numbers and other text stay errors."""
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# What the JSON Schema says of a date and a period: a pattern, because `format: date` is
# only an annotation for most validators (editors then accept any string). It knows the
# calendar as far as a pattern can: no year 0000, the days of each month, 29 February in
# leap years only. Week 53 of a year that has none is the one thing it lets through
# (tests/test_properties.py); kpoctl itself refuses it (KP002).
_YEAR = r"(?!0000)\d{4}"
_DAY = (r"(-(0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|-(0[469]|11)-(0[1-9]|[12]\d|30)|-02-(0[1-9]|1\d|2[0-8]))")
_LEAP_DAY = r"(\d\d(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29"
DATE_PATTERN = rf"^({_YEAR}{_DAY}|{_LEAP_DAY})$"
PERIOD_PATTERN = rf"^({_YEAR}(-(0[1-9]|1[0-2])|-Q[1-4]|-W(0[1-9]|[1-4]\d|5[0-3])|{_DAY})?|{_LEAP_DAY})$"

Date = Annotated[dt.date, Strict(), BeforeValidator(_iso_date),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})]


def _none_to_empty(value: Any) -> Any:
    """`objectives:` left empty while drafting means no objectives, not an error."""
    return [] if value is None else value


def _id_list(value: Any) -> Any:
    """`supports: otif` and `supports: [otif]` mean the same."""
    return [value] if isinstance(value, str) else value


SlugList = Annotated[list[Slug], BeforeValidator(_none_to_empty, json_schema_input_type=Optional[list[Slug]])]
TextList = Annotated[list[Text], BeforeValidator(_none_to_empty, json_schema_input_type=Optional[list[Text]])]


def _none_to_unset(value: Any) -> Any:
    """A settings section left empty (`rules:` with every line under it commented out) sets
    nothing: its defaults hold, as for a section not written."""
    return {} if value is None else value


PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-W(0[1-9]|[1-4]\d|5[0-3])|-(\d{2})-(\d{2}))?$")


def _period(value: Any) -> str:
    """A period in its written form: YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date.
    Text first: nearly every actual's period is (period_in_calendar remembers each)."""
    if type(value) is str:
        if period_in_calendar(value):
            return value
    elif type(value) is int and 1000 <= value <= 9999:
        return str(value)
    elif type(value) is dt.date:
        return value.isoformat()
    raise PydanticCustomError("period", "period")


_LOOSE_PERIOD = re.compile(r"(\d{4})[-/.](?:([qQwW])(\d{1,2})|(\d{1,2})(?:[-/.](\d{1,2}))?)")


def period_meant(text: str) -> str | None:
    """The period a month, quarter, week or day written loosely names (2026-1, 2026/01,
    2026-q1, 2026-W5, 2026-1-2 -> 2026-01, 2026-01, 2026-Q1, 2026-W05, 2026-01-02), for a
    message to suggest; None when there is none, or `text` is already written so."""
    loose = _LOOSE_PERIOD.fullmatch(text)
    if loose is None:
        return None
    year, kind, number, month, day = loose.groups()
    if kind is not None:
        meant = f"{year}-Q{int(number)}" if kind in "qQ" else f"{year}-W{int(number):02d}"
    else:
        meant = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day is not None else "")
    return meant if meant != text and period_in_calendar(meant) else None


@functools.lru_cache(maxsize=4096)
def period_in_calendar(text: str) -> bool:
    """`text` is written as a period (PERIOD_RE) and names one that exists: there is no
    year 0, week 53 exists in some years only (2026 has one, 2027 none), a day must exist.
    The validator and `record` both ask this; a scorecard names the same few periods
    thousands of times, so each is judged once."""
    match = PERIOD_RE.match(text)
    if match is None or text[:4] == "0000":
        return False
    week, day = match.group(4), match.group(5)
    if week != "53" and day is None:
        return True  # the common case, a million times in a large scorecard: no date arithmetic
    try:
        if week == "53":
            dt.date.fromisocalendar(int(match.group(1)), 53, 1)
        else:
            dt.date.fromisoformat(match.group(0))
    except ValueError:
        return False
    return True


Period = Annotated[
    Any,
    PlainValidator(_period),
    WithJsonSchema(
        {
            "description": "YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date",
            "anyOf": [
                {"type": "integer", "minimum": 1000, "maximum": 9999},
                {"type": "string", "pattern": PERIOD_PATTERN},
            ],
        }
    ),
]


class _Strict(BaseModel):
    # Strictness is per field (see Str, Number, Date): a model-wide strict mode would
    # refuse mappings for the slotted Actual dataclass.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    """The level an indicator must reach, and in which direction."""

    value: Number = Field(description="The target value, in the indicator's unit (95 for 95%).")
    direction: Direction = Field(description="at_least: higher is better; at_most: lower is better; equal: close to it.")
    tolerance: NonNegative | None = Field(
        default=None, description="The amber band around the target, in the indicator's unit (status at risk)."
    )


# A slotted dataclass, not a model: a large scorecard holds millions of actuals.
@dataclass(slots=True, frozen=True, config=ConfigDict(extra="forbid"))
class Actual:
    """One measured value of an indicator."""

    period: Period = Field(description="The period measured: YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date.")
    value: Number = Field(description="The measured value, a number in the indicator's unit.")
    note: Str | None = Field(default=None, description="Optional remark on this value.")

    def __reduce__(self):
        # Pickling (worker processes, the signed cache) rebuilds an already validated
        # value without the dataclass's slow generic __setstate__.
        return (_rebuild_actual, (self.period, self.value, self.note))


def _rebuild_actual(period: str, value: float, note: str | None) -> Actual:
    actual = object.__new__(Actual)
    object.__setattr__(actual, "period", period)
    object.__setattr__(actual, "value", value)
    object.__setattr__(actual, "note", note)
    return actual


class Objective(_Strict):
    """A KPO or PO: what a team wants to achieve."""

    id: Slug = Field(description="Slug, unique within the team; referenced as TEAM/ID.")
    level: Literal["KPO", "PO"] = Field(description="KPO: key performance objective; PO: performance objective.")
    title: Text = Field(description="What is to be achieved, specific and measurable.")
    cascades_from: Ref | None = Field(
        default=None, description="TEAM/ID of the objective in an ancestor team that this one is cascaded from."
    )
    perspective: Perspective | None = Field(default=None, description="Balanced scorecard perspective.")
    due: Date | None = Field(default=None, description="End of the time frame (ISO date).")
    owner: Text | None = Field(default=None, description="Who is accountable; defaults to the team's owner.")
    shared_with: SlugList = Field(default_factory=list, description="Teams that share this objective on purpose.")
    evaluation: Text | None = Field(default=None, description="How a non-quantified objective is judged.")
    role: Literal["breakdown", "enabling"] | None = Field(
        default=None, description="Required on a PO: breakdown (a split of the KPO) or enabling (a driver of it)."
    )
    supports: Annotated[list[Text], BeforeValidator(_id_list, json_schema_input_type=Union[Text, list[Text]])] = Field(
        default_factory=list, description="Id (or list of ids) of the KPOs of the same team that this PO supports."
    )
    by: Text = Field(default="parts", description="A breakdown's dimension: segment, site, step, ...")
    weight: NonNegative | None = Field(
        default=None, description="A breakdown's share of the whole, for weighted roll-ups."
    )
    description: Str | None = Field(default=None, description="Free text.")


Rollup = RollupMethod | dict[Text, RollupMethod]


class PeriodValue(_Strict):
    """A value for a period: where an indicator started (baseline), or an interim target."""

    period: Period = Field(description="YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or an ISO date.")
    value: Number = Field(description="The value, in the indicator's unit.")


class Indicator(_Strict):
    """A KPI, PI or context indicator: what a team measures."""

    id: Slug = Field(description="Slug, unique within the team (objectives and indicators share one namespace).")
    level: Literal["KPI", "PI", "context"] = Field(description="KPI measures a KPO, PI a PO; context has no objective.")
    name: Text = Field(description="What is measured.")
    measures: Text | None = Field(
        default=None, description="Id of the objective of the same team that this indicator monitors."
    )
    unit: Str | None = Field(default=None, description="Unit of the values and target: %, days, EUR, ...")
    timing: Literal["leading", "lagging"] | None = Field(default=None, description="Leading or lagging indicator.")
    frequency: Cadence | None = Field(default=None, description="How often it is measured.")
    owner: Text | None = Field(default=None, description="Who is accountable for the indicator.")
    source: Str | None = Field(default=None, description="Where the data comes from.")
    target: Target | None = Field(default=None, description="The target level; context indicators have none.")
    baseline: PeriodValue | None = Field(
        default=None, description="Where the indicator started, {period, value}: with `target` and the measured "
        "objective's `due`, the straight line between them is the target in force where no interim target is.",
    )
    targets: Annotated[list[PeriodValue], BeforeValidator(_none_to_empty,
                                                          json_schema_input_type=Optional[list[PeriodValue]]),
                       AfterValidator(one_per_period)] = Field(
        default_factory=list, description="Interim targets, {period, value}: each is in force from its period on "
        "(direction and tolerance from `target`).",
    )
    rollup: Rollup | None = Field(
        default=None, description="How the KPO's breakdown parts combine, one method or one per dimension."
    )
    actions: TextList = Field(
        default_factory=list, description="Key performance actions when off track."
    )
    actuals: Annotated[list[Actual], BeforeValidator(_none_to_empty, json_schema_input_type=Optional[list[Actual]]),
                       AfterValidator(oldest_first)] = Field(
        default_factory=list, description="Measured values, oldest first, one per period."
    )
    description: Str | None = Field(default=None, description="Free text.")


class Team(_Strict):
    """One management team's scorecard: one file."""

    team: Slug = Field(description="Team id, a slug unique in the scorecard.")
    name: Text = Field(description="The management team's name.")
    parent: Slug | None = Field(default=None, description="Parent team id; absent only on the top team.")
    owner: Text | None = Field(default=None, description="Head of the team; owner of objectives that name none.")
    meeting: Cadence | None = Field(default=None, description="Cadence of the team's management meeting.")
    description: Str | None = Field(default=None, description="Free text.")
    objectives: Annotated[list[Objective], BeforeValidator(_none_to_empty,
                                                          json_schema_input_type=Optional[list[Objective]])] = Field(
        default_factory=list, description="The team's KPOs and POs."
    )
    indicators: Annotated[list[Indicator], BeforeValidator(_none_to_empty,
                                                          json_schema_input_type=Optional[list[Indicator]])] = Field(
        default_factory=list, description="The team's KPIs, PIs and context indicators."
    )


Entry = Objective | Indicator


def _unique_codes(value: list[str]) -> list[str]:
    return [code.upper() for code in value]


class Limits(_Strict):
    """Focus limits per team."""

    kpi: Annotated[int, Strict(), Field(ge=0)] = Field(default=3, description="KPIs per team (KP201).")
    pi: Annotated[int, Strict(), Field(ge=0)] = Field(default=7, description="PIs per team (KP202).")
    shared: Annotated[int, Strict(), Field(ge=0)] = Field(
        default=2, description="Teams one objective may be shared with (KP110)."
    )


class RuleSettings(_Strict):
    """Which rules run and how severe they are."""

    # an empty `select:` is refused, not read: it could mean no rule as well as every rule
    select: Annotated[list[Text], AfterValidator(_unique_codes)] = Field(
        default_factory=lambda: ["ALL"], description="Rule codes or prefixes to run (ALL for every rule)."
    )
    ignore: Annotated[TextList, AfterValidator(_unique_codes)] = Field(
        default_factory=list, description="Rule codes or prefixes not to run."
    )
    severity: Annotated[dict[Text, Literal["error", "warning", "info"]],
                        BeforeValidator(_none_to_unset, json_schema_input_type=Optional[dict[Text, Literal[
                            "error", "warning", "info"]]])] = Field(
        default_factory=dict, description="Severity per rule code, overriding the default."
    )


class Settings(_Strict):
    """`kpoctl.yaml`: project settings, all optional."""

    profile: Literal["kpo", "okr", "cpi-kpi-kpa", "bsc", "omtm"] = Field(
        default="kpo", description="The framework the scorecard follows: its words, defaults and extra rules "
                                   "(README: Framework profiles)."
    )
    limits: Annotated[Limits, BeforeValidator(_none_to_unset, json_schema_input_type=Optional[Limits])] = Field(
        default_factory=Limits, description="Focus limits per team.")
    quantified_share: Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        default=0.8, description="Share of a team's objectives that must have a numeric target (KP302)."
    )
    rules: Annotated[RuleSettings, BeforeValidator(_none_to_unset, json_schema_input_type=Optional[RuleSettings])] = Field(
        default_factory=RuleSettings, description="Rule selection and severities.")
    weasel_words: TextList = Field(
        default_factory=list, description="Words added to KP301's built-in list.")
    today: Date | None = Field(default=None, description="Fixed date for reproducible runs.")
    max_file_mb: Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False)] = Field(
        default=10, description="Largest team file read, in MB (KP001 above)."
    )
    max_nodes: Annotated[int, Strict(), Field(gt=0)] = Field(
        default=100_000, description="Most YAML nodes a document may expand to through aliases (KP001 above)."
    )

    @model_validator(mode="before")
    @classmethod
    def _profile_defaults(cls, data: Any) -> Any:
        """A profile's defaults for the limits and severities the file does not set."""
        if not isinstance(data, dict) or not isinstance(data.get("profile"), str):
            return data
        profile = PROFILES.get(data["profile"])
        if profile is None:
            return data
        data = dict(data)
        # a section left empty (None) is one not written: the profile's defaults fill it
        if profile.limits and (data.get("limits") is None or isinstance(data["limits"], dict)):
            data["limits"] = {**profile.limits, **(data.get("limits") or {})}
        if profile.severity and (data.get("rules") is None or isinstance(data["rules"], dict)):
            rules = dict(data.get("rules") or {})
            if rules.get("severity") is None or isinstance(rules["severity"], dict):
                rules["severity"] = {**profile.severity, **(rules.get("severity") or {})}
                data["rules"] = rules
        return data

    def run_date(self) -> dt.date:
        """The date rules judge against: `today` when set (reproducible runs), else the real date."""
        return self.today or dt.date.today()


if _PLUGINS_SETTING is None:
    del os.environ["PYDANTIC_DISABLE_PLUGINS"]
else:
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = _PLUGINS_SETTING
