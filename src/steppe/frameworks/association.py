"""Rank association with a seeded bootstrap interval, for the frameworks' "does X go with Y" tests.

Spearman's rank correlation is Pearson's correlation of the ranks (ties get their average rank;
Spearman 1904). The interval is the percentile bootstrap (Efron and Tibshirani 1993, ch. 13):
the statistic recomputed on ``draws`` resamples, drawn with replacement from ``groups`` (whole
clusters, so that observations that are not independent, such as the years of one
country-organisation pair, travel together), with a numpy Generator seeded by ``seed`` so that
the same call gives the same interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Association:
    """Spearman's rho, its bootstrap interval and the number of observations (and clusters)."""

    spearman: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    clusters: int
    draws: int
    seed: int
    level: float

    def contract(self) -> dict[str, float | int | None]:
        """The JSON contract's four fields."""
        return {"spearman": self.spearman, "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n}


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``, ties sharing their average rank."""
    sorter = np.argsort(values, kind="mergesort")
    inverse = np.empty_like(sorter)
    inverse[sorter] = np.arange(len(values))
    ordered = values[sorter]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    dense = first.cumsum()[inverse]
    bounds = np.r_[np.flatnonzero(first), len(first)]
    return 0.5 * (bounds[dense] + bounds[dense - 1] + 1)


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float | None:
    """Spearman's rank correlation of two equal-length samples; None when either is constant or n < 3."""
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if a.shape != b.shape:
        raise ValueError("spearman needs two samples of the same length")
    if len(a) < 3:
        return None
    ra = average_ranks(a)
    rb = average_ranks(b)
    return _pearson(ra, rb)


def _pearson(ra: np.ndarray, rb: np.ndarray) -> float | None:
    da, db = ra - ra.mean(), rb - rb.mean()
    den = float(np.sqrt((da * da).sum() * (db * db).sum()))
    return float((da * db).sum() / den) if den > 0 else None


def _row_ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks along each row of a 2-D array (ties share their mean rank)."""
    less = (x[:, :, None] > x[:, None, :]).sum(axis=2)
    equal = (x[:, :, None] == x[:, None, :]).sum(axis=2)
    return less + (equal + 1) / 2.0


def _spearman_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row pair of two (draws x n) arrays; NaN where a row is constant."""
    ra, rb = _row_ranks(a), _row_ranks(b)
    da = ra - ra.mean(axis=1, keepdims=True)
    db = rb - rb.mean(axis=1, keepdims=True)
    den = np.sqrt((da * da).sum(axis=1) * (db * db).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (da * db).sum(axis=1) / np.where(den > 0, den, 1.0), np.nan)


def bootstrap_spearman(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    groups: Sequence[object] | None = None,
    *,
    draws: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Association:
    """Spearman's rho of ``x`` and ``y`` with a percentile bootstrap interval over ``groups``.

    ``groups`` (one label per observation; default: each observation its own group) are the
    resampling units. Resamples where rho is undefined (a constant sample) are skipped; the
    interval is None when fewer than half of the draws give a value.
    """
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    index: dict[object, int] = {}
    codes = np.array(
        [index.setdefault(g, len(index)) for g in (groups if groups is not None else range(len(a)))]
    )
    rho = spearman(a, b)
    unique = list(index)
    members = [np.flatnonzero(codes == i) for i in range(len(unique))]
    values: list[float] = []
    if rho is not None and len(unique) >= 2 and groups is None and len(a) <= 60:
        # one observation per cluster: all draws at once (same generator stream as the loop below)
        rng = np.random.default_rng(seed)
        picked = rng.integers(0, len(unique), size=(draws, len(unique)))
        rows = _spearman_rows(a[picked], b[picked])
        values = [float(v) for v in rows if not np.isnan(v)]
    elif rho is not None and len(unique) >= 2:
        rng = np.random.default_rng(seed)
        for _ in range(draws):
            picked = rng.integers(0, len(unique), size=len(unique))
            idx = np.concatenate([members[i] for i in picked])
            r = spearman(a[idx], b[idx])
            if r is not None:
                values.append(r)
    low = high = None
    if values and len(values) >= draws / 2:
        tail = (1.0 - level) / 2.0
        low = float(np.quantile(values, tail))
        high = float(np.quantile(values, 1.0 - tail))
    return Association(
        spearman=None if rho is None else round(rho, 6),
        ci_low=None if low is None else round(low, 6),
        ci_high=None if high is None else round(high, 6),
        n=len(a),
        clusters=len(unique),
        draws=draws,
        seed=seed,
        level=level,
    )
