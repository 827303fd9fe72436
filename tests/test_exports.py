"""Meeting packs: the PPTX holds the deck, the PDF the same pages, each scoped to the viewer."""

import io
import json
import re
import zipfile
from datetime import date

from pptx import Presentation
from pypdf import PdfReader

from kpi import cli
from kpi.domain.access import EVERYTHING
from kpi.output import pdf_pack
from kpi.store import closing, decks, edits, engine, importing, monthly, queries
from kpi.text import fmt, i18n, phrases
from tests.test_edits import ADMIN

MONTH = "2026-10"


def export(url, tmp_path, *args, fmt_="pptx"):
    out = tmp_path / f"pack.{fmt_}"
    assert (
        cli.main(["--db", url, *args, "export", "--month", MONTH, "--format", fmt_, "--out", str(out)]) == 0
    )
    return out


def all_text(path):
    """Every text in a PPTX: titles, text boxes, table cells, chart titles and categories."""
    texts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart and shape.chart.has_title:
                texts.append(shape.chart.chart_title.text_frame.text)
                texts += [str(c) for c in shape.chart.plots[0].categories]
    return "\n".join(texts)


def titles(path):
    return [slide.shapes[0].text_frame.text for slide in Presentation(str(path)).slides]


def october(url, language="en"):
    """The month's deck and report for an executive, as the store builds them."""
    month = date(2026, 10, 1)
    with engine.reading(engine.create(url)) as conn:
        return decks.slides(conn, EVERYTHING, month, language), monthly.month_report(
            conn, EVERYTHING, month, language
        )


def test_the_pack_holds_the_meeting(demo_url, tmp_path):
    path = export(demo_url, tmp_path)
    names = titles(path)
    assert names[0] == "Customer experience — October 2026"
    assert names[1:3] == ["The month at a glance: October 2026", "Strategic goals"]
    assert names[3:7] == [
        "More customers recommend us",
        "Customers find us effortless to deal with",
        "Fewer customers leave us",
        "Business customers recommend us",
    ]
    assert names[7].startswith("Needs attention") and "Service priorities" in names
    departments = [name for name in names if name.startswith(("Executive board", "Customer service"))]
    assert departments[0].startswith("Executive board")  # the board first
    assert names.index(departments[0]) == names.index("Service priorities") + 1 and "Actions due" in names
    rest = names[names.index("Actions due") + 1 :]  # the list's rest ends the pack
    assert rest and all(name.startswith("Appendix: the rest of what needs attention") for name in rest)
    slides, _ = october(demo_url)
    assert names == [slide.title for slide in slides]  # one page per slide of the deck, in order


def test_the_strategic_slide_agrees_with_status_json(demo_duckdb_url, tmp_path, capsys):
    path = export(demo_duckdb_url, tmp_path)
    capsys.readouterr()
    assert cli.main(["--db", demo_duckdb_url, "status", "--month", MONTH, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    slide = next(
        s for s in Presentation(str(path)).slides if s.shapes[0].text_frame.text == "Strategic goals"
    )
    table = next(s for s in slide.shapes if s.has_table).table
    rows = {
        r.cells[0].text: (
            r.cells[1].text,
            *(p.text.replace("\xa0", " ").strip() for p in r.cells[3].text_frame.paragraphs),
        )
        for r in list(table.rows)[1:]
    }
    kpis = {k["code"]: k for k in status["kpis"]}
    words = {
        "on_track": "✓ On track",
        "off_track": "✕ Off track",
        "at_risk": "! At risk",
        "achieved": "★ Achieved",
    }
    process = {
        "common_cause": "~ Usual variation",
        "improvement": "▲ Better than usual",
        "concern": "▼ Worse than usual",
        "consistently_passing": "● Consistently passing",
        "hit_and_miss": "± Hit and miss",
        "consistently_failing": "○ Consistently failing",
    }
    with engine.reading(engine.create(demo_duckdb_url)) as conn:  # a month against its signal: "Still …"
        built = monthly.month_report(conn, EVERYTHING, date.fromisoformat(f"{MONTH}-01"), "en")
    still = {"improvement": "▲ Still better than usual", "concern": "▼ Still worse than usual"}
    judged = 0
    for goal in (g for g in status["goals"] if g["level"] == "strategic"):
        kpi = kpis[goal["kpi"]]
        verdicts = [process[v] for v in (kpi["variation"], kpi["assurance"]) if v is not None]
        if verdicts and phrases.went_against(built.kpis[goal["kpi"]]):
            verdicts[0] = still[kpi["variation"]]
        shown = (fmt.value(goal["value"], kpi["unit"]), words[goal["status"]])
        assert rows[goal["title"]] == (*shown, *(["   ".join(verdicts)] if verdicts else []))
        judged += bool(verdicts)
    assert judged  # the demo's strategic KPIs have history enough for their process verdicts


def test_a_department_heads_pack_names_no_other_department(demo_duckdb_url, tmp_path):
    path = export(demo_duckdb_url, tmp_path, "--as", "henrik.juul@havnhjem.example")
    text = all_text(path)
    assert "IT operations" in text and "Server downtime" in text
    served, their_kpis = {"T3", "S2"}, {"ECOM_CES", "CES"}  # line of sight: what IT's O9 and O10 serve
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        others = [
            k.name
            for k in queries.kpis(conn, EVERYTHING)
            if k.department != "IT" and k.code not in their_kpis
        ]
        others += [
            g.title for g in queries.goals(conn, EVERYTHING) if g.department != "IT" and g.code not in served
        ]
        others += [d.name for d in queries.departments(conn, EVERYTHING) if d.code != "IT"]
    assert [name for name in others if name in text] == []


def test_the_pdf_has_the_same_pages_and_opens_in_a_real_office_suite(demo_duckdb_url, tmp_path):
    """In Danish: LibreOffice wrote a Danish pack's chart axes with decimal points (`5.2`), by its
    own locale, and python-pptx's template marked every text of the pack as English."""
    assert pdf_pack.soffice(), "LibreOffice is missing: make test installs it (Debian: libreoffice-impress)"
    pptx = export(demo_duckdb_url, tmp_path, "--lang", "da")
    pdf = export(demo_duckdb_url, tmp_path, "--lang", "da", fmt_="pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    slides, _ = october(demo_duckdb_url, "da")
    assert pages == len(Presentation(str(pptx)).slides) == len(slides)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    ticks = re.findall(r"(?m)^\d[.,]\d$", text)  # an axis's decimal ticks, each on a line of its own
    assert ticks and all("," in tick for tick in ticks), ticks
    with zipfile.ZipFile(pptx) as package:
        xml = " ".join(package.read(name).decode() for name in package.namelist() if name.endswith(".xml"))
    assert set(re.findall(r'\blang="([^"]+)"', xml)) == {"da-DK"}
    runs = re.findall(r"<a:(?:r|fld)\b[^>]*>(?:<a:rPr\b[^>]*>)?", xml)  # each run and what opens it
    assert len(runs) > 500 and [run for run in runs if 'lang="da-DK"' not in run] == []


def test_a_closed_month_stays_as_closed_in_the_pack(demo_duckdb_url, tmp_path):
    store = engine.create(demo_duckdb_url)
    _, report = october(demo_duckdb_url)
    closed = fmt.value(report.kpis["CS_WAIT"].value.value, "s")
    with engine.writing(store) as conn:
        closing.close(conn, ADMIN, date(2026, 10, 1))
    importing.run(store, "measurements", b"kpi;month;value\nCS_WAIT;2026-10;99\n", "late.csv", ADMIN)
    text = all_text(export(demo_duckdb_url, tmp_path))
    assert f"Closed on {fmt.day(date.today())} by Sofie Dahl: the numbers as the meeting sees them." in text
    assert closed in text and f"Revised after close: {closed} → {fmt.value(99, 's')}" in text
    with engine.reading(store) as conn:
        audit = queries.audit(conn, tables=["measurement"], key="CS_WAIT|2026-10")
    assert '"value": 99.0' in audit[0]["after"]


def test_commentary_is_text_in_the_slides(demo_duckdb_url, tmp_path):
    with engine.writing(engine.create(demo_duckdb_url)) as conn:
        edits.add_commentary(
            conn, ADMIN, month=date(2026, 10, 1), goal="S1", text="<script>alert(1)</script> on course"
        )
    assert "<script>alert(1)</script> on course" in all_text(export(demo_duckdb_url, tmp_path))


def test_a_danish_pack_speaks_danish(demo_duckdb_url, tmp_path):
    text = all_text(export(demo_duckdb_url, tmp_path, "--lang", "da"))
    assert "Kundeoplevelse — oktober 2026" in text and "Strategiske mål" in text
    assert "okt. 2026" in text and "sep. 2026" in text  # month names on the chart axis
    _, report = october(demo_duckdb_url)
    with i18n.use("da"):
        promise = fmt.value(report.kpis["PROMISE"].value.value, "%")
    assert "," in promise and promise in text  # decimal comma
    assert "✓\xa0På\xa0sporet" in text  # Danish words, held on one line by no-break spaces
    with i18n.use("en"):
        assert "October" not in text
