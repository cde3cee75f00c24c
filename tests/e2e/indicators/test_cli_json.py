"""The indicators and index commands' JSON, CSV and table shapes, in-process (Typer's CliRunner)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from steppe.cli.main import app

C5 = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
#: The keys `indicators regional` has always had (the README's JSON contract).
REGIONAL_KEYS = {"region", "year", "members", "intra_trade", "region_trade", "world_trade", "intra_share",
                 "world_share", "intensity", "extra_intensity", "introversion", "members_covered",
                 "world_matrix", "dataset_id", "view"}  # fmt: skip


@pytest.fixture
def dots_db(isolated_env: Path, shared_data: Path) -> Path:
    """STEPPE_DB with the KB and the IMF DOTS mirror, closed so that the CLI opens it."""
    from steppe.kb.sync import kb_store
    from steppe.sources import fetch
    from steppe.store import open_store

    store = kb_store(open_store(isolated_env))
    try:
        fetch("imf_dots", store=store, mirror=shared_data)
    finally:
        store.close()
    return isolated_env


def run(*args: str):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250", "NO_COLOR": "1"})
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_regional_json_contract_adds_denominator_and_units(dots_db):
    args = ["indicators", "regional", "--region", "c5", "--years", "1995:2020", "--dataset", "imf_dots"]
    rows = json.loads(run(*args, "--view", "reported", "--format", "json").stdout)
    assert len(rows) == 26 and [r["year"] for r in rows] == list(range(1995, 2021))
    for row in rows:
        assert set(row) >= REGIONAL_KEYS
        assert row["denominator"] == "world_total" and row["view"] == "reported"
        assert row["basis"] == "own_reports" and row["share_unit"] == "fraction"
        assert 0 < row["intra_share"] < 1 and row["intensity"] is None
        assert "not a world matrix" in row["reason"]
    default = json.loads(run(*args, "--format", "json").stdout)
    assert default == rows  # reported is the default view

    # CSV keeps full precision; the table prints percent under a header that says so
    table = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
    assert float(table[-1]["intra_share"]) == rows[-1]["intra_share"]
    text = run(*args, "--years", "2019").stdout  # rich may wrap the headers of a wide table
    assert "(%)" in text and f"{100 * rows[-2]['intra_share']:.2f}" in text
    assert str(rows[-2]["intra_share"])[:6] not in text  # no fraction in the table


def test_tables_show_percent_under_headers_that_say_so():
    from steppe.cli.indicators import percent_rows

    rows, cols = percent_rows(
        [{"country": "C5", "share_CHN": 0.20912, "balance": 0.78, "share_unit": "fraction"}],
        ["country", "share_CHN", "balance", "share_unit"],
    )
    assert cols == ["country", "share_CHN (%)", "balance"]
    assert rows[0]["share_CHN (%)"] == "20.91" and rows[0]["balance"] == 0.78


def test_dependence_json_has_a_row_for_the_region(dots_db):
    args = ["indicators", "dependence", "--years", "2019", "--dataset", "imf_dots", "--view", "reported"]
    rows = json.loads(run(*args, "--format", "json").stdout)
    assert {r["country"] for r in rows} == C5 | {"C5"}
    for row in rows:
        assert {"share_CHN", "share_RUS", "share_EU27", "share_USA", "share_TUR", "share_IRN", "powers_share",
                "balance", "trade_dataset_id", "view", "denominator", "share_unit"} <= set(row)  # fmt: skip
        assert row["view"] == "reported" and row["share_unit"] == "fraction" and 0 < row["share_CHN"] < 1
    region = next(r for r in rows if r["country"] == "C5")
    assert 0.20 < region["share_CHN"] < 0.22
    text = run(*args).stdout
    assert "(%)" in text and f"{100 * region['share_CHN']:.2f}" in text


def test_members_and_index_print_no_intensity_from_a_non_world_dataset(dots_db, tmp_path):
    args = ["indicators", "members", "--years", "2010:2019", "--dataset", "imf_dots", "--format", "json"]
    rows = json.loads(run(*args).stdout)
    assert len(rows) == 50 and all(r["intensity"] is None and r["reason"] for r in rows)
    method = {
        "id": "with-intensity",
        "countries": sorted(C5),
        "years": "2010:2019",
        "trade": {"dataset": "imf_dots"},
        "weighting": "equal",
        "dimensions": [
            {
                "id": "trade",
                "indicators": [
                    {"id": "tii", "input": "trade_intensity_with_region", "weight": 2},
                    {"id": "share", "input": "trade_share_with_region", "weight": 1},
                ],
            }
        ],
    }
    path = tmp_path / "method.yaml"
    path.write_text(yaml.safe_dump(method))
    result = run("index", "compute", str(path), "--format", "json")
    out = json.loads(result.stdout)
    assert len(out["warnings"]) == 1 and "set 'weighting: given'" in out["warnings"][0]
    assert "Warning:" in result.stderr and "weighting is 'equal'" in result.stderr
    assert {b["input"] for b in out["blank"]} == {"trade_intensity_with_region"}
    assert len(out["blank"]) == 50 and out["trade_view"] == "reported"
