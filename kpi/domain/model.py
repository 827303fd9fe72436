"""The domain records: what a CX strategy is made of.

Frozen dataclasses and string enums, no Streamlit and no SQL, so every rule can be tested on
plain values. The store turns rows into these records; pages and charts read them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

LOW_CONFIDENCE_N = 30
"""Survey values from fewer answers than this are flagged low-confidence (see kpi.domain.cx)."""

COMPARISONS = ("<=", ">=")
"""How a service priority's KPI must compare with its threshold each month: at most, at least."""

UNIT_RANGES: dict[str, tuple[float, float]] = {
    "%": (0.0, 100.0),
    "s": (0.0, math.inf),
    "min": (0.0, math.inf),
    "h": (0.0, math.inf),
    "days": (0.0, math.inf),
    "ms": (0.0, math.inf),
    "nps": (-100.0, 100.0),
    "ces": (1.0, 7.0),
    "count": (0.0, math.inf),
    "per1000": (0.0, 1000.0),
}
"""Every unit a KPI may have, and the values a KPI of each unit can take: a share cannot pass
100 %, a waiting time cannot fall below zero, NPS runs from −100 to +100, CES from 1 to 7. Imports
and forms refuse other units (kpi.domain.checks); kpi.text.fmt styles exactly these."""


def within_unit(value: float, unit: str) -> float:
    """`value` held within what `unit` can reach (`UNIT_RANGES`): a process limit 2.66 moving
    ranges below a small mean is drawn at 0 minutes, not at minus 12."""
    low, high = UNIT_RANGES.get(unit, (-math.inf, math.inf))
    return min(max(value, low), high)


DEFAULT_TOLERANCE = 0.05
"""A KPI's tolerance when none is given: a value within 5 % of the target is amber, not red."""
DEFAULT_WEIGHT = 1.0
"""A goal's weight in its parent's roll-up when none is given."""


class Level(StrEnum):
    STRATEGIC = "strategic"
    TACTICAL = "tactical"
    OPERATIONAL = "operational"

    @property
    def depth(self) -> int:
        """0 for strategic, 1 for tactical, 2 for operational: a child is one level deeper."""
        return _DEPTHS[self]


_DEPTHS = {level: depth for depth, level in enumerate(Level)}


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Aggregation(StrEnum):
    MEAN = "mean"
    SUM = "sum"
    LAST = "last"
    MIN = "min"
    MAX = "max"
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"

    @property
    def is_survey(self) -> bool:
        """Survey KPIs are computed from individual answers, not loaded as monthly values."""
        return self in (Aggregation.NPS, Aggregation.CSAT, Aggregation.CES)


SURVEY_SCALES: dict[Aggregation, tuple[int, int]] = {
    Aggregation.NPS: (0, 10),
    Aggregation.CSAT: (1, 5),
    Aggregation.CES: (1, 7),
}
"""The answer scale of each survey KPI kind; answers outside it are rejected on import."""

SURVEY_UNITS: dict[Aggregation, str] = {
    Aggregation.NPS: "nps",
    Aggregation.CSAT: "%",
    Aggregation.CES: "ces",
}
"""The unit each survey KPI kind's value is in, as its answers are turned into it (kpi.domain.cx):
NPS from −100 to +100, CSAT the share satisfied, CES the mean score on 1-7."""


class JourneyPhase(StrEnum):
    """The customer journey's phases, in the journey's order; a KPI may belong to one."""

    AWARENESS = "awareness"
    EVALUATION = "evaluation"
    PURCHASE = "purchase"
    DELIVERY = "delivery"
    AFTER_SALES = "after_sales"


class Role(StrEnum):
    ADMIN = "admin"
    EXECUTIVE = "executive"
    DEPARTMENT_HEAD = "department_head"
    PRESENTER = "presenter"


class ActionStatus(StrEnum):
    """An action's course: planned, then doing, then done (or dropped); a new action is planned."""

    PLANNED = "planned"
    DOING = "doing"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def is_open(self) -> bool:
        """Planned or in progress: the action still has to happen (and can be overdue)."""
        return self in (ActionStatus.PLANNED, ActionStatus.DOING)


class KpiStatus(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_DATA = "no_data"


class GoalStatus(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MISSED = "missed"
    NO_DATA = "no_data"

    @property
    def is_green(self) -> bool:
        """Achieved or on track: the goal needs nobody's attention."""
        return self in (GoalStatus.ACHIEVED, GoalStatus.ON_TRACK)

    @property
    def is_red(self) -> bool:
        """Off track or missed: the goal needs an explanation and a plan."""
        return self in (GoalStatus.OFF_TRACK, GoalStatus.MISSED)


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    parent: str | None = None
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str
    role: Role
    department: str | None = None
    retired_at: date | None = None
    """A retired person has left: they sign in as nobody and leave the pickers; history keeps them."""


@dataclass(frozen=True, slots=True)
class Promise:
    code: str
    text: str
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class Kpi:
    code: str
    name: str
    department: str
    unit: str
    direction: Direction
    aggregation: Aggregation
    target: float | None = None
    tolerance: float = DEFAULT_TOLERANCE
    """Relative: a value that misses the target by at most tolerance × |target| is amber."""
    journey_phase: str | None = None
    definition: str = ""
    benchmark: str | None = None
    """Key of a published benchmark for this kind of KPI (kpi.domain.industry), if one applies."""
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    code: str
    level: Level
    title: str
    kpi: str | None
    department: str | None
    owner: str | None = None
    parent: str | None = None
    description: str = ""
    baseline: float | None = None
    target: float | None = None
    start: date | None = None
    """The first month of the goal (stored as its first day)."""
    deadline: date | None = None
    weight: float = DEFAULT_WEIGHT
    accepted_at: date | None = None
    promise: str | None = None
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class Measurement:
    kpi: str
    month: date
    value: float
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Response:
    kpi: str
    date: date
    score: int
    segment: str = ""
    touchpoint: str = ""
    respondent: str | None = None
    """Answers with the same respondent in the same month are one customer's (their NPS and ratings)."""
    comment: str | None = None
    """The customer's own words, plain text."""


@dataclass(frozen=True, slots=True)
class EventMeasure:
    """How a service priority is measured over raw call records instead of its KPI's monthly
    value (kpi.domain.priority_events): the calls of `queue` (all, without one) in `files`
    answered within `within_s` seconds must be at least `share` % of the counted calls."""

    files: str
    """A call-record file, or a glob (`calls/*.parquet`)."""
    within_s: float
    share: float
    """The share in % that must be met."""
    queue: str | None = None


@dataclass(frozen=True, slots=True)
class EventMonth:
    """One month of a service priority measured over call records, as a pull stored it: the
    calls answered within the promise (`within`) of the calls counted (`counted`, the recipe's
    rule: answered, or abandoned after the short-abandon cut-off), and the month's worst day."""

    month: date
    within: float
    counted: float
    worst_day: date | None
    worst_share: float | None
    """The worst day's share in %."""
    source: str = ""
    loaded_at: datetime | None = None

    @property
    def share(self) -> float | None:
        """The month's share in % (None without counted calls)."""
        return 100.0 * self.within / self.counted if self.counted else None


@dataclass(frozen=True, slots=True)
class ServicePriority:
    code: str
    text: str
    kpi: str
    threshold: float
    comparison: str
    """`<=` or `>=`: how a month's KPI value must compare with the threshold."""
    retired_at: date | None = None
    events: EventMeasure | None = None
    """When set, a month with an event measure (`measured`) is judged by it, not by the KPI."""
    measured: tuple[EventMonth, ...] = ()
    """The months pulled over call records (table `priority_month`), oldest first."""


@dataclass(frozen=True, slots=True)
class Action:
    id: int
    goal: str
    title: str
    owner: str | None
    due: date | None
    status: ActionStatus
    go_live: date | None = None
    """An initiative's: the day it went (or goes) live; with `kpi` and `direction`, its effect
    is judged against the KPI's limits from before (kpi.domain.initiatives)."""
    kpi: str | None = None
    """The KPI the initiative should move."""
    direction: Direction | None = None
    """Which way it should move it."""


@dataclass(frozen=True, slots=True)
class Commentary:
    id: int
    month: date
    author: str
    text: str
    kpi: str | None = None
    goal: str | None = None
    written_at: datetime | None = None


class MonthValue(NamedTuple):
    """A KPI's value for one month; survey KPIs also carry their sample size and margin, and a
    value pulled as a ratio (a share of calls, seconds per answered call) its numerator and
    denominator, so a period combines as a ratio of sums (`status.period_value`).

    Immutable as the records beside it, but a named tuple rather than a frozen dataclass: a large
    company's month report reads 47,000 of them and the app keeps several such reports. A tuple
    is made in a third of the time, and one holding only text, numbers and dates is set aside by
    the garbage collector after its first look, where every dataclass instance is walked by every
    full collection (half the objects it tracked after the warm-up; issue 21)."""

    kpi: str
    month: date
    value: float
    n: int | None = None
    margin: float | None = None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def is_low_confidence(self) -> bool:
        return self.n is not None and self.n < LOW_CONFIDENCE_N


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a KPI's measured value for a month came from, and when it was loaded: the store's
    `measurement.source` (an import file's name, `correction`, `pull:<kind>[:<where>]`, `demo`)."""

    kpi: str
    month: date
    source: str
    loaded_at: datetime
    note: str = ""
    """What the file or form said explains the number (`measurement.note`): shown where the
    value's origin is (an import's notes were kept and never shown: a new company's trial)."""
