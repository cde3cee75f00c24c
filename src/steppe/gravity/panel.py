"""Build the pair-year panel that a gravity specification estimates on.

A panel starts from a bilateral frame (``exporter``, ``importer``, ``year``, a trade column and
gravity covariates) and gains the terms a spec declares: logs, output and expenditure, the
remoteness indexes, year-interacted terms (distance by year, international border by year),
lags and leads (the Guide's phase-in terms), country-specific intra-national dummies and
policy dummies built from KB memberships. Terms are computed on the whole frame (so that a
4-year lag in 1986 can look at 1982 when the data has it) and the sample is cut afterwards.

References: Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy
Analysis, chapter 1 (equations 1-3 and the applications' Stata code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from steppe.errors import UsageError
from steppe.identifiers import check_identifiers

#: Term kinds a spec may declare; each value names the column it reads (or the setting).
TERM_KINDS = (
    "column",
    "log",
    "log1p",
    "output",
    "expenditure",
    "remoteness",
    "by_year",
    "lag",
    "lead",
    "domestic_by_country",
    "both_members",
    "exporter_member",
    "importer_member",
)
#: Term kinds whose value is the name of the data column they read.
COLUMN_TERM_KINDS = ("column", "log", "log1p", "output", "expenditure", "by_year", "lag", "lead")
#: Options a term may carry besides its kind.
TERM_OPTIONS = ("where", "years", "omit", "fill", "roles", "as_of", "scale", "flows")
WHERE = ("international", "domestic")
#: Month-day on which membership is read for year t (as-of rule: start <= D < end).
DEFAULT_AS_OF = "01-01"

#: Fixed effects the panel knows how to build, by name.
FIXED_EFFECTS = ("exporter", "importer", "year", "exporter_year", "importer_year", "pair", "pair_intra")

#: (org, roles, days) -> the (country, day) pairs in which the country certainly holds one of
#: ``roles`` (None: full membership) in ``org`` under the KB's as-of rule. The store answers it
#: with the rule's one definition in SQL (:func:`steppe.gravity.run.membership_lookup`).
MembershipLookup = Callable[[str, list[str] | None, list[date]], set[tuple[str, date]]]


@dataclass
class Panel:
    """A frame ready for estimation plus which columns each declared term produced."""

    frame: pd.DataFrame
    term_columns: dict[str, list[str]] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    def columns_of(self, name: str) -> list[str]:
        """Columns for a term name, a fixed-effect name or a plain data column."""
        if name in self.term_columns:
            return self.term_columns[name]
        if name in self.frame.columns:
            return [name]
        known = sorted(set(self.term_columns) | {c for c in self.frame.columns if not c.startswith("_")})
        raise UsageError(
            f"Unknown variable '{name}' in the spec: use a data column or a term ({', '.join(known)})."
        )


def standardise(frame: pd.DataFrame, trade: str = "trade") -> pd.DataFrame:
    """Lower-case names, require exporter/importer/year/trade, add pair ids and domestic flags."""
    out = frame.copy()
    out.columns = [str(c).lower() for c in out.columns]
    missing = [c for c in ("exporter", "importer", "year", trade) if c not in out.columns]
    if missing:
        raise UsageError(
            f"The data lacks column(s) {', '.join(missing)}: a gravity frame needs exporter, importer, "
            f"year and {trade}."
        )
    out["year"] = out["year"].astype("int64")
    out["exporter"] = out["exporter"].astype(str)
    out["importer"] = out["importer"].astype(str)
    domestic = (out["exporter"] == out["importer"]).to_numpy()
    out["domestic"] = domestic.astype("int8")
    out["international"] = (~domestic).astype("int8")
    if "pair_id" not in out.columns:
        exp_codes, exp_names = pd.factorize(out["exporter"])
        imp_codes = pd.factorize(out["importer"])[0]
        out["pair_id"] = pd.factorize(exp_codes.astype("int64") * (len(exp_names) + 1) + imp_codes)[0]
    return out


def _where(frame: pd.DataFrame, spec: Mapping[str, Any]) -> np.ndarray:
    where = spec.get("where")
    if where is None:
        return np.ones(len(frame))
    if where not in WHERE:
        raise UsageError(f"Unknown 'where: {where}' in a term: use one of {', '.join(WHERE)}.")
    return frame[where].to_numpy(dtype=float)


def _need(frame: pd.DataFrame, col: str, term: str) -> pd.Series:
    if col not in frame.columns:
        raise UsageError(
            f"Term '{term}' reads unknown variable '{col}': use one of {', '.join(sorted(frame.columns))}."
        )
    return frame[col]


def _log(values: pd.Series) -> np.ndarray:
    arr = values.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(arr)
    out[~np.isfinite(out)] = np.nan
    return out


def _shift(frame: pd.DataFrame, col: str, years: int, fill: float | None) -> np.ndarray:
    """Value of ``col`` for the same directed pair ``years`` earlier (negative: later)."""
    key = frame[["exporter", "importer", "year"]].copy()
    key["year"] = key["year"] - years
    source = frame[["exporter", "importer", "year", col]]
    merged = key.merge(source, on=["exporter", "importer", "year"], how="left")
    values = merged[col].to_numpy(dtype=float)
    if fill is not None:
        values = np.where(np.isnan(values), fill, values)
    return values


def _as_of_day(year: int, month_day: str) -> date:
    month, day = (int(p) for p in month_day.split("-"))
    return date(year, month, day)


def _member_matrix(
    frame: pd.DataFrame, members: set[tuple[str, date]], month_day: str
) -> tuple[np.ndarray, np.ndarray]:
    """Whether exporter and importer each are certain members on ``month_day`` of the row's year.

    ``members`` is what the membership lookup returned for the as-of days of the frame's years
    (dates in the KB may be ``1994``, ``1997-06`` or ``1994-01-19``). Only a membership *certain*
    on the as-of day counts: a year-precision start in year t is uncertain on 1 January of t, so
    its dummy is 0 in t and 1 from t+1 (as for a day-precision accession after 1 January); a
    year-precision end in year t makes it 0 from t on. See docs/gravity.md.
    """
    yrs = frame["year"].to_numpy()
    days = {int(y): _as_of_day(int(y), month_day) for y in np.unique(yrs)}
    exp_in = np.fromiter(
        ((c, days[int(y)]) in members for c, y in zip(frame["exporter"].to_numpy(), yrs, strict=True)),
        dtype=bool,
        count=len(frame),
    )
    imp_in = np.fromiter(
        ((c, days[int(y)]) in members for c, y in zip(frame["importer"].to_numpy(), yrs, strict=True)),
        dtype=bool,
        count=len(frame),
    )
    return exp_in, imp_in


def as_of_days(frame: pd.DataFrame, month_day: str = DEFAULT_AS_OF) -> list[date]:
    """The as-of day of each year of ``frame`` (membership dummies read membership on it)."""
    return [_as_of_day(int(y), month_day) for y in sorted(frame["year"].unique())]


def add_term(
    frame: pd.DataFrame,
    name: str,
    spec: Mapping[str, Any],
    memberships: MembershipLookup | None = None,
    sample_years: Sequence[int] | None = None,
) -> list[str]:
    """Compute one declared term into ``frame`` (in place); return the columns it made.

    Year-interacted terms default to ``sample_years`` (the spec's sample), else every year.
    """
    kinds = [k for k in spec if k in TERM_KINDS]
    unknown = [k for k in spec if k not in TERM_KINDS and k not in TERM_OPTIONS]
    if unknown or len(kinds) != 1:
        raise UsageError(
            f"Term '{name}' must have exactly one kind of {', '.join(TERM_KINDS)} "
            f"(options: {', '.join(TERM_OPTIONS)}); got {', '.join(map(str, spec)) or 'nothing'}."
        )
    kind = kinds[0]
    arg = spec[kind]
    mask = _where(frame, spec)
    scale = float(spec.get("scale", 1.0))
    if kind == "column":
        frame[name] = _need(frame, arg, name).to_numpy(dtype=float) * scale * mask
    elif kind == "log":
        frame[name] = _log(_need(frame, arg, name) * scale) * mask
    elif kind == "log1p":
        frame[name] = np.log1p(_need(frame, arg, name).to_numpy(dtype=float) * scale) * mask
    elif kind in ("output", "expenditure"):
        side = "exporter" if kind == "output" else "importer"
        _need(frame, arg, name)
        total = frame.groupby([side, "year"])[arg].transform("sum")
        frame[name] = _log(total)
    elif kind == "remoteness":
        # Guide, ch. 1 app. 1: REM_EXP_it = ln(sum_j DIST_ij / (E_jt / E_t)), and symmetrically
        # REM_IMP_jt = ln(sum_i DIST_ij / (Y_it / Y_t)), over all partners incl. the country itself.
        side = arg
        if side not in ("exporter", "importer"):
            raise UsageError(f"Term '{name}': remoteness is 'exporter' or 'importer', not '{side}'.")
        other = "importer" if side == "exporter" else "exporter"
        trade_col = str(spec.get("flows", "trade"))
        size = frame.groupby([other, "year"])[trade_col].transform("sum")
        world = frame.groupby("year")[trade_col].transform("sum")
        ratio = _need(frame, "dist", name) / (size / world)
        frame[name] = _log(ratio.groupby([frame[side], frame["year"]]).transform("sum"))
    elif kind == "by_year":
        values = _need(frame, arg, name).to_numpy(dtype=float) * mask
        years = spec.get("years") or sample_years or sorted(int(y) for y in frame["year"].unique())
        omit = set(spec.get("omit") or [])
        cols = []
        yrs = frame["year"].to_numpy()
        for y in years:
            if y in omit:
                continue
            col = f"{name}_{y}"
            frame[col] = np.where(yrs == y, values, 0.0)
            cols.append(col)
        return cols
    elif kind in ("lag", "lead"):
        years = int(spec.get("years", 0))
        if years <= 0:
            raise UsageError(f"Term '{name}': a {kind} needs 'years: N' with N > 0.")
        _need(frame, arg, name)
        shift = years if kind == "lag" else -years
        frame[name] = _shift(frame, arg, shift, spec.get("fill")) * mask
    elif kind == "domestic_by_country":
        codes = sorted(frame.loc[frame["domestic"] == 1, "exporter"].unique())
        # the codes come from the data file and become column names in the formula
        check_identifiers(codes, f"country code in term '{name}'", "The data")
        omit = set(spec.get("omit") or [])
        cols = []
        exp = frame["exporter"].to_numpy()
        dom = frame["domestic"].to_numpy() == 1
        for c in codes:
            if c in omit:
                continue
            col = f"{name}_{c}"
            frame[col] = (dom & (exp == c)).astype(float)
            cols.append(col)
        return cols
    else:  # membership dummies
        if memberships is None:
            raise UsageError(f"Term '{name}' needs the knowledge base for '{arg}'; run it with a store.")
        month_day = str(spec.get("as_of", DEFAULT_AS_OF))
        members = memberships(str(arg), spec.get("roles"), as_of_days(frame, month_day))
        exp_in, imp_in = _member_matrix(frame, members, month_day)
        international = frame["international"].to_numpy() == 1
        if kind == "both_members":
            values = exp_in & imp_in & international
        elif kind == "exporter_member":
            values = exp_in & international
        else:
            values = imp_in & international
        frame[name] = values.astype(float) * mask
    if kind not in ("lag", "lead") and spec.get("fill") is not None:
        frame[name] = frame[name].fillna(float(spec["fill"]))
    return [name]


def build_panel(
    frame: pd.DataFrame,
    terms: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    years: Sequence[int] | None = None,
    international_only: bool = False,
    positive_only: bool = False,
    trade: str = "trade",
    memberships: MembershipLookup | None = None,
) -> Panel:
    """Standardise ``frame``, compute ``terms`` on all of it, then cut the sample.

    ``memberships(org, roles, days)`` says which countries certainly hold a listed role on each
    as-of day (:data:`MembershipLookup`); a pair is "both members in year t" when both do on
    the as-of day of year t (default 1 January; start <= day < end), and domestic pairs are
    never counted as members of an agreement with themselves.
    """
    out = standardise(frame, trade)
    term_columns: dict[str, list[str]] = {}
    for name, spec in (terms or {}).items():
        if not isinstance(spec, Mapping):
            raise UsageError(f"Term '{name}' must be a mapping such as {{log: dist}}.")
        term_columns[name] = add_term(out, name, spec, memberships, years)
    keep = np.ones(len(out), dtype=bool)
    if years:
        keep &= out["year"].isin(list(years)).to_numpy()
    if international_only:
        keep &= out["international"].to_numpy() == 1
    if positive_only:
        keep &= out[trade].to_numpy() > 0
    out = out.loc[keep].reset_index(drop=True)
    add_fixed_effects(out)
    return Panel(out, term_columns, dict(frame.attrs.get("provenance", {})))


def add_fixed_effects(frame: pd.DataFrame) -> None:
    """Integer codes for every known fixed effect (``fe_<name>``), in place."""
    exp_codes, _ = pd.factorize(frame["exporter"])
    imp_codes, _ = pd.factorize(frame["importer"])
    year_codes, n_years = pd.factorize(frame["year"])
    nyr = max(len(n_years), 1)
    frame["fe_exporter"] = exp_codes
    frame["fe_importer"] = imp_codes
    frame["fe_year"] = year_codes
    frame["fe_exporter_year"] = exp_codes.astype("int64") * nyr + year_codes
    frame["fe_importer_year"] = imp_codes.astype("int64") * nyr + year_codes
    pair = pd.factorize(frame["pair_id"])[0].astype("int64")
    frame["fe_pair"] = pair
    # Guide ch. 1 app. 3 (pair_id_2): all intra-national pairs share one pair effect.
    frame["fe_pair_intra"] = np.where(frame["domestic"].to_numpy() == 1, -1, pair)
