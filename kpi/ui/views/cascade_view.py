"""The Goal cascade page's pieces: the tree table and the selected goal's detail."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from kpi.domain import (
    cascade,
    company_events,
    month_rows,
    months,
    outlook,
    priorities,
    report,
    samples,
    signals,
    verdicts,
)
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.company_events import CompanyEvent
from kpi.domain.initiatives import Verdict
from kpi.domain.model import Action, Aggregation, Commentary, GoalStatus, Level, MonthValue, Person, Promise
from kpi.output import charts
from kpi.text import fmt, palette, phrases, plain, splits, words
from kpi.text.i18n import t
from kpi.ui import figures, widgets

TREND_MONTHS = 24
TREND_HEIGHT = 340
"""A goal's trend chart, in pixels."""


def visible_rows(
    month_report: report.MonthReport, department: str | None, level: str | None
) -> list[tuple[int, month_rows.GoalRow]]:
    """(depth, row) in tree order, filtered by department and level."""
    out = []
    for depth, node in cascade.flatten(month_report.roots):
        row = month_report.goals[node.goal.code]
        if department and row.goal.department != department:
            continue
        if level and row.goal.level != level:
            continue
        out.append((depth, row))
    return out


def tree_table(
    rows: Sequence[tuple[int, month_rows.GoalRow]], kpis: Mapping[str, month_rows.KpiRow] | None = None
) -> pd.DataFrame:
    """The cascade as a table a CEO can read: indented titles, values with units, statuses and
    the process verdicts of each goal's KPI (`kpis`, the month report's KPI rows). The statuses
    and the verdicts are lists of labels (`widgets.labels`), drawn as chips in their colours; a
    goal whose sub-goals disagree with it (green parts, red whole, or the reverse) has the
    `MISMATCH` chip beside its sub-goals' status, which the column's help explains and the
    goal's detail names in words."""
    records = []
    for depth, row in rows:
        kpi_row = (kpis or {}).get(row.kpi.code) if row.kpi else None
        value, target = phrases.goal_figures(row)
        records.append(
            {
                "code": row.goal.code,
                t("cascade.col_goal"): "\u2003" * depth + ("└ " if depth else "") + row.goal.title,
                t("cascade.col_level"): t(f"level.{row.goal.level}"),
                t("cascade.col_status"): [palette.label(row.status)],
                t("cascade.col_value"): value,
                t("cascade.col_target"): target,
                t("cascade.col_rollup"): (
                    [palette.label(row.rollup), *([MISMATCH] if row.mismatch else [])]
                    if row.node.rolls_up
                    else []
                ),
                t("cascade.col_process"): phrases.verdict_labels(kpi_row.reading if kpi_row else None),
            }
        )
    return pd.DataFrame.from_records(records).set_index("code") if records else pd.DataFrame()


def _labels() -> dict[str, Any]:
    """The labels each column of them may hold, in the current language, and their looks
    (palette): every goal status (the goal's own and its sub-goals'), every process verdict."""
    statuses = {palette.label(status): palette.look(status) for status in GoalStatus}
    return {
        t("cascade.col_status"): statuses,
        t("cascade.col_rollup"): {**statuses, MISMATCH: palette.attention_look("mismatch")},
        t("cascade.col_process"): phrases.every_verdict_label(),
    }


def _pick(codes: list[str], key: str) -> None:
    """Selecting a row in the tree opens that goal (the `goal` picker and URL follow)."""
    picked = st.session_state[key].selection.rows
    if picked and picked[0] < len(codes):
        st.session_state["goal"] = codes[picked[0]]


MISMATCH = palette.attention_look("mismatch").icon
"""The chip beside the sub-goals' status of a goal they disagree with: the icon of a mismatch
on the Overview's list of what needs attention, in its colour. In words, as a column of its
own, it took 160 pixels, mostly empty, and pushed the process verdicts off a 1440-pixel screen."""
WIDE_GOAL_WIDTH = 252
"""Pixels for a goal's title on a screen: what the other widths below leave of the 959 pixels a
1280-pixel window gives the table beside a classic scrollbar (`widgets.ROOM_STYLE`,
`widgets.SCROLLBAR`; a 1440-pixel one gives 963), so a KPI's two process verdicts always show
whole: a title is the one cell whose words are whole elsewhere, in the goal's detail below.
About 36 characters show three levels deep. With the columns' automatic widths the process
column got about 130 pixels and cut every second verdict."""
ROLLUP_WIDTH = 125
"""Pixels for the sub-goals' status and the `MISMATCH` chip beside it, in both languages."""
STATUS_WIDTH = 100
"""Pixels for a goal's status chip: the longest, "✓ På sporet", with room to spare."""
PROCESS_WIDTH = 296
"""Pixels for a KPI's two process verdicts, the longest pair whole: "▼ Worse than usual" and
"● Consistently passing" (280 with their gap; in Danish "▲ Bedre end normalt" and "± Nogle gange
i mål", 271). At 250 "○ Consistently failing" was cut at 1440 pixels."""
NUMBER_WIDTH = 76
"""Pixels for a value and for a target: "12,345 ms" whole (the automatic width cut "2,000 ms" in
a long tree)."""
ROW_PICKER = 34
"""Pixels of the table's column of row checkboxes (32) and the grid's two borders."""
TABLE_WIDTH = ROW_PICKER + WIDE_GOAL_WIDTH + STATUS_WIDTH + 2 * NUMBER_WIDTH + ROLLUP_WIDTH + PROCESS_WIDTH
"""Pixels the whole table takes (with or without its sub-goals' column: its room is shared out)."""
LIST_BELOW = widgets.window_for(TABLE_WIDTH)
"""The narrowest window whose screen shows the table whole (1,280 pixels, a classic scrollbar
beside it): a narrower one, a tablet's 1,024 or 1,180, gets the tree as the phone's list, not a
table cut at its right edge."""
TREE_STYLE = f"""<style>
@media (max-width: {LIST_BELOW - 1}px) {{
  .st-key-wide-cascade, .st-key-wide-cascade-pick {{ display: none !important; }}
  .st-key-phone-cascade {{ display: flex !important; }}
}}
</style>"""
"""`widgets.SCREEN_STYLE`'s switch from the table to the list, for the tree, at `LIST_BELOW`.
Constant CSS, never people's text."""


def tree(
    rows: Sequence[tuple[int, month_rows.GoalRow]],
    kpis: Mapping[str, month_rows.KpiRow],
    goals: Mapping[str, month_rows.GoalRow],
) -> None:
    """Show the tree as a table; clicking a row opens the goal below. A phone gets the tree as
    a list (`phone_list`, nested by `goals`, every goal the viewer reads): a table there showed a
    fifth of each title and left the target off the screen."""
    if not rows:
        st.info(t("cascade.no_goals"))
        return
    frame = tree_table(rows, kpis)
    height = min(38 + 35 * len(frame), 640)
    widgets.screen_style()
    st.html(TREE_STYLE)
    with st.container(key="wide-cascade"):
        # The level shows as the indent (and is the filter above), so the screen's table
        # leaves its column out and the whole table fits 1440 pixels.
        # No goal shown rolls up (a head sees a part of the tree): the sub-goals' column goes,
        # its room to the titles and the verdicts ("Webshopkunderne oplever betalingen som nen…"
        # and "± Nogle gange i må…" stood beside an empty column).
        rolls = any(len(chips) for chips in frame[t("cascade.col_rollup")])
        left_out = {t("cascade.col_level")} | (set() if rolls else {t("cascade.col_rollup")})
        wide = [column for column in frame.columns if column not in left_out]
        freed = 0 if rolls else ROLLUP_WIDTH  # half to the titles, the rest to the verdicts
        widths = {
            t("cascade.col_goal"): WIDE_GOAL_WIDTH + freed // 2,
            t("cascade.col_value"): NUMBER_WIDTH,
            t("cascade.col_target"): NUMBER_WIDTH,
            t("cascade.col_rollup"): ROLLUP_WIDTH,
            t("cascade.col_status"): STATUS_WIDTH,
            t("cascade.col_process"): PROCESS_WIDTH + freed - freed // 2,
        }
        shown = {column: width for column, width in widths.items() if column in wide}
        _grid(frame[wide], list(frame.index), "cascade.tree", shown, height)
    with st.container(key="wide-cascade-pick"):
        st.caption(t("cascade.wide_pick"))
    with st.container(key="phone-cascade", gap="small"):
        st.markdown(phone_list(rows, goals))
        if len(rows) > widgets.PHONE_LIST_LIMIT:
            st.caption(t("cascade.phone_more", shown=widgets.PHONE_LIST_LIMIT, count=len(rows)))
        st.caption(t("cascade.phone_pick", picker=t("cascade.choose_goal")))


AFTER_ON_PHONE = """<style>
@media (max-width: 640px) {
  .st-key-phone-cascade, [data-testid="stLayoutWrapper"]:has(> .st-key-phone-cascade) { order: 1; }
}
</style>"""
"""A goal chosen (from the Overview's Open, by its address): on a phone the tree's list goes
after the goal's detail, which stood some 2,800 pixels down, under every goal of the tree.
Constant CSS, never people's text."""


def tree_after_on_phone() -> None:
    """Once a goal is chosen: a phone shows its detail first and the tree's list after it."""
    st.html(AFTER_ON_PHONE)


def phone_list(
    rows: Sequence[tuple[int, month_rows.GoalRow]], goals: Mapping[str, month_rows.GoalRow]
) -> str:
    """The tree as nested Markdown lists, each goal one item (`widgets.goal_line`: status, the
    whole title, value and target), the first `widgets.PHONE_LIST_LIMIT`. A filter can leave out a goal's
    parents, so a goal nests under the nearest of its ancestors (`goals`' parents) that is
    listed above it, and a goal none of whose ancestors is listed starts a list of its own: by
    depth alone, a department's goal whose parent was left out nested under a sibling of that
    parent. A list nests one level at a time (indented further, Markdown reads it as code)."""
    lines: list[str] = []
    listed: list[str] = []  # the codes of the listed goals the next may nest under, outermost first
    for _, row in rows[: widgets.PHONE_LIST_LIMIT]:
        above = _ancestors(row.goal.code, goals)
        while listed and listed[-1] not in above:
            listed.pop()
        lines.append(f"{'    ' * len(listed)}- {widgets.goal_line(row)}")
        listed.append(row.goal.code)
    return "\n".join(lines)


def _ancestors(code: str, goals: Mapping[str, month_rows.GoalRow]) -> set[str]:
    """The codes of the goals `code` serves, up the tree as far as `goals` reach."""
    found: set[str] = set()
    parent = goals[code].goal.parent if code in goals else None
    while parent is not None and parent not in found:
        found.add(parent)
        parent = goals[parent].goal.parent if parent in goals else None
    return found


def _grid(frame: pd.DataFrame, codes: list[str], key: str, widths: dict[str, int], height: int) -> None:
    """One shape of the tree's table: the columns of `frame`, some at `widths` pixels, statuses
    and verdicts as coloured labels; clicking a row opens that goal (`_pick`)."""
    config: dict[str, Any] = {
        column: st.column_config.TextColumn(width=width) for column, width in widths.items()
    }
    helps = {
        t("cascade.col_rollup"): t("cascade.rollup_help", mark=MISMATCH),
        # a new company's column stood empty, unexplained, for its first year
        t("cascade.col_process"): t(
            "cascade.process_empty", said=t("departments.process_help"), count=signals.MIN_POINTS
        ),
    }
    for column, looks in _labels().items():
        if column in frame.columns:
            config[column] = widgets.labels(looks, width=widths.get(column), help=helps.get(column))
    widgets.dataframe(
        frame,
        hide_index=True,
        column_config=config,
        on_select=functools.partial(_pick, codes, key),
        selection_mode="single-row",
        key=key,
        height=height,
        width="stretch",
    )


def detail(
    row: month_rows.GoalRow,
    month_report: report.MonthReport,
    history: Sequence[MonthValue],
    people: dict[str, Person],
    promises: dict[str, Promise],
    scope: Scope,
    facts: widgets.CardFacts = widgets.NO_CARD_FACTS,
    events: Sequence[CompanyEvent] = (),
    initiatives: Sequence[tuple[Action, Verdict]] = (),
    split: samples.Split | None = None,
    kept: Sequence[priorities.Compliance] = (),
) -> None:
    """Everything about one goal: status (and whether its KPI's value is late, or a service
    priority on it of those `kept` broken this month), trend (with the company events bearing on
    its KPI as bands and a priority's threshold), facts (with where the value came from, the verdicts of the initiatives meant to
    move its KPI and, for a survey KPI, why it moved: `split`), children."""
    st.subheader(plain.markdown(row.goal.title))
    code = row.kpi.code if row.kpi else ""
    late = facts.late_for(code)
    with st.container(horizontal=True):
        widgets.badge(row.status)
        if late is not None:
            flag, tip = widgets.late_badge(*late, month_report.month)
            st.markdown(flag, help=tip, width="content")
        if row.node.rolls_up:
            st.badge(
                t("cascade.rollup_badge", status=palette.label(row.rollup)),
                color=palette.look(row.rollup).streamlit,
            )
    kpi_row = month_report.kpis.get(row.kpi.code) if row.kpi else None
    verdict = phrases.process_verdict(kpi_row.reading, phrases.went_against(kpi_row)) if kpi_row else ""
    if verdict:
        st.markdown(verdict, help=t("departments.process_help"))
    lasting = (
        phrases.lasting_change(kpi_row.reading, kpi_row.limits_since(month_report.month)) if kpi_row else ""
    )
    if lasting:  # "better than usual" a year on: what makes it the usual
        st.caption(lasting)
    why = phrases.goal_reason(row, month_report.month)
    if why:
        st.caption(why)
    if row.mismatch:
        st.warning(
            f"**{t(f'mismatch.{row.mismatch}')}** — {t(f'mismatch.{row.mismatch}_help')}",
            icon=":material/report:",
        )
    for result in (
        c for c in kept if c.is_met_now is False
    ):  # "on track" at 30.3 h beside a broken promise of 24 h read as a contradiction
        kpi_unit = row.kpi.unit if row.kpi else "count"
        shown = fmt.value(result.event.share, "%") if result.event else fmt.value(result.value, kpi_unit)
        said = t("cascade.priority_broken", text=plain.markdown(result.priority.text), value=shown)
        st.warning(said, icon=":material/warning:")
    forecast = outlook.forecast(row, history, month_report.month)
    chart, column = st.columns([3, 2])
    with chart:
        promise = priorities.drawn_threshold([c.priority for c in kept], code)
        _trend(row, history, forecast, scope, kpi_row, month_report.month, events, promise)
    with column:
        _facts(row, month_report.month, history, forecast, people, promises)
        if split is not None and row.kpi is not None:
            noise = kpi_row.change_noise if kpi_row is not None else None
            st.markdown(plain.markdown(splits.since(split, row.kpi.unit, month_report.month, noise)))
            st.caption(t("cascade.split_help"))
        origin = facts.origin_for(code, row.value)
        if origin:
            st.caption(plain.markdown(origin))
        for action, judged in initiatives:
            if action.kpi == code:
                st.markdown(widgets.initiative_line(action, judged))
    _children(row, month_report)


def _trend(
    row: month_rows.GoalRow,
    history: Sequence[MonthValue],
    forecast: float | None,
    scope: Scope,
    kpi_row: month_rows.KpiRow | None,
    month: date,
    events: Sequence[CompanyEvent] = (),
    promise: float | None = None,
) -> None:
    kpi = row.kpi
    if kpi is None:
        st.caption(t("widget.no_kpi"))
        return
    points = [(v.month, v.value) for v in history]
    at_deadline = (
        (months.first_of(row.goal.deadline), forecast) if forecast is not None and row.goal.deadline else None
    )
    limits, marked = kpi_row.chart_marks(month) if kpi_row else (None, ())
    start, deadline = row.goal.start, row.goal.deadline
    path = (
        []
        if start is None or deadline is None
        else months.between(months.first_of(start), months.first_of(deadline))
    )
    spec = charts.TrendSpec(
        title=t("cascade.trend_title", kpi=kpi.name),
        unit=kpi.unit,
        target=row.goal.target,
        tolerance=kpi.tolerance,
        is_higher_better=kpi.direction == "higher",
        baseline=row.goal.baseline,
        forecast=at_deadline,
        limits=limits,
        limits_since=kpi_row.limits_since(month) if kpi_row else None,
        signals=marked,
        bands=company_events.bands(events, kpi.code, kpi.department, [m for m, _ in points]),
        path=verdicts.path(row.goal, path),
        promise=promise,
    )
    figures.draw(figures.trend(scope, points, spec), TREND_HEIGHT, f"cascade.trend.{row.goal.code}")


def _facts(
    row: month_rows.GoalRow,
    month: date,
    history: Sequence[MonthValue],
    forecast: float | None,
    people: dict[str, Person],
    promises: dict[str, Promise],
) -> None:
    g, kpi = row.goal, row.kpi
    unit = kpi.unit if kpi else "count"
    owner = plain.markdown(people[g.owner].name) if g.owner in people else t("cascade.no_owner")
    value, target = phrases.goal_figures(row)
    lines = [
        t("cascade.fact_value", value=value),
        t(
            "cascade.fact_goal",
            baseline=fmt.value(g.baseline, unit),
            target=target,
            by=phrases.by_deadline(g.deadline),
        ),
    ]
    pace = row.pace(month)
    if pace:
        lines.append(phrases.pace(*pace, baseline=fmt.value(g.baseline, unit)))
    if forecast is not None:
        lines.append(
            t(
                "widget.forecast",
                value=phrases.forecast(
                    forecast,
                    g.target,
                    unit,
                    kpi.direction,
                    row.status,
                    outlook.forecast_margin(row, history, month),
                )
                if kpi
                else fmt.value(forecast, unit),
            )
        )
    elif said := phrases.no_forecast_why(row, history, month):
        lines.append(said)
    if kpi:
        ytd = outlook.year_to_date(history, month, kpi)
        key = "cascade.fact_ytd_total" if kpi.aggregation is Aggregation.SUM else "cascade.fact_ytd"
        lines.append(t(key, value=fmt.value(ytd, unit), year=month.year))
    note = widgets.value_note(row.value, unit, history)  # a survey's: the detail shows no change figure
    if note:
        lines.append(note)
    lines.append(t("cascade.fact_owner", owner=owner))
    if kpi:
        lines.append(t("cascade.fact_kpi", kpi=plain.markdown(kpi.name)))
    if g.promise and g.promise in promises:
        lines.append(t("cascade.fact_promise", promise=plain.markdown(promises[g.promise].text)))
    st.markdown("\n".join(f"- {line}" for line in lines))
    if kpi and kpi.definition:
        st.caption(widgets.kpi_help(kpi))


def _children(row: month_rows.GoalRow, month_report: report.MonthReport) -> None:
    if not row.node.children:
        return
    st.markdown(f"**{t('cascade.children')}**")
    for child in row.node.children:
        crow = month_report.goals[child.goal.code]
        unit = crow.kpi.unit if crow.kpi else "count"
        value = fmt.value(crow.value.value if crow.value else None, unit)
        st.markdown(f"{widgets.badge_markdown(crow.status)} {plain.markdown(crow.goal.title)} — {value}")


def actions_and_comments(
    row: month_rows.GoalRow,
    today: date,
    actions: Sequence[Action],
    comments: Sequence[Commentary],
    people: dict[str, Person],
    verdicts: Mapping[int, Verdict] | None = None,
    scope: Scope = EVERYTHING,
) -> None:
    """The goal's actions and the month's commentary on it, each only where `scope` reads it: a
    goal read by line of sight, or for one's own action on it, said "No commentary for this
    month" where its department had commented (an adversarial round)."""
    code, department = row.goal.code, row.goal.department
    left, right = st.columns(2)
    if scope.reads_actions(code, department):
        with left:
            st.markdown(f"**{t('cascade.actions')}**")
            widgets.action_list([a for a in actions if a.goal == code], people, today, None, verdicts)
    if not scope.follows(code, department):
        return
    with right:
        st.markdown(f"**{t('cascade.commentary')}**")
        kpi_code = row.kpi.code if row.kpi else None
        widgets.comment_list(
            [c for c in comments if c.goal == row.goal.code or (kpi_code and c.kpi == kpi_code)], people
        )


def target_history(entries: Sequence[tuple], unit: str, people: dict[str, Person]) -> None:
    """Every target the goal has had: a changed target never rewrites history."""
    if len(entries) < 2:
        return  # only the first target: nothing has changed
    names = {email: person.name for email, person in people.items()}
    with st.expander(t("cascade.target_history", count=len(entries) - 1), icon=":material/history:"):
        for at, who, before, after in entries:
            name = plain.markdown(words.who(names, who))
            if before is None:
                line = t(
                    "cascade.target_set",
                    target=fmt.value(after, unit),
                    who=name,
                    when=fmt.day_unbroken(at.date()),
                )
            else:
                line = t(
                    "cascade.target_changed",
                    before=fmt.value(before, unit),
                    target=fmt.value(after, unit),
                    who=name,
                    when=fmt.day_unbroken(at.date()),
                )
            st.markdown(f"- {line}")


def level_options() -> list[str]:
    return [str(level) for level in Level]
