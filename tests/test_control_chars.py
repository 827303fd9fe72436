"""Control characters in what people type: refused by the one check of every kind, and kept out
of packs and terminals for what a store held before (adversarial review, 2026-12-05: an event's
title with U+0001 broke every PowerPoint pack for everyone, U+202E turned the page's own text
backwards, ESC [2J cleared the screen of whoever ran `status`, and a NUL that DuckDB kept was
refused by PostgreSQL as the store failing)."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from pptx import Presentation

from kpi import cli
from kpi.domain import bounds
from kpi.files.tables import ImportRejected
from kpi.output import pptx_pack
from kpi.output.deck import Line, Slide
from kpi.store import engine, importing, schema
from kpi.text import words
from tests.conftest import as_admin

REFUSED = ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\ufffe"]
WELCOME = [
    "a\tb",
    "two\nlines",
    "Kundeoplevelse æøå",
    "مرحبا بالعملاء",
    "שלום",
    "👩‍💼 team",
    "zero\u200bwidth",
]
EVENTS_HEADER = "title,kind,start,end,department,kpis\n"


@pytest.mark.parametrize("char", REFUSED)
def test_a_text_with_a_control_character_is_refused_naming_it(char):
    (problem,) = bounds.text_problems({"title": f"Ev{char}ent"})
    assert (problem.key, problem.field) == ("control_char", "title")
    message = words.message(problem)
    assert f"U+{ord(char):04X}" in message and "character 3" in message


@pytest.mark.parametrize("text", WELCOME)
def test_tabs_line_ends_and_every_script_are_welcome(text):
    assert bounds.text_problems({"description": text}) == []
    if "\t" not in text and "\n" not in text:  # a title is one line: every script on it
        assert bounds.text_problems({"title": text}) == []


@pytest.mark.parametrize("field", sorted(bounds.ONE_LINE))
@pytest.mark.parametrize("text", ["# Heading\n- list", "two\r\nlines", "a\tb", "para\u2029graph"])
def test_a_name_or_title_with_a_line_break_or_tab_is_refused_saying_where(field, text):
    """An adversarial trial: a KPI named "# Heading\n- list" broke every line `owed` and
    `status` print."""
    (problem,) = bounds.text_problems({field: text})
    assert (problem.key, problem.field) == ("not_one_line", field)
    where = min(text.find(c) for c in "\t\n\r\u2029" if c in text) + 1
    assert f"character {where}" in words.message(problem)


def _import(url: str, kind: str, text: str) -> list:
    try:
        importing.run(engine.create(url), kind, text.encode(), f"{kind}.csv", as_admin())
    except ImportRejected as rejected:
        return rejected.problems
    return []


def test_an_event_titled_with_a_control_character_is_refused_on_both_stores(demo_url):
    """The NUL stands after the first 4 KB, which are looked at for a binary file: DuckDB kept
    it, PostgreSQL failed as a store; now the check refuses it on both, naming row and column."""
    padding = "".join(f"Event {n},outage,2026-11-03,2026-11-05,,\n" for n in range(120))
    text = (
        EVENTS_HEADER
        + "Ev\x01soh,outage,2026-11-03,2026-11-05,,\n"
        + padding
        + "Nul\x00here,outage,2026-11-03,2026-11-05,,\n"
    )
    with engine.reading(engine.create(demo_url)) as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(schema.company_event)).scalar()
    problems = _import(demo_url, "events", text)
    assert [(p.row, p.field, p.key) for p in problems] == [
        (2, "title", "control_char"),
        (123, "title", "control_char"),
    ]
    assert "U+0001" in words.message(problems[0]) and "U+0000" in words.message(problems[1])
    with engine.reading(engine.create(demo_url)) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.company_event)).scalar() == before


def test_answers_read_column_wise_send_a_comment_with_a_control_character_to_the_check(demo_duckdb_url):
    """Plain answer files are read by DuckDB a column at a time; a cell the exact reading would
    refuse goes to it, so a control character in a customer's comment is named like any other."""
    text = "kpi,date,score,segment,touchpoint,comment\n" + "".join(
        f"NPS,2026-11-0{day},9,private,web,Fine {day}\n" for day in range(1, 9)
    )
    text += "NPS,2026-11-09,3,private,web,Slow\x0bpage\n"
    problems = _import(demo_duckdb_url, "responses", text)
    assert [(p.row, p.field, p.key) for p in problems] == [(10, "comment", "control_char")]


def test_a_pack_made_from_text_a_store_kept_from_before_holds_none_of_it():
    """A store may hold such text from before the check: the pack leaves the characters out."""
    slide = Slide(
        "actions",
        "Actions\x01 due",
        lines=(Line("Fix\x0b the \u202equeue", "1", "2", None, "note\x1b[2J"),),
        notes=("said\x00",),
    )
    shown = Presentation(io.BytesIO(pptx_pack.render([slide], "Havnhjem\x07"))).slides[0]
    texts = " ".join(shape.text_frame.text for shape in shown.shapes if shape.has_text_frame)
    texts += " ".join(
        c.text for shape in shown.shapes if shape.has_table for r in shape.table.rows for c in r.cells
    )
    assert "Actions due" in texts and "Fix the queue" in texts and "Havnhjem" in texts
    assert not bounds.CONTROL.search(texts)


def test_the_pack_and_status_of_a_store_holding_such_an_event_work_and_print_none_of_it(
    demo_duckdb_url, tmp_path, capsys
):
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        conn.execute(
            sa.insert(schema.company_event).values(
                title="Ev\x01soh\x0bvt\x1b[2J",
                kind="outage",
                start=date(2026, 10, 3),
                end=date(2026, 10, 5),
                department=None,
                kpis=None,
            )
        )
    out = tmp_path / "pack.pptx"
    month = ["--month", "2026-10"]  # the store's latest month with values: a pack of one with none is refused
    assert cli.main(["--db", demo_duckdb_url, "export", *month, "--format", "pptx", "--out", str(out)]) == 0
    assert Presentation(str(out)).slides
    capsys.readouterr()
    assert cli.main(["--db", demo_duckdb_url, "status", *month]) in (0, 1)
    printed = capsys.readouterr()
    assert "Evsohvt[2J" in printed.out and not bounds.CONTROL.search(printed.out + printed.err)


def test_process_change_notes_commentary_and_a_reopening_reason_are_checked_too(demo_duckdb_url):
    """Three writers had their own length checks and no control check (review, 2026-12-05)."""
    from kpi.domain.errors import Refused
    from kpi.store import closing, edits

    problems = _import(demo_duckdb_url, "changes", "kpi,month,note\nCS_WAIT,2026-10,New\x01 process\n")
    assert [(p.row, p.field, p.key) for p in problems] == [(2, "note", "control_char")]
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn, pytest.raises(Refused) as commentary:
        edits.add_commentary(
            conn, as_admin(), month=date(2026, 10, 1), text="Ring \u202ekunden", kpi="CS_WAIT"
        )
    assert [p.key for p in commentary.value.problems] == ["control_char"]
    with engine.writing(store) as conn, pytest.raises(Refused) as reason:
        closing.reopen(conn, as_admin(), date(2026, 10, 1), "Fixed\x01")
    assert "control_char" in [p.key for p in reason.value.problems]


def test_a_code_with_a_control_character_names_it_by_its_code_point():
    from kpi.files import tables

    parsed = tables.parse("departments", b"code,name\nIT\x01,IT\n", "departments.csv")
    assert [(p.field, p.key) for p in parsed.problems] == [("code", "control_char")]
    assert "U+0001" in words.message(parsed.problems[0])


def test_a_list_over_two_slides_keeps_its_columns():
    """Columns no line fills are left out, decided over every slide of the kind: a second page
    whose actions have no note kept the Note column of the first."""
    first = Slide(
        "actions", "Actions due (1/2)", lines=(Line("Hire", "Camilla", "31 Dec 2026", None, "late"),)
    )
    second = Slide("actions", "Actions due (2/2)", lines=(Line("Train", "Lars", "31 Jan 2027", None, ""),))
    slides = Presentation(io.BytesIO(pptx_pack.render([first, second], "Havnhjem"))).slides
    headers = [
        [c.text for c in s.table.rows[0].cells] for slide in slides for s in slide.shapes if s.has_table
    ]
    assert len(headers) == 2 and headers[0] == headers[1] and len(headers[0]) == 4
