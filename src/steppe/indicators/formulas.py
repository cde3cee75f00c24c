"""Trade-integration indicators (the WITS family) as pure, vectorised functions.

Every function takes a frame of *directed* flows with columns ``year``, ``exporter``,
``importer``, ``value`` (and ``product`` for the product-level indicators) and returns a
frame. Which party's report a flow comes from (exports as reported, imports as reported,
mirror) is decided before, by :func:`steppe.indicators.views.directed_flows`; the formulas
do not care. Country totals are the sums over the partners present in the frame, so the
frame must hold every partner (not only the region) for shares to mean what they say.

Internally every function factorises the keys into integer codes and sums with
``numpy.bincount``: the same formulas as a pandas ``groupby`` but without its per-group
overhead (see ``benchmarks/indicators.py``). Formulas and references: ``docs/indicators.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from steppe.errors import UsageError

Flow = Literal["exports", "imports", "trade"]
Members = Collection[str] | Mapping[int, Collection[str]]

#: Above this many groups, sums go through a sort (np.unique) instead of a dense bincount.
_DENSE_LIMIT = 50_000_000


# -- coding keys -------------------------------------------------------------------------------
@dataclass
class _Coded:
    """Flows with years, countries (shared exporter/importer index) and products as int codes."""

    year: np.ndarray
    exp: np.ndarray
    imp: np.ndarray
    value: np.ndarray
    years: np.ndarray
    countries: np.ndarray
    product: np.ndarray | None = None
    products: np.ndarray | None = None

    @property
    def ny(self) -> int:
        return len(self.years)

    @property
    def nc(self) -> int:
        return len(self.countries)

    @property
    def np_(self) -> int:
        return 0 if self.products is None else len(self.products)


def _require(flows: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in flows.columns]
    if missing:
        raise UsageError(
            f"The flows frame lacks column(s) {', '.join(missing)}: give year, exporter, importer, "
            "value (and product for product-level indicators)."
        )


def _code(flows: pd.DataFrame, products: bool = False) -> _Coded:
    cols = ["year", "exporter", "importer", "value"] + (["product"] if products else [])
    _require(flows, cols)
    value = flows["value"].to_numpy(dtype="float64", na_value=np.nan)
    if np.any(value < 0):
        raise UsageError("The flows frame has negative trade values; trade flows must be >= 0.")
    year_codes, years = pd.factorize(flows["year"].to_numpy(), sort=True)
    n = len(flows)
    both = np.concatenate([flows["exporter"].to_numpy(), flows["importer"].to_numpy()])
    country_codes, countries = pd.factorize(both, sort=True)
    coded = _Coded(
        year=year_codes.astype(np.int64),
        exp=country_codes[:n].astype(np.int64),
        imp=country_codes[n:].astype(np.int64),
        value=np.nan_to_num(value, nan=0.0),
        years=np.asarray(years),
        countries=np.asarray(countries),
    )
    if products:
        pcodes, puniq = pd.factorize(flows["product"].to_numpy(), sort=True)
        coded.product = pcodes.astype(np.int64)
        coded.products = np.asarray(puniq)
    return coded


def _sum_by(keys: np.ndarray, weights: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum ``weights`` by integer ``keys`` in [0, size); return (present keys, sums)."""
    if size <= _DENSE_LIMIT:
        sums = np.bincount(keys, weights=weights, minlength=size)
        counts = np.bincount(keys, minlength=size)
        present = np.flatnonzero(counts)
        return present, sums[present]
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, np.bincount(inverse, weights=weights, minlength=len(uniq))


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN where the denominator is zero (no division warnings)."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _country_sums(c: _Coded) -> tuple[np.ndarray, np.ndarray]:
    """Dense (year, country) arrays of exports and imports."""
    size = c.ny * c.nc
    x = np.bincount(c.year * c.nc + c.exp, weights=c.value, minlength=size).reshape(c.ny, c.nc)
    m = np.bincount(c.year * c.nc + c.imp, weights=c.value, minlength=size).reshape(c.ny, c.nc)
    return x, m


def _pair_sums(c: _Coded) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Directed (year, exporter, importer) sums: (year code, exporter, importer, value)."""
    key = (c.year * c.nc + c.exp) * c.nc + c.imp
    present, sums = _sum_by(key, c.value, c.ny * c.nc * c.nc)
    year, rest = np.divmod(present, c.nc * c.nc)
    exp, imp = np.divmod(rest, c.nc)
    return year, exp, imp, sums


# -- country totals, partner shares, concentration --------------------------------------------
def country_totals(flows: pd.DataFrame) -> pd.DataFrame:
    """Exports, imports and total trade of every country and year, summed over partners."""
    c = _code(flows)
    x, m = _country_sums(c)
    years = np.repeat(c.years, c.nc)
    countries = np.tile(c.countries, c.ny)
    out = pd.DataFrame({"year": years, "country": countries, "exports": x.ravel(), "imports": m.ravel()})
    out["trade"] = out["exports"] + out["imports"]
    return out[out["trade"] > 0].reset_index(drop=True)


def partner_shares(flows: pd.DataFrame, flow: Flow = "trade") -> pd.DataFrame:
    """Each partner's share in a country's exports, imports or total trade (WITS partner share).

    Returns ``year, country, partner, value, total, share``; shares sum to 1 over partners.
    """
    if flow not in ("exports", "imports", "trade"):
        raise UsageError(f"Unknown flow '{flow}': use exports, imports or trade.")
    c = _code(flows)
    if flow == "exports":
        own, other = c.exp, c.imp
    elif flow == "imports":
        own, other = c.imp, c.exp
    else:
        own, other = np.concatenate([c.exp, c.imp]), np.concatenate([c.imp, c.exp])
    year = c.year if flow != "trade" else np.concatenate([c.year, c.year])
    value = c.value if flow != "trade" else np.concatenate([c.value, c.value])
    key = (year * c.nc + own) * c.nc + other
    present, sums = _sum_by(key, value, c.ny * c.nc * c.nc)
    yr, rest = np.divmod(present, c.nc * c.nc)
    who, partner = np.divmod(rest, c.nc)
    totals = np.bincount(yr * c.nc + who, weights=sums, minlength=c.ny * c.nc)
    total = totals[yr * c.nc + who]
    return pd.DataFrame(
        {
            "year": c.years[yr],
            "country": c.countries[who],
            "partner": c.countries[partner],
            "value": sums,
            "total": total,
            "share": _divide(sums, total),
        }
    )


def herfindahl(flows: pd.DataFrame, flow: Flow = "trade") -> pd.DataFrame:
    """Herfindahl–Hirschman concentration of a country's partners: sum of squared partner shares.

    Returns ``year, country, partners, hhi, hhi_normalised`` where the normalised index
    (H - 1/N) / (1 - 1/N) runs from 0 (equal shares) to 1 (one partner); N = partners with
    positive trade. NaN when N = 1 for the normalised index.
    """
    shares = partner_shares(flows, flow)
    shares = shares[shares["value"] > 0]
    grouped = shares.assign(sq=shares["share"] ** 2).groupby(["year", "country"], sort=True)
    out = grouped.agg(partners=("partner", "size"), hhi=("sq", "sum")).reset_index()
    inv = 1.0 / out["partners"].to_numpy(dtype="float64")
    out["hhi_normalised"] = _divide(out["hhi"].to_numpy() - inv, 1.0 - inv)
    return out


def trade_intensity(flows: pd.DataFrame) -> pd.DataFrame:
    """Bilateral trade intensity index (WITS): (x_ij / X_i) / (M_j / M_w).

    x_ij: exports of i to j; X_i: i's exports to all partners; M_j: j's imports from all
    partners (world exports to j); M_w: world imports. 1 means i sends j exactly j's share of
    world imports. Returns ``year, exporter, importer, value, export_share, intensity``.
    """
    c = _code(flows)
    x, m = _country_sums(c)
    world = m.sum(axis=1)
    yr, ex, im, v = _pair_sums(c)
    share = _divide(v, x[yr, ex])
    intensity = _divide(share, _divide(m[yr, im], world[yr]))
    return pd.DataFrame(
        {
            "year": c.years[yr],
            "exporter": c.countries[ex],
            "importer": c.countries[im],
            "value": v,
            "export_share": share,
            "intensity": intensity,
        }
    )


# -- regions ------------------------------------------------------------------------------------
def _membership_matrix(c: _Coded, members: Members) -> np.ndarray:
    """Boolean (year, country) matrix: is the country a member in that year."""
    mask = np.zeros((c.ny, c.nc), dtype=bool)
    index = {code: i for i, code in enumerate(c.countries)}
    for y_i, year in enumerate(c.years):
        these = members.get(int(year), ()) if isinstance(members, Mapping) else members
        for code in these:
            if code in index:
                mask[y_i, index[code]] = True
    return mask


def regional_trade(flows: pd.DataFrame, members: Members) -> pd.DataFrame:
    """Intra-regional trade share, intensity and Iapadre's introversion index for one region.

    ``members`` is a set of ISO3 codes, or a mapping year -> set for regions whose membership
    changes. With T = exports + imports: s = T_RR / T_R (intra-regional share), w = T_R / T_W
    (the region's share of world trade), intensity = s / w; homogeneous intensities
    HI = s / w and HE = (1 - s) / (1 - w); introversion RTII = (HI - HE) / (HI + HE) in
    [-1, 1] (Iapadre 2006). Returns one row per year.
    """
    c = _code(flows)
    x, m = _country_sums(c)
    mask = _membership_matrix(c, members)
    in_exp = mask[c.year, c.exp]
    in_imp = mask[c.year, c.imp]
    intra_exports = np.bincount(c.year, weights=c.value * (in_exp & in_imp), minlength=c.ny)
    region_trade = ((x + m) * mask).sum(axis=1)
    world_trade = (x + m).sum(axis=1)
    intra = 2.0 * intra_exports
    s = _divide(intra, region_trade)
    w = _divide(region_trade, world_trade)
    hi = _divide(s, w)
    he = _divide(1.0 - s, 1.0 - w)
    return pd.DataFrame(
        {
            "year": c.years,
            "members": mask.sum(axis=1),
            "intra_trade": intra,
            "region_trade": region_trade,
            "world_trade": world_trade,
            "intra_share": s,
            "world_share": w,
            "intensity": hi,
            "extra_intensity": he,
            "introversion": _divide(hi - he, hi + he),
        }
    )


def country_regional(flows: pd.DataFrame, members: Members) -> pd.DataFrame:
    """Each member's trade with the rest of its region.

    For member i of region R (R - i: the other members): ``share`` = T_{i,R-i} / T_i (its
    trade with the others over its trade with all partners), ``export_share`` =
    x_{i,R-i} / X_i, ``import_share`` = m_{i,R-i} / M_i, and the WITS trade intensity with
    the region ``intensity`` = (x_{i,R-i} / X_i) / (M_{R-i} / M_w).
    """
    c = _code(flows)
    x, m = _country_sums(c)
    mask = _membership_matrix(c, members)
    both = mask[c.year, c.exp] & mask[c.year, c.imp] & (c.exp != c.imp)
    size = c.ny * c.nc
    to_region = np.bincount(c.year * c.nc + c.exp, weights=c.value * both, minlength=size)
    from_region = np.bincount(c.year * c.nc + c.imp, weights=c.value * both, minlength=size)
    to_region = to_region.reshape(c.ny, c.nc)
    from_region = from_region.reshape(c.ny, c.nc)
    world_imports = m.sum(axis=1, keepdims=True)
    # imports of R - i, summed without subtraction (M_R - M_i cancels badly when M_i dominates)
    others_imports = (m * mask) @ (1.0 - np.eye(c.nc))
    export_share = _divide(to_region, x)
    intensity = _divide(export_share, _divide(others_imports, world_imports))
    rows = np.argwhere(mask & ((x + m) > 0))
    yr, who = rows[:, 0], rows[:, 1]
    return pd.DataFrame(
        {
            "year": c.years[yr],
            "country": c.countries[who],
            "share": _divide((to_region + from_region)[yr, who], (x + m)[yr, who]),
            "export_share": export_share[yr, who],
            "import_share": _divide(from_region, m)[yr, who],
            "intensity": intensity[yr, who],
        }
    )


# -- product-level indicators -----------------------------------------------------------------
def rca(flows: pd.DataFrame) -> pd.DataFrame:
    """Balassa's revealed comparative advantage: (x_ik / X_i) / (x_wk / X_w).

    Needs a ``product`` column. Returns ``year, country, product, exports, rca``.
    """
    c = _code(flows, products=True)
    npr = c.np_
    key = (c.year * c.nc + c.exp) * npr + c.product
    present, sums = _sum_by(key, c.value, c.ny * c.nc * npr)
    yc, k = np.divmod(present, npr)
    yr, who = np.divmod(yc, c.nc)
    x_country = np.bincount(yc, weights=sums, minlength=c.ny * c.nc)
    w_product = np.bincount(yr * npr + k, weights=sums, minlength=c.ny * npr)
    w_total = np.bincount(yr, weights=sums, minlength=c.ny)
    value = _divide(_divide(sums, x_country[yc]), _divide(w_product[yr * npr + k], w_total[yr]))
    return pd.DataFrame(
        {
            "year": c.years[yr],
            "country": c.countries[who],
            "product": c.products[k],
            "exports": sums,
            "rca": value,
        }
    )


def grubel_lloyd(flows: pd.DataFrame) -> pd.DataFrame:
    """Grubel–Lloyd intra-industry trade between i and j, aggregated over products.

    GL_ij = 1 - sum_k |x_ijk - x_jik| / sum_k (x_ijk + x_jik) = 2 sum_k min(x_ijk, x_jik) /
    sum_k (x_ijk + x_jik); 0 = pure inter-industry trade, 1 = fully matched. Symmetric in i, j.
    Returns ``year, country, partner, trade, gl`` for every ordered pair with trade.
    """
    c = _code(flows, products=True)
    npr, nc = c.np_, c.nc
    key = ((c.year * nc + c.exp) * nc + c.imp) * npr + c.product
    uniq, sums = _sum_by(key, c.value, c.ny * nc * nc * npr)
    ycp, k = np.divmod(uniq, npr)
    yc, imp = np.divmod(ycp, nc)
    yr, exp = np.divmod(yc, nc)
    reverse = ((yr * nc + imp) * nc + exp) * npr + k
    pos = np.searchsorted(uniq, reverse)
    pos_ok = np.minimum(pos, len(uniq) - 1)
    found = uniq[pos_ok] == reverse
    back = np.where(found, sums[pos_ok], 0.0)
    matched = np.minimum(sums, back)
    pair = (yr * nc + exp) * nc + imp
    # every pair (i, j) sums over its own rows: min(x_ijk, x_jik) and x_ijk; the reverse
    # direction's rows come from pair (j, i), added below so that rows where only x_jik > 0 count.
    p_keys, p_matched = _sum_by(pair, matched, c.ny * nc * nc)
    _, p_value = _sum_by(pair, sums, c.ny * nc * nc)
    py, rest = np.divmod(p_keys, nc * nc)
    pe, pi = np.divmod(rest, nc)
    rev_pair = (py * nc + pi) * nc + pe
    rpos = np.minimum(np.searchsorted(p_keys, rev_pair), len(p_keys) - 1)
    rfound = p_keys[rpos] == rev_pair
    rev_value = np.where(rfound, p_value[rpos], 0.0)
    trade = p_value + rev_value
    return pd.DataFrame(
        {
            "year": c.years[py],
            "country": c.countries[pe],
            "partner": c.countries[pi],
            "trade": trade,
            "gl": _divide(2.0 * p_matched, trade),
        }
    )


def complementarity(
    flows: pd.DataFrame, countries: Collection[str] | None = None, chunk: int = 64
) -> pd.DataFrame:
    """Trade complementarity of i's exports with j's imports (Michaely 1996; WITS), 0 to 100.

    C_ij = 100 * (1 - sum_k |m_jk - x_ik| / 2), with x_ik the share of product k in i's
    exports and m_jk its share in j's imports; computed as 100 * sum_k min(m_jk, x_ik), which
    is equal because both share vectors sum to 1. ``countries`` limits i and j to a set (the
    all-pairs product is dense: countries^2 x products per year). Returns
    ``year, exporter, importer, complementarity`` for every ordered pair i != j.
    """
    c = _code(flows, products=True)
    npr, nc = c.np_, c.nc
    focus = np.arange(nc) if countries is None else np.flatnonzero(np.isin(c.countries, list(countries)))
    pos = np.full(nc, -1)
    pos[focus] = np.arange(len(focus))
    nf = len(focus)
    frames = []
    for y in range(c.ny):
        sel = c.year == y
        e, i, k, v = c.exp[sel], c.imp[sel], c.product[sel], c.value[sel]
        xs = np.zeros((nf, npr))
        ms = np.zeros((nf, npr))
        ok = pos[e] >= 0
        np.add.at(xs, (pos[e[ok]], k[ok]), v[ok])
        ok = pos[i] >= 0
        np.add.at(ms, (pos[i[ok]], k[ok]), v[ok])
        xs = _divide(xs, xs.sum(axis=1, keepdims=True))
        ms = _divide(ms, ms.sum(axis=1, keepdims=True))
        out = np.empty((nf, nf))
        for start in range(0, nf, chunk):
            block = xs[start : start + chunk, None, :]
            out[start : start + chunk] = np.minimum(block, ms[None, :, :]).sum(axis=2)
        ee, ii = np.meshgrid(np.arange(nf), np.arange(nf), indexing="ij")
        keep = ee != ii
        frames.append(
            pd.DataFrame(
                {
                    "year": c.years[y],
                    "exporter": c.countries[focus[ee[keep]]],
                    "importer": c.countries[focus[ii[keep]]],
                    "complementarity": 100.0 * out[keep],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["year", "exporter", "importer", "complementarity"])
    return pd.concat(frames, ignore_index=True)


# -- balance among partners -------------------------------------------------------------------
def normalised_entropy(shares: np.ndarray | pd.Series) -> float:
    """Shannon entropy of shares rescaled to sum 1, divided by ln(K): 1 = even, 0 = one partner.

    K is the number of categories given (zeros included), so the measure answers "how evenly
    is trade spread over these K partners". NaN when all shares are zero or K < 2.
    """
    p = np.asarray(shares, dtype="float64")
    p = p[~np.isnan(p)]
    total = p.sum()
    if len(p) < 2 or total <= 0:
        return float("nan")
    p = p / total
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum() / np.log(len(p)))
