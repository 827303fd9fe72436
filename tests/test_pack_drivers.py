"""The pack's driver slide: a closed month's comes from its close (answers imported later move it
no more, reopening lets it follow them again, an old close without it falls back to the live
answers), and the analysis behind it runs once per pair, not once per reader."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from kpi.delivery import sending
from kpi.domain import access, drivers, pack_drivers, snapshot
from kpi.domain.access import EVERYTHING
from kpi.domain.pack_drivers import Shared
from kpi.output import driver_slide
from kpi.output.slide import Slide
from kpi.store import closing, decks, engine, importing, queries
from kpi.store import drivers as driver_store
from kpi.store import schema as s
from kpi.text import i18n
from kpi.ui import data
from tests.conftest import DEMO_END, point_app_at
from tests.test_edits import ADMIN

CX_DIRECTOR = "jonas.lund@havnhjem.example"
HEAD_CS = "camilla.berg@havnhjem.example"
MANAGEMENT = access.Scope(frozenset({"MGMT"}))
"""A scope of management's department alone: it holds the demo's survey pair, as everyone's does."""


def _scope(conn, email: str) -> access.Scope:
    return access.scope_for(queries.person(conn, email), queries.goal_links(conn))


def _drivers_slide(url: str, email: str = CX_DIRECTOR) -> Slide | None:
    with engine.reading(engine.create(url)) as conn:
        slides = decks.slides(conn, _scope(conn, email), DEMO_END, "en")
    return next((one for one in slides if one.kind == driver_slide.KIND), None)


def _late_answers(url: str, count: int = 400) -> None:
    """Answers of `count` more respondents in the demo's last month whose NPS follows only the
    touchpoint rated best on average: enough to reorder the month's drivers."""
    with engine.reading(engine.create(url)) as conn:
        found = driver_store.for_the_pack(conn, EVERYTHING, DEMO_END, "en")
    assert found is not None
    pair, slices, _ = found
    last = slices.everyone.drivers[-1].touchpoint  # the least important: made the only one that counts
    rng = np.random.default_rng(7)
    lines = ["kpi,date,score,segment,touchpoint,respondent,comment"]
    for i in range(count):
        ratings = rng.integers(1, 6, size=len(slices.touchpoints))
        mine = int(ratings[slices.touchpoints.index(last)])
        lines.append(f"{pair.outcome},2026-10-20,{min(10, 2 * mine)},private,,late-{i},")
        lines += [
            f"{pair.rating},2026-10-20,{int(r)},private,{tp},late-{i},"
            for tp, r in zip(slices.touchpoints, ratings, strict=True)
        ]
    data = ("\n".join(lines) + "\n").encode()
    importing.run(engine.create(url), "responses", data, "late.csv", ADMIN)


def _forget_kept(url: str) -> None:
    """Make the close one made before closes kept the driver analysis (its snapshot without it)."""
    store = engine.create(url)
    with engine.reading(store) as conn:
        kept = json.loads(closing.closed(conn, DEMO_END).snapshot)
    kept.pop("drivers")
    table = s.month_close
    with engine.writing(store) as conn:
        conn.execute(table.update().where(table.c.month == DEMO_END).values(snapshot=json.dumps(kept)))


def test_a_closed_months_drivers_slide_comes_from_its_close_and_reopening_frees_it(demo_url):
    store = engine.create(demo_url)
    before = _drivers_slide(demo_url)
    assert before is not None
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, DEMO_END)
    assert _drivers_slide(demo_url) == before
    _late_answers(demo_url)
    assert _drivers_slide(demo_url) == before  # the pack of the closed month is as closed
    assert _drivers_slide(demo_url, HEAD_CS) is None  # and still in scope
    with engine.writing(store) as conn:
        closing.reopen(conn, ADMIN, DEMO_END, "Late answers came in")
    live = _drivers_slide(demo_url)
    assert live is not None and live != before
    assert [line.label for line in live.lines] != [line.label for line in before.lines]
    with engine.writing(store) as conn:  # closed again: the new close keeps the new analysis
        closing.close(conn, ADMIN, DEMO_END)
    assert _drivers_slide(demo_url) == live


def test_a_close_made_before_closes_kept_the_analysis_reads_the_live_answers(demo_duckdb_url):
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        closing.close(conn, ADMIN, DEMO_END)
    closed = _drivers_slide(demo_duckdb_url)
    _forget_kept(demo_duckdb_url)
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        meeting = closing.meeting_month(conn, EVERYTHING, DEMO_END, "en")
    assert meeting.is_closed and meeting.drivers is None
    assert _drivers_slide(demo_duckdb_url) == closed  # nothing changed yet: the same slide
    _late_answers(demo_duckdb_url)
    moved = _drivers_slide(demo_duckdb_url)
    assert moved is not None and moved != closed


def test_the_kept_analysis_reads_back_exactly_and_in_the_readers_language(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, DEMO_END)
    with engine.reading(store) as conn:
        kept = closing.meeting_month(conn, EVERYTHING, DEMO_END, "da").drivers
        live = driver_store.for_the_pack(conn, EVERYTHING, DEMO_END, "en")
    assert kept is not None and live is not None
    pair, slices, first = live
    assert [(p.outcome, p.rating) for p in kept.shared] == [(pair.outcome, pair.rating)]
    assert kept.analyses[(pair.outcome, pair.rating)] == slices and kept.first == first
    with i18n.use("da"), engine.reading(store) as conn:
        danish = next(
            s for s in decks.slides(conn, EVERYTHING, DEMO_END, "da") if s.kind == driver_slide.KIND
        )
    assert danish.title == "Hvad driver Net Promoter Score, alle kunder"  # the closed KPI's Danish name


@pytest.mark.parametrize(
    ("shared", "is_nps", "expected"),
    [
        # the rating sharing the most respondents; NPS outcomes before others
        (
            [Shared("CSAT", "TP", 900), Shared("NPS", "TP", 300), Shared("NPS", "TP2", 500)],
            {"CSAT": False, "NPS": True, "TP": False, "TP2": False},
            [Shared("NPS", "TP2", 500), Shared("CSAT", "TP", 900)],
        ),
        # a KPI outside the reader's scope counts for nothing
        (
            [Shared("NPS", "TP", 300), Shared("NPS", "TP2", 500)],
            {"NPS": True, "TP": False},
            [Shared("NPS", "TP", 300)],
        ),
        ([Shared("NPS", "TP", 300)], {"TP": False}, []),
        # among outcomes alike, more respondents first, then the code
        (
            [Shared("B", "TP", 200), Shared("A", "TP", 200), Shared("C", "TP", 400)],
            {"A": False, "B": False, "C": False, "TP": False},
            [Shared("C", "TP", 400), Shared("A", "TP", 200), Shared("B", "TP", 200)],
        ),
    ],
)
def test_the_pair_a_reader_sees(shared, is_nps, expected):
    assert pack_drivers.choose(shared, is_nps) == expected


def test_a_snapshot_keeps_the_analysis_and_one_without_it_says_so():
    rng = np.random.default_rng(3)

    class One:
        def __init__(self, segment: str) -> None:
            self.segment = segment
            self.ratings = {tp: int(rng.integers(1, 6)) for tp in ("app", "phone", "shop")}
            self.outcome = min(10, 2 * self.ratings["phone"])

    found = drivers.slices([One("business" if i % 2 else "private") for i in range(300)], resamples=50)
    assert found.everyone.is_enough
    kept = pack_drivers.Kept(date(2026, 8, 1), (Shared("NPS", "TP", 300),), {("NPS", "TP"): found})
    month = date(2026, 10, 1)
    text = snapshot.freeze(month, [], {"en": ([], [], [])}, drivers=kept)
    assert snapshot.thaw(text, "en", access.NOTHING).drivers == kept
    assert snapshot.thaw(snapshot.freeze(month, [], {"en": ([], [], [])}), "en", EVERYTHING).drivers is None


# --- one analysis per pair -------------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch) -> list[tuple]:
    """Every driver analysis the store runs: (scope, outcome, rating, first, last)."""
    runs: list[tuple] = []
    real = driver_store.analysis

    def analysis(conn, scope, outcome, rating, first, last):
        runs.append((scope, outcome, rating, first, last))
        return real(conn, scope, outcome, rating, first, last)

    monkeypatch.setattr(driver_store, "analysis", analysis)
    return runs


@pytest.mark.reads_only
def test_readers_of_the_same_pair_share_one_analysis_in_a_run(demo_url, counted):
    memo = driver_store.Memo()
    with engine.reading(engine.create(demo_url)) as conn:
        everyone = decks.slides(conn, _scope(conn, CX_DIRECTOR), DEMO_END, "en", analyse=memo)
        management = decks.slides(conn, MANAGEMENT, DEMO_END, "en", analyse=memo)
        assert len(counted) == memo.computed == 1
        assert counted[0][0] == MANAGEMENT  # asked with the pair's reach: its KPIs' department
        head = decks.slides(conn, _scope(conn, HEAD_CS), DEMO_END, "en", analyse=memo)
    assert len(counted) == memo.computed == 1  # the head of customer service has no pair: no analysis
    mine = [[s for s in deck if s.kind == driver_slide.KIND] for deck in (everyone, management, head)]
    assert mine[0] == mine[1] and len(mine[0]) == 1 and mine[2] == []


def test_a_send_run_analyses_each_pair_once_and_a_kept_close_none(demo_duckdb_url, counted):
    store = engine.create(demo_duckdb_url)
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, DEMO_END)
    counted.clear()  # the close's own
    with engine.reading(store) as conn:
        planned = sending.plan(conn, DEMO_END, "en")
    with_slide = [p for p in planned if any(s.kind == driver_slide.KIND for s in p.slides)]
    assert len(with_slide) >= 2 and counted == []  # read from the close
    _forget_kept(demo_duckdb_url)
    with engine.reading(store) as conn:
        again = sending.plan(conn, DEMO_END, "en")
    assert len(counted) == 1
    assert [p.slides for p in again] == [p.slides for p in planned]


def test_the_apps_decks_share_one_cached_analysis_with_the_why_page(demo_duckdb_url, monkeypatch, counted):
    point_app_at(monkeypatch, demo_duckdb_url)
    today = date(2026, 11, 20)
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        director, head = _scope(conn, CX_DIRECTOR), _scope(conn, HEAD_CS)
    before = data.driver_analysis.calls
    data.deck(demo_duckdb_url, director, DEMO_END, "en", today)
    data.deck(demo_duckdb_url, MANAGEMENT, DEMO_END, "da", today)
    assert data.driver_analysis.calls - before == len(counted) == 1
    data.deck(demo_duckdb_url, head, DEMO_END, "en", today)
    assert len(counted) == 1
    first = driver_store.window(DEMO_END)
    pair = data.driver_pairs(demo_duckdb_url, director, first, DEMO_END, "en")[0]
    data.driver_analysis(demo_duckdb_url, pair.reach, pair.outcome, pair.rating, first, DEMO_END)
    assert len(counted) == 1  # what the Why page asks for is what the deck cached
