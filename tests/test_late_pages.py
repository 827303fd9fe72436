"""Late values and where numbers came from, as people see them (issue 18, item 3): the late badge
on a KPI's card and tile, the late item in what needs attention, the card's help saying where
the value came from, the grace days' form on the Data page, and the audit's "Where from" column.

The store is made for the last complete month of the real calendar, so the test needs no clock
of its own: 0 grace days make a missing value late on any day after the month (by at least a
day), 60 make it not late yet on any day of the month after (which has at most 31)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import settings
from kpi.demo.generate import Company
from kpi.domain import months
from kpi.domain.access import EVERYTHING
from kpi.domain.model import (
    Aggregation,
    Department,
    Direction,
    Goal,
    Kpi,
    Level,
    Measurement,
    Person,
    Role,
)
from kpi.store import engine, monthly, rules
from kpi.store import schema as s
from kpi.store.writes import Writer
from tests.conftest import forget_app, load_company, new_app, point_app_at
from tests.sharing import open_data_tab

MONTH = months.last_complete(settings.today())
ADMIN = Person("admin@late.example", "Ada Min", Role.ADMIN, "MGMT")
HEAD = Person("cs@late.example", "Carl Sand", Role.DEPARTMENT_HEAD, "CS")
IT_HEAD = Person("it@late.example", "Ina Tang", Role.DEPARTMENT_HEAD, "IT")
WAIT = "Wait on the phone"
UPTIME = "Shop up"


def _company() -> Company:
    company = Company("Late Ltd", MONTH)
    company.departments = [
        Department("MGMT", "Board"),
        Department("CS", "Service"),
        Department("IT", "Platform"),
    ]
    company.people = [ADMIN, HEAD, IT_HEAD]
    company.kpis = [
        Kpi("CALLS", "Answered within a minute", "CS", "%", Direction.HIGHER, Aggregation.MEAN, target=80.0),
        Kpi("WAIT", WAIT, "CS", "s", Direction.LOWER, Aggregation.MEAN, target=60.0),
        Kpi("UP", UPTIME, "IT", "%", Direction.HIGHER, Aggregation.MEAN, target=99.0),
    ]
    year = {"start": date(MONTH.year, 1, 1), "deadline": date(MONTH.year, 12, 31)}
    company.goals = [
        Goal("S1", Level.STRATEGIC, "Callers are answered", "CALLS", "CS", HEAD.email, target=80.0, **year),
        Goal("S2", Level.STRATEGIC, "Short waits", "WAIT", "CS", HEAD.email, target=60.0, **year),
        Goal("S3", Level.STRATEGIC, "The shop stays up", "UP", "IT", IT_HEAD.email, target=99.0, **year),
    ]
    before = months.add(MONTH, -1)
    company.measurements = [
        Measurement("CALLS", before, 82.0, "", "Q3 *final*.xlsx"),
        Measurement("CALLS", MONTH, 85.0, "", "Q3 *final*.xlsx"),
        Measurement("WAIT", before, 55.0, "", "Q3 *final*.xlsx"),  # and none this month: late, or not yet
        Measurement("UP", before, 99.5, "", "pull:files"),  # none this month either, in IT
    ]
    return company


@pytest.fixture
def late_url(tmp_path):
    return load_company(f"duckdb:///{tmp_path / 'late.duckdb'}", _company())


def _grace(url: str, days: int) -> None:
    with engine.writing(engine.create(url)) as conn:
        rules.write_late_days(conn, ADMIN, str(days))


@pytest.fixture
def open_app(late_url, monkeypatch):
    point_app_at(monkeypatch, late_url)

    def run(page: str, who: Person) -> AppTest:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = new_app(month=f"{MONTH:%Y-%m}", **{"as": who.email}).run()
        if page != "pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    yield run
    forget_app()


def _markdown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.markdown)


def _helps(at: AppTest) -> str:
    return "\n".join(e.proto.help for e in at.markdown if e.proto.help)


def test_with_no_grace_days_the_missing_value_is_late_on_its_tile_and_in_attention(late_url, open_app):
    _grace(late_url, 0)
    at = open_app("pages/overview.py", ADMIN)
    shown = _markdown(at)
    assert "-badge[◴ Late]" in shown  # the tile's badge, beside its status
    assert "-badge[◴ Value late]" in shown and WAIT in shown and UPTIME in shown
    late_days = (settings.today() - months.end_of(MONTH)).days
    day_word = "day" if late_days == 1 else "days"
    assert f"{late_days} {day_word} late (target" in shown  # in the attention list
    assert f"{late_days} {day_word} late." in _helps(at)  # the badge's tooltip
    assert "No value" not in shown  # the late item replaces it


def test_with_60_grace_days_nothing_is_late_yet(late_url, open_app):
    _grace(late_url, 60)
    at = open_app("pages/overview.py", ADMIN)
    shown = _markdown(at)
    assert "◴" not in shown and "Value late" not in shown
    assert "-badge[– No value]" in shown  # still missing, just not late


def test_a_cards_help_says_where_its_value_came_from(late_url, open_app):
    at = open_app("pages/overview.py", ADMIN)
    helps = _helps(at)
    assert "From import file Q3 \\*final\\*.xlsx, loaded " in helps  # escaped: a person typed the name


def test_a_head_sees_only_their_own_late_values(late_url, open_app):
    _grace(late_url, 0)
    at = open_app("pages/departments.py", HEAD)
    shown = _markdown(at)
    assert "-badge[◴ Late]" in shown and UPTIME not in shown + _helps(at)
    at = open_app("pages/overview.py", HEAD)
    shown = _markdown(at)
    assert "-badge[◴ Value late]" in shown and WAIT in shown and UPTIME not in shown
    with engine.reading(engine.create(late_url)) as conn:  # IT's value is late too: a test with teeth
        built = monthly.month_report(conn, EVERYTHING, MONTH)
        assert set(monthly.late(conn, built)) == {"WAIT", "UP"}


# 00:30 in Copenhagen on the day after this month's values were due (with no grace days): still
# the day they were due in UTC (22:30 or 23:30), the first day they are late in Copenhagen
FIRST_LATE = datetime.combine(
    months.end_of(MONTH) + timedelta(days=1), time(0, 30), ZoneInfo("Europe/Copenhagen")
)


class _Clock(datetime):
    """`datetime` whose `now(zone)` is `FIRST_LATE` there, whatever the machine's clock says."""

    @classmethod
    def now(cls, tz=None):
        return FIRST_LATE.astimezone(tz)


@pytest.mark.parametrize("zone, late", [("UTC", set()), ("Europe/Copenhagen", {"WAIT", "UP"})])
def test_a_value_is_late_by_the_company_s_calendar(late_url, monkeypatch, zone, late):
    _grace(late_url, 0)
    monkeypatch.setenv("KPI_TIME_ZONE", zone)
    monkeypatch.setattr(settings, "datetime", _Clock)
    settings.forget()
    with engine.reading(engine.create(late_url)) as conn:
        built = monthly.month_report(conn, EVERYTHING, MONTH)
        assert set(monthly.late(conn, built)) == late


def test_the_cards_are_late_by_the_company_s_calendar(late_url, open_app, monkeypatch):
    _grace(late_url, 0)
    monkeypatch.setenv("KPI_TIME_ZONE", "Europe/Copenhagen")
    monkeypatch.setattr(settings, "datetime", _Clock)
    settings.forget()
    at = open_app("pages/overview.py", ADMIN)
    assert "-badge[◴ Late]" in _markdown(at) and "1 day late." in _helps(at)


def test_an_admin_sets_the_grace_days_on_the_data_page_and_a_bad_value_is_refused(late_url, open_app):
    at = open_data_tab(open_app("pages/data.py", ADMIN), "definitions.tab_plans")
    at.text_input(key="data.plans.late.days").input("ninety")
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.plans.late"][0].click().run()
    errors = " ".join(e.value for e in at.error)
    assert "“ninety” is not a whole number of days from 0 to 60 (the default is 10)" in errors
    at.text_input(key="data.plans.late.days").input("25")
    [b for b in at.get("form_submit_button") if b.proto.form_id == "data.plans.late"][0].click().run()
    assert not at.error
    with engine.reading(engine.create(late_url)) as conn:
        assert rules.late_days(conn) == 25


def test_the_audit_shows_where_each_measurement_came_from(late_url, open_app):
    with engine.writing(engine.create(late_url)) as conn:  # a value pulled later replaces a typed one
        conn.execute(sa.delete(s.audit))
        row = {"kpi": "CALLS", "month": MONTH, "value": 86.0, "note": "", "source": "pull:sql:warehouse",
               "loaded_at": datetime(2026, 11, 3, 14, 2, 37)}  # fmt: skip
        Writer(conn, "pull").upsert_many(s.measurement, [row], volatile=("loaded_at", "source"))
    at = open_data_tab(open_app("pages/data.py", ADMIN), "definitions.tab_audit")
    at.multiselect(key="data.audit.tables").set_value(["measurement"]).run()
    frame = at.dataframe[-1].value
    assert list(frame["Where from"]) == ["Pulled from the database connection warehouse, 3 Nov 2026 14:02"]


def test_the_audit_names_the_command_line_s_operator_in_words(late_url, open_app):
    """A write from the command line without `--as` showed "operator@localhost" in the audit log,
    as on the packs' title slide (a review)."""
    from kpi.domain import access

    with engine.writing(engine.create(late_url)) as conn:
        conn.execute(sa.delete(s.audit))
        row = {"kpi": "CALLS", "month": MONTH, "value": 87.0, "note": "", "source": "correction",
               "loaded_at": datetime(2026, 11, 3, 14, 2, 37)}  # fmt: skip
        Writer(conn, access.OPERATOR).upsert_many(s.measurement, [row], volatile=("loaded_at", "source"))
    at = open_data_tab(open_app("pages/data.py", ADMIN), "definitions.tab_audit")
    assert not at.exception
    assert set(at.dataframe[-1].value["Who"]) == {"an administrator at the command line"}


def test_a_goals_detail_flags_its_late_value_and_says_where_a_value_came_from(late_url, open_app):
    _grace(late_url, 0)
    at = open_app("pages/goal_cascade.py", ADMIN)
    at.selectbox(key="goal").set_value("S2").run()
    assert not at.exception
    assert "-badge[◴ Late]" in _markdown(at)
    at.selectbox(key="goal").set_value("S1").run()
    assert "-badge[◴ Late]" not in _markdown(at)
    captions = " ".join(str(c.value) for c in at.caption)
    assert "From import file Q3 \\*final\\*.xlsx, loaded " in captions
