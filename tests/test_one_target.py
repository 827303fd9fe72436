"""One target per number per month: every page, slide, pack and the JSON show a KPI's month with
the same target (issue 15). Each surface is read as a person reads it, the KPI found by its name
beside the target, and the figures are compared with one another and with the month report."""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from datetime import date

from pptx import Presentation
from streamlit.testing.v1 import AppTest

from kpi import cli
from kpi.domain.access import EVERYTHING
from kpi.output import pptx_pack
from kpi.store import decks, engine, monthly, queries
from kpi.text import fmt, plain
from kpi.text.i18n import t
from tests.conftest import APP_TIMEOUT, ROOT, point_app_at
from tests.visible import normalise

MONTH = date(2026, 10, 1)
ITEM = re.compile(r"\*\*(?P<subject>.+?)\*\* · (?P<value>.+?) \(target (?P<target>.+?)\)")
"""An exception on the Overview: `badge **subject** · value (target X)` (`overview.item_numbers`)."""


def _number(text: str) -> str:
    """`92 s (2026 target, phased)`, `92 s this month` → `92 s`: the figure, without what kind of
    target it is or when it holds (`attention.target_now`)."""
    return re.sub(r" \([^()]*\)$| this month$", "", text.strip())


def _in_order(at) -> list[tuple[str, str]]:
    """(kind, text) of every Markdown and caption element, in the order the page draws them."""
    found: list[tuple[str, str]] = []

    def visit(node) -> None:
        kind = getattr(node, "type", "")
        if kind in ("markdown", "caption") and isinstance(getattr(node, "value", None), str):
            found.append((kind, node.value))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return found


class Shown:
    """Targets seen, by KPI name: `name → {target text → where}`."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.escaped = {plain.markdown(n): n for n in names}
        self.seen: dict[str, dict[str, str]] = defaultdict(dict)
        self.places: set[str] = set()

    def add(self, label: str, target: str, where: str, *, markdown: bool = False) -> None:
        name = self.escaped.get(label) if markdown else (label if label in self.names else None)
        if name is not None and target.strip() not in ("", "–"):
            self.seen[name].setdefault(_number(normalise(target)), where)
            self.places.add(where.split(" ")[0])


def _departments_page(at, shown: Shown, code: str) -> None:
    current = None
    prefix = t("departments.target", target="")
    for kind, text in _in_order(at):
        if kind == "markdown" and text.startswith("**") and text.endswith("**"):
            current = text[2:-2]
        elif kind == "caption" and current and text.startswith(prefix):
            shown.add(
                current, text.split("  \n")[0].removeprefix(prefix), f"departments {code}", markdown=True
            )
            current = None


def _overview(at, shown: Shown) -> None:
    for kind, text in _in_order(at):
        for found in ITEM.finditer(text) if kind == "markdown" else ():
            shown.add(found["subject"], found["target"], "overview", markdown=True)


def _slide(at, shown: Shown, number: int) -> None:
    label = None
    for kind, text in _in_order(at):
        if kind == "markdown" and text.startswith("**") and text.endswith("**") and text.count("**") == 2:
            label = text[2:-2]  # a line's name, in bold on its own
        elif kind == "markdown" and label and (found := re.search(r"target (.+?)(?: · |  \n|$)", text)):
            shown.add(label, found[1], f"present slide {number}", markdown=True)
            label = None


def _pack(shown: Shown, data: bytes) -> None:
    for number, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        for shape in slide.shapes:
            if shape.has_table and len(shape.table.columns) == 5:  # what, value, target, status, note
                for row in list(shape.table.rows)[1:]:
                    label = row.cells[0].text
                    label = label.split(": ", 1)[1] if ": " in label else label
                    shown.add(label, row.cells[2].text, f"pack slide {number}")


def test_no_page_slide_pack_or_json_shows_two_targets_for_one_kpi_and_month(
    demo_duckdb_url, monkeypatch, capsys
):
    with engine.reading(engine.create(demo_duckdb_url)) as conn:
        report = monthly.month_report(conn, EVERYTHING, MONTH, "en")
        slides = decks.slides(conn, EVERYTHING, MONTH, "en")
        departments = [d.code for d in queries.departments(conn, EVERYTHING, "en")]
    names = {row.kpi.name: row for row in report.kpis.values()}
    shown = Shown(set(names))

    assert cli.main(["--db", demo_duckdb_url, "status", "--month", f"{MONTH:%Y-%m}", "--json"]) == 0
    for kpi in json.loads(capsys.readouterr().out)["kpis"]:
        shown.add(
            kpi["name"], fmt.value(kpi["target"], kpi["unit"]) if kpi["target"] is not None else "", "json"
        )
    _pack(shown, pptx_pack.render(slides, "x"))

    point_app_at(monkeypatch, demo_duckdb_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.query_params["month"] = f"{MONTH:%Y-%m}"
    at.run()
    assert not at.exception
    _overview(at, shown)
    for code in departments:
        at.switch_page("pages/departments.py")
        at.query_params["department"] = code
        at.run()
        assert not at.exception, code
        _departments_page(at, shown, code)
    at.switch_page("pages/present.py").run()
    for number in range(1, len(slides) + 1):
        _slide(at, shown, number)
        if number < len(slides):
            at.button(key="present.next").click().run()
            assert not at.exception, number

    assert shown.places == {"json", "pack", "overview", "departments", "present"}  # every surface was read
    assert all(len(targets) == 1 for targets in shown.seen.values()), {
        name: targets for name, targets in shown.seen.items() if len(targets) > 1
    }
    for name, targets in shown.seen.items():
        target = names[name].target
        assert set(targets) == {normalise(fmt.value(target.value if target else None, names[name].kpi.unit))}
    assert len(shown.seen) == len([row for row in report.kpis.values() if row.target is not None])
