"""Benchmark: steppe's end-to-end PPML estimate against pyfixest and statsmodels.

Synthetic pair-year panel (``--rows`` rows, at least 1 million for the acceptance run) with
exporter-year, importer-year and pair fixed effects and two time-varying policy regressors.

* steppe: ``build_panel`` + ``estimate`` (term building, drop accounting, absorption check,
  pyfixest call, summary) from the raw frame;
* baseline: ``pyfixest.fepois`` called directly on the frame steppe prepared (same formula,
  options and variance), timed in the same process after a JIT warm-up;
* statsmodels GLM Poisson with explicit dummies on a subsample that fits in memory
  (``--glm-countries`` countries x ``--glm-years`` years), against steppe on the same subsample.

Last line: one JSON object (benchmark, size, steppe_s, baseline, baseline_s, ratio =
baseline_s / steppe_s, peak_rss_mib, plus the GLM comparison). Run the full size under
``flock /tmp/steppe-bench.lock python benchmarks/gravity.py --rows 1000000``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import time
import warnings

import numpy as np
import pandas as pd
from cli_args import positive_int


def synthetic_panel(rows: int, years: int = 20, seed: int = 0) -> pd.DataFrame:
    """A balanced exporter x importer x year panel with known coefficients (rta 0.5, tariff -2)."""
    rng = np.random.default_rng(seed)
    n = max(3, math.ceil(math.sqrt(rows / years)))
    exp = np.repeat(np.arange(n), n * years)
    imp = np.tile(np.repeat(np.arange(n), years), n)
    year = np.tile(np.arange(2000, 2000 + years), n * n)
    pair_effect = rng.normal(0, 1, n * n)[exp * n + imp]
    exp_year = rng.normal(0, 0.5, n * years)[exp * years + (year - 2000)]
    imp_year = rng.normal(0, 0.5, n * years)[imp * years + (year - 2000)]
    start = rng.integers(2000, 2030, n * n)[exp * n + imp]
    rta = (year >= start).astype(float) * (exp != imp)
    tariff = rng.uniform(0, 0.2, len(exp)) * (exp != imp)
    mu = np.exp(2.0 + pair_effect + exp_year + imp_year + 0.5 * rta - 2.0 * tariff)
    names = np.array([f"C{i:03d}" for i in range(n)])
    return pd.DataFrame(
        {
            "exporter": names[exp],
            "importer": names[imp],
            "year": year,
            "trade": rng.poisson(mu).astype(float),
            "rta": rta,
            "tariff": tariff,
        }
    )


def _model():
    from steppe.gravity.spec import ModelSpec

    return ModelSpec(
        estimator="ppml",
        dependent="trade",
        regressors=("rta", "tariff"),
        fixed_effects=("exporter_year", "importer_year", "pair"),
        vcov="cluster",
        cluster="pair",
        tolerance=1e-8,
    )


def run_steppe(frame: pd.DataFrame):
    from steppe.gravity.estimate import estimate
    from steppe.gravity.panel import build_panel

    return estimate(build_panel(frame), _model(), "benchmark")


def run_pyfixest(prepared) -> object:
    import pyfixest as pf

    from steppe.gravity.estimate import formula

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword in ")
        return pf.fepois(
            formula(prepared),
            data=prepared.frame,
            vcov={"CRV1": prepared.cluster},
            ssc=pf.ssc(k_adj=False, G_adj=True),
            fixef_rm="none",
            iwls_tol=1e-8,
            demeaner=pf.MapDemeaner(fixef_tol=1e-8),
        )


def run_glm(prepared) -> tuple[float, dict[str, float]]:
    """statsmodels GLM Poisson with one dummy per fixed-effect level, on steppe's prepared frame."""
    import statsmodels.api as sm

    frame = prepared.frame
    dummies = pd.concat(
        [
            pd.get_dummies(frame["fe_exporter_year"], prefix="e", dtype=float),
            pd.get_dummies(frame["fe_importer_year"], prefix="i", drop_first=True, dtype=float),
            pd.get_dummies(frame["fe_pair"], prefix="p", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    x = pd.concat([frame[["rta", "tariff"]], dummies], axis=1)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rank deficiency of the dummy set is expected (pinv handles it)
        fitted = sm.GLM(frame["trade"].to_numpy(), x, family=sm.families.Poisson()).fit(
            cov_type="cluster", cov_kwds={"groups": frame["pair_id"].to_numpy()}, maxiter=200, tol=1e-10
        )
    return time.perf_counter() - start, {k: float(fitted.params[k]) for k in ("rta", "tariff")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=positive_int, default=1_000_000)
    parser.add_argument("--repeats", type=positive_int, default=2)
    parser.add_argument("--glm-countries", type=positive_int, default=15)
    parser.add_argument("--glm-years", type=positive_int, default=5)
    args = parser.parse_args()

    frame = synthetic_panel(args.rows)
    from steppe.gravity.estimate import prepare
    from steppe.gravity.panel import build_panel

    # warm-up: numba/rust kernels and imports, so neither side pays JIT time
    warm = synthetic_panel(20_000, seed=1)
    run_pyfixest(prepare(build_panel(warm), _model()))
    run_steppe(warm)

    steppe_times, pyfixest_times = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        result = run_steppe(frame)
        steppe_times.append(time.perf_counter() - start)
        prepared = prepare(build_panel(frame), _model())
        start = time.perf_counter()
        direct = run_pyfixest(prepared)
        pyfixest_times.append(time.perf_counter() - start)
    assert abs(result.coef("rta") - float(direct.coef()["rta"])) < 1e-8

    countries = sorted(frame["exporter"].unique())[: args.glm_countries]
    years = sorted(frame["year"].unique())[: args.glm_years]
    sub = frame[
        frame["exporter"].isin(countries) & frame["importer"].isin(countries) & frame["year"].isin(years)
    ]
    sub = sub.reset_index(drop=True)
    start = time.perf_counter()
    sub_result = run_steppe(sub)
    steppe_sub_s = time.perf_counter() - start
    glm_s, glm_coef = run_glm(prepare(build_panel(sub), _model()))

    steppe_s = min(steppe_times)
    baseline_s = min(pyfixest_times)
    print(
        f"rows {len(frame)}; steppe rta {result.coef('rta'):.6f}, pyfixest {float(direct.coef()['rta']):.6f}"
    )
    print(
        f"GLM subsample {len(sub)} rows: steppe rta {sub_result.coef('rta'):.6f}, "
        f"statsmodels {glm_coef['rta']:.6f}"
    )
    print(
        json.dumps(
            {
                "benchmark": "gravity_ppml_3fe",
                "size": len(frame),
                "steppe_s": round(steppe_s, 3),
                "baseline": "pyfixest.fepois on the same prepared frame",
                "baseline_s": round(baseline_s, 3),
                "ratio": round(baseline_s / steppe_s, 3),
                "steppe_overhead": round(steppe_s / baseline_s, 3),
                "glm_size": len(sub),
                "glm_steppe_s": round(steppe_sub_s, 3),
                "glm_statsmodels_s": round(glm_s, 3),
                "glm_ratio": round(glm_s / steppe_sub_s, 3),
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
