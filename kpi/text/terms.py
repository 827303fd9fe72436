"""Every catalogue's words for the values of an enumeration, so a file may say `Taktisk`.

The domain keeps the values and their common synonyms (`kpi.domain.vocabulary`); the labels the
app shows for them live in the catalogues (`level.tactical = "Taktisk"`). An import or a form
accepts those labels too, in every language the cockpit speaks, so a person can write a value
the way the app showed it to them.
"""

from __future__ import annotations

from functools import cache, lru_cache

from kpi.domain import vocabulary
from kpi.domain.model import DEFAULT_TOLERANCE, DEFAULT_WEIGHT
from kpi.text import fmt, i18n
from kpi.text.i18n import t

LABELS: dict[str, str] = {
    "role": "role.{}",
    "level": "level.{}",
    "status": "action.{}",
    "journey_phase": "phase.{}",
    "unit": "chart.unit.{}",
    "direction": "definitions.direction_{}",
    "aggregation": "definitions.aggregation_{}",
    "comparison": "definitions.{}",
    "event_kind": "happening.kind.{}",
}
"""Where each enumerated field's labels live in a catalogue (`{}` is the value, or its name in
`NAMES` where the value is not a word)."""

NAMES = {"<=": "at_most", ">=": "at_least"}


@cache
def words(field: str) -> dict[str, str]:
    """Label → value, from every language's catalogue."""
    found: dict[str, str] = {}
    for language in i18n.languages():
        texts = i18n.catalogue(language)
        for value in vocabulary.VALUES[field]:
            label = texts.get(LABELS[field].format(NAMES.get(value, value)))
            if label:
                found[label] = value
    return found


@cache
def _index(field: str) -> dict[str, str]:
    return vocabulary.index(field, words(field))


@lru_cache(maxsize=4096)  # a file says the same few words in row after row
def canonical(field: str, text: str) -> str | None:
    """The stored value `text` names in `field` (a value, a synonym or a catalogue's label)."""
    return _index(field).get(vocabulary.fold(text))


def guide(kind: str, name: str) -> str:
    """What to write in the column `name` of a file of `kind`, as its template's guide sheet says
    it (`guide.<kind>.<name>`, else `guide.<name>`; "" where there is neither): a required cell left
    empty is told it, so its message leads to a value the import takes (a day-one trial read
    "column start: required, but empty" and nothing of what to write)."""
    texts = i18n.catalogue(i18n.FALLBACK)
    key = next((k for k in (f"guide.{kind}.{name}", f"guide.{name}") if k in texts), None)
    if key is None:
        return ""
    return t(key, tolerance=fmt.number(DEFAULT_TOLERANCE, 2), weight=fmt.number(DEFAULT_WEIGHT))


def column_label(kind: str, name: str, language: str | None = None) -> str:
    """The header a template of `kind` gives the column `name` in `language` (the reader's when
    None): its kind's own (`column.<kind>.<name>`), else the field's (`field.<name>`), else the
    name itself."""
    texts = i18n.catalogue(language or i18n.current())
    return texts.get(f"column.{kind}.{name}") or texts.get(f"field.{name}") or name


@cache
def column_names(kind: str, names: tuple[str, ...]) -> dict[str, str]:
    """Every header (folded, `vocabulary.fold`) a file of `kind` may give each of its columns
    `names` → the column's name: the name itself and its label in every language the cockpit
    speaks (`column_label`), so a Danish file may head its columns "Kode", "Navn", "Afdeling". A
    label two columns of the kind would share names neither."""
    found: dict[str, set[str]] = {}
    for language in i18n.languages():
        for name in names:
            found.setdefault(vocabulary.fold(column_label(kind, name, language)), set()).add(name)
    labels = {header: next(iter(named)) for header, named in found.items() if len(named) == 1}
    return labels | {vocabulary.fold(name): name for name in names}  # the names themselves win


def label(field: str, value: str) -> str:
    """The reader's word for a value of the enumerated `field` (`Taktisk` for `tactical`), the
    value itself where the catalogue has none."""
    key = LABELS[field].format(NAMES.get(value, value))
    return i18n.catalogue(i18n.current()).get(key) or value


def listing(field: str) -> str:
    """The values of the enumerated `field` for a message, in the reader's words as their
    template's list offers them, each with its stored word where that differs: "Afdelingsleder
    (department_head)", "Sekunder (s)" (a Danish message listed "admin, executive, …" and the
    units' English synonyms beside a template that offered Danish words)."""
    shown = []
    for value in vocabulary.VALUES[field]:
        word = label(field, value)
        if vocabulary.fold(word) == vocabulary.fold(value):
            shown.append(word)
        else:  # "NPS (−100 to +100) / nps", not two brackets in a row
            shown.append(f"{word} / {value}" if "(" in word else f"{word} ({value})")
    return ", ".join(shown)


def column_named(kind: str, name: str) -> str:
    """A column as the reader's template heads it, with its name where that differs ("Kode
    (code)": an export writes the names, and the import takes either); "Code" in English, "KPI"
    in Danish (a Danish list read "kpi" beside the template's "KPI")."""
    label = column_label(kind, name)
    return label if vocabulary.fold(label) == vocabulary.fold(name) else f"{label} ({name})"
