"""The warm-up gives way to people (kpi.ui.data): it builds the Overview's reads first, then
waits, before each of its later steps (the deck, SMART, the cascade's and the Data page's
reads), until no page's run is in progress and no browser is loading the app. Proved by where
the warm-up's thread stands and what its loaders computed while a run is held open, never by
a time."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator
from unittest import mock

import pytest
from streamlit.web.server.starlette import starlette_app

from kpi.ui import data, launch
from tests.conftest import point_app_at

OVERVIEW = (
    "month_report",
    "history",
    "attention",
    "commentary",
    "splits",
    "late",
    "origins",
    "owed",
    "promises",
    "actions",  # the exception list and who owes what are made from them
)
LATER = ("smart_assessments", "deck", "initiative_verdicts", "definitions", "organisation")
DEPARTMENT_PAGE = ("actions", "initiative_verdicts")
"""The loaders the Departments page of management (where the demo's executives open it) asks
for again, for that department's scope."""
AFTER = LATER + DEPARTMENT_PAGE
FOREVER = 600.0
"""Longer than any test: a wait that ends proves its condition, not a bound."""


def after_later_steps(before: dict[str, int]) -> dict[str, int]:
    """What the later steps compute: each of `LATER` once, and management's Departments page."""
    return {name: before[name] + (name in LATER) + (name in DEPARTMENT_PAGE) for name in AFTER}


def computed(names: tuple[str, ...]) -> dict[str, int]:
    return {loader.__name__: loader.calls for loader in data._LOADERS if loader.__name__ in names}


def until(condition: Callable[[], bool]) -> None:
    deadline = threading.Event()
    for _ in range(int(FOREVER / 0.02)):
        if condition():
            return
        deadline.wait(0.02)
    raise AssertionError("the condition never held")


def waiting_for_people(thread: threading.Thread) -> bool:
    """Whether `thread` stands in `data._after_people`."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code is data._after_people.__code__:
            return True
        frame = frame.f_back
    return False


@pytest.fixture
def store(demo_duckdb_url, monkeypatch) -> Iterator[str]:
    point_app_at(monkeypatch, demo_duckdb_url)
    monkeypatch.setattr(data, "YIELD_AT_MOST", FOREVER)
    monkeypatch.setattr(data, "_runs_now", 0)
    monkeypatch.setattr(data, "_last_arrival", -FOREVER)  # no browser came
    yield demo_duckdb_url


def test_the_warm_up_builds_the_overview_then_waits_for_a_run_in_progress(store, monkeypatch):
    monkeypatch.setattr(data, "QUIET", 0.0)  # the run's end alone frees it: no time in this test
    before = computed(OVERVIEW + AFTER)
    data.before_run()  # a person's page is running
    warming = threading.Thread(target=data.warm, args=(store,), daemon=True)
    warming.start()
    until(lambda: waiting_for_people(warming))
    now = computed(OVERVIEW + AFTER)
    assert all(now[name] == before[name] + 1 for name in OVERVIEW), "the Overview's reads come first"
    assert all(now[name] == before[name] for name in LATER), "nothing later while the run goes on"
    monkeypatch.setattr(data, "_first_run_done", True)  # `after_run` starts no warm-up of its own
    data.after_run()  # the run ended
    warming.join(FOREVER)
    assert not warming.is_alive()
    assert computed(AFTER) == after_later_steps(now)


def held_back_until_quiet(store: str, monkeypatch) -> None:
    """With `QUIET` set to forever and something just seen (a run's end, a browser's request):
    the warm-up builds the Overview, then waits with nothing later built; once `QUIET` is 0 and
    the wait is woken (as the next run's end would), it builds the later steps."""
    warming = threading.Thread(target=data.warm, args=(store,), daemon=True)
    before = computed(AFTER)
    warming.start()
    until(lambda: waiting_for_people(warming) or not warming.is_alive())
    assert warming.is_alive(), "the warm-up went straight through"
    assert computed(LATER) == {name: before[name] for name in LATER}
    before["actions"] += 1  # the Overview's
    monkeypatch.setattr(data, "QUIET", 0.0)
    with data._runs:
        data._runs.notify_all()
    warming.join(FOREVER)
    assert not warming.is_alive()
    assert computed(AFTER) == after_later_steps(before)


def test_the_later_steps_leave_a_page_just_drawn_its_quiet_moment(store, monkeypatch):
    """A run that ended less than `QUIET` seconds ago still holds the later steps back."""
    monkeypatch.setattr(data, "QUIET", FOREVER)
    monkeypatch.setattr(data, "_first_run_done", True)
    data.before_run()
    data.after_run()  # a page's run just ended: its browser draws it now
    held_back_until_quiet(store, monkeypatch)


def test_nobody_running_lets_the_warm_up_go_straight_through(store, monkeypatch):
    monkeypatch.setattr(data, "_last_run_ended", -data.QUIET)
    before = computed(AFTER)
    data.warm(store)  # on this thread: it would never return if it waited for nobody
    before["actions"] += 1  # the Overview's
    assert computed(AFTER) == after_later_steps(before)


def asked(app: launch.Arrivals, path: str) -> None:
    """`app` asked for `path` over HTTP, on an event loop of its own (a thread's: a browser test
    before may have left one running on this one)."""
    request = threading.Thread(
        target=asyncio.run, args=(app({"type": "http", "path": path}, mock.Mock(), mock.Mock()),)
    )
    request.start()
    request.join(FOREVER)


def test_a_browser_loading_the_app_holds_the_later_steps_back(store, monkeypatch):
    """A person who opens the app loads its code for about a second before a first run: a request
    through the launcher's `Arrivals` holds the later steps back for `QUIET`, as a run's end
    does; a load balancer's health check is nobody, and every request goes on to the server."""
    monkeypatch.setattr(data, "QUIET", FOREVER)
    monkeypatch.setattr(data, "_last_run_ended", -FOREVER)
    monkeypatch.setattr(data, "_first_run_done", True)
    served: list[str] = []

    async def server(scope, receive, send) -> None:
        served.append(scope["path"])

    arrivals = launch.Arrivals(server)
    for nobody in launch.NOBODY:
        asked(arrivals, nobody)
    assert data._last_arrival == -FOREVER  # a load balancer's checks, a monitor's scrape: nobody came
    asked(arrivals, "/static/js/index.js")
    assert served == [*launch.NOBODY, "/static/js/index.js"]
    held_back_until_quiet(store, monkeypatch)


def test_the_launcher_puts_arrivals_in_front_of_streamlits_own_middleware(monkeypatch):
    """The server Streamlit builds (its app factory, as `streamlit run` calls it) has `Arrivals`
    first, once however often the launcher asks, and Streamlit's own middleware after it."""
    own = starlette_app.create_streamlit_middleware
    monkeypatch.setattr(starlette_app, "create_streamlit_middleware", own)  # as it was, after the test
    launch.watch_arrivals()
    launch.watch_arrivals()
    built = starlette_app.create_starlette_app(mock.MagicMock())
    kinds = [m.cls for m in built.user_middleware]
    assert kinds == [launch.Arrivals, *(m.cls for m in own())]
