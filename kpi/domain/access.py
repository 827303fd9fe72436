"""Who may see what: a viewer becomes a scope, and every read takes a scope.

Default deny: no viewer, an unknown role or a department head without a department gets the
empty scope, which matches nothing. A `Scope` is frozen and hashable, so it is part of every
cache key and one department's numbers can never be served to another from a cache.

Ownership wins over department: whoever owns a goal in another department reads it in full (its
KPI's values, its actions and commentary), so they can accept it and comment on it; whoever owns
an open action under a goal in another department (given by an administrator: a head gives
actions only to those who read them already, `may_give_action`) reads that goal's actions (theirs
among them: it is in their list of what they owe) and the goal in line of sight; and a goal in scope brings the
goals it serves up the tree (line of sight: the goal and its KPI's values, for its status), and
nothing else of their departments. A goal measured by another department's KPI is read with that
KPI's values, for its status, and, where the goal is of the reader's own departments, the words on
that KPI that explain them (`queries.commentary`), and nothing else of that department.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kpi.domain.model import Person, Role


@dataclass(frozen=True)
class GoalLink:
    """What reading rights need of a goal: where it sits, who owns it and what measures it."""

    code: str
    parent: str | None
    department: str | None
    owner: str | None
    kpi: str | None
    actors: frozenset[str] = frozenset()
    """Who owns an open action (planned or in progress) under the goal: their e-mail addresses."""


@dataclass(frozen=True)
class Scope:
    departments: frozenset[str] | None
    """The departments the viewer may read; None means every department."""
    goals: frozenset[str] = frozenset()
    """Goals beyond those departments: the viewer's own, and those they serve (line of sight)."""
    kpis: frozenset[str] = frozenset()
    """Beyond those departments, the KPIs that measure `goals` and the goals of `departments`:
    their values make the goals' status (`_measuring`)."""
    owned: frozenset[str] = frozenset()
    """Of `goals`, the viewer's own: their actions and commentary are read too."""
    acting: frozenset[str] = frozenset()
    """Of `goals`, those elsewhere the viewer owns an action under (and owns not): their
    actions are read, not their commentary."""
    who: str | None = None
    """The viewer's e-mail where they act under goals elsewhere (`acting`): of those goals'
    actions only their own are theirs to be told of (`attention.as_told`)."""
    partial: frozenset[str] = frozenset()
    """Goals the viewer reads some of whose sub-goals they do not (`_partial`): rolled up from
    what they read, their sub-goals' status would not be the company's, so they have none."""

    @property
    def seen_in_part(self) -> frozenset[str]:
        """The goals read without all their sub-goals, so without a roll-up (`cascade.build`):
        those beyond the departments and the `partial` ones."""
        return self.goals | self.partial

    @property
    def served(self) -> frozenset[str]:
        """The goals read only because the viewer's goals or actions serve them (line of sight)."""
        return self.goals - self.owned

    def allows(self, department: str | None) -> bool:
        if self.departments is None:
            return True
        return department is not None and department in self.departments

    def sees_goal(self, code: str, department: str | None) -> bool:
        return self.allows(department) or code in self.goals

    def sees_kpi(self, code: str, department: str | None) -> bool:
        return self.allows(department) or code in self.kpis

    def follows(self, goal: str, department: str | None) -> bool:
        """Whether the goal's actions and commentary are read: its department's, or its owner."""
        return self.allows(department) or goal in self.owned

    def reads_actions(self, goal: str, department: str | None) -> bool:
        """Whether the goal's actions are read: followed, or the viewer owns one of them."""
        return self.follows(goal, department) or goal in self.acting


OPERATOR = "operator@localhost"
"""Who the command line acts as without `--as` (whoever can open the store file has it all):
the author of its closes, reopenings and imports, named in words where a person would be."""

NOTHING = Scope(frozenset())
EVERYTHING = Scope(None)

_READ_ALL = {Role.ADMIN, Role.EXECUTIVE, Role.PRESENTER}


def scope_for(viewer: Person | None, links: Iterable[GoalLink] = ()) -> Scope:
    """The read scope of `viewer` (see product.md §5), with the goals they own elsewhere and
    those their goals serve, from the store's goal tree `links`."""
    if viewer is None:
        return NOTHING
    if viewer.role in _READ_ALL:
        return EVERYTHING
    departments = (
        frozenset({viewer.department})
        if viewer.role is Role.DEPARTMENT_HEAD and viewer.department
        else frozenset()
    )
    tree = {link.code: link for link in links}
    home = Scope(departments)
    elsewhere = {c: link for c, link in tree.items() if not home.allows(link.department)}
    owned = frozenset(c for c, link in elsewhere.items() if link.owner == viewer.email)
    acting = frozenset(c for c, link in elsewhere.items() if viewer.email in link.actors) - owned
    served: set[str] = set()
    for code, link in tree.items():
        if not (home.allows(link.department) or code in owned or code in acting):
            continue
        parent = link.parent
        while parent in tree and parent not in served and not home.allows(tree[parent].department):
            served.add(parent)
            parent = tree[parent].parent
    goals = owned | acting | served
    if not departments and not goals:
        return NOTHING
    who = viewer.email if acting else None
    read = _read(tree, goals, home)
    return Scope(departments, goals, _measuring(tree, read), owned, acting, who, _partial(tree, read))


def _read(tree: Mapping[str, GoalLink], goals: frozenset[str], home: Scope) -> frozenset[str]:
    """The goals of the tree a scope reads: `goals` and those of `home`'s departments."""
    return frozenset(code for code, link in tree.items() if code in goals or home.allows(link.department))


def _partial(tree: Mapping[str, GoalLink], read: frozenset[str]) -> frozenset[str]:
    """The goals `read` some of whose sub-goals are not: a head's goal served by another
    department's sub-goal said "On track" of its sub-goals, rolled up from hers alone, where the
    CEO's said "At risk" (a trial)."""
    return frozenset(link.parent for code, link in tree.items() if link.parent in read and code not in read)


def _measuring(tree: Mapping[str, GoalLink], read: frozenset[str]) -> frozenset[str]:
    """The KPIs that measure the goals `read`, wherever the KPI sits: the board's goal measured
    by customer service's NPS read "No data" for the board's head and on the board's page, its
    KPI being another department's."""
    return frozenset(kpi for code in read if (kpi := tree[code].kpi) is not None)


def department_scope(scope: Scope, department: str | None, links: Iterable[GoalLink]) -> Scope:
    """Narrow `scope` to one department (never widen it): the Departments page and `--department`.
    A department's page holds its own goals only, not those owned or served elsewhere, with the
    KPIs that measure them (`links`: the store's goal tree), wherever those sit."""
    if department is None:
        return scope
    if not scope.allows(department):
        return NOTHING
    home, tree = Scope(frozenset({department})), {link.code: link for link in links}
    read = _read(tree, frozenset(), home)
    kpis = _measuring(tree, read)
    # never wider than `scope`: its reader reads those KPIs already, or the narrowing leaves them out
    kpis = kpis if scope.departments is None else kpis & scope.kpis
    return Scope(home.departments, kpis=kpis, partial=_partial(tree, read))


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
    "why": frozenset(Role),
}
"""Which roles see which page in the navigation (and may open it)."""


def may_open(viewer: Person | None, page: str) -> bool:
    return viewer is not None and viewer.role in PAGES.get(page, frozenset())


def _heads(viewer: Person, department: str | None) -> bool:
    return viewer.role is Role.DEPARTMENT_HEAD and department is not None and viewer.department == department


def _answers_for(viewer: Person | None, department: str | None, owner: str | None) -> bool:
    """An administrator anywhere; the head of `department`; the `owner` of a goal, wherever it is."""
    if viewer is None:
        return False
    return (
        viewer.role is Role.ADMIN
        or _heads(viewer, department)
        or (owner is not None and owner == viewer.email)
    )


def may_comment(viewer: Person | None, department: str | None, owner: str | None = None) -> bool:
    """Admins anywhere; a department head on their department; anyone on a goal they own."""
    return _answers_for(viewer, department, owner)


def may_plan(viewer: Person | None, department: str | None, owner: str | None = None) -> bool:
    """Add and update a goal's actions: those who answer for it as for its words (`may_comment`),
    the goal's `owner` too, who owes an action for it when it falls behind (`owed.Kind.PLAN`): an
    executive and a head owning a goal elsewhere were told they owed one and had no form."""
    return _answers_for(viewer, department, owner)


def may_give_action(
    viewer: Person | None, owner: Person, department: str | None, goal_owner: str | None
) -> bool:
    """Whom `viewer` may give an action of a goal in `department`: an administrator anyone (who
    then reads the goal's actions, `Scope.acting`); a head only someone who reads them already
    (an administrator, executive or presenter, a head of that department, the goal's owner), so
    that a head's choice never shows their department's numbers to another department."""
    if viewer is None:
        return False
    if viewer.role is Role.ADMIN:
        return True
    return owner.role in _READ_ALL or _heads(owner, department) or owner.email == goal_owner


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
