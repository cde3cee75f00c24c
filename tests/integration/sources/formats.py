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
