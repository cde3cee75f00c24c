"""Trade-integration indicators (the WITS family) as pure, vectorised functions.

Every function takes a frame of *directed* flows with columns ``year``, ``exporter``,
``importer``, ``value`` (and ``product`` for the product-level indicators) and returns a
frame. Which party's report a flow comes from is decided before, by
:func:`steppe.indicators.views.directed_flows`; two optional parts of the frame carry it:

- ``side``: 'x' = the exporter's report (counts towards the exporter's exports and the pair's
  exports x_ij only), 'm' = the importer's report (counts towards the importer's imports
  only), 'xm' or absent = one value per flow (counts for both). The ``reported`` view gives
  each country's own exports and imports this way.
- rows with importer 'WLD' are an exporter's reported total exports, rows with exporter 'WLD'
  an importer's reported total imports (the IMF DOTS and Comtrade 'World' lines). They are not
  flows: where a country has one, it is the denominator of that country's shares instead of
  the sum over its partners, and every output that divides by a total names which it used
  (``denominator``: 'world_total' or 'partner_sum').

Country totals are otherwise the sums over the partners present in the frame, so the frame must
hold every partner (not only the region) for shares to mean what they say.

Internally every function factorises the keys into integer codes and sums with
``numpy.bincount``: the same formulas as a pandas ``groupby`` but without its per-group
overhead (see ``benchmarks/indicators.py``). Formulas and references: ``docs/indicators.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from steppe.codes import WORLD
from steppe.errors import UsageError

Flow = Literal["exports", "imports", "trade"]
Members = Collection[str] | Mapping[int, Collection[str]]

#: Above this many groups, sums go through a sort (np.unique) instead of a dense bincount.
_DENSE_LIMIT = 50_000_000


# -- coding keys -------------------------------------------------------------------------------
@dataclass
class Coded:
    """Flows with years, countries (shared exporter/importer index) and products as int codes.

    Build it once with :func:`prepare` and pass it to several formulas to skip re-coding
    the same frame (the benchmark computes the whole indicator family this way).
    """

    year: np.ndarray
    exp: np.ndarray
    imp: np.ndarray
    value: np.ndarray
    years: np.ndarray
    countries: np.ndarray
    product: np.ndarray | None = None
    products: np.ndarray | None = None
    #: per-row weights towards the exporter's exports and the importer's imports (None: value)
    wx: np.ndarray | None = None
    wm: np.ndarray | None = None
    #: reported world totals, dense (year, country), NaN where the country reports none
    tot_x: np.ndarray | None = None
    tot_m: np.ndarray | None = None
    cache: dict = field(default_factory=dict)

    @property
    def vx(self) -> np.ndarray:
        """Each row's weight towards its exporter's exports (its value unless an import report)."""
        return self.value if self.wx is None else self.wx

    @property
    def vm(self) -> np.ndarray:
        """Each row's weight towards its importer's imports (its value unless an export report)."""
        return self.value if self.wm is None else self.wm

    @property
    def ny(self) -> int:
        return len(self.years)

    @property
    def nc(self) -> int:
        return len(self.countries)

    @property
    def np_(self) -> int:
        return 0 if self.products is None else len(self.products)

    @property
    def by_product(self) -> tuple[np.ndarray, np.ndarray]:
        """``product`` (each row's product code) and ``products`` (the codes), for a panel coded
        with ``products=True``."""
        if self.product is None or self.products is None:
            raise ValueError("this panel was coded without products; code it with products=True")
        return self.product, self.products


def _require(flows: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in flows.columns]
    if missing:
        raise UsageError(
            f"The flows frame lacks column(s) {', '.join(missing)}: give year, exporter, importer, "
            "value (and product for product-level indicators)."
        )


def prepare(flows: pd.DataFrame, products: bool = False) -> Coded:
    """Code a flows frame once (``products=True`` keeps the product column too)."""
    return _code(flows, products)


def _code(flows: pd.DataFrame | Coded, products: bool = False) -> Coded:
    if isinstance(flows, Coded):
        if products and flows.product is None:
            raise UsageError("These prepared flows have no products: prepare them with products=True.")
        return flows
    cols = ["year", "exporter", "importer", "value"] + (["product"] if products else [])
    _require(flows, cols)
    value = flows["value"].to_numpy(dtype="float64", na_value=np.nan)
    if np.any(value < 0):
        raise UsageError("The flows frame has negative trade values; trade flows must be >= 0.")
    year_codes, years = _factorize(flows["year"].to_numpy())
    (exp_codes, imp_codes), countries = _factorize_together(
        flows["exporter"].to_numpy(), flows["importer"].to_numpy()
    )
    coded = Coded(
        year=year_codes.astype(np.int64, copy=False),
        exp=exp_codes,
        imp=imp_codes,
        value=np.nan_to_num(value, nan=0.0) if np.isnan(value).any() else value,
        years=np.asarray(years),
        countries=np.asarray(countries),
    )
    if "side" in flows.columns:
        side = flows["side"].fillna("xm").to_numpy()
        coded.wx = np.where(side == "m", 0.0, coded.value)
        coded.wm = np.where(side == "x", 0.0, coded.value)
    if products:
        pcodes, puniq = _factorize(flows["product"].to_numpy())
        coded.product = pcodes.astype(np.int64, copy=False)
        coded.products = np.asarray(puniq)
    if coded.countries.dtype.kind in "OUS":
        world = np.flatnonzero(coded.countries == WORLD)
        if len(world):
            _split_world_totals(coded, int(world[0]))
    return coded


def _split_world_totals(c: Coded, world: int) -> None:
    """Move rows with partner 'WLD' out of the flows into dense reported-total arrays."""
    to_world = c.imp == world
    from_world = c.exp == world
    size = c.ny * c.nc
    yc_x = c.year[to_world] * c.nc + c.exp[to_world]
    yc_m = c.year[from_world] * c.nc + c.imp[from_world]
    tot_x = np.full(size, np.nan)
    tot_m = np.full(size, np.nan)
    if to_world.any():
        sums = np.bincount(yc_x, weights=c.vx[to_world], minlength=size)
        has = np.bincount(yc_x, weights=(c.vx[to_world] > 0).astype(float), minlength=size) > 0
        tot_x[has] = sums[has]
    if from_world.any():
        sums = np.bincount(yc_m, weights=c.vm[from_world], minlength=size)
        has = np.bincount(yc_m, weights=(c.vm[from_world] > 0).astype(float), minlength=size) > 0
        tot_m[has] = sums[has]
    keep = ~(to_world | from_world)
    for name in ("year", "exp", "imp", "value", "wx", "wm", "product"):
        arr = getattr(c, name)
        if arr is not None:
            setattr(c, name, arr[keep])
    c.tot_x = tot_x.reshape(c.ny, c.nc)
    c.tot_m = tot_m.reshape(c.ny, c.nc)


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted codes of ``values``: a lookup table for compact integers (BACI's numeric
    country and product codes, years), a hash table otherwise."""
    if values.dtype.kind in "iu" and len(values):
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < 50_000_000:
            shifted = values.astype(np.int64, copy=False) - lo
            present = np.zeros(hi - lo + 1, dtype=bool)
            present[shifted] = True
            lookup = np.cumsum(present) - 1
            return lookup[shifted], np.flatnonzero(present) + lo
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64, copy=False), np.asarray(uniques)


def _factorize_together(a: np.ndarray, b: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Codes of two arrays over their shared sorted uniques (exporters and importers)."""
    if a.dtype.kind in "iu" and b.dtype.kind in "iu" and len(a):
        lo = min(int(a.min()), int(b.min()))
        hi = max(int(a.max()), int(b.max()))
        if hi - lo < 50_000_000:
            present = np.zeros(hi - lo + 1, dtype=bool)
            present[a - lo] = True
            present[b - lo] = True
            lookup = np.cumsum(present) - 1
            return (lookup[a - lo], lookup[b - lo]), np.flatnonzero(present) + lo
    codes, uniques = _factorize(np.concatenate([a, b]))
    return (codes[: len(a)], codes[len(a) :]), uniques


def _sum_by(
    keys: np.ndarray, weights: np.ndarray, size: int, positive: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Sum ``weights`` by integer ``keys`` in [0, size); return (present keys, sums).

    ``positive`` says every weight is > 0, so a key is present exactly when its sum is > 0
    (one pass over the data instead of two).
    """
    if size <= _DENSE_LIMIT:
        sums = np.bincount(keys, weights=weights, minlength=size)
        present = np.flatnonzero(sums > 0 if positive else np.bincount(keys, minlength=size))
        return present, sums[present]
    codes, uniq = pd.factorize(keys)
    return np.asarray(uniq), np.bincount(codes, weights=weights, minlength=len(uniq))


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame over freshly computed arrays, without copying them into one block."""
    return pd.DataFrame(columns, copy=False)


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN where the denominator is zero (no division warnings)."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(num, den)
    zero = den == 0
    if zero.any():
        out[np.broadcast_to(zero, out.shape)] = np.nan
    return out


def _year_slices(c: Coded) -> tuple[np.ndarray | slice, list[slice]]:
    """Row order that groups the rows by year (a full slice when they already are), and each
    year's slice of it (computed once)."""
    if "years" not in c.cache:
        order: np.ndarray | slice
        if len(c.year) and np.all(c.year[1:] >= c.year[:-1]):
            order = slice(None)  # already grouped by year (BACI files are)
        else:  # a stable sort of small integers is a radix sort in numpy
            order = np.argsort(c.year.astype(np.int16 if c.ny < 2**15 else np.int64), kind="stable")
        counts = np.bincount(c.year, minlength=c.ny)
        ends = np.cumsum(counts)
        c.cache["years"] = (order, [slice(e - n, e) for n, e in zip(counts, ends, strict=True)])
    return c.cache["years"]


def _positive(c: Coded) -> bool:
    """Whether every row's export weight is > 0 (computed once)."""
    if "positive" not in c.cache:
        c.cache["positive"] = bool(np.all(c.vx > 0))
    return c.cache["positive"]


def _yc(c: Coded) -> tuple[np.ndarray, np.ndarray]:
    """year * countries + exporter, and the same for the importer (computed once)."""
    if "yc" not in c.cache:
        base = c.year * c.nc
        c.cache["yc"] = (base + c.exp, base + c.imp)
    return c.cache["yc"]


def _partner_totals(c: Coded) -> tuple[np.ndarray, np.ndarray]:
    """Dense (year, country) sums of exports and imports over the partners in the frame."""
    if "partner_totals" not in c.cache:
        size = c.ny * c.nc
        yc_exp, yc_imp = _yc(c)
        x = np.bincount(yc_exp, weights=c.vx, minlength=size).reshape(c.ny, c.nc)
        m = np.bincount(yc_imp, weights=c.vm, minlength=size).reshape(c.ny, c.nc)
        c.cache["partner_totals"] = (x, m)
    return c.cache["partner_totals"]


def _world_reported(c: Coded) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (year, country) arrays: are exports / imports a reported world total."""
    if "world_reported" not in c.cache:
        shape = (c.ny, c.nc)
        xw = np.zeros(shape, dtype=bool) if c.tot_x is None else ~np.isnan(c.tot_x)
        mw = np.zeros(shape, dtype=bool) if c.tot_m is None else ~np.isnan(c.tot_m)
        c.cache["world_reported"] = (xw, mw)
    return c.cache["world_reported"]


def _country_sums(c: Coded) -> tuple[np.ndarray, np.ndarray]:
    """Dense (year, country) arrays of exports and imports: the reported world total where the
    country gives one, else the sum over its partners (computed once per coded panel)."""
    if "country_sums" in c.cache:
        return c.cache["country_sums"]
    x, m = _partner_totals(c)
    xw, mw = _world_reported(c)
    if xw.any() and c.tot_x is not None:
        x = np.where(xw, c.tot_x, x)
    if mw.any() and c.tot_m is not None:
        m = np.where(mw, c.tot_m, m)
    c.cache["country_sums"] = (x, m)
    return x, m


def _denominator(world: np.ndarray) -> np.ndarray:
    """'world_total' where every total behind a number is a reported world total, else 'partner_sum'."""
    return np.where(world, "world_total", "partner_sum")


def _pair_sums(c: Coded) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Directed (year, exporter, importer) sums: (year code, exporter, importer, value)."""
    if "pairs" in c.cache:
        return c.cache["pairs"]
    key = _yc(c)[0] * c.nc + c.imp
    present, sums = _sum_by(key, c.vx, c.ny * c.nc * c.nc, True)
    year, rest = np.divmod(present, c.nc * c.nc)
    exp, imp = np.divmod(rest, c.nc)
    c.cache["pairs"] = (year, exp, imp, sums)
    return year, exp, imp, sums


# -- country totals, partner shares, concentration --------------------------------------------
def country_totals(flows: pd.DataFrame | Coded) -> pd.DataFrame:
    """Exports, imports and total trade of every country and year: reported world totals where
    the frame has them, else sums over partners; ``exports_denominator`` and
    ``imports_denominator`` say which ('world_total' or 'partner_sum')."""
    c = _code(flows)
    x, m = _country_sums(c)
    xw, mw = _world_reported(c)
    years = np.repeat(c.years, c.nc)
    countries = np.tile(c.countries, c.ny)
    out = pd.DataFrame(
        {
            "year": years,
            "country": countries,
            "exports": x.ravel(),
            "imports": m.ravel(),
            "exports_denominator": _denominator(xw.ravel()),
            "imports_denominator": _denominator(mw.ravel()),
        }
    )
    out["trade"] = out["exports"] + out["imports"]
    return out[out["trade"] > 0].reset_index(drop=True)


def _partner_sums(c: Coded, flow: Flow) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(year code, country, partner, value) of each country's exports to / imports from /
    trade with each partner, from the rows that count on that side."""
    if flow not in ("exports", "imports", "trade"):
        raise UsageError(f"Unknown flow '{flow}': use exports, imports or trade.")
    if flow == "exports":
        own, other, year, value = c.exp, c.imp, c.year, c.vx
    elif flow == "imports":
        own, other, year, value = c.imp, c.exp, c.year, c.vm
    else:
        own, other = np.concatenate([c.exp, c.imp]), np.concatenate([c.imp, c.exp])
        year, value = np.concatenate([c.year, c.year]), np.concatenate([c.vx, c.vm])
    present, sums = _sum_by((year * c.nc + own) * c.nc + other, value, c.ny * c.nc * c.nc)
    keep = sums > 0
    present, sums = present[keep], sums[keep]
    yr, rest = np.divmod(present, c.nc * c.nc)
    who, partner = np.divmod(rest, c.nc)
    return yr, who, partner, sums


def _flow_totals(c: Coded, flow: Flow) -> tuple[np.ndarray, np.ndarray]:
    """Dense (year, country) totals of one flow and whether they are reported world totals."""
    x, m = _country_sums(c)
    xw, mw = _world_reported(c)
    if flow == "exports":
        return x, xw
    if flow == "imports":
        return m, mw
    return x + m, xw & mw


def partner_shares(flows: pd.DataFrame | Coded, flow: Flow = "trade") -> pd.DataFrame:
    """Each partner's share in a country's exports, imports or total trade (WITS partner share).

    Returns ``year, country, partner, value, total, share, denominator``. ``total`` is the
    country's reported world total where the frame has one (then shares over the partners
    listed sum to about 1: a source's partner detail rarely adds up to its world line exactly),
    else the sum over partners (shares sum to 1).
    """
    c = _code(flows)
    yr, who, partner, sums = _partner_sums(c, flow)
    totals, world = _flow_totals(c, flow)
    total = totals[yr, who]
    return _frame(
        {
            "year": c.years[yr],
            "country": c.countries[who],
            "partner": c.countries[partner],
            "value": sums,
            "total": total,
            "share": _divide(sums, total),
            "denominator": _denominator(world[yr, who]),
        }
    )


def herfindahl(flows: pd.DataFrame | Coded, flow: Flow = "trade") -> pd.DataFrame:
    """Herfindahl–Hirschman concentration of a country's partners: sum of squared partner shares.

    Returns ``year, country, partners, hhi, hhi_normalised, denominator`` where the
    normalised index (H - 1/N) / (1 - 1/N) runs from 0 (equal shares) to 1 (one partner);
    N = partners with positive trade. NaN when N = 1 for the normalised index. Shares are of
    the reported world total where the frame has one (``denominator``).
    """
    c = _code(flows)
    yr, who, _, sums = _partner_sums(c, flow)
    totals, world = _flow_totals(c, flow)
    cy = yr * c.nc + who
    size = c.ny * c.nc
    share = sums / totals.ravel()[cy]
    hhi = np.bincount(cy, weights=share**2, minlength=size)
    partners = np.bincount(cy, minlength=size)
    present = np.flatnonzero(partners)
    yr_out, who_out = np.divmod(present, c.nc)
    inv = 1.0 / partners[present]
    return _frame(
        {
            "year": c.years[yr_out],
            "country": c.countries[who_out],
            "partners": partners[present],
            "hhi": hhi[present],
            "hhi_normalised": _divide(hhi[present] - inv, 1.0 - inv),
            "denominator": _denominator(world.ravel()[present]),
        }
    )


def trade_intensity(flows: pd.DataFrame | Coded) -> pd.DataFrame:
    """Bilateral trade intensity index (WITS): (x_ij / X_i) / (M_j / M_w).

    x_ij: exports of i to j; X_i: i's exports to all partners; M_j: j's imports from all
    partners (world exports to j); M_w: world imports. 1 means i sends j exactly j's share of
    world imports. Returns ``year, exporter, importer, value, export_share, intensity,
    denominator`` (``denominator``: whether X_i is i's reported world total).
    """
    c = _code(flows)
    x, m = _country_sums(c)
    xw, _ = _world_reported(c)
    world = m.sum(axis=1)
    yr, ex, im, v = _pair_sums(c)
    share = _divide(v, x[yr, ex])
    intensity = _divide(share, _divide(m[yr, im], world[yr]))
    return _frame(
        {
            "year": c.years[yr],
            "exporter": c.countries[ex],
            "importer": c.countries[im],
            "value": v,
            "export_share": share,
            "intensity": intensity,
            "denominator": _denominator(xw[yr, ex]),
        }
    )


# -- regions ------------------------------------------------------------------------------------
def _membership_matrix(c: Coded, members: Members) -> np.ndarray:
    """Boolean (year, country) matrix: is the country a member in that year."""
    mask = np.zeros((c.ny, c.nc), dtype=bool)
    index = {code: i for i, code in enumerate(c.countries)}
    for y_i, year in enumerate(c.years):
        these = members.get(int(year), ()) if isinstance(members, Mapping) else members
        for code in these:
            if code in index:
                mask[y_i, index[code]] = True
    return mask


def regional_trade(flows: pd.DataFrame | Coded, members: Members) -> pd.DataFrame:
    """Intra-regional trade share, intensity and Iapadre's introversion index for one region.

    ``members`` is a set of ISO3 codes, or a mapping year -> set for regions whose membership
    changes. With T = exports + imports: s = T_RR / T_R (intra-regional share), w = T_R / T_W
    (the region's share of world trade), intensity = s / w; homogeneous intensities
    HI = s / w and HE = (1 - s) / (1 - w); introversion RTII = (HI - HE) / (HI + HE) in
    [-1, 1] (Iapadre 2006). Members' totals are their reported world totals where the frame
    has them (the difference to the sum over listed partners counts as extra-regional trade:
    it is trade with partners that are not members, or not named). Returns one row per year,
    with ``denominator`` 'world_total' when every member's exports and imports are reported
    world totals.
    """
    c = _code(flows)
    x, m = _country_sums(c)
    px, pm = _partner_totals(c)
    xw, mw = _world_reported(c)
    mask = _membership_matrix(c, members)
    yc_exp, yc_imp = _yc(c)
    in_exp = mask.ravel()[yc_exp]
    in_imp = mask.ravel()[yc_imp]
    # 1 - s and 1 - w are summed directly (extra-regional and rest-of-world trade), not
    # subtracted, so that shares near 0 or 1 keep their precision
    both = in_exp & in_imp
    intra = np.bincount(c.year, weights=(c.vx + c.vm) * both, minlength=c.ny)
    extra = np.bincount(c.year, weights=c.vx * (in_exp & ~in_imp) + c.vm * (in_imp & ~in_exp), minlength=c.ny)
    extra = extra + (((x + m) - (px + pm)) * mask).sum(axis=1)  # unallocated part of world totals
    region_trade = intra + extra
    rest_trade = ((x + m) * ~mask).sum(axis=1)
    world_trade = (x + m).sum(axis=1)
    world_totals = ((xw & mw) | ~mask).all(axis=1)
    s = _divide(intra, region_trade)
    w = _divide(region_trade, world_trade)
    hi = _divide(s, w)
    he = _divide(_divide(extra, region_trade), _divide(rest_trade, world_trade))
    return _frame(
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
            "denominator": _denominator(world_totals),
        }
    )


def country_regional(flows: pd.DataFrame | Coded, members: Members) -> pd.DataFrame:
    """Each member's trade with the rest of its region.

    For member i of region R (R - i: the other members): ``share`` = T_{i,R-i} / T_i (its
    trade with the others over its trade with all partners), ``export_share`` =
    x_{i,R-i} / X_i, ``import_share`` = m_{i,R-i} / M_i, and the WITS trade intensity with
    the region ``intensity`` = (x_{i,R-i} / X_i) / (M_{R-i} / M_w). ``denominator`` says
    whether X_i and M_i are i's reported world totals.
    """
    c = _code(flows)
    x, m = _country_sums(c)
    xw, mw = _world_reported(c)
    mask = _membership_matrix(c, members)
    yc_exp, yc_imp = _yc(c)
    both = mask.ravel()[yc_exp] & mask.ravel()[yc_imp] & (c.exp != c.imp)
    size = c.ny * c.nc
    to_region = np.bincount(yc_exp, weights=c.vx * both, minlength=size)
    from_region = np.bincount(yc_imp, weights=c.vm * both, minlength=size)
    to_region = to_region.reshape(c.ny, c.nc)
    from_region = from_region.reshape(c.ny, c.nc)
    world_imports = m.sum(axis=1, keepdims=True)
    # imports of R - i, summed without subtraction (M_R - M_i cancels badly when M_i dominates)
    others_imports = (m * mask) @ (1.0 - np.eye(c.nc))
    export_share = _divide(to_region, x)
    intensity = _divide(export_share, _divide(others_imports, world_imports))
    rows = np.argwhere(mask & ((x + m) > 0))
    yr, who = rows[:, 0], rows[:, 1]
    return _frame(
        {
            "year": c.years[yr],
            "country": c.countries[who],
            "share": _divide((to_region + from_region)[yr, who], (x + m)[yr, who]),
            "export_share": export_share[yr, who],
            "import_share": _divide(from_region, m)[yr, who],
            "intensity": intensity[yr, who],
            "denominator": _denominator((xw & mw)[yr, who]),
        }
    )


# -- product-level indicators -----------------------------------------------------------------
def rca(flows: pd.DataFrame | Coded) -> pd.DataFrame:
    """Balassa's revealed comparative advantage: (x_ik / X_i) / (x_wk / X_w).

    Needs a ``product`` column. Returns ``year, country, product, exports, rca``.
    """
    c = _code(flows, products=True)
    codes, products = c.by_product
    npr = c.np_
    key = _yc(c)[0] * npr + codes
    size = c.ny * c.nc * npr
    if size <= _DENSE_LIMIT and _positive(c):
        # dense (year, country, product) cube: totals are axis sums, no scatter needed
        cube = np.bincount(key, weights=c.vx, minlength=size).reshape(c.ny, c.nc, npr)
        x_country = cube.sum(axis=2)
        w_product = cube.sum(axis=1)
        w_total = x_country.sum(axis=1)
        yr, who, k = np.nonzero(cube)
        sums = cube[yr, who, k]
        value = (sums / x_country[yr, who]) / (w_product[yr, k] / w_total[yr])
        return _frame(
            {
                "year": c.years[yr],
                "country": c.countries[who],
                "product": products[k],
                "exports": sums,
                "rca": value,
            }
        )
    present, sums = _sum_by(key, c.vx, size, _positive(c))
    yc, k = np.divmod(present, npr)
    yr, who = np.divmod(yc, c.nc)
    x_country = np.bincount(yc, weights=sums, minlength=c.ny * c.nc)
    w_product = np.bincount(yr * npr + k, weights=sums, minlength=c.ny * npr)
    w_total = np.bincount(yr, weights=sums, minlength=c.ny)
    value = _divide(_divide(sums, x_country[yc]), _divide(w_product[yr * npr + k], w_total[yr]))
    return _frame(
        {
            "year": c.years[yr],
            "country": c.countries[who],
            "product": products[k],
            "exports": sums,
            "rca": value,
        }
    )


def grubel_lloyd(flows: pd.DataFrame | Coded) -> pd.DataFrame:
    """Grubel–Lloyd intra-industry trade between i and j, aggregated over products.

    GL_ij = 1 - sum_k |x_ijk - x_jik| / sum_k (x_ijk + x_jik) = 2 sum_k min(x_ijk, x_jik) /
    sum_k (x_ijk + x_jik); 0 = pure inter-industry trade, 1 = fully matched. Symmetric in i, j.
    Returns ``year, country, partner, trade, gl`` for every ordered pair with trade.
    """
    c = _code(flows, products=True)
    npr, nc = c.np_, c.nc
    # each (pair, product) keyed once, by its lower and higher country code; flows from the
    # lower to the higher code are "forward", the others "backward"
    order, slices = _year_slices(c)
    exp, imp, value, product = c.exp[order], c.imp[order], c.vx[order], c.by_product[0][order]
    # hash (pair, product) keys year by year: small temporaries and hash tables, and 32-bit
    # keys where they fit
    dtype = np.int32 if nc * nc * npr < 2**31 else np.int64
    pair_parts, fwd_parts, bwd_parts = [], [], []
    for y, sl in enumerate(slices):
        e, i, v = exp[sl], imp[sl], value[sl]
        forward = e < i
        within = (np.where(forward, e * nc + i, i * nc + e) * npr + product[sl]).astype(dtype)
        codes, uniq = pd.factorize(within)
        fwd_value = np.where(forward, v, 0.0)
        fwd_parts.append(np.bincount(codes, weights=fwd_value, minlength=len(uniq)))
        bwd_parts.append(np.bincount(codes, weights=v - fwd_value, minlength=len(uniq)))
        pair_parts.append(y * nc * nc + np.asarray(uniq).astype(np.int64) // npr)
    fwd, bwd = np.concatenate(fwd_parts), np.concatenate(bwd_parts)
    pair_of = np.concatenate(pair_parts)
    size = c.ny * nc * nc
    p_keys, p_matched = _sum_by(pair_of, np.minimum(fwd, bwd), size)
    _, p_fwd = _sum_by(pair_of, fwd, size)
    _, p_bwd = _sum_by(pair_of, bwd, size)
    trade = p_fwd + p_bwd
    gl = _divide(2.0 * p_matched, trade)
    py, rest = np.divmod(p_keys, nc * nc)
    lo, hi = np.divmod(rest, nc)
    f, b = p_fwd > 0, p_bwd > 0
    return _frame(
        {
            "year": np.concatenate([c.years[py[f]], c.years[py[b]]]),
            "country": np.concatenate([c.countries[lo[f]], c.countries[hi[b]]]),
            "partner": np.concatenate([c.countries[hi[f]], c.countries[lo[b]]]),
            "trade": np.concatenate([trade[f], trade[b]]),
            "gl": np.concatenate([gl[f], gl[b]]),
        }
    )


def complementarity(
    flows: pd.DataFrame | Coded, countries: Collection[str] | None = None, chunk: int = 64
) -> pd.DataFrame:
    """Trade complementarity of i's exports with j's imports (Michaely 1996; WITS), 0 to 100.

    C_ij = 100 * (1 - sum_k |m_jk - x_ik| / 2), with x_ik the share of product k in i's
    exports and m_jk its share in j's imports; computed as 100 * sum_k min(m_jk, x_ik), which
    is equal because both share vectors sum to 1. ``countries`` limits i and j to a set (the
    all-pairs product is dense: countries^2 x products per year). Returns
    ``year, exporter, importer, complementarity`` for every ordered pair i != j.
    """
    c = _code(flows, products=True)
    row_products = c.by_product[0]
    npr, nc = c.np_, c.nc
    focus = np.arange(nc) if countries is None else np.flatnonzero(np.isin(c.countries, list(countries)))
    pos = np.full(nc, -1)
    pos[focus] = np.arange(len(focus))
    nf = len(focus)
    frames = []
    order, slices = _year_slices(c)
    for y, sl in enumerate(slices):
        rows = order[sl] if isinstance(order, np.ndarray) else sl
        e, i, k = c.exp[rows], c.imp[rows], row_products[rows]
        vx, vm = c.vx[rows], c.vm[rows]
        xs = np.zeros((nf, npr))
        ms = np.zeros((nf, npr))
        ok = pos[e] >= 0
        np.add.at(xs, (pos[e[ok]], k[ok]), vx[ok])
        ok = pos[i] >= 0
        np.add.at(ms, (pos[i[ok]], k[ok]), vm[ok])
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
