from datetime import date

import pytest

from kpi.domain import months


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10", date(2026, 10, 1)),
        ("2026-1", date(2026, 1, 1)),
        (" 2026-12 ", date(2026, 12, 1)),
    ],
)
def test_parse(text, expected):
    assert months.parse(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-10", "October 2026", "2026/10", ""])
def test_parse_rejects(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        months.parse(text)


@pytest.mark.parametrize(
    ("month", "shift", "expected"),
    [
        (date(2026, 10, 1), 1, date(2026, 11, 1)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 10, 1), -36, date(2023, 10, 1)),
    ],
)
def test_add(month, shift, expected):
    assert months.add(month, shift) == expected


def test_last_complete_is_the_month_before_today():
    assert months.last_complete(date(2026, 11, 23)) == date(2026, 10, 1)
    assert months.last_complete(date(2027, 1, 1)) == date(2026, 12, 1)


def test_end_of_handles_leap_years():
    assert months.end_of(date(2028, 2, 1)) == date(2028, 2, 29)
    assert months.end_of(date(2026, 2, 1)) == date(2026, 2, 28)


def test_between_and_diff():
    span = months.between(date(2025, 11, 1), date(2026, 2, 1))
    assert span == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert months.diff(date(2025, 11, 1), date(2026, 2, 1)) == 3
