"""Who sees what: default deny, and a scope can only narrow."""

import pytest

from kpi.domain import access
from kpi.domain.access import EVERYTHING, NOTHING, Scope
from kpi.domain.model import Person, Role


def person(role, department=None):
    return Person("x@example.com", "X", role, department)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, NOTHING),
        (person(Role.ADMIN), EVERYTHING),
        (person(Role.EXECUTIVE), EVERYTHING),
        (person(Role.PRESENTER), EVERYTHING),
        (person(Role.DEPARTMENT_HEAD, "CS"), Scope(frozenset({"CS"}))),
        (person(Role.DEPARTMENT_HEAD, None), NOTHING),  # a head without a department sees nothing
    ],
)
def test_scope_for(viewer, expected):
    assert access.scope_for(viewer) == expected


def test_scopes_allow_only_their_departments():
    cs = Scope(frozenset({"CS"}))
    assert cs.allows("CS") and not cs.allows("IT") and not cs.allows(None)
    assert EVERYTHING.allows("IT") and EVERYTHING.allows(None)
    assert not NOTHING.allows("CS")


@pytest.mark.parametrize(
    ("scope", "department", "expected"),
    [
        (EVERYTHING, "IT", Scope(frozenset({"IT"}))),
        (Scope(frozenset({"CS"})), "CS", Scope(frozenset({"CS"}))),
        (Scope(frozenset({"CS"})), "IT", NOTHING),  # asking for more never widens
        (Scope(frozenset({"CS"})), None, Scope(frozenset({"CS"}))),
    ],
)
def test_department_scope_only_narrows(scope, department, expected):
    assert access.department_scope(scope, department, ()) == expected


def test_a_department_reads_the_kpis_that_measure_its_goals_wherever_they_sit():
    """The board's goal measured by customer service's NPS read "No data" on the board's page,
    for `--department` and for the board's head: the KPI was another department's. Its values
    are read with the goal now, and nothing else of that department."""
    links = [
        access.GoalLink("S1", None, "MGMT", "ceo@x", "NPS"),
        access.GoalLink("T1", "S1", "CS", "cs@x", "WAIT"),
        access.GoalLink("T2", "S1", "IT", "it@x", "DOWN"),
    ]
    board = access.department_scope(EVERYTHING, "MGMT", links)
    # S1's sub-goals are other departments': read without them, it has no roll-up (`partial`)
    assert board == Scope(frozenset({"MGMT"}), kpis=frozenset({"NPS"}), partial=frozenset({"S1"}))
    assert board.sees_kpi("NPS", "CS") and not board.sees_kpi("WAIT", "CS")
    head = access.scope_for(Person("b@x", "B", Role.DEPARTMENT_HEAD, "MGMT"), links)
    assert head.kpis == frozenset({"NPS"}) and not head.allows("CS")
    cs = access.scope_for(CS_HEAD, links)  # her goal serves the board's: line of sight, as before
    assert cs.kpis == frozenset({"NPS", "WAIT"}) and cs.served == frozenset({"S1"})
    assert access.department_scope(cs, "IT", links) == NOTHING
    assert access.department_scope(cs, "CS", links).kpis <= cs.kpis  # never wider than her own


def test_a_goal_read_without_some_of_its_sub_goals_gets_no_roll_up():
    """The service desk's goal T1 served by IT's sub-goal O9: its head's cascade said "On track"
    of T1's sub-goals, rolled up from hers alone, where the CEO's said "At risk" (a trial)."""
    from kpi.domain import cascade
    from kpi.domain.model import Goal, GoalStatus, Level

    links = [
        access.GoalLink("T1", None, "CS", "cs@x", "WAIT"),
        access.GoalLink("O1", "T1", "CS", "cs@x", "MAIL"),
        access.GoalLink("O9", "T1", "IT", "it@x", "DOWN"),
    ]
    head = access.scope_for(CS_HEAD, links)
    assert head.partial == frozenset({"T1"})
    assert access.department_scope(EVERYTHING, "CS", links).partial == frozenset({"T1"})
    assert access.scope_for(ADMIN, links).partial == frozenset()  # the whole tree: nothing missing
    goals = [
        Goal("T1", Level.TACTICAL, "Short waits", "WAIT", "CS"),
        Goal("O1", Level.OPERATIONAL, "Mail in a day", "MAIL", "CS", parent="T1"),
    ]
    statuses = {"T1": GoalStatus.ON_TRACK, "O1": GoalStatus.ON_TRACK}
    [whole] = cascade.build(goals, statuses)
    [hers] = cascade.build(goals, statuses, head.partial)
    assert (whole.partial, hers.partial) == (False, True) and whole.rollup is GoalStatus.ON_TRACK
    assert hers.rollup is GoalStatus.NO_DATA  # said as none: no status of its sub-goals


def test_scopes_are_hashable_cache_keys():
    assert len({Scope(frozenset({"CS"})), Scope(frozenset({"CS"})), EVERYTHING}) == 2


ADMIN = Person("admin@x", "A", Role.ADMIN)
EXEC = Person("ceo@x", "C", Role.EXECUTIVE, "MGMT")
PRESENTER = Person("p@x", "P", Role.PRESENTER)
CS_HEAD = Person("cs@x", "H", Role.DEPARTMENT_HEAD, "CS")


@pytest.mark.parametrize(
    ("viewer", "department", "owner", "expected"),
    [
        (ADMIN, "IT", None, True),
        (CS_HEAD, "CS", None, True),
        (CS_HEAD, "IT", None, False),
        (CS_HEAD, "IT", "cs@x", True),  # anyone comments on a goal they own
        (EXEC, "CS", None, False),  # executives read
        (PRESENTER, "CS", None, False),
        (None, "CS", None, False),
    ],
)
def test_may_comment(viewer, department, owner, expected):
    assert access.may_comment(viewer, department, owner) is expected


@pytest.mark.parametrize(
    ("viewer", "department", "expected"),
    [
        (ADMIN, "IT", True),
        (CS_HEAD, "CS", True),
        (CS_HEAD, "IT", False),
        (EXEC, "CS", False),
        (None, "CS", False),
    ],
)
def test_may_plan(viewer, department, expected):
    assert access.may_plan(viewer, department) is expected


@pytest.mark.parametrize("viewer", [EXEC, CS_HEAD])
def test_the_owner_of_a_goal_may_plan_its_actions_wherever_it_stands(viewer):
    """The goal's owner owes an action for it when it falls behind (`owed.Kind.PLAN`): an
    executive, and a head owning a goal in another department, were told so with no form."""
    assert access.may_plan(viewer, "IT", owner=viewer.email)
    assert not access.may_plan(viewer, "IT", owner="someone.else@example.com")


@pytest.mark.parametrize(
    ("viewer", "owner", "expected"),
    [
        (CS_HEAD, "cs@x", True),
        (CS_HEAD, "other@x", False),
        (ADMIN, "other@x", True),
        (EXEC, "cs@x", False),
        (CS_HEAD, None, False),
    ],
)
def test_may_accept(viewer, owner, expected):
    assert access.may_accept(viewer, owner) is expected


def test_only_admins_define():
    assert access.may_define(ADMIN)
    assert not any(access.may_define(v) for v in (EXEC, PRESENTER, CS_HEAD, None))


def test_pages_by_role():
    assert access.may_open(CS_HEAD, "departments") and access.may_open(EXEC, "overview")
    assert not access.may_open(None, "overview")
    assert not access.may_open(ADMIN, "no_such_page")
