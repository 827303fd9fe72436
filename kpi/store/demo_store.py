"""`init --demo`: the demo company into a store, six of its KPIs pulled from raw events.

The events are written beside the store first; then, in one transaction, the company's records
go in through `seeding.load_company` (without the drawn values of the KPIs whose values come from
events, kpi.demo.events), the recipe sources of those KPIs and the invoice service priority's
measure over the call records (`events.priority_measures`) are checked and written as a
definitions file's are (kpi.store.sourcing.define), and every month of the history is pulled
(kpi.store.pulling.pull_within), as a company backfilling its sources would. A source refused,
a recipe that fails or a value it gives that is refused rolls it all back: never half a demo.
So those values carry `pull:recipe:<recipe>` as their source and the numerator and denominator
behind them, and a second `init --demo` changes nothing: the same seed writes the same events,
whose pull finds every value unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, replace
from datetime import date

from sqlalchemy.engine import Engine

from kpi.demo import events
from kpi.demo.generate import Company
from kpi.domain import months
from kpi.files import source_file
from kpi.store import engine, pulling, seeding, setup, sourcing

OUTCOMES = ("inserted", "updated", "unchanged")
DEFINED_IN = "init --demo"
"""Where a problem of the demo's sources says they were defined."""


def load(store: Engine, url: str, company: Company, who: str = "demo") -> Counter[str]:
    """Load `company` into `store` (at `url`) with its events; how many rows were inserted,
    updated and left unchanged, pulled values included. One transaction: a source that fails
    or a value it gives that is refused leaves the store as it was (the events stay on disk)."""
    where = events.folder(url)
    events.write(company, where)
    sourced = set(events.SOURCED)
    typed = replace(company, measurements=[m for m in company.measurements if m.kpi not in sourced])
    measures = {code: asdict(measure) for code, measure in events.priority_measures(where).items()}
    defined = source_file.Definitions(sources=events.sources(where), priorities=measures)
    found = sourcing.files_found(defined)  # the event files, before the store is held
    with engine.writing(store) as conn:
        writer = seeding.load_company(conn, typed, who)
        sourcing.define(writer, defined, DEFINED_IN, found)  # checked as every other source is
        setup.set_meta(conn, "demo_end", months.key(company.end))
        outcomes = pulling.pull_within(conn, history(company), who)
    total: Counter[str] = Counter()
    for counts in writer.tally.counts.values():
        total.update({o: counts.get(o, 0) for o in OUTCOMES})
        total["inserted"] += counts.get("replaced", 0)
    for outcome in outcomes:
        total.update({o: outcome.count(o) for o in OUTCOMES})
    return total


def history(company: Company) -> list[date]:
    """The months the demo has values for, oldest first."""
    return sorted({m.month for m in company.measurements})
