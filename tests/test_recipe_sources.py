"""Recipe sources: a KPI's values computed by a CX recipe over raw event files. The check of
their definitions (every bad field, every problem at once, in both languages), the recipes the
check knows being exactly the recipes that run, and pulls through them on DuckDB and
PostgreSQL stores from files the test writes: value, numerator and denominator written, a second
pull changing nothing, a bad file refusing the pull with the file named."""

from __future__ import annotations

import inspect
import threading
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from kpi import cli
from kpi.domain import recipe_query, sources
from kpi.domain.checks import Known, KnownKpi
from kpi.domain.errors import CockpitError
from kpi.domain.model import Aggregation
from kpi.domain.sources import Source, SourceKind
from kpi.sources import confine, recipes, running, zone
from kpi.sources.failing import SourceFailed
from kpi.store import engine, schema, sourcing
from kpi.text import i18n, words
from tests.conftest import as_admin
from tests.sharing import fingerprint
from tests.test_pull import _audit_rows, _define, _stored

KNOWN = Known(
    kpis={
        "SL": KnownKpi("%", Aggregation.MEAN),
        "WAIT": KnownKpi("s", Aggregation.MEAN),
        "DOWN": KnownKpi("min", Aggregation.SUM),
    }
)
GOOD = {"kpi": "SL", "kind": "recipe", "url": "calls.parquet", "query": "service_level(within_s=20)"}


def _keys(change: dict, found=lambda path: True) -> list[tuple[str, str]]:
    return [(p.field, p.key) for p in sources.check({**GOOD, **change}, KNOWN, found=found)]


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, []),
        ({"query": "service_level(within_s=30, short_abandon_s=0, queue='invoice')"}, []),
        ({"kpi": "WAIT", "query": "wait_percentile(percentile=90, queue='invoice')"}, []),
        ({"query": "abandoned_baskets(basket_events=['add', 'wish'], session_key='customer_id')"}, []),
        ({"query": "checkout_abandonment(order_events='purchase')"}, []),  # one name is a list of one
        ({"kpi": "DOWN", "query": "unplanned_downtime(maintenance='m.csv', interval_s=300)"}, []),
        ({"url": "calls/2026-*.parquet; old/*.csv"}, []),
        ({"query": "service_level"}, [("query", "recipe_syntax")]),  # not a call
        ({"query": "service_level(20)"}, [("query", "recipe_syntax")]),  # not by name
        ({"query": "__import__('os').system('x')"}, [("query", "recipe_syntax")]),
        ({"query": "service_level(**{'within_s': 1})"}, [("query", "recipe_syntax")]),
        ({"query": "service_level(within_s=1, within_s=2)"}, [("query", "recipe_syntax")]),
        # nesting that exhausted Python's parser (RecursionError, then MemoryError): refused, not a crash
        ({"query": "service_level(queue=" + "-" * 1900 + "1)"}, [("query", "recipe_text")]),
        ({"query": "service_level(queue=" + "-" * 5000 + "1)"}, [("query", "recipe_syntax")]),
        ({"query": "nps(within_s=20)"}, [("query", "unknown_recipe")]),
        ({"query": "service_level(month='2026-10')"}, [("query", "recipe_choice")]),  # the pull's
        ({"query": "service_level(by_queue=True)"}, [("query", "recipe_choice")]),
        ({"query": "service_level(within_s='20')"}, [("query", "recipe_seconds")]),
        ({"query": "service_level(within_s=-1)"}, [("query", "recipe_seconds")]),
        ({"query": "service_level(within_s=True)"}, [("query", "recipe_seconds")]),
        ({"query": "service_level(within_s=float('nan'))"}, [("query", "recipe_seconds")]),
        ({"query": "service_level(within_s=1e9)"}, [("query", "recipe_seconds")]),
        ({"kpi": "WAIT", "query": "wait_percentile(percentile=101)"}, [("query", "recipe_percentile")]),
        ({"kpi": "DOWN", "query": "unplanned_downtime(interval_s=0)"}, [("query", "recipe_interval")]),
        ({"query": "service_level(queue='  ')"}, [("query", "recipe_text")]),
        ({"query": "service_level(queue=7)"}, [("query", "recipe_text")]),
        ({"query": "abandoned_baskets(session_key='a b')"}, [("query", "recipe_column")]),
        ({"query": "abandoned_baskets(basket_events=[])"}, [("query", "recipe_events")]),
        ({"query": "abandoned_baskets(basket_events=['a', 2])"}, [("query", "recipe_events")]),
        ({"query": "availability(maintenance=3)"}, [("query", "recipe_files")]),
        ({"query": "mean_wait()"}, [("query", "recipe_unit")]),  # seconds into a KPI in %
        ({"kpi": "WAIT", "query": "service_level()"}, [("query", "recipe_unit")]),
        ({"url": None}, [("url", "required")]),
        ({"connection": "warehouse"}, [("connection", "source_no_connection")]),
        ({"timeout": 0}, [("timeout", "bad_timeout")]),
    ],
)
def test_a_recipe_source_is_checked(change, expected):
    assert _keys(change) == expected


def test_event_files_that_are_not_there_are_named_each():
    change = {
        "kpi": "DOWN",
        "url": "probes/*.parquet;up.csv",
        "query": "unplanned_downtime(maintenance='m.csv')",
    }
    there = {"up.csv"}
    found = sources.check({**GOOD, **change}, KNOWN, found=lambda path: path in there)
    assert [(p.field, p.key, dict(p.params)["value"]) for p in found] == [
        ("url", "no_files", "probes/*.parquet"),
        ("query", "no_files", "m.csv"),
    ]


def test_every_problem_of_a_recipe_source_at_once_in_both_languages():
    fields = {
        "kpi": "WAIT",
        "kind": "recipe",
        "connection": "warehouse",
        "query": "wait_percentile(percentile=150, queue=3, colour='red')",
        "url": "nowhere.parquet",
        "timeout": 9999,
    }
    found = sources.check(fields, KNOWN, found=lambda path: False)
    assert [p.key for p in found] == [
        "source_no_connection",
        "recipe_percentile",
        "recipe_text",
        "recipe_choice",
        "no_files",
        "bad_timeout",
    ]
    english = words.said(CockpitError(found))
    assert "percentile = 150 is not a percentile from 0 to 100" in english
    assert "wait_percentile has no choice “colour”: its choices are percentile, queue" in english
    assert "no file matches “nowhere.parquet”" in english
    with i18n.use("da"):
        danish = words.said(CockpitError(found))
    assert "percentile = 150 er ikke en percentil fra 0 til 100" in danish
    assert "ingen fil passer til »nowhere.parquet«" in danish


def test_every_kind_of_choice_and_recipe_problem_has_words_in_every_language():
    keys = [f"problem.recipe_{expects}" for expects in recipe_query.Expects]
    keys += [
        "problem.recipe_syntax",
        "problem.unknown_recipe",
        "problem.recipe_choice",
        "problem.recipe_unit",
    ]
    for language in i18n.languages():
        assert [k for k in keys if k not in i18n.catalogue(language)] == [], language


def test_the_recipes_a_source_may_name_are_the_recipes_that_run_with_their_choices():
    assert set(recipe_query.RECIPES) == set(recipes.RECIPES)
    for name, recipe in recipe_query.RECIPES.items():
        parameters = inspect.signature(recipes.RECIPES[name]).parameters
        taken = {p for p in parameters if p not in ("files", "probes", "month", "by_queue")}
        assert set(recipe.choices) == taken, name


def test_a_recipe_sources_label_names_its_recipe():
    source = Source("SL", SourceKind.RECIPE, "service_level(within_s=20)", url="calls.parquet")
    assert source.label == "pull:recipe:service_level"


def test_a_recipe_that_takes_longer_than_its_timeout_is_refused(monkeypatch):
    released = threading.Event()

    def stuck(files, **choices):
        released.wait(60)  # until the test lets it go: no fixed sleep
        return []

    monkeypatch.setitem(recipes.RECIPES, "service_level", stuck)
    source = Source("SL", SourceKind.RECIPE, "service_level()", url="calls.parquet", timeout=1)
    try:
        with pytest.raises(SourceFailed) as caught:
            running.run(source, date(2026, 11, 1), None)
    finally:
        released.set()
    assert [p.key for p in caught.value.problems] == ["source.timeout"]
    assert "no answer within its timeout of 1 s" in words.said(caught.value)


# --- pulls through recipe sources, on both backends ---------------------------------------------

NOVEMBER = "2026-11"


def _calls(folder: Path) -> Path:
    """Nine calls in November 2026 and one in October (not pulled with November).
    Invoice: answered after 10 s, 20 s and 95 s; abandoned after 30 s; abandoned after 3 s
    (a short abandon: counted nowhere). Orders: answered after 5 s and 40 s; abandoned after 60 s;
    one still waiting (no answer, no abandon: not counted). October: answered after 1 s."""
    path = folder / "calls.csv"
    rows = [
        ("invoice", "2026-11-02 09:00:00", "2026-11-02 09:00:10", ""),
        ("invoice", "2026-11-02 09:01:00", "2026-11-02 09:01:20", ""),
        ("invoice", "2026-11-03 10:00:00", "2026-11-03 10:01:35", ""),
        ("invoice", "2026-11-03 10:05:00", "", "2026-11-03 10:05:30"),
        ("invoice", "2026-11-04 11:00:00", "", "2026-11-04 11:00:03"),
        ("orders", "2026-11-04 11:10:00", "2026-11-04 11:10:05", ""),
        ("orders", "2026-11-05 12:00:00", "2026-11-05 12:00:40", ""),
        ("orders", "2026-11-05 12:30:00", "", "2026-11-05 12:31:00"),
        ("orders", "2026-11-30 17:59:00", "", ""),
        ("orders", "2026-10-31 08:00:00", "2026-10-31 08:00:01", ""),
    ]
    lines = ["queue,offered_at,answered_at,abandoned_at", *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _probes(folder: Path) -> tuple[Path, Path]:
    """A probe a minute over November 2026 (43,200), down for minutes 100-109 (10 unplanned
    minutes) and 2000-2059, which a maintenance window covers (60 planned minutes)."""
    minutes = 30 * 24 * 60
    first = 1_793_491_200_000_000  # 2026-11-01 00:00:00 UTC in µs
    up = [not (100 <= m < 110 or 2000 <= m < 2060) for m in range(minutes)]
    table = pa.table(
        {
            "at": pa.array([first + m * 60_000_000 for m in range(minutes)], pa.timestamp("us")),
            "up": pa.array(up, pa.bool_()),
        }
    )
    probes = folder / "probes.parquet"
    pq.write_table(table, probes)
    windows = folder / "maintenance.csv"
    windows.write_text("start,end\n2026-11-02 09:20:00,2026-11-02 10:20:00\n", encoding="utf-8")
    return probes, windows


def _definitions(calls: Path, probes: Path, windows: Path) -> str:
    return f"""
[[source]]
kpi = "CS_SL"
kind = "recipe"
url = "{calls}"
query = "service_level(within_s=20)"

[[source]]
kpi = "CS_INVOICE_WAIT"
kind = "recipe"
url = "{calls}"
query = "mean_wait(queue='invoice')"

[[source]]
kpi = "CS_ABANDON"
kind = "recipe"
url = "{calls}"
query = "abandonment(short_abandon_s=5)"

[[source]]
kpi = "IT_DOWNTIME"
kind = "recipe"
url = "{probes}"
query = "unplanned_downtime(maintenance='{windows}')"

[[source]]
kpi = "IT_UPTIME"
kind = "recipe"
url = "{probes}"
query = "availability(maintenance='{windows}')"
"""


def test_a_pull_through_recipe_sources_writes_the_ratio_once(demo_url, tmp_path, capsys):
    calls, (probes, windows) = _calls(tmp_path), _probes(tmp_path)
    _define(demo_url, _definitions(calls, probes, windows))
    assert cli.main(["--db", demo_url, "pull", "--month", NOVEMBER]) == 0
    assert "5 sources, 5 new" in capsys.readouterr().out
    # counted calls: 4 answered (10, 20, 95 s invoice; 5, 40 s orders) = 5, + 2 abandoned after
    # more than 5 s (30, 60 s) = 7; the 3 s abandon and the call still waiting are not counted.
    # Within 20 s: 10, 20, 5 → 3 of 7. Abandoned: 2 of 7. Invoice wait: (10 + 20 + 95) / 3.
    # Probes: 43,200 less 60 in the window = 43,140 counted, 10 of them down.
    assert _stored(demo_url, NOVEMBER) == {
        "CS_SL": (round(300 / 7, 4), 3.0, 7.0, "pull:recipe:service_level"),
        "CS_ABANDON": (round(200 / 7, 4), 2.0, 7.0, "pull:recipe:abandonment"),
        "CS_INVOICE_WAIT": (round(125 / 3, 4), 125.0, 3.0, "pull:recipe:mean_wait"),
        "IT_DOWNTIME": (10.0, 10.0, 1.0, "pull:recipe:unplanned_downtime"),
        "IT_UPTIME": (round(43_130 / 43_140 * 100, 4), 43_130.0, 43_140.0, "pull:recipe:availability"),
    }
    written, audited = fingerprint(demo_url), _audit_rows(demo_url)
    assert cli.main(["--db", demo_url, "pull", "--month", NOVEMBER]) == 0  # the second time: nothing
    assert "0 new, 0 replaced, 5 unchanged" in capsys.readouterr().out
    assert _audit_rows(demo_url) == audited and fingerprint(demo_url) == written


def test_a_recipe_source_reads_its_folders_and_nothing_else(tmp_path):
    """A recipe's event files are named by an administrator too: outside the KPI_SOURCE_FOLDERS
    folders the recipe reads nothing (a cell of any file could come back in a problem)."""
    inside, outside = tmp_path / "exports", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    source = Source("CS_SL", SourceKind.RECIPE, "service_level(within_s=20)", url=str(_calls(outside)))
    token = confine.FOLDERS.set((str(inside),))
    try:
        with pytest.raises(SourceFailed) as caught:
            running.run(source, date(2026, 11, 1), None)
        moved = Source("CS_SL", SourceKind.RECIPE, "service_level(within_s=20)", url=str(_calls(inside)))
        [row] = running.run(moved, date(2026, 11, 1), None)
    finally:
        confine.FOLDERS.reset(token)
    assert "KPI_SOURCE_FOLDERS" in words.said(caught.value)
    assert (row["numerator"], row["denominator"]) == (3.0, 7.0)  # as the pull test works it out


def test_a_source_whose_kpi_changed_since_is_refused_at_the_pull(demo_url, tmp_path, capsys):
    """A source is checked when it is defined, and again before it runs: CS_SL's unit changed
    to seconds after its service-level recipe was defined would have written 42.86 % as 42.86 s."""
    calls, (probes, windows) = _calls(tmp_path), _probes(tmp_path)
    _define(demo_url, _definitions(calls, probes, windows))
    with engine.writing(engine.create(demo_url)) as conn:
        conn.execute(sa.update(schema.kpi).where(schema.kpi.c.code == "CS_SL").values(unit="s"))
    before = fingerprint(demo_url)
    assert cli.main(["--db", demo_url, "pull", "--month", NOVEMBER]) == 1
    err = capsys.readouterr().err
    assert "CS_SL (pull:recipe:service_level)" in err and "service_level gives a value in %" in err, err
    assert fingerprint(demo_url) == before


def test_recipe_sources_export_as_the_file_that_loads_them_unchanged(demo_duckdb_url, tmp_path):
    calls, (probes, windows) = _calls(tmp_path), _probes(tmp_path)
    _define(demo_duckdb_url, _definitions(calls, probes, windows))
    store = engine.create(demo_duckdb_url)
    with engine.reading(store) as conn:
        exported = sourcing.export(conn)
    assert 'kind = "recipe"' in exported
    assert sourcing.load(store, exported.encode(), "sources.toml", as_admin()) == Counter(unchanged=5)


def test_a_recipe_source_over_a_bad_file_refuses_the_pull_naming_the_file(demo_duckdb_url, tmp_path, capsys):
    calls, (probes, windows) = _calls(tmp_path), _probes(tmp_path)
    _define(demo_duckdb_url, _definitions(calls, probes, windows))
    calls.write_text(
        "queue,offered,answered_at,abandoned_at\ninvoice,2026-11-02 09:00:00,,\n", encoding="utf-8"
    )
    before = fingerprint(demo_duckdb_url)
    assert cli.main(["--db", demo_duckdb_url, "pull", "--month", NOVEMBER]) == 1
    err = capsys.readouterr().err
    assert f"CS_SL (pull:recipe:service_level), {calls}: columns missing: offered_at" in err
    assert "Nothing was written" in err and "Traceback" not in err
    assert fingerprint(demo_duckdb_url) == before


def test_a_definitions_file_with_bad_recipe_sources_is_refused_whole(demo_duckdb_url, tmp_path, capsys):
    calls = _calls(tmp_path)
    text = f"""
[[source]]
kpi = "CS_SL"
kind = "recipe"
url = "{calls}"
query = "service_level(within_s=20)"

[[source]]
kpi = "CS_WAIT"
kind = "recipe"
url = "{tmp_path}/missing/*.parquet"
query = "service_level(within='20')"
"""
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    before = fingerprint(demo_duckdb_url)
    assert cli.main(["--db", demo_duckdb_url, "sources", "--file", str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 2" in err and "service_level has no choice “within”" in err
    assert f"no file matches “{tmp_path}/missing/*.parquet”" in err
    assert fingerprint(demo_duckdb_url) == before


@pytest.mark.parametrize(
    "name, month", [("UTC", date(2026, 10, 1)), ("Europe/Copenhagen", date(2026, 11, 1))]
)
def test_a_recipe_source_counts_in_the_zone_of_its_caller(tmp_path, name, month):
    """The recipe runs on a thread of its own: the caller's time zone goes with it, as its folders
    do. 31 October 23:30 UTC is November's in Copenhagen."""
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "queue,offered_at,answered_at,abandoned_at\ninvoice,2026-10-31T23:30:00Z,2026-10-31T23:30:40Z,\n",
        encoding="utf-8",
    )
    source = Source("WAIT", SourceKind.RECIPE, "mean_wait()", url=str(calls))
    with zone.within(name):
        found = {m: running.run(source, m, None) for m in (date(2026, 10, 1), date(2026, 11, 1))}
    assert {m: [row["value"] for row in rows] for m, rows in found.items() if rows} == {month: [40.0]}
