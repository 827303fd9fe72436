"""Respondents: one customer's answers in one month, related (their NPS and their ratings).

Pure. Answers carry an optional respondent (schema 14); the answers with the same respondent in
the same month belong together. `kpi.store.respondents.rows` reads them, in the reader's scope,
as one `Respondent` per respondent who answered the outcome KPI (say NPS), with their ratings of
the touchpoints on the rating KPI (say TP_SAT, 1-5), for the driver analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Respondent:
    """One respondent's outcome score and ratings in one month."""

    respondent: str
    month: date
    segment: str
    """The segment of their outcome answer ('' when the answer names none)."""
    outcome: int
    """Their score on the outcome KPI (say NPS, 0-10)."""
    ratings: dict[str, int] = field(default_factory=dict)
    """Touchpoint → their rating on the rating KPI; a touchpoint they did not rate is missing."""
