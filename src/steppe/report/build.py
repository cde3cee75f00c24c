"""The Central Asia report: one self-contained HTML file, charts drawn by :mod:`steppe.charts`.

Every section is built from the analysis modules (KB queries, indicators, dependence,
composite index, frameworks) over the store; a section whose data are not stored says which
``steppe fetch`` command fills it. The report opens with the key numbers and their sources,
every chart and table names its sources (links to the appendix rows and to the source pages),
organisations are named, not slugged, and one palette colours every entity. The plotly.js
runtime is inlined once, so the file opens offline and prints to PDF in headless Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe import __version__
from steppe.errors import NotFoundError, SteppeError, UsageError
from steppe.report.html import (
    Section,
    anchor,
    cited_sources,
    col,
    dataset_link,
    link,
    num,
    pct,
    source_links,
    table,
    table_figure,
    url,
)
from steppe.report.html import sources as sources_col
from steppe.store import Store

if TYPE_CHECKING:
    from steppe.indicators.views import View

#: The sections every full report has, in order (``framework-<name>`` and ``gravity`` sections,
#: when they have something to show, sit between ``index`` and ``appendix``).
SECTIONS = ("summary", "membership", "events", "trade", "dependence", "index", "appendix")
#: Sections that appear only when their data are stored (and ``framework-<name>``, one per seed
#: framework with something to measure: steppe.frameworks.FRAMEWORKS).
OPTIONAL_SECTIONS = ("gravity",)
#: What ``--sections`` may name; the summary and the appendix (sources) are always included.
CHOOSABLE = ("membership", "events", "trade", "dependence", "index", "frameworks", "gravity")

#: Flags for headless Chromium without network side effects (PDF printing, tests).
#: plotly.js draws at the window's width: 1040 px fits an A4 landscape page (docs/charts.md).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1040,800",
)

C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")

REGION_NAMES = {
    "c5": "C5",
    "c5_afg": "C5+AFG",
    "asean": "ASEAN",
    "eu": "EU",
    "eu27": "EU27",
    "mercosur": "Mercosur",
}

#: The view the peer comparison uses: a world matrix with non-reporters (Turkmenistan in
#: Comtrade) filled from their partners' import reports, so that the C5 is measured at all.
PEER_VIEW: View = "reconciled"

#: Sources by the name a reader knows them by (cards, captions).
SOURCE_NAMES = {
    "imf_dots": "IMF Direction of Trade Statistics",
    "comtrade": "UN Comtrade",
    "baci": "CEPII BACI",
    "gravity": "Gravity data (HMR 2006 / CEPII)",
    "aiddata": "AidData Global Chinese Development Finance 3.0",
    "wdi": "World Bank World Development Indicators",
    "gdelt": "GDELT",
}

#: The six powers of the dependence measures: share column -> name.
POWERS = {
    "CHN": "China",
    "RUS": "Russia",
    "EU27": "EU27",
    "USA": "USA",
    "TUR": "Turkey",
    "IRN": "Iran",
}


@dataclass(frozen=True)
class Options:
    """What a report shows: a year range, the states drawn one by one, the sections."""

    years: tuple[int, int] | None = None
    countries: tuple[str, ...] = C5
    sections: frozenset[str] | None = None  # None: every section

    def wants(self, section: str) -> bool:
        if self.sections is None or section in ("summary", "appendix"):
            return True
        if section.startswith("framework-"):
            return "frameworks" in self.sections or section in self.sections
        return section in self.sections


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def parse_sections(text: str | None) -> frozenset[str] | None:
    """``trade,dependence`` -> the section ids; one sentence naming the known ones otherwise."""
    if text is None or not text.strip():
        return None
    asked = [s.strip().lower() for s in text.split(",") if s.strip()]
    from steppe.frameworks import FRAMEWORKS

    known = {*CHOOSABLE, *(f"framework-{n}" for n in FRAMEWORKS)}
    wrong = [s for s in asked if s not in known]
    if wrong:
        raise UsageError(
            f"Unknown report section(s) {', '.join(wrong)} in sections; use any of "
            f"{', '.join(CHOOSABLE)} (the summary and the appendix are always included).",
            params=("sections",),
        )
    return frozenset(asked)


def parse_countries(text: str | Sequence[str] | None, store: Store | None = None) -> tuple[str, ...]:
    """ISO3 codes or names of C5 states (``KAZ,UZB``); every other input is refused by name."""
    if text is None:
        return C5
    items = [s.strip() for s in (text.split(",") if isinstance(text, str) else text) if s.strip()]
    if not items:
        return C5
    from steppe.kb.queries import resolve_country

    out = []
    for item in items:
        code = resolve_country(item, store=store)
        if code not in C5:
            raise UsageError(
                f"countries {item}: the report draws the five Central Asian states one by one; "
                f"use any of {', '.join(C5)}.",
                params=("countries",),
            )
        out.append(code)
    return tuple(c for c in C5 if c in out)


@dataclass
class ReportInfo:
    """What was written, which sections have data, and which fetch commands would fill the rest."""

    path: Path
    sections: list[str]
    missing: dict[str, list[str]]
    pdf: Path | None = None
    starter: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "pdf": str(self.pdf) if self.pdf else None,
            "sections": self.sections,
            "missing": self.missing,
            "starter_snapshot": bool(self.starter),
            "starter_datasets": self.starter,
            "options": self.options,
        }


# -- the shared context: store, options, names, datasets, results computed once ------------------
class Context:
    def __init__(self, store: Store, options: Options, draws: int, seed: int) -> None:
        self.store = store
        self.options = options
        self.draws = draws
        self.seed = seed
        self._counter = 0

    # names and provenance
    @cached_property
    def org_names(self) -> dict[str, str]:
        from steppe.kb import queries

        return {o["slug"]: o["name"] for o in queries.organisations(store=self.store)}

    @cached_property
    def datasets(self) -> dict[str, dict[str, Any]]:
        from steppe.store import data as store_data

        return {d["dataset_id"]: d for d in store_data.list_datasets(self.store)}

    @cached_property
    def starter(self) -> list[dict[str, Any]]:
        from steppe.starter import starter_datasets

        return starter_datasets(self.store)

    def is_starter(self, dataset_id: str | None) -> bool:
        return any(d["dataset_id"] == dataset_id for d in self.starter)

    def source_text(self, dataset_id: str | None) -> str:
        """A dataset as plain text (chart source lines, PNG downloads)."""
        if not dataset_id:
            return ""
        d = self.datasets.get(str(dataset_id))
        if d is None:
            return f"dataset {dataset_id}"
        starter = ", starter snapshot bundled with steppe" if self.is_starter(d["dataset_id"]) else ""
        return f"{d['source']} {d['dataset']}, edition {d['edition']}{starter} (dataset {d['dataset_id']})"

    def source_html(self, dataset_id: str | None) -> str:
        """A dataset with a link to its provenance row in the appendix."""
        if not dataset_id:
            return "no stored dataset"
        d = self.datasets.get(str(dataset_id))
        if d is None:
            return escape(f"dataset {dataset_id}")
        starter = (
            ' <span class="starter-tag">starter snapshot</span>' if self.is_starter(d["dataset_id"]) else ""
        )
        return (
            f"{escape(d['source'])} {escape(d['dataset'])}, edition {escape(d['edition'])}{starter} "
            f"(dataset {dataset_link(d['dataset_id'])})"
        )

    def source_short(self, dataset_id: str | None) -> str:
        """A dataset by its source's name and edition, linked to its appendix row (cards)."""
        if not dataset_id or str(dataset_id) not in self.datasets:
            return "no stored dataset"
        d = self.datasets[str(dataset_id)]
        name = SOURCE_NAMES.get(d["source"], d["source"])
        starter = (
            ' <span class="starter-tag">starter snapshot</span>' if self.is_starter(d["dataset_id"]) else ""
        )
        return f"{dataset_link(d['dataset_id'], name + ', edition ' + str(d['edition']))}{starter}"

    @cached_property
    def c5_orgs(self) -> set[str]:
        """Organisations any C5 state has ever belonged to (in any role)."""
        from steppe.kb import queries

        return {r["org"] for c in C5 for r in queries.timeline(country=c, store=self.store)}

    def c5_events(self) -> list[dict[str, Any]]:
        """KB events that concern Central Asia: a C5 state takes part, or an organisation it belongs to."""
        from steppe.kb import queries

        out = []
        for e in queries.events(store=self.store):
            if not e.get("start"):
                continue
            if set(e.get("participants") or []) & set(C5) or set(e.get("orgs") or []) & self.c5_orgs:
                out.append(e)
        return out

    def names(self, codes: Any) -> dict[str, str]:
        """Reader's names for ISO3 codes (palette names first, then ISO short names)."""
        from steppe import charts
        from steppe.codes import iso3_names

        found = iso3_names([str(c) for c in codes])
        return {c: (charts.label(c) if charts.label(c) != c else n) for c, n in found.items()}

    def sources_of(self, source: str) -> list[str]:
        return [i for i, d in self.datasets.items() if d["source"] == source]

    # years and countries
    def in_years(self, frame: pd.DataFrame, column: str = "year") -> pd.DataFrame:
        if self.options.years is None or not len(frame):
            return frame
        first, last = self.options.years
        y = pd.to_numeric(frame[column], errors="coerce")
        return frame[(y >= first) & (y <= last)]

    def chart_id(self, name: str) -> str:
        self._counter += 1
        return f"chart-{self._counter:02d}-{name}"

    # results used by more than one section, computed once
    @cached_property
    def dependence(self) -> pd.DataFrame:
        from steppe.indicators.dependence import dependence

        return dependence(self.options.years, store=self.store)

    @cached_property
    def index(self) -> tuple[Any, Any, dict[str, Any]]:
        from steppe.indicators.composite import gather_panel, load_methodology, sensitivity

        method = load_methodology("central-asia")
        panel, info = gather_panel(method, store=self.store)
        result = sensitivity(panel, method, draws=self.draws, seed=self.seed)
        return method, result, info

    @cached_property
    def regional(self) -> pd.DataFrame | None:
        from steppe.indicators.compute import indicator

        try:
            return indicator("regional", "c5", self.options.years, store=self.store)
        except NotFoundError:
            return None

    @cached_property
    def partners(self) -> pd.DataFrame | None:
        from steppe.indicators.compute import indicator

        try:
            return indicator("partners", "c5", self.options.years, store=self.store)
        except NotFoundError:
            return None


def as_context(source: Context | Store) -> Context:
    """A section builder's context: given, or a default one (every section, every year) for a store."""
    return source if isinstance(source, Context) else Context(source, Options(), draws=200, seed=0)


def _chart_html(chart: Any, caption_html: str) -> str:
    return str(chart.to_html(caption_html=caption_html))


def lines(
    ctx: Context,
    frame: pd.DataFrame,
    *,
    entity: str,
    value: str,
    name: str,
    title: str,
    y_title: str,
    unit: str,
    caption_html: str,
    source: str,
    low: str | None = None,
    high: str | None = None,
    names: dict[str, str] | None = None,
) -> str | None:
    """A line chart of ``value`` per ``entity`` over the report's years.

    A series with a single year is not drawn as a lone dot: it is named in the caption with
    its value instead. None when nothing is left to draw.
    """
    from steppe import charts

    data = ctx.in_years(frame.dropna(subset=[value]))
    counts = data.groupby(entity)[value].count()
    alone = [str(k) for k in counts[counts < 2].index]
    drawn = data[~data[entity].astype(str).isin(alone)]
    if not len(drawn):
        return None
    if alone:
        bits = []
        for key in alone:
            row = data[data[entity].astype(str) == key].iloc[0]
            shown = row[value] * 100 if unit == "share" else row[value]
            label = charts.label(key, names)
            bits.append(f"{label} {int(row['year'])}: {shown:,.3g}{'%' if unit == 'share' else ''}")
        caption_html += " One year only, so not drawn as a line: " + escape("; ".join(bits)) + "."
    keep = [c for c in ("dataset_id", "trade_dataset_id", "view") if c in drawn.columns and c != entity]
    chart = charts.line(
        drawn,
        x="year",
        y=value,
        entity=entity,
        title=title,
        y_title=y_title,
        unit=unit,
        low=low,
        high=high,
        names=names,
        source=source,
        keep=keep,
        chart_id=ctx.chart_id(name),
    )
    return _chart_html(chart, caption_html)


# -- sections ---------------------------------------------------------------------------------------
def summary_section(source: Context | Store) -> Section:
    """The key numbers, each with its year and source, before any chart."""
    ctx = as_context(source)
    from steppe.report.summary import key_numbers

    sec = Section("summary", "Key numbers")
    cards = key_numbers(ctx)
    sec.add('<div class="cards">' + "".join(cards) + "</div>")
    return sec


def membership_section(source: Context | Store) -> Section:
    ctx = as_context(source)
    from steppe import charts
    from steppe.kb import queries

    store = ctx.store
    countries = list(ctx.options.countries)
    sec = Section("membership", "Membership overlap and timeline of the C5")
    ov = queries.overlap(store=store)
    cells = pd.DataFrame(
        [
            {"org": o, "country": c, "role": r}
            for c, row in ov.roles.items()
            if c in countries
            for o, r in row.items()
        ]
    )
    ids: set[str] = set()
    periods = pd.DataFrame([r for c in countries for r in queries.timeline(country=c, store=store)])
    for r in periods.to_dict(orient="records") if len(periods) else []:
        ids.update(r.get("sources") or [])
    if len(cells):
        matrix = charts.membership_matrix(
            cells,
            title=f"Who belongs to what, as of {ov.as_of.isoformat()}",
            org_names=ctx.org_names,
            countries=countries,
            source="steppe knowledge base (steppe kb overlap)",
            chart_id=ctx.chart_id("overlap"),
        )
        sec.add(
            _chart_html(
                matrix,
                "Roles of the Central Asian states in each organisation on the date shown, strongest tie "
                "darkest. Source: the steppe knowledge base (<code>steppe kb overlap</code>); each "
                "membership's sources are listed under the timeline and in the appendix.",
            )
        )
    gaps = queries.gap_warnings(ov.organisations, countries, store=store)
    if gaps:
        # A known gap is not missing data: the KB says what no source gives (own class, own box).
        sec.note(
            f"<details><summary><b>Known gaps in the knowledge base</b>: {len(gaps)} for what this "
            'section shows (what no source gives; listed in full in the <a href="#kb-gaps">appendix</a>)'
            "</summary><ul>" + "".join(f"<li>{escape(g)}</li>" for g in gaps) + "</ul></details>",
            kind="kb-gaps",
        )
    if len(periods):
        first = ctx.options.years[0] if ctx.options.years else 1991
        timeline = charts.membership_timeline(
            periods,
            title="Membership periods of the C5, by organisation",
            org_names=ctx.org_names,
            first_year=first,
            as_of=date.today(),
            source="steppe knowledge base (steppe kb timeline)",
            keep=["sources"] if "sources" in periods.columns else (),
            chart_id=ctx.chart_id("timeline"),
        )
        sec.add(
            _chart_html(
                timeline,
                "One row per organisation, a thin lane per state; looser ties (observer, partner, "
                "dialogue partner) hatched; open periods run to today. Source: the steppe knowledge "
                "base (<code>steppe kb timeline --country ISO3</code>). "
                f"<details><summary>The {len(ids)} sources of these periods</summary>"
                + source_links(ids)
                + "</details>",
            )
        )
    return sec


def events_section(source: Context | Store) -> Section:
    ctx = as_context(source)
    from steppe import charts

    sec = Section("events", "Events timeline")
    evs = ctx.c5_events()
    frame = pd.DataFrame(evs)
    if len(frame):
        frame["year"] = frame["start"].astype(str).str[:4].astype(int)
        frame = ctx.in_years(frame)
    if not len(frame):
        sec.add("<p>No event in the knowledge base falls in the years asked for.</p>")
        return sec
    chart = charts.event_timeline(
        frame.drop(columns=["year"]),
        title="Founding acts, treaties, accessions and summits",
        source="steppe knowledge base (steppe kb events)",
        keep=[c for c in ("id", "sources") if c in frame.columns],
        chart_id=ctx.chart_id("events"),
    )
    sec.add(
        _chart_html(
            chart,
            "Events in the knowledge base that concern Central Asia (a C5 state takes part, or an "
            "organisation one of them belongs to), one lane per kind; hover for the title. Source: the "
            "steppe knowledge base (<code>steppe kb events</code>); the table below gives each event's "
            "sources.",
        )
    )
    rows = sorted(_records(frame), key=lambda e: str(e["start"]), reverse=True)
    for r in rows:
        r["organisations"] = [ctx.org_names.get(o, o) for o in (r.get("orgs") or [])]
    sec.add(f"<details><summary>All {len(rows)} events, newest first, with their sources</summary>")
    sec.add(
        table_figure(
            table(
                rows,
                [
                    col("start", "date"),
                    col("type"),
                    col("title", "event"),
                    col("organisations"),
                    col("place"),
                    sources_col(),
                ],
            ),
            "Newest first. Source: the steppe knowledge base; each id links to its source in the appendix.",
        )
    )
    sec.add("</details>")
    return sec


def trade_section(source: Context | Store) -> Section:
    ctx = as_context(source)
    from steppe.indicators.compute import FETCH_COMMANDS, compare_regions, indicator
    from steppe.indicators.views import CIF_FOB

    store = ctx.store
    sec = Section("trade", "Trade integration over time, against peer regions")
    try:
        members = indicator("members", "c5", ctx.options.years, store=store)
        peers = compare_regions(years=ctx.options.years, view=PEER_VIEW, store=store)
    except NotFoundError:
        sec.need("Bilateral trade is", FETCH_COMMANDS["trade"])
        sec.need("A world trade matrix (every reporter with every partner) is", FETCH_COMMANDS["trade_world"])
        return sec
    dataset_id = str(peers["dataset_id"].iloc[0])
    peers = peers.assign(region=[REGION_NAMES.get(r, r) for r in peers["region"]])
    shares = peers.dropna(subset=["intra_share"])
    absent = sorted(set(peers["region"]) - set(shares["region"]))
    fills = sorted({f.split(":")[0] for v in peers["fills"].dropna() for f in v})
    how = (
        f"All regions on one dataset and view ({PEER_VIEW} view: each reporter's own "
        "figures; a state that does not report is filled from its partners' import reports, CIF "
        f"divided by {CIF_FOB:g} (IMF DOTS Yearbook 2017)"
        + (f"; filled here: {', '.join(fills)}" if fills else "")
        + "). "
    )
    if absent:
        how += (
            f"Not covered by this dataset, so not drawn: {', '.join(absent)} (a region is drawn for a "
            "year only when every member's trade with the world is in it). "
        )
    html = lines(
        ctx,
        shares,
        entity="region",
        value="intra_share",
        name="intra-share",
        title="Intra-regional trade share: C5 and peer regions",
        y_title="Share of the region's trade",
        unit="share",
        source=ctx.source_text(dataset_id),
        caption_html="Intra-regional trade share (members' exports + imports among themselves over their "
        "trade with all partners). "
        + escape(how)
        + "Regions are fixed lists (appendix). Source: "
        + ctx.source_html(dataset_id)
        + ".",
    )
    if html:
        sec.add(html)
    intro = peers.dropna(subset=["introversion"])
    html = (
        lines(
            ctx,
            intro,
            entity="region",
            value="introversion",
            name="introversion",
            title="Regional trade introversion index (Iapadre), -1 to 1",
            y_title="Introversion (-1 to 1)",
            unit="index",
            source=ctx.source_text(dataset_id),
            caption_html="Introversion compares a region's intra-regional trade intensity with its "
            "extra-regional intensity, so regions of different size can be compared; it divides by "
            "world trade, so it is drawn only for years the dataset is a world matrix. "
            + escape(how)
            + "Source: "
            + ctx.source_html(dataset_id)
            + ".",
        )
        if len(intro)
        else None
    )
    if html:
        sec.add(html)
    else:
        sec.need(
            "A world trade matrix (every reporter with every partner, needed for introversion) is",
            FETCH_COMMANDS["trade_world"],
        )
    shown = members.dropna(subset=["share"])
    shown = shown[shown["country"].isin(ctx.options.countries)]
    if len(shown):
        mid = str(shown["dataset_id"].iloc[0])
        html = lines(
            ctx,
            shown,
            entity="country",
            value="share",
            name="members",
            title="Each state's trade with the other four",
            y_title="Share of its total trade",
            unit="share",
            source=ctx.source_text(mid),
            caption_html="Share of the other C5 states in each state's total goods trade, "
            f"{escape(str(shown['view'].iloc[0]))} view (each state's own exports FOB and imports CIF over "
            f"its reported world totals). Source: {ctx.source_html(mid)}.",
        )
        if html:
            sec.add(html)
    partner_html = _partner_bars(ctx)
    if partner_html:
        sec.add(partner_html)
    return sec


def _partner_bars(ctx: Context) -> str | None:
    """Each state's five largest partners in the latest year, as horizontal bars."""
    from steppe import charts

    p = ctx.partners
    if p is None or not len(p):
        return None
    p = p[(p["partner_kind"] == "country") & p["country"].isin(ctx.options.countries)].dropna(
        subset=["share"]
    )
    if not len(p):
        return None
    year = int(p["year"].max())
    last = p[p["year"] == year]
    top = last.sort_values("share", ascending=False).groupby("country", sort=False).head(5)
    partners = top["partner"].unique().tolist()
    frame = last[last["partner"].isin(partners)]
    dsid = str(frame["dataset_id"].iloc[0])
    chart = charts.bars(
        frame,
        category="country",
        value="share",
        series="partner",
        title=f"Largest trading partners of each state, {year}",
        value_title="Share of its total trade",
        unit="share",
        mode="group",
        orientation="h",
        source=ctx.source_text(dsid),
        names=ctx.names(partners),
        keep=["dataset_id"],
        chart_id=ctx.chart_id("partners"),
    )
    return _chart_html(
        chart,
        f"Each state's five largest partner countries in {year} (exports + imports, reported view, over "
        "its reported world total), and the share of those partners in the other states' trade. "
        f"Source: {ctx.source_html(dsid)}.",
    )


#: The dependence table's share columns and headers (percent of total trade, the unit in every header).
DEPENDENCE_TABLE = {f"share_{k}": f"{v} (% of trade)" for k, v in POWERS.items()} | {
    "powers_share": "six powers (% of trade)"
}


def dependence_section(source: Context | Store) -> Section:
    ctx = as_context(source)
    from steppe import charts
    from steppe.indicators.compute import FETCH_COMMANDS

    sec = Section("dependence", "Dependence on external powers")
    dep = ctx.dependence
    shown_units = [*ctx.options.countries, "C5"]
    dep = dep[dep["country"].isin(shown_units)] if len(dep) else dep
    has_trade = bool(len(dep)) and "share_CHN" in dep and dep["share_CHN"].notna().any()
    if has_trade:
        trade = dep.dropna(subset=["share_CHN"])
        dsid = str(trade["trade_dataset_id"].iloc[0])
        view = str(trade["view"].iloc[0])
        how = (
            f"Partner share in exports + imports, {escape(view)} view, over each state's reported world "
            "total; C5 = the five states' summed trade with the partner over their summed total trade "
            f"(not an average of shares). Source: {ctx.source_html(dsid)}."
        )
        for power, label in (("CHN", "China"), ("RUS", "Russia"), ("EU27", "the EU27")):
            html = lines(
                ctx,
                trade,
                entity="country",
                value=f"share_{power}",
                name=f"share-{power.lower()}",
                title=f"Share of {label} in each state's total trade, and in the C5's",
                y_title="Share of total trade",
                unit="share",
                source=ctx.source_text(dsid),
                caption_html=how,
            )
            if html:
                sec.add(html)
        last = trade.sort_values("year").groupby("country", sort=False).tail(1)
        order = {c: i for i, c in enumerate(shown_units)}
        last = last.sort_values("country", key=lambda s: s.map(order))
        stacked = last.melt(
            id_vars=["country", "year"],
            value_vars=[f"share_{k}" for k in POWERS],
            var_name="power",
            value_name="share",
        ).assign(power=lambda f: f["power"].str.removeprefix("share_"))
        chart = charts.bars(
            stacked.dropna(subset=["share"]),
            category="country",
            value="share",
            series="power",
            title="The six powers' shares of each state's trade, latest year",
            value_title="Share of total trade",
            unit="share",
            mode="stack",
            orientation="h",
            keep=["year"],
            source=ctx.source_text(dsid),
            chart_id=ctx.chart_id("powers"),
        )
        sec.add(_chart_html(chart, "Latest year per state (in the table below). " + how))
        html = lines(
            ctx,
            trade,
            entity="country",
            value="balance",
            name="balance",
            title="Multi-vector balance: normalised entropy of the six powers' shares (0 to 1)",
            y_title="Balance (0 to 1)",
            unit="index",
            source=ctx.source_text(dsid),
            caption_html="Balance = -sum(p ln p) / ln 6 over the shares of China, Russia, the EU27, the "
            "USA, Turkey and Iran rescaled to sum 1: 1 = even spread, 0 = one power only. Source: "
            f"{ctx.source_html(dsid)}.",
        )
        if html:
            sec.add(html)
        rows = _records(last)
        for r in rows:
            r["state"] = charts.label(r["country"])
        sec.add(
            table_figure(
                table(
                    rows,
                    [
                        col("state"),
                        col("year"),
                        *(pct(k, h) for k, h in DEPENDENCE_TABLE.items()),
                        num("balance", "balance (0-1 index)", decimals=2),
                    ],
                ),
                "Latest year per state and for the C5: each power's share of total trade in percent, and "
                f"the balance index. Source: {ctx.source_html(dsid)}.",
            )
        )
    else:
        sec.need("Bilateral trade is", FETCH_COMMANDS["trade"])
    fin = (
        dep.dropna(subset=["china_finance_usd_constant"]) if "china_finance_usd_constant" in dep else dep[:0]
    )
    if len(fin):
        ids = ctx.sources_of("aiddata")
        html = lines(
            ctx,
            fin,
            entity="country",
            value="china_finance_usd_constant",
            name="finance",
            title="Chinese official finance committed (constant 2021 US$)",
            y_title="Commitments, constant 2021 US$",
            unit="usd",
            source="AidData GCDF 3.0: " + "; ".join(ctx.source_text(i) for i in ids),
            caption_html="All flow classes (ODA-like, OOF-like, vague) summed by recipient and commitment "
            "year; C5 = the five summed. Source: AidData Global Chinese Development Finance Dataset 3.0 "
            "(Custer et al. 2023): " + "; ".join(ctx.source_html(i) for i in ids) + ".",
        )
        if html:
            sec.add(html)
    else:
        sec.need("Chinese official finance (AidData) is", FETCH_COMMANDS["finance"])
    rem = dep.dropna(subset=["remittances_share_gdp"]) if "remittances_share_gdp" in dep else dep[:0]
    if len(rem):
        ids = ctx.sources_of("wdi")
        html = lines(
            ctx,
            rem,
            entity="country",
            value="remittances_share_gdp",
            name="remittances",
            title="Personal remittances received, share of GDP",
            y_title="Share of GDP",
            unit="share",
            source="World Bank WDI: " + "; ".join(ctx.source_text(i) for i in ids),
            caption_html="BX.TRF.PWKR.DT.GD.ZS, or BX.TRF.PWKR.CD.DT over NY.GDP.MKTP.CD where only the two "
            "series are stored; C5 = summed remittances over summed GDP. Source: World Bank World "
            "Development Indicators: " + "; ".join(ctx.source_html(i) for i in ids) + ".",
        )
        if html:
            sec.add(html)
    else:
        sec.need("Remittances (WDI) are", FETCH_COMMANDS["remittances"])
    return sec


def index_section(source: Context | Store) -> Section:
    ctx = as_context(source)
    from steppe import charts

    sec = Section("index", "Composite regional integration index, with uncertainty")
    method, result, info = ctx.index
    iv = ctx.in_years(result.intervals.dropna(subset=["score"]))
    iv = iv[iv["unit"].isin([*ctx.options.countries, "C5"])]
    for gap in info["missing"]:
        sec.need(gap["data"].capitalize() + " is", gap["fetch"])
    if len(iv):
        dsid = info["trade_dataset_id"]
        src_html = f"{ctx.source_html(dsid) if dsid else 'no trade data'}; steppe knowledge base memberships"
        how = (
            f"Methodology {escape(method.id)} v{escape(str(method.version))} as declared; bands: 5th-95th "
            f"percentile of {result.draws} Monte Carlo draws (seed {result.seed}) over normalisation, "
            f"weighting, aggregation, imputation and weights. Sources: {src_html}."
        )
        html = lines(
            ctx,
            iv,
            entity="unit",
            value="score",
            low="score_p05",
            high="score_p95",
            name="index",
            title=f"{method.title} (0-100)",
            y_title="Score (0-100)",
            unit="index",
            source=ctx.source_text(dsid) + "; steppe knowledge base",
            caption_html="Lines: the scores as declared; shaded: the band. " + how,
        )
        if html:
            sec.add(html)
        last = iv.sort_values("year").groupby("unit").tail(1).sort_values("score", ascending=False)
        chart = charts.intervals(
            last.assign(
                label=[
                    charts.label(u) + f" ({int(y)})" for u, y in zip(last["unit"], last["year"], strict=True)
                ]
            ),
            label="label",
            estimate="score",
            low="score_p05",
            high="score_p95",
            group="unit",
            title="Latest score of each state with its band",
            x_title="Score (0-100)",
            unit="index",
            sort_by_estimate=True,
            source=ctx.source_text(dsid),
            chart_id=ctx.chart_id("index-latest"),
        )
        sec.add(_chart_html(chart, "Dot: score as declared; bar: 5th-95th percentile band. " + how))
        rows = _records(last)
        for r in rows:
            r["state"] = charts.label(r["unit"])
        pinned = bool(last["band_note"].notna().any())
        sec.add(
            table_figure(
                table(
                    rows,
                    [
                        col("state"),
                        col("year"),
                        num("score", "score (0-100)", 1),
                        num("score_p05", "score p5", 1),
                        num("score_p95", "score p95", 1),
                        num("rank", "rank", 0),
                        num("rank_p05", "rank p5", 1),
                        num("rank_p95", "rank p95", 1),
                        *([col("band_note", "note")] if pinned else []),
                    ],
                ),
                "Latest year of each state, highest score first. " + how,
            )
        )
        if iv["band_note"].notna().any():
            low = iv[iv["rescaling_bound"] == "min"]
            where = ", ".join(f"{u} {y}" for u, y in zip(low["unit"], low["year"], strict=True))
            sec.add(
                "<p class='caption'>A band of [0, 0] or [100, 100] is not certainty: scores are rescaled "
                "to 0-100 over the panel in every draw, so the lowest (highest) unit-year is pinned "
                "there whatever the draw" + (f" ({escape(where)} at 0)" if where else "") + ".</p>"
            )
        first = sorted(result.first_order.items(), key=lambda kv: -(kv[1] if kv[1] == kv[1] else -1))
        sec.add(
            "<h3>Which choice moves the scores most</h3>"
            + table_figure(
                table(
                    [{"choice": k, "first_order": v} for k, v in first],
                    [
                        col("choice"),
                        num("first_order", "first-order sensitivity (share of score variance)", 3),
                    ],
                ),
                "Largest first. Source: the Monte Carlo above (OECD/JRC Handbook, 2008, ch. 7).",
            )
        )
    elif not info["missing"]:
        sec.add("<p class='missing'>No country-year has enough indicators for a score.</p>")
    sec.add("<h3>ARCII dimensions not covered, and why</h3><ul>")
    sec.add(
        "".join(f"<li><b>{escape(n['dimension'])}</b>: {escape(n['why'])}</li>" for n in method.not_covered)
    )
    sec.add("</ul>")
    return sec


def gravity_section(source: Context | Store) -> Section | None:
    """The latest stored structural-gravity run of each spec; None when no run is stored."""
    ctx = as_context(source)
    from steppe import charts
    from steppe.store import gravity_runs as store_gravity_runs

    runs = store_gravity_runs.latest_runs(ctx.store)
    if not runs:
        return None
    sec = Section("gravity", "Structural gravity estimates")
    sec.add(
        "<p>Latest stored run of each specification (<code>steppe gravity estimate NAME --store</code>); "
        "standard errors as the specification declares them. Method: docs/gravity.md.</p>"
    )
    for run in runs:
        provenance = run.get("provenance") or {}
        origin = "; ".join(f"{k}: {v}" for k, v in sorted(provenance.items()) if v not in (None, "", [], {}))
        dropped = run.get("dropped") or {}
        dropped_text = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()) if v)
        sec.add(
            f"<h3>{escape(run['spec_name'])}</h3><p>{escape(run['estimator'].upper())} with fixed effects "
            f"{escape(', '.join(run['fixed_effects']) or 'none')}; {run['nobs']:,} observations used of "
            f"{run['rows_in']:,}{escape('; dropped: ' + dropped_text if dropped_text else '')}. "
            f"{escape(run['method'])}, steppe {escape(run['steppe_version'])}, "
            f"run {escape(str(run['created_at']))}.</p>"
        )
        coef = pd.DataFrame(run["coefficients"])
        if len(coef) and coef["se"].notna().any():
            coef = coef.assign(
                low=coef["estimate"] - 1.96 * coef["se"], high=coef["estimate"] + 1.96 * coef["se"]
            )
            chart = charts.intervals(
                coef.dropna(subset=["low", "high"]),
                label="term",
                estimate="estimate",
                low="low",
                high="high",
                title=f"{run['spec_name']}: coefficients with 95% intervals",
                x_title="Coefficient",
                reference=0,
                source=origin or None,
                keep=["se", "p_value"],
                chart_id=ctx.chart_id("gravity"),
            )
            sec.add(
                _chart_html(
                    chart,
                    "Estimate and estimate ± 1.96 standard errors. Source: "
                    + escape(origin or "not recorded")
                    + ".",
                )
            )
        sec.add(
            table_figure(
                table(
                    run["coefficients"],
                    [
                        col("term"),
                        num("estimate", decimals=4),
                        num("se", "std. error", 4),
                        num("p_value", "p-value", 4),
                    ],
                ),
                "Source: " + escape(origin or "not recorded") + ".",
            )
        )
    return sec


def framework_sections(source: Context | Store) -> list[Section]:
    """The seed frameworks' sections (steppe.frameworks), with their charts, table and notes."""
    ctx = as_context(source)
    from steppe.frameworks import FRAMEWORKS, framework

    out = []
    for name in FRAMEWORKS:
        if not ctx.options.wants(f"framework-{name}"):
            continue
        try:
            found = framework(name).report_section(ctx.store)
        except SteppeError as exc:
            sec = Section(f"framework-{name}", f"Framework: {name}")
            sec.add(f"<p class='missing'>{escape(str(exc))}</p>")
            out.append(sec)
            continue
        if found is None:
            continue
        sec = Section(found.id, found.title)
        sec.add(f"<p>{escape(found.text)}</p>")
        for chart in found.charts:
            caption = escape(chart.caption or "")
            caption += (" " if caption else "") + "Source: " + escape(chart.source or "steppe") + "."
            sec.add(_chart_html(chart.with_id(ctx.chart_id(chart.id)), caption))
        rows = found.rows
        sec.add(
            table_figure(
                table(rows, list(found.columns)),
                "Source: "
                + escape(
                    "; ".join(dict.fromkeys(c.source for c in found.charts if c.source))
                    or "the steppe knowledge base and stored datasets (appendix)"
                )
                + ".",
            )
        )
        if found.notes:
            notes = "<ul class='caption'>" + "".join(f"<li>{escape(n)}</li>" for n in found.notes) + "</ul>"
            if len(found.notes) > 4:  # long lists (known KB gaps) fold away; the appendix has them all
                head = f"<summary>{len(found.notes)} notes (known gaps, caveats)</summary>"
                notes = f"<details>{head}{notes}</details>"
            sec.add(notes)
        if found.references:
            sec.add(
                "<p class='caption'>References: " + " ".join(escape(r) for r in found.references) + "</p>"
            )
        out.append(sec)
    return out


def appendix_section(source: Context | Store, cited: set[str] | None = None) -> Section:
    """Datasets, known gaps, KB sources, regions and methods.

    ``cited`` (the anchors :func:`cited_sources` finds in the sections above) splits the KB
    sources: those the report links to are listed, the others (hundreds) fold away under one
    line, so the appendix stays readable and every link lands on a visible row. Without
    ``cited`` every source is listed.
    """
    ctx = as_context(source)
    from steppe.indicators.regions import catalogue
    from steppe.kb import queries

    store = ctx.store
    sec = Section("appendix", "Appendix: sources, editions and methods")
    ds = sorted(ctx.datasets.values(), key=lambda d: (d["source"], d["dataset_id"]))
    sec.add("<h3>Stored datasets</h3>")
    if ds:
        rows = [
            {**d, "note": "starter snapshot bundled with steppe" if ctx.is_starter(d["dataset_id"]) else ""}
            for d in ds
        ]
        sec.add(
            table(
                rows,
                [
                    col("dataset_id", "dataset id"),
                    col("source"),
                    col("dataset"),
                    col("edition"),
                    col("location", cell=lambda v, _r: link(v) if v else ""),
                    col("retrieved_at", "retrieved"),
                    num("rows"),
                    col("content_hash", "content hash"),
                    col("note"),
                ],
                row_id=lambda r: anchor("ds", r["dataset_id"]),
                css="datasets",
            )
        )
    else:
        sec.add("<p>No dataset is stored yet; the data sections above name the fetch commands.</p>")
    sec.add('<h3 id="kb-gaps">Known gaps in the knowledge base</h3>')
    known = sorted(
        queries.gaps(store=store), key=lambda g: (str(g.get("org") or ""), str(g.get("country") or ""))
    )
    for g in known:
        g["organisation"] = ctx.org_names.get(g.get("org") or "", g.get("org") or "")
    if known:
        sec.add(
            f"<details><summary>All {len(known)} known gaps, by organisation: what no source gives, "
            "and why</summary>"
            + table(known, [col("organisation"), col("country"), col("what"), col("why")])
            + "</details>"
        )
    else:
        sec.add("<p>No known gap.</p>")
    sec.add("<h3>Knowledge-base sources</h3>")
    srcs = sorted(queries.sources(store=store), key=lambda s: str(s["id"]))
    columns = [
        col("id"),
        col("title", cell=lambda v, r: link(r.get("url"), str(v or r.get("url") or ""))),
        col("publisher"),
        col("date"),
        col("accessed"),
    ]

    def listed(rows: list[dict[str, Any]]) -> str:
        return table(rows, columns, row_id=lambda r: anchor("src", r["id"]), css="sources")

    if cited is None:
        sec.add(listed(srcs))
    else:
        shown = [s for s in srcs if anchor("src", s["id"]) in cited]
        rest = [s for s in srcs if anchor("src", s["id"]) not in cited]
        sec.add(
            f"<p>The {len(shown)} sources this report cites, with the day each was read.</p>" + listed(shown)
            if shown
            else "<p>This report cites no source of the knowledge base.</p>"
        )
        if rest:
            sec.add(
                f"<details><summary>The other {len(rest)} sources of the knowledge base (not cited in "
                "the sections shown)</summary>" + listed(rest) + "</details>"
            )
    sec.add("<h3>Regions</h3>")
    regions = sorted(catalogue(store=store), key=lambda r: str(r["id"]))
    sec.add(
        f"<details><summary>All {len(regions)} regions steppe knows: members and where each list "
        "comes from</summary>"
        + table(
            [
                {
                    "id": r["id"],
                    "name": r["name"],
                    "members": ", ".join(r["members"]),
                    "source": r["source"],
                    "url": r["url"],
                }
                for r in regions
            ],
            [col("id"), col("name"), col("members"), col("source"), url("url", "source page")],
        )
        + "</details>"
    )
    sec.add(
        "<h3>Methods</h3><ul>"
        "<li>Trade view <i>reported</i> (the default): each state's own reports, exports FOB and imports "
        "CIF, over its reported world total (IMF DOTS 'World'); partners that are not countries "
        "(Special Categories, areas not specified) count in the totals and in no region.</li>"
        "<li>Peer comparison: one dataset and the <i>reconciled</i> view: reporters' own figures, "
        "non-reporters filled from their partners' import reports divided by the IMF's CIF/FOB factor "
        "1.06 (Direction of Trade Statistics Yearbook 2017).</li>"
        "<li>Intra-regional trade share, trade intensity (WITS), regional trade introversion (Iapadre 2006), "
        "partner shares and Herfindahl-Hirschman index, complementarity (Michaely 1996), RCA (Balassa 1965), "
        "Grubel-Lloyd (1975): formulas in docs/indicators.md.</li>"
        "<li>Regions from the knowledge base (ASEAN, EU, Mercosur and any organisation): full members "
        "certain on 1 July of each year; fixed regions (C5, C5+AFG, EU27) keep one composition.</li>"
        "<li>Composite index and Monte Carlo: OECD/JRC Handbook on Constructing Composite Indicators (2008); "
        "methodology file methodologies/central-asia.yaml.</li></ul>"
    )
    return sec


# -- assembling ----------------------------------------------------------------------------------
def starter_banner(ctx: Context) -> str:
    """The banner every page of a report built on the bundled starter snapshot carries."""
    if not ctx.starter:
        return ""
    from steppe.starter import describe

    return (
        '<div class="starter-banner" role="note"><b>Starter snapshot.</b> '
        + escape(describe(ctx.starter))
        + " Run <code>steppe fetch imf_dots</code> (and the other fetch commands in the README) for "
        "fresh data; each fetch replaces the snapshot's dataset of its source.</div>"
    )


def render(sections: Sequence[Section], title: str, ctx: Context | None = None) -> str:
    from steppe import charts

    template = Template(resources.files("steppe.report").joinpath("templates/report.html").read_text("utf-8"))
    nav = "".join(f'<li><a href="#{escape(s.id, quote=True)}">{escape(s.title)}</a></li>' for s in sections)
    scope = ""
    if ctx is not None and ctx.options.years:
        scope += f" Years {ctx.options.years[0]}-{ctx.options.years[1]}."
    if ctx is not None and tuple(ctx.options.countries) != C5:
        scope += " States drawn one by one: " + ", ".join(ctx.options.countries) + "."
    return template.substitute(
        title=escape(title),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        charts_head=charts.head(),
        scope=escape(scope),
        banner=starter_banner(ctx) if ctx is not None else "",
        nav=nav,
        body="".join(s.html() for s in sections),
    )


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print the HTML to PDF with headless Chromium (the only optional dependency of the report)."""
    exe = find_chromium()
    if exe is None:
        raise SteppeError(
            "PDF output needs Chromium: install it (apt-get install chromium) or leave out pdf.",
            params=("pdf",),
        )
    try:
        subprocess.run(
            [
                exe,
                *CHROMIUM_FLAGS,
                "--no-pdf-header-footer",
                "--run-all-compositor-stages-before-draw",
                "--virtual-time-budget=20000",
                f"--print-to-pdf={pdf_path}",
                html_path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise SteppeError(
            f"Chromium could not print {html_path} to PDF ({type(exc).__name__}); the HTML report is "
            "written, open it in a browser and print it from there."
        ) from None
    if not pdf_path.exists():
        raise SteppeError(
            f"Chromium wrote no PDF for {html_path}; the HTML report is written, print it from a browser."
        )
    return pdf_path


def central_asia(
    out: str | Path = "report.html",
    *,
    draws: int = 200,
    seed: int = 0,
    pdf: bool = False,
    years: str | tuple[int, int] | None = None,
    countries: str | Sequence[str] | None = None,
    sections: str | Sequence[str] | None = None,
    store: Store | None = None,
) -> ReportInfo:
    """Build the Central Asia report into ``out`` (HTML) and optionally a PDF beside it.

    ``years`` (``"2005:2024"`` or a pair) limits every time series and the events; ``countries``
    (C5 ISO3 codes or names) picks the states drawn one by one (the C5 aggregate stays);
    ``sections`` (``"trade,dependence"``) picks sections; the summary and the appendix are
    always there.
    """
    from steppe.kb.sync import kb_store

    if draws < 1:
        raise UsageError(f"draws {draws} is too small: use at least 1 Monte Carlo draw.", params=("draws",))
    path = Path(out)
    if path.suffix.lower() not in (".html", ".htm"):
        raise UsageError(
            f"The report file '{out}' must end in .html; for example out 'report.html'.", params=("out",)
        )
    span: tuple[int, int] | None
    if isinstance(years, str):
        from steppe.dates import parse_years

        got = parse_years(years)
        span = (min(got), max(got)) if got else None
    else:
        span = tuple(years) if years else None  # type: ignore[assignment]
    chosen = parse_sections(sections if sections is None or isinstance(sections, str) else ",".join(sections))
    store = kb_store(store)
    options = Options(years=span, countries=parse_countries(countries, store), sections=chosen)
    ctx = Context(store, options, draws, seed)
    built: list[Section | None] = [summary_section(ctx)]
    for sid, builder in (
        ("membership", membership_section),
        ("events", events_section),
        ("trade", trade_section),
        ("dependence", dependence_section),
        ("index", index_section),
    ):
        if options.wants(sid):
            built.append(builder(ctx))
    built.extend(framework_sections(ctx))
    if options.wants("gravity"):
        built.append(gravity_section(ctx))
    done = [s for s in built if s is not None]
    done.append(appendix_section(ctx, cited=cited_sources("".join(s.html() for s in done))))
    html = render(done, "Central Asia: regional integration report", ctx)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
    except OSError as exc:
        raise UsageError(
            f"Cannot write the report to '{out}' ({exc.strerror}); choose another out.",
            params=("out",),
        ) from None
    info = ReportInfo(
        path,
        [s.id for s in done],
        {s.id: s.missing for s in done if s.missing},
        starter=[{k: d[k] for k in ("dataset_id", "source", "dataset", "edition")} for d in ctx.starter],
        options={
            "years": list(span) if span else None,
            "countries": list(options.countries),
            "sections": sorted(chosen) if chosen else None,
        },
    )
    if pdf:
        info.pdf = to_pdf(path, path.with_suffix(".pdf"))
    return info
