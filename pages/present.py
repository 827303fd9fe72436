"""Present: the month's meeting, one slide at a time on a 16:9 screen, with the packs to hand out."""

import streamlit as st

from kpi.text import fmt
from kpi.text.i18n import t
from kpi.ui import data, frame
from kpi.ui.views import present_view

st.set_page_config(initial_sidebar_state="collapsed")
ctx = frame.sidebar("present")
slides, brand = data.deck(ctx.url, ctx.scope, ctx.month, ctx.language, ctx.today)
closed = data.closed_month(ctx.url, ctx.month)

index = present_view.slide_index(st.query_params.get("slide", "1"), len(slides))
index, handouts = present_view.toolbar(slides, index)
st.query_params["slide"] = str(index + 1)
present_view.packs(handouts, slides, brand, f"cx-{ctx.month:%Y-%m}")
said = t("present.closed", when=fmt.day(closed[0].date()), who=closed[1]) if closed else ""
present_view.render(slides[index], ctx.scope, said)
present_view.keys()
