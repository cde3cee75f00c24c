"""Fixtures in the sources' published formats, written by these functions (nothing copied).

- API answers (World Bank API v2 JSON, Comtrade v1 JSON, IMF SDMX-ML 2.1 GenericData) are
  built from rows of the REAL files in ../shared/data, re-expressed in the API's format.
- BACI, CEPII Gravity and AidData project tables have no real file in ../shared/data: the
  rows below are hand-written (made-up numbers) in the published layouts (column names and
  order of the releases), to test the parsers only.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

# -- BACI ---------------------------------------------------------------------------------------

BACI_COUNTRIES = """country_code,country_name,country_iso2,country_iso3
156,China,CN,CHN
398,Kazakhstan,KZ,KAZ
417,Kyrgyzstan,KG,KGZ
490,"Other Asia, nes",,S19
643,Russian Federation,RU,RUS
842,USA,US,USA
860,Uzbekistan,UZ,UZB
"""
BACI_2021 = """t,i,j,k,v,q
2021,398,156,270900,1234.5,2000.0
2021,398,643,010121,12.25,         NA
2021,156,398,847130,987.0,15.5
2021,490,398,847130,5.0,1.0
"""
BACI_2022 = """t,i,j,k,v,q
2022,398,156,270900,1500.0,2100.0
2022,860,417,10121,3.5,0.2
"""


def baci_zip(folder: Path, members: dict[str, str] | None = None, version: str = "V202501") -> Path:
    """``folder/baci/BACI_HS92_<version>.zip`` with yearly CSVs and the country code file."""
    members = members or {"2021": BACI_2021, "2022": BACI_2022}
    path = folder / "baci" / f"BACI_HS92_{version}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for year, text in members.items():
            zf.writestr(f"BACI_HS92_Y{year}_{version}.csv", text)
        zf.writestr(f"country_codes_{version}.csv", BACI_COUNTRIES)
    return path


def truncate(path: Path, keep: float = 0.6) -> Path:
    """Cut a file to ``keep`` of its bytes (a download that stopped)."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


# -- CEPII Gravity V202211 -------------------------------------------------------------------------

CEPII_HEADER = (
    "year,country_id_o,country_id_d,iso3_o,iso3_d,iso3num_o,iso3num_d,country_exists_o,country_exists_d,"
    "distw_harmonic,distw_arithmetic,dist,distcap,contig,comlang_off,comlang_ethno,comcol,col45,"
    "col_dep_ever,gdp_o,gdp_d,fta_wto,tradeflow_baci"
)
CEPII_ROWS = [
    "2019,KAZ,UZB,KAZ,UZB,398,860,1,1,1010.5,1050.2,1300.0,1300.0,1,0,1,1,0,0,181665.9,57921.3,1,2400.1",
    "2019,KAZ,CHN,KAZ,CHN,398,156,1,1,3500.25,3600.0,3800.0,3400.0,1,0,0,0,0,0,181665.9,14279937.5,0,",
    "2019,UZB,KGZ,UZB,KGZ,860,417,1,1,300.0,320.0,350.0,300.0,1,0,0,1,0,0,57921.3,8871.0,1,700.0",
    "2020,KAZ,UZB,KAZ,UZB,398,860,1,1,1010.5,1050.2,1300.0,1300.0,1,0,1,1,0,0,171082.0,59894.0,1,2100.0",
    "2020,SUN,KAZ,SUN,KAZ,810,398,0,1,,,,,,,,,,,,,,",
]


def cepii_zip(folder: Path, header: str = CEPII_HEADER, rows: list[str] | None = None) -> Path:
    path = folder / "cepii_gravity" / "Gravity_csv_V202211.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Gravity_V202211.csv", "\n".join([header, *(rows or CEPII_ROWS)]) + "\n")
    return path


# -- AidData GCDF 3.0 project table ----------------------------------------------------------------

GCDF_COLUMNS = [
    "AidData Record ID",
    "Recommended For Aggregates",
    "AidData Parent ID",
    "Umbrella",
    "Financier Country",
    "Recipient",
    "Recipient ISO-3",
    "Recipient Region",
    "Commitment Year",
    "Title",
    "Status",
    "Flow Type",
    "Flow Class",
    "Sector Name",
    "Amount (Nominal USD)",
    "Amount (Constant USD 2021)",
    "Adjusted Amount (Nominal USD)",
    "Adjusted Amount (Constant USD 2021)",
]
GCDF_ROWS = [
    [
        "1001",
        "Yes",
        "",
        "No",
        "China (People's Republic of)",
        "Kazakhstan",
        "KAZ",
        "Asia",
        "2013",
        "Hand-written test project A",
        "Completion",
        "Loan",
        "OOF-like",
        "ENERGY",
        "1000000",
        "1200000",
        "1000000",
        "1200000",
    ],
    [
        "1002",
        "Yes",
        "",
        "No",
        "China (People's Republic of)",
        "Kyrgyz Republic",
        "KGZ",
        "Asia",
        "2015",
        "Hand-written test project B",
        "Implementation",
        "Grant",
        "ODA-like",
        "EDUCATION",
        "50000",
        "58000",
        "50000",
        "58000",
    ],
    [
        "1003",
        "No",
        "1001",
        "Yes",
        "China (People's Republic of)",
        "Kazakhstan",
        "KAZ",
        "Asia",
        "2013",
        "Hand-written umbrella agreement",
        "Pipeline: Commitment",
        "Loan",
        "OOF-like",
        "ENERGY",
        "9000000",
        "9900000",
        "9000000",
        "9900000",
    ],
    [
        "1004",
        "Yes",
        "",
        "No",
        "China (People's Republic of)",
        "Africa, regional",
        "",
        "Africa",
        "2016",
        "Hand-written regional project",
        "Completion",
        "Grant",
        "Vague (Official Finance)",
        "HEALTH",
        "7000",
        "8000",
        "7000",
        "8000",
    ],
]


def gcdf_zip(folder: Path, rows: list[list[str]] | None = None, columns: list[str] | None = None) -> Path:
    """``folder/aiddata_gcdf3/<release>.zip`` holding the GCDF_3.0 sheet as an xlsx workbook."""
    frame = pd.DataFrame(rows or GCDF_ROWS, columns=columns or GCDF_COLUMNS)
    book = io.BytesIO()
    frame.to_excel(book, sheet_name="GCDF_3.0", index=False)
    path = folder / "aiddata_gcdf3" / "AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.xlsx", book.getvalue())
    return path


# -- World Bank API v2 JSON (from the real WDI bulk file) ------------------------------------------


def wdi_api_pages(shared: Path, code: str, countries: list[str]) -> tuple[bytes, bytes]:
    """(sources/2 answer, data answer) in the API v2 JSON layouts, values from the real bulk CSV."""
    bulk = next((shared / "wdi_fdi_remittances_ca").glob(f"API_{code}_*.csv"))
    wide = pd.read_csv(bulk, skiprows=4)
    rows = wide[wide["Country Code"].isin(countries)]
    data = []
    for _, row in rows.iterrows():
        for year in range(2015, 2025):
            value = row[str(year)]
            data.append(
                {
                    "variable": [
                        {"concept": "Series", "id": code, "value": row["Indicator Name"]},
                        {"concept": "Country", "id": row["Country Code"], "value": row["Country Name"]},
                        {"concept": "Time", "id": f"YR{year}", "value": str(year)},
                    ],
                    "value": None if pd.isna(value) else float(value),
                }
            )
    source = [
        {"page": 1, "pages": 1, "per_page": "1", "total": 1},
        [{"id": "2", "lastupdated": "2025-07-01", "name": "World Development Indicators", "code": "WDI"}],
    ]
    answer = {
        "page": 1,
        "pages": 1,
        "per_page": 1000,
        "lastupdated": "2025-07-01",
        "total": len(data),
        "source": {"id": "2", "name": "World Development Indicators", "data": data},
    }
    return json.dumps(source).encode(), json.dumps(answer).encode()


# -- Comtrade v1 JSON (from the real yearly export file) -------------------------------------------


def comtrade_answer(shared: Path, year: int, reporters: list[str]) -> bytes:
    path = shared / "comtrade_total_exports_2014_2022" / f"comtrade_all_exports_{year}A.csv"
    frame = pd.read_csv(path)
    frame = frame[frame["reporter"].isin(reporters)]
    data = [
        {
            "typeCode": "C",
            "freqCode": "A",
            "refYear": year,
            "period": str(year),
            "reporterDesc": r.reporter,
            "flowCode": "X",
            "flowDesc": "Export",
            "partnerDesc": r.partner,
            "classificationCode": "H5",
            "cmdCode": "TOTAL",
            "qty": None,
            "primaryValue": r.value,
        }
        for r in frame.itertuples()
    ]
    return json.dumps({"elapsedTime": "0.1 secs", "count": len(data), "data": data, "error": ""}).encode()


# -- IMF SDMX-ML 2.1 GenericData (from the real DOTS extract) --------------------------------------

SDMX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
    'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic" '
    'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">\n'
    "<message:Header><message:ID>steppe-test</message:ID><message:Test>true</message:Test>"
    "<message:Prepared>2025-01-01T00:00:00</message:Prepared>"
    '<message:Sender id="IMF"/>'
    '<message:Structure structureID="IMF_STA_IMTS" dimensionAtObservation="TIME_PERIOD">'
    '<common:Structure><Ref agencyID="IMF.STA" id="DSD_IMTS" version="1.0"/></common:Structure>'
    "</message:Structure></message:Header>\n"
    '<message:DataSet structureRef="IMF_STA_IMTS">\n'
)
SDMX_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<message:Error xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
    'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
    '<message:ErrorMessage code="100"><common:Text xml:lang="en">No Results Found</common:Text>'
    "</message:ErrorMessage></message:Error>\n"
)
DOTS_CODES = {
    "Kazakhstan, Rep. of": "KAZ",
    "China, P.R.: Mainland": "CHN",
    "Russian Federation": "RUS",
    "Kyrgyz Rep.": "KGZ",
}


def sdmx_dots(shared: Path, reporter: str = "Kazakhstan, Rep. of", years: range = range(2015, 2021)) -> bytes:
    """A GenericData message: reporter's exports/imports with CHN, RUS, KGZ from the real extract."""
    frame = pd.read_csv(shared / "imf_dots_1992_2020" / "dots_central_asia_extract.csv")
    frame = frame[
        (frame["reporter"] == reporter) & frame["partner"].isin(DOTS_CODES) & frame["year"].isin(list(years))
    ]
    indicator = {"exports_fob": "XG_FOB_USD", "imports_cif": "MG_CIF_USD"}
    parts = [SDMX_HEAD]
    for (flow, partner), group in frame.groupby(["flow", "partner"]):
        keys = {
            "COUNTRY": DOTS_CODES[reporter],
            "INDICATOR": indicator[flow],
            "COUNTERPART_COUNTRY": DOTS_CODES[partner],
            "FREQUENCY": "A",
        }
        parts.append("<generic:Series><generic:SeriesKey>")
        parts += [f'<generic:Value id="{k}" value="{escape(v)}"/>' for k, v in keys.items()]
        parts.append('</generic:SeriesKey><generic:Attributes><generic:Value id="UNIT_MULT" value="6"/>')
        parts.append("</generic:Attributes>\n")
        for row in group.itertuples():
            parts.append(
                f'<generic:Obs><generic:ObsDimension value="{row.year}"/>'
                f'<generic:ObsValue value="{row.value_usd_millions!r}"/>'
            )
            if row.imf_estimate:
                parts.append(
                    '<generic:Attributes><generic:Value id="OBS_STATUS" value="E"/></generic:Attributes>'
                )
            parts.append("</generic:Obs>\n")
        parts.append("</generic:Series>\n")
    parts.append("</message:DataSet></message:GenericData>\n")
    return "".join(parts).encode()


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


# -- small CSV mirrors (hand-written rows, made-up numbers, the published column layouts) --------
# Each writer puts one file where the connector looks for it in a mirror, so that the parser and
# validation tests run without ../shared. The real files are tested in place (test_mirror.py).

HMR_HEADER = "iso_o,iso_d,distw,gdp_o,gdp_d,rta,flow,contig,comlang_off,comcur"
HMR_ROWS = [
    "KAZ,UZB,1100.5,180000.0,58000.0,1,2400.5,1,0,0",
    "KAZ,KGZ,800.25,180000.0,8900.0,1,900.0,1,1,0",
    "KGZ,KAZ,800.25,8900.0,180000.0,1,650.75,1,1,0",
    "UZB,TJK,300.0,58000.0,8100.0,0,120.0,1,0,0",
    "TJK,UZB,300.0,8100.0,58000.0,0,0,1,0,0",
    "UZB,KAZ,1100.5,58000.0,180000.0,1,2100.0,1,0,0",
]


def hmr_csv(folder: Path, rows: list[str] | None = None) -> Path:
    """``folder/hmr_gravity_2006/gravity_zeros.csv``: header on line 1, a row per line after it."""
    path = folder / "hmr_gravity_2006" / "gravity_zeros.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HMR_HEADER, *(rows or HMR_ROWS)]) + "\n", encoding="utf-8")
    return path


DOTS_HEADER = "source_file,reporter,flow,partner,year,value_usd_millions,imf_estimate"
DOTS_ROWS = [
    'DOTS_916.xlsx,"Kazakhstan, Rep. of",exports_fob,"Uzbekistan, Rep. of",2018,2050.5,0',
    'DOTS_916.xlsx,"Kazakhstan, Rep. of",imports_cif,"Uzbekistan, Rep. of",2018,1010.25,0',
    'DOTS_916.xlsx,"Kazakhstan, Rep. of",exports_fob,"Kyrgyz Rep.",2018,700.0,0',
    'DOTS_927.xlsx,"Uzbekistan, Rep. of",exports_fob,"Kazakhstan, Rep. of",2018,980.5,1',
    'DOTS_927.xlsx,"Uzbekistan, Rep. of",imports_cif,"Kazakhstan, Rep. of",2018,1900.0,1',
    'DOTS_917.xlsx,"Kyrgyz Rep.",imports_cif,"Kazakhstan, Rep. of",2018,760.0,0',
]


def dots_csv(folder: Path, rows: list[str] | None = None) -> Path:
    """``folder/imf_dots_1992_2020/dots_central_asia_extract.csv`` (US$ millions)."""
    path = folder / "imf_dots_1992_2020" / "dots_central_asia_extract.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([DOTS_HEADER, *(rows or DOTS_ROWS)]) + "\n", encoding="utf-8")
    return path


COMTRADE_HEADER = "date,value,reporter,partner"
COMTRADE_ROWS = [
    "2019-01-01,5000000000.5,Kazakhstan,World",
    "2019-01-01,1200000.25,Kazakhstan,Uzbekistan",
    "2019-01-01,300000.0,Kazakhstan,Kyrgyzstan",
    "2019-01-01,900000000.0,Uzbekistan,World",
    "2019-01-01,450000.75,Uzbekistan,Kazakhstan",
]


def comtrade_csv(folder: Path, rows: list[str] | None = None, year: int = 2019) -> Path:
    """``folder/comtrade_total_exports_2014_2022/comtrade_all_exports_<year>A.csv`` (US$)."""
    path = folder / "comtrade_total_exports_2014_2022" / f"comtrade_all_exports_{year}A.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([COMTRADE_HEADER, *(rows or COMTRADE_ROWS)]) + "\n", encoding="utf-8")
    return path


GCDF_CY_HEADER = "ccode,year,oof_amt,oof_adj,oda_amt,oda_adj,vof_amt,vof_adj"
GCDF_CY_ROWS = [  # COW country codes: 705 Kazakhstan, 703 Kyrgyzstan, 702 Tajikistan, 704 Uzbekistan
    "705,2010,1500000.5,1600000.25,0,0,0,0",
    "705,2011,0,0,250000.0,260000.0,0,0",
    "703,2010,90000.0,95000.0,10000.0,11000.0,0,0",
    "702,2012,400000.0,420000.0,0,0,5000.0,5200.0",
    "704,2013,2000000.0,2100000.0,0,0,0,0",
]


def gcdf_country_year_csv(folder: Path, rows: list[str] | None = None) -> Path:
    """``folder/aiddata_gcdf3_country_year/data/cow_gcdf.csv`` (odadata's country-year layout)."""
    path = folder / "aiddata_gcdf3_country_year" / "data" / "cow_gcdf.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([GCDF_CY_HEADER, *(rows or GCDF_CY_ROWS)]) + "\n", encoding="utf-8")
    return path


GDP_HEADER = "Country Name,Country Code,Year,Value"
GDP_ROWS = [
    "Kazakhstan,KAZ,2018,179000000000.5",
    "Kazakhstan,KAZ,2019,181000000000.25",
    "Uzbekistan,UZB,2018,52000000000.0",
    "Uzbekistan,UZB,2019,60000000000.0",
    "World,WLD,2018,86000000000000.0",
    "World,WLD,2019,87500000000000.0",
]


def gdp_csv(folder: Path, rows: list[str] | None = None) -> Path:
    """``folder/wb_gdp_datahub/data/gdp.csv`` (current US$, long layout)."""
    path = folder / "wb_gdp_datahub" / "data" / "gdp.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([GDP_HEADER, *(rows or GDP_ROWS)]) + "\n", encoding="utf-8")
    return path


def wdi_bulk_csv(folder: Path, values: dict[str, dict[int, str]] | None = None) -> Path:
    """``folder/wdi_fdi_remittances_ca/<file>.csv``: one WDI bulk CSV (every value quoted, one
    column per year 1960-2024, a trailing comma), FDI net inflows for the countries given."""
    names = {"KAZ": "Kazakhstan", "KGZ": "Kyrgyz Republic", "UZB": "Uzbekistan"}
    values = values or {"KAZ": {1995: "1000000", 1996: "2500000.5"}, "UZB": {1996: "90000"}}
    years = list(range(1960, 2025))
    lines = [",".join(f'"{c}"' for c in ["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                                            *map(str, years)]) + ","]  # fmt: skip
    for iso3, by_year in values.items():
        cells = [names[iso3], iso3, "Foreign direct investment, net inflows (BoP, current US$)",
                 "BX.KLT.DINV.CD.WD", *(by_year.get(y, "") for y in years)]  # fmt: skip
        lines.append(",".join(f'"{c}"' for c in cells) + ",")
    path = folder / "wdi_fdi_remittances_ca" / "wdi_fdi_net_inflows_BX.KLT.DINV.CD.WD_central_asia.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
