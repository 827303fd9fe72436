"""The meeting deck as data: which slides there are, in which order, and what each line says."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from kpi.domain import attention, report
from kpi.domain.model import ActionStatus, Aggregation, Direction, GoalStatus, Kpi, MonthValue
from kpi.output import deck
from kpi.text import fmt, phrases
from kpi.text.i18n import t
from tests import handmade
from tests.handmade import OCTOBER, SEPTEMBER

COMPANY = "Shop A/S"


def build(*, comments=(), revised=None, closed_at=None, kpis=None, values=None, actions=None):
    kpis = handmade.KPIS if kpis is None else kpis
    values = handmade.VALUES if values is None else values
    month_report = report.build(OCTOBER, kpis, handmade.GOALS, values)
    meeting = deck.Meeting(month_report, list(comments), values, revised or {}, closed_at)
    actions = handmade.ACTIONS if actions is None else actions
    return deck.build(meeting, COMPANY, handmade.DEPARTMENTS, actions, handmade.OWNERS)


def test_the_slides_follow_the_meeting_s_order():
    assert [(s.kind, s.title) for s in build()] == [
        ("title", "Customer experience — October 2026"),
        ("status", "Strategic goals"),
        ("goal", "Customers recommend us"),
        ("goal", "The shop stays up"),
        ("exceptions", "Needs attention"),
        ("department", "Board"),
        ("department", "Service desk"),
        ("department", "Platform team"),  # Campaigns has no KPI, so no slide
        ("actions", "Actions due"),
    ]


@pytest.mark.parametrize(
    ("closed_at", "note"),
    [
        (None, "Live numbers: this month is not closed yet and may still change."),
        (datetime(2026, 11, 3, 9, 0), "Numbers as closed for the meeting."),
    ],
)
def test_the_title_slide_says_whether_the_numbers_are_closed(closed_at, note):
    title = build(closed_at=closed_at)[0]
    assert (title.subtitle, title.notes) == (COMPANY, (note,))


def test_the_status_slide_has_one_line_per_strategic_goal():
    status = build()[1]
    line = status.lines[0]
    assert [ln.label for ln in status.lines] == ["Customers recommend us", "The shop stays up"]
    assert (line.value, line.target, line.status) == (
        fmt.value(22, "nps"),
        fmt.value(40, "nps"),
        GoalStatus.OFF_TRACK,
    )
    assert line.note.startswith("Green parts, red whole · ")


def test_a_goal_slide_shows_its_sub_goals_its_trend_and_what_was_said():
    comments = [
        handmade.comment(1, "Prices went up in October", goal="S1"),
        handmade.comment(2, "Rota", kpi="WAIT"),
    ]
    slide = build(comments=comments)[2]
    assert (slide.status, slide.big) == (GoalStatus.OFF_TRACK, fmt.value(22, "nps"))
    assert [ln.label for ln in slide.lines] == ["E-mails answered within a day"]
    assert slide.chart == deck.Series("Recommend score", "nps", ((date(2026, 9, 1), 25), (OCTOBER, 22)), 40)
    assert slide.notes == ("Prices went up in October",)


def revised_note(before, after, unit):
    return t("deck.revised", before=fmt.value(before, unit), after=fmt.value(after, unit))


@pytest.mark.parametrize(
    ("revised", "goal_note", "department_note"),
    [
        ({}, None, phrases.change(-15, "s", Direction.LOWER, SEPTEMBER)),
        ({"WAIT": (55.0, 58.0)}, None, revised_note(55, 58, "s")),
        (
            {"NPS": (22.0, 30.0)},
            revised_note(22, 30, "nps"),
            phrases.change(-15, "s", Direction.LOWER, SEPTEMBER),
        ),
    ],
)
def test_a_value_revised_after_the_close_is_said_where_the_number_stands(revised, goal_note, department_note):
    slides = build(revised=revised)
    goal = next(s for s in slides if s.title == "Customers recommend us")
    service = next(s for s in slides if s.title == "Service desk")
    assert (goal.notes[-1] if goal.notes else None) == goal_note
    assert service.lines[0].note == department_note
    assert goal_note is None or goal_note.startswith("Revised after close: ")


def test_the_exceptions_slide_shows_the_one_exception_list_in_its_order():
    exceptions = next(s for s in build() if s.kind == "exceptions")
    month_report = report.build(OCTOBER, handmade.KPIS, handmade.GOALS, handmade.VALUES)
    expected = attention.items(month_report, handmade.ACTIONS, [])
    assert len(exceptions.lines) == len(expected)
    for line, item in zip(exceptions.lines, expected, strict=True):
        assert line.label == item.subject and line.flag and line.flag.kind == item.kind
    assert [(ln.label, ln.flag) for ln in exceptions.lines[:4]] == [
        ("Customers recommend us", deck.Flag("mismatch", "Green parts, red whole")),
        ("Checkout fast by summer", deck.Flag("missed", "Goal missed")),
        ("Page load time", deck.Flag("red_kpi", "Off target")),
        ("Recommend score", deck.Flag("red_kpi", "Off target")),
    ]
    late = exceptions.lines[-2]
    assert (late.label, late.flag, late.target) == (
        "Put images on a CDN",
        deck.Flag("late_action", "Action overdue"),
        f"due {fmt.day(date(2026, 9, 15))}",
    )
    assert late.note == f"owner: Ina Tang · since {fmt.month(SEPTEMBER)} · not explained yet"
    red = exceptions.lines[3]
    assert (red.value, red.target) == (fmt.value(22, "nps"), fmt.value(40, "nps"))


def test_a_long_department_goes_on_as_many_slides_as_it_needs_and_its_comments_once():
    extra = [
        Kpi(f"CS{n}", f"Service measure {n}", "CS", "%", Direction.HIGHER, Aggregation.MEAN, target=90)
        for n in range(deck.LINES_PER_SLIDE)
    ]
    slides = build(kpis=handmade.KPIS + extra, comments=[handmade.comment(1, "Busy month", kpi="WAIT")])
    service = [s for s in slides if s.kind == "department" and s.title.startswith("Service desk")]
    assert [s.title for s in service] == ["Service desk", "Service desk (continued)"]
    assert [len(s.lines) for s in service] == [deck.LINES_PER_SLIDE, 2]
    assert [s.notes for s in service] == [("Busy month",), ()]


@pytest.mark.parametrize(
    ("due", "status", "listed", "note"),
    [
        (date(2026, 9, 15), ActionStatus.PLANNED, True, "Planned · overdue"),
        (date(2026, 12, 31), ActionStatus.DOING, True, "In progress"),  # the horizon: two months ahead
        (date(2027, 1, 1), ActionStatus.PLANNED, False, None),
        (date(2026, 10, 20), ActionStatus.DONE, False, None),
        (None, ActionStatus.PLANNED, False, None),
    ],
)
def test_the_actions_slide_holds_open_actions_due_within_two_months(due, status, listed, note):
    action = replace(handmade.ACTIONS[0], due=due, status=status)
    actions = next(s for s in build(actions=[action]) if s.kind == "actions")
    assert [(ln.label, ln.value, ln.note) for ln in actions.lines] == (
        [("Put images on a CDN", "Ina Tang", note)] if listed else []
    )


def test_a_month_with_no_values_still_makes_every_slide():
    slides = build(values=[MonthValue("NPS", date(2025, 1, 1), 10)], actions=[])
    assert [s.kind for s in slides][:2] == ["title", "status"]
    assert {ln.status for ln in slides[1].lines} == {GoalStatus.NO_DATA}
    assert next(s for s in slides if s.kind == "actions").lines == ()
