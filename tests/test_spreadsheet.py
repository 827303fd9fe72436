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


@pytest.mark.parametrize(
    "typed, written",
    [
        ("Ring op;=1+1;x", "Ring op;'=1+1;x"),  # a Danish Excel splits at `;`: `=1+1` was a cell
        ("Tjek;=cmd|' /C calc'!A0;slut", "Tjek;'=cmd|' /C calc'!A0;slut"),
        ("Ring kunden\r=1+1", "Ring kunden\r'=1+1"),  # a lone CR starts a new row there
        ("two lines\n@SUM(A1)", "two lines\n'@SUM(A1)"),
        ("\r=1", "'\r'=1"),
        ("a;-3", "a;-3"),  # a number after a semicolon stays a number
        ("a;'=b", "a;''=b"),
        ("x;;y", "x;;y"),
    ],
)
def test_what_follows_a_semicolon_or_a_line_break_is_neutral_too(typed, written):
    assert spreadsheet.neutral(typed) == written
    assert spreadsheet.restore(written) == typed


@given(st.text(alphabet=st.sampled_from(["a", "1", "'", ";", "\r", "\n", "=", "-", "@", "\t", "+", " "])))
def test_no_part_a_spreadsheet_could_split_off_starts_a_formula(text):
    written = spreadsheet.neutral(text)
    assert spreadsheet.restore(written) == text
    for part in spreadsheet.BREAKS.split(written)[2::2]:
        assert not part.startswith(spreadsheet.TRIGGERS) or spreadsheet._NUMBER.match(part), (text, written)
