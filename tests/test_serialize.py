"""`status --json`: a month's report as plain data in the documented shape, and back through JSON."""

import json

import pytest

from kpi.domain.model import MonthValue
from kpi.domain.outlook import Forecast
from kpi.domain.smart import Assessment, Check, Criterion, Reason
from kpi.output import serialize
from tests import handmade
from tests.handmade import OCTOBER

KPI_KEYS = [
    "code",
    "name",
    "department",
    "unit",
    "direction",
    "value",
    "target",
    "target_kind",
    "status",
    "variation",
    "assurance",
    "limits",
    "signals",
]
GOAL_KEYS = [
    "code",
    "parent",
    "level",
    "title",
    "kpi",
    "department",
    "owner",
    "value",
    "baseline",
    "target",
    "deadline",
    "status",
    "rollup_status",
    "forecast",
    "forecast_margin",
    "green_parts_red_whole",
    "reason",
]


@pytest.fixture
def month_report():
    return handmade.month_report()


def test_the_report_has_the_documented_shape_and_survives_json(month_report):
    data = serialize.report_dict(month_report, {})
    assert data["month"] == "2026-10"
    assert [k["code"] for k in data["kpis"]] == ["NPS", "WAIT", "MAIL", "DOWN", "PAGE"]
    assert [g["code"] for g in data["goals"]] == ["S1", "T1", "O1", "S2", "O2", "O3"]  # the tree's order
    assert all(list(k)[: len(KPI_KEYS)] == KPI_KEYS for k in data["kpis"])
    assert all(list(g) == GOAL_KEYS for g in data["goals"])
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("NPS", {"value": 22, "target": 40, "status": "red", "direction": "higher", "n": 410, "margin": 4.4}),
        ("WAIT", {"value": 55, "target": 60, "status": "green", "direction": "lower"}),
        ("MAIL", {"value": 26, "status": "amber", "unit": "h"}),
        ("DOWN", {"value": None, "status": "no_data", "department": "IT"}),
    ],
)
def test_a_kpi_carries_its_value_target_and_status(month_report, code, expected):
    entry = serialize.kpi_dict(month_report.kpis[code])
    assert {key: entry[key] for key in expected} == expected
    assert ("n" in entry) is (code == "NPS")  # only survey KPIs carry answers and a margin


def test_a_survey_kpi_without_answers_says_none_were_given():
    values = [v for v in handmade.VALUES if (v.kpi, v.month) != ("NPS", OCTOBER)]
    entry = serialize.kpi_dict(handmade.month_report(values=values).kpis["NPS"])
    assert (entry["value"], entry["n"], entry["margin"]) == (None, 0, None)


@pytest.mark.parametrize(
    ("code", "forecast", "expected"),
    [
        ("S1", 31.234567, {"status": "off_track", "rollup_status": "on_track", "forecast": 31.2346}),
        ("S1", (31.2, 17.08765), {"forecast": 31.2, "forecast_margin": 17.0877}),  # a survey goal's margin
        ("S1", None, {"green_parts_red_whole": True, "forecast": None, "deadline": "2026-12-31"}),
        ("T1", 23.0, {"parent": "S1", "level": "tactical", "rollup_status": "achieved", "forecast": 23.0}),
        ("O3", None, {"status": "missed", "green_parts_red_whole": False, "deadline": "2026-06-30"}),
        ("S2", None, {"value": None, "status": "no_data", "rollup_status": "off_track"}),
    ],
)
def test_a_goal_carries_status_roll_up_forecast_and_the_mismatch_flag(month_report, code, forecast, expected):
    ahead = Forecast(*forecast) if isinstance(forecast, tuple) else Forecast(forecast)
    entry = serialize.goal_dict(month_report.goals[code], ahead)
    assert {key: entry[key] for key in expected} == expected


def test_values_are_rounded_to_four_places():
    values = [*handmade.VALUES, MonthValue("DOWN", OCTOBER, 12.3456789)]
    data = serialize.report_dict(handmade.month_report(values=values), {"S2": Forecast(1 / 3)})
    down = next(k for k in data["kpis"] if k["code"] == "DOWN")
    shop = next(g for g in data["goals"] if g["code"] == "S2")
    assert (down["value"], shop["value"], shop["forecast"]) == (12.3457, 12.3457, 0.3333)


def test_goals_carry_their_smart_check_only_when_assessments_are_given(month_report):
    failing = Assessment(
        "S1",
        {
            Criterion.SPECIFIC: Check(Criterion.SPECIFIC),
            Criterion.ACCEPTED: Check(Criterion.ACCEPTED, (Reason("no_owner"),)),
        },
    )
    plain = serialize.report_dict(month_report, {})
    checked = serialize.report_dict(month_report, {}, {"S1": failing})
    assert all("smart" not in g for g in plain["goals"])
    smart = {g["code"]: g.get("smart") for g in checked["goals"]}
    assert smart["T1"] is None
    assert smart["S1"] == {
        "specific": True,
        "measurable": False,  # not checked is not passed
        "accepted": False,
        "realistic": False,
        "time_bound": False,
        "reasons": ["Accepted: nobody owns it"],
    }


def test_a_kpi_carries_its_month_target_and_what_kind_it_is():
    from datetime import date

    from kpi.domain import month_rows, report

    explicit = month_rows.Context(targets={"WAIT": {OCTOBER: 50.0}})
    built = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES, explicit)
    wait = serialize.kpi_dict(built.kpis["WAIT"])
    assert (wait["target"], wait["target_kind"], wait["status"]) == (50.0, "explicit", "red")  # 55 s vs 50 s
    year = [MonthValue("MAIL", date(2025, m, 1), 20.0 + (m == 10) * 10) for m in range(1, 13)]
    phased = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, [*handmade.VALUES, *year])
    mail = serialize.kpi_dict(phased.kpis["MAIL"])
    assert (mail["target"], mail["target_kind"]) == (34.6, "phased")  # 24 × 30 / 20.83 = 34.56 h, as written
    nps = serialize.kpi_dict(phased.kpis["NPS"])
    assert (nps["target"], nps["target_kind"]) == (40, "annual")  # no year behind it


def test_a_kpi_carries_its_process_reading_or_nulls_when_history_is_too_short():
    from kpi.domain import months, report

    steady = [MonthValue("WAIT", months.add(OCTOBER, -i), 50.0 + (i % 2) * 4) for i in range(1, 24)]
    spike = MonthValue("WAIT", OCTOBER, 90.0)  # far above a process that swings 50 ↔ 54
    built = report.build(OCTOBER, handmade.KPIS, [], [*steady, spike])
    wait = serialize.kpi_dict(built.kpis["WAIT"])
    centre = sum(v.value for v in sorted(steady, key=lambda v: v.month)[:20]) / 20  # the first 20 months
    half_width = 2.66 * 4.0  # every moving range is 4: the textbook 2.66 × mean moving range
    assert wait["limits"]["centre"] == round(centre, 4)
    assert wait["limits"]["upper"] - centre == pytest.approx(half_width, abs=0.01)
    assert centre - wait["limits"]["lower"] == pytest.approx(half_width, abs=0.01)
    assert (wait["variation"], wait["signals"]) == ("concern", ["outside_limits"])  # a longer wait is worse
    assert wait["limits"]["lower"] < wait["target"] < wait["limits"]["upper"]
    assert wait["assurance"] == "hit_and_miss"  # the target lies inside what the process produces
    nps = serialize.kpi_dict(built.kpis["NPS"])
    assert (nps["variation"], nps["assurance"], nps["limits"], nps["signals"]) == (None, None, None, [])


def test_a_process_limit_stays_within_what_the_unit_can_reach():
    """A downtime's lower limit read −15.99 minutes in `status --json` (the charts drew it at 0)."""
    from kpi.domain import months, report

    swinging = [MonthValue("WAIT", months.add(OCTOBER, -i), 2.0 + (i % 2) * 30) for i in range(0, 24)]
    wait = serialize.kpi_dict(report.build(OCTOBER, handmade.KPIS, [], swinging).kpis["WAIT"])
    assert wait["limits"]["lower"] == 0 and wait["limits"]["upper"] > wait["limits"]["centre"] > 0
