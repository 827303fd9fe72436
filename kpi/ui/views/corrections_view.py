"""The Data page's "Correct or delete" tab: take back a wrong value, month or survey answers.

The store does the work and the audit (kpi.store.corrections); this form only reads what the
administrator typed. A month is typed, not picked, so a month outside the picker (a stray
9999-12) can be cleaned too.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import streamlit as st

from kpi.domain import validate
from kpi.domain.errors import CockpitError
from kpi.domain.model import Person
from kpi.store import corrections
from kpi.text import phrases, plain
from kpi.text.i18n import t
from kpi.ui import forms, notices
from kpi.ui.frame import Context

WHAT = ("delete", "answers", "correct")


CHECK = "data.correct.check"
"""Session key of the words on a corrected value far from its KPI's usual ones, shown on the run
after the correction (the form reruns the page): to look at once more."""


def panel(ctx: Context) -> None:
    st.caption(t("correct.intro"))
    said = st.session_state.pop(CHECK, "")
    if said:
        st.warning(plain.markdown(said), icon=":material/troubleshoot:")
    with st.form("data.correct"):
        kpi = st.text_input(t("correct.kpi"), key="data.correct.kpi").strip() or None
        month_text = st.text_input(t("correct.month"), placeholder="2026-10", key="data.correct.month")
        what = st.radio(
            t("correct.what"), WHAT, format_func=lambda w: t(f"correct.what_{w}"), key="data.correct.what"
        )
        value = st.text_input(t("correct.value"), key="data.correct.value")
        submitted = st.form_submit_button(t("correct.apply"), type="primary")
    if not submitted:
        return
    try:
        month = validate.month(month_text, "correct.month", required=True)
    except CockpitError as refusal:
        notices.show(refusal)
        return
    assert month is not None
    if what == "correct":
        kept: list[corrections.Corrected] = []

        def correct(conn: sa.Connection, viewer: Person, kpi: str, month: date, value: str) -> None:
            kept.append(corrections.correct(conn, viewer, kpi, month, value))

        done = forms.write(ctx, correct, kpi=kpi or "", month=month, value=value)
        if done and kept and kept[0].unusual:  # corrected all the same: the person typed it
            st.session_state[CHECK] = phrases.to_check(kept[0].unusual)
    else:
        done = forms.write(ctx, corrections.delete, month=month, kpi=kpi, answers=what == "answers")
    if done:
        st.rerun()
