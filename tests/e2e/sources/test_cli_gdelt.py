"""`steppe fetch gdelt` in-process: options reach the connector, the JSON contract, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

from steppe.sources import gdelt
from tests.e2e.cli_inprocess import invoke


def _answer(points: list[tuple[str, float]]) -> str:
    data = [{"date": f"{d}T000000Z", "value": v} for d, v in points]
    return json.dumps(
        {"query_details": {"date_resolution": "day"}, "timeline": [{"series": "Average Tone", "data": data}]}
    )


def test_fetch_gdelt_from_a_mirror_file(tmp_path: Path) -> None:
    folder = tmp_path / gdelt.MIRROR_FOLDER
    folder.mkdir(parents=True)
    (folder / "RUS_KZ.json").write_text(_answer([("20220224", -4.5), ("20230101", -1.0)]), "utf-8")
    out = invoke(
        "fetch", "gdelt", "--mirror", str(tmp_path), "--actors", "RUS", "--countries", "KZ",
        "--years", "2022", "--format", "json",
    )  # fmt: skip
    assert out.code == 0, out.error
    (row,) = json.loads(out.stdout)
    assert row["source"] == "gdelt" and row["rows"] == 1 and row["loaded"] is True
    assert row["dataset_id"].startswith("gdelt:timelinetone:sha256-")
    assert row["location"].endswith("gdelt/timelinetone/RUS_KZ.json")


def test_fetch_gdelt_usage_errors(tmp_path: Path) -> None:
    out = invoke("fetch", "gdelt", "--mirror", str(tmp_path), "--actors", "CHN", "--keywords", "China")
    assert out.code == 2 and out.error == "Error: gdelt: give --actors or --keywords, not both."
    out = invoke("fetch", "wdi", "--mirror", str(tmp_path), "--actors", "CHN")
    assert out.code == 2 and out.error.startswith("Error: Source 'wdi' has no option actors")
