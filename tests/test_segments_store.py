"""Answers counted per segment and touchpoint, on DuckDB and PostgreSQL: they add up to the month
counts the store keeps (`response_month`), and a department head reads only their own survey KPIs."""

import pytest
import sqlalchemy as sa

from kpi.demo import generate
from kpi.domain import access, cx, months
from kpi.domain.access import EVERYTHING, NOTHING
from kpi.domain.model import Person, Role
from kpi.store import engine, queries, schema, segments
from tests.conftest import DEMO_END

pytestmark = pytest.mark.reads_only
SURVEYS = ("NPS", "NPS_B2B", "CES", "CS_CSAT", "ECOM_CES", "LOG_NPS")


def _month_counts(conn) -> dict:
    r = schema.response_month
    rows = conn.execute(sa.select(r).where(r.c.month >= months.add(DEMO_END, -12), r.c.month <= DEMO_END))
    return {(row.kpi, row.month): row for row in rows}


@pytest.mark.parametrize("by", list(segments.By))
def test_groups_add_up_to_the_months_counts(demo_url, by):
    with engine.reading(engine.create(demo_url)) as conn:
        found = segments.counts(conn, EVERYTHING, SURVEYS, months.add(DEMO_END, -12), DEMO_END, by)
        kept = _month_counts(conn)
    assert set(found) == set(SURVEYS)
    for kpi, by_month in found.items():
        assert len(by_month) == 13, kpi
        for month, groups in by_month.items():
            row = kept[(kpi, month)]
            assert sum(c.n for c in groups.values()) == row.n
            assert sum(c.promoters for c in groups.values()) == row.promoters
            assert sum(c.detractors for c in groups.values()) == row.detractors
            assert sum(c.satisfied for c in groups.values()) == row.satisfied
            assert sum(c.total for c in groups.values()) == pytest.approx(row.total)
            assert sum(c.total_sq for c in groups.values()) == pytest.approx(row.total_sq)
            assert all(isinstance(c, cx.SurveyCounts) and c.n > 0 for c in groups.values())
    groups = {g for by_month in found.values() for m in by_month.values() for g in m}
    assert groups == ({"private", "business"} if by is segments.By.SEGMENT else set(generate._TOUCHPOINTS))


def test_only_the_months_asked_for(demo_url):
    with engine.reading(engine.create(demo_url)) as conn:
        found = segments.counts(
            conn,
            EVERYTHING,
            ["NPS"],
            months.add(DEMO_END, -12),
            DEMO_END,
            only=[DEMO_END, months.add(DEMO_END, -12)],
        )
    assert sorted(found["NPS"]) == [months.add(DEMO_END, -12), DEMO_END]


def _head(conn, department: str) -> access.Scope:
    person = next(
        p for p in queries.people(conn) if p.role is Role.DEPARTMENT_HEAD and p.department == department
    )
    return access.scope_for(person, queries.goal_links(conn))


def test_a_department_head_reads_only_their_own_departments_answers(demo_url):
    with engine.reading(engine.create(demo_url)) as conn:
        cs = _head(conn, "CS")
        assert "NPS" in cs.kpis or cs.goals  # line of sight may show them NPS's value …
        found = segments.counts(conn, cs, SURVEYS, months.add(DEMO_END, -3), DEMO_END)
        assert set(found) == {"CS_CSAT"}  # … but never the answers of another department's KPI
        assert segments.counts(conn, NOTHING, SURVEYS, DEMO_END, DEMO_END) == {}
        nobody = access.scope_for(Person("x@y", "X", Role.DEPARTMENT_HEAD, None), queries.goal_links(conn))
        assert segments.counts(conn, nobody, SURVEYS, DEMO_END, DEMO_END) == {}


def test_measured_and_unknown_kpis_have_no_answers(demo_url):
    with engine.reading(engine.create(demo_url)) as conn:
        assert segments.counts(conn, EVERYTHING, ["CS_WAIT", "NOPE"], DEMO_END, DEMO_END) == {}
        assert segments.counts(conn, EVERYTHING, [], DEMO_END, DEMO_END) == {}
