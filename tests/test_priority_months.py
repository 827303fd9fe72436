"""A service priority's counted months (issue 18, review findings #4 and #8): a month is tied to
the measure that counted it, and a count that fails, cannot read its files or takes too long is
a named problem that writes nothing, never a traceback.

The calls are tests/test_priority_events.py's (SP1, "80 % of invoice calls answered within 90 s"):
September holds one invoice call, answered after 20 s; October ten counted invoice calls,
answered after 100, 120, 175 and 30 s on the 14th, 40, 50 and 60 s on the 15th, 70, 80 and 85 s
on the 16th, plus a short abandon (3 s, not counted) and a sales call answered after 300 s.
By hand, with the promise moved from 90 s to 120 s:
    answered within 120 s = 100, 120, 30 | 40, 50, 60 | 70, 80, 85 = 9 of 10 = 90 %
    worst day = 14 Oct: 3 of 4 = 75 % (the 15th and 16th: 3 of 3)
and with the queue left out (every queue's calls), at 90 s: 7 of 11 (the sales call waited 300 s).
"""

from __future__ import annotations

import threading
from datetime import date

import duckdb
import pytest
import sqlalchemy as sa

from kpi import cli
from kpi.domain.access import EVERYTHING
from kpi.domain.errors import Problem
from kpi.sources import calls, confine, events
from kpi.sources.failing import SourceFailed
from kpi.store import definitions, engine, priority_pulling, pulling, queries, schema
from kpi.text import words
from tests.sharing import fingerprint
from tests.test_priority_events import (
    OCT,
    SP1_FORM,
    _define,
    _months,
    write_csv,
)
from tests.test_priority_events import (
    definitions as sp1_definitions,
)

SEP = date(2026, 9, 1)
ADMIN = "sofie.dahl@havnhjem.example"


def _deleted_months(url: str) -> list[str]:
    """The audit's keys of deleted priority months."""
    a = schema.audit
    stmt = sa.select(a.c.key).where(a.c.table_name == "priority_month", a.c.after.is_(None)).order_by(a.c.key)
    with engine.reading(engine.create(url)) as conn:
        return list(conn.execute(stmt).scalars())


def _pull(url: str, month: str) -> None:
    assert cli.main(["--db", url, "pull", "--month", month]) == 0


# --- #4: a month is tied to the measure that counted it ---------------------------------------------


def test_a_new_promise_forgets_the_months_counted_under_the_old_one(demo_url, tmp_path, capsys):
    files = write_csv(tmp_path / "calls")
    at_90 = sp1_definitions(files)
    _define(demo_url, at_90)
    _pull(demo_url, "2026-09")
    _pull(demo_url, "2026-10")
    assert [row[:4] for row in _months(demo_url)] == [("SP1", SEP, 1.0, 1.0), ("SP1", OCT, 7.0, 10.0)]

    at_120 = at_90.replace("within_s = 90", "within_s = 120")
    _define(demo_url, at_120)
    assert _months(demo_url) == []  # not judged by 90-second counts against a 120-second promise
    assert _deleted_months(demo_url) == ["SP1|2026-09-01", "SP1|2026-10-01"]  # audited, whole rows

    capsys.readouterr()
    _pull(demo_url, "2026-10")
    assert "SP1\t90.00 (new)" in capsys.readouterr().out
    assert _months(demo_url) == [("SP1", OCT, 9.0, 10.0, date(2026, 10, 14), 75.0, f"pull:calls:{files}")]

    _define(demo_url, at_120.replace("share = 80", "share = 95"))  # the share needed only judges
    assert [row[:4] for row in _months(demo_url)] == [("SP1", OCT, 9.0, 10.0)]
    with engine.reading(engine.create(demo_url)) as conn:
        (sp1,) = [p for p in queries.service_priorities(conn, EVERYTHING) if p.code == "SP1"]
    assert sp1.events is not None and (sp1.events.within_s, sp1.events.share) == (120.0, 95.0)


def test_the_editor_forgets_the_counted_months_when_the_queue_changes_or_the_measure_goes(
    demo_duckdb_url, tmp_path, capsys
):
    url, files = demo_duckdb_url, write_csv(tmp_path / "calls")
    store = engine.create(url)
    with engine.reading(store) as conn:
        admin = queries.person(conn, ADMIN)
    measure = {"files": files, "queue": "invoice", "within_s": "90", "share": "80"}
    with engine.writing(store) as conn:
        definitions.save_priority(conn, admin, {**SP1_FORM, **measure}, is_new=False)
    _pull(url, "2026-10")
    with engine.writing(store) as conn:  # the same measure again: the month stays
        assert definitions.save_priority(conn, admin, {**SP1_FORM, **measure}, is_new=False) == "unchanged"
    assert [row[:4] for row in _months(url)] == [("SP1", OCT, 7.0, 10.0)]

    with engine.writing(store) as conn:  # every queue's calls now
        assert definitions.save_priority(conn, admin, {**SP1_FORM, **measure, "queue": ""}, is_new=False) == (
            "updated"
        )
    assert _months(url) == []
    _pull(url, "2026-10")
    assert [row[:4] for row in _months(url)] == [("SP1", OCT, 7.0, 11.0)]

    with engine.writing(store) as conn:  # the four left empty: judged by the KPI again
        assert definitions.save_priority(conn, admin, SP1_FORM, is_new=False) == "updated"
    assert _months(url) == []
    assert _deleted_months(url) == ["SP1|2026-10-01", "SP1|2026-10-01"]


def test_a_measure_changed_while_the_pull_counts_is_refused_not_written_back(
    demo_duckdb_url, tmp_path, monkeypatch, capsys
):
    url, files = demo_duckdb_url, write_csv(tmp_path / "calls")
    at_90 = sp1_definitions(files)
    _define(url, at_90)
    measure = priority_pulling.measure

    def then_changed(priorities, month):
        counted = measure(priorities, month)  # counted at 90 s …
        _define(url, at_90.replace("within_s = 90", "within_s = 120"))  # … and an editor saves 120 s
        return counted

    monkeypatch.setattr(priority_pulling, "measure", then_changed)
    capsys.readouterr()
    assert cli.main(["--db", url, "pull", "--month", "2026-10"]) == 1
    err = capsys.readouterr().err
    assert f"SP1 (pull:calls:{files}): its call records, queue or seconds changed while the pull" in err
    assert "Nothing was written" in err and "Traceback" not in err
    assert _months(url) == []


# --- #8: a count that fails is a named problem -------------------------------------------------------


def test_a_call_file_broken_past_duckdbs_first_look_refuses_the_pull_naming_it(demo_url, tmp_path, capsys):
    bad = tmp_path / "calls" / "calls-10.csv"
    bad.parent.mkdir()
    good = "invoice,2026-10-14 09:00:00,2026-10-14 09:01:00,\n"
    # DuckDB's sniffer reads the first 20,480 rows; the row with a column too many comes later
    bad.write_text(
        "queue,offered_at,answered_at,abandoned_at\n" + good * 25_000 + "invoice,2026-10-15 09:00:00,,,x\n",
        encoding="utf-8",
    )
    _define(demo_url, sp1_definitions(str(bad)))
    before = fingerprint(demo_url)
    capsys.readouterr()
    assert cli.main(["--db", demo_url, "pull", "--month", "2026-10"]) == 1
    err = capsys.readouterr().err
    assert f"SP1 ({bad}): the file cannot be read as its ending says" in err, err
    assert "Line: 25002" in err and "Nothing was written" in err and "Traceback" not in err
    assert fingerprint(demo_url) == before


def _sp1_defined(url: str, tmp_path) -> tuple[str, list[priority_pulling.Chosen]]:
    files = write_csv(tmp_path / "calls")
    _define(url, sp1_definitions(files))
    with engine.reading(engine.create(url)) as conn:
        return files, priority_pulling.chosen(conn)


def test_any_failure_of_the_count_is_a_problem_naming_the_priority(demo_duckdb_url, tmp_path, monkeypatch):
    files, chosen = _sp1_defined(demo_duckdb_url, tmp_path)

    def failing(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate a block")

    monkeypatch.setattr(calls, "compliance", failing)
    rows, problems = priority_pulling.measure(chosen, OCT)
    assert rows == {}
    assert [(p.key, p.file) for p in problems] == [("source.query_failed", f"SP1 (pull:calls:{files})")]
    with pytest.raises(SourceFailed) as caught:
        pulling.pull(engine.create(demo_duckdb_url), OCT, "test")
    assert "could not allocate a block" in words.said(caught.value)


def test_a_count_that_takes_too_long_is_refused_and_writes_nothing(demo_url, tmp_path, monkeypatch):
    files, _ = _sp1_defined(demo_url, tmp_path)
    released = threading.Event()

    def stuck(*args, **kwargs):
        released.wait(60)  # until the test lets it go: no fixed sleep
        return []

    monkeypatch.setattr(calls, "compliance", stuck)
    monkeypatch.setattr(priority_pulling, "COUNT_TIMEOUT_S", 0.2)
    before = fingerprint(demo_url)
    try:
        with pytest.raises(SourceFailed) as caught:
            pulling.pull(engine.create(demo_url), OCT, "test")
    finally:
        released.set()
    assert caught.value.problems == (
        Problem("source.count_timeout", "", (("seconds", 0.2),), file=f"SP1 (pull:calls:{files})"),
    )
    assert f"SP1 (pull:calls:{files}): the calls were not counted within 0.2\u00a0s" in words.said(
        caught.value
    )
    assert fingerprint(demo_url) == before


def test_event_files_are_read_by_a_duckdb_held_to_the_limits_of_one_home():
    unlimited = duckdb.connect(":memory:")
    default = unlimited.execute("SELECT current_setting('memory_limit')").fetchone()
    for connection in (events.new_connection(), confine.connect()):  # recipes and files sources
        with connection as con:
            memory, threads = con.execute(
                "SELECT current_setting('memory_limit'), current_setting('threads')"
            ).fetchone()
        assert (memory, threads) == ("1.0 GiB", confine.THREADS) and (memory,) != default
    assert confine.CONFIG["memory_limit"] == confine.MEMORY_LIMIT == "1GiB"
    assert 1 <= confine.THREADS <= 4
