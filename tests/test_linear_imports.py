"""Imports linear in their rows: the goal tree is checked without copying it per row, and a
file's rows are written in batches (a fixed number of statements, whatever the rows), on both
databases. Timings belong to `make bench` (import_100k_goals_dry_run, import_20k_actions)."""

import json
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from benchmarks.items import actions_file, goals_file
from kpi.domain import validate
from kpi.domain.access import EVERYTHING
from kpi.store import engine, importing, queries
from kpi.store import schema as s
from tests.conftest import as_admin


@contextmanager
def statements(store):
    """Count the statements sent to the database (an executemany counts once)."""
    counted = []

    def count(conn, cursor, statement, parameters, context, executemany):
        counted.append(statement)

    sa.event.listen(store, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        sa.event.remove(store, "before_cursor_execute", count)


def _company(url):
    with engine.reading(engine.create(url)) as conn:
        kpis = [
            (k.code, k.department, str(k.direction))
            for k in queries.kpis(conn, EVERYTHING)
            if not k.aggregation.is_survey
        ]
        goals = [g.code for g in queries.goals(conn, EVERYTHING)]
    return kpis, goals


def test_importing_ten_times_the_actions_takes_the_same_statements(demo_url):
    store = engine.create(demo_url)
    _, goals = _company(demo_url)
    counts = []
    for rows in (30, 300):
        with statements(store) as counted:
            summary = importing.run(
                store,
                "actions",
                actions_file(rows, goals).replace(b"Action", f"A{rows}".encode()),
                "a.csv",
                as_admin("t"),
            )
        assert summary.counts == {"inserted": rows}
        counts.append(len(counted))
    assert counts[0] == counts[1], counts


def test_a_new_action_is_audited_with_the_key_the_store_gave_it(demo_url):
    store = engine.create(demo_url)
    _, goals = _company(demo_url)
    importing.run(store, "actions", actions_file(3, goals), "a.csv", as_admin("t"))
    changed = actions_file(3, goals).replace(b"planned", b"doing")
    assert importing.run(store, "actions", changed, "a.csv", as_admin("t")).counts == {"updated": 3}
    with engine.reading(store) as conn:
        a, audit = s.action, s.audit
        ids = dict(conn.execute(sa.select(a.c.title, a.c.id).where(a.c.title.like("Action number %"))).all())
        rows = conn.execute(
            sa.select(audit.c.key, audit.c.before, audit.c.after)
            .where(audit.c.table_name == "action", audit.c.who == "t")
            .order_by(audit.c.id)
        ).all()
    assert len(ids) == 3
    inserted = [json.loads(r.after) for r in rows if r.before is None]
    assert sorted((r["id"], r["title"]) for r in inserted) == sorted((i, t) for t, i in ids.items())
    updated = [(r.key, json.loads(r.before), json.loads(r.after)) for r in rows if r.before is not None]
    assert sorted(updated) == sorted(
        (str(i), {"status": "planned"}, {"status": "doing"}) for i in ids.values()
    )


def test_the_goal_tree_is_checked_without_copying_it_per_row(demo_duckdb_url, monkeypatch):
    kpis, _ = _company(demo_duckdb_url)
    trees = []
    real = validate.goal_tree

    def watched(code, level, parent, goals):
        trees.append(id(goals))
        return real(code, level, parent, goals)

    monkeypatch.setattr(validate, "goal_tree", watched)
    summary = importing.run(
        engine.create(demo_duckdb_url), "goals", goals_file(500, kpis), "g.csv", as_admin("t"), dry_run=True
    )
    assert summary.counts == {"inserted": 500} and len(trees) == 500
    assert len(set(trees)) == 1  # one tree for the whole file


@pytest.mark.parametrize("rows", [1, 120])
def test_a_goals_file_lands_the_same_batched_as_row_by_row(demo_url, rows):
    """The batched writer leaves what `upsert` one row at a time would: every goal, its audit."""
    store = engine.create(demo_url)
    kpis, _ = _company(demo_url)
    data = goals_file(rows, kpis)
    assert importing.run(store, "goals", data, "g.csv", as_admin("t")).counts == {"inserted": rows}
    assert importing.run(store, "goals", data, "g.csv", as_admin("t")).counts == {"unchanged": rows}
    with engine.reading(store) as conn:
        audit = s.audit
        keys = (
            conn.execute(sa.select(audit.c.key).where(audit.c.table_name == "goal", audit.c.who == "t"))
            .scalars()
            .all()
        )
        stored = {g.code: g for g in queries.goals(conn, EVERYTHING)}
    lines = data.decode().splitlines()[1:]
    assert sorted(keys) == sorted(line.split(",")[0] for line in lines)
    first = lines[0].split(",")
    assert (stored[first[0]].kpi, stored[first[0]].target, stored[first[0]].start.isoformat()) == (
        first[5],
        float(first[8]),
        first[9] + "-01",
    )
