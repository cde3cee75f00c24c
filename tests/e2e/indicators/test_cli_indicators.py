"""The indicators, index and report commands as a user runs them."""

from __future__ import annotations

import json

import pytest


def test_unknown_names_are_one_sentence_errors(cli):
    result = cli("indicators", "bogus")
    assert result.returncode == 2 and result.stderr.startswith("Error: Unknown indicator 'bogus'")
    result = cli("indicators", "regional", "--region", "atlantis")
    assert result.returncode == 2 and "Unknown region 'atlantis'" in result.stderr
    result = cli("index", "compute", "nope.yaml")
    assert result.returncode == 2 and "No methodology file" in result.stderr
    result = cli("report", "central-asia", "--out", "report.pdf")
    assert result.returncode == 2 and "must end in .html" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_trade_names_the_fetch_command(cli):
    result = cli("indicators", "regional", "--region", "c5")
    assert result.returncode == 2
    assert "steppe fetch imf_dots" in result.stderr


def test_regions_list_has_sources(cli):
    rows = json.loads(cli("indicators", "regions", "--format", "json").stdout)
    ids = {r["id"]: r for r in rows}
    assert {"c5", "c5_afg", "asean", "eu", "eu27", "mercosur"} <= set(ids)
    assert len(ids["eu27"]["members"]) == 27 and ids["eu27"]["kind"] == "fixed"
    assert all(r["url"].startswith("https://") for r in rows if r["kind"] == "fixed")
    assert ids["eu"]["kind"] == ids["asean"]["kind"] == "kb" and "knowledge base" in ids["eu"]["source"]


@pytest.mark.slow
def test_commands_on_mirror_data(cli, filled_db):
    rows = json.loads(cli("indicators", "compare", "--format", "json").stdout)
    assert {"c5", "asean", "eu", "mercosur"} <= {r["region"] for r in rows}
    rows = json.loads(
        cli("indicators", "members", "--region", "c5", "--years", "2019", "--format", "json").stdout
    )
    assert {r["country"] for r in rows} == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert all(r["dataset_id"].startswith("imf_dots") and r["view"] == "reported" for r in rows)
    rows = json.loads(
        cli("indicators", "regional", "--region", "eaeu", "--years", "2016", "--format", "json").stdout
    )
    assert rows[0]["members"] >= 4  # EAEU full members in mid-2016 from the KB
    dep = json.loads(cli("indicators", "dependence", "--years", "2019", "--format", "json").stdout)
    assert {r["country"] for r in dep} == {"KAZ", "KGZ", "TJK", "TKM", "UZB", "C5"}
    scores = json.loads(cli("index", "compute", "central-asia", "--format", "json").stdout)
    assert scores["trade_dataset_id"].startswith("imf_dots") and len(scores["scores"]) == 5 * 26
    a = cli("index", "sensitivity", "central-asia", "--draws", "20", "--seed", "3", "--format", "json").stdout
    b = cli("index", "sensitivity", "central-asia", "--draws", "20", "--seed", "3", "--format", "json").stdout
    assert a == b and json.loads(a)["draws"] == 20
