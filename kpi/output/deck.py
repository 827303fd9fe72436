"""The meeting deck: which slides there are and what each says, in the reader's language.

Pure. The Present page and the PPTX/PDF packs both draw this deck, so the screen and the
handout always show the same slides, in the meeting's order: the title; the month in one slide;
the viewer's goals (titled for what they are: "Strategic goals" only over strategic ones), then
one slide per top goal (its trend and sub-goals); what needs attention, with values and
targets; the service priorities kept or broken; the departments, the executive board first
(`cascade.board`), each KPI with its small trend; and the actions due. Every list is cut to
what one 16:9 screen holds (`slide.paginate`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from kpi.domain import (
    attention,
    cascade,
    company_events,
    month_rows,
    months,
    outlook,
    priorities,
    signals,
    verdicts,
)
from kpi.domain.model import Action, Department, GoalStatus, Level
from kpi.output import measure, month_slides
from kpi.output.slide import (
    COMMENT_LINES,
    DEFAULT_COLOUR,
    NOTE_LINES,
    NOTE_ROWS,
    ROOM,
    ROWS_BESIDE_CHART,
    ROWS_PER_SLIDE,
    Brand,
    Flag,
    Line,
    Meeting,
    Series,
    Slide,
    height,
    page_title,
    paginate,
)
from kpi.output.sparkline import MONTHS as TREND_MONTHS
from kpi.text import fmt, phrases, words
from kpi.text.i18n import t

__all__ = [
    "COMMENT_LINES",
    "DEFAULT_COLOUR",
    "NOTE_LINES",
    "NOTE_ROWS",
    "ROWS_BESIDE_CHART",
    "ROOM",
    "ROWS_PER_SLIDE",
    "TREND_MONTHS",
    "Brand",
    "Flag",
    "Line",
    "Meeting",
    "Series",
    "Slide",
    "build",
    "height",
    "paginate",
]

ACTIONS_AHEAD_MONTHS = 2


def _revision(meeting: Meeting, code: str, unit: str) -> str:
    if code not in meeting.revised:
        return ""
    before, after = meeting.revised[code]
    return t("deck.revised", before=fmt.value(before, unit), after=fmt.value(after, unit))


def _notes(meeting: Meeting, kpi: str | None = None, goal: str | None = None) -> tuple[str, ...]:
    return tuple(c.text for c in meeting.commentary if (kpi and c.kpi == kpi) or (goal and c.goal == goal))


def _paged(
    kind: str,
    title: str,
    lines: Sequence[Line],
    notes: Sequence[str] = (),
    subtitle: str = "",
    after: Sequence[int | None] = (),
) -> list[Slide]:
    """A list of lines (then comments, each after the line `after` names) on as many slides as
    fit (`slide.paginate`); `subtitle` under the first one's title."""
    pages = paginate(lines, notes, after=after)
    return [
        Slide(
            kind,
            page_title(title, n, len(pages)),
            subtitle if n == 1 else "",
            lines=page.lines,
            notes=page.notes,
            placed=page.placed,
        )
        for n, page in enumerate(pages, start=1)
    ]


def goals_title(tops: Sequence[cascade.Node]) -> str:
    """The goals slide's title, true for what it lists: "Strategic goals" only over strategic
    goals; a department head's own goals of one level are "Your tactical goals" (or operational),
    of several levels "Your goals"."""
    levels = {node.goal.level for node in tops}
    if levels <= {Level.STRATEGIC}:
        return t("deck.status_title")
    if len(levels) == 1:
        return t(f"deck.status_{levels.pop()}")
    return t("deck.status_own")


def _status_slides(meeting: Meeting) -> list[Slide]:
    lines = []
    for node in meeting.tops:
        row = meeting.month_report.goals[node.goal.code]
        kpi = row.kpi
        unit = kpi.unit if kpi else "count"
        previous = meeting.month_report.kpis.get(kpi.code) if kpi else None
        note = (
            phrases.change(
                previous.delta_previous,
                unit,
                kpi.direction,
                months.add(meeting.month_report.month, -1),
                None,  # the line's chip says "Still better than usual" (`Line.still`): once is enough
                previous.change_noise,
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
                *phrases.goal_figures(row),
                row.status,
                note,
                previous.reading if previous else None,
                why=phrases.goal_why(row, meeting.month_report.month),
                still=phrases.went_against(previous),
            )
        )
    return _paged("status", goals_title(meeting.tops), lines)


def _kpi_row(meeting: Meeting, row: month_rows.GoalRow) -> month_rows.KpiRow | None:
    """The month's row of a goal's KPI (None without a KPI)."""
    return meeting.month_report.kpis.get(row.kpi.code) if row.kpi else None


def _reading(meeting: Meeting, row: month_rows.GoalRow) -> signals.Reading | None:
    """The process reading of a goal's KPI this month (None without a KPI or history)."""
    kpi_row = _kpi_row(meeting, row)
    return kpi_row.reading if kpi_row else None


def _goal_slides(meeting: Meeting, row: month_rows.GoalRow) -> list[Slide]:
    kpi = row.kpi
    unit = kpi.unit if kpi else "count"
    lines = []
    for child in row.node.children:
        crow = meeting.month_report.goals[child.goal.code]
        lines.append(
            Line(
                crow.goal.title,
                phrases.goal_figures(crow)[0],
                phrases.target_on_path(crow, meeting.month_report.month),
                crow.status,
                reading=_reading(meeting, crow),
                why=phrases.goal_why(crow, meeting.month_report.month),
                still=phrases.went_against(_kpi_row(meeting, crow)),
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
            verdicts.path(row.goal, sorted(shown)),
            priorities.drawn_threshold(meeting.priorities, kpi.code),
            kpi_row.limits_since(meeting.month_report.month) if kpi_row else None,
        )
    notes = _notes(meeting, kpi.code if kpi else None, row.goal.code)
    revision = _revision(meeting, kpi.code, unit) if kpi else ""
    big, aim = phrases.goal_figures(row)
    subtitle = t("deck.goal_subtitle", target=aim, by=phrases.by_deadline(row.goal.deadline))
    level = verdicts.on_pace(row.goal, meeting.month_report.month)
    if row.status in (GoalStatus.AT_RISK, GoalStatus.OFF_TRACK) and level is not None:
        # what it is judged against now: "At risk +32 … forecast +40, reaching the target" read
        # as a contradiction without the path's +33
        subtitle = t("deck.goal_path", said=subtitle, value=fmt.value(level, unit))
    ahead = outlook.forecast(row, meeting.values, meeting.month_report.month)
    if ahead is not None:  # where the line points at the deadline, as the Overview's tile says
        where = (
            phrases.forecast(
                ahead,
                row.goal.target,
                unit,
                kpi.direction,
                row.status,
                outlook.forecast_margin(row, meeting.values, meeting.month_report.month),
            )
            if kpi
            else fmt.value(ahead, unit)
        )
        subtitle = t("deck.goal_forecast", said=subtitle, value=where)
    subtitle = " · ".join(part for part in (subtitle, phrases.doubtful_sample(row.value, unit)) if part)
    pages = paginate(lines, ((revision,) if revision else ()) + notes, chart=chart is not None)
    first, *rest = pages
    slides = [
        Slide(
            "goal",
            page_title(row.goal.title, 1, len(pages)),
            subtitle,
            first.lines,
            chart,
            first.notes,
            row.status,
            big,
            _reading(meeting, row),
            # and why it has no forecast, as its tile and detail say (dropped without a word, a review)
            " ".join(
                filter(
                    None,
                    (
                        phrases.goal_why(row, meeting.month_report.month),
                        phrases.no_forecast_why(row, meeting.values, meeting.month_report.month),
                    ),
                )
            ),
            still=phrases.went_against(_kpi_row(meeting, row)),
        )
    ]
    for number, page in enumerate(rest, start=2):
        title = page_title(row.goal.title, number, len(pages))
        slides.append(Slide("goal", title, lines=page.lines, notes=page.notes, placed=page.placed))
    return slides


def _attention(meeting: Meeting, actions: Sequence[Action]) -> list[attention.Item]:
    """The month's one exception list (`attention.items`), the items on one number told as one
    (`attention.by_measure`), as the Overview tells them."""
    built = meeting.month_report
    found = attention.items(
        built,
        actions,
        meeting.commentary,
        attention.compliance(built, meeting.priorities),
        meeting.late,
        meeting.events,
        meeting.today,
    )
    return attention.by_measure(attention.as_told(found, built, meeting.scope, meeting.heads))


def _exception_lines(found: Sequence[attention.Item], owners: dict[str, str]) -> list[Line]:
    """The exception list, a line each: what, value, target, and who owns it, since when,
    whether it has been explained; its kind is the line's flag, and the items on its number
    told with it its `also`."""
    lines = []
    for item in found:
        kind, value, target, note = phrases.attention_facts(item, owners)
        flag, also = Flag(str(item.kind), kind), phrases.told_with_line(item, owners)
        lines.append(Line(item.subject, value, target, None, note, flag=flag, also=also))
    return lines


def _department_slides(
    meeting: Meeting,
    department: Department,
    rows: Sequence[month_rows.KpiRow],
    goals: set[str],
    owners: Mapping[str, str],
    told: Mapping[str, str] | None = None,
) -> list[Slide]:
    """A department's slides: its KPIs (`rows`, in the report's order) and the month's notes on
    them and on its `goals`, each saying what it is about and who wrote it (a note follows the
    lines, on the next slide of a long list: "Templates cut the time…" stood under another KPI,
    by nobody). Where every target is of one kind, the subtitle says which, once (each row said
    "(2026 target, phased by last year)"). `told`: what is said under a KPI's name (`Line.also`)."""
    month = meeting.month_report.month
    kinds = {phrases.target_kind(row.target, month) for row in rows}
    shared = next(iter(kinds)) if len(kinds) == 1 and all(row.target for row in rows) else ""
    lines = []
    for row in rows:
        unit = row.kpi.unit
        note = _revision(meeting, row.kpi.code, unit) or (
            phrases.change(
                row.delta_previous,
                unit,
                row.kpi.direction,
                months.add(month, -1),
                None,  # the line's chip says "Still better than usual" (`Line.still`): once is enough
                row.change_noise,
            )
            if row.delta_previous is not None
            else ""
        )
        note = " · ".join(part for part in (note, phrases.doubtful_sample(row.value, unit)) if part)
        value = row.value.value if row.value else None
        target = phrases.labelled_target(row.target, unit, month)
        if shared and row.target is not None:  # what the targets are, said once for the slide
            target = fmt.value(row.target.value, unit)
        why = phrases.kpi_why(row, month)
        lines.append(
            Line(
                row.kpi.name,
                fmt.beside(value, row.target.value if row.target else None, unit, row.kpi.direction),
                target,
                row.status,
                note,
                row.reading,
                why=why,
                trend=trend(row, meeting.month_report.month),
                also=(told or {}).get(row.kpi.code, ""),
                still=phrases.went_against(row),
            )
        )
    if not lines:
        return []
    names = {row.kpi.code: row.kpi.name for row in rows}
    places = {row.kpi.code: index for index, row in enumerate(rows)}
    titles = {code: meeting.month_report.goals[code].goal.title for code in goals}
    about = [c for c in meeting.commentary if c.kpi in names or c.goal in titles]
    notes = tuple(
        t(
            "deck.comment_about",
            about=names[c.kpi] if c.kpi in names else titles[c.goal or ""],
            who=words.who(owners, c.author),
            text=c.text,
        )
        for c in about
    )
    # each comment beside its number: a goal's after its KPI's line where the department has it
    after = [places.get(c.kpi or _goal_kpi(meeting, c.goal) or "") for c in about]
    slides = _paged("department", department.name, lines, notes, after=after)
    if not shared:
        return slides
    said = t("deck.targets_are", kind=shared)  # every slide of the department, not its first only
    return [replace(slide, subtitle=said) if slide.lines else slide for slide in slides]


def _goal_kpi(meeting: Meeting, goal: str | None) -> str | None:
    """The code of the KPI measuring `goal`, if the goal has one."""
    row = meeting.month_report.goals.get(goal or "")
    return row.kpi.code if row is not None and row.kpi is not None else None


def trend(row: month_rows.KpiRow, month: date) -> tuple[float, ...]:
    """The KPI's values of the `TREND_MONTHS` months up to `month`, oldest first (months without
    a value left out): what a department slide's small trend draws."""
    since = months.add(month, 1 - TREND_MONTHS)
    return tuple(v.value for m, v in sorted(row.series.items()) if since <= m <= month)


def _action_slides(meeting: Meeting, actions: Sequence[Action], owners: dict[str, str]) -> list[Slide]:
    """The actions' slides, saying which they list (a presenter asked why one due in February was
    missing and a done one of last year was there): the open actions due by the horizon's day,
    then the initiatives since go-live where there are any."""
    horizon = months.end_of(months.add(meeting.month_report.month, ACTIONS_AHEAD_MONTHS))
    due, live = _action_lines(meeting, actions, owners, horizon)
    key = "deck.actions_subtitle" if live else "deck.actions_subtitle_due"
    said = t(key, until=fmt.day(horizon))
    return _paged("actions", t("deck.actions_title"), due + live, subtitle=said)


def _verdict(meeting: Meeting, action: Action) -> str:
    """An initiative's verdict (kpi.domain.initiatives) naming the KPI it was to move ("better than
    usual after 2 months" did not say what was, a presenter's trial); "" for an action without one."""
    if action.id not in meeting.verdicts:
        return ""
    verdict = phrases.verdict_words(meeting.verdicts[action.id])
    moved = meeting.month_report.kpis.get(action.kpi or "")
    return verdict if moved is None else t("deck.initiative_kpi", kpi=moved.kpi.name, verdict=verdict)


def _action_lines(
    meeting: Meeting, actions: Sequence[Action], owners: dict[str, str], horizon: date
) -> tuple[list[Line], list[Line]]:
    """The open actions due by `horizon`, and every other initiative live by the month whatever
    its status, each with its verdict where there is one."""
    month = meeting.month_report.month
    visible = set(meeting.month_report.goals)
    due = [a for a in actions if a.goal in visible and a.due and a.due <= horizon and a.status.is_open]
    late = {a.id for a in outlook.overdue_on(due, meeting.today or months.end_of(month) + timedelta(days=1))}
    lines = []
    for a in sorted(due, key=lambda a: a.due or month):
        state, verdict = t(f"action.{a.status}"), _verdict(meeting, a)
        # overdue in the attention list's colour and icon (a grey "· overdue" in the note was read
        # past: a presenter's trial), with its state in the same cell as every other row's ("Action
        # overdue" there put an overdue one's state in the note, the others' in the status)
        overdue = Flag(str(attention.Kind.LATE_ACTION), t("deck.state_overdue", state=state))
        lines.append(
            Line(
                a.title,
                owners.get(a.owner or "", "–"),
                measure.unbroken(fmt.day(a.due)) if a.due else "–",  # a date whole (not "1 Nov / 2025")
                None,
                verdict,
                flag=overdue if a.id in late else None,
                state=state,
            )
        )
    listed, initiatives = {a.id for a in due}, []
    for a in actions:
        if a.id in meeting.verdicts and a.id not in listed and a.goal in visible and a.go_live:
            live = t("initiative.live", day=measure.unbroken(fmt.day(a.go_live)))
            state, verdict = t(f"action.{a.status}"), _verdict(meeting, a)
            owner = owners.get(a.owner or "", "–")
            # live since, not due by: the notes say so (they read "due live 1 Nov 2025")
            why = t("speaker.initiative", who=owner, live=live, state=f"{state} · {verdict}")
            initiatives.append(Line(a.title, owner, live, None, verdict, why=why, state=state))
    return lines, initiatives


def build(
    meeting: Meeting,
    company: str,
    departments: Sequence[Department],
    actions: Sequence[Action],
    owners: dict[str, str],
) -> list[Slide]:
    """Every slide of the month's meeting, for what the viewer may see."""
    month = meeting.month_report.month
    closed = (
        t("deck.closed", when=fmt.day(meeting.closed_at.date()), who=words.who(owners, meeting.closed_by))
        if meeting.closed_at
        else t("deck.live")
    )
    reopened = tuple(
        t("deck.reopened", when=fmt.day(when.date()), who=words.who(owners, who), reason=reason)
        for when, who, reason in meeting.reopened
    )
    slides = [
        Slide("title", t("deck.title", month=fmt.month_long(month)), company, notes=(closed, *reopened))
    ]
    found = _attention(meeting, actions)
    slides.append(month_slides.month(meeting, found))
    slides += _status_slides(meeting)
    for node in meeting.tops:
        slides += _goal_slides(meeting, meeting.month_report.goals[node.goal.code])
    first, rest = found[: attention.SHOWN], found[attention.SHOWN :]  # the rest: at the pack's end
    told = t("deck.exceptions_first", count=len(found), shown=len(first)) if rest else ""
    slides += _paged("exceptions", t("deck.exceptions_title"), _exception_lines(first, owners), subtitle=told)
    kept = month_slides.priority_lines(meeting)
    if kept:
        slides += _paged("priorities", t("deck.priorities_title"), kept)
    rows: dict[str, list[month_rows.KpiRow]] = {}  # each department's KPIs and goals, sorted out once
    for row in meeting.month_report.kpis.values():
        rows.setdefault(row.kpi.department, []).append(row)
    goals: dict[str | None, set[str]] = {}
    for code, goal_row in meeting.month_report.goals.items():
        goals.setdefault(goal_row.goal.department, set()).add(code)
    for department in board_first(departments, meeting):
        slides += _department_slides(
            meeting, department, rows.get(department.code, []), goals.get(department.code, set()), owners
        )
    slides += _elsewhere_slides(meeting, {d.code for d in departments}, owners)
    slides += _action_slides(meeting, actions, owners)
    if rest:  # the meeting's flow keeps the most severe; the whole list stays in the pack
        slides += _paged("exceptions", t("deck.exceptions_rest_title"), _exception_lines(rest, owners))
    return slides


def _elsewhere_slides(meeting: Meeting, listed: set[str], owners: Mapping[str, str]) -> list[Slide]:
    """A department head's KPIs of goals she owns in departments not her own, with the month's
    notes on them, after her departments' slides: her month slide counted them among her KPIs,
    and no slide listed them (a presenter's trial: "3 of 9 on target, 1 close" over eight KPIs,
    none close). Under each KPI's name, the goal of hers it measures: the slide named neither."""
    if meeting.scope.departments is None:  # a reader of every department has them all listed
        return []
    goals, kpis = meeting.month_report.own(meeting.scope)
    rows = [row for row in kpis if row.kpi.department not in listed]
    elsewhere = [row for row in goals if row.goal.department not in listed]
    if not rows:
        return []
    told = {}
    for row in rows:
        titles = [
            goal.goal.title for goal in elsewhere if goal.kpi is not None and goal.kpi.code == row.kpi.code
        ]
        if titles:
            told[row.kpi.code] = t("deck.elsewhere_goals", count=len(titles), goals="; ".join(titles))
    owned = {row.goal.code for row in elsewhere}
    title = Department("", t("deck.elsewhere_title"))
    return _department_slides(meeting, title, rows, owned, owners, told)


def board_first(departments: Sequence[Department], meeting: Meeting) -> list[Department]:
    """The departments in the meeting's order: the executive board (`cascade.board`) first, then
    the rest as listed."""
    board = cascade.board([row.goal for row in meeting.month_report.goals.values()])
    return sorted(departments, key=lambda d: d.code != board)
