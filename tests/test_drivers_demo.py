"""The driver analysis on the demo company: it recovers the generating weights' order for both
segments with intervals that hold the true importances; its store reads on both databases and in
scope; the Drivers tab of Why it moved; the pack's one slide."""

from __future__ import annotations

import json
import math
from datetime import date
from io import BytesIO

import numpy as np
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from kpi.demo.generate import _level, load_spec
from kpi.domain import access, drivers, months
from kpi.domain.access import EVERYTHING
from kpi.domain.respondents import Respondent
from kpi.output import driver_slide, pptx_pack
from kpi.store import decks, engine, queries, respondents
from kpi.store import drivers as driver_store
from kpi.text import driver_words
from kpi.text.i18n import t
from tests.conftest import DEMO_END
from tests.sharing import open_why_tab, why_tab

MODEL = load_spec()["respondents"]
TOUCHPOINTS = tuple(sorted(MODEL["touchpoints"]))
FIRST = months.add(DEMO_END, -11)
CX_DIRECTOR = "jonas.lund@havnhjem.example"
HEAD_CS = "camilla.berg@havnhjem.example"
DUCKDB_ONLY = pytest.mark.parametrize("demo_url", ["duckdb"], indirect=True)

DRIVERS_TAB = why_tab("why.tab_drivers")
"""The Drivers tab's place on the Why page (its tabs in order: pages/why.py)."""


def _scope(conn, email: str) -> access.Scope:
    return access.scope_for(queries.person(conn, email), queries.goal_links(conn))


def _people(url: str) -> list[Respondent]:
    with engine.reading(engine.create(url)) as conn:
        return respondents.read(conn, EVERYTHING, MODEL["outcome"], MODEL["rating"], FIRST, DEMO_END)


def _true_shares(people: list[Respondent], per_month: int = 100_000) -> dict[str, dict[str, float]]:
    """Each segment's true importance shares: the documented generating model ([respondents] in
    kpi/demo/company.toml, kpi/demo/generate.py `_respondents`) simulated with `per_month`
    respondents in each month of the window, every rating given. Each month's NPS scores are the
    demo's own for that month, handed out by the rank of the drive index as the generator does."""
    spec = load_spec()
    outcome = next(k for k in spec["kpis"] if k["code"] == MODEL["outcome"])
    rng = np.random.default_rng(20)
    loading, noise = float(MODEL["mood"]), float(MODEL["noise"])
    means = np.array([float(MODEL["touchpoints"][tp]["mean"]) for tp in TOUCHPOINTS])
    drift = np.array([float(MODEL["touchpoints"][tp]["drift"]) for tp in TOUCHPOINTS])
    weights = {name: np.array([float(w[tp]) for tp in TOUCHPOINTS]) for name, w in MODEL["weights"].items()}
    span = float(outcome["now"]) - float(outcome["base"])
    ratings, scores, segments = [], [], []
    for month in months.between(FIRST, DEMO_END):
        mine = [p for p in people if p.month == month]
        handed = np.sort([p.outcome for p in mine])
        business = np.mean([p.segment == "business" for p in mine])
        level = _level(outcome, months.diff(DEMO_END, month), int(spec["strategy_start"]))
        progress = (level - float(outcome["base"])) / span
        segment = np.where(rng.random(per_month) < business, "business", "private")
        mood = rng.normal(size=(per_month, 1))
        own = rng.normal(size=(per_month, len(TOUCHPOINTS)))
        rated = np.clip(
            np.round(means + drift * progress + loading * mood + math.sqrt(1 - loading**2) * own), 1, 5
        )
        tilt = np.where((segment == "business")[:, None], weights["business"], weights["private"])
        drive = (rated * tilt).sum(axis=1) + noise * rng.normal(size=per_month)
        rank = np.argsort(np.argsort(drive, kind="stable"), kind="stable")
        ratings.append(rated)
        scores.append(handed[rank * len(handed) // per_month].astype(np.float64))
        segments.append(segment)
    x, y, segment = np.vstack(ratings), np.concatenate(scores), np.concatenate(segments)
    truth = {}
    for name in MODEL["weights"]:
        r2, importance = drivers.importances(x[segment == name], y[segment == name])
        truth[name] = dict(zip(TOUCHPOINTS, importance / r2, strict=True))
    return truth


@DUCKDB_ONLY
@pytest.mark.reads_only
def test_the_demo_drivers_recover_the_weights_order_with_intervals_holding_the_truth(demo_url):
    people = _people(demo_url)
    found = drivers.slices(people)
    assert found.touchpoints == TOUCHPOINTS
    truth = _true_shares(people)
    segments = dict(found.segments)
    assert sorted(segments) == sorted(MODEL["weights"])
    for name, weights in MODEL["weights"].items():
        analysis = segments[name]
        assert analysis.is_enough, (name, analysis.n)
        by_weight = sorted(TOUCHPOINTS, key=lambda tp: -weights[tp])
        assert [d.touchpoint for d in analysis.drivers] == by_weight, name
        held = {
            d.touchpoint: d.share_low <= truth[name][d.touchpoint] <= d.share_high for d in analysis.drivers
        }
        assert all(held.values()), (name, held, truth[name])
    # The truth has teeth: the segments' true orders differ, and each follows its weights.
    for name, weights in MODEL["weights"].items():
        assert sorted(TOUCHPOINTS, key=lambda tp: -truth[name][tp]) == sorted(
            TOUCHPOINTS, key=lambda tp: -weights[tp]
        )


@pytest.mark.reads_only
def test_the_pair_is_found_on_both_databases_and_only_in_scope(demo_url):
    first = months.add(DEMO_END, -2)
    with engine.reading(engine.create(demo_url)) as conn:
        found = driver_store.pairs(conn, _scope(conn, CX_DIRECTOR), first, DEMO_END, "en")
        assert [(p.outcome, p.rating) for p in found] == [(MODEL["outcome"], MODEL["rating"])]
        analysis = driver_store.analysis(conn, EVERYTHING, MODEL["outcome"], MODEL["rating"], first, DEMO_END)
        assert found[0].respondents >= analysis.everyone.n >= drivers.MIN_N
        head = _scope(conn, HEAD_CS)
        assert driver_store.pairs(conn, head, first, DEMO_END, "en") == []
        nothing = driver_store.analysis(conn, head, MODEL["outcome"], MODEL["rating"], first, DEMO_END)
        assert nothing.touchpoints == () and nothing.everyone.n == 0
        assert driver_store.for_the_pack(conn, head, DEMO_END, "en") is None
        # The department's own surveys, and only theirs: management's scope finds the pair, while
        # line of sight to management's KPIs (a goal serving theirs) brings their values, never
        # their answers.
        board = access.Scope(frozenset({"MGMT"}))
        assert [p.outcome for p in driver_store.pairs(conn, board, first, DEMO_END, "en")] == [
            MODEL["outcome"]
        ]
        sight = access.Scope(frozenset({"CS"}), kpis=frozenset({MODEL["outcome"], MODEL["rating"]}))
        assert driver_store.pairs(conn, sight, first, DEMO_END, "en") == []
        assert (
            driver_store.analysis(conn, sight, MODEL["outcome"], MODEL["rating"], first, DEMO_END).everyone.n
            == 0
        )
        assert driver_store.pairs(conn, access.NOTHING, first, DEMO_END, "en") == []


@DUCKDB_ONLY
@pytest.mark.reads_only
def test_the_pack_has_one_drivers_slide_after_what_needs_attention(demo_url):
    with engine.reading(engine.create(demo_url)) as conn:
        slides = decks.slides(conn, _scope(conn, CX_DIRECTOR), DEMO_END, "en")
        heads = decks.slides(conn, _scope(conn, HEAD_CS), DEMO_END, "en")
    kinds = [s.kind for s in slides]
    assert kinds.count(driver_slide.KIND) == 1
    at = kinds.index(driver_slide.KIND)
    assert kinds[at - 1] == "exceptions"  # after the flow's; the rest of the list ends the pack
    assert all(
        s.title.startswith("Appendix: the rest of what needs attention")
        for s in slides[at:]
        if s.kind == "exceptions"
    )
    slide = slides[at]
    assert slide.title == "What drives Net Promoter Score, all customers"
    with engine.reading(engine.create(demo_url)) as conn:
        found = driver_store.for_the_pack(conn, EVERYTHING, DEMO_END, "en")
    assert found is not None
    ranked = [driver_words.name(d.touchpoint) for d in found[1].everyone.drivers]
    assert [line.label for line in slide.lines] == ranked and len(ranked) == len(TOUCHPOINTS)
    assert all("Business #" in line.note and "Private #" in line.note for line in slide.lines)
    assert driver_slide.KIND not in [s.kind for s in heads]
    pack = pptx_pack.render(slides, "footer")
    texts = [
        shape.table.cell(row, 0).text
        for page in Presentation(BytesIO(pack)).slides
        for shape in page.shapes
        if shape.has_table
        for row in range(len(shape.table.rows))
    ]
    assert {line.label for line in slide.lines} <= set(texts)
    # beside its table, the importance × performance chart, as the Present page draws it (the
    # pack's slide was a table alone): a point per touchpoint, named with its quadrant's sign
    drawn = Presentation(BytesIO(pack)).slides[at]
    [chart] = [shape.chart for shape in drawn.shapes if shape.has_chart]
    assert chart.chart_type in (XL_CHART_TYPE.XY_SCATTER, XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS)
    named = [p.data_label.text_frame.text for series in chart.plots[0].series for p in series.points]
    assert sorted(n for n in named if n) == sorted(
        driver_words.name(d.touchpoint) for d in found[1].everyone.drivers
    )
    assert chart.value_axis.axis_title.text_frame.text == "Share of what the ratings explain"
    # what a mean rating is out of: the rating KPI's answer scale (a CX director's trial)
    assert chart.category_axis.axis_title.text_frame.text == "Mean rating (1–5)"


def _why(at) -> str:
    return " ".join(
        [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    )


@pytest.mark.parametrize("app_url", ["duckdb"], indirect=True)
@pytest.mark.reads_only
def test_the_drivers_tab_for_the_cx_director_and_a_head(app):
    at = app(month=f"{DEMO_END:%Y-%m}", **{"as": CX_DIRECTOR}).run()
    at.switch_page("pages/why.py").run()
    open_why_tab(at, "why.tab_drivers")
    assert not at.exception
    assert at.tabs[DRIVERS_TAB].label == t("why.tab_drivers")
    drivers_tab = at.tabs[DRIVERS_TAB]
    shown = _why(drivers_tab)
    assert "customers rated every touchpoint in Aug 2026 – Oct 2026" in shown
    assert len(_charts(drivers_tab)) == 1
    table, phone = (frame for frame in drivers_tab.dataframe[:2])
    assert list(table.value["Rank"]) == [1, 2, 3, 4, 5]
    table = table.value
    # a phone's four columns, which fit its width: six ran off its right edge (a CX director's trial)
    assert list(phone.proto.column_order) == ["Touchpoint", "Priority", "Importance", "Mean rating"]
    assert sorted(table["Touchpoint"]) == sorted(driver_words.name(tp) for tp in TOUCHPOINTS)
    at.segmented_control(key="why.drivers.group").set_value(1).run()  # the first segment
    assert not at.exception
    spec = json.loads(_charts(at.tabs[DRIVERS_TAB])[0].proto.spec)
    assert spec["title"]["text"] == "Business"
    assert spec["xAxis"]["name"] == "Mean rating (1–5)"  # the ratings' scale, as the pack's chart says
    head = app(month=f"{DEMO_END:%Y-%m}", **{"as": HEAD_CS}).run()
    head.switch_page("pages/why.py").run()
    open_why_tab(head, "why.tab_drivers")
    assert not head.exception
    assert [i.value for i in head.tabs[DRIVERS_TAB].info] == [t("drivers.nothing")]
    assert not _charts(head.tabs[DRIVERS_TAB]) and not head.tabs[DRIVERS_TAB].dataframe


def _charts(where) -> list:
    return [chart for chart in where.get("echarts_chart") if "why.drivers.chart" in chart.proto.id]


@pytest.mark.parametrize("app_url", ["duckdb"], indirect=True)
@pytest.mark.reads_only
def test_too_few_answers_say_so_and_rank_nothing(app, monkeypatch):
    from kpi.ui import data

    few = drivers.Slices(TOUCHPOINTS, drivers.Analysis(57, None, ()), ())
    monkeypatch.setattr(data, "driver_analysis", lambda *args: few)
    at = app(month=f"{DEMO_END:%Y-%m}", **{"as": CX_DIRECTOR}).run()
    at.switch_page("pages/why.py").run()
    open_why_tab(at, "why.tab_drivers")
    assert not at.exception
    assert [i.value for i in at.tabs[DRIVERS_TAB].info] == [
        f"Not enough answers: 57\u00a0customers among All customers rated every touchpoint; "
        f"the analysis needs at least {drivers.MIN_N}."
    ]
    assert not _charts(at.tabs[DRIVERS_TAB]) and not at.tabs[DRIVERS_TAB].dataframe


def test_the_slide_says_not_enough_answers_below_the_minimum():
    few = drivers.Slices(("delivery",), drivers.Analysis(drivers.MIN_N - 1, None, ()), ())
    slide = driver_slide.slide(few, "NPS", date(2026, 8, 1), date(2026, 10, 1))
    assert slide is not None and slide.kind == driver_slide.KIND
    assert [line.label for line in slide.lines] == [
        f"Not enough answers: {drivers.MIN_N - 1}\u00a0customers among All customers rated every touchpoint; "
        f"the analysis needs at least {drivers.MIN_N}."
    ]
    assert (
        driver_slide.slide(drivers.Slices((), drivers.Analysis(0, None, ()), ()), "NPS", DEMO_END, DEMO_END)
        is None
    )


@DUCKDB_ONLY
def test_the_decks_search_for_a_pair_has_closed_its_connection_before_the_analysis_draws(
    demo_url, monkeypatch
):
    """DuckDB gives back what a query held only when the store's last connection closes: the
    app's deck searches for its pair and analyses it each in a connection of its own, none
    other open (an open month's deck opens none of its own; a closed month's asks after its
    close is read) (the search held 12 MB of the large company's
    process beside the analysis's samples: issue 21, peak memory). The slide is the same."""
    import contextlib

    import streamlit as st

    from kpi.ui import data

    st.cache_data.clear()
    st.cache_resource.clear()
    opened: list[str] = []
    seen: dict[str, int] = {}
    reading = engine.reading

    @contextlib.contextmanager
    def counted(store, wait=None):
        opened.append("open")
        try:
            with reading(store, wait) as conn:
                yield conn
        finally:
            opened.remove("open")

    def watched(name, real):
        def call(*args, **kwargs):
            seen[name] = len(opened)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(engine, "reading", counted)
    monkeypatch.setattr(driver_store, "pairs", watched("pairs", driver_store.pairs))
    monkeypatch.setattr(driver_store, "analysis", watched("analysis", driver_store.analysis))
    slides, _ = data.deck(demo_url, EVERYTHING, DEMO_END, "en", DEMO_END)
    assert seen == {"pairs": 1, "analysis": 1}
    monkeypatch.undo()
    with engine.reading(engine.create(demo_url)) as conn:
        expected = decks.slides(conn, EVERYTHING, DEMO_END, "en", DEMO_END)
    shown = [s for s in slides if s.kind == driver_slide.KIND]
    assert len(shown) == 1 and shown == [s for s in expected if s.kind == driver_slide.KIND]
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("app_url", ["duckdb"], indirect=True)
@pytest.mark.reads_only
def test_the_drivers_slide_on_present_draws_its_chart_beside_its_headed_lines(app, demo_url):
    """ "33 % (29–38 %)" stood without a word of what it is on the Present page (the packs' table
    heads it): the slide heads it. The slide was a table over half a screen: its importance ×
    performance chart stands beside the lines, as on the Why page."""
    with engine.reading(engine.create(demo_url)) as conn:
        kinds = [s.kind for s in decks.slides(conn, _scope(conn, CX_DIRECTOR), DEMO_END, "en")]
    at = app(month=f"{DEMO_END:%Y-%m}", **{"as": CX_DIRECTOR}).run()
    at.switch_page("pages/present.py").run()
    [s for s in at.selectbox if s.key == "present.jump.0"][0].set_value(kinds.index(driver_slide.KIND)).run()
    assert not at.exception, at.exception
    assert "Importance (95\xa0% interval)" in [c.value for c in at.caption]
    (chart,) = [c for c in at.get("echarts_chart") if "present.drivers" in c.proto.id]
    spec = json.loads(chart.proto.spec)
    labelled = json.dumps(spec["series"], ensure_ascii=False)
    assert all(name in labelled for name in ("Delivery", "Customer service", "Webshop"))
    assert [m.value for m in at.markdown if m.value.startswith("**Delivery** · ")]
