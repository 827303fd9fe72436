"""Survey scores by segment and touchpoint: how sure each cell is, whether a change is real, and
why the whole score moved.

Pure. The store counts answers per group (a segment or a touchpoint) and month
(`cx.SurveyCounts`); these rules say
- which cells hold too few answers to be read (`MIN_N`: shown in brackets, never ranked, their change never
  called significant);
- whether a cell's change against an earlier month is significant (`compare`): a two-sided test
  at `LEVEL` that uses both months' sample sizes, one per kind of score:
  NPS: z = ΔNPS / √(v₁/n₁ + v₀/n₀), each answer scored +1 (promoter), 0 or −1 (detractor), so
  v = p + d − (p − d)², the multinomial variance of one answer (the same variance as the NPS
  margin in `cx.nps`; Rocks 2016, "Interval estimation for the Net Promoter Score", The
  American Statistician 70(4));
  CSAT: the two-proportion z-test with the pooled share, z = Δp / √(p̂(1 − p̂)(1/n₁ + 1/n₀));
  CES: Welch's t-test, t = Δmean / √(s₁²/n₁ + s₀²/n₀) with Welch–Satterthwaite degrees of
  freedom, its p-value from Student's t distribution (`_t_two_sided`);
- whether a score's month-on-month change is sampling noise (`noise`), from the two months'
  sizes and margins alone, where a page has the values and not the answers;
- how a score's change between two months splits into mix (the shares of answers per segment
  changed) and rate (scores within segments changed), per segment, adding up to the change
  exactly (`split`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from kpi.domain import cx
from kpi.domain.model import LOW_CONFIDENCE_N, Aggregation, MonthValue

MIN_N = LOW_CONFIDENCE_N
"""Answers a cell (a segment or touchpoint in a month) needs to be read: below it a cell is
shown in brackets, never ranked, and its change is never called significant. The same threshold as a survey
value's low-confidence flag, so a number is never read in one place and doubted in another."""
LEVEL = 0.05
"""A change is significant when its two-sided p-value is below this: a 5 % chance of calling a
change that is only sampling noise significant."""


@dataclass(frozen=True, slots=True)
class Change:
    """A cell's change against an earlier month, with the test that judged it."""

    difference: float
    """Now minus before, in the score's unit (NPS points, CSAT percentage points, CES points)."""
    statistic: float
    """z (NPS, CSAT) or Welch's t (CES); ±inf when neither month varies and the scores differ."""
    p_value: float
    significant: bool
    """p below `LEVEL`, and both months hold at least `MIN_N` answers."""


def is_enough(n: int) -> bool:
    """Whether a cell of `n` answers may be read, ranked and called significantly changed."""
    return n >= MIN_N


class Noise(StrEnum):
    """Why a change since the month before is not news: for a survey score, sampling alone
    explains it; for a measured KPI, its usual month-to-month variation does
    (`kpi.domain.month_rows.change_noise`)."""

    FEW_ANSWERS = "few_answers"
    """Either month holds fewer than `MIN_N` answers: no change of such a month is called real."""
    WITHIN_MARGIN = "within_margin"
    """The change is within the two months' margins of error combined (95 %)."""
    ROUTINE = "routine"
    """A measured KPI's change within its routine month-to-month variation (`signals.routine_step`):
    "+0.02 pts" of churn stood red beside NPS's "-2 pts" in grey (a CEO's trial)."""


def noise(now: MonthValue | None, before: MonthValue | None) -> Noise | None:
    """Whether the change from `before` to `now`, one survey KPI's values of two months, is
    sampling noise, and why; None for a change that is not (or values not from answers). The two
    margins are 95 % half-widths of independent months, so the change's own is their root sum of
    squares: the two-sided test at `LEVEL` that `compare` makes from the answers themselves."""
    if now is None or before is None or now.n is None or before.n is None:
        return None
    if not (is_enough(now.n) and is_enough(before.n)):
        return Noise.FEW_ANSWERS
    if now.margin is None or before.margin is None:
        return None
    return (
        Noise.WITHIN_MARGIN if abs(now.value - before.value) < math.hypot(now.margin, before.margin) else None
    )


def compare(aggregation: Aggregation, now: cx.SurveyCounts, before: cx.SurveyCounts) -> Change | None:
    """`now` against `before` by the test of the score's kind (see the module); None when either
    month has no answers."""
    if now.n == 0 or before.n == 0:
        return None
    difference, se, df = _TESTS[aggregation](now, before)
    if se == 0:
        statistic = 0.0 if difference == 0 else math.copysign(math.inf, difference)
    else:
        statistic = difference / se
    if math.isinf(statistic):
        p = 0.0
    elif df is None:
        p = math.erfc(abs(statistic) / math.sqrt(2))
    else:
        p = _t_two_sided(statistic, df)
    enough = is_enough(now.n) and is_enough(before.n)
    return Change(difference, statistic, p, enough and p < LEVEL)


def _nps_test(now: cx.SurveyCounts, before: cx.SurveyCounts) -> tuple[float, float, float | None]:
    def mean_and_variance(c: cx.SurveyCounts) -> tuple[float, float]:
        p, d = c.promoters / c.n, c.detractors / c.n
        return p - d, p + d - (p - d) ** 2

    _, v1 = mean_and_variance(now)
    _, v0 = mean_and_variance(before)
    difference = _exact_difference(
        now.promoters - now.detractors, now.n, before.promoters - before.detractors, before.n
    )
    return 100 * difference, 100 * math.sqrt(v1 / now.n + v0 / before.n), None


def _exact_difference(top1: float, n1: int, top0: float, n0: int) -> float:
    """top1/n1 − top0/n0 over one denominator, so equal scores from different counts (8 − 3 of
    23 against 10 − 5 of 23) differ by exactly 0, not by a rounding error shown as "+0.00"."""
    return (top1 * n0 - top0 * n1) / (n1 * n0)


def _csat_test(now: cx.SurveyCounts, before: cx.SurveyCounts) -> tuple[float, float, float | None]:
    pooled = (now.satisfied + before.satisfied) / (now.n + before.n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / now.n + 1 / before.n))
    return 100 * _exact_difference(now.satisfied, now.n, before.satisfied, before.n), 100 * se, None


def _ces_test(now: cx.SurveyCounts, before: cx.SurveyCounts) -> tuple[float, float, float | None]:
    def mean_and_spread(c: cx.SurveyCounts) -> tuple[float, float]:
        mean = c.total / c.n
        variance = max(c.total_sq - c.n * mean * mean, 0.0) / (c.n - 1) if c.n > 1 else 0.0
        return mean, variance / c.n

    _, a = mean_and_spread(now)
    _, b = mean_and_spread(before)
    difference = _exact_difference(now.total, now.n, before.total, before.n)
    if a + b == 0:
        return difference, 0.0, None
    df = (a + b) ** 2 / (
        (a * a / (now.n - 1) if now.n > 1 else 0.0) + (b * b / (before.n - 1) if before.n > 1 else 0.0)
    )
    return difference, math.sqrt(a + b), df


_TESTS = {Aggregation.NPS: _nps_test, Aggregation.CSAT: _csat_test, Aggregation.CES: _ces_test}


def _t_two_sided(t: float, df: float) -> float:
    """P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: the regularised incomplete
    beta function I_x(df/2, 1/2) at x = df / (df + t²) (Abramowitz and Stegun 26.7.1)."""
    return _incomplete_beta(df / 2, 0.5, df / (df + t * t))


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz's
    method, as in Press et al., Numerical Recipes, 3rd ed., §6.4)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny, c, d = 1e-300, 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return result


@dataclass(frozen=True, slots=True)
class Part:
    """One segment's share of a score's change between two months."""

    segment: str
    n_before: int
    n_now: int
    share_before: float
    share_now: float
    score_before: float | None
    score_now: float | None
    mix: float
    """What the change in this segment's share of the answers moved the whole score."""
    rate: float
    """What the change in this segment's own score moved the whole score."""

    @property
    def total(self) -> float:
        return self.mix + self.rate

    @property
    def is_enough(self) -> bool:
        """Enough answers in both months to be named as a reason (`MIN_N`)."""
        return is_enough(self.n_before) and is_enough(self.n_now)


@dataclass(frozen=True, slots=True)
class Split:
    """A score's change between two months as mix and rate, per segment: they add up to it."""

    before: float
    now: float
    parts: tuple[Part, ...]

    @property
    def total(self) -> float:
        return self.now - self.before

    @property
    def mix(self) -> float:
        return math.fsum(p.mix for p in self.parts)

    @property
    def rate(self) -> float:
        return math.fsum(p.rate for p in self.parts)

    def largest(self) -> Part | None:
        """The segment that moved the score most, among those with enough answers in both
        months (a low-n segment is never ranked); None when none has."""
        read = [p for p in self.parts if p.is_enough]
        return max(read, key=lambda p: (abs(p.total), p.segment)) if read else None


def split(
    aggregation: Aggregation, before: Mapping[str, cx.SurveyCounts], now: Mapping[str, cx.SurveyCounts]
) -> Split | None:
    """The change of a survey score from `before` to `now` (answer counts per segment), split
    into mix and rate per segment; None when either month has no answers.

    The whole score is the answer-weighted mean of the segments' scores (NPS, CSAT and CES
    alike: S = Σ w_s·r_s, w_s = n_s/N), so its change splits by the midpoint rule (the Shapley
    value of the two factors, symmetric in the months): rate_s = Δr_s·(w₀ + w₁)/2 and
    mix_s = Δw_s·((r₀ + r₁)/2 − c). Since the shares of each month add up to 1, Σ Δw_s = 0 and
    any constant c leaves the sum unchanged; c = (S₀ + S₁)/2, the mean of the two whole scores,
    makes each segment's mix say whether its growing share pulled the score up (it scores above
    the whole) or down. A segment answered in only one month has its score of that month in
    both, so its rate is 0 and its whole contribution is mix. Then Σ (mix_s + rate_s) = S₁ − S₀."""
    n0 = sum(c.n for c in before.values())
    n1 = sum(c.n for c in now.values())
    if n0 == 0 or n1 == 0:
        return None
    whole0 = _score(aggregation, summed(before.values()))
    whole1 = _score(aggregation, summed(now.values()))
    assert whole0 is not None and whole1 is not None  # both months have answers
    centre = (whole0 + whole1) / 2
    parts = []
    for segment in sorted(set(before) | set(now)):
        c0, c1 = before.get(segment), now.get(segment)
        k0, k1 = c0.n if c0 else 0, c1.n if c1 else 0
        r0 = _score(aggregation, c0) if c0 else None
        r1 = _score(aggregation, c1) if c1 else None
        if r0 is None and r1 is None:
            continue
        w0, w1 = k0 / n0, k1 / n1
        a, b = (r0 if r0 is not None else r1), (r1 if r1 is not None else r0)
        assert a is not None and b is not None
        mix = (w1 - w0) * ((a + b) / 2 - centre)
        rate = (b - a) * (w0 + w1) / 2
        parts.append(Part(segment, k0, k1, w0, w1, r0, r1, mix, rate))
    return Split(whole0, whole1, tuple(parts))


def _score(aggregation: Aggregation, counts: cx.SurveyCounts) -> float | None:
    return cx.score(aggregation, counts).value


def summed(counts: Iterable[cx.SurveyCounts]) -> cx.SurveyCounts:
    """The counts of all groups together: the whole month's answers."""
    items = list(counts)
    return cx.SurveyCounts(
        sum(c.n for c in items),
        sum(c.promoters for c in items),
        sum(c.detractors for c in items),
        sum(c.satisfied for c in items),
        math.fsum(c.total for c in items),
        math.fsum(c.total_sq for c in items),
    )


def ranked(values: Mapping[str, cx.SurveyValue], higher_is_better: bool) -> dict[str, int]:
    """Rank 1, 2, … of each group with enough answers, best first; groups below `MIN_N` get
    no rank at all."""
    read = [(g, v.value) for g, v in values.items() if v.value is not None and is_enough(v.n)]
    read.sort(key=lambda gv: (-gv[1] if higher_is_better else gv[1], gv[0]))
    return {g: i for i, (g, _v) in enumerate(read, start=1)}


@dataclass(frozen=True, slots=True)
class Cell:
    """One group (a segment or touchpoint) in the month: its score, the month it is compared
    with, the change and its test, and its rank (None when it has too few answers to rank)."""

    group: str
    value: cx.SurveyValue
    before: cx.SurveyValue | None
    change: Change | None
    rank: int | None

    @property
    def is_enough(self) -> bool:
        return is_enough(self.value.n)


def cells(
    aggregation: Aggregation,
    now: Mapping[str, cx.SurveyCounts],
    before: Mapping[str, cx.SurveyCounts],
    higher_is_better: bool,
) -> list[Cell]:
    """Every group answered in either month, the ranked ones first (best first), then those
    with too few answers (in brackets where shown), by name."""
    empty = cx.SurveyCounts(0)
    values = {g: cx.score(aggregation, now.get(g, empty)) for g in set(now) | set(before)}
    ranks = ranked(values, higher_is_better)
    out = [
        Cell(
            group,
            value,
            cx.score(aggregation, before[group]) if group in before else None,
            compare(aggregation, now[group], before[group]) if group in now and group in before else None,
            ranks.get(group),
        )
        for group, value in values.items()
    ]
    return sorted(out, key=lambda c: (c.rank is None, c.rank or 0, c.group))
