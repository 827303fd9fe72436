"""CX measures from raw events, computed by DuckDB: call records, basket events, uptime probes.

Each recipe reads files DuckDB reads (CSV, Parquet, JSON; a path, a glob or a list of them;
`kpi.sources.events` checks the columns and values) and returns one `Measured` per month (per
queue too, where asked), keeping numerator and denominator (`kpi.domain.ratios.Ratio`) so
months and queues combine as a ratio of sums, never an average of ratios. A percentile is no
ratio: ask the recipe again over the grouping you need. Every choice is a named constant (below,
or in `kpi.sources.calls` for the call recipes) and a parameter with that default; the README ("Measures from raw events") says the same in
plain words, and `tests/test_recipes.py` checks each recipe against numbers worked out by hand.

A row's month is the month of its offered time (calls), of its session's first event (baskets)
or of the probe (uptime), in the company's time zone (`kpi.sources.events`). Every recipe takes
`month` (that month only; every month in the files without it); the call recipes also take
`queue` (that queue only) and `by_queue` (a row per queue). `RECIPES` names every recipe that
gives a month's value, for a source that runs one by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import duckdb

from kpi.domain.errors import Problem, Refused
from kpi.domain.ratios import PERCENT
from kpi.sources import events
from kpi.sources.calls import (
    CALLS,
    PRIORITY_WITHIN_S,
    SERVICE_LEVEL_S,
    SHORT_ABANDON_S,
    abandonment,
    compliance,
    mean_wait,
    service_level,
    wait_percentile,
)
from kpi.sources.events import Holds, run
from kpi.sources.measured import Compliance, Files, Measured, month_of, ratios, window

__all__ = [
    "BASKET_EVENTS",
    "CALLS",
    "CHECKOUT_EVENTS",
    "ORDER_EVENTS",
    "PRIORITY_WITHIN_S",
    "PROBE_INTERVAL_S",
    "RECIPES",
    "SERVICE_LEVEL_S",
    "SESSION_KEY",
    "SHORT_ABANDON_S",
    "Compliance",
    "Files",
    "Measured",
    "abandoned_baskets",
    "abandonment",
    "availability",
    "checkout_abandonment",
    "compliance",
    "mean_wait",
    "service_level",
    "unplanned_downtime",
    "wait_percentile",
]

BASKET_EVENTS = ("add_to_basket",)
"""Events that put something in a basket: a session with one has a basket."""
CHECKOUT_EVENTS = ("checkout_start",)
"""Events that begin a checkout."""
ORDER_EVENTS = ("purchase",)
"""Events that complete an order: a session with one did not abandon its basket."""
SESSION_KEY = "session"
"""The column that ties a visit's events together (a customer id gives per-customer baskets)."""
PROBE_INTERVAL_S = 60.0
"""Each probe stands for this many seconds of up or down time (one probe a minute)."""

PROBES = {"at": Holds.TIME, "up": Holds.UP}
WINDOWS = {"start": Holds.TIME, "end": Holds.TIME}
"""Planned maintenance windows: probes from `start` up to (not including) `end` are not counted."""


# --- basket events -------------------------------------------------------------------------------


def _funnel(
    measure: str,
    files: Files,
    began: Sequence[str],
    done: Sequence[str],
    session_key: str,
    month: date | None,
) -> list[Measured]:
    """% of sessions with an event of `began` and none of `done`, of those with one of `began`;
    each session in the month of its first event of any kind."""
    with events.new_connection() as con:
        basket = events.table(con, files, {session_key: Holds.TEXT, "event": Holds.TEXT, "at": Holds.TIME})
        params: dict[str, Any] = {**basket.params, "began": list(began), "done": list(done)}
        sql = f"""
            WITH sessions AS (
              SELECT {events.quoted(session_key)} AS session, min("at") AS started,
                     bool_or(list_contains($began, event)) AS began,
                     bool_or(list_contains($done, event)) AS done
              FROM ({basket.sql}) GROUP BY 1)
            SELECT {month_of("started")}, NULL, count(*) FILTER (WHERE began AND NOT done),
                   count(*) FILTER (WHERE began)
            FROM sessions WHERE {window("started", month, params)} GROUP BY 1 ORDER BY 1"""
        return ratios(measure, run(con, sql, params, basket.files), PERCENT)


def abandoned_baskets(
    files: Files,
    *,
    basket_events: Sequence[str] = BASKET_EVENTS,
    order_events: Sequence[str] = ORDER_EVENTS,
    session_key: str = SESSION_KEY,
    month: date | None = None,
) -> list[Measured]:
    """% of sessions with a basket that placed no order: baskets not checked out ÷ baskets."""
    return _funnel("abandoned_baskets", files, basket_events, order_events, session_key, month)


def checkout_abandonment(
    files: Files,
    *,
    checkout_events: Sequence[str] = CHECKOUT_EVENTS,
    order_events: Sequence[str] = ORDER_EVENTS,
    session_key: str = SESSION_KEY,
    month: date | None = None,
) -> list[Measured]:
    """% of sessions that began a checkout and placed no order ÷ sessions that began one."""
    return _funnel("checkout_abandonment", files, checkout_events, order_events, session_key, month)


# --- uptime probes -------------------------------------------------------------------------------


def _probe_counts(
    probes: Files, maintenance: Files | None, month: date | None
) -> list[tuple[date, None, int, int]]:
    """Per month: no group, probes up and probes counted, those inside a maintenance window left out."""
    with events.new_connection() as con:
        seen = events.table(con, probes, PROBES)
        params: dict[str, Any] = dict(seen.params)
        planned = 'SELECT NULL::TIMESTAMP AS "start", NULL::TIMESTAMP AS "end" WHERE FALSE'
        if maintenance is not None:
            windows = events.table(con, maintenance, WINDOWS, parameter="windows")
            _refuse_empty_windows(con, windows)
            # the windows' times in the type of the probes' (a local time or an instant): the same
            # type on both sides keeps this a range join, not a time zone conversion per probe
            kind = _type_of(con, seen, "at")
            planned = f'SELECT CAST("start" AS {kind}) AS "start", CAST("end" AS {kind}) AS "end" FROM ({windows.sql})'
            params = {**params, **windows.params}
        sql = f"""
            SELECT {month_of('p."at"')}, NULL, count(*) FILTER (WHERE p.up), count(*)
            FROM (SELECT * FROM ({seen.sql}) WHERE {window('"at"', month, params)}) p
              ANTI JOIN ({planned}) w ON p."at" >= w."start" AND p."at" < w."end"
            GROUP BY 1 ORDER BY 1"""  # an anti join, not NOT EXISTS: a range join, not a loop per probe
        return run(con, sql, params, seen.files)


def _type_of(con: duckdb.DuckDBPyConnection, table: events.Table, column: str) -> str:
    """The DuckDB type of a time column of `table`, as read: TIMESTAMP or TIMESTAMPTZ."""
    described = con.execute(f"DESCRIBE {table.sql}", table.params).fetchall()
    kind = next(str(row[1]) for row in described if row[0] == column)
    return "TIMESTAMPTZ" if kind == "TIMESTAMP WITH TIME ZONE" else "TIMESTAMP"


def _refuse_empty_windows(con: duckdb.DuckDBPyConnection, windows: events.Table) -> None:
    """Refused, naming the first maintenance window that ends where or before it starts (it would
    leave nothing out, silently)."""
    sql = f"""SELECT source_file, {events.shown('"start"')}, {events.shown('"end"')}
              FROM ({windows.sql}) WHERE "end" <= "start" LIMIT 1"""
    for file, start, end in run(con, sql, dict(windows.params), windows.files):
        raise Refused(Problem("recipe.window_backwards", "end", (("start", start), ("end", end)), file=file))


def availability(
    probes: Files, maintenance: Files | None = None, *, month: date | None = None
) -> list[Measured]:
    """% of probes up, outside planned maintenance: up probes ÷ probes counted."""
    return ratios("availability", _probe_counts(probes, maintenance, month), PERCENT)


def unplanned_downtime(
    probes: Files,
    maintenance: Files | None = None,
    *,
    interval_s: float = PROBE_INTERVAL_S,
    month: date | None = None,
) -> list[Measured]:
    """Minutes down outside planned maintenance: down probes × `interval_s` ÷ 60. A sum, kept
    as minutes over months (1 each), so months combine as minutes a month; the numerator is the
    total."""
    down = [
        (m, g, (counted - up) * interval_s / 60, 1)
        for m, g, up, counted in _probe_counts(probes, maintenance, month)
    ]
    return ratios("unplanned_downtime", down)


RECIPES: dict[str, Callable[..., list[Measured]]] = {
    "service_level": service_level,
    "abandonment": abandonment,
    "mean_wait": mean_wait,
    "wait_percentile": wait_percentile,
    "abandoned_baskets": abandoned_baskets,
    "checkout_abandonment": checkout_abandonment,
    "availability": availability,
    "unplanned_downtime": unplanned_downtime,
}
"""Every recipe that gives a month's value, by name; its keyword parameters are its choices."""
