"""Driver analysis (kpi.domain.drivers): Shapley shares of R² against cases worked by hand and an
independent implementation (least squares on the raw data, every order of joining), and
bootstrap intervals that hold the true importances of data simulated from known weights."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pytest

from kpi.domain import drivers
from kpi.domain.drivers import MIN_N, Quadrant


def _corr(r1: float, r2: float, r12: float) -> np.ndarray:
    """Two drivers and the outcome (last): their correlations."""
    return np.array([[1.0, r12, r1], [r12, 1.0, r2], [r1, r2, 1.0]])


@pytest.mark.parametrize(
    "r1, r2, r12, expected",
    [
        # Uncorrelated drivers: each one's importance is its squared correlation with the outcome.
        (0.5, 0.4, 0.0, (0.25, 0.16)),
        # R²(both) = (r1² + r2² − 2·r1·r2·r12) / (1 − r12²) = (0.25 + 0.16 − 0.12) / 0.91 = 0.318681…
        # importance 1 = ½·r1² + ½·(R²(both) − r2²) = 0.125 + ½·0.158681… = 0.204340…
        # importance 2 = ½·r2² + ½·(R²(both) − r1²) = 0.08 + ½·0.068681… = 0.114340…
        (0.5, 0.4, 0.3, (0.125 + (0.29 / 0.91 - 0.16) / 2, 0.08 + (0.29 / 0.91 - 0.25) / 2)),
        # The second driver relates to the outcome only through the first (r2 = r1·r12 = 0.36):
        # R²(both) = (0.36 + 0.1296 − 0.2592) / 0.64 = 0.36 = r1², so it adds nothing once the
        # first is in; importance 1 = ½·0.36 + ½·(0.36 − 0.1296), importance 2 = ½·0.1296 + 0.
        (0.6, 0.36, 0.6, (0.18 + (0.36 - 0.36**2) / 2, 0.36**2 / 2)),
    ],
)
def test_two_drivers_worked_by_hand(r1, r2, r12, expected):
    r2_by_subset = drivers.subset_r2(_corr(r1, r2, r12))
    assert r2_by_subset[0] == 0.0
    assert r2_by_subset[1] == pytest.approx(r1**2)
    assert r2_by_subset[2] == pytest.approx(r2**2)
    assert r2_by_subset[3] == pytest.approx((r1**2 + r2**2 - 2 * r1 * r2 * r12) / (1 - r12**2))
    assert drivers.shapley(r2_by_subset) == pytest.approx(expected, abs=1e-12)


def test_raw_data_worked_by_hand():
    """x1 and x2 are uncorrelated, both with variance 1; y = 2·x1 + x2 + e with e of variance 1,
    uncorrelated with both: var(y) = 4 + 1 + 1 = 6, so x1 explains 4/6, x2 1/6, together 5/6."""
    x1 = np.array([1.0, -1.0, 1.0, -1.0])
    x2 = np.array([1.0, 1.0, -1.0, -1.0])
    e = np.array([1.0, -1.0, -1.0, 1.0])
    y = 2 * x1 + x2 + e + 7.0
    r2, importance = drivers.importances(np.column_stack([x1, x2]), y)
    assert r2 == pytest.approx(5 / 6, abs=1e-12)
    assert importance == pytest.approx([4 / 6, 1 / 6], abs=1e-12)


def _r2_by_least_squares(x: np.ndarray, y: np.ndarray, columns: tuple[int, ...]) -> float:
    design = np.column_stack([np.ones(len(y)), x[:, list(columns)]])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    return 1.0 - float(residual @ residual) / float(((y - y.mean()) ** 2).sum())


def _shapley_by_orders(x: np.ndarray, y: np.ndarray) -> list[float]:
    """The independent implementation: fit the 2^k regressions on the raw data and average each
    driver's gain in R² over all k! orders of joining."""
    k = x.shape[1]
    fits = {
        subset: _r2_by_least_squares(x, y, subset) if subset else 0.0
        for size in range(k + 1)
        for subset in itertools.combinations(range(k), size)
    }
    totals = [0.0] * k
    for order in itertools.permutations(range(k)):
        joined: list[int] = []
        for j in order:
            before = fits[tuple(sorted(joined))]
            joined.append(j)
            totals[j] += fits[tuple(sorted(joined))] - before
    return [t / math.factorial(k) for t in totals]


def _ratings(rng: np.random.Generator, n: int, k: int, mood: float) -> np.ndarray:
    """Ratings 1-5 correlated through a shared mood."""
    shared = rng.normal(size=(n, 1))
    return np.clip(np.round(3.4 + mood * shared + rng.normal(size=(n, k))), 1, 5)


@pytest.mark.parametrize(
    "n, k, mood, seed",
    [
        (50, 1, 0.0, 1),
        (60, 2, 0.8, 2),
        (200, 3, 1.2, 3),
        (500, 4, 0.5, 4),
        (1000, 5, 1.0, 5),
        (300, 6, 2.0, 6),
    ],
)
def test_agrees_with_an_independent_implementation(n, k, mood, seed):
    rng = np.random.default_rng(seed)
    x = _ratings(rng, n, k, mood)
    weights = rng.uniform(0.0, 1.5, size=k)
    y = np.clip(np.round(1.0 + x @ weights + rng.normal(scale=2.0, size=n)), 0, 10)
    r2, importance = drivers.importances(x, y)
    expected = _shapley_by_orders(x, y)
    assert importance == pytest.approx(expected, abs=1e-9)
    assert r2 == pytest.approx(_r2_by_least_squares(x, y, tuple(range(k))), abs=1e-9)
    assert importance.sum() == pytest.approx(r2, abs=1e-12)


def _simulated(rng, n, weights, mood, noise):
    """Normal ratings with a shared mood (each: mood·m + own, variances mood² + 1) and
    outcome = Σ w·rating + noise; and the true importances, worked out from the model's
    correlation matrix."""
    k = len(weights)
    x = mood * rng.normal(size=(n, 1)) + rng.normal(size=(n, k))
    y = x @ weights + noise * rng.normal(size=n)
    cov_x = mood**2 * np.ones((k, k)) + np.eye(k)
    cov_xy = cov_x @ weights
    cov = np.block([[cov_x, cov_xy[:, None]], [cov_xy[None, :], np.array([[weights @ cov_xy + noise**2]])]])
    sd = np.sqrt(np.diag(cov))
    true = drivers.shapley(drivers.subset_r2(cov / np.outer(sd, sd)))
    return x, y, true


def test_intervals_hold_the_true_importances():
    weights = np.array([0.8, 0.5, 0.3, 0.15, 0.05])
    x, y, true = _simulated(np.random.default_rng(11), 4000, weights, 0.9, 2.0)
    result = drivers.analyse(tuple("abcde"), x, y)
    assert [d.touchpoint for d in result.drivers] == list("abcde")
    for driver, truth in zip(result.drivers, true, strict=True):
        assert driver.low <= truth <= driver.high
        assert driver.low < driver.importance < driver.high


@pytest.mark.parametrize("n, resamples", [(400, 300), (3000, 300)])
def test_the_intervals_are_as_wide_as_the_estimates_vary(n, resamples):
    """Over 30 simulated samples: the 95 % intervals hold the truth about 95 % of the time, and
    the bootstrap's spread matches how much the importance really varies from sample to sample.
    n = 400 is the plain bootstrap of respondents; n = 3,000 uses the random groups."""
    weights = np.array([0.6, 0.3, 0.1])
    rng = np.random.default_rng(n)
    held, estimates, spreads = [], [], []
    for sample in range(30):
        x, y, true = _simulated(rng, n, weights, 1.0, 1.5)
        resampled = drivers.bootstrap(x, y, resamples=resamples, seed=sample)
        low, high = drivers.interval(resampled)
        held.extend((low <= true) & (true <= high))
        estimates.append(drivers.importances(x, y)[1])
        spreads.append(resampled.std(axis=0))
    assert 0.85 <= np.mean(held) <= 1.0
    ratio = np.mean(spreads, axis=0) / np.std(estimates, axis=0)
    assert np.all((ratio > 0.7) & (ratio < 1.4)), ratio


@pytest.mark.parametrize("n", [12_345, 13_000, 700])
def test_the_groups_add_up_to_every_respondent(n):
    rng = np.random.default_rng(3)
    x, y = _ratings(rng, n, 3, 1.0), rng.normal(size=n)
    groups, means = drivers._group_moments(x, y, 1000, rng)
    assert means == pytest.approx([*x.mean(axis=0), y.mean()])
    assert groups.shape == (min(n, 1000), 5, 5)
    assert sorted(set(groups[:, 0, 0])) == sorted({n // 1000 or 1, -(-n // 1000)})
    centred = np.column_stack([x, y]) - means
    assert groups.sum(axis=0) == pytest.approx(drivers.moments(centred), rel=1e-12, abs=1e-6)


def test_shares_add_up_to_r2_and_ranks_follow_importance():
    rng = np.random.default_rng(7)
    x = _ratings(rng, 3000, 4, 1.0)
    y = x @ np.array([0.2, 1.0, 0.1, 0.6]) + rng.normal(size=3000)
    result = drivers.analyse(("delivery", "service", "webshop", "invoice"), x, y, resamples=200)
    assert result.is_enough and result.n == 3000
    assert sum(d.importance for d in result.drivers) == pytest.approx(result.r2, abs=1e-12)
    assert sum(d.share for d in result.drivers) == pytest.approx(1.0, abs=1e-12)
    assert [(d.rank, d.touchpoint) for d in result.drivers] == [
        (1, "service"),
        (2, "invoice"),
        (3, "delivery"),
        (4, "webshop"),
    ]
    assert [d.performance for d in result.drivers] == pytest.approx(list(x.mean(axis=0)[[1, 3, 0, 2]]))


@pytest.mark.parametrize("n, enough", [(MIN_N - 1, False), (MIN_N, True)])
def test_below_the_minimum_there_is_no_analysis(n, enough):
    rng = np.random.default_rng(n)
    x = _ratings(rng, n, 2, 1.0)
    result = drivers.analyse(("a", "b"), x, x.sum(axis=1) + rng.normal(size=n), resamples=50)
    assert result.n == n and result.is_enough is enough
    assert (result.r2 is not None) is enough
    assert len(result.drivers) == (2 if enough else 0)


def test_only_complete_respondents_count():
    rng = np.random.default_rng(5)
    x = _ratings(rng, 400, 3, 1.0)
    y = x @ np.array([1.0, 0.5, 0.2]) + rng.normal(size=400)
    gaps = x.copy()
    gaps[:30, 0] = np.nan
    gaps[30:40, 2] = np.nan
    y_gaps = y.copy()
    y_gaps[40:45] = np.nan
    result = drivers.analyse(("a", "b", "c"), gaps, y_gaps, resamples=100)
    assert result.n == 355
    r2, importance = drivers.importances(x[45:], y[45:])
    assert result.r2 == pytest.approx(r2, abs=1e-12)
    assert [d.importance for d in result.drivers] == pytest.approx(list(importance), abs=1e-12)


def test_a_rating_everyone_gave_alike_explains_nothing():
    rng = np.random.default_rng(9)
    x = _ratings(rng, 500, 3, 0.5)
    x[:, 1] = 4.0
    y = x[:, 0] + rng.normal(size=500)
    result = drivers.analyse(("a", "same", "c"), x, y, resamples=100)
    same = next(d for d in result.drivers if d.touchpoint == "same")
    assert (same.importance, same.low, same.high) == pytest.approx((0.0, 0.0, 0.0), abs=1e-12)
    assert same.rank == 3


def test_two_identical_ratings_share_what_they_explain():
    rng = np.random.default_rng(10)
    x = _ratings(rng, 500, 2, 0.5)
    twins = np.column_stack([x[:, 0], x[:, 0], x[:, 1]])
    y = x[:, 0] + 0.5 * x[:, 1] + rng.normal(size=500)
    r2, importance = drivers.importances(twins, y)
    assert importance[0] == pytest.approx(importance[1], abs=1e-9)
    assert importance.sum() == pytest.approx(r2, abs=1e-9)
    assert r2 == pytest.approx(drivers.importances(x, y)[0], abs=1e-9)


@pytest.mark.parametrize(
    "importance, performance, expected",
    [
        (0.30, 3.1, Quadrant.FIX_FIRST),
        (0.30, 4.2, Quadrant.STRENGTH),
        (0.20, 3.1, Quadrant.FIX_FIRST),  # exactly the average importance counts as important
        (0.05, 3.1, Quadrant.LOW_PRIORITY),
        (0.05, 3.5, Quadrant.OVERSERVED),  # exactly the average rating is not scoring worst
    ],
)
def test_quadrants(importance, performance, expected):
    assert drivers.quadrant(importance, performance, mean_importance=0.20, mean_performance=3.5) is expected


@pytest.mark.parametrize("k", [0, drivers.MAX_DRIVERS + 1])
def test_too_few_or_too_many_touchpoints_are_refused(k):
    with pytest.raises(ValueError, match="touchpoints"):
        drivers.analyse(tuple(f"t{j}" for j in range(k)), np.ones((200, k)), np.ones(200))


@dataclass(frozen=True)
class _Respondent:
    segment: str
    outcome: int
    ratings: dict[str, int]


def test_slices_analyse_everyone_and_each_segment_over_the_touchpoints_rated():
    rng = np.random.default_rng(12)
    weights = {"private": (1.0, 0.2, 0.4), "business": (0.1, 1.0, 0.4)}
    people = []
    for segment, count in (("private", 600), ("business", 300), ("", 50)):
        x = _ratings(rng, count, 3, 0.8).astype(int)
        w = np.array(weights.get(segment, (0.5, 0.5, 0.5)))
        y = np.clip(np.round(x @ w + rng.normal(size=count)), 0, 10).astype(int)
        for row, score in zip(x, y, strict=True):
            rated = dict(zip(("delivery", "webshop", "invoice"), map(int, row), strict=True))
            if rng.random() < 0.1:
                del rated["invoice"]
            people.append(_Respondent(segment, int(score), rated))
    found = drivers.slices(people, resamples=100)
    assert found.touchpoints == ("delivery", "invoice", "webshop")
    assert [name for name, _ in found.segments] == ["business", "private"]
    complete = [p for p in people if len(p.ratings) == 3]
    assert found.everyone.n == len(complete)
    segments = dict(found.segments)
    assert segments["private"].n == sum(p.segment == "private" for p in complete)
    assert segments["private"].drivers[0].touchpoint == "delivery"
    assert segments["business"].drivers[0].touchpoint == "webshop"
    for analysis in (found.everyone, *segments.values()):
        assert sum(d.share for d in analysis.drivers) == pytest.approx(1.0)
        assert all(d.share_low <= d.share <= d.share_high for d in analysis.drivers)


def test_slices_of_nobody_are_empty():
    found = drivers.slices([])
    assert found.touchpoints == () and found.everyone.n == 0 and not found.everyone.is_enough
