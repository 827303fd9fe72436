"""One translation function for every user-facing string, and complete catalogues."""

import ast
import re
import string

import pytest

from kpi.text import fmt, i18n
from kpi.text.i18n import t
from tests.conftest import ROOT

LANGUAGES = [lang for lang in i18n.languages() if lang != "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_has_every_english_key(language):
    english, other = i18n.catalogue("en"), i18n.catalogue(language)
    assert sorted(set(english) - set(other)) == [], f"{language} lacks keys"
    assert sorted(set(other) - set(english)) == [], f"{language} has keys English lacks"


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    english, other = i18n.catalogue("en"), i18n.catalogue(language)
    wrong = [key for key in english if _placeholders(english[key]) != _placeholders(other.get(key, ""))]
    assert wrong == []


def test_a_new_language_is_one_file(tmp_path, monkeypatch):
    (tmp_path / "en.toml").write_text(
        (i18n.LOCALES_DIR / "en.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "nb.toml").write_text(
        '[meta]\nname = "Norsk"\nlocale = "nb_NO"\n[status.kpi]\ngreen = "På mål"\n', encoding="utf-8"
    )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    i18n.languages.cache_clear()
    try:
        assert i18n.languages() == ("en", "nb")
        with i18n.use("nb"):
            assert t("status.kpi.green") == "På mål"
            assert t("status.kpi.red") == "Off target"  # falls back to English
            assert fmt.number(1234.5, 1) == "1\xa0234,5"  # Norwegian number format
    finally:
        i18n.catalogue.cache_clear()
        i18n.languages.cache_clear()


def test_unknown_keys_show_themselves():
    assert t("no.such.key") == "no.such.key"


def test_language_is_per_context():
    with i18n.use("da"):
        assert t("status.goal.on_track") == "På sporet"
        with i18n.use("en"):
            assert t("status.goal.on_track") == "On track"
        assert t("status.goal.on_track") == "På sporet"


# --- no user-facing literal bypasses t() -----------------------------------------------------

TEXT_CALLS = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "write",
    "text",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "metric",
    "button",
    "selectbox",
    "multiselect",
    "radio",
    "segmented_control",
    "checkbox",
    "toggle",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "download_button",
    "page_link",
    "expander",
    "tabs",
    "badge",
    "progress",
    "Page",
    "form_submit_button",
    "popover",
    "add_argument",
    "add_parser",
    "ArgumentParser",
    "print",
}
TEXT_KEYWORDS = {
    "label",
    "help",
    "text",
    "placeholder",
    "title",
    "name",
    "description",
    "caption",
    "delta_description",
    "hovertemplate",
    "ticktext",
    "prog",
}
CHECKED = [
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "kpi" / "ui").rglob("*.py")),
    *sorted((ROOT / "kpi" / "output").glob("*.py")),
    ROOT / "app.py",
    ROOT / "kpi" / "cli.py",
]
WORDS = re.compile(r"[A-Za-zÆØÅæøå]{2,}")
ALLOWED = {"CX Cockpit", "python -m kpi"}
"""Product names, the same in every language."""


def _literal_text(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return ""


def _is_user_text(text):
    if text in ALLOWED or text.startswith((":material/", "pages/")) or text.endswith(".py"):
        return False
    cleaned = re.sub(r"<[^>]*>|%\{[^}]*\}|extra", "", text)
    return bool(WORDS.search(cleaned))


def _violations(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        arguments = [(None, a) for a in node.args] if name in TEXT_CALLS else []
        arguments += [(k.arg, k.value) for k in node.keywords if k.arg in TEXT_KEYWORDS]
        if name in {"add_argument", "add_parser"}:
            arguments = [(k, v) for k, v in arguments if k is not None]  # option names are not text
        for keyword, value in arguments:
            if _is_user_text(_literal_text(value)):
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} {name}({keyword or ''}) {_literal_text(value)!r}"
                )
    return found


def test_no_user_facing_literal_bypasses_translation():
    violations = [v for path in CHECKED for v in _violations(path)]
    assert violations == []


def test_the_checker_catches_a_bypass(tmp_path):
    sample = tmp_path / "page.py"
    sample.write_text(
        'import streamlit as st\nst.title("Quarterly review")\nst.caption(f"Owner: {x}")\n'
        'st.title(t("overview.title"))\nst.markdown(f"**{x}**")\n',
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = _violations(sample)
    finally:
        ROOT = saved
    assert len(found) == 2 and "Quarterly review" in found[0] and "Owner" in found[1]


def test_the_command_line_help_speaks_danish():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "kpi", "--lang", "da", "status", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.stdout.startswith("brug: python -m kpi status")
    assert "tilvalg" in result.stdout and "vis denne hjælp og afslut" in result.stdout
    assert "usage" not in result.stdout and "show this help" not in result.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "kpi", "--lang", "da", "frobnicate"], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "fejl: argument" in bad.stderr and "ugyldigt valg" in bad.stderr
