"""Did the initiative work? An action with a go-live date, the KPI it should move and the
direction, judged against the KPI's own routine before it went live.

The rule (README, "Did the initiative work?"):
- **Limits from before**: the natural process limits (kpi.domain.signals) of the KPI's last
  `signals.BASELINE_POINTS` months before the go-live month; at least `signals.MIN_POINTS` of
  them, else there is no routine to judge against and no verdict ("no routine": the months
  before go-live are counted, not those after, as they are what is missing).
- **Months after**: the go-live month and every month after it up to the month read. Fewer than
  `MIN_AFTER` of them: no verdict yet ("too few points"), whatever they show, so one good month
  never reads as success.
- The store's signal rules (outside the limits, shift, trend, two of three) run over the months
  after against the limits from before. A signal on the side the action wants is an
  improvement, on the other side a concern; the latest month with a signal decides:
  **improvement signal after k months** (k counts the months from go-live, it being month 1, to
  the first month whose own reading, with the months up to it only, showed an improvement
  signal: a shift marks its whole run once long enough, but its early months were not news
  then), **concern**, or, with no signal, **no signal yet (n points)**.

Pure: month values in, a verdict out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpi.domain import months, signals
from kpi.domain.model import Direction

MIN_AFTER = 3
"""Months from go-live (it included) before any verdict is given."""


class Outcome(StrEnum):
    IMPROVEMENT = "improvement"
    NO_SIGNAL = "no_signal"
    CONCERN = "concern"
    TOO_FEW = "too_few"
    NO_ROUTINE = "no_routine"
    """Fewer than `signals.MIN_POINTS` months before go-live: nothing to judge the months after
    against, however many there are."""


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    points: int
    """Months after go-live (it included) that were read."""
    after: int | None = None
    """For an improvement: k, the month number (go-live = 1) of the first improvement signal."""
    first_signal: date | None = None
    """The month of that first improvement signal, or of the latest concern."""
    before: int = 0
    """Months before go-live that were read (at most `signals.BASELINE_POINTS`)."""


def judge(
    points: Sequence[signals.Point],
    go_live: date,
    direction: Direction,
    month: date,
    rules: signals.RuleSet = signals.DEFAULT_RULES,
) -> Verdict:
    """The verdict in `month` on an initiative that went live on `go_live` (any day of its month)
    and should move the KPI of `points` (month values, any order) in `direction`."""
    live = months.first_of(go_live)
    ordered = sorted(points, key=lambda p: p.month)
    before = [p for p in ordered if p.month < live][-signals.BASELINE_POINTS :]
    after = [p for p in ordered if live <= p.month <= month]
    base = signals.baseline(before) if before else None
    if base is None:  # the months it could judge against: those of the baseline's window
        return Verdict(Outcome.NO_ROUTINE, len(after), before=len(signals.baseline_points(before)))
    if len(after) < MIN_AFTER:
        return Verdict(Outcome.TOO_FEW, len(after), before=len(before))
    wanted = 1 if direction is Direction.HIGHER else -1
    fired = signals.fired(after, base, rules)
    if not fired:
        return Verdict(Outcome.NO_SIGNAL, len(after), before=len(before))
    latest = max(s.month for s in fired)
    if any(s.side != wanted for s in fired if s.month == latest):
        return Verdict(Outcome.CONCERN, len(after), first_signal=latest, before=len(before))
    return Verdict(
        Outcome.IMPROVEMENT, len(after), *_first_seen(after, base, rules, wanted), before=len(before)
    )


def _first_seen(
    after: Sequence[signals.Point], base: signals.Baseline, rules: signals.RuleSet, wanted: int
) -> tuple[int, date]:
    """(k, month): the first month whose reading, with only the months up to it, shows an
    improvement signal. A shift fires in every month of its run once it is long enough, so the
    months of a run that were not yet news when they happened do not count."""
    for k in range(1, len(after) + 1):
        if any(
            s.side == wanted for s in signals.fired(after[:k], base, rules) if s.month == after[k - 1].month
        ):
            return k, after[k - 1].month
    return len(after), after[-1].month  # unreachable when an improvement fired over all of them
