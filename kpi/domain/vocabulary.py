"""The words a file or form may use for each enumeration: its values, in English and Danish.

Pure. A company's own files say `Taktisk`, `højere`, `sek` or `1-7`; the cockpit stores one
value for each (`tactical`, `higher`, `s`, `ces`). This module is the one home of those words:
every enumeration's values (from `kpi.domain.model`) and the common synonyms people write for
them in both languages. The catalogues' own words for the values (`Taktisk`, `Afdelingsleder`)
are accepted too: the caller passes them in (`kpi.text.terms`), since the domain knows no
language. The import and the forms read every enumeration through `canonical`, so a word that
one accepts the other accepts.

Words match without regard to case or spacing: `Department head`, `department-head`
and `DEPARTMENT_HEAD` are all `department_head`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from kpi.domain.company_events import EventKind
from kpi.domain.model import (
    COMPARISONS,
    UNIT_RANGES,
    ActionStatus,
    Aggregation,
    Direction,
    JourneyPhase,
    Level,
    Role,
)

VALUES: dict[str, tuple[str, ...]] = {
    "role": tuple(str(r) for r in Role),
    "level": tuple(str(lv) for lv in Level),
    "direction": tuple(str(d) for d in Direction),
    "aggregation": tuple(str(a) for a in Aggregation),
    "status": tuple(str(s) for s in ActionStatus),
    "journey_phase": tuple(str(p) for p in JourneyPhase),
    "unit": tuple(UNIT_RANGES),
    "comparison": COMPARISONS,
    "event_kind": tuple(str(k) for k in EventKind),
}
"""Every enumerated field and the values the store holds for it, in their order."""

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "role": {
        "admin": ("administrator", "administrer"),
        "executive": ("direktion", "direktør", "ledelse", "management"),
        "department_head": ("head", "manager", "afdelingsleder", "afdelingschef", "leder"),
        "presenter": ("præsentator", "oplægsholder"),
    },
    "level": {
        "strategic": ("strategisk",),
        "tactical": ("taktisk",),
        "operational": ("operationel", "operationelt", "operativ", "operativt"),
    },
    "direction": {
        "higher": ("higher is better", "højere", "højere er bedre", "større er bedre"),
        "lower": ("lower is better", "lavere", "lavere er bedre", "mindre er bedre"),
    },
    "aggregation": {
        "mean": ("average", "avg", "gennemsnit", "middel", "middelværdi"),
        "sum": ("total", "i alt", "summen"),
        "last": ("latest", "seneste", "sidste"),
        "min": ("minimum", "lowest", "laveste", "mindste"),
        "max": ("maximum", "highest", "højeste", "største"),
        "nps": ("net promoter score",),
        "csat": ("customer satisfaction", "kundetilfredshed"),
        "ces": ("customer effort score",),
    },
    "status": {
        "planned": ("plan", "todo", "to do", "planlagt"),
        "doing": ("in progress", "started", "i gang", "igang", "påbegyndt"),
        "done": ("finished", "complete", "completed", "færdig", "udført", "afsluttet"),
        "dropped": ("cancelled", "canceled", "droppet", "opgivet", "annulleret"),
    },
    "journey_phase": {
        "awareness": ("opmærksomhed", "kendskab"),
        "evaluation": ("consideration", "overvejelse", "vurdering"),
        "purchase": ("buy", "køb", "indkøb"),
        "delivery": ("levering",),
        "after_sales": ("after sales and service", "service", "eftersalg", "efter købet", "efter salg"),
    },
    "comparison": {
        "<=": ("at most", "max", "maximum", "≤", "=<", "højst", "maks", "maksimalt", "under"),
        ">=": ("at least", "min", "minimum", "≥", "=>", "mindst", "minimalt", "over"),
    },
    "event_kind": {
        "outage": ("incident", "it incident", "downtime", "nedbrud", "driftsforstyrrelse", "hændelse i it"),
        "campaign": ("marketing", "promotion", "kampagne", "tilbud"),
        "price_change": ("price", "prices", "pricing", "prisændring", "pris", "priser"),
        "go_live": ("go live", "launch", "release", "lancering", "idriftsættelse", "go-live"),
        "other": ("andet", "anden", "øvrig"),
    },
    "unit": {
        "%": ("percent", "per cent", "pct", "procent", "share", "andel", "csat"),
        "s": ("sec", "secs", "second", "seconds", "sek", "sekund", "sekunder"),
        "min": ("mins", "minute", "minutes", "minut", "minutter"),
        "h": ("hr", "hrs", "hour", "hours", "t", "time", "timer"),
        "days": ("d", "day", "dag", "dage", "døgn"),
        "ms": ("millisecond", "milliseconds", "millisekund", "millisekunder"),
        "nps": ("-100-100", "-100 to 100", "net promoter score"),
        "ces": ("1-7", "score 1-7", "1 to 7", "1 til 7"),
        "count": ("number", "pcs", "antal", "stk", "stk."),
        # the label's words before 2026-12 ("Per 1,000 orders", the demo webshop's), kept for its templates
        "per1000": (
            "‰",
            "per 1000",
            "per mille",
            "promille",
            "pr. 1000",
            "pr 1000",
            "per 1,000 orders",
            "pr. 1.000 ordrer",
        ),
    },
}
"""What people write for each value besides the value itself, in English and Danish. The
README's import section lists the units' words; a test checks it lists them all."""

_SEPARATORS = re.compile(r"[\s_]+")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
"""Hyphens, dashes and the minus sign, as people type them: the label "Score (1–7)" has an en
dash, and "Score (1-7)" typed with a hyphen was refused."""


def fold(word: str) -> str:
    """The form words are compared in: case-folded, spacing and underscores as one space, every
    dash a hyphen."""
    folded = unicodedata.normalize("NFKC", word).casefold().translate(_DASHES)
    return _SEPARATORS.sub(" ", folded).strip()


def canonical(field: str, text: str, words: Mapping[str, str] | None = None) -> str | None:
    """The stored value for `text` in the enumerated `field`, or None when it is not one of its
    words. `words` adds more (a catalogue's label → value); a caller that reads many cells keeps
    `index(field, words)` and looks words up in it (`fold` first)."""
    return index(field, words or {}).get(fold(text))


def index(field: str, words: Mapping[str, str]) -> dict[str, str]:
    """Every word of `field` (folded) → its value: `words`, the synonyms, the values themselves."""
    found = {fold(word): value for word, value in words.items() if value in VALUES[field]}
    for value, synonyms in SYNONYMS.get(field, {}).items():
        found.update({fold(word): value for word in synonyms})
    found.update({fold(value): value for value in VALUES[field]})  # the values themselves win
    return found
