"""The meeting deck: which slides there are and what each says, in the reader's language.

Pure. The Present page and the PPTX/PDF packs both draw this deck, so the screen and the
handout always show the same slides: title, the strategic status, one slide per strategic goal
(its trend and sub-goals), what needs attention, one slide per department, and the actions due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kpi.domain import attention, cascade, company_events, month_rows, months, outlook, report, signals
from kpi.domain.company_events import Band, CompanyEvent
from kpi.domain.initiatives import Verdict
from kpi.domain.model import (
    Action,
    Commentary,
    Department,
    GoalStatus,
    KpiStatus,
    MonthValue,
    ServicePriority,
)
from kpi.text import fmt, phrases
from kpi.text.i18n import t

LINES_PER_SLIDE = 10
ACTIONS_AHEAD_MONTHS = 2


DEFAULT_COLOUR = "#1F4E79"
"""The packs' accent colour until a company chooses its own (kpi.store.company)."""


@dataclass(frozen=True)
class Brand:
    """What makes a pack the company's: its title (with the company's name), the footer line on
    every slide, and the company's colour and logo (kpi.store.company)."""

    footer: str
    title: str = ""
    """The file's title (PowerPoint's document properties); the footer when empty."""
    colour: str = DEFAULT_COLOUR
    logo: bytes | None = None


@dataclass(frozen=True)
class Flag:
    """An exception's kind (`attention.Kind`) and its word, drawn as the Overview draws it: the
    kind's colour and icon (`palette.attention_look`) with the word."""

    kind: str
    word: str


@dataclass(frozen=True)
class Line:
    label: str
    value: str = ""
    target: str = ""
    status: KpiStatus | GoalStatus | None = None
    note: str = ""
    reading: signals.Reading | None = None
    """The process verdicts of the line's KPI (`phrases.verdict_looks`), shown beside its status."""
    flag: Flag | None = None
    """On the attention slide, the exception's kind in place of a status: a broken service
    priority is broken, not off target, so it reads as the Overview names it."""
    why: str = ""
    """Why the line has its status, in plain sentences (`phrases.kpi_why`, `phrases.goal_why`):
    the packs' speaker notes say it."""


@dataclass(frozen=True)
class Series:
    title: str
    unit: str
    points: tuple[tuple[date, float], ...]
    target: float | None
    limits: tuple[float, float] | None = None
    """(lower, upper) natural process limits of the KPI, drawn as their own lines."""
    signals: tuple[tuple[date, str], ...] = ()
    """(month, `improvement` or `concern`) of months in which a signal rule fired, ringed in the
    verdict's colour."""
    bands: tuple[Band, ...] = ()
    """Company events bearing on the KPI, over the months shown (`company_events.bands`)."""


@dataclass(frozen=True)
class Slide:
    kind: str
    title: str
    subtitle: str = ""
    lines: tuple[Line, ...] = ()
    chart: Series | None = None
    notes: tuple[str, ...] = ()
    """Plain text (commentary, revisions): never Markdown or HTML."""
    status: KpiStatus | GoalStatus | None = None
    big: str = ""
    reading: signals.Reading | None = None
    """The process verdicts of the slide's KPI, beside its status."""
    why: str = ""
    """Why the slide's own status is what it is (a goal slide's goal), for the speaker notes."""


@dataclass(frozen=True)
class Meeting:
    """What a deck is built from (kpi.store.closing.MeetingMonth, or the same from elsewhere)."""

    month_report: report.MonthReport
    commentary: Sequence[Commentary]
    values: Sequence[MonthValue]
    revised: dict[str, tuple[float | None, float | None]]
    closed_at: datetime | None = None
    priorities: Sequence[ServicePriority] = ()
    """The service priorities in scope: a broken one is on the attention slide."""
    reopened: Sequence[tuple[datetime, str, str]] = ()
    """(when, by whom, why) each time the month was reopened after a close: the title slide says so."""
    served: frozenset[str] = frozenset()
    """Goals the viewer reads only because theirs serve them (line of sight): no slides of their own."""
    late: Mapping[str, int] = field(default_factory=dict)
    """`kpi code → days late` of the KPIs whose value is overdue (`lateness.late_kpis`)."""
    events: Sequence[CompanyEvent] = ()
    """The company events in scope: bands on the charts, and named by the items they touch."""
    verdicts: Mapping[int, Verdict] = field(default_factory=dict)
    """`action id → verdict` of the initiatives live by the month (kpi.domain.initiatives)."""

    @property
    def tops(self) -> list[cascade.Node]:
        """The viewer's own top goals, each with a slide (kpi.domain.cascade.own_tops)."""
        return cascade.own_tops(self.month_report.roots, self.served)


def _value(row: month_rows.KpiRow | month_rows.GoalRow | None, unit: str) -> str:
    return fmt.value(row.value.value if row is not None and row.value else None, unit)


def _revision(meeting: Meeting, code: str, unit: str) -> str:
    if code not in meeting.revised:
        return ""
    before, after = meeting.revised[code]
    return t("deck.revised", before=fmt.value(before, unit), after=fmt.value(after, unit))


def _notes(meeting: Meeting, kpi: str | None = None, goal: str | None = None) -> tuple[str, ...]:
    return tuple(c.text for c in meeting.commentary if (kpi and c.kpi == kpi) or (goal and c.goal == goal))


def _paged(kind: str, title: str, lines: list[Line]) -> list[Slide]:
    if not lines:
        return [Slide(kind, title, lines=())]
    pages = [lines[i : i + LINES_PER_SLIDE] for i in range(0, len(lines), LINES_PER_SLIDE)]
    return [
        Slide(kind, title if n == 0 else t("deck.continued", title=title), lines=tuple(page))
        for n, page in enumerate(pages)
    ]


def _status_slide(meeting: Meeting) -> Slide:
    lines = []
    for node in meeting.tops:
        row = meeting.month_report.goals[node.goal.code]
        kpi = row.kpi
        unit = kpi.unit if kpi else "count"
        previous = meeting.month_report.kpis.get(kpi.code) if kpi else None
        note = (
            phrases.change(
                previous.delta_previous, unit, kpi.direction, months.add(meeting.month_report.month, -1)
            )
            if kpi and previous
            else ""
        )
        if row.mismatch:
            note = f"{t(f'mismatch.{row.mismatch}')} · {note}"
        why = phrases.goal_reason(row, meeting.month_report.month)
        if why:
            note = f"{note} · {why}" if note else why
        lines.append(
            Line(
                row.goal.title,
                _value(row, unit),
                fmt.value(row.goal.target, unit),
                row.status,
                note,
                previous.reading if previous else None,
                why=phrases.goal_why(row, meeting.month_report.month),
            )
        )
    return Slide("status", t("deck.status_title"), lines=tuple(lines))


def _reading(meeting: Meeting, row: month_rows.GoalRow) -> signals.Reading | None:
    """The process reading of a goal's KPI this month (None without a KPI or history)."""
    kpi_row = meeting.month_report.kpis.get(row.kpi.code) if row.kpi else None
    return kpi_row.reading if kpi_row else None


def _goal_slide(meeting: Meeting, row: month_rows.GoalRow) -> Slide:
    kpi = row.kpi
    unit = kpi.unit if kpi else "count"
    lines = []
    for child in row.node.children:
        crow = meeting.month_report.goals[child.goal.code]
        cunit = crow.kpi.unit if crow.kpi else "count"
        lines.append(
            Line(
                crow.goal.title,
                _value(crow, cunit),
                fmt.value(crow.goal.target, cunit),
                crow.status,
                reading=_reading(meeting, crow),
                why=phrases.goal_why(crow, meeting.month_report.month),
            )
        )
    chart = None
    if kpi is not None:
        since = months.add(meeting.month_report.month, -month_rows.HISTORY_MONTHS)
        points = tuple(
            sorted((v.month, v.value) for v in meeting.values if v.kpi == kpi.code and v.month >= since)
        )
        kpi_row = meeting.month_report.kpis.get(kpi.code)
        limits, marked = kpi_row.chart_marks(meeting.month_report.month) if kpi_row else (None, ())
        shown = {m for m, _ in points}
        chart = Series(
            kpi.name,
            unit,
            points,
            row.goal.target,
            limits,
            tuple((m, str(verdict)) for m, verdict in marked if m in shown),
            company_events.bands(meeting.events, kpi.code, kpi.department, sorted(shown)),
        )
    notes = _notes(meeting, kpi.code if kpi else None, row.goal.code)
    revision = _revision(meeting, kpi.code, unit) if kpi else ""
    subtitle = t(
        "deck.goal_subtitle",
        target=fmt.value(row.goal.target, unit),
        deadline=fmt.day(row.goal.deadline) if row.goal.deadline else t("widget.no_deadline"),
    )
    return Slide(
        "goal",
        row.goal.title,
        subtitle,
        tuple(lines),
        chart,
        notes + ((revision,) if revision else ()),
        row.status,
        _value(row, unit),
        _reading(meeting, row),
        phrases.goal_why(row, meeting.month_report.month),
    )


def _exception_lines(meeting: Meeting, actions: Sequence[Action], owners: dict[str, str]) -> list[Line]:
    """The month's one exception list (`attention.items`), a line each: what, value, target, and
    who owns it, since when, whether it has been explained; its kind is the line's flag."""
    built = meeting.month_report
    found = attention.items(
        built,
        actions,
        meeting.commentary,
        attention.compliance(built, meeting.priorities),
        meeting.late,
        meeting.events,
    )
    lines = []
    for item in found:
        kind, value, target, note = phrases.attention_facts(item, owners)
        lines.append(Line(item.subject, value, target, None, note, flag=Flag(str(item.kind), kind)))
    return lines


def _department_slides(meeting: Meeting, department: Department) -> list[Slide]:
    lines = []
    for row in meeting.month_report.kpis.values():
        if row.kpi.department != department.code:
            continue
        unit = row.kpi.unit
        note = _revision(meeting, row.kpi.code, unit) or (
            phrases.change(
                row.delta_previous, unit, row.kpi.direction, months.add(meeting.month_report.month, -1)
            )
            if row.delta_previous is not None
            else ""
        )
        target = phrases.labelled_target(row.target, unit, meeting.month_report.month)
        why = phrases.kpi_why(row, meeting.month_report.month)
        lines.append(Line(row.kpi.name, _value(row, unit), target, row.status, note, row.reading, why=why))
    if not lines:
        return []
    codes = {
        row.kpi.code for row in meeting.month_report.kpis.values() if row.kpi.department == department.code
    }
    goals = {g for g, r in meeting.month_report.goals.items() if r.goal.department == department.code}
    notes = tuple(c.text for c in meeting.commentary if c.kpi in codes or c.goal in goals)
    slides = _paged("department", department.name, lines)
    return [
        Slide(s.kind, s.title, s.subtitle, s.lines, s.chart, notes if n == 0 else ())
        for n, s in enumerate(slides)
    ]


def _action_lines(meeting: Meeting, actions: Sequence[Action], owners: dict[str, str]) -> list[Line]:
    """The open actions due within `ACTIONS_AHEAD_MONTHS`, then every initiative live by the month
    whatever its status, each with its verdict (kpi.domain.initiatives) where there is one."""
    month = meeting.month_report.month
    horizon = months.end_of(months.add(month, ACTIONS_AHEAD_MONTHS))
    visible = set(meeting.month_report.goals)
    due = [a for a in actions if a.goal in visible and a.due and a.due <= horizon and a.status.is_open]
    late = {a.id for a in outlook.overdue(due, month)}
    lines = [
        Line(
            a.title,
            owners.get(a.owner or "", "–"),
            fmt.day(a.due) if a.due else "–",
            None,
            f"{t(f'action.{a.status}')}"
            + (f" · {t('cascade.late')}" if a.id in late else "")
            + (f" · {phrases.verdict_words(meeting.verdicts[a.id])}" if a.id in meeting.verdicts else ""),
        )
        for a in sorted(due, key=lambda a: a.due or month)
    ]
    listed = {a.id for a in due}
    for a in actions:
        if a.id in meeting.verdicts and a.id not in listed and a.goal in visible and a.go_live:
            live = t("initiative.live", day=fmt.day(a.go_live))
            note = f"{t(f'action.{a.status}')} · {phrases.verdict_words(meeting.verdicts[a.id])}"
            lines.append(Line(a.title, owners.get(a.owner or "", "–"), live, None, note))
    return lines


def build(
    meeting: Meeting,
    company: str,
    departments: Sequence[Department],
    actions: Sequence[Action],
    owners: dict[str, str],
) -> list[Slide]:
    """Every slide of the month's meeting, for what the viewer may see."""
    month = meeting.month_report.month
    closed = t("deck.closed") if meeting.closed_at else t("deck.live")
    reopened = tuple(
        t("deck.reopened", when=fmt.day(when.date()), who=owners.get(who, who), reason=reason)
        for when, who, reason in meeting.reopened
    )
    slides = [
        Slide("title", t("deck.title", month=fmt.month_long(month)), company, notes=(closed, *reopened))
    ]
    slides.append(_status_slide(meeting))
    for node in meeting.tops:
        slides.append(_goal_slide(meeting, meeting.month_report.goals[node.goal.code]))
    slides += _paged("exceptions", t("deck.exceptions_title"), _exception_lines(meeting, actions, owners))
    for department in departments:
        slides += _department_slides(meeting, department)
    slides += _paged("actions", t("deck.actions_title"), _action_lines(meeting, actions, owners))
    return slides
