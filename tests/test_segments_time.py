"""The segments' months table starts at the first month with answers."""

from datetime import date

from streamlit.testing.v1 import AppTest

from kpi.domain import months
from kpi.text import fmt


def table(first_answered: int):
    from datetime import date

    from kpi.domain import cx, months
    from kpi.domain.model import Aggregation, Direction, Kpi
    from kpi.ui.views import segments_view

    kpi = Kpi("NPS", "Net Promoter Score", "CX", "nps", Direction.HIGHER, Aggregation("nps"))
    shown = [months.add(date(2026, 11, 1), -n) for n in range(12, -1, -1)]
    counts = {m: {"private": cx.SurveyCounts(40, promoters=20, detractors=8)} for m in shown[first_answered:]}
    segments_view.over_time(kpi, "segment", counts, shown, [])


def test_the_months_before_the_first_answers_are_left_out():
    """A company that began asking in January 2026 saw "Nov 2025", "Dec 2025" full of dashes first."""
    at = AppTest.from_function(table, args=(2,), default_timeout=30).run()
    assert not at.exception, at.exception
    columns = list(at.dataframe[0].value.columns)
    assert columns[1:] == [
        fmt.month(months.add(date(2026, 11, 1), -n)) for n in range(11)
    ]  # the latest first
    assert "11 months" in at.subheader[0].value
    phone = at.dataframe[1].value  # the months as rows, the latest first, none before the answers
    assert list(phone["Month"]) == [fmt.month(months.add(date(2026, 11, 1), -n)) for n in range(11)]


def test_groups_read_alike_keep_a_column_each_on_a_phone():
    """Two segment codes the page calls alike, or one called like the month column, each keep
    their own column of the phone's table instead of one taking the other's place."""
    from kpi.ui.views.segments_view import _distinct

    assert _distinct(["All answers", "Private", "Private", "Month"], taken={"Month"}) == [
        "All answers",
        "Private",
        "Private (2)",
        "Month (2)",
    ]


def test_on_a_phone_every_month_shows_without_scrolling_the_table(monkeypatch):
    """The phone's table stopped at its tenth month, the rest behind a scroll inside it (a CEO's
    trial): it is as tall as its thirteen rows."""
    from kpi.ui import widgets

    drawn = []
    through = widgets.dataframe

    def recorded(data, **options):
        drawn.append((len(data), options.get("height", "auto")))
        return through(data, **options)

    monkeypatch.setattr(widgets, "dataframe", recorded)
    at = AppTest.from_function(table, args=(0,), default_timeout=30).run()
    assert not at.exception, at.exception
    assert drawn[1] == (13, "content")  # the phone's: a row a month, every row shown
