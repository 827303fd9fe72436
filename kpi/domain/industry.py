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
    """Who published it: proper names, the same in every language."""


BENCHMARKS: dict[str, Benchmark] = {
    b.key: b
    for b in (
        Benchmark("fcr", 70, 80, "SQM Group, 2022"),
        Benchmark("first_time_fix", 74, 90, "field-service benchmarks (8move, Networth Explained)"),
        Benchmark("service_level", 80, 90, "Call Centre Helper survey of 600+ contact centres"),
        Benchmark("call_abandonment", 6.5, None, "IFC contact-centre benchmarks (5–8 %)"),
        Benchmark("speed_of_answer", 28, None, "IFC contact-centre benchmarks"),
        Benchmark("cart_abandonment", 70.19, None, "Baymard Institute, average of 49 studies"),
        Benchmark("downtime", 43.8, 4.38, "uptime arithmetic: 99.9 % ≈ 43.8 min, 99.99 % ≈ 4.4 min a month"),
        Benchmark(
            "availability", 99.9, 99.99, "uptime arithmetic: 99.9 % ≈ 43.8 min, 99.99 % ≈ 4.4 min a month"
        ),
        Benchmark("handle_time", 324, None, "Centrical, retail average"),
        Benchmark("churn", 6.77, None, "Recurly, 1,500+ subscription businesses (monthly, B2C)"),
        Benchmark("nps_retail", 51, None, "npsbench, 2024 industry averages (general retail)"),
        Benchmark("csat", 80, None, "HubSpot via Sapling: 75–85 % is good"),
        Benchmark("appointment_adherence", 93, None, "SWPP 2019: typical targets 92–94 %"),
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
