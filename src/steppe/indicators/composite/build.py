"""Composite index: impute, normalise, weight and aggregate a country-year indicator panel.

Pure functions over a long panel ``unit, year, indicator, value``; the choices come from a
:class:`~steppe.indicators.composite.methodology.Methodology` and can be overridden one by
one (that is how the Monte Carlo in :mod:`.sensitivity` varies them). The steps follow the
OECD/JRC *Handbook on Constructing Composite Indicators* (2008): imputation (ch. 1.5),
normalisation (1.6), weighting (1.7: equal, factor-analysis/PCA, given), aggregation (1.7:
linear, geometric), uncertainty and sensitivity (1.8). Details: ``docs/indicators.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from steppe.errors import ValidationError
from steppe.indicators.composite.methodology import Methodology

#: Geometric means need positive numbers: normalised values below this are raised to it (see
#: :func:`_for_geometric`).
GEOMETRIC_FLOOR = 0.01


@dataclass
class IndexResult:
    """Scores (0-100 over the panel), ranks per year and dimension sub-indices."""

    scores: pd.DataFrame  # unit, year, score, rank, <dimension ids>..., missing
    weights: dict[str, dict[str, float]]  # dimension -> indicator -> weight, and '_dimensions'
    choices: dict[str, str]
    #: What the run used and lacked: ``trade_dataset_id``, ``trade_view``, ``missing``, ``blank``.
    info: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The scores, one row per unit-year (provenance in ``attrs``)."""
        return self.scores


def wide_panel(panel: pd.DataFrame, method: Methodology) -> pd.DataFrame:
    """Long ``unit, year, indicator, value`` to one row per unit-year, one column per indicator."""
    ids = [i.id for i in method.indicators]
    wide = panel.pivot_table(index=["unit", "year"], columns="indicator", values="value", aggfunc="last")
    wide = wide.reindex(columns=ids)
    units = list(method.countries)
    years = range(method.years[0], method.years[1] + 1)
    full = pd.MultiIndex.from_product([units, years], names=["unit", "year"])
    return wide.reindex(full)


def impute(wide: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Fill gaps: ``none`` leaves them, ``mean`` uses the cross-unit mean of that year,
    ``carry-forward`` the unit's last earlier value (then its first later one)."""
    if rule == "none":
        return wide
    if rule == "mean":
        return wide.fillna(wide.groupby(level="year").transform("mean"))
    if rule == "carry-forward":
        return wide.groupby(level="unit").transform(lambda s: s.ffill().bfill())
    raise ValidationError(f"Unknown imputation '{rule}': use none, mean or carry-forward.")


def normalise(values: np.ndarray, how: str, direction: str) -> np.ndarray:
    """Normalise one indicator over the whole panel (NaN kept); higher = more integrated.

    min-max: (x - min) / (max - min), reflected for negative indicators; z-score:
    (x - mean) / sd, sign flipped for negative ones; distance-to-frontier: x / frontier with
    the frontier the best observed value (negative indicators are first reflected,
    x' = max + min - x), defined for non-negative data.
    """
    x = np.asarray(values, dtype="float64")
    ok = ~np.isnan(x)
    out = np.full_like(x, np.nan)
    if not ok.any():
        return out
    lo, hi = np.nanmin(x), np.nanmax(x)
    if how == "min-max":
        out[ok] = 0.5 if hi == lo else (x[ok] - lo) / (hi - lo)
        return out if direction == "positive" else np.where(ok, 1.0 - out, np.nan)
    if how == "z-score":
        sd = np.nanstd(x)
        out[ok] = 0.0 if sd == 0 else (x[ok] - np.nanmean(x)) / sd
        return out if direction == "positive" else -out
    if how == "distance-to-frontier":
        if lo < 0:
            raise ValidationError(
                "Distance-to-frontier normalisation needs non-negative indicator values; "
                "use min-max or z-score for this methodology."
            )
        y = x if direction == "positive" else hi + lo - x
        frontier = np.nanmax(y)
        out[ok] = 1.0 if frontier == 0 else y[ok] / frontier
        return out
    raise ValidationError(f"Unknown normalisation '{how}': use min-max, z-score or distance-to-frontier.")


def pca_weights(block: np.ndarray) -> np.ndarray:
    """Weights from the first principal component of the correlation matrix, as ARCII does:
    squared loadings rescaled to sum to 1 (OECD/JRC 2008, section 6.1). Equal weights when
    fewer than three complete rows or a constant column leave no correlation to analyse."""
    k = block.shape[1]
    if k == 1:
        return np.ones(1)
    complete = block[~np.isnan(block).any(axis=1)]
    if len(complete) < 3 or np.any(complete.std(axis=0) == 0):
        return np.full(k, 1.0 / k)
    corr = np.corrcoef(complete, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    loading = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
    sq = loading**2
    return sq / sq.sum() if sq.sum() > 0 else np.full(k, 1.0 / k)


def _aggregate(block: np.ndarray, weights: np.ndarray, how: str) -> np.ndarray:
    """Weighted mean of each row over its non-missing columns (weights renormalised per row)."""
    ok = ~np.isnan(block)
    w = np.where(ok, weights[None, :], 0.0)
    wsum = w.sum(axis=1)
    out = np.full(block.shape[0], np.nan)
    has = wsum > 0
    if how == "arithmetic":
        out[has] = (np.where(ok, block, 0.0) * w).sum(axis=1)[has] / wsum[has]
    elif how == "geometric":
        logs = np.log(np.where(ok, block, 1.0))
        out[has] = np.exp((logs * w).sum(axis=1)[has] / wsum[has])
    else:
        raise ValidationError(f"Unknown aggregation '{how}': use arithmetic or geometric.")
    return out


def _for_geometric(block: np.ndarray) -> np.ndarray:
    """Strictly positive values for a geometric mean that keep the chosen normalisation.

    A column that is already >= GEOMETRIC_FLOOR is left as it is. A non-negative column
    (min-max, distance to frontier: values in [0, 1]) only has its values below the floor
    raised to it (a zero would make the whole mean zero). A column with negative values
    (z-scores) is shifted, not rescaled, so that its panel minimum sits at the floor: the
    differences between units keep their standard-deviation units. (Rescaling every column
    to [floor, 1] by min-max, as steppe did before, turned every normalisation into min-max.)
    """
    out = block.copy()
    for j in range(block.shape[1]):
        col = block[:, j]
        if not (~np.isnan(col)).any():
            continue
        lo = np.nanmin(col)
        if lo >= GEOMETRIC_FLOOR:
            continue
        out[:, j] = np.maximum(col, GEOMETRIC_FLOOR) if lo >= 0 else col - lo + GEOMETRIC_FLOOR
    return out


def compute_index(
    panel: pd.DataFrame,
    method: Methodology,
    *,
    normalisation: str | None = None,
    weighting: str | None = None,
    aggregation: str | None = None,
    imputation: str | None = None,
    dimension_scale: np.ndarray | None = None,
) -> IndexResult:
    """Scores of every unit-year of ``method`` from a long indicator ``panel``.

    ``dimension_scale`` multiplies the dimension weights (the Monte Carlo's weight noise).
    Unit-years with more than ``max_missing_share`` of their indicators missing after
    imputation get no score. Final scores are rescaled to 0-100 over the panel so that
    scenarios with different normalisations are comparable; ranks are per year (1 = highest).
    """
    norm = normalisation or method.normalisation
    weigh = weighting or method.weighting
    agg = aggregation or method.aggregation
    imp = imputation or method.imputation
    wide = impute(wide_panel(panel, method), imp)
    data = {}
    for ind in method.indicators:
        data[ind.id] = normalise(wide[ind.id].to_numpy(), norm, ind.direction)
    missing = wide.isna().sum(axis=1).to_numpy()
    too_sparse = missing / max(len(method.indicators), 1) > method.max_missing_share
    weights: dict[str, dict[str, float]] = {}
    dim_scores = []
    for dim in method.dimensions:
        block = np.column_stack([data[i.id] for i in dim.indicators])
        if weigh == "pca":
            w = pca_weights(block)
        elif weigh == "given":
            w = np.array([i.weight for i in dim.indicators], dtype="float64")
            w = w / w.sum()
        else:
            w = np.full(len(dim.indicators), 1.0 / len(dim.indicators))
        weights[dim.id] = {i.id: float(v) for i, v in zip(dim.indicators, w, strict=True)}
        source = _for_geometric(block) if agg == "geometric" else block
        dim_scores.append(_aggregate(source, w, agg))
    dims = np.column_stack(dim_scores)
    if weigh == "pca":
        dw = pca_weights(dims)
    elif weigh == "given":
        dw = np.array([d.weight for d in method.dimensions], dtype="float64")
    else:
        dw = np.ones(len(method.dimensions))
    if dimension_scale is not None:
        dw = dw * dimension_scale
    dw = dw / dw.sum()
    weights["_dimensions"] = {d.id: float(v) for d, v in zip(method.dimensions, dw, strict=True)}
    source = _for_geometric(dims) if agg == "geometric" else dims
    score = _aggregate(source, dw, agg)
    score[too_sparse] = np.nan
    lo, hi = (
        np.nanmin(score) if (~np.isnan(score)).any() else 0,
        np.nanmax(score) if (~np.isnan(score)).any() else 1,
    )
    score = np.full_like(score, 50.0) if hi == lo else np.clip(100.0 * (score - lo) / (hi - lo), 0.0, 100.0)
    score[too_sparse] = np.nan
    out = wide.index.to_frame(index=False)
    out["score"] = score
    for dim, col in zip(method.dimensions, dims.T, strict=True):
        out[dim.id] = col
    out["missing"] = missing
    out["rank"] = out.groupby("year")["score"].rank(ascending=False, method="min")
    choices = {"normalisation": norm, "weighting": weigh, "aggregation": agg, "imputation": imp}
    return IndexResult(out, weights, choices)
