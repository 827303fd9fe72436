"""Service priorities measured over call records, in the store: their definitions (table
`priority_measure`) and the months a pull counted (table `priority_month`).

A definition comes from the definitions file's `[priorities.CODE]` tables (loaded with the KPI
sources, all or nothing: kpi.store.sourcing) or the service priority editor, checked by the one
validator, kpi.domain.priority_events.check, and written here (`write`, `remove`). The months are
written by `pull` (kpi.store.priority_pulling) and read with the priorities
(kpi.store.queries.service_priorities), so every screen and pack judges a month the same way
(kpi.domain.priorities).

A month is tied to the measure that counted it: when a priority's files, queue or seconds change,
or its measure is taken away, its counted months are deleted in the same transaction, audited,
and the next pull of a month counts it again under the new measure. Until then that month has no
event count and is judged by its KPI's value, never by old counts against a new promise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

import sqlalchemy as sa

from kpi.domain import checks, priority_events
from kpi.domain.errors import Problem
from kpi.domain.model import EventMeasure, EventMonth, ServicePriority
from kpi.files import source_file
from kpi.store import schema as s
from kpi.store.writes import Writer


def read(conn: sa.Connection, codes: Iterable[str] | None = None) -> dict[str, EventMeasure]:
    """`priority code → EventMeasure` of every priority measured over events (or of `codes`)."""
    table = s.priority_measure
    stmt = sa.select(table).order_by(table.c.priority)
    if codes is not None:
        stmt = stmt.where(table.c.priority.in_(list(codes) or [""]))
    return {r.priority: EventMeasure(r.files, r.within_s, r.share, r.queue) for r in conn.execute(stmt)}


def months(conn: sa.Connection, codes: Iterable[str]) -> dict[str, tuple[EventMonth, ...]]:
    """`priority code → its pulled months`, oldest first, for `codes`."""
    table = s.priority_month
    stmt = sa.select(table).where(table.c.priority.in_(list(codes) or [""])).order_by(table.c.month)
    found: dict[str, list[EventMonth]] = {}
    for r in conn.execute(stmt):
        found.setdefault(r.priority, []).append(
            EventMonth(
                r.month, r.answered_within, r.counted, r.worst_day, r.worst_share, r.source, r.loaded_at
            )
        )
    return {code: tuple(rows) for code, rows in found.items()}


def attach(conn: sa.Connection, found: Sequence[ServicePriority]) -> list[ServicePriority]:
    """The priorities with their event measure and pulled months (read for these codes only, so
    a scope that limits the priorities limits these too)."""
    codes = [p.code for p in found]
    measures, pulled = read(conn, codes), months(conn, codes)
    return [replace(p, events=measures.get(p.code), measured=pulled.get(p.code, ())) for p in found]


def checked(
    entries: Mapping[str, Mapping[str, object]],
    known: checks.Known,
    name: str,
    there: Callable[[str], bool] | None = None,
) -> tuple[dict[str, EventMeasure], list[Problem]]:
    """The file's `[priorities.CODE]` tables as event measures, codes spelled as the store spells
    them, and every problem, each naming the file, the table and the key; `there` says whether
    a path or pattern names a file (`recipe_source.looked_up`), when given."""
    index = checks.spellings(known)
    found, problems = {}, []
    for code, entry in entries.items():
        fields = checks.spelled("priority_measure", {**entry, "priority": code}, index)
        unfit = priority_events.check(fields, known, there)
        problems += [replace(p, file=source_file.where(name, code, p.field)) for p in unfit]
        if not unfit:
            found[str(fields["priority"])] = priority_events.record(fields)
    return found, problems


COUNTED_BY = ("files", "queue", "within_s")
"""What a pulled month was counted with. A month holds counts, not a verdict: the share needed
judges it when it is read, so a new share keeps the months, while new files, a new queue or a new
promise make them counts of something else."""


def write(writer: Writer, measures: Mapping[str, EventMeasure]) -> None:
    """Insert or replace each priority's event measure (an unchanged one is not audited). A
    priority whose files, queue or seconds change loses the months counted under the old ones
    (`forget`), so a month is never judged or worded against a promise it was not counted for."""
    before = read(writer.conn, measures)
    # a new measure too: a month left without one (an older store kept them) was counted by another
    forget(
        writer,
        [code for code, m in measures.items() if not counted_alike(before.get(code), m)],
    )
    rows = [
        {"priority": code, "files": m.files, "queue": m.queue, "within_s": m.within_s, "share": m.share}
        for code, m in measures.items()
    ]
    writer.upsert_many(s.priority_measure, rows)


def remove(writer: Writer, code: str) -> bool:
    """Take a priority's event measure away, and the months counted under it: it is judged by its
    KPI's value again. Whether it had one."""
    forget(writer, [code])
    return writer.delete(s.priority_measure, {"priority": code})


def forget(writer: Writer, codes: Sequence[str]) -> None:
    """Delete the months counted for `codes`, each audited with the whole row; the next pull of a
    month counts it again under the measure then stored."""
    table = s.priority_month
    stmt = sa.select(table.c.priority, table.c.month).where(table.c.priority.in_(list(codes) or [""]))
    for code, month in writer.conn.execute(stmt).all():
        writer.delete(table, {"priority": code, "month": month})


def counted_alike(stored: EventMeasure | None, measure: EventMeasure) -> bool:
    """Whether a month counted under `stored` is a count under `measure` too (same files, queue
    and seconds)."""
    return stored is not None and all(getattr(stored, n) == getattr(measure, n) for n in COUNTED_BY)
