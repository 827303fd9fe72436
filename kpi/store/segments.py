"""Survey answers counted per segment or touchpoint and month: what the Segments and touchpoints
tab, the mix/rate split on a KPI's detail and the attention list read.

One aggregate query over the answers (`response`), grouped in the database by KPI, month and
group, with the counts `kpi.domain.cx` turns into a score (promoters, detractors, satisfied, sum
and sum of squares), so millions of answers come back as a few hundred rows. The same SQL on
DuckDB and PostgreSQL, values bound; only survey KPIs the scope reads (default deny).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from enum import StrEnum

import sqlalchemy as sa

from kpi.domain import cx, months, samples
from kpi.domain.access import Scope
from kpi.domain.model import Aggregation
from kpi.store import queries
from kpi.store import schema as s


class By(StrEnum):
    """What the answers are sliced by: a column of `response`."""

    SEGMENT = "segment"
    TOUCHPOINT = "touchpoint"


Counts = dict[str, dict[date, dict[str, cx.SurveyCounts]]]
"""`kpi → month → group → answer counts`."""


def counts(
    conn: sa.Connection,
    scope: Scope,
    kpis: Collection[str],
    first: date,
    last: date,
    by: By = By.SEGMENT,
    *,
    only: Collection[date] | None = None,
) -> Counts:
    """The answers of the survey KPIs `kpis` that `scope` reads, counted per month from `first`
    to `last` (or only the months in `only`) and per `by` group. Only the KPIs of the scope's own
    departments: a goal read by line of sight beyond them shows its KPI's value, never its
    answers. KPIs out of scope, retired or not surveys are left out, as if they had no answers."""
    if not kpis:
        return {}
    r, k = s.response, s.kpi
    month = sa.cast(sa.func.date_trunc("month", r.c.date), sa.Date).label("month")
    group = r.c[str(by)]
    surveys = sa.select(k.c.code).where(
        k.c.code.in_(queries.kpis_in_scope(Scope(scope.departments))),
        k.c.aggregation.in_([a.value for a in Aggregation if a.is_survey]),
    )
    stmt = (
        sa.select(
            r.c.kpi,
            month,
            group,
            sa.func.count(),
            sa.func.count().filter(r.c.score >= cx.PROMOTER_MIN),
            sa.func.count().filter(r.c.score <= cx.DETRACTOR_MAX),
            sa.func.count().filter(r.c.score >= cx.SATISFIED_MIN),
            sa.func.sum(r.c.score),
            sa.func.sum(r.c.score * r.c.score),
        )
        .where(
            r.c.kpi.in_(sorted(kpis)),
            r.c.kpi.in_(surveys),
            r.c.date >= months.first_of(first),
            r.c.date < months.add(months.first_of(last), 1),
        )
        .group_by(r.c.kpi, month, group)
    )
    wanted = None if only is None else {months.first_of(m) for m in only}
    out: Counts = {}
    for kpi, when, name, n, promoters, detractors, satisfied, total, total_sq in conn.execute(stmt):
        when = when if isinstance(when, date) else date.fromisoformat(str(when)[:10])
        if wanted is not None and when not in wanted:
            continue
        out.setdefault(kpi, {}).setdefault(when, {})[name] = cx.SurveyCounts(
            int(n), int(promoters), int(detractors), int(satisfied), float(total), float(total_sq)
        )
    return out


def splits(conn: sa.Connection, scope: Scope, month: date) -> dict[str, samples.Split]:
    """Each survey KPI of the scope's own departments with answers in `month` and the month
    before: its change split into mix and rate by segment (`samples.split`), `kpi code → Split`.
    One grouped read for all of them."""
    surveys = {k.code: k for k in queries.kpis(conn, Scope(scope.departments)) if k.aggregation.is_survey}
    before = months.add(month, -1)
    found = counts(conn, scope, surveys, before, month)
    out = {}
    for code, by_month in found.items():
        split = samples.split(surveys[code].aggregation, by_month.get(before, {}), by_month.get(month, {}))
        if split is not None:
            out[code] = split
    return out
