"""Answers that belong together and customers' own words (issue 20, points 1 and 5).

An answer may carry a respondent and a comment: read and checked by one check on the exact and
the column-wise import (limits and hints), written on both databases, kept through a download and
an import again, related per respondent (`kpi.store.respondents.rows`) and read as comments in
the reader's scope, searched as plain text. The Why page's "customers' own words" tab shows them
as plain text, paged.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi.domain import access, checks, words
from kpi.domain.access import EVERYTHING, NOTHING, Scope
from kpi.domain.model import Aggregation
from kpi.files import tables
from kpi.files.tables import ImportRejected
from kpi.store import bulk_answers, engine, importing, respondents, setup
from kpi.store import schema as s
from kpi.store.respondents import Filter
from kpi.text import words as said
from tests.conftest import as_admin, forget_app, new_app, point_app_at
from tests.sharing import open_why_tab

HEADER = "kpi,date,score,segment,touchpoint,respondent,comment\n"


# --- score groups ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aggregation", "scores", "group"),
    [
        (Aggregation.NPS, range(0, 7), "detractors"),
        (Aggregation.NPS, (7, 8), "passives"),
        (Aggregation.NPS, (9, 10), "promoters"),
        (Aggregation.CSAT, (1, 2), "dissatisfied"),
        (Aggregation.CSAT, (3,), "neutral"),
        (Aggregation.CSAT, (4, 5), "satisfied"),
        (Aggregation.CES, (1, 2, 3), "difficult"),
        (Aggregation.CES, (4,), "neutral"),
        (Aggregation.CES, (5, 6, 7), "easy"),
    ],
)
def test_every_score_falls_in_its_group(aggregation, scores, group):
    assert {words.score_group(aggregation, score) for score in scores} == {group}
    assert words.bounds(aggregation, group) == (min(scores), max(scores))


@pytest.mark.parametrize(
    ("aggregation", "score"), [(Aggregation.NPS, 11), (Aggregation.CSAT, 0), (Aggregation.CES, 8)]
)
def test_a_score_off_the_scale_falls_in_no_group(aggregation, score):
    with pytest.raises(ValueError):
        words.score_group(aggregation, score)


# --- a small store on both databases ----------------------------------------------------------------


@pytest.fixture
def small_url(empty_url) -> str:
    """Two departments, each with a survey KPI: LOG's NPS after delivery, CS's satisfaction."""
    store = engine.create(empty_url)
    setup.ensure(store)
    importing.run(
        store, "departments", b"code,name\nLOG,Logistics\nCS,Customer service\n", "d.csv", as_admin()
    )
    kpis = (
        b"code,name,department,unit,direction,aggregation\n"
        b"LOG_NPS,NPS after delivery,LOG,nps,higher,nps\n"
        b"CS_CSAT,Satisfaction after contact,CS,%,higher,csat\n"
        b"TP_SAT,Touchpoints,LOG,%,higher,csat\n"
    )
    importing.run(store, "kpis", kpis, "k.csv", as_admin())
    return empty_url


def _stored(url: str) -> list[tuple]:
    fields = [s.response.c[f] for f in bulk_answers.FIELDS]
    with engine.reading(engine.create(url)) as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(*fields)))


def _problems(url: str, data: bytes, *, exact: bool, monkeypatch) -> list[str]:
    if exact:
        monkeypatch.setattr(bulk_answers, "stage", lambda data, name: None)
    with pytest.raises(ImportRejected) as refused:
        importing.run(engine.create(url), "responses", data, "answers.csv", as_admin())
    monkeypatch.undo()
    return [said.problem(p) for p in refused.value.problems]


LONG_COMMENT = "Lang kommentar. " * 125 + "x"  # 2,001 characters


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "LOG_NPS,2026-11-02,3,,," + "R" * 65 + ",",
            "65 characters is too long for a respondent; at most 64",
        ),
        ("LOG_NPS,2026-11-02,3,,,kunde@example.dk,", "looks like an e-mail address"),
        (
            "LOG_NPS,2026-11-02,3,,,R1," + LONG_COMMENT,
            "2001 characters is too long for a comment; at most 2000",
        ),
    ],
)
def test_a_bad_respondent_or_comment_is_named_alike_by_both_imports_with_a_hint(
    small_url, monkeypatch, row, expected
):
    data = (HEADER + "LOG_NPS,2026-11-01,9,,,R0,fine\n" + row + "\n").encode()
    fast = _problems(small_url, data, exact=False, monkeypatch=monkeypatch)
    exact = _problems(small_url, data, exact=True, monkeypatch=monkeypatch)
    assert fast == exact and len(fast) == 1
    assert "row 3" in fast[0] and expected in fast[0].replace(",", "")
    assert _stored(small_url) == []


def test_a_respondent_on_two_lines_is_refused_and_a_comment_may_hold_many():
    row, problems = tables.read(
        "responses", {"respondent": "R1\nR2", "comment": "a\r\nb\rc"}, file_columns=True
    )
    assert problems == [] and row["comment"] == "a\nb\nc"
    found = checks.answer(row, checks.Known())
    assert [p.key for p in found if p.field in ("respondent", "comment")] == ["respondent_one_line"]
    for broken in ("R1\u2029R2", "R1\u2028R2", "R1\tR2"):  # what splits any one-line text (`bounds.BREAKS`)
        found = checks.answer({**row, "respondent": broken}, checks.Known())
        assert [p.key for p in found if p.field == "respondent"] == ["respondent_one_line"]


WRITTEN_AS_TYPED = [
    "Fakturaen var forkert; jeg blev opkrævet to gange.",
    '<a href="https://evil.example">Klik her</a> <img src=x onerror=alert(1)>',
    "# Overskrift\n**fed** og [link](https://example.com)",
    '=HYPERLINK("https://evil.example"; "Klik")',
    'Han sagde "fint", men, altså, nej.',
    "Linje et\r\nLinje to",
]


def test_respondent_and_comment_land_on_both_databases_and_survive_a_download_and_an_import(small_url):
    store = engine.create(small_url)
    rows = [
        ["LOG_NPS", f"2026-11-{day:02d}", str(day % 11), "private", "delivery", f"R{day}", text]
        for day, text in enumerate(WRITTEN_AS_TYPED, start=1)
    ]
    rows.append(["LOG_NPS", "2026-11-20", "8", "", "", "", ""])  # neither: both stay empty (NULL)
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER.strip().split(","), *rows])
    importing.run(store, "responses", out.getvalue().encode(), "answers.csv", as_admin())
    landed = _stored(small_url)
    comments = {r[5]: r[6] for r in landed}
    assert comments["R6"] == "Linje et\nLinje to"  # line ends made one kind
    assert [comments[f"R{i}"] for i in range(1, 6)] == WRITTEN_AS_TYPED[:5]
    assert [r for r in landed if r[5] is None] == [("LOG_NPS", date(2026, 11, 20), 8, "", "", None, None)]
    with engine.reading(store) as conn:
        downloaded = importing.export(conn, "responses")
    again = importing.run(store, "responses", downloaded, "download.csv", as_admin())
    assert again.counts == {"unchanged": len(rows)}
    assert _stored(small_url) == landed


def test_a_changed_comment_replaces_its_month_on_the_column_wise_path(small_url):
    store = engine.create(small_url)
    first = HEADER + "LOG_NPS,2026-11-02,3,private,delivery,R1,Sent\nLOG_NPS,2026-10-02,9,,,R2,Fint\n"
    importing.run(store, "responses", first.encode(), "a.csv", as_admin())
    changed = first.replace("Sent", "For sent")
    assert bulk_answers.stage(changed.encode(), "b.csv") is not None
    summary = importing.run(store, "responses", changed.encode(), "b.csv", as_admin())
    assert summary.counts == {"replaced": 1, "unchanged": 1}
    assert ("LOG_NPS", date(2026, 11, 2), 3, "private", "delivery", "R1", "For sent") in _stored(small_url)


# --- respondents and comments in scope -------------------------------------------------------------


def _answers(url: str) -> None:
    data = HEADER + "".join(
        [
            "LOG_NPS,2026-11-02,2,private,delivery,A,Chaufføren kom aldrig (100% sur)\n",
            "TP_SAT,2026-11-02,1,private,delivery,A,\n",
            "TP_SAT,2026-11-02,4,private,webshop,A,\n",
            "LOG_NPS,2026-11-05,10,business,webshop,B,Nem_betaling\n",
            "TP_SAT,2026-11-05,5,business,webshop,B,\n",
            "TP_SAT,2026-10-05,1,business,invoice,B,\n",  # another month: not B's rating in November
            "LOG_NPS,2026-11-07,7,private,invoice,,FAKTURA var forkert\n",  # no respondent
            "CS_CSAT,2026-11-03,1,private,customer_service,C,Hemmelig kundeservicesag\n",
        ]
    )
    importing.run(engine.create(url), "responses", data.encode(), "answers.csv", as_admin())


def test_a_respondents_ratings_are_those_of_the_same_month(small_url):
    _answers(small_url)
    store = engine.create(small_url)
    found = respondents.rows(store, EVERYTHING, "LOG_NPS", "TP_SAT", date(2026, 10, 1), date(2026, 11, 1))
    assert [(r.respondent, r.segment, r.outcome, r.ratings) for r in found] == [
        ("A", "private", 2, {"delivery": 1, "webshop": 4}),
        ("B", "business", 10, {"webshop": 5}),
    ]
    log = Scope(frozenset({"LOG"}))
    assert respondents.rows(store, log, "LOG_NPS", "TP_SAT", date(2026, 11, 1), date(2026, 11, 1)) == found
    for scope in (Scope(frozenset({"CS"})), NOTHING):
        assert respondents.rows(store, scope, "LOG_NPS", "TP_SAT", date(2026, 11, 1), date(2026, 11, 1)) == []


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", {"Chaufføren kom aldrig (100% sur)", "Nem_betaling", "FAKTURA var forkert"}),
        ("faktura", {"FAKTURA var forkert"}),  # case-insensitive
        ("%", {"Chaufføren kom aldrig (100% sur)"}),  # a wildcard matches only itself
        ("_", {"Nem_betaling"}),
        ("n_m", set()),  # with `_` as a wildcard it would match Nem_betaling
        ("' OR '1'='1", set()),  # a bound parameter, not SQL
        ("\\", set()),
    ],
)
def test_a_search_is_a_plain_case_insensitive_substring(small_url, search, expected):
    _answers(small_url)
    wanted = Filter("LOG_NPS", date(2026, 11, 1), date(2026, 11, 1), search=search)
    total, found = respondents.comments(engine.create(small_url), EVERYTHING, wanted)
    assert total == len(expected) and {c.text for c in found} == expected


def test_comments_filter_by_group_segment_and_touchpoint_and_never_leave_the_scope(small_url):
    _answers(small_url)
    store = engine.create(small_url)
    november = (date(2026, 11, 1), date(2026, 11, 1))

    def texts(scope, kpi="LOG_NPS", **given):
        return {c.text for c in respondents.comments(store, scope, Filter(kpi, *november, **given))[1]}

    assert texts(EVERYTHING, group="detractors") == {"Chaufføren kom aldrig (100% sur)"}
    assert texts(EVERYTHING, group="passives") == {"FAKTURA var forkert"}
    assert texts(EVERYTHING, group="satisfied") == set()  # not an NPS group
    assert texts(EVERYTHING, segment="business") == {"Nem_betaling"}
    assert texts(EVERYTHING, touchpoint="invoice") == {"FAKTURA var forkert"}
    log, cs = Scope(frozenset({"LOG"})), Scope(frozenset({"CS"}))
    assert texts(log, "CS_CSAT") == set() and texts(cs, "LOG_NPS") == set() and texts(NOTHING) == set()
    assert texts(cs, "CS_CSAT") == {"Hemmelig kundeservicesag"}
    assert respondents.commented_kpis(store, log) == ["LOG_NPS"]
    assert respondents.commented_kpis(store, NOTHING) == []
    counted = respondents.per_touchpoint(store, EVERYTHING, Filter("LOG_NPS", *november, group="detractors"))
    assert counted == [("delivery", 1)]


def test_a_goal_owned_elsewhere_brings_its_kpis_values_but_never_its_answers(small_url):
    _answers(small_url)
    sighted = access.Scope(frozenset({"LOG"}), goals=frozenset({"G1"}), kpis=frozenset({"CS_CSAT"}))
    assert respondents.commented_kpis(engine.create(small_url), sighted) == ["LOG_NPS"]


# --- the page ---------------------------------------------------------------------------------------

PLANTED = [
    '<b>fed</b> <a href="https://evil.example">link</a> <img src=x>',
    "# Overskrift og **fed** og [link](https://example.com) og :red[rød]",
]


@pytest.fixture
def page(small_url, monkeypatch):
    _answers(small_url)
    rows = "".join(
        f"LOG_NPS,2026-11-{10 + i:02d},1,private,delivery,P{i},{text}\n" for i, text in enumerate(PLANTED)
    )
    rows += "".join(f"LOG_NPS,2026-10-{day:02d},3,private,returns,,Kommentar {day}\n" for day in range(1, 26))
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER.strip().split(","))
    for line in (HEADER + rows).splitlines()[1:]:
        writer.writerow(line.split(",", 6))
    importing.run(engine.create(small_url), "responses", out.getvalue().encode(), "more.csv", as_admin())
    importing.run(
        engine.create(small_url),
        "people",
        b"email,name,role,department\nboss@x.example,Boss,executive,\nlog@x.example,Log Head,department_head,LOG\n",
        "p.csv",
        as_admin(),
    )
    point_app_at(monkeypatch, small_url)

    def opened(who: str) -> AppTest:
        at = new_app(month="2026-11", **{"as": who}).run()
        at.switch_page("pages/why.py").run()
        return open_why_tab(at, "why.tab_words")

    yield opened
    forget_app()


def _shown(at) -> str:
    return " ".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader]
    )


def test_the_words_tab_shows_comments_as_plain_text_paged_in_scope(page):
    at = page("boss@x.example")
    assert not at.exception
    assert at.title[0].value == "Why it moved — November 2026"
    assert at.selectbox(key="words.kpi").value == "LOG_NPS"  # the most commented first
    assert at.selectbox(key="words.group.nps").value == "detractors"  # the critics, as the chart
    bodies = [m.value for m in at.markdown]
    for text in PLANTED:  # every sign that Markdown or HTML would read is escaped
        assert any("\\<b\\>" in b or "\\# Overskrift" in b for b in bodies), text
    planted = [b for b in bodies if "Overskrift" in b or "evil" in b]
    assert len(planted) == 2
    assert not any("<b>" in b or b.startswith("#") or "[link](" in b or "https://" in b for b in planted)
    assert "27 comments" in [h.value for h in at.subheader]  # the file replaced October and November
    assert "1–10 of 27" in _shown(at)
    at.button(key="words.next").click().run()
    assert "11–20 of 27" in _shown(at)
    at.selectbox(key="words.period").set_value("month").run()
    assert "2 comments" in [h.value for h in at.subheader] and "1–2 of 2" in _shown(at)  # back to page 1
    at.selectbox(key="words.period").set_value("quarter").run()
    at.selectbox(key="words.group.nps").set_value("promoters").run()
    assert "0 comments" in [h.value for h in at.subheader]
    at.selectbox(key="words.group.nps").set_value("detractors").run()
    assert "27 comments" in [h.value for h in at.subheader]
    at.text_input(key="words.search").input("overskrift").run()
    assert [h.value for h in at.subheader][-1] == "1 comment"
    assert "Hemmelig kundeservicesag" not in _shown(at)


def test_a_department_head_reads_only_their_departments_words(page):
    at = page("log@x.example")
    assert not at.exception
    assert at.selectbox(key="words.kpi").options == ["NPS after delivery"]
    assert "Hemmelig kundeservicesag" not in _shown(at)
    at.selectbox(key="words.period").set_value("year").run()
    assert "Hemmelig" not in _shown(at)
