"""Inter-coder reliability: percent agreement, Cohen's kappa and Krippendorff's alpha.

The formulas are pure functions on arrays (``np.nan`` marks a missing value):

* percent agreement: the share of units, coded by both, on which two coders agree;
* Cohen's kappa (Cohen 1960): ``(p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's
  own marginal distribution;
* Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
  ``1 - (n - 1) * sum_ck o_ck d2(c, k) / sum_ck n_c n_k d2(c, k)`` over the coincidence
  matrix ``o`` of pairable values (units with at least two values), for any number of
  coders and missing data, with the nominal, ordinal, interval and ratio metrics ``d2``.

:func:`coding_reliability` applies them to codings in the store: each (segment, code) is a
unit whose value is 1 when the coder applied the code and 0 otherwise; one row per code and
an overall row pooling every (segment, code) unit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from steppe.errors import NotFoundError, UsageError

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _pairs(a: Sequence, b: Sequence) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if x.shape != y.shape:
        raise UsageError(f"The two coders rate different numbers of units ({x.size} and {y.size}).")
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def percent_agreement(a: Sequence, b: Sequence) -> float:
    """Share of units rated by both coders on which they give the same value."""
    x, y = _pairs(a, b)
    return float(np.mean(x == y)) if x.size else float("nan")


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's (1960) kappa for two coders; NaN when chance agreement is already perfect."""
    x, y = _pairs(a, b)
    if not x.size:
        return float("nan")
    values = np.union1d(x, y)
    po = float(np.mean(x == y))
    pe = float(sum(np.mean(x == v) * np.mean(y == v) for v in values))
    if pe >= 1.0:
        return float("nan")
    return (po - pe) / (1.0 - pe)


def coincidences(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coincidence matrix ``o_ck`` over the distinct values, from a coders × units array."""
    data = np.asarray(data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in data.T:
        present = unit[~np.isnan(unit)]
        m = present.size
        if m < 2:
            continue
        counts = np.zeros(len(values))
        for v in present:
            counts[index[v]] += 1
        pair = np.outer(counts, counts) - np.diag(counts)
        o += pair / (m - 1)
    return values, o


def _delta2(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    c = values[:, None]
    k = values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(total == 0, 0.0, ((c - k) / np.where(total == 0, 1, total)) ** 2)
        return d
    if level == "ordinal":
        cum = np.cumsum(n_c)
        i = np.arange(len(values))
        lo = np.minimum(i[:, None], i[None, :])
        hi = np.maximum(i[:, None], i[None, :])
        between = cum[hi] - np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
        return (between - (n_c[lo] + n_c[hi]) / 2.0) ** 2
    raise UsageError(f"Unknown level '{level}': use one of {', '.join(LEVELS)}.")


def krippendorff_alpha(data: np.ndarray | Sequence[Sequence], level: str = "nominal") -> float:
    """Krippendorff's alpha for a coders × units array (``np.nan`` = not coded)."""
    if level not in LEVELS:
        raise UsageError(f"Unknown level '{level}': use one of {', '.join(LEVELS)}.")
    values, o = coincidences(np.asarray(data, dtype=float))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n <= 1 or len(values) < 2:
        return float("nan")
    d2 = _delta2(values, n_c, level)
    observed = (o * d2).sum()
    expected = (np.outer(n_c, n_c) * d2).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1) * observed / expected)


# -- reliability of codings in the store ------------------------------------------------------
def _row(name: str, matrix: np.ndarray) -> dict:
    a, b = matrix[0], matrix[1] if matrix.shape[0] > 1 else matrix[0]
    pairwise = matrix.shape[0] == 2
    both = int(np.sum((matrix == 1).all(axis=0)))
    return {
        "code": name,
        "units": int(matrix.shape[1]),
        **{f"n_{i}": int(np.nansum(row)) for i, row in enumerate(matrix)},
        "both": both,
        "agreement": round(percent_agreement(a, b), 6) if pairwise else None,
        "kappa": _round(cohen_kappa(a, b)) if pairwise else None,
        "alpha": _round(krippendorff_alpha(matrix, "nominal")),
    }


def _round(x: float) -> float | None:
    return None if np.isnan(x) else round(float(x), 6)


def coding_reliability(units: pd.DataFrame, coded: dict[str, pd.DataFrame], codes: list[str]) -> list[dict]:
    """Agreement per code and overall between coders.

    ``units``: the segments compared (columns ``doc_id``, ``seg_no``); ``coded``: per coder,
    the (``doc_id``, ``seg_no``, ``code``) rows that coder applied; ``codes``: the codes
    compared. Returns rows ``{"code", "units", "n_0", "n_1", ..., "both", "agreement",
    "kappa", "alpha"}`` with ``code == "(overall)"`` last; ``n_i`` is how many units coder
    ``i`` (in the order of ``coded``) marked.
    """
    if len(coded) < 2:
        raise UsageError(
            "Name at least two people (or 'auto') to compare, for example coders 'alice' and 'auto'.",
            params=("coders",),
        )
    if units.empty:
        raise NotFoundError("No segments to compare; check the document ids.")
    if not codes:
        raise NotFoundError("No codes to compare; load a codebook or name the codes.")
    keys = pd.MultiIndex.from_frame(units[["doc_id", "seg_no"]])
    code_index = {c: j for j, c in enumerate(codes)}
    cube = np.zeros((len(coded), len(keys), len(codes)))
    for i, frame in enumerate(coded.values()):
        f = frame[frame["code"].isin(code_index)]
        if f.empty:
            continue
        rows = keys.get_indexer(pd.MultiIndex.from_frame(f[["doc_id", "seg_no"]]))
        ok = rows >= 0
        cube[i, rows[ok], f["code"].map(code_index).to_numpy()[ok]] = 1
    out = [_row(code, cube[:, :, j]) for j, code in enumerate(codes)]
    out.append(_row("(overall)", cube.reshape(len(coded), -1)))
    return out
