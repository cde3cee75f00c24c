"""Benchmark: the full trade-indicator family on a BACI-layout panel, steppe vs a pandas groupby.

Generates a panel in the CEPII BACI layout (t year, i exporter, j importer, k HS6 product,
v value in thousand US$, q quantity in tonnes; numeric country codes as BACI has them),
then computes, for every pair, country, product and year:

- country exports and imports; bilateral export shares and trade intensity (every pair);
- Herfindahl-Hirschman concentration of each country's partners in total trade;
- Balassa RCA (every country-product-year); Grubel-Lloyd index (every pair);
- intra-regional share, intensity and introversion of two regions (every year);
- trade complementarity among a focus group of countries (every ordered pair of the group;
  the all-pairs version is a dense countries^2 x products product per year).

once with steppe (:mod:`steppe.indicators.formulas`: integer coding + numpy bincount) and
once with a straightforward pandas groupby/merge implementation of the same formulas, in the
same process (each run --repeat times, the best time kept, as timeit does); asserts that the
numbers agree (relative difference <= 1e-9, i.e. equal up to floating-point summation order)
and prints one JSON line last.

    python benchmarks/indicators.py --rows 10000000
    flock /tmp/steppe-bench.lock python benchmarks/indicators.py   # full size, one at a time
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time

import numpy as np
import pandas as pd
from cli_args import non_negative_int, positive_int

from steppe.indicators import formulas

REGION_A = list(range(1, 6))  # a five-member region (the "C5" of the panel)
REGION_B = list(range(6, 16))  # a ten-member region
FOCUS = list(range(1, 21))  # complementarity among these twenty countries


def baci_panel(
    rows: int, countries: int = 200, products: int = 5000, years: int = 10, seed: int = 0
) -> pd.DataFrame:
    """A synthetic panel in BACI's layout and types, with unique (t, i, j, k) keys.

    About 30% of the flows have a reverse flow of the same product (two-way trade), so that
    Grubel-Lloyd has intra-industry trade to find.
    """
    rng = np.random.default_rng(seed)
    per_year = rows // years
    frames = []
    for y in range(years):
        n_base = int(per_year / 1.3 * 1.05) + 10  # oversample: duplicates and self-flows are dropped
        i = rng.integers(1, countries + 1, n_base)
        j = rng.integers(1, countries + 1, n_base)
        k = rng.integers(0, products, n_base)
        back = rng.random(n_base) < 0.3
        i, j, k = np.concatenate([i, j[back]]), np.concatenate([j, i[back]]), np.concatenate([k, k[back]])
        keep = i != j
        key = (i[keep].astype(np.int64) * (countries + 1) + j[keep]) * products + k[keep]
        key = np.unique(key)
        key = np.sort(key[rng.permutation(len(key))[:per_year]])  # an unbiased subset, BACI order
        ij, k = np.divmod(key, products)
        i, j = np.divmod(ij, countries + 1)
        frames.append(
            pd.DataFrame(
                {
                    "t": np.int16(2013 + y),
                    "i": i.astype(np.int16),
                    "j": j.astype(np.int16),
                    "k": (100000 + k).astype(np.int32),  # HS6 codes as integers, as in BACI's CSV
                    "v": np.round(rng.lognormal(3.0, 2.0, len(key)), 3),
                    "q": np.round(rng.lognormal(2.0, 2.0, len(key)), 3),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# -- steppe ----------------------------------------------------------------------------------------
def with_steppe(flows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    coded = formulas.prepare(flows, products=True)
    return {
        "totals": formulas.country_totals(coded),
        "intensity": formulas.trade_intensity(coded),
        "hhi": formulas.herfindahl(coded, "trade"),
        "rca": formulas.rca(coded),
        "gl": formulas.grubel_lloyd(coded),
        "region_a": formulas.regional_trade(coded, REGION_A),
        "region_b": formulas.regional_trade(coded, REGION_B),
        "complementarity": formulas.complementarity(coded, countries=FOCUS),
    }


# -- pandas baseline -------------------------------------------------------------------------------
def _regional_pandas(df: pd.DataFrame, members: list[int]) -> pd.DataFrame:
    x = df.groupby(["year", "exporter"])["value"].sum().rename_axis(["year", "country"])
    m = df.groupby(["year", "importer"])["value"].sum().rename_axis(["year", "country"])
    trade = x.add(m, fill_value=0).rename("trade").reset_index()
    trade["member"] = trade["country"].isin(members)
    region_trade = trade[trade["member"]].groupby("year")["trade"].sum()
    world_trade = trade.groupby("year")["trade"].sum()
    intra = df[df["exporter"].isin(members) & df["importer"].isin(members)].groupby("year")["value"].sum() * 2
    out = pd.DataFrame({"intra_trade": intra, "region_trade": region_trade, "world_trade": world_trade})
    out = out.fillna({"intra_trade": 0.0})
    out["intra_share"] = out["intra_trade"] / out["region_trade"]
    out["world_share"] = out["region_trade"] / out["world_trade"]
    out["intensity"] = out["intra_share"] / out["world_share"]
    out["extra_intensity"] = (1 - out["intra_share"]) / (1 - out["world_share"])
    out["introversion"] = (out["intensity"] - out["extra_intensity"]) / (
        out["intensity"] + out["extra_intensity"]
    )
    return out.reset_index()


def with_pandas(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    x = df.groupby(["year", "exporter"])["value"].sum().rename("exports")
    m = df.groupby(["year", "importer"])["value"].sum().rename("imports")
    totals = pd.concat(
        [x.rename_axis(["year", "country"]), m.rename_axis(["year", "country"])], axis=1
    ).fillna(0)
    totals["trade"] = totals["exports"] + totals["imports"]
    out["totals"] = totals.reset_index()

    pair = df.groupby(["year", "exporter", "importer"], as_index=False)["value"].sum()
    world = df.groupby("year")["value"].sum().rename("world").reset_index()
    pair = pair.merge(x.reset_index(), on=["year", "exporter"]).merge(
        m.reset_index(), on=["year", "importer"]
    )
    pair = pair.merge(world, on="year")
    pair["export_share"] = pair["value"] / pair["exports"]
    pair["intensity"] = pair["export_share"] / (pair["imports"] / pair["world"])
    out["intensity"] = pair

    both = pd.concat(
        [
            pair[["year", "exporter", "importer", "value"]].set_axis(
                ["year", "country", "partner", "value"], axis=1
            ),
            pair[["year", "importer", "exporter", "value"]].set_axis(
                ["year", "country", "partner", "value"], axis=1
            ),
        ]
    )
    both = both.groupby(["year", "country", "partner"], as_index=False)["value"].sum()
    both["share"] = both["value"] / both.groupby(["year", "country"])["value"].transform("sum")
    both["sq"] = both["share"] ** 2
    out["hhi"] = both.groupby(["year", "country"], as_index=False).agg(
        partners=("partner", "size"), hhi=("sq", "sum")
    )

    cp = df.groupby(["year", "exporter", "product"], as_index=False)["value"].sum()
    cp["x_country"] = cp.groupby(["year", "exporter"])["value"].transform("sum")
    cp["w_product"] = cp.groupby(["year", "product"])["value"].transform("sum")
    cp["w_total"] = cp.groupby("year")["value"].transform("sum")
    cp["rca"] = (cp["value"] / cp["x_country"]) / (cp["w_product"] / cp["w_total"])
    out["rca"] = cp

    keys = ["year", "exporter", "importer", "product"]
    g = df.groupby(keys, as_index=False)["value"].sum()
    rev = g.rename(columns={"exporter": "importer", "importer": "exporter", "value": "back"})
    g = g.merge(rev, on=keys, how="left").fillna({"back": 0.0})
    g["matched"] = np.minimum(g["value"], g["back"])
    gl = g.groupby(["year", "exporter", "importer"], as_index=False)[["matched", "value"]].sum()
    gl_rev = gl[["year", "exporter", "importer", "value"]].rename(
        columns={"exporter": "importer", "importer": "exporter", "value": "rev_value"}
    )
    gl = gl.merge(gl_rev, on=["year", "exporter", "importer"], how="left").fillna({"rev_value": 0.0})
    gl["trade"] = gl["value"] + gl["rev_value"]
    gl["gl"] = 2 * gl["matched"] / gl["trade"]
    out["gl"] = gl

    out["region_a"] = _regional_pandas(df, REGION_A)
    out["region_b"] = _regional_pandas(df, REGION_B)

    focus = df[df["exporter"].isin(FOCUS) | df["importer"].isin(FOCUS)]
    xs = (
        focus[focus["exporter"].isin(FOCUS)]
        .groupby(["year", "exporter", "product"], as_index=False)["value"]
        .sum()
    )
    xs["x"] = xs["value"] / xs.groupby(["year", "exporter"])["value"].transform("sum")
    ms = (
        focus[focus["importer"].isin(FOCUS)]
        .groupby(["year", "importer", "product"], as_index=False)["value"]
        .sum()
    )
    ms["m"] = ms["value"] / ms.groupby(["year", "importer"])["value"].transform("sum")
    pairs = xs[["year", "exporter", "product", "x"]].merge(
        ms[["year", "importer", "product", "m"]], on=["year", "product"]
    )
    pairs = pairs[pairs["exporter"] != pairs["importer"]]
    pairs["min"] = np.minimum(pairs["x"], pairs["m"])
    comp = pairs.groupby(["year", "exporter", "importer"], as_index=False)["min"].sum()
    comp["complementarity"] = 100 * comp["min"]
    out["complementarity"] = comp
    return out


# -- comparison ------------------------------------------------------------------------------------
CHECKS = {
    "totals": (["year", "country"], ["exports", "imports", "trade"]),
    "intensity": (["year", "exporter", "importer"], ["value", "export_share", "intensity"]),
    "hhi": (["year", "country"], ["partners", "hhi"]),
    "rca": (["year", "exporter", "product"], ["rca"]),
    "gl": (["year", "exporter", "importer"], ["trade", "gl"]),
    "region_a": (["year"], ["intra_share", "intensity", "introversion"]),
    "region_b": (["year"], ["intra_share", "intensity", "introversion"]),
    "complementarity": (["year", "exporter", "importer"], ["complementarity"]),
}
RENAME = {"rca": {"country": "exporter"}, "gl": {"country": "exporter", "partner": "importer"}}


def compare(ours: dict[str, pd.DataFrame], theirs: dict[str, pd.DataFrame]) -> float:
    """Largest relative difference over every indicator; raises if any row is missing."""
    worst = 0.0
    for name, (keys, cols) in CHECKS.items():
        a = ours[name].rename(columns=RENAME.get(name, {}))
        b = theirs[name]
        if name == "complementarity":  # pandas drops pairs with no common product: 0 there
            a = a[a["complementarity"] > 0]
        a = a.sort_values(keys).reset_index(drop=True)
        b = b.sort_values(keys).reset_index(drop=True)
        if len(a) != len(b):
            raise AssertionError(f"{name}: steppe has {len(a)} rows, pandas {len(b)}")
        for k in keys:
            if not np.array_equal(a[k].to_numpy(), b[k].to_numpy()):
                raise AssertionError(f"{name}: keys differ in column {k}")
        for c in cols:
            x, y = a[c].to_numpy(dtype=float), b[c].to_numpy(dtype=float)
            if not np.array_equal(np.isnan(x), np.isnan(y)):
                raise AssertionError(f"{name}.{c}: missing values differ")
            ok = ~np.isnan(x)
            rel = np.abs(x[ok] - y[ok]) / np.maximum(np.abs(y[ok]), 1e-300)
            largest = float(rel.max()) if rel.size else 0.0
            if largest > 1e-9:
                raise AssertionError(
                    f"{name}.{c}: steppe and pandas differ by up to {largest:.3g} (relative)"
                )
            worst = max(worst, largest)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows", type=positive_int, default=10_000_000, help="panel rows (default 10 million)"
    )
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each implementation; the best time counts (default 2)"
    )
    args = parser.parse_args()

    baci = baci_panel(args.rows, seed=args.seed)
    flows = baci.rename(columns={"t": "year", "i": "exporter", "j": "importer", "k": "product", "v": "value"})
    flows = flows[["year", "exporter", "importer", "product", "value"]]
    print(f"panel: {len(baci):,} rows, {baci['t'].nunique()} years, {baci['i'].nunique()} exporters, "
          f"{baci['k'].nunique()} products")  # fmt: skip

    def best_of(fn, label):
        times = []
        for _ in range(args.repeat):
            result = None
            gc.collect()
            start = time.perf_counter()
            result = fn(flows)
            times.append(time.perf_counter() - start)
        print(f"{label}: " + ", ".join(f"{t:.2f}" for t in times) + f" s (best {min(times):.2f})")
        return result, min(times)

    ours, steppe_s = best_of(with_steppe, "steppe")
    theirs, pandas_s = best_of(with_pandas, "pandas groupby")

    worst = compare(ours, theirs)
    print(f"identical up to summation order: largest relative difference {worst:.2e}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "benchmark": "indicators",
                "size": len(baci),
                "steppe_s": round(steppe_s, 3),
                "baseline": "pandas-groupby",
                "baseline_s": round(pandas_s, 3),
                "ratio": round(pandas_s / steppe_s, 2),
                "peak_rss_mib": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
