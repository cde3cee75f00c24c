"""Each builder draws what its frame holds, in the palette's colours, and gives that frame back exactly."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from steppe import charts
from steppe.charts import Chart, palette
from steppe.errors import UsageError

pytestmark = pytest.mark.core


def roundtrip_csv(chart: Chart) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(chart.to_csv()), float_precision="round_trip", keep_default_na=True)


def traces(chart: Chart, **match) -> list[dict]:
    return [t for t in chart.spec()["data"] if all(t.get(k) == v for k, v in match.items())]


@pytest.fixture
def series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["KAZ", "KAZ", "KAZ", "UZB", "TKM", "KGZ"],
            "year": [2000, 2001, 2003, 2001, 2002, 2002],
            "share": [0.1, 0.2000000000000001, 0.25, 0.3, float("nan"), 0.123456789012345],
            "dataset_id": ["d1"] * 6,
        }
    )


def test_line_one_trace_per_entity_in_palette_order_and_colour(series):
    c = charts.line(
        series, x="year", y="share", entity="country", title="T", y_title="Share", unit="share",
        keep=["dataset_id"],
    )  # fmt: skip
    lines = traces(c, type="scatter")
    assert [t["name"] for t in lines] == ["Kazakhstan", "Kyrgyzstan", "Uzbekistan"]  # TKM has no value
    for t in lines:
        key = t["legendgroup"]
        assert t["line"]["color"] == t["marker"]["color"] == palette.colour(key)
        assert t["mode"] == "lines+markers"
    kaz = lines[0]
    assert kaz["x"] == [2000, 2001, 2002, 2003]  # the missing year is a gap ...
    assert kaz["y"][2] is None and kaz["connectgaps"] is False  # ... not a bridge
    single = traces(c, legendgroup="UZB")[0]
    assert single["x"] == [2001] and single["marker"]["size"] > kaz["marker"]["size"]  # a dot, not nothing
    layout = c.spec()["layout"]
    assert layout["yaxis"]["tickformat"] == ".1~%"
    assert layout["yaxis"]["title"]["text"] == "Share (%)"
    assert layout["xaxis"]["tickformat"] == "d"  # 2015, not 2,015
    assert "%{y:.1%}" in kaz["hovertemplate"]


def test_chart_data_roundtrips_through_csv_exactly(series):
    c = charts.line(
        series, x="year", y="share", entity="country", title="T", y_title="S", keep=["dataset_id"]
    )
    assert list(c.data.columns) == ["country", "year", "share", "dataset_id"]
    back = roundtrip_csv(c)
    pd.testing.assert_frame_equal(back, c.data, check_dtype=True)
    assert sorted(back["share"].dropna()) == sorted(series["share"].dropna())  # every digit kept


def test_chart_json_is_the_same_rows_with_metadata(series):
    c = charts.line(
        series, x="year", y="share", entity="country", title="T", y_title="S", unit="share", source="IMF DOTS"
    )
    doc = json.loads(c.to_json())
    assert doc["meta"]["units"] == {"share": "share"}
    assert doc["meta"]["source"] == "IMF DOTS"
    assert len(doc["rows"]) == len(series)
    by_key = {(r["country"], r["year"]): r["share"] for r in doc["rows"]}
    assert by_key[("KGZ", 2002)] == 0.123456789012345
    assert by_key[("TKM", 2002)] is None  # NaN is null, never the invalid token NaN


def test_line_bands_shade_each_entity_and_break_at_gaps():
    frame = pd.DataFrame(
        {
            "unit": ["KAZ"] * 4 + ["UZB"] * 2,
            "year": [2010, 2011, 2012, 2013, 2010, 2011],
            "score": [50.0, 51.0, 52.0, 53.0, 60.0, 61.0],
            "lo": [45.0, 46.0, None, 48.0, 55.0, 56.0],
            "hi": [55.0, 56.0, None, 58.0, 65.0, 66.0],
        }
    )
    c = charts.line(
        frame, x="year", y="score", entity="unit", low="lo", high="hi", title="Index", y_title="Score",
        unit="index",
    )  # fmt: skip
    bands = traces(c, fill="toself")
    assert len(bands) == 3  # KAZ: 2010-2011 and 2013; UZB: one
    assert all(b["showlegend"] is False and b["hoverinfo"] == "skip" for b in bands)
    first = bands[0]
    assert first["x"] == [2010, 2011, 2011, 2010] and first["y"] == [55.0, 56.0, 46.0, 45.0]
    assert first["fillcolor"].startswith("rgba(86,180,233,")  # Kazakhstan's sky blue, translucent
    with pytest.raises(UsageError, match="both low and high"):
        charts.line(frame, x="year", y="score", entity="unit", low="lo", title="t", y_title="s")


def test_line_over_dates_uses_a_date_axis():
    frame = pd.DataFrame({"k": ["CHN", "CHN"], "d": ["2020-01-31", "2020-02-29"], "v": [1.0, 2.0]})
    c = charts.line(frame, x="d", y="v", entity="k", title="t", y_title="v")
    assert c.spec()["layout"]["xaxis"]["type"] == "date"


def test_grouped_bars_colour_by_series_and_keep_category_order():
    frame = pd.DataFrame(
        {
            "country": ["KAZ", "KAZ", "UZB", "UZB"],
            "partner": ["CHN", "RUS", "CHN", "RUS"],
            "share": [0.2, 0.3, 0.25, 0.15],
        }
    )
    c = charts.bars(
        frame, category="country", value="share", series="partner", title="Partner shares",
        value_title="Share of total trade", unit="share",
    )  # fmt: skip
    bars = traces(c, type="bar")
    assert [b["name"] for b in bars] == ["China", "Russia"]
    assert [b["marker"]["color"] for b in bars] == [palette.colour("CHN"), palette.colour("RUS")]
    assert bars[0]["x"] == ["Kazakhstan", "Uzbekistan"] and bars[0]["y"] == [0.2, 0.25]
    assert c.spec()["layout"]["barmode"] == "group"
    stacked = charts.bars(
        frame, category="country", value="share", series="partner", mode="stack", orientation="h",
        title="t", value_title="v", unit="share", show_values=True,
    )  # fmt: skip
    layout = stacked.spec()["layout"]
    assert layout["barmode"] == "stack" and layout["yaxis"]["autorange"] == "reversed"
    assert traces(stacked, type="bar")[0]["x"] == [0.2, 0.25]  # horizontal: values on x
    with pytest.raises(UsageError, match="group or stack"):
        charts.bars(frame, category="country", value="share", mode="pile", title="t", value_title="v")


def test_single_series_bars_colour_each_category_and_sort_by_value():
    frame = pd.DataFrame({"country": ["KGZ", "KAZ", "UZB"], "usd": [4.1e9, 2.06304e10, 7.5e8]})
    c = charts.bars(
        frame, category="country", value="usd", title="Finance", value_title="Commitments", unit="usd",
        sort_by_value=True,
    )  # fmt: skip
    (bar,) = traces(c, type="bar")
    assert bar["x"] == ["Kazakhstan", "Kyrgyzstan", "Uzbekistan"]
    assert bar["marker"]["color"] == [palette.colour(k) for k in ("KAZ", "KGZ", "UZB")]
    assert "$%{y:,.0f}" in bar["hovertemplate"]  # $20,630,400,000, never 2.06304e+10
    axis = c.spec()["layout"]["yaxis"]
    assert axis["exponentformat"] == "B" and axis["tickprefix"] == "$"


def test_heatmap_matrix_follows_the_frame():
    frame = pd.DataFrame({"r": ["KAZ", "KAZ", "UZB"], "p": ["UZB", "KGZ", "KAZ"], "v": [1.5, 0.5, 2.0]})
    c = charts.heatmap(frame, x="p", y="r", value="v", title="Intensity", value_title="index", midpoint=1.0)
    (hm,) = c.spec()["data"]
    assert hm["x"] == ["Kazakhstan", "Kyrgyzstan", "Uzbekistan"]  # palette order, names
    assert hm["y"] == ["Kazakhstan", "Uzbekistan"]
    assert hm["z"] == [[None, 0.5, 1.5], [2.0, None, None]]
    assert hm["zmid"] == 1.0 and "texttemplate" in hm


def test_membership_matrix_labels_cells_with_roles_and_rows_with_names():
    cells = pd.DataFrame(
        {
            "org": ["sco", "sco", "eaeu", "wto"],
            "country": ["KAZ", "UZB", "KAZ", "UZB"],
            "role": ["founding_member", "founding_member", "member", "observer"],
        }
    )
    names = {"sco": "Shanghai Cooperation Organisation", "eaeu": "Eurasian Economic Union"}
    c = charts.membership_matrix(cells, title="Who belongs", org_names=names)
    hm = c.spec()["data"][0]
    assert hm["x"] == ["Kazakhstan", "Uzbekistan"]
    assert hm["y"] == [
        "Shanghai Cooperation Organisation",
        "Eurasian Economic Union",
        "wto",
    ]  # 2 members first
    assert hm["text"][0] == ["founding member", "founding member"]
    assert hm["text"][1] == ["member", ""]  # no tie, no label
    assert hm["z"][1][1] is None
    legend = [t["name"] for t in c.spec()["data"][1:]]
    assert legend == ["founding member", "member", "observer"]
    assert [t["marker"]["color"] for t in c.spec()["data"][1:]] == [
        palette.ROLES["founding_member"],
        palette.ROLES["member"],
        palette.ROLES["observer"],
    ]


def test_membership_timeline_is_compact_grouped_by_organisation_with_names():
    periods = pd.DataFrame(
        {
            "org": ["sco", "sco", "sco", "eaeu", "wto"],
            "country": ["KAZ", "UZB", "TKM", "KAZ", "UZB"],
            "role": ["founding_member", "member", "observer", "founding_member", "observer"],
            "start": ["2001-06-15", "2001-06-15", "2005-01-01", "2015-01-01", "1994-12-01"],
            "end": [None, None, "2010-01-01", None, None],
        }
    )
    names = {"sco": "Shanghai Cooperation Organisation", "eaeu": "Eurasian Economic Union", "wto": "WTO"}
    c = charts.membership_timeline(periods, title="Memberships", org_names=names, as_of=dt.date(2024, 1, 1))
    bars = [t for t in traces(c, type="bar") if t.get("offsetgroup")]
    assert {t["offsetgroup"] for t in bars} == {"KAZ", "TKM", "UZB"}  # one lane per state
    ys = c.spec()["layout"]["yaxis"]["categoryarray"]
    assert ys == ["WTO", "Shanghai Cooperation Organisation", "Eurasian Economic Union"]  # by first start
    assert not any(y in ys for y in ("sco", "eaeu"))  # names, not slugs
    kaz = next(t for t in bars if t["offsetgroup"] == "KAZ")
    assert kaz["marker"]["color"] == palette.colour("KAZ") and "pattern" not in kaz["marker"]
    tkm = next(t for t in bars if t["offsetgroup"] == "TKM")
    assert tkm["marker"]["pattern"]["shape"] == "/"  # observer: hatched
    assert tkm["x"] == [(dt.date(2010, 1, 1) - dt.date(2005, 1, 1)).days * 86_400_000]
    open_ended = kaz["x"][kaz["base"].index("2015-01-01")]
    assert open_ended == (dt.date(2024, 1, 1) - dt.date(2015, 1, 1)).days * 86_400_000
    assert c.height < 400  # three organisations: a few hundred pixels, not thousands


def test_event_timeline_one_lane_per_kind():
    events = pd.DataFrame(
        {
            "start": ["2001-06-15", "2015-01-01", "2019-11-29"],
            "type": ["founding", "treaty", "summit"],
            "title": ["SCO founded", "EAEU treaty in force", "Tashkent summit"],
        }
    )
    c = charts.event_timeline(events, title="Events")
    lanes = {t["name"]: t for t in c.spec()["data"]}
    assert set(lanes) == {"founding", "treaty", "summit"}
    assert (
        lanes["treaty"]["x"] == ["2015-01-01"] and "EAEU treaty in force" in lanes["treaty"]["hovertext"][0]
    )


def test_shared_membership_edges_count_organisations_in_common():
    ties = pd.DataFrame(
        {"country": ["KAZ", "KAZ", "UZB", "UZB", "CHN"], "org": ["sco", "cis", "sco", "cis", "sco"]}
    )
    edges = charts.shared_membership_edges(ties, org_names={"sco": "SCO", "cis": "CIS"})
    assert edges.to_dict("records") == [
        {"country_a": "KAZ", "country_b": "UZB", "shared": 2, "organisations": "CIS; SCO"},
        {"country_a": "KAZ", "country_b": "CHN", "shared": 1, "organisations": "SCO"},
        {"country_a": "UZB", "country_b": "CHN", "shared": 1, "organisations": "SCO"},
    ]
    c = charts.network(edges, title="Shared memberships")
    nodes = c.spec()["data"][-1]
    assert nodes["text"] == ["Kazakhstan", "Uzbekistan", "China"]
    assert nodes["marker"]["color"] == [palette.colour(k) for k in ("KAZ", "UZB", "CHN")]
    widths = [t["line"]["width"] for t in c.spec()["data"] if t.get("mode") == "lines"]
    assert widths[0] > widths[1] == widths[2]  # two shared organisations draw wider than one
    assert "CIS; SCO" in c.spec()["data"][-2]["hovertext"][0]
    pd.testing.assert_frame_equal(roundtrip_csv(c), c.data)


def test_intervals_draw_asymmetric_bounds_and_a_reference_line():
    coef = pd.DataFrame(
        {"term": ["rta", "ln_dist"], "estimate": [0.4, -1.1], "lo": [0.1, -1.3], "hi": [0.8, -1.0]}
    )
    c = charts.intervals(
        coef, label="term", estimate="estimate", low="lo", high="hi", title="Coefficients",
        x_title="Coefficient", reference=0.0,
    )  # fmt: skip
    (t,) = c.spec()["data"]
    assert t["x"] == [0.4, -1.1]
    assert t["error_x"]["array"] == pytest.approx([0.4, 0.1])
    assert t["error_x"]["arrayminus"] == pytest.approx([0.3, 0.2])
    assert c.spec()["layout"]["shapes"][0]["x0"] == 0.0
    grouped = charts.intervals(
        coef.assign(unit=["KAZ", "UZB"]), label="term", group="unit", estimate="estimate", low="lo",
        high="hi", title="t", x_title="x",
    )  # fmt: skip
    assert [g["marker"]["color"] for g in grouped.spec()["data"]] == [
        palette.colour("KAZ"),
        palette.colour("UZB"),
    ]


def test_a_missing_column_is_named_in_one_sentence():
    frame = pd.DataFrame({"country": ["KAZ"], "year": [2000]})
    with pytest.raises(UsageError, match=r"Chart 'T' needs the column\(s\) share .* it has country, year"):
        charts.line(frame, x="year", y="share", entity="country", title="T", y_title="S")
    with pytest.raises(UsageError, match="pandas DataFrame"):
        charts.bars([1, 2], category="a", value="b", title="t", value_title="v")  # type: ignore[arg-type]


def test_builders_do_not_change_their_input(series):
    before = series.copy()
    charts.line(series, x="year", y="share", entity="country", title="T", y_title="S")
    pd.testing.assert_frame_equal(series, before)


def test_a_bad_figure_attribute_fails_in_python():
    from steppe.charts.chart import new_chart
    from steppe.charts.look import base_layout

    with pytest.raises(ValueError, match="colour"):
        new_chart(
            "line",
            title="t",
            traces=[{"type": "scatter", "x": [1], "y": [1], "line": {"colour": "red"}}],
            layout=base_layout("t", 300),
            data=pd.DataFrame(),
        )
