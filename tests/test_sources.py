"""KPI sources: the check of their definitions, the check of what they return, one SELECT only,
each kind's runner against real parts (the test PostgreSQL, files, an HTTP server), connections
by name, and the definitions file through the command line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kpi import cli, settings
from kpi.delivery import mail
from kpi.domain import sources
from kpi.domain.checks import Known, KnownKpi
from kpi.domain.errors import Refused
from kpi.domain.model import Aggregation, Person, Role
from kpi.domain.sources import Secret, Source, SourceKind
from kpi.domain.validate import Rejected
from kpi.sources import confine, running, statement, zone
from kpi.sources.failing import SourceFailed, one_line
from kpi.store import engine, schema, sourcing
from kpi.text import i18n, words
from tests import feeds
from tests.conftest import as_admin, said
from tests.sharing import fingerprint

KNOWN = Known(kpis={"FCR": KnownKpi("%", Aggregation.MEAN), "NPS": KnownKpi("nps", Aggregation.NPS)})
OCTOBER = date(2026, 10, 1)


def _keys(fields: dict) -> list[tuple[str, str]]:
    return [(p.field, p.key) for p in sources.check(fields, KNOWN)]


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"kpi": "FCR", "kind": "sql", "connection": "warehouse", "query": "SELECT 1"}, []),
        ({"kpi": "FCR", "kind": "files", "query": "SELECT 1"}, []),
        ({"kpi": "FCR", "kind": "http", "url": "http://prom:9090", "query": "up", "timeout": 5}, []),
        ({"kpi": "NOPE", "kind": "files", "query": "SELECT 1"}, [("kpi", "unknown_reference")]),
        ({"kpi": "NPS", "kind": "files", "query": "SELECT 1"}, [("kpi", "source_survey_kpi")]),
        ({"kpi": "FCR", "kind": "ftp", "query": "x"}, [("kind", "not_one_of")]),
        ({"kpi": "FCR", "kind": "sql", "query": "SELECT 1"}, [("connection", "required")]),
        (
            {"kpi": "FCR", "kind": "sql", "connection": "my-db", "query": "SELECT 1"},
            [("connection", "bad_connection")],
        ),
        (
            {"kpi": "FCR", "kind": "files", "connection": "x", "query": "SELECT 1"},
            [("connection", "source_no_connection")],
        ),
        ({"kpi": "FCR", "kind": "http", "query": "up"}, [("url", "required")]),
        ({"kpi": "FCR", "kind": "http", "url": "file:///etc", "query": "up"}, [("url", "bad_url")]),
        ({"kpi": "FCR", "kind": "http", "url": "http://me:secret@prom", "query": "up"}, [("url", "bad_url")]),
        ({"kpi": "FCR", "kind": "files", "url": "http://x", "query": "SELECT 1"}, [("url", "source_no_url")]),
        ({"kpi": "FCR", "kind": "files", "query": "SELECT 1", "timeout": 0}, [("timeout", "bad_timeout")]),
        (
            {"kpi": "FCR", "kind": "files", "query": "SELECT 1", "timeout": "soon"},
            [("timeout", "not_a_number")],
        ),
        # a definitions file may hold a list or a number where text belongs: said, not a TypeError
        # (a list as the KPI was unhashable) nor stored as "['SELECT 1']" to fail at night
        (
            {"kpi": ["FCR"], "kind": "files", "query": ["SELECT 1"]},
            [("kpi", "source_not_text"), ("query", "source_not_text")],
        ),
        (  # a recipe of seconds for a share: said beside the URL that is not text
            {"kpi": "FCR", "kind": "recipe", "query": "mean_wait()", "url": 5},
            [("url", "source_not_text"), ("query", "recipe_unit")],
        ),
        # and the other fields are still checked: `kind = 5` hid a bad timeout and connection
        (
            {"kpi": "FCR", "kind": 5, "connection": "a b", "query": "SELECT 1", "timeout": 9999},
            [("kind", "source_not_text"), ("connection", "bad_connection"), ("timeout", "bad_timeout")],
        ),
    ],
)
def test_a_source_definition_is_checked(fields, expected):
    assert _keys(fields) == expected


def test_every_problem_of_a_source_at_once():
    found = _keys({"kpi": "NPS", "kind": "sql", "connection": "1st", "url": "http://x", "timeout": 601})
    assert found == [
        ("kpi", "source_survey_kpi"),
        ("query", "required"),
        ("connection", "bad_connection"),
        ("url", "source_no_url"),
        ("timeout", "bad_timeout"),
    ]


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([{"month": "2026-10", "value": 71.5}], []),
        ([{"month": date(2026, 10, 1), "value": Decimal("71.5")}], []),
        ([{"month": "2026-10", "value": "71,5"}], [(1, "value", "source_not_a_number")]),
        ([{"month": "oct", "value": 1.0}], [(1, "month", "source_not_a_month")]),
        # read as an import reads a month: a day its month lacks, a month past 12, are none
        ([{"month": "2026-11-99", "value": 1.0}], [(1, "month", "source_not_a_month")]),
        ([{"month": "2026-11-31", "value": 1.0}], [(1, "month", "no_such_day")]),
        ([{"month": "2026-13", "value": 1.0}], [(1, "month", "source_not_a_month")]),
        ([{"month": "2026-11-01garbage", "value": 1.0}], [(1, "month", "source_not_a_month")]),
        ([{"month": "11.2026", "value": 1.0}], []),  # as an import takes them
        ([{"month": "November 2026", "value": 1.0}], []),
        ([{"month": "2026-11-01 00:00:00", "value": 1.0}], []),  # a timestamp as text: its day
        ([{"month": "2026-11-01T00:00:00+01:00", "value": 1.0}], []),
        (
            [{"month": "2026-11-01 00:00:00+00", "value": 1.0}],
            [],
        ),  # a timestamptz as DuckDB and PostgreSQL write it
        ([{"month": "2026-11-01 00:00:00.123+01", "value": 1.0}], []),
        ([{"month": None, "value": 1.0}], [(1, "month", "required")]),  # said "“None” is not a month"
        ([{"month": " ", "value": 1.0}], [(1, "month", "required")]),
        (
            [{"month": "2026-10", "value": 1.0}, {"month": "2026-10-01", "value": 2.0}],
            [(2, "month", "source_month_twice")],
        ),
        ([{"month": "2026-10", "value": 101.0}], [(1, "value", "out_of_range")]),
        ([{"month": "2026-10", "numerator": 3, "denominator": 4}], []),
        ([{"month": "2026-10", "value": 75.0, "numerator": 3, "denominator": 4}], []),
        (
            [{"month": "2026-10", "value": 70.0, "numerator": 3, "denominator": 4}],
            [(1, "value", "source_ratio_mismatch")],
        ),
        ([{"month": "2026-10", "numerator": 3}], [(1, "denominator", "source_half_ratio")]),
        (
            [{"month": "2026-10", "numerator": 3, "denominator": 0}],
            [(1, "denominator", "source_denominator")],
        ),
        ([{"month": "2026-10"}], [(1, "value", "required")]),
    ],
)
def test_what_a_source_returns_is_checked(rows, expected):
    found, problems = sources.pulled(rows, "%")
    assert [(p.row, p.field, p.key) for p in problems] == expected
    assert len(found) == len(rows) - len({p.row for p in problems})  # a row with a problem is not taken


def test_a_ratio_becomes_the_value_on_the_kpis_scale():
    found, _ = sources.pulled([{"month": "2026-10", "numerator": 3, "denominator": 4}], "%")
    assert found == [sources.Pulled(OCTOBER, 75.0, 3.0, 4.0)]


@pytest.mark.parametrize(
    "query, key",
    [
        ("SELECT month, value FROM t", None),
        ("-- monthly\nWITH x AS (SELECT 1 AS v) SELECT * FROM x", None),
        ("SELECT 1; SELECT 2", "source.not_one_select"),
        ("SELECT 1; DROP TABLE t", "source.not_one_select"),
        ("DELETE FROM t", "source.not_select"),
        ("COPY t TO '/tmp/out.csv'", "source.not_select"),
        ("PRAGMA version", "source.not_select"),
        ("SELECT * FROM t FOR UPDATE", "source.unreadable_sql"),
        ("", "source.not_one_select"),
    ],
)
def test_only_one_select_is_accepted(query, key):
    found = statement.problem(query)
    assert (found.key if found else None) == key


# --- each kind against real parts -----------------------------------------------------------------


def test_sql_reads_the_figures_of_a_postgresql_database(pg_server):
    with feeds.figures_database(pg_server) as url:
        source = Source(
            "FCR",
            SourceKind.SQL,
            "SELECT month, resolved AS numerator, contacts AS denominator FROM monthly",
            "w",
        )
        rows = running.run(source, OCTOBER, url)
        found, problems = sources.pulled(rows, "%")
    assert problems == []
    assert [(p.month, p.value) for p in found][1] == (OCTOBER, 75.0)


def test_sql_runs_read_only_and_stops_at_its_timeout(pg_server):
    with feeds.figures_database(pg_server) as url:
        writes = Source("FCR", SourceKind.SQL, "SELECT nextval('counter') AS value", "w")
        with pytest.raises(SourceFailed, match="query_failed") as caught:
            running.run(writes, OCTOBER, url)
        assert "read-only transaction" in said(caught.value)
        slow = Source(
            "FCR", SourceKind.SQL, "SELECT pg_sleep(30), month, 1 AS value FROM monthly", "w", timeout=1
        )
        with pytest.raises(SourceFailed, match="timeout"):
            running.run(slow, OCTOBER, url)
        with sa.create_engine(url).connect() as conn:  # the sequence was never advanced
            assert conn.exec_driver_sql("SELECT last_value, is_called FROM counter").one() == (1, False)


def test_files_read_csv_globs_and_parquet(tmp_path):
    paths = feeds.write_files(tmp_path / "exports")
    csv = Source("AHT", SourceKind.FILES, f"SELECT month, wait AS value FROM read_csv('{paths['csv']}')")
    parquet = Source(
        "FCR",
        SourceKind.FILES,
        f"SELECT month, resolved AS numerator, contacts AS denominator FROM '{paths['parquet']}'",
    )
    from_csv, _ = sources.pulled(running.run(csv, OCTOBER, None), "s")
    from_parquet, _ = sources.pulled(running.run(parquet, OCTOBER, None), "%")
    assert [p.value for p in from_csv] == [41.5, 38.25, 35.0]
    assert [p.value for p in from_parquet] == [70.0, 75.0, 80.0]


def test_a_files_source_whose_export_has_not_run_says_the_pattern_and_the_folder(tmp_path):
    """No file matching the glob was DuckDB's "IO Error: No files found that match the pattern"
    with the query echoed after it; it is said as the pattern and where a relative path starts."""
    feeds.write_files(tmp_path / "exports")
    missing = Source(
        "AHT", SourceKind.FILES, f"SELECT month, wait AS value FROM read_csv('{tmp_path}/exports/2027-*.csv')"
    )
    with pytest.raises(SourceFailed) as caught:
        running.run(missing, OCTOBER, None)
    assert [p.key for p in caught.value.problems] == ["source.no_files"]
    message = said(caught.value)
    assert f"{tmp_path}/exports/2027-*.csv" in message and "IO Error" not in message
    assert "check that the export has run" in message


def test_a_failing_query_is_said_without_the_query_echoed_under_it():
    source = Source(
        "AHT", SourceKind.FILES, "SELECT month, x AS value FROM (SELECT DATE '2026-10-01' AS month)"
    )
    with pytest.raises(SourceFailed) as caught:
        running.run(source, OCTOBER, None)
    message = said(caught.value)
    assert 'Referenced column "x" not found' in message
    assert "LINE 1" not in message and "^" not in message


SECRET = 'warehouse = "postgresql://kpi:S3cretPw@db/figures"'


@pytest.mark.parametrize(
    "query",
    [
        # the review's read: the secrets file's text as the value, said back by "not a number"
        "SELECT '2026-10' AS month, content AS value FROM read_text('{secrets}')",
        "SELECT '2026-10' AS month, CAST(content AS DOUBLE) AS value FROM read_text('{secrets}')",
        "SELECT * FROM read_csv('{allowed}/../secrets/secrets.toml')",  # out by way of ..
        "SELECT * FROM read_csv('http://127.0.0.1:9/figures.csv')",  # another server
    ],
)
def test_a_files_source_reads_its_folders_and_nothing_else(tmp_path, query):
    """A files query is typed by an administrator and DuckDB reads what it names: the secrets
    that hold the connections' passwords were one read_text away, shown back in the problem
    that said the value was no number. It may read the KPI_SOURCE_FOLDERS folders only."""
    allowed, secrets = tmp_path / "allowed", tmp_path / "secrets" / "secrets.toml"
    allowed.mkdir()
    secrets.parent.mkdir()
    secrets.write_text(f"[sources]\n{SECRET}\n")
    (allowed / "figures.csv").write_text("month,value\n2026-10,41.5\n")
    source = Source("AHT", SourceKind.FILES, query.format(secrets=secrets, allowed=allowed))
    token = confine.FOLDERS.set((str(allowed),))
    try:
        ok = Source("AHT", SourceKind.FILES, f"SELECT * FROM read_csv('{allowed}/*.csv')")
        assert running.run(ok, OCTOBER, None) == [{"month": "2026-10", "value": 41.5}]
        with pytest.raises(SourceFailed) as caught:
            running.run(source, OCTOBER, None)
    finally:
        confine.FOLDERS.reset(token)
    told = said(caught.value)
    assert "S3cretPw" not in told and "postgresql" not in told, told


def test_a_files_source_that_no_caller_allowed_a_folder_reads_nothing(tmp_path):
    (tmp_path / "figures.csv").write_text("month,value\n2026-10,41.5\n")
    source = Source("AHT", SourceKind.FILES, f"SELECT * FROM read_csv('{tmp_path}/figures.csv')")
    token = confine.FOLDERS.set(None)  # default deny: no folder at all
    try:
        with pytest.raises(SourceFailed) as caught:
            running.run(source, OCTOBER, None)
    finally:
        confine.FOLDERS.reset(token)
    assert "KPI_SOURCE_FOLDERS" in said(caught.value)


def test_files_stop_at_their_timeout():
    endless = Source(
        "FCR", SourceKind.FILES, "SELECT count(*) AS value FROM range(1000000) a, range(1000000) b", timeout=1
    )
    with pytest.raises(SourceFailed, match="timeout"):
        running.run(endless, OCTOBER, None)


def test_http_averages_the_months_samples_of_one_series():
    with feeds.Prometheus({"avg(up)": [["99", "97"]], "two": [["1"], ["2"]], "text": [["1", "n/a"]]}) as prom:
        rows = running.run(Source("UP", SourceKind.HTTP, "avg(up)", url=prom.url), OCTOBER, "token")
        assert rows == [{"month": OCTOBER, "value": 98.0}]
        assert prom.asked[0]["start"] == "1790812800" and prom.asked[0]["step"] == "3600"  # 2026-10-01 UTC
        with pytest.raises(SourceFailed, match="many_series"):
            running.run(Source("UP", SourceKind.HTTP, "two", url=prom.url), OCTOBER, None)
        text = running.run(Source("UP", SourceKind.HTTP, "text", url=prom.url), OCTOBER, None)
        assert sources.pulled(text, "%")[1][0].key == "source_not_a_number"
        with pytest.raises(SourceFailed, match="http_status"):
            running.run(Source("UP", SourceKind.HTTP, "unknown", url=prom.url), OCTOBER, None)


# October 2026 in Copenhagen: 1 October 00:00 CEST (+02:00) to 31 October 23:59:59 CET (+01:00)
COPENHAGEN_OCTOBER = (str(1790812800 - 2 * 3600), str(1790812800 + 31 * 86400 - 3600 - 1))


def test_http_asks_for_the_month_from_its_first_to_its_last_second_in_the_company_s_zone():
    source = Source("UP", SourceKind.HTTP, "avg(up)", url="")
    with feeds.Prometheus({"avg(up)": [["99"]]}) as prom:
        source = replace(source, url=prom.url)
        running.run(source, OCTOBER, None)  # UTC unless told: 1 October 00:00 to 31 October 23:59:59
        with zone.within("Europe/Copenhagen"):
            running.run(source, OCTOBER, None)
    asked = [(a["start"], a["end"]) for a in prom.asked]
    assert asked == [("1790812800", str(1790812800 + 31 * 86400 - 1)), COPENHAGEN_OCTOBER]


def test_a_pull_asks_in_the_time_zone_of_the_setting(demo_duckdb_url, monkeypatch, capsys):
    """`KPI_TIME_ZONE` reaches the source through the pull, its one way in."""
    monkeypatch.setenv("KPI_TIME_ZONE", "Europe/Copenhagen")
    settings.forget()
    with feeds.Prometheus({"avg(up) * 100": [["99.5"]]}) as prom:
        text = f'[[source]]\nkpi = "IT_UPTIME"\nkind = "http"\nurl = "{prom.url}"\nquery = "avg(up) * 100"\n'
        sourcing.load(engine.create(demo_duckdb_url), text.encode(), "sources.toml", as_admin())
        code = cli.main(
            ["--db", demo_duckdb_url, "pull", "--month", "2026-10", "--kpi", "IT_UPTIME", "--dry-run"]
        )
    assert code == 0, capsys.readouterr()
    assert [(a["start"], a["end"]) for a in prom.asked] == [COPENHAGEN_OCTOBER]


def test_http_stops_at_its_timeout():
    with feeds.silent_server() as url, pytest.raises(SourceFailed, match="timeout"):
        running.run(Source("UP", SourceKind.HTTP, "up", url=url, timeout=1), OCTOBER, None)


def test_a_connection_and_a_token_are_found_by_name_each_in_its_own_place(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[sources]\nwarehouse = "postgresql+psycopg://reader:S3cretPw@db/dw"\n[tokens]\nprom = "t0ken"\n',
        encoding="utf-8",
    )
    connection, token = Secret.CONNECTION, Secret.TOKEN
    assert (
        settings.source_secret(connection, "warehouse", {}, secrets)
        == "postgresql+psycopg://reader:S3cretPw@db/dw"
    )
    assert settings.source_secret(token, "prom", {}, secrets) == "t0ken"
    environ = {"KPI_SOURCE_WAREHOUSE": "duckdb:///dw.duckdb", "KPI_TOKEN_PROM": "from-env"}
    assert settings.source_secret(connection, "warehouse", environ, secrets) == "duckdb:///dw.duckdb"
    assert settings.source_secret(token, "prom", environ, secrets) == "from-env"
    # a database's URL is never read as a token, nor a token as a database's URL
    assert settings.source_secret(token, "warehouse", environ, secrets) is None
    assert settings.source_secret(connection, "prom", environ, secrets) is None
    assert settings.source_secret(connection, "other", {}, secrets) is None
    with pytest.raises(SourceFailed, match="no_connection") as caught:
        running.run(Source("FCR", SourceKind.SQL, "SELECT 1 AS value", "other"), OCTOBER, None)
    assert "set the environment variable KPI_SOURCE_OTHER or other under [sources]" in said(caught.value)
    with pytest.raises(SourceFailed, match="no_token") as caught:
        running.run(Source("UP", SourceKind.HTTP, "up", "warehouse", url="https://prom:9090"), OCTOBER, None)
    assert "set the environment variable KPI_TOKEN_WAREHOUSE or warehouse under [tokens]" in said(
        caught.value
    )


def _defined(secret: Secret, name: str) -> bool:
    return (secret, name) in {(Secret.CONNECTION, "warehouse"), (Secret.TOKEN, "prom")}


@pytest.mark.parametrize(
    "connection, url, expected",
    [
        ("prom", "https://prom:9090", []),
        (None, "http://prom:9090", []),  # no token: plain http is fine
        ("prom", "http://127.0.0.1:9090", []),  # this machine
        ("prom", "http://localhost:9090", []),
        ("prom", "http://[::1]:9090", []),
        ("prom", "http://prom:9090", [("url", "source_token_plain_http")]),
        ("prom", "http://127.0.0.1.evil.example", [("url", "source_token_plain_http")]),
        ("warehouse", "https://prom:9090", [("connection", "source_connection_as_token")]),
        ("nothing", "https://prom:9090", [("connection", "source_no_token")]),
    ],
)
def test_an_http_source_sends_a_token_only_over_https_or_to_this_machine(connection, url, expected):
    fields = {"kpi": "FCR", "kind": "http", "query": "up", "url": url, "connection": connection}
    assert [(p.field, p.key) for p in sources.check(fields, KNOWN, defined=_defined)] == expected


def test_a_database_connection_named_as_a_token_is_refused_with_a_hint():
    fields = {
        "kpi": "FCR",
        "kind": "http",
        "query": "up",
        "url": "https://prom:9090",
        "connection": "warehouse",
    }
    [problem] = sources.check(fields, KNOWN, defined=_defined)
    told = said(Refused(problem))
    assert "warehouse is a database connection, not a token" in told
    assert "KPI_TOKEN_WAREHOUSE or under [tokens]" in told


def test_the_runner_refuses_a_token_over_plain_http_before_connecting():
    """No network: the host does not exist, so anything but the refusal would be a failure to
    connect (`query_failed`), not this problem."""
    source = Source("UP", SourceKind.HTTP, "up", "prom", url="http://prometheus.invalid:9090")
    with pytest.raises(SourceFailed) as caught:
        running.run(source, OCTOBER, "t0ken")
    assert [p.key for p in caught.value.problems] == ["source_token_plain_http"]
    assert "travel unencrypted to prometheus.invalid" in said(caught.value)


def test_a_redirect_is_refused_and_the_token_goes_nowhere_else():
    with feeds.Prometheus({"avg(up)": [["99"]]}) as target, feeds.Prometheus({}) as mover:
        mover.redirect = target.url
        source = Source("UP", SourceKind.HTTP, "avg(up)", "prom", url=mover.url)
        with pytest.raises(SourceFailed) as caught:
            running.run(source, OCTOBER, "t0ken")
        assert mover.authorization == ["Bearer t0ken"]
        assert target.asked == [] and target.authorization == []  # never asked, so never told
    told = said(caught.value)
    assert [p.key for p in caught.value.problems] == ["source.redirected"]
    assert f"the endpoint redirected (302) to {target.url}/api/v1/query_range;" in told
    assert "give the final address" in told and "query=" not in told  # without its query


def test_a_returned_non_number_is_shown_as_a_short_excerpt_with_its_type():
    """What a source returned may be anything a database holds: a problem names the column and
    the type, and shows one line of at most 20 characters of it."""
    long = "warehouse = postgresql://kpi:S3cretPw@db\nsecond line"
    _, problems = sources.pulled([{"month": "2026-10", "value": long, "numerator": True}], "%")
    value = next(p for p in problems if p.field == "value")
    assert dict(value.params)["value"] == "warehouse = postgres…"
    with i18n.use("en"):
        told = words.problem(value)
    assert (
        told
        == "Value: “warehouse = postgres…” (text) is not a number: return a number (cast it in the query)."
    )
    assert "S3cretPw" not in told
    flag = next(p for p in problems if p.field == "numerator")
    with i18n.use("da"):
        assert "»True« (sand eller falsk) er ikke et tal" in words.problem(flag)


def test_a_drivers_error_shows_only_a_short_excerpt_of_each_quoted_value():
    """DuckDB and PostgreSQL quote the value that did not fit in their errors: each quoted part is
    cut to 20 characters, the whole kept to one line of at most 200."""
    duckdb_said = (
        "Conversion Error: Could not convert string 'Customer note: call back after 5' to DOUBLE\n LINE 1"
    )
    assert one_line(ValueError(duckdb_said)) == (
        "Conversion Error: Could not convert string 'Customer note: call…' to DOUBLE LINE 1"
    )
    postgres_said = 'invalid input syntax for type double precision: "4111 1111 1111 1111 exp 12/29"'
    assert one_line(ValueError(postgres_said)).endswith(': "4111 1111 1111 1111…"')
    assert one_line(ValueError("x" * 1000)) == "x" * 200 + "…"


# --- the definitions file -------------------------------------------------------------------------

DEFINITIONS = """
[[source]]
kpi = "cs_fcr"
kind = "sql"
connection = "warehouse"
query = '''
SELECT month, resolved AS numerator, contacts AS denominator FROM monthly
'''

[[source]]
kpi = "CS_WAIT"
kind = "files"
query = "SELECT month, wait AS value FROM read_csv('exports/*.csv')"
timeout = 10
"""


def test_a_definitions_file_loads_lists_and_exports(demo_url, tmp_path, capsys):
    path = tmp_path / "sources.toml"
    path.write_text(DEFINITIONS, encoding="utf-8")
    before = fingerprint(demo_url)
    assert cli.main(["--db", demo_url, "sources", "--file", str(path), "--dry-run"]) == 0
    assert "2 new" in capsys.readouterr().out and fingerprint(demo_url) == before
    assert cli.main(["--db", demo_url, "sources", "--file", str(path)]) == 0
    with engine.reading(engine.create(demo_url)) as conn:
        stored = sourcing.read(conn)
        audited = conn.execute(
            sa.select(sa.func.count()).where(schema.audit.c.table_name == "kpi_source")
        ).scalar()
    assert [(x.kpi, x.kind, x.connection, x.timeout) for x in stored] == [
        ("CS_FCR", "sql", "warehouse", 30.0),
        ("CS_WAIT", "files", None, 10.0),
    ]
    assert audited == 2
    capsys.readouterr()
    assert cli.main(["--db", demo_url, "sources"]) == 0
    assert "CS_FCR\tsql\twarehouse" in capsys.readouterr().out
    assert cli.main(["--db", demo_url, "sources", "--export"]) == 0
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    again = fingerprint(demo_url)
    assert cli.main(["--db", demo_url, "sources", "--file", str(path)]) == 0
    assert "0 new, 0 replaced, 2 unchanged" in capsys.readouterr().out
    assert fingerprint(demo_url) == again


def test_a_bad_definitions_file_is_refused_whole_with_every_problem(demo_duckdb_url, tmp_path, capsys):
    path = tmp_path / "sources.toml"
    path.write_text(
        DEFINITIONS
        + '\n[[source]]\nkpi = "NPS"\nkind = "sql"\nconnection = "my db"\nquery = "SELECT 1"\ncolour = "red"\n'
        + '\n[[source]]\nkpi = "CS_FCR"\nkind = "http"\nquery = "up"\ntimeout = 0\n',
        encoding="utf-8",
    )
    before = fingerprint(demo_duckdb_url)
    assert cli.main(["--db", demo_duckdb_url, "sources", "--file", str(path)]) == 1
    err = capsys.readouterr().err
    assert "sources.toml, row 3, column colour: not a field of a source" in err
    assert "sources.toml, row 4, column kpi: this KPI has a source already (entry 1)" in err
    # what is wrong with the entries' fields is named in the same refusal, not after a fix
    assert "sources.toml, row 3, column connection: “my db” is not a connection name" in err
    assert "sources.toml, row 4, column timeout: the timeout is from 1 to 600 seconds" in err
    assert err.index("row 3, column colour") < err.index("row 4, column kpi")
    assert fingerprint(demo_duckdb_url) == before
    path.write_text(
        '[[source]]\nkpi = "NPS"\nkind = "sql"\nconnection = "my db"\nquery = "SELECT 1"\n'
        '\n[[source]]\nkpi = "CS_FCR"\nkind = "http"\nquery = "up"\ntimeout = 0\n',
        encoding="utf-8",
    )
    assert cli.main(["--db", demo_duckdb_url, "sources", "--file", str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 1, column kpi: NPS is a survey KPI" in err
    assert "row 1, column connection: “my db” is not a connection name" in err
    assert "row 2, column url: required" in err
    assert "row 2, column timeout: the timeout is from 1 to 600 seconds" in err
    assert fingerprint(demo_duckdb_url) == before


def test_the_editor_form_refuses_a_database_as_a_token_and_a_token_over_plain_http(
    demo_duckdb_url, monkeypatch
):
    """The KPI editor's source form goes through the same check as the definitions file."""
    monkeypatch.setenv("KPI_SOURCE_WAREHOUSE", "postgresql+psycopg://kpi:S3cretPw@db/dw")
    monkeypatch.setenv("KPI_TOKEN_PROM", "t0ken")
    admin = Person("anne.holm@havnhjem.example", "Anne Holm", Role.ADMIN, "MGMT")
    typed = {"kind": "http", "query": "avg(up) * 100", "timeout": "20"}
    with engine.reading(engine.create(demo_duckdb_url)) as conn:

        def checked(connection: str, url: str) -> Source:
            fields = {**typed, "connection": connection, "url": url}
            return sourcing.checked(conn, admin, "IT_UPTIME", fields, found=set().__contains__)

        with pytest.raises(Rejected) as caught:
            checked("warehouse", "https://p:9090")
        assert [(p.field, p.key) for p in caught.value.problems] == [
            ("connection", "source_connection_as_token")
        ]
        with pytest.raises(Rejected) as caught:
            checked("prom", "http://p:9090")
        assert [(p.field, p.key) for p in caught.value.problems] == [("url", "source_token_plain_http")]
        fine = checked("prom", "https://p:9090")
    assert (fine.connection, fine.url) == ("prom", "https://p:9090")


def test_a_files_query_cuts_months_at_the_company_s_midnight():
    """A files source's DuckDB counts in the company's zone: 31 October 23:30 UTC truncates to
    November in Copenhagen, to October in UTC."""
    query = (
        "SELECT CAST(date_trunc('month', TIMESTAMPTZ '2026-10-31 23:30:00+00') AS DATE) AS month, 1 AS value"
    )
    source = Source("FCR", SourceKind.FILES, query)
    with zone.within("Europe/Copenhagen"):
        assert running.run(source, OCTOBER, None)[0]["month"] == date(2026, 11, 1)
    assert running.run(source, OCTOBER, None)[0]["month"] == OCTOBER


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://metrics.example/api", True),
        ("https://", False),  # no host to trust
        ("http://localhost:8080/hook", True),
        ("http://127.0.0.1/hook", True),
        ("http://[::1]:9090/", True),
        ("http://127.0.0.1.evil.example/hook", False),
        ("http://prom:9090", False),
        ("ftp://files.example/x", False),
        ("", False),
    ],
)
def test_what_travels_safely_is_https_or_plain_http_to_this_machine(url, safe):
    """One rule for a source's token and a department's webhook (kpi.delivery.mail)."""
    assert sources.travels_safely(url) is safe
    assert (mail.webhook_problem(url) == "") is safe
