"""Taking back what should never have gone in: deleting or correcting a month's values, or a
month's survey answers (administrators, in the app's Data page and with `python -m kpi delete`
and `correct`).

The checks keep absurd values out (kpi.domain.bounds), but a wrong number that looks plausible,
or a store written before the checks knew better (a month 9999-12), must not stay for ever.
Every deletion and correction goes through the audited `Writer`: a deleted value keeps its whole
row in the audit, deleted answers their count. A request that matches nothing is refused
politely (`NotFound`); nothing else is touched. Months are taken as written, even outside the
window the checks allow, since those are the rows to clean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa

from kpi.domain import access, checks, identity, months, targets, validate
from kpi.domain.errors import Denied, NotFound, Problem, Refused
from kpi.domain.model import Aggregation, Person
from kpi.domain.unusual import Unusual
from kpi.store import closing, known, usual
from kpi.store import schema as s
from kpi.store.writes import Writer


@dataclass(frozen=True)
class Deleted:
    values: int
    answers: int
    moved: targets.Moved | None = None
    """How the next year's month targets move when one KPI's value goes (`targets_moved`)."""
    moved_kpis: int = 0
    """How many KPIs' next-year targets move when a month of every KPI's values goes."""


CORRECTED = "correction"
"""A value's source once corrected by hand: a pull keeps it (kpi.store.pulling)."""


def check_admin(viewer: Person) -> None:
    """Refuse anyone but an administrator: asked first, before a code is looked up, so a head
    is told no more than that (a misspelt code named every department's KPI codes to her)."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))


def _spelled(conn: sa.Connection, kpi: str, *, stray: bool = False) -> str:
    """The KPI `kpi` names, without regard to case, as the store spells it; a KPI's name or a
    code the store does not hold is refused as an import's cell is (`checks.measurement`: "is a
    name; write its code", "did you mean"), not told there is no value of it. With `stray`
    (a deletion) a code no KPI defines is taken as written where values or answers still carry
    it: those are the rows to clean."""
    found = identity.match(kpi, known.codes(conn, "kpi"))
    if found is not None:
        return found
    code = kpi.strip()
    m, r = s.measurement, s.response
    held = sa.union_all(sa.select(m.c.kpi).where(m.c.kpi == code), sa.select(r.c.kpi).where(r.c.kpi == code))
    if stray and conn.execute(sa.select(sa.exists(held))).scalar():
        return code
    seen = known.read(conn, hints=True)  # an administrator's check: it may name what the store holds
    said = [p for p in checks.measurement({"kpi": code, "value": 0}, seen) if p.field == "kpi"]
    raise Refused(said or [Problem("unknown_reference", "kpi", (("value", code),))])


@dataclass(frozen=True)
class Deletion:
    """What a deletion would take, worked out before it is asked for (the app's form says it and
    asks once more: an empty KPI and a click had deleted a whole month's values at once)."""

    month: date
    kpi: str | None
    """As the store spells it; None for every KPI."""
    answers: bool
    found: Deleted
    taken: tuple[tuple[str, int], ...] = ()
    """`(KPI, values or answers)` of what it takes, as it was said: `delete` with `asked` deletes
    exactly this or nothing (a pull or another administrator may write between the two)."""


def plan(
    conn: sa.Connection, viewer: Person, month: date, kpi: str | None = None, *, answers: bool = False
) -> Deletion:
    """What `delete` with these arguments would delete, deleting nothing; refused as it would be."""
    check_admin(viewer)
    kpi = _spelled(conn, kpi, stray=True) if kpi else kpi
    if answers:
        taken = tuple((code, count) for code, count in conn.execute(_answer_counts(month, kpi)))
        found = Deleted(0, sum(count for _, count in taken))
    else:
        taken = tuple((code, 1) for code in conn.execute(_value_codes(month, kpi)).scalars())
        found = Deleted(len(taken), 0)
    _nothing(conn, found, month, kpi, answers)
    if kpi and not answers:
        found = replace(found, moved=targets_moved(conn, kpi, month, None))
    elif not answers:  # every KPI's month: how many KPIs' targets move (each its own sentence would be 40)
        moving = sum(targets_moved(conn, code, month, None) is not None for code, _ in taken)
        found = replace(found, moved_kpis=moving)
    return Deletion(month, kpi, answers, found, taken)


def targets_moved(conn: sa.Connection, kpi: str, month: date, value: float | None) -> targets.Moved | None:
    """How the month targets of the year after `month` move when `kpi`'s value of `month` becomes
    `value` (None: deleted): they are phased by the values of `month`'s year (`targets.moved`)."""
    return year_targets_moved(conn, kpi, month.year, {month.month: value})


def year_targets_moved(
    conn: sa.Connection, kpi: str, year: int, changes: Mapping[int, float | None]
) -> targets.Moved | None:
    """How the month targets of the year after `year` move when `kpi`'s values of `year`'s
    calendar months change as `changes` says (`month number → value`, None: deleted): a
    correction's one month, or an import's many."""
    if year >= date.max.year:  # a stray 9999-12 being cleaned: no year after it to phase
        return None
    k, m, aims = s.kpi, s.measurement, s.kpi_target
    defined = conn.execute(sa.select(k.c.target, k.c.aggregation, k.c.unit).where(k.c.code == kpi)).first()
    if defined is None or defined.target is None:
        return None
    start, end = date(year, 1, 1), date(year, 12, 1)
    held = conn.execute(sa.select(m.c.month, m.c.value).where(m.c.kpi == kpi, m.c.month.between(start, end)))
    before = {when.month: number for when, number in held}
    after = {key: number for key, number in {**before, **changes}.items() if number is not None}
    ahead = (date(year + 1, 1, 1), date(year + 1, 12, 1))
    given = conn.execute(
        sa.select(aims.c.month, aims.c.target).where(aims.c.kpi == kpi, aims.c.month.between(*ahead))
    )
    explicit = {row.month: row.target for row in given}
    aggregation = Aggregation(defined.aggregation)
    return targets.moved(year + 1, before, after, defined.target, aggregation, defined.unit, explicit)


def _value_codes(month: date, kpi: str | None) -> sa.Select:
    m = s.measurement
    where = [m.c.month == month] + ([m.c.kpi == kpi] if kpi else [])
    return sa.select(m.c.kpi).where(*where).order_by(m.c.kpi)


def _in_month(month: date, kpi: str | None) -> list[sa.ColumnElement[bool]]:
    r = s.response
    return [r.c.date >= month, r.c.date <= months.end_of(month)] + ([r.c.kpi == kpi] if kpi else [])


def _answer_counts(month: date, kpi: str | None) -> sa.Select:
    r = s.response
    return (
        sa.select(r.c.kpi, sa.func.count()).where(*_in_month(month, kpi)).group_by(r.c.kpi).order_by(r.c.kpi)
    )


def _nothing(conn: sa.Connection, found: Deleted, month: date, kpi: str | None, answers: bool) -> None:
    if found.values or found.answers:
        return
    if kpi is None:  # every KPI: said so ("no value of * for 9999-12" stood in the message)
        what = "correct.no_answers_any" if answers else "correct.no_values_any"
        raise NotFound(Problem(what, "", (("month", months.key(month)),)))
    if answers:
        raise NotFound(Problem("correct.no_answers", "", (("kpi", kpi), ("month", months.key(month)))))
    raise NotFound(_no_values(conn, kpi, month))


def _no_values(conn: sa.Connection, kpi: str, month: date) -> Problem:
    """The refusal of a month without a value of `kpi` to correct or delete: a survey KPI's are
    worked out from its answers and never stored, so it names those ("no value of NPS" beside
    the Overview's NPS +32 read as a fault)."""
    aggregation = conn.execute(sa.select(s.kpi.c.aggregation).where(s.kpi.c.code == kpi)).scalar()
    survey = aggregation is not None and Aggregation(aggregation).is_survey
    what = "correct.no_values_survey" if survey else "correct.no_values"
    return Problem(what, "", (("kpi", kpi), ("month", months.key(month))))


def delete(
    conn: sa.Connection,
    viewer: Person,
    month: date,
    kpi: str | None = None,
    *,
    answers: bool = False,
    asked: Deletion | None = None,
) -> Deleted:
    """Delete the month's value of `kpi` (or of every KPI), or with `answers` its survey answers
    in that month; refused when nothing matches, and when what it would take is no longer what
    `asked` said (`plan`: the app's "Delete 31 values" had deleted 36)."""
    wanted = plan(
        conn, viewer, month, kpi, answers=answers
    )  # an administrator, the KPI spelled, something to take
    if asked is not None and wanted.taken != asked.taken:
        raise Refused([Problem("correct.changed")])
    writer = Writer(conn, viewer.email)
    if answers:
        _delete_answers(conn, writer, month, wanted.taken)
    else:
        for code, _ in wanted.taken:
            writer.delete(s.measurement, {"kpi": code, "month": month})
    return wanted.found


def _delete_answers(
    conn: sa.Connection, writer: Writer, month: date, counts: Sequence[tuple[str, int]]
) -> None:
    """Delete the month's answers of each KPI of `counts` (`plan`'s) with their monthly counts;
    one audit row per KPI with the number of answers it had."""
    r, summary = s.response, s.response_month
    now = datetime.now()
    for code, count in counts:
        conn.execute(r.delete().where(*_in_month(month, code)))
        conn.execute(summary.delete().where(summary.c.kpi == code, summary.c.month == month))
        conn.execute(
            s.audit.insert().values(
                **writer.audit_row(now, r, f"{code}|{months.key(month)}", {"answers": count}, None)
            )
        )
        writer.tally.add(r.name, "deleted", count)


@dataclass(frozen=True)
class Corrected:
    """What a correction did (`Writer.upsert`'s outcome, or `unchanged`), and the value as read
    from what was typed, in its KPI's unit: "is now 74.5 %", not the "74,5" typed."""

    outcome: str
    value: float
    unit: str
    kpi: str = ""
    """The KPI as the store spells it (`cs_wait` typed: `CS_WAIT`)."""
    unusual: list[Unusual] = field(default_factory=list)
    """The value when far from its KPI's usual ones (`usual.far`): to look at once more."""
    moved: targets.Moved | None = None
    """How the next year's month targets moved with it (`targets_moved`)."""
    before: float | None = None
    """The value it had: said beside the new one, as an import's preview says what it replaces."""
    closed: bool = False
    """Whether its month is closed: the month's packs then show the value as revised after the
    close, which the person correcting it is told (an administrator's trial: nothing said so)."""


def correct(conn: sa.Connection, viewer: Person, kpi: str, month: date, value: object) -> Corrected:
    """Give the month's value of `kpi` another value (typed as a person writes it), checked as
    an imported value is (`checks.measurement`); refused when the month has no value to correct."""
    check_admin(viewer)
    kpi, m = _spelled(conn, kpi), s.measurement
    current = conn.execute(sa.select(m).where(m.c.kpi == kpi, m.c.month == month)).mappings().first()
    if current is None:
        raise NotFound(_no_values(conn, kpi, month))
    number = validate.number(value, "value", required=True)
    assert number is not None  # required: a missing one is refused
    seen = known.read(conn)
    problems = checks.measurement({"kpi": kpi, "month": month, "value": number}, seen)
    if problems:
        raise Refused(problems)
    unit = seen.kpis[kpi].unit  # known: the check refuses a KPI that is not
    if number == current["value"]:
        return Corrected("unchanged", number, unit, kpi)
    shut = closing.closed(conn, month) is not None
    far = usual.far(conn, [(kpi, month, number)])  # before it is written
    moved = targets_moved(conn, kpi, month, number)
    # a corrected ratio's parts no longer make its value: they go
    row = {"kpi": kpi, "month": month, "value": number, "numerator": None, "denominator": None}
    row |= {"source": CORRECTED, "loaded_at": datetime.now()}
    done = Writer(conn, viewer.email).upsert(m, row)
    return Corrected(done, number, unit, kpi, far, moved, current["value"], shut)
