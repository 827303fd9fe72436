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
    english, other = i18n.messages("en"), i18n.messages(language)
    assert sorted(english - other) == [], f"{language} lacks keys"
    assert sorted(other - english) == [], f"{language} has keys English lacks"
    assert set(i18n.plurals(language)) == set(i18n.plurals("en")), "counted in one language, not the other"


SAME_WORDS = [("attention.red_kpi", "status.kpi.red")]
"""Keys that name one thing in two places: a KPI off its target is called the same on its card,
in the attention list and in the pack (Danish had "Uden for" in one, "Langt fra" in the other)."""


@pytest.mark.parametrize("language", i18n.languages())
def test_one_thing_has_one_name(language):
    catalogue = i18n.catalogue(language)
    assert [(a, b) for a, b in SAME_WORDS if catalogue[a] != catalogue[b]] == []


@pytest.mark.parametrize("language", i18n.languages())
def test_a_number_written_in_a_message_keeps_its_unit_on_its_line(language):
    """ "94,3 % for 0,943" broke between the number and its percent sign on a phone: a number
    the catalogue writes itself is joined to its unit by a no-break space."""
    catalogue = i18n.catalogue(language)
    broken = {key: text for key, text in catalogue.items() if re.search(r"\d (%|kB|MB)", text)}
    assert broken == {}


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    english, other = i18n.catalogue("en"), i18n.catalogue(language)
    counted = i18n.plurals("en")
    plain = i18n.messages("en") - set(counted)
    wrong = [key for key in plain if _placeholders(english[key]) != _placeholders(other.get(key, ""))]
    for key, forms in counted.items():
        needed = _placeholders(forms["other"])
        translated = i18n.plurals(language).get(key, {})
        if _placeholders(translated.get("other", "")) != needed:
            wrong.append(f"{key}.other")
        # a form for one thing may leave the count (or how many are shown) unsaid, never add one
        wrong += [f"{key}.{form}" for form, text in translated.items() if not _placeholders(text) <= needed]
    assert wrong == []


def test_a_new_language_is_one_file(tmp_path, monkeypatch):
    (tmp_path / "en.toml").write_text(
        (i18n.LOCALES_DIR / "en.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "nb.toml").write_text(
        '[meta]\nname = "Norsk"\nlocale = "nb_NO"\n[status.kpi]\ngreen = "På mål"\n', encoding="utf-8"
    )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.reload()
    try:
        assert i18n.languages() == ("en", "nb")
        with i18n.use("nb"):
            assert t("status.kpi.green") == "På mål"
            assert t("status.kpi.red") == "Off target"  # falls back to English
            assert fmt.number(1234.5, 1) == "1\xa0234,5"  # Norwegian number format
    finally:
        monkeypatch.undo()
        i18n.reload()


# --- counts: Babel's plural rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        (
            "en",
            1,
            "1 number needs a word (a new signal, or red with its target out of reach) and has",
        ),
        (
            "en",
            2,
            "2 numbers need a word (a new signal, or red with their target out of reach) and",
        ),
        (
            "en",
            0,
            "0 numbers need a word (a new signal, or red with their target out of reach) and",
        ),
        ("da", 1, "1 tal kræver en forklaring (et nyt signal, eller rødt uden udsigt"),
        ("da", 3, "3 tal kræver en forklaring (et nyt signal, eller røde uden udsigt"),
    ],
)
def test_a_count_picks_its_plural_form(language, count, expected):
    with i18n.use(language):
        assert t("forms.explain", count=count, names="NPS").startswith(expected)


def test_the_examples_that_read_wrong_now_read_right():
    assert t("smart_page.waiting", count=1) == "One of your goals waits for your acceptance"
    assert t("cli.import_rejected", count=1).startswith("Nothing was imported: fix the problem above")
    with i18n.use("da"):
        assert "ret problemet ovenfor" in t("cli.import_rejected", count=1)
        assert "ret de 2 problemer ovenfor" in t("cli.import_rejected", count=2)


def test_a_counted_message_needs_its_count():
    with pytest.raises(TypeError, match="count"):
        t("forms.explain", names="NPS")


@pytest.mark.parametrize("language", i18n.languages())
def test_every_entry_with_a_count_has_the_forms_its_language_needs(language):
    """A message that shows `{count}` is counted, with exactly the plural forms Babel's CLDR
    rules tell apart in the language (English and Danish: one, other)."""
    needed = i18n.plural_forms(language)
    counted = i18n.plurals(language)
    english = i18n.catalogue("en")
    showing_a_count = {
        key
        for key in i18n.messages("en")
        if "count" in _placeholders(english.get(key) or english[f"{key}.other"])
    }
    assert sorted(showing_a_count - set(counted)) == [], "shows {count} but has no plural forms"
    wrong = {key: sorted(forms) for key, forms in counted.items() if set(forms) != needed}
    assert wrong == {}, f"{language} needs exactly {sorted(needed)}"


def test_a_language_with_more_plural_forms_gets_them(tmp_path, monkeypatch):
    """Polish tells one, few and many apart; its catalogue lists them and Babel picks."""
    (tmp_path / "en.toml").write_text(
        (i18n.LOCALES_DIR / "en.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "pl.toml").write_text(
        '[meta]\nname = "Polski"\nlocale = "pl_PL"\n[audit.count]\n'
        'one = "{count} zmiana"\nfew = "{count} zmiany"\nmany = "{count} zmian"\nother = "{count} zmiany"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.reload()
    try:
        assert i18n.plural_forms("pl") == {"one", "few", "many", "other"}
        with i18n.use("pl"):
            said = [t("audit.count", count=n, shown=n) for n in (1, 3, 5, 22)]
        assert said == ["1 zmiana", "3 zmiany", "5 zmian", "22 zmiany"]
    finally:
        monkeypatch.undo()
        i18n.reload()


# --- Danish words: goal is "mål", target is "målværdi" -----------------------------------------

_BARE_MAAL = re.compile(r"\bmål(et|ene|s)?\b", re.IGNORECASE)
"""`mål` and its forms on their own: a goal in Danish, never a target."""


def _about_targets(danish):
    """(key, English without placeholders, Danish) of every message whose English names a target."""
    for key, text in i18n.catalogue("en").items():
        words = re.sub(r"\{[^}]*\}", "", text)
        if re.search(r"\btargets?\b", words, re.IGNORECASE):
            yield key, words, danish[key]


def _bare_maal(danish):
    """Messages about a target and not a goal whose Danish says a bare "mål"."""
    return [
        key
        for key, english, text in _about_targets(danish)
        if not re.search(r"\bgoals?\b", english, re.IGNORECASE) and _BARE_MAAL.search(text)
    ]


README_SECTION = re.compile(r"(?:section “([^”]+)”|afsnittet »([^«]+)«)")
"""How a message points into README.md: `section “Importing data”` (`afsnittet »…«` in Danish:
the README is written in English, so its headings are named as it writes them)."""


@pytest.mark.parametrize("language", i18n.languages())
def test_every_readme_section_a_message_names_is_a_readme_heading(language):
    headings = {
        line.lstrip("#").strip()
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }
    catalogue = i18n.catalogue(language)
    texts = [text for text in catalogue.values() if isinstance(text, str) and "README" in text]
    named = [name for text in texts for found in README_SECTION.findall(text) for name in found if name]
    assert "Getting numbers in automatically" in named  # the pull's "no sources" message, for one
    assert [name for name in named if name not in headings] == []
    # a message that points to the README names its section as above, or none at all
    assert [text for text in texts if re.search(r"README(\.md)?[ ,]*\(?[A-Z][a-z]", text)] == []


@pytest.mark.parametrize(("language", "marks"), [("en", "“”"), ("da", "»«")])
def test_every_message_quotes_in_its_language_s_marks(language, marks):
    """Danish quoted with “…”, »…« and "…" in turn (a review, a trial): each language quotes one
    way, and no message uses the other's marks or straight double quotes."""
    other = "»«" if language == "en" else "“”"
    texts = [text for text in i18n.catalogue(language).values() if isinstance(text, str)]
    assert [text for text in texts if '"' in text or any(mark in text for mark in other)] == []
    assert any(marks[0] in text for text in texts)


def test_danish_says_maalvaerdi_for_target():
    """ "Mål" served for both goal and target; a target is a "målværdi"."""
    danish = i18n.catalogue("da")
    assert [key for key, _, text in _about_targets(danish) if "målværdi" not in text.lower()] == []


def test_danish_keys_about_targets_do_not_say_bare_maal():
    """Where the English speaks of a target and not of a goal, the Danish has no bare "mål"."""
    assert _bare_maal(i18n.catalogue("da")) == []


def test_the_target_check_catches_a_bare_maal():
    """A target called "Mål" again (the chart's legend, as it was) fails the check."""
    assert _bare_maal(dict(i18n.catalogue("da"), **{"chart.target": "Mål"})) == ["chart.target"]


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


def _named_keys(path):
    """The keys `t(…)` is called with in `path`: each literal key, and each f-string key's part
    before its first placeholder (`audit.table_` of `t(f"audit.table_{name}")`)."""
    whole, prefixes = [], []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "t" and node.args):
            continue
        first = node.args[0]
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            whole.append((where, first.value))
        elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
            prefixes.append((where, first.values[0].value))
    return whole, prefixes


def test_every_key_the_code_names_is_in_the_catalogue():
    """A key missing from every catalogue is shown as the key itself. A literal key must be in
    the catalogue, and an f-string key's fixed start must begin some key; which values an
    f-string key takes is for the tests of its own (the audit log's "What" read
    `audit.table_priority_month` for ten of its tables: `test_every_table_of_the_audit_log_has_a_name`)."""
    known = set(i18n.catalogue("en")) | set(i18n.plurals("en"))
    whole, prefixes = [], []
    for path in [*CHECKED, *sorted((ROOT / "kpi" / "text").glob("*.py"))]:
        found = _named_keys(path)
        whole += found[0]
        prefixes += found[1]
    assert len(whole) > 500 and len(prefixes) > 50
    assert [(where, key) for where, key in whole if key not in known] == []
    assert [(where, key) for where, key in prefixes if not any(k.startswith(key) for k in known)] == []


@pytest.mark.parametrize("language", i18n.languages())
def test_every_table_of_the_audit_log_has_a_name(language):
    from kpi.ui.views.audit_view import TABLES

    with i18n.use(language):
        names = {table: t(f"audit.table_{table}") for table in TABLES}
    assert {table for table, name in names.items() if name == f"audit.table_{table}"} == set()
    assert len(set(names.values())) == len(TABLES)  # no two read alike


def test_every_field_s_typing_hint_is_the_one_the_style_rewrites():
    """`widgets.INPUT_STYLE` writes the page's words over the first part of the hint under a
    field: that part is Streamlit's "Press Enter…" only while no form refuses Enter and no picker
    caps its choices (then Streamlit writes a count or a cap there, which the style would
    overwrite with a wrong hint)."""
    code = [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "kpi" / "ui").rglob("*.py"))]
    found = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in code
        for word in ("enter_to_submit", "max_selections")
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "The first 20 of 57,084 rows:"), ("da", "De første 20 af 57.084 rækker:")],
)
def test_a_count_in_a_message_has_its_thousands_grouped(language, expected):
    """ "The first 20 of 57084 rows" (a new company's trial): a count reads as the reader writes
    numbers, whatever message says it."""
    with i18n.use(language):
        assert i18n.t("imports.preview", shown=20, count=57084) == expected
        assert i18n.t("imports.preview", shown=20, count=999).endswith(
            " 999 rows:" if language == "en" else " 999 rækker:"
        )
