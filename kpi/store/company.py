"""The company a store holds: its name, the logo and colour its packs wear, and its first steps.

The settings live in the store's `setting` table (one row each: `company.name`, `company.logo`,
`company.colour`), their only home; every page, pack and the command line read them here. A
new store starts empty: `start` makes its first administrator (only while it has nobody), and
`progress` says how far its setup has come, in the order a company's data goes in.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, replace

import sqlalchemy as sa

from kpi.domain import access, bounds, checks, identity
from kpi.domain.errors import Denied, Problem
from kpi.domain.model import Person, Role
from kpi.domain.validate import Rejected
from kpi.files import tables
from kpi.output import deck
from kpi.output import logo as logo_check
from kpi.store import schema as s
from kpi.store.writes import Writer
from kpi.text import palette

NAME, LOGO, COLOUR = "company.name", "company.logo", "company.colour"
DEFAULT_COLOUR = deck.DEFAULT_COLOUR
LOGO_MAX_BYTES = 300_000
"""A logo for a slide corner; a larger file is a photograph, not a logo."""
DEMO_MARK = "demo"
"""The `meta` key a store made from the generated demo company carries (kpi.store.seeding)."""
STEPS = (
    ("departments", s.department),
    ("people", s.person),
    ("kpis", s.kpi),
    ("promises", s.promise),
    ("goals", s.goal),
    ("measurements", s.measurement),
)
"""The setup, in the order its data goes in: each kind refers only to kinds before it. Survey
answers may stand in for monthly values (see `progress`). Customer promises are `OPTIONAL`."""
OPTIONAL = frozenset({"promises"})
"""Steps a company may leave empty: a goal need not prove a promise (they were not among the
steps at all, and the Overview then said no promise had measured KPIs)."""


@dataclass(frozen=True)
class Company:
    name: str | None
    logo: bytes | None = None
    colour: str = DEFAULT_COLOUR

    def title(self, fallback: str) -> str:
        """The name, or `fallback` (the product's) while the company has none."""
        return self.name or fallback


def read(conn: sa.Connection) -> Company:
    found = dict(
        conn.execute(
            sa.select(s.setting.c.name, s.setting.c.value).where(s.setting.c.name.in_((NAME, LOGO, COLOUR)))
        ).all()
    )
    logo = found.get(LOGO)
    return Company(
        found.get(NAME) or None,
        base64.b64decode(logo) if logo else None,
        found.get(COLOUR) or DEFAULT_COLOUR,
    )


def written_colour(colour: str) -> str:
    """A colour as the store keeps it, `#RRGGBB` in capitals: CSS's short form (`#0a5`) and a
    code without its `#` written out; anything else as given, for `problems` to name."""
    text = colour.strip()
    if re.fullmatch(r"#?[0-9A-Fa-f]{3}", text):
        text = "#" + "".join(c * 2 for c in text.lstrip("#"))
    elif re.fullmatch(r"[0-9A-Fa-f]{6}", text):
        text = "#" + text
    return text.upper() if re.fullmatch(r"#[0-9A-Fa-f]{6}", text) else colour


def problems(name: str, logo: bytes | None, colour: str, kept: str | None = None) -> list[Problem]:
    """Everything wrong with the company's settings, all at once; the colour the store already
    has (`kept`) is not judged again (a rename must not wait on a colour set before the check)."""
    found = [replace(p, field=NAME) for p in bounds.text_problems({"name": name})]
    if identity.blank(name):
        found.append(Problem("required", NAME))
    colour = written_colour(colour)
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        found.append(Problem("company.bad_colour", "company.colour", (("value", colour),)))
    elif colour.upper() != (kept or "").upper() and (ratio := palette.contrast(colour)) < palette.READABLE:
        faint = (("value", colour), ("ratio", round(ratio, 1)), ("needed", palette.READABLE))
        found.append(Problem("company.faint_colour", "company.colour", faint))
    if logo is not None and len(logo) > LOGO_MAX_BYTES:
        params = (("size", len(logo) // 1000), ("limit", LOGO_MAX_BYTES // 1000))
        found.append(Problem("company.logo_too_big", "company.logo", params))
    elif logo is not None:
        wrong = logo_check.problem(logo)
        if wrong is not None:
            found.append(Problem(wrong[0], "company.logo", wrong[1]))
    return found


def write(
    conn: sa.Connection,
    viewer: Person,
    name: str,
    logo: bytes | None = None,
    colour: str = DEFAULT_COLOUR,
    *,
    drop_logo: bool = False,
) -> None:
    """Set the company's name, logo and colour (administrators; audited), whole or not at all.
    `logo=None` keeps the one the store has, unless `drop_logo` takes it off the packs."""
    if not access.may_define(viewer):
        raise Denied(Problem("edit.denied_define"))
    found = problems(name, logo, colour, kept=read(conn).colour)
    if found:
        raise Rejected(found)
    writer = Writer(conn, viewer.email)
    writer.upsert(s.setting, {"name": NAME, "value": name.strip()})
    writer.upsert(s.setting, {"name": COLOUR, "value": written_colour(colour)})
    if logo is not None:
        stored = logo_check.as_stored(logo)
        writer.upsert(s.setting, {"name": LOGO, "value": base64.b64encode(stored).decode("ascii")})
    elif drop_logo:
        writer.delete(s.setting, {"name": LOGO})


def has_people(conn: sa.Connection) -> bool:
    return conn.execute(sa.select(s.person.c.email).limit(1)).first() is not None


ADMIN_FIELDS = {"name": "firstrun.admin_name", "email": "firstrun.admin_email"}
"""The first administrator's fields as the form labels them (the company has a name too)."""


def _person_problems(email: str, name: str) -> list[Problem]:
    """The first administrator read and checked as a person of a people file is (`tables.read`
    and `checks.person`: the one check of an e-mail address), named by the form's fields."""
    fields = {"email": email, "name": name, "role": str(Role.ADMIN)}
    read, wrong = tables.read("people", fields)
    unread = {p.field for p in wrong}
    wrong += [p for p in checks.person({**fields, **read}, checks.Known()) if p.field not in unread]
    return [replace(p, field=ADMIN_FIELDS.get(p.field, p.field)) for p in wrong]


def start(
    conn: sa.Connection,
    email: str,
    name: str,
    company: str,
    logo: bytes | None = None,
    colour: str = DEFAULT_COLOUR,
) -> Person:
    """A new store's first step, whole or not at all: its first administrator (`email`, `name`)
    and the company's name, logo and colour. Only while the store has nobody in it (from then on,
    administrators add people); every problem of both is reported at once. Audited as the new
    administrator."""
    if has_people(conn):
        raise Denied(Problem("company.has_people"))
    email, name = email.strip(), name.strip()
    wrong = problems(company, logo, colour) + _person_problems(email, name)  # in the form's order
    if wrong:
        raise Rejected(wrong)
    person = Person(identity.email_key(email), name, Role.ADMIN, None)
    Writer(conn, person.email).insert(
        s.person, {"email": person.email, "name": person.name, "role": str(person.role), "department": None}
    )
    write(conn, person, company, logo, colour)
    return person


def has_data(step: str, count: int) -> bool:
    """Whether a setup step has its data: any rows, but for people someone besides the one who
    set the company up (right after the welcome the step read "done: 1", an invitation to skip
    it, with only its administrator in)."""
    return count > (1 if step == "people" else 0)


def is_done(step: str, count: int) -> bool:
    """Whether a setup step is done: it has its data (`has_data`), or it is `OPTIONAL`."""
    return step in OPTIONAL or has_data(step, count)


def progress(conn: sa.Connection) -> dict[str, int]:
    """How many rows each setup step has (`STEPS`); survey answers count as monthly values."""
    counts = {
        step: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for step, table in STEPS
    }
    counts["measurements"] += conn.execute(
        sa.select(sa.func.count()).select_from(s.response_month)
    ).scalar_one()
    return counts


def is_demo(conn: sa.Connection) -> bool:
    """Whether the store holds the generated demo company (and nothing says otherwise)."""
    mark = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == DEMO_MARK)).scalar()
    return mark is not None
