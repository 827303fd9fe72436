"""A new company's first steps in the app: nobody meets a dead end on an empty store.

On a store with nobody in it, `start` asks for the company (name, logo and colour for the
packs) and its first administrator, in one form, written whole or not at all
(kpi.store.company.start). From then on `steps` shows an administrator what to bring in next,
in the order the data goes in, with a template for each kind and the way to the Data page's
import; `python -m kpi init` prints the same steps (kpi.store.company.STEPS).
"""

from __future__ import annotations

import functools
from typing import NoReturn

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi.domain.errors import CockpitError
from kpi.domain.model import Person, Role
from kpi.files import templates
from kpi.store import company, engine
from kpi.text import i18n
from kpi.text.i18n import t
from kpi.ui import data, notices, widgets

DATA_PAGE = "pages/data.py"
LOGO_TYPES = ["png", "jpg", "jpeg"]


def company_fields(prefix: str, name: str, colour: str) -> tuple[str, bytes | None, str]:
    """The company's name, logo and colour for the packs, inside a form: the welcome's and the
    Company tab's (keys `<prefix>.company_name`, `.logo`, `.colour`), shown with `name` and `colour`.
    Returns what was typed, the uploaded logo's bytes (None without one) and the colour."""
    typed = st.text_input(t("company.name"), value=name, key=f"{prefix}.company_name", max_chars=200)
    logo = widgets.file_uploader(
        t("company.logo"),
        LOGO_TYPES,
        f"{prefix}.logo",
        tip=t("company.logo_help"),
        limit_bytes=company.LOGO_MAX_BYTES,
    )
    chosen = st.color_picker(
        t("company.colour"), colour, key=f"{prefix}.colour", help=t("company.colour_help")
    )
    return typed, logo.getvalue() if logo else None, chosen


def start(signed_in: str | None) -> NoReturn:
    """The empty store's welcome: the company and its first administrator, in one form.
    `signed_in` is the e-mail the sign-in vouches for (it becomes the administrator's); in demo
    mode there is none, and the form asks for one."""
    st.title(t("firstrun.title"))
    st.markdown(t("firstrun.intro"))
    with st.form("firstrun.start", border=True):
        st.subheader(t("firstrun.company_heading"))
        name, logo, colour = company_fields("firstrun", "", company.DEFAULT_COLOUR)
        st.subheader(t("firstrun.admin_heading"))
        st.caption(t("firstrun.admin_explain"))
        admin = st.text_input(t("firstrun.admin_name"), key="firstrun.admin_name", max_chars=200)
        if signed_in is None:
            email = st.text_input(t("firstrun.admin_email"), key="firstrun.admin_email", max_chars=254)
        else:
            email = st.text_input(t("firstrun.admin_email"), value=signed_in, disabled=True)
            email = signed_in
        submitted = st.form_submit_button(
            t("firstrun.create"), type="primary", icon=":material/rocket_launch:"
        )
    if submitted:  # a refused form keeps what was typed: its widgets hold it
        try:
            with engine.writing(data.store()) as conn:
                company.start(conn, email, admin, name, logo, colour)
        except CockpitError as refusal:
            notices.show(refusal)
        else:
            data.changed()
            st.rerun()
    st.stop()


def steps(url: str, viewer: Person, *, expanded: bool = True) -> None:
    """What to bring in next, in order, with a template each; for administrators only."""
    if viewer.role is not Role.ADMIN:
        return
    done = data.setup_progress(url)
    with st.expander(t("firstrun.steps_title"), expanded=expanded, icon=":material/checklist:"):
        st.markdown(t("firstrun.steps_intro"))
        for number, (kind, _) in enumerate(company.STEPS, start=1):
            count = done[kind]
            finished = company.has_data(kind, count)
            mark = t("firstrun.step_done", count=count) if finished else _to_do(kind, count)
            icon = "✓" if finished else "–" if kind in company.OPTIONAL else "○"
            text, button = st.columns([4, 1], vertical_alignment="center")
            # the answers' kind as the import's picker names it (the command line: `responses`)
            step = t(f"firstrun.step_{kind}", responses=t("imports.kind_responses"))
            text.markdown(f"{icon} **{number}. {t(f'imports.kind_{kind}')}** · {mark}  \n{step}")
            template_button(button, kind, f"firstrun.template.{kind}")
        st.page_link(DATA_PAGE, label=t("firstrun.open_data"), icon=":material/upload_file:")
        st.caption(t("firstrun.command_line"))


def _to_do(kind: str, count: int) -> str:
    """A step still to do; people with only the administrator in say so."""
    if kind in company.OPTIONAL:
        return t("firstrun.step_optional")
    return t("firstrun.step_only_you") if kind == "people" and count else t("firstrun.step_to_do")


def template_button(place: DeltaGenerator, kind: str, key: str) -> None:
    """The download of `kind`'s template (`kpi.files.templates`: a workbook in the reader's
    language), made when it is asked for (openpyxl is not loaded to draw the page)."""
    place.download_button(
        t("firstrun.template"),
        functools.partial(templates.workbook, kind, i18n.current()),
        file_name=f"{t(f'imports.kind_{kind}')}.xlsx",
        mime=templates.MIME,
        icon=":material/download:",
        key=key,
        help=t("firstrun.template_help"),
    )


def remaining(url: str, viewer: Person) -> None:
    """The steps, folded away, while an administrator's company still misses one of them."""
    if viewer.role is Role.ADMIN and not all(
        company.is_done(k, n) for k, n in data.setup_progress(url).items()
    ):
        steps(url, viewer, expanded=False)
