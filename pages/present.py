"""Present: the month's meeting, one slide at a time, and the PPTX and PDF packs to hand out."""

import streamlit as st

from kpi.text import fmt, plain
from kpi.text.i18n import t
from kpi.ui import data, frame
from kpi.ui.views import present_view

st.set_page_config(initial_sidebar_state="collapsed")
ctx = frame.sidebar("present")
slides, brand = data.deck(ctx.url, ctx.scope, ctx.month, ctx.language, ctx.today)
closed = data.closed_month(ctx.url, ctx.month)

index = present_view.slide_index(st.query_params.get("slide", "1"), len(slides))

back, position, forward, pick = st.columns([1, 1, 1, 5], vertical_alignment="center")
if back.button(t("present.previous"), icon=":material/arrow_back:", disabled=index == 0, key="present.back"):
    index -= 1
if forward.button(
    t("present.next"), icon=":material/arrow_forward:", disabled=index == len(slides) - 1, key="present.next"
):
    index += 1
chosen = pick.selectbox(
    t("present.jump"),
    range(len(slides)),
    index=index,
    key=f"present.jump.{index}",
    format_func=lambda i: present_view.label(slides, i),
    label_visibility="collapsed",
)
index = chosen
st.query_params["slide"] = str(index + 1)
position.markdown(f"**{index + 1} / {len(slides)}**")
if closed:
    st.caption(t("present.closed", when=fmt.day(closed[0].date()), who=plain.markdown(closed[1])))
else:
    st.caption(t("deck.live"))

present_view.render(slides[index], ctx.scope)

st.divider()
present_view.packs(slides, brand, ctx.month)
