"""Every write to the store goes through `Writer`, which also writes the audit row.

A `Writer` works inside one transaction (`engine.writing`), so a batch of changes lands whole
or not at all, audit included. Rows are compared before writing: an unchanged row is neither
written nor audited, which is what makes loading the same data twice a no-op.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import SupportsFloat

import pyarrow as pa
import sqlalchemy as sa

from kpi.domain import cx
from kpi.store import engine, schema


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _json(row: Mapping[str, object] | None) -> str | None:
    if row is None:
        return None
    return json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, SupportsFloat) and isinstance(b, SupportsFloat) and abs(float(a) - float(b)) < 1e-9
        )
    if isinstance(a, datetime) and isinstance(b, date) and not isinstance(b, datetime):
        return a.date() == b
    return a == b


@dataclass
class Tally:
    """What a batch did, per table: rows inserted, updated, deleted and left unchanged."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, table: str, outcome: str, amount: int = 1) -> None:
        per_table = self.counts.setdefault(table, {})
        per_table[outcome] = per_table.get(outcome, 0) + amount

    def get(self, table: str, outcome: str) -> int:
        return self.counts.get(table, {}).get(outcome, 0)


class Writer:
    """Audited writes for one person within one open transaction."""

    def __init__(self, conn: sa.Connection, who: str) -> None:
        self.conn = conn
        self.who = who
        self.tally = Tally()
        self.months_replaced: list[tuple[str, date, int, int]] = []
        """(KPI, month, answers before, after) of each survey month whose answers were replaced."""

    def _audit(self, table: sa.Table, key: str, before: Mapping | None, after: Mapping | None) -> None:
        self.conn.execute(
            schema.audit.insert().values(**self.audit_row(datetime.now(), table, key, before, after))
        )

    @staticmethod
    def _key_text(table: sa.Table, key: Mapping[str, object]) -> str:
        return "|".join(str(_jsonable(key[c.name])) for c in table.primary_key.columns)

    def upsert(self, table: sa.Table, values: Mapping[str, object], match: Sequence[str] = ()) -> str:
        """Insert or update one row found by its primary key (or by `match` columns).

        Returns `inserted`, `updated` or `unchanged`; only the first two are written and audited.
        """
        columns = list(match) or [c.name for c in table.primary_key.columns]
        where = [table.c[name] == values[name] for name in columns]
        current = self.conn.execute(sa.select(table).where(*where)).mappings().first()
        if current is None:
            self.insert(table, values)
            return "inserted"
        changed = {k: v for k, v in values.items() if not _same(current[k], v)}
        if not changed:
            self.tally.add(table.name, "unchanged")
            return "unchanged"
        self.conn.execute(table.update().where(*where).values(**changed))
        before = {k: current[k] for k in changed}
        self._audit(table, self._key_text(table, dict(current)), before, changed)
        self.tally.add(table.name, "updated")
        return "updated"

    def insert(self, table: sa.Table, values: Mapping[str, object]) -> int | str:
        """Insert one new row (a comment, an action) and audit it; returns its id, or for a
        table without one, its key as text."""
        result = self.conn.execute(table.insert().values(**values))
        row = dict(values)
        if "id" in table.c and "id" not in row:
            generated = result.inserted_primary_key  # one row inserted: its key
            row["id"] = generated[0] if generated else None
        self._audit(table, self._key_text(table, row), None, row)
        self.tally.add(table.name, "inserted")
        new_id = row.get("id")
        return new_id if isinstance(new_id, int) else self._key_text(table, row)

    def upsert_many(
        self,
        table: sa.Table,
        rows: Sequence[Mapping[str, object]],
        volatile: Sequence[str] = (),
        match: Sequence[str] = (),
        defaults: Mapping[str, object] | None = None,
    ) -> None:
        """`upsert` for a batch: one read of the rows there are, then every insert in one bulk
        statement (`bulk_insert`), the updates as one executemany per set of changed columns,
        and the audit rows in bulk: time linear in the rows, on DuckDB and PostgreSQL alike.

        Rows are found by primary key, or by the `match` columns for a table whose key the store
        generates (actions: goal and title; the first such row, by id, when several have them).
        Fields in `volatile` (such as `loaded_at`) are written with a change but never count as one.
        `defaults` fill a new row's fields it lacks; a stored row keeps what a row leaves out.
        """
        if not rows:
            return
        keys = list(match) or [c.name for c in table.primary_key.columns]
        generated = [c.name for c in table.primary_key.columns if c.name not in keys]
        existing = self._existing(table, keys, rows)
        inserts: list[dict[str, object]] = []
        updates: dict[tuple[str, ...], list[dict[str, object]]] = {}
        audits = []
        now = datetime.now()
        for row in rows:
            current = existing.get(tuple(row[k] for k in keys))
            if current is None:
                inserts.append({**(defaults or {}), **row})
                continue
            changed = {k: v for k, v in row.items() if k not in volatile and not _same(current[k], v)}
            if not changed:
                self.tally.add(table.name, "unchanged")
                continue
            changed.update({k: row[k] for k in volatile if k in row})
            where = {k: current[k] for k in generated or keys}
            updates.setdefault(tuple(sorted(changed)), []).append(
                {**changed, **{f"key_{k}": v for k, v in where.items()}}
            )
            key_text = self._key_text(table, {**dict(current), **row})
            audits.append(self.audit_row(now, table, key_text, {k: current[k] for k in changed}, changed))
            self.tally.add(table.name, "updated")
        for columns, batch in updates.items():
            where_columns = generated or keys
            stmt = (
                table.update()
                .where(*(table.c[k] == sa.bindparam(f"key_{k}") for k in where_columns))
                .values({c: sa.bindparam(c) for c in columns})
            )
            self.conn.execute(stmt, batch)
        if inserts:
            bulk_insert(self.conn, table, inserts)
            if generated:  # the keys the store gave the new rows, for their audit rows
                made = self._existing(table, keys, inserts)
                inserts = [
                    {**row, **{k: made[tuple(row[m] for m in keys)][k] for k in generated}} for row in inserts
                ]
            audits += [self.audit_row(now, table, self._key_text(table, row), None, row) for row in inserts]
            self.tally.add(table.name, "inserted", len(inserts))
        if audits:
            bulk_insert(self.conn, schema.audit, audits)

    def _existing(
        self, table: sa.Table, keys: Sequence[str], rows: Sequence[Mapping[str, object]]
    ) -> dict[tuple[object, ...], sa.RowMapping]:
        """The stored rows with the `keys` of `rows`, by those keys (the first by primary key
        when several share them), read in chunks of the first key's values."""
        first = table.c[keys[0]]
        found: dict[tuple[object, ...], sa.RowMapping] = {}
        wanted = list(dict.fromkeys(row[keys[0]] for row in rows))  # each first-key value once
        order = list(table.primary_key.columns)
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            stmt = sa.select(table).where(first.in_(chunk)).order_by(*order)
            for row in self.conn.execute(stmt).mappings():
                found.setdefault(tuple(row[k] for k in keys), row)
        return found

    def audit_row(
        self, at: datetime, table: sa.Table, key: str, before: Mapping | None, after: Mapping | None
    ) -> dict:
        return {
            "at": at,
            "who": self.who,
            "table_name": table.name,
            "key": key,
            "before": _json(before),
            "after": _json(after),
        }

    def delete(self, table: sa.Table, key: Mapping[str, object]) -> bool:
        """Delete one row by primary key, keeping the whole row in the audit."""
        where = [table.c[name] == value for name, value in key.items()]
        current = self.conn.execute(sa.select(table).where(*where)).mappings().first()
        if current is None:
            return False
        self.conn.execute(table.delete().where(*where))
        self._audit(table, self._key_text(table, dict(current)), dict(current), None)
        self.tally.add(table.name, "deleted")
        return True

    def replace_responses(self, groups: Mapping[tuple[str, date], Sequence[Mapping]]) -> None:
        """Make the answers of each (KPI, month) in `groups` exactly the given rows.

        Survey months are replaced as a whole: answers have no natural key, and an import of a
        month is that month's full set. Identical sets are left alone; each replaced month is
        audited as one row with the answer counts before and after.
        """
        if not groups:
            return
        table = schema.response
        fields = ANSWER_FIELDS
        old = self._existing_answers(groups.keys(), fields)
        inserts: dict[str, list[object]] = {name: [] for name in ("kpi", *fields)}
        audits: list[dict[str, object]] = []
        now = datetime.now()
        for (kpi, month), rows in sorted(groups.items()):
            new = sorted([tuple(map(r.get, fields)) for r in rows], key=_answer_order)
            before = sorted(old.get((kpi, month), []), key=_answer_order)
            if before == new:
                self.tally.add(table.name, "unchanged", len(new))
                continue
            if before:
                self.conn.execute(
                    table.delete().where(
                        table.c.kpi == kpi, table.c.date >= month, table.c.date < _next_month(month)
                    )
                )
            if new:
                inserts["kpi"].extend([kpi] * len(new))
                for name, cells in zip(fields, zip(*new, strict=True), strict=True):
                    inserts[name].extend(cells)
            audits.append(self.answers_replaced(now, kpi, month, len(before), len(new)))
        bulk_insert_columns(self.conn, table, inserts)
        if audits:
            self.conn.execute(schema.audit.insert(), audits)
        self._summarise(groups)

    def answers_replaced(self, at: datetime, kpi: str, month: date, before: int, after: int) -> dict:
        """Count a (KPI, month) whose `before` answers became `after`, and return its audit row:
        one per month, with the counts (the answers themselves have no key to audit by)."""
        table = schema.response
        self.tally.add(table.name, "replaced" if before else "inserted", after)
        if before:
            self.months_replaced.append((kpi, month, before, after))
        was = {"answers": before} if before else None
        return self.audit_row(at, table, f"{kpi}|{month:%Y-%m}", was, {"answers": after})

    def _summarise(self, groups: Mapping[tuple[str, date], Sequence[Mapping]]) -> None:
        """Keep `response_month` equal to the answers of every replaced (KPI, month)."""
        summary = schema.response_month
        for kpi, month in groups:
            self.conn.execute(summary.delete().where(summary.c.kpi == kpi, summary.c.month == month))
        rows = []
        for (kpi, month), answers in groups.items():
            scores = Counter([int(a["score"]) for a in answers])  # a scale has a dozen scores at most
            if scores:
                rows.append(
                    {
                        "kpi": kpi,
                        "month": month,
                        "n": scores.total(),
                        "promoters": sum(n for s, n in scores.items() if s >= cx.PROMOTER_MIN),
                        "detractors": sum(n for s, n in scores.items() if s <= cx.DETRACTOR_MAX),
                        "satisfied": sum(n for s, n in scores.items() if s >= cx.SATISFIED_MIN),
                        "total": float(sum(s * n for s, n in scores.items())),
                        "total_sq": float(sum(s * s * n for s, n in scores.items())),
                    }
                )
        bulk_insert(self.conn, summary, rows)

    def _existing_answers(self, keys: Iterable[tuple[str, date]], fields: Sequence[str]) -> dict:
        table = schema.response
        found: dict[tuple[str, date], list[tuple]] = {}
        by_kpi: dict[str, list[date]] = {}
        for kpi, month in keys:
            by_kpi.setdefault(kpi, []).append(month)
        for kpi, wanted in by_kpi.items():
            stmt = sa.select(*(table.c[f] for f in fields)).where(
                table.c.kpi == kpi, table.c.date >= min(wanted), table.c.date < _next_month(max(wanted))
            )
            for row in self.conn.execute(stmt):
                month = row.date.replace(day=1)
                if month in wanted:
                    found.setdefault((kpi, month), []).append(tuple(row))
        return found


ANSWER_FIELDS = ("date", "score", "segment", "touchpoint", "respondent", "comment")
"""An answer's cells besides its KPI, as `replace_responses` compares and writes them."""


def _answer_order(answer: tuple) -> tuple:
    """A sort key for answers whose respondent or comment may be None (None first): each cell
    as a flag and a value, side by side in one flat tuple (which compares as fast again as a
    tuple of pairs, in the same order)."""
    return tuple([part for value in answer for part in ((False, "") if value is None else (True, value))])


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def bulk_insert(conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, object]]) -> None:
    """Insert many rows fast, inside the caller's transaction (see `bulk_insert_arrow`). The
    columns are those any row has (a row without one gets NULL there), typed by the table's
    declaration, not guessed from the values."""
    if rows:
        names = set().union(*(row.keys() for row in rows))
        declared = [c.name for c in table.columns if c.name in names]
        bulk_insert_columns(conn, table, {name: [row.get(name) for row in rows] for name in declared})


def bulk_insert_columns(
    conn: sa.Connection, table: sa.Table, columns: Mapping[str, Sequence[object]]
) -> None:
    """`bulk_insert` for rows held as columns (name → one value per row, all as long), typed by
    the table's declaration."""
    declared = [c for c in table.columns if c.name in columns]
    arrow_schema = pa.schema([(c.name, _ARROW_TYPES.get(type(c.type), pa.string())) for c in declared])
    data = {c.name: columns[c.name] for c in declared}
    bulk_insert_arrow(conn, table, pa.table(data, schema=arrow_schema))


_ARROW_TYPES: dict[type, pa.DataType] = {
    sa.String: pa.string(),
    sa.Float: pa.float64(),
    sa.Date: pa.date32(),
    sa.DateTime: pa.timestamp("us"),
    sa.Integer: pa.int64(),
    sa.BigInteger: pa.int64(),
    sa.SmallInteger: pa.int64(),
}


def bulk_insert_arrow(conn: sa.Connection, table: sa.Table, rows: pa.Table) -> None:
    """Insert rows held in columns (an Arrow table whose names are `table`'s), inside the caller's
    transaction. DuckDB reads them in one statement (about 50× faster than a multi-row INSERT),
    PostgreSQL takes them through COPY, anything else through SQLAlchemy's batched executemany.
    Column names come from the declared table, never from input."""
    if rows.num_rows == 0:
        return
    columns = [c.name for c in table.columns if c.name in rows.column_names]
    names = ", ".join(f'"{name}"' for name in columns)
    if conn.dialect.name == "duckdb":
        raw = engine.duckdb_driver(conn)
        raw.register("bulk_rows", rows.select(columns))
        try:
            raw.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM bulk_rows")
        finally:
            raw.unregister("bulk_rows")
        engine.rows_changed(conn, rows.num_rows)  # past SQLAlchemy: counted here
        return
    values = [rows.column(name).to_pylist() for name in columns]
    if conn.dialect.name == "postgresql":
        with (
            engine.psycopg_driver(conn).cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in zip(*values, strict=True):
                copy.write_row(row)
        engine.rows_changed(conn, rows.num_rows)
        return
    conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)])


def arrow_rows(conn: sa.Connection, stmt: sa.Select, names: Sequence[str]) -> pa.Table:
    """The result of `stmt` as an Arrow table with columns `names`: straight from DuckDB's
    columns on a DuckDB store, else built from the rows."""
    if conn.dialect.name == "duckdb":
        found = engine.on_duckdb_driver(conn, stmt).to_arrow_table()
        return found.rename_columns(list(names))
    rows = conn.execute(stmt).all()
    return pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})
