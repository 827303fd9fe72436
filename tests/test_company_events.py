"""Company events (issue 20, point 6): one validator for import and form, both stores, audited
writes, bands on the affected charts only (app and PPTX), attention items that name the event,
and what a department head may read of them."""

import io
from dataclasses import replace
from datetime import date
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from pptx import Presentation
from pptx.enum.chart import XL_AXIS_CROSSES
from pptx.oxml.ns import qn

from kpi.domain import access, attention, bounds, company_events, months
from kpi.domain.company_events import Band, CompanyEvent, EventKind, EventScope
from kpi.domain.errors import Denied, Refused
from kpi.domain.model import MonthValue, Person, Role
from kpi.files import tables
from kpi.files.tables import ImportRejected
from kpi.output import charts, deck, pptx_pack, sparkline
from kpi.store import company_events as events_store
from kpi.store import engine, importing, monthly, queries, schema, setup
from kpi.text import fmt, i18n, phrases, plain, words
from kpi.ui import widgets
from kpi.ui.views import departments_view
from tests.conftest import DEMO_END, as_admin

KPIS = {"IT_DOWNTIME", "CS_WAIT", "ECOM_CONV"}
DEPARTMENTS = {"IT", "CS", "ECOM"}
WINDOW = bounds.Window.around(date(2026, 10, 1))
OUTAGE = "IT incident: payment platform outage"
CAMPAIGN = "Spring campaign: free delivery on all orders"
CS_HEAD = Person("camilla.berg@havnhjem.example", "Camilla Berg", Role.DEPARTMENT_HEAD, "CS")
MKT_HEAD_DEPARTMENT = "MKT"


def _problems(**fields):
    found = company_events.check(fields, KPIS, DEPARTMENTS, WINDOW)
    return sorted((p.key, p.field) for p in found)


GOOD = {"title": "Price change", "kind": "price_change", "start": date(2026, 3, 1), "end": date(2026, 3, 1)}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, []),
        ({"kpis": "IT_DOWNTIME,CS_WAIT"}, []),
        ({"department": "CS"}, []),
        ({"end": date(2026, 2, 27)}, [("event_end_before_start", "end")]),
        ({"kind": "party"}, [("not_one_of", "kind")]),
        ({"kind": None, "title": " "}, [("required", "kind"), ("required", "title")]),
        ({"start": None}, [("required", "start")]),
        ({"department": "HR"}, [("unknown_reference", "department")]),
        ({"kpis": "IT_DOWNTIME,NOPE"}, [("unknown_reference", "kpis")]),
        ({"kpis": "CS_WAIT", "department": "CS"}, [("event_one_scope", "kpis")]),
        (
            {"start": date(1900, 1, 1), "end": date(1900, 1, 2)},
            [("outside_window", "end"), ("outside_window", "start")],
        ),
        ({"title": "x" * 5000}, [("too_long", "title")]),
    ],
)
def test_one_check_names_every_problem_of_an_event(fields, expected):
    assert _problems(**{**GOOD, **fields}) == expected


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Outage", "outage"),
        ("nedbrud", "outage"),
        ("Kampagne", "campaign"),
        ("Prisændring", "price_change"),
        ("go-live", "go_live"),
        ("Andet", "other"),
    ],
)
def test_an_events_file_says_its_kind_in_english_or_danish(typed, kind):
    read, problems = tables.read("events", {"kind": typed})
    assert problems == [] and read["kind"] == kind


def test_the_form_and_the_import_are_held_to_the_same_check(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    bad = b"title,kind,start,end,department,kpis\nOops,outage,2026-09-10,2026-09-01,CS,CS_WAIT\n"
    with pytest.raises(tables.ImportRejected) as refused:
        importing.run(store, "events", bad, "events.csv", as_admin())
    from_file = sorted((p.key, p.field) for p in refused.value.problems)
    with pytest.raises(Refused) as by_form, engine.writing(store) as conn:
        values = {"title": "Oops", "kind": "outage", "start": "2026-09-10", "end": "2026-09-01"}
        events_store.save(conn, as_admin(), {**values, "department": "CS", "kpis": ["CS_WAIT"]})
    assert sorted((p.key, p.field) for p in by_form.value.problems) == from_file
    assert from_file == [("event_end_before_start", "end"), ("event_one_scope", "kpis")]


def test_an_events_file_round_trips_on_both_stores_and_is_audited(demo_url):
    store = engine.create(demo_url)
    data = (
        "title,kind,start,end,department,kpis\n"
        "New prices,Prisændring,2026-04-01,,,\n"
        "Chat bot go-live,go_live,2026-05-04,2026-05-04,,CS_WAIT\n"
        "Phone system down,outage,2026-06-10,2026-06-11,CS,\n"
    ).encode()
    summary = importing.run(store, "events", data, "events.csv", as_admin("sofie.dahl@havnhjem.example"))
    assert summary.counts == {"inserted": 3}
    with engine.reading(store) as conn:
        exported = importing.export(conn, "events")
        audits = (
            conn.execute(sa.select(schema.audit.c.who).where(schema.audit.c.table_name == "company_event"))
            .scalars()
            .all()
        )
        stored = {e.title: e for e in events_store.read(conn, access.EVERYTHING)}
    assert audits.count("sofie.dahl@havnhjem.example") == 3
    assert stored["New prices"].end == date(2026, 4, 1) and stored["New prices"].scope is EventScope.ALL
    assert stored["Chat bot go-live"].kpis == ("CS_WAIT",)
    assert stored["Phone system down"].scope is EventScope.DEPARTMENT
    again = importing.run(store, "events", exported, "events.csv", as_admin())
    assert again.counts.get("inserted", 0) == 0 and again.counts.get("updated", 0) == 0


def test_an_events_file_names_kpis_in_any_case_as_it_names_departments(demo_duckdb_url):
    """`cs` was the department CS but `cs_wait` "not known": every code of a file is matched to
    the store's spelling without regard to case (found by an adversarial test)."""
    store = engine.create(demo_duckdb_url)
    data = b'title,kind,start,kpis\nChat bot go-live,go_live,2026-05-04,"cs_wait, Ecom_Conv"\n'
    assert importing.run(store, "events", data, "events.csv", as_admin()).counts == {"inserted": 1}
    with engine.reading(store) as conn:
        stored = {e.title: e for e in events_store.read(conn, access.EVERYTHING)}
    assert stored["Chat bot go-live"].kpis == ("CS_WAIT", "ECOM_CONV")
    semicolons = b"title,kind,start,kpis\nOutage,outage,2026-05-04,CHURN;NPS\n"  # a list's other separator
    with pytest.raises(ImportRejected) as caught:
        importing.run(store, "events", semicolons, "events.csv", as_admin())
    assert "separate the codes with commas" in words.problem(caught.value.problems[0])


def test_the_form_saves_changes_and_removes_an_event_audited_and_only_for_administrators(demo_url):
    store = engine.create(demo_url)
    typed = {
        "title": "Black Week",
        "kind": "campaign",
        "start": "2026-11-23",
        "end": "30.11.2026",
        "department": "ECOM",
        "kpis": [],
    }
    with pytest.raises(Denied), engine.writing(store) as conn:
        events_store.save(conn, CS_HEAD, typed)
    with engine.writing(store) as conn:
        assert events_store.save(conn, as_admin(), typed) == "inserted"
    with engine.reading(store) as conn:
        made = next(e for e in events_store.read(conn, access.EVERYTHING) if e.title == "Black Week")
    assert made.end == date(2026, 11, 30) and made.kind is EventKind.CAMPAIGN
    with engine.writing(store) as conn:
        assert (
            events_store.save(conn, as_admin(), {**typed, "title": "Black Week 2026"}, made.id) == "updated"
        )
        assert events_store.remove(conn, as_admin(), made.id) == "deleted"
    with engine.reading(store) as conn:
        trail = conn.execute(
            sa.select(schema.audit.c.before, schema.audit.c.after)
            .where(schema.audit.c.table_name == "company_event", schema.audit.c.key == str(made.id))
            .order_by(schema.audit.c.id)
        ).all()
        assert all(e.id != made.id for e in events_store.read(conn, access.EVERYTHING))
    assert [(before is None, after is None) for before, after in trail] == [
        (True, False),
        (False, False),
        (False, True),
    ]


def test_the_demo_stores_its_events_with_real_dates_and_the_kpis_they_change(demo_duckdb_url):
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        events = {e.title: e for e in events_store.read(conn, access.EVERYTHING)}
    outage = events[OUTAGE]
    assert outage.kind is EventKind.OUTAGE and outage.first_month == months.add(DEMO_END, -2)
    assert "IT_DOWNTIME" in outage.kpis and outage.start <= outage.end
    assert events[CAMPAIGN].department == "ECOM"


def test_a_department_head_reads_only_events_for_everyone_their_department_or_their_kpis(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    importing.run(
        store, "events", b"title,kind,start\nNew logo for everyone,other,2026-02-02\n", "e.csv", as_admin()
    )
    with engine.reading(store) as conn:
        scope = access.scope_for(CS_HEAD, queries.goal_links(conn))
        seen = {e.title: e for e in events_store.read(conn, scope)}
        nobody = events_store.read(conn, access.NOTHING)
    assert CAMPAIGN not in seen  # e-commerce's
    assert "New logo for everyone" in seen
    assert set(seen[OUTAGE].kpis) == {"CS_WAIT", "CS_ABANDON"}  # only the KPIs they read are named
    assert nobody == []


def _labels(chart: dict) -> set[str]:
    """The event labels a trend draws: one per band, each a series of its own in front of the
    lines, shown on one month of the band."""
    return {
        s["label"]["formatter"]
        for s in chart["series"]
        if s["type"] == "bar" and [item for item in s["data"] if item.get("label", {}).get("show")]
    }


def test_a_chart_shades_the_months_an_event_touches_with_its_label():
    event = CompanyEvent(
        1, "Outage", EventKind.OUTAGE, date(2026, 8, 30), date(2026, 9, 2), kpis=("IT_DOWNTIME",)
    )
    shown = [date(2026, m, 1) for m in range(1, 11)]
    bands = company_events.bands([event], "IT_DOWNTIME", "IT", shown)
    assert bands == (Band(date(2026, 8, 1), date(2026, 9, 1), "Outage", "outage"),)
    assert company_events.bands([event], "CS_WAIT", "CS", shown) == ()
    chart = charts.trend([(m, 10.0) for m in shown], charts.TrendSpec("Downtime", "min", bands=bands))
    shaded, label = [s for s in chart["series"] if s["type"] == "bar"]
    assert [item["value"][0] for item in shaded["data"]] == [7, 8]  # August, September
    # each month's column whole: the band spans the months around the points
    assert shaded["barWidth"] == "100%" and shaded["z"] < 3  # behind the lines
    assert _labels(chart) == {"Outage"}
    # in the chart's right half the label ends at the band's right edge, inside the chart; in
    # front of the lines (behind them, a target line struck it through), and silent
    assert [item["value"][0] for item in label["data"]] == [8]
    assert label["label"]["position"] == "insideTopRight" and label["z"] > 4 and label["silent"]


def test_only_the_affected_kpis_charts_carry_the_demo_outage_band(demo_duckdb_url):
    store = engine.create(demo_duckdb_url)
    with engine.reading(store) as conn:
        built = monthly.month_report(conn, access.EVERYTHING, DEMO_END, "en")
        events = events_store.read(conn, access.EVERYTHING, "en")
        values = queries.month_values(conn, access.EVERYTHING, months.add(DEMO_END, -23), DEMO_END)
    banded = {}
    for code, row in built.kpis.items():
        points = sorted((v for v in values if v.kpi == code), key=lambda v: v.month)
        chart = charts.trend(
            [(p.month, p.value) for p in points], departments_view.trend_spec(row, points, DEMO_END, events)
        )
        banded[code] = _labels(chart)
    outage = charts.short_label(OUTAGE)
    assert outage in banded["IT_DOWNTIME"]
    hit = {code for code, labels in banded.items() if outage in labels}
    assert hit == set(next(e for e in events if e.title == OUTAGE).kpis)
    assert outage not in banded["NPS"]


def test_a_card_sparkline_shades_the_points_an_event_covers_and_carries_no_text():
    line = sparkline.banded([1.0, 2.0, 3.0, 4.0, 5.0], "#4D4D4D", [sparkline.Shade(3, 4)])
    drawn = ElementTree.fromstring(line)  # well-formed: it is shown as an image
    rects = drawn.findall("{http://www.w3.org/2000/svg}rect")
    step = (sparkline.BANDED_WIDTH - 2 * sparkline.PAD) / 4
    assert len(rects) == 1
    left = float(rects[0].get("x", ""))
    assert left == pytest.approx(sparkline.PAD + 3 * step - step / 2, abs=0.1)  # half a month before
    assert left + float(rects[0].get("width", "")) == pytest.approx(sparkline.BANDED_WIDTH, abs=0.1)
    assert "".join(drawn.itertext()) == ""  # what a band stands for is said beside it, as plain text
    assert "<rect" not in sparkline.banded([1.0, 2.0], "#4D4D4D", [sparkline.Shade(5, 7)])  # off the line
    assert sparkline.banded([1.0], "#4D4D4D", [sparkline.Shade(0, 0)]) == ""


def test_a_tile_names_the_events_its_trend_shades_with_their_months():
    points = [MonthValue("IT_DOWNTIME", date(2026, m, 1), 10.0) for m in range(1, 11)]
    bands = (
        Band(date(2026, 8, 1), date(2026, 9, 1), "Outage <b>", "outage"),
        Band(date(2025, 3, 1), date(2025, 3, 1), "Long ago", "other"),  # before the line: left out
    )
    with i18n.use("en"):
        shades, named = widgets.spark_shades(bands, points)
    assert shades == [sparkline.Shade(7, 8)]
    assert named == ["Outage <b> · Aug\xa02026–Sept\xa02026"]  # escaped where it is shown (plain.markdown)


@pytest.mark.reads_only
def test_the_overview_tiles_shade_the_outage_on_the_kpis_it_hit_and_name_it(app, app_url):
    at = app(month="2026-10").run()
    assert not at.exception and not [c for c in at.caption if plain.markdown(OUTAGE) in c.value]
    at.selectbox(key="as").set_value("henrik.juul@havnhjem.example").run()  # IT's head
    assert not at.exception
    with engine.reading(engine.create(app_url)) as conn:
        names = {k.name: k.code for k in queries.kpis(conn, access.EVERYTHING, "en")}
        outage = next(e for e in events_store.read(conn, access.EVERYTHING, "en") if e.title == OUTAGE)
    tiles = [names[m.label] for m in at.metric]
    named = [c.value for c in at.caption if plain.markdown(OUTAGE) in c.value]
    assert tiles and len(at.get("image")) == len(tiles)  # every tile draws its trend
    assert len(named) == len([code for code in tiles if code in outage.kpis]) > 0
    assert outage.first_month == outage.last_month  # a one-month outage: its band names that month
    with i18n.use("en"):
        assert all(
            c.endswith(f"{plain.markdown(OUTAGE)} · {fmt.month_unbroken(outage.start)}") for c in named
        )
    at.switch_page("pages/departments.py").run()  # the department's cards shade it the same way
    assert not at.exception
    cards = [names[m.label] for m in at.metric]
    named = [c.value for c in at.caption if plain.markdown(OUTAGE) in c.value]
    assert len(named) == len([code for code in cards if code in outage.kpis]) > 0


def test_the_pptx_chart_shades_the_event_as_columns_behind_the_lines():
    points = tuple((date(2026, m, 1), 30.0 + m) for m in range(1, 11))
    band = Band(date(2026, 8, 1), date(2026, 9, 1), "IT incident: payment platform outage", "outage")
    series = deck.Series("Downtime", "min", points, 40.0, bands=(band,))
    slide = deck.Slide("goal", "Webshop stays up", chart=series)
    shown = Presentation(io.BytesIO(pptx_pack.render([slide], deck.Brand("footer"))))
    charts_found = [s.chart for s in shown.slides[0].shapes if s.has_chart]
    plot_area = charts_found[0]._chartSpace.chart.plotArea
    bars = plot_area.findall(qn("c:barChart"))
    assert len(bars) == 1 and plot_area.index(bars[0]) < plot_area.index(plot_area.find(qn("c:lineChart")))
    names = [t.text for t in bars[0].iter(qn("c:v"))]
    assert band.label in names  # whole: a pack's legend has no hover to read the rest in
    values = [p for p in charts_found[0].plots if p._element.tag == qn("c:barChart")][0].series[0].values
    assert [v is not None for v in values] == [m in (8, 9) for m in range(1, 11)]


@pytest.mark.parametrize("start", [-30.0, -15.0, 40.0], ids=["all below 0", "0 inside", "all above 0"])
def test_the_pptx_chart_stands_its_months_and_columns_at_the_bottom_whatever_side_of_0(start):
    """Office and LibreOffice put the months, and stand a column, where the value axis crosses 0:
    an NPS below 0 all year had its months along the top and no band shaded (LibreOffice's PDF
    looked at), one from −15 to +18 its months across the middle and its band above 0 only."""
    points = tuple((date(2026, m, 1), start + 3 * m) for m in range(1, 11))
    band = Band(date(2026, 4, 1), date(2026, 6, 1), "Outage", "outage")
    slide = deck.Slide("goal", "NPS", chart=deck.Series("NPS", "nps", points, None, bands=(band,)))
    shown = Presentation(io.BytesIO(pptx_pack.render([slide], deck.Brand("footer"))))
    chart = next(s.chart for s in shown.slides[0].shapes if s.has_chart)
    assert chart.value_axis.crosses == XL_AXIS_CROSSES.MINIMUM
    bars = next(p for p in chart.plots if p._element.tag == qn("c:barChart")).series[0].values
    assert {v for v in bars if v is not None} == {chart.value_axis.maximum_scale}  # from the bottom up


def test_a_signal_during_an_event_names_it_on_the_attention_list(demo_duckdb_url):
    month = months.add(DEMO_END, -2)
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        built = monthly.month_report(conn, access.EVERYTHING, month, "en")
        items = monthly.attention(conn, access.EVERYTHING, built, "en", date(2026, 12, 1))
    downtime = next(
        i
        for i in items
        if i.code == "IT_DOWNTIME" and i.kind in (attention.Kind.RED_KPI, attention.Kind.CONCERN)
    )
    assert [e.title for e in downtime.during] == [OUTAGE]
    _, _, _, note = phrases.attention_facts(downtime, {})
    assert note.startswith(f"During {OUTAGE} ({month:%b}\xa0{month:%Y})")  # a month never breaks
    unaffected = [i for i in items if i.code == "NPS"]
    assert all(i.during == () for i in unaffected)


def test_a_store_at_schema_13_gains_events_and_initiatives_keeping_its_actions(empty_url):
    store = engine.create(empty_url)
    setup.ensure(store)
    with engine.writing(store) as conn:
        conn.exec_driver_sql("DROP TABLE company_event")
        for column in ("go_live", "kpi", "direction"):
            conn.exec_driver_sql(f"ALTER TABLE action DROP COLUMN {column}")
        setup.set_meta(conn, "schema_version", "13")
        conn.exec_driver_sql("INSERT INTO action (goal, title, status) VALUES ('S1', 'Kept', 'planned')")
    assert setup.ensure(store) == schema.SCHEMA_VERSION == 15
    with engine.reading(store) as conn:
        assert sa.inspect(conn).has_table("company_event")
        assert {"go_live", "kpi", "direction"} <= {c["name"] for c in sa.inspect(conn).get_columns("action")}
        assert conn.exec_driver_sql("SELECT title FROM action").scalars().all() == ["Kept"]
        assert events_store.read(conn, access.EVERYTHING) == []


def test_an_event_touches_the_months_of_its_days():
    event = CompanyEvent(1, "x", EventKind.OTHER, date(2026, 1, 31), date(2026, 2, 1))
    assert [event.touches(date(2026, m, 1)) for m in (1, 2, 3)] == [True, True, False]
    assert replace(event, department="CS").affects("ANY", "CS") and not replace(
        event, department="CS"
    ).affects("ANY", "IT")
    assert phrases.event_period(event) == "Jan\xa02026 – Feb\xa02026"  # a month never breaks


def test_the_labels_of_several_events_stand_each_a_line_below_the_one_before():
    """Three events' labels stood on one line, over each other: a label's own offset is undone
    by the series' label layout, so the layout moves each down a line (a line for each label
    drawn: an event none of whose months is shown leaves no empty line)."""
    shown = [date(2026, m, 1) for m in range(1, 11)]
    before = Band(date(2025, 1, 1), date(2025, 2, 1), "Long ago", "other")  # no month of it shown
    bands = (before, *(Band(date(2026, m, 1), date(2026, m, 1), f"Event {m}", "other") for m in (3, 5, 8)))
    chart = charts.trend([(m, 10.0) for m in shown], charts.TrendSpec("Downtime", "min", bands=bands))
    labels = [s for s in chart["series"] if s["type"] == "bar" and s.get("silent")]
    assert [s["labelLayout"]["dy"] for s in labels] == [0, charts.LABEL_LINE, 2 * charts.LABEL_LINE]
    assert all("offset" not in s["label"] for s in labels)


def test_an_event_s_unknown_department_is_told_the_codes_as_any_record_s_is():
    """An event's unknown department said only "import or create it first", where a goal's and a
    KPI's name the departments' codes (an adversarial test)."""
    from kpi.domain import checks
    from kpi.text import words

    fields = {"title": "Outage", "kind": "outage", "start": date(2026, 11, 3), "department": "NOWHER"}
    known = checks.Known(departments=frozenset({"CS", "IT"}), hints=True)
    said = [words.problem(p) for p in checks.event(fields, known)]
    assert said == [
        "Department: “NOWHER” is neither a code nor a name the cockpit knows; the codes are CS, IT."
    ]
    plain = checks.Known(departments=frozenset({"CS", "IT"}))  # who may not read them all is told none
    assert [p.key for p in checks.event(fields, plain)] == ["unknown_reference"]
