"""The Present page's address, keys and handouts."""

import io
from datetime import date

import pytest
import streamlit as st
from pptx import Presentation

from kpi.domain.access import EVERYTHING
from kpi.output import pptx_pack
from kpi.store import decks, engine
from kpi.text import i18n
from kpi.text.i18n import t
from kpi.ui.views import present_view

PRESENT = "pages/present.py"


def handouts(monkeypatch) -> dict:
    """`key → what makes the pack` of each download button the page offers, as it is offered:
    AppTest keeps the download itself out of reach, and a pack is made only when asked for."""
    offered: dict = {}
    button = st.download_button

    def offer(*args, **kwargs):
        offered[kwargs["key"]] = args[1]
        return button(*args, **kwargs)

    monkeypatch.setattr(st, "download_button", offer)
    return offered


@pytest.mark.parametrize(
    "requested, count, expected",
    [
        ("1", 17, 0),
        ("3", 17, 2),
        ("17", 17, 16),
        ("99", 17, 16),  # past the end: the last slide
        ("0", 17, 0),
        ("-1", 17, 0),
        ("²", 17, 0),  # a digit to str.isdigit, not to int()
        ("٣", 17, 0),  # an Arabic-Indic three
        ("x", 17, 0),
        ("", 17, 0),
        ("2", 1, 0),
        ("9" * 5000, 17, 16),  # Python reads no more than 4,300 digits: the page broke (adversarial test)
        ("0" * 30 + "3", 17, 16),  # more digits than a slide number has: past the end
    ],
)
def test_slide_index(requested, count, expected):
    assert present_view.slide_index(requested, count) == expected


@pytest.mark.parametrize(
    "slide, first", [("²", True), ("1e3", True), ("%F0%9F%98%80", True), ("9" * 400, False)]
)
@pytest.mark.reads_only
def test_a_strange_slide_address_opens_the_first_or_last_slide(app, slide, first):
    at = app(month="2026-10", slide=slide).run()
    at.switch_page(PRESENT).run()
    assert not at.exception, at.exception
    assert (at.query_params["slide"] == "1") is first


@pytest.mark.reads_only
def test_the_handouts_are_offered_in_one_place_and_made_only_when_asked(app, monkeypatch):
    made = []
    monkeypatch.setattr(pptx_pack, "render", lambda *args: made.append(args) or b"pack")
    at = app(month="2026-10").run()
    at.switch_page(PRESENT).run()
    for _ in range(2):  # on the next slide as on the first: the same two buttons, once each
        assert not at.exception, at.exception
        offered = [b.proto.label for b in at.get("download_button")]
        assert offered == [t("present.download_pptx"), t("present.download_pdf")]
        at.button(key="present.next").click().run()
    assert made == []  # nothing is made before it is asked for


def test_a_handout_is_made_in_the_deck_s_language_when_asked(demo_duckdb_url):
    with engine.reading(engine.create(demo_duckdb_url)) as conn, i18n.use("da"):
        slides = decks.slides(conn, EVERYTHING, date(2026, 10, 1), "da")
        brand = decks.brand(conn, date(2026, 10, 1))
    make = present_view._maker(slides, brand, "pptx", "da")
    with i18n.use("en"):  # the button is pressed in a thread of its own: the deck's language holds
        pack = Presentation(io.BytesIO(make()))
    assert [s.shapes[0].text_frame.text for s in pack.slides] == [s.title for s in slides]
    assert "Hvad" in [
        c.text for s in pack.slides for sh in s.shapes if sh.has_table for c in sh.table.rows[0].cells
    ]


def test_an_overdue_action_s_date_is_not_called_its_target():
    """Slide 14 read "◷ Action overdue · target due 31 Oct 2026" (a presenter's trial)."""
    from kpi.output import deck
    from kpi.text.i18n import use
    from kpi.ui.views import present_view

    late = deck.Line(
        "Templates for advice", "", "due 31 Oct 2026", flag=deck.Flag("late_action", "Action overdue")
    )
    red = deck.Line("Wait", "105 s", "90 s", flag=deck.Flag("red_kpi", "Off target"))
    with use("en"):
        assert present_view._target(late) == "due 31 Oct 2026"
        assert present_view._target(red) == "target 90 s"
        assert present_view._target(deck.Line("x")) == ""


@pytest.mark.reads_only
def test_the_attention_slide_says_under_each_note_what_is_told_with_its_line(app, app_url):
    """A long note (a priority judged over call records) cut off the items told with its line:
    they stand under the note, each line's own."""
    from kpi.text import plain

    with engine.reading(engine.create(app_url)) as conn, i18n.use("en"):
        slides = decks.slides(conn, EVERYTHING, date(2026, 10, 1), "en")
    number = next(n for n, s in enumerate(slides, start=1) if s.kind == "exceptions")
    told = [line.also for line in slides[number - 1].lines if line.also]
    assert told and all(also.startswith("Also: ") for also in told)
    at = app(month="2026-10", slide=str(number)).run()
    at.switch_page(PRESENT).run()
    assert not at.exception, at.exception
    shown = [m.value for m in at.markdown]
    assert [m for m in shown if m.startswith("Also: ")] == [plain.markdown(also) for also in told]


@pytest.mark.reads_only
def test_each_slide_offers_its_speaker_notes_folded_in_the_toolbar(app, app_url):
    """A presenter running the meeting from this page had the speaker notes only in the
    PowerPoint file (a presenter's trial): each slide's notes, as the pack's hold them, are in a
    folded "Notes" in the toolbar, as plain text."""
    from kpi.output import speaker

    with engine.reading(engine.create(app_url)) as conn, i18n.use("en"):
        slides = decks.slides(conn, EVERYTHING, date(2026, 10, 1), "en")
    number = next(n for n, s in enumerate(slides, start=1) if s.kind == "priorities")
    at = app(month="2026-10", slide=str(number)).run()
    at.switch_page(PRESENT).run()
    assert not at.exception, at.exception
    (notes,) = [p for p in at.get("popover") if p.proto.popover.label == "Notes"]
    said = [x.value for x in notes.get("text")]
    with i18n.use("en"):
        assert said == [speaker.notes(slides[number - 1])]
    assert said[0].startswith("Why each status is what it is:\n• ")
    at.button(key="present.next").click().run()  # the next slide's own
    (notes,) = [p for p in at.get("popover") if p.proto.popover.label == "Notes"]
    with i18n.use("en"):
        assert [x.value for x in notes.get("text")] == [speaker.notes(slides[number])]
