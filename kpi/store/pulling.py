"""`pull`: a month's values from the KPIs' sources, written whole or not at all.

Every source runs first, outside any hold on the store (a slow source must not keep others out
of a DuckDB file), and what each returns is checked (kpi.domain.sources.pulled, then the same
check as a typed or imported value, kpi.domain.checks.measurement). Any failure or bad value
refuses the whole pull with every problem, each naming its KPI and source: nothing is written.
Otherwise the month's values go in one transaction through the audited writer, `source` saying
which source gave each (`pull:sql:warehouse`, `pull:recipe:service_level`). A value equal to the
stored one is neither written nor audited, so pulling a month twice changes nothing the second
time; a process killed half-way leaves nothing, since the transaction never committed. A source
that gives nothing for the month is reported as missing, not as a failure: its numbers may
simply not be in yet. `pull_months` does the same for several months at once (a backfill), and
`pull_within` inside a transaction its caller holds (`init --demo`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import settings
from kpi.demo import events
from kpi.domain import checks, sources
from kpi.domain.errors import Problem
from kpi.domain.model import Person
from kpi.domain.sources import Pulled, Secret, Source
from kpi.domain.unusual import Unusual
from kpi.sources import confine, running, zone
from kpi.sources.failing import SourceFailed
from kpi.store import company, engine, known, priority_pulling, sourcing, usual
from kpi.store import schema as s
from kpi.store.corrections import CORRECTED
from kpi.store.writes import Writer, _same

Secrets = Callable[[Secret, str], str | None]
"""A source's secret, by its kind and name → a database's URL or a token (`settings.source_secret`)."""
Progress = Callable[[int, int, Source], None]
"""Told before each source runs: how many ran already, how many there are, which runs now."""


@dataclass(frozen=True)
class Line:
    """One KPI's outcome: `inserted`, `updated`, `unchanged`, `missing` (no value given) or
    `kept` (the stored value was corrected by hand and differs: it stays)."""

    kpi: str
    source: str
    outcome: str
    value: float | None = None
    before: float | None = None


@dataclass
class Outcome:
    month: date
    lines: list[Line] = field(default_factory=list)
    """A line per KPI source, then one per service priority measured over call records."""
    unusual: list[Unusual] = field(default_factory=list)
    """The month's pulled values far from their KPI's usual ones (`usual.far`): written all the
    same (a real month may be far from usual too), and named for a person to look at."""

    def count(self, outcome: str) -> int:
        return sum(line.outcome == outcome for line in self.lines)


def pull(store: Engine, month: date, who: str, **options: Any) -> Outcome:
    """Run the month's sources (all active KPIs', or `kpi`'s) and write their values; raises
    SourceFailed naming every failed source and bad value (nothing written). `options` are those
    of `pull_months`: `kpi`, `dry_run`, `secrets`, `progress` and `trial`."""
    return pull_months(store, [month], who, **options)[0]


def pull_months(
    store: Engine,
    wanted: Sequence[date],
    who: str,
    *,
    kpi: str | None = None,
    dry_run: bool = False,
    secrets: Secrets = settings.source_secret,
    progress: Progress | None = None,
    trial: Source | None = None,
) -> list[Outcome]:
    """`pull` for several months (a backfill, such as `init --demo`'s history), all written in
    one transaction or none. A kind that can give every month at once (a recipe) runs once. A
    `trial` source (one not stored yet, from the KPI editor's "Try it") runs instead of the
    stored ones, always as a dry run."""
    with engine.reading(store) as conn:
        plan = _plan(conn, kpi, trial)
    ran = _ran(plan, wanted, secrets, progress)
    with engine.writing_or_dry_run(store, dry_run or trial is not None) as conn:
        return _written(conn, plan, ran, who)


def pull_within(conn: sa.Connection, wanted: Sequence[date], who: str) -> list[Outcome]:
    """`pull_months` of every active source and priority inside the caller's open transaction,
    which then holds the store while the sources run: for a store being set up (`init --demo`:
    the company and its pulled history land together or not at all), not for a nightly pull."""
    plan = _plan(conn, None, None)
    return _written(conn, plan, _ran(plan, wanted, settings.source_secret, None), who)


@dataclass(frozen=True)
class _Plan:
    """What a pull runs: the sources, what the store knows to check their values against, and
    the service priorities measured over call records."""

    chosen: list[Source]
    seen: checks.Known
    kept: list[priority_pulling.Chosen]
    folders: tuple[str, ...]
    """What files they may read: the setting's folders, and the demo store's own events."""


@dataclass(frozen=True)
class _Ran:
    """What the sources and priorities gave, by month."""

    wanted: Sequence[date]
    values: dict[date, dict[str, Pulled]]
    counted: dict[date, dict[str, dict[str, Any]]]


def _plan(conn: sa.Connection, kpi: str | None, trial: Source | None) -> _Plan:
    chosen = [trial] if trial is not None else sourcing.active(conn, kpi)
    # service priorities measured over call records (none for a trial of one KPI's source)
    kept = priority_pulling.chosen(conn, kpi) if trial is None else []
    if kpi is not None and not chosen and not kept:
        raise SourceFailed(Problem("source.none_for_kpi", "--kpi", (("kpi", kpi),)))
    return _Plan(chosen, known.read(conn), kept, _folders(conn))


def _folders(conn: sa.Connection) -> tuple[str, ...]:
    """The folders the setting lets sources read; for the demo store, also the folder its events
    were written to beside it (`init --demo`: `<store>.duckdb.events/`, wherever the store is)."""
    allowed = settings.current().source_folders
    if not company.is_demo(conn):
        return allowed
    return (*allowed, str(events.folder(conn.engine.url.render_as_string(hide_password=False))))


def _ran(plan: _Plan, wanted: Sequence[date], secrets: Secrets, progress: Progress | None) -> _Ran:
    """Run every source and count every priority, reading only the plan's folders; SourceFailed
    with every problem of them all."""
    folders = confine.FOLDERS.set(plan.folders)  # what files they may read
    try:
        with zone.within(settings.current().time_zone):  # whose months and days they count
            values, problems = _run_all(plan.chosen, wanted, plan.seen, secrets, progress)
            counted: dict[date, dict[str, dict[str, Any]]] = {}
            for month in wanted:  # a month at a time
                counted[month], unfit = priority_pulling.measure(plan.kept, month)
                problems += unfit
    finally:
        confine.FOLDERS.reset(folders)
    if problems:
        raise SourceFailed(problems)
    return _Ran(wanted, values, counted)


def _written(conn: sa.Connection, plan: _Plan, ran: _Ran, who: str) -> list[Outcome]:
    """Write what ran, month by month, through the audited writer (the caller's transaction)."""
    outcomes = []
    pulled = [
        (kpi, month, got.value) for month in ran.wanted for kpi, got in ran.values.get(month, {}).items()
    ]
    far = usual.far(conn, pulled)  # against the store as it was, before the first month is written
    for month in ran.wanted:
        outcome = _write(conn, month, who, plan.chosen, ran.values.get(month, {}))
        outcome.unusual = [u for u in far if u.month == month]
        said = priority_pulling.write(conn, month, who, plan.kept, ran.counted[month])
        outcome.lines += [Line(*line) for line in said]
        outcomes.append(outcome)
    return outcomes


def pull_as(store: Engine, viewer: Person, month: date, **options: Any) -> Outcome:
    """`pull` for a person (the Data page's "Pull now", the editor's "Try it"): administrators
    only, refused before any source runs or is read."""
    sourcing.require_definer(viewer)
    return pull(store, month, viewer.email, **options)


def _run_all(
    chosen: list[Source],
    wanted: Sequence[date],
    seen: checks.Known,
    secrets: Secrets,
    progress: Progress | None = None,
) -> tuple[dict[date, dict[str, Pulled]], list[Problem]]:
    """Each source's value for each month `wanted`, and every problem of every source, each
    problem's "file" being the KPI and its source, so it reads `FCR (pull:sql:warehouse), row 2 …`."""
    values: dict[date, dict[str, Pulled]] = {}
    problems: list[Problem] = []
    for number, source in enumerate(chosen):
        if progress is not None:
            progress(number, len(chosen), source)
        where = f"{source.kpi} ({source.label})"
        # checked again: its KPI may have changed since (a unit a recipe does not give, a survey)
        unfit = sources.check(
            sources.fields(source), seen, defined=lambda *named: secrets(*named) is not None
        )
        if unfit:
            problems += [replace(p, file=where, row=0) for p in unfit]
            continue
        kind = source.kind.secret
        secret = secrets(kind, source.connection) if kind is not None and source.connection else None
        once = len(wanted) > 1 and source.kind in running.EVERY_MONTH
        asks: list[date | None] = [None] if once else list(wanted)
        for asked in asks:
            try:
                rows = (
                    running.every_month(source, secret)
                    if asked is None
                    else running.run(source, asked, secret)
                )
            except SourceFailed as failed:
                # a recipe names the event file at fault: kept after the KPI and its source
                problems += [
                    replace(p, file=f"{where}, {p.file}" if p.file else where, row=0) for p in failed.problems
                ]
                break
            stored = seen.kpis.get(source.kpi)
            found, unfit = sources.pulled(rows, stored.unit if stored is not None else "")
            problems += [replace(p, file=where) for p in unfit]
            for pulled in found:
                if pulled.month == asked or (asked is None and pulled.month in wanted):
                    fields = {"kpi": source.kpi, "month": pulled.month, "value": pulled.value}
                    problems += [replace(p, file=where) for p in checks.measurement(fields, seen)]
                    values.setdefault(pulled.month, {})[source.kpi] = pulled
    return values, problems


def _write(
    conn: sa.Connection, month: date, who: str, chosen: list[Source], values: dict[str, Pulled]
) -> Outcome:
    table, now = s.measurement, datetime.now()
    stored = {
        r.kpi: r
        for r in conn.execute(
            sa.select(table).where(table.c.month == month, table.c.kpi.in_(list(values) or [""]))
        )
    }
    outcome, rows = Outcome(month), []
    for source in chosen:
        pulled, before = values.get(source.kpi), stored.get(source.kpi)
        if pulled is None:
            outcome.lines.append(Line(source.kpi, source.label, "missing"))
            continue
        row = {
            "kpi": source.kpi,
            "month": month,
            "value": pulled.value,
            "numerator": pulled.numerator,
            "denominator": pulled.denominator,
            "note": before.note if before is not None else "",
            "source": source.label,
            "loaded_at": now,
        }
        change = _change(before, row)
        if change == "updated" and before is not None and before.source == CORRECTED:
            # a value corrected by hand stays: a nightly pull must not undo a person's correction
            outcome.lines.append(Line(source.kpi, source.label, "kept", pulled.value, _value(before)))
            continue
        rows.append(row)
        outcome.lines.append(Line(source.kpi, source.label, change, pulled.value, _value(before)))
    Writer(conn, who).upsert_many(table, rows, volatile=("loaded_at", "source"))
    return outcome


def _change(before: sa.Row | None, row: dict[str, object]) -> str:
    if before is None:
        return "inserted"
    same = all(_same(getattr(before, name), row[name]) for name in ("value", "numerator", "denominator"))
    return "unchanged" if same else "updated"


def _value(before: sa.Row | None) -> float | None:
    return float(before.value) if before is not None else None
