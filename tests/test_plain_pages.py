"""Hostile words in a store reach every page, slide and pack as text, never as links or markup.

A copy of the demo store gets names, titles, definitions, promises, priorities, actions,
commentary and a company name that are Markdown and HTML: links, images, tags, a heading, emphasis,
code, a table cell, a colour directive, bare web and e-mail addresses. Every page is rendered
(every slide of Present too), and every text Streamlit would read as Markdown is parsed the way a
CommonMark renderer would: it must hold no link, image, HTML, code or emphasis, and show the
hostile words in full. Chart titles must show tags as text; the PPTX pack must hold the words
exactly as typed. DuckDB only: what a page shows of a text does not depend on the backend.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from markdown_it import MarkdownIt

from kpi.store import company as company_settings
from kpi.store import engine
from kpi.store import schema as s
from kpi.text import plain
from tests.conftest import ROOT, reads_only
from tests.sharing import shared_copy
from tests.test_exports import all_text, export

pytestmark = pytest.mark.reads_only  # every test reads the one hostile copy; checked at the end
ADMIN = "sofie.dahl@havnhjem.example"
HEAD = "camilla.berg@havnhjem.example"  # heads Customer service: sees the commentary form
HOSTILE = (
    "[link](https://evil.example/a) ![img](https://evil.example/i.png) <b>bold</b> <script>x</script> "
    "*em* `code` a|b :violet[violet] www.evil.example boss@evil.example"
)
MARKUP_TOKENS = {
    "link_open",
    "image",
    "html_inline",
    "html_block",
    "code_inline",
    "code_block",
    "fence",
    "em_open",
    "s_open",
    "table_open",
    "ordered_list_open",
    "blockquote_open",
}
STREAMLIT_AFTER_PARSING = re.compile(r"(?i)https?:|www\.|\w@\w|:violet\[")
"""Bare addresses Streamlit links after parsing, and the hostile colour directive."""
MARKDOWN_FIELDS = {"body", "label", "help", "text", "placeholder"}
PLAIN_TYPES = {"text", "code", "json"}
COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
PAGE_QUERIES = {"goal_cascade": {"goal": "S2"}, "departments": {"department": "CS"}}
"""What each page opens on: a goal with sub-goals, actions and commentary; a department."""


def hostile(kind: str, column: sa.ColumnElement) -> sa.ColumnElement:
    """`# goal S2 [link](…) …`: the row's own key keeps each text findable."""
    return sa.literal(f"# {kind} ") + column + sa.literal(f" {HOSTILE}")


def hostile_text(kind: str, key: str) -> str:
    return f"# {kind} {key} {HOSTILE}"


def make_hostile(url: str) -> None:
    """Make every text people type in the store at `url` hostile (and drop the translations)."""
    store = engine.create(url)
    with engine.writing(store) as conn:
        for table, column, key in [
            (s.department, "name", "code"),
            (s.person, "name", "email"),
            (s.kpi, "name", "code"),
            (s.kpi, "definition", "code"),
            (s.goal, "title", "code"),
            (s.goal, "description", "code"),
            (s.promise, "text", "code"),
            (s.service_priority, "text", "code"),
            (s.action, "title", "id"),
            (s.commentary, "text", "id"),
        ]:
            keyed = sa.cast(table.c[key], sa.String)
            conn.execute(sa.update(table).values({column: hostile(table.name, keyed)}))
        conn.execute(sa.delete(s.translation))
        named = s.setting.c.name == company_settings.NAME
        conn.execute(sa.update(s.setting).where(named).values(value=hostile_text("company", "Havnhjem")))
    store.dispose()


@pytest.fixture(params=["duckdb"])
def app_url(request) -> str:
    """The demo store, with every text people type made hostile (and no translations). Every
    test here only reads it (`reads_only`, checked at the module's end), so they share the
    process's one hostile copy and the app's warm caches instead of each making its own."""
    if reads_only(request):
        return shared_copy(request, "duckdb", prepare=make_hostile, variant="hostile")
    url = request.getfixturevalue("demo_duckdb_url")
    make_hostile(url)
    return url


def nodes_with_text(at) -> Iterator[tuple[str, str, str]]:
    """(element type, field, text) for every string in every element and block of the page."""
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            for field, text in _strings(proto):
                yield node.type, field, text


def _strings(proto) -> Iterator[tuple[str, str]]:
    for descriptor, value in proto.ListFields():
        values = value if descriptor.is_repeated else [value]
        for item in values:
            if isinstance(item, str):
                yield descriptor.name, item
            elif hasattr(item, "ListFields"):
                yield from _strings(item)


def seen(markdown: str) -> str:
    """What a reader sees of Markdown: its text, tags and joiners removed."""
    rendered = COMMONMARK.render(markdown).replace(plain.WORD_JOINER, "")
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def markup_in(markdown: str) -> list[str]:
    """The links, images, HTML, code and emphasis a renderer would make of `markdown`."""
    blocks = COMMONMARK.parse(markdown)
    tokens = [*blocks, *(token for block in blocks for token in block.children or [])]
    return [t.type for t in tokens if t.type in MARKUP_TOKENS] + STREAMLIT_AFTER_PARSING.findall(markdown)


def check_page(at, where: str) -> str:
    """Assert no hostile text is read as markup on the page; returns all the page shows."""
    assert not at.exception, (where, at.exception)
    shown = []
    for kind, field, text in nodes_with_text(at):
        if kind == "echarts_chart" and field == "spec":
            shown.append(echarts_text(json.loads(text), where))
        elif kind in PLAIN_TYPES or field not in MARKDOWN_FIELDS:
            shown.append(text)
        elif "evil" in text:
            assert markup_in(text) == [], (where, kind, field, text)
            assert HOSTILE in seen(text), (where, kind, field, text)
            shown.append(seen(text))
    return "\n".join(shown)


def echarts_text(chart: dict, where: str) -> str:
    """What a trend shows as text (its title, legend and labels, drawn on a canvas as typed); no
    hover has a template of its own, so ECharts' default hover escapes what it names."""
    tooltips = [chart.get("tooltip", {}), *(s.get("tooltip", {}) for s in chart["series"])]
    assert all("formatter" not in tip for tip in tooltips), where
    labels = [s["label"]["formatter"] for s in chart["series"] if "formatter" in s.get("label", {})]
    assert all("{" not in label for label in labels if label != "{@[2]}"), (where, labels)  # no placeholder
    return "\n".join([chart["title"]["text"], *(s.get("name", "") for s in chart["series"]), *labels])


def open_page(app, page: str, viewer: str = ADMIN):
    at = app(month="2026-10", **{"as": viewer})  # opened at its own address, as a link opens it
    at.switch_page(f"pages/{page}.py")
    for key, value in PAGE_QUERIES.get(page, {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("page", sorted(p.stem for p in (ROOT / "pages").glob("*.py")))
def test_every_page_shows_typed_markup_as_text(app, page):
    shown = check_page(open_page(app, page), page)
    assert hostile_text("person", ADMIN) in shown  # the sidebar names the viewer
    assert shown.count(HOSTILE) > 1


def test_the_pages_show_each_kind_of_text_as_typed(app):
    overview = check_page(open_page(app, "overview"), "overview")
    assert hostile_text("goal", "S1") in overview and hostile_text("kpi", "NPS") in overview
    assert hostile_text("promise", "P1") in overview
    cascade = check_page(open_page(app, "goal_cascade"), "goal_cascade")
    for kind, key in [("goal", "S2"), ("kpi", "CES"), ("person", "jonas.lund@havnhjem.example")]:
        assert hostile_text(kind, key) in cascade, (kind, key)
    department = check_page(open_page(app, "departments", HEAD), "departments")
    for kind, key in [("department", "CS"), ("kpi", "CS_WAIT"), ("person", HEAD)]:
        assert hostile_text(kind, key) in department, (kind, key)
    assert "# service_priority " in department and "# action " in department
    assert "# commentary " in department


def test_every_slide_shows_typed_markup_as_text(app):
    at = open_page(app, "present")
    count = len(next(s for s in at.selectbox if s.key and s.key.startswith("present.jump")).options)
    shown = []
    for number in range(1, count + 1):
        at.query_params["slide"] = str(number)
        shown.append(check_page(at.run(), f"slide {number}"))
    deck = "\n".join(shown)
    assert hostile_text("company", "Havnhjem") in deck
    for kind in ("goal", "department", "action", "person", "commentary"):
        assert f"# {kind} " in deck, kind


def test_the_pack_holds_typed_markup_as_typed(app_url, tmp_path):
    text = all_text(export(app_url, tmp_path))
    assert hostile_text("company", "Havnhjem") in text
    assert hostile_text("goal", "S1") in text and hostile_text("department", "CS") in text
    assert "\\[" not in text and "&lt;" not in text  # nothing escaped
    typed = [line for line in text.splitlines() if HOSTILE.split()[0] in line or line.startswith("# ")]
    assert typed and not [line for line in typed if plain.WORD_JOINER in line]  # ranges may join their dash


def test_the_hostile_texts_are_in_place(app_url):
    """The fixture did what the tests above rely on (a silent no-op would make them pass)."""
    with engine.reading(engine.create(app_url)) as conn:
        titles = conn.execute(sa.select(s.goal.c.title)).scalars().all()
        company = company_settings.read(conn).name
    assert titles and all(t.endswith(HOSTILE) for t in titles)
    assert company == hostile_text("company", "Havnhjem")


def test_an_uploaded_file_name_shows_as_typed(app):
    at = open_page(app, "data")
    at.selectbox(key="data.import.kind").set_value("measurements").run()
    sample = (ROOT / "data" / "samples" / "measurements.csv").read_bytes()
    at.file_uploader(key="data.import.file.measurements").upload(f"{HOSTILE}.csv", sample, "text/csv").run()
    confirm = next(b for b in at.button if b.key == "data.import.confirm")
    assert markup_in(confirm.label) == [] and HOSTILE in seen(confirm.label)
    check_page(at, "data, a file uploaded")


def numbered_lists(at) -> list[str]:
    """The texts of the page a Markdown renderer would draw as a numbered list."""
    return [
        text
        for kind, field, text in nodes_with_text(at)
        if kind not in PLAIN_TYPES
        and field in MARKDOWN_FIELDS
        and any(token.type == "ordered_list_open" for token in COMMONMARK.parse(text))
    ]


@pytest.mark.parametrize("page", sorted(p.stem for p in (ROOT / "pages").glob("*.py")))
def test_no_line_reads_as_a_numbered_list_in_danish(app, page):
    """A Danish date begins with its day and a full stop ("30. nov. 2026 · score 10"): at the
    start of a text shown as Markdown it was a numbered list's first item, "30." drawn apart in
    the margin (the customers' own words, each comment under its date). Every page and every tab
    of *Why it moved*, in Danish."""
    from kpi.text import i18n
    from tests.sharing import open_why_tab

    at = app(month="2026-10", lang="da", **{"as": ADMIN})
    at.switch_page(f"pages/{page}.py")
    opened = [at.run()]
    if page == "why":
        with i18n.use("da"):
            opened += [open_why_tab(at, title) for title in ("why.tab_drivers", "why.tab_words")]
    for shown in opened:
        assert not shown.exception, (page, shown.exception)
        assert numbered_lists(shown) == [], page
