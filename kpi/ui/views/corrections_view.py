"""The Data page's "Correct or delete" tab: take back a wrong value, month or survey answers.

The store does the work and the audit (kpi.store.corrections); this form only reads what the
administrator typed. A month is typed, not picked, so a month outside the picker (a stray
9999-12) can be cleaned too.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import streamlit as st

from kpi.domain import months, validate
from kpi.domain.errors import CockpitError
from kpi.domain.model import Person
from kpi.store import corrections, engine
from kpi.text import phrases, plain
from kpi.text.i18n import t
from kpi.ui import data, forms, notices
from kpi.ui.frame import Context

WHAT = ("correct", "delete", "answers")
"""Correcting first, the form's choice until another is picked: a deletion is never what an
untouched form does."""


ASKED = "data.correct.asked"
"""Session key of the deletion the form asked for (`corrections.Deletion`), shown with what it
would take and asked once more before anything is deleted."""

CHECK = "data.correct.check"
"""Session key of the words on a corrected value far from its KPI's usual ones, shown on the run
after the correction (the form reruns the page): to look at once more."""


def panel(ctx: Context) -> None:
    st.caption(t("correct.intro"))
    said = st.session_state.pop(CHECK, "")
    if said:
        st.warning(plain.markdown(said), icon=":material/troubleshoot:")
    asking = st.container()  # the deletion asked for, filled once this run's request is handled
    with st.form("data.correct"):
        kpi = st.text_input(t("correct.kpi"), key="data.correct.kpi").strip() or None
        # the sidebar's month to start from: the form had stood empty beside it (an administrator's trial)
        month_text = st.text_input(t("correct.month"), value=months.key(ctx.month), key="data.correct.month")
        what = st.radio(
            t("correct.what"), WHAT, format_func=lambda w: t(f"correct.what_{w}"), key="data.correct.what"
        )
        value = st.text_input(t("correct.value"), key="data.correct.value")
        submitted = st.form_submit_button(t("correct.apply"), type="primary")
    if submitted:
        st.session_state.pop(ASKED, None)  # a new request: the one asked before is no longer wanted
        _request(ctx, kpi, month_text, what, value)
    with asking:
        confirm(ctx)


def _request(ctx: Context, kpi: str | None, month_text: str, what: str, value: str) -> None:
    """The form's request: a correction is made; a deletion is worked out and asked once more."""
    try:
        month = validate.month(month_text, "correct.month", required=True)
    except CockpitError as refusal:
        notices.show(refusal)
        return
    assert month is not None
    if what != "correct":  # said and asked once more first (`confirm`), for what the form holds
        try:
            with engine.reading(data.store()) as conn:
                asked = corrections.plan(conn, ctx.viewer, month, kpi, answers=what == "answers")
        except CockpitError as refusal:
            notices.show(refusal)
            return
        st.session_state[ASKED] = (_typed(), asked)
        st.rerun()
    kept: list[corrections.Corrected] = []

    def correct(conn: sa.Connection, viewer: Person, kpi: str, month: date, value: str) -> None:
        kept.append(corrections.correct(conn, viewer, kpi, month, value))

    if not forms.write(ctx, correct, kpi=kpi or "", month=month, value=value):
        return
    fixed = kept[0]  # what it did, as the command line says it ("already is …" said nothing)
    unchanged = fixed.outcome == "unchanged"
    said = phrases.correction(
        unchanged, fixed.kpi, month, fixed.value, fixed.unit, fixed.before, fixed.closed
    )
    moved = phrases.targets_said(fixed.moved, 0, month)
    notices.saved(plain.markdown(f"{said} {moved}" if moved else said))
    if fixed.unusual:  # corrected all the same: the person typed it
        st.session_state[CHECK] = phrases.to_check(fixed.unusual)
    st.rerun()


def _typed() -> tuple[object, ...]:
    """What the form holds: a deletion asked for is shown only while it still does (a new page
    visit starts an empty form, and the one asked before a visit elsewhere was still offered)."""
    return tuple(st.session_state.get(f"data.correct.{name}") for name in ("kpi", "month", "what"))


def confirm(ctx: Context) -> None:
    """The deletion asked for, what it would take, and whether to go on: nothing is deleted
    until its own button says how much, and then exactly that (`corrections.delete`'s `asked`)."""
    held: tuple[tuple[object, ...], corrections.Deletion] | None = st.session_state.get(ASKED)
    if held is None or held[0] != _typed():
        st.session_state.pop(ASKED, None)
        return
    asked = held[1]
    found = asked.found
    said = phrases.deletion(found.values, found.answers, asked.kpi, asked.month, asked=True)
    moved = phrases.targets_said(found.moved, found.moved_kpis, asked.month)
    st.warning(plain.markdown(f"{said} {moved}" if moved else said), icon=":material/delete:")
    kind, count = ("answers", found.answers) if asked.answers else ("values", found.values)
    with st.container(horizontal=True):
        go = st.button(t(f"correct.delete_{kind}", count=count), type="primary", key="data.correct.go")
        stop = st.button(t("correct.keep"), key="data.correct.stop")
    if stop:
        del st.session_state[ASKED]
        st.rerun()
    if go:
        del st.session_state[ASKED]
        gone: list[corrections.Deleted] = []

        def delete(conn: sa.Connection, viewer: Person) -> None:
            done = corrections.delete(
                conn, viewer, asked.month, asked.kpi, answers=asked.answers, asked=asked
            )
            gone.append(done)

        if forms.write(ctx, delete):
            notices.saved(
                plain.markdown(phrases.deletion(gone[0].values, gone[0].answers, asked.kpi, asked.month))
            )
            st.rerun()
