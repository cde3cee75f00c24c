"""The JSON API over the mirror data, in process (FastAPI's TestClient): the numbers are the
session API's, the charts carry the data they draw, and every source a chart names exists."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

import steppe


@pytest.fixture(scope="module")
def session(web_db):
    with steppe.connect(db=web_db, read_only=True) as s:
        yield s


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def test_indicator_rows_are_the_session_api_rows(api, session):
    got = api.get("/api/indicators/members?region=c5&view=reported&years=2010:2015").json()
    want = session.indicators.compute("members", "c5", (2010, 2015), view="reported")
    assert len(got["rows"]) == len(want) > 0
    for row, (_, ref) in zip(got["rows"], want.iterrows(), strict=True):
        assert row["country"] == ref["country"] and row["year"] == ref["year"]
        assert close(row["share"], None if ref["share"] != ref["share"] else float(ref["share"]))
    assert got["provenance"]["datasets"][0]["dataset_id"] == want["dataset_id"].iloc[0]
    assert got["provenance"]["datasets"][0]["edition"]


def test_compare_uses_one_dataset_for_every_region(api):
    body = api.get("/api/compare?regions=c5&regions=asean&view=reconciled").json()
    assert {r["region"] for r in body["rows"]} == {"c5", "asean"}
    assert len({r["dataset_id"] for r in body["rows"]}) == 1
    assert any(r["intra_share"] is not None for r in body["rows"] if r["region"] == "c5")


def test_trade_chart_data_matches_its_csv(api):
    body = api.get("/api/charts/trade?indicator=regional&peers=asean&peers=mercosur").json()
    payload = body["chart"]
    rows = list(csv.DictReader(io.StringIO(payload["csv"])))
    records = json.loads(payload["json"])["rows"]
    assert len(rows) == len(records) > 10
    assert {r["region"] for r in rows} <= {"C5", "ASEAN", "MERCOSUR"}
    assert "C5" in {r["region"] for r in rows}, "the reconciled view (the default here) measures the C5"
    first = records[0]
    assert math.isclose(float(rows[0]["intra_share"]), first["intra_share"], rel_tol=1e-15)
    assert body["sources"][0]["href"].startswith("/sources#dataset-")


def test_region_changes_the_trade_chart(api):
    c5 = api.get("/api/charts/trade?indicator=members&region=c5").json()["chart"]
    wider = api.get("/api/charts/trade?indicator=members&region=c5_afg").json()["chart"]
    assert c5["title"] != wider["title"] and "Afghanistan" in wider["title"]


def test_every_chart_source_exists_on_the_sources_page(api):
    html = api.get("/sources").text
    hrefs = set()
    for path in (
        "/api/charts/trade",
        "/api/charts/dependence/powers?country=KAZ",
        "/api/charts/dependence/finance?country=KAZ",
        "/api/charts/dependence/remittances?country=KAZ",
        "/api/charts/index/scores",
        "/api/charts/institutions/overlap?as_of=2010-01-01",
    ):
        body = api.get(path).json()
        assert body["chart"] is not None, (path, body["empty"])
        hrefs.update(s["href"] for s in body["sources"])
    assert any(h.startswith("/sources#dataset-") for h in hrefs)
    for href in hrefs:
        assert f'id="{href.removeprefix("/sources#")}"' in html, href


def test_dependence_of_one_state(api, session):
    body = api.get("/api/dependence?country=kaz&years=2010:2012").json()
    assert {r["country"] for r in body["rows"]} == {"KAZ"}
    assert {r["year"] for r in body["rows"]} == {2010, 2011, 2012}
    ref = session.indicators.dependence((2010, 2012))
    ref = ref[ref["country"] == "KAZ"].sort_values("year")
    for row, (_, r) in zip(sorted(body["rows"], key=lambda x: x["year"]), ref.iterrows(), strict=True):
        assert close(row["share_CHN"], float(r["share_CHN"]))


def test_index_recomputes_with_other_weights(api):
    declared = api.get("/api/index").json()
    method = declared["methodology"]
    dims = [d["id"] for d in method["dimensions"]]
    heavy = ",".join(f"{d}:{10 if i == 0 else 1}" for i, d in enumerate(dims))
    changed = api.get(f"/api/index?weights={heavy}").json()
    score = {(r["unit"], r["year"]): r["score"] for r in declared["rows"]}
    other = {(r["unit"], r["year"]): r["score"] for r in changed["rows"]}
    assert score.keys() == other.keys()
    assert any(s is not None and not close(s, other[k]) for k, s in score.items())
    zero = ",".join(f"{d}:0" for d in dims)
    assert api.get(f"/api/index?weights={zero}").status_code == 422
    z = api.get("/api/charts/index/scores?normalisation=z-score").json()
    assert "z-score" in z["chart"]["json"] and "recomputed" in z["chart"]["title"]


def test_gravity_runs_and_their_intervals(api):
    runs = api.get("/api/gravity/runs").json()["rows"]
    assert runs and runs[0]["coefficients"]
    spec = runs[0]["spec_name"]
    body = api.get(f"/api/charts/gravity/{spec}").json()
    rows = json.loads(body["chart"]["json"])["rows"]
    for r in rows:
        assert r["ci_low"] < r["estimate"] < r["ci_high"]
        assert math.isclose(r["ci_high"] - r["estimate"], 1.959963984540054 * r["se"], rel_tol=1e-9)
    assert body["sources"]


def test_stored_counterfactual_rows_chart_and_page(api, session):
    from tests.e2e.web.conftest import COUNTERFACTUAL_SPEC

    (cf,) = api.get("/api/gravity/counterfactuals").json()["rows"]
    want = session.gravity.counterfactuals().iloc[0]
    assert cf["spec_name"] == COUNTERFACTUAL_SPEC == want["spec_name"] and cf["cf_id"] == want["cf_id"]
    assert cf["scenario"]["set"] == {"intl_brdr": 0} and cf["reference_country"] == "DEU"
    assert cf["scenario_text"] == (
        "intl_brdr set to 0 for every international pair; 2006 cross-section; sigma 7; reference country DEU"
    )
    assert cf["run"]["provenance"]["file"] == "1_TradeWithoutBorder.dta"
    assert cf["run_id"] in {r["run_id"] for r in api.get("/api/gravity/runs").json()["rows"]}
    by_country = {c["country"]: c for c in cf["countries"]}
    assert len(by_country) == 69
    assert by_country["ARG"]["change_exports_conditional"] == pytest.approx(65.524279, rel=1e-5)  # Stata

    body = api.get(f"/api/charts/gravity/{COUNTERFACTUAL_SPEC}/counterfactual").json()
    assert body["id"] == f"gravity-cf-{COUNTERFACTUAL_SPEC}" and body["empty"] is None
    drawn = json.loads(body["chart"]["json"])["rows"]
    assert len(drawn) == 69
    for r in drawn:
        assert close(r["change_real_gdp_full"], by_country[r["country"]]["change_real_gdp_full"])
    assert "change_exports_full" in drawn[0]  # the download keeps the other changes
    header = next(csv.reader(io.StringIO(body["chart"]["csv"])))
    assert {"country", "change_real_gdp_full", "change_exports_full"} <= set(header)
    assert "intl_brdr set to 0" in json.dumps(body["chart"]["spec"])  # the scenario in the source line
    dataset = cf["run"]["provenance"]["dataset_id"]
    assert [s["href"] for s in body["sources"]] == [f"/sources#dataset-{dataset}"]

    html = api.get("/gravity").text
    assert f'id="slot-gravity-cf-{COUNTERFACTUAL_SPEC}"' in html
    assert f"/api/charts/gravity/{COUNTERFACTUAL_SPEC}/counterfactual" in html
    assert "intl_brdr set to 0 for every international pair" in html
    assert "No general-equilibrium counterfactual is stored" not in html
    table = html.split(f'id="cf-{COUNTERFACTUAL_SPEC}"')[1].split("</table>")[0]
    shown = [float(row.split('<td class="num">')[1].split("<")[0]) for row in table.split("<tr>")[2:]]
    assert len(shown) == 69 and shown == sorted(shown, reverse=True)  # sorted by the real-GDP change
    assert api.get("/api/charts/gravity/nope/counterfactual").status_code == 404


def test_texts_document_and_comparison(api):
    docs = api.get("/api/texts/documents").json()["rows"]
    assert len(docs) == 2
    a, b = docs[0]["doc_id"], docs[1]["doc_id"]
    one = api.get(f"/api/texts/documents/{a}").json()
    assert one["segments"] and one["codings"]
    html = api.get(f"/texts/{a}").text
    assert html.count("<mark>") == len({c["seg_no"] for c in one["codings"]})
    rows = api.get(f"/api/texts/compare?a={a}&b={b}").json()["rows"]
    assert rows and {"code", "a_share", "b_share", "present"} <= set(rows[0])
    assert api.get(f"/api/texts/compare?a={a}&b={a}").status_code == 422


def test_framework_pages_answer(api):
    for name in ("regionness", "openness-commitment", "li", "ecdpm", "tone"):
        assert api.get(f"/frameworks/{name}").status_code == 200
        body = api.get(f"/api/frameworks/{name}").json()
        assert body["name"] == name
    li = api.get("/api/charts/frameworks/li/0").json()
    assert li["chart"] is not None
