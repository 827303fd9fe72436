"""The Present page: one slide of the meeting deck at a time, in large type.

The slides are kpi.output.deck's, the same the PPTX and PDF packs hold. A slide's texts are plain
(titles, names and commentary people typed among them): commentary is shown with st.text, and
every other text reaches Markdown through kpi.text.plain, never as Markdown or HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import date

import streamlit as st

from kpi.domain.access import Scope
from kpi.output import charts, deck, pdf_pack, pptx_pack
from kpi.text import palette, phrases, plain
from kpi.text.i18n import t
from kpi.ui import figures, notices, widgets


def _line(line: deck.Line, *, actions: bool) -> None:
    with st.container(border=True):
        left, middle, right = st.columns(
            [4, 3, 3], vertical_alignment="center"
        )  # room for "78,5 %" on one line
        left.markdown(f"#### {plain.markdown(line.label)}")
        note = plain.markdown(line.note)
        if actions:
            middle.markdown(f"#### {plain.markdown(line.value)}")
            right.markdown(f"**{plain.markdown(line.target)}**  \n{note}")
            return
        middle.markdown(f"### {plain.markdown(line.value)}" if line.value else "")
        status = widgets.badge_markdown(line.status) if line.status else ""
        if line.flag is not None:
            status = widgets.attention_badge(line.flag.kind, line.flag.word)
        target = t("present.target", target=plain.markdown(line.target)) if line.target else ""
        process = phrases.process_verdict(line.reading)
        right.markdown(
            " · ".join(p for p in (status, target) if p)
            + (f"  \n{process}" if process else "")
            + (f"  \n{note}" if note else "")
        )


def _chart(series: deck.Series, scope: Scope) -> None:
    spec = charts.TrendSpec(
        title=series.title,
        unit=series.unit,
        target=series.target,
        limits=series.limits,
        signals=series.signals,
    )
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
        process = phrases.process_verdict(slide.reading)
        if process:
            st.markdown(process, help=t("departments.process_help"))
    elif slide.subtitle:
        st.markdown(f"### {plain.markdown(slide.subtitle)}")
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


def slide_index(requested: str, count: int) -> int:
    """The slide a `?slide=N` address asks for (1-based), kept within the deck; anything that is
    not plain ASCII digits (`²`, `-1`, `x`) means the first slide."""
    number = int(requested) if requested.isascii() and requested.isdigit() else 1
    return min(max(number - 1, 0), max(count - 1, 0))


_PACKS = {
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ":material/slideshow:",
    ),
    "pdf": ("application/pdf", ":material/picture_as_pdf:"),
}


def packs(slides: Sequence[deck.Slide], brand: deck.Brand, month: date) -> None:
    """Buttons that make the PPTX or PDF pack on request (making one takes a moment), then offer
    it. A pack once made is kept for this deck (the session's, keyed by what the slides say), so
    making the other one keeps the first one's download in place: both can be had at once."""
    made: dict[str, bytes] = st.session_state.setdefault("present.packs", {})
    deck_key = hashlib.sha256(repr((month, brand.footer, tuple(slides))).encode()).hexdigest()
    columns = dict(zip(_PACKS, st.columns(len(_PACKS)), strict=True))
    for kind, column in columns.items():
        content = made.get(f"{deck_key}.{kind}")
        if content is None:
            if not column.button(t(f"present.prepare_{kind}"), key=f"present.{kind}"):
                continue
            with column, st.spinner(t("present.making_pdf")) if kind == "pdf" else nullcontext():
                try:
                    content = pptx_pack.render(slides, brand)
                    content = pdf_pack.from_pptx(content) if kind == "pdf" else content
                except pdf_pack.PdfUnavailable as unavailable:
                    notices.show(unavailable, column)
                    continue
            if not any(k.startswith(deck_key) for k in made):
                made.clear()  # one deck's packs at a time: another month's or viewer's go
            made[f"{deck_key}.{kind}"] = content
        mime, icon = _PACKS[kind]
        column.download_button(
            t(f"present.download_{kind}"),
            content,
            file_name=f"cx-{month:%Y-%m}.{kind}",
            mime=mime,
            icon=icon,
            key=f"present.{kind}.download",
        )
