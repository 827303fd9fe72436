"""The rules a store reads its months by: the signal rules (kpi.domain.signals: which rules, and
how long a shift or a trend must run) and the grace days after which a missing value is late
(kpi.domain.lateness). Kept in the store's `setting` table, so every page, slide, pack and the
command line of one store read a month the same way; a missing setting means the default."""

from __future__ import annotations

import sqlalchemy as sa

from kpi.domain import access, lateness, signals
from kpi.domain.errors import Denied, Problem, Refused
from kpi.domain.model import Person
from kpi.store import schema as s
from kpi.store.writes import Writer

RULES = "signal_rules"
SHIFT_RUN = "signal_shift_run"
TREND_RUN = "signal_trend_run"


def read(conn: sa.Connection) -> signals.RuleSet:
    """The store's rule set (the default for whatever is not set or not as `write` keeps it)."""
    found = dict(conn.execute(sa.select(s.setting.c.name, s.setting.c.value)).all())
    chosen = found.get(RULES)
    return signals.stored_rules(
        None if chosen is None else chosen.split(","), found.get(SHIFT_RUN), found.get(TREND_RUN)
    )


def write(conn: sa.Connection, viewer: Person, chosen: signals.RuleSet) -> None:
    """Set the store's rule set (administrators; audited like every write)."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))
    problems = [
        *signals.check_run("shift_run", chosen.shift_run)[1],
        *signals.check_run("trend_run", chosen.trend_run)[1],
    ]
    if problems:
        raise Refused(problems)
    writer = Writer(conn, viewer.email)
    values = {
        RULES: ",".join(sorted(str(r) for r in chosen.rules)),
        SHIFT_RUN: str(chosen.shift_run),
        TREND_RUN: str(chosen.trend_run),
    }
    for name, value in values.items():
        writer.upsert(s.setting, {"name": name, "value": value})


def late_days(conn: sa.Connection) -> int:
    """Days after a month's end by which its values are due (`lateness.DEFAULT_DAYS` when unset)."""
    found = conn.execute(sa.select(s.setting.c.value).where(s.setting.c.name == lateness.SETTING)).scalar()
    days, problems = lateness.check_days(found) if found is not None else (None, [])
    return lateness.DEFAULT_DAYS if days is None or problems else days


def write_late_days(conn: sa.Connection, viewer: Person, days: object) -> None:
    """Set the grace days as typed (administrators; checked by `lateness.check_days`; audited)."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))
    chosen, problems = lateness.check_days(days)
    if problems:
        raise Refused(problems)
    Writer(conn, viewer.email).upsert(s.setting, {"name": lateness.SETTING, "value": str(chosen)})
