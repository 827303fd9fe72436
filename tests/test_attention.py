"""What needs attention: the Overview's exception list and the numbers that still want a comment."""

from datetime import date

import pytest

from kpi.domain import attention
from kpi.domain.attention import Kind
from kpi.domain.model import Action, ActionStatus, MonthValue
from tests import handmade
from tests.handmade import OCTOBER


def test_the_list_runs_from_most_severe_to_least_and_strategic_first():
    items = attention.items(handmade.month_report(), handmade.ACTIONS)
    assert [(i.kind, i.goal, i.subject, i.level_depth, i.detail) for i in items] == [
        (Kind.MISMATCH, "S1", "Customers recommend us", 0, "green_parts_red_whole"),
        (Kind.MISSED, "O3", "Checkout fast by summer", 2, ""),
        (Kind.AT_RISK, "O2", "Pages load fast", 2, ""),
        (Kind.NO_DATA, "S2", "Minutes the shop is down", 3, "DOWN"),
        (Kind.LATE_ACTION, "O2", "Put images on a CDN", 3, "2026-09-15"),
    ]


@pytest.mark.parametrize(
    ("page_load", "expected"),
    [
        (1000, []),  # both goals on the page load achieved
        (1150, []),  # O2 on track, O3 achieved (at or under 1200 ms)
        (1360, [(Kind.MISSED, "O3"), (Kind.AT_RISK, "O2")]),
        (1500, [(Kind.MISSED, "O3"), (Kind.OFF_TRACK, "O2")]),
        (None, [(Kind.NO_DATA, "O3")]),  # no value: one item for the KPI, linked to a goal it measures
    ],
)
def test_a_goal_is_listed_by_how_far_behind_it_is(page_load, expected):
    values = [v for v in handmade.VALUES if v.kpi != "PAGE"]
    if page_load is not None:
        values.append(MonthValue("PAGE", OCTOBER, page_load))
    items = attention.items(handmade.month_report(values=values), [])
    assert [(i.kind, i.goal) for i in items if i.goal in ("O2", "O3")] == expected


@pytest.mark.parametrize(
    ("due", "status", "is_late"),
    [
        (date(2026, 10, 30), ActionStatus.PLANNED, True),  # due before the month is out
        (date(2026, 10, 31), ActionStatus.DOING, False),  # due on its last day: not late yet
        (date(2026, 9, 1), ActionStatus.DONE, False),
        (date(2026, 9, 1), ActionStatus.DROPPED, False),
        (None, ActionStatus.PLANNED, False),  # no due date, never late
    ],
)
def test_an_open_action_past_its_due_date_is_listed(due, status, is_late):
    action = Action(9, "O1", "Call back every customer", None, due, status)
    items = attention.items(handmade.month_report(), [action])
    assert any(i.kind is Kind.LATE_ACTION for i in items) is is_late


def test_an_action_of_a_goal_outside_the_report_is_not_listed():
    hidden = Action(9, "ELSEWHERE", "Someone else's work", None, date(2026, 1, 1), ActionStatus.PLANNED)
    assert [i for i in attention.items(handmade.month_report(), [hidden]) if i.kind is Kind.LATE_ACTION] == []


WANTED = [
    ("goal", "S1"),  # off track
    ("goal", "O1"),  # on track in September, achieved now
    ("goal", "O2"),  # off track in September, at risk now
    ("goal", "O3"),  # missed
    ("kpi", "NPS"),  # red
    ("kpi", "WAIT"),  # red in September, green now
    ("kpi", "PAGE"),  # red
]
"""T1 (on track both months), MAIL (amber both months), S2 and DOWN (no value now) need no word."""


@pytest.mark.parametrize(
    ("explained", "still_wanted"),
    [
        ([], WANTED),
        ([{"goal": "S1"}], WANTED[1:]),
        (
            [{"kpi": "WAIT"}, {"goal": "O3"}],
            [w for w in WANTED if w not in {("kpi", "WAIT"), ("goal", "O3")}],
        ),
        ([{"kpi": "MAIL"}], WANTED),  # a comment on a number that needs none changes nothing
        ([{"goal": code} for _, code in WANTED[:4]] + [{"kpi": code} for _, code in WANTED[4:]], []),
    ],
)
def test_red_and_flipped_numbers_want_a_comment_until_someone_writes_one(explained, still_wanted):
    comments = [handmade.comment(n, "Because", **about) for n, about in enumerate(explained)]
    assert attention.needs_commentary(handmade.month_report(), comments) == still_wanted
