"""Trend charts for pages, each made once and shared.

A trend's ECharts option is a pure function of its points, its spec and the language, so `trend`
keeps each one in `st.cache_resource`, with the viewer's scope in the key like every cache here
(no data version: an option depends on nothing but its arguments), and hands the same object to
every run that asks. `st.echarts_chart` copies what it changes, and no page may change it:
tests/test_pages.py checks the kept options after every page has drawn them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from kpi.domain.access import Scope
from kpi.output import charts
from kpi.text import i18n
from kpi.ui import keys

FIGURES_KEPT = 500
"""Charts kept at most (a trend is some kilobytes), the least recently used go first."""


def trend(scope: Scope, points: Sequence[tuple[date, float]], spec: charts.TrendSpec) -> charts.Chart:
    """`charts.trend` in the current language, made once for the same scope and inputs."""
    made = (scope, tuple(points), spec, i18n.current())
    return _trend(key=keys.of(*made), _made=made)


@st.cache_resource(max_entries=FIGURES_KEPT, show_spinner=False)
def _trend(key: str, _made: tuple) -> charts.Chart:  # `key` is `_made` as one string (kpi.ui.keys)
    _scope, points, spec, language = _made
    with i18n.use(language):
        return charts.trend(points, spec)


def draw(chart: charts.Chart, height: int, key: str, alt: str = "") -> None:
    """A chart on the page, as wide as its column. Its accessible name (what a screen reader
    says of it, `role="img"`) is `alt`, or else its title."""
    name = (alt or chart["title"]["text"]).strip()
    st.echarts_chart(chart, height=height, key=key, alt=name or None)
