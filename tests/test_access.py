"""Who sees what: default deny, and a scope can only narrow."""

import pytest

from kpi import access
from kpi.access import EVERYTHING, NOTHING, Scope
from kpi.model import Person, Role


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
    assert access.department_scope(scope, department) == expected


def test_scopes_are_hashable_cache_keys():
    assert len({Scope(frozenset({"CS"})), Scope(frozenset({"CS"})), EVERYTHING}) == 2
