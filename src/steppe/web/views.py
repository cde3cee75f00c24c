"""The dashboard's charts and key numbers: data from :mod:`steppe.web.data`, drawn by :mod:`steppe.charts`.

Each function takes the :class:`~steppe.web.data.WebData` and the page's parameters and returns
a :class:`View`: the chart (or ``None`` with the sentence saying which ``steppe fetch`` fills it)
and the links to every source behind it. No SQL and no analysis here: only shaping for display.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from steppe import charts
from steppe.charts import Chart
from steppe.errors import NotFoundError, SteppeError, UsageError
from steppe.web.data import C5, FETCH, WebData

KB_SOURCE = "steppe knowledge base (bundled); each membership's sources are linked below"
POWERS = ("CHN", "RUS", "EU27", "USA", "TUR", "IRN")
#: The indicator families the explorer offers (total-trade ones; product-level ones need BACI).
EXPLORER = {
    "regional": "Intra-regional trade share of the region and its peers",
    "introversion": "Regional trade introversion (Iapadre) of the region and its peers",
    "members": "Each member's trade with the rest of the region (share of its total)",
    "partners": "Partner shares in each member's trade (top partners, latest year)",
    "hhi": "Partner concentration of each member (Herfindahl-Hirschman)",
    "intensity": "Trade intensity between members (latest year)",
}
VIEWS = ("reported", "exports", "imports", "mirror", "reconciled")


def default_view(indicator: str) -> str:
    """The trade view an indicator opens with: regions are compared on the reconciled view (so that
    a non-reporter such as Turkmenistan is measured at all, as in the report), members on their own
    reports."""
    return "reconciled" if indicator in ("regional", "introversion") else "reported"


@dataclass
class Link:
    label: str
    href: str

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "href": self.href}


@dataclass
class View:
    """One chart slot: the chart, or why it is empty, and its sources."""

    id: str
    chart: Chart | None = None
    empty: str | None = None
    sources: list[Link] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "chart": self.chart.to_payload() if self.chart is not None else None,
            "caption": self.chart.caption if self.chart is not None else None,
            "empty": self.empty,
            "note": self.note,
            "sources": [s.as_dict() for s in self.sources],
        }


# -- provenance links ------------------------------------------------------------------------------
def is_starter(d: dict[str, Any]) -> bool:
    """Whether a stored dataset is the starter snapshot bundled with steppe (not fresh data)."""
    params = d.get("params")
    return bool(isinstance(params, dict) and params.get("starter")) or ":starter-" in str(d.get("dataset_id"))


def dataset_label(d: dict[str, Any]) -> str:
    label = f"{d['source']} {d['dataset']}, edition {d['edition']}"
    return label + " (starter snapshot bundled with steppe)" if is_starter(d) else label


def dataset_links(data: WebData, ids: Iterable[Any]) -> list[Link]:
    out = []
    for i in sorted({str(x) for x in ids if x is not None and not (isinstance(x, float) and math.isnan(x))}):
        d = data.dataset(i)
        out.append(Link(dataset_label(d) if d else f"dataset {i}", f"/sources#dataset-{i}"))
    return out


def kb_links(data: WebData, ids: Iterable[str]) -> list[Link]:
    known = data.kb_sources()
    out = []
    for i in sorted(set(ids)):
        s = known.get(i)
        out.append(Link(str(s.get("title") or i) if s else i, f"/sources#kb-{i}"))
    return out


def source_ids(rows: Iterable[dict[str, Any]] | pd.DataFrame) -> set[str]:
    records = rows.to_dict(orient="records") if isinstance(rows, pd.DataFrame) else rows
    found: set[str] = set()
    for r in records:
        found.update(r.get("sources") or [])
    return found


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``2005:2020`` (or one year) to a range; ``None`` for all years."""
    if text is None or not text.strip():
        return None
    parts = text.strip().split(":")
    try:
        if len(parts) == 1:
            y = int(parts[0])
            first, last = y, y
        elif len(parts) == 2:
            first, last = int(parts[0]), int(parts[1])
        else:
            raise ValueError
    except ValueError:
        raise UsageError(f"years '{text}' is not a range: write FIRST:LAST, e.g. 2005:2020.") from None
    if not (1900 <= first <= 2100 and 1900 <= last <= 2100):
        raise UsageError(f"years '{text}' is outside 1900-2100: write FIRST:LAST, e.g. 2005:2020.")
    if last < first:
        raise UsageError(f"years '{text}' ends before it starts: write FIRST:LAST, e.g. 2005:2020.")
    return first, last


# -- institutions ----------------------------------------------------------------------------------
def overlap_cells(data: WebData, as_of: date) -> pd.DataFrame:
    ov = data.overlap(as_of)
    rows = [
        {"org": o, "country": c, "role": r.replace("+", " + ")}
        for c, row in ov["roles"].items()
        for o, r in row.items()
    ]
    rows += [
        {"org": o, "country": c, "role": f"{r.replace('+', ' + ')} (uncertain)"}
        for c, row in ov["uncertain"].items()
        for o, r in row.items()
        if o not in ov["roles"].get(c, {})
    ]
    return pd.DataFrame(rows, columns=["org", "country", "role"])


def _active_sources(data: WebData, as_of: date, orgs: set[str]) -> set[str]:
    periods = data.periods()
    if periods.empty:
        return set()
    found: set[str] = set()
    for r in periods.to_dict(orient="records"):
        if (
            r["org"] in orgs
            and str(r["start"]) <= as_of.isoformat()
            and (not r.get("end") or str(r["end"]) > as_of.isoformat())
        ):
            found.update(r.get("sources") or [])
    return found


def overlap_view(data: WebData, as_of: date) -> View:
    cells = overlap_cells(data, as_of)
    view = View("overlap")
    if cells.empty:
        view.empty = f"No C5 state held a role in any organisation in the knowledge base on {as_of}."
        return view
    view.chart = charts.membership_matrix(
        cells,
        title=f"Who belongs to what on {as_of.isoformat()}",
        org_names=data.org_names(),
        country_names=data.country_names(),
        countries=list(C5),
        source=KB_SOURCE,
        caption=(
            "Roles of the five Central Asian states in each organisation on the date shown (a period "
            "counts from its start day and not on its end day; a date known only to the year or month "
            "is marked uncertain on the days it may fall on)."
        ),
        chart_id="overlap",
    )
    view.sources = kb_links(data, _active_sources(data, as_of, set(cells["org"])))
    return view


def timeline_view(data: WebData, as_of: date | None = None) -> View:
    periods = data.periods()
    view = View("timeline")
    if periods.empty:
        view.empty = "The knowledge base holds no membership period of the C5."
        return view
    view.chart = charts.membership_timeline(
        periods,
        title="Membership periods of the C5, by organisation",
        org_names=data.org_names(),
        country_names=data.country_names(),
        as_of=as_of,
        first_year=1991,
        source=KB_SOURCE,
        caption="One row per organisation, a thin lane per state; looser ties (observer, partner) hatched.",
        keep=("sources",) if "sources" in periods else (),
        chart_id="timeline",
    )
    view.sources = kb_links(data, source_ids(periods))
    return view


def network_view(data: WebData, as_of: date) -> View:
    ties = data.ties(as_of)
    view = View("network")
    edges = charts.shared_membership_edges(ties, org_names=data.org_names()) if len(ties) else ties
    if ties.empty or edges.empty:
        view.empty = f"No two C5 states were full members of a common organisation on {as_of}."
        return view
    view.chart = charts.network(
        edges,
        title=f"Shared full memberships between the C5 on {as_of.isoformat()}",
        names=data.country_names(),
        source=KB_SOURCE,
        caption="Line width: the number of organisations both states are full members (or parties) of.",
        chart_id="network",
    )
    view.sources = kb_links(data, _active_sources(data, as_of, set(ties["org"])))
    return view


def events_view(data: WebData) -> View:
    evs = pd.DataFrame(data.events())
    view = View("events")
    if evs.empty:
        view.empty = "The knowledge base holds no events."
        return view
    view.chart = charts.event_timeline(
        evs,
        title="Founding acts, treaties, accessions and summits",
        source=KB_SOURCE,
        chart_id="events",
    )
    view.sources = kb_links(data, source_ids(evs))
    return view


def org_timeline_view(data: WebData, slug: str, name: str) -> View:
    periods = data.org_periods(slug)
    view = View("org-timeline")
    if periods.empty:
        view.empty = f"The knowledge base holds no membership period of {name}."
        return view
    # one row per state (the builder's rows are its 'organisation' column), ordered by start
    by_state = periods.rename(columns={"org": "state_of", "country": "org"}).rename(
        columns={"state_of": "country"}
    )
    view.chart = charts.membership_timeline(
        by_state,
        title=f"Members of {name} over time, one row per state",
        org_names=data.country_names(),
        country_names={slug: name},
        source=KB_SOURCE,
        caption="Full members solid, looser ties (observer, dialogue partner, partner) hatched.",
        chart_id="org-timeline",
    )
    view.sources = kb_links(data, source_ids(periods))
    return view


# -- trade -----------------------------------------------------------------------------------------
def region_names(data: WebData) -> dict[str, str]:
    return {r["id"]: r["name"] for r in data.regions()}


def trade_view(
    data: WebData,
    *,
    indicator: str,
    region: str,
    peers: Sequence[str],
    dataset: str | None,
    view_name: str | None,
    years: tuple[int, int] | None,
) -> View:
    """The indicator explorer's chart (``view_name`` None: :func:`default_view`)."""
    view_name = view_name or default_view(indicator)
    if indicator not in EXPLORER:
        raise UsageError(f"Unknown indicator '{indicator}': use one of {', '.join(EXPLORER)}.")
    if view_name not in VIEWS:
        raise UsageError(f"Unknown trade view '{view_name}': use one of {', '.join(VIEWS)}.")
    names = region_names(data)
    for r in (region, *peers):
        if r not in names:
            raise NotFoundError(f"Unknown region '{r}': use one of {', '.join(sorted(names))}.")
    view = View("trade")
    if not data.trade_datasets():
        view.empty = f"No bilateral trade is stored: run '{FETCH['trade']}' (or '{FETCH['trade_world']}')."
        return view
    title_years = f", {years[0]}-{years[1]}" if years else ""
    try:
        if indicator in ("regional", "introversion"):
            frame = data.compare(
                [region, *[p for p in peers if p != region]], dataset=dataset, view=view_name, years=years
            )
            column = "intra_share" if indicator == "regional" else "introversion"
            shown = frame.dropna(subset=[column]).assign(region=lambda f: f["region"].str.upper())
            label = {k.upper(): v for k, v in names.items()}
            if shown.empty:
                view.empty = _no_numbers(frame, indicator)
                return view
            absent = sorted(set(frame["region"].str.upper()) - set(shown["region"]))
            if absent:
                reasons = frame[frame["region"].str.upper().isin(absent)].get("reason")
                why = sorted({str(r) for r in reasons.dropna()})[:2] if reasons is not None else []
                view.note = (
                    f"Not drawn: {', '.join(label.get(a, a) for a in absent)}; the {view_name} view of "
                    "this dataset does not cover every member"
                    + (f" ({'; '.join(why)})" if why else "")
                    + ". Try the reconciled view or another dataset."
                )
            view.chart = charts.line(
                shown,
                x="year",
                y=column,
                entity="region",
                title=EXPLORER[indicator] + title_years,
                y_title="Share of the region's trade"
                if column == "intra_share"
                else "Introversion (-1 to 1)",
                unit="share" if column == "intra_share" else "index",
                names=label,
                source=_source_line(data, shown),
                keep=("dataset_id", "view"),
                chart_id="trade",
            )
        else:
            if indicator == "intensity" and dataset is None:
                # intensity divides by world trade: by default the dataset that is a world matrix,
                # the one the region comparison chooses
                dataset = world_dataset(data, region, view_name, years)
            frame = data.indicator(indicator, region, dataset=dataset, view=view_name, years=years)
            view.chart = _member_chart(frame, indicator, names.get(region, region), data, title_years)
            shown = frame
            if view.chart is None:
                view.empty = _no_numbers(frame, indicator)
                return view
    except NotFoundError as exc:
        view.empty = str(exc)
        return view
    view.sources = dataset_links(data, shown["dataset_id"].unique() if "dataset_id" in shown else [])
    return view


def world_dataset(data: WebData, region: str, view: str, years: tuple[int, int] | None) -> str | None:
    """The stored dataset the session API compares regions on (a world matrix where one is stored)."""
    try:
        ids = data.compare([region], dataset=None, view=view, years=years)["dataset_id"].dropna()
    except SteppeError:
        return None
    return str(ids.iloc[0]) if len(ids) else None


def _no_numbers(frame: pd.DataFrame, indicator: str) -> str:
    reasons = sorted({str(r) for r in frame.get("reason", pd.Series(dtype=object)).dropna()})[:3]
    why = f" ({'; '.join(reasons)})" if reasons else ""
    return (
        f"The chosen dataset and view give no {indicator} numbers for this selection{why}; try the "
        f"reconciled view, another dataset, or run '{FETCH['trade_world']}' for a world matrix."
    )


def _source_line(data: WebData, frame: pd.DataFrame) -> str:
    ids = sorted({str(i) for i in frame.get("dataset_id", pd.Series(dtype=object)).dropna()})
    parts = []
    for i in ids:
        d = data.dataset(i)
        parts.append(dataset_label(d) if d else f"dataset {i}")
    views = sorted({str(v) for v in frame.get("view", pd.Series(dtype=object)).dropna()})
    return "; ".join(parts) + (f" ({', '.join(views)} view)" if views else "")


def _member_chart(
    frame: pd.DataFrame, indicator: str, region_name: str, data: WebData, span: str
) -> Chart | None:
    names = data.country_names()
    src = _source_line(data, frame)
    if indicator == "members":
        shown = frame.dropna(subset=["share"])
        if shown.empty:
            return None
        return charts.line(
            shown,
            x="year",
            y="share",
            entity="country",
            title=f"Each member's trade with the rest of {region_name}{span}",
            y_title="Share of total trade",
            unit="share",
            names=names,
            source=src,
            keep=("dataset_id", "view"),
            chart_id="trade",
        )
    if indicator == "hhi":
        col = "hhi" if "hhi" in frame else next(c for c in frame.columns if "hhi" in c)
        shown = frame.dropna(subset=[col])
        if shown.empty:
            return None
        return charts.line(
            shown,
            x="year",
            y=col,
            entity="country",
            title=f"Partner concentration (Herfindahl-Hirschman) of the members of {region_name}{span}",
            y_title="HHI (0 to 1)",
            unit="index",
            names=names,
            source=src,
            keep=("dataset_id", "view"),
            chart_id="trade",
        )
    if indicator == "partners":
        shown = frame.dropna(subset=["share"])
        shown = shown[shown["partner_kind"] == "country"] if "partner_kind" in shown else shown
        if shown.empty:
            return None
        last = int(shown["year"].max())
        latest = shown[shown["year"] == last]
        top = latest.sort_values("share", ascending=False).groupby("country").head(5)
        return charts.bars(
            top,
            category="country",
            value="share",
            series="partner",
            title=f"Top five partners of each member of {region_name}, {last}",
            value_title="Share of total trade",
            unit="share",
            names=names,
            source=src,
            keep=("year", "dataset_id", "view"),
            chart_id="trade",
        )
    if indicator == "intensity":
        shown = frame.dropna(subset=["intensity"])
        if shown.empty:
            return None
        last = int(shown["year"].max())
        latest = shown[shown["year"] == last]
        return charts.heatmap(
            latest,
            x="importer",
            y="exporter",
            value="intensity",
            title=f"Trade intensity between members of {region_name}, {last}",
            value_title="Intensity",
            unit="number",
            x_title="importer",
            y_title="exporter",
            names=names,
            source=src,
            caption=(
                "Trade intensity: the exporter's share of its exports going to the importer over the "
                "importer's share of world imports; 1 = as much as the importer's weight in world trade."
            ),
            keep=("year", "dataset_id", "view"),
            chart_id="trade",
        )
    return None


# -- dependence ------------------------------------------------------------------------------------
def dependence_views(data: WebData, country: str, years: tuple[int, int] | None) -> list[View]:
    """Powers' shares, Chinese finance, remittances and the balance index of one state (or the C5)."""
    if country not in (*C5, "C5"):
        raise NotFoundError(f"Unknown state '{country}': use one of {', '.join((*C5, 'C5'))}.")
    dep = data.dependence(years=years)
    names = data.country_names() | {"C5": "the C5"}
    who = names.get(country, country)
    mine = dep[dep["country"] == country] if len(dep) and "country" in dep else dep
    out = []

    shares = View("dep-powers")
    share_cols = [f"share_{p}" for p in POWERS if f"share_{p}" in mine]
    trade = mine.dropna(subset=share_cols, how="all") if share_cols else mine.iloc[0:0]
    if trade.empty:
        shares.empty = f"Bilateral trade is not stored: run '{FETCH['trade']}'."
    else:
        long = trade.melt(
            id_vars=["year", "trade_dataset_id", "view"],
            value_vars=share_cols,
            var_name="power",
            value_name="share",
        ).dropna(subset=["share"])
        long["power"] = long["power"].str.removeprefix("share_")
        shares.chart = charts.line(
            long,
            x="year",
            y="share",
            entity="power",
            title=f"Share of each power in {who}'s total trade",
            y_title="Share of total trade",
            unit="share",
            source=_source_line(data, trade.rename(columns={"trade_dataset_id": "dataset_id"})),
            keep=("trade_dataset_id", "view"),
            chart_id="dep-powers",
        )
        shares.sources = dataset_links(data, trade["trade_dataset_id"].unique())
    out.append(shares)

    balance = View("dep-balance")
    if trade.empty or "balance" not in trade or trade["balance"].isna().all():
        balance.empty = f"Bilateral trade is not stored: run '{FETCH['trade']}'."
    else:
        both = dep[dep["country"].isin([country, "C5"])].dropna(subset=["balance"])
        balance.chart = charts.line(
            both,
            x="year",
            y="balance",
            entity="country",
            title=f"Multi-vector balance of {who}" + (" and the C5" if country != "C5" else ""),
            y_title="Balance (0-1)",
            unit="index",
            names=names,
            source=_source_line(data, both.rename(columns={"trade_dataset_id": "dataset_id"})),
            caption="Normalised entropy of the six powers' shares: -sum(p ln p) / ln 6.",
            keep=("trade_dataset_id",),
            chart_id="dep-balance",
        )
        balance.sources = dataset_links(data, both["trade_dataset_id"].unique())
    out.append(balance)

    finance = View("dep-finance")
    col = "china_finance_usd_constant"
    fin = mine.dropna(subset=[col]) if col in mine else mine.iloc[0:0]
    if fin.empty:
        finance.empty = f"Chinese official finance is not stored: run '{FETCH['finance']}'."
    else:
        finance.chart = charts.bars(
            fin.assign(country=country),
            category="year",
            value=col,
            series="country",
            names=names,
            title=f"Chinese official finance committed to {who} (constant 2021 US$)",
            value_title="Committed, constant 2021 US$",
            unit="usd",
            source="AidData Global Chinese Development Finance Dataset 3.0",
            chart_id="dep-finance",
        )
        finance.sources = _source_links(data, "aiddata")
    out.append(finance)

    rem = View("dep-remittances")
    col = "remittances_share_gdp"
    got = mine.dropna(subset=[col]) if col in mine else mine.iloc[0:0]
    if got.empty:
        rem.empty = f"Remittances are not stored: run '{FETCH['remittances']}'."
    else:
        rem.chart = charts.line(
            got.assign(country=country),
            x="year",
            y=col,
            entity="country",
            title=f"Personal remittances received by {who} (share of GDP)",
            y_title="Share of GDP",
            unit="share",
            names=names,
            source="World Bank, World Development Indicators",
            chart_id="dep-remittances",
        )
        rem.sources = _source_links(data, "wdi")
    out.append(rem)
    return out


def _source_links(data: WebData, source: str) -> list[Link]:
    return dataset_links(data, [d["dataset_id"] for d in data.datasets() if d["source"] == source])


# -- composite index -------------------------------------------------------------------------------
def index_views(
    data: WebData,
    *,
    methodology: str,
    normalisation: str | None,
    weighting: str | None,
    aggregation: str | None,
    weights: tuple[tuple[str, float], ...],
) -> list[View]:
    method = data.methodology(methodology)
    scores, info = data.index_scores(
        methodology,
        normalisation=normalisation,
        weighting=weighting,
        aggregation=aggregation,
        weights=weights,
    )
    declared = not (normalisation or weighting or aggregation or weights)
    names = data.country_names()
    links = dataset_links(data, [info.get("trade_dataset_id")])
    shown = scores.dropna(subset=["score"])
    main = View("index-scores", sources=links)
    missing = "; ".join(f"{g['data']}: run '{g['fetch']}'" for g in info.get("missing", []))
    if shown.empty:
        main.empty = "No state-year has enough indicators for a score" + (
            f" ({missing})." if missing else "."
        )
        return [main]
    bands = data.index_bands(methodology) if declared else None
    if bands is not None:
        shown = shown.merge(
            bands[["unit", "year", "score_p05", "score_p95"]], on=["unit", "year"], how="left"
        )
    choice = (
        f"{normalisation or method.normalisation} normalisation, {weighting or method.weighting} weights, "
        f"{aggregation or method.aggregation} aggregation"
        + (", dimension weights " + ", ".join(f"{k} {v:g}" for k, v in weights) if weights else "")
    )
    main.chart = charts.line(
        shown,
        x="year",
        y="score",
        entity="unit",
        low="score_p05" if bands is not None else None,
        high="score_p95" if bands is not None else None,
        title=f"{method.title} (0-100)" + ("" if declared else ", recomputed"),
        y_title="Score (0-100)",
        unit="index",
        names=names,
        source=f"methodology {method.id} v{method.version}; {choice}",
        caption=(
            "Shaded: 5th-95th percentile of 200 Monte Carlo draws (seed 0) over normalisation, weighting, "
            "aggregation, imputation and weights."
            if bands is not None
            else "Recomputed with the choices above; bands are drawn for the declared methodology only."
        ),
        chart_id="index-scores",
    )
    main.note = missing or None
    last = shown[shown["year"] == shown["year"].max()]
    latest = View("index-latest", sources=links)
    if bands is not None and last[["score_p05", "score_p95"]].notna().all().all():
        latest.chart = charts.intervals(
            last,
            label="unit",
            estimate="score",
            low="score_p05",
            high="score_p95",
            title=f"Scores in {int(last['year'].iloc[0])} with their 5th-95th percentile bands",
            x_title="Score (0-100)",
            unit="index",
            group="unit",
            names=names,
            sort_by_estimate=True,
            source=f"methodology {method.id} v{method.version}",
            chart_id="index-latest",
        )
    else:
        latest.chart = charts.bars(
            last,
            category="unit",
            value="score",
            title=f"Scores in {int(last['year'].iloc[0])}",
            value_title="Score (0-100)",
            unit="index",
            names=names,
            sort_by_value=True,
            show_values=True,
            source=f"methodology {method.id} v{method.version}; {choice}",
            chart_id="index-latest",
        )
    return [main, latest]


# -- gravity ---------------------------------------------------------------------------------------
Z95 = 1.959963984540054


def gravity_views(data: WebData) -> list[View]:
    runs = data.gravity_runs()
    out = []
    for run in runs:
        coef = pd.DataFrame(run["coefficients"])
        view = View(f"gravity-{run['spec_name']}")
        coef = coef.dropna(subset=["estimate", "se"])
        if coef.empty:
            view.empty = f"Run {run['spec_name']} stored no coefficient with a standard error."
        else:
            coef = coef.assign(
                ci_low=coef["estimate"] - Z95 * coef["se"], ci_high=coef["estimate"] + Z95 * coef["se"]
            )
            view.chart = charts.intervals(
                coef,
                label="term",
                estimate="estimate",
                low="ci_low",
                high="ci_high",
                title=f"{run['spec_name']}: coefficients with 95% confidence intervals",
                x_title="Coefficient (log points)",
                reference=0.0,
                source=(
                    f"{run['estimator'].upper()}, {run['nobs']:,} observations, "
                    f"run {str(run['created_at'])[:16].replace('T', ' ')} UTC"
                ),
                keep=("se", "p_value"),
                chart_id=f"gravity-{run['spec_name']}",
            )
        view.sources = run_sources(data, run.get("provenance"))
        out.append(view)
    return out


def run_sources(data: WebData, provenance: dict[str, Any] | None) -> list[Link]:
    """Links to the stored datasets a gravity run's provenance names (its data's sources)."""
    stored = {d["dataset_id"] for d in data.datasets()}
    return dataset_links(data, [v for v in (provenance or {}).values() if isinstance(v, str) and v in stored])


#: The per-country percent changes of a stored GE counterfactual, in the page table's order, with
#: their labels; the chart draws the first (real GDP, the Guide's welfare measure).
GE_CHANGES = {
    "change_real_gdp_full": "Real GDP, full endowment",
    "change_exports_full": "Exports, full endowment",
    "change_exports_conditional": "Exports, conditional",
    "change_price_full": "Factory-gate price, full endowment",
    "change_imr_full": "Inward multilateral resistance, full endowment",
    "change_omr_full": "Outward multilateral resistance, full endowment",
}


def counterfactual_table(cf: dict[str, Any]) -> pd.DataFrame:
    """A stored counterfactual's countries with their percent changes, largest real-GDP change first."""
    table = pd.DataFrame(cf.get("countries") or [], columns=["country", *GE_CHANGES])
    return table.sort_values(
        ["change_real_gdp_full", "country"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)


def counterfactual_views(data: WebData) -> list[View]:
    """One chart per stored counterfactual (the latest of each spec): each country's real-GDP
    change, sorted, with the scenario and the estimation run it used."""
    out = []
    for cf in data.gravity_counterfactuals():
        spec = cf["spec_name"]
        view = View(f"gravity-cf-{spec}")
        run = cf.get("run") or {}
        table = counterfactual_table(cf).dropna(subset=["change_real_gdp_full"])
        if table.empty:
            view.empty = f"The stored counterfactual of {spec} has no country with a real-GDP change."
        else:
            estimator = str(run.get("estimator") or "").upper() or "estimation"
            when = str(cf.get("created_at") or "")[:16].replace("T", " ")
            view.chart = charts.bars(
                table,
                category="country",
                value="change_real_gdp_full",
                title=f"{spec}: change in real GDP per country (full-endowment general equilibrium)",
                value_title="Change in real GDP (%)",
                category_title="Country",
                unit="percent",
                orientation="h" if len(table) <= 30 else "v",
                names=data.country_names(),
                sort_by_value=True,
                source=(
                    f"{cf['scenario_text']}; {estimator} run {cf['run_id'][:8]}, "
                    f"{int(run['nobs']):,} observations; computed {when} UTC"
                    if run.get("nobs") is not None
                    else f"{cf['scenario_text']}; computed {when} UTC"
                ),
                caption=(
                    "Percent change from the baseline to the counterfactual; real GDP is output over "
                    "the inward multilateral resistance (Yotov et al. 2016, ch. 2). The data download "
                    "holds every country's other changes too."
                ),
                keep=tuple(c for c in GE_CHANGES if c != "change_real_gdp_full"),
                chart_id=f"gravity-cf-{spec}",
            )
        view.sources = run_sources(data, run.get("provenance"))
        out.append(view)
    return out


# -- key numbers -----------------------------------------------------------------------------------
@dataclass
class KeyNumber:
    label: str
    value: str
    detail: str
    sources: list[Link]
    href: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": self.value,
            "detail": self.detail,
            "href": self.href,
            "sources": [s.as_dict() for s in self.sources],
        }


def key_numbers(data: WebData) -> tuple[list[KeyNumber], list[str]]:
    """The overview's numbers, each with its sources; and the fetch commands that would add more."""
    out: list[KeyNumber] = []
    missing: list[str] = []
    today = date.today()
    ov = data.overlap(today)
    n_orgs = len(ov["organisations"])
    out.append(
        KeyNumber(
            "Organisations the C5 belong to today",
            f"{n_orgs}",
            f"at least one of the five holds a role in each, as of {today.isoformat()}",
            kb_links(data, _active_sources(data, today, set(ov["organisations"])))[:6],
            f"/institutions?as_of={today.isoformat()}",
        )
    )
    if data.trade_datasets():
        try:
            reg = data.compare(["c5"], dataset=None, view="reported", years=None).dropna(
                subset=["intra_share"]
            )
        except SteppeError:
            reg = pd.DataFrame()
        if len(reg):
            last = reg.sort_values("year").iloc[-1]
            out.append(
                KeyNumber(
                    "Intra-regional trade share of the C5",
                    charts.format_value(float(last["intra_share"]), "share"),
                    f"{int(last['year'])}: the five states' trade among themselves over their trade "
                    "with the world",
                    dataset_links(data, [last["dataset_id"]]),
                    "/trade?indicator=regional&region=c5",
                )
            )
        dep = data.dependence()
        c5 = dep[dep["country"] == "C5"].dropna(subset=["share_CHN"]) if "share_CHN" in dep else dep.iloc[0:0]
        if len(c5):
            last = c5.sort_values("year").iloc[-1]
            ranked = sorted(
                ((float(last[f"share_{p}"]), p) for p in POWERS if pd.notna(last.get(f"share_{p}"))),
                reverse=True,
            )
            top = ", ".join(f"{charts.label(p)} {charts.format_value(v, 'share')}" for v, p in ranked[:3])
            out.append(
                KeyNumber(
                    "Top partners among the powers (C5 total trade)",
                    top,
                    f"{int(last['year'])}, share of total trade",
                    dataset_links(data, [last["trade_dataset_id"]]),
                    "/dependence?country=C5",
                )
            )
            out.append(
                KeyNumber(
                    "Multi-vector balance of the C5",
                    charts.format_value(float(last["balance"]), "index")
                    if pd.notna(last["balance"])
                    else "n/a",
                    f"{int(last['year'])}: 0 = one power only, 1 = even spread over six powers",
                    dataset_links(data, [last["trade_dataset_id"]]),
                    "/dependence?country=C5",
                )
            )
    else:
        missing.append(FETCH["trade"])
    try:
        scores, info = data.index_scores("central-asia")
        shown = scores.dropna(subset=["score"])
    except SteppeError:
        shown, info = pd.DataFrame(), {}
    if len(shown):
        last = shown[shown["year"] == shown["year"].max()].sort_values("score", ascending=False)
        names = data.country_names()
        top = ", ".join(
            f"{names.get(u, u)} {s:.0f}" for u, s in zip(last["unit"], last["score"], strict=True)
        )
        out.append(
            KeyNumber(
                f"Integration index {int(last['year'].iloc[0])} (0-100)",
                top,
                "composite index, methodology central-asia as declared",
                dataset_links(data, [info.get("trade_dataset_id")]),
                "/index",
            )
        )
    return out, missing


def latest_events(data: WebData, n: int = 8) -> list[dict[str, Any]]:
    evs = sorted(data.events(), key=lambda e: str(e.get("start") or ""), reverse=True)
    return evs[:n]


# -- frameworks ------------------------------------------------------------------------------------
def default_peers() -> list[str]:
    """The peer regions the C5 is compared with by default (steppe.indicators.regions.PEERS)."""
    from steppe.indicators.regions import PEERS

    return list(PEERS)


def framework_empty(name: str) -> str:
    return (
        f"Nothing to measure for {name} yet: the framework needs stored data (texts with statements, "
        f"trade, events); 'steppe frameworks {name} --help' says which."
    )


def framework_view(section: Any, name: str, n: int) -> View:
    view = View(f"framework-{name}-{n}")
    if section is None:
        view.empty = framework_empty(name)
        return view
    if not section.charts:
        view.empty = f"The {name} framework draws no chart; its measures are in the table on its page."
        return view
    if n >= len(section.charts):
        raise NotFoundError(
            f"Framework {name} has {len(section.charts)} charts; ask for 0 to {len(section.charts) - 1}."
        )
    chart = section.charts[n].with_id(f"framework-{name}-{n}")
    view.chart = chart
    return view


def framework_links(data: WebData, view: View) -> View:
    """Links for a framework chart: the stored datasets its source line names, and the KB."""
    if view.chart is None:
        return view
    text = f"{view.chart.source or ''} {view.chart.caption or ''}"
    view.sources = dataset_links(data, [d["dataset_id"] for d in data.datasets() if d["dataset_id"] in text])
    if "knowledge base" in text.lower() or not view.sources:
        view.sources.append(Link("steppe knowledge base: every source it cites", "/sources#kb"))
    return view


# -- texts -------------------------------------------------------------------------------------------
def compare_chart(
    rows: list[dict[str, Any]], a: dict[str, Any], b: dict[str, Any], codebook: str
) -> Chart | None:
    """Two documents' code profiles as grouped bars (share of each document's segments per code)."""
    if not rows:
        return None
    label_a = f"A: {a.get('title') or a['doc_id']}"[:60]
    label_b = f"B: {b.get('title') or b['doc_id']}"[:60]
    long = pd.DataFrame(
        [
            {"code": r.get("name") or r["code"], "document": label, "share": r[f"{side}_share"]}
            for r in rows
            for side, label in (("a", label_a), ("b", label_b))
        ]
    )
    return charts.bars(
        long,
        category="code",
        value="share",
        series="document",
        orientation="h",
        title=f"Share of each document's segments coded with each {codebook} code",
        value_title="Share of the document's segments",
        unit="share",
        order="given",
        source=f"stored codings of codebook {codebook} (steppe texts)",
        chart_id="texts-compare",
    )
