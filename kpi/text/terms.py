"""Every catalogue's words for the values of an enumeration, so a file may say `Taktisk`.

The domain keeps the values and their common synonyms (`kpi.domain.vocabulary`); the labels the
app shows for them live in the catalogues (`level.tactical = "Taktisk"`). An import or a form
accepts those labels too, in every language the cockpit speaks, so a person can write a value
the way the app showed it to them.
"""

from __future__ import annotations

from functools import cache, lru_cache

from kpi.domain import vocabulary
from kpi.text import i18n

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
