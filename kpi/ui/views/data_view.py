"""The Data page's tabs (administrators): four groups of tabs, and only the open tab of the open
group runs and is drawn. A large company's tabs hold dozens of selectboxes listing its 2,000 KPIs
and goals; drawn at once, every tab's elements were most of what the browser laid out."""

from collections.abc import Callable

from kpi.domain.model import Person
from kpi.ui import data, widgets
from kpi.ui.frame import Context
from kpi.ui.views import (
    audit_view,
    closing_view,
    company_view,
    corrections_view,
    cycle_view,
    definitions_view,
    events_view,
    import_view,
    organisation_view,
    plans_view,
    send_view,
    sources_view,
)


def _people(ctx: Context) -> dict[str, Person]:
    return {p.email: p for p in data.people(ctx.url)}


def _defs(ctx: Context) -> data.Definitions:
    return data.definitions(ctx.url, ctx.language)


def _plans(ctx: Context) -> None:
    kpis = [k for k in _defs(ctx)["kpis"] if k.retired_at is None]
    plans_view.panel(ctx, kpis, data.signal_rules(ctx.url))


Tab = tuple[str, Callable[[Context], None]]
"""A tab's title (a catalogue key) and what draws it."""

GROUPS: list[tuple[str, list[Tab]]] = [  # (group title, its tabs) in the order they show
    (
        "definitions.group_data",
        [
            ("definitions.tab_import", import_view.panel),
            ("definitions.tab_pull", lambda ctx: sources_view.pull_panel(ctx, _defs(ctx)["kpis"])),
            ("definitions.tab_close", lambda ctx: closing_view.panel(ctx, _people(ctx))),
            ("definitions.tab_send", send_view.panel),
            ("definitions.tab_correct", corrections_view.panel),
            ("definitions.tab_calendar", cycle_view.editor),
        ],
    ),
    (
        "definitions.group_organisation",
        [
            ("definitions.tab_company", company_view.editor),
            (
                "organisation.tab_departments",
                lambda ctx: organisation_view.department_editor(
                    ctx, data.organisation(ctx.url), _defs(ctx)["departments"]
                ),
            ),
            (
                "organisation.tab_people",
                lambda ctx: organisation_view.person_editor(
                    ctx, data.organisation(ctx.url), _defs(ctx)["departments"]
                ),
            ),
        ],
    ),
    (
        "definitions.group_strategy",
        [
            (
                "definitions.tab_goals",
                lambda ctx: definitions_view.goal_editor(ctx, _defs(ctx), _people(ctx)),
            ),
            ("definitions.tab_kpis", lambda ctx: sources_view.kpi_and_source(ctx, _defs(ctx))),
            ("definitions.tab_plans", _plans),
            ("definitions.tab_promises", lambda ctx: definitions_view.promise_editor(ctx, _defs(ctx))),
            ("definitions.tab_priorities", lambda ctx: definitions_view.priority_editor(ctx, _defs(ctx))),
            (
                "definitions.tab_events",
                lambda ctx: events_view.editor(ctx, _defs(ctx)["kpis"], _defs(ctx)["departments"]),
            ),
        ],
    ),
    ("definitions.tab_audit", [("definitions.tab_audit", lambda ctx: audit_view.log(ctx, _people(ctx)))]),
]
"""A group of one tab (the audit log) is that tab alone, with no row of tabs inside."""

GROUP_KEY = "data.group"
"""The widget key of the row of groups; a group's own row of tabs has `tab_key(group)`."""


def tab_key(group: str) -> str:
    return f"data.tab.{group}"


def render(ctx: Context) -> None:
    """Many tabs in a row overflow a wide screen, a phone shows four: so four groups, each a row
    of tabs. Opening a tab reruns the page, which draws that tab alone (`.open`)."""
    groups = widgets.tabs([group for group, _ in GROUPS], key=GROUP_KEY)
    for container, (group, tabs) in zip(groups, GROUPS, strict=True):
        if not container.open:
            continue
        with container:
            if len(tabs) == 1:
                tabs[0][1](ctx)
                continue
            inner = widgets.tabs([title for title, _ in tabs], key=tab_key(group))
            for tab, (_title, draw) in zip(inner, tabs, strict=True):
                if tab.open:
                    with tab:
                        draw(ctx)
