"""The Departments page's pieces: KPI cards by journey phase, the trend of the KPI picked, goals, service
priorities, and the department's actions and commentary (with forms for those who may write)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import streamlit as st

from kpi.domain import attention, company_events, month_rows, months, priorities, report, signals
from kpi.domain.access import Scope
from kpi.domain.company_events import CompanyEvent
from kpi.domain.model import Commentary, JourneyPhase, Kpi, MonthValue, ServicePriority
from kpi.output import charts
from kpi.text import fmt, palette, phrases, plain
from kpi.text.i18n import t
from kpi.ui import figures, widgets

PHASES: tuple[str | None, ...] = (*(str(phase) for phase in JourneyPhase), None)
"""The journey's phases in order, then KPIs without one."""
CARDS_PER_ROW = 4
TREND_MONTHS = 24


def first_shown(own: str | None, visible: Sequence[str]) -> str:
    """The department the page opens on: the viewer's own when they may see it, else the first
    they may (`visible` is never empty here: the page turns away a viewer who sees none)."""
    return own if own is not None and own in visible else visible[0]


def by_phase(rows: Sequence[month_rows.KpiRow]) -> list[tuple[str | None, list[month_rows.KpiRow]]]:
    """KPI rows grouped by customer-journey phase, in the journey's order."""
    groups = [(phase, [r for r in rows if _phase(r) == phase]) for phase in PHASES]
    return [(phase, group) for phase, group in groups if group]


def _phase(row: month_rows.KpiRow) -> str | None:
    """The KPI's phase; one the cockpit does not know (stored before phases were checked) is none,
    so the KPI still shows."""
    return row.kpi.journey_phase if row.kpi.journey_phase in PHASES else None


def phase_title(phase: str | None) -> str:
    """`Customer journey: Purchase` (a bare "Purchase" over IT's cards read as a department's
    purchasing); KPIs without a phase under `Other KPIs`."""
    if phase is None:
        return t("departments.phase_none")
    return t("departments.phase", phase=t(f"phase.{phase}"))


def kpi_cards(
    month_report: report.MonthReport,
    history: dict[str, list[MonthValue]],
    comments: Sequence[Commentary] = (),
    facts: widgets.CardFacts = widgets.NO_CARD_FACTS,
    events: Sequence[CompanyEvent] = (),
    home: tuple[str, Mapping[str, str]] | None = None,
    service: Sequence[ServicePriority] = (),
) -> None:
    """A card per KPI by journey phase (one whose service priority of `service` is broken
    this month says so, as the Overview and the goal do: the card said "Close" against its month
    target while they said the promise to customers was broken, a head's trial); `facts` flag a late value and say where each came from;
    each card's sparkline shades the months of the company `events` bearing on its KPI. On a
    department's page (`home`: its code, and the names of the departments the reader reads) a
    KPI of another department, there because it measures a goal of this one, says whose it is
    (the board's page showed customer service's NPS card without a word), and a department
    without any KPI says so."""
    if home is not None and not month_report.kpis:
        st.info(t("departments.no_kpis"))
    code, names = home if home is not None else (None, {})
    elsewhere = {  # by name where the reader reads that department, else by its code
        row.kpi.code: plain.markdown(names.get(row.kpi.department or "", row.kpi.department or ""))
        for row in month_report.kpis.values()
        if code is not None and row.kpi.department != code
    }
    lasting = [row for row in month_report.kpis.values() if row.reading is not None and row.reading.moved]
    if lasting:  # once for the page: on each card it took a third of a phone's screen
        since = {row.limits_since(month_report.month) for row in lasting}  # one change for them all?
        recorded = None not in since  # each drawn from a change recorded already: not "record one"
        what = phrases.lasting_what(
            next(iter(since)) if len(since) == 1 else None, recorded and len(since) > 1
        )
        st.caption(t("departments.lasting", count=len(lasting), what=what))
    kept = attention.compliance(month_report, service)
    widgets.card_style()
    for phase, rows in by_phase(list(month_report.kpis.values())):
        st.markdown(f"#### {phase_title(phase)}")
        for start in range(0, len(rows), CARDS_PER_ROW):
            for column, row in zip(
                st.columns(CARDS_PER_ROW), rows[start : start + CARDS_PER_ROW], strict=False
            ):
                with column:
                    whose = elsewhere.get(row.kpi.code)
                    broken = [c for c in kept if c.priority.kpi == row.kpi.code and c.is_met_now is False]
                    _card(
                        row, history.get(row.kpi.code, []), month_report.month, facts, events, whose, broken
                    )
                    widgets.say([c for c in comments if c.kpi == row.kpi.code])


def _card(
    row: month_rows.KpiRow,
    points: Sequence[MonthValue],
    month: date,
    facts: widgets.CardFacts,
    events: Sequence[CompanyEvent],
    whose: str | None = None,
    broken: Sequence[priorities.Compliance] = (),
) -> None:
    kpi = row.kpi
    with st.container(border=True):
        late = facts.late_for(kpi.code)
        widgets.status_badges(row.status, late[0] if late else None, late[1] if late else month, month)
        value = row.value.value if row.value else None
        origin = facts.origin_for(kpi.code, row.value)
        key = f"card-{kpi.code}"
        target = row.target.value if row.target else None
        noise = row.change_noise
        widgets.kpi_metric(kpi, value, row.delta_previous, month, points, key, origin, events, target, noise)
        verdict = phrases.process_verdict(row.reading, phrases.went_against(row))  # under the value
        if verdict:  # a lasting change in the help: the page says it once above the cards (`kpi_cards`)
            st.markdown(verdict, help=phrases.verdict_help(row.reading, row.limits_since(month)))
        settling = row.settling(month)
        if settling is not None:  # a change recorded lately: why the verdicts are gone
            since, count = settling
            said = t(
                "departments.no_limits_yet", count=count, need=signals.MIN_POINTS, month=fmt.month_long(since)
            )
            st.caption(said)
        lines = [
            t(
                "departments.card_priority_broken",
                text=plain.markdown(c.priority.text),
                met=c.met,
                count=c.measured,
            )
            for c in broken
        ]
        lines.append(t("departments.target", target=phrases.labelled_target(row.target, kpi.unit, month)))
        note = widgets.value_note(row.value, row.kpi.unit, points, row.reading)
        if note:
            lines.append(note)
        if whose:  # another department's KPI, on a goal of this one (`kpi_cards`)
            lines.append(t("departments.kpi_elsewhere", department=whose))
        st.caption("  \n".join(lines))


def months_shown(history: dict[str, list[MonthValue]]) -> int:
    """How many months the trend charts span, from the first month with a value to the last:
    a department measured for six months has six months of trends, whatever was asked for."""
    shown = [v.month for series in history.values() for v in series]
    return months.diff(min(shown), max(shown)) + 1 if shown else 0


def trends(
    month_report: report.MonthReport,
    history: dict[str, list[MonthValue]],
    scope: Scope,
    events: Sequence[CompanyEvent] = (),
    service: Sequence[ServicePriority] = (),
) -> None:
    """One KPI's trend at a time, picked among the department's KPIs (in the cards' order, the
    first one to begin with). Every card already draws its KPI's sparkline; eight full charts
    at once (then Plotly's) made a click onto this page cost over a second in the browser, and
    one costs an eighth of it. The picker and its chart are a
    fragment (`widgets.fragment`): picking another KPI reruns them alone, not the page."""
    rows = trend_rows(month_report)
    if rows:
        _chosen_trend(
            {row.kpi.code: row for row in rows}, history, scope, month_report.month, events, service
        )


def trend_rows(month_report: report.MonthReport) -> list[month_rows.KpiRow]:
    """The KPIs the trend picker offers, in the cards' order: the first is the one shown first."""
    return [row for _phase, group in by_phase(list(month_report.kpis.values())) for row in group]


@widgets.fragment
def _chosen_trend(
    rows: dict[str, month_rows.KpiRow],
    history: dict[str, list[MonthValue]],
    scope: Scope,
    month: date,
    events: Sequence[CompanyEvent],
    service: Sequence[ServicePriority] = (),
) -> None:
    measured = [c for c in rows if history.get(c)]  # a KPI without values yet drew an empty frame
    code = st.pills(
        t("departments.trend_of"),
        list(rows),
        default=(measured or list(rows))[0],
        required=True,
        format_func=lambda c: plain.markdown(rows[c].kpi.name),  # a label reads Markdown
        key="departments.trend_kpi",
    )
    row = rows[code if code in rows else next(iter(rows))]
    points = history.get(row.kpi.code, [])
    if not points:
        st.caption(t("departments.no_values_yet", kpi=plain.markdown(row.kpi.name)))
        return
    figures.draw(
        trend_figure(row, points, scope, month, events, service),
        TREND_HEIGHT,
        f"departments.trend.{row.kpi.code}",
    )


TREND_HEIGHT = 340
"""As the goal detail's: on a phone the legend wraps onto three rows above the plot."""


def trend_figure(
    row: month_rows.KpiRow,
    points: Sequence[MonthValue],
    scope: Scope,
    month: date,
    events: Sequence[CompanyEvent] = (),
    service: Sequence[ServicePriority] = (),
) -> charts.Chart:
    """The KPI's trend chart, made once for the same inputs (`figures.trend`): the warm-up makes
    the first one of the departments it warms (kpi.ui.data), so the page's first visit finds it."""
    spec = trend_spec(row, points, month, events, service)
    return figures.trend(scope, [(p.month, p.value) for p in points], spec)


def trend_spec(
    row: month_rows.KpiRow,
    points: Sequence[MonthValue],
    month: date,
    events: Sequence[CompanyEvent] = (),
    service: Sequence[ServicePriority] = (),
) -> charts.TrendSpec:
    """A KPI's trend: its month targets, tolerance, process limits, signals, the company events
    bearing on it (bands over the months they touch) and the threshold of a service priority of
    `service` judged by its value (one measured over call records judges a share of calls)."""
    kpi = row.kpi
    limits, marked = row.chart_marks(month)
    targets = [(p.month, row.target_at(p.month)) for p in points]
    return charts.TrendSpec(
        title=kpi.name,
        unit=kpi.unit,
        target=row.target.value if row.target else kpi.target,
        tolerance=kpi.tolerance,
        is_higher_better=kpi.direction == "higher",
        limits=limits,
        limits_since=row.limits_since(month),
        signals=marked,
        targets=tuple((m, target.value) for m, target in targets if target is not None),
        bands=company_events.bands(events, kpi.code, kpi.department, [p.month for p in points]),
        promise=priorities.drawn_threshold(service, kpi.code),
    )


def goals(month_report: report.MonthReport) -> None:
    rows = list(month_report.goals.values())
    if not rows:
        st.caption(t("departments.no_goals"))
    for row in rows:
        why = phrases.goal_reason(row, month_report.month)
        # the words take what the link leaves: a column of a fixed share cut "Open" to "Ope"
        with st.container(horizontal=True, vertical_alignment="center", wrap=False):
            with st.container(width="stretch", gap=None):
                st.markdown(widgets.goal_line(row))
                if why:
                    st.caption(why)
            widgets.goal_link(row.goal.code, t("overview.open_goal"))


def service_priorities(results: Sequence[priorities.Compliance], kpis: dict[str, Kpi]) -> None:
    if not results:
        st.caption(t("departments.no_priorities"))
    for result in results:
        kpi = kpis[result.priority.kpi]
        with st.container(border=True):
            if result.is_met_now is None:
                verdict = f":gray-badge[– {t('departments.no_value')}]"
            elif result.is_met_now:
                verdict = (
                    f":{palette.look(palette.KpiStatus.GREEN).streamlit}-badge[✓ {t('departments.met')}]"
                )
            else:  # broken, with the Overview's icon for a broken priority
                verdict = widgets.attention_badge("broken_priority", t("departments.not_met"))
            text = plain.markdown(result.priority.text)
            events, event = result.priority.events, result.event
            shown = fmt.value(event.share, "%") if event else fmt.value(result.value, kpi.unit)
            st.markdown(f"**{text}**  \n{verdict} {shown}")
            if events is not None and event is not None:  # judged over call records: say so in words
                st.caption(plain.markdown(phrases.event_words(events, event)))
            if result.share is not None:
                st.progress(
                    result.share, text=t("departments.met_months", met=result.met, count=result.measured)
                )
