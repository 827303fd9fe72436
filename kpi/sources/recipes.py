"""CX measures from raw events, computed by DuckDB: call records, basket events, uptime probes.

Each recipe reads files DuckDB reads (CSV, Parquet, JSON; a path, a glob or a list of them;
`kpi.sources.events` checks the columns and values) and returns one `Measured` per month (per
queue too, where asked), keeping numerator and denominator (`kpi.domain.ratios.Ratio`) so
months and queues combine as a ratio of sums, never an average of ratios. A percentile is no
ratio: ask the recipe again over the grouping you need. Every choice is a named constant below
and a parameter with that default; the README ("Measures from raw events") says the same in
plain words, and `tests/test_recipes.py` checks each recipe against numbers worked out by hand.

A row's month is the month of its offered time (calls), of its session's first event (baskets)
or of the probe (uptime), read time-zone naive (`kpi.sources.events`). Every recipe takes
`month` (that month only; every month in the files without it); the call recipes also take
`queue` (that queue only) and `by_queue` (a row per queue). `RECIPES` names every recipe that
gives a month's value, for a source that runs one by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from kpi.domain import months
from kpi.domain.errors import Problem, Refused
from kpi.domain.ratios import PERCENT, Ratio, combined
from kpi.sources import events
from kpi.sources.events import Holds

Files = str | Path | Sequence[str | Path]
"""A file, a glob (`calls/2026-*.parquet`) or a list of them."""

SERVICE_LEVEL_S = 20.0
"""Service level counts calls answered within 20 s (a wait of at most 20 s): the 80/20 habit."""
SHORT_ABANDON_S = 5.0
"""A call abandoned within 5 s (a wait of at most 5 s) is a wrong number or a changed mind, not
a caller let down: it leaves the numerator and the denominator of service level and abandonment."""
PRIORITY_WITHIN_S = 90.0
"""A service priority's default promise: answered within 90 s."""
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

CALLS = {
    "queue": Holds.TEXT,
    "offered_at": Holds.TIME,
    "answered_at": Holds.TIME_OR_EMPTY,
    "abandoned_at": Holds.TIME_OR_EMPTY,
}
"""Call records, one row per call. A call with neither an answer nor an abandon time (still in
the queue when the file was written, or transferred away) is not counted."""
PROBES = {"at": Holds.TIME, "up": Holds.UP}
WINDOWS = {"start": Holds.TIME, "end": Holds.TIME}
"""Planned maintenance windows: probes from `start` up to (not including) `end` are not counted."""


@dataclass(frozen=True, slots=True)
class Measured:
    """One month's value of a measure (of one queue, when `group` is set)."""

    measure: str
    month: date
    group: str | None
    value: float | None
    """None when nothing was counted."""
    ratio: Ratio | None
    """The numerator and denominator behind `value`; None for a percentile, which cannot be
    combined: compute it again over the grouping wanted."""


@dataclass(frozen=True, slots=True)
class Compliance:
    """A service priority's month: the share of calls kept to the promise, and its worst day."""

    month: date
    share: Ratio
    worst_day: date | None
    """The day with the lowest share (the earliest of equals); None without counted calls."""
    worst: Ratio | None

    def meets(self, at_least_percent: float) -> bool | None:
        """Whether the month's share reaches `at_least_percent` (None without counted calls)."""
        value = self.share.value
        return None if value is None else value >= at_least_percent


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], files: Sequence[str]) -> list[Any]:
    try:
        return con.execute(sql, params).fetchall()
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as error:
        # a file that reads wrongly past DuckDB's first look (JSON whose types change late)
        detail = str(error).splitlines()[0]
        raise Refused(Problem("recipe.unreadable", "", (("detail", detail),), file=files[0])) from None


def _window(column: str, month: date | None, params: dict[str, Any]) -> str:
    """The condition keeping rows of `month` only (all rows without one)."""
    if month is None:
        return "TRUE"
    params.update(first=months.first_of(month), after=months.add(months.first_of(month), 1))
    return f"{column} >= $first AND {column} < $after"


# --- call records --------------------------------------------------------------------------------


COUNTS = {
    "within": "count(*) FILTER (WHERE answer_wait <= to_seconds($within))",
    "counted": "count(*) FILTER (WHERE answer_wait IS NOT NULL OR abandon_wait > to_seconds($short))",
    "abandoned": "count(*) FILTER (WHERE abandon_wait > to_seconds($short))",
    "waited": "coalesce(sum(epoch(answer_wait)), 0)",
    "answered": "count(answer_wait)",
}
"""What the call recipes count, by name: answered within `$within` seconds; counted calls
(answered, or abandoned after the short-abandon cut-off `$short`); abandoned after it; total
answer wait in seconds; answered calls."""

CALL_SQL = """
WITH timed AS (
  SELECT {period} AS period, {group} AS grp, answered_at - offered_at AS answer_wait,
         CASE WHEN answered_at IS NULL THEN abandoned_at - offered_at END AS abandon_wait
  FROM ({table}) WHERE {where}
)
SELECT period, grp, {counts},
       count(*) FILTER (WHERE answer_wait < INTERVAL 0 SECOND OR abandon_wait < INTERVAL 0 SECOND)
FROM timed GROUP BY ALL ORDER BY ALL
"""


def _call_counts(
    files: Files,
    counts: Sequence[str],
    *,
    day: bool = False,
    by_queue: bool = False,
    month: date | None = None,
    queue: str | None = None,
    within_s: float = 0,
    short_abandon_s: float = 0,
) -> list[tuple[Any, ...]]:
    """Per month (or `day`) and queue (when `by_queue`): period, queue or None, and `counts`
    (names of `COUNTS`). Refused when a call was answered or abandoned before it was offered."""
    with events.new_connection() as con:
        calls = events.table(con, files, CALLS)
        params: dict[str, Any] = {**calls.params, "within": within_s, "short": short_abandon_s}
        where = _window("offered_at", month, params)
        if queue is not None:
            where += " AND queue = $queue"
            params["queue"] = queue
        period = "CAST(date_trunc('{}', offered_at) AS DATE)".format("day" if day else "month")
        if month is not None and not day:
            period = "CAST($first AS DATE)"  # one month asked for: no need to work it out per call
        sql = CALL_SQL.format(
            table=calls.sql,
            where=where,
            period=period,
            group="queue" if by_queue else "NULL",
            counts=", ".join(COUNTS[name] for name in counts),
        )
        rows = _run(con, sql, {k: v for k, v in params.items() if f"${k}" in sql}, calls.files)
        if any(row[-1] for row in rows):
            _refuse_backwards(con, calls, where, params)
    return [row[:-1] for row in rows]


def _refuse_backwards(
    con: duckdb.DuckDBPyConnection, calls: events.Table, where: str, params: dict[str, Any]
) -> None:
    """Refused, naming the first call (of those asked for) answered or abandoned before it was offered."""
    sql = f"""SELECT source_file, CASE WHEN answered_at < offered_at THEN 'answered_at' ELSE 'abandoned_at' END,
                     CAST(offered_at AS VARCHAR)
              FROM ({calls.sql}) WHERE ({where}) AND (answered_at < offered_at OR abandoned_at < offered_at) LIMIT 1"""
    bound = {k: v for k, v in params.items() if f"${k}" in sql}
    file, column, offered = _run(con, sql, bound, calls.files)[0]
    raise Refused(
        Problem("recipe.before_offered", column, (("column", column), ("offered", offered)), file=file)
    )


def service_level(
    files: Files,
    *,
    within_s: float = SERVICE_LEVEL_S,
    short_abandon_s: float = SHORT_ABANDON_S,
    month: date | None = None,
    by_queue: bool = False,
    queue: str | None = None,
) -> list[Measured]:
    """% of counted calls answered within `within_s`: answered within ÷ (answered + abandoned
    after `short_abandon_s`)."""
    counts = _call_counts(
        files,
        ("within", "counted"),
        by_queue=by_queue,
        month=month,
        queue=queue,
        within_s=within_s,
        short_abandon_s=short_abandon_s,
    )
    return [
        _measured("service_level", m, g, Ratio(within, counted, PERCENT)) for m, g, within, counted in counts
    ]


def abandonment(
    files: Files,
    *,
    short_abandon_s: float = SHORT_ABANDON_S,
    month: date | None = None,
    by_queue: bool = False,
    queue: str | None = None,
) -> list[Measured]:
    """% of counted calls abandoned: abandoned after `short_abandon_s` ÷ (answered + those)."""
    counts = _call_counts(
        files,
        ("abandoned", "counted"),
        by_queue=by_queue,
        month=month,
        queue=queue,
        short_abandon_s=short_abandon_s,
    )
    return [_measured("abandonment", m, g, Ratio(gone, counted, PERCENT)) for m, g, gone, counted in counts]


def mean_wait(
    files: Files, *, month: date | None = None, by_queue: bool = False, queue: str | None = None
) -> list[Measured]:
    """Mean seconds from offered to answered, over answered calls (abandoned calls have no
    answer wait): total wait ÷ answered calls."""
    counts = _call_counts(files, ("waited", "answered"), by_queue=by_queue, month=month, queue=queue)
    return [_measured("mean_wait", m, g, Ratio(waited, answered)) for m, g, waited, answered in counts]


def wait_percentile(
    files: Files,
    *,
    percentile: float = 80,
    month: date | None = None,
    by_queue: bool = False,
    queue: str | None = None,
) -> list[Measured]:
    """The `percentile`th percentile of answered calls' waits in seconds, interpolated between
    the two nearest waits (as Excel's PERCENTILE.INC): position (n − 1) × p / 100 in the sorted
    waits. Not a ratio: it cannot be combined, so ask again for another grouping."""
    if not 0 <= percentile <= 100:
        raise ValueError(f"a percentile lies between 0 and 100, not {percentile}")
    with events.new_connection() as con:
        calls = events.table(con, files, CALLS)
        params: dict[str, Any] = {**calls.params, "share": percentile / 100}
        where = _window("offered_at", month, params) + " AND answered_at IS NOT NULL"
        if queue is not None:
            where += " AND queue = $queue"
            params["queue"] = queue
        sql = f"""SELECT CAST(date_trunc('month', offered_at) AS DATE), {"queue" if by_queue else "NULL"},
                         quantile_cont(epoch(answered_at - offered_at), $share)
                  FROM ({calls.sql}) WHERE {where} GROUP BY ALL ORDER BY ALL"""
        rows = _run(con, sql, params, calls.files)
    return [Measured(f"wait_p{percentile:g}", m, g, value, None) for m, g, value in rows]


def compliance(
    files: Files,
    *,
    within_s: float = PRIORITY_WITHIN_S,
    queue: str | None = None,
    short_abandon_s: float = SHORT_ABANDON_S,
    month: date | None = None,
) -> list[Compliance]:
    """A service priority over raw calls ("invoice calls answered within 90 s"): per month the
    share of counted calls (of `queue`, or all) answered within `within_s`, as service level
    counts them, and the month's worst day."""
    days = _call_counts(
        files,
        ("within", "counted"),
        day=True,
        month=month,
        queue=queue,
        within_s=within_s,
        short_abandon_s=short_abandon_s,
    )
    per_month: dict[date, list[tuple[date, Ratio]]] = {}
    for day, _, within, counted in days:
        per_month.setdefault(months.first_of(day), []).append((day, Ratio(within, counted, PERCENT)))
    found = []
    for first, shares in sorted(per_month.items()):
        judged = [(share.value, day, share) for day, share in shares if share.value is not None]
        worst = min(judged, default=None, key=lambda item: (item[0], item[1]))
        share = combined((s for _, s in shares), PERCENT)
        found.append(Compliance(first, share, worst[1] if worst else None, worst[2] if worst else None))
    return found


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
            SELECT CAST(date_trunc('month', started) AS DATE), count(*) FILTER (WHERE began AND NOT done),
                   count(*) FILTER (WHERE began)
            FROM sessions WHERE {_window("started", month, params)} GROUP BY 1 ORDER BY 1"""
        rows = _run(con, sql, params, basket.files)
    return [_measured(measure, m, None, Ratio(left, begun, PERCENT)) for m, left, begun in rows]


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
) -> list[tuple[date, int, int]]:
    """Per month: probes up and probes counted, those inside a maintenance window left out."""
    with events.new_connection() as con:
        seen = events.table(con, probes, PROBES)
        params: dict[str, Any] = dict(seen.params)
        planned = 'SELECT NULL::TIMESTAMP AS "start", NULL::TIMESTAMP AS "end" WHERE FALSE'
        if maintenance is not None:
            windows = events.table(con, maintenance, WINDOWS, parameter="windows")
            _refuse_empty_windows(con, windows)
            planned, params = windows.sql, {**params, **windows.params}
        sql = f"""
            SELECT CAST(date_trunc('month', p."at") AS DATE), count(*) FILTER (WHERE p.up), count(*)
            FROM ({seen.sql}) p
            WHERE {_window('p."at"', month, params)}
              AND NOT EXISTS (SELECT 1 FROM ({planned}) w WHERE p."at" >= w."start" AND p."at" < w."end")
            GROUP BY 1 ORDER BY 1"""
        return _run(con, sql, params, seen.files)


def _refuse_empty_windows(con: duckdb.DuckDBPyConnection, windows: events.Table) -> None:
    """Refused, naming the first maintenance window that ends where or before it starts (it would
    leave nothing out, silently)."""
    sql = f"""SELECT source_file, CAST("start" AS VARCHAR), CAST("end" AS VARCHAR)
              FROM ({windows.sql}) WHERE "end" <= "start" LIMIT 1"""
    for file, start, end in _run(con, sql, dict(windows.params), windows.files):
        raise Refused(Problem("recipe.window_backwards", "end", (("start", start), ("end", end)), file=file))


def availability(
    probes: Files, maintenance: Files | None = None, *, month: date | None = None
) -> list[Measured]:
    """% of probes up, outside planned maintenance: up probes ÷ probes counted."""
    return [
        _measured("availability", m, None, Ratio(up, counted, PERCENT))
        for m, up, counted in _probe_counts(probes, maintenance, month)
    ]


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
    return [
        _measured("unplanned_downtime", m, None, Ratio((counted - up) * interval_s / 60, 1))
        for m, up, counted in _probe_counts(probes, maintenance, month)
    ]


def _measured(measure: str, month: date, group: str | None, ratio: Ratio) -> Measured:
    return Measured(measure, month, group, ratio.value, ratio)


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
