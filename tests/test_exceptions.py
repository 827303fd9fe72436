"""The one exception list: a broken service priority and a red KPI, while every goal is green,
show on the Overview, on the Present attention slide, in the PPTX and in `status --json`."""

import io
import json
from datetime import date

import pytest
import streamlit as st
from pptx import Presentation

from kpi import cli
from kpi.demo.generate import Company
from kpi.domain import report
from kpi.domain.access import EVERYTHING
from kpi.domain.model import (
    Aggregation,
    Department,
    Direction,
    Goal,
    Kpi,
    Level,
    Measurement,
    Person,
    Role,
    ServicePriority,
)
from kpi.output import deck, pptx_pack
from kpi.store import decks, engine, monthly
from kpi.text import i18n
from tests.conftest import forget_app, load_company, new_app, point_app_at

OCTOBER = date(2026, 10, 1)
CALLS = "Answered within a minute"
WAIT = "Wait for a callback"
PROMISE = "Nine in ten callers reach us within a minute"


def _company() -> Company:
    company = Company("Quiet Ltd", OCTOBER)
    company.departments = [Department("MGMT", "Board"), Department("CS", "Service")]
    company.people = [
        Person("ceo@quiet.example", "Cleo Eng", Role.EXECUTIVE, "MGMT"),
        Person("admin@quiet.example", "Ada Min", Role.ADMIN, "MGMT"),
    ]
    company.kpis = [
        Kpi("CALLS", CALLS, "CS", "%", Direction.HIGHER, Aggregation.MEAN, target=80.0),
        Kpi("WAIT", WAIT, "CS", "min", Direction.LOWER, Aggregation.MEAN, target=30.0),
    ]
    company.goals = [
        Goal("S1", Level.STRATEGIC, "Callers reach us fast", "CALLS", "CS", "ceo@quiet.example",
             baseline=70.0, target=80.0, start=date(2026, 1, 1), deadline=date(2026, 12, 31)),
    ]  # fmt: skip
    company.measurements = [
        Measurement(code, date(2026, m, 1), value, "", "test")
        for m in (9, 10)
        for code, value in (("CALLS", 85.0), ("WAIT", 55.0))
    ]
    company.service_priorities = [ServicePriority("P1", PROMISE, "CALLS", 90.0, ">=")]
    return company


@pytest.fixture
def quiet_url(tmp_path):
    return load_company(f"duckdb:///{tmp_path / 'quiet.duckdb'}", _company())


def test_the_store_is_as_described(quiet_url):
    with engine.reading(engine.create(quiet_url)) as conn:
        built = monthly.month_report(conn, EVERYTHING, OCTOBER, "en")
    assert all(row.status.is_green for row in built.goals.values())
    assert str(built.kpis["WAIT"].status) == "red" and str(built.kpis["CALLS"].status) == "green"
    assert isinstance(built, report.MonthReport)


def test_status_json_lists_both(quiet_url, capsys):
    assert cli.main(["--db", quiet_url, "status", "--month", "2026-10", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["attention"]
    assert [(a["kind"], a["code"]) for a in found] == [("broken_priority", "P1"), ("red_kpi", "WAIT")]
    assert found[0] == {
        "kind": "broken_priority",
        "code": "P1",
        "kpi": "CALLS",
        "value": 85.0,
        "target": 90.0,
        "owner": "ceo@quiet.example",
        "since": "2026-09",
        "since_or_earlier": False,
        "plan": [],  # no open action on its number
        "commented": False,
        "owed": False,  # a broken priority owes no comment of its own: its KPI's number owes none
        "also": [],
    }
    assert (found[1]["value"], found[1]["target"], found[1]["since"]) == (55.0, 30.0, "2026-09")


def test_status_tells_a_priority_and_its_kpi_on_one_number_as_one(tmp_path, capsys):
    """A second promise on the callback wait: the KPI off target is told under the broken
    priority on its number, indented in the terminal and under `also` in the JSON."""
    company = _company()
    callback = "Callbacks within half an hour"
    company.service_priorities.append(ServicePriority("P2", callback, "WAIT", 30.0, "<="))
    url = load_company(f"duckdb:///{tmp_path / 'two.duckdb'}", company)
    assert cli.main(["--db", url, "status", "--month", "2026-10"]) == 0
    listed = capsys.readouterr().out.split("\n\n")[0].splitlines()[2:]
    assert [line.split("  ")[0] for line in listed] == [callback, "", PROMISE]
    assert listed[1].startswith(f"  {WAIT}") and "Off target" in listed[1]
    assert "Owner: Cleo Eng" in listed[2]  # by name, as the app says it (an address said it)
    assert cli.main(["--db", url, "status", "--month", "2026-10", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["attention"]
    told = [(a["code"], [(o["kind"], o["code"]) for o in a["also"]]) for a in found]
    assert told == [("P2", [("red_kpi", "WAIT")]), ("P1", [])]  # the furthest from its target first


def _attention_slide_texts(slides):
    exceptions = next(s for s in slides if s.kind == "exceptions")
    return " ".join(f"{ln.label} {ln.value} {ln.target} {ln.note}" for ln in exceptions.lines)


def test_the_present_attention_slide_and_the_pptx_list_both(quiet_url):
    with engine.reading(engine.create(quiet_url)) as conn:
        slides = decks.slides(conn, EVERYTHING, OCTOBER, "en")
    shown = _attention_slide_texts(slides)
    assert PROMISE in shown and WAIT in shown and "Cleo Eng" in shown
    pack = Presentation(io.BytesIO(pptx_pack.render(slides, "Quiet Ltd")))
    index = next(i for i, s in enumerate(slides) if s.kind == "exceptions")
    text = " ".join(
        shape.text_frame.text for shape in pack.slides[index].shapes if shape.has_text_frame
    ) + " ".join(
        cell.text
        for shape in pack.slides[index].shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    )
    assert PROMISE in text and WAIT in text


def test_the_overview_lists_both(quiet_url, monkeypatch):
    point_app_at(monkeypatch, quiet_url)
    try:
        at = new_app(month="2026-10").run()
        assert not at.exception
        shown = "\n".join(str(e.value) for e in at.markdown)
        assert PROMISE in shown and WAIT in shown
        assert "Nothing needs attention" not in "\n".join(str(e.value) for e in at.success)
    finally:
        forget_app()


BROKEN = {"en": "⚠ Service priority broken", "da": "⚠ Serviceprioritet brudt"}
OFF_TARGET = {"en": "✕ Off target", "da": "✕ Målværdi ikke nået"}


def _pptx_rows(slides, kind):
    pack = Presentation(io.BytesIO(pptx_pack.render(slides, "Quiet Ltd")))
    index = next(i for i, s in enumerate(slides) if s.kind == kind)
    return [
        [
            cell.text.replace("\xa0", " ") for cell in row.cells
        ]  # a status is held on one line by no-break spaces
        for shape in pack.slides[index].shapes
        if shape.has_table
        for row in shape.table.rows
    ]


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_broken_priority_reads_broken_not_off_target_on_the_slide_and_in_the_pptx(quiet_url, language):
    """A service priority is kept or broken, not on or off target: its line on the attention
    slide carries the Overview's badge for it, and the red KPI beside it keeps its own."""
    with engine.reading(engine.create(quiet_url)) as conn, i18n.use(language):
        slides = decks.slides(conn, EVERYTHING, OCTOBER, language)
    with i18n.use(language):
        rows = {row[0]: row for row in _pptx_rows(slides, "exceptions")}
    lines = {ln.label: ln for ln in next(s for s in slides if s.kind == "exceptions").lines}
    assert lines[PROMISE].flag == deck.Flag("broken_priority", BROKEN[language].removeprefix("⚠ "))
    assert lines[WAIT].flag == deck.Flag("red_kpi", OFF_TARGET[language].removeprefix("✕ "))
    assert BROKEN[language] in rows[PROMISE][3] and "✕" not in rows[PROMISE][3]
    assert rows[WAIT][3].startswith(OFF_TARGET[language])


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_present_attention_slide_badges_a_broken_priority_as_the_overview_does(
    quiet_url, monkeypatch, language
):
    point_app_at(monkeypatch, quiet_url)
    with engine.reading(engine.create(quiet_url)) as conn, i18n.use(language):
        slides = decks.slides(conn, EVERYTHING, OCTOBER, language)
    number = next(i for i, s in enumerate(slides) if s.kind == "exceptions") + 1
    try:
        with i18n.use(language):  # AppTest formats the pickers' labels in the test's own thread
            overview, shown = _overview_and_slide(language, number)
        badge = f":red-badge[{BROKEN[language]}]"
        assert badge in overview  # the Overview names it so ...
        line = next(i for i, text in enumerate(shown) if PROMISE in text)
        assert shown[line + 2].startswith(badge)  # ... and so does its line on the slide
        assert OFF_TARGET[language] not in shown[line + 2]
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def _overview_and_slide(language: str, number: int) -> tuple[str, list[str]]:
    """The Overview's Markdown, then that of the Present page's slide `number`."""
    at = new_app(month="2026-10", lang=language).run()
    overview = "\n".join(str(e.value) for e in at.markdown)
    at.query_params["slide"] = str(number)
    at.switch_page("pages/present.py").run()
    assert not at.exception, at.exception
    return overview, [str(e.value) for e in at.markdown]
