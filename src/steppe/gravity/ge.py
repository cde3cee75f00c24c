"""General-equilibrium counterfactuals of structural gravity (the Guide's chapter 2 procedure).

Yotov et al. (2016, ch. 2) obtain conditional and full-endowment GE effects by re-estimating a
PPML model with exporter and importer fixed effects and the (counterfactual) trade costs as an
offset. A PPML fit with exactly those two sets of effects has a closed characterisation: its
fitted flows ``pi_i * chi_j * t_ij`` reproduce every row total and column total of the
dependent flows (the PPML first-order conditions; Fally 2015). We therefore solve each of those
steps exactly by biproportional fitting (RAS) instead of calling an estimator, normalising the
reference country's importer effect to one as the Guide's Stata code does, and otherwise follow
the Guide's algorithm step by step:

* baseline: ``pi_BLN, chi_BLN`` from observed output Y (row sums) and expenditure E (column
  sums) with ``t_BLN = exp(b'x)``; OMR = Y E_R / pi, IMR = E / (chi E_R);
* conditional GE: the same with ``t_CFL`` (Y, E fixed);
* full endowment GE: iterate factory-gate prices
  ``p_i = ((pi_i^s / pi_i^{s-1}) / (E_R^s / E_R^{s-1}))^(1/(1-sigma))``, re-solving with flows
  scaled by price and MR changes, expenditure ``E = phi Y`` with ``phi = E/Y`` of the baseline,
  until the Guide's stopping rule (standard deviation and maximum of the change in prices
  between iterations below ``tolerance``, 0.01 in the Guide) holds. The rule is part of the
  method: continued far past it, the price updates of this scheme drift instead of settling
  (observed on the gegravity sample), so a tolerance that is never met is refused with one
  sentence rather than returned unconverged. An exact solver of the full system (``gegravity``)
  differs from the Guide's result by up to about 0.01 percentage points in that example.

Percent changes of MRs are of ``MR^(1/(1-sigma))``; real GDP is ``Y / IMR^(1/(1-sigma))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from steppe.errors import UsageError


@dataclass
class GEResult:
    """Per-country GE indexes and percent changes."""

    countries: pd.DataFrame  # one row per country
    iterations: int
    sigma: float
    reference_country: str
    year: int | None = None  # the cross-section solved, when it came from a panel
    scenario: dict[str, Any] | None = None  # the spec's counterfactual: section, as declared
    run_id: str | None = None  # the stored estimation run it used, once stored
    counterfactual_id: str | None = None  # its id in the store, once stored

    def rows(self) -> list[dict[str, Any]]:
        return [{str(k): v for k, v in r.items()} for r in self.countries.reset_index().to_dict("records")]

    def to_frame(self) -> pd.DataFrame:
        """One row per country: GE indexes and percent changes (sigma, reference in ``attrs``)."""
        out = self.countries.reset_index()
        out.attrs.update(
            {
                "query": "gravity.counterfactual",
                "sigma": self.sigma,
                "reference_country": self.reference_country,
                "iterations": self.iterations,
                "year": self.year,
                "scenario": self.scenario,
            }
        )
        return out


def _ras(
    t: np.ndarray, rows: np.ndarray, cols: np.ndarray, ref: int, tol: float = 1e-13, maxiter: int = 100000
) -> tuple[np.ndarray, np.ndarray]:
    """pi, chi with sum_j pi_i chi_j t_ij = rows_i and sum_i pi_i chi_j t_ij = cols_j, chi_ref = 1.

    Needs sum(rows) == sum(cols) (up to rounding), as the PPML first-order conditions imply.
    """
    chi = np.ones(t.shape[1])
    pi = np.ones(t.shape[0])
    for _ in range(maxiter):
        pi = rows / (t @ chi)
        chi_new = cols / (t.T @ pi)
        if np.max(np.abs(chi_new / chi - 1.0)) < tol:
            chi = chi_new
            break
        chi = chi_new
    scale = chi[ref]
    return pi * scale, chi / scale


def counterfactual(
    trade: np.ndarray,
    t_baseline: np.ndarray,
    t_counterfactual: np.ndarray,
    countries: list[str],
    *,
    sigma: float,
    reference_country: str,
    tolerance: float = 0.01,
    max_iterations: int = 100,
) -> GEResult:
    """Conditional and full-endowment GE effects of moving trade costs from baseline to counterfactual.

    ``trade`` is the square matrix of flows (rows exporters, columns importers, domestic flows
    on the diagonal); ``t_*`` are the matching trade-cost terms ``exp(b'x)``.
    """
    n = len(countries)
    if trade.shape != (n, n) or t_baseline.shape != (n, n) or t_counterfactual.shape != (n, n):
        raise UsageError(
            "GE counterfactuals need a square exporter x importer matrix including domestic flows."
        )
    if reference_country not in countries:
        raise UsageError(
            f"The reference country '{reference_country}' is not among the {n} countries of the data; "
            "pick one of them."
        )
    if sigma <= 1:
        raise UsageError(f"The elasticity of substitution sigma must exceed 1, not {sigma}.")
    ref = countries.index(reference_country)
    power = 1.0 / (1.0 - sigma)
    off = ~np.eye(n, dtype=bool)

    y = trade.sum(axis=1)
    e = trade.sum(axis=0)
    e_r = e[ref]
    phi = e / y

    # Baseline
    pi_bln, chi_bln = _ras(t_baseline, y, e, ref)
    omr_bln = y * e_r / pi_bln
    imr_bln = e / (chi_bln * e_r)
    x_bln = pi_bln[:, None] * chi_bln[None, :] * t_baseline
    xi_bln = (x_bln * off).sum(axis=1)

    # Conditional GE: counterfactual costs, output and expenditure fixed
    pi_cdl, chi_cdl = _ras(t_counterfactual, y, e, ref)
    omr_cdl = y * e_r / pi_cdl
    imr_cdl = e / (chi_cdl * e_r)
    x_cdl = pi_cdl[:, None] * chi_cdl[None, :] * t_counterfactual
    xi_cdl = (x_cdl * off).sum(axis=1)

    # Full endowment GE (Guide ch. 2, step III.b). Index k: 0 baseline, 1 conditional, then
    # one per iteration, exactly as the Stata loop's suffixes.
    pis = [pi_bln, pi_cdl]
    chis = [chi_bln, chi_cdl]
    e_rs = [e_r, e_r]
    es = [e, e]
    xs = [x_bln, x_cdl]
    prices = [np.zeros(n), ((pi_cdl / pi_bln) / 1.0) ** power]
    omrs = [omr_bln, y * e_r / pi_cdl]
    imrs = [imr_bln, e / (chi_cdl * e_r)]
    ch_omr = [np.ones(n), np.ones(n)]
    ch_imr = [np.ones(n), np.ones(n)]
    iterations = 0
    while True:
        b = len(pis) - 1
        flows = xs[b] * prices[b][:, None] * prices[b][None, :] / (ch_omr[b][:, None] * ch_imr[b][None, :])
        pi_a, chi_a = _ras(t_counterfactual, flows.sum(axis=1), flows.sum(axis=0), ref)
        x_a = pi_a[:, None] * chi_a[None, :] * t_counterfactual
        y_a = x_a.sum(axis=1)
        e_a = phi * y_a
        e_r_a = e_a[ref]
        p_a = ((pi_a / pis[b]) / (e_r_a / e_rs[b])) ** power
        omr_a = y_a * e_r_a / pi_a
        imr_a = e_a / (chi_a * e_r_a)
        ch_omr.append(omr_a / omrs[b])
        ch_imr.append(imr_a / imrs[b])
        pis.append(pi_a)
        chis.append(chi_a)
        e_rs.append(e_r_a)
        es.append(e_a)
        xs.append(x_a)
        prices.append(p_a)
        omrs.append(omr_a)
        imrs.append(imr_a)
        iterations += 1
        # The Guide's stopping rule: the change in prices one iteration back, over all n*n rows.
        diff = np.repeat(prices[b] - prices[b - 1], n)
        if np.std(diff, ddof=1) <= tolerance and abs(np.max(diff)) <= tolerance:
            break
        if iterations >= max_iterations:
            raise UsageError(
                f"The full-endowment iteration did not meet tolerance {tolerance} in {max_iterations} "
                "iterations; the Guide's procedure is meant for its stopping rule, use tolerance 0.01."
            )
    last = len(pis) - 1
    price_full = ((pis[last] / pi_bln) / (e_rs[last] / e_r)) ** power
    y_full = price_full * y
    e_full = phi * y_full
    omr_full = y_full * e_rs[last] / pis[last]
    imr_full = es[last] / (chis[last] * e_rs[last])
    x_full = y_full[:, None] * e_full[None, :] * t_counterfactual / (imr_full[None, :] * omr_full[:, None])
    xi_full = (x_full * off).sum(axis=1)

    def pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
        return (new / old - 1.0) * 100.0

    frame = pd.DataFrame(
        {
            "exports_baseline": xi_bln,
            "exports_conditional": xi_cdl,
            "exports_full": xi_full,
            "output_baseline": y,
            "output_full": y_full,
            "omr_baseline": omr_bln,
            "omr_conditional": omr_cdl,
            "omr_full": omr_full,
            "imr_baseline": imr_bln,
            "imr_conditional": imr_cdl,
            "imr_full": imr_full,
            "change_exports_conditional": pct(xi_cdl, xi_bln),
            "change_exports_full": pct(xi_full, xi_bln),
            "change_price_full": pct(price_full, np.ones(n)),
            "change_omr_conditional": pct(omr_cdl**power, omr_bln**power),
            "change_omr_full": pct(omr_full**power, omr_bln**power),
            "change_imr_conditional": pct(imr_cdl**power, imr_bln**power),
            "change_imr_full": pct(imr_full**power, imr_bln**power),
            "change_real_gdp_full": pct(y_full / imr_full**power, y / imr_bln**power),
        },
        index=pd.Index(countries, name="country"),
    )
    return GEResult(frame, iterations, sigma, reference_country)


def trade_matrix(frame: pd.DataFrame, values: str) -> tuple[np.ndarray, list[str]]:
    """A square exporter x importer matrix of ``values`` from a long frame (one year)."""
    countries = sorted(set(frame["exporter"]) | set(frame["importer"]))
    wide = frame.pivot_table(index="exporter", columns="importer", values=values, aggfunc="sum")
    wide = wide.reindex(index=countries, columns=countries)
    if wide.isna().to_numpy().any():
        missing = int(wide.isna().to_numpy().sum())
        raise UsageError(
            "GE counterfactuals need every exporter-importer pair including domestic flows; "
            f"{missing} are missing."
        )
    return wide.to_numpy(dtype=float), countries
