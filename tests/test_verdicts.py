"""Statuses that say no more than the numbers can (kpi.domain.verdicts), by table."""

from datetime import date

import pytest

from kpi.domain import verdicts
from kpi.domain.model import Direction, Goal, GoalStatus, KpiStatus, Level, MonthValue
from kpi.domain.signals import Assurance, Limits, Reading, Rule, Signal, Variation
from kpi.domain.verdicts import Reason

OCTOBER = date(2026, 10, 1)
GOAL = Goal("G", Level.STRATEGIC, "Customers recommend us", "NPS", "MGMT", baseline=20.0, target=40.0,
            start=date(2026, 1, 1), deadline=date(2026, 12, 31))  # fmt: skip


def value(number, n=None, margin=None):
    return MonthValue("NPS", OCTOBER, number, n, margin)


@pytest.mark.parametrize(
    ("month_value", "expected"),
    [
        (value(30.0), (KpiStatus.RED, None)),  # 25 % short of 40: red
        (value(30.0, n=400, margin=4.0), (KpiStatus.RED, None)),  # plenty of answers
        (value(30.0, n=23, margin=31.8), (KpiStatus.AMBER, Reason.LOW_CONFIDENCE)),  # 30 ± 31.8: can't tell
        (value(20.0, n=23, margin=5.0), (KpiStatus.RED, None)),  # 15 to 25: red at either edge
        (value(42.0, n=23, margin=5.0), (KpiStatus.AMBER, Reason.LOW_CONFIDENCE)),  # 37 to 47
        (value(50.0, n=23, margin=5.0), (KpiStatus.GREEN, None)),  # 45 to 55: green either way
    ],
)
def test_a_kpi_status_holds_across_the_margin_of_a_low_confidence_month(month_value, expected):
    assert verdicts.kpi_status(month_value, 40.0, Direction.HIGHER, 0.05) == expected


def reading(lower, upper, *rules):
    signals = tuple(Signal(OCTOBER, r, 1) for r in rules)
    return Reading(
        Limits((lower + upper) / 2, lower, upper), signals, Variation.COMMON_CAUSE, Assurance.HIT_AND_MISS
    )


@pytest.mark.parametrize(
    ("month_value", "read", "expected"),
    [
        (value(41.0), None, (GoalStatus.ACHIEVED, None)),  # no limits yet: the month decides
        (value(41.0), reading(41.0, 49.0), (GoalStatus.ACHIEVED, None)),  # never below 40: assured
        (value(41.0), reading(35.0, 47.0), (GoalStatus.ON_TRACK, Reason.NOT_ASSURED)),  # hit and miss
        (value(41.0), reading(41.0, 49.0, Rule.SHIFT), (GoalStatus.ON_TRACK, Reason.NOT_ASSURED)),  # moving
        (value(41.0, n=20, margin=6.0), None, (GoalStatus.ON_TRACK, Reason.LOW_CONFIDENCE)),
        (value(21.0), None, (GoalStatus.OFF_TRACK, None)),  # 5 % of the way, 83 % of the time
        (value(21.0, n=20, margin=20.0), None, (GoalStatus.AT_RISK, Reason.LOW_CONFIDENCE)),
        (value(21.0, n=20, margin=2.0), None, (GoalStatus.OFF_TRACK, None)),  # off track at either edge
    ],
)
def test_a_goal_is_achieved_only_when_assured_and_never_on_few_answers_alone(month_value, read, expected):
    assert verdicts.goal_status(GOAL, Direction.HIGHER, month_value, OCTOBER, read) == expected


def test_a_goal_without_a_deadline_says_it_has_no_pace():
    open_ended = Goal("G", Level.TACTICAL, "Better briefings", "B", "MKT", baseline=40.0, target=90.0)
    assert verdicts.goal_status(open_ended, Direction.HIGHER, value(60.0), OCTOBER) == (
        GoalStatus.AT_RISK,
        Reason.NO_DEADLINE,
    )


def test_a_goal_is_judged_from_its_start_and_says_so_before_it():
    """A goal starting in January 2026 read "off track since February 2025" and forecast a
    value at its deadline a year before it began (a company's first day, its history imported
    first): before its start's month it has no status, no forecast and says when it starts."""
    from dataclasses import replace

    from kpi.domain import outlook
    from kpi.text import i18n, phrases
    from tests import handmade

    later = replace(GOAL, start=date(2026, 11, 15))
    assert verdicts.goal_status(later, Direction.HIGHER, value(10.0), OCTOBER) == (
        GoalStatus.NO_DATA,
        Reason.NOT_STARTED,
    )
    assert verdicts.goal_status(later, Direction.HIGHER, value(45.0), OCTOBER)[0] is GoalStatus.NO_DATA
    november = date(2026, 11, 1)
    assert verdicts.goal_status(later, Direction.HIGHER, value(10.0), november)[0] is GoalStatus.OFF_TRACK
    built = handmade.month_report()
    row = next(r for r in built.goals.values() if r.goal.start and r.goal.deadline and r.kpi)
    moved = replace(row, goal=replace(row.goal, start=date(2026, 12, 1)), reason=Reason.NOT_STARTED)
    series = [MonthValue(row.kpi.code, date(2026, m, 1), 50.0 + m) for m in range(1, 11)]
    assert outlook.forecast(row, series, OCTOBER) is not None
    assert outlook.forecast(moved, series, OCTOBER) is None
    with i18n.use("da"):
        assert phrases.goal_reason(moved, OCTOBER) == "Ikke bedømt endnu: målet starter 1.\xa0dec.\xa02026."
    assert moved.pace(OCTOBER) is None and verdicts.on_pace(moved.goal, OCTOBER) is None  # no path yet
    assert verdicts.on_pace(later, november) is not None  # judged in its start's month, from mid-month
    assert verdicts.goal_status(replace(GOAL, start=None), Direction.HIGHER, value(30.0), OCTOBER)[1] is (
        Reason.NO_DEADLINE
    )  # no start: no pace, but judged


def test_a_goal_with_a_value_but_no_baseline_says_what_is_missing():
    """No baseline, no progress: "no data" beside the KPI's value would not say why."""
    unmeasured = Goal("G", Level.OPERATIONAL, "Better website", "W", "WEB", target=3.2,
                      start=date(2026, 1, 1), deadline=date(2027, 3, 31))  # fmt: skip
    assert verdicts.goal_status(unmeasured, Direction.LOWER, value(3.9), OCTOBER) == (
        GoalStatus.NO_DATA,
        Reason.NO_BASELINE,
    )
    assert verdicts.goal_status(unmeasured, Direction.LOWER, None, OCTOBER) == (GoalStatus.NO_DATA, None)
    assert verdicts.goal_status(unmeasured, Direction.LOWER, value(3.0), OCTOBER)[0] is GoalStatus.ACHIEVED


@pytest.mark.parametrize(
    ("goal", "kpi", "expected"),
    [
        (GoalStatus.ON_TRACK, KpiStatus.GREEN, None),
        (GoalStatus.AT_RISK, KpiStatus.AMBER, None),
        (GoalStatus.OFF_TRACK, KpiStatus.RED, None),
        (
            GoalStatus.ON_TRACK,
            KpiStatus.RED,
            Reason.PACE_AHEAD,
        ),  # on its trajectory, short of the month's target
        (GoalStatus.ACHIEVED, KpiStatus.AMBER, Reason.PACE_AHEAD),
        (
            GoalStatus.OFF_TRACK,
            KpiStatus.AMBER,
            Reason.TARGET_BEYOND,
        ),  # churn: close to 1.7 %, far from 1.5 %
        (GoalStatus.MISSED, KpiStatus.GREEN, Reason.TARGET_BEYOND),
        (GoalStatus.NO_DATA, KpiStatus.RED, None),
    ],
)
def test_a_goal_and_its_kpi_that_disagree_carry_a_reason(goal, kpi, expected):
    assert verdicts.disagreement(goal, kpi) is expected


def test_on_pace_is_where_the_trajectory_stands():
    elapsed = (date(2026, 11, 1) - date(2026, 1, 1)).days / ((date(2026, 12, 31) - date(2026, 1, 1)).days + 1)
    assert verdicts.on_pace(GOAL, OCTOBER) == pytest.approx(20 + elapsed * 20)


@pytest.mark.parametrize(
    ("number", "margin", "direction", "status", "said"),
    [
        (
            48.0,
            29.2,
            "higher",
            GoalStatus.ON_TRACK,
            "+48 reaches the target of +40, but 23\u00a0answers (±\u00a029.2\u00a0pts) put it anywhere from +19⁠–⁠+77: on track, not achieved",
        ),
        (
            12.0,
            20.0,
            "higher",
            GoalStatus.AT_RISK,
            "+12 is behind its path, but 23\u00a0answers (±\u00a020.0\u00a0pts) put it anywhere from -8⁠–⁠+32: at risk, not off track",
        ),
        (
            12.0,
            20.0,
            "lower",
            GoalStatus.ON_TRACK,
            "+12 reaches the target of +40, but 23\u00a0answers (±\u00a020.0\u00a0pts) put it anywhere from -8⁠–⁠+32",
        ),
    ],
)
def test_a_goal_tempered_by_too_few_answers_says_its_value_target_and_range(
    number, margin, direction, status, said
):
    """ "Too few answers this month to tell: the status holds only where the whole margin agrees"
    under a green tile read as a riddle (a CEO's trial): the reason says the numbers, the range
    as it is whichever way the KPI is better."""
    from dataclasses import replace

    from kpi.text import i18n, phrases
    from tests import handmade

    built = handmade.month_report()
    row = next(r for r in built.goals.values() if r.kpi and r.kpi.unit == "nps")
    kpi = replace(row.kpi, direction=Direction(direction))
    tempered = replace(
        row,
        goal=replace(row.goal, target=40.0),
        kpi=kpi,
        status=status,
        reason=Reason.LOW_CONFIDENCE,
        value=value(number, n=23, margin=margin),
    )
    with i18n.use("en"):
        assert phrases.goal_reason(tempered, OCTOBER).startswith(said)


def test_a_missed_goal_held_at_risk_by_too_few_answers_is_not_said_to_be_behind_its_path():
    """Past its deadline a goal has no path: it misses its target, held at risk, not missed. And
    a margin past the scale's end is said within it (NPS +90 ± 29.2 read "+61–+119")."""
    from dataclasses import replace

    from kpi.text import i18n, phrases
    from tests import handmade

    built = handmade.month_report()
    row = next(r for r in built.goals.values() if r.kpi and r.kpi.unit == "nps")
    late = replace(row.goal, target=95.0, deadline=date(2026, 6, 30))
    held = replace(
        row,
        goal=late,
        status=GoalStatus.AT_RISK,
        reason=Reason.LOW_CONFIDENCE,
        value=value(90.0, n=23, margin=29.2),
    )
    with i18n.use("en"):
        said = phrases.goal_reason(held, OCTOBER)
    assert said.startswith(
        "+90 misses the target of +95, but 23\u00a0answers (±\u00a029.2\u00a0pts) put it anywhere from +61\u2060–\u2060+100: at risk, not missed"
    )
