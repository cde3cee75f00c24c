"""The validation layer: broken files are refused with file, line and rule; the store is unchanged.

The acceptance cases run on the real WDI GDP file (../shared/data/wb_gdp_datahub), edited in a
copy: a file cut mid-line, a header alone, ``inf``, a negative value, a conflicting duplicate,
a five-digit year and a NUL byte. Each is refused in one sentence naming the file, the line and
the rule, and the edition loaded before stays the default with its values.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from steppe.errors import DataError, RefusedLoad, UsageError
from steppe.sources import fetch
from steppe.store import data as store_data

GDP = "wb_gdp_datahub/data/gdp.csv"
PACKAGE = "wb_gdp_datahub/datapackage.json"
KAZ_2010 = "Kazakhstan,KAZ,2010,148047348240.64334"
GDP_CODE = "NY.GDP.MKTP.CD"


def _gdp_mirror(shared: Path, tmp: Path, edit: Callable[[str], str] | None = None) -> Path:
    mirror = tmp / "mirror"
    target = mirror / GDP
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (shared / GDP).read_text("utf-8")
    target.write_text(edit(text) if edit else text, "utf-8")
    shutil.copy(shared / PACKAGE, mirror / PACKAGE)
    return mirror


@pytest.fixture
def loaded_gdp(store, shared_data: Path, tmp_path: Path):
    """The real GDP file loaded as the current edition; returns (dataset_id, KAZ 2010 value)."""
    result = fetch("wdi", store=store, mirror=_gdp_mirror(shared_data, tmp_path / "good"), dataset="gdp")
    assert result.loaded and result.dataset_id == "wdi:gdp:2026-02-24"
    value = store_data.country_indicators(store, GDP_CODE, countries="KAZ", years=2010).value.item()
    assert value == pytest.approx(148_047_348_240.64334)
    return result.dataset_id, value


def _snapshot(store) -> tuple:
    return (
        store.rows("SELECT dataset_id, rows, content_hash FROM datasets ORDER BY dataset_id"),
        store.execute("SELECT count(*), sum(value) FROM country_indicators").fetchall(),
    )


def _cut(text: str) -> str:
    return text[: text.index(KAZ_2010) + len("Kazakhstan,KAZ,2010,148")]


def _header_only(text: str) -> str:
    return text.splitlines(keepends=True)[0]


def _inf(text: str) -> str:
    return text.replace(KAZ_2010, "Kazakhstan,KAZ,2010,inf")


def _negative(text: str) -> str:
    return text.replace(KAZ_2010, "Kazakhstan,KAZ,2010,-148047348240.6")


def _conflict(text: str) -> str:
    return text.replace(KAZ_2010, KAZ_2010 + "\nKazakhstan,KAZ,2010,1.5e11")


def _five_digit_year(text: str) -> str:
    return text.replace(KAZ_2010, "Kazakhstan,KAZ,40000,148047348240.64334")


def _nul(text: str) -> str:
    return text.replace(KAZ_2010, "Kazak\x00hstan,KAZ,2010,148047348240.64334")


#: Kazakhstan's 2010 GDP is on line 6545 of the real file.
KAZ_LINE = 6545

CASES = {
    # name: (edit, rule, line of the problem, pattern for the rest of the sentence)
    "truncated": (_cut, "coverage", KAZ_LINE, r"no World \(WLD\) rows.*cut short"),
    "header_only": (_header_only, "not_empty", 2, r"header but no data rows"),
    "inf": (_inf, "finite", KAZ_LINE, r"field 'value': inf is not a finite number"),
    "negative": (_negative, "sign", KAZ_LINE, r"field 'value': -148047348240\.6 is negative"),
    "conflicting_duplicate": (
        _conflict,
        "unique_key",
        KAZ_LINE + 1,
        rf"key \(iso3=KAZ, year=2010, indicator={GDP_CODE}\) is also at line {KAZ_LINE}",
    ),
    "five_digit_year": (
        _five_digit_year,
        "year_storable",
        KAZ_LINE,
        r"field 'year': year 40000 does not have",
    ),
    "nul_byte": (_nul, "text", KAZ_LINE, r"NUL byte"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_gdp_file_is_refused_and_the_previous_edition_stays(
    case: str, store, loaded_gdp, shared_data: Path, tmp_path: Path
) -> None:
    edit, rule, line, pattern = CASES[case]
    mirror = _gdp_mirror(shared_data, tmp_path / case, edit)
    before = _snapshot(store)
    with pytest.raises(DataError) as err:
        fetch("wdi", store=store, mirror=mirror, dataset="gdp")
    message = str(err.value)
    assert "\n" not in message
    assert re.search(rf"gdp\.csv line {line}\b", message), message
    assert f"(rule {rule})" in message, message
    assert re.search(pattern, message), message
    assert _snapshot(store) == before  # nothing stored
    dataset_id, value = loaded_gdp
    [default] = [e for e in store_data.editions(store, "wdi") if e["is_default"]]
    assert default["dataset_id"] == dataset_id
    assert store_data.country_indicators(store, GDP_CODE, countries="KAZ", years=2010).value.item() == value


def test_every_problem_is_listed_not_only_the_first(store, shared_data: Path, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        return _negative(text).replace("Kazakhstan,KAZ,2011,", "Kazakhstan,KAZ,2011,-")

    with pytest.raises(RefusedLoad) as err:
        fetch("wdi", store=store, mirror=_gdp_mirror(shared_data, tmp_path, edit), dataset="gdp")
    assert [p.rule for p in err.value.problems] == ["sign", "sign"]
    assert "and 1 more problem(s) (1 sign)" in str(err.value)
    assert [p.line for p in err.value.problems] == [6545, 6546]


def test_a_waived_rule_is_recorded(store, shared_data: Path, tmp_path: Path) -> None:
    mirror = _gdp_mirror(shared_data, tmp_path, _negative)
    with pytest.raises(RefusedLoad, match="allow sign"):
        fetch("wdi", store=store, mirror=mirror, dataset="gdp")
    result = fetch("wdi", store=store, mirror=mirror, dataset="gdp", allow=["sign"])
    assert result.loaded and result.validation == {"rules_waived": {"sign": 1}}
    assert store_data.dataset_info(store, result.dataset_id)["params"]["validation"] == {
        "rules_waived": {"sign": 1}
    }
    with pytest.raises(UsageError, match=r"The rule 'finite' .* cannot be waived"):
        fetch("wdi", store=store, mirror=mirror, dataset="gdp", allow=["finite"])
    with pytest.raises(UsageError, match="Unknown rule 'signs' in allow"):
        fetch("wdi", store=store, mirror=mirror, dataset="gdp", allow=["signs"])


def test_exact_duplicates_are_dropped_and_counted(store, shared_data: Path, tmp_path: Path) -> None:
    mirror = _gdp_mirror(shared_data, tmp_path, lambda t: t.replace(KAZ_2010, KAZ_2010 + "\n" + KAZ_2010))
    result = fetch("wdi", store=store, mirror=mirror, dataset="gdp")
    assert result.rows == 11193
    assert result.validation == {"exact_duplicates_dropped": {"country_indicators": 1}}


def test_unknown_iso_code_is_refused(store, shared_data: Path, tmp_path: Path) -> None:
    rel = "hmr_gravity_2006/gravity_zeros.csv"
    lines = (shared_data / rel).read_text("utf-8-sig").splitlines(keepends=True)
    lines[9] = "XXX" + lines[9][3:]
    target = tmp_path / "m" / rel
    target.parent.mkdir(parents=True)
    target.write_text("".join(lines), "utf-8")
    with pytest.raises(RefusedLoad) as err:
        fetch("gravity", store=store, mirror=tmp_path / "m")
    text = str(err.value)
    assert re.search(r"gravity_zeros\.csv line 10 field 'exporter': 'XXX' is not an ISO3 country code", text)
    assert "(rule known_code)" in text
    assert store.execute("SELECT count(*) FROM datasets").fetchall() == [(0,)]


def test_blank_year_in_a_dots_extract_is_one_sentence(store, shared_data: Path, tmp_path: Path) -> None:
    rel = "imf_dots_1992_2020/dots_central_asia_extract.csv"
    lines = (shared_data / rel).read_text("utf-8-sig").splitlines(keepends=True)
    cells = lines[99].split(",")
    cells[-3] = ""  # the year of line 100
    lines[99] = ",".join(cells)
    target = tmp_path / "m" / rel
    target.parent.mkdir(parents=True)
    target.write_text("".join(lines), "utf-8")
    with pytest.raises(RefusedLoad, match=r"extract\.csv line 100 field 'year': is empty.*\(rule required\)"):
        fetch("imf_dots", store=store, mirror=tmp_path / "m")


def test_options_a_connector_cannot_apply_are_refused(store, shared_data: Path) -> None:
    with pytest.raises(UsageError, match="comtrade: products 2709 cannot be applied: the mirror holds"):
        fetch("comtrade", store=store, mirror=shared_data, products="2709")
    with pytest.raises(UsageError, match="gravity: years 2000:2010 cannot be applied: hmr2006 is"):
        fetch("gravity", store=store, mirror=shared_data, years="2000:2010")
    with pytest.raises(UsageError, match=r"wdi: indicators SP\.POP\.TOTL cannot be applied"):
        fetch("wdi", store=store, mirror=shared_data, dataset="gdp", indicators="SP.POP.TOTL")
    assert store.execute("SELECT count(*) FROM datasets").fetchall() == [(0,)]


def test_imf_dots_countries_in_mirror_mode_keeps_those_reporters(store, shared_data: Path) -> None:
    kaz = fetch("imf_dots", store=store, mirror=shared_data, countries="KAZ")
    flows = store_data.trade_flows(store, dataset=kaz.dataset_id)
    reported = flows.assign(by=flows.exporter.where(flows.reporter == "exporter", flows.importer))
    assert set(reported.by) == {"KAZ"}
    assert store_data.dataset_info(store, kaz.dataset_id)["params"]["reporters"] == ["KAZ"]
    with pytest.raises(UsageError, match="countries takes ISO3 codes"):
        fetch("imf_dots", store=store, mirror=shared_data, countries="Kazakhstan")


def test_editions_new_edition_and_pins(store, loaded_gdp, shared_data: Path, tmp_path: Path) -> None:
    first, _ = loaded_gdp
    changed = _gdp_mirror(shared_data, tmp_path / "v2", lambda t: t.replace(KAZ_2010, KAZ_2010[:-1] + "5"))
    with pytest.raises(UsageError, match=r"edition wdi:gdp:2026-02-24 is already stored with other content"):
        fetch("wdi", store=store, mirror=changed, dataset="gdp")
    named = fetch("wdi", store=store, mirror=changed, dataset="gdp", edition="2026-02-24-fixed")
    assert named.dataset_id == "wdi:gdp:2026-02-24-fixed"
    rows = {e["dataset_id"]: e for e in store_data.editions(store, "wdi")}
    assert rows[named.dataset_id]["default"] == "newest" and rows[first]["default"] == ""
    store_data.pin(store, first)
    rows = {e["dataset_id"]: e for e in store_data.editions(store, "wdi")}
    assert rows[first]["default"] == "pinned" and not rows[named.dataset_id]["is_default"]
    assert (
        store_data.country_indicators(store, GDP_CODE, countries="KAZ", years=2010).dataset_id.item() == first
    )
    # a later edition (asked for explicitly) does not move the pin
    again = _gdp_mirror(shared_data, tmp_path / "v3", lambda t: t.replace(KAZ_2010, KAZ_2010[:-1] + "7"))
    third = fetch("wdi", store=store, mirror=again, dataset="gdp", new_edition=True)
    assert third.loaded and third.dataset_id.startswith("wdi:gdp:2026-02-24~")
    assert (
        store_data.country_indicators(store, GDP_CODE, countries="KAZ", years=2010).dataset_id.item() == first
    )
    assert store_data.unpin(store, "wdi:gdp") == [first]
    assert (
        store_data.country_indicators(store, GDP_CODE, countries="KAZ", years=2010).dataset_id.item() != first
    )
    with pytest.raises(UsageError, match="Invalid edition name"):
        fetch("wdi", store=store, mirror=changed, dataset="gdp", edition="../x")


def test_inf_in_a_dots_flow_is_refused(store, shared_data: Path, tmp_path: Path) -> None:
    """One inf in a KAZ->CHN flow would zero every KAZ share: it never reaches the store."""
    rel = "imf_dots_1992_2020/dots_central_asia_extract.csv"
    text = (shared_data / rel).read_text("utf-8-sig")
    row = next(
        line
        for line in text.splitlines()
        if line.startswith('DOTS_103.xlsx,"Kazakhstan, Rep. of",exports_fob,"China')
    )
    line = text[: text.index(row)].count("\n") + 1
    cells = row.rsplit(",", 2)
    target = tmp_path / "m" / rel
    target.parent.mkdir(parents=True)
    target.write_text(text.replace(row, f"{cells[0]},inf,{cells[2]}", 1), "utf-8")
    with pytest.raises(RefusedLoad) as err:
        fetch("imf_dots", store=store, mirror=tmp_path / "m")
    assert re.search(
        rf"extract\.csv line {line} field 'value_usd': inf is not a finite number", str(err.value)
    )
    assert store.execute("SELECT count(*) FROM trade_flows").fetchall() == [(0,)]


# -- BACI: the bulk path checks the same rules in SQL ---------------------------------------------

BACI_BROKEN = {
    "inf": ("2021,156,398,847130,inf,15.5", 4, "finite", r"field 'v': 'inf' is not a finite number"),
    "negative": ("2021,156,398,847130,-987.0,15.5", 4, "sign", r"field 'v': '-987\.0' is negative"),
    "other_year": ("2020,156,398,847130,987.0,15.5", 4, "coverage", r"field 't': year '2020' in the file"),
    "five_digit_year": ("40000,156,398,847130,987.0,15.5", 4, "year_storable", r"year 40000 does not"),
    "no_product": ("2021,156,398,,987.0,15.5", 4, "required", r"field 'k': the product code is empty"),
}


@pytest.mark.parametrize("case", list(BACI_BROKEN))
def test_baci_bulk_rows_are_checked(case: str, store, tmp_path: Path) -> None:
    from tests.integration.sources import formats

    row, line, rule, pattern = BACI_BROKEN[case]
    member = formats.BACI_2021.replace("2021,156,398,847130,987.0,15.5", row)
    formats.baci_zip(tmp_path / "m", members={"2021": member, "2022": formats.BACI_2022})
    with pytest.raises(DataError) as err:
        fetch("baci", store=store, mirror=tmp_path / "m")
    message = str(err.value)
    assert re.search(rf"BACI_HS92_Y2021_V202501\.csv line {line}\b", message), message
    assert f"(rule {rule})" in message and re.search(pattern, message), message
    assert store.execute("SELECT count(*) FROM trade_flows").fetchall() == [(0,)]
    assert store.execute("SELECT count(*) FROM datasets").fetchall() == [(0,)]


def test_baci_header_only_nul_and_duplicates(store, tmp_path: Path) -> None:
    from tests.integration.sources import formats

    formats.baci_zip(tmp_path / "a", members={"2021": "t,i,j,k,v,q\n"})
    with pytest.raises(RefusedLoad, match=r"Y2021_V202501\.csv line 2: the file has a header but no data"):
        fetch("baci", store=store, mirror=tmp_path / "a")
    formats.baci_zip(tmp_path / "b", members={"2021": formats.BACI_2021.replace("847130", "8471\x0030")})
    with pytest.raises(RefusedLoad, match=r"Y2021_V202501\.csv line 4: holds a NUL byte \(rule text\)"):
        fetch("baci", store=store, mirror=tmp_path / "b")
    conflict = formats.BACI_2021 + "2021,156,398,847130,1.0,15.5\n"
    formats.baci_zip(tmp_path / "c", members={"2021": conflict})
    with pytest.raises(RefusedLoad, match=r"key \(year=2021, exporter=CHN, importer=KAZ, product=847130\)"):
        fetch("baci", store=store, mirror=tmp_path / "c")
    assert store.execute("SELECT count(*) FROM trade_flows").fetchall() == [(0,)]
    exact = formats.BACI_2021 + "2021,156,398,847130,987.0,15.5\n"
    formats.baci_zip(tmp_path / "d", members={"2021": exact})
    result = fetch("baci", store=store, mirror=tmp_path / "d")
    assert result.rows == 3 and result.validation == {"exact_duplicates_dropped": {"trade_flows": 1}}
    assert store.execute("SELECT count(*) FROM trade_flows").fetchall() == [(3,)]
    params = store_data.dataset_info(store, result.dataset_id)["params"]
    assert params["validation"] == {"exact_duplicates_dropped": {"trade_flows": 1}}


def test_a_pin_also_steers_the_indicators(store, shared_data: Path, tmp_path: Path) -> None:
    """The indicators pick their trade dataset among the default editions only."""
    first = fetch("imf_dots", store=store, mirror=shared_data)
    rel = "imf_dots_1992_2020/dots_central_asia_extract.csv"
    target = tmp_path / "m" / rel
    target.parent.mkdir(parents=True)
    target.write_text((shared_data / rel).read_text("utf-8-sig").replace(",7823.41", ",7823.5", 1), "utf-8")
    second = fetch("imf_dots", store=store, mirror=tmp_path / "m", new_edition=True)
    assert {d["dataset_id"] for d in store_data.trade_datasets(store)} == {
        first.dataset_id,
        second.dataset_id,
    }
    store_data.pin(store, first.dataset_id)
    assert [d["dataset_id"] for d in store_data.trade_datasets(store)] == [first.dataset_id]
