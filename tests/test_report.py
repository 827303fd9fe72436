"""The month's report reads only the months it needs, and says the same as from all of history."""

from dataclasses import replace
from datetime import date

import pytest

from kpi.domain import month_rows, months, outlook, report, status, targets
from kpi.domain.access import EVERYTHING
from kpi.domain.model import Aggregation, Direction, Goal, Kpi, Level, MonthValue
from kpi.store import engine, monthly, queries
from tests.conftest import DEMO_END

OCTOBER = date(2026, 10, 1)


def test_the_months_a_report_reads():
    assert month_rows.history_start(OCTOBER) == date(2025, 1, 1)  # last year's profile and this year
    assert month_rows.history_start(date(2026, 1, 1)) == date(2024, 1, 1)  # December's profile too
    assert status.forecast_window(OCTOBER) == [date(2026, m, 1) for m in range(5, 11)]
    assert status.forecast_window(date(2026, 2, 1))[0] == date(2025, 9, 1)


def _facts(built: report.MonthReport) -> dict:
    kpis = {
        code: (
            row.value,
            row.previous,
            row.year_ago,
            row.status,
            row.previous_status,
            row.target,
            row.reading,
        )
        for code, row in built.kpis.items()
    }
    goals = {
        code: (row.value, row.status, row.previous_status, row.rollup, row.mismatch)
        for code, row in built.goals.items()
    }
    return {"kpis": kpis, "goals": goals, "flips": built.flips()}


@pytest.mark.parametrize("month", [DEMO_END, months.add(DEMO_END, -7)])
def test_the_store_report_equals_one_built_from_all_history(demo_url, month):
    from kpi.store import plans
    from tests.test_edits import ADMIN

    with engine.writing(
        engine.create(demo_url)
    ) as conn:  # baselines from a change long ago, and a recent one
        plans.record_change(conn, ADMIN, "CS_WAIT", months.add(DEMO_END, -30), "New phone system")
        plans.record_change(conn, ADMIN, "NPS", months.add(DEMO_END, -26), "New survey")
        plans.record_change(conn, ADMIN, "ECOM_LOAD", months.add(DEMO_END, -2), "New CDN")
    with engine.reading(engine.create(demo_url)) as conn:
        quick = monthly.month_report(conn, EVERYTHING, month, "en")
        forecasts = monthly.forecasts(conn, EVERYTHING, quick)
        everything = queries.month_values(conn, EVERYTHING, date(2000, 1, 1), month)
        kpis, goals = queries.kpis(conn, EVERYTHING, "en"), queries.goals(conn, EVERYTHING, "en")
        context = monthly.context(conn, EVERYTHING, month)
    assert list(quick.kpis) == [k.code for k in kpis]  # every KPI in scope, none left out
    full = report.build(month, kpis, goals, everything, context)
    assert _facts(quick) == _facts(full)
    readings = [row.reading for row in quick.kpis.values()]
    if month == DEMO_END:  # 18 months since the strategy's process change; ECOM_LOAD's is 3 months old
        assert sum(r is not None for r in readings) == len(readings) - 1
    series = {code: [v for v in everything if v.kpi == code] for code in quick.kpis}
    from_history = {
        code: outlook.forecast_with_margin(row, series.get(row.kpi.code, []) if row.kpi else [], month)
        for code, row in full.goals.items()
    }
    assert forecasts == from_history and sum(f.value is not None for f in forecasts.values()) >= 5
    assert any(f.margin is not None for f in forecasts.values())  # a survey goal's, with its margin


def test_a_forecast_uses_the_six_months_up_to_the_report_month_even_with_gaps():
    kpi = Kpi("WAIT", "Wait", "CS", "min", Direction.LOWER, Aggregation.MEAN, target=2.0)
    goal = Goal(
        "G1", Level.OPERATIONAL, "Shorter waits", "WAIT", "CS", baseline=6.0, target=2.0,
        start=date(2026, 1, 1), deadline=date(2027, 6, 30),
    )  # fmt: skip
    old = [MonthValue("WAIT", date(2026, m, 1), 9.0) for m in (1, 2, 3)]  # long before the window
    recent = [MonthValue("WAIT", date(2026, m, 1), 30.0 - m) for m in (8, 9, 10)]  # one less a month
    row = report.build(OCTOBER, [kpi], [goal], old + recent).goals["G1"]
    assert outlook.forecast(row, old + recent, OCTOBER) == pytest.approx(30.0 - 18)  # through Aug-Oct only
    assert outlook.forecast(row, recent[::-1], OCTOBER) == pytest.approx(30.0 - 18)  # in any order
    assert outlook.forecast(row, old + recent[1:], OCTOBER) is None  # two recent months: too few for a line
    due = replace(goal, deadline=date(2026, 10, 31))
    due_row = report.build(OCTOBER, [kpi], [due], recent).goals["G1"]
    assert outlook.forecast(due_row, recent, OCTOBER) is None  # the deadline's month has come
    other = [MonthValue("CALLS", v.month, v.value) for v in recent]
    assert outlook.forecast(row, other, OCTOBER) is None  # another KPI's values are not this goal's
    shaky = [*recent[:2], MonthValue("WAIT", date(2026, 10, 1), 9.0, n=12, margin=3.0)]
    assert outlook.forecast(row, shaky, OCTOBER) is None  # a low-confidence month: no line through it


def test_a_line_past_the_unit_s_end_is_no_forecast_and_says_which_end():
    """A wait falling 15 s a month from 90 s, stretched to a deadline a year on, passed zero:
    `forecast` gives none and `runs_out` names the end it passes, which a tile says."""
    kpi = Kpi("WAIT", "Wait", "CS", "s", Direction.LOWER, Aggregation.MEAN, target=60.0)
    goal = Goal("G1", Level.OPERATIONAL, "Wait less", "WAIT", "CS", baseline=120.0, target=60.0,
                start=date(2026, 1, 1), deadline=date(2027, 10, 31))  # fmt: skip
    falling = [MonthValue("WAIT", date(2026, m, 1), 90.0 - 15 * (m - 8)) for m in (8, 9, 10)]
    row = report.build(OCTOBER, [kpi], [goal], falling).goals["G1"]
    assert outlook.forecast(row, falling, OCTOBER) is None and outlook.runs_out(row, falling, OCTOBER) == 0.0
    gentle = [v._replace(value=90.0 - 2 * (v.month.month - 8)) for v in falling]
    assert (
        outlook.forecast(row, gentle, OCTOBER) == pytest.approx(86.0 - 24)
        and outlook.runs_out(row, gentle, OCTOBER) is None
    )


def test_a_survey_forecast_its_months_noise_could_have_drawn_is_none():
    """A board's NPS from 40 answers a month (margins of ±17 to ±25), a line through six months
    stretched to a deadline two years on, forecast +100 (a new company's trial): a survey KPI
    has a forecast only while its 95 % interval spans at most `FORECAST_MAX_SPREAD` of the unit's
    range; the demo's NPS, from 1,400 answers a month (±4), keeps its forecast."""
    kpi = Kpi("NPS", "NPS", "MGMT", "nps", Direction.HIGHER, Aggregation.NPS, target=40.0)
    goal = Goal("S1", Level.STRATEGIC, "Recommend us", "NPS", "MGMT", baseline=20.0, target=50.0,
                start=date(2026, 1, 1), deadline=date(2028, 12, 31))  # fmt: skip
    scores = [25.0, 15.0, 35.0, 42.5, 30.0, 60.0]
    noisy = [MonthValue("NPS", date(2026, 5 + i, 1), v, n=40, margin=21.0) for i, v in enumerate(scores)]
    # as many answers as the demo's, on a line that stays within ±100 by the deadline
    steady = [v._replace(n=1400, margin=4.0, value=30.0 + (v.value - 30.0) / 10) for v in noisy]
    row = report.build(OCTOBER, [kpi], [goal], noisy).goals["S1"]
    assert outlook.forecast(row, noisy, OCTOBER) is None
    assert outlook.forecast(row, steady, OCTOBER) is not None
    assert outlook.too_uncertain(row, noisy, OCTOBER) and not outlook.too_uncertain(row, steady, OCTOBER)
    spread = status.forecast_spread([(v.month, v.value, v.margin) for v in steady], goal.deadline)
    assert 0 < spread <= status.FORECAST_MAX_SPREAD * 200
    months_read = [(v.month, v.value, v.margin) for v in steady]  # the further ahead, the wider
    assert status.forecast_spread(months_read, date(2026, 12, 31)) < spread
    # one noisy month at the window's end widens it most: a month of 31 beside five of 8 (a review)
    uneven = [(m, v, 31.0 if i == 5 else 8.0) for i, (m, v, _) in enumerate(months_read)]
    at = date(2027, 10, 31)
    assert (
        status.forecast_spread(uneven, at)
        > status.forecast_spread([(m, v, 8.0) for m, v, _ in uneven], at) * 2
    )
    assert status.forecast_spread(uneven, at) > 40  # past what a forecast of NPS may reach either side


def test_a_goal_line_past_its_kpi_unit_is_no_forecast():
    kpi = Kpi("FCR", "First contact resolution", "CS", "%", Direction.HIGHER, Aggregation.MEAN, target=95.0)
    goal = Goal("G2", Level.OPERATIONAL, "Solve it first time", "FCR", "CS", baseline=80.0, target=95.0,
                start=date(2026, 1, 1), deadline=date(2027, 12, 31))  # fmt: skip
    values = [
        MonthValue("FCR", date(2026, m, 1), 60.0 + 5 * m) for m in range(5, 11)
    ]  # 85 % in May, 5 more a month
    row = report.build(OCTOBER, [kpi], [goal], values).goals["G2"]
    # the line passes 100 % long before the deadline: no forecast, and the end it passes is named
    assert outlook.forecast(row, values, OCTOBER) is None and outlook.runs_out(row, values, OCTOBER) == 100.0
    from kpi.text import i18n, phrases

    with i18n.use("en"):  # towards its target: it reaches it first; away: only that the line leaves
        assert phrases.runs_out(100.0, 95.0, "%", Direction.HIGHER).startswith(
            "No forecast value: at the recent pace the number reaches its target of 95.0"
        )
        assert phrases.runs_out(0.0, 95.0, "%", Direction.HIGHER).startswith(
            "No forecast: at the recent pace the line passes 0.0"
        )


WAIT = Kpi("WAIT", "Wait", "CS", "s", Direction.LOWER, Aggregation.MEAN, target=60.0, tolerance=0.1)
DOWN = Kpi("DOWN", "Downtime", "IT", "min", Direction.LOWER, Aggregation.SUM, target=40.0)
PROFILE = {1: 50, 2: 50, 3: 50, 4: 50, 5: 50, 6: 50, 7: 50, 8: 50, 9: 50, 10: 80, 11: 50, 12: 80}
"""Last year's months: October and December three fifths above the rest."""


def _year(code, profile, year=2025):
    return [MonthValue(code, date(year, m, 1), float(v)) for m, v in profile.items()]


@pytest.mark.parametrize(
    ("kpi", "value", "explicit", "expected_target", "kind", "status"),
    [
        # a mean KPI keeps the annual level on average: October gets 60 × 80 / 55
        (WAIT, 85.0, {}, 60 * 80 / (sum(PROFILE.values()) / 12), "phased", "green"),
        (WAIT, 95.0, {}, 60 * 80 / (sum(PROFILE.values()) / 12), "phased", "amber"),  # within 10 %
        # a summed KPI's target is a month's: the year's twelve, shared out by last year's months
        (DOWN, 55.0, {}, 12 * 40 * 80 / sum(PROFILE.values()), "phased", "green"),
        (WAIT, 85.0, {OCTOBER: 70.0}, 70.0, "explicit", "red"),  # an explicit target wins
    ],
)
def test_a_kpi_status_is_judged_against_the_month_target(kpi, value, explicit, expected_target, kind, status):
    values = [*_year(kpi.code, PROFILE), MonthValue(kpi.code, OCTOBER, value)]
    context = month_rows.Context(targets={kpi.code: explicit})
    row = report.build(OCTOBER, [kpi], [], values, context).kpis[kpi.code]
    assert row.target.value == targets.worked_out(expected_target, kpi.unit)  # in whole seconds, minutes
    assert (str(row.target.kind), str(row.status)) == (kind, status)


def test_without_a_whole_year_behind_it_the_annual_target_holds():
    values = [MonthValue("WAIT", date(2026, m, 1), 62.0) for m in range(1, 11)]
    row = report.build(OCTOBER, [WAIT], [], values).kpis["WAIT"]
    assert (row.target.value, str(row.target.kind), str(row.status)) == (60.0, "annual", "amber")
    down = report.build(OCTOBER, [DOWN], [], [MonthValue("DOWN", OCTOBER, 41.0)]).kpis["DOWN"]
    assert (down.target.value, str(down.status)) == (40.0, "amber")  # a month's share of the year


def test_a_status_streak_starts_where_the_status_last_changed():
    values = _year("WAIT", PROFILE) + [
        MonthValue("WAIT", date(2026, m, 1), 60 + 10 * (m > 6)) for m in range(1, 11)
    ]
    row = report.build(OCTOBER, [WAIT], [], values).kpis["WAIT"]
    targets = {m: row.target_at(date(2026, m, 1)).value for m in range(1, 11)}
    statuses = [
        status.kpi_status(70.0 if m > 6 else 60.0, targets[m], WAIT.direction, 0.1) for m in range(1, 11)
    ]
    first = max(m for m in range(1, 11) if m == 1 or statuses[m - 2] != statuses[m - 1])
    assert row.since(OCTOBER) == date(2026, first, 1)


def test_in_january_last_month_is_judged_by_decembers_target_phased_by_its_own_year_before():
    """January's last month is December of the year before, whose target is phased by the year
    before that: with 2024 and 2025 shaped differently, December 2025's target follows 2024's
    December and January 2026's follows 2025's January, as `target_at` says for any month."""
    january, december = date(2026, 1, 1), date(2025, 12, 1)
    older = {m: 50 + 30 * (m == 12) for m in range(1, 13)}  # 2024: a December peak
    newer = {m: 50 + 40 * (m == 1) for m in range(1, 13)}  # 2025: a January peak
    values = [*_year("WAIT", older, 2024), *_year("WAIT", newer, 2025), MonthValue("WAIT", january, 70.0)]
    row = report.build(january, [WAIT], [], values).kpis["WAIT"]
    assert row.previous_target == row.target_at(december)
    assert row.target == row.target_at(january)
    assert row.previous_target.value == targets.worked_out(60 * 80 / (sum(older.values()) / 12), "s")
    assert row.target.value == targets.worked_out(60 * 90 / (sum(newer.values()) / 12), "s")
    assert str(row.previous_status) == str(
        status.kpi_status(50.0, row.previous_target.value, WAIT.direction, 0.1)
    )
    untargeted = replace(WAIT, target=None)  # no annual target: only the months set one by hand
    explicit = {december: 55.0, january: 65.0}
    context = month_rows.Context(targets={"WAIT": explicit})
    row = report.build(january, [untargeted], [], values, context).kpis["WAIT"]
    assert (row.previous_target.value, str(row.previous_target.kind)) == (55.0, "explicit")
    assert (row.target.value, str(row.target.kind)) == (65.0, "explicit")
    assert row.previous_target == row.target_at(december) and row.target_at(date(2025, 11, 1)) is None


@pytest.mark.parametrize(
    ("before", "now", "n", "last_month", "rules", "news"),
    [
        (100.0, 90.0, None, "common_cause", ("shift",), True),  # a new signal: news
        (96.0, 94.0, None, "improvement", ("shift",), False),  # a routine step inside a shift: a wiggle
        (110.0, 80.0, None, "improvement", ("shift",), True),  # a jump beyond the range limit, inside it
        (100.0, 96.0, 900, "improvement", ("shift",), False),  # a survey step within its margin
        (100.0, 90.0, None, "common_cause", (), False),  # no special cause at all
        (80.0, 110.0, None, "improvement", ("shift",), False),  # a jump the wrong way: a moved target
        (110.0, 80.0, None, "common_cause", (), True),  # a jump beyond the range limit, no rule fired
    ],
)
def test_a_status_change_is_news_only_where_the_month_s_own_move_is(before, now, n, last_month, rules, news):
    """A shift fires in every month of its run: "Turned better" listed credit complaints (−3)
    under a run that had held for months, while the slide called the step usual month-to-month
    variation (a CX director's trial). A status change for the better is a signal where its KPI
    reads an improvement and the month's move is news: a new signal, or a step beyond routine
    variation (a moving range past 3.268 × its mean) and sampling (the margins)."""
    from kpi.domain import signals
    from kpi.domain.model import KpiStatus

    kpi = Kpi("WAIT", "Wait", "CS", "s", Direction.LOWER, Aggregation.MEAN, 90.0)
    limits = signals.Limits(100.0, 85.0, 115.0)  # sigma 5, mean moving range 5.64, range limit 18.4
    fired = tuple(signals.Signal(OCTOBER, signals.Rule(rule), -1) for rule in rules)
    improvement = signals.Variation.IMPROVEMENT if rules else signals.Variation.COMMON_CAUSE
    reading = signals.Reading(limits, fired, improvement, None)
    earlier = signals.Reading(limits, (), signals.Variation(last_month), None)
    margin = 3.0 if n else None
    row = month_rows.KpiRow(
        kpi,
        MonthValue("WAIT", OCTOBER, now, n=n, margin=margin),
        MonthValue("WAIT", months.add(OCTOBER, -1), before, n=n, margin=margin),
        None,
        KpiStatus.GREEN,
        KpiStatus.AMBER,
        reading=reading,
        previous_reading=earlier,
    )
    built = report.MonthReport(OCTOBER, kpis={"WAIT": row})
    [flip] = built.flips()
    assert flip.is_better and built.is_signal(flip) is news
