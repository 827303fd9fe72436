"""Every page through Streamlit's AppTest on the demo store: the shared copy for tests that only
read (reads_only), a private copy for the few that write or count what a cold cache computes."""

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from streamlit.proto.LabelVisibility_pb2 import LabelVisibility

from kpi.domain import attention
from kpi.domain.access import EVERYTHING
from kpi.domain.model import GoalStatus
from kpi.text import fmt, palette, plain
from kpi.ui import widgets
from kpi.ui.views import overview_view
from tests.conftest import as_admin
from tests.sharing import open_folds

CASCADE = "pages/goal_cascade.py"
OCTOBER = date(2026, 10, 1)


def month_report(url, scope=EVERYTHING, month=OCTOBER, language="en"):
    """The month's report as the store works it out: what a page must show, not figures typed in."""
    from kpi.store import engine, monthly

    with engine.reading(engine.create(url)) as conn:
        return monthly.month_report(conn, scope, month, language)


def shown(row):
    """A KPI row's value as the pages write it."""
    return fmt.value(row.value.value if row.value else None, row.kpi.unit)


def texts(at):
    """All text a user can read on the page, as one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "success"):
        parts += [e.value for e in at.get(kind)]
    parts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    parts += [e.proto.text for e in at.get("progress")]
    return "\n".join(str(p) for p in parts)


def badges(at):
    """Status badges as their readable labels (`✓ On track`): st.badge renders as badge Markdown."""
    return [m.group(1) for e in at.markdown for m in re.finditer(r":\w+-badge\[([^\]]*)\]", e.value)]


@pytest.mark.reads_only
def test_overview_shows_every_strategic_goal_with_status(app, app_url):
    at = app(month="2026-10").run()
    assert not at.exception
    assert at.title[0].value == "Overview — October 2026"
    page = texts(at)
    for title in (
        "More customers recommend us",
        "Customers find us effortless to deal with",
        "Fewer customers leave us",
        "Business customers recommend us",
    ):
        assert title in page
    labels = {m.label: m.value for m in at.metric}
    report = month_report(app_url)
    tiles = [report.goals[node.goal.code] for node in report.roots]
    assert {row.kpi.name: labels.get(row.kpi.name) for row in tiles} == {
        row.kpi.name: shown(row) for row in tiles
    }
    assert "✓ On track" in badges(at) and "✕ Off track" in badges(at)
    assert "Forecast at deadline: " in page  # worked out from the trend values the tiles draw


@pytest.mark.reads_only
def test_overview_flags_green_parts_red_whole(app):
    at = app(month="2026-10").run()
    lines = [e.value for e in at.markdown if "Customers find us effortless to deal with" in e.value]
    assert any("≠ Green parts, red whole]" in line for line in lines)  # in the one exception list


@pytest.mark.reads_only
def test_overview_tells_the_items_on_one_number_as_one(app, app_url):
    """The CEO's list said a broken priority, its KPI off target and the goal on it as three
    rows: each number is one row, the others said under it ("Also: …") with their own targets."""
    from kpi.store import engine, monthly

    at = app(month="2026-10").run()
    assert not at.exception
    with engine.reading(engine.create(app_url)) as conn:
        built = monthly.month_report(conn, EVERYTHING, date(2026, 10, 1), "en")
        flat = monthly.attention(conn, EVERYTHING, built, "en")
    told = attention.by_measure(flat)
    assert len(told) < len(flat) and len({i.kpi for i in told if i.kpi}) == len([i for i in told if i.kpi])
    rows = [
        e.value for e in at.markdown if e.value.startswith(":") and "-badge[" in e.value and "  \n" in e.value
    ]
    shown = told[: overview_view.LIST_LIMIT]
    assert len(rows) >= len(shown)
    for item, row in zip(shown, rows, strict=False):
        lines = row.split("  \n")
        assert plain.markdown(item.subject) in lines[0]
        also = [line for line in lines if line.startswith("Also: ")]
        assert len(also) == len(item.also)
        for other, line in zip(item.also, also, strict=True):
            assert plain.markdown(other.subject) in line
    assert any(item.also for item in shown)
    # above the tiles: the items, and every exception in them by kind (the goals' and KPIs' counts)
    counted = at.markdown[0].value
    assert counted.startswith(  # a link to the list, which a phone shows far below
        f"[**{len(told)} items need attention ({len(flat)} exceptions, as one number may break more than one rule):**](#needs-attention)"
    )
    # each count in its chip, never wrapped away from it onto the next line
    assert sum(int(n) for n in re.findall(r"\u00a0\*\*(\d+)\*\*\]", counted)) == len(flat)


@pytest.mark.reads_only
def test_overview_puts_attention_above_changes_and_folds_flips_that_are_no_signal(app, app_url):
    at = app(month="2026-08").run()  # the outage month: downtime is a signal, other flips are noise
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert headings.index("Needs attention") < headings.index("What changed since last month")
    from kpi.store import engine, monthly

    with engine.reading(engine.create(app_url)) as conn:
        built = monthly.month_report(conn, EVERYTHING, date(2026, 8, 1), "en")
        flat = monthly.attention(conn, EVERYTHING, built, "en")
        items = attention.by_measure(flat)
    counted = at.markdown[0].value  # above the tiles: how many items (one per number), by kind
    said = f"[**{len(items)} items need attention ({len(flat)} exceptions, as one number may break more than one rule):**]"
    assert len(items) < len(flat) and counted.startswith(said) and "Off target\u00a0**" in counted
    report = month_report(app_url, month=date(2026, 8, 1))
    flips = report.flips()
    noise = [f for f in flips if not report.is_signal(f)]
    assert noise and len(noise) < len(flips)  # the demo month has both kinds
    folded = [e for e in at.expander if "other status changes" in e.label]
    worse = sum(not f.is_better for f in noise)
    # the goals that went red among them are counted on the fold (a CEO read "nothing beyond
    # normal variation" over seven goals gone off track)
    red = sum(1 for f in noise if f.kind == "goal" and GoalStatus(f.after).is_red and not f.is_better)
    among = {0: "", 1: "; 1 goal now off track or missed among them (in what needs attention)"}
    assert [e.label for e in folded] == [
        f"{len(noise)} other status changes, within normal variation: {worse} worse, {len(noise) - worse} better"
        + among.get(red, f"; {red} goals now off track or missed among them (in what needs attention)")
    ]
    # an empty side of the signalled changes points there with its count ("Nothing." read as a
    # calm month, and "Nothing beyond normal variation" hid 22 goals and KPIs turned worse)
    empty = [c.value for c in at.caption if c.value.startswith("Nothing beyond normal variation;")]
    signalled = [f for f in flips if report.is_signal(f)]
    sides = [
        f"Nothing beyond normal variation; {sum(f.is_better == better for f in noise)} within it, folded below."
        for better in (False, True)
        if not any(f.is_better == better for f in signalled) and any(f.is_better == better for f in noise)
    ]
    assert empty == sides
    assert len(folded[0].children) == 0  # closed, it sent nothing of what it holds
    open_folds(at)
    assert not at.exception
    folded = [e for e in at.expander if "other status changes" in e.label]

    def lines(elements) -> list[str]:  # a column's heading and its lines are one element
        return [line for e in elements for line in e.value.split("  \n") if line[:2] in ("▲ ", "▼ ")]

    inside = set(lines(x for e in folded for x in e.markdown))
    flip_lines = lines(at.markdown)
    assert len([line for line in flip_lines if line in inside]) == len(noise)
    shown = [line for line in flip_lines if line not in inside]
    signalled = [f for f in flips if report.is_signal(f)]
    per_side = [len([f for f in signalled if f.is_better is better]) for better in (False, True)]
    assert len(shown) == sum(min(count, overview_view.LIST_LIMIT) for count in per_side)
    for flip in noise:
        row = report.goals[flip.code].goal.title if flip.kind == "goal" else report.kpis[flip.code].kpi.name
        assert not any(line.startswith(f"{line[:2]}{plain.markdown(row)}: ") for line in shown)


@pytest.mark.reads_only
def test_overview_follows_the_month(app):
    at = app(month="2026-10").run()
    at.selectbox(key="month").set_value("2026-08").run()
    assert not at.exception
    assert at.title[0].value == "Overview — August 2026"


@pytest.mark.reads_only
def test_overview_in_danish(app):
    at = app(month="2026-10", lang="da").run()
    assert not at.exception
    assert at.title[0].value == "Overblik — oktober 2026"
    page = texts(at)
    assert "Flere kunder anbefaler os" in page
    assert "✓ På sporet" in badges(at)
    assert "Net Promoter Score, alle kunder" in {m.label for m in at.metric}
    # the month compared with, without its year: "ift. okt. 2026" was cut off on a narrow card
    assert {m.proto.delta_description for m in at.metric if m.proto.delta} == {"ift. sep."}
    # a promise is quoted as Danish quotes (it stood «…», Norwegian, beside commentary's »…«)
    assert "**»Vi gør det, vi har lovet, når vi har lovet det«**" in page


@pytest.mark.reads_only
def test_a_survey_change_that_sampling_explains_is_shown_grey_and_said_so(app, app_url):
    """A survey score's change since the month before that its answers cannot tell from chance
    (`samples.noise`: within the margins, or from too few answers) was drawn as news, a green or
    red arrow (+26 points from 23 answers a month): it is grey and arrowless now, on the Overview's
    tiles and the Departments page's cards, and the survey's note under it says why; a real
    change keeps its colour and arrow."""
    from datetime import date

    from kpi.domain import month_rows, samples

    now, before = month_report(app_url), month_report(app_url, month=date(2026, 9, 1))
    verdicts = {}
    for code, row in now.kpis.items():
        if code in before.kpis:  # a measured KPI's change within its routine variation is no news either
            verdicts[row.kpi.name] = month_rows.change_noise(row.value, before.kpis[code].value, row.reading)
    unchanged = {  # no change is none to doubt: the note says nothing of it
        now.kpis[code].kpi.name
        for code in now.kpis
        if code in before.kpis
        and now.kpis[code].value is not None
        and before.kpis[code].value is not None
        and now.kpis[code].value.value == before.kpis[code].value.value
    }
    said = {
        samples.Noise.WITHIN_MARGIN: "The change since Sept is within the margin of error.",
        samples.Noise.FEW_ANSWERS: "Too few answers to call the change since Sept real.",
        # a measured KPI's grey change said nothing of why (a code review)
        samples.Noise.ROUTINE: "The change since Sept is within its usual month-to-month variation.",
    }
    checked = set()
    at = app(month="2026-10").run()
    pages = [at]
    for department in ("MGMT", "CS", "LOG"):
        pages.append(app(month="2026-10", department=department))
        pages[-1].switch_page("pages/departments.py").run()
    for page in pages:
        assert not page.exception
        captions = " ".join(c.value for c in page.caption)
        for metric in page.metric:
            if metric.label not in verdicts or not metric.proto.delta:
                continue
            noise = verdicts[metric.label]
            grey = metric.proto.color == metric.proto.MetricColor.GRAY
            assert grey is (noise is not None) or metric.proto.delta.startswith(("+0 ", "-0 ")), metric.label
            if noise is not None and metric.label not in unchanged:  # the note under it says why
                assert said[noise] in captions, metric.label
            checked.add(noise)
    # a measured KPI's step beyond its routine variation is news: September's outage
    september = month_report(app_url, month=date(2026, 9, 1)).kpis["IT_DOWNTIME"]
    assert month_rows.change_noise(september.value, september.previous, september.reading) is None
    at = app(month="2026-09", department="IT").switch_page("pages/departments.py").run()
    downtime = next(m for m in at.metric if m.label == september.kpi.name)
    assert downtime.proto.color != downtime.proto.MetricColor.GRAY and downtime.proto.delta
    # and the note under it says why it is coloured (a head read a red change with no word)
    assert "The change since Aug is larger than its usual month-to-month variation." in " ".join(
        c.value for c in at.caption
    )
    checked.add(None)
    assert checked == {None, *samples.Noise}, checked


@pytest.mark.reads_only
def test_a_tile_without_a_forecast_for_its_survey_s_noise_says_why(app):
    """The business customers' NPS tile, from 23 answers a month, had no forecast line where the
    other tiles had one, and said nothing of it (a trial)."""
    at = app(month="2026-10").run()
    captions = [c.value for c in at.caption]
    said = "No forecast: the survey's months are too uncertain to draw a line through."
    assert sum(said in c for c in captions) == 1
    assert any("Forecast at deadline:" in c for c in captions)


@pytest.mark.reads_only
def test_promises_are_quoted_in_english_marks(app):
    lines = texts(app(month="2026-10").run()).splitlines()
    quoted = [line for line in lines if line.startswith("**“") and line.endswith("”**")]
    assert quoted and not [line for line in lines if "«" in line or "»" in line]


@pytest.mark.reads_only
def test_a_promise_names_the_kpis_that_fall_short_of_it(app, app_url):
    """A bar said "0 of 5 linked KPIs on target" and nothing of which (a CEO's trial): under it
    stands each KPI off target or close, with its value and this month's target, red first."""
    from kpi.domain import outlook
    from kpi.store import engine, queries

    page = texts(app(month="2026-10").run())
    report = month_report(app_url)
    with engine.reading(engine.create(app_url)) as conn:
        promises = queries.promises(conn, "en")
    listed = 0
    for promise in promises:
        rows = outlook.promise_kpis(report, promise.code)
        for row in rows:
            value = fmt.beside(row.value.value, row.target.value, row.kpi.unit, row.kpi.direction)
            named = f"{plain.markdown(row.kpi.name)} · {value} (target "
            assert (named in page) is (row.status.name != "GREEN"), (promise.code, row.kpi.code)
            listed += row.status.name != "GREEN"
    assert listed  # the demo's October falls short somewhere


@pytest.mark.reads_only
def test_a_department_head_s_promises_count_her_own_kpis_only(app, app_url):
    """Customer service's head read "0 of 1 linked KPI on target – ✕ Off target Customer Effort
    Score", the executive board's KPI she reads only as context and her list of what needs
    attention leaves out (a presenter's trial): her cards count and name her own KPIs."""
    from kpi.domain import access, outlook
    from kpi.store import engine, queries

    head = "camilla.berg@havnhjem.example"
    with engine.reading(engine.create(app_url)) as conn:
        person = next(p for p in queries.people(conn) if p.email == head)
        scope = access.scope_for(person, queries.goal_links(conn))
    report = month_report(app_url, scope=scope)
    own = {row.kpi.code for row in report.own(scope)[1]}
    context = [row for code, row in report.kpis.items() if code not in own]
    assert any(row.kpi.code == "CES" for row in context)  # read as context: the case at hand
    at = app(month="2026-10", **{"as": head}).run()
    page = texts(at)
    for row in context:
        assert f"{plain.markdown(row.kpi.name)} · " not in page, row.kpi.code
    with engine.reading(engine.create(app_url)) as conn:
        promises = queries.promises(conn, "en")
    counted = [len([r for r in outlook.promise_kpis(report, p.code) if r.kpi.code in own]) for p in promises]
    totals = [int(re.search(r" of (\d+) linked", e.proto.text).group(1)) for e in at.get("progress")]
    assert totals == [n for n in counted if n]  # CES made her effort card "0 of 1"


@pytest.mark.reads_only
def test_a_department_head_sees_only_their_goals(app):
    at = app(month="2026-10").run()
    at.selectbox(key="as").set_value("camilla.berg@havnhjem.example").run()
    assert not at.exception
    page = texts(at)
    assert "Customers are satisfied with the help they get" in page
    assert "More customers recommend us" not in page
    assert "Abandoned baskets" not in page and "Server downtime" not in page


@pytest.mark.reads_only
def test_promises_counted_over_part_of_the_company_say_so(app):
    """A head's "2 of 3 linked KPIs on target" beside the CEO's "4 of 5" for the same promise read
    as a different promise kept differently (a department head's trial)."""
    said = "Counted over the KPIs you can see: the whole company's count may differ."
    for who, told in (("henrik.juul@havnhjem.example", True), ("mette.kjaer@havnhjem.example", False)):
        at = app(month="2026-10", **{"as": who}).run()
        assert not at.exception
        assert (said in [c.value for c in at.caption]) is told, who


@pytest.mark.reads_only
@pytest.mark.parametrize("viewer", ["mette.kjaer@havnhjem.example", "camilla.berg@havnhjem.example"])
def test_links_into_the_cascade_and_departments_name_the_app_s_own_pages(app, viewer):
    """Every page's links (kpi.ui.widgets: one page object per process, shared by the sessions)
    carry the address and page hash the navigation registered in this session, and their item."""
    at = app(month="2026-10", **{"as": viewer}).run()
    seen = set()
    for page in (None, "pages/smart_goals.py", "pages/departments.py"):
        if page:
            at.switch_page(page).run()
        assert not at.exception
        links = [link.proto for link in at.get("page_link")]
        assert links, page
        for link in links:
            assert link.page in {"goal_cascade", "departments"}
            registered = at._registered_pages[link.page_script_hash]  # what this session's navigation made
            assert registered["url_pathname"] == link.page
            assert registered["script_path"].endswith(f"/pages/{link.page}.py")
            assert re.fullmatch(r"(goal|department)=\w+", link.query_string)
            seen.add(link.page)
    assert "goal_cascade" in seen


def test_a_link_asked_for_outside_a_page_s_run_keeps_its_path_and_no_page_object():
    """A page object needs a page's run (it learns there where the app lives); one made outside
    would be kept half made for the whole process."""
    from kpi.ui import widgets

    made = widgets._made_page.cache_info().currsize
    assert widgets._page(widgets.CASCADE_PAGE) == widgets.CASCADE_PAGE
    assert widgets._made_page.cache_info().currsize == made


@pytest.mark.reads_only
def test_smart_goals_filtered_to_no_goal_shows_an_empty_table(app):
    """Every strategic goal is management's: the customer service's strategic goals are none."""
    at = app(month="2026-10").run()
    at.switch_page("pages/smart_goals.py").run()
    at.segmented_control(key="smart.level").set_value("strategic").run()
    at.selectbox(key="department").set_value("CS").run()
    assert not at.exception
    assert [len(frame.value) for frame in at.dataframe] == [0]  # the screen's; the phone's list is empty
    assert not [block for block in at.markdown if block.value.startswith("- ")]


@pytest.mark.reads_only
def test_what_to_fix_says_each_failed_check_once_with_every_reason(app_url):
    """A goal failing Specific for two reasons read "✕ Specific: …" twice (a CEO's review): one
    line per failed check, its reasons after it."""
    from datetime import date

    from kpi.domain.access import EVERYTHING
    from kpi.text import words
    from kpi.ui import data
    from kpi.ui.views import smart_view

    assessments = data.smart_assessments(app_url, EVERYTHING, date(2026, 10, 1))
    twice = 0
    for assessment in assessments.values():
        failed = [check for check in assessment.checks.values() if check.reasons]
        lines = smart_view.fix_lines(assessment).split("\n\n") if failed else []
        assert len(lines) == len(failed)
        for line, check in zip(lines, failed, strict=True):
            assert line.startswith(f"{smart_view.FAIL} **") and line.count(smart_view.FAIL) == 1
            assert all(plain.markdown(words.reason(r)) in line for r in check.reasons)
            twice += len(check.reasons) > 1
    assert twice  # the demo has a goal failing one check twice


@pytest.mark.reads_only
def test_smart_goals_phone_list_shows_each_goal_s_checks_and_its_title_as_typed(app_url):
    """A phone's SMART list: a line per goal, worst first as the table, its five checks as badges
    (✕ on the ones it fails) and its whole title as plain text; past `widgets.PHONE_LIST_LIMIT`
    goals it stops."""
    import dataclasses
    from datetime import date

    from kpi.domain import smart
    from kpi.domain.access import EVERYTHING
    from kpi.ui import data
    from kpi.ui.views import smart_view

    report = month_report(app_url)
    assessments = data.smart_assessments(app_url, EVERYTHING, date(2026, 10, 1))
    pairs = smart_view.rows(report, assessments, level=None, department=None, owner=None, failing_only=False)
    lines = smart_view.phone_list(pairs).splitlines()
    assert len(lines) == len(pairs)
    for line, (goal, assessment) in zip(lines, pairs, strict=True):
        assert line.endswith(f"**{plain.markdown(goal.title)}**")
        failed = [c for c in smart.Criterion if not assessment.checks[c].passed]
        assert line.count("red-badge[✕") == len(failed), line
        assert line.count("-badge[") == len(smart.Criterion), line
    goal, assessment = pairs[0]
    typed = dataclasses.replace(goal, title="**Bold** <b>x</b> [a](javascript:x) $y$")
    escaped = plain.markdown(typed.title)
    assert escaped != typed.title and smart_view.phone_list([(typed, assessment)]).endswith(f"**{escaped}**")
    longer = pairs * (widgets.PHONE_LIST_LIMIT // len(pairs) + 1)
    assert len(smart_view.phone_list(longer).splitlines()) == widgets.PHONE_LIST_LIMIT


@pytest.mark.reads_only
def test_an_unknown_viewer_sees_no_data(app, monkeypatch):
    monkeypatch.setenv("KPI_AUTH_MODE", "header")
    at = app(month="2026-10").run()
    assert not at.exception
    assert not at.metric and "not signed in" in texts(at)


@pytest.mark.reads_only
def test_a_goal_whose_kpi_breaks_a_service_priority_says_so(app, app_url):
    """ "On track" at 30.3 hours stood beside a broken promise of an answer within 24 hours, with
    nothing on the goal to say so (a reviewer on a phone): the goal's detail names the broken
    priority on its KPI; a goal on a KPI whose priorities hold names none."""
    from kpi.domain import attention
    from kpi.store import engine, monthly, queries

    with engine.reading(engine.create(app_url)) as conn:
        built = monthly.month_report(conn, EVERYTHING, date(2026, 10, 1), "en")
        kept = attention.compliance(built, queries.service_priorities(conn, EVERYTHING, "en"))
    broken = {c.priority.kpi: c.priority.text for c in kept if c.is_met_now is False}
    on_broken = next(r.goal.code for r in built.goals.values() if r.kpi and r.kpi.code in broken)
    elsewhere = next(r.goal.code for r in built.goals.values() if r.kpi and r.kpi.code not in broken)
    at = app(month="2026-10", goal=on_broken)
    at.switch_page(CASCADE).run()
    kpi = built.goals[on_broken].kpi
    assert kpi is not None
    said = [w.value for w in at.warning if "Service priority broken" in w.value]
    assert len(said) == 1 and broken[kpi.code] in said[0]
    # its chart draws the priority's threshold, as every chart of the number does
    threshold = next(c.priority for c in kept if c.priority.kpi == kpi.code).threshold
    spec = json.loads(at.get("echarts_chart")[0].proto.spec)
    line = next(series for series in spec["series"] if series.get("name") == "Service priority")
    assert {point[1] for point in line["data"]} == {threshold}
    at.selectbox(key="goal").set_value(elsewhere).run()
    assert not [w.value for w in at.warning if "Service priority broken" in w.value]
    spec = json.loads(at.get("echarts_chart")[0].proto.spec)
    kpis_kept = {c.priority.kpi for c in kept if c.priority.events is None}
    drawn = [series for series in spec["series"] if series.get("name") == "Service priority"]
    assert bool(drawn) == (built.goals[elsewhere].kpi.code in kpis_kept)


@pytest.mark.reads_only
def test_cascade_lists_the_tree_and_opens_a_goal(app, app_url):
    at = app(month="2026-10")  # opened at its own address, as a link opens it
    at.switch_page(CASCADE).run()
    assert not at.exception
    assert at.title[0].value == "Goal cascade — October 2026"
    table = at.dataframe[0].value
    report = month_report(app_url)
    assert len(table) == len(report.goals)
    at.selectbox(key="goal").set_value("S2").run()
    assert not at.exception
    assert at.subheader[0].value == "Customers find us effortless to deal with"
    spec = json.loads(at.get("echarts_chart")[0].proto.spec)
    names = [series["name"] for series in spec["series"]]
    assert {"Actual", "Target", "Baseline", "Forecast", "Planned path"} <= set(names)
    # the path its status is judged against: from its baseline at its start to its target at its
    # deadline, month by month, at the level its detail names for this month
    from kpi.domain import verdicts

    goal = report.goals["S2"].goal
    path = next(series for series in spec["series"] if series["name"] == "Planned path")["data"]
    labels = [label.replace("\n", " ") for label in spec["xAxis"]["data"]]
    assert path[-1][0] == len(labels) - 1 and path[-1][1] == pytest.approx(goal.target)
    at_month = {labels[n]: level for n, level, _ in path}
    assert at_month["Oct 2026"] == pytest.approx(verdicts.on_pace(goal, OCTOBER))
    page = texts(at)
    assert "Green parts, red whole" in page
    assert "Map the hand-offs between departments" in page  # its action
    assert "Every touchpoint measures better" in page  # its commentary


@pytest.mark.reads_only
def test_process_verdicts_stand_beside_the_status_on_tiles_and_in_the_cascade_table(app, app_url):
    from kpi.text import phrases

    report = month_report(app_url)
    readings = {code: row.reading for code, row in report.kpis.items()}
    at = app(month="2026-10").run()
    assert not at.exception
    shown = {m.value for m in at.markdown}
    tiles = [report.goals[node.goal.code] for node in report.roots]
    verdicts = [phrases.process_verdict(readings[row.kpi.code]) for row in tiles if row.kpi]
    assert any(verdicts) and all(v in shown for v in verdicts if v)  # icon, word and colour
    at.switch_page(CASCADE).run()
    table = at.dataframe[0].value
    process = {code: list(labels) for code, labels in zip(table.index, table["Process"], strict=True)}
    expected = {
        code: [f"{look.icon} {word}" for look, word in phrases.verdict_looks(readings[row.kpi.code])]
        if row.kpi
        else []
        for code, row in report.goals.items()
    }
    assert process == expected and any(expected.values())
    statuses = {code: list(labels) for code, labels in zip(table.index, table["Status"], strict=True)}
    assert statuses == {code: [palette.label(row.status)] for code, row in report.goals.items()}
    config = json.loads(at.dataframe[0].proto.columns)  # each label in its status's colour
    colours = {o["value"]: o["color"] for o in config["Status"]["type_config"]["options"]}
    assert colours[palette.label(GoalStatus.OFF_TRACK)] == palette.RED


@pytest.mark.reads_only
@pytest.mark.parametrize("language", ["en", "da"])
def test_every_label_of_a_chip_column_is_among_its_options(app, language):
    """A label missing from its column's options would show as a chip without its colour: every
    label the cascade's and SMART goals' tables show, in both languages, is
    among its column's options (`widgets.labels`)."""
    for page in (CASCADE, "pages/smart_goals.py"):
        at = app(month="2026-10", lang=language)
        at.switch_page(page).run()
        assert not at.exception
        # the screen's table (a phone gets a list on both pages)
        assert len(at.dataframe) == 1
        for table in at.dataframe:
            config = json.loads(table.proto.columns)
            chips = {
                name: {option["value"] for option in column["type_config"]["options"]}
                for name, column in config.items()
                if (column.get("type_config") or {}).get("type") == "multiselect"
            }
            assert chips
            for name, options in chips.items():
                shown = {label for cell in table.value[name] for label in cell}
                assert shown and shown <= options, (page, name, shown - options)


@pytest.mark.reads_only
@pytest.mark.parametrize("language", ["en", "da"])
def test_a_goal_its_sub_goals_disagree_with_has_the_mismatch_chip_beside_their_status(app, app_url, language):
    """The cascade's screen table has no column of its own for the mismatch warning (it pushed
    the process verdicts off a 1440-pixel screen): the goals whose parts and whole disagree,
    and only they, have the red `≠` chip after their sub-goals' status, and the column's help
    says what it means in the reader's language."""
    from kpi.text.i18n import t, use
    from kpi.ui.views import cascade_view

    report = month_report(app_url)
    at = app(month="2026-10", lang=language)
    at.switch_page(CASCADE).run()
    assert not at.exception
    with use(language):
        rollup, help_text = t("cascade.col_rollup"), t("cascade.rollup_help", mark=cascade_view.MISMATCH)
        kept = t("cascade.col_status"), t("cascade.col_value"), t("cascade.col_process"), rollup
    table = at.dataframe[0].value
    marked = {
        code for code, cell in zip(table.index, table[rollup], strict=True) if cascade_view.MISMATCH in cell
    }
    assert marked == {code for code, row in report.goals.items() if row.mismatch} and marked
    assert all(list(cell)[0] != cascade_view.MISMATCH for cell in table[rollup] if len(cell))  # status first
    assert set(kept) <= set(table.columns) and not {"Warning", "Advarsel"} & set(table.columns)
    config = json.loads(at.dataframe[0].proto.columns)[rollup]
    assert config["help"] == help_text and cascade_view.MISMATCH in help_text
    colours = {o["value"]: o["color"] for o in config["type_config"]["options"]}
    assert colours[cascade_view.MISMATCH] == palette.RED
    # the process column says why it may be empty (a new company's stood so, unexplained)
    with use(language):
        process = json.loads(at.dataframe[0].proto.columns)[t("cascade.col_process")]["help"]
        assert process.startswith(t("departments.process_help")) and " 12 " in process


@pytest.mark.reads_only
def test_a_cascade_where_no_goal_rolls_up_has_no_sub_goals_column(app):
    """A head sees a part of the tree, so none of her goals shown rolls up: the sub-goals' column
    stood empty while titles and process verdicts were cut ("± Nogle gange i må…"); it goes, and
    its room with it. The CEO's tree keeps it."""
    shown = {}
    for viewer in ("henrik.juul@havnhjem.example", "mette.kjaer@havnhjem.example"):
        at = app(month="2026-10", **{"as": viewer})
        at.switch_page(CASCADE).run()
        assert not at.exception, at.exception
        shown[viewer] = list(at.dataframe[0].value.columns)
    assert "Sub-goals" not in shown["henrik.juul@havnhjem.example"]
    assert "Sub-goals" in shown["mette.kjaer@havnhjem.example"]


@pytest.mark.reads_only
@pytest.mark.parametrize("language", ["en", "da"])
def test_a_phone_gets_the_cascade_as_a_list_of_whole_goals(app, app_url, language):
    """On a 390-pixel phone the cascade's table showed a fifth of each title and no target: a
    phone gets the tree as nested lists instead, every goal once, in tree order, with its status,
    its whole title, its value and its target, a sub-goal indented under its goal."""
    from kpi.domain import cascade
    from kpi.text.i18n import t, use
    from kpi.ui import widgets

    at = app(month="2026-10", lang=language)
    at.switch_page(CASCADE).run()
    assert not at.exception
    with use(language):
        report = month_report(app_url, language=language)
        rows = [(depth, report.goals[node.goal.code]) for depth, node in cascade.flatten(report.roots)]
        expected = [f"{'    ' * depth}- {widgets.goal_line(row)}" for depth, row in rows]
        target = t("departments.goal_target", target="")
        labels = [palette.label(row.status) for _, row in rows]
    listed = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert listed == ["\n".join(expected)]
    assert len(rows) == len(report.goals) == 36 and {depth for depth, _ in rows} == {0, 1, 2}
    lines = listed[0].splitlines()
    for (_, row), label, line in zip(rows, labels, lines, strict=True):
        assert f"**{plain.markdown(row.goal.title)}**" in line and f"({target}" in line and label in line


@pytest.mark.reads_only
def test_a_phone_list_nests_each_goal_under_the_nearest_ancestor_it_lists(app_url):
    """A filter leaves out goals' parents: the operational goals alone are one flat list (nested
    eight spaces deep under nothing, Markdown showed them as code); a department's goal whose
    parent is left out nested, by depth alone, under a sibling of that parent (Credit's O20
    under T4). Under every filter, a goal nests one level under the nearest goal it serves that
    is listed above it, or starts a list; past `widgets.PHONE_LIST_LIMIT` goals the list stops."""
    from kpi.ui.views import cascade_view

    report = month_report(app_url)
    parents = {code: row.goal.parent for code, row in report.goals.items()}

    def served(code):
        up = []
        while parents.get(code):
            code = parents[code]
            up.append(code)
        return up

    departments = {row.goal.department for row in report.goals.values()}
    filters = [
        (d, lvl) for d in [None, *departments] for lvl in [None, "strategic", "tactical", "operational"]
    ]
    nested = 0
    for department, level in filters:
        rows = cascade_view.visible_rows(report, department, level)
        lines = cascade_view.phone_list(rows, report.goals).splitlines()
        assert len(lines) == len(rows)
        for n, ((_, row), line) in enumerate(zip(rows, lines, strict=True)):
            indent = (len(line) - len(line.lstrip(" "))) // 4
            listed = [r.goal.code for _, r in rows[:n]]
            shown = next((c for c in served(row.goal.code) if c in listed), None)
            if shown is None:
                assert indent == 0, (department, level, row.goal.code)
                continue
            # one level under the line of the nearest ancestor listed
            above = (len(lines[listed.index(shown)]) - len(lines[listed.index(shown)].lstrip(" "))) // 4
            assert indent == above + 1, (department, level, row.goal.code, shown)
            nested += 1
    assert nested > 30  # the full tree nests; filters keep some
    operational = cascade_view.visible_rows(report, None, "operational")
    assert all(
        line.startswith("- ") for line in cascade_view.phone_list(operational, report.goals).splitlines()
    )
    every = cascade_view.visible_rows(report, None, None)
    longer = every * (widgets.PHONE_LIST_LIMIT // len(every) + 1)
    assert len(cascade_view.phone_list(longer, report.goals).splitlines()) == widgets.PHONE_LIST_LIMIT


@pytest.mark.reads_only
def test_cascade_filters_by_department_and_level(app, app_url):
    levels = {row.goal.title: row.goal.level for row in month_report(app_url).goals.values()}
    at = app(month="2026-10")  # opened at its own address, as a link opens it
    at.switch_page(CASCADE).run()
    at.selectbox(key="department").set_value("CS").run()
    assert not at.exception
    cs_rows = at.dataframe[0].value
    assert 0 < len(cs_rows) < 36
    at.segmented_control(key="cascade.level").set_value("operational").run()
    operational = at.dataframe[0].value
    assert 0 < len(operational) < len(cs_rows)
    assert {levels[title.strip("\u2003└ ")] for title in operational["Goal"]} == {"operational"}


@pytest.mark.reads_only
def test_the_month_is_always_in_the_url(app):
    at = app().run()
    assert not at.exception
    assert at.query_params["month"] == "2026-10"


@pytest.mark.reads_only
@pytest.mark.parametrize("asked", ["2031-01", "garbage", "2019-05"])
def test_a_link_to_a_month_without_numbers_says_which_month_it_shows(app, asked):
    """`?month=2031-01` showed the latest complete month, silently (a department head's trial)."""
    at = app(month=asked).run()
    assert not at.exception
    assert at.query_params["month"] == "2026-10"
    assert [i.value for i in at.info] == [
        "The link names no month the cockpit has numbers for, so the page shows October 2026."
    ]
    assert not app(month="2026-09").run().info  # a month it holds: nothing to say


@pytest.mark.reads_only
@pytest.mark.parametrize("page", [CASCADE, "pages/smart_goals.py"])
def test_a_link_to_a_department_the_reader_does_not_read_says_what_the_page_shows(app, page):
    """A head's `?department=CS` showed "All you can see", silently (a department head's trial)."""
    at = app(month="2026-10", **{"as": "henrik.juul@havnhjem.example", "department": "CS"})
    at.switch_page(page).run()
    assert not at.exception
    said = (
        "The department the link names is not one you read, or does not exist, so the page shows "
        "all the departments you can see."
    )
    assert said in [i.value for i in at.info]
    at = app(month="2026-10", **{"as": "henrik.juul@havnhjem.example", "department": "it"})
    at.switch_page(page).run()  # their own, in another case: read
    assert not at.exception and said not in [i.value for i in at.info]
    at = app(month="2026-10")  # one department chosen, then a link naming none: that one stays
    at.switch_page(page).run()
    at.selectbox(key="department").set_value("CS").run()
    at.query_params["department"] = "XX"
    at.run()
    assert not at.exception
    assert at.selectbox(key="department").value == "CS"
    assert (
        "The department the link names is not one you read, or does not exist, so the page shows "
        "Customer service." in [i.value for i in at.info]
    )


@pytest.mark.reads_only
@pytest.mark.parametrize(("count", "per_row"), [(1, 2), (2, 2), (3, 3), (4, 4), (9, 4)])
def test_a_few_tiles_share_the_row_between_them(count, per_row):
    """A head's two goals stood in the left half of a screen, titles cut, the right half empty."""
    from kpi.ui.views import overview_view

    assert overview_view.tiles_per_row(count) == per_row


@pytest.mark.reads_only
def test_a_head_s_two_tiles_fill_their_row(app):
    at = app(month="2026-10", **{"as": "camilla.berg@havnhjem.example"}).run()
    tiles = {  # a tile: its goal's title, then its status badge
        c.markdown[0].value: c.weight
        for c in at.columns
        if len(c.markdown) > 1 and c.markdown[0].value.startswith("**") and "-badge[" in c.markdown[1].value
    }
    assert list(tiles.values()) == [0.5, 0.5]  # her two goals, half the row each


@pytest.mark.reads_only
def test_a_head_s_overview_counts_her_own_goals(app):
    """ "All 10 goals" counted the strategic goals her goals serve (seen as line of sight)."""
    at = app(month="2026-10", **{"as": "camilla.berg@havnhjem.example"}).run()
    line = next(m.value for m in at.markdown if m.value.startswith("Your "))
    counted = sum(int(n) for n in re.findall(r"\] \*\*(\d+)\*\*", line))
    assert line.startswith(f"Your {counted} goals:")
    assert "All " not in texts(at).split("Needs attention")[0]
    ceo = app(month="2026-10").run()
    assert next(m.value for m in ceo.markdown if m.value.startswith("All ")).startswith("All 36 goals:")


@pytest.mark.reads_only
def test_a_demo_link_naming_nobody_says_whom_it_shows(app):
    """`?as=unknown@x.dk` showed the cockpit as the CEO without a word (an adversarial test)."""
    at = app(month="2026-10", **{"as": "**nobody**@x.dk"}).run()
    said = [w.value for w in at.sidebar.warning if w.value.startswith("The link")]
    shown = at.selectbox(key="as")
    assert said == [
        "The link names nobody the demo company has (\\*\\*nobody\\*\\*\u2060@x.dk): "
        f"showing the cockpit as {shown.format_func(shown.value)}."  # what it typed, as plain text
    ]
    known = app(month="2026-10", **{"as": "CAMILLA.BERG@havnhjem.example"}).run()  # any case is hers
    assert [w.value for w in known.sidebar.warning if w.value.startswith("The link")] == []


def test_tiles_say_how_far_from_target(app):
    at = app(month="2026-10").run()
    captions = "\n".join(c.value for c in at.caption)
    assert "Now: 6\xa0pts short of target" in captions  # NPS +34 against +40
    # against the same month a year before, named once ("Same month last year: … since Oct 2025")
    assert re.search(r"Year on year: [+-][^\n]* (than|since) Oct\xa02025", captions), captions


@pytest.mark.reads_only
def test_goal_detail_shows_the_year_to_date_by_aggregation(app, app_url):
    from datetime import date

    from kpi.domain.access import EVERYTHING
    from kpi.store import engine, queries

    at = app(month="2026-10")  # opened at its own address, as a link opens it
    at.switch_page(CASCADE)
    at.query_params["goal"] = "O9"  # as a link from the Overview would
    at.run()
    assert not at.exception
    with engine.reading(engine.create(app_url)) as conn:
        minutes = [
            v.value
            for v in queries.month_values(conn, EVERYTHING, date(2026, 1, 1), date(2026, 10, 1))
            if v.kpi == "IT_DOWNTIME"
        ]
    from kpi.text import fmt

    assert f"Total in 2026 so far: {fmt.value(sum(minutes), 'min')}" in texts(at)


def test_a_pulled_share_shows_its_year_to_date_as_a_ratio_of_sums(app, app_url, tmp_path):
    """O3's service level pulled with its parts: Jan 45 of 50 calls (90 %), Feb 10 of 100 (10 %),
    Mar-Oct 70 of 100 each (70 %). So far this year 615 of 950 calls, 64.7 %; the average of the
    ten shares, 66.0 %, is what the goal detail said before."""
    from kpi.store import engine, monthly, pulling, queries, sourcing

    parts = {1: (45, 50), 2: (10, 100), **dict.fromkeys(range(3, 11), (70, 100))}
    calls = tmp_path / "service_level.csv"
    lines = [f"2026-{m:02d},{top},{bottom}" for m, (top, bottom) in parts.items()]
    calls.write_text("\n".join(["month,answered_in_time,counted", *lines]) + "\n")
    store = engine.create(app_url)
    query = f"SELECT month, answered_in_time AS numerator, counted AS denominator FROM read_csv('{calls}')"
    sourcing.load(
        store,
        f'[[source]]\nkpi = "CS_SL"\nkind = "files"\nquery = "{query}"\n'.encode(),
        "s.toml",
        as_admin(),
    )
    pulling.pull_months(store, [date(2026, m, 1) for m in parts], "test", kpi="CS_SL")
    with engine.reading(store) as conn:  # the parts as both queries read them
        read = queries.month_values(conn, EVERYTHING, date(2026, 1, 1), date(2026, 10, 1))
        reported = monthly.report_values(conn, EVERYTHING, date(2026, 10, 1))
    for values in (read, reported):
        got = {
            v.month.month: (v.numerator, v.denominator)
            for v in values
            if v.kpi == "CS_SL" and v.month.year == 2026
        }
        assert got == parts

    at = app(month="2026-10", goal="O3")  # opened at its own address, as a link opens it
    at.switch_page(CASCADE).run()
    assert not at.exception
    page = texts(at)
    assert f"2026 so far: {fmt.value(100 * 615 / 950, '%')}" in page
    assert fmt.value(100 * 615 / 950, "%") != fmt.value(66.0, "%")  # the two rules read apart


@pytest.mark.reads_only
def test_a_goal_moving_away_from_its_target_says_so(app, app_url):
    """August 2026: the webshop's incident put O9 far behind its start; no "-426 % of the way"."""
    at = app(month="2026-08", goal="O9")  # opened at its own address, as a link opens it
    at.switch_page(CASCADE).run()
    assert not at.exception
    page = texts(at)
    goal = month_report(app_url, month=date(2026, 8, 1)).goals["O9"]
    baseline = fmt.value(goal.goal.baseline, goal.kpi.unit)
    assert f"Moving away from the target: worse than at the start ({baseline})" in page
    assert not re.search(r"-\d+\xa0% of the way", page)


@pytest.mark.reads_only
def test_a_goal_whose_line_runs_past_zero_says_why_it_has_no_forecast(app, app_url):
    """March 2026: the phone wait's recent months fall so fast that their line passes 0 s before
    the deadline. "Forecast at deadline: 0 s, reaching the target" was nonsense (a day-one trial):
    the goal has no forecast value, and its detail says why, and that the pace reaches the target
    first (a review: "no forecast" alone read as bad news)."""
    at = app(month="2026-03", goal="O1")
    at.switch_page(CASCADE).run()
    assert not at.exception
    page = texts(at)
    zero, target = fmt.value(0.0, "s"), fmt.value(60.0, "s")
    assert (
        f"No forecast value: at the recent pace the number reaches its target of {target} before the"
        f" deadline (the line then passes {zero}, which the number cannot reach)."
    ) in page
    assert (
        "Forecast at deadline"
        not in page.split("Callers wait at most a minute", 1)[-1].split("2026 so far")[0]
    )


@pytest.mark.reads_only
def test_a_lasting_change_says_what_makes_its_new_level_the_usual(app, app_url):
    """ "▲ Better than usual" stood on most of the demo's KPIs a year after the strategy lifted
    them (a CEO's trial asked whether it was news): where a shift or a trend runs, the goal's
    detail and the department's card say what makes the new level the usual, a process change;
    a goal whose KPI runs neither says nothing of it."""
    from kpi.text import phrases

    built = month_report(app_url)
    moved = [g for g in built.goals.values() if g.kpi and (r := built.kpis[g.kpi.code].reading) and r.moved]
    still = [
        g for g in built.goals.values() if g.kpi and (r := built.kpis[g.kpi.code].reading) and not r.moved
    ]
    assert moved and still  # the demo has both
    said = "A lasting change (a shift or a trend), not one odd month."
    first = built.kpis[moved[0].kpi.code]
    assert phrases.lasting_change(first.reading).startswith(said)
    # its limits drawn from a process change recorded already: "record one" read as advice followed
    since = first.limits_since(built.month)
    where = (
        f"The limits are drawn from the process change of {fmt.month_long(since)}, and the process has kept"
        " moving since"
        if since
        else "recorded as a process change (by an administrator, under Data → Strategy → Targets and signals)"
    )
    assert "under Data → Strategy → Targets and signals" in phrases.lasting_change(first.reading, since)
    # a page of several such KPIs: one change month for all, each its own, or some with none
    assert phrases.lasting_what(date(2025, 6, 1)).startswith(
        "The limits are drawn from the process change of June 2025"
    )
    assert phrases.lasting_what(None, each=True).startswith(
        "The limits are drawn from each KPI's recorded process change"
    )
    assert phrases.lasting_what().startswith("If a known change")
    for goal, expected in ((moved[0], True), (still[0], False)):
        at = app(month="2026-10", goal=goal.goal.code).switch_page(CASCADE).run()
        assert not at.exception
        assert any(c.value.startswith(said) and where in c.value for c in at.caption) is expected, (
            goal.goal.code
        )
    # a tile's verdict says it in its help, with the change its limits start from
    tiles = app(month="2026-10").run()
    helps = [
        m.proto.help
        for m in tiles.markdown
        if m.proto.help and m.proto.help.startswith("How the KPI behaves as a process")
    ]
    tops = {row.goal.kpi for row in built.goals.values() if row.goal.level == "strategic"}
    lasting = [
        built.kpis[code]
        for code in tops
        if code and built.kpis[code].reading and built.kpis[code].reading.moved
    ]
    since = [row.limits_since(built.month) for row in lasting]
    assert any(since)  # the demo's strategic KPIs: limits from the strategy's recorded change
    for when in filter(None, since):
        assert any(f"the process change of {fmt.month_long(when)}" in h for h in helps), helps
    department = moved[0].kpi.department  # the department's page says it once, above its cards
    at = app(month="2026-10", department=department).switch_page(DEPARTMENTS).run()
    assert not at.exception
    counted = [
        c.value for c in at.caption if "read a lasting change" in c.value or "reads a lasting" in c.value
    ]
    assert len(counted) == 1 and "under Data → Strategy → Targets and signals" in counted[0]
    assert not [c.value for c in at.caption if said in c.value]  # not on every card


@pytest.mark.reads_only
def test_a_kpi_card_says_its_service_priority_is_broken_as_the_overview_does(app, app_url):
    """The delivery slot's card said "Close" against its month target while the Overview and the
    goal said the promise to customers on it was broken (a department head's trial): the card
    says it too, first under its value; a card whose priority holds says nothing of it."""
    from kpi.domain import attention as attention_
    from kpi.store import engine, queries

    built = month_report(app_url)
    with engine.reading(engine.create(app_url)) as conn:
        kept = attention_.compliance(built, queries.service_priorities(conn, EVERYTHING, "en"))
    broken = [c for c in kept if c.is_met_now is False]
    assert broken and any(c.is_met_now for c in kept)  # the demo month has both
    first = broken[0]
    department = built.kpis[first.priority.kpi].kpi.department
    at = app(month="2026-10", department=department).switch_page(DEPARTMENTS).run()
    assert not at.exception
    said = f"⚠ **Service priority broken**: {plain.markdown(first.priority.text)} (met in {first.met} of the last"
    captions = [c.value for c in at.caption]
    assert any(c.startswith(said) for c in captions), captions
    held = [c for c in kept if c.is_met_now and built.kpis[c.priority.kpi].kpi.department == department]
    for c in held:
        assert not any(plain.markdown(c.priority.text) in caption for caption in captions)


DEPARTMENTS = "pages/departments.py"


def invoice_callers(url):
    """How the service priority for invoice callers fared in the twelve months to October."""
    from kpi.domain import months, priorities
    from kpi.domain.access import Scope
    from kpi.store import engine, queries

    service = Scope(frozenset({"CS"}))
    with engine.reading(engine.create(url)) as conn:
        found = queries.service_priorities(conn, service, "en")
        values = queries.month_values(conn, service, months.add(OCTOBER, -priorities.WINDOW_MONTHS), OCTOBER)
    invoice = next(p for p in found if p.text == "Invoice callers wait at most 90 seconds")
    return priorities.compliance(invoice, values, OCTOBER)


@pytest.mark.reads_only
def test_departments_page_for_an_executive(app, app_url):
    at = app(month="2026-10")  # opened at its own address, as a link opens it
    at.switch_page(DEPARTMENTS).run()
    assert not at.exception
    at.selectbox(key="department").set_value("CS").run()
    assert at.title[0].value == "Customer service — October 2026"
    labels = {m.label: m.value for m in at.metric}
    service = [row for row in month_report(app_url).kpis.values() if row.kpi.department == "CS"]
    assert labels == {row.kpi.name: shown(row) for row in service}
    page = texts(at)
    assert "Invoice callers wait at most 90 seconds" in page
    phases = [m.value for m in at.markdown if m.value.startswith("#### ")]  # the cards' groups
    assert phases and all(p.startswith("#### Customer journey: ") or p == "#### Other KPIs" for p in phases)
    met = invoice_callers(app_url)
    assert f"Met in {met.met} of the last {met.measured} months" in page
    picker = at.pills(key="departments.trend_kpi")
    assert sorted(picker.options) == sorted(row.kpi.name for row in service)  # every KPI, one at a time
    charts, named = [], []
    for code in [row.kpi.code for row in service]:
        at.pills(key="departments.trend_kpi").set_value(code).run()
        assert not at.exception and len(at.get("echarts_chart")) == 1
        charts.append(json.loads(at.get("echarts_chart")[0].proto.spec))
        named.append(at.get("echarts_chart")[0].proto.alt)  # a screen reader's name for the chart
    assert [c["title"]["text"] for c in charts] == [row.kpi.name for row in service]
    assert named == [row.kpi.name for row in service]
    assert all("Month target" in [s["name"] for s in c["series"]] for c in charts)  # phased, per month
    assert any("Process limits" in [s["name"] for s in c["series"]] for c in charts)
    assert not at.get("form")  # executives read; they do not write here


@pytest.mark.reads_only
def test_kpi_cards_show_the_whole_name_on_a_line_that_wraps(app):
    """A card a quarter of the page wide cut a metric's label off ("Custome…"): the name is a
    line of Markdown of its own, and the metric's label is hidden."""
    at = app(month="2026-10", department="CS")  # opened at its own address, as a link opens it
    at.switch_page(DEPARTMENTS).run()
    assert not at.exception
    names = {m.label for m in at.metric}
    shown = {e.value.strip("*") for e in at.markdown}
    assert "Average wait time on the phone" in names and names <= shown
    assert {m.proto.label_visibility.value for m in at.metric} == {LabelVisibility.COLLAPSED}


@pytest.mark.reads_only
def test_the_trends_heading_says_the_months_shown(app, app_url):
    """A month early in the data has a few months of trends behind it, not the 24 asked for."""
    from kpi.domain import months
    from kpi.store import engine, queries

    with engine.reading(engine.create(app_url)) as conn:
        first = min(
            v.month for v in queries.month_values(conn, EVERYTHING, date(2000, 1, 1), date(2026, 10, 1))
        )
    at = app(month=months.key(months.add(first, 5)), department="CS")
    at.switch_page(DEPARTMENTS).run()
    assert not at.exception
    assert "Trends, the last 6 months" in [s.value for s in at.subheader]
    at = app(month="2026-10", department="CS")  # opened at its own address, as a link opens it
    at.switch_page(DEPARTMENTS).run()
    assert "Trends, the last 25 months" in [s.value for s in at.subheader]  # October back to October


def test_streamlit_keeps_legacy_pages_mode_where_the_frame_turns_it_off(tmp_path):
    """kpi.ui.frame sets Streamlit's class flag `PagesManager.uses_pages_directory` (there is no
    public switch while the folder is named `pages/`). This fails when a Streamlit release
    stops deciding legacy mode there, so the deep-link fix cannot silently stop working."""
    import inspect

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    assert "if PagesManager.uses_pages_directory:" in inspect.getsource(script_runner)  # runs a page alone
    (tmp_path / "pages").mkdir()
    entry = str(tmp_path / "app.py")
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(entry)
        assert PagesManager.uses_pages_directory is True  # a pages/ folder: legacy mode
        PagesManager.uses_pages_directory = False
        PagesManager(entry)
        assert PagesManager.uses_pages_directory is False  # the frame's choice holds
    finally:
        PagesManager.uses_pages_directory = saved


@pytest.mark.reads_only
def test_departments_follow_the_url(app):
    at = app(month="2026-10")  # opened at its own address, as a link opens it
    at.switch_page(DEPARTMENTS)
    at.query_params["department"] = "IT"
    at.run()
    assert at.title[0].value == "IT operations — October 2026"
    assert at.query_params["department"] == "IT"


def test_a_head_writes_commentary_that_shows_as_plain_text(app, app_url):
    at = app(month="2026-10", **{"as": "camilla.berg@havnhjem.example"})
    at.switch_page(DEPARTMENTS).run()
    # each form in a fold of its own, made only while open: the commentary a number owes opens by itself
    assert [b.proto.form_id for b in at.get("form_submit_button")] == ["departments.comment"]
    open_folds(at)
    assert len(at.get("form")) == 3  # commentary, new action, action status
    form_area = at.text_area[0]
    form_area.input("<script>alert(1)</script> Queue callback works.")
    submit = [b for b in at.get("form_submit_button") if b.label == "Save"]
    submit[-1].click().run()
    assert not at.exception
    shown = [e.value for e in at.text]
    assert "<script>alert(1)</script> Queue callback works." in shown
    from datetime import date

    from kpi.domain.access import EVERYTHING
    from kpi.store import engine, queries

    with engine.reading(engine.create(app_url)) as conn:
        comments = queries.commentary(conn, EVERYTHING, date(2026, 10, 1), date(2026, 10, 1))
    assert any(c.author == "camilla.berg@havnhjem.example" and "Queue callback" in c.text for c in comments)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("short words " * 30, ("short words " * 30)),  # 360 characters: whole
        ("word " * 100, "word " * 79 + "word"),  # cut at the last space before the limit
        (
            "see https://example.com/" + "x" * 500,
            "see https://example.com/" + "x" * 376,
        ),  # no space late: hard cut
        (" " * 401 + "late", ""),  # spaces alone: nothing kept but the ellipsis
        ("line\n" * 100, "line\n" * 79 + "line"),  # a line break is a place to cut too
    ],
)
def test_a_comment_beside_its_number_is_cut_between_words_near_the_limit(text, kept):
    """A cut at the last space anywhere in the first 400 characters left "see…" of a comment
    holding a long address after its first word (a review)."""
    from kpi.ui import widgets

    assert widgets.said_here(text) == (text if len(text) <= widgets.SAID_LIMIT else kept.rstrip() + "…")


def test_a_long_comment_is_shortened_beside_its_number_and_whole_under_commentary(app, app_url):
    """A 4,000-character comment made the Overview 4,000 pixels tall and a phone's Departments
    page 10,000, shown whole on the tile, the card and under Commentary (a department head's trial)."""
    from datetime import date

    from kpi.store import edits, engine
    from kpi.ui import widgets
    from tests.test_edits import CS_HEAD

    words = "The invoice run moved to Monday and the queue grew with it before noon. "
    text = (words * 50).strip()  # 3,599 characters
    with engine.writing(engine.create(app_url)) as conn:
        edits.add_commentary(conn, CS_HEAD, month=date(2026, 10, 1), kpi="CS_INVOICE_WAIT", text=text)
    at = app(month="2026-10", **{"as": CS_HEAD.email})
    at.switch_page(DEPARTMENTS).run()
    assert not at.exception
    shown = [e.value for e in at.text]
    assert text in shown  # whole under Commentary
    short = [v for v in shown if v.startswith("“The invoice run") and v != text]
    assert short and all(len(v) <= widgets.SAID_LIMIT + 3 and v.endswith("…”") for v in short)
    kept = short[0].removeprefix("“").removesuffix("…”")
    assert text.startswith(kept) and text[len(kept)].isspace()  # cut between words, not in one
    said = "Shortened here: the whole comment, 3,599 characters, stands under Commentary on the Departments page."
    assert said in [c.value for c in at.caption]


@pytest.mark.reads_only
def test_oidc_mode_asks_signed_out_people_to_sign_in(app, monkeypatch):
    monkeypatch.setenv("KPI_AUTH_MODE", "oidc")
    at = app(month="2026-10")
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert "Please sign in" in texts(at) and not at.metric
    assert [b.label for b in at.button] == ["Sign in"]


@pytest.mark.reads_only
def test_oidc_mode_lets_a_known_person_in_with_their_scope(app, monkeypatch):
    monkeypatch.setenv("KPI_AUTH_MODE", "oidc")
    at = app(month="2026-10")
    at.user = {"is_logged_in": True, "email": "henrik.juul@havnhjem.example"}
    at.run()
    assert not at.exception
    page = texts(at)
    assert "The webshop stays up for customers" in page and "More customers recommend us" not in page
    assert "Sign out" in [b.label for b in at.button]


@pytest.mark.reads_only
def test_oidc_mode_turns_away_an_unknown_account(app, monkeypatch):
    monkeypatch.setenv("KPI_AUTH_MODE", "oidc")
    at = app(month="2026-10")
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    assert (
        "signed in as stranger\u2060@example.com, whom the cockpit does not know" in texts(at)
        and not at.metric
    )


@pytest.mark.reads_only
def test_no_page_changes_the_results_every_session_shares(app, app_url):
    """The month's report and the SMART assessments are cached once and handed to every session
    as the same objects (kpi.ui.data.shared); a page that changed them would change them for
    everyone."""
    import pickle
    from datetime import date

    from kpi.domain.access import EVERYTHING
    from kpi.ui import data

    october = date(2026, 10, 1)
    shared = data.month_report(app_url, EVERYTHING, october, "en")
    assessments = data.smart_assessments(app_url, EVERYTHING, october)

    def contents() -> list[bytes]:
        parts = [*shared.kpis.values(), *shared.goals.values(), shared.roots, *assessments.items()]
        return [pickle.dumps(part) for part in parts]

    before = contents()
    at = app(month="2026-10", **{"as": "sofie.dahl@havnhjem.example"}).run()
    for page in ("goal_cascade", "smart_goals", "departments", "present", "data"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
    assert data.month_report(app_url, EVERYTHING, october, "en") is shared  # the pages read this one
    assert contents() == before


def test_the_departments_page_makes_each_trend_once_and_no_page_changes_it(app, app_url, monkeypatch):
    """Trend figures are kept and shared (kpi.ui.figures): a rerun draws them from the cache,
    and what a page draws must not change a figure another session will be handed."""
    from kpi.output import charts

    made = []
    real = charts.trend

    def recording(*args, **kwargs):
        figure = real(*args, **kwargs)
        made.append((figure, json.dumps(figure)))
        return figure

    monkeypatch.setattr(charts, "trend", recording)
    at = app(month="2026-10", **{"as": "sofie.dahl@havnhjem.example"})
    at.switch_page("pages/departments.py").run()
    names = at.pills(key="departments.trend_kpi").options  # the viewer's own department's KPIs
    codes = {row.kpi.name: row.kpi.code for row in month_report(app_url).kpis.values()}
    assert len(names) >= 3 and len(at.get("echarts_chart")) == 1 and len(made) == 1
    for name in names[1:]:  # each KPI's trend picked in turn
        at.pills(key="departments.trend_kpi").set_value(codes[name]).run()
    drawn = len(names)
    assert not at.exception and len(made) == drawn
    at.run()  # a rerun, as after a click on the page
    assert not at.exception and len(at.get("echarts_chart")) == 1 and len(made) == drawn
    at.switch_page(CASCADE).run()
    at.selectbox(key="goal").set_value("S2").run()
    at.switch_page("pages/departments.py").run()
    assert len(made) == drawn + 1  # the goal's trend; the department's came from the cache again
    assert all(json.dumps(figure) == before for figure, before in made)


@pytest.mark.reads_only
def test_a_kept_figure_belongs_to_one_scope_and_language(app):
    from datetime import date

    from kpi.domain.access import EVERYTHING, Scope
    from kpi.output import charts
    from kpi.text import i18n
    from kpi.ui import figures

    spec = charts.TrendSpec(title="Wait", unit="min", target=2.0)
    points = [(date(2026, 9, 1), 3.0), (date(2026, 10, 1), 2.5)]
    first = figures.trend(EVERYTHING, points, spec)
    assert figures.trend(EVERYTHING, list(points), spec) is first
    assert figures.trend(Scope(frozenset({"CS"})), points, spec) is not first
    with i18n.use("da"):
        danish = figures.trend(EVERYTHING, points, spec)
    assert danish is not first and "Faktisk" in json.dumps(danish)


def test_an_early_value_for_the_running_month_does_not_make_it_everyone_s_month(demo_duckdb_url, monkeypatch):
    """One preliminary value for the month still running made it every page's month, its other
    numbers not in yet (a day-one trial): the pages open on the last complete month, and the
    running one stays a choice in the picker."""
    from kpi import settings
    from kpi.domain import months
    from kpi.store import engine, importing
    from tests.conftest import as_admin, forget_app, new_app, point_app_at

    point_app_at(monkeypatch, demo_duckdb_url)
    try:
        before = new_app(**{"as": "mette.kjaer@havnhjem.example"}).run()
        opened = months.parse(before.selectbox(key="month").value)
        running = months.first_of(settings.today())
        data = f"kpi,month,value\nCS_WAIT,{months.key(running)},61\n".encode()
        importing.run(engine.create(demo_duckdb_url), "measurements", data, "early.csv", as_admin())
        forget_app()
        point_app_at(monkeypatch, demo_duckdb_url)
        at = new_app(**{"as": "mette.kjaer@havnhjem.example"}).run()
        assert not at.exception, at.exception
        settled = min(months.last_complete(settings.today()), running)
        assert months.parse(at.selectbox(key="month").value) == settled >= opened
        assert fmt.month_long(running) in at.selectbox(key="month").options  # still a choice
        assert at.title[0].value == f"Overview — {fmt.month_long(settled)}"
    finally:
        forget_app()


@pytest.mark.reads_only
def test_an_overdue_action_can_be_moved_along_where_its_open_lands(app, app_url):
    """The Overview's Open on an overdue action opens its goal in the cascade, which offered only
    to add an action: the head had to find "Update an action" on Departments (a head's trial).
    The goal's detail offers it, for the goal's own actions."""
    from kpi.store import engine, queries

    head = "henrik.juul@havnhjem.example"
    with engine.reading(engine.create(app_url)) as conn:
        actions = queries.actions(conn, EVERYTHING, "en")
    late = next(a for a in actions if a.owner == head and a.due and a.due < date(2026, 11, 1))
    at = open_folds(app(month="2026-10", goal=late.goal, **{"as": head}).switch_page(CASCADE).run())
    assert not at.exception, at.exception
    assert "Update an action" in [e.label for e in at.expander]
    picker = next(s for s in at.selectbox if s.key == "cascade.status.action")
    assert late.title in picker.options
    assert set(picker.options) == {a.title for a in actions if a.goal == late.goal}  # its goal's only


def test_a_department_page_reads_its_goals_kpis_elsewhere_and_says_when_it_has_none(app, app_url):
    """A new company's board goal measured by customer service's NPS read "No data" on the
    board's page, which had no trends to show and said "Trends, the last 0 months": its KPI card
    and trend are there now, and a department with no KPI says so instead."""
    from kpi.store import engine, schema

    with engine.create(app_url).begin() as conn:
        conn.execute(sa.update(schema.kpi).where(schema.kpi.c.code == "NPS").values(department="CS"))
        conn.execute(sa.insert(schema.department).values(code="PR", name="Press office"))
    at = app(month="2026-10", department="MGMT")
    at.switch_page(DEPARTMENTS).run()
    assert not at.exception
    nps = month_report(app_url).kpis["NPS"]
    assert {m.label: m.value for m in at.metric}[nps.kpi.name] == shown(nps)
    s1 = month_report(app_url).goals["S1"]
    assert s1.status is not GoalStatus.NO_DATA
    lines = [e.value for e in at.markdown]
    assert widgets.goal_line(s1) in lines  # its status and value, as on the Overview
    said = [c.value for c in at.caption if "KPI: it measures a goal of this department" in c.value]
    assert len(said) == 1 and said[0].endswith(
        "Customer service's KPI: it measures a goal of this department."
    )
    assert [h.value for h in at.subheader if h.value.startswith("Trends")]
    at.selectbox(key="department").set_value("PR").run()
    assert not at.exception
    page = texts(at)
    assert "No KPIs in this department, nor any measuring its goals." in page
    assert not [h.value for h in at.subheader if h.value.startswith("Trends")]


def test_a_kpi_without_values_yet_is_not_the_first_trend_and_says_so_when_picked(app, app_url):
    """A day-one company's first card was a KPI without values: the trend drew an empty frame,
    its axis labels in the middle and one month, December, on it."""
    from kpi.store import engine, schema

    with engine.create(app_url).begin() as conn:
        row = conn.execute(sa.select(schema.kpi).where(schema.kpi.c.code == "CS_WAIT")).mappings().one()
        fresh = {**row, "code": "CS_NEW", "name": "Callbacks kept", "journey_phase": "awareness"}
        conn.execute(schema.kpi.insert().values(fresh))
    at = app(month="2026-10", department="CS")
    at.switch_page(DEPARTMENTS).run()
    assert not at.exception
    picker = at.pills(key="departments.trend_kpi")
    assert picker.options[0] == "Callbacks kept" and picker.value != "CS_NEW"  # first card, not first trend
    assert len(at.get("echarts_chart")) == 1
    at.pills(key="departments.trend_kpi").set_value("CS_NEW").run()
    assert not at.exception and not at.get("echarts_chart")
    assert "Callbacks kept has no values yet: its trend starts with its first month." in texts(at)


@pytest.mark.reads_only
def test_a_first_month_s_tiles_compare_with_no_month_before_it(app, app_url):
    """A new company's first month read "+14" and "vs Sept" with no change: September had no value."""
    from kpi.domain import months
    from kpi.store import engine, queries

    with engine.reading(engine.create(app_url)) as conn:
        first = min(v.month for v in queries.month_values(conn, EVERYTHING, date(2000, 1, 1), OCTOBER))
    at = app(month=months.key(first)).run()
    assert not at.exception and at.metric
    assert {(m.proto.delta, m.proto.delta_description) for m in at.metric} == {("", "")}
    at = app(month="2026-10").run()
    assert {m.proto.delta_description for m in at.metric if m.proto.delta} == {"vs Sept"}  # CLDR's English


@pytest.mark.reads_only
@pytest.mark.parametrize("page", [CASCADE, "pages/smart_goals.py"])
def test_a_head_s_department_filter_says_all_she_can_see_not_all_departments(app, page):
    """Camilla's cascade said "All departments" over her own goals and the few hers serve (a
    Danish phone review): the whole company's filter says so only to whom reads it all."""
    said = {}
    for viewer in ("mette.kjaer@havnhjem.example", "camilla.berg@havnhjem.example"):
        at = app(month="2026-10", **{"as": viewer})
        at.switch_page(page).run()
        assert not at.exception
        picker = at.selectbox(key="department")
        said[viewer] = picker.options[0]  # as shown: AppTest holds a picker's options formatted
    assert said == {
        "mette.kjaer@havnhjem.example": "All departments",
        "camilla.berg@havnhjem.example": "All you can see",
    }


@pytest.mark.reads_only
def test_a_link_to_what_a_head_does_not_read_says_so_instead_of_showing_something_else(app):
    """Camilla's link to the board's department page showed hers without a word, and a link to
    another department's goal an empty detail (a trial): each says the link's target is not
    one she reads, and nothing of it shows."""
    at = app(month="2026-10", department="IT", **{"as": "camilla.berg@havnhjem.example"})
    at.switch_page(DEPARTMENTS).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "The department the link names is not one you read, or does not exist, so the page shows another."
    ]
    assert at.title[0].value.startswith("Customer service")
    at = app(month="2026-10", goal="O10", **{"as": "camilla.berg@havnhjem.example"})  # IT's goal
    at.switch_page(CASCADE).run()
    assert not at.exception
    assert "The goal the link names is not one you read, or no longer exists: pick one below." in [
        i.value for i in at.info
    ]
    # her own department and goal, their codes written in another case, as links may be (a trial)
    for department in ("CS", "cs"):
        mine = app(month="2026-10", department=department, **{"as": "camilla.berg@havnhjem.example"})
        mine.switch_page(DEPARTMENTS).run()
        assert not [i.value for i in mine.info if "link names" in i.value]
        assert mine.title[0].value.startswith("Customer service")
    mine = app(month="2026-10", goal="o3", **{"as": "camilla.berg@havnhjem.example"})
    mine.switch_page(CASCADE).run()
    assert not [i.value for i in mine.info if "link names" in i.value]


@pytest.mark.reads_only
def test_what_to_fix_says_who_changes_a_goal(app):
    """A head read what to fix of his own goal and found no way to fix it (a department head's
    trial): the list says an administrator changes a goal, and where; an administrator is told
    where to change it."""
    from tests.test_pages_admin import open_page

    head = open_page(app, "pages/smart_goals.py", **{"as": "rasmus.friis@havnhjem.example"})
    admin = open_page(app, "pages/smart_goals.py", **{"as": "sofie.dahl@havnhjem.example"})
    assert not head.exception and not admin.exception
    where = "Data → Strategy → Goals"
    said = [c.value for c in head.caption if "An administrator changes a goal" in c.value]
    assert len(said) == 1 and where in said[0]
    assert [c.value for c in admin.caption if c.value.startswith("Change a goal under")] == [
        f"Change a goal under {where}; its checks follow at once."
    ]


def test_a_process_change_recorded_lately_says_why_a_card_has_no_verdict(app, app_url):
    """A change recorded for one of the last months took the card's process verdict away without
    a word (an adversarial round): the card says how many months its limits still wait for."""
    from kpi.store import engine, plans

    with engine.writing(engine.create(app_url)) as conn:
        plans.record_change(conn, as_admin(), "CS_WAIT", date(2026, 8, 1), "New phone system")
    at = app(month="2026-10", department="CS").switch_page(DEPARTMENTS).run()
    assert not at.exception
    said = [c.value for c in at.caption if c.value.startswith("No process limits yet")]
    assert said == [
        "No process limits yet: 3 months of values since the process change of August 2026; they need 12."
    ]
