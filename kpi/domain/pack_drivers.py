"""The pack's driver slide: which outcome and rating KPI a reader's scope shows, and how a close
keeps them, so a closed month's slide stays as the meeting saw it.

`choose` is the one rule for both: of the pairs of survey KPIs whose respondents answered both in
the same month (`Shared`), each outcome with the rating that shares the most respondents, NPS
outcomes first, then by respondents; only KPIs the reader's scope holds count. A live month
applies it to the store's answers (kpi.store.drivers), a closed one to what its close kept:
`Kept`, the window's pairs and each pair's analysis, stored in the month's snapshot
(kpi.domain.snapshot) as JSON by `to_json` and read back by `from_json`.
Pure: records and JSON in, records out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from kpi.domain.drivers import Analysis, Driver, Quadrant, Slices


@dataclass(frozen=True)
class Shared:
    """An outcome KPI and a rating KPI, and how many respondents answered both in a month."""

    outcome: str
    rating: str
    respondents: int


def choose(shared: Iterable[Shared], is_nps: Mapping[str, bool]) -> list[Shared]:
    """The pairs a reader may be shown, best first: per outcome KPI in `is_nps` (the survey KPIs
    of the reader's scope: code → whether it is an NPS), the rating KPI in it sharing the most
    respondents (then the later code); NPS outcomes first, then by respondents, then by code."""
    best: dict[str, Shared] = {}
    for one in shared:
        if one.outcome not in is_nps or one.rating not in is_nps:
            continue
        kept = best.get(one.outcome)
        if kept is None or (one.respondents, one.rating) > (kept.respondents, kept.rating):
            best[one.outcome] = one
    return sorted(best.values(), key=lambda p: (not is_nps[p.outcome], -p.respondents, p.outcome))


@dataclass(frozen=True)
class Kept:
    """What a close keeps of the pack's driver analysis: the window's first month, every pair of
    the window (all survey KPIs, not one reader's) and the analysis of each."""

    first: date
    shared: tuple[Shared, ...]
    analyses: Mapping[tuple[str, str], Slices]
    """(outcome, rating) → its analysis, for every pair in `shared`."""


def _analysis_json(analysis: Analysis) -> dict[str, Any]:
    return {
        "n": analysis.n,
        "r2": analysis.r2,
        "drivers": [{**asdict(d), "quadrant": str(d.quadrant)} for d in analysis.drivers],
    }


def _analysis(data: Mapping[str, Any]) -> Analysis:
    found = tuple(Driver(**{**d, "quadrant": Quadrant(d["quadrant"])}) for d in data["drivers"])
    return Analysis(int(data["n"]), data["r2"], found)


def to_json(kept: Kept) -> dict[str, Any]:
    """`kept` as JSON-ready data (lists, dicts, numbers and text)."""
    return {
        "first": kept.first.isoformat(),
        "shared": [[p.outcome, p.rating, p.respondents] for p in kept.shared],
        "analyses": [
            {
                "outcome": outcome,
                "rating": rating,
                "touchpoints": list(found.touchpoints),
                "everyone": _analysis_json(found.everyone),
                "segments": [[name, _analysis_json(a)] for name, a in found.segments],
            }
            for (outcome, rating), found in sorted(kept.analyses.items())
        ],
    }


def from_json(data: Mapping[str, Any]) -> Kept:
    """The `Kept` that `to_json` wrote."""
    analyses = {
        (a["outcome"], a["rating"]): Slices(
            tuple(a["touchpoints"]),
            _analysis(a["everyone"]),
            tuple((name, _analysis(one)) for name, one in a["segments"]),
        )
        for a in data["analyses"]
    }
    shared = tuple(Shared(o, r, int(n)) for o, r, n in data["shared"])
    return Kept(date.fromisoformat(data["first"]), shared, analyses)
