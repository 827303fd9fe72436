"""The frame every page stands in: language, who is looking, and which month.

Each page calls `sidebar()` first. It renders the shared sidebar (month, language and, in demo
mode, "view as"), whose values are bound to the URL (`?month=2026-10&lang=da`) and kept across
pages, and returns a `Context` with the viewer's scope. Pages never decide access themselves.

Identity comes from the `KPI_AUTH_MODE` setting (kpi.settings): `oidc` (Streamlit's `st.login`
against the provider in `.streamlit/secrets.toml`; what `auto` picks when an `[auth]` section is
configured), `header` (a
trusted reverse proxy sets the e-mail in the header named by `KPI_AUTH_HEADER`, default
`X-Forwarded-Email`) or `demo` (no sign-in, a visible banner and a "view as" picker; only when
`KPI_AUTH_MODE=demo` asks for it). With nothing configured (`auto` without an `[auth]` section)
the mode is `none`: the app is closed and says how to configure sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NoReturn

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from kpi import settings
from kpi.domain import access, identity, months
from kpi.domain.access import Scope
from kpi.domain.model import Person, Role
from kpi.store import engine
from kpi.text import fmt, i18n, plain
from kpi.text.i18n import t
from kpi.ui import data, firstrun, notices, prefetch, urlstate, widgets

_IN_APP = "_frame.app"

# A `pages/` folder beside app.py makes Streamlit start in its legacy multipage mode: until a run
# calls st.navigation, a deep link (`/goal_cascade?goal=S2`) right after a server start runs the
# page script alone, without app.py's layout and navigation. Every page imports this module, so
# the first such run switches the legacy mode off, and `sidebar()` reruns it through app.py.
# Streamlit has no public switch for this: its public way out is a folder not named `pages/`
# (its docs call the folder legacy). The house layout names it `pages/`, so until the folder is
# renamed this sets Streamlit's own class flag, the one st.navigation sets; tests/test_pages.py
# fails if a Streamlit release stops keeping legacy mode there.
PagesManager.uses_pages_directory = False


def enter_app() -> None:
    """Called by app.py before navigation: this session's runs go through the frame."""
    st.session_state[_IN_APP] = True


@dataclass(frozen=True)
class Context:
    url: str
    viewer: Person
    scope: Scope
    month: date
    language: str
    today: date
    """The company's today (`settings.today`), one for the whole run of a page."""


NO_SIGN_IN = "none"
"""The mode when nothing is configured: nobody is signed in and no data is served."""


def mode() -> str:
    """`oidc`, `header`, `demo` or `none`: the setting, with `auto` settled by the secrets.

    Closed by default: `auto` without an `[auth]` section is `none`, never `demo`."""
    configured = settings.current().auth_mode
    if configured != "auto":
        return configured
    return "oidc" if _has_auth_secrets() else NO_SIGN_IN


def _has_auth_secrets() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False


def apply_language() -> str:
    """Set this run's language from the sidebar choice or the URL; returns it."""
    i18n.set_default(settings.current().language)
    chosen = st.query_params.get("lang") or urlstate.current("lang")
    i18n.set_language(chosen)
    return i18n.current()


def _default_viewer(people: list[Person]) -> Person | None:
    candidates = [p for p in people if p.role is Role.EXECUTIVE] or people
    return candidates[0] if candidates else None


def identity_headers() -> list[str]:
    """Every value of the identity header in this request (header mode), as the proxy wrote it
    (`identity.header_text`)."""
    return [identity.header_text(v) for v in st.context.headers.get_all(settings.current().auth_header)]


def is_ambiguous() -> bool:
    """Whether the request names more than one identity: the header twice (a proxy that appends
    its header after the client's would otherwise let the client choose), or a list in one."""
    if mode() != "header":
        return False
    values = identity_headers()
    return len(values) > 1 or any("," in value for value in values)


def _known(by_email: dict[str, Person], email: object) -> Person | None:
    """The person an e-mail names, compared in the one normalised form (kpi.domain.identity);
    nobody for an address written with look-alike characters (a Kelvin sign for a K)."""
    text = str(email or "")
    if not text.strip() or identity.lookalikes(text.strip()):
        return None
    return by_email.get(identity.email_key(text))


def signed_in_email() -> str | None:
    """The e-mail the sign-in vouches for, whether or not the store knows it (the first
    administrator of an empty store is who signed in); None in demo mode and when nobody is."""
    if mode() == "header":
        values = identity_headers()
        return None if is_ambiguous() or not values else values[0].strip() or None
    if mode() == "oidc" and st.user.is_logged_in:
        return str(st.user.get("email") or "").strip() or None
    return None


def viewer(url: str) -> Person | None:
    """Who is looking, by the configured identity mode; None means nobody we know."""
    people = data.people(url)
    by_email = {identity.email_key(p.email): p for p in people}
    if mode() == "header":
        values = identity_headers()
        return None if is_ambiguous() or not values else _known(by_email, values[0])
    if mode() == "oidc":
        if not st.user.is_logged_in:
            return None
        return _known(by_email, st.user.get("email"))
    if mode() == "demo":
        chosen = st.query_params.get("as") or urlstate.current("as")
        return _known(by_email, chosen) if chosen else _default_viewer(people)
    return None


def person_label(person: Person) -> str:
    """A person as a picker offers them: `Mette Kjær · Executive` (who they are, not only a name)."""
    return f"{person.name} · {t('role.' + person.role)}"


def _month_picker(first: date, last: date, today: date) -> date:
    """The month every page reads: any from the first with values to the last, the last complete
    one (or the last with values, if earlier) to begin with. One early value for the running
    month made it everyone's month, most of its numbers not in yet ("Ingen data" on the
    strategic tiles), while the command line reads the last complete month (day-one trial)."""
    options = [months.key(m) for m in reversed(months.between(first, last))]
    settled = months.settled(last, today)
    other = urlstate.names_none_of("month", options)  # a month without numbers, or no month at all
    chosen = urlstate.selectbox(
        t("frame.month"),
        options,
        key="month",
        default=months.key(settled) if settled >= first else options[0],
        where=st.sidebar,
        format_func=lambda key: fmt.month_long(months.parse(key)),
        always_in_url=True,
    )
    if other:  # it showed another month, silently
        st.info(t("frame.month_not_held", month=fmt.month_long(months.parse(chosen))), icon=":material/info:")
    return months.parse(chosen)


def _language_picker() -> None:
    urlstate.selectbox(
        t("frame.language"),
        list(i18n.languages()),
        key="lang",
        default=i18n.default_language(),
        where=st.sidebar,
        format_func=i18n.language_name,
    )


def _view_as(url: str, current: Person | None) -> None:
    people = data.people(url)
    labels = {p.email: person_label(p) for p in people}
    default = _default_viewer(people)
    asked = st.query_params.get("as")
    if asked and identity.match(asked, list(labels)) is None:  # a link naming nobody: say whom it shows
        shown = labels.get(urlstate.current("as") or "", labels[default.email] if default else "")
        said = t("frame.view_as_unknown", email=plain.markdown(asked), shown=plain.markdown(shown))
        st.sidebar.warning(said, icon=":material/person_off:")  # what a link typed: plain text
    urlstate.selectbox(
        t("frame.view_as"),
        list(labels),
        key="as",
        default=default.email if default else None,
        where=st.sidebar,
        format_func=lambda email: labels[email],
        help=t("frame.view_as_help"),
    )


def deny(message: str, *, home: bool = False) -> NoReturn:
    """Stop the page politely: a message, no data; with `home`, a link to the Overview (a page
    outside the viewer's role is opened by a link someone sent, and a phone's menu is folded)."""
    st.title(t("app.title"))
    st.info(message, icon=":material/lock:")
    if home and st.session_state.get(_IN_APP):  # a page run alone has no Overview to link to
        widgets.overview_link(t("frame.to_overview"))
    if mode() == "oidc" and not st.user.is_logged_in:
        st.button(t("frame.sign_in"), on_click=st.login, type="primary", icon=":material/login:")
    elif mode() == "oidc":
        st.button(t("frame.sign_out"), on_click=st.logout, icon=":material/logout:")
    st.stop()


def _refuse_unknown() -> NoReturn:
    """Nobody the store knows: signed out, named twice, or an address it does not hold, which
    is named so that a typo in it (`@cykelhuset.dk` for `.com`) can be seen."""
    if is_ambiguous():
        deny(t("frame.ambiguous_viewer"))
    if mode() == "oidc" and not st.user.is_logged_in:
        deny(t("frame.sign_in_needed"))
    email = signed_in_email()
    deny(t("frame.unknown_email", email=plain.markdown(email)) if email else t("frame.unknown_viewer"))


def current_viewer() -> Person | None:
    """Who is looking, for app.py's navigation (a store without people has no viewer)."""
    try:
        return viewer(engine.resolve_url())
    except engine.StoreBusy:
        return None


def _first_run() -> NoReturn:
    """An empty store: whoever signs in first sets the company up (kpi.ui.firstrun)."""
    if mode() == "oidc" and not st.user.is_logged_in:
        deny(t("frame.sign_in_needed"))
    if mode() == "header" and signed_in_email() is None:
        deny(t("frame.ambiguous_viewer") if is_ambiguous() else t("frame.unknown_viewer"))
    _language_picker()
    firstrun.start(signed_in_email())


def _no_values_yet(url: str, person: Person) -> NoReturn:
    """A store without monthly values: an administrator sees what to bring in next and where,
    anybody else that the cockpit is being set up."""
    if person.role is not Role.ADMIN:
        deny(t("frame.no_data_yet"))
    st.title(t("firstrun.next_title", company=plain.markdown(data.company(url).title(t("app.title")))))
    firstrun.steps(url, person)
    st.stop()


def sidebar(page: str) -> Context:
    """Render the shared sidebar and return the page's context (stops the page when denied).

    `page` is the page's name in `kpi.domain.access.PAGES`: a viewer whose role may not open it sees
    a denial, even with a bookmarked address.
    """
    if not st.session_state.get(_IN_APP) and not st.session_state.get(_IN_APP + ".retried"):
        st.session_state[_IN_APP + ".retried"] = True
        st.rerun()  # a page run without app.py (see above): run again, once, through app.py
    language = apply_language()
    widgets.input_words()
    if mode() == NO_SIGN_IN:  # closed by default: nobody is anybody, so nothing is served
        deny(t("frame.no_sign_in"))
    url = engine.resolve_url()
    if mode() == "demo" and not data.is_demo(url):  # demo mode on a real store is never silent
        st.error(t("frame.demo_not_demo_store"), icon=":material/warning:")
    if not data.people(url):
        _first_run()
    person = viewer(url)
    if person is None and mode() != "demo":  # refused before anything of the store shows (its months)
        _language_picker()
        _refuse_unknown()
    today = settings.today()
    window = settings.window(today)  # never a month after the current one, nor before the window
    span = data.data_months(url, window.first, months.first_of(today))
    month = _month_picker(*span, today) if span else None
    _language_picker()
    if mode() == "demo":
        if data.is_demo(url):  # elsewhere the page itself says it in red (above)
            st.sidebar.warning(t("frame.demo_banner"), icon=":material/visibility:")
        _view_as(url, person)
        person = viewer(url)
    if person is None:
        _refuse_unknown()
    if not access.may_open(person, page):
        deny(t("frame.page_denied"), home=True)
    name = plain.markdown(person.name)
    said = "frame.viewing_as" if mode() == "demo" else "frame.signed_in_as"  # demo mode views as anyone
    st.sidebar.caption(t(said, name=name, role=t("role." + person.role)))
    st.sidebar.button(
        t("frame.refresh"),
        on_click=data.refresh,
        icon=":material/refresh:",
        help=t("frame.refresh_help"),
        key="frame.refresh",
    )
    if mode() == "oidc":
        st.sidebar.button(t("frame.sign_out"), on_click=st.logout, icon=":material/logout:")
    notices.confirm()  # "Saved." after the form that wrote reran the page
    prefetch.offer()  # the later pages' browser code, fetched while this one is read
    if month is None and page != "data":
        _no_values_yet(url, person)
    # the Data page of a store without values yet works on the last complete month
    chosen = month or months.last_complete(today)
    return Context(url, person, data.scope(url, person), chosen, language, today)
