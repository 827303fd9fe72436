"""Respondents and their words: survey answers read by respondent and by comment, in scope.

Answers carry an optional respondent and comment (schema 14). `rows` relates one customer's
answers in a month (their NPS and their touchpoint ratings), for the driver analysis; `comments`
and `detractor_comments` read the customers' own words for the "customers' own words" view.

Scope: answers are read only of KPIs in the scope's departments (`Scope.departments`; default
deny). A goal owned or served elsewhere brings its KPI's monthly values into a scope (line of
sight), never its answers: a department head reads no other department's comments.
Every value is a bound parameter, searches included (`LIKE … ESCAPE`, wildcards escaped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.domain import months, words
from kpi.domain.access import Scope
from kpi.domain.model import Aggregation
from kpi.domain.respondents import Respondent
from kpi.store import engine
from kpi.store import schema as s
from kpi.store.queries import _tuples

PAGE_SIZE = 10
"""Comments shown per page of the "customers' own words" view."""


def _kpis_in_scope(scope: Scope) -> sa.Select:
    """The codes of the KPIs whose answers `scope` reads: its departments' (never line of sight)."""
    k = s.kpi
    if scope.departments is None:
        return sa.select(k.c.code)
    return sa.select(k.c.code).where(k.c.department.in_(sorted(scope.departments)))


def rows(
    store: Engine, scope: Scope, outcome_kpi: str, rating_kpi: str, first: date, last: date
) -> list[Respondent]:
    """`read` in a connection of its own."""
    with engine.reading(store) as conn:
        return read(conn, scope, outcome_kpi, rating_kpi, first, last)


def read(
    conn: sa.Connection, scope: Scope, outcome_kpi: str, rating_kpi: str, first: date, last: date
) -> list[Respondent]:
    """Each respondent who answered `outcome_kpi` in the months `first`..`last` (both included):
    their segment, outcome score and ratings per touchpoint on `rating_kpi` in the same month
    (a touchpoint they did not rate is missing), ordered by month and respondent. Nothing when
    either KPI is out of `scope`. A respondent who answered the outcome twice in a month counts
    with the first answer (by date, then score)."""
    r, rated = s.response, s.response.alias("rated")
    start, end = months.first_of(first), months.add(months.first_of(last), 1)
    allowed = _kpis_in_scope(scope)
    same_month = sa.and_(
        rated.c.respondent == r.c.respondent,
        sa.extract("year", rated.c.date) == sa.extract("year", r.c.date),
        sa.extract("month", rated.c.date) == sa.extract("month", r.c.date),
        rated.c.kpi == rating_kpi,
        rated.c.kpi.in_(allowed),
        rated.c.date >= start,
        rated.c.date < end,
    )
    stmt = (
        sa.select(r.c.respondent, r.c.date, r.c.segment, r.c.score, rated.c.touchpoint, rated.c.score)
        .select_from(r.outerjoin(rated, same_month))
        .where(
            r.c.kpi == outcome_kpi,
            r.c.kpi.in_(allowed),
            r.c.respondent.is_not(None),
            r.c.date >= start,
            r.c.date < end,
        )
        .order_by(r.c.date, r.c.score, r.c.respondent)
    )
    found: dict[tuple[date, str], Respondent] = {}
    first_answer: dict[tuple[date, str], tuple[date, int]] = {}
    result = _tuples(conn, stmt)
    for respondent, day, segment, score, touchpoint, rating in result:
        key = (months.first_of(day), respondent)
        if key not in found:
            found[key] = Respondent(respondent, key[0], segment or "", int(score), {})
            first_answer[key] = (day, int(score))
        elif first_answer[key] != (day, int(score)):
            continue  # a second outcome answer of the same respondent in the month
        if touchpoint is not None and rating is not None:
            found[key].ratings.setdefault(touchpoint, int(rating))
    return [found[key] for key in sorted(found)]


# --- customers' own words ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """What the reader asks of the comments: one KPI (its answers' comments), and optionally a
    segment, a touchpoint, a month, a score group (`kpi.domain.words.GROUPS`) and a search text
    (plain, case-insensitive substring)."""

    kpi: str
    first: date
    last: date
    segment: str | None = None
    touchpoint: str | None = None
    group: str | None = None
    search: str = ""


@dataclass(frozen=True)
class Comment:
    """One comment as the view shows it (its text is the customer's, shown as plain text)."""

    date: date
    score: int
    segment: str
    touchpoint: str
    text: str


def like_pattern(text: str) -> str:
    """`text` as a LIKE pattern for a plain substring: `%`, `_` and `\\` match only themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _conditions(conn: sa.Connection, scope: Scope, wanted: Filter) -> list[sa.ColumnElement[bool]]:
    r = s.response
    start, end = months.first_of(wanted.first), months.add(months.first_of(wanted.last), 1)
    found = [
        r.c.kpi == wanted.kpi,
        r.c.kpi.in_(_kpis_in_scope(scope)),
        r.c.date >= start,
        r.c.date < end,
        r.c.comment.is_not(None),
    ]
    if wanted.segment is not None:
        found.append(r.c.segment == wanted.segment)
    if wanted.touchpoint is not None:
        found.append(r.c.touchpoint == wanted.touchpoint)
    if wanted.group is not None:
        aggregation = _aggregation(conn, wanted.kpi)
        if aggregation is None or wanted.group not in words.GROUPS[aggregation]:
            found.append(sa.false())
        else:
            low, high = words.bounds(aggregation, wanted.group)
            found += [r.c.score >= low, r.c.score <= high]
    if wanted.search.strip():
        found.append(sa.func.lower(r.c.comment).like(like_pattern(wanted.search.strip()), escape="\\"))
    return found


def _aggregation(conn: sa.Connection, kpi: str) -> Aggregation | None:
    found = conn.execute(sa.select(s.kpi.c.aggregation).where(s.kpi.c.code == kpi)).scalar()
    return Aggregation(found) if found and Aggregation(found).is_survey else None


def comments(
    store: Engine, scope: Scope, wanted: Filter, page: int = 0, size: int = PAGE_SIZE
) -> tuple[int, list[Comment]]:
    """The number of comments `wanted` finds in `scope`, and those of page `page` (newest first)."""
    r = s.response
    with engine.reading(store) as conn:
        where = _conditions(conn, scope, wanted)
        total = conn.execute(sa.select(sa.func.count()).select_from(r).where(*where)).scalar_one()
        stmt = (
            sa.select(r.c.date, r.c.score, r.c.segment, r.c.touchpoint, r.c.comment)
            .where(*where)
            .order_by(r.c.date.desc(), r.c.id.desc())
            .limit(size)
            .offset(max(page, 0) * size)
        )
        found = [Comment(*row) for row in conn.execute(stmt)]
    return int(total), found


def per_touchpoint(store: Engine, scope: Scope, wanted: Filter) -> list[tuple[str, int]]:
    """The number of comments `wanted` finds per touchpoint ('' where an answer names none),
    in the order of the touchpoints' names (never ranked)."""
    r = s.response
    with engine.reading(store) as conn:
        where = _conditions(conn, scope, wanted)
        stmt = sa.select(r.c.touchpoint, sa.func.count()).where(*where).group_by(r.c.touchpoint)
        found = [(str(tp or ""), int(n)) for tp, n in conn.execute(stmt)]
    return sorted(found)


def choices(store: Engine, scope: Scope, kpi: str, first: date, last: date) -> dict[str, list[str]]:
    """The segments and touchpoints the KPI's commented answers name in the months, to filter by."""
    r = s.response
    wanted = Filter(kpi, first, last)
    with engine.reading(store) as conn:
        where = _conditions(conn, scope, wanted)
        out = {}
        for name in ("segment", "touchpoint"):
            column = r.c[name]
            stmt = sa.select(column).where(*where, column != "").distinct().order_by(column)
            out[name] = [str(v) for v in conn.execute(stmt).scalars()]
    return out


def commented_kpis(store: Engine, scope: Scope) -> list[str]:
    """The survey KPIs in scope whose answers hold a comment, the most commented first."""
    r = s.response
    count = sa.func.count()
    stmt = (
        sa.select(r.c.kpi, count)
        .where(r.c.kpi.in_(_kpis_in_scope(scope)), r.c.comment.is_not(None))
        .group_by(r.c.kpi)
        .order_by(count.desc(), r.c.kpi)
    )
    with engine.reading(store) as conn:
        return [str(code) for code, _ in conn.execute(stmt)]
