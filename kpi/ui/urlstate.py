"""Selections that live in the URL as codes (`?month=2026-10&department=CS&goal=S2`).

Streamlit's own `bind="query-params"` writes a widget's *label* into the URL, so a link would
read `?month=October 2026` and break for a reader in another language. This helper keeps codes
in the URL instead. A URL value that changed from outside (a link, a bookmark) wins over the
session; otherwise the session's choice wins and is written back, so the address bar always
shows the view you are looking at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from kpi.domain import identity

_LAST = "_url."
_KEEP = "_keep."


def _adopt(key: str, options: Sequence[Any], default: Any) -> None:
    """Seed the widget's state before it renders: an outside URL change, else the last choice.

    Always assigned, never left to the widget: each page's widgets have identities of their
    own, so a value chosen on one page would not reach the same key's widget on the next.
    """
    url_value = _option(st.query_params.get(key), options)
    if url_value is not None and url_value != st.session_state.get(_LAST + key):
        value = url_value
    else:
        value = st.session_state.get(key, st.session_state.get(_KEEP + key, default))
    st.session_state[key] = value if value in options else default


def _option(text: str | None, options: Sequence[Any]) -> Any:
    """The option a URL value names: itself, or a code written in another case (`?department=it`
    is the department `IT`, as the store spells it)."""
    if text is None or text in options:
        return text
    return identity.match(text, [o for o in options if isinstance(o, str)])


def names_none_of(key: str, options: Sequence[Any]) -> bool:
    """Whether the address names under `key` something none of `options` is, in any case: a
    link to what the reader does not read, or to nothing (`?department=it` names `IT`)."""
    text = st.query_params.get(key)
    return bool(text) and _option(text, options) is None


def _publish(key: str, value: Any, default: Any, always: bool) -> None:
    st.session_state[_KEEP + key] = value
    text = None if value is None or (value == default and not always) else str(value)
    if text is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != text:
        st.query_params[key] = text
    st.session_state[_LAST + key] = text


def current(key: str) -> Any:
    """The latest choice for `key`, also on a page that does not show its widget."""
    return st.session_state.get(key, st.session_state.get(_KEEP + key))


def selectbox(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    default: Any = None,
    format_func: Callable[[Any], str] = str,
    where: Any = None,
    help: str | None = None,  # noqa: A002 - Streamlit's own argument name
    placeholder: str | None = None,
    always_in_url: bool = False,
) -> Any:
    """A selectbox whose value is kept in the URL under `key` (as the option's code).

    A `None` among the options shows as `placeholder` (nothing chosen yet). The default value
    is left out of the URL unless `always_in_url` (the month: a link must not drift to the
    next month when it is opened later).
    """
    _adopt(key, options, default)
    choices = [o for o in options if o is not None]
    value = (where or st).selectbox(
        label, choices, key=key, format_func=format_func, help=help, placeholder=placeholder
    )
    _publish(key, value, default, always_in_url)
    return value
