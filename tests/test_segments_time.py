"""The segments' months table starts at the first month with answers."""

from streamlit.testing.v1 import AppTest


def table(first_answered: int):
    from datetime import date

    from kpi.domain import cx, months
    from kpi.domain.model import Aggregation, Direction, Kpi
    from kpi.ui.views import segments_view

    kpi = Kpi("NPS", "Net Promoter Score", "CX", "nps", Direction.HIGHER, Aggregation("nps"))
    shown = [months.add(date(2026, 11, 1), -n) for n in range(12, -1, -1)]
    counts = {m: {"private": cx.SurveyCounts(40, promoters=20, detractors=8)} for m in shown[first_answered:]}
    segments_view.over_time(kpi, "segment", counts, shown)


def test_the_months_before_the_first_answers_are_left_out():
    """A company that began asking in January 2026 saw "Nov 2025", "Dec 2025" full of dashes first."""
    at = AppTest.from_function(table, args=(2,), default_timeout=30).run()
    assert not at.exception, at.exception
    columns = list(at.dataframe[0].value.columns)
    assert columns[1] == "Jan 2026" and len(columns) == 1 + 11
    assert "11 months" in at.subheader[0].value
