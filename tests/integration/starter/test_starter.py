"""The starter snapshot: a new store gets real, labelled numbers; a fetch replaces them."""

from __future__ import annotations

import json

import pytest

from steppe import starter
from steppe.store import data as store_data


@pytest.fixture
def starter_store(isolated_env, monkeypatch):
    from steppe.kb.sync import kb_store
    from steppe.store import open_store

    monkeypatch.setenv("STEPPE_STARTER", "1")
    s = kb_store(open_store(isolated_env))
    yield s
    s.close()


def test_bundled_snapshot_has_provenance_and_licences():
    found = starter.manifest()
    assert found is not None and found["built_by"] == "scripts/build_starter.py"
    sources = {(d["source"], d["dataset"]) for d in found["datasets"]}
    assert {("imf_dots", "dots"), ("wdi", "wdi"), ("wdi", "gdp"), ("aiddata", "country_year")} <= sources
    size = 0
    for d in found["datasets"]:
        assert d["licence"] and d["location"] and not d["location"].startswith("/")  # mirror layout
        for name in d["files"].values():
            size += (starter.folder() / name).stat().st_size
    assert size < 5 * 2**20  # a few MB at most
    text = (starter.folder() / "PROVENANCE.md").read_text("utf-8")
    assert "CC BY 4.0" in text and "ODC-By 1.0" in text and "IMF terms of use" in text


def test_new_store_gets_the_snapshot_labelled(starter_store):
    rows = starter.starter_datasets(starter_store)
    assert {r["source"] for r in rows} == {"imf_dots", "wdi", "aiddata"}
    assert all(":starter-" in r["dataset_id"] for r in rows)
    listed = {d["dataset_id"]: d for d in store_data.list_datasets(starter_store)}
    for r in rows:
        d = listed[r["dataset_id"]]
        assert d["location"].startswith("starter snapshot bundled with steppe")
        params = d["params"] if isinstance(d["params"], dict) else json.loads(d["params"])
        assert params["starter"]["licence"]
    # real numbers: the C5's trade with China in 2020 from the DOTS rows (a share of 10-30%)
    from steppe.indicators.dependence import dependence

    dep = dependence((2020, 2020), store=starter_store)
    c5 = dep[dep["country"] == "C5"].iloc[0]
    assert 0.10 < c5["share_CHN"] < 0.30 and ":starter-" in c5["trade_dataset_id"]


def test_snapshot_rows_are_what_the_connector_stores(starter_store, shared_data):
    """The snapshot is the connector's output: a fresh fetch of the same files stores the same rows."""
    from steppe.sources import fetch

    before = {r["source"]: r["dataset_id"] for r in starter.starter_datasets(starter_store)}
    old_n, old_sum = starter_store.execute(
        "SELECT count(*), sum(value_usd) FROM trade_flows WHERE dataset_id = ?", [before["imf_dots"]]
    ).fetchone()
    assert old_n > 40_000
    result = fetch("imf_dots", store=starter_store, mirror=shared_data)
    assert result.loaded and result.replaced_starter == [before["imf_dots"]]
    new_n, new_sum = starter_store.execute(
        "SELECT count(*), sum(value_usd) FROM trade_flows WHERE dataset_id = ?", [result.dataset_id]
    ).fetchone()
    assert (new_n, new_sum) == (old_n, pytest.approx(old_sum, rel=1e-12))
    left = {r["source"] for r in starter.starter_datasets(starter_store)}
    assert left == {"wdi", "aiddata"}  # only the fetched group was replaced
    gone = "SELECT count(*) FROM trade_flows WHERE dataset_id = ?"
    assert not starter_store.scalar(gone, [before["imf_dots"]])


def test_report_on_a_new_store_has_real_numbers_and_says_so(starter_store, tmp_path):
    from steppe.report.build import central_asia

    info = central_asia(tmp_path / "r.html", draws=5, sections="dependence", store=starter_store)
    out = info.as_dict()
    assert out["starter_snapshot"] is True and "dependence" not in out["missing"]
    html = (tmp_path / "r.html").read_text("utf-8")
    assert 'class="starter-banner"' in html and "starter snapshot" in html
    summary = html.split('id="summary"')[1].split("</section>")[0]
    assert summary.count('class="card') >= 6 and "card empty" not in summary  # every key number filled


def test_no_snapshot_when_turned_off_or_the_store_has_data(isolated_env, store):
    assert starter.starter_datasets(store) == []  # STEPPE_STARTER=0 in the test environment
