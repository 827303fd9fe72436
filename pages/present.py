"""Present: the month's meeting, one slide at a time on a 16:9 screen, with the packs to hand out."""

import streamlit as st

from kpi.text import fmt
from kpi.text.i18n import t
from kpi.ui import data, frame
from kpi.ui.views import present_view

st.set_page_config(initial_sidebar_state="collapsed")
ctx = frame.sidebar("present")


def read() -> present_view.Meeting:
    """The deck and whether the month is closed, read at every click (cached by the data version)."""
    slides, brand = data.deck(ctx.url, ctx.scope, ctx.month, ctx.language, ctx.today)
    closed = data.closed_month(ctx.url, ctx.month)
    names = {person.email: person.name for person in data.people(ctx.url)}  # who closed it, by name
    said = (
        t("present.closed", when=fmt.day(closed[0].date()), who=names.get(closed[1], closed[1]))
        if closed
        else ""
    )
    return slides, brand, said


present_view.meeting(read, ctx.scope)
present_view.keys()
