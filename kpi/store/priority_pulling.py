"""The part of `pull` that measures service priorities over call records (kpi.store.pulling).

Each active priority with an event measure (kpi.store.priority_events) runs the compliance
recipe (kpi.sources.calls.compliance) for the month over its call files: the calls of its queue
answered within the promise, of the calls the recipe counts (answered, or abandoned after the
short-abandon cut-off), and the month's worst day. The recipes run with the KPI sources, before
the store is held, the way a recipe source runs (a timeout, DuckDB held to its memory and
threads: kpi.sources.failing.within, kpi.sources.confine); any that fails, times out or cannot
read its files refuses the whole pull, naming the priority, the file and the reason.
Otherwise the months are written in the pull's one transaction through the audited writer: a
month counted as before is neither written nor audited, so a second pull changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa

from kpi.domain.errors import Problem
from kpi.domain.model import EventMeasure
from kpi.domain.ratios import Ratio
from kpi.sources import calls
from kpi.sources.failing import SourceFailed, within
from kpi.store import priority_events
from kpi.store import schema as s
from kpi.store.writes import Writer, _same

FIELDS = ("answered_within", "counted", "worst_day", "worst_share")
"""What a pulled month holds besides its source and load time."""
COUNT_TIMEOUT_S = 120.0
"""How long one priority's count of one month may take before the pull is refused. A priority
has no timeout of its own (a KPI source has, 30 s unless set): two minutes count several
million calls."""


@dataclass(frozen=True)
class Chosen:
    """A priority to measure: its code and event measure."""

    code: str
    measure: EventMeasure

    @property
    def label(self) -> str:
        """How the month's `source` names where it came from: `pull:calls:exports/calls/*.parquet`."""
        return f"pull:calls:{self.measure.files}"


def chosen(conn: sa.Connection, kpi: str | None = None) -> list[Chosen]:
    """Priorities measured over events whose priority and KPI are active (or, with `kpi`, those
    on that KPI, retired or not)."""
    sp, k = s.service_priority, s.kpi
    stmt = sa.select(sp.c.code).join(k, k.c.code == sp.c.kpi).order_by(sp.c.code)
    if kpi is not None:
        stmt = stmt.where(sp.c.kpi == kpi)
    else:
        stmt = stmt.where(sp.c.retired_at.is_(None), k.c.retired_at.is_(None))
    measures = priority_events.read(conn, list(conn.execute(stmt).scalars()))
    return [Chosen(code, measure) for code, measure in measures.items()]


def measure(priorities: list[Chosen], month: date) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Each priority's row for `month` (none where no call was counted), and every problem, its
    "file" naming the priority and the file or source (`INVOICE_90 (calls/10.csv), column …`).
    Each count runs as a recipe source's recipe does (kpi.sources.failing.within): on a worker
    thread, stopped waiting for at `COUNT_TIMEOUT_S`, whatever fails said as a problem."""
    rows: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for item in priorities:
        m = item.measure
        count = partial(calls.compliance, m.files, within_s=m.within_s, queue=m.queue, month=month)
        try:
            found = within(COUNT_TIMEOUT_S, count, timeout="count_timeout")
        except SourceFailed as refused:
            problems += [replace(p, file=f"{item.code} ({p.file or item.label})") for p in refused.problems]
            continue
        for result in found:
            if result.month == month and result.share.denominator:
                rows[item.code] = {
                    "priority": item.code,
                    "month": month,
                    "answered_within": float(result.share.numerator),
                    "counted": float(result.share.denominator),
                    "worst_day": result.worst_day,
                    "worst_share": _share(result.worst),
                    "source": item.label,
                }
    return rows, problems


def _share(ratio: Ratio | None) -> float | None:
    return ratio.value if ratio is not None else None


Said = tuple[str, str, str, float | None, float | None]
"""A priority's outcome as `pulling.Line` takes it: code, source, `inserted` | `updated` |
`unchanged` | `missing`, the month's share in % and the share before."""


def write(
    conn: sa.Connection, month: date, who: str, priorities: list[Chosen], rows: dict[str, dict[str, Any]]
) -> list[Said]:
    """Write the months counted (inside the pull's transaction); a line per priority. Refused
    when a priority's measure changed while the pull counted (an editor's save in between): its
    months were forgotten, and a count under the old measure must not come back."""
    table, now = s.priority_month, datetime.now()
    measures = priority_events.read(conn, list(rows))
    changed = [
        i
        for i in priorities
        if i.code in rows and not priority_events.counted_alike(measures.get(i.code), i.measure)
    ]
    if changed:
        raise SourceFailed(
            [Problem("source.measure_changed", "", file=f"{i.code} ({i.label})") for i in changed]
        )
    stored = {
        r.priority: r
        for r in conn.execute(
            sa.select(table).where(table.c.month == month, table.c.priority.in_(list(rows) or [""]))
        )
    }
    lines: list[Said] = []
    written = []
    for item in priorities:
        row, before = rows.get(item.code), stored.get(item.code)
        if row is None:
            lines.append((item.code, item.label, "missing", None, None))
            continue
        written.append({**row, "loaded_at": now})
        share = 100.0 * row["answered_within"] / row["counted"]
        if before is None:
            lines.append((item.code, item.label, "inserted", share, None))
            continue
        same = all(_same(getattr(before, name), row[name]) for name in FIELDS)
        was = 100.0 * before.answered_within / before.counted if before.counted else None
        lines.append((item.code, item.label, "unchanged" if same else "updated", share, was))
    if written:  # no batch at all without a count: a pull of KPI sources only writes as before
        Writer(conn, who).upsert_many(table, written, volatile=("loaded_at", "source"))
    return lines
