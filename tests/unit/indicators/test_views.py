"""Trade views: which party's report of a flow is used, world totals, the reconciled matrix."""

from __future__ import annotations

import pandas as pd
import pytest

from steppe.errors import UsageError
from steppe.indicators import formulas
from steppe.indicators.views import CIF_FOB, basis, directed_flows, reconciled_matrix


@pytest.fixture
def reports() -> pd.DataFrame:
    rows = [
        (2000, "KAZ", "CHN", "exporter", 100.0),
        (2000, "KAZ", "CHN", "importer", 110.0),  # China's report of the same flow (CIF)
        (2000, "TKM", "CHN", "importer", 50.0),  # TKM does not report: only the mirror exists
        (2000, "KAZ", "KAZ", "exporter", 5.0),  # self flow, dropped
        (2000, "UZB", "KAZ", "reconciled", 7.0),
        (2000, "KAZ", "WLD", "exporter", 900.0),  # KAZ's reported world exports: a total
    ]
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "reporter", "value_usd"])


def value(frame, e, i, side=None):
    sel = frame[(frame["exporter"] == e) & (frame["importer"] == i)]
    if side is not None:
        sel = sel[sel["side"] == side]
    return None if sel.empty else float(sel["value"].iloc[0])


def flows_only(frame):
    return frame[(frame["exporter"] != "WLD") & (frame["importer"] != "WLD")]


def test_views(reports):
    ex = directed_flows(reports, "exports")
    assert value(ex, "KAZ", "CHN") == 100 and value(ex, "TKM", "CHN") is None and len(flows_only(ex)) == 1
    assert value(ex, "KAZ", "WLD") == 900  # kept as KAZ's export denominator
    im = directed_flows(reports, "imports")
    assert value(im, "KAZ", "CHN") == 110 and value(im, "TKM", "CHN") == 50
    mirror = directed_flows(reports, "mirror")
    assert value(mirror, "KAZ", "CHN") == 100 and value(mirror, "TKM", "CHN") == 50
    assert value(mirror, "UZB", "KAZ") == 7 and len(flows_only(mirror)) == 3  # reconciled last
    rec = directed_flows(reports, "reconciled")
    assert value(rec, "UZB", "KAZ") == 7 and len(rec) == 1
    assert set(ex["side"]) == {"xm"}


def test_reported_view_keeps_both_reports_each_on_its_own_side(reports):
    rep = directed_flows(reports, "reported")
    assert value(rep, "KAZ", "CHN", "x") == 100  # KAZ's exports as KAZ reports them
    assert value(rep, "KAZ", "CHN", "m") == 110  # China's imports as China reports them
    assert value(rep, "KAZ", "WLD", "x") == 900
    totals = formulas.country_totals(rep).set_index("country")
    # KAZ's exports are its world total; China's imports are its own report (a partner sum here)
    assert totals.loc["KAZ", "exports"] == 900 and totals.loc["KAZ", "exports_denominator"] == "world_total"
    assert totals.loc["CHN", "imports"] == 160 and totals.loc["CHN", "imports_denominator"] == "partner_sum"
    assert basis(reports, "reported") == "own_reports"


def test_reported_view_on_an_exports_only_dataset_is_export_based(reports):
    exports_only = reports[reports["reporter"] == "exporter"]
    assert basis(exports_only, "reported") == "export_reports"
    rep = directed_flows(exports_only, "reported")
    assert set(rep["side"]) == {"xm"} and value(rep, "KAZ", "CHN") == 100


def test_world_total_is_the_denominator_and_non_country_partners_count_in_it():
    # UZB exports: 10 to KAZ, 30 to Special Categories (XSC), world total 50 (10 unallocated)
    rows = [
        (2019, "UZB", "KAZ", "exporter", 10.0),
        (2019, "UZB", "XSC", "exporter", 30.0),
        (2019, "UZB", "WLD", "exporter", 50.0),
    ]
    frame = pd.DataFrame(rows, columns=["year", "exporter", "importer", "reporter", "value_usd"])
    flows = directed_flows(frame, "reported")
    shares = formulas.partner_shares(flows, "exports").set_index("partner")
    assert shares.loc["KAZ", "share"] == pytest.approx(0.2)  # 10 / 50, not 10 / 40 nor 10 / 10
    assert shares.loc["XSC", "share"] == pytest.approx(0.6)
    assert set(shares["denominator"]) == {"world_total"}
    member = formulas.country_regional(flows, {"UZB", "KAZ"}).set_index("country")
    assert member.loc["UZB", "export_share"] == pytest.approx(0.2)


def test_unknown_view(reports):
    with pytest.raises(UsageError, match="Unknown trade view"):
        directed_flows(reports, "best")


def comtrade_like() -> pd.DataFrame:
    """Exports-only rows: KAZ and CHN report, TKM does not."""
    rows = [
        (2015, "KAZ", "CHN", "exporter", 80.0, "fob"),
        (2015, "KAZ", "TKM", "exporter", 20.0, "fob"),
        (2015, "KAZ", "WLD", "exporter", 120.0, "fob"),
        (2015, "CHN", "KAZ", "exporter", 60.0, "fob"),
        (2015, "CHN", "TKM", "exporter", 40.0, "fob"),
    ]
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "reporter", "value_usd", "valuation"])


def test_reconciled_matrix_fills_non_reporters_from_partner_imports_with_their_origin():
    other = pd.DataFrame(
        [
            (2015, "TKM", "CHN", "importer", 106.0, "cif"),  # China's imports from TKM, CIF
            (2015, "TKM", "KAZ", "importer", 10.0, "fob"),  # an importer valuing FOB: as is
            (2015, "KAZ", "CHN", "importer", 90.0, "cif"),  # KAZ reports: not used
        ],
        columns=["year", "exporter", "importer", "reporter", "value_usd", "valuation"],
    )
    matrix = reconciled_matrix(comtrade_like(), "comtrade:x", [("imf_dots:y", other)])
    cell = matrix.set_index(["exporter", "importer"])
    assert cell.loc[("KAZ", "CHN"), "value"] == 80 and cell.loc[("KAZ", "CHN"), "origin"] == "exporter_report"
    assert cell.loc[("TKM", "CHN"), "value"] == pytest.approx(106.0 / CIF_FOB)
    assert cell.loc[("TKM", "CHN"), "origin"] == "partner_import_report"
    assert cell.loc[("TKM", "CHN"), "origin_dataset"] == "imf_dots:y"
    assert cell.loc[("TKM", "CHN"), "cif_fob"] == CIF_FOB
    assert cell.loc[("TKM", "KAZ"), "value"] == 10.0 and cell.loc[("TKM", "KAZ"), "cif_fob"] == 1.0
    assert len(matrix[(matrix["exporter"] == "KAZ") & (matrix["importer"] == "CHN")]) == 1
    assert cell.loc[("KAZ", "WLD"), "value"] == 120  # the reporter's world total is kept
    with pytest.raises(UsageError, match="CIF/FOB factor"):
        reconciled_matrix(comtrade_like(), "comtrade:x", cif_fob=0)


def test_reconciled_matrix_prefers_the_same_dataset_then_the_order_given():
    same = pd.concat(
        [
            comtrade_like(),
            pd.DataFrame(
                [(2015, "TKM", "CHN", "importer", 53.0, "cif")],
                columns=["year", "exporter", "importer", "reporter", "value_usd", "valuation"],
            ),
        ]
    )
    first = pd.DataFrame(
        [(2015, "TKM", "CHN", "importer", 999.0, "cif"), (2015, "TKM", "KAZ", "importer", 5.3, "cif")],
        columns=["year", "exporter", "importer", "reporter", "value_usd", "valuation"],
    )
    second = first.assign(value_usd=1.0)
    matrix = reconciled_matrix(same, "self", [("first", first), ("second", second)], cif_fob=1.1)
    cell = matrix.set_index(["exporter", "importer"])
    assert cell.loc[("TKM", "CHN"), "origin_dataset"] == "self"
    assert cell.loc[("TKM", "CHN"), "value"] == pytest.approx(53.0 / 1.1)
    assert cell.loc[("TKM", "KAZ"), "origin_dataset"] == "first"
