"""The reporting cycle on the pages: the month's dates in one line (Overview), who still owes
what (Overview, the viewer's own items first, then per department and person), and the Data
page's calendar editor for administrators."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import streamlit as st

from kpi.domain import cycle, months, owed
from kpi.store import cycle as calendars
from kpi.text import fmt, phrases, plain
from kpi.text.i18n import t
from kpi.ui import data, forms, widgets
from kpi.ui.frame import Context

AROUND = (-2, 3)
"""The editor lists the months from two before the sidebar's month to three after it."""


def _dates(calendar: cycle.Calendar) -> dict[str, str]:
    return {name: fmt.day_unbroken(calendar.due(name)) for name in cycle.DATES}


def calendar_line(calendar: cycle.Calendar, closed: date | None = None) -> None:
    """The month's four dates in one line, read-only: everyone plans by them; a month `closed`
    says the day it was closed instead of the day it was to be (it said "month closes 16 Dec"
    after it was closed on the 6th)."""
    st.caption(phrases.calendar_said(calendar, closed, fmt.day_unbroken), help=t("cycle.line_help"))


OWED_ANCHOR = "who-owes-what"
"""Where *Who still owes what* begins, which `owed_pointer` links to: a head's items stood some
3,500 pixels down the Overview on a phone, and nothing at the top said she owed any."""


def owed_pointer(found: Sequence[owed.Item], email: str, month_label: str) -> None:
    """At the top of the Overview, for a viewer who owes something: how many items, and the
    first due date, as a link to her items (`OWED_ANCHOR`)."""
    mine = [i for i in found if i.email == email]
    if not mine:
        return
    first = min(i.due for i in mine)
    key = "cycle.owed_top" if any(i.due != first for i in mine) else "cycle.owed_top_same"
    if any(i.overdue and i.due == first for i in mine):  # "for November, due 31 Oct" read as a slip
        key = "cycle.owed_top_was_due" if key == "cycle.owed_top" else "cycle.owed_top_were_due"
    said = t(key, count=len(mine), month=month_label, date=fmt.day_unbroken(first))
    late = sum(i.overdue for i in mine)
    flag = f" :orange-badge[⚠ {t('cycle.owed_top_late', count=late)}]" if late else ""
    st.markdown(f"[**{said}**](#{OWED_ANCHOR}){flag}")


def owed_section(
    found: Sequence[owed.Item],
    email: str,
    names: Mapping[str, str],
    departments: Mapping[str, str],
    month_label: str,
) -> None:
    """Who still owes what for the month: the viewer's own items first (open), then everyone
    else's in scope, per department, each with who owes it, its due date and whether it is
    overdue."""
    mine = [i for i in found if i.email == email]
    title = t("cycle.owed_title", month=month_label, count=len(found))

    def content() -> None:
        if not found:
            st.success(t("cycle.owed_none", month=month_label), icon=":material/check_circle:")
            return
        late = sum(1 for i in found if i.overdue)
        # who owes what in the help: the rule in full was a wall on a phone (a head's trial)
        said = t("cycle.owed_intro", count=late) if late else t("cycle.owed_intro_none")
        st.caption(said, help=t("cycle.owed_rules"))
        if mine:  # each with the way to where it is done (a head's trial: her items went nowhere)
            st.markdown(f"**{t('cycle.owed_yours', count=len(mine))}**")
            for number, item in enumerate(mine):
                _own_row(item, number)
        rest = [i for i in found if i.email != email]

        def groups(shown: Sequence[tuple[str | None, list[owed.Item]]]) -> None:
            parts = []
            for department, items in shown:
                name = departments.get(department or "", department or t("cycle.no_department"))
                heading = f"**{plain.markdown(name)}** · {t('cycle.items', count=len(items))}"
                parts.append(f"{heading}\n\n{_table(items, names)}")
            if parts:  # one element for every group shown: the browser pays per element
                st.markdown("\n\n".join(parts))

        widgets.paged("overview.owed", list(owed.by_department(rest).items()), groups)

    # constant, never people's text; the fold's title lands below the page's top bar, not under it
    st.html(f'<div id="{OWED_ANCHOR}" style="scroll-margin-top: 4rem"></div>')
    widgets.folded("overview.owed", title, content, expanded=bool(mine), icon=":material/assignment_late:")


def _line(i: owed.Item) -> str:
    """An item in words: overdue (icon and word; an item not yet due says only its date: a grey
    "Open" beside the Overview's Open links read as one that did nothing), what it is about (as
    typed, escaped), what is owed and by when (a date never broken across lines)."""
    state = f":orange-badge[⚠ {t('cycle.overdue')}] " if i.overdue else ""
    return " · ".join(
        [
            f"{state}**{plain.markdown(i.subject)}**",
            t(f"cycle.kind_{i.kind}"),
            t("cycle.due_on", date=fmt.day_unbroken(i.due)),
        ]
    )


def _own_row(item: owed.Item, number: int) -> None:
    """One of the viewer's own items (the `number`th: a KPI and a goal may share a code), and at
    its right (under it on a phone) the way to its goal, where a comment, an acceptance or an
    action is written, else to its department."""
    key = f"{widgets.ROW_KEY}owed-{number}"
    with st.container(horizontal=True, vertical_alignment="center", wrap=False, key=key):
        st.markdown(_line(item), width="stretch")
        if item.goal:
            widgets.goal_link(item.goal, t("overview.open_goal"))
        elif item.department:
            widgets.department_link(item.department, t("overview.open_department"))


def _table(items: Sequence[owed.Item], names: Mapping[str, str]) -> str:
    """A Markdown list, one line per item (`_line`), wrapping on a phone, with who owes it."""
    lines = []
    for i in items:
        who = plain.markdown(names.get(i.email, i.email)) if i.email else t("cycle.nobody")
        lines.append(f"- {_line(i)} · {who}")
    return "\n".join(lines)


def editor(ctx: Context) -> None:
    """The Data page's calendar tab: the sidebar month's four dates (prefilled with what holds
    now, set or by the default rule), checked by the store as a whole (`cycle.check`), then the
    months around it."""
    month = fmt.month_long(ctx.month)
    current = data.calendar(ctx.url, ctx.month)
    st.caption(
        t(
            "cycle.rule",
            days=data.late_days(ctx.url),
            commentary=cycle.COMMENTARY_DAYS,
            meeting=cycle.MEETING_DAYS,
        )
    )
    note = "cycle.set_note" if current.is_set else "cycle.default_note"
    st.info(t(note, month=month), icon=":material/event:")
    keys = {name: f"data.calendar.{months.key(ctx.month)}.{name}" for name in cycle.DATES}
    with st.form("data.calendar"):
        st.markdown(f"**{t('cycle.editor_title', month=month)}**")
        columns = st.columns(len(cycle.DATES))
        typed = {}
        for column, name in zip(columns, cycle.DATES, strict=True):
            with column:
                typed[name] = st.date_input(
                    t(f"field.{name}"),
                    current.due(name),
                    format=fmt.date_pattern(),
                    help=t(f"cycle.{name}_help"),
                    key=keys[name],
                )
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted and forms.write(ctx, calendars.write, typed={"month": ctx.month, **typed}):
        st.rerun()
    _around(ctx)


def _around(ctx: Context) -> None:
    first, last = (months.add(ctx.month, n) for n in AROUND)
    rows = [
        {
            t("field.month"): fmt.month_long(c.month),
            **{t(f"field.{name}"): day for name, day in _dates(c).items()},
            t("cycle.col_how"): t("cycle.is_set") if c.is_set else t("cycle.is_default"),
        }
        for c in data.calendars_around(ctx.url, first, last)
    ]
    st.markdown(f"**{t('cycle.around')}**")
    st.dataframe(rows, hide_index=True, width="stretch", key="data.calendar.around")
