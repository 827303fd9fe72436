"""The delivery log: what was mailed or posted to whom, so nothing is sent twice (kpi.delivery).

A month is sent to a person once, an alert of one state once per recipient; a failed delivery is
kept with why it failed (the Data page shows it) and is tried again the next time. Every row is
written through the audited writer, so the audit log holds each send and each failure too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from kpi.store import schema as s
from kpi.store.writes import Writer

SENT, FAILED = "sent", "failed"
DETAIL_LIMIT = 300


@dataclass(frozen=True)
class Delivery:
    kind: str
    """`month` (the closed month sent to a person) or `alert`."""
    item: str
    recipient: str
    status: str
    at: datetime
    detail: str


def sent(conn: sa.Connection, kind: str, items: list[str]) -> set[tuple[str, str]]:
    """(item, recipient) of every delivery of `kind` among `items` that went out."""
    d = s.delivery
    rows = conn.execute(
        sa.select(d.c.item, d.c.recipient).where(d.c.kind == kind, d.c.item.in_(items), d.c.status == SENT)
    )
    return {(r.item, r.recipient) for r in rows}


def record(conn: sa.Connection, who: str, kind: str, item: str, recipient: str, detail: str = "") -> None:
    """A delivery of `item` to `recipient`: sent when `detail` is empty, else failed for that
    reason (audited; a later success replaces a failure)."""
    Writer(conn, who).upsert(
        s.delivery,
        {
            "kind": kind,
            "item": item,
            "recipient": recipient,
            "status": FAILED if detail else SENT,
            "at": datetime.now().replace(microsecond=0),
            "detail": detail[:DETAIL_LIMIT],
        },
    )


def log(conn: sa.Connection, kind: str | None = None, item: str | None = None) -> list[Delivery]:
    """The deliveries (of `kind`, of `item`), newest first."""
    d = s.delivery
    where = [c == v for c, v in ((d.c.kind, kind), (d.c.item, item)) if v is not None]
    rows = conn.execute(sa.select(d).where(*where).order_by(d.c.at.desc(), d.c.recipient))
    return [Delivery(r.kind, r.item, r.recipient, r.status, r.at, r.detail) for r in rows]
