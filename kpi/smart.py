"""Is the goal SMART? Specific, measurable, accepted, realistic, time-bound: five checks, each
with the reasons a CEO can act on.

Pure. Reasons are kept as a message key and raw values, and put into words (with the reader's
number format) only when shown, so the same assessment reads right in every language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kpi import benchmarks, fmt, i18n, months
from kpi.i18n import t
from kpi.model import Direction, Goal, Kpi, MonthValue

RUN_MONTHS = 6
"""The realistic check compares the pace needed with the KPI's best run over this many months."""
DATA_MONTHS = 3
"""Measurable needs a value in the month or the months just before it."""
MIN_TITLE_WORDS = 3
MIN_DESCRIPTION_WORDS = 6
_LEVELS = {"target", "best"}
"""Reason parameters that are levels of the KPI, shown with its unit."""


class Criterion(StrEnum):
    SPECIFIC = "specific"
    MEASURABLE = "measurable"
    ACCEPTED = "accepted"
    REALISTIC = "realistic"
    TIME_BOUND = "time_bound"


@dataclass(frozen=True)
class Reason:
    key: str
    """Catalogue key under `smart.reason.`"""
    params: tuple[tuple[str, object], ...] = ()
    unit: str = "count"
    """The KPI's unit, for formatting the numbers in `params`."""

    def text(self) -> str:
        """The reason in the current language, numbers formatted with the KPI's unit."""
        values = {}
        for name, value in self.params:
            if isinstance(value, date):
                values[name] = fmt.day(value)
            elif name.startswith("pace"):
                values[name] = fmt.delta(value, self.unit)  # a change per month
            elif name in _LEVELS:
                values[name] = fmt.value(value, self.unit)  # a level of the KPI
            else:
                values[name] = value
        paces = dict(self.params)
        for extra in (1, 2):  # two different paces must not read the same
            if "pace_needed" not in values or values["pace_needed"] != values.get("pace_best"):
                break
            values["pace_needed"] = fmt.delta(paces["pace_needed"], self.unit, extra)
            values["pace_best"] = fmt.delta(paces["pace_best"], self.unit, extra)
        return t(f"smart.reason.{self.key}", **values)


@dataclass(frozen=True)
class Check:
    criterion: Criterion
    reasons: tuple[Reason, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class Assessment:
    goal: str
    checks: dict[Criterion, Check] = field(default_factory=dict)

    @property
    def score(self) -> int:
        """How many of the five checks pass."""
        return sum(c.passed for c in self.checks.values())

    def reasons(self) -> list[str]:
        return [f"{t(f'smart.{c.criterion}')}: {r.text()}" for c in self.checks.values() for r in c.reasons]

    def as_dict(self) -> dict:
        """The `smart` object of `status --json`."""
        out: dict = {str(c): self.checks[c].passed for c in Criterion}
        out["reasons"] = self.reasons()
        return out


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def audience_words() -> frozenset[str]:
    """Stems that say for whom (customer, caller, kunde …), from every language's catalogue.

    Matched inside words, because Danish and Norwegian build compounds: *kundesager* and
    *erhvervskunder* name customers as clearly as *customers* does."""
    words: set[str] = set()
    for language in i18n.languages():
        words |= {
            w.strip().lower() for w in i18n.catalogue(language).get("smart.audience_words", "").split(",")
        }
    return frozenset(w for w in words if w)


def specific(goal: Goal) -> Check:
    reasons = []
    if goal.kpi is None:
        reasons.append(Reason("no_kpi"))
    if len(_words(goal.description)) < MIN_DESCRIPTION_WORDS:
        reasons.append(Reason("no_description"))
    if len(_words(goal.title)) < MIN_TITLE_WORDS:
        reasons.append(Reason("vague_title", (("title", goal.title),)))
    stems = audience_words()
    if not any(stem in word for word in _words(f"{goal.title} {goal.description}") for stem in stems):
        reasons.append(Reason("no_audience"))
    return Check(Criterion.SPECIFIC, tuple(reasons))


def measurable(goal: Goal, kpi: Kpi | None, history: Sequence[MonthValue], month: date) -> Check:
    reasons = []
    if kpi is None:
        reasons.append(Reason("no_kpi"))
    if goal.baseline is None:
        reasons.append(Reason("no_baseline"))
    if goal.target is None:
        reasons.append(Reason("no_target"))
    recent = {months.add(month, -i) for i in range(DATA_MONTHS)}
    if kpi is not None and not any(v.month in recent for v in history):
        reasons.append(Reason("no_data", (("since", months.add(month, -(DATA_MONTHS - 1))),)))
    return Check(Criterion.MEASURABLE, tuple(reasons))


def accepted(goal: Goal, owner_name: str | None) -> Check:
    if goal.owner is None:
        return Check(Criterion.ACCEPTED, (Reason("no_owner"),))
    if goal.accepted_at is None:
        return Check(Criterion.ACCEPTED, (Reason("not_accepted", (("owner", owner_name or goal.owner),)),))
    return Check(Criterion.ACCEPTED)


def time_bound(goal: Goal) -> Check:
    reasons = []
    if goal.start is None:
        reasons.append(Reason("no_start"))
    if goal.deadline is None:
        reasons.append(Reason("no_deadline"))
    if goal.start and goal.deadline and goal.deadline <= goal.start:
        reasons.append(Reason("deadline_before_start"))
    return Check(Criterion.TIME_BOUND, tuple(reasons))


def best_run(history: Sequence[MonthValue], direction: Direction, span: int = RUN_MONTHS) -> float | None:
    """The best improvement per month the KPI has shown over any `span` consecutive months."""
    series = {v.month: v.value for v in history}
    runs = []
    for month, value in series.items():
        later = series.get(months.add(month, span))
        if later is not None:
            runs.append(((later - value) if direction is Direction.HIGHER else (value - later)) / span)
    return max(runs) if runs else None


def realistic(goal: Goal, kpi: Kpi | None, history: Sequence[MonthValue], month: date) -> Check:
    """Reaching the target needs no faster improvement than the KPI's history has shown, and
    the target is not beyond the best published level. Judged only when there is something
    to judge (a KPI, a target, a value now and a deadline ahead); the other checks name gaps."""
    if kpi is None or goal.target is None:
        return Check(Criterion.REALISTIC)
    reasons = []
    if benchmarks.beyond_best(kpi, goal.target):
        bench = benchmarks.of(kpi)
        assert bench is not None and bench.best is not None
        reasons.append(
            Reason(
                "beyond_best",
                (("target", goal.target), ("best", bench.best), ("source", bench.source)),
                kpi.unit,
            )
        )
    past = [v for v in history if v.month <= month]
    now = next((v for v in past if v.month == month), None)
    if now is not None and goal.deadline is not None:
        left = months.diff(month, months.first_of(goal.deadline))
        gap = (goal.target - now.value) * (1 if kpi.direction is Direction.HIGHER else -1)
        best = best_run(past, kpi.direction)
        if left > 0 and gap > 0 and best is not None and gap / left > max(best, 0.0) + 1e-9:
            signed = 1 if kpi.direction is Direction.HIGHER else -1
            params = (
                ("target", goal.target),
                ("deadline", goal.deadline),
                ("pace_needed", signed * gap / left),
                ("pace_best", signed * best),
                ("months", RUN_MONTHS),
            )
            reasons.append(Reason("too_fast" if best > 0 else "never_improved", params, kpi.unit))
    return Check(Criterion.REALISTIC, tuple(reasons))


def assess(
    goal: Goal, kpi: Kpi | None, history: Sequence[MonthValue], month: date, owner_name: str | None = None
) -> Assessment:
    """All five checks for `goal` as of `month`, with the KPI's monthly history up to then."""
    checks = [
        specific(goal),
        measurable(goal, kpi, history, month),
        accepted(goal, owner_name),
        realistic(goal, kpi, history, month),
        time_bound(goal),
    ]
    return Assessment(goal.code, {c.criterion: c for c in checks})
