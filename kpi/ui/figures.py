"""Trend charts for pages, each made once and shared.

Plotly runs every property of a figure through its validators: about 7 ms for a trend with
target, band and forecast, most of a page that shows several (the Departments page draws one per
KPI). A figure is a pure function of its points, its spec and the language, so `trend` keeps each
one in `st.cache_resource`, with the viewer's scope in the key like every cache here (no data
version: a figure depends on nothing but its arguments), and hands
the same object to every run that asks. `st.plotly_chart` only reads it, and no page may change
it: tests/test_pages.py checks the kept figures after every page has drawn them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from kpi.domain.access import Scope
from kpi.output import charts
from kpi.text import i18n
from kpi.ui import keys

FIGURES_KEPT = 500
"""Figures kept at most (a trend is some tens of kilobytes), the least recently used go first."""


def trend(
    scope: Scope, points: Sequence[tuple[date, float]], spec: charts.TrendSpec, height: int = 340
) -> go.Figure:
    """`charts.trend` in the current language, made once for the same scope and inputs."""
    made = (scope, tuple(points), spec, height, i18n.current())
    return _trend(key=keys.of(*made), _made=made)


@st.cache_resource(max_entries=FIGURES_KEPT, show_spinner=False)
def _trend(key: str, _made: tuple) -> go.Figure:  # `key` is `_made` as one string (kpi.ui.keys)
    _scope, points, spec, height, language = _made
    with i18n.use(language):
        return charts.trend(points, spec, height)
