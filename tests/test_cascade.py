"""Roll-up and the "green parts, red whole" warning."""

import pytest

from kpi.domain import cascade
from kpi.domain.cascade import Mismatch
from kpi.domain.model import Goal, GoalStatus, Level

A, ON, RISK, OFF, MISS, NONE = (
    GoalStatus.ACHIEVED,
    GoalStatus.ON_TRACK,
    GoalStatus.AT_RISK,
    GoalStatus.OFF_TRACK,
    GoalStatus.MISSED,
    GoalStatus.NO_DATA,
)


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([], NONE),
        ([(NONE, 1)], NONE),
        ([(A, 1), (A, 1)], A),
        ([(A, 1), (ON, 1)], ON),
        ([(ON, 1), (ON, 1), (RISK, 1)], RISK),  # 0.83 < 0.85
        ([(ON, 3), (RISK, 1)], ON),  # weights: 0.875
        ([(ON, 1), (OFF, 1)], RISK),  # 0.5
        ([(OFF, 1), (MISS, 1), (ON, 1)], OFF),
        ([(ON, 1), (NONE, 1)], ON),  # no data does not count
        ([(OFF, 1), (ON, 0)], OFF),  # weight 0 does not count
    ],
)
def test_rollup(children, expected):
    assert cascade.rollup(children) is expected


@pytest.mark.parametrize(
    ("own", "children", "expected"),
    [
        (OFF, [ON, A, ON], Mismatch.GREEN_PARTS_RED_WHOLE),
        (MISS, [A], Mismatch.GREEN_PARTS_RED_WHOLE),
        (OFF, [ON, RISK], None),  # not every part is green
        (OFF, [ON, NONE], Mismatch.GREEN_PARTS_RED_WHOLE),  # unmeasured parts are left out
        (ON, [OFF, MISS], Mismatch.RED_PARTS_GREEN_WHOLE),
        (ON, [ON], None),
        (OFF, [NONE], None),  # nothing measured below: no verdict
        (RISK, [ON], None),  # at risk is not red
    ],
)
def test_mismatch(own, children, expected):
    assert cascade.mismatch(own, children) is expected


def g(code, level, parent=None, weight=1.0):
    return Goal(code=code, level=level, title=code, kpi=None, department="X", parent=parent, weight=weight)


def test_build_nests_rolls_up_and_flags():
    goals = [
        g("S1", Level.STRATEGIC),
        g("T1", Level.TACTICAL, "S1"),
        g("T2", Level.TACTICAL, "S1"),
        g("O1", Level.OPERATIONAL, "T1"),
        g("O2", Level.OPERATIONAL, "T1"),
    ]
    statuses = {"S1": OFF, "T1": NONE, "T2": ON, "O1": ON, "O2": A}
    roots = cascade.build(goals, statuses)
    assert [r.goal.code for r in roots] == ["S1"]
    s1 = roots[0]
    t1 = s1.children[0]
    assert t1.rollup is ON and t1.effective is ON  # unmeasured T1 counts by its roll-up
    assert s1.rollup is ON
    assert s1.mismatch is Mismatch.GREEN_PARTS_RED_WHOLE
    assert [code for _, code in ((d, n.goal.code) for d, n in cascade.flatten(roots))] == [
        "S1",
        "T1",
        "O1",
        "O2",
        "T2",
    ]


def test_a_goal_whose_parent_is_out_of_scope_becomes_a_root():
    roots = cascade.build([g("O1", Level.OPERATIONAL, "T9")], {"O1": ON})
    assert [r.goal.code for r in roots] == ["O1"]


def test_codes_sort_naturally():
    goals = [g(code, Level.OPERATIONAL) for code in ("O10", "O2", "O1")]
    assert [r.goal.code for r in cascade.build(goals, {})] == ["O1", "O2", "O10"]


def owned(code, level, department):
    return Goal(code, level, code, "K", department)


@pytest.mark.parametrize(
    "goals, expected",
    [
        (
            [
                owned("S1", Level.STRATEGIC, "MGMT"),
                owned("S2", Level.STRATEGIC, "MGMT"),
                owned("S3", Level.STRATEGIC, "CS"),
            ],
            "MGMT",
        ),
        # tactical and operational goals do not make a board, however many
        (
            [owned("S1", Level.STRATEGIC, "MGMT")] + [owned(f"T{n}", Level.TACTICAL, "CS") for n in range(5)],
            "MGMT",
        ),
        ([owned("S1", Level.STRATEGIC, "MGMT"), owned("S2", Level.STRATEGIC, "IT")], "IT"),  # a tie: by code
        ([owned("T1", Level.TACTICAL, "CS")], None),
        ([], None),
    ],
)
def test_the_board_is_the_department_owning_most_strategic_goals(goals, expected):
    assert cascade.board(goals) == expected
