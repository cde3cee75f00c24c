"""A gallery page with every chart kind, for the browser test and for reviewers' eyes.

Membership charts use the bundled knowledge base (real, sourced facts). The numeric charts
use small frames written here to exercise shapes (gaps, single years, bands, billions,
negative coefficients); their titles say "test data" and their numbers mean nothing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from steppe import charts
from steppe.charts import Chart

AS_OF = dt.date(2024, 1, 1)
C5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
POWERS = ["CHN", "RUS", "EU27", "USA", "TUR", "IRN"]
#: A label that is HTML, markup-like and quoted at once: it must be drawn literally.
NASTY = "A<b>&amp;\"x'[b]</b>"


def kb_frames(store) -> dict[str, pd.DataFrame]:
    """Memberships, overlap cells, events and organisation names from the bundled KB."""
    from steppe.kb import queries

    periods = pd.DataFrame([r for c in C5 for r in queries.timeline(country=c, store=store)])
    ov = queries.overlap(AS_OF, store=store)
    cells = pd.DataFrame(
        [{"org": o, "country": c, "role": r} for c, row in ov.roles.items() for o, r in row.items()]
    )
    names = {o["slug"]: o["name"] for o in queries.organisations(store=store)}
    events = pd.DataFrame(queries.events(store=store))
    big = pd.DataFrame(
        [
            {"org": o, "country": c, "role": r}
            for c in [*C5, "CHN", "RUS", "TUR", "IRN", "AFG", "IND", "PAK", "USA"]
            for r, o in ((m["role"], m["org"]) for m in queries.memberships(c, AS_OF, store=store))
            if r in ("member", "founding_member", "party", "signatory")
        ]
    )
    return {"periods": periods, "cells": cells, "names": names, "events": events, "ties": big}


def numeric_frames() -> dict[str, pd.DataFrame]:
    regions = pd.DataFrame(
        [
            *(
                {"region": "c5", "year": y, "intra_share": 0.05 + 0.004 * (y - 2005)}
                for y in range(2005, 2024)
            ),
            *(
                {"region": "asean", "year": y, "intra_share": 0.22 + 0.001 * (y - 2005)}
                for y in range(2005, 2024)
            ),
            *(
                {"region": "eu27", "year": y, "intra_share": 0.62 - 0.002 * (y - 2005)}
                for y in range(2005, 2024)
            ),
            *(
                {"region": "mercosur", "year": y, "intra_share": 0.12}
                for y in (*range(2005, 2012), *range(2014, 2024))
            ),
            {"region": "c5_afg", "year": 2020, "intra_share": 0.09},  # one year only: must show as a dot
        ]
    )
    index = pd.DataFrame(
        [
            {
                "unit": c,
                "year": y,
                "score": 30 + 8 * i + 0.8 * (y - 2010),
                "score_p05": 24 + 8 * i + 0.8 * (y - 2010),
                "score_p95": 37 + 8 * i + 0.8 * (y - 2010),
            }
            for i, c in enumerate(C5)
            for y in range(2010, 2023)
            if not (c == "TKM" and y in (2015, 2016))
        ]
    )
    shares = pd.DataFrame(
        [
            {"country": c, "partner": p, "share": round(0.01 + 0.02 * ((i * 7 + j * 3) % 9), 4)}
            for i, c in enumerate(C5)
            for j, p in enumerate(POWERS)
        ]
    )
    finance = pd.DataFrame({"country": C5, "usd": [2.06304e10, 4.1e9, 3.25e9, 1.2e10, 7.5e8]})
    intensity = pd.DataFrame(
        [
            {"reporter": a, "partner": b, "intensity": round(0.4 + ((i * 5 + j * 3) % 11) * 0.6, 2)}
            for i, a in enumerate(C5)
            for j, b in enumerate(C5)
            if a != b
        ]
    )
    coefficients = pd.DataFrame(
        {
            "term": ["RTA", "EAEU membership", "SCO membership", "Common border", "ln distance"],
            "estimate": [0.42, 0.31, -0.05, 0.88, -1.12],
            "ci_low": [0.21, 0.02, -0.31, 0.61, -1.35],
            "ci_high": [0.63, 0.60, 0.21, 1.15, -0.89],
        }
    )
    latest = index[index["year"] == 2022].assign(label=lambda f: f["unit"])
    nasty = pd.DataFrame(
        {"name": [NASTY, "Plain", "Tom & Jerry's <i>", "[bold]x[/bold]"], "value": [3.0, 1.5, 2.25, 1.0]}
    )
    return {
        "regions": regions,
        "index": index,
        "shares": shares,
        "finance": finance,
        "intensity": intensity,
        "coefficients": coefficients,
        "latest": latest,
        "nasty": nasty,
    }


def gallery(store) -> list[Chart]:
    """Every chart kind, titled by what it shows."""
    kb = kb_frames(store)
    n = numeric_frames()
    kb_source = "steppe knowledge base (bundled), memberships and events with their own sources"
    return [
        charts.line(
            n["regions"],
            x="year",
            y="intra_share",
            entity="region",
            title="Intra-regional trade share, C5 and peers (test data)",
            y_title="Share of the region's trade",
            unit="share",
            source="test data, not a measurement",
            chart_id="line-regions",
        ),
        charts.line(
            n["index"],
            x="year",
            y="score",
            entity="unit",
            low="score_p05",
            high="score_p95",
            title="Composite index with its 5th-95th percentile band (test data)",
            y_title="Score (0-100)",
            unit="index",
            source="test data",
            chart_id="line-bands",
        ),
        charts.bars(
            n["shares"],
            category="country",
            value="share",
            series="partner",
            title="Partner shares in each state's trade (test data)",
            value_title="Share of total trade",
            unit="share",
            source="test data",
            chart_id="bars-grouped",
        ),
        charts.bars(
            n["shares"],
            category="country",
            value="share",
            series="partner",
            mode="stack",
            orientation="h",
            title="Dependence on the powers, stacked (test data)",
            value_title="Share of total trade",
            unit="share",
            source="test data",
            show_values=True,
            chart_id="bars-stacked",
        ),
        charts.bars(
            n["finance"],
            category="country",
            value="usd",
            title="Finance committed, billions (test data)",
            value_title="Commitments",
            unit="usd",
            sort_by_value=True,
            source="test data",
            chart_id="bars-usd",
        ),
        charts.heatmap(
            n["intensity"],
            x="partner",
            y="reporter",
            value="intensity",
            title="Trade intensity between the C5 (test data)",
            value_title="Intensity index",
            x_title="Partner",
            y_title="Reporter",
            source="test data",
            chart_id="heatmap",
        ),
        charts.membership_matrix(
            kb["cells"],
            title=f"Who belongs to what, as of {AS_OF.isoformat()}",
            org_names=kb["names"],
            source=kb_source,
            chart_id="membership-matrix",
        ),
        charts.membership_timeline(
            kb["periods"],
            title="Membership periods of the C5, by organisation",
            org_names=kb["names"],
            as_of=AS_OF,
            source=kb_source,
            chart_id="membership-timeline",
        ),
        charts.event_timeline(
            kb["events"],
            title="Founding acts, treaties, accessions and summits",
            source=kb_source,
            chart_id="events",
        ),
        charts.network(
            charts.shared_membership_edges(kb["ties"], org_names=kb["names"]),
            title=f"Shared full memberships, as of {AS_OF.isoformat()}",
            source=kb_source,
            chart_id="network",
        ),
        charts.intervals(
            n["coefficients"],
            label="term",
            estimate="estimate",
            low="ci_low",
            high="ci_high",
            title="Gravity coefficients with 95% intervals (test data)",
            x_title="Coefficient (PPML)",
            reference=0.0,
            source="test data",
            chart_id="forest",
        ),
        charts.intervals(
            n["latest"],
            label="label",
            group="unit",
            estimate="score",
            low="score_p05",
            high="score_p95",
            title="Index scores in 2022 with their bands (test data)",
            x_title="Score (0-100)",
            unit="index",
            sort_by_estimate=True,
            source="test data",
            chart_id="forest-grouped",
        ),
        charts.bars(
            n["nasty"],
            category="name",
            value="value",
            title=f"Escaping: {NASTY} (test data)",
            value_title="Value & <units>",
            source='test <data> & "quotes"',
            chart_id="escaping",
        ),
    ]
