"""The benchmark's plain-pandas reference: a month's status for every KPI and goal, as an analyst
would write it with pandas over the store's whole tables.

It computes what `kpi.store.monthly.month_report` computes: the month values of the month, last
month and the years their targets are phased by (survey KPIs from their raw answers), every
KPI's month target (explicit, else phased by last year's profile, else annual) and its status
this month and last, every goal's status this month and last, and the cascade's roll-up and
"green parts, red whole" warnings. The README's rules are vectorised with numpy, so pandas
gets its best shot; `disagreements` compares the result with ours, and the benchmark refuses
to report a ratio against a reference that does not compute the same statuses.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from kpi.domain import cascade, cx, months, status, targets, verdicts
from kpi.domain.model import UNIT_RANGES, Aggregation, GoalStatus, KpiStatus, Level
from kpi.domain.month_rows import GoalRow
from kpi.domain.report import MonthReport

_GOOD = [str(s) for s in (GoalStatus.ACHIEVED, GoalStatus.ON_TRACK)]
_BAD = [str(s) for s in (GoalStatus.OFF_TRACK, GoalStatus.MISSED)]
_SCORE = {"achieved": 1.0, "on_track": 1.0, "at_risk": 0.5, "off_track": 0.0, "missed": 0.0}
_DEPTH = {str(level): level.depth for level in Level}
NO_DATA = str(GoalStatus.NO_DATA)


def month_status(path: str, month: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(KPIs, goals) of the DuckDB store at `path` for `month`: KPIs with `status` and
    `previous_status`, goals with `status`, `previous_status`, `rollup` and `mismatch`."""
    con = duckdb.connect(path, read_only=True)
    measurements = con.execute("SELECT kpi, month, value FROM measurement").df()
    answers = con.execute("SELECT kpi, date, score FROM response").df()
    kpis = con.execute("SELECT * FROM kpi").df()
    goals = con.execute("SELECT * FROM goal").df()
    explicit = con.execute("SELECT kpi, month, target FROM kpi_target").df()
    con.close()
    kpis = kpis[kpis["retired_at"].isna()].rename(columns={"code": "kpi"})
    goals = goals[goals["retired_at"].isna()].set_index("code")
    last = months.add(month, -1)
    values = month_values(measurements, answers, kpis, months_read(month))
    by_kpi = values.pivot_table(index="kpi", columns="month", values="value")
    now, before = (by_kpi.get(pd.Timestamp(m), pd.Series(dtype=float)) for m in (month, last))
    kpis = kpis.set_index("kpi")
    for column, m, value in (("status", month, now), ("previous_status", last, before)):
        target = _month_target(kpis, by_kpi, explicit, m)
        kpis[column] = _kpi_status(kpis, value.reindex(kpis.index), target)
    goals = goals.join(kpis[["direction"]], on="kpi")
    goals["status"] = _goal_status(goals, now.reindex(goals["kpi"]).to_numpy(), month)
    goals["previous_status"] = _goal_status(goals, before.reindex(goals["kpi"]).to_numpy(), last)
    _roll_up(goals)
    return kpis, goals


def months_read(month: date) -> list[date]:
    """The months whose values the status of `month` and of last month depend on: the month,
    last month, and the calendar years before theirs (which phase their targets)."""
    return months.between(date(months.add(month, -1).year - 1, 1, 1), month)


def _month_target(kpis: pd.DataFrame, by_kpi: pd.DataFrame, explicit: pd.DataFrame, month: date) -> pd.Series:
    """Every KPI's target in `month`: explicit, else its annual target phased by the year before's
    twelve months (summed KPIs keep the year's total of twelve monthly targets, others its
    average: by ratio on ratio scales, by distance on interval scales), else the annual target."""
    year = [pd.Timestamp(date(month.year - 1, m, 1)) for m in range(1, 13)]
    profile = by_kpi.reindex(columns=year).reindex(kpis.index)
    full = profile.notna().all(axis=1)
    own = profile[pd.Timestamp(date(month.year - 1, month.month, 1))]
    total, low = profile.sum(axis=1), profile.min(axis=1)
    average = total / 12
    is_sum = kpis["aggregation"] == "sum"
    annual = kpis["target"] * np.where(is_sum, 12, 1)
    ratio_unit = kpis["unit"].map(lambda u: UNIT_RANGES.get(u, (0.0, 0.0))[0] == 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        phased = np.select(
            [is_sum & (total > 0) & (low >= 0), ratio_unit & (low > 0)],
            [annual * own / total, annual * own / average],
            annual + own - average,
        )
    # a phased target within its unit, to its written precision (kpi.domain.targets); a flat
    # year phases nothing, and a target not phased stands as given
    phase = full & (profile.nunique(axis=1) > 1)
    given = kpis["target"]
    worked = [
        targets.worked_out(float(value), unit, Aggregation(aggregation)) if ok else kept
        for value, unit, aggregation, ok, kept in zip(
            phased, kpis["unit"], kpis["aggregation"], phase, given, strict=True
        )
    ]
    target = pd.Series(worked, index=kpis.index, dtype=float)
    chosen = explicit[explicit["month"] == pd.Timestamp(month)].set_index("kpi")["target"]
    return chosen.reindex(kpis.index).fillna(target)


def month_values(
    measurements: pd.DataFrame, answers: pd.DataFrame, kpis: pd.DataFrame, wanted: list[date]
) -> pd.DataFrame:
    """`kpi, month, value` for the `wanted` months: measurements as loaded, survey KPIs
    (`kpis` has `kpi` and `aggregation`) from their answers."""
    stamps = [pd.Timestamp(m) for m in wanted]
    measured = measurements[measurements["month"].isin(stamps)]
    day = answers["date"]
    in_months = np.zeros(len(answers), dtype=bool)
    for m in wanted:
        in_months |= (day >= pd.Timestamp(m)) & (day < pd.Timestamp(months.add(m, 1)))
    answers = answers[in_months]
    answers = answers.assign(month=answers["date"].dt.to_period("M").dt.to_timestamp())
    answers = answers.merge(kpis[["kpi", "aggregation"]], on="kpi")
    score = answers["score"]
    answers = answers.assign(
        promoter=score >= cx.PROMOTER_MIN,
        detractor=score <= cx.DETRACTOR_MAX,
        satisfied=score >= cx.SATISFIED_MIN,
    )
    grouped = (
        answers.groupby(["kpi", "month", "aggregation"])
        .agg(mean=("score", "mean"), p=("promoter", "mean"), d=("detractor", "mean"), s=("satisfied", "mean"))
        .reset_index()
    )
    kind = grouped["aggregation"]
    grouped["value"] = np.select(
        [kind == "nps", kind == "csat"],
        [100 * (grouped["p"] - grouped["d"]), 100 * grouped["s"]],
        grouped["mean"],
    )
    return pd.concat([measured[["kpi", "month", "value"]], grouped[["kpi", "month", "value"]]])


def _meets(value: np.ndarray, target: pd.Series, direction: pd.Series) -> np.ndarray:
    return np.where(direction == "higher", value >= target, value <= target)


def _kpi_status(kpis: pd.DataFrame, value: pd.Series, target: pd.Series) -> np.ndarray:
    return np.select(
        [
            value.isna() | target.isna(),
            _meets(value, target, kpis["direction"]),
            (value - target).abs() <= kpis["tolerance"] * target.abs(),
        ],
        [str(KpiStatus.NO_DATA), str(KpiStatus.GREEN), str(KpiStatus.AMBER)],
        str(KpiStatus.RED),
    )


def _goal_status(goals: pd.DataFrame, value: np.ndarray, month: date) -> np.ndarray:
    baseline, target, start, deadline = goals["baseline"], goals["target"], goals["start"], goals["deadline"]
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = (value - baseline) / (target - baseline)
    span = (deadline - start).dt.days + 1
    share = (pd.Timestamp(months.add(month, 1)) - start).dt.days / span
    expected = np.where(span <= 0, 1.0, share.clip(0.0, 1.0))
    no_pace = start.isna() | deadline.isna()
    return np.select(
        [
            np.isnan(value) | target.isna(),
            start.notna() & (start.dt.to_period("M").dt.to_timestamp() > pd.Timestamp(month)),  # not started
            _meets(value, target, goals["direction"]),
            deadline.notna() & (deadline.dt.to_period("M").dt.to_timestamp() < pd.Timestamp(month)),
            baseline.isna(),
            target == baseline,
            no_pace & (progress > 0),
            no_pace,
            progress >= expected - status.ON_TRACK_SLACK,
            progress >= expected - status.AT_RISK_SLACK,
        ],
        [
            NO_DATA,
            NO_DATA,
            "achieved",
            "missed",
            NO_DATA,
            "off_track",
            "at_risk",
            "off_track",
            "on_track",
            "at_risk",
        ],
        "off_track",
    )


def _roll_up(goals: pd.DataFrame) -> None:
    """Adds `rollup` and `mismatch`, the deepest level first, as the cascade rolls up."""
    goals["rollup"] = NO_DATA
    goals["mismatch"] = None
    depth = goals["level"].map(_DEPTH)
    has_parent = goals["parent"].isin(goals.index)
    for level in range(max(_DEPTH.values()), 0, -1):  # children of each depth, the deepest first
        children = goals[(depth == level) & has_parent]
        effective = children["status"].where(children["status"] != NO_DATA, children["rollup"])
        frame = pd.DataFrame(
            {"parent": children["parent"], "effective": effective, "weight": children["weight"]}
        )
        measured = frame[frame["effective"].isin(list(_SCORE)) & (frame["weight"] > 0)]
        measured = measured.assign(
            points=measured["effective"].map(_SCORE).astype(float) * measured["weight"],
            achieved=measured["effective"] == "achieved",
        )
        sums = measured.groupby("parent").agg(
            points=("points", "sum"), weight=("weight", "sum"), achieved=("achieved", "all")
        )
        score = sums["points"] / sums["weight"]
        goals.loc[sums.index, "rollup"] = np.select(
            [sums["achieved"], score >= cascade.ROLLUP_ON_TRACK, score >= cascade.ROLLUP_AT_RISK],
            ["achieved", "on_track", "at_risk"],
            "off_track",
        )
        seen = frame[frame["effective"] != NO_DATA].assign(
            good=lambda f: f["effective"].isin(_GOOD), bad=lambda f: f["effective"].isin(_BAD)
        )
        verdict = seen.groupby("parent").agg(good=("good", "all"), bad=("bad", "all"))
        own = goals.loc[verdict.index, "status"]
        goals.loc[verdict.index, "mismatch"] = np.select(
            [own.isin(_BAD) & verdict["good"], own.isin(_GOOD) & verdict["bad"]],
            [str(cascade.Mismatch.GREEN_PARTS_RED_WHOLE), str(cascade.Mismatch.RED_PARTS_GREEN_WHOLE)],
            None,
        )


_TEMPERED = frozenset({verdicts.Reason.LOW_CONFIDENCE, verdicts.Reason.NOT_ASSURED})
"""Reasons our report tempers a status for (kpi.domain.verdicts): too few survey answers, or a
target met by a process not shown to meet it. The reference does not draw process limits or
survey margins, so it checks such a status by the untempered rule, and leaves the roll-up
above a tempered goal unchecked."""


def disagreements(ours: MonthReport, kpis: pd.DataFrame, goals: pd.DataFrame) -> list[str]:
    """Every KPI or goal whose statuses differ between our report and the pandas reference."""
    out = []
    theirs_k = kpis[["status", "previous_status"]].to_dict("index")
    for code, row in ours.kpis.items():
        mine = {"status": str(row.status), "previous_status": str(row.previous_status)}
        if row.value is not None and row.value.is_low_confidence:
            mine = {k: theirs_k.get(code, {}).get(k) for k in mine}  # tempered: not drawn here
        if theirs_k.get(code) != mine:
            out.append(f"KPI {code}: ours {mine}, pandas {theirs_k.get(code)}")
    theirs_g = goals[["status", "previous_status", "rollup", "mismatch"]].to_dict("index")
    tempered = {code for code, row in ours.goals.items() if row.reason in _TEMPERED}
    tempered |= {
        code for code, row in ours.goals.items() if row.value is not None and row.value.is_low_confidence
    }
    for code, row in ours.goals.items():
        mine = {
            "status": str(row.status),
            "previous_status": str(row.previous_status),
            "rollup": str(row.rollup),
            "mismatch": None if row.mismatch is None else str(row.mismatch),
        }
        theirs = theirs_g.get(code)
        if theirs is not None:
            if code in tempered:
                if row.reason is verdicts.Reason.NOT_ASSURED and theirs["status"] != "achieved":
                    out.append(f"goal {code}: ours on track (not assured), pandas {theirs['status']}")
                mine["status"], mine["previous_status"] = theirs["status"], theirs["previous_status"]
            if _tempered_before(ours, row, theirs["previous_status"]):
                mine["previous_status"] = theirs["previous_status"]
            if code in tempered or _has_tempered_child(row, tempered):
                mine["rollup"], mine["mismatch"] = theirs["rollup"], theirs["mismatch"]
        if theirs != mine:
            out.append(f"goal {code}: ours {mine}, pandas {theirs}")
    if len(theirs_k) != len(ours.kpis) or len(theirs_g) != len(ours.goals):
        out.append(
            f"counts: ours {len(ours.kpis)} KPIs, {len(ours.goals)} goals; pandas {len(theirs_k)}, {len(theirs_g)}"
        )
    return out


def _tempered_before(ours: MonthReport, row: GoalRow, theirs: str) -> bool:
    """Whether our last-month status is the untempered `theirs`, tempered (achieved → on track
    where the KPI has process limits; off track or missed → at risk on few answers)."""
    if row.kpi is None:
        return False
    kpi = ours.kpis[row.kpi.code]
    if row.previous_status is GoalStatus.ON_TRACK and theirs == "achieved":
        return kpi.reading is not None
    few = kpi.previous is not None and kpi.previous.is_low_confidence
    return row.previous_status is GoalStatus.AT_RISK and theirs in ("off_track", "missed") and few


def _has_tempered_child(row: GoalRow, tempered: set[str]) -> bool:
    """Whether a goal below `row` was tempered (its roll-up then differs by design)."""
    stack = list(row.node.children)
    while stack:
        node = stack.pop()
        if node.goal.code in tempered:
            return True
        stack.extend(node.children)
    return False
