"""`python -m kpi pull`: a month's values from every kind of source, against real parts (the
test PostgreSQL, CSV and Parquet files, a Prometheus-shaped server on 127.0.0.1), written whole
and audited, or, when any source fails or returns a bad value, not at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi import cli
from kpi.store import engine, schema, sourcing
from tests import feeds
from tests.conftest import as_admin
from tests.holding import run_on_held_store
from tests.killing import killed_at
from tests.sharing import fingerprint


@dataclass
class Fed:
    """The real parts the sources read, running, and a definitions file naming them."""

    prometheus: feeds.Prometheus
    files: dict[str, Path]
    definitions: str


def definitions(files: dict[str, Path], prometheus_url: str) -> str:
    return f"""
[[source]]
kpi = "CS_FCR"
kind = "sql"
connection = "warehouse"
query = "SELECT month, resolved AS numerator, contacts AS denominator FROM monthly"

[[source]]
kpi = "CS_WAIT"
kind = "files"
query = "SELECT month, wait AS value FROM read_csv('{files["csv"]}')"

[[source]]
kpi = "CS_AHT"
kind = "files"
query = "SELECT month, wait * 10 AS value FROM '{files["parquet"]}'"

[[source]]
kpi = "IT_UPTIME"
kind = "http"
url = "{prometheus_url}"
query = "avg(up) * 100"
timeout = 5
"""


@pytest.fixture
def fed(pg_server, tmp_path, monkeypatch):
    files = feeds.write_files(tmp_path / "exports")
    with (
        feeds.figures_database(pg_server) as figures,
        feeds.Prometheus({"avg(up) * 100": [["99.5", "99.7"]]}) as prometheus,
    ):
        monkeypatch.setenv("KPI_SOURCE_WAREHOUSE", figures)
        yield Fed(prometheus, files, definitions(files, prometheus.url))


def _define(url: str, text: str) -> None:
    sourcing.load(engine.create(url), text.encode(), "sources.toml", as_admin())


def _stored_past_the_check(url: str, kpi: str, **values: str) -> None:
    """Change a stored source behind the check's back, as an older release or a hand in the
    database might have: the pull must refuse it."""
    with engine.writing(engine.create(url)) as conn:
        conn.execute(schema.kpi_source.update().where(schema.kpi_source.c.kpi == kpi).values(**values))


def _stored(url: str, month: str) -> dict[str, tuple]:
    table = schema.measurement
    with engine.reading(engine.create(url)) as conn:
        rows = conn.execute(
            sa.select(
                table.c.kpi, table.c.value, table.c.numerator, table.c.denominator, table.c.source
            ).where(table.c.month == sa.func.cast(f"{month}-01", sa.Date), table.c.source.like("pull:%"))
        )
        return {r.kpi: (round(r.value, 4), r.numerator, r.denominator, r.source) for r in rows}


def _audit_rows(url: str) -> int:
    with engine.reading(engine.create(url)) as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(schema.audit)).scalar_one()


def test_a_pull_writes_every_kind_of_source_once(demo_url, fed, capsys):
    _define(demo_url, fed.definitions)
    before = fingerprint(demo_url)
    assert cli.main(["--db", demo_url, "pull", "--month", "2026-11", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "CS_FCR\t80.00 (new)\tpull:sql:warehouse" in out and "4 new" in out and "dry run" in out
    assert fingerprint(demo_url) == before

    assert cli.main(["--db", demo_url, "pull", "--month", "2026-11"]) == 0
    assert _stored(demo_url, "2026-11") == {
        "CS_FCR": (80.0, 640.0, 800.0, "pull:sql:warehouse"),
        "CS_WAIT": (35.0, None, None, "pull:files"),
        "CS_AHT": (350.0, None, None, "pull:files"),
        "IT_UPTIME": (99.6, None, None, f"pull:http:{fed.prometheus.url}"),
    }
    capsys.readouterr()
    written, audited = fingerprint(demo_url), _audit_rows(demo_url)
    assert cli.main(["--db", demo_url, "pull", "--month", "2026-11"]) == 0  # the second time: nothing
    assert "0 new, 0 replaced, 4 unchanged" in capsys.readouterr().out
    assert _audit_rows(demo_url) == audited and fingerprint(demo_url) == written


def test_a_pull_replaces_a_months_typed_value_and_says_so(demo_duckdb_url, fed, capsys):
    _define(demo_duckdb_url, fed.definitions)
    assert cli.main(["--db", demo_duckdb_url, "pull", "--month", "2026-10", "--kpi", "cs_fcr"]) == 0
    out = capsys.readouterr().out
    assert "CS_FCR\t75.00 (replaces" in out and "1 source, 0 new, 1 replaced" in out
    assert _stored(demo_duckdb_url, "2026-10") == {"CS_FCR": (75.0, 900.0, 1200.0, "pull:sql:warehouse")}


def test_a_pull_from_a_month_backfills_every_month_up_to_the_one_named_in_one_go(
    demo_duckdb_url, fed, capsys
):
    """`--from` pulls each month from it to `--month` (a backfill, or a recount after a priority's
    measure changed), one transaction; a `--from` after the month is a usage error."""
    _define(demo_duckdb_url, fed.definitions)
    before = fingerprint(demo_duckdb_url)
    code = cli.main(
        ["--db", demo_duckdb_url, "pull", "--from", "2026-11", "--month", "2026-10", "--kpi", "CS_FCR"]
    )
    assert code == 2 and "--from 2026-11 is after the month pulled, October 2026" in capsys.readouterr().err
    assert fingerprint(demo_duckdb_url) == before

    args = ["--db", demo_duckdb_url, "pull", "--from", "2026-10", "--month", "2026-11", "--kpi", "CS_FCR"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "2026-10\tCS_FCR\t75.00 (replaces" in out and "2026-11\tCS_FCR\t80.00 (new)" in out
    assert "2026-10: 1 source, 0 new, 1 replaced" in out and "2026-11: 1 source, 1 new" in out
    assert _stored(demo_duckdb_url, "2026-10")["CS_FCR"] == (75.0, 900.0, 1200.0, "pull:sql:warehouse")
    assert _stored(demo_duckdb_url, "2026-11")["CS_FCR"] == (80.0, 640.0, 800.0, "pull:sql:warehouse")


def test_a_pull_keeps_a_value_corrected_by_hand(demo_duckdb_url, fed, capsys):
    """A lead corrects October's first-contact resolution; the nightly pull (days 1-7 from cron)
    used to put the source's figure back over it. The correction stays, its line says so, and
    a corrected ratio no longer keeps the parts of the pulled one."""
    _define(demo_duckdb_url, fed.definitions)
    pull = ["--db", demo_duckdb_url, "pull", "--month", "2026-10", "--kpi", "CS_FCR"]
    assert cli.main(pull) == 0  # 75 % = 900 / 1,200 from the warehouse
    fixed = ["--db", demo_duckdb_url, "correct", "--kpi", "CS_FCR", "--month", "2026-10", "--value", "73"]
    assert cli.main(fixed) == 0
    capsys.readouterr()
    written, audited = fingerprint(demo_duckdb_url), _audit_rows(demo_duckdb_url)
    assert cli.main(pull) == 0
    out = capsys.readouterr().out
    assert "CS_FCR\t73.00 kept: corrected by hand (the source says 75.00)" in out
    assert "1 value corrected by hand was kept" in out
    assert fingerprint(demo_duckdb_url) == written and _audit_rows(demo_duckdb_url) == audited
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        table = schema.measurement
        row = conn.execute(
            sa.select(table.c.value, table.c.numerator, table.c.denominator, table.c.source).where(
                table.c.kpi == "CS_FCR", table.c.month == sa.func.cast("2026-10-01", sa.Date)
            )
        ).one()
    assert tuple(row) == (73.0, None, None, "correction")


def test_a_month_a_source_has_no_value_for_is_missing_not_failed(demo_duckdb_url, fed, capsys):
    _define(demo_duckdb_url, fed.definitions)
    assert cli.main(["--db", demo_duckdb_url, "pull", "--month", "2026-08", "--kpi", "CS_WAIT"]) == 0
    assert "no value for the month yet" in capsys.readouterr().out


BAD = """
[[source]]
kpi = "CS_WAIT"
kind = "files"
query = "SELECT '2026-11' AS month, 'n/a' AS value"

[[source]]
kpi = "CS_FCR"
kind = "sql"
connection = "warehouse"
query = "SELECT month, wait AS value FROM monthly UNION ALL SELECT month, wait FROM monthly"

[[source]]
kpi = "IT_UPTIME"
kind = "http"
url = "{silent}"
query = "up"
timeout = 1
"""


def test_a_pull_with_any_bad_source_writes_nothing_and_names_each(demo_url, fed, capsys):
    with feeds.silent_server() as silent:
        _define(demo_url, fed.definitions)
        _define(demo_url, BAD.format(silent=silent))  # three of the four replaced
        _stored_past_the_check(demo_url, "CS_AHT", query="DELETE FROM t")  # the file would refuse it
        before = fingerprint(demo_url)
        assert cli.main(["--db", demo_url, "pull", "--month", "2026-11"]) == 1
    err = capsys.readouterr().err
    assert "CS_WAIT (pull:files), row 1, column value: “n/a” (text) is not a number" in err
    assert "CS_FCR (pull:sql:warehouse), row 4, column month: 2026-09 comes again (first in row 1)" in err
    assert f"IT_UPTIME (pull:http:{silent}): no answer within its timeout of 1 s" in err
    assert "CS_AHT (pull:files): the query is a DELETE statement" in err
    assert "Nothing was written: fix the 6 problems above" in err
    assert "Traceback" not in err
    assert fingerprint(demo_url) == before


def test_a_kpi_without_a_source_or_unknown(demo_duckdb_url, fed, capsys):
    _define(demo_duckdb_url, fed.definitions)
    assert cli.main(["--db", demo_duckdb_url, "pull", "--month", "2026-11", "--kpi", "NPS"]) == 1
    assert "NPS has no source" in capsys.readouterr().err
    assert cli.main(["--db", demo_duckdb_url, "pull", "--month", "2026-11", "--kpi", "NOPE"]) == 2


FILES_ONLY = """
[[source]]
kpi = "CS_WAIT"
kind = "files"
query = "SELECT month, wait AS value FROM read_csv('{csv}')"
"""


@pytest.mark.parametrize("step", ["values written", "committing"])
def test_a_pull_killed_half_way_leaves_nothing(demo_duckdb_url, tmp_path, step):
    files = feeds.write_files(tmp_path / "exports")
    _define(demo_duckdb_url, FILES_ONLY.format(csv=files["csv"]))
    before = fingerprint(demo_duckdb_url)
    killed = killed_at(["--db", demo_duckdb_url, "pull", "--month", "2026-11"], step)
    assert killed.reached[-1] == step, killed
    assert fingerprint(demo_duckdb_url) == before


def test_a_pull_on_a_busy_store_exits_3(demo_duckdb_url, tmp_path):
    files = feeds.write_files(tmp_path / "exports")
    _define(demo_duckdb_url, FILES_ONLY.format(csv=files["csv"]))
    path = demo_duckdb_url.removeprefix("duckdb:///")
    result = run_on_held_store(path, ["--db", demo_duckdb_url, "pull", "--month", "2026-11"])
    assert result.returncode == 3, result.stderr
    assert "busy" in result.stderr and "Traceback" not in result.stderr


TOKENED = """
[[source]]
kpi = "IT_UPTIME"
kind = "http"
url = "{url}"
connection = "{token}"
query = "avg(up) * 100"
timeout = 5
"""


def test_a_redirecting_endpoint_is_refused_and_nothing_is_written(demo_url, fed, monkeypatch, capsys):
    """The server a source names answers with a redirect elsewhere: the pull refuses it, names
    where it pointed, writes nothing, and the token never reaches the other server."""
    monkeypatch.setenv("KPI_TOKEN_PROM", "t0ken")
    with feeds.Prometheus({}) as mover:
        _define(demo_url, TOKENED.format(url=mover.url, token="prom"))
        mover.redirect = fed.prometheus.url
        before = fingerprint(demo_url)
        assert cli.main(["--db", demo_url, "pull", "--month", "2026-11"]) == 1
    err = capsys.readouterr().err
    assert f"IT_UPTIME (pull:http:{mover.url}): the endpoint redirected (302) to {fed.prometheus.url}/" in err
    assert mover.authorization == ["Bearer t0ken"] and fed.prometheus.authorization == []
    assert fingerprint(demo_url) == before


def test_a_database_connection_is_never_sent_as_a_token(demo_duckdb_url, fed, tmp_path, capsys):
    """`warehouse` holds a database URL with its password (KPI_SOURCE_WAREHOUSE): named as an
    http source's token, the definitions file is refused, and a source stored before that rule
    (written past the check) is refused by the pull before anything is sent."""
    path = tmp_path / "sources.toml"
    path.write_text(TOKENED.format(url=fed.prometheus.url, token="warehouse"), encoding="utf-8")
    before = fingerprint(demo_duckdb_url)
    assert cli.main(["--db", demo_duckdb_url, "sources", "--file", str(path)]) == 1
    err = capsys.readouterr().err
    assert "column connection: warehouse is a database connection, not a token" in err
    assert fingerprint(demo_duckdb_url) == before
    _define(demo_duckdb_url, fed.definitions)
    _stored_past_the_check(demo_duckdb_url, "IT_UPTIME", connection="warehouse")
    before = fingerprint(demo_duckdb_url)
    assert cli.main(["--db", demo_duckdb_url, "pull", "--month", "2026-11"]) == 1
    assert "IT_UPTIME (pull:http:" in (err := capsys.readouterr().err) and "is a database connection" in err
    assert fed.prometheus.asked == [] and fingerprint(demo_duckdb_url) == before


def test_a_pulled_value_far_from_its_kpi_s_usual_ones_is_named_and_written(demo_duckdb_url, fed, capsys):
    """A source whose query changed its units (minutes for seconds, a share for per cent) gives
    values that pass every bound: the pull names each far from its KPI's usual ones, as an
    import does, and writes it all the same (one check of what is usual, `store.usual`)."""
    scaled = f"""
[[source]]
kpi = "CS_AHT"
kind = "files"
query = "SELECT month, wait * 1000 AS value FROM '{fed.files["parquet"]}'"
"""
    _define(demo_duckdb_url, scaled)
    assert (
        cli.main(["--db", demo_duckdb_url, "--lang", "en", "pull", "--month", "2026-11", "--kpi", "CS_AHT"])
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "Check the value far from its KPI's usual ones before the meeting sees it: CS_AHT, Nov 2026: 35,000\xa0s, "
        in out
    )
    assert _stored(demo_duckdb_url, "2026-11")["CS_AHT"][0] == 35000.0
