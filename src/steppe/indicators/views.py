"""Which report of a flow to use: the reporter's own, the partner's, or one filled from partners.

The ``trade_flows`` table holds each flow as one party reported it (``reporter`` is
'exporter', 'importer' or 'reconciled'), and a reporter's total with the world as partner
'WLD'. A *view* turns those rows into the frame the formulas take
(:mod:`steppe.indicators.formulas`): flows ``year, exporter, importer, product, value, side``
plus world-total rows (partner 'WLD') that the formulas use as denominators.

- ``reported`` (the default): each country's own reports, as the IMF DOTS guide and WITS
  present a reporter's trade: its exports FOB as it reports them (rows with side 'x', which
  count only towards the exporter's exports) and its imports CIF as it reports them (side
  'm', only towards the importer's imports); denominators are its reported world totals. On a
  dataset that holds only exporters' reports (the Comtrade mirror) the view is export-based
  (each flow as its exporter reported it; a country's imports are its partners' exports to it);
  on a dataset of source-reconciled flows (BACI, the HMR gravity file) it is those flows.
  :func:`basis` says which.
- ``exports``: the exporter's report of every flow (FOB as a rule).
- ``imports``: the importer's report of every flow (CIF as a rule).
- ``mirror``: the exporter's report where there is one, else the importer's report of the
  same flow, else a reconciled value.
- ``reconciled``: flows reconciled by the source where the dataset has them; otherwise the
  reconciled world matrix of :func:`reconciled_matrix` (the reporter's figure where it
  exists, non-reporters filled from their partners' import reports, CIF/FOB adjusted and
  flagged with their origin).

In the one-value-per-flow views (all but ``reported``) a row counts for both its exporter and
its importer (side 'xm'); world totals are used for the side whose flows come from the same
reporter (exports in ``exports``, ``mirror`` and ``reconciled``, imports in ``imports``), and
the other side is the sum over partners. Every output says which (``denominator``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, cast

import numpy as np
import pandas as pd

from steppe.codes import NON_COUNTRY_PARTNERS, WORLD
from steppe.errors import UsageError

View = Literal["reported", "exports", "imports", "mirror", "reconciled"]
VIEWS: tuple[str, ...] = ("reported", "exports", "imports", "mirror", "reconciled")
DEFAULT_VIEW: View = "reported"

#: What a view rests on, per dataset (``basis`` column of every output row).
Basis = Literal["own_reports", "export_reports", "import_reports", "source_reconciled", "mixed"]

#: CIF/FOB factor used to turn a partner's imports (CIF) into the exporter's exports (FOB) when
#: filling a non-reporter: imports CIF are divided by it. IMF, Direction of Trade Statistics
#: Yearbook 2017: "A CIF/FOB factor of 1.06 is currently used. Reported imports CIF are divided
#: by 1.06 ... to give partner country estimates of exports FOB."
CIF_FOB = 1.06
CIF_FOB_SOURCE = (
    "IMF, Direction of Trade Statistics Yearbook 2017 (estimation of non-reporters' exports from "
    "partners' imports CIF / 1.06), https://www.elibrary.imf.org/view/books/042/"
    "24207-9781475593822-en/24207-9781475593822-en-book.xml"
)

_KEYS = ["year", "exporter", "importer", "product"]
_OUT = [*_KEYS, "value", "side", "origin"]
#: ``origin`` of a row by the report it comes from.
ORIGINS = {"exporter": "exporter_report", "importer": "importer_report", "reconciled": "source_reconciled"}


def check_view(view: str) -> View:
    """``view`` as a :data:`View`, or a UsageError naming the views."""
    if view not in VIEWS:
        raise UsageError(f"Unknown trade view '{view}': use one of {', '.join(VIEWS)}.")
    return cast(View, view)


def _clean(trade_flows: pd.DataFrame) -> pd.DataFrame:
    """Rows with a positive value, no self flows, a product column."""
    frame = trade_flows
    if "product" not in frame.columns:
        frame = frame.assign(product="TOTAL")
    frame = frame[(frame["exporter"] != frame["importer"]) & frame["value_usd"].notna()]
    return frame[frame["value_usd"] > 0]


def _report(frame: pd.DataFrame, who: str) -> pd.DataFrame:
    part = frame[frame["reporter"] == who]
    out = part.groupby(_KEYS, as_index=False, sort=False)["value_usd"].sum()
    return out.assign(origin=ORIGINS[who])


def basis(trade_flows: pd.DataFrame, view: str = DEFAULT_VIEW) -> str:
    """What a view of these rows rests on: 'own_reports' (both exporters' and importers'
    reports), 'export_reports', 'import_reports', 'source_reconciled' or 'mixed' (mirror filling)."""
    check_view(view)
    reports = set(trade_flows["reporter"].unique()) if len(trade_flows) else set()
    if view == "exports":
        return "export_reports"
    if view == "imports":
        return "import_reports"
    if view == "mirror":
        return "mixed" if len(reports) > 1 else _single(reports)
    if view == "reconciled":
        return "source_reconciled" if "reconciled" in reports else "mixed"
    if {"exporter", "importer"} <= reports:
        return "own_reports"
    return _single(reports)


def _single(reports: set[str]) -> str:
    if "exporter" in reports:
        return "export_reports"
    if "importer" in reports:
        return "import_reports"
    return "source_reconciled"


def directed_flows(trade_flows: pd.DataFrame, view: View = DEFAULT_VIEW) -> pd.DataFrame:
    """The formulas' input frame from ``trade_flows`` rows in one view (see the module docstring).

    Input columns: those of the ``trade_flows`` table (``value_usd`` and ``reporter`` at
    least). Output: ``year, exporter, importer, product, value, side, origin`` (origin:
    'exporter_report', 'importer_report' or 'source_reconciled') with positive values,
    self flows dropped, duplicates within one report summed; rows with importer 'WLD' are an
    exporter's reported world total, rows with exporter 'WLD' an importer's. The ``reconciled``
    view here takes only source-reconciled rows; :func:`reconciled_matrix` builds the filled
    matrix from exporters' and partners' reports.
    """
    check_view(view)
    if trade_flows.empty:
        return pd.DataFrame(columns=_OUT)
    frame = _clean(trade_flows)
    reports = set(frame["reporter"].unique())
    if view == "reported" and not {"exporter", "importer"} <= reports:
        view = "exports" if "exporter" in reports else "imports" if "importer" in reports else "reconciled"
    if view == "reported":
        # a 'World' reporter (an IMF aggregate reporting its trade with a country) is not a country
        x = _report(frame, "exporter").assign(side="x")
        x = x[x["exporter"] != WORLD]
        m = _report(frame, "importer").assign(side="m")
        m = m[m["importer"] != WORLD]
        chosen = pd.concat([x, m], ignore_index=True)
    elif view == "exports":
        chosen = _report(frame, "exporter")
        chosen = chosen[chosen["exporter"] != WORLD]
    elif view == "imports":
        chosen = _report(frame, "importer")
        chosen = chosen[chosen["importer"] != WORLD]
    elif view == "reconciled":
        chosen = _report(frame, "reconciled")
        chosen = chosen[(chosen["exporter"] != WORLD) & (chosen["importer"] != WORLD)]
    else:
        chosen = _report(frame, "exporter")
        chosen = chosen[chosen["exporter"] != WORLD]
        for fallback in ("importer", "reconciled"):
            extra = _report(frame, fallback)
            extra = extra[(extra["exporter"] != WORLD) & (extra["importer"] != WORLD)]
            if extra.empty:
                continue
            merged = extra.merge(chosen[_KEYS], on=_KEYS, how="left", indicator=True)
            fill = merged[merged["_merge"] == "left_only"].drop(columns="_merge")
            chosen = pd.concat([chosen, fill], ignore_index=True)
    if "side" not in chosen.columns:
        chosen = chosen.assign(side="xm")
    out = chosen.rename(columns={"value_usd": "value"})
    out["year"] = out["year"].astype("int64")
    return out[_OUT].reset_index(drop=True)


def reporters_by_year(trade_flows: pd.DataFrame, side: str = "exporter") -> dict[int, set[str]]:
    """Countries that report flows as ``side`` ('exporter' or 'importer') in each year."""
    rows = trade_flows.loc[trade_flows["reporter"] == side, ["year", side]].drop_duplicates()
    out: dict[int, set[str]] = {}
    for year, code in zip(rows["year"], rows[side], strict=True):
        if code != WORLD:
            out.setdefault(int(year), set()).add(str(code))
    return out


def reconciled_matrix(
    trade_flows: pd.DataFrame,
    dataset_id: str,
    partner_reports: Sequence[tuple[str, pd.DataFrame]] = (),
    *,
    cif_fob: float = CIF_FOB,
) -> pd.DataFrame:
    """A world matrix with one value per flow and its origin: the reconciled view.

    - Source-reconciled rows (BACI, HMR) are taken as they are (origin 'source_reconciled').
    - Otherwise every flow of a country that reports its exports in that year is its own report
      (origin 'exporter_report', FOB), with its reported world total where it gives one.
    - A country that reports no exports in a year (Turkmenistan in Comtrade) gets its flows
      from its partners' import reports: from this dataset where it has them, else from
      ``partner_reports`` (``(dataset_id, trade_flows rows)`` of other stored datasets, in order
      of preference), imports CIF divided by ``cif_fob`` (FOB-valued imports are taken as they
      are); origin 'partner_import_report'.

    Output: ``year, exporter, importer, product, value, side, origin, origin_dataset,
    cif_fob`` (``cif_fob`` is the factor the value was divided by, 1 for own reports).
    """
    if cif_fob <= 0:
        raise UsageError(f"The CIF/FOB factor must be positive, got {cif_fob}; the IMF uses {CIF_FOB}.")
    columns = [*_OUT, "origin_dataset", "cif_fob"]
    if trade_flows.empty:
        return pd.DataFrame(columns=columns)
    frame = _clean(trade_flows)
    reports = set(frame["reporter"].unique())
    if reports == {"reconciled"}:
        out = directed_flows(trade_flows, "reconciled")
        return out.assign(origin="source_reconciled", origin_dataset=dataset_id, cif_fob=1.0)[columns]
    own = _report(frame, "exporter")
    own = own[own["exporter"] != WORLD].assign(side="xm", origin_dataset=dataset_id, cif_fob=1.0)
    reporting = reporters_by_year(frame, "exporter")
    # countries named anywhere in the dataset (as exporter or importer) in each year
    named: dict[int, set[str]] = {}
    codes = pd.concat(
        [frame[["year", c]].set_axis(["year", "code"], axis=1) for c in ("exporter", "importer")]
    ).drop_duplicates()
    for year, code in zip(codes["year"], codes["code"], strict=True):
        named.setdefault(int(year), set()).add(str(code))
    missing = {
        y: {c for c in codes if c != WORLD and c not in NON_COUNTRY_PARTNERS} - reporting.get(y, set())
        for y, codes in named.items()
    }
    fills = []
    taken: set[tuple] = set()
    for source_id, rows in [(dataset_id, frame), *partner_reports]:
        part = _partner_imports(rows, missing, cif_fob)
        if part.empty:
            continue
        keys = list(zip(part["year"], part["exporter"], part["importer"], part["product"], strict=True))
        new = np.array([k not in taken for k in keys], dtype=bool)
        taken.update(keys)
        fills.append(part[new].assign(origin="partner_import_report", origin_dataset=source_id))
    out = pd.concat([own, *fills], ignore_index=True) if fills else own
    out = out.rename(columns={"value_usd": "value"})
    out["year"] = out["year"].astype("int64")
    return out[columns].reset_index(drop=True)


def _partner_imports(rows: pd.DataFrame, missing: dict[int, set[str]], cif_fob: float) -> pd.DataFrame:
    """Importers' reports of flows from the countries in ``missing`` (per year), at FOB value."""
    if rows.empty:
        return pd.DataFrame(columns=[*_KEYS, "value_usd", "side", "cif_fob"])
    rows = _clean(rows)
    part = rows[(rows["reporter"] == "importer") & (rows["importer"] != WORLD)]
    wanted = pd.DataFrame(
        [(y, c) for y, codes in missing.items() for c in codes], columns=["year", "exporter"]
    ).astype({"year": part["year"].dtype, "exporter": object})
    part = part.merge(wanted, on=["year", "exporter"], how="inner")
    if part.empty:
        return pd.DataFrame(columns=[*_KEYS, "value_usd", "side", "cif_fob"])
    valuation = part["valuation"] if "valuation" in part.columns else pd.Series("cif", index=part.index)
    factor = np.where(valuation.fillna("cif").str.lower() == "fob", 1.0, cif_fob)
    part = part.assign(value_usd=part["value_usd"] / factor, cif_fob=factor)
    part = part.groupby([*_KEYS, "cif_fob"], sort=False)["value_usd"].sum().reset_index()
    return part.assign(side="xm")
