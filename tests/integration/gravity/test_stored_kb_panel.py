"""End to end on stored data: hmr_gravity_2006 loaded by the gravity connector, SCO dummy from the KB."""

from __future__ import annotations

import pytest

pytest.importorskip("pyfixest")


def test_hmr_2006_with_kb_sco_dummy(store, shared_data):
    from steppe.gravity.run import build, load_frame, run_spec
    from steppe.gravity.spec import load_spec
    from steppe.sources import fetch

    fetch("gravity", store=store, mirror=shared_data)
    spec = load_spec("hmr-2006-sco-ppml")
    panel = build(spec, load_frame(spec, store=store), store)
    f = panel.frame.set_index(["exporter", "importer"])
    # SCO full members on 1 January 2006: CHN, KAZ, KGZ, RUS, TJK, UZB (KB); TKM is not one.
    assert f.loc[("KAZ", "UZB"), "sco_both"] == 1
    assert f.loc[("CHN", "KGZ"), "sco_both"] == 1
    assert f.loc[("KAZ", "TKM"), "sco_both"] == 0
    assert f.loc[("KAZ", "UZB"), "trade"] == pytest.approx(313.301e6)  # PROVENANCE.md: flow 313.301 million
    members = {"CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    expected = sum(1 for (e, i) in f.index if e in members and i in members and e != i)
    assert int(f["sco_both"].sum()) == expected
    result = run_spec(spec, store=store)
    assert result.nobs == 22588
    assert result.provenance["trade_flows"].startswith("gravity:hmr2006:")
    assert "sco_both" in result.coefficients.index
