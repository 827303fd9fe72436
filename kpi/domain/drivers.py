"""Driver analysis: how much each touchpoint rating explains of an outcome such as NPS.

The method is the Shapley value decomposition of R² (LMG, after Lindeman, Merenda & Gold 1980;
Grömping 2006, "Relative importance for linear regression in R: the package relaimpo", Journal
of Statistical Software 17(1)). The R² of the regression of the outcome on all touchpoint
ratings is shared out among the touchpoints: each one's importance is its gain in R² when it
joins a model, averaged over every order in which the touchpoints could join. The importances
add up to the full R² exactly, and two correlated touchpoints share what they explain together
instead of one of them taking it all (as the size of a regression coefficient would), which is
why it copes with ratings that move together through a customer's mood.

Every R² comes from the correlation matrix of ratings and outcome (R²(S) = r_S' R_SS⁻¹ r_S for a
set S of touchpoints), 2^k subsets for k touchpoints (at most `MAX_DRIVERS`). Only respondents
who rated every touchpoint of the analysis count (complete cases).

The bootstrap interval of each importance is the percentile interval of `BOOTSTRAP_B`
resamples with the seed `BOOTSTRAP_SEED`. To stay fast for a million respondents the
respondents are dealt at random into `BLOCKS` groups (each respondent its own group when there
are fewer) and the sums and cross-products of each group are taken once; a resample draws
`BLOCKS` groups with replacement and adds up their sums, one matrix product for all resamples: a
bootstrap of random groups (compare the random-group method, Wolter 2007, "Introduction to
Variance Estimation", ch. 2). With one
respondent per group it is the ordinary bootstrap of respondents.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

MIN_N = 100
"""Fewer complete respondents than this in a slice (overall or a segment): "not enough answers",
no importances and no ranking. At 100 respondents and five touchpoints the 95 % intervals of
the importances are already several points of R² wide (see the tests)."""
MAX_DRIVERS = 8
"""At most this many touchpoints in one analysis: 2^8 = 256 regressions per resample."""
BOOTSTRAP_B = 1000
"""Resamples for the bootstrap intervals."""
BOOTSTRAP_SEED = 20
"""Seed of the bootstrap's random numbers, so the same answers give the same intervals."""
BLOCKS = 1000
"""Random groups the respondents are dealt into for the bootstrap (see the module's note)."""
LEVEL = 0.95
"""Coverage of the bootstrap intervals."""


class Quadrant(StrEnum):
    """Where a touchpoint falls in the importance × performance chart."""

    FIX_FIRST = "fix_first"
    """More important than the average touchpoint and rated below the touchpoints' average."""
    STRENGTH = "strength"
    """Important and rated above average: keep it so."""
    LOW_PRIORITY = "low_priority"
    """Less important and rated below average."""
    OVERSERVED = "overserved"
    """Less important and rated above average."""


@dataclass(frozen=True, slots=True)
class Driver:
    """One touchpoint's importance for the outcome, with its interval and its performance."""

    touchpoint: str
    importance: float
    """Its share of R², in R² units (the importances of a slice add up to its R²)."""
    low: float
    high: float
    """The bootstrap percentile interval of `importance`."""
    share: float
    """`importance` / R²: its part of what the ratings explain, 0 to 1."""
    share_low: float
    share_high: float
    """The bootstrap percentile interval of `share` (each resample's importances over their sum)."""
    performance: float
    """The mean rating of the touchpoint among the slice's respondents."""
    quadrant: Quadrant
    rank: int
    """1 for the most important touchpoint."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """The driver analysis of one slice (all respondents, or one segment)."""

    n: int
    """Respondents who rated every touchpoint."""
    r2: float | None
    """R² of the outcome on all touchpoint ratings; None when there are not enough answers."""
    drivers: tuple[Driver, ...]
    """Most important first; empty when there are not enough answers."""

    @property
    def is_enough(self) -> bool:
        return self.n >= MIN_N


def moments(data: Array) -> Array:
    """The (p+1)×(p+1) matrix of count, sums and cross-products of `data` (n×p): [1, data]'[1, data]."""
    ones = np.ones((data.shape[0], 1))
    augmented = np.hstack([ones, data])
    return augmented.T @ augmented


def correlations(stats: Array) -> Array:
    """Correlation matrices (…, p, p) from moment matrices (…, p+1, p+1) as `moments` makes them.

    A column without variance (everyone gave the same rating) is uncorrelated with the rest, so
    it explains nothing and gets an importance of 0."""
    count = stats[..., 0, 0][..., None, None]
    sums = stats[..., 0, 1:]
    cov = (stats[..., 1:, 1:] - sums[..., :, None] * sums[..., None, :] / count) / count
    var = np.diagonal(cov, axis1=-2, axis2=-1)
    # A variance at rounding level of the largest one is no variance.
    scale = np.where(var > 1e-12 * var.max(axis=-1, keepdims=True), var, 0.0)
    inverse_sd = np.divide(1.0, np.sqrt(scale), out=np.zeros_like(scale), where=scale > 0)
    corr = cov * inverse_sd[..., :, None] * inverse_sd[..., None, :]
    diagonal = np.arange(corr.shape[-1])
    corr[..., diagonal, diagonal] = 1.0
    return np.clip(corr, -1.0, 1.0)


@cache
def _subsets(k: int) -> tuple[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]], ...]:
    """Per subset size s = 1..k: the bitmasks of the subsets of size s and their members (C×s)."""
    groups = []
    for size in range(1, k + 1):
        masks = [m for m in range(1, 2**k) if m.bit_count() == size]
        members = [[j for j in range(k) if m >> j & 1] for m in masks]
        groups.append((np.array(masks, dtype=np.intp), np.array(members, dtype=np.intp)))
    return tuple(groups)


def subset_r2(corr: Array) -> Array:
    """R² of the outcome (the last variable) on every subset of the k drivers: (…, 2^k), indexed
    by bitmask (bit j set = driver j in the model); R² of the empty set is 0."""
    k = corr.shape[-1] - 1
    r2 = np.zeros((*corr.shape[:-2], 2**k))
    for masks, members in _subsets(k):
        within = corr[..., members[:, :, None], members[:, None, :]]
        with_outcome = corr[..., members, k]
        try:
            beta = np.linalg.solve(within, with_outcome[..., None])[..., 0]
        except np.linalg.LinAlgError:
            # Two touchpoints rated identically by everyone: the pseudo-inverse gives the same
            # fitted values (and so the same R²) as any least-squares solution.
            beta = (np.linalg.pinv(within) @ with_outcome[..., None])[..., 0]
        r2[..., masks] = np.clip(np.sum(with_outcome * beta, axis=-1), 0.0, 1.0)
    return r2


@cache
def _shapley_weights(k: int) -> Array:
    """(2^k, k): the weight of R²(mask) in driver j's Shapley value, so importance = R² @ W."""
    weights = np.zeros((2**k, k))
    for j in range(k):
        bit = 1 << j
        for mask in range(2**k):
            if mask & bit:
                continue
            size = mask.bit_count()
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            weights[mask | bit, j] += weight
            weights[mask, j] -= weight
    return weights


def shapley(r2: Array) -> Array:
    """Each driver's Shapley value of R² (…, k) from the R² of every subset (…, 2^k): its gain in
    R² on joining, averaged over all k! orders of joining. They add up to R² of all drivers."""
    k = int(round(math.log2(r2.shape[-1])))
    return r2 @ _shapley_weights(k)


def importances(ratings: Array, outcome: Array) -> tuple[float, Array]:
    """R² and the Shapley importance of each column of `ratings` (n×k) for `outcome` (n)."""
    r2 = subset_r2(correlations(moments(np.column_stack([ratings, outcome]))))
    return float(r2[-1]), shapley(r2)


def _group_moments(
    ratings: Array, outcome: Array, blocks: int, rng: np.random.Generator
) -> tuple[Array, Array]:
    """(G, p+1, p+1): the moments of each random group of respondents, with the ratings and the
    outcome less their means (centring first keeps the sums of squares small, so no digits are
    lost when the resamples subtract the means again); and the means (p)."""
    n, k = ratings.shape
    means = np.append(ratings.mean(axis=0), outcome.mean())
    if n <= blocks:
        rows = np.column_stack([np.ones(n), ratings, outcome])
        rows[:, 1:] -= means
        return rows[:, :, None] * rows[:, None, :], means
    per_block = -(-n // blocks)
    # The respondents in a random order fill the groups' places (group g, place i); the last
    # place of the last `short` groups stays empty (all zeros, counting for nothing), so the
    # groups differ in size by at most one.
    short = per_block * blocks - n
    places = np.ones((blocks, per_block), dtype=bool)
    places[blocks - short :, -1] = False
    order = np.zeros(blocks * per_block, dtype=np.intp)
    order[places.ravel()] = rng.permutation(n)
    grouped = np.empty((blocks, per_block, k + 2))
    grouped[..., 0] = places
    np.subtract(
        np.take(ratings, order, axis=0).reshape(blocks, per_block, k), means[:-1], out=grouped[..., 1:-1]
    )
    np.subtract(np.take(outcome, order).reshape(blocks, per_block), means[-1], out=grouped[..., -1])
    grouped[~places] = 0.0
    group_moments: Array = np.matmul(grouped.transpose(0, 2, 1), grouped)
    return group_moments, means


def _resampled(groups: Array, resamples: int, rng: np.random.Generator) -> Array:
    """(resamples, k): the Shapley importances of resamples of the groups, drawn with replacement."""
    count, side = groups.shape[0], groups.shape[-1]
    # How often each group is drawn in each resample (multinomial counts, from uniform draws).
    picks = rng.integers(0, count, size=(resamples, count)) + count * np.arange(resamples)[:, None]
    draws = (
        np.bincount(picks.ravel(), minlength=resamples * count).reshape(resamples, count).astype(np.float64)
    )
    stats = (draws @ groups.reshape(count, side * side)).reshape(resamples, side, side)
    return shapley(subset_r2(correlations(stats)))


def bootstrap(
    ratings: Array,
    outcome: Array,
    *,
    resamples: int = BOOTSTRAP_B,
    seed: int = BOOTSTRAP_SEED,
    blocks: int = BLOCKS,
) -> Array:
    """(resamples, k): the Shapley importances of each resample (see the module's note)."""
    rng = np.random.default_rng(seed)
    groups, _ = _group_moments(ratings, outcome, blocks, rng)
    return _resampled(groups, resamples, rng)


def _shares(resampled: Array) -> Array:
    """Each resample's importances as shares of their sum (its R²); 0 where it explains nothing."""
    total = resampled.sum(axis=-1, keepdims=True)
    shares: Array = np.divide(resampled, total, out=np.zeros_like(resampled), where=total > 0)
    return shares


def interval(resampled: Array, level: float = LEVEL) -> tuple[Array, Array]:
    """The percentile interval of each column of `resampled`."""
    tail = (1.0 - level) / 2.0
    low, high = np.nanquantile(resampled, [tail, 1.0 - tail], axis=0)
    return low, high


def quadrant(
    importance: float, performance: float, mean_importance: float, mean_performance: float
) -> Quadrant:
    """Important means at least the average importance (R² / k); scoring worst means a mean
    rating below the average of the touchpoints' mean ratings."""
    important = importance >= mean_importance
    worse = performance < mean_performance
    if important:
        return Quadrant.FIX_FIRST if worse else Quadrant.STRENGTH
    return Quadrant.LOW_PRIORITY if worse else Quadrant.OVERSERVED


def analyse(
    touchpoints: tuple[str, ...],
    ratings: Array,
    outcome: Array,
    *,
    resamples: int = BOOTSTRAP_B,
    seed: int = BOOTSTRAP_SEED,
) -> Analysis:
    """The driver analysis of one slice: `ratings` (n×k, NaN where a touchpoint was not rated)
    against `outcome` (n). Respondents missing a rating or the outcome are left out."""
    if not 1 <= len(touchpoints) <= MAX_DRIVERS or ratings.shape[1] != len(touchpoints):
        raise ValueError(f"between 1 and {MAX_DRIVERS} touchpoints, one column each")
    complete = ~(np.isnan(ratings).any(axis=1) | np.isnan(outcome))
    x, y = (ratings, outcome) if complete.all() else (ratings[complete], outcome[complete])
    n = int(x.shape[0])
    if n < MIN_N:
        return Analysis(n, None, ())
    rng = np.random.default_rng(seed)
    groups, means = _group_moments(x, y, BLOCKS, rng)
    r2_all = subset_r2(correlations(groups.sum(axis=0)))
    r2, point = float(r2_all[-1]), shapley(r2_all)
    resampled = _resampled(groups, resamples, rng)
    low, high = interval(resampled)
    share_low, share_high = interval(_shares(resampled))
    performance = means[:-1]
    order = sorted(range(len(touchpoints)), key=lambda j: (-point[j], touchpoints[j]))
    mean_importance, mean_performance = r2 / len(touchpoints), float(performance.mean())
    drivers = tuple(
        Driver(
            touchpoint=touchpoints[j],
            importance=float(point[j]),
            low=float(low[j]),
            high=float(high[j]),
            share=float(point[j] / r2) if r2 > 0 else 0.0,
            share_low=float(share_low[j]),
            share_high=float(share_high[j]),
            performance=float(performance[j]),
            quadrant=quadrant(float(point[j]), float(performance[j]), mean_importance, mean_performance),
            rank=rank,
        )
        for rank, j in enumerate(order, start=1)
    )
    return Analysis(n, r2, drivers)


class Answered(Protocol):
    """What the analysis reads of a respondent (kpi.domain.respondents.Respondent)."""

    @property
    def segment(self) -> str: ...
    @property
    def outcome(self) -> int: ...
    @property
    def ratings(self) -> Mapping[str, int]: ...


@dataclass(frozen=True, slots=True)
class Slices:
    """The driver analysis of all respondents and of each segment."""

    touchpoints: tuple[str, ...]
    everyone: Analysis
    segments: tuple[tuple[str, Analysis], ...]
    """(segment, its analysis) by segment name; respondents without a segment count only in `everyone`."""


def slices(
    respondents: Sequence[Answered], *, resamples: int = BOOTSTRAP_B, seed: int = BOOTSTRAP_SEED
) -> Slices:
    """The analysis of `respondents` overall and per segment, over the touchpoints they rated (the
    `MAX_DRIVERS` rated most often, when there are more), in the order of their names."""
    rated: dict[str, int] = {}
    for person in respondents:
        for touchpoint in person.ratings:
            rated[touchpoint] = rated.get(touchpoint, 0) + 1
    touchpoints = tuple(sorted(sorted(rated, key=lambda tp: (-rated[tp], tp))[:MAX_DRIVERS]))
    if not touchpoints:
        return Slices((), Analysis(0, None, ()), ())
    ratings = np.array(
        [[person.ratings.get(tp, np.nan) for tp in touchpoints] for person in respondents], dtype=np.float64
    )
    outcome = np.array([person.outcome for person in respondents], dtype=np.float64)
    segment = np.array([person.segment for person in respondents])
    everyone = analyse(touchpoints, ratings, outcome, resamples=resamples, seed=seed)
    named = sorted({person.segment for person in respondents} - {""})
    return Slices(
        touchpoints,
        everyone,
        tuple(
            (
                name,
                analyse(
                    touchpoints,
                    ratings[segment == name],
                    outcome[segment == name],
                    resamples=resamples,
                    seed=seed,
                ),
            )
            for name in named
        ),
    )
