"""Reusable pieces of pages: status badges, goal tiles, links into the cascade.

Every text goes through `t`; every number through `kpi.text.fmt`; every status through the palette,
so a colour always comes with its icon and word. What people typed (titles, names, commentary)
reaches Markdown only through `kpi.text.plain`, so it shows as typed.
"""

from __future__ import annotations

import contextvars
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi.domain import company_events, month_rows, months, outlook, samples, signals
from kpi.domain.company_events import Band, CompanyEvent
from kpi.domain.initiatives import Verdict
from kpi.domain.model import Action, Commentary, GoalStatus, Kpi, KpiStatus, MonthValue, Origin, Person
from kpi.domain.month_rows import GoalRow
from kpi.domain.signals import Reading
from kpi.output import sparkline
from kpi.text import fmt, i18n, palette, phrases, plain, words
from kpi.text.i18n import t

if TYPE_CHECKING:  # pages that show no table need not load pandas
    import pandas as pd
    from streamlit.elements.lib.column_types import ColumnConfig
    from streamlit.elements.lib.mutable_tab_container import TabContainer
    from streamlit.navigation.page import StreamlitPage
    from streamlit.runtime.uploaded_file_manager import UploadedFile

OVERVIEW_PAGE = "pages/overview.py"
CASCADE_PAGE = "pages/goal_cascade.py"
DEPARTMENTS_PAGE = "pages/departments.py"
T = TypeVar("T")


def badge(status: KpiStatus | GoalStatus) -> None:
    st.badge(palette.label(status), color=palette.look(status).streamlit)


def badge_markdown(status: KpiStatus | GoalStatus) -> str:
    """The badge as inline Markdown, for use inside sentences and table-like rows."""
    look = palette.look(status)
    return f":{look.streamlit}-badge[{palette.label(status)}]"


def goal_line(row: GoalRow) -> str:
    """A goal as one line of Markdown, as Departments and the cascade on a phone list it: its
    status badge, its title, its value (with the decimals that tell it from its target) and its
    target with its deadline: "✓ On track … — 30.3 h (target 24.0 h)" read as a broken promise
    marked on track (a CEO's trial); the target is for December, the month's step is on its way."""
    value, target = phrases.goal_figures(row)
    if row.goal.deadline is not None and row.goal.target is not None:
        target = t("attention.target_by", target=target, when=fmt.month_unbroken(row.goal.deadline))
    aim = t("departments.goal_target", target=target)
    return f"{badge_markdown(row.status)} **{plain.markdown(row.goal.title)}** — {value} ({aim})"


def status_badges(status: KpiStatus | GoalStatus, late: int | None, due: date, month: date) -> None:
    """The status badge, and beside it a "late" badge when the month's value is `late` days
    overdue (it was due by `due`), its tooltip saying by when and how late."""
    if late is None:
        badge(status)
        return
    flag, tip = late_badge(late, due, month)
    st.markdown(f"{badge_markdown(status)} {flag}", help=tip)


def late_badge(late: int, due: date, month: date) -> tuple[str, str]:
    """The "late" badge as inline Markdown, and its tooltip: by when `month`'s value was due and
    how many days late it is."""
    tip = t("widget.late_help", count=late, month=fmt.month_long(month), due=fmt.day(due))
    return attention_badge("late", t("widget.late")), tip


@dataclass(frozen=True)
class CardFacts:
    """What cards say besides the report: `kpi code → days late` of the overdue values, the
    day they were due, and where each value came from (`kpi code → Origin`)."""

    late: Mapping[str, int] = field(default_factory=dict)
    due: date | None = None
    origins: Mapping[str, Origin] = field(default_factory=dict)

    def late_for(self, code: str) -> tuple[int, date] | None:
        days = self.late.get(code)
        return (days, self.due) if days is not None and self.due is not None else None

    def origin_for(self, code: str, value: MonthValue | None) -> str:
        return origin_words(value, self.origins.get(code))


NO_CARD_FACTS = CardFacts()


def origin_words(value: MonthValue | None, origin: Origin | None) -> str:
    """Where the month's value came from and when it was loaded (`words.origin`), as plain text;
    empty without a value."""
    if value is None:
        return ""
    if value.n is not None:
        return words.origin("", None, value.n)
    return words.origin(origin.source, origin.loaded_at, note=origin.note) if origin is not None else ""


def attention_badge(kind: str, word: str) -> str:
    """An exception kind (`attention.Kind`) as inline badge Markdown: its colour, icon and word."""
    return f":{palette.attention_look(kind).streamlit}-badge[{palette.attention_label(kind, word)}]"


def value_note(
    value: MonthValue | None, unit: str, points: Sequence[MonthValue] = (), reading: Reading | None = None
) -> str:
    """A survey value's sample (`n = 23 answers, ± 25 — low confidence`), and with the KPI's
    `points` a line when its change since the month before is no news (`month_rows.change_noise`,
    with this month's `reading` for a measured KPI): the change beside the value is then shown
    grey, without an arrow, and this says why (a measured KPI's grey "+0.02 pts" said nothing)."""
    if value is None:
        return ""
    note = phrases.survey_sample(value, unit)
    before = month_before(points, value.month)
    noise = month_rows.change_noise(value, before, reading)
    month = fmt.month_name(months.add(value.month, -1))
    if before is not None and noise is None and value.n is None:  # a coloured change says why too
        if signals.large_step(reading, value.value - before.value):  # (a head's trial)
            return t("widget.change_large", month=month)
        if signals.crossed(reading, before.value, value.value):
            return t("widget.change_crossed", month=month)
    if noise is None or before is None or before.value == value.value:  # no change is none to doubt
        return note
    said = t(f"widget.change_{noise}", month=month)
    return "  \n".join(part for part in (note, said) if part)


def month_before(points: Sequence[MonthValue], month: date) -> MonthValue | None:
    """The value of the month before `month` among a KPI's `points`, if it has one."""
    return next((p for p in points if p.month == months.add(month, -1)), None)


def goal_link(code: str, label: str) -> None:
    st.page_link(
        _page(CASCADE_PAGE), label=label, query_params={"goal": code}, icon=":material/account_tree:"
    )


def overview_link(label: str) -> None:
    st.page_link(_page(OVERVIEW_PAGE), label=label, icon=":material/dashboard:")


def department_link(code: str, label: str) -> None:
    st.page_link(
        _page(DEPARTMENTS_PAGE), label=label, query_params={"department": code}, icon=":material/groups:"
    )


def _page(path: str) -> StreamlitPage | str:
    """The page at `path` (relative to app.py) as a page object, made once per process. Given a
    path, `st.page_link` resolves it on the disk and compares it with every page of the app on
    each call: 0.7 ms a link, and under load a wait for Python's lock after each of the
    file-system calls (the Overview's exceptions list has a link per item). Given the page it
    takes the page's address; it only reads the object, so every session may share it (unlike
    the pages handed to `st.navigation`, which mark the one to run). Outside a page's run the
    path itself (a page object needs the run to know where the app lives)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return path
    return _made_page(path)


@functools.cache
def _made_page(path: str) -> StreamlitPage:
    return st.Page(path)


P = ParamSpec("P")

_IN_FRAGMENT = contextvars.ContextVar("in_fragment", default=False)
"""Whether the code running draws inside one of our fragments (each run is its own thread's)."""


def fragment(body: Callable[P, None]) -> Callable[P, None]:
    """`st.fragment` in the reader's language. A click inside a fragment reruns it alone, and
    that run does not pass through frame.sidebar, which sets the language for a page's run: it
    would draw in English. So the language of the run that drew the fragment goes with its
    arguments, which Streamlit keeps for the fragment's own runs, and each run draws in it.

    A fragment drawn inside another is drawn as part of it instead, so a click in it reruns the
    outer one: Streamlit keeps a nested fragment's id only while every run of the outer one
    draws it again, and a click on a *Show more* in a folded list was now and then dropped
    (the list stayed as it was; about one browser test run in five)."""

    @functools.wraps(body)  # Streamlit tells fragments apart by their function's name
    def in_language(language: str, *args: P.args, **kwargs: P.kwargs) -> None:
        inside = _IN_FRAGMENT.set(True)
        try:
            with i18n.use(language):
                body(*args, **kwargs)
        finally:
            _IN_FRAGMENT.reset(inside)

    run: Callable[Concatenate[str, P], None] = st.fragment(in_language)

    @functools.wraps(body)
    def call(*args: P.args, **kwargs: P.kwargs) -> None:
        if _IN_FRAGMENT.get():
            body(*args, **kwargs)
        else:
            run(i18n.current(), *args, **kwargs)

    return call


PAGE_ROWS = 50
"""Rows of a long list drawn at first, and drawn more at each *Show more*: every list of the
demo fits in one page, so it is drawn whole; a large company's (a thousand attention items,
hundreds of departments owing values) would be thousands of elements, each its own message
the browser lays out, so the rest waits for a click."""


def paged(key: str, items: Sequence[T], draw: Callable[[Sequence[T]], None], page: int = PAGE_ROWS) -> None:
    """Draw `items` by `draw`, the first `page` of them, then a *Show more* button that draws
    `page` more: every item is reachable, and a click reruns only this list (a fragment; inside
    a folded section, the section). The number shown is kept under `key` for the session."""
    if len(items) <= page:  # the common case: no fragment, no button
        draw(items)
        return
    _paged_part(key, items, draw, page)


@fragment
def _paged_part(key: str, items: Sequence[T], draw: Callable[[Sequence[T]], None], page: int) -> None:
    shown = min(st.session_state.get(key, page), len(items))
    draw(items[:shown])
    if shown >= len(items):
        return
    st.caption(t("widget.shown_of", shown=fmt.number(shown), total=fmt.number(len(items))))
    st.button(
        t("widget.show_more", count=min(page, len(items) - shown)),
        key=f"{key}.more",
        on_click=_show,
        args=(key, shown + page),  # set before the fragment's rerun draws the list again
    )


def _show(key: str, count: int) -> None:
    st.session_state[key] = count


FOLD_KEY = "fold-"
"""Key prefix of the sections `folded` draws only while they are open (the tests that read a
whole page open them all by it)."""


def folded(
    key: str, label: str, draw: Callable[[], None], *, expanded: bool = False, icon: str | None = None
) -> None:
    """An expander whose content is made and sent only while it is open: a closed one costs the
    page one element instead of its whole content, which the browser would otherwise build and
    lay out unseen (a large company's Overview sent 279 text elements, most of them in its three
    closed lists, and the browser spent 1.4 s of script on them). Opening it runs `draw` alone
    (a fragment), not the page, so it shows what the page's run read, the rows its label
    counts; whether it is open is kept under `FOLD_KEY + key` for the session."""
    _folded_part(FOLD_KEY + key, label, draw, expanded, icon)


@fragment
def _folded_part(key: str, label: str, draw: Callable[[], None], expanded: bool, icon: str | None) -> None:
    box = st.expander(label, expanded=expanded, key=key, icon=icon, on_change="rerun")
    if box.open:
        with box:
            draw()


def kpi_help(kpi: Kpi) -> str:
    """The KPI's help text as Markdown: its definition and benchmark, each shown as written."""
    return "\n\n".join(plain.markdown(part) for part in words.kpi_help(kpi).split("\n\n"))


CLAMP_KEY = "clamp-"
"""Key prefix of the containers whose text `CLAMP_STYLE` holds to two lines."""

ROW_KEY = "row-link-"
"""Key prefix of a list's rows whose link stands at their right, and under them on a phone
(`CLAMP_STYLE`)."""

CLAMP_STYLE = """<style>
.stMarkdownBadge { white-space: normal !important; }
@media (max-width: 640px) {
  [class*="st-key-row-link-"] { flex-wrap: wrap !important; }
  [class*="st-key-row-link-"] > div:first-child { flex: 1 1 100% !important; }
}
[class*="st-key-clamp-"] { position: relative; padding-right: 1.4rem; }
[class*="st-key-clamp-"] .stElementContainer, [class*="st-key-clamp-"] label { position: static !important; }
[class*="st-key-clamp-"] span:has(.stTooltipIcon) { transform: none !important; }
[class*="st-key-clamp-"] .stTooltipIcon { position: absolute !important; right: 0; top: 0.3rem; }
@media (min-width: 640px) {  /* side by side; below, Streamlit stacks the cards */
  [class*="st-key-clamp-"] { flex: 0 0 3.2rem !important; height: 3.2rem !important; overflow: hidden; }
  [class*="st-key-clamp-"] [data-testid="stMarkdownContainer"] p {
    display: -webkit-box !important; -webkit-box-orient: vertical; -webkit-line-clamp: 2;
    line-clamp: 2; overflow: hidden; margin: 0; line-height: 1.6rem;
  }
}
</style>"""
"""Names on cards take two lines of room, wrapped or not, and a longer one ends in "…": so the
values of a row of cards stand on one line; a badge wraps rather than ending in "…" ("▲ Stadig
bedre end nor…" on a Danish card of four a row). On a phone the cards stack, so a name takes only
the room it needs there. The help icon (whose tooltip starts with the whole
name) stands at the block's top right, so a cut name never hides it. Constant CSS, never
people's text."""


def card_style() -> None:
    """Once per page with cards, before them: the style that clamps their names (`clamped`)."""
    st.html(CLAMP_STYLE)


PHONE_LIST_LIMIT = 60
"""Goals a phone's list (the goal cascade's, the SMART page's) shows at most: the demo's 36 whole;
a large company's thousands would be a page no thumb gets to the end of, so past this the list
names how many it left out and how to see them (the filters above)."""

SCREEN_STYLE = """<style>
[class*="st-key-phone-"] { display: none !important; }
@media (max-width: 640px) {  /* where Streamlit stacks columns */
  [class*="st-key-wide-"] { display: none !important; }
  [class*="st-key-phone-"] { display: flex !important; }
}
</style>"""
"""Containers keyed `wide-…` show on a screen and those keyed `phone-…` on a phone, so a page
can give a phone its own shape of a table instead of one column and a sideways scroll.
Constant CSS, never people's text."""


def screen_style() -> None:
    """Once per page that has `wide-`/`phone-` containers: the style that shows one of them."""
    st.html(SCREEN_STYLE)


PAIRS_KEY = "pairs-"
"""Key prefix of the containers whose columns stand two a row on a phone (`PAIRS_STYLE`)."""

PAIRS_STYLE = """<style>
@media (max-width: 640px) {  /* where Streamlit stacks columns, one a row */
  [class*="st-key-pairs-"] [data-testid="stColumn"] {
    min-width: calc(50% - 0.5rem) !important; flex: 0 0 calc(50% - 0.5rem) !important;
  }
  [class*="st-key-pairs-"] [data-testid="stMetricValue"] { font-size: 1.75rem; }
}
</style>"""
"""A row of small cards (a label and a number each) keeps two a row on a phone instead of one:
the SMART page's five counts took a whole phone screen. Constant CSS, never people's text."""


def in_pairs(name: str) -> DeltaGenerator:
    """A container, with its style, whose columns stand two a row on a phone: for cards that
    hold a label and a number, not for cards with a chart or sentences."""
    st.html(PAIRS_STYLE)
    return st.container(key=PAIRS_KEY + name)


UPLOAD_STYLE = """<style>
.st-key-{box} [data-testid="stFileUploaderDropzone"] button p {{ font-size: 0; }}
.st-key-{box} [data-testid="stFileUploaderDropzone"] button p::after {{ content: {button}; font-size: 0.875rem; }}
.st-key-{box} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
.st-key-{box} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: {limit}; font-size: 0.875rem; }}
</style>"""
"""The file uploader's own words (Streamlit writes "Upload" and "200MB per file • CSV" in
English whatever the page's language) hidden and ours shown in their place. Its words come from
the translations, as CSS strings (`css_string`), never from people's text."""


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: every character but letters, digits and spaces escaped by
    its code point, so nothing in it can end the string or the style element."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


INPUT_STYLE = """<style>
[data-testid="InputInstructions"] > span:first-child {{ font-size: 0; }}
[data-testid="InputInstructions"] > span:first-child::after {{ content: {apply}; font-size: 0.75rem; }}
[data-testid="stForm"] [data-testid="InputInstructions"] > span:first-child::after {{ content: {submit}; }}
[data-testid="stTextArea"] [data-testid="InputInstructions"] > span:first-child::after {{ content: {lines_apply}; }}
[data-testid="stForm"] [data-testid="stTextArea"] [data-testid="InputInstructions"] > span:first-child::after {{ content: {lines_submit}; }}
[role="listbox"][data-empty="true"] [role="option"] > span {{ font-size: 0; }}
[role="listbox"][data-empty="true"] [role="option"] > span::after {{ content: {no_results}; font-size: 0.875rem; }}
</style>"""
"""The hint under a text field being typed in (Streamlit's "Press Enter to submit form", in
English whatever the page's language) in the reader's language: its first part, before the
character count, is the hint in every field the app has (Streamlit leaves it out only in a form
whose first button is disabled or that Enter may not submit, and the app has neither). Ctrl+Enter
in a text area is true on a Mac too (Streamlit takes ⌘ or Ctrl). Also a picker's "No results"
when what was typed into it matches no choice."""


SIDEBAR_WIDTH = 272
"""Pixels of the sidebar on a laptop's screen (`ROOM_STYLE`), Streamlit's 300 elsewhere."""
SIDE_PADDING = 16
"""Pixels on each side of a page's content on a laptop's screen, Streamlit's 80 elsewhere."""
ROOMY = 1440
"""From this width of the window Streamlit's own sidebar and margins leave the pages their room."""

ROOM_STYLE = f"""<style>
@media (min-width: 641px) and (max-width: {ROOMY - 1}px) {{
  [data-testid="stMainBlockContainer"] {{
    padding-left: {SIDE_PADDING}px !important; padding-right: {SIDE_PADDING}px !important;
  }}
  section[data-testid="stSidebar"]:not([data-collapsed="true"]) {{
    width: {SIDEBAR_WIDTH}px !important; min-width: {SIDEBAR_WIDTH}px !important;
  }}
}}
</style>"""
"""A laptop's screen (1280 pixels) gives the pages 160 pixels less than a 1440-pixel one, not
320: Streamlit's sidebar and margins left 820 pixels of the 1280, and the goal cascade's table
(`cascade_view.TABLE_WIDTH`) hid its process verdicts off the right edge. The sidebar's words
and the month's picker fit 272 pixels in either language (the demo's banner too, its last word
whole). A collapsed sidebar takes no room (held at 272 pixels, it left Present's slide, whose
sidebar starts collapsed, a blank strip of that width at 1280). Constant CSS, never people's
text."""
STREAMLIT_SIDEBAR = 300
"""Pixels of Streamlit's own sidebar, from `ROOMY` on."""
STREAMLIT_PADDING = 80
"""Pixels of Streamlit's own margin on each side of a wide page's content, from `ROOMY` on."""


SCROLLBAR = 17
"""Pixels a classic scrollbar takes from a window's width (Windows' browsers; Linux and macOS
mostly draw theirs over the page): a window's width in a media query counts it."""


def window_for(content: int) -> int:
    """The narrowest browser window, its sidebar open and a classic scrollbar beside the page,
    that gives a page's content `content` pixels (`ROOM_STYLE` below `ROOMY`; Streamlit's own
    sidebar and margins from there)."""
    laptop = content + SIDEBAR_WIDTH + 2 * SIDE_PADDING + SCROLLBAR
    wide = content + STREAMLIT_SIDEBAR + 2 * STREAMLIT_PADDING + SCROLLBAR
    return laptop if laptop < ROOMY else max(ROOMY, wide)


def input_words() -> None:
    """Once per page, in the sidebar: the style that writes the typing hints and an empty
    picker's words in the reader's language (`INPUT_STYLE`), and the style that gives a laptop's
    screen its room (`ROOM_STYLE`), one element."""
    words = {
        name: css_string(t(f"inputs.{name}"))
        for name in ("apply", "submit", "lines_apply", "lines_submit", "no_results")
    }
    st.sidebar.html(INPUT_STYLE.format(**words) + ROOM_STYLE)


def file_uploader(
    label: str, types: Sequence[str], key: str, tip: str | None = None, limit_bytes: int | None = None
) -> UploadedFile | None:
    """Streamlit's file uploader for files of `types` (extensions) of at most `limit_bytes` (the
    server's limit when None), with the help `tip`; its button and limit in the reader's language
    (a limit under a megabyte in kB: the logo's 300 kB, where Streamlit could only say 1MB)."""
    box = "upload-" + "".join(c if c.isalnum() else "-" for c in key)
    allowed = limit_bytes or int(st.get_option("server.maxUploadSize")) * 1_000_000
    if allowed < 1_000_000:
        size = f"{fmt.number(allowed / 1000)}\u00a0kB"
    else:
        size = f"{fmt.number(allowed / 1_000_000)}\u00a0MB"
    limit = t("upload.limit", size=size, types=", ".join(kind.upper() for kind in types))
    # Streamlit's own limit stays the server's: a file over `limit_bytes` reaches the check that
    # refuses it in the reader's words. Held to 1 MB (the whole megabytes that hold 300 kB), a
    # 3 MB logo was refused in the browser in English, out of sight, and the form said "Saved."
    with st.container(key=box, gap=None):
        st.html(UPLOAD_STYLE.format(box=box, button=css_string(t("upload.button")), limit=css_string(limit)))
        return st.file_uploader(label, type=list(types), key=key, help=tip)


def clamped(text: str, key: str, tooltip: str) -> None:
    """`text` (Markdown, already escaped) held to two lines of room; the help tooltip starts
    with it whole, for a name that is cut short."""
    with st.container(key=f"{CLAMP_KEY}{key}", gap=None):
        st.markdown(text, help=tooltip)


def kpi_metric(
    kpi: Kpi,
    value: float | None,
    change: float | None,
    month: date,
    points: Sequence[MonthValue],
    key: str,
    origin: str = "",
    events: Sequence[CompanyEvent] = (),
    target: float | None = None,
    noise: samples.Noise | None = None,
) -> None:
    """A KPI's value with its change since last month and a sparkline, under its full name; shown
    beside a `target`, with the decimals that tell it from the target (`fmt.beside`); a survey
    score's change that sampling alone explains (`noise`, `samples.noise`) is no news: grey,
    without an arrow, the note under the value says so (`value_note`).

    The name stands on its own, in two lines of room (`clamped`): `st.metric`'s label is one line,
    cut off with "…" on a card a quarter of the page wide, and a name that wraps on one card and
    not on the next would put their values on different lines. The metric keeps the name as its
    hidden label, so screen readers still hear it. `key` tells the card from others on the page.
    The tooltip ends with where the value came from (`origin`, plain text: a file name is typed).
    The sparkline (the last `sparkline.MONTHS` of `points`, in the trend charts' neutral line
    colour) is an SVG image of a few hundred bytes, not a chart the browser must load a charting
    library for. It shades the months of the company `events` bearing on the KPI
    (kpi.domain.company_events), and a line under it names each event and its months in the
    band's colour: an image carries no tooltip of its own, and a printed page none.
    """
    name = plain.markdown(kpi.name)
    tip = [f"**{name}**", kpi_help(kpi), plain.markdown(origin) if origin else ""]
    clamped(f"**{name}**", key, "\n\n".join(part for part in tip if part))
    moved = fmt.shows_change(change, kpi.unit) and noise is None
    st.metric(
        plain.markdown(kpi.name),
        fmt.beside(value, target, kpi.unit, kpi.direction),
        delta=fmt.delta(change, kpi.unit) if change is not None else None,
        # no change (or one too small to show) is neither good nor bad: grey, without an arrow
        delta_color="off" if not moved else "normal" if kpi.direction == "higher" else "inverse",
        delta_arrow="off" if not moved else "auto",
        # the month alone: with its year, "ift. okt. 2026" beside "+1,7 point" was cut off on a
        # card a quarter of a 1280-pixel page wide ("ift. okt. 2…")
        delta_description=(
            t("widget.vs_month", month=fmt.month_name(months.add(month, -1))) if change is not None else None
        ),  # a company's first month has no month before it to be compared with ("vs Sept" alone)
        label_visibility="collapsed",
    )
    shown = points[-sparkline.MONTHS :]
    bands = company_events.bands(events, kpi.code, kpi.department, [p.month for p in shown])
    shades, named = spark_shades(bands, shown)
    line = sparkline.banded([p.value for p in shown], palette.SERIES["actual"], shades)
    if line:
        st.image(line, width="stretch")
    if named:
        st.caption("  \n".join(f":violet[▮] {plain.markdown(words)}" for words in named))


def spark_shades(
    bands: Sequence[Band], points: Sequence[MonthValue]
) -> tuple[list[sparkline.Shade], list[str]]:
    """Each band over the points of the months it covers, and what it stands for: the event and
    its months (`Payment platform outage · Sep 2026`, plain text); a band over none of them is
    left out."""
    shades, named = [], []
    for band in bands:
        covered = [n for n, p in enumerate(points) if band.first <= p.month <= band.last]
        if covered:
            shades.append(sparkline.Shade(covered[0], covered[-1]))
            first, last = fmt.month_unbroken(band.first), fmt.month_unbroken(band.last)
            named.append(
                t("widget.event_band", event=band.label, months=first if first == last else f"{first}–{last}")
            )
    return shades, named


SAID_LIMIT = 400
"""Characters of a comment a tile or card shows beside its number: a comment may hold 4,000, and
one that long made the Overview 4,000 pixels tall and a phone's Departments page 10,000 (a
trial); the whole stands under Commentary on the Departments page."""


def said_here(text: str) -> str:
    """`text`, or its first `SAID_LIMIT` characters ending in "…": cut at the last space or line
    break in their last fifth, else where the limit falls (a long address after a first word
    would otherwise leave that word alone)."""
    if len(text) <= SAID_LIMIT:
        return text
    cut = text[:SAID_LIMIT]
    spaces = [found.start() for found in re.finditer(r"\s", cut)]
    if spaces and spaces[-1] >= SAID_LIMIT * 4 // 5:
        cut = cut[: spaces[-1]]
    return cut.rstrip() + "…"


def say(comments: Sequence[Commentary]) -> None:
    """The explanations of a number, beside it: plain text, never Markdown or HTML; a long one
    shortened (`said_here`), saying where it stands whole."""
    for comment in comments:
        shown = said_here(comment.text)
        st.text(t("widget.quote", text=shown))  # quoted: every font has the marks
        if shown != comment.text:
            st.caption(t("widget.said_cut", length=fmt.number(len(comment.text))))


def goal_tile(
    row: GoalRow,
    points: Sequence[MonthValue],
    month: date,
    comments: Sequence[Commentary] = (),
    reading: Reading | None = None,
    late: tuple[int, date] | None = None,
    origin: str = "",
    events: Sequence[CompanyEvent] = (),
    since: date | None = None,
) -> None:
    """A headline tile: the goal, its status and its KPI's process verdicts (their limits drawn
    from the process change of `since`, `KpiRow.limits_since`), the KPI's value with
    trend (its months of the company `events` shaded), delta and target; `late`
    (days late, due by) flags a KPI whose value is overdue, and `origin` says where the value
    came from."""
    kpi = row.kpi
    with st.container(border=True):
        title = plain.markdown(row.goal.title)
        clamped(f"**{title}**", f"goal-{row.goal.code}", title)
        status_badges(row.status, late[0] if late else None, late[1] if late else month, month)
        why = phrases.goal_reason(row, month)
        if kpi is None:
            st.caption(why or t("widget.no_kpi"))
            return
        previous = month_before(points, month)
        delta = row.value.value - previous.value if row.value and previous else None
        value = row.value.value if row.value else None
        noise = month_rows.change_noise(row.value, previous, reading)
        # what varies in height (process verdicts, a reason) goes below the value, so the values
        # of a row of tiles stand on one line
        key = f"tile-{row.goal.code}"
        kpi_metric(kpi, value, delta, month, points, key, origin, events, row.goal.target, noise)
        still = phrases.against_signal(delta, kpi.unit, kpi.direction, reading, noise)
        process = phrases.process_verdict(reading, still)
        if process:  # a tile says a lasting change in the verdict's help: the goal's detail says it aloud
            st.markdown(process, help=phrases.verdict_help(reading, since))
        _tile_caption(row, points, month, why, reading)
        say([c for c in comments if c.goal == row.goal.code or (c.kpi and c.kpi == kpi.code)])


def _tile_caption(
    row: GoalRow, points: Sequence[MonthValue], month: date, why: str = "", reading: Reading | None = None
) -> None:
    """The tile's small print, one element (the browser pays per element): `why` (the status's
    reason) as a paragraph of its own, then target, gap, forecast, a year ago, the survey's base."""
    kpi = row.kpi
    assert kpi is not None
    parts = []
    if row.goal.target is not None:
        by = phrases.by_deadline(row.goal.deadline)
        parts.append(t("widget.target_by", target=fmt.value(row.goal.target, kpi.unit), by=by))
    if row.value and row.goal.target is not None:
        gap = row.value.value - row.goal.target
        parts.append(t("widget.vs_target", gap=phrases.versus_target(gap, kpi.unit, kpi.direction)))
    forecast = outlook.forecast(row, points, month)
    if forecast is not None:
        parts.append(
            t(
                "widget.forecast",
                value=phrases.forecast(
                    forecast,
                    row.goal.target,
                    kpi.unit,
                    kpi.direction,
                    row.status,
                    outlook.forecast_margin(row, points, month),
                ),
            )
        )
    elif (
        row.goal.deadline
        and months.first_of(row.goal.deadline) > month
        and outlook.too_uncertain(row, points, month)
    ):
        parts.append(t("widget.no_forecast"))  # the other tiles have one: say why this has none
    elif said := phrases.no_forecast_why(row, points, month):
        parts.append(said)
    year_ago = next((p for p in points if p.month == months.add(month, -12)), None)
    if row.value and year_ago:
        parts.append(
            t(
                "widget.year_ago",
                change=phrases.change(
                    row.value.value - year_ago.value,
                    kpi.unit,
                    kpi.direction,
                    year_ago.month,
                    noise=samples.noise(row.value, year_ago),
                ),
            )
        )
    note = value_note(row.value, kpi.unit, points, reading)
    if note:
        parts.append(note)
    st.caption("\n\n".join(filter(None, [why, "  \n".join(parts)])))


def initiative_line(action: Action, verdict: Verdict) -> str:
    """`Launch the one-page checkout, live 1 Nov 2025. Did it work: improvement signal after 2 months` as
    Markdown (the title as typed, escaped)."""
    live = t("initiative.live", day=fmt.day_unbroken(action.go_live)) if action.go_live else ""
    return t(
        "initiative.line",
        title=plain.markdown(action.title),
        live=live,
        verdict=phrases.verdict_words(verdict),
    )


def action_list(
    items: Sequence[Action],
    people: dict[str, Person],
    today: date,
    goal_titles: dict[str, str] | None = None,
    verdicts: Mapping[int, Verdict] | None = None,
) -> None:
    """Actions as "what (goal) — who, by when · status", those past their date on `today` flagged
    in words, and an initiative's verdict (kpi.domain.initiatives) after it."""
    if not items:  # a department's list (with its goals' titles) is about all of its goals
        st.caption(t("cascade.no_actions" if goal_titles is None else "departments.no_actions"))
    late = {a.id for a in outlook.overdue_on(items, today)}
    lines = []
    for a in items:
        owner = plain.markdown(people[a.owner].name) if a.owner in people else "–"
        goal = f" ({plain.markdown(goal_titles.get(a.goal, a.goal))})" if goal_titles is not None else ""
        flag = f" · :red[{t('cascade.late')}]" if a.id in late else ""
        # an action without a date says so: "— Mette Kjær, – · Planned" looked broken
        due = fmt.day_unbroken(a.due) if a.due else t("action.no_due")
        judged = (verdicts or {}).get(a.id)
        verdict = f"  \n{t('initiative.verdict', verdict=phrases.verdict_words(judged))}" if judged else ""
        lines.append(
            f"- **{plain.markdown(a.title)}**{goal} — {owner}, {due} · {t(f'action.{a.status}')}{flag}{verdict}"
        )
    if lines:  # one list, one element: the browser pays per element
        st.markdown("\n".join(lines))


def comment_list(
    items: Sequence[Commentary], people: dict[str, Person], subjects: dict[str, str] | None = None
) -> None:
    """Commentary as plain text in a box, with who wrote it for which month."""
    if not items:
        st.caption(t("cascade.no_commentary"))
    for c in items:
        author = people.get(c.author)
        with st.container(border=True):
            st.text(c.text)  # plain text: never rendered as Markdown or HTML
            subject = f"{plain.markdown(subjects.get(c.kpi or c.goal or '', ''))} · " if subjects else ""
            st.caption(
                f"{subject}{plain.markdown(author.name if author else c.author)} · {fmt.month_unbroken(c.month)}"
            )


def labels(looks: Mapping[str, palette.Look], **options: Any) -> ColumnConfig:
    """The column config of a table's column whose cells are labels in their look's colour
    (`looks`: every label the column may hold, and its look), each cell a list of its labels
    (`[label]`, none for an empty cell): Streamlit draws them as coloured chips from the column's
    config, with no styling of the cells. Styled with pandas instead, a 36-row table took 14-19 ms
    of CPU to draw against 2 ms, and the goal cascade's and SMART goals' tables were a quarter of
    the app's CPU under `make load` (docs/performance.md)."""
    return st.column_config.MultiselectColumn(
        options=list(looks), color=[look.colour for look in looks.values()], **options
    )


def dataframe(data: pd.DataFrame, **options: Any) -> object:
    """`st.dataframe` in pandas' Python string storage. Streamlit wrote every styled
    cell's text into a copy of the frame, a column at a time, and each such write into pandas'
    default strings (Arrow-backed) copies the column; in Python string storage it did not (no
    table is styled now: the Why page's were the last): the SMART goals page's run 0.058 -> 0.047 s of CPU on the demo, and a tenth of the app's
    CPU under `make load` was those writes."""
    import pandas as pd

    with pd.option_context("mode.string_storage", "python"):
        return st.dataframe(data, **options)


def tabs(titles: Sequence[str], *, key: str) -> Sequence[TabContainer]:
    """A row of tabs titled by the catalogue keys `titles`; opening one reruns the page, so only
    the open tab (`.open`) need run and be drawn. Streamlit keeps the open tab by its label, which
    changes with the language: it is kept by its catalogue key too, and a label of the language
    left behind is replaced by the same tab's label in the new one, so the tab stays open."""
    labels = [t(title) for title in titles]
    opened = f"{key}.opened"
    kept = st.session_state.get(opened)
    current = st.session_state.get(key)
    if current in labels:  # set anew: new labels make new tabs, which would open the first
        st.session_state[key] = current
    elif kept in titles:
        st.session_state[key] = labels[titles.index(kept)]
    shown = st.tabs(labels, key=key, on_change="rerun")
    for title, tab in zip(titles, shown, strict=True):
        if tab.open:
            st.session_state[opened] = title
    return shown


ALL = ""
"""The "all departments" choice: Streamlit shows a None option as "nothing chosen"."""


def department_filter(
    departments: dict[str, str], where: DeltaGenerator | None = None, *, whole: bool = True
) -> str | None:
    """The page's department filter, kept in the URL; None means all departments: every one of
    the company's where the reader reads them all (`whole`), else all of those they read ("All
    departments" over a head's own goals and the few hers serve read as the whole company)."""
    from kpi.ui import urlstate

    every = t("cascade.all_departments" if whole else "cascade.all_yours")
    other = urlstate.names_none_of("department", list(departments))  # another was shown, silently
    chosen = urlstate.selectbox(
        t("cascade.department"),
        [ALL, *departments],
        key="department",
        default=ALL,
        where=where,
        format_func=lambda c: departments.get(c, every),
    )
    if other:  # what the page shows: all, or the department chosen before in this session
        shown = (
            departments[chosen] if chosen else t("cascade.all_shown" if whole else "cascade.all_yours_shown")
        )
        st.info(t("cascade.department_not_read", shown=plain.markdown(shown)), icon=":material/info:")
    return chosen or None
