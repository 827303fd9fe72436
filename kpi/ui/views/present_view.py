"""The Present page: one slide of the meeting deck at a time, in large type.

The slides are kpi.output.deck's, the same the PPTX and PDF packs hold. A slide's texts are plain
(titles, names and commentary people typed among them): commentary is shown with st.text, and
every other text reaches Markdown through kpi.text.plain, never as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kpi.domain.access import Scope
from kpi.output import charts, deck
from kpi.text import palette, plain
from kpi.text.i18n import t
from kpi.ui import figures, widgets


def _line(line: deck.Line, *, actions: bool) -> None:
    with st.container(border=True):
        left, middle, right = st.columns([5, 2, 3], vertical_alignment="center")
        left.markdown(f"#### {plain.markdown(line.label)}")
        note = plain.markdown(line.note)
        if actions:
            middle.markdown(f"#### {plain.markdown(line.value)}")
            right.markdown(f"**{plain.markdown(line.target)}**  \n{note}")
            return
        middle.markdown(f"### {plain.markdown(line.value)}" if line.value else "")
        status = widgets.badge_markdown(line.status) if line.status else ""
        target = t("present.target", target=plain.markdown(line.target)) if line.target else ""
        right.markdown(" · ".join(p for p in (status, target) if p) + (f"  \n{note}" if note else ""))


def _chart(series: deck.Series, scope: Scope) -> None:
    spec = charts.TrendSpec(title=series.title, unit=series.unit, target=series.target)
    st.plotly_chart(
        figures.trend(scope, series.points, spec, height=420), width="stretch", key="present.chart"
    )


def render(slide: deck.Slide, scope: Scope) -> None:
    if slide.kind == "title":
        st.markdown(f"# {plain.markdown(slide.title)}")
        st.markdown(f"## {plain.markdown(slide.subtitle)}")
        for note in slide.notes:
            st.text(note)
        return
    st.markdown(f"# {plain.markdown(slide.title)}")
    if slide.status is not None:
        big, subtitle = plain.markdown(slide.big), plain.markdown(slide.subtitle)
        st.markdown(f"## {widgets.badge_markdown(slide.status)} {big} · {subtitle}")
    if slide.chart is not None:
        chart, lines = st.columns([3, 2])
        with chart:
            _chart(slide.chart, scope)
        with lines:
            for line in slide.lines:
                _line(line, actions=False)
    else:
        for line in slide.lines:
            _line(line, actions=slide.kind == "actions")
        if not slide.lines:
            st.info(t("present.nothing"), icon=":material/check_circle:")
    if slide.notes:
        st.markdown(f"**{t('deck.commentary')}**")
        for note in slide.notes:
            with st.container(border=True):
                st.text(note)


def label(slides: Sequence[deck.Slide], index: int) -> str:
    slide = slides[index]
    status = f" · {palette.label(slide.status)}" if slide.status else ""
    return f"{index + 1}. {slide.title}{status}"
