"""Monte Carlo uncertainty and sensitivity analysis of a composite index (OECD/JRC 2008, ch. 1.8).

Each draw picks, uniformly and independently, a normalisation, a weighting scheme, an
aggregation rule and an imputation rule from the methodology's ``uncertainty`` lists, and
multiplies the dimension weights by independent uniform factors in [1 - noise, 1 + noise].
Every unit-year then has a distribution of scores (0-100) and of ranks: we report the median
and the 5th-95th percentile interval. First-order sensitivity indices S_f = Var(E[Y | f]) /
Var(Y) for each choice f (the weight noise binned into quintiles) say which choice moves the
scores most, averaged over unit-years with weights proportional to their score variance.

Scores are rescaled to 0-100 over the panel in every draw, so the unit-year that is lowest
(highest) in every draw scores exactly 0 (100) with a band of [0, 0] ([100, 100]): an
artefact of the rescaling, not certainty. ``rescaling_bound`` marks those rows ('min' or
'max') and ``band_note`` says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from steppe.indicators.composite.build import compute_index
from steppe.indicators.composite.methodology import Methodology

FACTORS = ("normalisation", "weighting", "aggregation", "imputation", "weights")


@dataclass
class SensitivityResult:
    """Score and rank intervals per unit-year, and the first-order index of each choice."""

    intervals: pd.DataFrame
    first_order: dict[str, float]
    draws: int
    seed: int
    #: What the run used and lacked: ``trade_dataset_id``, ``trade_view``, ``missing``, ``blank``.
    info: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The intervals, one row per unit-year (provenance in ``attrs``)."""
        return self.intervals


def _first_order(y: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Var over levels of E[y | level] / Var(y), per column of ``y`` (draws x cells)."""
    total = np.nanvar(y, axis=0)
    levels = np.unique(labels)
    means = np.stack([np.nanmean(y[labels == lv], axis=0) for lv in levels])
    counts = np.array([(labels == lv).sum() for lv in levels], dtype="float64")[:, None]
    grand = np.nanmean(y, axis=0)
    between = (counts * (means - grand) ** 2).sum(axis=0) / counts.sum()
    out = np.full_like(total, np.nan)
    np.divide(between, total, out=out, where=total > 0)
    return out


#: What a band pinned at the panel minimum or maximum means.
BAND_NOTES = {
    "min": "lowest unit-year of the panel in every draw: 0 by the 0-100 rescaling, not a certain value",
    "max": "highest unit-year of the panel in every draw: 100 by the 0-100 rescaling, not a certain value",
}


def rescaling_bounds(scores: np.ndarray) -> tuple[list[str | None], list[str | None]]:
    """Per cell of ``scores`` (draws x cells): 'min' / 'max' when the cell is the panel's lowest /
    highest score in every draw that scores it, and the matching note."""
    bounds: list[str | None] = [None] * scores.shape[1]
    if scores.size == 0:
        return bounds, bounds
    with np.errstate(all="ignore"):
        valid = ~np.isnan(scores)
        lo = np.nanmin(np.where(valid.any(axis=1, keepdims=True), scores, 0.0), axis=1, keepdims=True)
        hi = np.nanmax(np.where(valid.any(axis=1, keepdims=True), scores, 0.0), axis=1, keepdims=True)
    scored = valid.any(axis=0)
    at_min = scored & np.all(~valid | (scores == lo), axis=0)
    at_max = scored & np.all(~valid | (scores == hi), axis=0)
    for j in range(scores.shape[1]):
        if at_min[j] and not at_max[j]:
            bounds[j] = "min"
        elif at_max[j] and not at_min[j]:
            bounds[j] = "max"
    return bounds, [BAND_NOTES.get(b) if b else None for b in bounds]


def sensitivity(
    panel: pd.DataFrame, method: Methodology, *, draws: int | None = None, seed: int = 0
) -> SensitivityResult:
    """Run the Monte Carlo; ``seed`` makes it reproducible (same seed, same intervals)."""
    unc = method.uncertainty
    n = int(draws if draws is not None else unc.draws)
    rng = np.random.default_rng(seed)
    base = compute_index(panel, method)
    keys = base.scores[["unit", "year"]]
    scores = np.empty((n, len(keys)))
    ranks = np.empty((n, len(keys)))
    picks: dict[str, list] = {f: [] for f in FACTORS}
    for d in range(n):
        choice = {
            "normalisation": unc.normalisation[rng.integers(len(unc.normalisation))],
            "weighting": unc.weighting[rng.integers(len(unc.weighting))],
            "aggregation": unc.aggregation[rng.integers(len(unc.aggregation))],
            "imputation": unc.imputation[rng.integers(len(unc.imputation))],
        }
        scale = rng.uniform(1 - unc.weight_noise, 1 + unc.weight_noise, size=len(method.dimensions))
        result = compute_index(panel, method, dimension_scale=scale, **choice)
        scores[d] = result.scores["score"].to_numpy()
        ranks[d] = result.scores["rank"].to_numpy()
        for f, v in choice.items():
            picks[f].append(v)
        picks["weights"].append(scale[0] / scale.sum())
    out = keys.copy()
    out["score"] = base.scores["score"].to_numpy()
    out["rank"] = base.scores["rank"].to_numpy()
    with np.errstate(all="ignore"):
        valid = ~np.isnan(scores).all(axis=0)
        q = np.full((3, len(keys)), np.nan)
        r = np.full((3, len(keys)), np.nan)
        if valid.any():
            q[:, valid] = np.nanpercentile(scores[:, valid], [5, 50, 95], axis=0)
            r[:, valid] = np.nanpercentile(ranks[:, valid], [5, 50, 95], axis=0)
    out["score_p05"], out["score_median"], out["score_p95"] = q
    out["rank_p05"], out["rank_median"], out["rank_p95"] = r
    out["rescaling_bound"], out["band_note"] = rescaling_bounds(scores)
    first: dict[str, float] = {f: float("nan") for f in FACTORS}
    if not valid.any():
        return SensitivityResult(out, first, n, seed)
    variance = np.nanvar(scores[:, valid], axis=0)
    wsum = variance.sum()
    for f in FACTORS:
        labels = np.asarray(picks[f])
        if f == "weights":
            labels = np.digitize(labels, np.quantile(labels, [0.2, 0.4, 0.6, 0.8]))
        s = _first_order(scores[:, valid], labels)
        first[f] = float(np.nansum(s * variance) / wsum) if wsum > 0 else float("nan")
    return SensitivityResult(out, first, n, seed)
