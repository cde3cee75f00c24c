"""The four seed frameworks on the real KB, IMF DOTS, the Comtrade world matrix, the seeds and the
C5's UN General Debate speeches (one shared store, built once per session)."""

from __future__ import annotations

import pytest

from steppe.frameworks import ecdpm, li, openness_commitment, regionness
from steppe.frameworks.result import Section


@pytest.fixture(scope="module")
def levels(frameworks_store):
    measures = regionness.regionness(["c5", "asean", "eu", "mercosur"], (1995, 2022), store=frameworks_store)
    return {(m.unit["region"], m.unit["year"]): m for m in measures}


def test_regionness_reproduces_seed_002_and_puts_the_eu_above_the_c5(levels) -> None:
    for year in (2014, 2015, 2016):
        c5 = levels[("c5", year)]
        assert c5.extra["level"] == 3 and c5.label == "regional society"  # seed 002: three of five
        assert c5.extra["scores"]["4"] < 0.5  # below level 4: no formal framework, no free movement
        assert levels[("eu", year)].extra["level"] > c5.extra["level"]
    # every year of the C5 from 1995 is a regional society on these tests, never a community
    assert {levels[("c5", y)].extra["level"] for y in range(1995, 2023)} == {3}
    # the Kyrgyzstan-Tajikistan clashes of 2021 and 2022 fail the no-clash test
    clash = [e for e in levels[("c5", 2022)].evidence if e.about == "4:no_armed_clash" and e.kind == "test"]
    assert clash[0].value == 0.0


def test_regionness_evidence_names_datasets_views_speeches_and_gaps(levels) -> None:
    c5 = levels[("c5", 2015)]
    trade = [e for e in c5.evidence if e.kind == "trade"]
    assert trade and all(e.ref.startswith("imf_dots") for e in trade)
    measured = [e for e in trade if not e.detail.startswith("mirror gap")]
    assert measured and all("reported view" in e.detail for e in measured)
    gap = next(e for e in trade if e.detail.startswith("mirror gap"))
    assert 0 < gap.value < 1  # median |ln(imports reported / exports reported)| over member pairs
    tests = {e.ref: e for e in c5.evidence if e.kind == "test"}
    assert tests["2:trade_intensity"].value is None  # DOTS is no world matrix: no intensity
    assert tests["2:trade_network"].value == 1.0
    assert any(e.kind == "gap" and e.ref == "csto" for e in c5.evidence)  # known gaps surface
    speeches = [
        e for e in c5.evidence if e.about == "4:shared_identity" and e.kind in ("sentence", "statement")
    ]
    assert {e.ref.split(":")[0][:3] for e in speeches} >= {"kaz", "kgz", "tjk"}
    asean = levels[("asean", 2016)]
    intensity = [e for e in asean.evidence if e.kind == "trade" and e.about == "2:trade_intensity"]
    assert intensity[0].ref.startswith("comtrade") and intensity[0].value > 1  # a world matrix year


def test_openness_ranks_sco_and_eco_above_eaeu_and_csto(frameworks_store) -> None:
    result = openness_commitment.openness_commitment(years=(2000, 2024), store=frameworks_store)
    rank = openness_commitment.ranking(result).set_index("org")["openness"]
    assert min(rank["sco"], rank["eco"]) > max(rank["eaeu"], rank["csto"])
    a = result.association
    assert a.n == len(result.cells) > 300 and a.clusters == 20
    assert a.ci_low <= a.spearman <= a.ci_high
    again = openness_commitment.openness_commitment(years=(2000, 2024), store=frameworks_store)
    assert again.association == a  # seeded bootstrap
    assert any(g.startswith("known gap in sco") for g in result.gaps)
    contract = result.contract()
    assert list(contract) == ["openness", "commitment", "association"]
    assert list(contract["association"]) == ["spearman", "ci_low", "ci_high", "n"]


def test_uzbekistan_commitment_to_the_csto_drops_with_its_2012_suspension(frameworks_store) -> None:
    result = openness_commitment.openness_commitment(["csto"], (2008, 2014), ["UZB"], store=frameworks_store)
    by_year = {m.unit["year"]: m for m in result.commitment}
    assert by_year[2011].extra["components"]["status"] == 1.0
    assert by_year[2012].extra["components"]["status"] == 0.0  # suspended on 28 June 2012
    assert by_year[2012].score < by_year[2011].score and by_year[2013].score == 0.0
    status = next(e for e in by_year[2012].evidence if e.kind == "membership")
    assert "suspended" in status.detail and "tass-csto-uzb-note-2012" in status.detail


def test_li_for_uzbekistan(frameworks_store) -> None:
    result = li.li("UZB", (2010, 2024), store=frameworks_store)
    prefs = {(m.unit["year"], m.unit["partner"]): m for m in result.preferences}
    region_2018 = prefs[(2018, "region")]
    assert region_2018.extra["view"] == "reported" and 0 < region_2018.score < 1
    assert set(m.unit["partner"] for m in result.preferences) == {
        "region",
        "CHN",
        "RUS",
        "EU27",
        "USA",
        "TUR",
        "IRN",
    }
    dyads = {(m.unit["year"], m.unit["power"]): m for m in result.bargaining if m.score is not None}
    china = dyads[(2019, "CHN")]
    assert china.extra["dataset_id"].startswith("comtrade") and china.extra["view"] == "reported"
    assert china.extra["state_dependence"] > china.extra["power_dependence"]  # asymmetric, in China's favour
    inst = {m.unit["year"]: m for m in result.institutions}
    assert "csto" in inst[2011].extra["organisations"] and "csto" not in inst[2013].extra["organisations"]
    assert "ca_consultative" in inst[2019].extra["organisations"]
    assert "uzb-leadership-2016" in {e["id"] for e in result.events}
    test = result.test.to_dict()
    assert test["n"] >= 5 and test["verdict"] in ("follows", "opposite", "no evidence")
    chart = li.chart(result)
    marks = chart.figure["data"][-1]
    assert marks["name"] == "Events" and 2016 in marks["x"]
    contract = result.contract()
    parts = ["preferences", "bargaining", "institutions", "series", "test", "events", "notes"]
    assert list(contract) == ["country", "years", *parts]


@pytest.fixture(scope="module")
def auto_coded(frameworks_store) -> list[str]:
    """The seeds and the KAZ and UZB speeches of 2015-2024, auto-coded with the ecdpm and drivers
    codebooks (texts suggest, TF-IDF and keywords, threshold 0.5); returns their document ids.
    A fixture, so each test that reads the codings gets them whichever tests the run selects."""
    from steppe.store import texts as store_texts
    from steppe.texts.suggest import suggest

    docs = [d for d in store_texts.doc_ids(frameworks_store) if d[:3] in ("000", "001", "002", "003", "004")]
    docs += [
        d for d in store_texts.doc_ids(frameworks_store) if d[:3] in ("kaz", "uzb") and int(d[-4:]) >= 2015
    ]
    for codebook in ("ecdpm", "drivers"):
        suggest(docs, codebook, store=frameworks_store)
    return docs


def test_ecdpm_on_auto_coded_seeds_and_speeches(frameworks_store, auto_coded) -> None:
    """Coded by steppe's own auto-coder, read through the pseudo-coder 'auto'."""
    from steppe.store import texts as store_texts

    docs = auto_coded
    measures = ecdpm.ecdpm(coders=["auto"], doc_ids=docs, store=frameworks_store)
    dated = [m for m in measures if m.unit["year"] is not None]
    assert {m.unit["year"] for m in dated} <= set(range(2015, 2025)) and len(dated) >= 20
    assert {m.unit["group"] for m in measures} == {
        "structural",
        "institutions",
        "actors",
        "sectors",
        "hegemons",
    }
    suggestions = store_texts.suggestions(frameworks_store, docs)
    codes = {(r.doc_id, int(r.seg_no)): set() for r in suggestions.itertuples()}
    for r in suggestions.itertuples():
        codes[(r.doc_id, int(r.seg_no))].add(r.code)
    for m in measures:
        assert m.extra["drivers"] + m.extra["blockers"] - m.extra["mixed"] == len(m.evidence) == m.n
        for e in m.evidence:  # every passage carries the group's code and a direction code
            doc, seg = e.ref.rsplit(":", 1)
            assert f"ecdpm:{m.unit['group']}" in codes[(doc, int(seg))]
            assert any(c.startswith("drivers:") for c in codes[(doc, int(seg))])


@pytest.mark.slow
def test_every_framework_has_a_report_section_on_real_data(frameworks_store, auto_coded) -> None:
    from steppe.frameworks import FRAMEWORKS, framework
    from steppe.store import texts as store_texts
    from steppe.texts.suggest import decide

    open_ids = store_texts.suggestions(frameworks_store, None, "open")["suggestion_id"].head(400).tolist()
    decide([int(i) for i in open_ids], "accepted", "test-reader", store=frameworks_store)
    for name in FRAMEWORKS:
        section = framework(name).report_section(frameworks_store)
        assert isinstance(section, Section) and section.rows, name
        assert section.charts and all(c.to_json() for c in section.charts), name
        assert section.id == f"framework-{name}"
