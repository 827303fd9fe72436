"""The one place the app tells a person about a `CockpitError`: a message in words, no traceback.

Forms call `show` when a change is refused. app.py runs the frame and every page inside
`guarded()`, so a bad setting, a busy store or a refusal while a page loads is a message too,
and the page stops there. A store that is busy (a long import holds the DuckDB file) or cannot
be reached (the database server is down) comes with a "Try again" button, which reads the store
afresh. Each kind of error has its icon; the words come from kpi.text.words.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi.domain.errors import BadSetting, Busy, CockpitError, Denied, Unavailable
from kpi.text import plain, words
from kpi.text.i18n import t

ICONS = {
    Denied: ":material/lock:",
    Busy: ":material/hourglass_top:",
    Unavailable: ":material/cloud_off:",
    BadSetting: ":material/settings_alert:",
}
REFUSED_ICON = ":material/block:"
_SAVED = "notices.saved"
"""The session key of a confirmation owed: a save reruns the page, and the rerun shows it."""


def icon(error: CockpitError) -> str:
    return next((shown for kind, shown in ICONS.items() if isinstance(error, kind)), REFUSED_ICON)


def show(error: CockpitError, where: DeltaGenerator | None = None) -> None:
    """The error as one message (several problems as a list), on the page or in `where`."""
    lines = [plain.markdown(words.problem(found)) for found in error.problems]  # may quote what was typed
    text = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
    if where is None:
        st.error(text, icon=icon(error))
    else:
        where.error(text, icon=icon(error))


def saved(message: str = "") -> None:
    """Confirm a change on the run that shows it (the form that wrote it reruns the page): "Saved.",
    or `message` where it says what the change did."""
    st.session_state[_SAVED] = message or t("forms.saved")


def confirm() -> None:
    """Show a confirmation owed, once: every page's frame calls this."""
    message = st.session_state.pop(_SAVED, None)
    if message:
        st.toast(message, icon=":material/check_circle:")


@contextmanager
def guarded() -> Iterator[None]:
    """Run a page: a `CockpitError` it raises is shown, and the page stops there."""
    try:
        yield
    except CockpitError as error:
        show(error)
        if isinstance(error, Busy | Unavailable):
            st.button(t("store.retry"), on_click=_afresh, icon=":material/refresh:", key="notices.retry")
        st.stop()


def _afresh() -> None:
    """Forget what was cached, the store's engine included, so the next run opens it anew."""
    from kpi.ui import data

    data.refresh()
    data.forget_store()
