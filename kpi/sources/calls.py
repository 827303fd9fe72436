"""Recipes over call records: service level, abandonment, mean wait, wait percentiles, and the
compliance of a service priority with the month's worst day (see `kpi.sources.recipes`).

Call records hold one row per call: `queue`, `offered_at`, and `answered_at` or `abandoned_at`.
A call's month (and day) is that of its offered time, in the company's time zone
(`kpi.sources.events`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb

from kpi.domain import months
from kpi.domain.errors import Problem, Refused
from kpi.domain.ratios import PERCENT, Ratio, combined
from kpi.sources import events
from kpi.sources.events import Holds, run
from kpi.sources.measured import Compliance, Files, Measured, month_of, ratios, window

SERVICE_LEVEL_S = 20.0
"""Service level counts calls answered within 20 s (a wait of at most 20 s): the 80/20 habit."""
SHORT_ABANDON_S = 5.0
"""A call abandoned within 5 s (a wait of at most 5 s) is a wrong number or a changed mind, not
a caller let down: it leaves the numerator and the denominator of service level and abandonment."""
PRIORITY_WITHIN_S = 90.0
"""A service priority's default promise: answered within 90 s."""

CALLS = {
    "queue": Holds.TEXT,
    "offered_at": Holds.TIME,
    "answered_at": Holds.TIME_OR_EMPTY,
    "abandoned_at": Holds.TIME_OR_EMPTY,
}
"""Call records, one row per call. A call with neither an answer nor an abandon time (still in
the queue when the file was written, or transferred away) is not counted."""


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


def _calls(
    con: duckdb.DuckDBPyConnection,
    files: Files,
    month: date | None,
    queue: str | None,
    params: dict[str, Any],
) -> tuple[events.Table, str]:
    """The call records in `files`, and the condition keeping those of `month` and `queue` (all
    months, all queues where None); what the two need bound is added to `params`."""
    calls = events.table(con, files, CALLS)
    params.update(calls.params)
    where = window("offered_at", month, params)
    if queue is not None:
        where += " AND queue = $queue"
        params["queue"] = queue
    return calls, where


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
        params: dict[str, Any] = {"within": within_s, "short": short_abandon_s}
        calls, where = _calls(con, files, month, queue, params)
        period = "CAST(date_trunc('day', offered_at) AS DATE)" if day else month_of("offered_at")
        if month is not None and not day:
            period = "CAST($first AS DATE)"  # one month asked for: no need to work it out per call
        sql = CALL_SQL.format(
            table=calls.sql,
            where=where,
            period=period,
            group="queue" if by_queue else "NULL",
            counts=", ".join(COUNTS[name] for name in counts),
        )
        rows = run(con, sql, {k: v for k, v in params.items() if f"${k}" in sql}, calls.files)
        if any(row[-1] for row in rows):
            _refuse_backwards(con, calls, where, params)
    return [row[:-1] for row in rows]


def _refuse_backwards(
    con: duckdb.DuckDBPyConnection, calls: events.Table, where: str, params: dict[str, Any]
) -> None:
    """Refused, naming the first call (of those asked for) answered or abandoned before it was offered."""
    sql = f"""SELECT source_file, CASE WHEN answered_at < offered_at THEN 'answered_at' ELSE 'abandoned_at' END,
                     {events.shown("offered_at")}
              FROM ({calls.sql}) WHERE ({where}) AND (answered_at < offered_at OR abandoned_at < offered_at) LIMIT 1"""
    bound = {k: v for k, v in params.items() if f"${k}" in sql}
    file, column, offered = run(con, sql, bound, calls.files)[0]
    raise Refused(
        Problem("recipe.before_offered", column, (("column", column), ("offered", offered)), file=file)
    )


def _answered_within(
    files: Files, within_s: float, short_abandon_s: float, **grouping: Any
) -> list[tuple[Any, ...]]:
    """Calls answered within `within_s` and counted calls, per period of `grouping` (the keyword
    arguments of `_call_counts`): what service level and a priority's compliance both count."""
    return _call_counts(
        files, ("within", "counted"), within_s=within_s, short_abandon_s=short_abandon_s, **grouping
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
    counts = _answered_within(files, within_s, short_abandon_s, by_queue=by_queue, month=month, queue=queue)
    return ratios("service_level", counts, PERCENT)


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
    return ratios("abandonment", counts, PERCENT)


def mean_wait(
    files: Files, *, month: date | None = None, by_queue: bool = False, queue: str | None = None
) -> list[Measured]:
    """Mean seconds from offered to answered, over answered calls (abandoned calls have no
    answer wait): total wait ÷ answered calls."""
    counts = _call_counts(files, ("waited", "answered"), by_queue=by_queue, month=month, queue=queue)
    return ratios("mean_wait", counts)


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
        params: dict[str, Any] = {"share": percentile / 100}
        calls, where = _calls(con, files, month, queue, params)
        where += " AND answered_at IS NOT NULL"
        sql = f"""SELECT {month_of("offered_at")}, {"queue" if by_queue else "NULL"},
                         quantile_cont(epoch(answered_at - offered_at), $share)
                  FROM ({calls.sql}) WHERE {where} GROUP BY ALL ORDER BY ALL"""
        rows = run(con, sql, params, calls.files)
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
    days = _answered_within(files, within_s, short_abandon_s, day=True, month=month, queue=queue)
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
