"""Numbers as readers expect them: units, precision, signs and their language's format."""

from datetime import date

import pytest

from kpi.domain import validate, verdicts
from kpi.domain.model import Direction, GoalStatus
from kpi.domain.samples import Noise
from kpi.text import fmt, i18n, phrases


@pytest.mark.parametrize(
    ("language", "amount", "unit", "expected"),
    [
        ("en", 46, "nps", "+46"),
        ("en", -3.4, "nps", "-3"),
        ("en", 0.2, "nps", "+0"),
        ("en", 12.5, "s", "13\xa0s"),  # half up, as people round
        ("en", 7.46, "s", "7.5\xa0s"),  # a time below 10 keeps a decimal: not "7 s"
        ("en", 7.0, "min", "7\xa0min"),  # but none where it is whole
        ("en", 0.04, "min", "0.04\xa0min"),  # nor "0 min" for 0.04 minutes (a day-one trial)
        ("da", 0.24, "min", "0,24\xa0min."),
        ("en", 0.3, "ms", "0.3\xa0ms"),
        ("en", 70.18, "%", "70.2\xa0%"),
        ("en", 99.912, "%", "99.91\xa0%"),  # availability needs two decimals
        ("en", 83.6, "s", "84\xa0s"),
        ("en", 1234.4, "ms", "1,234\xa0ms"),
        ("en", 4.67, "days", "4.7\xa0days"),
        ("en", 1.04, "days", "1\xa0day"),  # a whole day reads as people say it, not "1.0 days"
        ("en", 3.0, "days", "3\xa0days"),
        ("da", 1.0, "days", "1\xa0dag"),
        ("da", 1.5, "days", "1,5\xa0dage"),
        ("en", 5.06, "ces", "5.1\xa0/\xa07"),
        ("en", 13.0, "count", "13"),
        ("en", 0.6857, "count", "0.7"),  # a phased target of a count: not "1" beside a value of 1
        ("da", 12.284, "count", "12,3"),
        ("en", None, "%", "–"),
        ("da", 70.18, "%", "70,2\xa0%"),
        ("da", 1234.5, "ms", "1.235\xa0ms"),
        ("da", 83.6, "s", "84\xa0sek."),
        ("da", 29.5, "h", "29,5\xa0t."),
    ],
)
def test_value(language, amount, unit, expected):
    with i18n.use(language):
        assert fmt.value(amount, unit) == expected


@pytest.mark.parametrize(
    ("language", "amount", "target", "unit", "expected"),
    [
        # "2.5 % · ! Close · target 2.5 %": the status said what the numbers did not
        ("en", 2.49, 2.5, "%", "2.49\xa0%"),
        ("da", 2.49, 2.5, "%", "2,49\xa0%"),
        ("en", 2.496, 2.5, "%", "2.496\xa0%"),  # 2.50 would still read as 2.5: one more
        ("en", 4.02, 4.0, "s", "4.02\xa0s"),  # seconds have no decimals: 4.0 reads as 4, two more
        ("en", 79.9996, 80.0, "%", "80.0\xa0%"),  # at most two more: beyond, the unit's own
        ("en", 2.4, 2.5, "%", "2.4\xa0%"),  # apart already: as `value` writes it
        ("en", 2.5, 2.5, "%", "2.5\xa0%"),  # equal: nothing to tell apart
        ("en", None, 2.5, "%", "–"),
        ("en", 2.5, None, "%", "2.5\xa0%"),
    ],
)
def test_a_value_beside_its_target_reads_apart_from_it_when_it_is(language, amount, target, unit, expected):
    """Only the value gains decimals: a target reads the same on every page, slide and pack."""
    with i18n.use(language):
        assert fmt.beside(amount, target, unit) == expected


@pytest.mark.parametrize(
    ("amount", "target", "direction", "expected"),
    [
        (82.64, 82.6, Direction.HIGHER, "82.6\xa0%"),  # meets it: reads as the target, "On target"
        (82.56, 82.6, Direction.HIGHER, "82.56\xa0%"),  # short of it: told apart
        (82.64, 82.6, Direction.LOWER, "82.64\xa0%"),  # above a ceiling: told apart
        (82.56, 82.6, Direction.LOWER, "82.6\xa0%"),  # under a ceiling: meets it
    ],
)
def test_a_value_that_meets_its_target_keeps_its_unit_s_decimals(amount, target, direction, expected):
    """ "Satisfaction after contact 82.64 %" stood among one-decimal values on a slide, on target
    at 82.6 % (a CEO's trial): only a value that misses gains the decimals that say it does."""
    with i18n.use("en"):
        assert fmt.beside(amount, target, "%", direction) == expected


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (2.1, "%", "+2.1\xa0pts"),
        (-0.03, "%", "-0.03\xa0pts"),  # a real change never reads as zero
        (0.02, "ces", "+0.02"),  # the scale is not a unit of change
        (-12, "s", "-12\xa0s"),
        (-0.004, "ces", "+0.0"),  # too small to show at two decimals: no change, not "+0.00"
        (0.001, "%", "+0.0\xa0pts"),
    ],
)
def test_delta(amount, unit, expected):
    assert fmt.delta(amount, unit) == expected


def test_a_rate_changes_in_percentage_points_in_danish_and_nps_in_points():
    """A Danish head read "+0,03 point" for uptime, which Danish says in "procentpoint"; the unit
    stays on the number's line, its hyphen no-break."""
    with i18n.use("da"):
        assert fmt.delta(0.03, "%") == "+0,03\xa0%\u2011point"
        assert fmt.delta(-2, "nps") == "-2\xa0point"


@pytest.mark.parametrize("language", i18n.languages())
@pytest.mark.parametrize("unit", sorted(fmt.UNITS))
def test_a_line_never_breaks_between_a_number_and_its_unit(language, unit):
    """`78.5 %` must not end a line after `78.5`: only no-break spaces inside a value or change."""
    with i18n.use(language):
        for text in (fmt.value(78.5, unit), fmt.delta(-2.25, unit), fmt.value(1234.5, unit)):
            assert " " not in text and "\n" not in text, repr(text)
    assert fmt.NO_BREAK in fmt.value(78.5, "%") and fmt.NO_BREAK in fmt.delta(2.0, "s")


@pytest.mark.parametrize("language", i18n.languages())
def test_what_a_person_reads_never_breaks_inside_a_date_or_a_range_of_scores(language):
    """A phone broke "31. / okt. 2026" after the day, "27. nov. / 2026" before the year and
    "Kritikere (0– / 6)" after the dash (a Danish review at 390 pixels)."""
    from kpi.domain import attention
    from kpi.domain.model import Aggregation
    from kpi.text import survey

    late = attention.Item(attention.Kind.LATE_ACTION, "4", "Second provider", "O9", "IT", detail="2026-10-31")
    with i18n.use(language):
        due = phrases.attention_facts(late, {})[2]
        group = survey.group(Aggregation.NPS, "detractors")
    assert "31" in due and " " not in due.split("31", 1)[1], repr(due)
    assert " " not in group.split("(", 1)[1] and "\u2060" in group, repr(group)


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
    assert phrases.change(-12, "s", Direction.LOWER, since) == "-12\xa0s, better than Sept\xa02026"
    assert phrases.change(-1.5, "%", Direction.HIGHER, since) == "-1.5\xa0pts, worse than Sept\xa02026"
    assert phrases.change(0, "nps", Direction.HIGHER, since) == "unchanged since Sept\xa02026"
    # a change that rounds to nothing is neither better nor worse (the deck said "+0.00, worse")
    assert phrases.change(-0.004, "ces", Direction.HIGHER, since) == "unchanged since Sept\xa02026"
    assert phrases.change(-0.01, "ces", Direction.HIGHER, since) == "-0.01, worse than Sept\xa02026"
    assert not fmt.shows_change(0.004, "ces") and fmt.shows_change(0.006, "ces")
    assert not fmt.shows_change(None, "s") and not fmt.shows_change(float("nan"), "s")
    with i18n.use("da"):
        assert phrases.change(-12, "s", Direction.LOWER, since) == "-12\xa0sek., bedre end sep.\xa02026"


def test_a_survey_change_sampling_explains_is_neither_better_nor_worse():
    """A survey score's change that its answers cannot tell from chance is told as such, not as
    "better than Sept" (+26 points from 23 answers a month read as news)."""
    since = date(2026, 9, 1)
    few, margin = Noise.FEW_ANSWERS, Noise.WITHIN_MARGIN
    said = phrases.change(26, "nps", Direction.HIGHER, since, noise=few)
    assert said == "+26\xa0pts since Sept\xa02026, too few answers to call it real"
    said = phrases.change(-2.4, "nps", Direction.HIGHER, since, noise=margin)
    assert said == "-2\xa0pts since Sept\xa02026, within the margin of error"
    assert phrases.change(0, "nps", Direction.HIGHER, since, noise=margin) == "unchanged since Sept\xa02026"
    with i18n.use("da"):
        said = phrases.change(-2.4, "nps", Direction.HIGHER, since, noise=margin)
        assert said == "-2\xa0point siden sep.\xa02026, inden for den statistiske usikkerhed"


def test_distance_to_target():
    assert phrases.versus_target(-8, "s", Direction.LOWER) == "8\xa0s better than target"
    assert phrases.versus_target(-2.1, "%", Direction.HIGHER) == "2.1\xa0pts short of target"
    assert phrases.versus_target(0, "%", Direction.HIGHER) == "exactly at target"


@pytest.mark.parametrize(
    ("made", "elapsed", "expected"),
    [
        (0.62, 0.58, "62\xa0% of the way, with 58\xa0% of the time used"),
        (1.4, 0.9, "100\xa0% of the way, with 90\xa0% of the time used"),  # beyond the target
        (
            -6.22,
            0.5,
            "Moving away from the target: worse than at the start (4.9\xa0/\xa07), with 50\xa0% of the time used",
        ),
    ],
)
def test_pace_reads_right_when_a_goal_moves_away_from_its_target(made, elapsed, expected):
    """A goal that went backwards says so, instead of "-622 % of the way"."""
    assert phrases.pace(made, elapsed, fmt.value(4.9, "ces")) == expected
    with i18n.use("da"):
        assert "-" not in phrases.pace(made, elapsed, fmt.value(4.9, "ces"))


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("en", 1.234, "1.234"),
        ("da", 1.234, "1,234"),
        ("en", 1_000_000.0, "1000000"),
        ("da", 2_500_000.5, "2500000,5"),
        ("en", 1e-7, "0.0000001"),
        ("da", -0.05, "-0,05"),
        ("en", 60.0, "60"),
    ],
)
def test_a_number_to_edit_has_every_digit_no_grouping_no_exponent(language, amount, expected):
    with i18n.use(language):
        assert fmt.editable(amount) == expected


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("amount", [1.234, 1234.5, 0.1 + 0.2, 1e-9, 987_654_321.125, -3.0, 0.0])
def test_a_number_shown_for_editing_is_read_back_unchanged(language, amount):
    """Issue 16: a Danish form showed 1.234 as `1.234`, which a Dane's form reads as 1234."""
    with i18n.use(language):
        typed = fmt.editable(amount)
        assert validate.number(typed, "target", decimal=fmt.decimal_symbol()) == amount


def _as_babel_writes(amount: float, decimals: int, is_signed: bool) -> str:
    """`fmt.number` as it was: Babel's pattern applied to the number rounded half up."""
    from decimal import Decimal, localcontext

    from babel import Locale
    from babel.numbers import parse_pattern

    exact = Decimal(repr(amount))
    with localcontext() as context:
        context.prec = max(context.prec, exact.adjusted() + decimals + 2)
        rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
        if rounded == 0:
            rounded = Decimal(0)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        found = parse_pattern(f"+{pattern};-{pattern}" if is_signed else pattern)
        return found.apply(rounded, Locale.parse(i18n.babel_locale()))


@pytest.mark.parametrize("language", ["en", "da"])
def test_numbers_are_written_as_babel_writes_them(language):
    """`fmt.number` writes digits and the locale's symbols itself (a deck writes 20,000 numbers):
    the same text as Babel's pattern, for every size, sign, half and precision."""
    import random

    picked = random.Random(21)
    amounts = [0.0, -0.0, 0.5, -0.5, 2.5, -2.5, 0.05, -0.004, 0.0049, 999.95, -999.95, 1e-9, 1e15]
    amounts += [1e308, -1.7e308, 123456789012345678901234567890.5, 2**53 + 1, -(10**20)]
    amounts += [picked.uniform(-1, 1) * 10 ** picked.randint(-4, 16) for _ in range(3000)]
    amounts += [round(picked.uniform(-10_000, 10_000), picked.randint(0, 3)) for _ in range(2000)]
    with i18n.use(language):
        for amount in amounts:
            for decimals in (0, 1, 2, 3):
                for is_signed in (False, True):
                    expected = _as_babel_writes(amount, decimals, is_signed)
                    assert fmt.number(amount, decimals, is_signed=is_signed) == expected, (amount, decimals)


READ_AHEAD = """
import tomllib
from datetime import date, datetime
from babel import core, localedata
from kpi.text import fmt, i18n

fmt.read_ahead()

def refused(*args, **kwargs):
    raise AssertionError("read after read_ahead")

tomllib.load = tomllib.loads = refused  # the catalogues
localedata.pickle = core.pickle = type("NoPickle", (), {"load": staticmethod(refused)})  # Babel's data
for language in i18n.languages():
    with i18n.use(language):
        i18n.t("smart_page.failing", count=2), i18n.t("smart_page.failing", count=1)
        fmt.number(-9876.5, 1, is_signed=True), fmt.month(date(2025, 3, 1))
        fmt.month_long(date(2025, 3, 1)), fmt.day(date(2025, 3, 14))
        fmt.moment(datetime(2025, 3, 14, 9, 5)), fmt.decimal_symbol(), i18n.language_name(language)
print("read nothing")
"""


def test_read_ahead_leaves_a_first_page_nothing_to_read():
    """`fmt.read_ahead` (the app's start-up calls it): in a fresh interpreter, after it, writing
    texts, counted texts, numbers, months, dates and moments in every language reads no catalogue
    and no Babel locale data: a first page read 0.3 s of them in its first run."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-c", READ_AHEAD], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "read nothing"


def test_a_survey_month_without_a_margin_says_so_rather_than_plus_or_minus_nothing():
    from kpi.domain.model import MonthValue
    from kpi.ui import widgets

    one = MonthValue("NPS", date(2026, 11, 1), 100.0, n=1, margin=None)
    assert (
        widgets.value_note(one, "nps")
        == "n\u00a0=\u00a01\u00a0answer, too few to work out a margin of error — low confidence"
    )
    with i18n.use("da"):
        assert "±" not in widgets.value_note(one, "nps") and widgets.value_note(one, "nps").startswith(
            "n\u00a0=\u00a01\u00a0svar"
        )
    some = MonthValue("NPS", date(2026, 11, 1), 32.0, n=1424, margin=4.04)
    # the margin says what it counts, as a change does: "± 4.0" stood without its points
    assert (
        widgets.value_note(some, "nps")
        == "n\u00a0=\u00a01,424\u00a0answers, ±\u00a04.0\u00a0pts\u00a0(95\xa0%)"
    )
    with i18n.use("da"):
        assert "±\u00a04,0\u00a0point" in widgets.value_note(some, "nps")
    share = MonthValue("CSAT", date(2026, 11, 1), 81.0, n=400, margin=2.14)
    assert "±\u00a02.1\u00a0pts\u00a0(95" in widgets.value_note(share, "%")
    effort = MonthValue("CES", date(2026, 11, 1), 5.1, n=400, margin=0.12)
    assert "±\u00a00.1\u00a0(95" in widgets.value_note(effort, "ces")


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (77.5, "s", "77.5\xa0s"),
        (1234.0, "s", "1,234\xa0s"),
        (0.943, "%", "0.943\xa0%"),
        (74.5, "%", "74.5\xa0%"),
        (0.1 + 0.2, "%", "0.3\xa0%"),  # kept as 0.30000000000000004
    ],
)
def test_a_value_as_kept_shows_every_decimal_it_has(amount, unit, expected):
    """A correction said "is now 74,5", as typed; `value` writes 77.5 s as 78 s."""
    with i18n.use("en"):
        assert fmt.exact(amount, unit) == expected


@pytest.mark.parametrize(
    ("value", "target", "unit", "direction", "english", "danish"),
    [
        (40.0, 40.0, "nps", Direction.HIGHER, "+40, reaching the target", "+40, så målværdien nås"),
        (
            2.1,
            1.5,
            "%",
            Direction.LOWER,
            "2.1\xa0%, 0.6\xa0pts short of target",
            "2,1\xa0%, mangler 0,6\xa0%‑point til målværdien",
        ),
        (52.0, 45.0, "nps", Direction.HIGHER, "+52, reaching the target", "+52, så målværdien nås"),
    ],
)
def test_a_forecast_says_what_it_means_for_the_target(value, target, unit, direction, english, danish):
    """ "At risk … forecast +40" beside a target of +40 read as two answers (a CEO's trial)."""
    for language, expected in (("en", english), ("da", danish)):
        with i18n.use(language):
            assert phrases.forecast(value, target, unit, direction) == expected


@pytest.mark.parametrize(
    ("standing", "reaching", "short"),
    [
        (None, "+40, reaching the target", "+38, 2 pts short of target"),
        (
            GoalStatus.ON_TRACK,
            "+40, reaching the target",
            "+38, 2 pts short of target at its current pace, though on track this month",
        ),
        (
            GoalStatus.AT_RISK,
            "+40, still reaching the target by the deadline at its current pace",
            "+38, 2 pts short of target",
        ),
        (
            GoalStatus.OFF_TRACK,
            "+40, still reaching the target by the deadline at its current pace",
            "+38, 2 pts short of target",
        ),
    ],
)
def test_a_forecast_against_its_goal_s_status_says_how_both_are_true(standing, reaching, short):
    """ "On track" beside "forecast 100 s, 10 s short of target" asked which was true (a CEO's and
    a day-one trial), as "At risk" beside a forecast reaching it did (a presenter's): the status
    is this month's, the forecast the deadline's."""
    with i18n.use("en"):
        said = [phrases.forecast(value, 40.0, "nps", Direction.HIGHER, standing) for value in (40.0, 38.0)]
    assert said == [reaching, short.replace("2 pts", "2\xa0pts")]
    with i18n.use("da"):
        on_track = phrases.forecast(100.0, 90.0, "s", Direction.LOWER, GoalStatus.ON_TRACK)
    assert on_track == (
        "100\xa0sek., mangler 10\xa0sek. til målværdien i det nuværende tempo, selv om målet er på sporet denne måned"
    )


def test_a_goal_judged_apart_from_its_kpi_says_both_levels_apart():
    """ "Judged against its path …, which aims further than the KPI's target this month" named
    no KPI target, and for churn the path and the target both read "1.7 %" (a CEO's trial): the
    reason gives the KPI's target, with a decimal more on both where they would read alike."""
    from dataclasses import replace

    from tests import handmade

    row = handmade.month_report().goals["T1"]  # on its path while its KPI is close, not on target
    with i18n.use("en"):
        said = phrases.goal_reason(row, handmade.OCTOBER)
        assert said.startswith("The goal is judged against its path to 24.0\xa0h by Dec\xa02026")
        assert said.endswith(
            "(the path is at 26.7\xa0h this month), the KPI against its target this month (24.0\xa0h)."
        )
        alike = phrases.goal_reason(replace(row, kpi_target=26.68), handmade.OCTOBER)
        assert "(the path is at 26.67\xa0h this month)" in alike and alike.endswith("(26.68\xa0h).")
        beyond = phrases.goal_reason(replace(row, reason=verdicts.Reason.TARGET_BEYOND), handmade.OCTOBER)
        assert beyond.endswith("a stricter level than the KPI's target this month (24.0\xa0h).")
    with i18n.use("da"):
        said = phrases.goal_reason(row, handmade.OCTOBER)
        assert said.endswith("KPI'en mod sin målværdi denne måned (24,0\xa0t.).")


def test_a_survey_forecast_says_its_margin_and_when_it_cannot_tell():
    """ "+40, still reaching the target" stood under eight flat months of an NPS measured to ±4
    points a month (a CX director's trial): the forecast carries its margin, and where the target
    lies within it, says whether it is reached cannot be told."""
    with i18n.use("en"):
        unsure = phrases.forecast(40.0, 40.0, "nps", Direction.HIGHER, GoalStatus.AT_RISK, 14.94)
        assert unsure == (
            "+40\u00a0±\u00a014.9\u00a0pts, the target within that range: too uncertain to call"
        )
        short = phrases.forecast(4.7, 5.4, "ces", Direction.HIGHER, GoalStatus.OFF_TRACK, 0.3)
        assert short.startswith("4.7\u00a0/\u00a07\u00a0±\u00a00.3, ") and "short of target" in short
    with i18n.use("da"):
        said = phrases.forecast(40.0, 40.0, "nps", Direction.HIGHER, GoalStatus.AT_RISK, 14.94)
        assert said.startswith("+40\u00a0±\u00a014,9\u00a0point, målværdien inden for spændet: for usikkert")


def test_a_forecast_margin_past_the_unit_s_end_is_told_as_the_range_within_it():
    """ "91.1 % ± 18.3 pts" promised a share above 100 % (noted by a session): a margin that
    reaches past what the unit can take is written as the range that remains, in both languages,
    and the target inside it still cannot be told."""
    join = "\u2060–\u2060"
    with i18n.use("en"):
        assert (
            phrases.forecast_value(91.1, "%", 18.3) == f"91.1\u00a0% (72.8{join}100.0\u00a0%)"
        )  # the unit once
        assert phrases.forecast_value(-90.0, "nps", 14.9) == f"-90 (-100{join}-75)"
        assert phrases.forecast_value(50.0, "%", 18.3) == "50.0\u00a0%\u00a0±\u00a018.3\u00a0pts"
        unsure = phrases.forecast(91.1, 95.0, "%", Direction.HIGHER, GoalStatus.AT_RISK, 18.3)
        assert unsure.endswith("the target within that range: too uncertain to call")
    with i18n.use("da"):
        assert phrases.forecast_value(91.1, "%", 18.3) == f"91,1\u00a0% (72,8{join}100,0\u00a0%)"
        assert phrases.forecast_value(6.5, "ces", 1.0) == f"6,5\u00a0/\u00a07 (5,5{join}7,0\u00a0/\u00a07)"


def test_a_small_time_is_judged_as_it_is_written_not_as_zero():
    """Outage minutes per customer of 0.24-0.35 were judged as written, "0 min", so a month of 0.04
    was "7 times smaller than its usual 0 min" (a day-one trial): a time below 10 is written and
    judged with the decimals it needs."""
    from kpi.domain import precision

    assert precision.as_written(0.24, "min") == 0.24
    assert precision.as_written(0.041, "min") == 0.04
    assert precision.as_written(7.46, "s") == 7.5
    assert precision.as_written(12.46, "s") == 12.0
    assert precision.as_written(0.24, "nps") == 0.0  # NPS stays whole
