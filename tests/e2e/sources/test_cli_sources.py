"""`steppe fetch` and `steppe data list` through the CLI (in-process): JSON contracts, mirror, errors."""

from __future__ import annotations

import json
from pathlib import Path

FETCH_KEYS = ["dataset_id", "source", "edition", "rows", "loaded", "location", "replaced_starter"]
LIST_KEYS = [
    "dataset_id",
    "source",
    "dataset",
    "edition",
    "rows",
    "tables",
    "retrieved_at",
    "loaded_at",
    "location",
    "content_hash",
    "params",
]


def test_fetch_from_mirror_then_list(cli, shared_data: Path, monkeypatch) -> None:
    first = cli("fetch", "aiddata", "--mirror", str(shared_data), "--format", "json")
    assert first.returncode == 0, first.stderr
    [row] = json.loads(first.stdout)
    assert list(row) == FETCH_KEYS and row["replaced_starter"] == []
    assert row["dataset_id"] == "aiddata:country_year:3.0" and row["loaded"] is True and row["rows"] == 7233
    again = cli("fetch", "aiddata", "--format", "json", env={"STEPPE_MIRROR": str(shared_data)})
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)[0]["loaded"] is False
    listed = cli("data", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [stored] = json.loads(listed.stdout)
    assert list(stored) == LIST_KEYS
    assert stored["tables"] == ["development_finance"] and stored["params"]["mode"] == "mirror"
    assert stored["content_hash"].startswith("sha256:") and stored["location"].endswith("cow_gcdf.csv")
    table = cli("data", "list")
    assert "aiddata:country_year:3.0" in table.stdout
    from tests.e2e.cli_inprocess import BASE_ENV

    monkeypatch.setitem(BASE_ENV, "COLUMNS", "100")  # a narrow terminal: the id, rows and time stay
    narrow = cli("data", "list")
    header = next(line for line in narrow.stdout.splitlines() if "dataset_id" in line)
    assert [h.strip() for h in header.strip("┃ ").split("┃")][:3] == ["dataset_id", "rows", "retrieved_at"]
    assert "7233" in narrow.stdout and "Left out to fit the terminal (100 columns): location" in narrow.stderr
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 100
    csv_out = cli("data", "list", "--format", "csv")
    assert (
        csv_out.stdout.splitlines()[0]
        == "dataset_id,source,dataset,edition,rows,tables,retrieved_at,location"
    )
    dropped = cli("data", "drop", "aiddata:country_year:3.0")
    assert dropped.returncode == 0 and json.loads(cli("data", "list", "--format", "json").stdout) == []


def test_fetch_usage_errors_are_one_line(cli, tmp_path: Path) -> None:
    mirror = tmp_path  # an empty mirror folder
    unknown = cli("fetch", "acled", "--mirror", str(mirror))
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "Error: Unknown source 'acled'; use one of: aiddata, baci, comtrade, cow_igo, gdelt, gravity, "
        "imf_dots, wdi, yotov2016."
    )
    option = cli("fetch", "baci", "--indicators", "X", "--mirror", str(mirror))
    assert option.returncode == 2 and option.stderr.strip().startswith(
        "Error: Source 'baci' has no option indicators"
    )
    missing = cli("fetch", "baci", "--mirror", str(mirror))
    assert missing.returncode == 2 and "has no baci/BACI_HS92_V<version>.zip" in missing.stderr
    assert "Traceback" not in missing.stderr + option.stderr + unknown.stderr
