"""GE effects of RTAs with the Anderson-Yotov two-stage trade costs (Guide ch. 2, application 2).

Yotov et al. (2016, ch. 2, "2_RTAsEffects") build the full matrix of bilateral trade costs in
two stages: (1) PPML on a panel with symmetric pair, exporter-year and importer-year fixed
effects and the RTA dummy (all domestic pairs share one pair effect, normalised to zero), giving
``t_bar_ij = exp(pair effect)``; (2) for pairs never observed trading, ``t_bar_ij`` is the
PPML prediction of a cross-section regression of ``t_bar_ij`` on distance, contiguity, language,
colony and exporter and importer effects in the baseline year. Baseline costs are
``t_bar_ij exp(b_RTA RTA_ij)``, counterfactual costs the same with the RTA dummy of the named
pairs set to zero. The GE steps are then :func:`steppe.gravity.ge.counterfactual`.

The pair effects are identified only up to ``a_i - a_j``, which the exporter and importer
effects of every later step absorb, so every reported GE quantity is invariant to the
normalisation pyfixest picks.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from steppe.errors import MissingDependencyError, UsageError
from steppe.gravity.ge import GEResult, counterfactual, trade_matrix


def two_stage_costs(frame: pd.DataFrame, years: Iterable[int], base_year: int) -> tuple[pd.DataFrame, float]:
    """The base year's rows with ``t_bar`` (trade costs without the RTA term) and the RTA estimate."""
    try:
        import pyfixest as pf
    except ImportError as exc:  # pragma: no cover - the gravity extra is installed in tests
        raise MissingDependencyError("pyfixest", "gravity") from exc
    years = [int(y) for y in years]
    if base_year not in years:
        raise UsageError(f"The base year {base_year} is not among the panel years {years}.")
    data = frame.loc[frame["year"].isin(years)].copy()
    domestic = data["exporter"] == data["importer"]
    data["fe_pair"] = np.where(domestic, -1, data["pair_id"].astype("int64"))
    data["fe_exp_year"] = data["exporter"] + data["year"].astype(str)
    data["fe_imp_year"] = data["importer"] + data["year"].astype(str)
    with warnings.catch_warnings():
        # pairs that never trade are separated (84 observations in the Guide's data, as in its log);
        # their costs come from stage 2
        warnings.filterwarnings("ignore", message=".*removed because of separation")
        stage1 = pf.fepois("trade ~ rta | fe_pair + fe_exp_year + fe_imp_year", data=data, vcov="hetero")
    b_rta = float(stage1.coef()["rta"])
    pair_fe = pd.Series(stage1.fixef()["C(fe_pair)"])
    pair_fe.index = pair_fe.index.astype(float).astype("int64")
    gamma = pair_fe - pair_fe[-1]

    base = data.loc[data["year"] == base_year].copy()
    base["t_bar"] = np.exp(base["fe_pair"].map(gamma))
    base.loc[base["exporter"] == base["importer"], "t_bar"] = 1.0
    international = base.loc[base["exporter"] != base["importer"]].copy()
    international["ln_dist"] = np.log(international["dist"])
    observed = international.dropna(subset=["t_bar"])
    stage2 = pf.fepois(
        "t_bar ~ ln_dist + cntg + lang + clny | exporter + importer",
        data=observed,
        vcov={"CRV1": "pair_id"},
    )
    predicted = pd.Series(
        np.asarray(stage2.predict(newdata=international, type="response")), index=international.index
    )
    missing = base["t_bar"].isna()
    base.loc[missing, "t_bar"] = predicted.reindex(base.index)[missing]
    return base, b_rta


def rta_counterfactual(
    frame: pd.DataFrame,
    *,
    years: Iterable[int],
    base_year: int,
    remove_among: Iterable[str],
    sigma: float = 7.0,
    reference_country: str = "DEU",
    tolerance: float = 0.01,
) -> tuple[GEResult, float]:
    """GE effects of setting the RTA dummy to zero for the pairs among ``remove_among``.

    Returns the GE result (percent changes are counterfactual relative to baseline, as in
    :mod:`steppe.gravity.ge`) and the stage-1 RTA coefficient.
    """
    base, b_rta = two_stage_costs(frame, years, base_year)
    members = set(remove_among)
    among = base["exporter"].isin(members) & base["importer"].isin(members)
    among &= base["exporter"] != base["importer"]
    base["_t_bln"] = base["t_bar"] * np.exp(b_rta * base["rta"])
    base["_t_cfl"] = base["t_bar"] * np.exp(b_rta * np.where(among, 0, base["rta"]))
    trade, countries = trade_matrix(base, "trade")
    t_b, _ = trade_matrix(base, "_t_bln")
    t_c, _ = trade_matrix(base, "_t_cfl")
    ge = counterfactual(
        trade, t_b, t_c, countries, sigma=sigma, reference_country=reference_country, tolerance=tolerance
    )
    return ge, b_rta
