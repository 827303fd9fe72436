"""Why it moved, the Segments and touchpoints tab, and the mix/rate line on a goal's detail and the
attention list, through AppTest on the demo store: what they show is what the store's answers
give by the rules of kpi.domain.samples, worked out here from the store, not typed in."""

from datetime import date

import pytest

from kpi.domain import access, cx, months, samples
from kpi.domain.access import EVERYTHING
from kpi.store import engine, queries, segments
from kpi.text import fmt, plain, splits
from kpi.ui.views import segments_view
from tests.sharing import WHY_TABS, open_why_tab, why_tab

WHY = "pages/why.py"
OCTOBER = date(2026, 10, 1)
CX_DIRECTOR = "jonas.lund@havnhjem.example"
CS_HEAD = "camilla.berg@havnhjem.example"
IT_HEAD = "henrik.juul@havnhjem.example"

pytestmark = pytest.mark.reads_only

SEGMENTS_TAB = why_tab("why.tab_segments")
"""The Segments tab's place on the Why page (its tabs in order: pages/why.py)."""


def _counts(url, kpi, by=segments.By.SEGMENT, scope=EVERYTHING):
    with engine.reading(engine.create(url)) as conn:
        return segments.counts(conn, scope, [kpi], months.add(OCTOBER, -12), OCTOBER, by).get(kpi, {})


def _scope(url, email):
    with engine.reading(engine.create(url)) as conn:
        return access.scope_for(queries.person(conn, email), queries.goal_links(conn))


def _open(app, email):
    at = app(month="2026-10", **{"as": email}).run()
    at.switch_page(WHY).run()
    assert not at.exception, at.exception
    return at


def test_the_cx_director_reads_nps_by_segment_with_n_margin_and_verdicts(app, app_url):
    at = _open(app, CX_DIRECTOR)
    assert at.title[0].value == "Why it moved — October 2026"
    picker = at.selectbox(key="kpi")
    assert picker.value == "NPS"  # the company's NPS first
    assert len(picker.options) == len(_survey_kpis(app_url, CX_DIRECTOR))
    counts = _counts(app_url, "NPS")
    now, then = counts[OCTOBER], counts[months.add(OCTOBER, -1)]
    table = at.dataframe[0].value
    whole = cx.nps(samples.summed(now.values()))
    first = table.iloc[0]
    assert first["Group"] == "All answers"
    assert first["Score"] == fmt.value(whole.value, "nps")
    assert first["Answers"] == fmt.number(whole.n)
    assert first["± 95\u00a0%"] == fmt.number(whole.margin, 1)
    cells = samples.cells(samples.Aggregation.NPS, now, then, higher_is_better=True)
    ranks = segments_view.shown_ranks(cells, "nps")  # the rank, shared by scores that read the same
    assert list(table["Group"][1:]) == [
        f"{ranks[c.group]}. {splits.group_name(c.group)}" if c.rank else splits.group_name(c.group)
        for c in cells
    ]
    verdicts = {chip for chips in table["Significant?"] for chip in chips}  # each cell a coloured chip
    assert verdicts <= {"▲ Significant rise", "▼ Significant fall", "~ Not significant", "Too few answers"}
    split = samples.split(samples.Aggregation.NPS, then, now)
    [all_cell] = samples.cells(
        samples.Aggregation.NPS,
        {"*": samples.summed(now.values())},
        {"*": samples.summed(then.values())},
        True,
    )
    noise = segments_view.cell_noise(all_cell)
    assert f"**{plain.markdown(splits.line(split, 'nps', noise))}**" in [m.value for m in at.markdown]


def test_touchpoints_and_a_year_before(app, app_url):
    at = _open(app, CX_DIRECTOR)
    at.segmented_control(key="why.segments.by").set_value("touchpoint").run()
    at.segmented_control(key="why.segments.against").set_value("last_year").run()
    assert not at.exception
    counts = _counts(app_url, "NPS", segments.By.TOUCHPOINT)
    table = at.dataframe[0].value
    assert fmt.month(months.add(OCTOBER, -12)) in table.columns  # the month it is compared with
    shown = {g.split(". ", 1)[-1] for g in table["Group"][1:]}
    assert shown == {splits.group_name(g) for g in counts[OCTOBER]}
    over_time, phone = (frame.value for frame in at.tabs[SEGMENTS_TAB].dataframe[-2:])
    assert len(over_time.columns) == 1 + 13 and len(over_time) == 1 + len(shown)
    # the groups in the month table's order (they stood by name), all answers first
    ranked = [g.split(". ", 1)[-1] for g in table["Group"]]
    assert list(over_time["Group"]) == ranked
    # a phone gets the months as rows, the latest first, and the groups as columns in that order
    assert list(phone.columns) == ["Month", *ranked]
    assert list(phone["Month"]) == [fmt.month(months.add(OCTOBER, -n)) for n in range(13)]
    latest = over_time[fmt.month(OCTOBER)][0]  # "+32 ±4.0 · n 1,424": the phone leaves out the answers
    assert phone["All answers"][0] == latest.split(" · ")[0]


def test_business_nps_is_bracketed_below_min_n_and_never_ranked(app, app_url):
    """The demo's business NPS has about 24 answers a month: every cell too few to read."""
    at = _open(app, CX_DIRECTOR)
    at.selectbox(key="kpi").set_value("NPS_B2B").run()
    counts = _counts(app_url, "NPS_B2B")
    assert all(c.n < samples.MIN_N for c in counts[OCTOBER].values())
    table = at.dataframe[0].value
    assert not any(g[0].isdigit() for g in table["Group"])  # nothing numbered
    assert {chip for chips in table["Significant?"] for chip in chips} <= {
        "Too few answers",
        "No answers then",
    }
    # every figure read from too few answers stands in brackets: here the whole's too
    whole = cx.nps(samples.summed(counts[OCTOBER].values()))
    assert whole.n < samples.MIN_N
    assert list(table["Score"]) == [
        f"({fmt.value(cx.nps(c).value, 'nps')})" for c in _shown_counts(table, counts)
    ]
    over_time = at.tabs[SEGMENTS_TAB].dataframe[-2].value
    october = over_time[fmt.month(OCTOBER)]
    assert (
        october[0]
        == f"({fmt.value(whole.value, 'nps')} ±{fmt.number(whole.margin, 1)} · n\u00a0{fmt.number(whole.n)})"
    )
    assert all(cell == "–" or cell.startswith("(") and cell.endswith(")") for cell in october[1:])


def _shown_counts(table, counts):
    """The answers behind each row of the month table: all of them first, then each group's."""
    now = counts[OCTOBER]
    names = {splits.group_name(g): c for g, c in now.items()}
    return [samples.summed(now.values())] + [names[g.split(". ", 1)[-1]] for g in table["Group"][1:]]


def test_a_figure_from_enough_answers_is_not_bracketed(app, app_url):
    """The company's NPS has enough answers in its big segments: their scores are bare, and a
    segment below `MIN_N` (if any) is the only one in brackets."""
    at = _open(app, CX_DIRECTOR)
    now = _counts(app_url, "NPS")[OCTOBER]
    table = at.dataframe[0].value
    by_name = {
        g.split(". ", 1)[-1]: score for g, score in zip(table["Group"][1:], table["Score"][1:], strict=True)
    }
    for group, counts in now.items():
        value = cx.nps(counts)
        shown = fmt.value(value.value, "nps")
        assert by_name[splits.group_name(group)] == (shown if samples.is_enough(counts.n) else f"({shown})")


def test_a_department_head_picks_only_their_own_survey_kpis(app, app_url):
    at = _open(app, CS_HEAD)
    own = _survey_kpis(app_url, CS_HEAD)
    assert [k.code for k in own] == ["CS_CSAT"]
    assert at.selectbox(key="kpi").options == [k.name for k in own]
    it = _open(app, IT_HEAD)
    [said] = [i.value for i in it.tabs[SEGMENTS_TAB].info]
    assert (
        said.startswith("None of the KPIs whose answers you read is a survey score")
        and "department's page" in said
    )
    # and the way to where her KPIs' months are: her department's page
    links = [e for e in it.tabs[SEGMENTS_TAB].get("page_link") if e.proto.label == "Your department's page"]
    assert len(links) == 1 and "department=IT" in links[0].proto.page + links[0].proto.query_string


def _survey_kpis(url, email):
    scope = _scope(url, email)
    with engine.reading(engine.create(url)) as conn:
        return [
            k
            for k in queries.kpis(conn, scope, "en")
            if k.aggregation.is_survey and scope.allows(k.department)
        ]


def test_the_goal_detail_and_the_attention_list_say_why_a_survey_score_moved(app, app_url):
    from kpi.store import monthly

    with engine.reading(engine.create(app_url)) as conn:
        found = segments.splits(conn, EVERYTHING, OCTOBER)
        noise = {
            code: row.change_noise
            for code, row in monthly.month_report(conn, EVERYTHING, OCTOBER, "en").kpis.items()
        }
    assert {"NPS", "CES", "ADV_CSAT"} <= set(found)
    at = app(month="2026-10", goal="S1").run()
    at.switch_page("pages/goal_cascade.py").run()
    nps = plain.markdown(splits.since(found["NPS"], "nps", OCTOBER, noise["NPS"]))
    assert nps in [m.value for m in at.markdown]
    # a change chance explains says so, as the tiles do (a trial), without parts to read into
    assert noise["NPS"] is None or (nps.endswith(", within the margin of error") and "mix" not in nps)
    at.switch_page("pages/overview.py").run()
    lines = [m.value for m in at.markdown if "Since Sept" in m.value]
    advice = plain.markdown(splits.since(found["ADV_CSAT"], "%", OCTOBER, noise["ADV_CSAT"]))
    assert [line for line in lines if advice in line and "Advice leads to" in line]  # its goal's item
    assert any(", within the margin of error" in line or ", from too few answers" in line for line in lines)
    assert ": mix " in splits.since(found["NPS"], "nps", OCTOBER, None)  # a change beyond chance: its parts


def test_a_bookmark_names_the_kpi_and_another_departments_kpi_is_not_opened(app):
    at = app(month="2026-10", kpi="NPS_B2B", **{"as": CX_DIRECTOR}).run()
    at.switch_page(WHY).run()
    assert at.selectbox(key="kpi").value == "NPS_B2B"
    head = app(month="2026-10", kpi="NPS", **{"as": CS_HEAD}).run()
    head.switch_page(WHY).run()
    assert not head.exception
    assert head.selectbox(key="kpi").value == "CS_CSAT"  # their own, not the company's NPS


def test_only_the_open_tab_runs_and_each_opens_on_its_own(app):
    """The Why page draws the open tab alone (its tables and chart are most of what a browser
    draws on a click onto it); opening another draws that one and nothing of the first."""
    at = _open(app, CX_DIRECTOR)
    drawn = {tab: len(at.tabs[why_tab(tab)].children) for tab in WHY_TABS}
    assert drawn["why.tab_segments"] > 0 and drawn["why.tab_drivers"] == drawn["why.tab_words"] == 0
    assert at.tabs[SEGMENTS_TAB].dataframe and not at.get("echarts_chart")
    for tab in WHY_TABS[1:]:
        open_why_tab(at, tab)
        assert not at.exception, (tab, at.exception)
        assert [name for name in WHY_TABS if at.tabs[why_tab(name)].children] == [tab]
    assert at.get("echarts_chart")  # the words tab's chart of comments per touchpoint


def test_a_phone_gets_the_month_and_its_split_in_the_columns_that_answer(app):
    """On a phone the segment table and the split of the change scrolled sideways for their
    verdict and parts (a CEO's trial): each comes twice, the whole table for a screen and, for a
    phone, the columns that answer (`widgets.SCREEN_STYLE` shows one of them), with the split's
    long heading short so its last column fits."""
    at = _open(app, CX_DIRECTOR)
    frames = list(at.dataframe)
    orders = [list(frame.proto.column_order) for frame in frames]
    assert ["Group", "Score", "Change", "Significant?"] in orders
    assert ["Group", "Part of the change", "Mix", "Rate"] in orders
    split = next(
        f for f in frames if list(f.proto.column_order) == ["Group", "Part of the change", "Mix", "Rate"]
    )
    assert '"label": "Part"' in split.proto.columns
    # the month's group column wide enough for a name ("1. Kundeserv" was cut, a CX director's trial)
    month = next(
        f for f in frames if list(f.proto.column_order) == ["Group", "Score", "Change", "Significant?"]
    )
    groups = ["All answers", "1. Private", "2. Business"]  # the demo's segments, as the table names them
    assert f'"width": {segments_view.phone_group_width(groups)}' in month.proto.columns
    assert segments_view.phone_group_width(groups) < segments_view.PHONE_GROUP_WIDTH  # the chip's room
    assert (
        segments_view.phone_group_width(["1. Kundeservice", "Alle svar"]) == segments_view.PHONE_GROUP_WIDTH
    )
    assert len(frames) == len(orders) and sum(1 for order in orders if not order) >= 2  # and the whole ones


def test_scores_that_read_the_same_share_a_rank_and_a_change_within_its_margin_names_no_mover():
    """Five touchpoints at 5.0 and 4.9 / 7, none significantly changed, stood numbered 1 to 5,
    and "−0.01: mix +0.00, rate −0.01 (Delivery −0.03)" named a mover of a change the table above
    called not significant (a CX director's trial)."""
    from kpi.domain.samples import Cell, Noise, Part, Split
    from kpi.text.i18n import use

    def cell(group, value, rank):
        return Cell(group, cx.SurveyValue(value, 150, 0.2), None, None, rank)

    cells = [cell("web", 5.02, 1), cell("cs", 4.98, 2), cell("returns", 4.96, 3), cell("inv", 4.93, 4)]
    assert segments_view.shown_ranks(cells, "ces") == {"web": 1, "cs": 1, "returns": 1, "inv": 4}

    def part(segment, rate):
        return Part(segment, 150, 150, 0.5, 0.5, 5.0, 5.0 + 2 * rate, 0.0, rate)

    split = Split(5.0, 4.99, (part("delivery", -0.03), part("webshop", 0.02)))
    with use("en"):
        assert splits.line(split, "ces").endswith("(Delivery -0.03)")
        said = splits.line(split, "ces", Noise.WITHIN_MARGIN)
        assert said == "-0.01, within the margin of error: mix +0.00, rate -0.01" and "Delivery" not in said


def test_a_group_s_change_is_noise_by_its_answers_as_the_month_table_says():
    """The split's line and the month table's verdicts read one rule (`cell_noise`)."""
    from kpi.domain.samples import Cell, Change, Noise

    def cell(n_now, n_before, significant):
        change = Change(2.0, 2.0, 0.04 if significant else 0.4, significant)
        return Cell("web", cx.SurveyValue(30.0, n_now, 4.0), cx.SurveyValue(28.0, n_before, 4.0), change, 1)

    assert segments_view.cell_noise(cell(400, 400, True)) is None
    assert segments_view.cell_noise(cell(400, 400, False)) is Noise.WITHIN_MARGIN
    assert segments_view.cell_noise(cell(400, 10, True)) is Noise.FEW_ANSWERS  # never called real
