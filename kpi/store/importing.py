"""Importing a file into the store: check it against what the store holds, then write it whole.

`run` parses (kpi.files.tables), checks every reference against the store and the file together,
and writes inside one transaction through the audited `Writer`: a file lands whole or not at
all, and a process killed half-way leaves nothing of it. A KPIs file's optional `source_*`
columns give a KPI its source, checked and written as the KPI editor and the definitions file
do it (kpi.store.sourcing); a row whose source columns are all empty leaves its source alone. With `dry_run` it does all of that and
rolls back, which gives an exact preview (new, replaced, unchanged rows). `export` writes the
same formats back out, so export → import changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import settings
from kpi.domain import access, checks, identity, months, targets
from kpi.domain import sources as source_rules
from kpi.domain.errors import Denied, Problem
from kpi.domain.model import DEFAULT_TOLERANCE, DEFAULT_WEIGHT, ActionStatus, Aggregation, Level, Person, Role
from kpi.domain.sources import Found, Source
from kpi.domain.unusual import Unusual
from kpi.files import spreadsheet, tables
from kpi.files.tables import ACCEPTED_UNDATED, KINDS, SOURCE_COLUMNS, ImportRejected, Parsed, parse
from kpi.sources import recipe_source
from kpi.store import bulk_answers, closing, column_check, corrections, engine, known, sourcing, usual
from kpi.store import schema as s
from kpi.store.writes import Writer
from kpi.text import fmt, phrases, words
from kpi.text.i18n import t

TABLES = {
    "departments": s.department,
    "people": s.person,
    "promises": s.promise,
    "kpis": s.kpi,
    "priorities": s.service_priority,
    "goals": s.goal,
    "measurements": s.measurement,
    "targets": s.kpi_target,
    "changes": s.process_change,
    "responses": s.response,
    "actions": s.action,
    "calendar": s.month_calendar,
    "events": s.company_event,
}
_DEFAULTS: dict[str, dict[str, object]] = {
    "kpis": {"tolerance": DEFAULT_TOLERANCE, "definition": ""},
    "goals": {"description": "", "weight": DEFAULT_WEIGHT},
    "measurements": {"note": ""},
    "changes": {"note": ""},
    "responses": {"segment": "", "touchpoint": ""},
}
"""Values for required store columns a file may leave empty."""


MONTHS_NAMED = 5
"""Survey months an import's summary names one by one; the rest it counts."""


@dataclass(frozen=True)
class Replaced:
    """A stored value of a KPI's month, and the file's value that takes its place."""

    kpi: str
    month: date
    before: float
    after: float
    unit: str
    closed: bool = False
    """Whether its month is closed: its pack then shows the change as revised after the close."""


@dataclass
class Summary:
    kind: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)
    """`inserted`, `updated`, `replaced`, `unchanged` rows."""
    sources: dict[str, int] = field(default_factory=dict)
    """A KPIs file's sources: `inserted`, `updated`, `unchanged`."""
    months_replaced: list[tuple[str, date, int, int]] = field(default_factory=list)
    """(KPI, month, answers before, after) of each survey month the file replaces whole."""
    unusual: list[Unusual] = field(default_factory=list)
    """The file's values far from their KPI's usual ones (kpi.domain.unusual): to look at."""
    moved: list[tuple[str, targets.Moved]] = field(default_factory=list)
    """(KPI, how) of each KPI whose next year's month targets the file's values move: they are
    phased by the year the values are of (`corrections.year_targets_moved`)."""
    overdue: int = 0
    """An actions file's open actions due before today: kept as written (a plan written after
    the fact), but said, as the action form says it: each shows as overdue at once."""
    replaced: list[Replaced] = field(default_factory=list)
    """A values file's values that take the place of another stored value: "1 replaced" did not
    say which, nor what it had been."""
    doubts: list[Problem] = field(default_factory=list)
    """What the file may mean otherwise than it reads (`Parsed.doubts`): to look at, not refused."""

    def doubted(self) -> list[str]:
        """The doubts in words, each where it is in the file."""
        return [words.problem(doubt) for doubt in self.doubts]

    def text(self) -> str:
        said = t(
            "import.summary",
            count=self.rows,
            inserted=fmt.number(self.counts.get("inserted", 0)),
            updated=fmt.number(self.counts.get("updated", 0) + self.counts.get("replaced", 0)),
            unchanged=fmt.number(self.counts.get("unchanged", 0)),
        )
        changed = {k: self.sources.get(k, 0) for k in ("inserted", "updated")}
        said += " " + t("import.sources_summary", **changed) if any(changed.values()) else ""
        said += " " + self._months_replaced() if self.months_replaced else ""
        said += " " + self._values_replaced() if self.replaced else ""
        return said + (" " + t("import.overdue_actions", count=self.overdue) if self.overdue else "")

    def _values_replaced(self) -> str:
        """The stored values the file changes, the first `MONTHS_NAMED` with what they were."""
        shown = [
            t(
                "import.value_replaced",
                kpi=one.kpi,
                month=fmt.month(one.month),
                before=fmt.exact(one.before, one.unit),
                after=fmt.exact(one.after, one.unit),
            )
            for one in self.replaced[:MONTHS_NAMED]
        ]
        listed = "; ".join(shown) + words.more(len(self.replaced) - len(shown))
        said = phrases.ended(t("import.values_replaced", count=len(self.replaced), values=listed))
        shut = sorted({one.month for one in self.replaced if one.closed})
        if shut:  # a closed month's value changed without a word (an administrator's trial)
            named = ", ".join(fmt.month_long(month) for month in shut)
            said += " " + phrases.capital(t("import.closed_months", count=len(shut), months=named))
        return said

    def _months_replaced(self) -> str:
        """The survey months whose every answer the file replaces, with the counts: the preview
        said "1 replaced" of a file whose one answer took the place of November's 876."""
        shown = [
            t(
                "import.month_replaced",
                kpi=kpi,
                month=fmt.month(month),
                before=fmt.number(before),
                after=fmt.number(after),
            )
            for kpi, month, before, after in self.months_replaced[:MONTHS_NAMED]
        ]
        listed = "; ".join(shown) + words.more(len(self.months_replaced) - len(shown))
        return t("import.months_replaced", count=len(self.months_replaced), months=listed)


@dataclass(frozen=True)
class _Seen:
    """What a file's check reads of the store: the codes, people and goal tree it may name, and
    the stored rows its rows may leave columns of out."""

    known: checks.Known
    stored: dict[object, dict[str, object]]
    sources: dict[str, Source]
    """A KPIs file's: the stored sources, which its rows' KPIs must keep fitting."""


def _seen(conn: sa.Connection, kind: str, confirm_future: bool) -> _Seen:
    defined = {x.kpi: x for x in sourcing.read(conn)} if kind == "kpis" else {}
    return _Seen(known.read(conn, confirm_future=confirm_future, hints=True), _stored(conn, kind), defined)


def _check(parsed: Parsed, seen: _Seen, found: Found) -> None:
    """Every row through its kind's check, against the store and the file together. A row of a
    file that leaves columns out is checked as it will be stored: its new values over its old.
    A far-ahead month the store already holds for the row needs no new confirmation. A KPIs
    file's recipe sources' event files are as `found` (looked up before the store was opened)."""
    check, stored = tables.CHECKS[parsed.kind], seen.stored
    key = "email" if parsed.kind == "people" else "code"
    _spell(parsed, checks.spellings(seen.known))
    within = _with_file(seen.known, parsed)

    def problems(row: dict) -> list:
        before = stored.get(row.get(key), {})
        unfit = checks.confirmed_by_store(check({**before, **row}, within), row, before)
        if parsed.kind != "kpis":
            return unfit
        return unfit + _source_problems(
            {**before, **row}, within, found, seen.sources.get(str(row.get("code")))
        )

    for index, row in enumerate(parsed.rows):
        for problem in problems(row):
            parsed.add(index, problem)
    unread: dict[int | None, set[str]] = defaultdict(set)  # by row, once: 20,000 bad rows took minutes
    for problem in parsed.problems:
        unread[problem.row].add(problem.field)
    for line, row in parsed.unreadable:  # what else is wrong with a row whose cells were not all read
        for problem in problems(row):
            if problem.field not in unread[line]:
                parsed.problems.append(replace(problem, file=parsed.file, row=line))
    named = checks.all_named_instead(parsed.problems, seen.known)
    parsed.problems = [tables.of_kind(p, parsed.kind) for p in named]


def _source_fields(row: dict) -> dict[str, object] | None:
    """The source a KPIs file's row gives its KPI, as a source's fields; None when it gives none."""
    fields = {name: row.get(column) for column, name in SOURCE_COLUMNS.items()}
    if all(value is None for value in fields.values()):
        return None
    return {"kpi": row.get("code"), **fields}


def _source_problems(row: dict, within: checks.Known, found: Found, stored: Source | None) -> list[Problem]:
    """What is wrong with the source of a KPIs file's row (the row as it will be stored), by the
    same rules as a definitions file's entry (`sourcing.problems_of`), named by its column. The
    row's KPI may be new, or change its kind, in this very file: it is checked as the file has it.
    A row that gives no source keeps its `stored` one: the KPI as the row has it must still fit
    it (`sources.unfit_edit`, as in the KPI editor)."""
    fields = _source_fields(row)
    if fields is None:
        return source_rules.unfit_edit(stored, row) if stored is not None else []
    kpis = dict(within.kpis)
    if row.get("aggregation") in set(Aggregation):  # else the row's own check names it
        kpis[str(row.get("code"))] = checks.KnownKpi(str(row.get("unit")), Aggregation(row["aggregation"]))
    column = {name: f"source_{name}" for name in SOURCE_COLUMNS.values()} | {"kpi": "source_kind"}
    unfit = sourcing.problems_of(fields, replace(within, kpis=kpis), found)
    # the KPI's own code is the row's check's to name; a survey KPI's source is its source_kind's
    unfit = [p for p in unfit if p.field != "kpi" or p.key == "source_survey_kpi"]
    return [replace(p, field=column.get(p.field, p.field)) for p in unfit]


def _event_files(kind: str, data: bytes, name: str) -> Found:
    """Whether the event files a KPIs file's recipe sources name are there, looked up before the
    store is opened: the check, also the one inside the writing transaction, reads the answers."""
    if kind != "kpis":
        return recipe_source.looked_up([])
    parsed = parse(kind, data, name)  # a KPIs file is small: read twice rather than kept
    rows = [*parsed.rows, *(row for _, row in parsed.unreadable)]
    return recipe_source.looked_up(fields for row in rows if (fields := _source_fields(row)) is not None)


def _file_sources(parsed: Parsed) -> tuple[Parsed, list[Source]]:
    """A KPIs file's rows without their source columns, and the sources they give."""
    given = [fields for row in parsed.rows if (fields := _source_fields(row)) is not None]
    rows = [{k: v for k, v in row.items() if k not in SOURCE_COLUMNS} for row in parsed.rows]
    return replace(parsed, rows=rows), [source_rules.record(fields) for fields in given]


def _spell(parsed: Parsed, index: checks.Spellings) -> None:
    """Every code the file names, spelled as the store spells it (or, for a new one, as the file
    first did): `cs` is the department `CS`, and a new `Kundeservice` stays so spelled."""
    rows = [*parsed.rows, *(row for _, row in parsed.unreadable)]
    for row in rows:  # first the file's own codes, which its other rows may name
        row.update(checks.spelled(parsed.kind, {"code": row.get("code")}, index) if "code" in row else {})
        checks.adopt(parsed.kind, row, index)
    parsed.rows = [checks.spelled(parsed.kind, row, index) for row in parsed.rows]
    parsed.unreadable = [(line, checks.spelled(parsed.kind, row, index)) for line, row in parsed.unreadable]


def _stored(conn: sa.Connection, kind: str) -> dict[object, dict[str, object]]:
    """The stored rows of a kind whose files may leave columns out, by code (or e-mail)."""
    if kind not in ("departments", "people", "kpis", "goals"):
        return {}
    table = TABLES[kind]
    key = table.primary_key.columns.values()[0].name
    return {r[key]: dict(r) for r in conn.execute(sa.select(table)).mappings()}


def _with_file(store: checks.Known, parsed: Parsed) -> checks.Known:
    """What the store knows, plus the departments (and their parents) or goals the file itself
    brings (a row with an unreadable cell too, as far as it was read: its sub-goals are not
    orphans), or the administrators left once a people file is in."""
    rows = [*parsed.rows, *(row for _, row in parsed.unreadable)]
    if parsed.kind == "departments":
        codes = {r["code"] for r in rows if "code" in r}
        parents = {r["code"]: r["parent"] for r in rows if "code" in r and "parent" in r}
        # a parent named by the name the file gives it is told its code, as one the store holds
        named = {checks.name_key(r["name"]): r["code"] for r in rows if r.get("code") and r.get("name")}
        return replace(
            store,
            departments=store.departments | codes,
            department_parents={**store.department_parents, **parents},
            names={**store.names, "departments": {**store.names.get("departments", {}), **named}},
        )
    if parsed.kind == "people":
        roles = {r["email"]: r["role"] for r in rows if r.get("email") and r.get("role")}
        active = store.people - store.retired.get("people", frozenset())
        kept = {e for e in store.admins if roles.get(e, Role.ADMIN) == Role.ADMIN}
        promoted = {
            e for e, role in roles.items() if role == Role.ADMIN and (e in active or e not in store.people)
        }
        return replace(store, admins_kept=frozenset(kept | promoted))
    if parsed.kind == "goals":
        tree = {r["code"]: (Level(r["level"]), r.get("parent")) for r in rows if "code" in r and "level" in r}
        return replace(store, goals={**store.goals, **tree})
    if parsed.kind == "kpis":  # the names as they will be: the file's, and the store's it keeps
        in_file = {str(r.get("code")) for r in rows}
        after: dict[tuple[str, str], set[str]] = {
            key: set(codes - in_file) for key, codes in store.kpi_names.items()
        }
        for r in rows:
            if r.get("code") and r.get("name") and r.get("department"):
                key = (str(r["department"]), checks.name_key(str(r["name"])))
                after.setdefault(key, set()).add(str(r["code"]))
        return replace(store, kpi_names={key: frozenset(codes) for key, codes in after.items() if codes})
    return store


def _store_rows(kind: str, parsed: Parsed, existing: set | None) -> list[dict]:
    """Parsed rows as store rows. Columns a file leaves out keep their stored values; new rows
    get defaults for the store's required columns. An empty cell in a column the file has
    takes the default. With `existing` None the writer tells new rows from stored ones (a
    kind found by several columns, such as a KPI's month) and gives the new ones the defaults
    (`Writer.upsert_many`'s `defaults`)."""
    out = []
    for row in parsed.rows:
        values = dict(row)
        if kind == "goals" and "accepted" in values:
            values["accepted_at"] = values.pop("accepted")
        key = values.get("code", values.get("email"))
        new = existing is not None and key not in existing
        for name, default in _DEFAULTS.get(kind, {}).items():
            if values.get(name) is None and (name in values or new):
                values[name] = default
        out.append(values)
    return out


def _action_titles(conn: sa.Connection) -> dict[tuple[str, str], str]:
    """`(goal, title as compared) → the title as stored` of every action: a file's row names an
    action by its goal and title the way the form's duplicate check compares them
    (`identity.code_key`), so "OFFER CALLBACK" changes "Offer callback" instead of adding a
    second action whose download the import then refused (a review)."""
    a = s.action
    return {
        (r.goal, identity.code_key(r.title)): r.title for r in conn.execute(sa.select(a.c.goal, a.c.title))
    }


def _apply(conn: sa.Connection, parsed: Parsed, who: str) -> Writer:
    writer, kind, table = Writer(conn, who), parsed.kind, TABLES[parsed.kind]
    given: list[Source] = []
    if kind == "kpis":
        parsed, given = _file_sources(parsed)
    if kind == "responses":
        groups: dict[tuple[str, date], list[dict]] = defaultdict(list)
        for row in _store_rows(kind, parsed, set()):
            groups[(row["kpi"], months.first_of(row["date"]))].append(row)
        writer.replace_responses(groups)
    elif kind == "actions":
        stored = _action_titles(conn)
        rows = [
            {
                **r,
                "title": stored.get((r["goal"], identity.code_key(r["title"])), r["title"]),
                "status": r.get("status") or ActionStatus.PLANNED,
            }
            for r in _store_rows(kind, parsed, set())
        ]
        writer.upsert_many(table, rows, match=("goal", "title"))
    elif kind == "events":  # a one-day event ends the day it starts
        rows = [{**r, "end": r.get("end") or r["start"]} for r in _store_rows(kind, parsed, set())]
        writer.upsert_many(table, rows, match=("title", "start"))
    elif kind == "measurements":  # a correction without notes keeps the month's note
        now = datetime.now()
        rows = [{**r, "source": parsed.file, "loaded_at": now} for r in _store_rows(kind, parsed, None)]
        writer.upsert_many(table, rows, volatile=("loaded_at", "source"), defaults=_DEFAULTS[kind])
    elif kind in ("targets", "changes"):
        rows = _store_rows(kind, parsed, None)
        if kind == "changes":  # who recorded the change, and when: kept, not counted as a change
            now = datetime.now()
            rows = [{**r, "who": who, "at": now} for r in rows]
        writer.upsert_many(table, rows, volatile=("who", "at"), defaults=_DEFAULTS.get(kind, {}))
    else:
        key = table.primary_key.columns.values()[0].name
        existing = set(conn.execute(sa.select(table.c[key])).scalars())
        rows = _store_rows(kind, parsed, existing)
        missing = [c.name for c in table.columns if not c.nullable and c.name not in rows[0]]
        if missing:  # columns the file left out: keep what the store holds for existing rows
            current = {r[key]: r for r in conn.execute(sa.select(table)).mappings()}
            rows = [
                {**{c: current[r[key]][c] for c in missing}, **r} if r[key] in current else r for r in rows
            ]
        writer.upsert_many(table, rows)
        sourcing.write(writer, given)  # after the KPIs: a new KPI's source names it
    return writer


def run(
    store: Engine,
    kind: str,
    data: bytes,
    name: str,
    viewer: Person,
    *,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    confirm_future: bool = False,
) -> Summary:
    """Import one file of `kind` as `viewer`; raises ImportRejected (nothing written) or returns
    what changed. Months more than a year ahead are refused unless `confirm_future`
    (kpi.domain.bounds). An import changes data and, through a KPIs file's `source_*` columns,
    sources: administrators only, refused (Denied) before the file is read.

    The file is read and checked before the store is locked: what the check needs of the store
    is read first, in a moment, and a refused file never holds the store while it is checked.
    Only a file without problems takes the store for writing, and is checked again there only
    if the store changed meanwhile. Survey answers go column-wise where DuckDB reads the file
    (kpi.store.bulk_answers); everything else is read cell by cell."""
    if not access.may_define(viewer):  # the import's own reason: data and definitions (not "mails, alerts …")
        raise Denied(Problem("edit.denied_define"))
    found = _event_files(kind, data, name)  # the file system, before the store
    staged = bulk_answers.stage(data, name) if kind == "responses" else None
    try:
        with engine.reading(store) as conn:
            seen = _seen(conn, kind, confirm_future)
        checked = _checked(kind, data, name, staged, seen, progress, found)
        context = engine.reading(store) if dry_run else engine.writing(store)
        with context as conn:
            transaction = conn.begin() if dry_run else None
            try:
                now = _seen(conn, kind, confirm_future)
                if now != seen:  # the store changed since the check: check again, holding it
                    checked = _checked(kind, data, name, staged, now, progress, found)
                values = isinstance(checked, Parsed) and kind == "measurements"
                far = _unusual(conn, checked) if isinstance(checked, Parsed) and values else []
                moved = _moved(conn, checked) if isinstance(checked, Parsed) and values else []
                replaced = _replaced(conn, checked) if isinstance(checked, Parsed) and values else []
                late = _overdue(checked) if isinstance(checked, Parsed) and kind == "actions" else 0
                if isinstance(checked, Parsed):  # the values far from usual read before they are written
                    writer, rows = _apply(conn, checked, viewer.email), len(checked.rows)
                else:
                    writer, rows = bulk_answers.write(conn, checked, viewer.email, progress), checked.rows
            finally:
                if transaction is not None:
                    transaction.rollback()
    finally:
        if staged is not None:
            staged.close()
    if progress:
        progress(1.0)
    counts: dict[str, int] = defaultdict(int)
    for table, outcomes in writer.tally.counts.items():
        for outcome, amount in outcomes.items():
            counts[outcome] += amount if table != s.kpi_source.name else 0
    sources = dict(writer.tally.counts.get(s.kpi_source.name, {}))
    doubts = list(checked.doubts) if isinstance(checked, Parsed) else []
    return Summary(
        kind, rows, dict(counts), sources, list(writer.months_replaced), far, moved, late, replaced, doubts
    )


def _replaced(conn: sa.Connection, parsed: Parsed) -> list[Replaced]:
    """The stored values the file's values take the place of (another value of the same KPI and
    month), by KPI and month; read before they are written."""
    given = {
        (str(row["kpi"]), row["month"]): float(row["value"])
        for row in parsed.rows
        if row.get("value") is not None and isinstance(row.get("month"), date)
    }
    if not given:
        return []
    m, k = s.measurement, s.kpi
    codes = sorted({code for code, _ in given})
    units = dict(conn.execute(sa.select(k.c.code, k.c.unit).where(k.c.code.in_(codes))).all())
    stored = sa.select(m.c.kpi, m.c.month, m.c.value).where(m.c.kpi.in_(codes))
    changed = [
        (code, month, before)
        for code, month, before in conn.execute(stored)
        if (code, month) in given and given[(code, month)] != before
    ]
    touched = {month for _, month, _ in changed}  # each month asked once whether it is closed
    shut = {month for month in touched if closing.closed(conn, month) is not None}
    found = [
        Replaced(code, month, before, given[(code, month)], str(units.get(code, "count")), month in shut)
        for code, month, before in changed
    ]
    return sorted(found, key=lambda one: (one.kpi, one.month))


def _overdue(parsed: Parsed) -> int:
    """How many of an actions file's open actions are due before the company's today."""
    today = settings.today()
    return sum(
        1
        for row in parsed.rows
        if isinstance(row.get("due"), date)
        and row["due"] < today
        and ActionStatus(str(row.get("status") or ActionStatus.PLANNED)).is_open
    )


def _moved(conn: sa.Connection, parsed: Parsed) -> list[tuple[str, targets.Moved]]:
    """How the file's values move each KPI's next year's phased month targets, read before they
    are written: an import of last June's value moved this year's targets without a word, where
    a correction of it said so."""
    years: dict[tuple[str, int], dict[int, float | None]] = defaultdict(dict)
    for row in parsed.rows:
        if row.get("value") is not None and isinstance(row.get("month"), date):
            years[(str(row["kpi"]), row["month"].year)][row["month"].month] = float(row["value"])
    return [
        (kpi, moved)
        for (kpi, year), changes in sorted(years.items())
        if (moved := corrections.year_targets_moved(conn, kpi, year, changes)) is not None
    ]


def _unusual(conn: sa.Connection, parsed: Parsed) -> list[Unusual]:
    """The file's values far from their KPI's usual ones (`usual.far`)."""
    return usual.far(
        conn,
        [(str(r["kpi"]), r["month"], float(r["value"])) for r in parsed.rows if r.get("value") is not None],
    )


def _checked(
    kind: str,
    data: bytes,
    name: str,
    staged: bulk_answers.Staged | None,
    seen: _Seen,
    progress: Callable[[float], None] | None,
    found: Found,
) -> Parsed | bulk_answers.Staged:
    """The file read and checked against `seen`, ready to write; ImportRejected names every
    problem. Answers DuckDB could read are checked a distinct value at a time (the same reading
    and rules as a cell at a time, kpi.store.column_check)."""
    if staged is not None:
        read = column_check.readings(staged)
        problems = checks.all_named_instead(column_check.problems(staged, read, seen.known), seen.known)
        if problems:  # told as a cell at a time tells them (a name, or a code close to one)
            raise ImportRejected(tables.as_written(problems, staged.written, "responses"))
        bulk_answers.prepare(staged, column_check.values(read, seen.known))
        return staged
    parsed = _parsed(kind, data, name, progress)
    _check(parsed, seen, found)
    if parsed.problems:
        raise ImportRejected(
            tables.as_written(sorted(parsed.problems, key=lambda p: (p.row, p.field)), parsed.written, kind)
        )
    return parsed


def _parsed(kind: str, data: bytes, name: str, progress: Callable[[float], None] | None) -> Parsed:
    """The file read, refused at once when none of its rows could be read (a wrong header, no
    rows); rows with unreadable cells go on to be checked, so the file's every problem shows."""
    parsed = parse(kind, data, name, progress)
    if parsed.problems and not parsed.rows and not parsed.unreadable:
        raise ImportRejected(tables.as_written(parsed.problems, parsed.written, kind))
    if kind == "goals":  # "accepted: yes" is accepted today, the company's (kpi.settings)
        for row in parsed.rows:
            if row.get("accepted") is ACCEPTED_UNDATED:
                row["accepted"] = settings.today()
    return parsed


def export(conn: sa.Connection, kind: str) -> bytes:
    """The store's `kind` as a CSV file in the import format (UTF-8 with BOM, for Excel; cells
    that a spreadsheet would run are neutralised, and the import undoes it)."""
    table = TABLES[kind]
    columns = [c.name for c in KINDS[kind]]
    stmt = sa.select(table)
    if "retired_at" in table.c:
        stmt = stmt.where(table.c.retired_at.is_(None))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # so a cell holding a lone CR is quoted too
    writer.writerow(columns)
    defined = {x.kpi: x for x in sourcing.read(conn)} if kind == "kpis" else {}
    for row in conn.execute(stmt.order_by(*table.primary_key.columns)).mappings():
        values = {**row, "accepted": row.get("accepted_at")} if kind == "goals" else dict(row)
        if row.get("code") in defined:
            source = defined[row["code"]]
            values |= {column: getattr(source, name) for column, name in SOURCE_COLUMNS.items()}
        writer.writerow([spreadsheet.neutral(_export_cell(name, values.get(name), kind)) for name in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _export_cell(name: str, value: object, kind: str = "") -> str:
    if value is None:
        return ""
    if (name == "month" or (name == "start" and kind != "events")) and isinstance(value, date):
        return months.key(value)
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)
