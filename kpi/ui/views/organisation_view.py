"""The Data page's administration: departments and people, created, changed, retired, restored.

Only administrators reach the Data page, and the store checks again (kpi.store.organisation),
which also reports every problem of a form at once. Every field has a key of its own, so a form
that was refused keeps what was typed; after a new department or person is saved, the picker
moves to it and the empty form is ready for the next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

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


def _choice(label: str, options: dict[str, str], current: str | None, key: str) -> str:
    """A picker of codes shown by name; `current` chosen when it is among them."""
    codes = list(options)
    return st.selectbox(
        label,
        codes,
        index=codes.index(current) if current in codes else 0,
        key=key,
        format_func=lambda code: options[code],
    )


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
    if clicked and forms.write(ctx, retire, today=None if retired else date.today(), **which):
        st.rerun()


def department_editor(ctx: Context, org: data.Organisation) -> None:
    st.caption(t("organisation.intro_departments"))
    departments: dict[str, Department] = {d.code: d for d in org["departments"]}
    labels = {
        code: f"{d.name} ({code})" + (f" · {t('organisation.retired')}" if d.retired_at else "")
        for code, d in departments.items()
    }
    code = _pick("department", labels, "data.department")
    item = departments.get(code)
    key = f"data.department.{code or 'new'}"
    parents = {NEW: t("organisation.none")} | {
        c: d.name for c, d in departments.items() if d.retired_at is None and c != code
    }
    with st.form(key):
        values = {
            "code": st.text_input(t("field.code"), code, disabled=item is not None, key=f"{key}.code"),
            "name": st.text_input(t("field.name"), item.name if item else "", key=f"{key}.name"),
            "parent": _choice(
                t("organisation.field_parent"), parents, item.parent if item else None, f"{key}.parent"
            ),
        }
        saved = st.form_submit_button(t("forms.save"), type="primary")
    if saved:
        values["created"] = identity.code_key(values["code"])
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


def person_editor(ctx: Context, org: data.Organisation) -> None:
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
    departments = {NEW: t("organisation.none")} | {
        d.code: d.name for d in org["departments"] if d.retired_at is None
    }
    roles = {str(role): t(f"role.{role}") for role in Role}
    with st.form(key):
        values = {
            "email": st.text_input(
                t("field.email"),
                email,
                disabled=item is not None,
                key=f"{key}.email",
                help=t("organisation.email_help"),
            ),
            "name": st.text_input(t("field.name"), item.name if item else "", key=f"{key}.name"),
            "role": _choice(t("field.role"), roles, str(item.role) if item else None, f"{key}.role"),
            "department": _choice(
                t("field.department"), departments, item.department if item else None, f"{key}.department"
            ),
        }
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
