"""Reading the driver analysis: which survey KPIs relate a customer's score to their ratings of
touchpoints, and the analysis of one such pair (kpi.domain.drivers), in the reader's scope.

An outcome KPI (say NPS) has about one answer per respondent a month; a rating KPI (say TP_SAT)
has one per touchpoint the respondent rated, so several (`RATINGS_PER_RESPONDENT` or more on
average). A pair is an outcome and a rating KPI whose answers share respondents in the same
month. Answers are read only of KPIs in the scope's departments (`kpi.store.respondents`: a goal
owned elsewhere never brings its KPI's answers), so a department head sees no other
department's drivers. Every value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kpi.domain import drivers, months
from kpi.domain.access import Scope
from kpi.domain.model import Aggregation
from kpi.store import queries, respondents
from kpi.store import schema as s

RATINGS_PER_RESPONDENT = 1.5
"""A KPI whose respondents give at least this many answers each in a month (on average) rates
touchpoints; one with fewer is an outcome."""
WINDOW_MONTHS = 3
"""The months the pack's slide analyses, ending with the report month."""


@dataclass(frozen=True)
class Pair:
    """An outcome KPI and the rating KPI whose respondents' ratings drive it."""

    outcome: str
    outcome_name: str
    rating: str
    rating_name: str
    respondents: int
    """Respondents who answered both in the same month, in the months."""


def _window(first: date, last: date) -> tuple[date, date]:
    return months.first_of(first), months.add(months.first_of(last), 1)


def _year(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.extract("year", column)


def _month(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.extract("month", column)


def _answers_per_respondent(
    conn: sa.Connection, kpis: list[str], first: date, last: date
) -> dict[str, float]:
    """Each KPI's average number of answers per respondent and month, of answers with a respondent."""
    r = s.response
    start, end = _window(first, last)
    per_respondent = (
        sa.select(r.c.kpi, sa.func.count().label("n"))
        .where(r.c.kpi.in_(kpis), r.c.respondent.is_not(None), r.c.date >= start, r.c.date < end)
        .group_by(r.c.kpi, r.c.respondent, _year(r.c.date), _month(r.c.date))
        .subquery()
    )
    stmt = sa.select(per_respondent.c.kpi, sa.func.avg(per_respondent.c.n)).group_by(per_respondent.c.kpi)
    return {str(kpi): float(n) for kpi, n in conn.execute(stmt)}


def pairs(conn: sa.Connection, scope: Scope, first: date, last: date, language: str) -> list[Pair]:
    """The outcome KPIs in `scope` with a rating KPI in `scope` whose answers share respondents
    in the months `first`..`last`: NPS KPIs first, then by respondents; each with the rating
    KPI that shares the most."""
    surveys = {
        k.code: k
        for k in queries.kpis(conn, scope, language)
        if k.aggregation.is_survey and (scope.departments is None or k.department in scope.departments)
    }
    if not surveys:
        return []
    ratio = _answers_per_respondent(conn, sorted(surveys), first, last)
    outcomes = sorted(code for code, n in ratio.items() if n < RATINGS_PER_RESPONDENT)
    ratings = sorted(code for code, n in ratio.items() if n >= RATINGS_PER_RESPONDENT)
    if not outcomes or not ratings:
        return []
    o, r = s.response.alias("o"), s.response.alias("r")
    start, end = _window(first, last)
    stmt = (
        sa.select(o.c.kpi, r.c.kpi, sa.func.count(sa.distinct(o.c.respondent)))
        .select_from(
            o.join(
                r,
                sa.and_(
                    r.c.respondent == o.c.respondent,
                    _year(r.c.date) == _year(o.c.date),
                    _month(r.c.date) == _month(o.c.date),
                    r.c.kpi.in_(ratings),
                    r.c.date >= start,
                    r.c.date < end,
                ),
            )
        )
        .where(o.c.kpi.in_(outcomes), o.c.respondent.is_not(None), o.c.date >= start, o.c.date < end)
        .group_by(o.c.kpi, r.c.kpi)
    )
    best: dict[str, tuple[int, str]] = {}
    for outcome, rating, shared in conn.execute(stmt):
        if (int(shared), rating) > best.get(outcome, (0, "")):
            best[outcome] = (int(shared), str(rating))
    found = [
        Pair(code, surveys[code].name, rating, surveys[rating].name, shared)
        for code, (shared, rating) in best.items()
    ]
    return sorted(
        found, key=lambda p: (surveys[p.outcome].aggregation is not Aggregation.NPS, -p.respondents)
    )


def analysis(
    conn: sa.Connection, scope: Scope, outcome: str, rating: str, first: date, last: date
) -> drivers.Slices:
    """The driver analysis of `outcome` by the touchpoint ratings on `rating` in the months
    `first`..`last`, everyone and each segment; nothing when either KPI is out of `scope`."""
    return drivers.slices(respondents.read(conn, scope, outcome, rating, first, last))


def for_the_pack(
    conn: sa.Connection, scope: Scope, month: date, language: str
) -> tuple[Pair, drivers.Slices, date] | None:
    """The pair the pack's slide shows (the first of `pairs` over the `WINDOW_MONTHS` months to
    `month`), its analysis and the window's first month; None when there is no pair in scope."""
    first = months.add(months.first_of(month), -(WINDOW_MONTHS - 1))
    found = pairs(conn, scope, first, month, language)
    if not found:
        return None
    pair = found[0]
    return pair, analysis(conn, scope, pair.outcome, pair.rating, first, month), first
