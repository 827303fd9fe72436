"""Spreadsheet-safe CSV cells (OWASP) and their exact undoing on import."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.files import spreadsheet


@pytest.mark.parametrize(
    "typed, written",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already quoted", "''=already quoted"),  # a typed apostrophe survives the round trip
        ("-3", "-3"),  # numbers stay numbers
        ("+4.5", "+4.5"),
        ("-1,5", "-1,5"),
        ("-1e3", "-1e3"),
        ("Kundeservice", "Kundeservice"),
        ("it's fine", "it's fine"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_neutral_and_back(typed, written):
    assert spreadsheet.neutral(typed) == written
    assert spreadsheet.restore(written) == typed


@given(st.text())
def test_every_text_survives_the_round_trip(text):
    assert spreadsheet.restore(spreadsheet.neutral(text)) == text


@given(st.text())
def test_no_neutral_cell_starts_a_formula(text):
    written = spreadsheet.neutral(text)
    assert not written.startswith(spreadsheet.TRIGGERS) or spreadsheet._NUMBER.match(written)
