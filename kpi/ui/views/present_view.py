"""The Present page: one slide of the meeting deck at a time, sized to a 16:9 screen.

The slides are kpi.output.deck's, the same the PPTX and PDF packs hold, and already cut to what
fits one screen (kpi.output.slide.paginate). A slide's texts are plain (titles, names and
commentary people typed among them): commentary is shown with st.text, and every other text
reaches Markdown through kpi.text.plain, never as Markdown or HTML.

The keys (→, PageDown, space: next; ←, PageUp: back; F: full screen, Esc leaves it) click the
page's own buttons, so the slide number stays in the address; they do nothing while a person
types in a field. The script and style are constants: no text of a person's reaches them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from kpi.domain import attention, validate
from kpi.domain.access import Scope
from kpi.domain.drivers import Analysis
from kpi.output import charts, deck, driver_chart, driver_slide, pdf_pack, sparkline, speaker
from kpi.text import i18n, palette, phrases, plain
from kpi.text.i18n import t
from kpi.ui import figures, notices, widgets

CHART_HEIGHT = 330
DRIVERS_HEIGHT = 420
"""The driver chart's pixels: its quadrants need more height than a trend, and its slide has no
comments under it (at 330 its plot was a strip 130 pixels tall)."""

STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.6rem !important; padding-bottom: 0.5rem !important; }
body.present-full [data-testid="stMainBlockContainer"] { padding-top: 1rem !important; }
body.present-full [data-testid="stSidebar"], body.present-full [data-testid="stHeader"],
body.present-full [data-testid="stSidebarCollapsedControl"], body.present-full [data-testid="stToolbar"],
body.present-full [data-testid="stDecoration"] { display: none !important; }
body.present-full .st-key-present-toolbar { opacity: 0; transition: opacity 0.2s; }
body.present-full .st-key-present-toolbar:hover, body.present-full .st-key-present-toolbar:has(:focus-visible) { opacity: 1; }
.st-key-present-toolbar [data-testid="stElementContainer"] { max-width: 100%; }
.st-key-present-keys { position: absolute; width: 1px; height: 1px; overflow: hidden; }
.st-key-present-foot { display: none !important; }
@media (max-width: 640px) { .st-key-present-foot { display: flex !important; padding-top: 1rem; } }
.st-key-present-cover { padding: 14vh 0 0 2rem; border-left: 0.6rem solid #1F4E79; }
.st-key-present-cover h1 { font-size: min(3rem, 8vw) !important; }
.st-key-present-cover h2 { font-size: min(2.25rem, 6vw) !important; }
@media (max-width: 640px) { .st-key-present-cover { padding: 6vh 0 0 1rem; } }
.st-key-present-cover [data-testid="stText"] { font-size: 1.2rem; color: #555; }
.st-key-present-slide h1 { font-size: min(2.1rem, 7vw); padding: 0.2rem 0 0.4rem 0; }
.st-key-present-slide h3 { font-size: 1.5rem; padding: 0; }
.st-key-present-slide p { font-size: 1.15rem; margin-bottom: 0; }
[class*="st-key-present-row-airy"] { padding-bottom: 0.5rem; }
@media (max-width: 640px) {  /* a phone stacks a row's columns: a rule between rows keeps them apart */
  [class*="st-key-present-row-"] { padding-bottom: 0.8rem; border-bottom: 1px solid #E4E4E4; }
  /* a wrapped subtitle ran into the first row; at a screen's size a goal's took five lines of a
     phone before its chart */
  .st-key-present-slide h3 { padding-bottom: 0.6rem; font-size: 1.15rem; line-height: 1.35; }
}
[class*="st-key-present-clamp"] p {
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: NOTE_LINES; overflow: hidden;
  font-size: 1rem !important; line-height: 1.4;
}
[class*="st-key-present-also"] p {
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: NOTE_LINES; overflow: hidden;
  font-size: 0.9rem !important; line-height: 1.3; color: #555;
}
[class*="st-key-present-note"] [data-testid="stText"] {
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: COMMENT_LINES; overflow: hidden;
  font-size: 1.05rem; white-space: normal;
}
@media (max-width: 640px) {  /* a phone scrolls the slide, so its words are whole there */
  [class*="st-key-present-clamp"] p, [class*="st-key-present-also"] p,
  [class*="st-key-present-note"] [data-testid="stText"] {
    display: block; -webkit-line-clamp: none; line-clamp: none; overflow: visible;
  }
}
</style>""".replace("NOTE_LINES", str(deck.NOTE_LINES)).replace("COMMENT_LINES", str(deck.COMMENT_LINES))
"""The slide's room: less padding than a page (Streamlit keeps 10 rem under it), tighter type;
in full screen the sidebar and header go, and the toolbar shows only under the pointer or the
keyboard's focus (the room saw Back, Next and the handouts on every slide), keeping its room so
the slide does not move when it shows. A comment takes two lines at most (the pack's speaker
notes hold it whole), a line's note four (`deck.NOTE_LINES`: the slides' pagination counts them), on a screen: a phone, which scrolls the slide, shows
them whole (a strategic goal's note ended "…som sigter længere end denn…" at 390 pixels).
Titles shrink with a phone's width, so a long Danish word ("Kundeoplevelse") is not broken
inside."""

KEYS = """<script>
(() => {
  const win = window.parent, doc = win.document;
  if (doc.getElementById("present-keys")) return;
  const code = doc.createElement("script");
  code.id = "present-keys";
  code.textContent = `
    (() => {
      // waiting: the slide the address held when the last press went (the page's run always
      // puts one there); sent: that press's number, so an old timer clears no later wait
      let pending = 0, waiting = null, sent = 0;
      const slide = () => new URLSearchParams(location.search).get("slide");
      const running = () => {
        const app = document.querySelector('[data-testid="stApp"]');
        const state = app && app.dataset.testScriptState;
        return state === "running" || state === "rerunRequested";
      };
      const move = () => {
        // the last press is taken once the address holds its slide and its run has ended: a click
        // while a run goes on was merged into it, and moved nothing
        if (running() || (waiting !== null && slide() === waiting)) return;
        waiting = null;
        if (pending === 0) return;
        const key = pending > 0 ? "present-next" : "present-back";
        const button = document.querySelector(".st-key-" + key + " button");
        if (!button || button.disabled) { pending = 0; return; }  // the deck's end: nothing further
        pending -= Math.sign(pending);
        waiting = slide();
        const mine = ++sent;
        window.presentPressed = performance.now();
        button.click();
        // a press the address never took (none in 10 s, where a busy server takes seconds) does
        // not hold the presses after it
        setTimeout(() => { if (sent === mine) waiting = null; }, 10000);
      };
      let ticking = false;
      const tick = () => {
        move();
        ticking = pending !== 0 || waiting !== null;
        if (ticking) setTimeout(tick, 50);
      };
      const press = (key) => { pending += key === "present-next" ? 1 : -1; if (!ticking) tick(); };
      const full = (on) => {
        document.body.classList.toggle("present-full", on);
        const root = document.documentElement;
        if (on && !document.fullscreenElement && root.requestFullscreen) root.requestFullscreen().catch(() => {});
        if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => {});
      };
      document.addEventListener("fullscreenchange", () => {
        if (!document.fullscreenElement) document.body.classList.remove("present-full");
      });
      document.addEventListener("click", (event) => {
        if (event.target.closest && event.target.closest(".st-key-present-full button"))
          full(!document.body.classList.contains("present-full"));
        // Back or Next under a phone's slide: the next slide is read from its top
        if (event.target.closest && event.target.closest(".st-key-present-foot button")) {
          const from = slide(), until = performance.now() + 10000;
          const top = () => {
            if (slide() === from && performance.now() < until) { setTimeout(top, 50); return; }
            const main = document.querySelector('[data-testid="stMain"]');
            if (main) main.scrollTo(0, 0);
            window.scrollTo(0, 0);
          };
          setTimeout(top, 50);
        }
      }, true);
      document.addEventListener("keydown", (event) => {
        if (!document.querySelector(".st-key-present-next")) return;
        const where = event.target, tag = (where && where.tagName || "").toLowerCase();
        if (["input", "textarea", "select"].includes(tag) || (where && where.isContentEditable)) return;
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        const keys = {ArrowRight: "next", PageDown: "next", " ": "next", ArrowLeft: "back", PageUp: "back"};
        if (keys[event.key]) press("present-" + keys[event.key]);
        else if (event.key === "f" || event.key === "F") full(!document.body.classList.contains("present-full"));
        else if (event.key === "Escape") full(false);
        else return;
        event.preventDefault();
        event.stopPropagation();
      }, true);
    })();`;
  doc.head.appendChild(code);
})();
</script>"""
"""Put once into the app's own page (not the component's frame, which Streamlit may replace):
the keys and the full-screen switch. `presentPressed` keeps when a key was pressed, for the
browser test that times the next slide."""


def keys() -> None:
    """The slide's style and the keys, once per run of the page."""
    st.html(STYLE)
    with st.container(key="present-keys"):
        st.iframe(KEYS, height=1)


def _flag(line: deck.Line) -> str:
    if line.flag is not None:
        return widgets.attention_badge(line.flag.kind, line.flag.word)
    return widgets.badge_markdown(line.status) if line.status else ""


WIDE_VALUES = {"month": [3.3, 1.6, 7.3], driver_slide.KIND: [3.0, 3.4, 5.8]}
"""The columns of slides whose lines have no trend or status: the month's counts, and a driver's
importance with its interval (five columns left "36 %" over "(31–41 %)" and a gap of empty ones)."""


HEADINGS = {driver_slide.KIND: ("deck.col_touchpoint", "deck.col_importance", "deck.col_reading")}
"""The column headings of slides whose numbers need saying what they are: a driver's "33 %
(29–38 %)" is its share of what the ratings explain (the packs' table heads it; the slide did not)."""


def _headings(spread: list[float], keys: tuple[str, ...]) -> None:
    for place, key in zip(st.columns(spread, vertical_alignment="bottom"), keys, strict=True):
        place.caption(t(key))


def _target(line: deck.Line) -> str:
    """`target 86.0 %` as the line's target reads; an overdue action's is its due date, said as
    such ("due 31 Oct 2026", which read "target due 31 Oct 2026")."""
    if not line.target:
        return ""
    if line.flag is not None and line.flag.kind == str(attention.Kind.LATE_ACTION):
        return plain.markdown(line.target)
    return t("present.target", target=plain.markdown(line.target))


def _line(line: deck.Line, number: int, *, kind: str, narrow: bool) -> None:
    airy = "airy-" if not line.trend else ""  # a row without a trend has room under its note
    with st.container(key=f"present-row-{airy}{number}", gap="small"):
        if narrow:  # beside a chart: the name, then value, status and target below it
            st.markdown(f"**{plain.markdown(line.label)}**")
            target = _target(line)
            st.markdown(
                " · ".join(p for p in (f"**{plain.markdown(line.value)}**", _flag(line), target) if p)
            )
            return
        if kind in WIDE_VALUES:  # the name, the value and what it is made of: no trend, no status
            name, value, note = st.columns(WIDE_VALUES[kind], vertical_alignment="center")
            name.markdown(f"**{plain.markdown(line.label)}**")
            value.markdown(f"### {plain.markdown(line.value)}")
            note.markdown(plain.markdown(line.note))
            return
        # without a trend its room goes to the note, where why the status is what it is stands
        # (three lines of 3.2 cut "measured against its path …" short on the strategic goals)
        spread = [3.3, 1.4, 1.4, 3.9, 3.2] if line.trend else [3.3, 1.3, 0.01, 2.8, 4.2]
        name, value, trend, status, note = st.columns(spread, vertical_alignment="center")
        name.markdown(f"**{plain.markdown(line.label)}**")
        if kind == "actions":  # the value is who owns it
            value.markdown(f"**{plain.markdown(line.value)}**")
        else:
            value.markdown(f"### {plain.markdown(line.value)}" if line.value else "")
        if line.trend:
            colour = palette.look(line.status).colour if line.status else palette.GRAY
            trend.image(sparkline.svg(line.trend, colour))
        if kind == "actions":  # its due date, and whether it is overdue, else its state
            said = _flag(line) or plain.markdown(line.state)
            status.markdown(" · ".join(p for p in (f"**{plain.markdown(line.target)}**", said) if p))
        else:
            target = _target(line)
            first = " · ".join(p for p in (_flag(line), target) if p)
            process = phrases.process_verdict(line.reading, line.still)
            status.markdown("  \n".join(p for p in (first, process) if p))
        with note.container(key=f"present-clamp-{number}"):
            st.markdown(plain.markdown(line.note))
        if line.also:  # the items on its number, under the note: a long note had cut them off
            with note.container(key=f"present-also-{number}"):
                st.markdown(plain.markdown(line.also))


def _chart(series: deck.Series, scope: Scope) -> None:
    spec = charts.TrendSpec(
        title=series.title,
        unit=series.unit,
        target=series.target,
        limits=series.limits,
        limits_since=series.limits_since,
        signals=series.signals,
        bands=series.bands,
        path=series.path,
        promise=series.promise,
    )
    figures.draw(figures.trend(scope, series.points, spec), CHART_HEIGHT, "present.chart")


def _drivers(slide: deck.Slide, analysis: Analysis) -> None:
    """The driver analysis's chart (what matters most and scores worst: the top left), and beside
    it each touchpoint's importance with its interval, and its rating, priority and ranks."""
    chart, lines = st.columns([3, 2])
    with chart:
        title = t("drivers.chart_title")
        chart_of = driver_chart.importance_performance(analysis, title, slide.drivers_scale)
        figures.draw(chart_of, DRIVERS_HEIGHT, "present.drivers")
    with lines:
        st.caption(t(HEADINGS[driver_slide.KIND][1]))
        for number, line in enumerate(slide.lines):
            with st.container(key=f"present-row-{number}", gap="small"):
                st.markdown(f"**{plain.markdown(line.label)}** · {plain.markdown(line.value)}")
                with st.container(key=f"present-also-{number}"):
                    st.markdown(plain.markdown(line.note))


def _notes(notes: Sequence[str], where: int | str) -> None:
    """Comments, each as typed (plain text), under line `where` of the slide or at its end."""
    for number, note in enumerate(notes):
        with st.container(key=f"present-note-{where}-{number}"):
            st.text(note)


def render(slide: deck.Slide, scope: Scope) -> None:
    """One slide (the title slide's notes say whether, when and by whom the month was closed)."""
    with st.container(key="present-slide", gap="small"):
        if slide.kind == "title":
            with st.container(key="present-cover"):
                st.markdown(f"# {plain.markdown(slide.title)}")
                st.markdown(f"## {plain.markdown(slide.subtitle)}")
                for note in slide.notes:
                    st.text(note)
            return
        st.markdown(f"# {plain.markdown(slide.title)}")
        if slide.status is not None:
            big, subtitle = plain.markdown(slide.big), plain.markdown(slide.subtitle)
            process = phrases.process_verdict(slide.reading, slide.still)
            st.markdown(
                f"### {widgets.badge_markdown(slide.status)} {big} · {subtitle}"
                + (f"  \n{process}" if process else "")
            )
        elif slide.subtitle:  # a slide without a status of its own (the drivers': months, respondents)
            st.markdown(f"### {plain.markdown(slide.subtitle)}")
        if slide.drivers is not None and slide.lines:
            _drivers(slide, slide.drivers)
        elif slide.chart is not None:
            chart, lines = st.columns([3, 2])
            with chart:
                _chart(slide.chart, scope)
            with lines:
                for number, line in enumerate(slide.lines):
                    _line(line, number, kind=slide.kind, narrow=True)
        else:
            if (
                slide.kind == driver_slide.KIND and slide.lines
            ):  # what its numbers are, as the packs head them
                _headings(WIDE_VALUES[driver_slide.KIND], HEADINGS[driver_slide.KIND])
            placed = slide.placed or (None,) * len(slide.notes)
            for number, line in enumerate(slide.lines):
                _line(line, number, kind=slide.kind, narrow=False)
                # a comment under the line it is about (a trial read comments at the foot as astray)
                _notes([n for n, at in zip(slide.notes, placed, strict=True) if at == number], number)
            if not slide.lines and not slide.notes:
                st.info(t("present.nothing"), icon=":material/check_circle:")
            _notes([n for n, at in zip(slide.notes, placed, strict=True) if at is None], "end")
            return
        _notes(slide.notes, "end")


Meeting = tuple[list[deck.Slide], deck.Brand]
"""What `meeting` draws: the deck and what makes its pack the company's."""


@widgets.fragment
def meeting(read: Callable[[], Meeting], scope: Scope) -> None:
    """The toolbar, the handouts (named by the pack's title) and the slide the address asks for.
    A click on the toolbar (or a key, which clicks it) reruns this alone, not the page: the
    sidebar and the page's frame are neither made again nor sent, and the browser redraws only
    the slide. The deck is read again at every click (`read`: cached by the data version), so a
    write shows at the next slide; what the store refuses (busy, unreachable) is said, as on a
    page (notices.guarded)."""
    with notices.guarded():
        slides, brand = read()
        index = slide_index(st.query_params.get("slide", "1"), len(slides))
        st.query_params["slide"] = str(index + 1)  # an address asking beyond the deck shows where it is
        handouts = toolbar(slides, index)
        packs(handouts, slides, brand)
        render(slides[index], scope)
        foot(len(slides), index)


def foot(count: int, index: int) -> None:
    """Back and Next again under the slide, on a phone only (`STYLE`): a long slide scrolls
    there, and the toolbar stood two screens up (a presenter's trial); a wider screen holds the
    whole slide under its toolbar."""
    with st.container(key="present-foot", horizontal=True, gap="small"):
        _move(-1, index, count, "present.foot.back")
        _move(1, index, count, "present.foot.next")


def _move(by: int, index: int, count: int, key: str) -> None:
    """Back (`by` -1) or Next (1), disabled at the deck's end it would pass."""
    st.button(
        t("present.previous" if by < 0 else "present.next"),
        icon=":material/arrow_back:" if by < 0 else ":material/arrow_forward:",
        disabled=index == (0 if by < 0 else count - 1),
        key=key,
        on_click=_step,
        args=(by, count),
    )


def label(slides: Sequence[deck.Slide], index: int) -> str:
    slide = slides[index]
    status = f" · {palette.label(slide.status)}" if slide.status else ""
    return f"{index + 1}. {slide.title}{status}"


def slide_index(requested: str, count: int) -> int:
    """The slide a `?slide=N` address asks for (1-based), kept within the deck; anything that is
    not a whole number (`validate.whole_number`: `²`, `-1`, `x`) means the first, and digits too
    many to be a number of slides (5,000 nines broke the page) the last."""
    number = validate.whole_number(requested)
    if number is None and requested.isascii() and requested.isdigit():
        return max(count - 1, 0)
    number = number or 1
    return min(max(number - 1, 0), max(count - 1, 0))


def toolbar(slides: Sequence[deck.Slide], index: int) -> st.delta_generator.DeltaGenerator:
    """Back, where we are, next, a jump to any slide, full screen, and the room for the handouts.
    A move is made by the button's or the jump's callback, before the run that draws the slide
    (`_go`), so the buttons are drawn for the slide shown: Back was still disabled on the second
    slide after Next from the first, and ← did nothing there. One row that wraps: on a phone,
    back, where we are and next stay side by side above the jump (columns stacked all six, one a
    row, and pushed the slide below the first screen)."""
    count = len(slides)
    with st.container(key="present-toolbar", horizontal=True, vertical_alignment="center", gap="small"):
        _move(-1, index, count, "present.back")
        st.markdown(f"**{index + 1} / {count}**", width="content")
        _move(1, index, count, "present.next")
        jump = f"present.jump.{index}"
        st.selectbox(
            t("present.jump"),
            range(count),
            index=index,
            key=jump,
            format_func=lambda i: label(slides, i),
            label_visibility="collapsed",
            width=JUMP_WIDTH,
            on_change=_jump,
            args=(jump, count),
        )
        st.button(t("present.full"), icon=":material/fullscreen:", key="present.full", help=t("present.keys"))
        speaker_notes(slides[index])
        return st.container(width="content")


def speaker_notes(slide: deck.Slide) -> None:
    """The slide's speaker notes, as the pack's carry them (`speaker.notes`: why each status is
    what it is, then the month's commentary), folded in the toolbar: a presenter running the
    meeting from this page had them only in the PowerPoint file (a presenter's trial). Folded, the
    room does not read them, and in full screen they fade with the toolbar. Plain text."""
    folded = st.popover(t("present.notes"), icon=":material/speaker_notes:", help=t("present.notes_help"))
    with folded, st.container(key="present-speaker"):
        st.text(speaker.notes(slide))


def _go(index: int, count: int) -> None:
    """Show slide `index` (0-based, kept within the deck): its number goes into the address."""
    st.query_params["slide"] = str(min(max(index, 0), count - 1) + 1)


def _step(by: int, count: int) -> None:
    """Move `by` slides from the one the address holds now, not from the one the button was
    drawn on: a second press that came while the first one's run was still going moved to the
    same slide again (five quick presses of → moved three slides: a presenter's trial)."""
    _go(slide_index(st.query_params.get("slide", "1"), count) + by, count)


def _jump(key: str, count: int) -> None:
    _go(st.session_state[key], count)


JUMP_WIDTH = 460
"""Pixels of the jump to a slide: room for a long slide's title ("10. What drives Net Promoter
Score, all customers" was cut at 320), and on a phone a row of its own, no wider than the phone."""


_PACKS = {
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ":material/slideshow:",
    ),
    "pdf": ("application/pdf", ":material/picture_as_pdf:"),
}


def _maker(slides: Sequence[deck.Slide], brand: deck.Brand, kind: str, language: str) -> Callable[[], bytes]:
    """What makes the pack when its button is pressed (not before), in the deck's language."""

    def make() -> bytes:
        from kpi.output import pptx_pack  # python-pptx, lxml and Pillow (13 MB) only when a pack is made

        with i18n.use(language):
            pack = pptx_pack.render(list(slides), brand)
            return pdf_pack.from_pptx(pack) if kind == "pdf" else pack

    return make


def packs(room: st.delta_generator.DeltaGenerator, slides: Sequence[deck.Slide], brand: deck.Brand) -> None:
    """The handouts in one place, a popover beside the slide buttons: the PPTX and the PDF side by
    side, each made when its button is pressed, so getting one never takes the other away."""
    language = i18n.current()
    with room.popover(t("present.handouts"), icon=":material/download:"):
        st.caption(t("present.handouts_help"))
        for kind, (mime, icon) in _PACKS.items():
            if kind == "pdf" and not pdf_pack.soffice():
                st.caption(t("export.no_libreoffice"))
                continue
            st.download_button(
                t(f"present.download_{kind}"),
                _maker(slides, brand, kind, language),
                file_name=brand.file_name(kind),
                mime=mime,
                icon=icon,
                key=f"present.{kind}",
                on_click="ignore",
                width="stretch",
            )
