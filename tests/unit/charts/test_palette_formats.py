"""The palette gives one fixed colour per entity, everywhere; formats read like people write numbers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from steppe.charts import format_value, palette
from steppe.charts.formats import axis_title, hover_format, hover_value
from steppe.errors import UsageError

pytestmark = pytest.mark.core


def test_fixed_colours_are_stable():
    # Pinned: changing one of these changes every chart a reader has seen; do it on purpose.
    assert {k: palette.colour(k) for k in ("KAZ", "KGZ", "TJK", "TKM", "UZB")} == {
        "KAZ": "#56B4E9",
        "KGZ": "#D55E00",
        "TJK": "#E69F00",
        "TKM": "#009E73",
        "UZB": "#0072B2",
    }
    assert palette.colour("CHN") == "#CC6677"
    assert palette.colour("RUS") == "#332288"
    assert palette.colour("c5") == "#000000"


def test_each_group_draws_from_one_colour_blind_safe_set_without_repeats():
    groups: dict[str, list[str]] = {}
    for e in palette.ENTITIES.values():
        groups.setdefault(e.group, []).append(e.colour.upper())
    assert set(groups["c5"]) <= {c.upper() for c in palette.OKABE_ITO.values()}
    allowed_powers = {c.upper() for c in palette.TOL_MUTED.values()} | {palette.TOL_BRIGHT["cyan"].upper()}
    assert set(groups["power"]) <= allowed_powers
    for name in ("c5", "power", "region"):
        assert len(groups[name]) == len(set(groups[name])), name


@pytest.mark.parametrize("alias", ["EU", "eu", "EUU", "EU27", "eu27", "EU27_2020", " eu27 "])
def test_the_eu_is_one_entity_with_one_colour(alias):
    assert palette.colour(alias) == palette.colour("EU27")
    assert palette.label(alias) == "European Union"


def test_region_spellings_normalise_like_the_region_ids():
    assert palette.colour("C5+AFG") == palette.colour("c5_afg") == palette.colour("c5-afg")


@pytest.mark.subprocess
def test_unknown_keys_get_a_deterministic_fallback_in_any_process():
    assert palette.colour("JPN") == palette.colour("jpn") == "#CC3311"
    assert palette.colour("KOR") in palette.FALLBACK
    # a fresh interpreter with another hash seed gives the same colour (no reliance on hash())
    out = subprocess.run(
        [sys.executable, "-c", "from steppe.charts import palette; print(palette.colour('JPN'))"],
        capture_output=True,
        text=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
        check=True,
    )
    assert out.stdout.strip() == "#CC3311"


def test_colours_for_keeps_fixed_colours_and_separates_unknown_keys():
    keys = ["KAZ", "JPN", "KOR", "GBR", "DEU", "FRA", "ITA"]
    got = palette.colours_for(keys)
    assert got["KAZ"] == palette.colour("KAZ")
    unknown = [got[k] for k in keys[1:]]
    assert len(set(unknown)) == len(unknown) == len(palette.FALLBACK)
    assert palette.colours_for(keys) == got  # same input, same colours


def test_labels_prefer_the_callers_names():
    assert palette.label("KAZ") == "Kazakhstan"
    assert (
        palette.label("sco", {"sco": "Shanghai Cooperation Organisation"})
        == "Shanghai Cooperation Organisation"
    )
    assert (
        palette.label("SCO", {"sco": "Shanghai Cooperation Organisation"})
        == "Shanghai Cooperation Organisation"
    )
    assert palette.label("zzz") == "zzz"


def test_roles_colour_by_their_strongest_part():
    assert palette.role_colour("founding_member") == palette.ROLES["founding_member"]
    assert palette.role_colour("observer+member") == palette.ROLES["member"]
    assert palette.role_label("dialogue_partner+observer") == "dialogue partner + observer"
    assert palette.role_colour("no_such_role") == palette.NEUTRAL
    assert palette.role_rank("founding_member") < palette.role_rank("observer") < palette.role_rank("zzz")


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (2.06304e10, "number", "20,630,400,000"),
        (2.06304e10, "usd", "$20,630,400,000"),
        (-1234567.0, "usd", "-$1,234,567"),
        (0.25, "share", "25.0%"),
        (12.345, "percent", "12.35%"),
        (1999, "number", "1999"),
        (0.01234, "number", "0.0123"),
        (0.0000123, "number", "0.000012"),
        (float("nan"), "number", ""),
        (None, "number", ""),
        ("n/a", "number", "n/a"),
    ],
)
def test_format_value_never_prints_scientific_notation_for_people(value, unit, text):
    assert format_value(value, unit) == text


def test_hover_formats_follow_magnitude_and_unit():
    assert hover_format([2.06304e10], "usd") == ("$", ",.0f", "")
    assert hover_format([0.2, 0.4], "share") == ("", ".1%", "")
    assert hover_format([1.5, 3.0], "number") == ("", ",.2~f", "")
    assert hover_value("y", [0.01], "number") == "%{y:.3~g}"
    assert hover_value("x", [12.0], "percent") == "%{x:,.1f}%"


def test_axis_titles_carry_their_unit_once():
    assert axis_title("Share of total trade", "share") == "Share of total trade (%)"
    assert axis_title("Share of total trade (%)", "share") == "Share of total trade (%)"
    assert axis_title("Commitments", "usd") == "Commitments (US$)"
    assert axis_title("Commitments, US$ bn", "usd") == "Commitments, US$ bn"
    assert axis_title("Score (0-100)", "index") == "Score (0-100)"


def test_unknown_unit_is_refused_with_the_choices():
    import pandas as pd

    from steppe.charts import line

    frame = pd.DataFrame({"c": ["KAZ"], "year": [2000], "v": [1.0]})
    with pytest.raises(UsageError, match="share, percent, usd, number, index"):
        line(frame, x="year", y="v", entity="c", title="t", y_title="v", unit="dollars")


def test_the_docs_palette_table_matches_the_code():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "charts.md").read_text("utf-8")
    for e in palette.ENTITIES.values():
        assert f"| `{e.key}` | {e.label} | {e.group} | `{e.colour}` |" in doc, e.key
