"""The only DDL in the product: every table of the data model, declared in code.

The same declarations run on DuckDB and PostgreSQL. Keys are text codes where the domain has
them and sequence-backed integers where it does not (DuckDB has no SERIAL). There are no
foreign-key constraints in the DDL: DuckDB rejects updates to rows that other rows reference,
so referential integrity is checked where data comes in (imports, edits) instead.
`SCHEMA_VERSION` and `MIGRATIONS` let a later release upgrade an existing store in place.
"""

from __future__ import annotations

import sqlalchemy as sa

from kpi.domain import cx

SCHEMA_VERSION = 14
"""Bump when a table changes, and add the step from the previous version to MIGRATIONS."""

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)

department = sa.Table(
    "department",
    metadata,
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("parent", sa.String),
    sa.Column("retired_at", sa.Date),  # v7: retired departments keep their history but leave pages
)

person = sa.Table(
    "person",
    metadata,
    sa.Column("email", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("role", sa.String, nullable=False),
    sa.Column("department", sa.String),
    sa.Column("retired_at", sa.Date),  # v7: a retired person signs in as nobody, their history stays
)

promise = sa.Table(
    "promise",
    metadata,
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("text", sa.String, nullable=False),
    sa.Column("retired_at", sa.Date),  # v2
)

kpi = sa.Table(
    "kpi",
    metadata,
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("department", sa.String, nullable=False),
    sa.Column("unit", sa.String, nullable=False),
    sa.Column("direction", sa.String, nullable=False),
    sa.Column("aggregation", sa.String, nullable=False),
    sa.Column("target", sa.Float),
    sa.Column("tolerance", sa.Float, nullable=False),
    sa.Column("journey_phase", sa.String),
    sa.Column("definition", sa.String, nullable=False),
    sa.Column("benchmark", sa.String),  # v2: key of a published benchmark (kpi.domain.industry)
    sa.Column("retired_at", sa.Date),  # v2: retired KPIs keep their history but leave reports
)

goal = sa.Table(
    "goal",
    metadata,
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("parent", sa.String),
    sa.Column("level", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("description", sa.String, nullable=False),
    sa.Column("kpi", sa.String),
    sa.Column("department", sa.String),
    sa.Column("owner", sa.String),
    sa.Column("baseline", sa.Float),
    sa.Column("target", sa.Float),
    sa.Column("start", sa.Date),
    sa.Column("deadline", sa.Date),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Column("accepted_at", sa.Date),
    sa.Column("promise", sa.String),
    sa.Column("retired_at", sa.Date),  # v2
)

measurement = sa.Table(
    "measurement",
    metadata,
    sa.Column("kpi", sa.String, primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("note", sa.String, nullable=False),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("loaded_at", sa.DateTime, nullable=False),
    sa.Column("numerator", sa.Float),  # v9: a ratio's parts, when its source gives them
    sa.Column("denominator", sa.Float),  # v9
)

response_id = sa.Sequence("response_id_seq")
response = sa.Table(
    "response",
    metadata,
    sa.Column("id", sa.BigInteger, response_id, server_default=response_id.next_value(), nullable=False),
    sa.Column("kpi", sa.String, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("score", sa.SmallInteger, nullable=False),
    sa.Column("segment", sa.String, nullable=False),
    sa.Column("touchpoint", sa.String, nullable=False),
    sa.Column("respondent", sa.String),  # v14: answers of one respondent in one month belong together
    sa.Column("comment", sa.String),  # v14: the customer's own words, plain text
    sa.PrimaryKeyConstraint("id").ddl_if(dialect="postgresql"),
)
sa.Index("response_kpi_date", response.c.kpi, response.c.date).ddl_if(dialect="postgresql")
"""Millions of rows. PostgreSQL keeps a key and an index on them. DuckDB keeps neither (v5): it
finds a KPI's months by the min/max it stores per block, and a key or index would make loading a
million answers three times slower."""

response_month = sa.Table(
    "response_month",
    metadata,
    sa.Column("kpi", sa.String, primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("promoters", sa.Integer, nullable=False),
    sa.Column("detractors", sa.Integer, nullable=False),
    sa.Column("satisfied", sa.Integer, nullable=False),
    sa.Column("total", sa.Float, nullable=False),
    sa.Column("total_sq", sa.Float, nullable=False),
)
"""v4: answer counts per survey KPI and month, kept with the answers in the same transaction, so
a month's status reads a few thousand sums instead of millions of answers. Derived data: the
answers themselves (and their audit) stay the record."""

service_priority = sa.Table(
    "service_priority",
    metadata,
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("text", sa.String, nullable=False),
    sa.Column("kpi", sa.String, nullable=False),
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("comparison", sa.String, nullable=False),
    sa.Column("retired_at", sa.Date),  # v2
)

action_id = sa.Sequence("action_id_seq")
action = sa.Table(
    "action",
    metadata,
    sa.Column("id", sa.BigInteger, action_id, server_default=action_id.next_value(), primary_key=True),
    sa.Column("goal", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("owner", sa.String),
    sa.Column("due", sa.Date),
    sa.Column("status", sa.String, nullable=False),
)

commentary_id = sa.Sequence("commentary_id_seq")
commentary = sa.Table(
    "commentary",
    metadata,
    sa.Column(
        "id", sa.BigInteger, commentary_id, server_default=commentary_id.next_value(), primary_key=True
    ),
    sa.Column("kpi", sa.String),
    sa.Column("goal", sa.String),
    sa.Column("month", sa.Date, nullable=False),
    sa.Column("author", sa.String, nullable=False),
    sa.Column("text", sa.String, nullable=False),
    sa.Column("written_at", sa.DateTime, nullable=False),
)

month_close = sa.Table(
    "month_close",
    metadata,
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("closed_at", sa.DateTime, nullable=False),
    sa.Column("closed_by", sa.String, nullable=False),
    sa.Column("snapshot", sa.String),  # v3: the month as it was closed (kpi.domain.snapshot, JSON)
)

kpi_target = sa.Table(
    "kpi_target",
    metadata,
    sa.Column("kpi", sa.String, primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("target", sa.Float, nullable=False),
)
"""v6: a KPI's explicit target for one month (import kind `targets`); it wins over the annual
target phased by last year's profile (kpi.domain.targets)."""

process_change = sa.Table(
    "process_change",
    metadata,
    sa.Column("kpi", sa.String, primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("note", sa.String, nullable=False),
    sa.Column("who", sa.String, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)
"""v6: a recorded change to how a KPI's process runs (a new checkout, a new phone system): the
KPI's natural process limits are computed afresh from that month on (kpi.domain.signals)."""

setting = sa.Table(
    "setting",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)
"""v6: the store's own settings (the signal rules it uses, kpi.store.rules; since v8 also the
company's name, logo and colour, kpi.store.company); a missing row means the default."""

month_reopen = sa.Table(
    "month_reopen",
    metadata,
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("reopened_at", sa.DateTime, primary_key=True),
    sa.Column("reopened_by", sa.String, nullable=False),
    sa.Column("reason", sa.String, nullable=False),
    sa.Column("closed_at", sa.DateTime, nullable=False),
    sa.Column("closed_by", sa.String, nullable=False),
)
"""v8: each time an administrator reopened a closed month: why, and the close it undid (the
close's snapshot stays in the audit). Packs of a month reopened say so (kpi.store.closing)."""

month_calendar = sa.Table(
    "month_calendar",
    metadata,
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("data_due", sa.Date, nullable=False),
    sa.Column("commentary_due", sa.Date, nullable=False),
    sa.Column("close", sa.Date, nullable=False),
    sa.Column("meeting", sa.Date, nullable=False),
)
"""v12: a month's reporting calendar as an administrator set it (kpi.domain.cycle); a month
without a row follows the default rule there."""

kpi_source = sa.Table(
    "kpi_source",
    metadata,
    sa.Column("kpi", sa.String, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("connection", sa.String),
    sa.Column("query", sa.String, nullable=False),
    sa.Column("url", sa.String),
    sa.Column("timeout", sa.Float, nullable=False),
)
"""v9: where a KPI's monthly values come from (kpi.domain.sources): one source per KPI. A
connection is a name only; its URL and credentials stay in the environment or the secrets."""

priority_measure = sa.Table(
    "priority_measure",
    metadata,
    sa.Column("priority", sa.String, primary_key=True),
    sa.Column("files", sa.String, nullable=False),
    sa.Column("queue", sa.String),
    sa.Column("within_s", sa.Float, nullable=False),
    sa.Column("share", sa.Float, nullable=False),
)
"""v10: a service priority measured over raw call records (kpi.domain.priority_events): which
files, which queue, answered within how many seconds, and the share in % that must be met."""

priority_month = sa.Table(
    "priority_month",
    metadata,
    sa.Column("priority", sa.String, primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("answered_within", sa.Float, nullable=False),
    sa.Column("counted", sa.Float, nullable=False),
    sa.Column("worst_day", sa.Date),
    sa.Column("worst_share", sa.Float),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("loaded_at", sa.DateTime, nullable=False),
)
"""v10: a month of a priority measured over call records, as `pull` counted it (kpi.store.
priority_pulling): calls answered within the promise of the calls counted, and the worst day.
Numerator and denominator both, so months and queues combine as a ratio of sums."""

translation = sa.Table(
    "translation",
    metadata,
    sa.Column("table_name", sa.String, primary_key=True),
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("field", sa.String, primary_key=True),
    sa.Column("language", sa.String, primary_key=True),
    sa.Column("text", sa.String, nullable=False),
)
"""Texts of KPIs, goals, promises … in further languages; the base row holds the main one."""

delivery = sa.Table(
    "delivery",
    metadata,
    sa.Column("kind", sa.String, primary_key=True),
    sa.Column("item", sa.String, primary_key=True),
    sa.Column("recipient", sa.String, primary_key=True),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("detail", sa.String, nullable=False),
)
"""v12: what was delivered to whom (kpi.delivery): `send` a closed month (`item` its YYYY-MM) to a
person, an alert of a state (`item` the state's key) to a person or a webhook (`webhook:CODE`).
`status` is `sent` or `failed` (`detail` says why): a month or state is sent once per recipient,
and a failed one is tried again the next time."""

audit_id = sa.Sequence("audit_id_seq")
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.BigInteger, audit_id, server_default=audit_id.next_value(), primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("who", sa.String, nullable=False),
    sa.Column("table_name", sa.String, nullable=False),
    sa.Column("key", sa.String, nullable=False),
    sa.Column("before", sa.String),
    sa.Column("after", sa.String),
)
"""One row per change: `before`/`after` are JSON of the changed row (NULL for insert/delete)."""

MIGRATIONS: dict[int, list[str | sa.TextClause | tuple[str, str]]] = {
    2: [
        "ALTER TABLE kpi ADD COLUMN benchmark VARCHAR",
        "ALTER TABLE kpi ADD COLUMN retired_at DATE",
        "ALTER TABLE goal ADD COLUMN retired_at DATE",
        "ALTER TABLE promise ADD COLUMN retired_at DATE",
        "ALTER TABLE service_priority ADD COLUMN retired_at DATE",
    ],
    3: ["ALTER TABLE month_close ADD COLUMN snapshot VARCHAR"],
    4: [  # the answer thresholds are bound from kpi.domain.cx, where they live
        sa.text(
            "INSERT INTO response_month (kpi, month, n, promoters, detractors, satisfied, total, total_sq) "
            "SELECT kpi, CAST(date_trunc('month', date) AS DATE), count(*), "
            "count(*) FILTER (WHERE score >= :promoter), count(*) FILTER (WHERE score <= :detractor), "
            "count(*) FILTER (WHERE score >= :satisfied), sum(score), sum(score * score) "
            "FROM response GROUP BY kpi, CAST(date_trunc('month', date) AS DATE)"
        ).bindparams(promoter=cx.PROMOTER_MIN, detractor=cx.DETRACTOR_MAX, satisfied=cx.SATISFIED_MIN)
    ],
    5: [  # DuckDB only: the answers move to a table without key or index (see `response`)
        ("duckdb", "DROP INDEX IF EXISTS response_kpi_date"),
        (
            "duckdb",
            "CREATE TABLE response_v5 (id BIGINT DEFAULT nextval('response_id_seq') NOT NULL, "
            "kpi VARCHAR NOT NULL, date DATE NOT NULL, score SMALLINT NOT NULL, segment VARCHAR NOT NULL, "
            "touchpoint VARCHAR NOT NULL)",
        ),
        ("duckdb", "INSERT INTO response_v5 SELECT id, kpi, date, score, segment, touchpoint FROM response"),
        ("duckdb", "DROP TABLE response"),
        ("duckdb", "ALTER TABLE response_v5 RENAME TO response"),
    ],
    6: [],  # new tables only (kpi_target, process_change, setting): `create_all` makes them
    7: [
        "ALTER TABLE department ADD COLUMN retired_at DATE",
        "ALTER TABLE person ADD COLUMN retired_at DATE",
    ],
    8: [  # month_reopen is new (`create_all`); the company's name moves from meta to setting
        "INSERT INTO setting (name, value) SELECT 'company.name', value FROM meta WHERE key = 'company' "
        "AND NOT EXISTS (SELECT 1 FROM setting WHERE name = 'company.name')",
        "DELETE FROM meta WHERE key = 'company'",
        # a store `init --demo` made (it alone records `demo_end`) is the demo store
        "INSERT INTO meta (key, value) SELECT 'demo', 'yes' FROM meta WHERE key = 'demo_end' "
        "AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'demo')",
    ],
    9: [  # kpi_source is new (`create_all`); a pulled ratio keeps its parts
        "ALTER TABLE measurement ADD COLUMN IF NOT EXISTS numerator DOUBLE PRECISION",
        "ALTER TABLE measurement ADD COLUMN IF NOT EXISTS denominator DOUBLE PRECISION",
    ],
    10: [],  # priority_measure and priority_month are new (`create_all`)
    11: [  # step 9 once wrote FLOAT, which is 4 bytes on DuckDB (225600.123456 kept as 225600.125)
        ("duckdb", "ALTER TABLE measurement ALTER COLUMN numerator TYPE DOUBLE"),
        ("duckdb", "ALTER TABLE measurement ALTER COLUMN denominator TYPE DOUBLE"),
    ],
    12: [],  # delivery is new (`create_all`)
    13: [],  # month_calendar is new (`create_all`)
    14: [  # an answer's respondent and comment (both optional)
        "ALTER TABLE response ADD COLUMN IF NOT EXISTS respondent VARCHAR",
        "ALTER TABLE response ADD COLUMN IF NOT EXISTS comment VARCHAR",
    ],
}
"""`version → SQL statements` that take a store from version-1 to version: plain SQL that DuckDB
and PostgreSQL both accept (a `TextClause` where it binds values), or `(dialect, SQL)` for one of
them. Columns and tables are only added, and a table is only rebuilt by copying every row, so an
upgrade never loses data."""
