"""One translation function for every user-facing string: `t("key", **params)`.

Catalogues are TOML files in `kpi/locales/`, one per language (`en.toml`, `da.toml`); a third
language is one more file, found at run time. Nested tables become dotted keys
(`[status.kpi] green = …` → `status.kpi.green`). The language is per user: the app sets it for
each run of a page, the command line from `--lang`, and both fall back to the default, which the
front end sets from the `KPI_LANGUAGE` setting (kpi.settings), else English. A ContextVar holds
it, so concurrent Streamlit sessions, each on its own thread, never see each other's choice.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).with_name("locales")
FALLBACK = "en"

_language: ContextVar[str | None] = ContextVar("kpi_language", default=None)
_default = FALLBACK


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{dotted}."))
        else:
            flat[dotted] = str(value)
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """All messages of one language as a flat `key → text` mapping."""
    path = LOCALES_DIR / f"{language}.toml"
    with path.open("rb") as handle:
        return _flatten(tomllib.load(handle))


@cache
def languages() -> tuple[str, ...]:
    """The language codes that have a catalogue, English first."""
    found = sorted(p.stem for p in LOCALES_DIR.glob("*.toml"))
    return tuple(sorted(found, key=lambda code: code != FALLBACK))


def language_name(language: str) -> str:
    """The language's own name for itself (`Dansk`), from its catalogue."""
    return catalogue(language)["meta.name"]


def babel_locale(language: str | None = None) -> str:
    """The Babel locale used for numbers and dates in `language` (e.g. `da_DK`)."""
    return catalogue(language or current())["meta.locale"]


def default_language() -> str:
    """The language of a run that has not chosen one."""
    return _default


def set_default(language: str) -> None:
    """Make `language` the default for the whole process (from the settings, at start)."""
    global _default
    _default = language if language in languages() else FALLBACK


def current() -> str:
    """The language of the current run (page run, command, export)."""
    return _language.get() or default_language()


def set_language(language: str | None) -> None:
    """Choose the language for the rest of this run; unknown codes fall back to the default."""
    _language.set(language if language in languages() else None)


@contextmanager
def use(language: str) -> Iterator[None]:
    """Temporarily render in `language` (tests, exports for another audience)."""
    token = _language.set(language if language in languages() else None)
    try:
        yield
    finally:
        _language.reset(token)


def t(key: str, **params: object) -> str:
    """The message `key` in the current language, with `{name}` placeholders filled in.

    A key missing from the current catalogue falls back to English; a key missing everywhere
    is shown as the key itself, so a gap is visible rather than fatal (tests forbid gaps).
    """
    text = catalogue(current()).get(key) or catalogue(FALLBACK).get(key)
    if text is None:
        return key
    return text.format(**params) if params else text
