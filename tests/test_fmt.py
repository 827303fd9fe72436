"""Numbers as readers expect them: units, precision, signs and their language's format."""

from datetime import date

import pytest

from kpi.domain.model import Direction
from kpi.text import fmt, i18n, phrases


@pytest.mark.parametrize(
    ("language", "amount", "unit", "expected"),
    [
        ("en", 46, "nps", "+46"),
        ("en", -3.4, "nps", "-3"),
        ("en", 0.2, "nps", "+0"),
        ("en", 2.5, "s", "3 s"),  # half up, as people round
        ("en", 70.18, "%", "70.2 %"),
        ("en", 99.912, "%", "99.91 %"),  # availability needs two decimals
        ("en", 83.6, "s", "84 s"),
        ("en", 1234.4, "ms", "1,234 ms"),
        ("en", 4.67, "days", "4.7 days"),
        ("en", 5.06, "ces", "5.1 / 7"),
        ("en", 13.0, "count", "13"),
        ("en", None, "%", "–"),
        ("da", 70.18, "%", "70,2 %"),
        ("da", 1234.5, "ms", "1.235 ms"),
        ("da", 83.6, "s", "84 sek."),
        ("da", 29.5, "h", "29,5 t."),
    ],
)
def test_value(language, amount, unit, expected):
    with i18n.use(language):
        assert fmt.value(amount, unit) == expected


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (2.1, "%", "+2.1 pts"),
        (-0.03, "%", "-0.03 pts"),  # a real change never reads as zero
        (0.02, "ces", "+0.02"),  # the scale is not a unit of change
        (-12, "s", "-12 s"),
    ],
)
def test_delta(amount, unit, expected):
    assert fmt.delta(amount, unit) == expected


def test_every_unit_has_a_style_and_chart_label():
    for unit in fmt.UNITS:
        assert fmt.value(1.0, unit)
        for language in i18n.languages():
            assert f"chart.unit.{unit}" in i18n.catalogue(language)


@pytest.mark.parametrize(("language", "expected"), [("en", "Oct 2026"), ("da", "okt. 2026")])
def test_month_labels(language, expected):
    with i18n.use(language):
        assert fmt.month(date(2026, 10, 1)) == expected


def test_changes_are_judged_by_direction():
    since = date(2026, 9, 1)
    assert phrases.change(-12, "s", Direction.LOWER, since) == "-12 s, better than Sept 2026"
    assert phrases.change(-1.5, "%", Direction.HIGHER, since) == "-1.5 pts, worse than Sept 2026"
    assert phrases.change(0, "nps", Direction.HIGHER, since) == "unchanged since Sept 2026"
    with i18n.use("da"):
        assert phrases.change(-12, "s", Direction.LOWER, since) == "-12 sek., bedre end sep. 2026"


def test_distance_to_target():
    assert phrases.versus_target(-8, "s", Direction.LOWER) == "8 s better than target"
    assert phrases.versus_target(-2.1, "%", Direction.HIGHER) == "2.1 pts short of target"
    assert phrases.versus_target(0, "%", Direction.HIGHER) == "exactly at target"
