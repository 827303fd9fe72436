"""The packs as a reader gets them: speaker notes, status words on one line, chart titles and
axes that show the movement, filled attention rows, the company's look, and both downloads."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import ImageFont
from pptx import Presentation

from kpi.domain.attention import Kind
from kpi.domain.cascade import Mismatch
from kpi.domain.model import GoalStatus, KpiStatus
from kpi.output import charts, deck, measure, pdf_pack, pptx_pack
from kpi.store import decks, engine
from kpi.text import fmt, i18n, palette
from kpi.text.i18n import t
from kpi.ui.views import present_view
from tests.test_present import handouts

FONTS = Path("/usr/share/fonts/truetype")
MONTHS = [date(2025, m, 1) for m in range(1, 13)]


@pytest.mark.parametrize(
    "shown, unit, expected",
    [
        ([1.5, 1.9, 1.8, 1.6], "%", (1.4, 2.0)),  # churn: padded, not from 0, so it moves
        ([38, 300, 44], "min", (0, 400)),  # the outage: lowest within a third of the highest
        ([14, 10, 12], "count", (0, 20)),  # a count always shows zero
        ([5.0, 5.4, 4.9], "ces", (4.8, 5.6)),
        ([99.5, 99.9, 100.0], "%", (99.4, 100.0)),  # never past what the unit can reach
        ([-20, 10, 30], "nps", (-40, 40)),
        ([85, 85], "%", (75, 95)),  # a flat line: padded by a tenth of its level
        ([2107, 2016, None], "ms", (2000, 2125)),
        ([], "%", None),
    ],
)
def test_the_value_axis_rule(shown, unit, expected):
    axis = charts.value_axis(shown, unit)
    assert (axis.low, axis.high) == expected if axis else expected is None
    if axis:
        assert axis.low <= min(v for v in shown if v is not None) <= max(v for v in shown if v) <= axis.high
        steps = (axis.high - axis.low) / axis.step
        assert abs(steps - round(steps)) < 1e-9 and 2 <= round(steps) <= 10


def test_the_apps_trend_chart_takes_the_same_axis():
    points = list(zip(MONTHS, [1.5, 1.6, 1.9, 1.8, 1.7, 1.6, 1.8, 1.9, 1.7, 1.6, 1.8, 1.7], strict=True))
    chart = charts.trend(points, charts.TrendSpec("Churn", "%", target=1.5))
    assert (chart["yAxis"]["min"], chart["yAxis"]["max"]) == (1.4, 2.0)


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_width_estimate_is_never_narrower_than_the_font(language):
    """The columns are set from `measure.width`; Liberation Sans is what draws the packs' Arial."""
    found = {p.name: p for p in FONTS.rglob("LiberationSans-*.ttf")}
    assert {"LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"} <= set(found), "fonts-liberation"
    with i18n.use(language):
        words = pptx_pack.status_words(_lines()) + [palette.label(s) for s in (*KpiStatus, *GoalStatus)]
        words += [
            palette.attention_label(str(k), t(f"attention.{k}")) for k in Kind if k is not Kind.MISMATCH
        ]
        words += [palette.attention_label(str(Kind.MISMATCH), t(f"mismatch.{m}")) for m in Mismatch]
        words += [
            "Customer Effort Score (kundeindsats)",
            "85,7 % (målværdi for 2026, fordelt efter sidste år)",
        ]
    for name, bold in (("LiberationSans-Regular.ttf", False), ("LiberationSans-Bold.ttf", True)):
        font = ImageFont.truetype(str(found[name]), 1000)
        for word in words:
            drawn = (
                font.getlength(word.replace(measure.NO_BREAK, " ").lstrip("✓✕!★⊘–⚠≠◴▼◷✎ ")) / 1000 * 14 / 72
            )
            assert drawn <= measure.width(word, 14, bold=bold) <= drawn * 1.5 + 0.3, word


def _lines() -> list[deck.Line]:
    return [
        deck.Line(
            "Abandoned calls",
            "6.2 %",
            "5.1 % (2026 target, phased by last year)",
            KpiStatus.RED,
            "+0.4 pts",
            why="✕ Off target: 6.2 % against 5.1 %.",
        ),
        deck.Line("Kundeoplevelsesmåler wait", "85 s", "90 s (2026 target)", KpiStatus.GREEN, "", why=""),
        deck.Line(
            "Invoice callers",
            "78.0 %",
            "80.0 %",
            None,
            "owner: Camilla Berg",
            flag=deck.Flag("broken_priority", "Service priority broken"),
        ),
        deck.Line(
            "Customers find us effortless",
            "5.0 / 7",
            "5.4 / 7",
            None,
            "",
            flag=deck.Flag("mismatch", "Green parts, red whole"),
        ),
    ]


def _made_deck() -> tuple[list[deck.Slide], bytes]:
    churn = deck.Series(
        "Churn", "%", tuple(zip(MONTHS, [1.5, 1.9, 1.8, 1.6] * 3, strict=True)), 1.5, (1.3, 2.1)
    )
    nps = deck.Series("Net Promoter Score (NPS)", "nps", tuple(zip(MONTHS, range(20, 32), strict=True)), 40.0)
    lines = _lines()
    slides = [
        deck.Slide(
            "title", "Customer experience — October 2026", "Havn & Hjem A/S", notes=("Live numbers.",)
        ),
        deck.Slide(
            "goal",
            "Fewer customers leave",
            "Target 1.5 % by 31 Dec 2027",
            tuple(lines[:2]),
            churn,
            ("Churn rose after the price change.",),
            GoalStatus.OFF_TRACK,
            "1.8 %",
            why="✕ Off track: 1.8 % against the goal of 1.5 %.",
        ),
        deck.Slide("goal", "More customers recommend us", chart=nps),
        deck.Slide("exceptions", "Needs attention", lines=tuple(lines)),
        deck.Slide("department", "Customer service", lines=tuple(lines[:2])),
        deck.Slide(
            "actions",
            "Actions due",
            lines=(deck.Line("Hire agents", "Camilla Berg", "31 Dec 2026", None, "In progress"),),
        ),
    ]
    logo = (Path(__file__).parent.parent / "docs" / "overview.png").read_bytes()
    brand = deck.Brand("CX Cockpit · Havn & Hjem A/S · October 2026", "Havn & Hjem", "#7A1F5C", logo)
    with i18n.use("en"):
        return slides, pptx_pack.render(slides, brand)


def test_every_slide_has_speaker_notes_with_the_reasons_and_the_commentary():
    slides, pack = _made_deck()
    notes = [s.notes_slide.notes_text_frame.text for s in Presentation(io.BytesIO(pack)).slides]
    assert all(n.strip() for n in notes)
    goal = notes[1]
    assert "✕ Off track: 1.8 % against the goal of 1.5 %." in goal  # the slide's own status
    assert "Abandoned calls: ✕ Off target: 6.2 % against 5.1 %." in goal  # each line's
    assert (
        "Kundeoplevelsesmåler wait: ✓ On target: 85 s against 90 s (2026 target)." in goal
    )  # worded when not given
    assert "Churn rose after the price change." in goal  # the commentary
    assert (
        "Invoice callers: ⚠ Service priority broken: 78.0 % against 80.0 %. owner: Camilla Berg." in notes[3]
    )
    assert "Hire agents: Camilla Berg, due 31 Dec 2026: In progress." in notes[5]
    assert notes[2] == "Nothing on this slide needs explaining."


def _tables(pack: bytes):
    for number, slide in enumerate(Presentation(io.BytesIO(pack)).slides):
        for shape in slide.shapes:
            if shape.has_table:
                yield number, shape.table


def test_no_status_wraps_and_tables_end_above_the_footer():
    _, pack = _made_deck()
    checked = 0
    for number, table in _tables(pack):
        headers = [c.text for c in table.rows[0].cells]
        assert sum(r.height for r in table.rows) > 0
        if "Status" not in headers:
            continue
        column = headers.index("Status")
        room = table.columns[column].width / 914400 - 2 * pptx_pack.CELL_X
        for row in list(table.rows)[1:]:
            paragraph = row.cells[column].text_frame.paragraphs[0]
            text, size = paragraph.runs[0].text, paragraph.runs[0].font.size.pt
            assert text and " " not in text, text  # held together by no-break spaces
            assert measure.width(text, size, bold=True) <= room, (number, text)
            checked += 1
    assert checked == 2 + 4 + 2


def test_no_name_is_broken_inside_a_word():
    _, pack = _made_deck()
    for number, table in _tables(pack):
        room = table.columns[0].width / 914400 - 2 * pptx_pack.CELL_X
        for row in list(table.rows)[1:]:
            run = row.cells[0].text_frame.paragraphs[0].runs[0]
            longest = max(run.text.split(), key=lambda word: measure.width(word, run.font.size.pt))
            assert measure.width(longest, run.font.size.pt) <= room, (number, longest)


def test_tables_and_charts_end_above_the_footer():
    _, pack = _made_deck()
    for slide in list(Presentation(io.BytesIO(pack)).slides)[1:]:
        for shape in slide.shapes:
            if shape.has_table:
                bottom = shape.top + sum(r.height for r in shape.table.rows)
            elif shape.has_chart:
                bottom = shape.top + shape.height
            else:
                continue
            assert bottom / 914400 <= pptx_pack.CONTENT_BOTTOM + 1e-6


def test_chart_titles_have_one_pair_of_brackets_and_the_axis_shows_the_movement():
    _, pack = _made_deck()
    charts_seen = [s.chart for s in Presentation(io.BytesIO(pack)).slides for s in s.shapes if s.has_chart]
    titles = [c.chart_title.text_frame.text for c in charts_seen]
    assert titles == ["Churn", "Net Promoter Score (NPS)"]
    for title in titles:
        assert re.fullmatch(r"[^()]*(\([^()]*\))?[^()]*", title), title
    churn, nps = charts_seen
    assert churn.value_axis.minimum_scale == 1.2 and churn.value_axis.maximum_scale == 2.2
    assert churn.value_axis.axis_title.text_frame.text == "Percent"
    assert nps.value_axis.axis_title.text_frame.text == "NPS (−100 to +100)"


def test_attention_rows_carry_their_value_and_target():
    slides, pack = _made_deck()
    attention = dict(_tables(pack))[3]
    for line, row in zip(slides[3].lines, list(attention.rows)[1:], strict=True):
        value, target = row.cells[1].text, row.cells[2].text
        assert value == line.value and target.replace("\n", " ") == line.target


def test_every_slide_wears_the_company():
    _, pack = _made_deck()
    slides = list(Presentation(io.BytesIO(pack)).slides)
    for number, slide in enumerate(slides[1:], start=2):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert "CX Cockpit · Havn & Hjem A/S · October 2026" in texts
        assert f"{number} / {len(slides)}" in texts
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        title = next(
            s for s in slide.shapes if s.has_text_frame and s.text_frame.text == slides_titles(number)
        )
        assert len(pictures) == 1 and pictures[0].left >= title.left + title.width  # the logo beside
        colour = title.text_frame.paragraphs[0].runs[0].font.color.rgb
        assert str(colour) == "7A1F5C"


def slides_titles(number: int) -> str:
    return [
        "",
        "Customer experience — October 2026",
        "Fewer customers leave",
        "More customers recommend us",
        "Needs attention",
        "Customer service",
        "Actions due",
    ][number]


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_demo_packs_notes_explain_each_status(demo_url, language):
    with engine.reading(engine.create(demo_url)) as conn, i18n.use(language):
        slides = decks.slides(conn, decks_scope(), date(2026, 10, 1), language)
        brand = decks.brand(conn, date(2026, 10, 1))
        pack = Presentation(io.BytesIO(pptx_pack.render(slides, brand)))
    notes = [s.notes_slide.notes_text_frame.text for s in pack.slides]
    gap = {"en": "short of target", "da": "til målværdien"}[language]
    department = next(i for i, s in enumerate(slides) if s.kind == "department")
    assert gap in notes[department]
    for index, slide in enumerate(slides):
        for line in slide.lines:
            assert line.label in notes[index]
        for comment in slide.notes:
            assert comment in notes[index]
    # one full stop after a unit written with one ("24,0 t.", "69 sek."): it read "24,0 t.."
    assert not [n for n in notes if re.search(r"[^.]\.\.(\s|$)", n)]
    # an initiative live since a day is not due by it: the notes read "due live 1 Nov 2025"
    live = {"en": "due live", "da": "frist i drift"}[language]
    assert not [n for n in notes if live in n]
    assert [n for n in notes if re.search({"en": r", live \d", "da": r", i drift \d"}[language], n)]


def decks_scope():
    from kpi.domain.access import EVERYTHING

    return EVERYTHING


def test_both_packs_can_be_downloaded_at_once(app, monkeypatch):
    monkeypatch.setattr(pdf_pack, "from_pptx", lambda pptx: b"%PDF-1.4 " + pptx[:4])
    offered = handouts(monkeypatch)
    at = app(month="2026-10").run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, at.exception
    labels = sorted(b.proto.label for b in at.get("download_button"))
    assert labels == sorted(present_view.t(f"present.download_{k}") for k in ("pptx", "pdf"))
    pptx = offered["present.pptx"]()
    assert offered["present.pdf"]() == b"%PDF-1.4 " + pptx[:4]  # the PDF is the PPTX, converted
    assert len(Presentation(io.BytesIO(pptx)).slides) > 1


def test_an_attention_item_without_a_unit_still_shows_its_value_and_target():
    """A goal measured by no KPI: its value and target are numbers all the same (the pack's
    attention table showed two empty columns)."""
    from kpi.domain.attention import Item, Kind
    from kpi.text import phrases

    with i18n.use("en"):
        _, value, target, _ = phrases.attention_facts(
            Item(Kind.OFF_TRACK, "G1", "Goal", value=3.0, target=5.0), {}
        )
        _, missing, _, _ = phrases.attention_facts(Item(Kind.NO_DATA, "K1", "KPI", unit="%"), {})
    assert (value, target, missing) == ("3", "5", "–")


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_slide_with_nothing_to_list_says_so_as_the_present_page_does(language):
    """The pack's "Actions due" with no action due was a title over an empty slide, where the
    Present page says there is nothing this month; a slide with commentary shows that instead."""
    with i18n.use(language):
        empty = deck.Slide("actions", i18n.t("deck.actions_title"))
        said = deck.Slide("actions", i18n.t("deck.actions_title"), notes=("Two actions closed early.",))
        shown = Presentation(io.BytesIO(pptx_pack.render([empty, said], "Havnhjem"))).slides
        nothing = i18n.t("present.nothing")
    texts = [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in shown]
    assert nothing in texts[0] and nothing not in texts[1]


def test_an_attention_item_close_to_its_target_shows_how_close():
    """2.49 against 2.5 read "2.5 % · target 2.5 %" beside "Close": the item's value shows the
    decimals that tell it from its target, as a goal's or KPI's line in the deck does (`fmt.beside`)."""
    from kpi.domain.attention import Item, Kind
    from kpi.text import phrases

    with i18n.use("en"):
        _, value, target, _ = phrases.attention_facts(
            Item(Kind.RED_KPI, "WEB_CONV", "Web conversion", value=2.49, target=2.5, unit="%"), {}
        )
    assert (value, target) == ("2.49\xa0%", "2.5\xa0% this month")  # a KPI's target is the month's


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_month_at_a_glance_has_no_empty_columns_and_its_counts_do_not_wrap(language):
    """Its rows have counts and notes but no target or status: two empty columns had squeezed
    the notes until "✕ Langt fra / målværdi 3" wrapped inside a count (a new user's Danish PDF)."""
    from kpi.domain.model import KpiStatus
    from kpi.output import month_slides

    with i18n.use(language):
        counted = month_slides._counted([KpiStatus.GREEN, KpiStatus.AMBER, KpiStatus.RED, KpiStatus.RED])
        line = deck.Line(i18n.t("deck.month_kpis"), "1 / 4", note=counted)
        glance = deck.Slide("month", i18n.t("deck.month_title", month="November 2026"), lines=(line,))
        (table,) = (t for _, t in _tables(pptx_pack.render([glance], "Havnhjem")))
        headers = [c.text for c in table.rows[0].cells]
        expected = [i18n.t(k) for k in ("deck.col_what", "deck.col_value", "deck.col_note")]
    assert headers == expected
    assert all(" " not in part for part in counted.split(" · ")), counted  # no-break spaces within


def test_the_downloaded_pack_is_named_after_the_company_and_month(app, monkeypatch):
    """The app's pack was `cx-2026-10.pptx`, whoever's it was; the mailed one carried the company."""
    import streamlit as st

    names: list[str] = []
    button = st.download_button

    def offer(*args, **kwargs):
        names.append(kwargs["file_name"])
        return button(*args, **kwargs)

    monkeypatch.setattr(st, "download_button", offer)
    monkeypatch.setattr(pdf_pack, "soffice", lambda: "soffice")
    at = app(month="2026-10").run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, at.exception
    stem = "Havn-Hjem-A-S-Customer-experience-October-2026"
    assert sorted(names) == [f"{stem}.pdf", f"{stem}.pptx"]
    names.clear()  # a head's pack is hers, and says so (it had the company pack's name)
    at = app(month="2026-10", **{"as": "camilla.berg@havnhjem.example"}).run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, at.exception
    stem = "Havn-Hjem-A-S-Customer-experience-Customer-service-October-2026"
    assert sorted(names) == [f"{stem}.pdf", f"{stem}.pptx"]


def test_a_head_s_pack_says_whose_part_it_is_in_its_title_and_footer(demo_duckdb_url):
    from kpi.domain import access
    from kpi.store import decks, engine, queries

    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        head = queries.person(conn, "camilla.berg@havnhjem.example")
        scope = access.scope_for(head, queries.goal_links(conn))
        october = date(2026, 10, 1)
        hers, whole = decks.brand(conn, october, scope, "en"), decks.brand(conn, october)
    assert hers.title == "Havn & Hjem A/S · Customer experience · Customer service · October 2026"
    assert hers.footer == "CX Cockpit · Havn & Hjem A/S · Customer service · October 2026"
    assert whole.title == "Havn & Hjem A/S · Customer experience · October 2026"


def test_a_head_s_pack_counts_and_lists_her_own_goals_not_those_her_work_serves(demo_duckdb_url):
    """Her pack's month slide counted the CEO's strategic goals her goals serve ("Goals 3 of 4"
    over two of her own), and its attention slides listed them (a presenter's review)."""
    from kpi.domain import access
    from kpi.store import monthly, queries

    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        head = queries.person(conn, "camilla.berg@havnhjem.example")
        scope = access.scope_for(head, queries.goal_links(conn))
        november = date(2026, 11, 1)
        slides = decks.slides(conn, scope, november, "en", today=date(2026, 12, 6))
        built = monthly.month_report(conn, scope, november, "en")
        hers = monthly.attention(conn, scope, built, "en", date(2026, 12, 6))
    goals, _ = built.own(scope)
    served = [built.goals[code].goal.title for code in scope.served if code in built.goals]
    assert served and len(goals) < len(built.goals)
    assert all(r.goal.department == "CS" or r.goal.owner == head.email for r in goals)
    lines = {ln.label: ln for ln in next(s for s in slides if s.kind == "month").lines}
    measured = [r for r in goals if r.status is not GoalStatus.NO_DATA]
    assert lines["Goals on track"].value.endswith(f" of {len(measured)}")
    assert lines["Needs attention"].value == str(len(hers))
    listed = [ln.label for s in slides if s.kind == "exceptions" for ln in s.lines]
    assert len(listed) == len(hers) and not set(listed) & set(served)


def test_the_meeting_s_flow_holds_the_most_severe_and_the_pack_ends_with_the_rest(demo_duckdb_url):
    """45 items on eight slides in the middle of the meeting (a presenter's review): the flow
    holds the most severe, as many as the Overview shows before its fold, says how many there
    are; the rest end the pack, every item once and in the list's order."""
    from kpi.domain import access, attention
    from kpi.store import monthly

    today = date(2026, 12, 6)
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        november = date(2026, 11, 1)
        slides = decks.slides(conn, access.EVERYTHING, november, "en", today=today)
        built = monthly.month_report(conn, access.EVERYTHING, november, "en")
        found = monthly.attention(conn, access.EVERYTHING, built, "en", today)
    assert len(found) > attention.SHOWN
    kinds = [s.kind for s in slides]
    flow = [s for s in slides[: kinds.index("department")] if s.kind == "exceptions"]
    rest = [s for s in slides[kinds.index("actions") :] if s.kind == "exceptions"]
    assert [ln.label for s in flow for ln in s.lines] == [i.subject for i in found[: attention.SHOWN]]
    assert [ln.label for s in rest for ln in s.lines] == [i.subject for i in found[attention.SHOWN :]]
    assert (
        flow[0].subtitle
        == f"{len(found)} items need attention: the 12 most severe here, the other ones in the appendix at the end of the pack."
    )
    assert (
        rest[0].title.startswith("Appendix: the rest of what needs attention") and kinds[-1] == "exceptions"
    )
    assert len([s for s in slides if s.kind == "exceptions"]) == len(flow) + len(rest)


@pytest.mark.parametrize("language", ["en", "da"])
def test_no_table_of_the_demo_pack_sets_its_type_below_ten_points(demo_duckdb_url, language):
    """The drivers slide's table stood in 8-point type beside white space (a presenter's trial):
    its importance column took 3.2 inches for its header's one line over values of 2, and its
    label column fell below the narrowest a weighted column may be at every size. A header now
    wraps rather than widen a column past what it holds, and no table of the pack, smaller type
    for notes and target kinds included, goes below 10 points."""
    from kpi.domain import access

    with engine.reading(engine.create(demo_duckdb_url)) as conn, i18n.use(language):
        slides = decks.slides(conn, access.EVERYTHING, date(2026, 10, 1), language, today=date(2026, 11, 6))
        pack = pptx_pack.render(slides, "x")
    sizes = {
        (number, run.font.size.pt)
        for number, table in _tables(pack)
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.text_frame.paragraphs
        for run in paragraph.runs
    }
    drivers = [n for n, s in enumerate(slides) if s.kind == "drivers"]
    assert drivers and any(number == drivers[0] for number, _ in sizes)
    assert min(size for _, size in sizes) >= 10, sorted(sizes, key=lambda pair: pair[1])[:3]
    assert min(size for number, size in sizes if number == drivers[0]) >= 12


def test_a_goal_slide_says_its_forecast_as_the_command_line_and_the_tiles_do(demo_duckdb_url):
    """ "Forecast at deadline" stood on the Overview's tiles and on no slide (a presenter's review)."""
    from kpi.domain import access, outlook, status
    from kpi.store import monthly, queries
    from kpi.text import phrases

    november = date(2026, 11, 1)
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        slides = decks.slides(conn, access.EVERYTHING, november, "en", today=date(2026, 12, 6))
        built = monthly.month_report(conn, access.EVERYTHING, november, "en")
        ahead = monthly.forecasts(conn, access.EVERYTHING, built)
        series: dict[str, list] = {}
        for v in queries.month_values(conn, access.EVERYTHING, status.forecast_window(november)[0], november):
            series.setdefault(v.kpi, []).append(v)
    said = {s.title: s.subtitle for s in slides if s.kind == "goal"}
    told = with_margin = 0
    for row in built.goals.values():
        if row.goal.title not in said or row.kpi is None:
            continue
        value = ahead[row.goal.code].value
        assert ("· forecast" in said[row.goal.title]) is (value is not None), said[row.goal.title]
        if value is not None:
            told += 1
            # a survey's with its margin (a CX director could not tell whether +40 would be reached)
            margin = outlook.forecast_margin(row, series.get(row.kpi.code, []), november)
            with_margin += margin is not None
            where = phrases.forecast(
                value, row.goal.target, row.kpi.unit, row.kpi.direction, row.status, margin
            )
            assert said[row.goal.title].endswith(f"· forecast {where}")  # and what it means for the target
    assert told >= 2 and with_margin


def test_a_goal_slide_s_table_gives_each_line_its_target():
    """The pack's goal slides read "What | Value | Status" beside the chart, while the Present page
    gives each sub-goal its target (a presenter's trial): the table has the target too."""
    slides, pack = _made_deck()
    goal = next(number for number, s in enumerate(slides) if s.kind == "goal")
    [(_, table)] = [(n, tb) for n, tb in _tables(pack) if n == goal]
    assert [table.cell(0, c).text for c in range(len(table.columns))] == ["What", "Value", "Target", "Status"]
    assert table.cell(1, 2).text.startswith(slides[goal].lines[0].target.split(" (")[0])


def test_a_chart_s_workbook_holds_what_people_typed_as_text_not_formulas():
    """A chart carries a workbook (PowerPoint's "Edit Data"), each series named in it: an event
    titled `=HYPERLINK(…)`, a band's series, was written there as a live formula (an adversarial
    trial). Every cell a name or month fills is text; the values are numbers."""
    import zipfile

    from kpi.domain.company_events import Band

    months = tuple(MONTHS[:4])
    typed = '=HYPERLINK("http://e.example")'
    series = deck.Series(
        "Wait",
        "s",
        tuple(zip(months, [80.0, 90.0, 85.0, 70.0], strict=True)),
        75.0,
        bands=(
            Band(months[1], months[2], typed, "campaign"),
            Band(months[3], months[3], "+1+1", "other"),
            Band(months[0], months[0], "external:\\\\evil\\run.exe", "other"),  # a link, were it not text
        ),
    )
    slides = [deck.Slide("goal", "Callers wait less", chart=series)]
    brand = deck.Brand("CX Cockpit", "Havn & Hjem", "#7A1F5C", None)
    with i18n.use("en"):
        made = pptx_pack.render(slides, brand)
    with zipfile.ZipFile(io.BytesIO(made)) as pack:
        books = [name for name in pack.namelist() if name.endswith(".xlsx")]
        assert books
        for name in books:
            with zipfile.ZipFile(io.BytesIO(pack.read(name))) as book:
                sheet = book.read("xl/worksheets/sheet1.xml").decode()
                strings = book.read("xl/sharedStrings.xml").decode()
            assert "<f>" not in sheet and "<hyperlink" not in sheet
            assert "HYPERLINK" in strings and "+1+1" in strings and "evil" in strings


def test_a_head_s_pack_lists_every_kpi_its_month_slide_counts_and_tells_noise_as_the_tiles_do(
    demo_duckdb_url,
):
    """A presenter's trial of Camilla's pack: "KPIs on target 3 of 9" over slides of eight KPIs
    (her goal T2 on the board is measured by the board's FTR), and "Wait time, invoice
    questions: +19 s, worse" beside "▲ Better than usual", where the tiles say "Still better
    than usual"."""
    from kpi.domain import access
    from kpi.store import queries

    october = date(2026, 10, 1)
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        head = queries.person(conn, "camilla.berg@havnhjem.example")
        scope = access.scope_for(head, queries.goal_links(conn))
        slides = decks.slides(conn, scope, october, "en", today=date(2026, 11, 6))
        pack = Presentation(io.BytesIO(pptx_pack.render(slides, decks.brand(conn, october, scope, "en"))))
    month = {ln.label: ln for ln in next(s for s in slides if s.kind == "month").lines}
    listed = [ln for s in slides if s.kind == "department" for ln in s.lines]
    assert month["KPIs on target"].value.endswith(f" of {len(listed)}")
    assert "First time right" in [ln.label for ln in listed]
    wait = next(ln for ln in listed if ln.label == "Average wait time on the phone")
    # against its signal this month, a step back within its routine variation: no news, so the
    # chip says its signal plainly, as the tiles do (a large step back says "Still …":
    # `phrases.against_signal`, tests/test_attention.py)
    assert not wait.still and "since Sept\xa02026, within its usual month-to-month variation" in wait.note
    assert not [ln.label for ln in listed if ln.still]
    index = next(i for i, s in enumerate(slides) if wait in s.lines)
    cells = [
        c.text
        for shape in pack.slides[index].shapes
        if shape.has_table
        for r in shape.table.rows
        for c in r.cells
    ]
    assert any("within its usual month-to-month variation" in c.replace("\u00a0", " ") for c in cells)
    assert not any("Still better than usual" in c.replace("\u00a0", " ") for c in cells)


def test_a_department_s_trend_draws_its_kpi_s_service_priority_threshold():
    """A head read "broken" against the priority's 95 % on one page and "close" against the month
    target of 92.9 % on another, the 95 % drawn nowhere: the department's trend draws a service
    priority judged by the KPI's value as a line of its own, within the value axis; one measured
    over call records judges a share of calls, not the value, and draws none."""
    from dataclasses import replace as replaced

    from kpi.domain.model import ServicePriority
    from kpi.domain.priority_events import EventMeasure
    from kpi.ui.views import departments_view
    from tests import handmade

    built = handmade.month_report()
    row = built.kpis["WAIT"]
    points = sorted((v for v in handmade.VALUES if v.kpi == "WAIT"), key=lambda v: v.month)
    promise = ServicePriority("P_WAIT", "Callers wait at most 30 seconds", "WAIT", 30.0, "<=")
    spec = departments_view.trend_spec(row, points, handmade.OCTOBER, (), [promise])
    assert spec.promise == 30.0
    chart = charts.trend([(p.month, p.value) for p in points], spec)
    drawn = {s["name"]: s for s in chart["series"] if "name" in s}
    line = drawn["Service priority"]
    assert {point[1] for point in line["data"]} == {30.0} and line["lineStyle"]["color"] == palette.SERIES[
        "promise"
    ]
    assert chart["yAxis"]["min"] <= 30.0 <= chart["yAxis"]["max"]
    counted = replaced(promise, events=EventMeasure("calls/*.csv", 30, 80))  # a share of calls
    assert departments_view.trend_spec(row, points, handmade.OCTOBER, (), [counted]).promise is None


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_line_under_each_slide_s_title_ends_above_what_follows(demo_duckdb_url, language):
    """ "30 items need attention: the 12 most severe here, the other ones in the appendix at the
    end of the pack." wrapped onto a second line under the table's header, in both languages (a
    presenter's trial): the line is set smaller to stay on one, and where it still wraps, the
    table or chart under it starts below its last line."""
    from kpi.domain import access

    with engine.reading(engine.create(demo_duckdb_url)) as conn, i18n.use(language):
        slides = decks.slides(conn, access.EVERYTHING, date(2026, 10, 1), language, today=date(2026, 11, 6))
        pack = pptx_pack.render(slides, "x")
    checked = 0
    for number, slide in enumerate(list(Presentation(io.BytesIO(pack)).slides)[1:], start=1):
        boxes = [
            s for s in slide.shapes if s.has_text_frame and s.top / 914400 >= 1.15 and s.top / 914400 < 1.3
        ]
        content = [s.top / 914400 for s in slide.shapes if s.has_table or s.has_chart]
        if not boxes or not content:
            continue
        (header,) = boxes
        paragraph = header.text_frame.paragraphs[0]
        size = paragraph.runs[0].font.size.pt
        inner = header.width / 914400 - 2 * pptx_pack.TEXT_INSET
        count = measure.lines("".join(r.text for r in paragraph.runs), inner, size, bold=True)
        verdicts = measure.height(1, 16) if len(header.text_frame.paragraphs) > 1 else 0.0
        assert 1.2 + 0.05 + measure.height(count, size) + verdicts <= min(content) + 1e-6, (
            number,
            size,
            count,
        )
        checked += 1
    assert checked >= 10


def test_the_actions_slide_says_which_actions_it_lists_and_what_each_initiative_moved(demo_duckdb_url):
    """A presenter asked why an action due in February was missing from "Actions due" and a done
    one of last year was there, and what "better than usual after 2 months" was about: the slide
    says which it lists, and an initiative's verdict names its KPI."""
    from kpi.domain import access

    with engine.reading(engine.create(demo_duckdb_url)) as conn, i18n.use("en"):
        slides = decks.slides(conn, access.EVERYTHING, date(2026, 10, 1), "en", today=date(2026, 11, 6))
    first = next(s for s in slides if s.kind == "actions")
    assert first.subtitle == ("Open actions due by 31 Dec 2026, then initiatives and whether they worked.")
    (checkout,) = [
        line for s in slides if s.kind == "actions" for line in s.lines if "checkout" in line.label
    ]
    assert checkout.note.startswith("Abandoned baskets: better than usual after "), checkout.note


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_kpi_s_note_says_what_its_process_verdict_is_judged_against(demo_duckdb_url, language):
    """ "▲ Better than usual" beside "✕ Off target, +19 s" was challenged at the meeting, and the
    speaker notes said only "Process: ▲ Better than usual" (a presenter's trial): a KPI's note
    names the rule that fired and the usual level and range it is judged against, and the months
    they are drawn from."""
    from kpi.domain import access
    from kpi.output import speaker
    from kpi.store import monthly

    october = date(2026, 10, 1)
    with engine.reading(engine.create(demo_duckdb_url)) as conn, i18n.use(language):
        report = monthly.month_report(conn, access.EVERYTHING, october, language)
        slides = decks.slides(conn, access.EVERYTHING, october, language, today=date(2026, 11, 6))
        notes = "\n".join(speaker.notes(s) for s in slides if s.kind == "department")
        moved = [r for r in report.kpis.values() if r.reading is not None and r.reading.moved]
        assert moved
        row = moved[0]
        limits, since = row.reading.limits, row.limits_since(october)
        usual = fmt.value_span(limits.lower, limits.upper, row.kpi.unit)
        (line,) = [n for n in notes.splitlines() if n.startswith(f"• {row.kpi.name}: ")]
        word = {
            "en": ("against its usual level of", "process change of"),
            "da": ("niveau på", "procesændringen i"),
        }
        level, change = word[language]
        assert f"{level} {fmt.value(limits.centre, row.kpi.unit)}" in line and usual in line, line
        assert f"{change} {fmt.month_long(since)}" in line, line
        assert "(" + i18n.t(f"signal.rule.{row.reading.signals[0].rule}") in line, line
