"""Two slides of the meeting that count and judge rather than list: the month in one slide, and
the service priorities kept or broken. Pure, like kpi.output.deck, which orders them in the deck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kpi.domain import attention, priorities
from kpi.domain.model import GoalStatus, KpiStatus
from kpi.output import measure
from kpi.output.slide import Flag, Line, Meeting, Slide
from kpi.text import fmt, palette, phrases
from kpi.text.i18n import t


def _counted(statuses: Sequence[KpiStatus] | Sequence[GoalStatus]) -> str:
    """`✓ On track 5 · ! At risk 3`: how many of each status, in the statuses' own order, each
    count kept on one line with its status (a line breaks only at a " · ")."""
    counts: dict[KpiStatus | GoalStatus, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    kpi = any(isinstance(status, KpiStatus) for status in counts)
    order: list[KpiStatus | GoalStatus] = [*KpiStatus] if kpi else [*GoalStatus]
    return " · ".join(measure.unbroken(f"{palette.label(s)} {counts[s]}") for s in order if s in counts)


def _kinds(found: Sequence[attention.Item]) -> str:
    """`45 exceptions among them (…): ⚠ Service priority broken 3 · ✕ Off target 15`: every exception of
    the list by kind (`attention.kinds`: also those told with another on its number), most severe
    first; their total where it is more than the items the slide counts."""
    counted = attention.kinds(found)
    labels = [(palette.attention_label(str(k), phrases.kind_word(k, d)), n) for k, d, n in counted]
    kinds = " · ".join(measure.unbroken(f"{label} {count}") for label, count in labels)
    return " ".join(p for p in (phrases.exceptions_in_all(found), kinds) if p)  # the value counts items


def _of(part: int, whole: int) -> str:
    return t("deck.of", part=fmt.number(part), whole=fmt.number(whole))


def month(meeting: Meeting, found: Sequence[attention.Item]) -> Slide:
    """The month in one slide: goals on track, KPIs on target, what needs attention (`found`, told
    by measure: `attention.by_measure`), service priorities kept, values late and actions overdue,
    each counted, for what the viewer sees."""
    built = meeting.month_report
    own_goals, own_kpis = built.own(meeting.scope)  # a head's own, as her list of what needs attention
    goals = [row.status for row in own_goals]
    kpis = [row.status for row in own_kpis]
    measured = [s for s in goals if s is not GoalStatus.NO_DATA]
    lines = [
        Line(
            t("deck.month_goals"),
            _of(sum(s in GREEN_GOALS for s in goals), len(measured)),
            note=_counted(goals),
        ),
        Line(
            t("deck.month_kpis"),
            _of(kpis.count(KpiStatus.GREEN), len([s for s in kpis if s is not KpiStatus.NO_DATA])),
            note=_counted(kpis),
        ),
        Line(t("deck.exceptions_title"), fmt.number(len(found)), note=_kinds(found)),
    ]
    kept = [c.is_met_now for c in attention.compliance(built, meeting.priorities)]
    if kept:
        judged = [k for k in kept if k is not None]
        broken = t("deck.month_broken", count=judged.count(False))
        lines.append(Line(t("deck.month_priorities"), _of(judged.count(True), len(judged)), note=broken))
    # counted off the reader's list (`attention.as_told`): a head's late values and overdue
    # actions are her own, not those of the goals her work serves
    every = attention.every(found)  # told by measure: a late value may be told with its goal
    lines.append(Line(t("deck.month_late"), fmt.number(sum(i.kind is attention.Kind.LATE for i in every))))
    overdue = sum(i.kind is attention.Kind.LATE_ACTION for i in every)
    lines.append(Line(t("deck.month_overdue"), fmt.number(overdue)))
    said = tuple(replace(ln, why=" · ".join(p for p in (ln.value, ln.note) if p)) for ln in lines)
    return Slide("month", t("deck.month_title", month=fmt.month_long(built.month)), lines=said)


GREEN_GOALS = (GoalStatus.ACHIEVED, GoalStatus.ON_TRACK)


COMPARISONS = {"<=": "≤", ">=": "≥"}


def _priority_line(result: priorities.Compliance, unit: str) -> Line:
    """A service priority's month: kept or broken (never on or off target), the measured value
    against the promise, its worst day where call records were counted, and its last 12 months."""
    priority, event = result.priority, result.event
    if event is not None and priority.events is not None:
        value = fmt.value(event.share, "%")
        target = f"≥ {fmt.value(priority.events.share, '%')}"
        why = phrases.event_words(priority.events, event)
    else:
        value = fmt.value(result.value, unit)
        target = f"{COMPARISONS.get(priority.comparison, priority.comparison)} {fmt.value(priority.threshold, unit)}"
        why = ""
    if result.is_met_now is None:
        flag = Flag("no_data", t("departments.no_value"))
    else:
        flag = Flag(
            *(
                ("kept_priority", t("deck.kept"))
                if result.is_met_now
                else ("broken_priority", t("deck.broken"))
            )
        )
    # what the share is a share of, and its worst day: "74.5 %" alone had no unit (a CEO's trial)
    notes = [why] if why else []
    if result.measured:
        notes.append(t("departments.met_months", met=result.met, count=result.measured))
    # the notes say it as every other line: "⚠ Broken: 74.5 % against ≥ 80.0 %." before the calls'
    # detail and its 12 months (the detail alone stood there, a presenter's trial)
    return Line(priority.text, value, target, None, " · ".join(notes), flag=flag)


def priority_lines(meeting: Meeting) -> list[Line]:
    """The service priorities of the viewer's KPIs, broken first, then unjudged, then kept."""
    built = meeting.month_report
    results = attention.compliance(built, meeting.priorities)
    order = {False: 0, None: 1, True: 2}
    ordered = sorted(results, key=lambda r: order[r.is_met_now])
    return [_priority_line(r, built.kpis[r.priority.kpi].kpi.unit) for r in ordered]
