"""What a meeting slide is made of, and how many rows one holds so it fits a 16:9 screen.

Pure. kpi.output.deck fills these for a month; the Present page, the PPTX and the PDF draw them.
The pagination rule lives here, once: a slide holds at most `ROWS_PER_SLIDE` rows (a line or a
comment each), fewer when their notes are long (`ROOM`); a slide with a chart holds
`ROWS_BESIDE_CHART` lines beside it and `NOTE_ROWS` comments under it. What does not fit goes on
to the next slide, titled "… (2/3)", so no slide scrolls on a 1280×720 screen and no pack slide
runs into its footer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from kpi.domain import cascade, report, signals
from kpi.domain.access import EVERYTHING, Scope
from kpi.domain.company_events import Band, CompanyEvent
from kpi.domain.initiatives import Verdict
from kpi.domain.model import Commentary, GoalStatus, KpiStatus, MonthValue, ServicePriority

if TYPE_CHECKING:  # numpy's, which a slide need not load
    from kpi.domain.drivers import Analysis
from kpi.text.i18n import t

ROWS_PER_SLIDE = 6
ROWS_BESIDE_CHART = 4
NOTE_ROWS = 2

NOTE_LINES = 4
"""A line's note on the Present page takes at most this many lines of text, and what is told
with it (`Line.also`) as many again in smaller type: the packs and speaker notes hold both whole."""
COMMENT_LINES = 2
"""A comment on the Present page takes at most this many lines of text."""
ROOM = 21.0
"""The lines of a note's text a slide's rows may take together on the Present page at 1280×720,
under its title and subtitle (`height`): six rows of a line each fit, as do three with long
notes, but not six of those (the attention slide of November ran 120 pixels past the screen)."""
NOTE_CHARACTERS = 55
"""About how many characters of a note one line holds at 1280 pixels; beside a trend, whose
column is narrower, `NOTE_CHARACTERS_BESIDE_TREND`."""
NOTE_CHARACTERS_BESIDE_TREND = 38


def height(line: Line) -> float:
    """About how many lines of a note's text `line` takes on a slide at 1280 pixels, with the
    room between rows: its note and what is told with it (`also`, smaller type), each clamped to
    `NOTE_LINES` as the Present page clamps them; at least two, as its name, value and status
    take two lines (more beside a trend)."""
    width = NOTE_CHARACTERS_BESIDE_TREND if line.trend else NOTE_CHARACTERS
    note = min(NOTE_LINES, -(-len(line.note) // width))
    also = min(NOTE_LINES, -(-len(line.also) // round(width * 1.15)))
    return max(2.0, note + 0.85 * also) + 0.5


DEFAULT_COLOUR = "#1F4E79"
"""The packs' accent colour until a company chooses its own (kpi.store.company)."""


@dataclass(frozen=True)
class Brand:
    """What makes a pack the company's: its title (with the company's name), the footer line on
    every slide, and the company's colour and logo (kpi.store.company)."""

    footer: str
    title: str = ""
    """The file's title (PowerPoint's document properties); the footer when empty."""
    colour: str = DEFAULT_COLOUR
    logo: bytes | None = None

    def file_name(self, kind: str) -> str:
        """The pack's file name, from its title: letters and digits, runs of anything else one
        dash (`Havn-Hjem-A-S-Customer-experience-November-2026.pptx`), the mailed pack's and the
        downloaded one's alike (the app's download was `cx-2026-11.pptx`, whoever's it was)."""
        return file_name(self.title or self.footer, kind)


def file_name(title: str, kind: str) -> str:
    """`title` as a file name of `kind`: letters and digits, runs of anything else one dash, at
    most 80 characters before the kind."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return f"{'-'.join(words)[:80] or 'pack'}.{kind}"


@dataclass(frozen=True)
class Flag:
    """An exception's kind (`attention.Kind`) and its word, drawn as the Overview draws it: the
    kind's colour and icon (`palette.attention_look`) with the word."""

    kind: str
    word: str


@dataclass(frozen=True)
class Line:
    label: str
    value: str = ""
    target: str = ""
    status: KpiStatus | GoalStatus | None = None
    note: str = ""
    reading: signals.Reading | None = None
    """The process verdicts of the line's KPI (`phrases.verdict_looks`), shown beside its status."""
    flag: Flag | None = None
    """On the attention slide, the exception's kind in place of a status: a broken service
    priority is broken, not off target, so it reads as the Overview names it."""
    why: str = ""
    """Why the line has its status, in plain sentences (`phrases.kpi_why`, `phrases.goal_why`):
    the packs' speaker notes say it."""
    trend: tuple[float, ...] = ()
    """The KPI's values of the last `sparkline.MONTHS` months, oldest first: a department slide's
    small trend beside each line (empty where none is drawn)."""
    state: str = ""
    """On the actions slide, the action's state in words (`In progress`): its status cell where
    it is not overdue (`flag`), which stood empty beside three overdue ones."""
    also: str = ""
    """On the attention slide, the items told with the line's, on its number
    (`phrases.told_with_line`): the Present page says them under the line's name, where a long
    note cut them off; a table's note cell after the note (`full_note`)."""
    still: bool = False
    """The month went against the KPI's signal (`phrases.against_signal`): its verdict says
    "Still better than usual", as a tile does (a slide said "+19 s, worse · ▲ Better than usual")."""

    @property
    def full_note(self) -> str:
        """The note and what is told with the line (`also`), as a table's cell and the speaker
        notes say them."""
        return " · ".join(part for part in (self.note, self.also) if part)


@dataclass(frozen=True)
class Series:
    title: str
    unit: str
    points: tuple[tuple[date, float], ...]
    target: float | None
    limits: tuple[float, float] | None = None
    """(lower, upper) natural process limits of the KPI, drawn as their own lines."""
    signals: tuple[tuple[date, str], ...] = ()
    """(month, `improvement` or `concern`) of months in which a signal rule fired, ringed in the
    verdict's colour."""
    bands: tuple[Band, ...] = ()
    """Company events bearing on the KPI, over the months shown (`company_events.bands`)."""
    path: tuple[tuple[date, float], ...] = ()
    """A goal's planned path over the months shown (`verdicts.path`): what its status is judged
    against, as the slide's note says ("the path is at +33 this month")."""
    promise: float | None = None
    """The threshold of a service priority on the KPI (`priorities.drawn_threshold`): a line of
    its own, as on every chart of the number."""
    limits_since: date | None = None
    """The process change the limits start from (`KpiRow.limits_since`): drawn from there on."""


@dataclass(frozen=True)
class Slide:
    kind: str
    title: str
    subtitle: str = ""
    lines: tuple[Line, ...] = ()
    chart: Series | None = None
    notes: tuple[str, ...] = ()
    """Plain text (commentary, revisions): never Markdown or HTML."""
    status: KpiStatus | GoalStatus | None = None
    big: str = ""
    reading: signals.Reading | None = None
    """The process verdicts of the slide's KPI, beside its status."""
    why: str = ""
    """Why the slide's own status is what it is (a goal slide's goal), for the speaker notes."""
    drivers: Analysis | None = None
    """The driver analysis a drivers slide tells: the Present page draws its importance ×
    performance chart beside the lines (the slide was a table over half a screen)."""
    drivers_scale: tuple[int, int] | None = None
    """The answer scale of the drivers' ratings, named on the chart's rating axis."""
    still: bool = False
    """As a line's `Line.still`, for the slide's KPI."""
    placed: tuple[int | None, ...] = ()
    """For each of `notes`, the index of the line (of `lines`) it is about, which the Present page
    draws it under; None, or none given: after every line."""


@dataclass(frozen=True)
class Meeting:
    """What a deck is built from (kpi.store.closing.MeetingMonth, or the same from elsewhere)."""

    month_report: report.MonthReport
    commentary: Sequence[Commentary]
    values: Sequence[MonthValue]
    revised: dict[str, tuple[float | None, float | None]]
    closed_at: datetime | None = None
    priorities: Sequence[ServicePriority] = ()
    """The service priorities in scope: a broken one is on the attention slide."""
    reopened: Sequence[tuple[datetime, str, str]] = ()
    """(when, by whom, why) each time the month was reopened after a close: the title slide says so."""
    served: frozenset[str] = frozenset()
    """Goals the viewer reads only because theirs serve them (line of sight): no slides of their own."""
    late: Mapping[str, int] = field(default_factory=dict)
    """`kpi code → days late` of the KPIs whose value is overdue (`lateness.late_kpis`)."""
    events: Sequence[CompanyEvent] = ()
    """The company events in scope: bands on the charts, and named by the items they touch."""
    verdicts: Mapping[int, Verdict] = field(default_factory=dict)
    """`action id → verdict` of the initiatives live by the month (kpi.domain.initiatives)."""
    scope: Scope = EVERYTHING
    """Whose deck it is: what needs attention is told as they may read it (`attention.as_told`)."""
    heads: Mapping[str, str] = field(default_factory=dict)
    """`department → its head's e-mail`: who answers for an item nobody owns."""
    closed_by: str | None = None
    """Who closed the month (their e-mail address): its title slide names them."""
    today: date | None = None
    """The day the deck is read: the actions overdue on it (`outlook.overdue`; after the month
    when not given)."""

    @property
    def tops(self) -> list[cascade.Node]:
        """The viewer's own top goals, each with a slide (kpi.domain.cascade.own_tops)."""
        return cascade.own_tops(self.month_report.roots, self.served)


class Page(NamedTuple):
    """One slide's share of a list."""

    lines: tuple[Line, ...]
    notes: tuple[str, ...]
    """Its comments."""
    placed: tuple[int | None, ...]
    """For each of `notes`, the index of the line of `lines` it is about (`Slide.placed`); None:
    after every line (none given, or its line is on another slide)."""


def paginate(
    lines: Sequence[Line],
    notes: Sequence[str] = (),
    *,
    chart: bool = False,
    after: Sequence[int | None] = (),
) -> list[Page]:
    """`lines` then `notes` (comments) over as few slides as they need, in order: at most
    `ROWS_PER_SLIDE` rows a slide and no more than its `ROOM` (rows with long notes are fewer a
    slide), shared out evenly where that fits (seven rows are four and three, not six and a slide
    of one); the first slide of a chart `ROWS_BESIDE_CHART` lines beside it and up to
    `NOTE_ROWS` comments under it. A note with its place in `after` (the index of the line it is
    about, None for after every line) comes right after that line, so it stands on its line's
    slide: a comment on the first slide's KPI stood under the second slide's. Nothing at all
    still makes one (empty) slide."""
    lines, notes = list(lines), list(notes)
    pages: list[Page] = []
    if chart:
        beside, under = lines[:ROWS_BESIDE_CHART], notes[:NOTE_ROWS]
        pages.append(Page(tuple(beside), tuple(under), (None,) * len(under)))
        lines, notes = lines[ROWS_BESIDE_CHART:], notes[NOTE_ROWS:]
    rows, about = _in_order(lines, notes, [] if chart else list(after))
    heights = [height(row) if isinstance(row, Line) else COMMENT_LINES + 0.5 for row in rows]
    shares = _together(rows, heights, _shares(heights)) if heights or not pages else []
    for room in shares:
        taken, rows = rows[:room], rows[room:]
        told, about = about[:room], about[room:]
        shown = [line for row, line in zip(taken, told, strict=True) if isinstance(row, Line)]
        said = [(row, line) for row, line in zip(taken, told, strict=True) if isinstance(row, str)]
        pages.append(
            Page(
                tuple(row for row in taken if isinstance(row, Line)),
                tuple(note for note, _ in said),
                tuple(shown.index(line) if line in shown else None for _, line in said),
            )
        )
    return pages


def _in_order(
    lines: list[Line], notes: list[str], after: list[int | None]
) -> tuple[list[Line | str], list[int | None]]:
    """The rows of a list: each note right after the line `after` names (in their order), the
    rest after every line; and beside them, the index of each row's line (a note's: the line it
    is about, None for after every line)."""
    places = after + [None] * (len(notes) - len(after))
    rows: list[Line | str] = []
    about: list[int | None] = []
    for index, line in enumerate(lines):
        mine = [note for note, place in zip(notes, places, strict=True) if place == index]
        rows += [line, *mine]
        about += [index] * (1 + len(mine))
    rest = [
        note
        for note, place in zip(notes, places, strict=True)
        if place is None or not 0 <= place < len(lines)
    ]
    return rows + rest, about + [None] * len(rest)


def _together(rows: Sequence[Line | str], heights: Sequence[float], shares: list[int]) -> list[int]:
    """`shares` with no slide starting on a comment that follows a line on the slide before (its
    line's, `_in_order`): the comment is taken onto that slide where it still fits, else the line
    goes on to the next slide with it where that one still fits, else they stay apart."""
    shares = list(shares)
    for page in range(len(shares) - 1):
        start = sum(shares[: page + 1])
        said = 0  # the comments at the next slide's start
        while start + said < len(rows) and isinstance(rows[start + said], str):
            said += 1
        if not said or not isinstance(rows[start - 1], Line):
            continue
        before, after = heights[start - shares[page] : start], heights[start : start + shares[page + 1]]
        moved = heights[start : start + said]
        if shares[page] + said <= ROWS_PER_SLIDE and sum(before) + sum(moved) <= ROOM:
            shares[page] += said
            shares[page + 1] -= said
        elif (
            shares[page] > 1 and shares[page + 1] < ROWS_PER_SLIDE and sum(after) + heights[start - 1] <= ROOM
        ):
            shares[page] -= 1
            shares[page + 1] += 1
    return [share for share in shares if share] or [0]


def _shares(heights: Sequence[float]) -> list[int]:
    """How many of the rows of `heights` each slide takes: as few slides as hold them (each at
    most `ROWS_PER_SLIDE` rows within `ROOM`, taken in order), the rows shared out evenly over
    them when every share still fits, else as taken. No rows: one empty slide."""
    taken: list[int] = [0]
    used = 0.0
    for row in heights:
        if taken[-1] and (taken[-1] == ROWS_PER_SLIDE or used + row > ROOM):
            taken.append(0)
            used = 0.0
        taken[-1] += 1
        used += row
    count, slides = len(heights), len(taken)
    even = [count // slides + (number < count % slides) for number in range(slides)]
    start = 0
    for share in even:
        if sum(heights[start : start + share]) > ROOM:
            return taken
        start += share
    return even


def page_title(title: str, number: int, count: int) -> str:
    """`title`, or `title (2/3)` on a list that takes `count` slides."""
    return title if count == 1 else t("deck.page", title=title, page=number, pages=count)
