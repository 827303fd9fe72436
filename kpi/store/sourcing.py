"""KPI sources in the store: read them, and load a definitions file through the audited writer.

A definitions file (kpi.files.source_file) is checked whole against the KPIs the store holds
(kpi.domain.sources.check, every problem at once; a query that is not one SELECT too, by
kpi.sources.statement; a recipe source's event files that are not there, looked up by
kpi.sources.recipe_source.looked_up before the store is opened; an http source's token that is
not set as a token, by kpi.settings.has_secret) and written in one transaction: each entry
inserts or replaces its KPI's source, an unchanged one is neither written nor audited, and a
source the file does not name stays as it is. With `dry_run` the same runs and is rolled back.
Only an administrator loads one (`require_definer`, checked here, whatever the door).

The KPI editor (`save`, `remove`) and the KPI import file (kpi.store.importing, its `source_*`
columns) check a source with the same `problems_of` and write it with the same `write`: one set
of rules, one way in, whichever door a source comes through. The other way round, a KPI edit
(kpi.store.definitions.save_kpi, a KPIs file's row) must keep fitting the KPI's stored source
(kpi.domain.sources.unfit_edit).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import settings
from kpi.domain import access, checks, sources, validate
from kpi.domain.errors import Denied, Problem
from kpi.domain.model import EventMeasure, Person
from kpi.domain.sources import Found, Source, SourceKind
from kpi.domain.validate import Rejected
from kpi.files import source_file
from kpi.files.tables import ImportRejected
from kpi.sources import recipe_source, statement
from kpi.store import engine, known, priority_events
from kpi.store import schema as s
from kpi.store.writes import Writer


def read(conn: sa.Connection, kpi: str | None = None) -> list[Source]:
    """Every KPI's source (or `kpi`'s), by KPI code; sources of retired KPIs too."""
    table = s.kpi_source
    stmt = sa.select(table).order_by(table.c.kpi)
    if kpi is not None:
        stmt = stmt.where(table.c.kpi == kpi)
    return [
        Source(r.kpi, SourceKind(r.kind), r.query, r.connection, r.url, r.timeout) for r in conn.execute(stmt)
    ]


def active(conn: sa.Connection, kpi: str | None = None) -> list[Source]:
    """The sources of KPIs that are not retired (or `kpi`'s, retired or not)."""
    if kpi is not None:
        return read(conn, kpi)
    retired = set(conn.execute(sa.select(s.kpi.c.code).where(s.kpi.c.retired_at.is_not(None))).scalars())
    return [source for source in read(conn) if source.kpi not in retired]


def load(store: Engine, data: bytes, name: str, viewer: Person, *, dry_run: bool = False) -> Counter[str]:
    """Load a definitions file as `viewer`; returns how many sources and event-measured
    priorities were `inserted`, `updated`, `unchanged`. ImportRejected (nothing written) names
    every problem, with the file and the entry; Denied (nothing read) when `viewer` may not
    define sources."""
    require_definer(viewer)
    document = source_file.read_all(data, name)
    found = files_found(document)  # the file system, before the store
    with engine.reading(store) as conn:
        _checked_all(document, known.read(conn), name, found)  # every problem, before writing
    with engine.writing_or_dry_run(store, dry_run) as conn:
        writer = Writer(conn, viewer.email)
        define(writer, document, name, found)  # checked again: a KPI removed since
    counts = Counter(writer.tally.counts.get(s.kpi_source.name, {}))
    return counts + Counter(writer.tally.counts.get(s.priority_measure.name, {}))


def define(writer: Writer, document: source_file.Definitions, name: str, found: Found) -> None:
    """Check a definitions file's sources and event measures against what the store holds now and
    write them in the writer's transaction; ImportRejected (nothing written) names every problem.
    Its event files were looked up before (`recipe_source.looked_up`, `found`). `init --demo`
    defines the demo's sources this way too."""
    checked, measures = _checked_all(document, known.read(writer.conn), name, found)
    priority_events.write(writer, measures)
    write(writer, checked)


def files_found(document: source_file.Definitions) -> Found:
    """Whether each file a definitions file names is there: its recipes' event files and its
    service priorities' call records (`recipe_source.looked_up`), before the store is taken."""
    files = [entry.get("files") for entry in document.priorities.values()]
    return recipe_source.looked_up(document.sources, [f for f in files if isinstance(f, str)])


def _checked_all(
    document: source_file.Definitions, store: checks.Known, name: str, found: Found
) -> tuple[list[Source], dict[str, EventMeasure]]:
    """The file's sources and event measures; every problem of the file, its sources or its
    event measures refuses it, all named together (in the file's order)."""
    problems: list[Problem] = list(document.problems)
    try:
        given = _checked(document.sources, store, name, found)
    except ImportRejected as rejected:
        given, problems = [], problems + list(rejected.problems)
    measures, unfit = priority_events.checked(document.priorities, store, name, found)
    if problems or unfit:  # the sources' in the file's order, then each priority's together
        ours = [p for p in problems if p.file == name]
        raise ImportRejected(
            [*sorted(ours, key=lambda p: p.row), *(p for p in problems if p.file != name), *unfit]
        )
    return given, measures


def _checked(entries: list[source_file.Entry], store: checks.Known, name: str, found: Found) -> list[Source]:
    """The entries as sources, their KPIs spelled as the store spells them; every problem of
    every entry refuses the file."""
    index = checks.spellings(store)
    problems: list[Problem] = []
    given: list[Source] = []
    for number, entry in enumerate(entries, start=1):
        fields = checks.spelled("kpi_source", entry, index)
        unfit = problems_of(fields, store, found)
        problems += [replace(p, file=name, row=number) for p in unfit]
        if not unfit:
            given.append(sources.record(fields))
    if problems:
        raise ImportRejected(problems)
    return given


def problems_of(fields: checks.Fields, store: checks.Known, found: Found) -> list[Problem]:
    """Everything wrong with a source's fields (`sources.check`; its event files as `found`,
    looked up before the store was taken: `recipe_source.looked_up`), and a query that is not
    one SELECT (said when it is defined, not first at the pull at night); a token looked up where
    this runs, as the pull will."""
    unfit = sources.check(fields, store, found=found, defined=settings.has_secret)
    kind, query = fields.get("kind"), fields.get("query")
    if kind in (SourceKind.SQL, SourceKind.FILES) and isinstance(query, str) and query.strip():
        unread = statement.problem(query)
        unfit += [unread] if unread is not None else []
    return unfit


def write(writer: Writer, checked: list[Source]) -> None:
    """Insert or replace each KPI's source, audited; an unchanged one is not written."""
    rows = [
        {
            "kpi": x.kpi,
            "kind": str(x.kind),
            "connection": x.connection,
            "query": x.query,
            "url": x.url,
            "timeout": x.timeout,
        }
        for x in checked
    ]
    writer.upsert_many(s.kpi_source, rows)


def require_definer(viewer: Person) -> None:
    """Sources are administration: a query names other departments' tables and KPIs."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_administration"))


FORM_FIELDS = ("kind", "connection", "query", "url", "timeout")
"""What the KPI editor's source form holds (the KPI is the one being edited)."""


def typed(values: checks.Fields, kpi: str, decimal: str = ".") -> tuple[dict[str, object], list[Problem]]:
    """A form's source fields as `sources.check` reads them: texts trimmed (empty is none), the
    timeout read as a typed number (`12,5` with a decimal comma); and the timeout's problem."""
    fields: dict[str, object] = {"kpi": kpi}
    for name in FORM_FIELDS:
        value = values.get(name)
        fields[name] = value.strip() or None if isinstance(value, str) else value
    try:
        fields["timeout"] = validate.number(fields["timeout"], "timeout", decimal=decimal)
    except Rejected as rejected:
        fields.pop("timeout")
        return fields, list(rejected.problems)
    return fields, []


def looked_up(values: checks.Fields) -> Found:
    """The files a form's recipe source names, looked up now: the `found` that `checked` and
    `save` are given, asked before the store is taken (kpi.ui.forms.write opens the writer)."""
    fields, _ = typed(values, kpi="")
    return recipe_source.looked_up([fields])


def checked(
    conn: sa.Connection, viewer: Person, kpi: str, values: checks.Fields, decimal: str = ".", *, found: Found
) -> Source:
    """The editor's source for `kpi`, or Rejected with every problem (nothing written); its
    event files as `found` (`looked_up`)."""
    require_definer(viewer)
    fields, unread = typed(values, kpi, decimal)
    stored = known.read(conn)
    fields = checks.spelled("kpi_source", fields, checks.spellings(stored))
    unfit = unread + problems_of(fields, stored, found)
    if unfit:
        raise Rejected(unfit)
    return sources.record(fields)


def save(
    conn: sa.Connection, viewer: Person, kpi: str, values: checks.Fields, decimal: str = ".", *, found: Found
) -> str:
    """Give `kpi` the source typed in the KPI editor, or change it: checked as a definitions
    file's entry is (its event files as `found`, looked up before `conn` was opened for writing:
    `looked_up`), written through the audited writer. Returns `inserted`, `updated` or
    `unchanged`."""
    writer = Writer(conn, viewer.email)
    write(writer, [checked(conn, viewer, kpi, values, decimal, found=found)])
    counts = writer.tally.counts.get(s.kpi_source.name, {})
    return next(iter(counts), "unchanged")


def remove(conn: sa.Connection, viewer: Person, kpi: str) -> bool:
    """Take `kpi`'s source away (its values stay; the audit keeps the whole source)."""
    require_definer(viewer)
    return Writer(conn, viewer.email).delete(s.kpi_source, {"kpi": kpi})


def export(conn: sa.Connection) -> str:
    """Every stored source and event-measured priority as a definitions file."""
    return source_file.write(read(conn), priority_events.read(conn))
