"""Is the goal SMART? Specific, measurable, accepted, realistic, time-bound: five checks, each
with the reasons a CEO can act on.

Pure. Reasons are kept as a message key and raw values; `kpi.text.words` puts them into words
(with the reader's number format) only when shown, so the same assessment reads right in every
language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kpi.domain import industry, months
from kpi.domain.model import Direction, Goal, Kpi, MonthValue

RUN_MONTHS = 6
"""The realistic check compares the pace needed with the KPI's best run over this many months."""
DATA_MONTHS = 3
"""Measurable needs a value in the month or the months just before it."""
MIN_TITLE_WORDS = 3
MIN_DESCRIPTION_WORDS = 6


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

    def failures(self) -> list[tuple[Criterion, Reason]]:
        """Every reason a check failed, with its check, in the order of the checks."""
        return [(c.criterion, r) for c in self.checks.values() for r in c.reasons]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


AUDIENCE_WORDS = frozenset(
    {
        # English
        "customer", "caller", "client", "buyer", "shopper", "member", "user", "visitor", "business",
        # Danish and Norwegian
        "kunde", "køber", "bruger", "besøgende", "medlem", "opkald",
    }
)  # fmt: skip
"""Stems that say for whom a goal is, in every language the goals may be written in.

Matched inside words, because Danish and Norwegian build compounds: *kundesager* and
*erhvervskunder* name customers as clearly as *customers* does."""


def specific(goal: Goal) -> Check:
    reasons = []
    if goal.kpi is None:
        reasons.append(Reason("no_kpi"))
    described = len(_words(goal.description))
    if not described:
        reasons.append(Reason("no_description"))
    elif described < MIN_DESCRIPTION_WORDS:  # "no description" of one of five words read as wrong
        reasons.append(Reason("short_description", (("count", described), ("words", MIN_DESCRIPTION_WORDS))))
    if len(_words(goal.title)) < MIN_TITLE_WORDS:
        reasons.append(Reason("vague_title", (("words", MIN_TITLE_WORDS),)))
    words = _words(f"{goal.title} {goal.description}")
    if not any(stem in word for word in words for stem in AUDIENCE_WORDS):
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
    if industry.beyond_best(kpi, goal.target):
        bench = industry.of(kpi)
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
