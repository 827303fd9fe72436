"""Present: the month's meeting, one slide at a time on a 16:9 screen, with the packs to hand out."""

import streamlit as st

from kpi.ui import data, frame
from kpi.ui.views import present_view

st.set_page_config(initial_sidebar_state="collapsed")
ctx = frame.sidebar("present")


def read() -> present_view.Meeting:
    """The deck, read at every click (cached by the data version)."""
    return data.deck(ctx.url, ctx.scope, ctx.month, ctx.language, ctx.today)


present_view.meeting(read, ctx.scope)
present_view.keys()
