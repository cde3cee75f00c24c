"""Fuzzing every connector's file parser (CSV, zipped CSV, XLSX): clean load or one sentence.

Samples are small hand-written files in each source's published layout (made-up numbers); a
fresh in-memory store per example.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steppe.sources import fetch
from steppe.store import open_store
from tests.fuzz.conftest import CELL, FUZZ, MUTATIONS, mutate, one_sentence_or_loaded, store_snapshot
from tests.integration.sources import formats

pytestmark = pytest.mark.fuzz

GDP = """Country Name,Country Code,Year,Value
Kazakhstan,KAZ,2019,181665900000.5
Kazakhstan,KAZ,2020,171082000000.25
Uzbekistan,UZB,2019,57921300000
Uzbekistan,UZB,2020,59894000000
Europe & Central Asia,ECS,2020,20000000000000
World,WLD,2019,87000000000000
World,WLD,2020,85000000000000
"""

WDI_BULK = """"Data Source","World Development Indicators",

"Last Updated Date","2025-07-01",

"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023","2024",
"Kazakhstan","KAZ","Personal remittances, received (current US$)","BX.TRF.PWKR.CD.DT","1.5","2.5","",
"Uzbekistan","UZB","Personal remittances, received (current US$)","BX.TRF.PWKR.CD.DT","16.5","11.5","14",
"World","WLD","Personal remittances, received (current US$)","BX.TRF.PWKR.CD.DT","800","850","900",
"""

DOTS = """source_file,reporter,flow,partner,year,value_usd_millions,imf_estimate
DOTS_103.xlsx,"Kazakhstan, Rep. of",exports_fob,"China, P.R.: Mainland",2019,7823.41,0
DOTS_103.xlsx,"Kazakhstan, Rep. of",imports_cif,"China, P.R.: Mainland",2019,8100.5,0
DOTS_103.xlsx,"Kazakhstan, Rep. of",exports_fob,World,2019,57700.1,0
DOTS_210.xlsx,"Uzbekistan, Rep. of",exports_fob,"Kazakhstan, Rep. of",2019,1200.25,1
DOTS_222.xlsx,Advanced Economies,exports_fob,"Kazakhstan, Rep. of",2019,30000,0
"""

COMTRADE = """date,value,reporter,partner
2019-01-01,870488512.46,Kazakhstan,World
2019-01-01,62547.03,Kazakhstan,Azerbaijan
2019-01-01,8000000000.5,Kazakhstan,China
2019-01-01,1200000,Uzbekistan,Kyrgyzstan
"""

AIDDATA = """ccode,year,oof_amt,oof_adj,oda_amt,oda_adj,vof_amt,vof_adj
705,2004,60767572.7,60767572.7,0,0,0,0
705,2005,108511.6,108511.6,0,0,0,0
704,2010,5.5,5.5,1.25,1.25,0,0
"""

HMR = """iso_o,iso_d,distw,gdp_o,gdp_d,rta,flow,contig,comlang_off,comcur
KAZ,UZB,1010.5,181665.9,57921.3,1,2400.1,1,0,0
UZB,KAZ,1010.5,57921.3,181665.9,1,1800.2,1,0,0
KAZ,CHN,3500.25,181665.9,14279937.5,0,0,1,0,0
YUG,KAZ,4000,30000,181665.9,0,0.5,0,0,0
"""

CSV_SOURCES = {
    # name: (source, options, mirror path, sample)
    "wdi_gdp": ("wdi", {"dataset": "gdp"}, "wb_gdp_datahub/data/gdp.csv", GDP),
    "wdi_bulk": (
        "wdi",
        {},
        "wdi_fdi_remittances_ca/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_1.csv",
        WDI_BULK,
    ),
    "imf_dots": ("imf_dots", {}, "imf_dots_1992_2020/dots_central_asia_extract.csv", DOTS),
    "comtrade": (
        "comtrade",
        {},
        "comtrade_total_exports_2014_2022/comtrade_all_exports_2019A.csv",
        COMTRADE,
    ),
    "aiddata": ("aiddata", {}, "aiddata_gcdf3_country_year/data/cow_gcdf.csv", AIDDATA),
    "gravity_hmr": ("gravity", {}, "hmr_gravity_2006/gravity_zeros.csv", HMR),
}


@pytest.mark.parametrize("name", list(CSV_SOURCES))
def test_the_clean_samples_load(name: str, tmp_path: Path) -> None:
    source, options, rel, sample = CSV_SOURCES[name]
    (tmp_path / rel).parent.mkdir(parents=True)
    (tmp_path / rel).write_text(sample, "utf-8")
    with open_store(":memory:") as store:
        assert fetch(source, store=store, mirror=tmp_path, **options).rows > 0


@pytest.mark.parametrize("name", list(CSV_SOURCES))
@FUZZ
@given(mutations=MUTATIONS)
def test_csv_connectors(name: str, mutations: list, tmp_path: Path) -> None:
    source, options, rel, sample = CSV_SOURCES[name]
    target = tmp_path / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(mutate(sample, mutations))
    with open_store(":memory:") as store:
        one_sentence_or_loaded(
            lambda: fetch(source, store=store, mirror=tmp_path, **options), store_snapshot(store)
        )


@FUZZ
@given(mutations=MUTATIONS, which=st.sampled_from(["2021", "2022"]), zipped=st.booleans())
def test_baci_bulk(mutations: list, which: str, zipped: bool, tmp_path: Path) -> None:
    members = {"2021": formats.BACI_2021, "2022": formats.BACI_2022}
    members[which] = mutate(members[which], mutations).decode("utf-8", errors="surrogateescape")
    try:
        path = formats.baci_zip(tmp_path, members=members)
    except UnicodeEncodeError:
        return  # bytes that are not text cannot be written by zipfile.writestr(str); covered below
    if zipped:  # damage the archive itself
        data = bytearray(path.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 8] = b"\x00" * 8
        path.write_bytes(bytes(data))
    with open_store(":memory:") as store:
        one_sentence_or_loaded(lambda: fetch("baci", store=store, mirror=tmp_path), store_snapshot(store))


@FUZZ
@given(mutations=MUTATIONS)
def test_cepii_gravity_zip(mutations: list, tmp_path: Path) -> None:
    text = "\n".join([formats.CEPII_HEADER, *formats.CEPII_ROWS]) + "\n"
    data = mutate(text, mutations)
    path = tmp_path / "cepii_gravity" / "Gravity_csv_V202211.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Gravity_V202211.csv", data)
    with open_store(":memory:") as store:
        one_sentence_or_loaded(
            lambda: fetch("gravity", store=store, mirror=tmp_path, dataset="cepii"), store_snapshot(store)
        )


@FUZZ
@given(
    row=st.integers(0, len(formats.GCDF_ROWS) - 1),
    column=st.integers(0, len(formats.GCDF_COLUMNS) - 1),
    value=st.one_of(
        st.sampled_from(["", "-5", "inf", "Mixed", "40000", "XXX", "\x1b[1m"]), st.text(max_size=8)
    ),
    cut=st.one_of(st.none(), st.floats(0.05, 0.95)),
)
def test_aiddata_projects_xlsx(row: int, column: int, value: str, cut: float | None, tmp_path: Path) -> None:
    rows = [list(r) for r in formats.GCDF_ROWS]
    rows[row][column] = value
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        path = formats.gcdf_zip(tmp_path, rows=rows)
    except (ValueError, TypeError, IllegalCharacterError):
        return  # openpyxl refuses to write some characters (control codes) into a workbook
    if cut is not None:  # a damaged workbook inside a readable zip
        with zipfile.ZipFile(path) as zf:
            name = zf.namelist()[0]
            book = zf.read(name)
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(name, book[: int(len(book) * cut)])
    with open_store(":memory:") as store:
        one_sentence_or_loaded(
            lambda: fetch("aiddata", store=store, mirror=tmp_path, dataset="projects"), store_snapshot(store)
        )


def test_mutate_helper_is_deterministic() -> None:
    assert mutate("a,b\n1,2\n", [("cell", 1, 1, "x")]) == b"a,b\n1,x\n"
    assert mutate("a,b\n1,2\n", [("truncate", 0.5)]) == b"a,b\n"
    assert io.BytesIO(mutate("a\n", [("bytes", 0, b"\x00")])).read() == b"\x00a\n"


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), CELL),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(CELL, inner, max_size=3)),
    max_leaves=6,
)


@FUZZ
@given(
    points=st.lists(
        st.fixed_dictionaries({"date": st.one_of(st.just("20240101T000000Z"), CELL), "value": JSON_VALUE}),
        max_size=4,
    ),
    details=JSON_VALUE,
    mutations=st.one_of(st.none(), MUTATIONS),
)
def test_gdelt_mirror_json(points: list, details: object, mutations: list | None, tmp_path: Path) -> None:
    import json

    body = {"query_details": details, "timeline": [{"series": "Average Tone", "data": points}]}
    text = json.dumps(body, allow_nan=True)
    target = tmp_path / "gdelt" / "timelinetone" / "CHN.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(mutate(text, mutations) if mutations else text.encode())
    with open_store(":memory:") as store:
        one_sentence_or_loaded(
            lambda: fetch("gdelt", store=store, mirror=tmp_path, actors="CHN"), store_snapshot(store)
        )
