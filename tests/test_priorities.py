from datetime import date

import pytest

from kpi.domain import priorities
from kpi.domain.model import MonthValue, ServicePriority

INVOICE = ServicePriority("SP1", "Invoice callers wait at most 90 s", "WAIT", 90, "<=")
SLOT = ServicePriority("SP2", "95 % of deliveries in the slot", "SLOT", 95, ">=")


@pytest.mark.parametrize(
    ("priority", "value", "expected"),
    [
        (INVOICE, 90, True),
        (INVOICE, 90.1, False),
        (INVOICE, 45, True),
        (SLOT, 95, True),
        (SLOT, 94.9, False),
    ],
)
def test_is_met(priority, value, expected):
    assert priorities.is_met(priority, value) is expected


def test_unknown_comparison_is_an_error():
    with pytest.raises(ValueError, match="SP9"):
        priorities.is_met(ServicePriority("SP9", "x", "K", 1, "=="), 1)


def test_compliance_over_the_last_twelve_months():
    values = [MonthValue("WAIT", date(2026, m, 1), 80 if m % 3 else 120) for m in range(1, 11)]
    values += [MonthValue("WAIT", date(2025, 10, 1), 200), MonthValue("OTHER", date(2026, 10, 1), 500)]
    result = priorities.compliance(INVOICE, values, date(2026, 10, 1))
    assert result.value == 80 and result.is_met_now is True
    assert (result.met, result.measured) == (7, 10)  # Oct 2025 is outside the window; months 3, 6, 9 missed
    assert result.share == pytest.approx(0.7)


def test_compliance_without_data():
    result = priorities.compliance(INVOICE, [], date(2026, 10, 1))
    assert result.is_met_now is None and result.share is None
