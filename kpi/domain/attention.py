"""What needs attention this month: the one exception list, and the numbers owed a comment.

Pure: built once from a month report, the service priorities' compliance, the actions and the
month's commentary. The Overview, the Present attention slide, the packs and `status --json`
all show this list, so they can never disagree. Every item says what it is about, its value and
target, who owns it, since when it has been so, whether it has been explained this month, and
the goal or department to open. Most severe first: nothing that is red anywhere is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from kpi.domain import company_events, months, priorities, signals, status
from kpi.domain.access import Scope
from kpi.domain.company_events import CompanyEvent
from kpi.domain.model import (
    Action,
    Commentary,
    Direction,
    EventMeasure,
    EventMonth,
    GoalStatus,
    Kpi,
    KpiStatus,
    ServicePriority,
)
from kpi.domain.month_rows import GoalRow, KpiRow, history_start
from kpi.domain.outlook import overdue
from kpi.domain.priorities import Compliance
from kpi.domain.report import Flip, MonthReport


class Kind(StrEnum):
    """The kinds of exception, most severe first."""

    BROKEN_PRIORITY = "broken_priority"
    RED_KPI = "red_kpi"
    MISSED = "missed"
    OFF_TRACK = "off_track"
    MISMATCH = "mismatch"
    LATE = "late"
    """A KPI whose value for the month is overdue (`lateness`): below everything red, since a
    missing number is no evidence of harm to customers; above the signals and goals at risk, since
    the month cannot be read on that KPI at all until the number is in (`detail`: days late)."""
    CONCERN = "concern"
    AT_RISK = "at_risk"
    LATE_ACTION = "late_action"
    NO_DATA = "no_data"
    COMMENTARY_OWED = "commentary_owed"


_BEHIND = {
    GoalStatus.MISSED: Kind.MISSED,
    GoalStatus.OFF_TRACK: Kind.OFF_TRACK,
    GoalStatus.AT_RISK: Kind.AT_RISK,
}
BEHIND_KINDS = frozenset(_BEHIND.values())
RED_KINDS = frozenset({Kind.BROKEN_PRIORITY, Kind.RED_KPI, Kind.MISSED, Kind.OFF_TRACK, Kind.MISMATCH})
"""Kinds that are red wherever they show."""
PLANNED_KINDS = RED_KINDS | {Kind.CONCERN, Kind.AT_RISK}
"""Kinds that call for something to be done, so each says what is (`Item.plan`): not a late
value or action, nor a number that owes only its owner's word."""
_ORDER = list(Kind)
_KPI_DEPTH = 3
"""KPIs, actions and values sort after the goals of the same kind (strategic 0 … operational 2)."""


SHOWN = 12
"""Items a list shows first, the most severe: the Overview's before its fold, a pack's in the
meeting's flow (the rest follow at its end)."""


@dataclass(frozen=True)
class Item:
    kind: Kind
    code: str
    """What the item is about: a KPI, goal or service priority code, or an action's id."""
    subject: str
    """Its name in the reader's language: a KPI name, goal title, priority text or action title."""
    goal: str | None = None
    """The goal to open in the cascade (None when no goal measures it)."""
    department: str | None = None
    """The department to open when there is no goal."""
    value: float | None = None
    target: float | None = None
    unit: str = ""
    owner: str | None = None
    """E-mail of who owns it: the goal's owner, the action's, else the KPI's (`kpi_owners`)."""
    since: date | None = None
    """The first month of the run of months it has been so (None where the cockpit keeps no
    such history: a roll-up's mismatch)."""
    commented: bool | None = False
    """Whether it was explained this month; None where the reader does not read its commentary
    (a goal they see only because theirs serve it): "not yet explained" would not be true; and
    None on a value not in (late, or not yet), which owes its number, not a word ("No value …
    · no comment this month")."""
    level_depth: int = _KPI_DEPTH
    detail: str = ""
    """A kind-specific extra: the mismatch kind, the action's due date (ISO), the signal rules,
    a KPI's new signal that owes a comment (`improvement`: "Only a comment owed" on a KPI on
    target said no why)."""
    measures: int | None = None
    """A KPI's item: the depth of the most strategic goal the KPI measures (None: none). A red
    KPI sorts right after the goals of that level: the CEO's own NPS, off target, stood below
    the fold under a chat queue's wait."""
    events: EventMeasure | None = None
    """A broken priority judged over call records: what it promised (then `value` and `target`
    are the share met and the share needed, in %)."""
    event: EventMonth | None = None
    """… and the month's counts and worst day."""
    during: tuple[CompanyEvent, ...] = ()
    """Company events bearing on its KPI that touch the month: what the item may be due to
    ("during IT incident: payment platform outage (Sep 2026)")."""
    deadline: date | None = None
    """A goal's deadline: its target is the value to reach by then (two goals on one KPI with one
    target read as two verdicts on one number until their deadlines were said)."""
    kpi: str | None = None
    """The KPI whose number the item is about (a goal's, a service priority's, its own), or None
    (an action, a goal without a KPI): the items on one number are told as one (`by_measure`)."""
    also: tuple[Item, ...] = ()
    """The month's other items on the same number, most severe first (`by_measure`): a goal off
    track, its KPI off target and the service priority on it are one thing to act on."""

    owed: bool = False
    """Whether its number still owes its owner's word this month (`needs_commentary`): "not
    explained yet" where a comment is owed, "no comment this month" where none is (a goal off
    track since October read "not explained yet" while its owner's mail said every number that
    needed her comment had one)."""
    plan_late: frozenset[int] = frozenset()
    """The ids of `plan`'s actions overdue (`outlook.overdue`): "action: Map the hand-offs (due
    31 Oct 2026)" read as in hand a month after its date (a presenter's trial)."""
    plan: tuple[Action, ...] | None = None
    """What is being done about it (`PLANNED_KINDS`): the open actions on its number, on its goal,
    on a goal its KPI measures or aimed at its KPI, the soonest due first; () for none ("no action
    yet": a CEO read who owns each broken promise, but not whether anyone acts on it); None for
    kinds that ask for none."""
    direction: Direction | None = None
    """Its KPI's good direction (None without a KPI): its value is written as its target is
    where it meets it (`fmt.beside`), on the list as on the cards."""
    since_or_earlier: bool = False
    """Whether the run of `since` reaches back as far as the cockpit looked (the report's history,
    a priority's window), so it may have begun earlier: three promises broken since 2023 read
    "since Dec 2025", the window's first month, and a CEO asked what happened then."""

    def every(self) -> tuple[Item, ...]:
        """The item and the items told with it."""
        return (self, *self.also)


@dataclass(frozen=True)
class _Facts:
    report: MonthReport
    explained: frozenset[tuple[str, str]]
    kpi_goal: Mapping[str, GoalRow]
    """The most strategic goal measured by each KPI."""
    kpi_owner: Mapping[str, str | None]
    """Who owns each KPI's number (`kpi_owners`)."""
    events: Sequence[CompanyEvent] = ()

    def during(self, kpi: str, department: str | None) -> tuple[CompanyEvent, ...]:
        return company_events.during(self.events, kpi, department, self.report.month)

    def looked_back_to(self, since: date | None) -> bool:
        """Whether a run that began in `since` began where the report's history does: it may be
        older (`month_rows.history_start`)."""
        return since is not None and since <= history_start(self.report.month)

    def kpi_item(self, kind: Kind, row: KpiRow, since: date | None, detail: str = "") -> Item:
        code, goal = row.kpi.code, self.kpi_goal.get(row.kpi.code)
        return Item(
            kind,
            code,
            row.kpi.name,
            goal.goal.code if goal else None,
            row.kpi.department,
            row.value.value if row.value else None,
            row.target.value if row.target else None,
            row.kpi.unit,
            self.kpi_owner.get(code),
            since,
            ("kpi", code) in self.explained,
            detail=detail,
            during=self.during(code, row.kpi.department),
            kpi=code,
            since_or_earlier=self.looked_back_to(since),
            direction=row.kpi.direction,
            measures=goal.goal.level.depth if goal else None,
        )

    def goal_item(self, kind: Kind, row: GoalRow, since: date | None, detail: str = "") -> Item:
        g = row.goal
        series = self.report.kpis[row.kpi.code].series if row.kpi and row.kpi.code in self.report.kpis else {}
        if since is None and kind is not Kind.MISMATCH:
            since = row.since(self.report.month, series)
        return Item(
            kind,
            g.code,
            g.title,
            g.code,
            g.department,
            row.value.value if row.value else None,
            g.target,
            row.kpi.unit if row.kpi else "",
            g.owner,
            since,
            ("goal", g.code) in self.explained
            or (row.kpi is not None and ("kpi", row.kpi.code) in self.explained),
            g.level.depth,
            detail,
            during=self.during(row.kpi.code, row.kpi.department) if row.kpi else (),
            deadline=g.deadline,
            kpi=row.kpi.code if row.kpi else None,
            since_or_earlier=self.looked_back_to(since),
            direction=row.kpi.direction if row.kpi else None,
        )


def _explained(
    report: MonthReport, comments: Sequence[Commentary], owners: Mapping[str, str | None]
) -> frozenset[tuple[str, str]]:
    """The numbers explained this month: those commented on, and a KPI whose owner's goal on it
    was (`owners`: `kpi_owners`, the same person, the same number). Jonas's word on his goal
    "Customers find us effortless" stood on its tile while the line below it said its Customer
    Effort Score, his too, was "not explained yet"."""
    month = report.month
    found = {("kpi", c.kpi) for c in comments if c.kpi and c.month == month}
    found |= {("goal", c.goal) for c in comments if c.goal and c.month == month}
    for row in report.goals.values():
        kpi = row.kpi.code if row.kpi else None
        if kpi and ("goal", row.goal.code) in found and row.goal.owner and owners.get(kpi) == row.goal.owner:
            found.add(("kpi", kpi))
    return frozenset(found)


def _strategic_first(report: MonthReport) -> list[GoalRow]:
    """The report's goals, the most strategic first (then by code)."""
    return sorted(report.goals.values(), key=lambda r: (r.goal.level.depth, r.goal.code))


def kpi_goals(report: MonthReport) -> dict[str, GoalRow]:
    """The most strategic goal measured by each KPI of the report: the goal its items open."""
    out: dict[str, GoalRow] = {}
    for row in _strategic_first(report):
        if row.kpi is not None:
            out.setdefault(row.kpi.code, row)
    return out


def kpi_owners(report: MonthReport) -> dict[str, str | None]:
    """Who owns each KPI's number: the owner of the most strategic goal on it in the KPI's own
    department (None: nobody, so its department's head, `as_told`). The KPI's department, not
    the whole tree: a board goal measured by customer service's NPS made the CEO's owner of the
    NPS item, and customer service's head its owner where her department was read alone; the
    board goal's own item keeps its owner. The same whoever reads the KPI, and for what needs
    attention and who owes what alike."""
    return {code: row.goal.owner for code, row in home_goals(report).items()}


def home_goals(report: MonthReport) -> dict[str, GoalRow]:
    """The most strategic goal measured by each KPI of the report in the KPI's own department:
    its owner owns the number (`kpi_owners`), and plans for it there (`unplanned_priorities`)."""
    out: dict[str, GoalRow] = {}
    for row in _strategic_first(report):
        if row.kpi is not None and row.goal.department == row.kpi.department:
            out.setdefault(row.kpi.code, row)
    return out


def items(
    report: MonthReport,
    actions: Sequence[Action],
    comments: Sequence[Commentary] = (),
    compliance: Sequence[Compliance] = (),
    late: Mapping[str, int] | None = None,
    events: Sequence[CompanyEvent] = (),
    today: date | None = None,
) -> list[Item]:
    """Every exception of the month, most severe first (`_severity`); `late` is `kpi code → days
    late` (`lateness.late_kpis`) of the KPIs whose missing value is overdue; `events` the company
    events in scope, so an item in a month an event touches names it (`Item.during`); the
    actions overdue as read on `today` (`outlook.overdue`: after the month when not given)."""
    owners = kpi_owners(report)
    facts = _Facts(report, _explained(report, comments, owners), kpi_goals(report), owners, events)
    out = _priority_items(facts, compliance) + _kpi_items(facts, late or {}) + _goal_items(facts)
    out += _action_items(facts, actions, today)
    listed = {(i.kind, i.code) for i in out}
    owing = _still_owed(report, facts.explained)
    for kind, code in owing:
        if kind == "kpi" and not any(k in listed for k in ((Kind.RED_KPI, code), (Kind.CONCERN, code))):
            row = report.kpis[code]  # why: its new signal, most often a better month than usual
            signal = str(row.new_signal) if row.new_signal is not None else ""
            out.append(facts.kpi_item(Kind.COMMENTARY_OWED, row, report.month, signal))
        elif kind == "goal" and not any((k, code) in listed for k in (*BEHIND_KINDS, Kind.MISMATCH)):
            out.append(facts.goal_item(Kind.COMMENTARY_OWED, report.goals[code], report.month))
    owed = frozenset(owing)
    planned = _Plans(report, actions)
    behind = frozenset(a.id for a in overdue(actions, report.month, today))
    out = [_planned(i, planned.of(i), behind) if i.kind in PLANNED_KINDS else i for i in out]
    return sorted((replace(i, owed=True) if _owes(i, owed) else i for i in out), key=_severity)


def _planned(item: Item, plan: tuple[Action, ...], late: frozenset[int]) -> Item:
    return replace(item, plan=plan, plan_late=frozenset(a.id for a in plan if a.id in late))


class _Plans:
    """The open actions by the goal they serve and the KPI they aim at, to tell an item's plan."""

    def __init__(self, report: MonthReport, actions: Sequence[Action]) -> None:
        self.by_goal: dict[str, list[Action]] = {}
        self.by_kpi: dict[str, list[Action]] = {}
        for action in actions:
            if action.status.is_open:
                self.by_goal.setdefault(action.goal, []).append(action)
                if action.kpi is not None:
                    self.by_kpi.setdefault(action.kpi, []).append(action)
        self.goals_of: dict[str, list[str]] = {}
        for code, row in report.goals.items():
            if row.kpi is not None:
                self.goals_of.setdefault(row.kpi.code, []).append(code)

    def of(self, item: Item) -> tuple[Action, ...]:
        """A goal's own actions, a KPI's or a promise's those of every goal on its number, and
        theirs all the actions aimed at their KPI: a goal named the action of another goal on its
        KPI as its own (a presenter's trial)."""
        goals = [item.goal] if item.goal else []
        if item.kpi is not None and about(item) != "goal":
            goals += self.goals_of.get(item.kpi, [])
        return self._actions(goals, item.kpi)

    def of_goal(self, goal: str, kpi: str | None) -> tuple[Action, ...]:
        """A goal's plan as its own item tells it (`of`): its actions and those aimed at its KPI."""
        return self._actions([goal], kpi)

    def _actions(self, goals: Sequence[str], kpi: str | None) -> tuple[Action, ...]:
        found = {a.id: a for goal in goals for a in self.by_goal.get(goal, [])}
        found |= {a.id: a for a in self.by_kpi.get(kpi or "", [])}
        return tuple(sorted(found.values(), key=lambda a: (a.due or date.max, a.id)))


def unplanned(report: MonthReport, actions: Sequence[Action]) -> list[str]:
    """The goals off track or missed this month (`GoalStatus.is_red`: they need an explanation
    and a plan) with no open action on them or aimed at their KPI: those the attention list tells
    "no action yet" of. Their owner owes one (`kpi.domain.owed`): a strategic goal off track with
    neither action nor word owed nobody anything (a CEO's trial). Of the `actions` the reader
    reads, as the attention list tells them: an action of another department's goal aimed at
    this goal's KPI, which a department head does not read, is no plan they can see."""
    plans = _Plans(report, actions)
    return [
        code
        for code, row in report.goals.items()
        if row.status.is_red
        and row.goal.retired_at is None
        and not plans.of_goal(code, row.kpi.code if row.kpi is not None else None)
    ]


def unplanned_priorities(
    report: MonthReport, actions: Sequence[Action], kept: Sequence[Compliance]
) -> list[tuple[ServicePriority, str]]:
    """The service priorities broken this month (`kept`: `compliance`) whose number has no plan
    as their attention item tells it (no open action on a goal of their KPI, nor aimed at it),
    one per KPI, each with the goal an action for it goes under: the most strategic on its KPI
    in the KPI's own department, whose owner owns the number (`kpi_owners`) and may plan there,
    else the most strategic anywhere. A priority whose KPI measures no goal has none (an action
    serves a goal), and one whose KPI has a goal that owes a plan already (`unplanned`) owes no
    second. Its number's owner owes one (`kpi.domain.owed`): two promises to customers broken
    for twelve months, "no action yet", asked nobody for one (a CEO's trial)."""
    plans, owing = _Plans(report, actions), set(unplanned(report, actions))
    homes = {code: row.goal.code for code, row in (kpi_goals(report) | home_goals(report)).items()}
    out: dict[str, tuple[ServicePriority, str]] = {}
    for result in kept:
        kpi = result.priority.kpi
        goals = plans.goals_of.get(kpi, [])
        if result.is_met_now is not False or kpi not in homes or kpi in out or owing & set(goals):
            continue
        if not plans._actions(goals, kpi):
            out[kpi] = (result.priority, homes[kpi])
    return list(out.values())


def wanting_a_plan(
    report: MonthReport, actions: Sequence[Action], priorities: Sequence[ServicePriority]
) -> list[str]:
    """The goals an action is owed under (`unplanned`, then the goals of `priorities` broken
    without a plan, `unplanned_priorities`), each once: the action form lists them first."""
    found = unplanned(report, actions)
    found += [goal for _, goal in unplanned_priorities(report, actions, compliance(report, priorities))]
    return list(dict.fromkeys(found))


def _owes(item: Item, owing: frozenset[tuple[str, str]]) -> bool:
    """Whether the item's number still owes a comment (`owing`: `needs_commentary`): a service
    priority's is its KPI's, as its KPI's words explain it; an action owes none."""
    what = about(item)
    if what == "priority":
        return item.kpi is not None and ("kpi", item.kpi) in owing
    return what in ("kpi", "goal") and (what, item.code) in owing


def _severity(item: Item) -> tuple[int, float, int, float, str]:
    """Red first (a broken promise to customers, then strategic before operational, a goal's KPI
    right after the goals of its level, then KPIs measuring no goal), then the rest by kind;
    within a kind the furthest from its target first (by its share of the target), then by code.
    Never by name: a name is the reader's language, and the items before the fold differed
    between English and Danish."""
    red = item.kind in RED_KINDS
    depth: float = -1 if item.kind is Kind.BROKEN_PRIORITY else item.level_depth
    if item.measures is not None and item.level_depth == _KPI_DEPTH:
        depth = item.measures + 0.5
    return (0 if red else 1, depth if red else 0, _ORDER.index(item.kind), -_distance(item), item.code)


def _distance(item: Item) -> float:
    """How far the item's value lies from its target, as a share of the target (0 without both)."""
    if item.value is None or item.target is None:
        return 0.0
    gap = abs(item.value - item.target)
    return gap / abs(item.target) if item.target else gap


def _priority_items(facts: _Facts, compliance: Sequence[Compliance]) -> list[Item]:
    out = []
    for result in compliance:
        row = facts.report.kpis.get(result.priority.kpi)
        if result.is_met_now is not False or row is None:
            continue
        goal = facts.kpi_goal.get(row.kpi.code)
        events = result.priority.events if result.event is not None else None
        value, target, unit = result.value, result.priority.threshold, row.kpi.unit
        if result.event is not None and events is not None:  # judged over call records
            value, target, unit = result.event.share, events.share, "%"
        comparison = ">=" if events is not None else result.priority.comparison  # a share met, at least
        out.append(
            Item(
                Kind.BROKEN_PRIORITY,
                result.priority.code,
                result.priority.text,
                goal.goal.code if goal else None,
                row.kpi.department,
                value,
                target,
                unit,
                facts.kpi_owner.get(row.kpi.code),
                months.add(facts.report.month, 1 - result.broken_run),
                ("kpi", row.kpi.code) in facts.explained,
                since_or_earlier=result.broken_throughout,
                direction=Direction.HIGHER if comparison == ">=" else Direction.LOWER,
                detail=comparison,
                events=events,
                event=result.event,
                during=facts.during(row.kpi.code, row.kpi.department),
                kpi=row.kpi.code,
            )
        )
    return out


def _kpi_items(facts: _Facts, late: Mapping[str, int]) -> list[Item]:
    month, out = facts.report.month, []
    for row in facts.report.kpis.values():
        if row.status is KpiStatus.RED:
            out.append(facts.kpi_item(Kind.RED_KPI, row, row.since(month), _rules(row)))
        elif row.new_signal is signals.Variation.CONCERN:
            out.append(facts.kpi_item(Kind.CONCERN, row, month, _rules(row)))
        elif row.value is None and row.kpi.code in late:
            days = str(late[row.kpi.code])
            item = facts.kpi_item(Kind.LATE, row, row.missing_since(month), detail=days)
            out.append(replace(item, commented=None))
        elif row.value is None:
            out.append(replace(facts.kpi_item(Kind.NO_DATA, row, row.missing_since(month)), commented=None))
    return out


def _rules(row: KpiRow) -> str:
    return ",".join(sorted({str(s.rule) for s in row.reading.signals})) if row.reading else ""


def _goal_items(facts: _Facts) -> list[Item]:
    out = []
    for row in facts.report.goals.values():
        if row.mismatch:
            out.append(facts.goal_item(Kind.MISMATCH, row, None, str(row.mismatch)))
        elif row.status in _BEHIND:  # a mismatch already says the goal is behind, and why
            out.append(facts.goal_item(_BEHIND[row.status], row, None))
    return out


def _action_items(facts: _Facts, actions: Sequence[Action], today: date | None) -> list[Item]:
    goals = facts.report.goals
    out = []
    for action in overdue([a for a in actions if a.goal in goals], facts.report.month, today):
        due = action.due or facts.report.month
        goal = goals[action.goal].goal
        out.append(
            Item(
                Kind.LATE_ACTION,
                str(action.id),
                action.title,
                action.goal,
                goal.department,
                owner=action.owner or goal.owner,
                since=months.first_of(due),
                commented=("goal", action.goal) in facts.explained,
                detail=due.isoformat(),
            )
        )
    return out


def of_month(
    report: MonthReport,
    priorities: Sequence[ServicePriority],
    actions: Sequence[Action],
    comments: Sequence[Commentary],
    late: Mapping[str, int],
    events: Sequence[CompanyEvent],
    today: date,
) -> list[Item]:
    """The month's one exception list from what it reads within one scope: the service
    priorities, actions, the month's commentary, the late values and the company events, read
    on `today` (`kpi.store.monthly.attention` reads them from the store; the app takes them from
    its caches, which its other pages fill)."""
    return items(report, actions, comments, compliance(report, priorities), late, events, today)


def compliance(report: MonthReport, kept: Sequence[ServicePriority]) -> list[Compliance]:
    """How each service priority on a KPI of the report fared in its month, from the values the
    report read (a year and more)."""
    return [
        priorities.compliance(p, list(report.kpis[p.kpi].series.values()), report.month)
        for p in kept
        if p.kpi in report.kpis
    ]


def needs_commentary(report: MonthReport, comments: Sequence[Commentary]) -> list[tuple[str, str]]:
    """("kpi" | "goal", code) of every number that owes its owner's word this month and has none:
    a KPI with a new signal (improvement or concern), a red KPI whose process is consistently
    failing its target or signals a concern, and a goal that turned red this month or is red
    while its KPI owes a word. A status that merely flipped across a tolerance edge owes none:
    that is noise, not news; so does a goal's, where its KPI's process reads no concern (a trial's
    Overview listed "Højst én kritisk hændelse" among the changes that are noise and ask for no
    explanation, and said it owed one)."""
    return _still_owed(report, _explained(report, comments, kpi_owners(report)))


def _still_owed(report: MonthReport, explained: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    """`needs_commentary` with the month's numbers `explained` (`_explained`) worked out already."""
    kpis = [code for code, row in report.kpis.items() if _kpi_owes(row)]
    owing = set(kpis)
    wanted = [
        ("goal", code)
        for code, row in report.goals.items()
        if row.status.is_red
        and (
            (
                status.flipped(row.status, row.previous_status)
                and not row.previous_status.is_red
                and not _noise(report, row)
            )
            or (row.kpi is not None and row.kpi.code in owing)
        )
    ]
    wanted += [("kpi", code) for code in kpis]
    # a goal whose KPI was explained is explained, as the attention list says (`_Facts`): the
    # list said "explained" where who still owes what said "commentary owed"
    kpi_of = {code: row.kpi.code for code, row in report.goals.items() if row.kpi is not None}
    said = explained | {("goal", goal) for goal, kpi in kpi_of.items() if ("kpi", kpi) in explained}
    return [item for item in wanted if item not in said]


def _noise(report: MonthReport, row: GoalRow) -> bool:
    """Whether a goal's turn for the worse is noise, as the Overview's changes sort it
    (`MonthReport.is_signal`): its KPI reads as a process this month and shows no concern, or
    one that has run for months while this month's step is routine variation (it owes a word
    then where its KPI does, `_kpi_owes`: a red KPI whose process signals a concern). A KPI too new
    to read as a process says nothing either way, so the turn still owes a word. A goal whose
    path tightens past a steady process turns red so, and owes a word only when its KPI does
    (`_kpi_owes`: consistently failing, or a concern)."""
    kpi = report.kpis.get(row.kpi.code) if row.kpi is not None else None
    if kpi is None or kpi.reading is None:
        return False
    flip = Flip(row.goal.code, "goal", str(row.previous_status), str(row.status), is_better=False)
    return not report.is_signal(flip)


def _kpi_owes(row: KpiRow) -> bool:
    if row.new_signal is not None:
        return True
    reading = row.reading
    if row.status is not KpiStatus.RED or reading is None:
        return False
    return reading.assurance is signals.Assurance.FAILING or reading.variation is signals.Variation.CONCERN


def by_measure(items: Sequence[Item]) -> list[Item]:
    """The items as one list tells them: those on one number (`Item.kpi`) as one, its most severe
    first with the rest told with it (`Item.also`), in the order of the most severe. The
    presenter's list said "Invoice callers wait at most 90 seconds" (the priority broken), "…
    less than 90 seconds" (the goal at risk) and "Wait time, invoice questions" (the KPI off
    target) as three things to act on, 45 items of which 15 were about a number already listed.
    Each keeps its own `commented` and `owed`; what the group says of its comment is
    `explained`."""
    leads: dict[str, int] = {}
    out: list[Item] = []
    for item in items:
        at = leads.get(item.kpi) if item.kpi is not None else None
        if at is None:
            if item.kpi is not None:
                leads[item.kpi] = len(out)
            out.append(item)
            continue
        out[at] = replace(out[at], also=(*out[at].also, item))
    return out


class Said(StrEnum):
    """What an item told with others (`by_measure`) says of its comment this month."""

    OWED = "owed"
    """A comment is owed on one of them and not given: "not explained yet"."""
    EXPLAINED = "explained"
    NONE = "none"
    """None given and none owed: "no comment this month" (no news to explain)."""


def explained(item: Item) -> Said | None:
    """What `item` and those told with it say of the month's comment, of those whose commentary
    the reader reads (None: none of them, or an action): owed when any still owes one (a goal's words
    explained it while its KPI's new signal still owed the word of the KPI's owner, another, and
    the line said "explained"; a goal's words explain its KPI when one person owns both,
    `_explained`), else explained when any was, else none."""
    # an action owes no comment and has none of its own ("no comment this month" on an overdue
    # action sent its owner looking for where to write one): its progress is its status and date
    read = [each for each in item.every() if each.commented is not None and about(each) != "action"]
    if not read:
        return None
    if any(each.owed and not each.commented for each in read):
        return Said.OWED
    return Said.EXPLAINED if any(each.commented for each in read) else Said.NONE


def kinds(items: Sequence[Item]) -> list[tuple[Kind, str, int]]:
    """`(kind, mismatch detail or "", count)` of every item of a list told by measure (`every`),
    the most severe kind first: the counts agree with the goals' and KPIs' own (the month slide
    said "✕ Off track 12" over "✕ Goal off track 11" when only the lead items were counted)."""
    counts: dict[tuple[Kind, str], int] = {}
    for item in every(items):
        key = (item.kind, item.detail if item.kind is Kind.MISMATCH else "")
        counts[key] = counts.get(key, 0) + 1
    return [(k, d, n) for (k, d), n in sorted(counts.items(), key=lambda e: (_ORDER.index(e[0][0]), e[0][1]))]


def every(items: Sequence[Item]) -> list[Item]:
    """Every item of a list told by measure (`by_measure`), each once, the told-with after their lead."""
    return [each for item in items for each in item.every()]


def survey_kpi(item: Item, report: MonthReport) -> Kpi | None:
    """The survey KPI an item is about (its own, or its goal's KPI), if any: where a survey
    score's change can be split into mix and rate (`samples.split`): a service priority's too."""
    if item.kpi is not None and item.kpi in report.kpis:
        kpi: Kpi | None = report.kpis[item.kpi].kpi
    elif item.goal == item.code and item.code in report.goals:
        kpi = report.goals[item.code].kpi
    else:
        row = report.kpis.get(item.code)
        kpi = row.kpi if row else None
    return kpi if kpi is not None and kpi.aggregation.is_survey else None


def as_told(items: Sequence[Item], report: MonthReport, scope: Scope, heads: Mapping[str, str]) -> list[Item]:
    """The items as `scope`'s reader may be told them (`heads`: department → its head's e-mail):
    nothing of an explanation they cannot read (a department head saw the CEO's strategic goal
    "not yet explained" when it was explained), and where nobody owns one, its department's
    head, as who still owes what names them (the list said "no owner" there). Every list tells
    them so: the pages, the packs, the command line, the alerts.

    Only the reader's own items (`_theirs`): what they read as line of sight only, the goals their
    work serves and those goals' KPIs, stays context on the pages and out of their list."""
    if scope.departments is not None:  # the reader's own: each row's code, counted once
        goals, kpis = report.own(scope)
        own = (frozenset(r.goal.code for r in goals), frozenset(r.kpi.code for r in kpis))
        items = [item for item in items if _theirs(item, scope, own)]
    return [_as_told(item, report, scope, heads) for item in items]


def about(item: Item) -> str:
    """What the item is about, by its kind: `goal`, `kpi`, `priority` or `action` (a goal and a
    KPI may share a code; an action's id may be a KPI's code)."""
    if item.kind is Kind.BROKEN_PRIORITY:
        return "priority"
    if item.kind is Kind.LATE_ACTION:
        return "action"
    if item.kind in (Kind.RED_KPI, Kind.CONCERN, Kind.LATE, Kind.NO_DATA):
        return "kpi"
    if item.kind is Kind.COMMENTARY_OWED:  # a goal's comment or a KPI's: by the depth it sorts at
        return "kpi" if item.level_depth == _KPI_DEPTH else "goal"
    return "goal"


def _theirs(item: Item, scope: Scope, own: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Whether the item is for the reader to act on: of their `own` goals or KPIs
    (`MonthReport.own`), a service priority of a department they read, an action under a goal
    of theirs, or their own action under a goal elsewhere (`Scope.acting`). A department head's list
    named the CEO's strategic goal and another department's KPI that her goals serve, which
    neither she nor her people can move; the pack she was handed counted them too."""
    goals, kpis = own
    what = about(item)
    if what == "goal":
        return item.code in goals
    if what == "kpi":
        return item.code in kpis
    if what == "priority":  # by its KPI's department
        return scope.allows(item.department)
    if scope.allows(item.department) or item.goal in scope.owned:  # an action under a goal of theirs
        return True
    return item.goal in scope.acting and item.owner is not None and item.owner == scope.who


def _as_told(item: Item, report: MonthReport, scope: Scope, heads: Mapping[str, str]) -> Item:
    what = about(item)  # by its kind, never by a code a goal and a KPI may share
    goal = report.goals.get(item.code) if what == "goal" else None
    kpi = report.kpis.get(item.code) if what == "kpi" else None
    if goal is not None:  # a goal's item: its own words and its KPI's explain it
        measure = goal.kpi
        department = goal.goal.department
        reads = scope.follows(goal.goal.code, department) and (
            measure is None or scope.allows(measure.department)
        )
    elif kpi is not None:  # a KPI's item: its words are its department's
        department = kpi.kpi.department
        reads = scope.allows(department)
    else:  # an action (its goal's words explain it) or a service priority (its KPI's department)
        parent = report.goals.get(item.goal) if item.goal else None
        department = parent.goal.department if parent is not None else item.department
        # an action's owner elsewhere reads the goal's actions, not its words (`Scope.acting`)
        reads = parent is None or scope.follows(parent.goal.code, department)
        if what == "priority":  # owned as its KPI is (`kpi_owners`): by that department's head
            department = item.department
    if not (item.commented or reads):
        item = replace(item, commented=None)
    if not item.owner:
        item = replace(item, owner=heads.get(department or ""))
    return item
