"""The Data page's administration: departments and people, created, changed, retired, restored.

Only administrators reach the Data page, and the store checks again (kpi.store.organisation),
which also reports every problem of a form at once. Every field has a key of its own, so a form
that was refused keeps what was typed; after a new department or person is saved, the picker
moves to it and the empty form is ready for the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from kpi.domain import identity
from kpi.domain.model import Department, Person, Role
from kpi.store import organisation
from kpi.text.i18n import t
from kpi.ui import data, forms
from kpi.ui.frame import Context

NEW = ""  # the "new …" choice: Streamlit shows a None option as "no choice"


def _pick(kind: str, labels: dict[str, str], key: str) -> str:
    """The picker: "New …" first, then every item; a department or person just created is chosen,
    and the form it was typed into starts empty again."""
    created = st.session_state.pop(f"{key}.created", None)
    if created in labels:
        st.session_state[key] = created
        stale = [name for name in st.session_state if str(name).startswith(f"{key}.new.")]
        for name in stale:
            del st.session_state[name]
    return st.selectbox(
        t(f"organisation.choose_{kind}"),
        [NEW, *labels],
        key=key,
        format_func=lambda code: t(f"organisation.new_{kind}") if code == NEW else labels[code],
    )


def _choice(
    label: str, options: dict[str, str], current: str | None, key: str, placeholder: str | None = None
) -> str:
    """A picker of codes shown by name; `current` chosen when it is among them, else the first,
    or nothing (the `placeholder`) when one is given: a choice that must be made on purpose."""
    codes = list(options)
    index = codes.index(current) if current in codes else (None if placeholder else 0)
    chosen = st.selectbox(
        label,
        codes,
        index=index,
        key=key,
        format_func=lambda code: options[code],
        placeholder=placeholder or "",
    )
    return chosen or ""


def _saved(ctx: Context, change: Callable[..., str], values: dict[str, str], is_new: bool, key: str) -> None:
    """Save through the store; a new item becomes the picker's choice after the rerun."""
    if forms.write(ctx, change, values=values, is_new=is_new):
        if is_new:
            st.session_state[f"{key}.created"] = values["created"]
        st.rerun()


def _retire_button(
    ctx: Context,
    retired: bool,
    words: tuple[str, str, str],
    key: str,
    retire: Callable[..., str],
    **which: str,
) -> None:
    """Retire `which` item, or restore it when retired: `words` are the catalogue keys of the
    restore and retire labels and of the help."""
    restore_word, retire_word, help_word = words
    label = t(restore_word) if retired else t(retire_word)
    icon = ":material/unarchive:" if retired else ":material/archive:"
    clicked = st.button(label, key=f"{key}.retire", icon=icon, help=t(help_word))
    if clicked and forms.write(ctx, retire, today=None if retired else ctx.today, **which):
        st.rerun()


def department_editor(ctx: Context, org: data.Organisation, active: Sequence[Department]) -> None:
    """`org` holds every department with its stored name (the one edited here); `active` the
    departments that may be chosen as a parent, named in the reader's language."""
    st.caption(t("organisation.intro_departments"))
    departments: dict[str, Department] = {d.code: d for d in org["departments"]}
    labels = {
        code: f"{d.name} ({code})" + (f" · {t('organisation.retired')}" if d.retired_at else "")
        for code, d in departments.items()
    }
    code = _pick("department", labels, "data.department")
    item = departments.get(code)
    key = f"data.department.{code or 'new'}"
    parents = {NEW: t("organisation.none")} | {d.code: d.name for d in active if d.code != code}
    with st.form(key):
        left, right = st.columns(2)  # a row at a time, so a phone stacks them in reading order
        values = {
            "code": left.text_input(t("field.code"), code, disabled=item is not None, key=f"{key}.code"),
            "name": right.text_input(t("field.name"), item.name if item else "", key=f"{key}.name"),
        }
        with st.columns(2)[0]:
            values["parent"] = _choice(
                t("organisation.field_parent"), parents, item.parent if item else None, f"{key}.parent"
            )
        saved = st.form_submit_button(t("forms.save"), type="primary")
    if saved:
        values["created"] = identity.spelling(values["code"])  # a new code keeps its spelling
        _saved(ctx, organisation.save_department, values, item is None, "data.department")
    if item is not None:
        _retire_button(
            ctx,
            item.retired_at is not None,
            ("definitions.restore", "definitions.retire", "definitions.retire_help"),
            key,
            organisation.retire_department,
            code=item.code,
        )


def person_editor(ctx: Context, org: data.Organisation, active: Sequence[Department]) -> None:
    """`org` holds every person; `active` the departments one may belong to, named in the
    reader's language."""
    st.caption(t("organisation.intro_people"))
    people: dict[str, Person] = {p.email: p for p in org["people"]}
    labels = {
        email: f"{p.name} · {t('role.' + p.role)} ({email})"
        + (f" · {t('organisation.deactivated')}" if p.retired_at else "")
        for email, p in people.items()
    }
    email = _pick("person", labels, "data.person")
    item = people.get(email)
    key = f"data.person.{email or 'new'}"
    departments = {NEW: t("organisation.none")} | {d.code: d.name for d in active}
    roles = {str(role): t(f"role.{role}") for role in Role}
    with st.form(key):
        left, right = st.columns(2)  # a row at a time, so a phone stacks them in reading order
        values = {
            "email": left.text_input(
                t("field.email"),
                email,
                disabled=item is not None,
                key=f"{key}.email",
                help=t("organisation.email_help"),
            ),
            "name": right.text_input(t("field.name"), item.name if item else "", key=f"{key}.name"),
        }
        left, right = st.columns(2)
        with left:
            role = str(item.role) if item else None
            values["role"] = _choice(
                t("field.role"), roles, role, f"{key}.role", placeholder=t("organisation.choose_role")
            )
        with right:
            values["department"] = _choice(
                t("field.department"), departments, item.department if item else None, f"{key}.department"
            )
        saved = st.form_submit_button(t("forms.save"), type="primary")
    if saved:
        values["created"] = identity.email_key(values["email"])
        _saved(ctx, organisation.save_person, values, item is None, "data.person")
    if item is not None:
        _retire_button(
            ctx,
            item.retired_at is not None,
            ("organisation.reactivate", "organisation.deactivate", "organisation.deactivate_help"),
            key,
            organisation.retire_person,
            email=item.email,
        )
