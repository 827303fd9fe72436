"""Putting a whole company (the demo, or a generated benchmark company) into a store.

Runs inside one `writing` transaction through the audited `Writer`, so a load lands whole or
not at all, and loading the same company again changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date, datetime

import sqlalchemy as sa

from kpi.demo.generate import Company
from kpi.domain import months
from kpi.store import company as company_settings
from kpi.store import schema as s
from kpi.store import setup
from kpi.store.writes import Writer


def _rows(records: list, rename: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> list[dict]:
    out = []
    for record in records:
        row = {k: v for k, v in asdict(record).items() if k not in drop}
        for old, new in (rename or {}).items():
            row[new] = row.pop(old)
        out.append(
            {
                k: (str(v) if hasattr(v, "value") and not isinstance(v, int | float) else v)
                for k, v in row.items()
            }
        )
    return out


def load_company(conn: sa.Connection, company: Company, who: str) -> Writer:
    """Upsert every record of `company`; returns the writer with its tally of changes."""
    writer = Writer(conn, who)
    writer.upsert_many(s.department, _rows(company.departments))
    writer.upsert_many(s.person, _rows(company.people))
    writer.upsert_many(s.promise, _rows(company.promises))
    writer.upsert_many(s.kpi, _rows(company.kpis))
    writer.upsert_many(s.goal, _rows(company.goals))
    writer.upsert_many(s.service_priority, _rows(company.service_priorities, drop=("events", "measured")))
    now = datetime.now()
    measurements = _rows(company.measurements)
    for row in measurements:
        row["loaded_at"] = now
    writer.upsert_many(s.measurement, measurements, volatile=("loaded_at",))
    _load_responses(writer, company)
    changes = [{**row, "who": who, "at": now} for row in _rows(company.process_changes)]
    writer.upsert_many(s.process_change, changes, volatile=("who", "at"))
    ids = _load_actions_and_commentary(writer, company)
    translations = [
        {
            "table_name": t.table,
            "key": ids.get((t.table, t.key), t.key),
            "field": t.field,
            "language": t.language,
            "text": t.text,
        }
        for t in company.translations
    ]
    writer.upsert_many(s.translation, translations)
    writer.upsert(s.setting, {"name": company_settings.NAME, "value": company.name})
    setup.set_meta(conn, company_settings.DEMO_MARK, "yes")  # the demo store: demo mode is at home here
    return writer


def _load_responses(writer: Writer, company: Company) -> None:
    grouped: dict[tuple[str, date], list[dict]] = defaultdict(list)
    for a in company.responses:
        row = {
            "date": a.date,
            "score": a.score,
            "segment": a.segment,
            "touchpoint": a.touchpoint,
            "respondent": a.respondent,
            "comment": a.comment,
        }
        grouped[(a.kpi, a.date.replace(day=1))].append(row)
    writer.replace_responses(grouped)


def _load_actions_and_commentary(writer: Writer, company: Company) -> dict[tuple[str, str], str]:
    """Actions and comments have no natural key: match them by what identifies them to a reader.

    Returns `(table, demo number) → stored id`, so their translations attach to the right row.
    """
    ids: dict[tuple[str, str], str] = {}
    for action in company.actions:
        row = {
            "goal": action.goal,
            "title": action.title,
            "owner": action.owner,
            "due": action.due,
            "status": str(action.status),
        }
        writer.upsert(s.action, row, match=("goal", "title"))
        found = writer.conn.execute(
            sa.select(s.action.c.id).where(s.action.c.goal == action.goal, s.action.c.title == action.title)
        ).scalar_one()
        ids[("action", str(action.id))] = str(found)
    for comment in company.commentary:
        row = {
            "kpi": comment.kpi,
            "goal": comment.goal,
            "month": comment.month,
            "author": comment.author,
            "text": comment.text,
            "written_at": datetime.combine(months.add(comment.month, 1), datetime.min.time()),
        }
        match = ("kpi", "goal", "month", "author")
        writer.upsert(s.commentary, row, match=match)
        c = s.commentary
        found = writer.conn.execute(sa.select(c.c.id).where(*[c.c[k] == row[k] for k in match])).scalar_one()
        ids[("commentary", str(comment.id))] = str(found)
    return ids
