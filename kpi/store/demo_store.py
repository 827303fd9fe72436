"""`init --demo`: the demo company into a store, six of its KPIs pulled from raw events.

The company's records go in through `seeding.load_company` in one transaction, with the recipe
sources of the KPIs whose values come from events (kpi.demo.events) and without those KPIs'
drawn values; then the events are written beside the store and every month of the history is
pulled in one go (kpi.store.pulling.pull_months), as a company backfilling its sources would;
the invoice service priority is measured over the same call records (`events.priority_measures`). So those values carry
`pull:recipe:<recipe>` as their source and the numerator and denominator behind them, and a
second `init --demo` changes nothing: the same seed writes the same events, whose pull finds
every value unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from sqlalchemy.engine import Engine

from kpi.demo import events
from kpi.demo.generate import Company
from kpi.domain import months
from kpi.store import engine, priority_events, pulling, seeding, setup
from kpi.store import schema as s

OUTCOMES = ("inserted", "updated", "unchanged")


def load(store: Engine, url: str, company: Company, who: str = "demo") -> Counter[str]:
    """Load `company` into `store` (at `url`) with its events; how many rows were inserted,
    updated and left unchanged, pulled values included."""
    where = events.folder(url)
    events.write(company, where)
    sourced = set(events.SOURCED)
    typed = replace(company, measurements=[m for m in company.measurements if m.kpi not in sourced])
    with engine.writing(store) as conn:
        writer = seeding.load_company(conn, typed, who)
        writer.upsert_many(s.kpi_source, events.sources(where))
        priority_events.write(writer, events.priority_measures(where))
        setup.set_meta(conn, "demo_end", months.key(company.end))
    total: Counter[str] = Counter()
    for counts in writer.tally.counts.values():
        total.update({o: counts.get(o, 0) for o in OUTCOMES})
        total["inserted"] += counts.get("replaced", 0)
    for outcome in pulling.pull_months(store, history(company), who):
        total.update({o: outcome.count(o) for o in OUTCOMES})
    return total


def history(company: Company) -> list[date]:
    """The months the demo has values for, oldest first."""
    return sorted({m.month for m in company.measurements})
