"""Estimate a gravity model on a panel through pyfixest, reporting every dropped row.

PPML goes through ``pyfixest.fepois`` and OLS through ``pyfixest.feols``. Before the call,
rows are removed here, explicitly and counted by reason, so that the report can say what was
dropped and why:

* ``missing``: a used variable is missing or not finite (e.g. log of a zero flow);
* ``separated``: PPML only, the row sits in a fixed-effect group whose flows are all zero
  (its effect would go to minus infinity; Correia, Guimarães and Zylkin 2021);
* ``singletons``: the row is alone in a fixed-effect group (no information; ppmlhdfe and
  pyfixest drop them by default; this changes the observation count, not the estimates).

Separation and singleton removal repeat until nothing changes. A regressor that does not vary
within the groups of one fixed effect is absorbed by it: that is a spec error, raised before
estimation. Regressors that pyfixest finds collinear with the rest are reported as
``collinear``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from steppe.errors import MissingDependencyError, UsageError
from steppe.gravity.panel import Panel
from steppe.gravity.spec import ModelSpec
from steppe.identifiers import check_identifiers

#: Small-sample corrections by estimator when the spec does not say: Stata's ``ppml`` (glm)
#: applies only G/(G-1) to clustered variances; ``regress`` with dummies applies
#: G/(G-1)(N-1)/(N-K), and the R replication counts no fixed effect in K. Robust (``hetero``)
#: variances follow Stata's ``ppml``: the sandwich scaled by N/(N-1). These reproduce the Guide.
DEFAULT_SSC: dict[str, dict[str, Any]] = {
    "ppml": {"k_adj": False, "G_adj": True},
    "ols": {"k_adj": True, "k_fixef": "none", "G_adj": True},
}


@dataclass
class Prepared:
    """The estimation frame and the bookkeeping of what was removed."""

    frame: pd.DataFrame
    dependent: str
    regressors: list[str]
    fixed_effects: list[str]
    cluster: str | None
    dropped: dict[str, Any]
    rows_in: int


@dataclass
class GravityResult:
    """Coefficients, standard errors, counts and what was dropped, for one spec."""

    name: str
    estimator: str
    coefficients: pd.DataFrame  # index term; columns estimate, se, t, p
    nobs: int
    rows_in: int
    dropped: dict[str, Any]
    fixed_effects: list[str]
    vcov: str
    cluster: str | None
    provenance: dict[str, Any] = field(default_factory=dict)
    model: Any = None  # the pyfixest model (not serialised)
    spec_path: str | None = None

    def coef(self, term: str) -> float:
        return float(self.coefficients["estimate"][term])

    def se(self, term: str) -> float:
        return float(self.coefficients["se"][term])

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``steppe gravity estimate --format json``."""
        return {
            "name": self.name,
            "estimator": self.estimator,
            "coefficients": {
                term: {
                    "estimate": float(row["estimate"]),
                    "se": float(row["se"]),
                    "t": float(row["t"]),
                    "p": float(row["p"]),
                }
                for term, row in self.coefficients.iterrows()
            },
            "nobs": int(self.nobs),
            "rows_in": int(self.rows_in),
            "dropped": self.dropped,
            "fixed_effects": list(self.fixed_effects),
            "vcov": self.vcov,
            "cluster": self.cluster,
            "provenance": self.provenance,
        }

    def to_frame(self) -> pd.DataFrame:
        """The coefficients (``term``, ``estimate``, ``se``, ``t``, ``p``), the run's provenance
        (datasets, sample, estimator) in ``attrs``."""
        out = pd.DataFrame(self.rows(), columns=["term", "estimate", "se", "t", "p"])
        out["term"] = out["term"].astype("string")
        out.attrs.update({"query": "gravity.estimate", "spec": self.name, "estimator": self.estimator,
                          "nobs": self.nobs, "provenance": self.provenance})  # fmt: skip
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per coefficient, for table and CSV output."""
        return [
            {
                "term": term,
                "estimate": float(row["estimate"]),
                "se": float(row["se"]),
                "t": float(row["t"]),
                "p": float(row["p"]),
            }
            for term, row in self.coefficients.iterrows()
        ]


def _fe_column(name: str) -> str:
    return f"fe_{name}"


def _absorption_check(
    frame: pd.DataFrame, regressors: list[str], fixed_effects: list[str], spec: str
) -> None:
    """Raise when one fixed effect alone leaves a regressor without variation."""
    for fe in fixed_effects:
        codes = pd.factorize(frame[_fe_column(fe)].to_numpy())[0]
        counts = np.bincount(codes).astype(float)
        for reg in regressors:
            x = frame[reg].to_numpy(dtype=float)
            # within-group sum of squares from group sums: sum x^2 - (sum x)^2 / n
            sums = np.bincount(codes, weights=x)
            within = float(np.sum(np.bincount(codes, weights=x * x) - sums * sums / counts))
            total = float(np.sum((x - x.mean()) ** 2))
            if within <= 1e-12 * max(total, 1e-300):
                raise UsageError(
                    f"In spec '{spec}' the fixed effect '{fe}' absorbs '{reg}' (it does not vary within "
                    f"{fe} groups): drop '{reg}' from the regressors or '{fe}' from the fixed effects."
                )


def _drop_separated_and_singletons(
    y: np.ndarray, codes: list[np.ndarray], ppml: bool, singletons: bool
) -> tuple[np.ndarray, int, int]:
    """Keep-mask after iterated removal of all-zero FE groups (PPML) and singleton groups."""
    keep = np.ones(len(y), dtype=bool)
    separated = single = 0
    changed = True
    while changed:
        changed = False
        for c in codes:
            idx = np.flatnonzero(keep)
            cc = c[idx]
            n = int(cc.max()) + 1 if len(cc) else 0
            counts = np.bincount(cc, minlength=n)
            if ppml:
                sums = np.bincount(cc, weights=y[idx], minlength=n)
                bad = (sums[cc] <= 0) & (counts[cc] > 0)
                if bad.any():
                    keep[idx[bad]] = False
                    separated += int(bad.sum())
                    changed = True
                    idx = np.flatnonzero(keep)
                    cc = c[idx]
                    counts = np.bincount(cc, minlength=n)
            if singletons:
                lone = counts[cc] == 1
                if lone.any():
                    keep[idx[lone]] = False
                    single += int(lone.sum())
                    changed = True
    return keep, separated, single


def prepare(panel: Panel, model: ModelSpec, spec_name: str = "spec") -> Prepared:
    """Select the columns a model uses and remove rows that cannot be estimated, counted by reason."""
    frame = panel.frame
    dep_cols = panel.columns_of(model.dependent)
    if len(dep_cols) != 1:
        raise UsageError(
            f"Spec '{spec_name}': the dependent variable '{model.dependent}' must be one column."
        )
    dependent = dep_cols[0]
    regressors: list[str] = []
    for name in model.regressors:
        regressors.extend(panel.columns_of(name))
    fes = list(model.fixed_effects)
    cluster_col = None
    if model.vcov == "cluster":
        cluster = model.cluster or "pair"
        if cluster == "pair":
            cluster_col = "pair_id"
        elif _fe_column(cluster) in frame.columns:
            cluster_col = _fe_column(cluster)
        else:
            cluster_col = panel.columns_of(cluster)[0]
    used = [dependent, *regressors, *(_fe_column(f) for f in fes)]
    if cluster_col:
        used.append(cluster_col)
    used = list(dict.fromkeys(used))
    data = frame[used]
    rows_in = len(data)
    numeric = data[[dependent, *regressors]].to_numpy(dtype=float)
    finite = np.isfinite(numeric).all(axis=1)
    dropped: dict[str, Any] = {"missing": int((~finite).sum())}
    if model.estimator == "ppml":
        negative = finite & (data[dependent].to_numpy(dtype=float) < 0)
        if negative.any():
            raise UsageError(
                f"Spec '{spec_name}': PPML needs a non-negative dependent variable, but "
                f"'{model.dependent}' has {int(negative.sum())} negative values."
            )
    data = data.loc[finite]
    y = data[dependent].to_numpy(dtype=float)
    codes = [data[_fe_column(f)].to_numpy() for f in fes]
    codes = [pd.factorize(c)[0] for c in codes]
    keep, separated, single = _drop_separated_and_singletons(
        y, codes, model.estimator == "ppml", model.drop_singletons and bool(fes)
    )
    dropped["separated"] = separated
    dropped["singletons"] = single
    data = data.loc[keep].reset_index(drop=True)
    if fes:
        _absorption_check(data, regressors, fes, spec_name)
    return Prepared(data, dependent, regressors, fes, cluster_col, dropped, rows_in)


def _pyfixest() -> Any:
    try:
        import pyfixest
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError("pyfixest", "gravity") from None
    return pyfixest


def formula(prepared: Prepared) -> str:
    """The pyfixest formula for a prepared frame.

    formulaic evaluates the formula as Python, so every column is checked once more here, the
    last gate before evaluation, whatever path the name came by (spec, data file, term).
    """
    names = [prepared.dependent, *prepared.regressors, *(_fe_column(f) for f in prepared.fixed_effects)]
    check_identifiers(names, "formula column", "The gravity model")
    rhs = " + ".join(prepared.regressors)
    fml = f"{prepared.dependent} ~ {rhs}"
    if prepared.fixed_effects:
        fml += " | " + " + ".join(_fe_column(f) for f in prepared.fixed_effects)
    return fml


def fit(prepared: Prepared, model: ModelSpec) -> Any:
    """Call pyfixest on a prepared frame; return its model object."""
    pf = _pyfixest()
    ssc_args = {**DEFAULT_SSC[model.estimator], **model.ssc}
    if model.vcov == "cluster":
        vcov: Any = {"CRV1": prepared.cluster}
    else:
        vcov = model.vcov
        if model.vcov == "hetero" and not model.ssc:
            ssc_args = {"k_adj": False, "G_adj": False}
    kwargs: dict[str, Any] = {
        "vcov": vcov,
        "ssc": pf.ssc(**ssc_args),
        "fixef_rm": "none",
        "copy_data": True,
        "store_data": True,
        "demeaner": pf.MapDemeaner(fixef_tol=model.tolerance),
    }
    with warnings.catch_warnings():
        # pyfixest uses DataFrame methods with inplace=True, which pandas 2.3 flags; not ours to fix.
        warnings.filterwarnings("ignore", message="The inplace keyword in ")
        if model.estimator == "ppml":
            # Fixed-effect separation is already removed (and counted) by prepare(); pyfixest's own
            # "fe" check would find nothing more and costs a pandas crosstab per fixed effect.
            return pf.fepois(
                formula(prepared),
                data=prepared.frame,
                iwls_tol=model.tolerance,
                separation_check=[] if prepared.fixed_effects else None,
                **kwargs,
            )
        return pf.feols(formula(prepared), data=prepared.frame, **kwargs)


def estimate(panel: Panel, model: ModelSpec, name: str = "spec") -> GravityResult:
    """Prepare, fit and summarise one model on a panel."""
    prepared = prepare(panel, model, name)
    if len(prepared.frame) == 0:
        raise UsageError(
            f"Spec '{name}': no observations are left after the sample and the drops {prepared.dropped}."
        )
    fitted = fit(prepared, model)
    tidy = fitted.tidy()
    se = tidy["Std. Error"].to_numpy(dtype=float)
    if model.vcov == "hetero" and not model.ssc:
        # Stata's robust (sandwich) variance for glm/ppml scales by N/(N-1).
        n = int(fitted._N)
        se = se * np.sqrt(n / (n - 1))
    estimate_values = tidy["Estimate"].to_numpy(dtype=float)
    coefficients = pd.DataFrame(
        {
            "estimate": estimate_values,
            "se": se,
            "t": estimate_values / se,
            "p": tidy["Pr(>|t|)"].to_numpy(dtype=float),
        },
        index=pd.Index(tidy.index.astype(str), name="term"),
    )
    dropped = dict(prepared.dropped)
    extra = len(prepared.frame) - int(fitted._N)
    dropped["by_pyfixest"] = int(extra)
    dropped["collinear"] = [str(v) for v in (getattr(fitted, "_collin_vars", None) or [])]
    return GravityResult(
        name=name,
        estimator=model.estimator,
        coefficients=coefficients,
        nobs=int(fitted._N),
        rows_in=prepared.rows_in,
        dropped=dropped,
        fixed_effects=list(model.fixed_effects),
        vcov=model.vcov,
        cluster=model.cluster if model.vcov == "cluster" else None,
        provenance=dict(panel.provenance),
        model=fitted,
    )
