"""`steppe data editions / pin / unpin` and `steppe fetch --new-edition` (in-process, through main())."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steppe.cli.main import main
from tests.integration.sources import formats

GDP = "wb_gdp_datahub/data/gdp.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_editions_pin_and_unpin(capsys, tmp_path: Path, monkeypatch) -> None:
    from steppe.cli.output import console

    monkeypatch.setattr(console, "size", (300, 50))  # one line per edition in the table
    mirror = tmp_path / "m"
    formats.gdp_csv(mirror)  # a small GDP file in the datahub layout (tests/integration/sources)
    code, out, err = run(capsys, "fetch", "wdi", "--dataset", "gdp", "--mirror", str(mirror), "-f", "json")
    assert code == 0, err
    first = json.loads(out)[0]["dataset_id"]
    assert first.startswith("wdi:gdp:sha256-")  # no datapackage.json in this mirror
    text = (
        (mirror / GDP)
        .read_text("utf-8")
        .replace("Kazakhstan,KAZ,2018,179000000000.5", "Kazakhstan,KAZ,2018,1.5e11")
    )
    (mirror / GDP).write_text(text, "utf-8")
    code, out, err = run(capsys, "fetch", "wdi", "--dataset", "gdp", "--mirror", str(mirror), "-f", "json")
    assert code == 0, err
    second = json.loads(out)[0]["dataset_id"]
    code, out, _ = run(capsys, "data", "editions", "wdi", "--format", "json")
    rows = {r["dataset_id"]: r for r in json.loads(out)}
    assert rows[second]["default"] == "newest" and rows[first]["default"] == ""
    code, out, err = run(capsys, "data", "pin", first)
    assert code == 0 and out.strip() == f"{first} is now the default of wdi:gdp."
    code, out, _ = run(capsys, "data", "editions", "wdi")
    assert "pinned" in out and first in out
    code, out, err = run(capsys, "data", "unpin", "wdi:gdp")
    assert code == 0 and "the newest edition is the default again" in out
    code, _, err = run(capsys, "data", "pin", "wdi:gdp:nope")
    assert (
        code == 2
        and err.strip() == "Error: No stored dataset 'wdi:gdp:nope'; 'steppe data editions' lists them."
    )
