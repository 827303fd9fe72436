"""What a viewer can see, gathered from each way the product shows data, for tests/test_no_leaks.py.

`Seen` holds the text a person could read (normalised: Markdown escapes, entities, invisible
joiners and runs of white space undone) and every number, as the float it was drawn from.
`Secrets` holds what the store says a viewer must not see: the names, titles and texts of the
departments outside their scope and the distinctive values of those departments' KPIs. Both
are built from the data itself, never from strings typed into a test.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import sqlalchemy as sa
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from pptx import Presentation
from pypdf import PdfReader

from kpi.domain.access import EVERYTHING
from kpi.store import company_events, queries, schema
from kpi.text import i18n

LONG_ENOUGH = 12
"""Descriptions and definitions shorter than this are too generic to tell one department's."""
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def normalise(text: str) -> str:
    text = html.unescape(_ESCAPE.sub(r"\1", text.replace("\u2060", "")))
    return re.sub(r"\s+", " ", text)


@dataclass
class Seen:
    texts: list[str] = field(default_factory=list)
    numbers: set[float] = field(default_factory=set)

    @property
    def text(self) -> str:
        return normalise("\n".join(self.texts))

    def add(self, value: object) -> None:
        """A value from a page, a table or a chart: texts and numbers, JSON opened up."""
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            self.numbers.add(float(value))
        elif isinstance(value, str):
            self.texts.append(value)
            if value.startswith(("{", "[")):
                with contextlib.suppress(ValueError):  # text that only looks like JSON
                    self.add(json.loads(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                self.add(key)
                self.add(item)
        elif isinstance(value, list | tuple):
            for item in value:
                self.add(item)
        else:
            self.texts.append(str(value))


def _arrow(data: bytes, seen: Seen) -> None:
    try:
        table = pa.ipc.open_stream(data).read_all()
    except (pa.ArrowInvalid, OSError):
        return
    seen.add(table.column_names)
    seen.add(table.to_pylist())


def _message(message: Message, seen: Seen) -> None:
    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        for item in values:
            if descriptor.type == FieldDescriptor.TYPE_MESSAGE:
                _message(item, seen)
            elif descriptor.type == FieldDescriptor.TYPE_BYTES:
                _arrow(item, seen)
            else:
                seen.add(item)


def in_app(at) -> Seen:
    """Everything an AppTest run drew: texts, labels, options, help, tables and chart specs."""
    seen = Seen()

    def visit(node) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            _message(proto, seen)
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return seen


def in_pptx(data: bytes) -> Seen:
    """Every text of a pack (titles, boxes, table cells, chart titles and categories, speaker
    notes) and the values its charts plot."""
    seen = Seen()
    for slide in Presentation(io.BytesIO(data)).slides:
        if slide.has_notes_slide:
            seen.add(slide.notes_slide.notes_text_frame.text)
        for shape in slide.shapes:
            if shape.has_text_frame:
                seen.add(shape.text_frame.text)
            if shape.has_table:
                seen.add([cell.text for row in shape.table.rows for cell in row.cells])
            if shape.has_chart:
                chart = shape.chart
                if chart.has_title:
                    seen.add(chart.chart_title.text_frame.text)
                for plot in chart.plots:
                    seen.add([str(c) for c in plot.categories])
                    for series in plot.series:
                        seen.add([series.name, *(v for v in series.values if v is not None)])
    return seen


def in_pdf(data: bytes) -> Seen:
    seen = Seen()
    for page in PdfReader(io.BytesIO(data)).pages:
        seen.add(page.extract_text())
    return seen


def _is_distinctive(value: float) -> bool:
    """A value with more than one decimal: too particular to turn up elsewhere by chance."""
    return round(value, 1) != value


@dataclass(frozen=True)
class Company:
    """Everything `Holdings` and `Secrets` sort by department, read once for the whole company
    (every query with EVERYTHING, retired things included): one read serves every viewer of a
    store that does not change in between."""

    goals: list
    kpis: list
    priorities: list
    comments: list
    departments: list
    actions: list
    events: list
    values: list
    answer_comments: dict[str, frozenset[str]]
    """Each KPI's customers' comments on its answers (each distinct text once)."""
    shared: tuple[str, ...]
    """What anyone may see (normalised): people's names, promises and the app's own words."""

    @classmethod
    def read(cls, conn: sa.Connection) -> Company:
        first, last = queries.data_months(conn, date(1, 1, 1), date(9999, 12, 1)) or (date.min, date.min)
        r = schema.response
        said = conn.execute(sa.select(r.c.kpi, r.c.comment).where(r.c.comment.is_not(None)).distinct())
        answer_comments: dict[str, set[str]] = {}
        for kpi, text in said:
            answer_comments.setdefault(kpi, set()).add(str(text))
        shared = [normalise(p.name) for p in queries.people(conn)]
        shared += [normalise(p.text) for p in queries.promises(conn, "en", include_retired=True)]
        shared += [normalise(m) for m in i18n.catalogue("en").values()]
        return cls(
            goals=queries.goals(conn, EVERYTHING, "en", include_retired=True),
            kpis=queries.kpis(conn, EVERYTHING, "en", include_retired=True),
            priorities=queries.service_priorities(conn, EVERYTHING, "en", include_retired=True),
            comments=queries.commentary(conn, EVERYTHING, first, last, "en"),
            departments=queries.departments(conn, EVERYTHING, "en"),
            actions=queries.actions(conn, EVERYTHING, "en"),
            events=company_events.read(conn, EVERYTHING, "en"),
            values=queries.month_values(conn, EVERYTHING, first, last),
            answer_comments={kpi: frozenset(texts) for kpi, texts in answer_comments.items()},
            shared=tuple(shared),
        )


@dataclass(frozen=True)
class Holdings:
    """What the store holds for some departments: the words that name their things and the
    values of their KPIs. Read for the whole company and sorted by department here, so a
    query that forgot its scope cannot hide what it leaks."""

    words: frozenset[str]
    numbers: frozenset[float]

    @classmethod
    def within(
        cls,
        company: Company,
        departments: frozenset[str] | None,
        owned: frozenset[str] = frozenset(),
        served: frozenset[str] = frozenset(),
        acting: frozenset[str] = frozenset(),
    ) -> Holdings:
        """`departments=None` is the whole company. Over the store's whole history, retired
        things included: a page may draw any month (trends reach two years back). `owned` are
        goals elsewhere the viewer owns (read in full: the goal, its KPI, actions and comments),
        `served` the goals elsewhere theirs serve (line of sight: the goal and its KPI, no more),
        `acting` the goals elsewhere the viewer owns an action of (the goal, its KPI and its
        actions, not its comments)."""

        def ours(department: str | None) -> bool:
            return departments is None or department in departments

        every_goal = company.goals
        goals = [g for g in every_goal if ours(g.department)]
        followed = {g.code for g in goals} | owned  # their actions and comments are read too
        sighted = [g for g in every_goal if g.code in owned | served | acting]
        sight_kpis = {g.kpi for g in sighted if g.kpi}
        every_kpi = company.kpis
        kpis = [k for k in every_kpi if ours(k.department)]
        kpi_codes, goal_codes = {k.code for k in kpis}, {g.code for g in goals}
        priorities = [p for p in company.priorities if p.kpi in kpi_codes]
        seen_kpis = kpis + [k for k in every_kpi if k.code in sight_kpis and k.code not in kpi_codes]
        names = [k.name for k in seen_kpis] + [g.title for g in goals + sighted]
        names += [d.name for d in company.departments if ours(d.code)]
        names += [a.title for a in company.actions if a.goal in followed | acting]
        for event in company.events:  # everyone's, their department's, their KPIs'
            if (not event.kpis and (event.department is None or ours(event.department))) or (
                set(event.kpis) & (kpi_codes | sight_kpis)
            ):
                names.append(event.title)
        texts = [k.definition for k in seen_kpis] + [g.description for g in goals + sighted]
        texts += [p.text for p in priorities]
        texts += [text for p in priorities if p.events for text in (p.events.files, p.events.queue or "")]
        texts += [c.text for c in company.comments if c.kpi in kpi_codes or c.goal in goal_codes | owned]
        # answers: their KPI's department only, never sighted
        texts += sorted({text for kpi in kpi_codes for text in company.answer_comments.get(kpi, ())})
        words = [normalise(w).strip() for w in names] + [
            normalise(w).strip() for w in texts if len(w.strip()) >= LONG_ENOUGH
        ]
        numbers = [v.value for v in company.values if v.kpi in kpi_codes | sight_kpis]
        numbers += [k.target for k in seen_kpis] + [p.threshold for p in priorities]
        numbers += [n for g in goals + sighted for n in (g.baseline, g.target)]
        distinctive = frozenset(n for n in numbers if n is not None and _is_distinctive(n))
        return cls(frozenset(w for w in words if w), distinctive)


@dataclass(frozen=True)
class Secrets:
    words: tuple[str, ...]
    numbers: frozenset[float]

    @classmethod
    def of(
        cls,
        conn: sa.Connection,
        departments: frozenset[str] | None,
        owned: frozenset[str] = frozenset(),
        served: frozenset[str] = frozenset(),
        acting: frozenset[str] = frozenset(),
    ) -> Secrets:
        return cls.within(Company.read(conn), departments, owned, served, acting)

    @classmethod
    def within(
        cls,
        company: Company,
        departments: frozenset[str] | None,
        owned: frozenset[str] = frozenset(),
        served: frozenset[str] = frozenset(),
        acting: frozenset[str] = frozenset(),
    ) -> Secrets:
        """Everything the store holds that lies outside `departments` (and the goals `owned`,
        `served` and `acting` there, see `Holdings.within`), less what the viewer may see anyway
        (a foreign name inside one of their own, a person's name, a promise, a word of the app's)."""
        every = Holdings.within(company, None)
        mine = Holdings.within(company, departments, owned, served, acting)
        allowed = "\0".join([*mine.words, *company.shared])  # a word inside any one of them
        words = sorted(w for w in every.words - mine.words if w not in allowed)
        return cls(tuple(words), every.numbers - mine.numbers)

    def found_in(self, seen: Seen) -> list[str]:
        text = seen.text
        return [w for w in self.words if w in text] + [repr(n) for n in sorted(self.numbers & seen.numbers)]
