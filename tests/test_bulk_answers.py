"""Survey answers in bulk: the column-wise path lands exactly what the exact importer lands, and
leaves every file it is not sure of to the exact importer."""

import io
import json

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from kpi.store import bulk_answers, engine, importing
from kpi.store import schema as s
from tests.conftest import as_admin
from tests.sharing import rows_digest

HEADER = "kpi,date,score,segment,touchpoint\n"
PLAIN = {
    "new month": HEADER + "NPS,2026-11-02,10,private,web\nnps , 2026-11-03 , 3 , business ,  shop\n",
    "semicolons, no optional columns": "kpi;date;score\nNPS;2026-11-02;9\nNPS;2026-11-30;0\n",
    "columns in another order, CRLF, BOM": "\ufeffscore,kpi,date\r\n7,NPS,2026-11-02\r\n8,NPS,2026-11-03\r\n",
    "empty lines between": HEADER + "NPS,2026-11-02,10,,\n\n\nNPS,2026-11-04,6,,\n\n",
    "replaces a month the store holds": HEADER + "NPS,2026-10-05,10,private,web\nNPS,2026-10-06,9,,\n",
    "two KPIs, several months": HEADER
    + "".join(f"NPS,2026-{m:02d}-{d:02d},{(m * d) % 11},private,web\n" for m in (9, 10, 11) for d in (1, 15))
    + "".join(f"CS_CSAT,2026-11-{d:02d},{1 + d % 5},,\n" for d in range(1, 20)),
    "Danish letters in a segment": HEADER + "NPS,2026-11-02,10,erhverv æøå,butik\n",
    "no-break spaces around a touchpoint": HEADER + "NPS,2026-11-02,10,private,\u00a0web\u00a0\n",
    "a neutralised cell": HEADER + "NPS,2026-11-02,10,'-none-,web\n",
    "Danish date": HEADER + "NPS,02.11.2026,10,,\n",
    "one-digit day": HEADER + "NPS,2026-11-2,10,,\n",
    "decimal score": HEADER + "NPS,2026-11-02,10.0,,\n",
    "Danish file, decimal comma": "kpi;date;score\nNPS;02.11.2026;10,0\nNPS;03.11.2026;7\n",
    "tab around a segment": HEADER + "NPS,2026-11-02,10,\tprivate,\n",
    "a line separator after a touchpoint": HEADER + "NPS,2026-11-02,10,private,web\u2028\n",
    "a row of empty cells": HEADER + "NPS,2026-11-02,10,,\n,,,,\n \t, ,,,\nNPS,2026-11-03,9,,\n",
    "a code in another case": HEADER + "cs_csat,2026-11-02,4,,\n",
    "respondents and comments, some read cell by cell": "kpi,date,score,segment,touchpoint,respondent,comment\n"
    + "NPS,2026-11-02,3,private,invoice,R1,Fakturaen var forkert\n"
    + "NPS,2026-11-03,9,private,webshop, R2 ,\u00a0Nem betaling\u00a0\n"
    + "NPS,2026-11-04,7,,,,'=1+1 skrev jeg\n"
    + "NPS,2026-11-05,8,,,R4,Skriv til mig på kunde@example.dk\tnu\n"
    + "NPS,2026-11-06,2,,,R5,\n"
    + "CS_CSAT,2026-11-06,2,,,R5,Ventede længe\n"
    + "NPS,2026-11-07,6,priv\u200bate,,R\u20606,\n",  # nobody sees these: read without them
}
"""Files DuckDB reads as Python's csv does: read, checked and written a column at a time."""
NOT_READ_BY_DUCKDB = {
    "quoted": HEADER + '"NPS","2026-11-02","10","private","web"\n',
    "a row too short": HEADER + "NPS,2026-11-02,10\n",
    "a row too long": HEADER + "NPS,2026-11-02,10,,,x\n",
    "Latin-1": None,
    "old Mac line ends": HEADER.replace("\n", "\r") + "NPS,2026-11-02,10,,\r",
    "unknown column": "kpi,date,score,colour\nNPS,2026-11-02,10,red\n",
    "no rows": HEADER,
    "only empty rows": HEADER + ",,,,\n",
}


def _latin1() -> bytes:
    return (HEADER + "NPS,2026-11-02,10,erhverv æøå,\n").encode("latin-1")


def _bytes(name: str, text: str | None) -> bytes:
    return _latin1() if text is None else text.encode("utf-8")


def _answers(url: str, every_row: bool = False) -> dict:
    """The answers (their number and digest, or with `every_row` the sorted list), the month
    summary and the import's audit rows."""
    with engine.reading(engine.create(url)) as conn:
        if every_row:
            answers = sorted(
                tuple(r) for r in conn.execute(sa.select(*(s.response.c[f] for f in bulk_answers.FIELDS)))
            )
        else:
            answers = tuple(
                conn.execute(rows_digest("response", bulk_answers.FIELDS, engine.is_duckdb(url))).one()
            )
        summary = sorted(tuple(r) for r in conn.execute(sa.select(s.response_month)))
        audits = sorted(
            (r.key, r.before, r.after)
            for r in conn.execute(sa.select(s.audit).where(s.audit.c.who == "bulk-test"))
        )
    return {"answers": answers, "summary": summary, "audit": audits}


def assert_same_answers(url: str, other: str) -> None:
    """Both stores hold the same answers, month summaries and audit rows; when they do not, the
    message shows the rows that differ."""
    if _answers(url) != _answers(other):
        first, second = _answers(url, every_row=True), _answers(other, every_row=True)
        assert first == second


@pytest.mark.parametrize("name", PLAIN)
def test_plain_files_go_column_wise_and_land_exactly_what_the_exact_importer_lands(
    demo_twins, monkeypatch, name
):
    data = _bytes(name, PLAIN[name])
    staged = bulk_answers.stage(data, "answers.csv")
    assert staged is not None
    staged.close()
    fast_url, exact_url = demo_twins
    fast = importing.run(engine.create(fast_url), "responses", data, "answers.csv", as_admin("bulk-test"))
    monkeypatch.setattr(bulk_answers, "stage", lambda data, name: None)
    exact = importing.run(engine.create(exact_url), "responses", data, "answers.csv", as_admin("bulk-test"))
    assert (fast.rows, fast.counts) == (exact.rows, exact.counts)
    assert_same_answers(fast_url, exact_url)


@pytest.mark.parametrize("name", NOT_READ_BY_DUCKDB)
def test_files_duckdb_would_not_read_as_python_does_go_to_the_exact_importer(name):
    assert bulk_answers.stage(_bytes(name, NOT_READ_BY_DUCKDB[name]), "answers.csv") is None


def test_an_excel_workbook_goes_to_the_exact_importer():
    book = Workbook()
    book.active.append(["kpi", "date", "score"])
    book.active.append(["NPS", "2026-11-02", 10])
    out = io.BytesIO()
    book.save(out)
    assert bulk_answers.stage(out.getvalue(), "answers.xlsx") is None


def test_importing_the_same_answers_again_changes_nothing_and_a_dry_run_writes_nothing(demo_url):
    store = engine.create(demo_url)
    data = PLAIN["two KPIs, several months"].encode()
    preview = importing.run(store, "responses", data, "answers.csv", as_admin("bulk-test"), dry_run=True)
    before = _answers(demo_url)
    assert before["audit"] == []
    first = importing.run(store, "responses", data, "answers.csv", as_admin("bulk-test"))
    assert first.counts == preview.counts and first.counts["replaced"] > 0
    landed = _answers(demo_url)
    again = importing.run(store, "responses", data, "answers.csv", as_admin("bulk-test"))
    assert again.counts == {"unchanged": again.rows}
    assert _answers(demo_url) == landed
    (key, was, now), *_ = landed["audit"]
    assert key.startswith(("CS_CSAT|", "NPS|")) and json.loads(now)["answers"] > 0


def test_one_changed_answer_replaces_only_its_month(demo_url):
    store = engine.create(demo_url)
    rows = [f"NPS,2026-11-{d:02d},{d % 11},web,\n" for d in range(1, 11)] + ["NPS,2026-09-01,5,web,\n"]
    importing.run(store, "responses", (HEADER + "".join(rows)).encode(), "a.csv", as_admin("bulk-test"))
    rows[0] = "NPS,2026-11-01,10,web,\n"
    summary = importing.run(
        store, "responses", (HEADER + "".join(rows)).encode(), "b.csv", as_admin("bulk-test")
    )
    assert summary.counts == {"replaced": 10, "unchanged": 1}


def test_a_neutralised_segment_lands_as_it_was_typed(demo_url):
    """A segment a download wrote as `'-none-` (for spreadsheets) is stored as `-none-`."""
    data = (HEADER + "NPS,2026-11-02,10,'-none-,web\n").encode()
    importing.run(engine.create(demo_url), "responses", data, "answers.csv", as_admin("bulk-test"))
    with engine.reading(engine.create(demo_url)) as conn:
        segments = set(
            conn.execute(sa.select(s.response.c.segment).where(s.response.c.touchpoint == "web")).scalars()
        )
    assert "-none-" in segments and "'-none-" not in segments
