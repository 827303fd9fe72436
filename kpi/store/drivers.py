"""Reading the driver analysis: which survey KPIs relate a customer's score to their ratings of
touchpoints, and the analysis of one such pair (kpi.domain.drivers), in the reader's scope.

An outcome KPI (say NPS) has about one answer per respondent a month; a rating KPI (say TP_SAT)
has one per touchpoint the respondent rated, so several (`RATINGS_PER_RESPONDENT` or more on
average). A pair is an outcome and a rating KPI whose answers share respondents in the same
month. Answers are read only of KPIs in the scope's departments (`kpi.store.respondents`: a goal
owned elsewhere never brings its KPI's answers), so a department head sees no other
department's drivers. Every value is a bound parameter.

Which pair a reader's slide shows is the rule of kpi.domain.pack_drivers, on the live answers of
an open month (`for_the_pack`) and on what the close kept of a closed one (`kept_at_close` when
closing, `from_the_close` for the pack). The analysis of a pair reads only the answers of its two
KPIs, so every reader whose scope holds both gets the same result: it is asked for with the
pair's `reach` (the departments of its two KPIs) as its scope, which a run's `Memo` or the app's
cache (kpi.ui.data) keys it by, so one send run or one data version analyses a pair once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kpi.domain import drivers, months, pack_drivers
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.model import SURVEY_SCALES, Aggregation, Kpi
from kpi.domain.pack_drivers import Shared
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
    reach: Scope = EVERYTHING
    """The departments whose answers its analysis reads: its two KPIs' (everything when either
    has none). The scope its analysis is asked for with, and cached by."""
    scale: tuple[int, int] | None = None
    """The rating KPI's answer scale (`SURVEY_SCALES`): what a mean rating of 3.9 is out of."""


Found = tuple[Pair, drivers.Slices, date]
"""What the pack's slide shows: the pair, its analysis and the window's first month."""

Analyse = Callable[[sa.Connection, Scope, str, str, date, date], drivers.Slices]
"""How the pack gets a pair's analysis: `analysis`, a run's `Memo`, or the app's cached loader."""


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


def _surveys(kpis: Sequence[Kpi], scope: Scope) -> dict[str, Kpi]:
    """The survey KPIs of `scope`'s own departments (line of sight brings no answers)."""
    return {
        k.code: k
        for k in kpis
        if k.aggregation.is_survey and (scope.departments is None or k.department in scope.departments)
    }


def shared(conn: sa.Connection, kpis: list[str], first: date, last: date) -> list[Shared]:
    """Every outcome KPI of `kpis` with every rating KPI of `kpis` whose answers share
    respondents in the months `first`..`last`, and how many they share."""
    if not kpis:
        return []
    ratio = _answers_per_respondent(conn, kpis, first, last)
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
        .order_by(o.c.kpi, r.c.kpi)
    )
    return [Shared(str(outcome), str(rating), int(n)) for outcome, rating, n in conn.execute(stmt)]


def _reach(*kpis: Kpi) -> Scope:
    departments = {k.department for k in kpis}
    if any(d is None for d in departments):
        return EVERYTHING
    return Scope(frozenset(d for d in departments if d is not None))


def _pairs(found: Sequence[Shared], surveys: Mapping[str, Kpi]) -> list[Pair]:
    is_nps = {code: k.aggregation is Aggregation.NPS for code, k in surveys.items()}
    return [
        Pair(
            p.outcome,
            surveys[p.outcome].name,
            p.rating,
            surveys[p.rating].name,
            p.respondents,
            _reach(surveys[p.outcome], surveys[p.rating]),
            SURVEY_SCALES.get(surveys[p.rating].aggregation),
        )
        for p in pack_drivers.choose(found, is_nps)
    ]


def pairs(conn: sa.Connection, scope: Scope, first: date, last: date, language: str) -> list[Pair]:
    """The outcome KPIs in `scope` with a rating KPI in `scope` whose answers share respondents
    in the months `first`..`last`: NPS KPIs first, then by respondents; each with the rating
    KPI that shares the most."""
    surveys = _surveys(queries.kpis(conn, scope, language), scope)
    return _pairs(shared(conn, sorted(surveys), first, last), surveys)


def analysis(
    conn: sa.Connection, scope: Scope, outcome: str, rating: str, first: date, last: date
) -> drivers.Slices:
    """The driver analysis of `outcome` by the touchpoint ratings on `rating` in the months
    `first`..`last`, everyone and each segment; nothing when either KPI is out of `scope`."""
    return drivers.slices(respondents.read(conn, scope, outcome, rating, first, last))


class Memo:
    """The analyses of one run (a send run's packs, one per recipient): each pair and window
    analysed once per scope it is asked with, which for the pack is the pair's `reach`, so
    every reader whose scope holds the pair shares one. It holds for the run's one view of the
    store only (a run reads in one transaction); `computed` counts the analyses it ran."""

    def __init__(self) -> None:
        self._kept: dict[tuple[Scope, str, str, date, date], drivers.Slices] = {}
        self.computed = 0

    def __call__(
        self, conn: sa.Connection, scope: Scope, outcome: str, rating: str, first: date, last: date
    ) -> drivers.Slices:
        key = (scope, outcome, rating, first, last)
        if key not in self._kept:
            self.computed += 1
            self._kept[key] = analysis(conn, scope, outcome, rating, first, last)
        return self._kept[key]


def window(month: date) -> date:
    """The first month of the pack's window ending with `month` (`WINDOW_MONTHS` months)."""
    return months.add(months.first_of(month), -(WINDOW_MONTHS - 1))


def for_the_pack(
    conn: sa.Connection, scope: Scope, month: date, language: str, analyse: Analyse = analysis
) -> Found | None:
    """The pair the pack's slide shows (the first of `pairs` over the `WINDOW_MONTHS` months to
    `month`), its analysis (by `analyse`, asked with the pair's `reach`) and the window's first
    month; None when there is no pair in scope."""
    first = window(month)
    return chosen(
        pairs(conn, scope, first, month, language),
        first,
        lambda pair: analyse(conn, pair.reach, pair.outcome, pair.rating, first, month),
    )


def chosen(found: Sequence[Pair], first: date, analysed: Callable[[Pair], drivers.Slices]) -> Found | None:
    """What the pack's slide shows of `found` (`pairs`, from the window's `first` month): its first
    pair and that pair's analysis; None without a pair."""
    if not found:
        return None
    return found[0], analysed(found[0]), first


def kept_at_close(conn: sa.Connection, month: date) -> pack_drivers.Kept:
    """What closing `month` keeps of the pack's driver analysis: every pair of all survey KPIs in
    the pack's window and the analysis of each (any reader's slide is one of them)."""
    first = window(month)
    surveys = _surveys(queries.kpis(conn, EVERYTHING), EVERYTHING)
    found = shared(conn, sorted(surveys), first, month)
    analyses = {
        (p.outcome, p.rating): analysis(conn, EVERYTHING, p.outcome, p.rating, first, month) for p in found
    }
    return pack_drivers.Kept(first, tuple(found), analyses)


def from_the_close(kept: pack_drivers.Kept, kpis: Sequence[Kpi], scope: Scope) -> Found | None:
    """The pack's slide of a closed month as its close kept it: the pair `scope` finds among the
    closed month's KPI records `kpis` (in the reader's language), and its analysis."""
    found = _pairs(kept.shared, _surveys(kpis, scope))
    if not found:
        return None
    pair = found[0]
    return pair, kept.analyses[(pair.outcome, pair.rating)], kept.first
