"""Running a KPI's source: the one way in for every kind, and what a failed run says.

`run` takes a checked `Source`, the month asked for and the secret its connection names (read by
the caller from kpi.settings where the source's kind keeps it, `Secret`, never stored) and returns the rows the source gave, as column name
→ value, unchecked: `kpi.domain.sources.pulled` checks them. Whatever goes wrong (a query that is
not one SELECT, a timeout, a database or server that fails) is a `SourceFailed` carrying one
problem. A new kind plugs in by adding its runner to `RUNNERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kpi.domain.errors import Problem
from kpi.domain.sources import Source, SourceKind
from kpi.sources import files, http, recipe_source, sql, statement
from kpi.sources.failing import MAX_ROWS, SourceFailed

Rows = list[dict[str, object]]
Runner = Callable[[Source, date, "str | None"], Rows]
"""A kind's runner: the source, the month asked for, its connection's secret → the rows."""

RUNNERS: dict[SourceKind, Runner] = {
    SourceKind.SQL: sql.run,
    SourceKind.FILES: files.run,
    SourceKind.HTTP: http.run,
    SourceKind.RECIPE: recipe_source.run,
}
EVERY_MONTH: dict[SourceKind, Callable[[Source, str | None], Rows]] = {
    SourceKind.RECIPE: recipe_source.run_every_month,
}
"""The kinds that can give every month they hold in one run (a backfill runs them once)."""


def run(source: Source, month: date, secret: str | None) -> Rows:
    """The rows `source` gives for `month` (a query may give other months too)."""
    if source.kind.is_select:
        found = statement.problem(source.query)
        if found is not None:
            raise SourceFailed(found)
    kind = source.kind.secret
    if source.connection is not None and kind is not None and secret is None:
        params = (("name", source.connection), ("variable", kind.variable(source.connection)))
        raise SourceFailed(Problem(f"source.no_{kind}", "connection", (*params, ("table", kind.table))))
    return _capped(RUNNERS[source.kind](source, month, secret))


def every_month(source: Source, secret: str | None) -> Rows:
    """The rows of every month `source` holds, for a kind of `EVERY_MONTH`."""
    return _capped(EVERY_MONTH[source.kind](source, secret))


def _capped(rows: Rows) -> Rows:
    if len(rows) > MAX_ROWS:
        raise SourceFailed(Problem("source.too_many_rows", "", (("count", len(rows)), ("limit", MAX_ROWS))))
    return rows
