"""The big shared results (kpi/ui/data.py, `shared`) stay within `SHARED_ROWS` rows together, the
least recently used going first, and the demo's whole year of every person's pages fits: under
`make load`, where people ask for any of twelve months, a bound of 24 results per loader built
the demo's reports again and again."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.domain import attention, months
from kpi.domain.access import EVERYTHING
from kpi.domain.report import MonthReport
from kpi.output.slide import Brand
from kpi.ui import data
from tests.commands import in_process
from tests.conftest import point_app_at

MONTH = date(2026, 10, 1)
TODAY = date(2026, 11, 30)


@pytest.fixture
def empty(demo_url, monkeypatch):
    """The demo's store with every cache empty and the ledger at nought."""
    point_app_at(monkeypatch, demo_url)
    data.refresh()
    assert data._SHARED_LEDGER.total == 0
    yield demo_url
    data.refresh()


def kept() -> dict[str, int]:
    """Rows in the ledger per loader."""
    out: dict[str, int] = {}
    for (loader, _key), rows in data._SHARED_LEDGER._rows.items():
        out[loader.__name__] = out.get(loader.__name__, 0) + rows
    return out


def a_month(url: str, scope, month: date) -> None:
    """The shared reads of every page of `scope` in `month`."""
    data.month_report(url, scope, month, "en")
    data.attention(url, scope, month, "en", TODAY)
    data.history(url, scope, months.add(month, -12), month)
    data.smart_assessments(url, scope, month)
    data.owed(url, scope, month, "en", TODAY)
    data.deck(url, scope, month, "en", TODAY)


@pytest.mark.parametrize("demo_url", ["duckdb"], indirect=True)
def test_the_least_recently_used_result_goes_first_when_the_rows_would_pass_the_bound(empty, monkeypatch):
    url = empty
    october = data.month_report(url, EVERYTHING, MONTH, "en")
    rows = data._rows(october)
    assert rows == len(october.kpis) + len(october.goals) + len(october.roots) > 50
    monkeypatch.setattr(data._SHARED_LEDGER, "budget", 2 * rows + rows // 2)  # two reports fit
    september = data.month_report(url, EVERYTHING, date(2026, 9, 1), "en")
    assert data.month_report(url, EVERYTHING, MONTH, "en") is october  # used: September is older
    data.month_report(url, EVERYTHING, date(2026, 8, 1), "en")
    assert data._SHARED_LEDGER.total <= data._SHARED_LEDGER.budget
    built = data.month_report.calls
    assert data.month_report(url, EVERYTHING, MONTH, "en") is october
    assert data.month_report.calls == built  # kept
    assert data.month_report(url, EVERYTHING, date(2026, 9, 1), "en") is not september
    assert data.month_report.calls == built + 1  # dropped, built again


@pytest.mark.parametrize("demo_url", ["duckdb"], indirect=True)
def test_the_newest_result_stays_even_alone_over_the_bound(empty, monkeypatch):
    url = empty
    monkeypatch.setattr(data._SHARED_LEDGER, "budget", 1)
    report = data.month_report(url, EVERYTHING, MONTH, "en")
    assert data.month_report(url, EVERYTHING, MONTH, "en") is report
    assert list(kept()) == ["month_report"]


@pytest.mark.parametrize("demo_url", ["duckdb"], indirect=True)
def test_a_result_built_inside_another_is_counted_once_each(empty):
    """The deck reads the month's report through its own loader: both are in the ledger, each
    with its own rows."""
    url = empty
    slides, _brand = data.deck(url, EVERYTHING, MONTH, "en", TODAY)
    report = data.month_report(url, EVERYTHING, MONTH, "en")
    counted = kept()
    assert counted["deck"] == len(slides) + 1  # the slides and the brand
    assert counted["month_report"] == data._rows(report)
    assert data._SHARED_LEDGER.total == sum(counted.values())


@pytest.mark.parametrize("demo_url", ["duckdb"], indirect=True)
def test_refreshing_empties_the_ledger_with_the_caches(empty):
    url = empty
    data.month_report(url, EVERYTHING, MONTH, "en")
    assert data._SHARED_LEDGER.total > 0
    data.refresh()
    assert data._SHARED_LEDGER.total == 0 and not kept()


@pytest.mark.parametrize("demo_url", ["duckdb"], indirect=True)
def test_a_write_leaves_only_the_new_version_s_results_in_the_ledger(empty):
    url = empty
    data.month_report(url, EVERYTHING, MONTH, "en")
    data.deck(url, EVERYTHING, MONTH, "en", TODAY)
    written = in_process("--db", url, "calendar", "--month", "2026-10", "--meeting", "2026-11-20")
    assert written.returncode == 0, written.stderr
    report = data.month_report(url, EVERYTHING, MONTH, "en")  # reads the new version: drops the old
    assert kept() == {"month_report": data._rows(report)}
    assert data._SHARED_LEDGER.total == data._rows(report)


@pytest.mark.parametrize("demo_url", ["duckdb"], indirect=True)
def test_the_demo_s_whole_year_of_every_scope_fits(empty):
    """Every page's shared reads of the whole company in one month (the biggest scope), as if
    each person's scope were as big, times twelve months and every person's scope, is within the
    bound (the real year of the eight scopes: 6,788 rows)."""
    url = empty
    a_month(url, EVERYTHING, MONTH)
    whole = data._SHARED_LEDGER.total
    assert set(kept()) >= {"month_report", "attention", "history", "smart_assessments", "owed", "deck"}
    scopes = {data.scope(url, person) for person in data.people(url)}
    assert len(scopes) >= 8
    assert whole * 12 * len(scopes) <= data.SHARED_ROWS


@pytest.mark.parametrize("viewer", ["mette.kjaer@havnhjem.example", "camilla.berg@havnhjem.example"])
def test_the_app_s_exception_and_owed_lists_are_the_command_line_s(empty, viewer):
    """`data.attention` and `data.owed` are made from the app's cached reads, not read in a unit
    of their own, and `data.month_report` from the cached KPIs, goals and rules: the same report
    and items as `kpi.store.monthly` and `kpi.store.owing` read."""
    from kpi.store import engine, monthly, owing, queries

    url = empty
    with engine.reading(engine.create(url)) as conn:
        person = queries.person(conn, viewer)
        assert person is not None
        scope = data.scope(url, person)
        for month in (MONTH, date(2026, 7, 1)):
            built = monthly.month_report(conn, scope, month, "en")
            assert data.month_report(url, scope, month, "en") == built  # its KPIs, goals, rules cached
            listed = monthly.attention(conn, scope, built, "en", TODAY)
            owed = owing.owed_in(conn, scope, built, "en", TODAY)
            assert listed and data.attention(url, scope, month, "en", TODAY) == listed
            assert data.owed(url, scope, month, "en", TODAY) == owed


@pytest.mark.parametrize("viewer", ["mette.kjaer@havnhjem.example", "camilla.berg@havnhjem.example"])
def test_the_pack_s_attention_slide_tells_the_items_as_the_pages_do(empty, viewer):
    """The pack said "no owner" where the pages named the department's head, and "not yet
    explained" to a head of a goal she sees only by line of sight: each line of the attention
    slides is the pages' item in words (`phrases.attention_facts`)."""
    from kpi.store import decks, engine, monthly, queries
    from kpi.text import i18n, phrases

    url = empty
    with engine.reading(engine.create(url)) as conn, i18n.use("en"):
        person = queries.person(conn, viewer)
        assert person is not None
        scope = data.scope(url, person)
        built = monthly.month_report(conn, scope, MONTH, "en")
        listed = attention.by_measure(monthly.attention(conn, scope, built, "en", TODAY))
        owners = {p.email: p.name for p in queries.people(conn)}
        slides = decks.slides(conn, scope, MONTH, "en", TODAY)
    lines = [line for slide in slides if slide.kind == "exceptions" for line in slide.lines]
    notes = [phrases.attention_facts(i, owners)[3] for i in listed]
    told = [phrases.told_with_line(i, owners) for i in listed]  # the items on its number, after
    assert [(line.note, line.also) for line in lines] == list(zip(notes, told, strict=True))
    assert [line.full_note for line in lines] == [
        f"{n} · {w}" if w else n for n, w in zip(notes, told, strict=True)
    ]
    if viewer.startswith("mette"):  # the whole company's month has numbers told with more than one item
        assert any(told)


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_app_s_deck_is_the_command_line_s_open_reopened_and_closed(empty, language):
    """`data.deck` is made from the app's cached reads (`decks.made`), not read in a unit of its
    own: the same slides and brand as `decks.slides` and `decks.brand` read, for a department
    head and the whole company, of a month never closed, of one closed, reopened and closed
    again (the close's numbers and drivers, the reopening on the title) and while reopened."""
    from kpi.store import closing, decks, engine, queries
    from kpi.text import i18n
    from tests.test_edits import ADMIN

    url = empty
    store = engine.create(url)

    def both(scope, month: date) -> None:
        with i18n.use(language), engine.reading(store) as conn:
            expected = (
                decks.slides(conn, scope, month, language, TODAY),
                decks.brand(conn, month, scope, language),
            )
            app = data.deck(url, scope, month, language, TODAY)
        assert app == expected
        assert len(app[0]) > 5

    with engine.reading(store) as conn:
        head = queries.person(conn, "camilla.berg@havnhjem.example")
    assert head is not None
    scopes = [EVERYTHING, data.scope(url, head)]
    for scope in scopes:
        both(scope, MONTH)
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, MONTH)
    with engine.writing(store) as conn:
        closing.reopen(conn, ADMIN, MONTH, "Counted twice")
    for scope in scopes:
        both(scope, MONTH)  # open again, and the title says it was reopened
    assert any(
        "Counted twice" in note for note in data.deck(url, EVERYTHING, MONTH, language, TODAY)[0][0].notes
    )
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, MONTH)
    for scope in scopes:
        both(scope, MONTH)


def test_rows_count_what_a_result_holds_without_walking_into_it():
    report = MonthReport(MONTH, kpis=dict.fromkeys("abc"), goals=dict.fromkeys("de"), roots=[])
    assert data._rows(report) == 5
    assert data._rows(([1, 2, 3, 4], "brand")) == 5  # a deck: its slides, and its brand as one
    assert data._rows({"k": [1, 2, 3]}) == 1  # a KPI's values are one row
    logo = bytes(100 * data.ROW_BYTES)
    assert data._rows(([1, 2], Brand("footer", logo=logo))) == 2 + 100  # a logo as the rows it fills
    assert data._rows([]) == 1 and data._rows(None) == 1
