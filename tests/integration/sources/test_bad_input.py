"""Broken input for every connector: ONE clear error naming source, file and line or field; nothing stored."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from steppe.errors import DataError
from steppe.sources import fetch
from tests.integration.sources import formats


def _mirror_with(write: Callable[[Path], Path], tmp: Path, edit: Callable[[list[str]], None]) -> Path:
    """A mirror holding one fixture file (tests/integration/sources/formats.py), its lines edited."""
    path = write(tmp / "mirror")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    edit(lines)
    path.write_text("".join(lines), encoding="utf-8")
    return tmp / "mirror"


def _set_field(lines: list[str], line_no: int, column: int, value: str) -> None:
    cells = lines[line_no - 1].rstrip("\r\n").split(",")
    cells[column] = value
    lines[line_no - 1] = ",".join(cells) + "\n"


def _assert_nothing_stored(store) -> None:
    for table in ("datasets", "trade_flows", "trade_flow_flags", "country_indicators", "gravity_covariates"):
        assert store.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0, table
    assert store.execute("SELECT count(*) FROM development_finance").fetchall()[0][0] == 0


def _raises(store, source: str, mirror: Path, pattern: str, **options) -> str:
    with pytest.raises(DataError) as err:
        fetch(source, store=store, mirror=mirror, **options)
    text = str(err.value)
    assert re.search(pattern, text), text
    assert "\n" not in text
    _assert_nothing_stored(store)
    return text


HMR = formats.hmr_csv
DOTS = formats.dots_csv
COMTRADE = formats.comtrade_csv
AIDDATA = formats.gcdf_country_year_csv
GDP = formats.gdp_csv
FDI = formats.wdi_bulk_csv


def test_gravity_non_numeric_flow(store, tmp_path: Path) -> None:
    mirror = _mirror_with(HMR, tmp_path, lambda ls: _set_field(ls, 5, 6, "12x5"))
    _raises(
        store,
        "gravity",
        mirror,
        r"^gravity: .*gravity_zeros\.csv line 5 field 'flow': '12x5' is not a number",
    )


def test_gravity_wrong_header(store, tmp_path: Path) -> None:
    mirror = _mirror_with(HMR, tmp_path, lambda ls: ls.__setitem__(0, ls[0].replace("distw", "dist")))
    _raises(
        store, "gravity", mirror, r"gravity_zeros\.csv line 1 has a wrong header: missing column\(s\) 'distw'"
    )


def test_gravity_cepii_truncated_zip(store, tmp_path: Path) -> None:
    formats.truncate(formats.cepii_zip(tmp_path / "m"))
    _raises(
        store,
        "gravity",
        tmp_path / "m",
        r"gravity: .*Gravity_csv_V202211\.zip is not a complete zip",
        dataset="cepii",
    )


def test_imf_dots_non_numeric_value(store, tmp_path: Path) -> None:
    mirror = _mirror_with(DOTS, tmp_path, lambda ls: _set_field(ls, 6, -2, "n/a"))
    _raises(
        store,
        "imf_dots",
        mirror,
        r"imf_dots: .*dots_central_asia_extract\.csv line 6 field 'value_usd_millions': 'n/a'",
    )


def test_imf_dots_wrong_header(store, tmp_path: Path) -> None:
    mirror = _mirror_with(DOTS, tmp_path, lambda ls: ls.__setitem__(0, ls[0].replace(",year,", ",yr,")))
    _raises(store, "imf_dots", mirror, r"line 1 has a wrong header: missing column\(s\) 'year'")


def test_comtrade_non_numeric_value(store, tmp_path: Path) -> None:
    mirror = _mirror_with(COMTRADE, tmp_path, lambda ls: _set_field(ls, 4, 1, "1.2.3"))
    _raises(
        store,
        "comtrade",
        mirror,
        r"comtrade: .*comtrade_all_exports_2019A\.csv line 4 field 'value': '1\.2\.3'",
    )


def test_comtrade_wrong_header(store, tmp_path: Path) -> None:
    mirror = _mirror_with(COMTRADE, tmp_path, lambda ls: ls.__setitem__(0, "date,value,country,partner\n"))
    _raises(
        store, "comtrade", mirror, r"2019A\.csv line 1 has a wrong header: missing column\(s\) 'reporter'"
    )


def test_wdi_non_numeric_year_cell(store, tmp_path: Path) -> None:
    def edit(lines: list[str]) -> None:
        lines[1] = lines[1].replace('"1000000"', '"1.27 bn"')

    mirror = _mirror_with(FDI, tmp_path, edit)
    _raises(
        store,
        "wdi",
        mirror,
        r"wdi: .*BX\.KLT\.DINV\.CD\.WD_central_asia\.csv line \d+ field '199\d': '1\.27 bn'",
    )


def test_wdi_gdp_wrong_header(store, tmp_path: Path) -> None:
    mirror = _mirror_with(GDP, tmp_path, lambda ls: ls.__setitem__(0, "Country Name,Country Code,Year,GDP\n"))
    _raises(
        store,
        "wdi",
        mirror,
        r"gdp\.csv line 1 has a wrong header: missing column\(s\) 'Value'",
        dataset="gdp",
    )


def test_aiddata_non_numeric_amount(store, tmp_path: Path) -> None:
    mirror = _mirror_with(AIDDATA, tmp_path, lambda ls: _set_field(ls, 4, 2, "lots"))
    _raises(store, "aiddata", mirror, r"aiddata: .*cow_gcdf\.csv line 4 field 'oof_amt': 'lots'")


def test_aiddata_projects_truncated_zip_and_bad_class(store, tmp_path: Path) -> None:
    formats.truncate(formats.gcdf_zip(tmp_path / "m"))
    _raises(
        store,
        "aiddata",
        tmp_path / "m",
        r"aiddata: .*Version_3_0\.zip is not a complete zip",
        dataset="projects",
    )
    rows = [list(r) for r in formats.GCDF_ROWS]
    rows[1][12] = "Mixed"
    formats.gcdf_zip(tmp_path / "n", rows=rows)
    _raises(
        store, "aiddata", tmp_path / "n", r"\.xlsx line 3 field 'Flow Class': 'Mixed'", dataset="projects"
    )


def test_baci_truncated_zip(store, tmp_path: Path) -> None:
    formats.truncate(formats.baci_zip(tmp_path / "m"))
    _raises(store, "baci", tmp_path / "m", r"baci: .*BACI_HS92_V202501\.zip is not a complete zip")


def test_baci_corrupt_member_inside_a_readable_zip(store, tmp_path: Path) -> None:
    path = formats.baci_zip(tmp_path / "m", members={"2021": formats.BACI_2021 * 200})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("BACI_HS92_Y2021_V202501.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    data[start : start + 20] = b"\x00" * 20
    path.write_bytes(bytes(data))
    _raises(
        store,
        "baci",
        tmp_path / "m",
        r"baci: .*BACI_HS92_V202501\.zip!BACI_HS92_Y2021_V202501\.csv (cannot be read|is truncated)",
    )


def test_baci_wrong_header_and_non_numeric(store, tmp_path: Path) -> None:
    formats.baci_zip(tmp_path / "m", members={"2021": formats.BACI_2021.replace("t,i,j,k,v,q", "t,i,j,k,v")})
    _raises(store, "baci", tmp_path / "m", r"BACI_HS92_Y2021_V202501\.csv line 1 has a wrong header")
    bad = formats.BACI_2021.replace("987.0", "9x7")
    formats.baci_zip(tmp_path / "n", members={"2022": formats.BACI_2022, "2021": bad})
    pattern = r"BACI_HS92_Y2021_V202501\.csv line 4 field 'v': '9x7' is not a number; fix"
    _raises(store, "baci", tmp_path / "n", pattern)


def test_cli_bad_input_exits_non_zero_with_one_line(cli, tmp_path: Path) -> None:
    mirror = _mirror_with(DOTS, tmp_path, lambda ls: _set_field(ls, 5, -2, "abc"))
    result = cli("fetch", "imf_dots", "--mirror", str(mirror))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1
        and lines[0].startswith("Error: imf_dots: ")
        and "line 5 field 'value_usd_millions'" in lines[0]
    )
    assert "Traceback" not in result.stderr
    listed = cli("data", "list", "--format", "json")
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"


def test_checksum_of_a_mirror_file(store, tmp_path: Path) -> None:
    import hashlib

    archive = formats.baci_zip(tmp_path / "m")
    _raises(
        store,
        "baci",
        tmp_path / "m",
        r"baci: .*BACI_HS92_V202501\.zip has sha256 [0-9a-f]{64}, expected 0{64}",
        sha256="0" * 64,
    )
    right = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert fetch("baci", store=store, mirror=tmp_path / "m", sha256=right).rows == 5
