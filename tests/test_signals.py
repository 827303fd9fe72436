"""Process behaviour limits, the four rules and both verdicts (kpi.domain.signals).

Expected limits come from numpy (an independent implementation used only here) or by hand;
the rule set's false-signal rate is simulated on stable processes.
"""

import random
from datetime import date

import numpy as np
import pytest

from kpi.domain import months
from kpi.domain import signals as sg
from kpi.domain.model import Direction
from kpi.domain.signals import Assurance, Limits, Point, Rule, RuleSet, Variation

START = date(2024, 1, 1)
ROUTINE = [50, 52, 49, 51, 50, 53, 48, 50, 51, 49, 52, 50, 51, 49, 50, 52, 48, 51, 50, 49]
"""Twenty months of routine variation around 50 (moving ranges 1 to 5)."""


def series(values, errors=None):
    errors = errors or [None] * len(values)
    return [
        Point(months.add(START, i), float(v), e) for i, (v, e) in enumerate(zip(values, errors, strict=True))
    ]


def numpy_xmr(values):
    """Centre and limits the textbook way: mean ± 2.66 × mean moving range."""
    x = np.asarray(values, dtype=float)
    mr = np.abs(np.diff(x)).mean()
    return x.mean(), x.mean() - 2.66 * mr, x.mean() + 2.66 * mr


def test_xmr_limits_by_hand():
    values = [10, 12, 11, 13, 12, 11, 12, 10, 11, 12, 13, 12]  # sum 139; moving ranges sum 14 over 11
    base = sg.baseline(series(values))
    limits = base.limits(series(values)[0])
    assert limits.centre == pytest.approx(139 / 12)
    assert limits.upper == pytest.approx(139 / 12 + 3 * (14 / 11) / 1.128)
    assert limits.lower == pytest.approx(139 / 12 - 3 * (14 / 11) / 1.128)


@pytest.mark.parametrize("seed", range(5))
def test_xmr_limits_agree_with_numpy(seed):
    values = [random.Random(seed).gauss(100, 10) for _ in range(20)]
    centre, lower, upper = numpy_xmr(values)
    limits = sg.baseline(series(values)).limits(series(values)[0])
    assert limits.centre == pytest.approx(centre)
    assert limits.lower == pytest.approx(lower, rel=1e-3)  # 2.66 is 3 / 1.128 rounded
    assert limits.upper == pytest.approx(upper, rel=1e-3)


def test_too_short_a_history_has_no_limits():
    assert sg.baseline(series(ROUTINE[: sg.MIN_POINTS - 1])) is None
    assert sg.read(series(ROUTINE[:5]), months.add(START, 4), Direction.HIGHER, 50) is None


def test_limits_are_locked_on_the_baseline():
    """Months after the baseline do not move the limits, however extreme they are."""
    values = ROUTINE + [90, 95, 99]
    base = sg.baseline(series(values))
    assert base == sg.baseline(series(ROUTINE))


def test_a_process_change_starts_new_limits():
    values = ROUTINE + [70 + v - 50 for v in ROUTINE]  # the process moved to 70 in month 21
    points = series(values)
    change = points[len(ROUTINE)].month
    last = points[-1].month
    without = sg.read(points, last, Direction.HIGHER, 60)
    with_change = sg.read(points, last, Direction.HIGHER, 60, changes=[change])
    assert without.limits.centre == pytest.approx(sum(ROUTINE) / 20)
    assert with_change.limits.centre == pytest.approx(sum(ROUTINE) / 20 + 20)
    assert without.variation is Variation.IMPROVEMENT  # a shift above the old centre line
    assert with_change.variation is Variation.COMMON_CAUSE


def rules_fired(values, month_index, rules=sg.DEFAULT_RULES):
    points = series(values)
    base = sg.baseline(series(ROUTINE))
    return {(s.rule, s.side) for s in sg.fired(points, base, rules) if s.month == points[month_index].month}


@pytest.mark.parametrize(
    "tail, expected",
    [
        ([50], set()),  # routine
        ([70], {(Rule.OUTSIDE, 1)}),  # far above the upper limit (≈ 57.6)
        ([30], {(Rule.OUTSIDE, -1)}),
        ([51.5, 52, 51.5, 52, 51.5, 52, 51.5], {(Rule.SHIFT, 1)}),  # seven above the centre
        ([49, 48.5, 49, 48.5, 49, 48.5, 49], {(Rule.SHIFT, -1)}),
        ([51.5, 52, 51.5, 52, 51.5, 52], set()),  # six above: not yet a shift
        ([46, 47, 48, 49, 50, 51], {(Rule.TREND, 1)}),  # six months each higher
        ([51, 50, 49, 48, 47, 46], {(Rule.TREND, -1)}),
        ([46, 47, 48, 49, 51], set()),  # five: not yet a trend
        ([55.5, 50, 55.5], {(Rule.TWO_OF_THREE, 1)}),  # two of three beyond two sigma (≈ 55.1)
        ([55.5, 50, 45], set()),  # beyond two sigma, but on different sides
    ],
)
def test_each_rule(tail, expected):
    values = ROUTINE + tail
    assert rules_fired(values, len(values) - 1) == expected


def test_a_trend_fires_in_every_month_of_it_and_a_shift_too():
    values = ROUTINE + [46, 47, 48, 49, 50, 51]
    fired = sg.fired(series(values), sg.baseline(series(ROUTINE)))
    trend_months = {s.month for s in fired if s.rule is Rule.TREND}
    assert trend_months == {months.add(START, i) for i in range(20, 26)}


def test_rules_can_be_switched_off_and_run_lengths_changed():
    values = ROUTINE + [51.5, 52, 51.5, 52, 51.5, 52, 51.5, 52]
    only_outside = RuleSet(frozenset({Rule.OUTSIDE}))
    assert rules_fired(values, len(values) - 1, only_outside) == set()
    eight = RuleSet(shift_run=8)
    assert rules_fired(values[:-1], len(values) - 2, eight) == set()
    assert rules_fired(values, len(values) - 1, eight) == {(Rule.SHIFT, 1)}


@pytest.mark.parametrize(
    "signals, direction, expected",
    [
        ([], Direction.HIGHER, Variation.COMMON_CAUSE),
        ([(Rule.OUTSIDE, 1)], Direction.HIGHER, Variation.IMPROVEMENT),
        ([(Rule.OUTSIDE, 1)], Direction.LOWER, Variation.CONCERN),  # downtime above its limit
        ([(Rule.SHIFT, -1)], Direction.LOWER, Variation.IMPROVEMENT),  # fewer abandoned baskets
        ([(Rule.SHIFT, 1), (Rule.OUTSIDE, -1)], Direction.HIGHER, Variation.CONCERN),
    ],
)
def test_variation(signals, direction, expected):
    found = [sg.Signal(START, rule, side) for rule, side in signals]
    assert sg.variation(found, direction) is expected


@pytest.mark.parametrize(
    "lower, upper, target, direction, expected",
    [
        (40, 60, 50, Direction.HIGHER, Assurance.HIT_AND_MISS),
        (40, 60, 35, Direction.HIGHER, Assurance.PASSING),  # even the lower limit beats the target
        (40, 60, 65, Direction.HIGHER, Assurance.FAILING),
        (40, 60, 65, Direction.LOWER, Assurance.PASSING),  # a waiting time always under 65 s
        (40, 60, 35, Direction.LOWER, Assurance.FAILING),
        (40, 60, None, Direction.HIGHER, None),
    ],
)
def test_assurance(lower, upper, target, direction, expected):
    assert sg.assurance(Limits(50, lower, upper), target, direction) is expected


def test_survey_limits_widen_with_few_answers():
    """The same distance from the centre is a signal on 900 answers and noise on 23."""
    errors = [1.0] * len(ROUTINE)  # routine months of about 900 answers: standard error 1 point
    base = sg.baseline(series(ROUTINE, errors))
    many = Point(months.add(START, 20), 56.0, 1.0)
    few = Point(months.add(START, 20), 56.0, 6.2)  # 23 answers
    assert [s.rule for s in sg.fired([many], base) if s.rule is Rule.OUTSIDE] == [Rule.OUTSIDE]
    assert [s.rule for s in sg.fired([few], base) if s.rule is Rule.OUTSIDE] == []
    width = {p.error: base.limits(p).upper - base.limits(p).lower for p in (many, few)}
    assert width[6.2] == pytest.approx(6.2 * width[1.0])


def test_a_survey_month_without_a_margin_borrows_the_baseline_s_typical_one():
    """Every answer alike leaves no margin; the month is not thereby a signal on its own."""
    errors = [1.0] * len(ROUTINE)
    base = sg.baseline(series(ROUTINE, errors))
    alike = Point(months.add(START, 20), 51.0, None)
    assert base.limits(alike) == base.limits(Point(alike.month, 51.0, 1.0))
    assert [s for s in sg.fired([alike], base) if s.rule is Rule.OUTSIDE] == []


def test_survey_centre_weights_months_by_their_precision():
    values, errors = [40.0] * 12 + [60.0], [1.0] * 12 + [10.0]
    base = sg.baseline(series(values, errors))
    assert base.centre == pytest.approx((12 * 40 + 60 / 100) / (12 + 1 / 100))


def test_standard_error_from_a_margin():
    assert sg.standard_error(1.96) == pytest.approx(1.0)
    assert sg.standard_error(None) is None and sg.standard_error(0.0) is None


def test_read_gives_limits_signals_and_both_verdicts():
    values = ROUTINE + [70]
    reading = sg.read(series(values), months.add(START, 20), Direction.LOWER, target=55)
    assert reading.variation is Variation.CONCERN
    assert {s.rule for s in reading.signals} == {Rule.OUTSIDE}
    assert reading.assurance is Assurance.HIT_AND_MISS  # 55 lies between the limits
    assert sg.read(series(values), months.add(START, 21), Direction.LOWER, 55) is None  # no value


def _onsets(found):
    """Months in which a rule starts to fire (a run or trend counts once, where it begins)."""
    by_month: dict[date, set] = {}
    for s in found:
        by_month.setdefault(s.month, set()).add((s.rule, s.side))
    return sum(1 for m, now in by_month.items() if now - by_month.get(months.add(m, -1), set()))


def test_false_signal_rate_of_a_stable_process_is_within_theory():
    """1,000 stable series of 24 months: new signals per month at or below the rule set's rate."""
    rng = random.Random(2026)
    onsets = 0
    for _ in range(1000):
        points = series([rng.gauss(50, 5) for _ in range(24)])
        onsets += _onsets(sg.fired(points, sg.baseline(points)))
    rate = onsets / (1000 * 24)
    assert rate <= sum(sg.FALSE_SIGNAL_RATES.values())
    assert rate > 0.002  # the rules do fire on noise now and then: the simulation ran


def test_a_real_shift_is_found_quickly():
    """A process that moves by two sigma is signalled within a few months in most series."""
    rng = random.Random(7)
    found_within_eight = 0
    for _ in range(200):
        base_values = [rng.gauss(50, 5) for _ in range(20)]
        shifted = [rng.gauss(60, 5) for _ in range(8)]
        points = series(base_values + shifted)
        fired = sg.fired(points, sg.baseline(series(base_values)))
        found_within_eight += any(s.month >= points[20].month and s.side == 1 for s in fired)
    assert found_within_eight / 200 > 0.9


def test_read_looks_at_the_whole_history_even_though_it_checks_only_the_tail():
    """`read` evaluates the rules on the last months only; every month's reading equals what
    `fired` finds for that month over the whole series up to it (a reading cannot see later months)."""
    rng = random.Random(11)
    for _ in range(200):
        values = [rng.gauss(50, 5) + (8 if i > 26 else 0) + (i % 9 == 0) * 20 for i in range(36)]
        points = series(values)
        for i in range(sg.MIN_POINTS, len(points)):
            month, upto = points[i].month, points[: i + 1]
            reading = sg.read(points, month, Direction.HIGHER, target=None)
            assert reading.signals == tuple(s for s in sg.fired(upto, sg.baseline(upto)) if s.month == month)


def test_the_last_month_alone_agrees_with_every_month_for_ties_flat_steps_and_any_rule_set():
    """`read` checks only the last months, by the extremes of a run; on values that often sit on
    the centre line or repeat (whole numbers near it), with survey errors, any subset of the rules
    and any run lengths, its signals are those `fired` finds for that month over the whole series."""
    rng = random.Random(2612)
    for _ in range(400):
        values = [rng.choice([48, 49, 50, 50, 51, 52]) + rng.choice([0, 0, 0, 6, -6]) for _ in range(30)]
        errors = [rng.choice([0.5, 1.0, 2.0]) for _ in values] if rng.random() < 0.3 else None
        rules = RuleSet(
            frozenset(r for r in Rule if rng.random() < 0.7), rng.randint(2, 9), rng.randint(2, 9)
        )
        points = series(values, errors)
        for i in range(sg.MIN_POINTS, len(points)):
            upto = points[: i + 1]
            reading = sg.read(points, points[i].month, Direction.HIGHER, None, rules=rules)
            expected = tuple(
                s for s in sg.fired(upto, sg.baseline(upto), rules) if s.month == points[i].month
            )
            assert reading.signals == expected, (values[: i + 1], rules)


def test_no_assurance_while_a_shift_says_the_process_has_moved():
    values = ROUTINE + [sum(ROUTINE) / 20 - 1] * 7  # seven months just below the centre: a shift
    reading = sg.read(series(values), months.add(START, len(values) - 1), Direction.LOWER, target=55)
    assert Rule.SHIFT in {s.rule for s in reading.signals}
    assert reading.variation is Variation.IMPROVEMENT and reading.assurance is None


def test_a_step_within_the_moving_ranges_upper_limit_is_routine():
    """A measured KPI's change from one month to the next is routine variation while it lies
    within 3.268 mean moving ranges of its baseline (Wheeler's mR chart) and crosses none of its
    limits: "+0.02 pts" of churn stood red beside NPS's "-2 pts" in grey, a wiggle told as news
    (a CEO's trial); a small step across a limit is news (a code review)."""
    from kpi.domain import month_rows, samples
    from kpi.domain.model import MonthValue

    points = series([10.0, 12.0] * 10)  # every moving range 2: the upper range limit is 6.536
    month = points[-1].month
    reading = sg.read(points, month, Direction.LOWER, None)
    assert reading is not None and reading.limits.lower < 6.0 and reading.limits.upper > 16.0
    assert sg.routine_step(reading, 12.0, 6.0) and sg.routine_step(reading, 6.0, 12.0)  # 6 within 6.536
    assert not sg.routine_step(reading, 10.0, 16.6)  # a jump of 6.6: larger than routine
    assert not sg.routine_step(None, 10.0, 10.1)  # no limits: not known
    before, now = MonthValue("K", month, 12.0), MonthValue("K", month, 18.6)
    assert month_rows.change_noise(now, before, reading) is None  # news
    assert month_rows.change_noise(MonthValue("K", month, 14.0), before, reading) is samples.Noise.ROUTINE
    assert month_rows.change_noise(MonthValue("K", month, 14.0), before, None) is None  # no limits: not known
    # a small step across a limit is news; further out beyond it, or back, a wiggle
    upper = reading.limits.upper
    assert sg.crossed(reading, upper - 0.1, upper + 0.1) and not sg.routine_step(
        reading, upper - 0.1, upper + 0.1
    )
    assert sg.routine_step(reading, upper + 0.1, upper + 0.3) and sg.routine_step(
        reading, upper + 0.3, upper + 0.1
    )
    assert not sg.crossed(reading, upper + 0.1, upper + 0.3)
    # a baseline that never varied knows no routine: a step back from 15 to 10 is news
    flat = series([10.0] * 20)
    still = sg.read(flat, flat[-1].month, Direction.LOWER, None)
    assert still is not None and not sg.routine_step(still, 15.0, 10.0)
