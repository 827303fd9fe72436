"""Late values (issue 18, item 3): the pure rule, its place in the exception list, the store's
setting and its one check, and the words that say where a value came from."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from kpi.domain import attention, lateness
from kpi.domain.attention import Kind
from kpi.domain.errors import Denied, Refused
from kpi.domain.model import MonthValue, Person, Role
from kpi.store import engine, rules, setup
from kpi.text import i18n, words
from tests import handmade
from tests.handmade import OCTOBER

# October ends on the 31st; with 10 grace days its values are due by 10 November.
NOV = date(2026, 11, 1).replace


@pytest.mark.parametrize(
    "today, days, has_value, is_retired, expected",
    [
        (NOV(day=10), 10, False, False, None),  # day N after the month's end: still on time
        (NOV(day=11), 10, False, False, 1),  # day N + 1: one day late
        (NOV(day=30), 10, False, False, 20),
        (date(2026, 10, 20), 10, False, False, None),  # the month has not ended
        (date(2026, 10, 31), 0, False, False, None),  # its last day: not ended either
        (NOV(day=1), 0, False, False, 1),  # no grace: late the day after the month
        (date(2026, 12, 30), 60, False, False, None),  # 60 days after 31 October
        (date(2026, 12, 31), 60, False, False, 1),
        (NOV(day=30), 10, True, False, None),  # the value is there
        (NOV(day=30), 10, False, True, None),  # a retired KPI is never late
    ],
)
def test_when_a_value_is_late(today, days, has_value, is_retired, expected):
    assert lateness.overdue(OCTOBER, today, days, has_value=has_value, is_retired=is_retired) == expected


def test_a_survey_kpi_is_late_when_it_has_no_answers_and_only_then():
    # handmade: DOWN has no October value; NPS is a survey KPI with 410 answers in October
    built = handmade.month_report()
    assert lateness.late_kpis(built, NOV(day=15), 10) == {"DOWN": 5}
    no_answers = [v for v in handmade.VALUES if not (v.kpi == "NPS" and v.month == OCTOBER)]
    built = handmade.month_report(values=no_answers)
    assert lateness.late_kpis(built, NOV(day=15), 10) == {"DOWN": 5, "NPS": 5}
    assert lateness.late_kpis(built, NOV(day=10), 10) == {}


def test_a_retired_kpi_in_a_report_is_never_late():
    built = handmade.month_report()
    row = built.kpis["DOWN"]
    built.kpis["DOWN"] = replace(row, kpi=replace(row.kpi, retired_at=OCTOBER))
    assert lateness.late_kpis(built, NOV(day=15), 10) == {}


def test_a_late_value_ranks_below_everything_red_and_above_goals_at_risk():
    """Red first (a broken promise or a red number is evidence of harm to customers); then a late
    value, because until it is in the month cannot be read on that KPI at all; then goals at risk,
    new concerns and overdue actions, which can be read and weighed. It replaces "No value"."""
    items = attention.items(handmade.month_report(), handmade.ACTIONS, late={"DOWN": 5})
    assert [(i.kind, i.code, i.detail) for i in items] == [
        (Kind.MISMATCH, "S1", "green_parts_red_whole"),
        (Kind.RED_KPI, "NPS", ""),  # a strategic goal's KPI: right after the strategic goals
        (Kind.MISSED, "O3", ""),
        (Kind.RED_KPI, "PAGE", ""),
        (Kind.LATE, "DOWN", "5"),
        (Kind.AT_RISK, "O2", ""),
        (Kind.LATE_ACTION, "1", "2026-09-15"),
    ]
    late = items[4]
    assert (late.since, late.goal, late.department, late.value) == (OCTOBER, "S2", "IT", None)
    assert Kind.LATE not in attention.RED_KINDS


def test_a_missing_value_not_yet_late_stays_no_value():
    items = attention.items(handmade.month_report(), [], late={})
    assert [(i.kind, i.code) for i in items if i.code == "DOWN"] == [(Kind.NO_DATA, "DOWN")]


def test_the_late_item_says_how_many_days_late_in_both_languages():
    from kpi.text import phrases

    item = next(
        i for i in attention.items(handmade.month_report(), [], late={"DOWN": 1}) if i.kind is Kind.LATE
    )
    with i18n.use("en"):
        kind, value, target, _ = phrases.attention_facts(item, {})
        assert (kind, value, target) == (
            "Value late",
            "1 day late",
            "30\u00a0min this month",
        )  # a KPI's target: this month's
    with i18n.use("da"):
        kind, value, target, _ = phrases.attention_facts(replace(item, detail="12"), {})
        assert (kind, value, target) == ("Værdi forsinket", "12 dage forsinket", "30\u00a0min. denne måned")


@pytest.mark.parametrize(
    "typed, expected", [("0", 0), ("10", 10), (" 60 ", 60), (25, 25), ("61", None), ("-1", None),
                        ("ten", None), ("1.5", None), ("", None), (None, None), (True, None), ("٣", None),
                        (12.0, 12), (12.5, None), ("+7", None), ("1_0", None), ("9" * 5000, None)]
)  # fmt: skip
def test_the_grace_days_are_a_whole_number_from_0_to_60(typed, expected):
    days, problems = lateness.check_days(typed)
    assert days == expected
    assert bool(problems) is (expected is None)


def test_a_refused_grace_days_says_what_it_must_be():
    _, problems = lateness.check_days("ten")
    with i18n.use("en"):
        assert words.said(Refused(problems)) == (
            "Days after a month's end until its values are due: “ten” is not a whole number of days "
            "from 0 to 60 (the default is 10)."
        )
    with i18n.use("da"):
        assert "»ten« er ikke et helt antal dage fra 0 til 60 (standard er 10)" in words.said(
            Refused(problems)
        )


ADMIN = Person("admin@example.com", "Ada Min", Role.ADMIN, "MGMT")
HEAD = Person("cs@example.com", "Carl Sand", Role.DEPARTMENT_HEAD, "CS")


def test_the_store_keeps_the_grace_days_checks_them_and_audits_them(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.reading(store) as conn:
        assert rules.late_days(conn) == lateness.DEFAULT_DAYS == 10
    with engine.writing(store) as conn:
        rules.write_late_days(conn, ADMIN, "3")
    with engine.reading(store) as conn:
        assert rules.late_days(conn) == 3
    for bad in ("61", "three", "-2"):
        with pytest.raises(Refused) as refused, engine.writing(store) as conn:
            rules.write_late_days(conn, ADMIN, bad)
        assert [p.key for p in refused.value.problems] == ["late_days"]
    with pytest.raises(Denied), engine.writing(store) as conn:
        rules.write_late_days(conn, HEAD, "5")
    with engine.reading(store) as conn:
        assert rules.late_days(conn) == 3
        from kpi.store import queries

        assert [r["after"] for r in queries.audit(conn, tables=["setting"])] == [
            '{"name": "late_days", "value": "3"}'
        ]


LOADED = datetime(2026, 11, 3, 14, 2, 37)


@pytest.mark.parametrize(
    "source, english, danish",
    [
        ("Q3.xlsx", "From import file Q3.xlsx, loaded 3 Nov 2026 14:02",
         "Fra importfilen Q3.xlsx, indlæst 3. nov. 2026 14.02"),
        ("correction", "Corrected by hand, 3 Nov 2026 14:02", "Rettet i hånden, 3. nov. 2026 14.02"),
        ("pull:files", "Pulled from source files, 3 Nov 2026 14:02", "Hentet fra kildefiler, 3. nov. 2026 14.02"),
        ("pull:sql:warehouse", "Pulled from the database connection warehouse, 3 Nov 2026 14:02",
         "Hentet fra databaseforbindelsen warehouse, 3. nov. 2026 14.02"),
        ("pull:http:http://prom:9090", "Pulled from http://prom:9090, 3 Nov 2026 14:02",
         "Hentet fra http://prom:9090, 3. nov. 2026 14.02"),
        ("pull:recipe:service_level", "Computed from raw events by the recipe service_level, 3 Nov 2026 14:02",
         "Beregnet ud fra rå hændelser med opskriften service_level, 3. nov. 2026 14.02"),
        ("pull:calls:exports/calls-*.parquet", "Counted over the call records exports/calls-*.parquet, 3 Nov 2026 14:02",
         "Talt over opkaldsposterne exports/calls-*.parquet, 3. nov. 2026 14.02"),
        ("pull:later", "Pulled from a later source, 3 Nov 2026 14:02",
         "Hentet fra en later-kilde, 3. nov. 2026 14.02"),
        ("demo", "Generated for the demo company, 3 Nov 2026 14:02",
         "Genereret til demovirksomheden, 3. nov. 2026 14.02"),
        ("", "Loaded 3 Nov 2026 14:02", "Indlæst 3. nov. 2026 14.02"),
    ],
)  # fmt: skip
def test_where_a_value_came_from_in_words(source, english, danish):
    with i18n.use("en"):
        assert words.origin(source, LOADED) == english
    with i18n.use("da"):
        assert words.origin(source, LOADED) == danish


@pytest.mark.parametrize(
    "label, english, danish",
    [
        ("pull:files", "Pulled from source files", "Hentet fra kildefiler"),
        ("pull:recipe:service_level", "Computed from raw events by the recipe service_level",
         "Beregnet ud fra rå hændelser med opskriften service_level"),
        ("pull:calls:data/calls.parquet", "Counted over the call records data/calls.parquet",
         "Talt over opkaldsposterne data/calls.parquet"),
    ],
)  # fmt: skip
def test_a_pull_line_names_its_source_in_words(label, english, danish):
    """The Data page's Pull table says where each value comes from as the KPI's help does, not
    as the label the store keeps (`pull:recipe:service_level`)."""
    with i18n.use("en"):
        assert words.source_said(label) == english
    with i18n.use("da"):
        assert words.source_said(label) == danish


def test_a_survey_value_comes_from_its_answers():
    with i18n.use("en"):
        assert words.origin("", None, 1234) == "Survey answers (n\u00a0=\u00a01,234)"
    with i18n.use("da"):
        assert words.origin("", None, 1234) == "Svar på spørgeskema (n\u00a0=\u00a01.234)"


def test_the_audit_says_where_a_measurement_came_from():
    after = '{"kpi": "WAIT", "loaded_at": "2026-11-03T14:02:37", "source": "pull:files", "value": 55.0}'
    with i18n.use("en"):
        assert words.audit_origin("measurement", after) == "Pulled from source files, 3 Nov 2026 14:02"
        assert words.audit_origin("measurement", '{"value": 54.0}') == ""  # the source did not change
        assert words.audit_origin("measurement", None) == ""  # a deletion
        assert words.audit_origin("measurement", float("nan")) == ""  # … as a table's column holds it
        assert words.audit_origin("goal", '{"source": "x"}') == ""
        assert words.audit_origin("measurement", "{not json") == ""


def test_a_month_value_carries_its_answers_to_the_words():
    from kpi.ui.widgets import origin_words

    with i18n.use("en"):
        assert (
            origin_words(MonthValue("NPS", OCTOBER, 22, n=410, margin=4.4), None)
            == "Survey answers (n\u00a0=\u00a0410)"
        )
        assert origin_words(None, None) == ""


def _readme_store_settings() -> dict[str, tuple[str, str]]:
    """The README's table of store settings: name → what it holds, its default."""
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("| store setting |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:-1] for line in table.splitlines() if line.startswith("| `")]
    return {cells[0].strip().strip("`"): (cells[1], cells[2]) for cells in rows}


def test_the_readme_documents_every_store_setting_with_its_range_and_default():
    from kpi.domain import signals

    documented = _readme_store_settings()
    assert set(documented) == {rules.RULES, rules.SHIFT_RUN, rules.TREND_RUN, lateness.SETTING}
    assert f"`{lateness.DEFAULT_DAYS}`" in documented[lateness.SETTING][1]
    assert f"`{signals.DEFAULT_RULES.shift_run}`" in documented[rules.SHIFT_RUN][1]
    assert f"`{signals.DEFAULT_RULES.trend_run}`" in documented[rules.TREND_RUN][1]
    for name, (low, high) in (
        (rules.SHIFT_RUN, signals.RUN_RANGE),
        (rules.TREND_RUN, signals.RUN_RANGE),
        (lateness.SETTING, lateness.DAYS_RANGE),
    ):
        assert f"({low}–{high})" in documented[name][0], name  # the range the checks keep to
