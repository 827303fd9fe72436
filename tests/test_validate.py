"""Reading what people type: numbers in Danish and English formats, months, dates, the goal tree."""

from datetime import date

import pytest

from kpi.domain import validate
from kpi.domain.model import Level
from tests.conftest import rejected_with, said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("-3", -3.0),
        ("+46", 46.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("19.764", 19.764),
        ("19.764", 19.764),
        ("0,125", 0.125),
        ("0.125", 0.125),
        ("1 234,5", 1234.5),
        (",5", 0.5),
        ("1.234.567,5", 1234567.5),
        ("1,234,567.5", 1234567.5),
        ("99,91", 99.91),
        ("1.23457E+11", 123457000000.0),  # how Excel writes a large number into a CSV
        ("2,5e-3", 0.0025),
        ("\u2212100", -100.0),  # a typeset minus, as the cockpit's own pages and packs write one
        ("\u221212,5", -12.5),
        ("", None),
        ("  ", None),
        (None, None),
        (7, 7.0),
    ],
)
def test_number(text, expected):
    assert validate.number(text, "Target") == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("abc", "not_a_number"),
        ("12,5%", "percent_sign"),
        ("70 %", "percent_sign"),
        ("%", "not_a_number"),  # was told to write "." (an adversarial round)
        ("abc %", "not_a_number"),
        ("5 % 6", "not_a_number"),  # was told to write 5, the 6 dropped
        ("1e308 %", "too_large"),  # was told to write 1e308, then refused as too large
        ("1,2,3.4.5", "not_a_number"),
        ("12..5", "not_a_number"),
        ("--1", "not_a_number"),
        ("1.234.5", "not_a_number"),
        ("1,23,456", "not_a_number"),
        ("٥٠", "not_a_number"),  # digits of other scripts (Python's \d reads them)
        ("１２", "not_a_number"),
        ("93.5 s", "unit_in_number"),  # was told it was no number and that a decimal comma is fine
        ("4 dage", "unit_in_number"),
        ("1,2 ‰", "unit_in_number"),
        ("-2\u00a0pts", "unit_in_number"),
        ("s 93", "not_a_number"),
        ("10k", "not_a_number"),  # a multiplier, not a unit: "write 10" would be a thousand times off
        ("1,5 mio.", "not_a_number"),
        ("5 tusinde", "not_a_number"),
        ("5 thousand", "not_a_number"),
        ("2 milliarder", "not_a_number"),
        ("5 hundrede", "not_a_number"),
        ("5 mln", "not_a_number"),
        ("5 tkr", "not_a_number"),
        ("5 min", "unit_in_number"),  # minutes: no multiplier
        ("5 or so", "not_a_number"),
        ("5 ½", "not_a_number"),
        ("2e", "not_a_number"),  # an exponent cut short
        ("8O", "not_a_number"),  # a letter O for a zero: "write 8" would be ten times off
        ("12s", "unit_in_number"),
        ("4.5 D", "unit_in_number"),  # a unit in capitals was "not a number" (an adversarial trial)
        ("8 H", "unit_in_number"),
        ("1 234 s", "unit_in_number"),  # grouped with a space, as "1 234" alone is read
        ("1" + " " * 5000 + "s", "not_a_number"),  # a long cell is no number with a unit
    ],
)
def test_not_numbers(text, key):
    with pytest.raises(validate.Rejected) as caught:
        validate.number(text, "Target")
    assert caught.value.problems[0].key == key
    assert "Target" in said(caught.value) and str(text).strip() in said(caught.value)


@pytest.mark.parametrize(
    ("cells", "delimiter", "decimal"),
    [
        (["12,5", "1.234"], ",", ","),
        (["1.4", "7"], ",", "."),
        (["0,995", "1.234"], ",", ","),  # a leading 0 is never a thousands group: a decimal comma
        (["1.234", "5.678"], ";", ","),  # all ambiguous: a semicolon file is taken to be Danish
        (["1.234", "5.678"], ",", "."),
        (["1.4", "0,995", "99,925"], ",", validate.BOTH),  # a trial's file: decimals both ways
        (["1.234,5", "2,5"], ",", ","),
    ],
)
def test_a_file_s_decimal_separator_is_the_one_its_numbers_leave_no_doubt_of(cells, delimiter, decimal):
    assert validate.decimal_of(cells, delimiter) == decimal


def test_a_number_a_file_writing_decimals_both_ways_cannot_settle_is_refused_for_what_it_is():
    """`99,925` beside `1.4` and `0,995` was read as 99925 and told it lay outside the unit."""
    assert validate.number("0,995", "value", decimal=".") == 0.995  # never 995
    assert validate.number("1.4", "value", decimal=validate.BOTH) == 1.4  # no doubt: read
    assert validate.number("0,995", "value", decimal=validate.BOTH) == 0.995
    with rejected_with("“99,925” could be 99.925 or 99925"):
        validate.number("99,925", "value", decimal=validate.BOTH)


def test_a_number_with_its_unit_is_told_the_number_to_write():
    with pytest.raises(validate.Rejected) as caught:
        validate.number("93.5 s", "value")
    assert caught.value.problems[0].params == (("value", "93.5 s"), ("number", "93.5"))
    assert (
        said(caught.value)
        == "Value: “93.5 s” has a unit: write the number alone, in the unit the KPI counts in (93.5, if it counts in that one)."
    )


@pytest.mark.parametrize(("text", "number"), [("12,5%", 12.5), ("5 %-point", 5.0), ("%%5", 5.0)])
def test_a_percent_sign_is_told_the_number_before_it(text, number):
    """ "5 %-point" was told to write "5 -point" (an adversarial trial)."""
    with pytest.raises(validate.Rejected) as caught:
        validate.number(text, "value")
    assert dict(caught.value.problems[0].params)["number"] == number


def test_1e308_is_a_number_too_large_not_no_number():
    with pytest.raises(validate.Rejected) as caught:
        validate.number("1e308", "Target")
    assert caught.value.problems[0].key == "too_large"


def test_minus_zero_is_zero():
    assert str(validate.number("-0", "Target")) == "0.0"


def test_months_and_days_are_written_with_plain_digits():
    for typed in ("٢٠٢٦-١٠", "２０２６-１０"):
        with pytest.raises(validate.Rejected):
            validate.month(typed, "month")
    with pytest.raises(validate.Rejected):
        validate.day("٢٠٢٦-١٠-٠١", "date")


def test_required_number():
    with rejected_with("Target: required"):
        validate.number("", "Target", required=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10", date(2026, 10, 1)),
        ("10.2026", date(2026, 10, 1)),
        ("10/2026", date(2026, 10, 1)),
        ("2026-10-15", date(2026, 10, 1)),  # a day of the month: the month
        ("15.10.2026", date(2026, 10, 1)),
        ("okt 2026", date(2026, 10, 1)),  # by its name, as spreadsheets and people write it
        ("November 2026", date(2026, 11, 1)),
        ("nov-26", date(2026, 11, 1)),  # Excel's mmm-yy
        ("okt.-26", date(2026, 10, 1)),
        ("SEPT. 2026", date(2026, 9, 1)),
        ("maj 2027", date(2027, 5, 1)),
        ("15. november 2026", date(2026, 11, 1)),
        ("", None),
    ],
)
def test_month(text, expected):
    assert validate.month(text, "Start") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "13/2026",
        "Movember 2026",
        "nov 2026 x",
        "nov 202",
        "31. november 2026",
        "Dec 31",
        "August 26",
    ],
)
def test_not_months(text):
    with rejected_with(r"its name and year \(October 2026\)"):
        validate.month(text, "Start")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-06-30", date(2027, 6, 30)),
        ("30.06.2027", date(2027, 6, 30)),
        ("1-2-2027", date(2027, 2, 1)),
        (date(2027, 1, 1), date(2027, 1, 1)),
        ("", None),
    ],
)
def test_day(text, expected):
    assert validate.day(text, "Deadline") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-06", date(2027, 6, 30)),  # a month as a deadline: its last day
        ("02.2028", date(2028, 2, 29)),
        ("2027-06-15", date(2027, 6, 15)),
        ("15.06.2027", date(2027, 6, 15)),
        ("juni 2027", date(2027, 6, 30)),
        ("15. juni 2027", date(2027, 6, 15)),
    ],
)
def test_a_deadline_takes_every_format_a_month_takes(text, expected):
    assert validate.day(text, "Deadline", month_end=True) == expected
    assert validate.month(text, "Start") == date(expected.year, expected.month, 1)


def test_a_survey_date_is_a_day_not_a_month():
    with rejected_with("not a date: write it as YYYY-MM-DD or DD.MM.YYYY."):
        validate.day("2027-06", "Date")
    with rejected_with("or as a month"):
        validate.day("June", "Deadline", month_end=True)


@pytest.mark.parametrize("text", ["2027-02-30", "30/30/2027", "tomorrow"])
def test_not_days(text):
    with rejected_with("not a date"):
        validate.day(text, "Deadline")


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("2026-11-31", "30 Nov 2026"),
        ("2026-02-30", "28 Feb 2026"),
        ("29.02.2027", "28 Feb 2027"),
        ("31/04/2026", "30 Apr 2026"),
    ],
)
def test_a_day_its_month_does_not_have_is_told_the_month_s_last_day(text, last):
    """ "2026-11-31" was told it "is not a month … or as a day of it (2026-10-15)": a day was
    what the person wrote."""
    for read in (validate.month, validate.day):
        with rejected_with(f"“{text}” is not a date: that month ends on {last}."):
            read(text, "Month")


TREE = {
    "S1": (Level.STRATEGIC, None),
    "T1": (Level.TACTICAL, "S1"),
    "O1": (Level.OPERATIONAL, "T1"),
}


@pytest.mark.parametrize(
    ("code", "level", "parent", "expected"),
    [
        ("S2", Level.STRATEGIC, None, []),
        ("S2", Level.STRATEGIC, "S1", ["strategic_parent"]),
        ("T2", Level.TACTICAL, "S1", []),
        ("T2", Level.TACTICAL, None, ["needs_parent"]),
        ("O2", Level.OPERATIONAL, "S1", ["level_skip"]),  # skips the tactical level
        ("O2", Level.OPERATIONAL, "NOPE", ["unknown_parent"]),
        ("T1", Level.TACTICAL, "O1", ["parent_loop"]),  # under its own grandchild
        ("T1", Level.TACTICAL, "T1", ["parent_loop"]),  # under itself
    ],
)
def test_goal_tree(code, level, parent, expected):
    assert [p.key for p in validate.goal_tree(code, level, parent, TREE)] == expected
