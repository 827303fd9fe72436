"""The five SMART checks, case by case, with the reasons a CEO reads."""

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from kpi.domain import industry, months, smart
from kpi.domain.access import EVERYTHING
from kpi.domain.model import Aggregation, Direction, Goal, Kpi, Level, MonthValue
from kpi.output import serialize
from kpi.store import engine, monthly, queries, schema
from kpi.text import i18n, words
from tests.conftest import DEMO_END

MONTH = date(2026, 10, 1)
FCR = Kpi(
    "FCR", "First contact resolution", "CS", "%", Direction.HIGHER, Aggregation.MEAN, 78, benchmark="fcr"
)
WAIT = Kpi("WAIT", "Wait time", "CS", "s", Direction.LOWER, Aggregation.MEAN, 60)

GOOD = Goal(
    code="O1",
    level=Level.OPERATIONAL,
    title="Phone cases are solved in the first call",
    kpi="FCR",
    department="CS",
    owner="camilla@x",
    parent="T1",
    description="Raise the share of customers' phone cases solved in the first call.",
    baseline=68,
    target=78,
    start=date(2025, 5, 1),
    deadline=date(2027, 2, 28),
    accepted_at=date(2025, 5, 10),
)


def history(kpi_code, start_value, per_month, until=MONTH, count=18):
    first = months.add(until, -(count - 1))
    return [MonthValue(kpi_code, months.add(first, i), start_value + per_month * i) for i in range(count)]


FCR_HISTORY = history("FCR", 68, 0.5)  # +0.5 points a month, 76.5 now


def test_a_well_formed_goal_passes_all_five():
    result = smart.assess(GOOD, FCR, FCR_HISTORY, MONTH, "Camilla Berg")
    assert result.score == 5 and words.smart_reasons(result) == []
    assert serialize.smart_dict(result) == {
        "specific": True,
        "measurable": True,
        "accepted": True,
        "realistic": True,
        "time_bound": True,
        "reasons": [],
    }


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"description": ""}, ["no_description", "no_audience"]),  # the title names no customers either
        ({"description": "Under 1½ minut i gennemsnit"}, ["short_description", "no_audience"]),  # four words
        (
            {
                "title": "Improve website",
                "description": "Make the website better for everybody in every way.",
            },
            ["vague_title", "no_audience"],
        ),
        ({"kpi": None}, ["no_kpi"]),
        (
            {"description": "Kunderne skal have løst deres sag ved første opkald i telefonen."},
            [],
        ),  # Danish audience words
    ],
)
def test_specific(changes, reasons):
    assert [r.key for r in smart.specific(replace(GOOD, **changes)).reasons] == reasons


@pytest.mark.parametrize(
    ("changes", "kpi", "values", "reasons"),
    [
        ({}, FCR, FCR_HISTORY, []),
        ({"baseline": None}, FCR, FCR_HISTORY, ["no_baseline"]),
        ({"target": None}, FCR, FCR_HISTORY, ["no_target"]),
        ({}, FCR, FCR_HISTORY[:-4], ["no_data"]),  # nothing in the last three months
        ({"kpi": None}, None, [], ["no_kpi"]),
    ],
)
def test_measurable(changes, kpi, values, reasons):
    assert [r.key for r in smart.measurable(replace(GOOD, **changes), kpi, values, MONTH).reasons] == reasons


@pytest.mark.parametrize(
    ("changes", "reasons", "text"),
    [
        ({}, [], ""),
        ({"accepted_at": None}, ["not_accepted"], "Camilla Berg has not accepted it yet"),
        ({"owner": None, "accepted_at": None}, ["no_owner"], "nobody owns it"),
    ],
)
def test_accepted(changes, reasons, text):
    check = smart.accepted(replace(GOOD, **changes), "Camilla Berg")
    assert [r.key for r in check.reasons] == reasons
    assert text in " ".join(words.reason(r) for r in check.reasons)


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({}, []),
        ({"deadline": None}, ["no_deadline"]),
        ({"start": None}, ["no_start"]),
        ({"deadline": date(2025, 4, 30)}, ["deadline_before_start"]),
    ],
)
def test_time_bound(changes, reasons):
    assert [r.key for r in smart.time_bound(replace(GOOD, **changes)).reasons] == reasons


def test_realistic_against_history():
    # 76.5 now; 79 by Feb 2027 needs +0.63 a month; the best 6-month run was +0.5 a month
    goal = replace(GOOD, target=79.5)
    check = smart.realistic(goal, FCR, FCR_HISTORY, MONTH)
    assert [r.key for r in check.reasons] == ["too_fast"]
    assert words.reason(check.reasons[0]) == (
        "reaching 79.5\xa0% by 28 Feb 2027 needs a rise of 0.8\xa0pts a month; "
        "the best 6-month run in this KPI's history was a rise of 0.5\xa0pts a month"
    )
    with i18n.use("da"):
        assert "kræver en stigning på 0,8\xa0%\u2011point om måneden" in words.reason(
            check.reasons[0]
        )  # of a rate


def test_realistic_when_the_history_allows_it():
    assert smart.realistic(replace(GOOD, target=78.5), FCR, FCR_HISTORY, MONTH).passed


def test_realistic_for_a_lower_is_better_kpi():
    waits = history("WAIT", 140, -2)  # 106 s now, -2 s a month at best
    goal = replace(GOOD, kpi="WAIT", baseline=140, target=60)
    check = smart.realistic(goal, WAIT, waits, MONTH)  # needs (106-60)/4 = -11.5 s a month
    assert [r.key for r in check.reasons] == ["too_fast"]
    said = words.reason(check.reasons[0])
    assert "needs a fall of 12\xa0s a month" in said and "was a fall of 2\xa0s a month" in said
    with i18n.use("da"):  # "kræver -12 sek. om måneden" read as a machine's
        assert "kræver et fald på 12\xa0sek. om måneden" in words.reason(check.reasons[0])
    assert smart.realistic(replace(goal, target=100), WAIT, waits, MONTH).passed


def test_a_kpi_that_never_improved():
    flat = history("FCR", 70, -0.1)
    check = smart.realistic(replace(GOOD, target=75), FCR, flat, MONTH)
    assert [r.key for r in check.reasons] == ["never_improved"]


def test_realistic_against_a_published_benchmark():
    goal = replace(GOOD, target=90)  # world-class FCR is 80 % (SQM Group)
    check = smart.realistic(goal, replace(FCR, target=90), history("FCR", 60, 2.0), MONTH)
    assert [r.key for r in check.reasons] == ["beyond_best"]
    assert (
        words.reason(check.reasons[0])
        == "the target 90.0\xa0% is beyond the best level published (80.0\xa0%, SQM Group, 2022)"
    )


def test_benchmark_sources_read_in_the_readers_language():
    """Who published a benchmark is said in Danish too; only bare proper names stay as they are."""
    english, danish = i18n.catalogue("en"), i18n.catalogue("da")
    sources = {bench.source for bench in industry.BENCHMARKS.values()}
    assert all(f"benchmark.source.{source}" in english for source in sources)
    untranslated = {s for s in sources if english[f"benchmark.source.{s}"] == danish[f"benchmark.source.{s}"]}
    assert untranslated == {"sqm"}  # "SQM Group, 2022": a name and a year
    goal = replace(GOOD, target=90)
    check = smart.realistic(goal, replace(FCR, target=90), history("FCR", 60, 2.0), MONTH)
    with i18n.use("da"):
        assert words.reason(check.reasons[0]).endswith("(80,0\xa0%, SQM Group, 2022)")
        assert "Call Centre Helpers undersøgelse" in words.benchmark_source("call_centre_helper")


def test_realistic_is_not_judged_without_what_it_needs():
    assert smart.realistic(replace(GOOD, deadline=None), FCR, FCR_HISTORY, MONTH).passed  # time-bound says so
    assert smart.realistic(GOOD, FCR, [], MONTH).passed  # measurable says so
    assert smart.realistic(replace(GOOD, target=70), FCR, FCR_HISTORY, MONTH).passed  # already achieved


def test_best_run():
    assert smart.best_run(FCR_HISTORY, Direction.HIGHER) == pytest.approx(0.5)
    assert smart.best_run(history("WAIT", 140, -2), Direction.LOWER) == pytest.approx(2.0)
    assert smart.best_run(FCR_HISTORY[:6], Direction.HIGHER) is None  # no six-month span yet


def test_paces_that_would_read_alike_get_a_decimal_more():
    reason = smart.Reason(
        "too_fast",
        (
            ("target", 1.0),
            ("deadline", date(2027, 2, 28)),
            ("pace_needed", -0.104),
            ("pace_best", -0.096),
            ("months", 6),
        ),
        "per1000",
    )
    text = words.reason(reason)
    assert "needs a fall of 0.104\xa0‰ a month" in text and "was a fall of 0.096\xa0‰ a month" in text


def test_specific_is_judged_on_the_goals_own_text_in_every_language(demo_url):
    """A terse Danish title must not fail "specific" for Danish readers only: the verdict is
    about the goal, judged on the text stored in it, whatever language it is read in."""
    store = engine.create(demo_url)
    with engine.reading(store) as conn:
        before = monthly.smart_assessments(conn, EVERYTHING, DEMO_END)
    code = next(c for c, found in before.items() if found.checks[smart.Criterion.SPECIFIC].passed)
    t = schema.translation
    mine = (t.c.table_name == "goal", t.c.key == code, t.c.field == "title", t.c.language == "da")
    with engine.writing(store) as conn:
        conn.execute(sa.delete(t).where(*mine))
        conn.execute(
            sa.insert(t).values(table_name="goal", key=code, field="title", language="da", text="Bedre")
        )
    with engine.reading(store) as conn:
        danish = next(g for g in queries.goals(conn, EVERYTHING, "da") if g.code == code)
        after = monthly.smart_assessments(conn, EVERYTHING, DEMO_END)
    store.dispose()
    assert danish.title == "Bedre" and not smart.specific(danish).passed  # its translation alone would fail
    assert after == before


def test_a_pace_too_small_to_show_at_first_still_reads_as_a_rise_or_a_fall():
    """Two paces a decimal more tells apart read "+0.004 pts" inside the sentence, and a pace of
    nothing "+0.0 pts" (a code review): a rise or a fall wherever one shows, a bare figure where none."""
    with i18n.use("en"):
        assert words._pace(0.004, "%", 2) == "a rise of 0.004\xa0pts"
        assert words._pace(-0.003, "%", 2) == "a fall of 0.003\xa0pts"
        assert words._pace(0.004, "%") == "0.0\xa0pts"  # too small to show: no rise said
        assert words._pace(0.0, "%") == "0.0\xa0pts"
