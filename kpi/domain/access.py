"""Who may see what: a viewer becomes a scope, and every read takes a scope.

Default deny: no viewer, an unknown role or a department head without a department gets the
empty scope, which matches nothing. A `Scope` is frozen and hashable, so it is part of every
cache key and one department's numbers can never be served to another from a cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.domain.model import Person, Role


@dataclass(frozen=True)
class Scope:
    departments: frozenset[str] | None
    """The departments the viewer may read; None means every department."""

    def allows(self, department: str | None) -> bool:
        if self.departments is None:
            return True
        return department is not None and department in self.departments


NOTHING = Scope(frozenset())
EVERYTHING = Scope(None)

_READ_ALL = {Role.ADMIN, Role.EXECUTIVE, Role.PRESENTER}


def scope_for(viewer: Person | None) -> Scope:
    """The read scope of `viewer` (see product.md §5)."""
    if viewer is None:
        return NOTHING
    if viewer.role in _READ_ALL:
        return EVERYTHING
    if viewer.role is Role.DEPARTMENT_HEAD and viewer.department:
        return Scope(frozenset({viewer.department}))
    return NOTHING


def department_scope(scope: Scope, department: str | None) -> Scope:
    """Narrow `scope` to one department (never widen it): the Departments page and `--department`."""
    if department is None:
        return scope
    return Scope(frozenset({department})) if scope.allows(department) else NOTHING


# --- what a viewer may do ---------------------------------------------------------------------
# The store's write functions check these again (kpi.store.edits), so a page that forgot to hide
# a button still cannot write.

PAGES: dict[str, frozenset[Role]] = {
    "overview": frozenset(Role),
    "goal_cascade": frozenset(Role),
    "departments": frozenset(Role),
    "smart_goals": frozenset(Role),
    "data": frozenset({Role.ADMIN}),
    "present": frozenset(Role),
}
"""Which roles see which page in the navigation (and may open it)."""


def may_open(viewer: Person | None, page: str) -> bool:
    return viewer is not None and viewer.role in PAGES.get(page, frozenset())


def _heads(viewer: Person, department: str | None) -> bool:
    return viewer.role is Role.DEPARTMENT_HEAD and department is not None and viewer.department == department


def may_comment(viewer: Person | None, department: str | None, owner: str | None = None) -> bool:
    """Admins anywhere; a department head on their department; anyone on a goal they own."""
    if viewer is None:
        return False
    return (
        viewer.role is Role.ADMIN
        or _heads(viewer, department)
        or (owner is not None and owner == viewer.email)
    )


def may_plan(viewer: Person | None, department: str | None) -> bool:
    """Add and update actions: admins, and the head of the goal's department."""
    return viewer is not None and (viewer.role is Role.ADMIN or _heads(viewer, department))


def may_accept(viewer: Person | None, owner: str | None) -> bool:
    """Accept a goal: its owner, or an admin on the owner's behalf."""
    return viewer is not None and (viewer.role is Role.ADMIN or (owner is not None and owner == viewer.email))


def may_define(viewer: Person | None) -> bool:
    """Change definitions, targets and data: admins only."""
    return viewer is not None and viewer.role is Role.ADMIN


def may_administer(viewer: Person | None) -> bool:
    """Create, change, retire and restore departments and people (who may sign in, with which
    role): admins only, since a role decides what a person reads."""
    return viewer is not None and viewer.role is Role.ADMIN
