"""A value far from its KPI's usual ones (kpi.domain.unusual) is named by the import, not refused."""

from datetime import date

import pytest

from kpi.domain import unusual
from kpi.text import phrases

NOVEMBER = date(2026, 11, 1)
USUAL = [70.0, 75.0, 80.0, 77.0, 79.0, 74.0]  # median 76


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (1234.5, True),  # "1.234,5" where "77,5" was meant: 16 times its usual
        (750.0, True),  # "750" where "75,0" was meant: under ten times its usual 76, named all the same
        (380.0, True),  # five times: named
        (370.0, False),  # under five times: a bad month (an outage), not a slip
        (7.6, True),  # a tenth
        (15.2, True),  # a fifth
        (16.0, False),
        (0.0, False),  # nothing to compare by a ratio
    ],
)
def test_a_value_five_times_from_its_kpi_s_median_is_named(value, named):
    found = unusual.unusual("WAIT", NOVEMBER, value, "s", USUAL)
    assert (found is not None) is named
    if found is not None:
        assert found.usual == 76.0 and found.times == pytest.approx(value / 76.0)


def test_too_short_a_history_or_no_positive_usual_value_says_nothing():
    assert unusual.unusual("WAIT", NOVEMBER, 1000.0, "s", USUAL[:5]) is None  # a new KPI
    assert unusual.unusual("INC", NOVEMBER, 12.0, "count", [0, 0, 1, 0, 0, 2, 0]) is None  # rare incidents
    assert unusual.unusual("COMPLAINTS", NOVEMBER, 5.0, "count", [1, 1, 2, 1, 1, 0, 1]) is None  # rare things
    # ... named only far beyond any month of them (an adversarial trial's 1e11 incidents went unnamed)
    assert unusual.unusual("COMPLAINTS", NOVEMBER, 49.0, "count", [1, 1, 2, 1, 1, 0, 1]) is None
    found = unusual.unusual("COMPLAINTS", NOVEMBER, 1e11, "count", [1, 1, 2, 1, 1, 0, 1])
    assert found is not None and found.usual == 1.0
    none = unusual.unusual("INC", NOVEMBER, 1e11, "count", [0, 0, 1, 0, 0, 2, 0])  # most months none
    assert none is not None and none.usual == 0 and none.times == float("inf")
    said = phrases.to_check([none])
    assert "INC, Nov 2026: 100,000,000,000, where most months have none" in said, said
    assert unusual.unusual("ORDERS", NOVEMBER, 500.0, "count", [100, 98, 103, 99, 101, 97]) is not None
    assert unusual.unusual("NPS", NOVEMBER, 40.0, "nps", [-2, 1, -1, 0, 2, -3]) is None  # about zero


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (1234.5, "1,234.5\u00a0s, 12 times its usual 103\u00a0s"),
        (5.0, "5\u00a0s, 21 times smaller than its usual 103\u00a0s"),
        (1e-28, "over 1,000,000 times smaller than its usual 103\u00a0s"),  # was 709,166,666,666,… times
        (1e-320, "over 1,000,000 times smaller than its usual 103\u00a0s"),  # was "– times smaller"
        (5e9, "over 1,000,000 times its usual 103\u00a0s"),
    ],
)
def test_how_far_from_usual_a_value_is_said_in_numbers_a_person_reads(value, said):
    from kpi.text import i18n, phrases

    with i18n.use("en"):
        text = phrases.to_check([unusual.Unusual("CS_WAIT", date(2026, 10, 1), value, 103.0, "s")])
    assert said in text
