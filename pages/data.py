"""Data (administrators): the strategy's definitions, and the audit log of every change."""

import streamlit as st

from kpi.text.i18n import t
from kpi.ui import frame
from kpi.ui.views import data_view

ctx = frame.sidebar("data")
st.title(t("definitions.title"))
st.caption(t("definitions.intro"))
data_view.render(ctx)
