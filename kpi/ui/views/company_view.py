"""The Data page's Company tab: the name the packs' titles carry, and their logo and colour."""

from __future__ import annotations

import streamlit as st

from kpi.store import company
from kpi.text.i18n import t
from kpi.ui import data, firstrun, forms
from kpi.ui.frame import Context


def editor(ctx: Context) -> None:
    """One form; a refused one keeps what was typed (no clear on submit), a saved one is audited."""
    current = data.company(ctx.url)
    st.caption(t("company.explain"))
    if current.logo:
        st.image(current.logo, width=160, caption=t("company.logo_now"))
    with st.form("data.company"):
        name, logo, colour = firstrun.company_fields("data.company", current.name or "", current.colour)
        drop = st.checkbox(t("company.drop_logo"), key="data.company.drop", disabled=current.logo is None)
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted and forms.write(ctx, company.write, name=name, logo=logo, colour=colour, drop_logo=drop):
        st.rerun()
