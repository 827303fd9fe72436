"""Closing a month: the meeting sees the month as it was closed; later changes show as revised."""

import json
import re
from datetime import date

import pytest

from kpi import cli
from kpi.domain import snapshot
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.errors import Denied, Refused, Unavailable
from kpi.store import closing, decks, engine, importing, monthly, queries
from kpi.text import fmt
from tests.conftest import rejected_with
from tests.test_edits import ADMIN, CS_HEAD, last_audit

OCTOBER = date(2026, 10, 1)


def meeting(url, scope=EVERYTHING, language="en"):
    with engine.reading(engine.create(url)) as conn:
        return closing.meeting_month(conn, scope, OCTOBER, language)


def test_a_closed_month_keeps_its_numbers_and_marks_revisions(demo_url):
    store = engine.create(demo_url)
    live_before = meeting(demo_url)
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, OCTOBER)
    audit = last_audit(demo_url)
    assert audit["table_name"] == "month_close" and audit["who"] == ADMIN.email
    importing.run(store, "measurements", b"kpi;month;value\nCS_WAIT;2026-10;99\n", "late.csv", ADMIN)
    with engine.writing(
        store
    ) as conn:  # a later change of the goal's target does not move the meeting either
        conn.exec_driver_sql("UPDATE goal SET target = 100 WHERE code = 'O1'")
    seen = meeting(demo_url)
    assert seen.is_closed and seen.closed_by == ADMIN.email
    assert seen.report.kpis["CS_WAIT"].value.value == live_before.report.kpis["CS_WAIT"].value.value
    assert seen.report.goals["O1"].goal.target == 60
    assert seen.revised["CS_WAIT"] == (pytest.approx(live_before.report.kpis["CS_WAIT"].value.value), 99.0)
    assert set(seen.revised) == {"CS_WAIT"}
    assert seen.report.goals["S2"].mismatch is not None  # the frozen report is whole
    with engine.reading(store) as conn:  # the live store has the new value
        live = {v.kpi: v.value for v in queries.month_values(conn, EVERYTHING, OCTOBER, OCTOBER)}
    assert live["CS_WAIT"] == 99


def test_the_snapshot_is_scoped_and_in_the_readers_language(demo_duckdb_url):
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        closing.close(conn, ADMIN, OCTOBER)
    cs = meeting(demo_duckdb_url, Scope(frozenset({"CS"})), "da")
    assert {r.kpi.department for r in cs.report.kpis.values()} == {"CS"}
    assert cs.report.kpis["CS_WAIT"].kpi.name == "Gennemsnitlig ventetid i telefonen"
    assert all(c.kpi in cs.report.kpis or c.goal in cs.report.goals for c in cs.commentary)
    assert meeting(demo_duckdb_url, Scope(frozenset())).report.kpis == {}


def test_closing_is_for_admins_once_and_needs_data(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    with (
        rejected_with("Only administrators close a month or open it again.", Denied),
        engine.writing(store) as conn,
    ):
        closing.close(conn, CS_HEAD, OCTOBER)  # the close's own words, not "change definitions"
    with rejected_with("March 2027 has no values", Refused), engine.writing(store) as conn:
        closing.close(conn, ADMIN, date(2027, 3, 1))
    with engine.writing(store) as conn:
        when = closing.close(conn, ADMIN, OCTOBER)
    # when, in the reader's format, as the close itself said it (it read 2026-11-03 14:02)
    with (
        rejected_with(f"October 2026 was closed on {fmt.moment(when)}", Refused),
        engine.writing(store) as conn,
    ):
        closing.close(conn, ADMIN, OCTOBER)


def test_close_from_the_command_line(demo_duckdb_url, capsys):
    # with comments still owed it closes nothing and says what is missing, as the Data page waits
    # for "close it now anyway" (a day-one trial closed a month nine days early, told only after)
    assert cli.main(["--db", demo_duckdb_url, "close", "--month", "2026-10"]) == 1
    refused = capsys.readouterr()
    assert "October 2026 is closed" not in refused.out
    assert re.search(
        r"^Still owed for this month: \d+ comments\. Owed: [^:]+: [^;]+;", refused.err, re.MULTILINE
    )
    assert "Nothing was closed: to close it now anyway, run the command again with --anyway" in refused.err
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        assert closing.closed(conn, OCTOBER) is None
    assert cli.main(["--db", demo_duckdb_url, "close", "--month", "2026-10", "--anyway"]) == 0
    out = capsys.readouterr().out
    assert "October 2026 is closed" in out
    # as the Data page says, with whose they are and on what ("1 comment" named neither)
    assert re.search(r"^Still owed for this month: \d+ comments\. Owed: [^:]+: [^;]+;", out, re.MULTILINE), (
        out
    )
    assert cli.main(["--db", demo_duckdb_url, "close", "--month", "2026-10"]) == 1
    assert "was closed on" in capsys.readouterr().err
    # a department head is refused first, and told nothing of what every department owes
    head = ["--db", demo_duckdb_url, "--as", CS_HEAD.email, "close", "--month", "2026-09"]
    assert cli.main(head) == 1
    said = capsys.readouterr()
    assert "Only administrators close a month" in said.err and "Still owed" not in said.err + said.out
    assert cli.main(["--db", demo_duckdb_url, "close"]) == 2


def test_a_snapshot_of_an_unknown_format_is_refused_not_misread():
    frozen = snapshot.freeze(OCTOBER, [], {"en": ([], [], [])})
    assert snapshot.thaw(frozen, "en", EVERYTHING).month == OCTOBER
    newer = json.dumps(json.loads(frozen) | {"format": snapshot.FORMAT + 1})
    with rejected_with(r"snapshot format 2, which this release cannot read.*upgrade CX Cockpit", Unavailable):
        snapshot.thaw(newer, "en", EVERYTHING)


@pytest.mark.parametrize("scope", [EVERYTHING, Scope(frozenset({"CS"}))], ids=["everything", "CS"])
def test_an_open_month_s_deck_made_from_kept_reads_equals_the_deck_built_from_the_store(demo_url, scope):
    """The app makes an open month's deck from its cached report, commentary and reopenings
    (`closing.open_month`) and its other cached reads (`decks.made`); the slides are the ones a
    pack builds from the store (tests/test_shared_rows.py checks the app's own, closed months too)."""
    from kpi.store import drivers, queries

    with engine.reading(engine.create(demo_url)) as conn:
        meeting = closing.open_month(
            monthly.month_report(conn, scope, OCTOBER, "en"),
            queries.commentary(conn, scope, OCTOBER, OCTOBER, "en"),
            closing.reopenings(conn, OCTOBER),
        )
        shown = decks.reads(conn, scope, OCTOBER, "en")
        made = decks.made(
            meeting, shown, scope, OCTOBER, lambda: drivers.for_the_pack(conn, scope, OCTOBER, "en")
        )
        assert made == decks.slides(conn, scope, OCTOBER, "en", OCTOBER)
        assert len(made) > 5
