"""One translation function for every user-facing string: `t("key", **params)`.

Catalogues are TOML files in `kpi/locales/`, one per language (`en.toml`, `da.toml`); a third
language is one more file, found at run time. Nested tables become dotted keys
(`[status.kpi] green = …` → `status.kpi.green`). The language is per user: the app sets it for
each run of a page, the command line from `--lang`, and both fall back to the default, which the
front end sets from the `KPI_LANGUAGE` setting (kpi.settings), else English. A ContextVar holds
it, so concurrent Streamlit sessions, each on its own thread, never see each other's choice.

A message that shows a count has one text per plural form of its language, chosen by the
`count` parameter with Babel's CLDR rules (`Locale.plural_form`): a table whose keys are plural
forms, `[forms.explain] one = "{count} number moved …"`, `other = "{count} numbers moved …"`.
English and Danish tell `one` from `other`; a language with more forms (Polish: `few`, `many`)
lists them all, and tests/test_i18n.py checks every such entry has exactly the forms its
language needs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.plural import PluralRule

LOCALES_DIR = Path(__file__).with_name("locales")
FALLBACK = "en"

_language: ContextVar[str | None] = ContextVar("kpi_language", default=None)
_default = FALLBACK


PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})
"""CLDR's plural categories; a catalogue table holding only these (and `other`) is one message."""


def _is_plural(value: object) -> bool:
    return isinstance(value, dict) and "other" in value and set(value) <= PLURAL_FORMS


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{dotted}."))
        else:
            flat[dotted] = str(value)
    return flat


def _plural_tables(table: dict, prefix: str = "") -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        if _is_plural(value):
            found[dotted] = {form: str(text) for form, text in value.items()}
        elif isinstance(value, dict):
            found.update(_plural_tables(value, f"{dotted}."))
    return found


@cache
def _load(language: str) -> dict[str, Any]:
    """One language's catalogue file as TOML reads it, read once (its texts and its counted
    messages are both made from it)."""
    with (LOCALES_DIR / f"{language}.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def catalogue(language: str) -> dict[str, str]:
    """Every text of one language as a flat `key → text` mapping; the forms of a counted
    message are there as `key.one`, `key.other` …"""
    return _flatten(_load(language))


@cache
def plurals(language: str) -> dict[str, dict[str, str]]:
    """The counted messages of one language: `key → {plural form → text}`."""
    return _plural_tables(_load(language))


def messages(language: str) -> set[str]:
    """The keys `t()` takes in `language`: a counted message once, by its own key."""
    counted = plurals(language)
    forms = {f"{key}.{form}" for key, texts in counted.items() for form in texts}
    return (set(catalogue(language)) - forms) | set(counted)


@cache
def plural_rule(language: str) -> PluralRule:
    """Babel's plural rule of `language`: a count → its plural form (`1` → `one` in English)."""
    return Locale.parse(babel_locale(language)).plural_form


def plural_forms(language: str) -> frozenset[str]:
    """The plural forms a counted message needs in `language`: `one` and `other` in English."""
    return plural_rule(language).tags | {"other"}


@cache
def languages() -> tuple[str, ...]:
    """The language codes that have a catalogue, English first."""
    found = sorted(p.stem for p in LOCALES_DIR.glob("*.toml"))
    return tuple(sorted(found, key=lambda code: code != FALLBACK))


def reload() -> None:
    """Read the catalogues afresh (tests that write a language of their own)."""
    for cached in (_load, catalogue, plurals, plural_rule, languages):
        cached.cache_clear()


def language_name(language: str) -> str:
    """The language's own name for itself (`Dansk`), from its catalogue."""
    return catalogue(language)["meta.name"]


def babel_locale(language: str | None = None) -> str:
    """The Babel locale used for numbers and dates in `language` (e.g. `da_DK`)."""
    return catalogue(language or current())["meta.locale"]


def language_tag(language: str | None = None) -> str:
    """The locale of `language` as documents tag their text (`da-DK`): the packs' runs, and the
    locale LibreOffice writes a PDF's chart numbers in."""
    return babel_locale(language).replace("_", "-")


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

    A counted message takes its form from `count` (`t("forms.explain", count=1, …)`). A key
    missing from the current catalogue falls back to English; a key missing everywhere is shown
    as the key itself, so a gap is visible rather than fatal (tests forbid gaps).
    """
    text = _message(current(), key, params) or _message(FALLBACK, key, params)
    if text is None:
        return key
    count = params.get("count")
    if isinstance(count, int) and not isinstance(count, bool) and abs(count) >= 1000:
        from kpi.text import fmt  # the one way a number is written (fmt reads this module's language)

        params = {**params, "count": fmt.number(count)}  # "57,084 rows", not "57084 rows"
    return text.format(**params) if params else text


def _message(language: str, key: str, params: dict[str, object]) -> str | None:
    forms = plurals(language).get(key)
    if forms is None:
        return catalogue(language).get(key)
    count = params.get("count")
    if not isinstance(count, int | float):
        raise TypeError(f"{key} is a counted message: call t({key!r}, count=<a number>, …)")
    return forms.get(plural_rule(language)(abs(count))) or forms["other"]
