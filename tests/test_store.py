"""The store on DuckDB and PostgreSQL: schema, versions, audited writes, idempotent loads."""

from datetime import date

import pytest
import sqlalchemy as sa

from kpi.domain.access import EVERYTHING, NOTHING, Scope
from kpi.store import engine, queries, schema, setup, writes
from kpi.store.writes import Writer
from tests.conftest import DEMO_END, as_admin, rejected_with, table_counts


def test_schema_is_created_on_an_empty_store(empty_url):
    store = engine.create(empty_url)
    assert setup.ensure(store) == schema.SCHEMA_VERSION
    with engine.reading(store) as conn:
        names = set(sa.inspect(conn).get_table_names())
        assert {t.name for t in schema.metadata.sorted_tables} <= names
        assert setup.version(conn) == schema.SCHEMA_VERSION
        assert all(count == 0 for name, count in table_counts(conn).items() if name != "meta")


def test_ensure_is_idempotent(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        Writer(conn, "test").upsert(
            schema.department, {"code": "CS", "name": "Customer service", "parent": None}
        )
    setup.ensure(store)
    with engine.reading(store) as conn:
        assert [d.code for d in queries.departments(conn, EVERYTHING)] == ["CS"]


def test_a_store_from_a_newer_release_is_refused(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        setup.set_meta(conn, "schema_version", str(schema.SCHEMA_VERSION + 1))
    with rejected_with("Upgrade CX Cockpit", setup.SchemaTooNew):
        setup.ensure(store)


def _audit(conn):
    return conn.execute(sa.select(schema.audit).order_by(schema.audit.c.id)).mappings().all()


def test_every_write_is_audited_with_before_and_after(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    row = {"code": "CS", "name": "Customer service", "parent": None}
    with engine.writing(store) as conn:
        writer = Writer(conn, "sofie@example.com")
        assert writer.upsert(schema.department, row) == "inserted"
        assert writer.upsert(schema.department, row) == "unchanged"
        assert writer.upsert(schema.department, {**row, "name": "Kundeservice"}) == "updated"
        assert writer.delete(schema.department, {"code": "CS"})
    with engine.reading(store) as conn:
        audit = _audit(conn)
    assert [(a["who"], a["table_name"], a["key"]) for a in audit] == [
        ("sofie@example.com", "department", "CS")
    ] * 3
    inserted, updated, deleted = audit
    assert inserted["before"] is None and '"name": "Customer service"' in inserted["after"]
    assert (
        updated["before"] == '{"name": "Customer service"}' and updated["after"] == '{"name": "Kundeservice"}'
    )
    assert '"name": "Kundeservice"' in deleted["before"] and deleted["after"] is None


def test_replacing_a_measurement_keeps_the_old_value_in_the_audit(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    base = {"kpi": "CS_WAIT", "month": date(2026, 10, 1), "note": "", "source": "test"}
    with engine.writing(store) as conn:
        Writer(conn, "a").upsert_many(
            schema.measurement, [{**base, "value": 80.0, "loaded_at": _now()}], volatile=("loaded_at",)
        )
    with engine.writing(store) as conn:
        Writer(conn, "b").upsert_many(
            schema.measurement, [{**base, "value": 72.0, "loaded_at": _now()}], volatile=("loaded_at",)
        )
    with engine.reading(store) as conn:
        last = _audit(conn)[-1]
        value = conn.execute(sa.select(schema.measurement.c.value)).scalar_one()
    assert value == 72.0
    assert last["who"] == "b" and '"value": 80.0' in last["before"] and '"value": 72.0' in last["after"]


def _now():
    from datetime import datetime

    return datetime(2026, 11, 2, 8, 0)


def test_a_failed_transaction_writes_nothing(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    with pytest.raises(RuntimeError), engine.writing(store) as conn:
        Writer(conn, "x").upsert(
            schema.department, {"code": "CS", "name": "Customer service", "parent": None}
        )
        raise RuntimeError("crash mid-import")
    with engine.reading(store) as conn:
        counts = table_counts(conn)
    assert counts["department"] == 0 and counts["audit"] == 0


def test_loading_the_demo_twice_changes_nothing(demo_url):
    from tests.conftest import load_demo

    store = engine.create(demo_url)
    with engine.reading(store) as conn:
        before = table_counts(conn)
    store.dispose()
    load_demo(demo_url)
    with engine.reading(engine.create(demo_url)) as conn:
        assert table_counts(conn) == before


def test_scope_filters_every_department_read(demo_url):
    store = engine.create(demo_url)
    cs_only = Scope(frozenset({"CS"}))
    with engine.reading(store) as conn:
        assert {k.department for k in queries.kpis(conn, cs_only)} == {"CS"}
        assert {g.department for g in queries.goals(conn, cs_only)} == {"CS"}
        assert queries.kpis(conn, NOTHING) == [] and queries.goals(conn, NOTHING) == []
        values = queries.month_values(conn, cs_only, date(2026, 10, 1), date(2026, 10, 1))
        assert values and {v.kpi for v in values} <= {k.code for k in queries.kpis(conn, cs_only)}
        assert queries.month_values(conn, NOTHING, date(2026, 10, 1), date(2026, 10, 1)) == []
        assert all(queries.person(conn, p.email) for p in queries.people(conn))


def test_a_read_of_some_kpis_holds_exactly_their_values_in_scope(demo_url):
    """`month_values(..., kpis=)` (the SMART check reads only the goals' KPIs, an initiative's
    verdict only its own): measured and survey KPIs alike, and never beyond the scope."""
    first, last = date(2025, 11, 1), DEMO_END
    wanted = {"NPS", "CS_WAIT", "IT_DOWNTIME", "NO_SUCH_KPI"}
    with engine.reading(engine.create(demo_url)) as conn:
        every = queries.month_values(conn, EVERYTHING, first, last)
        some = queries.month_values(conn, EVERYTHING, first, last, kpis=wanted)
        cs_only = queries.month_values(conn, Scope(frozenset({"CS"})), first, last, kpis=wanted)
        assert queries.month_values(conn, EVERYTHING, first, last, kpis=set()) == []
    assert {v.kpi for v in some} == {"NPS", "CS_WAIT", "IT_DOWNTIME"}
    assert sorted(some, key=_order) == sorted((v for v in every if v.kpi in wanted), key=_order)
    assert {v.kpi for v in cs_only} == {"CS_WAIT"}


def _order(value):
    return value.kpi, value.month


def test_rows_read_a_few_at_a_time_are_every_row(demo_url, monkeypatch):
    """DuckDB's rows are made `ROWS_AT_ONCE` at a time as a read goes through them (memory):
    a step far smaller than the read loses, doubles and reorders nothing."""
    first, last = date(2024, 1, 1), DEMO_END
    with engine.reading(engine.create(demo_url)) as conn:
        at_once = queries.month_values(conn, EVERYTHING, first, last)
        monkeypatch.setattr(queries, "ROWS_AT_ONCE", 7)
        in_steps = queries.month_values(conn, EVERYTHING, first, last)
    assert len(at_once) > 1000
    assert in_steps == at_once


def test_survey_values_are_computed_from_answers(demo_url):
    with engine.reading(engine.create(demo_url)) as conn:
        values = {
            v.kpi: v for v in queries.month_values(conn, EVERYTHING, date(2026, 10, 1), date(2026, 10, 1))
        }
        answers = (
            conn.execute(
                sa.select(schema.response.c.score).where(
                    schema.response.c.kpi == "NPS",
                    schema.response.c.date >= date(2026, 10, 1),
                    schema.response.c.date <= date(2026, 10, 31),
                )
            )
            .scalars()
            .all()
        )
    expected = 100 * (sum(s >= 9 for s in answers) - sum(s <= 6 for s in answers)) / len(answers)
    assert values["NPS"].value == pytest.approx(expected)
    assert values["NPS"].n == len(answers)
    assert values["NPS_B2B"].is_low_confidence


def test_texts_come_in_the_requested_language(demo_url):
    with engine.reading(engine.create(demo_url)) as conn:
        english = {k.code: k.name for k in queries.kpis(conn, EVERYTHING)}
        danish = {k.code: k.name for k in queries.kpis(conn, EVERYTHING, "da")}
        goals_da = {g.code: g.title for g in queries.goals(conn, EVERYTHING, "da")}
    assert english["ECOM_ABANDON"] == "Abandoned baskets"
    assert danish["ECOM_ABANDON"] == "Forladte kurve"
    assert goals_da["S1"] == "Flere kunder anbefaler os"


def test_the_pinned_duckdb_dialect_reflects_tables(tmp_path):
    """Why duckdb-sqlalchemy: with duckdb-engine 0.17 on SQLAlchemy 2.1, reflection fails
    (`pg_catalog.pg_collation` not found). The app declares its tables and never reflects, but
    SQL tools pointed at the store (st.connection, notebooks, migrations) do."""
    store = engine.create(f"duckdb:///{tmp_path / 'r.duckdb'}")
    setup.ensure(store)
    columns = {c["name"] for c in sa.inspect(store).get_columns("measurement")}
    assert columns == {"kpi", "month", "value", "note", "source", "loaded_at", "numerator", "denominator"}
    assert store.dialect.driver == "duckdb_sqlalchemy" or "duckdb" in store.dialect.name


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    from tests.conftest import ROOT

    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, pinned = line.split("==")
            pins[name.split("[")[0].strip()] = pinned.strip()
    assert {name: version(name) for name in pins} == pins


def test_a_version_1_store_is_upgraded_in_place_keeping_its_data(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:  # make it look like a store written by release 0.1 (schema 1)
        conn.exec_driver_sql("DROP TABLE response_month")  # v4
        conn.exec_driver_sql("DROP TABLE kpi_source")  # v9
        conn.exec_driver_sql("DROP TABLE priority_measure")  # v10
        conn.exec_driver_sql("DROP TABLE priority_month")  # v10
        added = [
            *reversed(schema.MIGRATIONS[14]),
            *reversed(schema.MIGRATIONS[9]),
            *schema.MIGRATIONS[7],
            *reversed(schema.MIGRATIONS[3]),
            *reversed(schema.MIGRATIONS[2]),
        ]
        for statement in added:
            words = statement.replace(" IF NOT EXISTS", "").split()  # ALTER TABLE t ADD COLUMN c …
            table, column = words[2], words[5]
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        if conn.dialect.name == "duckdb":  # v5: answers had a key and an index on DuckDB too
            conn.exec_driver_sql("DROP TABLE response")
            conn.exec_driver_sql(
                "CREATE TABLE response (id BIGINT DEFAULT nextval('response_id_seq') PRIMARY KEY, "
                "kpi VARCHAR NOT NULL, date DATE NOT NULL, score SMALLINT NOT NULL, "
                "segment VARCHAR NOT NULL, touchpoint VARCHAR NOT NULL)"
            )
            conn.exec_driver_sql("CREATE INDEX response_kpi_date ON response (kpi, date)")
        setup.set_meta(conn, "schema_version", "1")
        conn.exec_driver_sql("INSERT INTO department (code, name) VALUES ('CS', 'Customer service')")
        conn.exec_driver_sql(
            "INSERT INTO kpi (code, name, department, unit, direction, aggregation, tolerance, definition) "
            "VALUES ('NPS', 'NPS', 'CS', 'nps', 'higher', 'nps', 0.1, '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO response (id, kpi, date, score, segment, touchpoint) VALUES "
            "(1, 'NPS', '2026-10-03', 10, '', ''), (2, 'NPS', '2026-10-09', 3, '', ''), "
            "(3, 'NPS', '2026-10-20', 9, '', '')"
        )
    assert setup.ensure(store) == schema.SCHEMA_VERSION
    with engine.reading(store) as conn:
        assert setup.version(conn) == schema.SCHEMA_VERSION
        assert "snapshot" in {c["name"] for c in sa.inspect(conn).get_columns("month_close")}
        assert {c["name"] for c in sa.inspect(conn).get_columns("kpi")} >= {"benchmark", "retired_at"}
        assert "retired_at" in {c["name"] for c in sa.inspect(conn).get_columns("person")}  # v7
        measured = {c["name"] for c in sa.inspect(conn).get_columns("measurement")}
        assert measured >= {"numerator", "denominator"} and sa.inspect(conn).has_table("kpi_source")  # v9
        assert all(sa.inspect(conn).has_table(name) for name in ("priority_measure", "priority_month"))  # v10
        assert queries.service_priorities(conn, EVERYTHING) == []  # the new tables read
        assert [d.name for d in queries.departments(conn, EVERYTHING)] == ["Customer service"]
        nps = queries.month_values(
            conn, EVERYTHING, date(2026, 10, 1), date(2026, 10, 1)
        )  # summary backfilled
        assert [(v.kpi, v.n) for v in nps] == [("NPS", 3)] and nps[0].value == pytest.approx(100 / 3)
        if conn.dialect.name == "duckdb":
            assert conn.exec_driver_sql("SELECT count(*) FROM duckdb_indexes()").scalar() == 0
            keys = "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'response'"
            assert conn.exec_driver_sql(keys + " AND constraint_type = 'PRIMARY KEY'").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM response").scalar() == 3
        kept = "SELECT count(*) FROM response WHERE respondent IS NULL AND comment IS NULL"
        assert conn.exec_driver_sql(kept).scalar() == 3  # v14: the new columns are empty for old answers


def test_a_version_13_store_gains_respondent_and_comment_keeping_its_answers(empty_url):
    """Step 14: an answer may name its respondent and carry a comment; answers stored before keep
    every cell, and an import after the upgrade writes both."""
    from kpi.store import importing

    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        for statement in reversed(schema.MIGRATIONS[14]):
            words = statement.replace(" IF NOT EXISTS", "").split()
            conn.exec_driver_sql(f"ALTER TABLE {words[2]} DROP COLUMN {words[5]}")
        setup.set_meta(conn, "schema_version", "13")
        conn.exec_driver_sql("INSERT INTO department (code, name) VALUES ('CS', 'Customer service')")
        conn.exec_driver_sql(
            "INSERT INTO kpi (code, name, department, unit, direction, aggregation, tolerance, definition) "
            "VALUES ('NPS', 'NPS', 'CS', 'nps', 'higher', 'nps', 0.1, '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO response (kpi, date, score, segment, touchpoint) VALUES "
            "('NPS', '2026-09-03', 10, 'private', 'webshop'), ('NPS', '2026-09-09', 3, '', '')"
        )
    assert setup.ensure(store) == schema.SCHEMA_VERSION
    importing.run(
        store,
        "responses",
        b"kpi,date,score,segment,touchpoint,respondent,comment\n"
        b"NPS,2026-10-02,2,private,invoice,R1,Fakturaen var forkert.\n",
        "oct.csv",
        as_admin(),
    )
    with engine.reading(store) as conn:
        assert {"respondent", "comment"} <= {c["name"] for c in sa.inspect(conn).get_columns("response")}
        rows = conn.exec_driver_sql(
            "SELECT date, score, segment, touchpoint, respondent, comment FROM response ORDER BY date"
        ).all()
    assert [tuple(r) for r in rows] == [
        (date(2026, 9, 3), 10, "private", "webshop", None, None),
        (date(2026, 9, 9), 3, "", "", None, None),
        (date(2026, 10, 2), 2, "private", "invoice", "R1", "Fakturaen var forkert."),
    ]


def test_a_ratios_parts_written_by_an_earlier_step_9_keep_every_digit_after_the_upgrade(empty_url):
    """Step 9 once added numerator and denominator as FLOAT, 4 bytes on DuckDB: a pulled wait of
    225600.123456 s came back as 225600.125, so each pull saw a change. Step 11 widens them."""
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        for column in ("numerator", "denominator"):
            conn.exec_driver_sql(f"ALTER TABLE measurement DROP COLUMN {column}")
            conn.exec_driver_sql(f"ALTER TABLE measurement ADD COLUMN {column} FLOAT")
        setup.set_meta(conn, "schema_version", "10")
    assert setup.ensure(store) == schema.SCHEMA_VERSION
    with engine.writing(store) as conn:
        conn.exec_driver_sql("INSERT INTO department (code, name) VALUES ('CS', 'Customer service')")
        conn.exec_driver_sql(
            "INSERT INTO kpi (code, name, department, unit, direction, aggregation, tolerance, definition) "
            "VALUES ('CS_WAIT', 'Wait', 'CS', 's', 'lower', 'mean', 0.1, '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO measurement (kpi, month, value, note, source, loaded_at, numerator, denominator) "
            "VALUES ('CS_WAIT', '2026-10-01', 93.6, '', 'pull:recipe:mean_wait', '2026-11-02', 225600.123456, 2410.5)"
        )
    with engine.reading(store) as conn:
        parts = conn.exec_driver_sql("SELECT numerator, denominator FROM measurement").one()
    assert tuple(parts) == (225600.123456, 2410.5)


def test_the_answer_summary_always_equals_the_answers(demo_url):
    from kpi.store import importing

    store = engine.create(demo_url)
    importing.run(
        store,
        "responses",
        b"kpi,date,score\nNPS,2026-10-02,10\nNPS,2026-10-03,2\n",
        "oct.csv",
        as_admin(),
    )
    fresh = (
        "SELECT kpi, CAST(date_trunc('month', date) AS DATE) AS month, count(*) AS n, "
        "count(*) FILTER (WHERE score >= 9) AS promoters, count(*) FILTER (WHERE score <= 6) AS detractors, "
        "count(*) FILTER (WHERE score >= 4) AS satisfied, CAST(sum(score) AS FLOAT) AS total, "
        "CAST(sum(score * score) AS FLOAT) AS total_sq FROM response GROUP BY 1, 2 ORDER BY 1, 2"
    )
    with engine.reading(store) as conn:
        expected = [tuple(r) for r in conn.exec_driver_sql(fresh)]
        kept = [tuple(r) for r in conn.execute(sa.select(schema.response_month).order_by("kpi", "month"))]
    assert kept == expected
    assert [r for r in kept if r[0] == "NPS" and r[1] == date(2026, 10, 1)][0][
        2
    ] == 2  # the month was replaced


def test_answers_sort_cell_by_cell_left_to_right_with_an_empty_cell_first():
    day, later = date(2026, 10, 1), date(2026, 10, 2)
    answers = [
        (later, 1, None, "web", None, None),
        (day, 9, "private", "web", "R2", "good"),
        (day, 9, "private", "web", "R2", None),
        (day, 9, "business", "web", None, "fine"),
        (day, 9, None, "web", "R1", None),
        (day, 3, "private", None, None, None),
    ]
    assert sorted(answers, key=writes._answer_order) == [
        (day, 3, "private", None, None, None),
        (day, 9, None, "web", "R1", None),
        (day, 9, "business", "web", None, "fine"),
        (day, 9, "private", "web", "R2", None),
        (day, 9, "private", "web", "R2", "good"),
        (later, 1, None, "web", None, None),
    ]


def test_month_values_read_share_one_text_per_kpi_and_one_date_per_month(demo_duckdb_url):
    """They stay in the caches by the ten thousand: a text and a date per row would be a quarter
    of a large company's month report."""
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        reads = [
            queries.report_values(conn, EVERYTHING, date(2025, 1, 1), DEMO_END, 20),
            queries.month_values(conn, EVERYTHING, date(2025, 11, 1), DEMO_END),
        ]
    for values in reads:
        assert len(values) > 400
        assert len({id(v.kpi) for v in values}) == len({v.kpi for v in values})
        assert len({id(v.month) for v in values}) == len({v.month for v in values})
