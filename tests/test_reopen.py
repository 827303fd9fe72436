"""Reopening a closed month: administrators only, with a reason, audited; its packs say so."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
from pptx import Presentation

from kpi import cli
from kpi.domain.access import EVERYTHING
from kpi.domain.errors import Denied, Refused
from kpi.store import closing, decks, engine
from kpi.store import schema as s
from tests.conftest import rejected_with, table_counts
from tests.sharing import open_data_tab
from tests.test_edits import ADMIN, CS_HEAD
from tests.test_pages import texts
from tests.test_pages_admin import open_page

OCTOBER = date(2026, 10, 1)
REASON = "Customer service's October calls were counted twice; the vendor resent the file."


def _title_notes(url: str) -> str:
    with engine.reading(engine.create(url)) as conn:
        return "\n".join(decks.slides(conn, EVERYTHING, OCTOBER, "en")[0].notes)


def test_an_admin_reopens_a_closed_month_with_a_reason_and_it_is_kept(demo_url):
    store = engine.create(demo_url)
    with engine.writing(store) as conn:
        closed_at = closing.close(conn, ADMIN, OCTOBER)
    with engine.writing(store) as conn:
        when = closing.reopen(conn, ADMIN, OCTOBER, f"  {REASON}  ")
    with engine.reading(store) as conn:
        assert closing.closed(conn, OCTOBER) is None
        [kept] = closing.reopenings(conn, OCTOBER)
        audit = conn.execute(sa.select(s.audit).order_by(s.audit.c.id.desc()).limit(2)).mappings().all()
    assert (kept.at, kept.by, kept.reason, kept.closed_at) == (when, ADMIN.email, REASON, closed_at)
    reopened, undone = audit
    assert (reopened["table_name"], reopened["who"]) == ("month_reopen", ADMIN.email)
    assert undone["table_name"] == "month_close" and undone["after"] is None
    assert json.loads(undone["before"])["snapshot"]  # the close, snapshot and all, stays in the audit
    notes = _title_notes(demo_url)
    assert "Live numbers" in notes and f"by Sofie Dahl: {REASON}" in notes
    with engine.writing(store) as conn:  # closed anew: the pack still says it was reopened
        closing.close(conn, ADMIN, OCTOBER)
    notes = _title_notes(demo_url)
    assert (
        "the numbers as the meeting sees them" in notes and f"Reopened on {date.today():%-d %b %Y}" in notes
    )


def test_reopening_is_for_admins_with_a_reason_and_a_closed_month(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    with engine.reading(store) as conn:
        before = table_counts(conn)
    missing = r"Reason for reopening: required.*\n.*October 2026 is not closed"
    with rejected_with(missing, Refused), engine.writing(store) as conn:
        closing.reopen(conn, ADMIN, OCTOBER, "   ")
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, OCTOBER)
    with pytest.raises(Denied), engine.writing(store) as conn:
        closing.reopen(conn, CS_HEAD, OCTOBER, REASON)
    with rejected_with("at most 4,000", Refused), engine.writing(store) as conn:
        closing.reopen(conn, ADMIN, OCTOBER, "x" * 4001)
    with rejected_with("Reason for reopening: required", Refused), engine.writing(store) as conn:
        closing.reopen(conn, ADMIN, OCTOBER, "\u200b\u2060")  # shows nothing: no reason (a review)
    with engine.reading(store) as conn:
        after = table_counts(conn)
    assert after["month_reopen"] == before["month_reopen"] == 0 and after["month_close"] == 1


def test_reopen_from_the_command_line_and_the_pack_says_so(demo_duckdb_url, tmp_path, capsys):
    db = ["--db", demo_duckdb_url]
    assert cli.main([*db, "reopen", "--month", "2026-10", "--reason", REASON]) == 1
    assert "October 2026 is not closed" in capsys.readouterr().err
    assert cli.main([*db, "close", "--month", "2026-10", "--anyway"]) == 0
    head = ["--as", CS_HEAD.email]
    assert cli.main([*db, *head, "reopen", "--month", "2026-10", "--reason", REASON]) == 1
    assert cli.main([*db, "reopen", "--month", "2026-10", "--reason", REASON]) == 0
    assert "October 2026 is open again" in capsys.readouterr().out
    out = tmp_path / "pack.pptx"
    assert cli.main([*db, "export", "--month", "2026-10", "--format", "pptx", "--out", str(out)]) == 0
    first = Presentation(io.BytesIO(out.read_bytes())).slides[0]
    text = " ".join(shape.text_frame.text for shape in first.shapes if shape.has_text_frame)
    assert (
        f"by an administrator at the command line: {REASON}" in text
    )  # the command line acts as the local operator


def _reopen_button(at):
    return [b for b in at.get("form_submit_button") if b.proto.form_id == "data.reopen"][0]


def test_reopen_on_the_data_page(app, app_url):
    with engine.writing(engine.create(app_url)) as conn:
        closing.close(conn, ADMIN, OCTOBER)
    at = open_data_tab(
        open_page(app, "pages/data.py", **{"as": "sofie.dahl@havnhjem.example"}), "definitions.tab_close"
    )
    assert "October 2026 was closed on" in texts(at)
    _reopen_button(at).click().run()
    assert "Reason for reopening: required, but empty." in [e.value for e in at.error]
    at.text_area(key="data.reopen.reason").input(REASON)
    _reopen_button(at).click().run()
    assert not at.exception, at.exception
    assert REASON in [e.value for e in at.text] and "Close October 2026" in [b.label for b in at.button]
    with engine.reading(engine.create(app_url)) as conn:
        assert closing.closed(conn, OCTOBER) is None and len(closing.reopenings(conn, OCTOBER)) == 1
