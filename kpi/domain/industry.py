"""Published benchmarks for common CX KPIs, with their sources.

A KPI may name one (`kpi.benchmark`). `typical` is the published average or common level, for
context in the KPI's help text; `best` is the best level published ("world class"): a target
beyond it fails the SMART "realistic" check. Where no best level is published, there is none
here. Figures and sources: shared/research/anchors-mission.md §3.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.domain.model import Direction, Kpi


@dataclass(frozen=True)
class Benchmark:
    key: str
    typical: float | None
    best: float | None
    source: str
    """Who published it, as a catalogue key (`benchmark.source.<source>`): the words around the
    publishers' names are in the reader's language, the names themselves stay as published."""


BENCHMARKS: dict[str, Benchmark] = {
    b.key: b
    for b in (
        Benchmark("fcr", 70, 80, "sqm"),
        Benchmark("first_time_fix", 74, 90, "field_service"),
        Benchmark("service_level", 80, 90, "call_centre_helper"),
        Benchmark("call_abandonment", 6.5, None, "ifc_range"),
        Benchmark("speed_of_answer", 28, None, "ifc"),
        Benchmark("cart_abandonment", 70.19, None, "baymard"),
        Benchmark("downtime", 43.8, 4.38, "uptime"),
        Benchmark("availability", 99.9, 99.99, "uptime"),
        Benchmark("handle_time", 324, None, "centrical"),
        Benchmark("churn", 6.77, None, "recurly"),
        Benchmark("nps_retail", 51, None, "npsbench"),
        Benchmark("csat", 80, None, "hubspot"),
        Benchmark("appointment_adherence", 93, None, "swpp"),
    )
}


def of(kpi: Kpi) -> Benchmark | None:
    return BENCHMARKS.get(kpi.benchmark or "")


def beyond_best(kpi: Kpi, target: float) -> bool:
    """Whether `target` is better than the best level anyone publishes for this kind of KPI."""
    bench = of(kpi)
    if bench is None or bench.best is None:
        return False
    return target > bench.best if kpi.direction is Direction.HIGHER else target < bench.best
