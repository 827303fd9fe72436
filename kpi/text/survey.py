"""Survey answers' labels: touchpoints, segments and score groups in the reader's language.

Touchpoints and segments are what an import wrote: the demo's codes (`delivery`,
`customer_service`, `private`, …) have words in the catalogues; any other is shown as written
(callers put it through kpi.text.plain where Markdown would read it).
"""

from __future__ import annotations

from kpi.domain import words
from kpi.domain.model import Aggregation
from kpi.text import fmt, i18n
from kpi.text.i18n import t


def _known(prefix: str, code: str) -> str:
    key = f"{prefix}.{code}"
    return t(key) if key in i18n.messages(i18n.current()) else code


def touchpoint(code: str) -> str:
    """`customer_service` → "Customer service"; an unknown touchpoint as written; none → "(none)"."""
    return _known("touchpoint", code) if code else t("words.no_touchpoint")


def segment(code: str) -> str:
    """`business` → "Business"; an unknown segment as written; none → "(none)"."""
    return _known("segment", code) if code else t("words.no_segment")


def group(aggregation: Aggregation, name: str, *, scores: bool = True) -> str:
    """A score group with its scores, "Detractors (0–6)", or without them, "Detractors"."""
    said = t(f"words.group_{name}")
    if not scores:
        return said
    low, high = words.bounds(aggregation, name)
    return t("words.group_scores", group=said, scores=fmt.span(str(low), str(high)))  # never "(0–" / "6)"
