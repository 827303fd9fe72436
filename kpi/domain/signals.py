"""Signal or noise: natural process limits of a KPI and the rules that say a month is news.

A red/amber/green status against a flat target turns every wiggle across a tolerance edge into
"news". Boards that moved past RAG reports (Wheeler's process behaviour charts; the NHS
"Making Data Count" programme) first ask whether a month differs from the KPI's own routine:

- **Limits** come from the KPI's own months: an XmR chart, centre line the mean of a baseline,
  limits at ±2.66 × the mean moving range (3 sigma, sigma = mean moving range / 1.128).
  Survey values carry their sample size, so a month of 23 answers swings more than a month of
  900: their limits widen and narrow with each month's standard error, scaled by how much the
  months really vary beyond sampling (Laney's p′ idea, applied to any value whose standard
  error is known: NPS, CSAT shares and CES means alike).
- Limits are **locked** on a baseline (the `BASELINE_POINTS` calendar months from the latest
  recorded process change, or from the KPI's first month) and move only when a process change
  is recorded.
- **Rules** (the NHS set, each can be switched off per store): a month outside the limits; a
  shift of `shift_run` (7) months on one side of the centre; a trend of `trend_run` (6) months
  each higher (or lower) than the one before; two of three months beyond two sigma on one side.
- **Verdicts**: variation (common cause, special-cause improvement, special-cause concern) and
  assurance (the target inside the limits is hit and miss; outside, it is consistently met or
  consistently failed, whatever the month happens to show). While a shift or a trend runs, the
  process has moved away from its locked limits, so they no longer say what it can deliver:
  no assurance until a process change is recorded and new limits are drawn.

Pure: numbers in, verdicts out.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from statistics import median
from typing import NamedTuple

from kpi.domain import months, validate
from kpi.domain.errors import Problem
from kpi.domain.model import Direction

D2 = 1.128
"""Expected moving range of two points, in sigmas (the bias constant d2 for n = 2)."""
LIMIT_SIGMAS = 3.0
"""Limits at three sigma: 3 / 1.128 = 2.66 mean moving ranges."""
MIN_POINTS = 12
"""Fewer months than this since the latest process change: no limits, no verdicts (null)."""
BASELINE_POINTS = 20
"""Limits are computed from the values of this many calendar months from the latest process
change (or the KPI's first month), then locked (NHS Making Data Count recommends 15 to 20)."""
Z95 = 1.96
"""A survey month's margin is a 95 % half-width: its standard error is margin / 1.96."""
RANGE_LIMIT = 3.268
"""The upper range limit of the moving ranges, in mean moving ranges (D4 for n = 2): a step from
one month to the next within it is routine variation (`routine_step`)."""


class Rule(StrEnum):
    OUTSIDE = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"


class Assurance(StrEnum):
    PASSING = "consistently_passing"
    HIT_AND_MISS = "hit_and_miss"
    FAILING = "consistently_failing"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Which rules a store uses, and their run lengths."""

    rules: frozenset[Rule] = frozenset(Rule)
    shift_run: int = 7
    trend_run: int = 6


DEFAULT_RULES = RuleSet()

RUN_RANGE = (5, 9)
"""Shortest and longest run a store may set for a shift or a trend."""
_RULE_NAMES = frozenset(str(r) for r in Rule)


def check_run(name: str, value: object) -> tuple[int | None, list[Problem]]:
    """A shift's or a trend's run (`name`: `shift_run`, `trend_run`) as a whole number within
    `RUN_RANGE`, or the problem saying what it must be: the one check of the setting, for the
    form's save and the store's read alike."""
    low, high = RUN_RANGE
    run = validate.whole_number(value)
    if run is None or not low <= run <= high:
        return None, [Problem("run_range", name, (("low", low), ("high", high)))]
    return run, []


def stored_rules(rules: object, shift_run: object, trend_run: object) -> RuleSet:
    """A rule set as kept (a store's settings, a closed month's snapshot), read by the checks it
    was saved by: rules not known are left out (a list of none is every rule switched off; no
    list at all is the default's), and a run `check_run` refuses (a hand-edited setting) is the
    default's, so a page reads the month as the form could have set it, never raises."""
    chosen = DEFAULT_RULES.rules
    if isinstance(rules, (list, tuple, set, frozenset)):
        chosen = frozenset(Rule(r) for r in rules if isinstance(r, str) and r in _RULE_NAMES)
    shift, _ = check_run("shift_run", shift_run)
    trend, _ = check_run("trend_run", trend_run)
    return RuleSet(
        chosen,
        DEFAULT_RULES.shift_run if shift is None else shift,
        DEFAULT_RULES.trend_run if trend is None else trend,
    )


class Point(NamedTuple):
    """One month of a KPI: its value and, for survey KPIs, the value's standard error. A named
    tuple, as `MonthValue`: a report makes one for each of its 47,000 values."""

    month: date
    value: float
    error: float | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    """Natural process limits of one month (survey months each have their own width)."""

    centre: float
    lower: float
    upper: float

    def sigma(self) -> float:
        return (self.upper - self.centre) / LIMIT_SIGMAS


@dataclass(frozen=True, slots=True)
class Baseline:
    """What the locked limits are made of: the centre and the spread of routine variation."""

    centre: float
    sigma: float
    """For plain KPIs the sigma of the values; for survey KPIs the multiplier of each month's
    standard error (1 when the months vary exactly as sampling alone would make them)."""
    per_point: bool
    """Survey limits: the month's standard error × `sigma`."""
    typical_error: float = 0.0
    """The baseline's median standard error: stands in for a survey month that has none (every
    answer the same, or one answer), so its limits never collapse onto the centre line."""

    def spread(self, point: Point) -> float:
        """One sigma of routine variation at `point`."""
        return self.sigma * (point.error or self.typical_error) if self.per_point else self.sigma

    def limits(self, point: Point) -> Limits:
        spread = self.spread(point)
        return Limits(self.centre, self.centre - LIMIT_SIGMAS * spread, self.centre + LIMIT_SIGMAS * spread)


@dataclass(frozen=True, slots=True)
class Signal:
    """A rule that fired: the month it fired in, and on which side of the centre (+1 above)."""

    month: date
    rule: Rule
    side: int


@dataclass(frozen=True, slots=True)
class Reading:
    """A KPI's month as a process behaviour chart reads it."""

    limits: Limits
    signals: tuple[Signal, ...]
    """The rules that fired in this month (a run or trend fires in every month of it)."""
    variation: Variation
    assurance: Assurance | None
    """None when the KPI has no target this month, or a shift or trend says the process has moved
    away from its limits."""

    @property
    def moved(self) -> bool:
        """A shift or trend runs: the process has left its locked limits."""
        return any(s.rule in _SUSTAINED for s in self.signals)


def routine_step(reading: Reading | None, before: float, now: float) -> bool:
    """Whether a measured KPI's change from `before` to `now` (consecutive months) is routine
    variation (Wheeler's mR chart; `reading` this month's, whose limits hold the baseline's
    spread): within the upper range limit of its baseline's moving ranges (`large_step`), and
    not across one of its limits (`crossed`): "+2 s, worse" in red under "Still better than
    usual" was the wiggle the CEO and a head asked about, where a step beyond a limit, however
    small, is news. A step further out beyond a limit crossed before, or within a shift or trend
    (they fire in every month of their run), stays routine. No limits, or a baseline that never
    varied: not known."""
    if reading is None or reading.limits.sigma() <= 0:
        return False
    return not large_step(reading, now - before) and not crossed(reading, before, now)


def large_step(reading: Reading | None, step: float) -> bool:
    """Whether a measured KPI's change of `step` from one month to the next lies beyond the upper
    range limit of its baseline's moving ranges: a jump larger than its routine variation makes.
    No limits: not known."""
    if reading is None:
        return False
    mean_range = reading.limits.sigma() * D2
    return mean_range > 0 and abs(step) > RANGE_LIMIT * mean_range


def crossed(reading: Reading | None, before: float, now: float) -> bool:
    """Whether the step from `before` to `now` took the KPI across one of `reading`'s limits:
    from within (or the other side) to beyond it."""
    if reading is None:
        return False
    limits = reading.limits
    return (now > limits.upper >= before) or (now < limits.lower <= before)


def standard_error(margin: float | None) -> float | None:
    """A survey month's standard error from its 95 % margin."""
    return None if margin is None or margin <= 0 else margin / Z95


def _mean_moving_range(values: Sequence[float]) -> float:
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    return sum(ranges) / len(ranges) if ranges else 0.0


def baseline(points: Sequence[Point], start: date | None = None) -> Baseline | None:
    """The locked centre and spread from the values of `points` (in month order, from the latest
    process change) in the `BASELINE_POINTS` months from `start` (the first point's month by
    default); None when `points` or the baseline hold fewer than `MIN_POINTS`."""
    if len(points) < MIN_POINTS:
        return None
    base = baseline_points(points, start)
    if len(base) < MIN_POINTS:
        return None
    if all(p.error for p in base):  # survey: every month knows its standard error
        weights = [1 / (p.error or 1.0) ** 2 for p in base]
        centre = sum(w * p.value for w, p in zip(weights, base, strict=True)) / sum(weights)
        scores = [(p.value - centre) / (p.error or 1.0) for p in base]
        typical = median(p.error or 0.0 for p in base)
        return Baseline(centre, _mean_moving_range(scores) / D2, per_point=True, typical_error=typical)
    values = [p.value for p in base]
    return Baseline(sum(values) / len(values), _mean_moving_range(values) / D2, per_point=False)


def baseline_points(points: Sequence[Point], start: date | None = None) -> list[Point]:
    """The points a baseline is computed from (`baseline`): of `points` (in month order), the
    first `BASELINE_POINTS` in as many calendar months from `start` (the first point's month)."""
    if not points:
        return []
    end = months.add(start or points[0].month, BASELINE_POINTS)
    return [p for p in points[:BASELINE_POINTS] if p.month < end]


def latest_change(changes: Sequence[date], month: date) -> date | None:
    """The latest process change on or before `month`, if any."""
    if not changes:  # most KPIs: asked for each of them, twice, in every report
        return None
    return max((c for c in changes if c <= month), default=None)


def since_change(points: Sequence[Point], changes: Sequence[date], month: date) -> list[Point]:
    """The months from the latest process change on or before `month`, up to `month`, in order."""
    start = latest_change(changes, month) or date.min
    return sorted((p for p in points if start <= p.month <= month), key=lambda p: p.month)


def _side(value: float, centre: float) -> int:
    return (value > centre) - (value < centre)


def _runs(sides: Sequence[int], length: int) -> list[tuple[int, int, int]]:
    """(first index, last index, side) of every run of at least `length` equal, non-zero sides."""
    found = []
    start = 0
    for i in range(1, len(sides) + 1):
        if i == len(sides) or sides[i] != sides[start]:
            if sides[start] != 0 and i - start >= length:
                found.append((start, i - 1, sides[start]))
            start = i
    return found


def fired(points: Sequence[Point], base: Baseline, rules: RuleSet = DEFAULT_RULES) -> list[Signal]:
    """Every rule that fires, for every month it fires in, in month order."""
    limits = [base.limits(p) for p in points]
    values = [p.value for p in points]
    found: list[Signal] = []
    if Rule.OUTSIDE in rules.rules:
        for p, lim in zip(points, limits, strict=True):
            if p.value > lim.upper or p.value < lim.lower:
                found.append(Signal(p.month, Rule.OUTSIDE, _side(p.value, lim.centre)))
    if Rule.SHIFT in rules.rules:
        sides = [_side(v, base.centre) for v in values]
        for first, last, side in _runs(sides, rules.shift_run):
            found += [Signal(points[i].month, Rule.SHIFT, side) for i in range(first, last + 1)]
    if Rule.TREND in rules.rules:  # a trend of k months is k - 1 steps the same way
        steps = [_side(b, a) for a, b in zip(values, values[1:], strict=False)]
        for first, last, side in _runs(steps, rules.trend_run - 1):
            found += [Signal(points[i].month, Rule.TREND, side) for i in range(first, last + 2)]
    if Rule.TWO_OF_THREE in rules.rules:
        found += _two_of_three(points, limits)
    return sorted(found, key=lambda s: (s.month, s.rule))


def _two_of_three(points: Sequence[Point], limits: Sequence[Limits]) -> list[Signal]:
    """Two of three consecutive months beyond two sigma on the same side: those months fire."""
    beyond = [
        _side(p.value, lim.centre) if abs(p.value - lim.centre) > 2 * lim.sigma() > 0 else 0
        for p, lim in zip(points, limits, strict=True)
    ]
    flagged: dict[int, int] = {}
    for i in range(len(points) - 2):
        for side in (1, -1):
            hits = [j for j in range(i, i + 3) if beyond[j] == side]
            if len(hits) >= 2:
                flagged.update(dict.fromkeys(hits, side))
    return [Signal(points[i].month, Rule.TWO_OF_THREE, side) for i, side in sorted(flagged.items())]


def variation(signals: Sequence[Signal], direction: Direction) -> Variation:
    """The verdict of a month from the signals that fired in it: a concern outweighs an
    improvement when both fire at once."""
    if not signals:
        return Variation.COMMON_CAUSE
    good = 1 if direction is Direction.HIGHER else -1
    return Variation.IMPROVEMENT if all(s.side == good for s in signals) else Variation.CONCERN


def marks(fired: Sequence[Signal], direction: Direction) -> tuple[tuple[date, Variation], ...]:
    """(month, improvement or concern) of each month where a rule fired, in month order: what a
    chart rings, one colour per verdict (`variation` of that month's signals)."""
    by_month: dict[date, list[Signal]] = {}
    for s in fired:
        by_month.setdefault(s.month, []).append(s)
    return tuple((m, variation(found, direction)) for m, found in sorted(by_month.items()))


def assurance(limits: Limits, target: float | None, direction: Direction) -> Assurance | None:
    """Whether the process, as it runs, meets `target` every month, never, or by chance."""
    if target is None or not math.isfinite(target):
        return None
    lower_good = direction is Direction.LOWER
    if (limits.upper < target) if lower_good else (limits.lower > target):
        return Assurance.PASSING
    if (limits.lower > target) if lower_good else (limits.upper < target):
        return Assurance.FAILING
    return Assurance.HIT_AND_MISS


def read(
    points: Sequence[Point],
    month: date,
    direction: Direction,
    target: float | None,
    changes: Sequence[date] = (),
    rules: RuleSet = DEFAULT_RULES,
) -> Reading | None:
    """The process behaviour reading of `month`, or None when the KPI has no value that month
    or too short a history since its latest process change."""
    return readings(points, [(month, target)], direction, changes, rules)[0]


def readings(
    points: Sequence[Point],
    wanted: Sequence[tuple[date, float | None]],
    direction: Direction,
    changes: Sequence[date] = (),
    rules: RuleSet = DEFAULT_RULES,
) -> list[Reading | None]:
    """`read` for several (month, target) pairs of one KPI: months after the same process change
    share its window and baseline, worked out once."""
    reader = Reader(points, direction, changes, rules)
    return [reader.read(month, target) for month, target in wanted]


class Reader:
    """Reads one KPI's months one at a time, as they are asked for: months after the same
    process change share its window and baseline, worked out once (a report asks for last month
    only where this month signals)."""

    def __init__(
        self,
        points: Sequence[Point],
        direction: Direction,
        changes: Sequence[date] = (),
        rules: RuleSet = DEFAULT_RULES,
    ) -> None:
        self.ordered = sorted(points, key=lambda p: p.month)
        self.direction, self.changes, self.rules = direction, changes, rules
        self.windows: dict[date | None, list[Point]] = {}
        self.bases: dict[tuple[date | None, int], Baseline | None] = {}

    def read(self, month: date, target: float | None) -> Reading | None:
        """As `read`: None without a value in `month` or too short a history."""
        start = latest_change(self.changes, month)
        if start not in self.windows:
            self.windows[start] = [p for p in self.ordered if start is None or p.month >= start]
        window = self.windows[start]
        last = len(window) - 1
        while last >= 0 and window[last].month > month:
            last -= 1
        if last < 0 or window[last].month != month:
            return None
        key = (start, min(last + 1, BASELINE_POINTS))  # the baseline knows only months up to `month`
        if key not in self.bases:
            self.bases[key] = baseline(window[: last + 1], start) if last + 1 >= MIN_POINTS else None
        base = self.bases[key]
        if base is None:
            return None
        rules = self.rules
        tail = window[max(0, last + 1 - max(rules.shift_run, rules.trend_run, 3)) : last + 1]
        return _reading(tail, base, month, self.direction, target, rules)


def _fired_last(tail: Sequence[Point], base: Baseline, rules: RuleSet, limits: Limits) -> list[Signal]:
    """The signals `fired` finds in the last month of `tail` (whose `limits` they are), worked
    out for that month alone (a report reads thousands of KPIs; tests check both agree). Values
    are finite (the store keeps no other), so a run on one side is its extreme on that side."""
    last = tail[-1]
    value, month, chosen, centre = last.value, last.month, rules.rules, base.centre
    found: list[Signal] = []
    if Rule.OUTSIDE in chosen and (value > limits.upper or value < limits.lower):
        found.append(Signal(month, Rule.OUTSIDE, _side(value, limits.centre)))
    side = _side(value, centre)
    if Rule.SHIFT in chosen and side and 0 < rules.shift_run <= len(tail):
        run = [p.value for p in tail[-rules.shift_run :]]
        if (min(run) > centre) if side > 0 else (max(run) < centre):
            found.append(Signal(month, Rule.SHIFT, side))
    if Rule.TREND in chosen and 1 < rules.trend_run <= len(tail):  # a trend is one step or more
        run = [p.value for p in tail[-rules.trend_run :]]
        if all(map(operator.lt, run, run[1:])):
            found.append(Signal(month, Rule.TREND, 1))
        elif all(map(operator.gt, run, run[1:])):
            found.append(Signal(month, Rule.TREND, -1))
    if Rule.TWO_OF_THREE in chosen and len(tail) >= 3:
        beyond = [_beyond(p, base) for p in tail[-3:]]
        if beyond[-1] and beyond.count(beyond[-1]) >= 2:
            found.append(Signal(month, Rule.TWO_OF_THREE, beyond[-1]))
    if len(found) > 1:
        found.sort(key=lambda s: s.rule)
    return found


def _beyond(point: Point, base: Baseline) -> int:
    """+1 or −1 when the point lies beyond two sigma on that side, else 0 (as `_two_of_three`)."""
    sigma = base.spread(point)
    return _side(point.value, base.centre) if abs(point.value - base.centre) > 2 * sigma > 0 else 0


def _reading(
    tail: Sequence[Point],
    base: Baseline,
    month: date,
    direction: Direction,
    target: float | None,
    rules: RuleSet,
) -> Reading:
    """The reading of `month`, the last of `tail`: a rule that fires in it fires within the last
    `max(shift_run, trend_run, 3)` months, so only those are checked."""
    limits = base.limits(tail[-1])
    now = _fired_last(tail, base, rules, limits)
    moved = any(s.rule in _SUSTAINED for s in now)  # as `Reading.moved`
    return Reading(
        limits, tuple(now), variation(now, direction), None if moved else assurance(limits, target, direction)
    )


_SUSTAINED = frozenset({Rule.SHIFT, Rule.TREND})
"""Rules that say the process itself has moved (not one odd month)."""


FALSE_SIGNAL_RATES = {
    Rule.OUTSIDE: 0.0027,
    Rule.SHIFT: 2 * 0.5**7,
    Rule.TREND: 2 / math.factorial(6),
    Rule.TWO_OF_THREE: 2 * (3 * 0.02275**2 * (1 - 0.02275) + 0.02275**3),
}
"""For a stable process with normal noise, the chance that a given month starts a new signal
of each rule (outside 3 sigma; the 7th month of a run on one side; the 6th month of a
monotone run; two of three beyond 2 sigma). Their sum, about 0.024 a month, bounds the false
signal rate of the default rule set; tests/test_signals.py simulates it."""
