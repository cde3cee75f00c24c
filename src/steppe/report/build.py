"""The Central Asia report: one self-contained HTML file (inline CSS and SVG, no scripts, no CDN).

Every section is built from the analysis modules (KB queries, indicators, dependence,
composite index) over the store; a section whose data are not stored says which
``steppe fetch`` command fills it. Every chart has a caption naming its sources.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe import __version__
from steppe.errors import NotFoundError, SteppeError, UsageError
from steppe.kb.asof import parse_partial
from steppe.report import charts
from steppe.store import Store

if TYPE_CHECKING:
    from steppe.indicators.views import View

SECTIONS = ("membership", "events", "trade", "dependence", "index", "appendix")
#: Sections that appear only when their data are stored (and ``framework-<name>``, one per seed
#: framework with something to measure: steppe.frameworks.FRAMEWORKS).
OPTIONAL_SECTIONS = ("gravity",)

#: Flags for headless Chromium without network side effects (PDF printing, tests).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@dataclass
class Section:
    id: str
    title: str
    parts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # fetch commands that would fill gaps

    def add(self, html: str) -> None:
        self.parts.append(html)

    def need(self, what: str, command: str) -> None:
        self.missing.append(command)
        self.add(
            f'<p class="missing">{escape(what)} not stored: run <code>{escape(command)}</code> '
            "(add <code>--mirror DIR</code> to read a local mirror of the sources instead of the "
            "network) and build the report again.</p>"
        )

    def html(self) -> str:
        return (
            f'<section id="{self.id}" data-section="{self.id}"><h2>{escape(self.title)}</h2>'
            + "".join(self.parts)
            + "</section>"
        )


@dataclass
class ReportInfo:
    """What was written, which sections have data, and which fetch commands would fill the rest."""

    path: Path
    sections: list[str]
    missing: dict[str, list[str]]
    pdf: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "pdf": str(self.pdf) if self.pdf else None,
            "sections": self.sections,
            "missing": self.missing,
        }


def figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in (headers or columns))
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            if isinstance(v, float):
                text = "" if math.isnan(v) else f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
            elif isinstance(v, (list, tuple)):
                text = "; ".join(str(x) for x in v)
            else:
                text = "" if v is None else str(v)
            cells.append(f"<td>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _series(frame: pd.DataFrame, key: str, value: str) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    for name, g in frame.groupby(key, sort=True):
        out[str(name)] = [(float(y), float(v)) for y, v in zip(g["year"], g[value], strict=True)]
    return out


def _source_caption(store: Store, source: str) -> str:
    """Captions of every stored dataset of one source."""
    from steppe.store import indicators as sql

    ids = [d["dataset_id"] for d in sql.datasets(store) if d["source"] == source]
    return "; ".join(_dataset_caption(store, i) for i in ids)


def _dataset_caption(store: Store, dataset_id: str | None) -> str:
    from steppe.store import indicators as sql

    if not dataset_id:
        return ""
    for d in sql.datasets(store):
        if d["dataset_id"] == dataset_id:
            return f"{d['source']} {d['dataset']}, edition {d['edition']} (dataset {dataset_id})"
    return f"dataset {dataset_id}"


# -- sections ---------------------------------------------------------------------------------------
def membership_section(store: Store) -> Section:
    from steppe.kb import queries

    sec = Section("membership", "Membership overlap and timeline of the C5")
    ov = queries.overlap(store=store)
    rows = []
    for org in ov.organisations:
        row = {"organisation": org}
        row.update({c: (ov.cell(c, org) or "").replace("_", " ") for c in ov.countries})
        rows.append(row)
    sec.add(f"<h3>Who belongs to what, as of {ov.as_of.isoformat()}</h3>")
    sec.add(
        figure(
            table(rows, ["organisation", *ov.countries]),
            "Roles of the five Central Asian states in each organisation on the date shown. Sources: the "
            "steppe knowledge base (steppe kb overlap); each membership's sources are listed in the "
            "appendix.",
        )
    )
    gaps = queries.gap_warnings(ov.organisations, ov.countries, store=store)
    if gaps:
        sec.add(
            "<p class='missing'>Known gaps in the knowledge base for what this section shows (listed in "
            "full in the appendix): " + "; ".join(escape(g) for g in gaps) + "</p>"
        )
    gantt_rows = []
    source_ids: set[str] = set()
    for c in queries.C5:
        for r in queries.timeline(country=c, store=store):
            gantt_rows.append(
                (
                    f"{r['org']} · {c}",
                    parse_partial(r["start"]).earliest,
                    parse_partial(r["end"]).earliest if r["end"] else None,
                    r["role"],
                )
            )
            source_ids.update(r.get("sources") or [])
    gantt_rows.sort(key=lambda r: (r[0].split(" · ")[0], r[0]))
    sec.add(
        figure(
            charts.gantt(
                gantt_rows,
                title="Membership periods of the C5, by organisation and role",
                start=date(1991, 1, 1),
            ),
            "Membership periods (start to end, open bars run to today). Sources: steppe knowledge base "
            f"(steppe kb timeline --country ISO3); source ids: {', '.join(sorted(source_ids))}.",
        )
    )
    return sec


def events_section(store: Store) -> Section:
    from steppe.kb import queries

    sec = Section("events", "Events timeline")
    evs = queries.events(store=store)
    points = [(parse_partial(e["start"]).earliest, e["type"], e["title"]) for e in evs]
    ids = sorted({s for e in evs for s in (e.get("sources") or [])})
    sec.add(
        figure(
            charts.event_timeline(points, title="Founding acts, treaties, accessions and summits"),
            f"Events in the knowledge base (steppe kb events). Sources: {', '.join(ids) or 'none'}.",
        )
    )
    sec.add(
        table(
            evs, ["start", "type", "title", "place", "sources"], ["date", "type", "event", "place", "sources"]
        )
    )
    return sec


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


def trade_section(store: Store) -> Section:
    from steppe.indicators.compute import FETCH_COMMANDS, compare_regions, indicator
    from steppe.indicators.views import CIF_FOB

    sec = Section("trade", "Trade integration over time, against peer regions")
    try:
        members = indicator("members", "c5", store=store)
        peers = compare_regions(view=PEER_VIEW, store=store)
    except NotFoundError:
        sec.need("Bilateral trade is", FETCH_COMMANDS["trade"])
        sec.need("A world trade matrix (every reporter with every partner) is", FETCH_COMMANDS["trade_world"])
        return sec
    dataset_id = str(peers["dataset_id"].iloc[0])
    source = _dataset_caption(store, dataset_id)
    peers = peers.assign(line=[REGION_NAMES.get(r, r) for r in peers["region"]])
    shares = peers.dropna(subset=["intra_share"])
    absent = sorted(set(peers["line"]) - set(shares["line"]))
    fills = sorted({f.split(":")[0] for v in peers["fills"].dropna() for f in v})
    how = (
        f"All regions on one dataset and view ({dataset_id}, {PEER_VIEW} view: each reporter's own "
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
    if len(shares):
        sec.add(
            figure(
                charts.line_chart(
                    _series(shares.assign(pct=100 * shares["intra_share"]), "line", "pct"),
                    title="Intra-regional trade share: C5 and peer regions (% of the region's trade)",
                    y_label="% of the region's trade",
                ),
                "Intra-regional trade share (members' exports + imports among themselves over their "
                "trade with all partners). "
                + how
                + "Regions are fixed lists (appendix). Source: "
                + source
                + ".",
            )
        )
    intro = peers.dropna(subset=["introversion"])
    if len(intro):
        sec.add(
            figure(
                charts.line_chart(
                    _series(intro, "line", "introversion"),
                    title="Regional trade introversion index (Iapadre), -1 to 1",
                    y_label="introversion",
                    y_range=(-1.0, 1.0),
                ),
                "Introversion compares a region's intra-regional trade intensity with its extra-regional "
                "intensity, so regions of different size can be compared; it divides by world trade, so "
                "it is drawn only for years the dataset is a world matrix. "
                + how
                + "Source: "
                + source
                + ".",
            )
        )
    else:
        sec.need(
            "A world trade matrix (every reporter with every partner, needed for introversion) is",
            FETCH_COMMANDS["trade_world"],
        )
    shown = members.dropna(subset=["share"])
    if len(shown):
        src = _dataset_caption(store, shown["dataset_id"].iloc[0])
        sec.add(
            figure(
                charts.line_chart(
                    _series(shown.assign(pct=100 * shown["share"]), "country", "pct"),
                    title="Each state's trade with the other four (% of its total trade)",
                    y_label="% of total trade",
                ),
                "Share of the other C5 states in each state's total goods trade, "
                f"{shown['view'].iloc[0]} view (each state's own exports FOB and imports CIF over its "
                f"reported world totals). Source: {src}.",
            )
        )
    return sec


#: The dependence table's columns and headers (percent of total trade, the unit in every header).
DEPENDENCE_TABLE = {
    "share_CHN": "China (% of trade)",
    "share_RUS": "Russia (% of trade)",
    "share_EU27": "EU27 (% of trade)",
    "share_USA": "USA (% of trade)",
    "share_TUR": "Turkey (% of trade)",
    "share_IRN": "Iran (% of trade)",
    "powers_share": "six powers (% of trade)",
}


def dependence_section(store: Store) -> Section:
    from steppe.indicators.compute import FETCH_COMMANDS
    from steppe.indicators.dependence import dependence

    sec = Section("dependence", "Dependence on external powers")
    dep = dependence(store=store)
    has_trade = len(dep) and "share_CHN" in dep and dep["share_CHN"].notna().any()
    if has_trade:
        trade = dep.dropna(subset=["share_CHN"])
        src = _dataset_caption(store, trade["trade_dataset_id"].iloc[0])
        view = trade["view"].iloc[0]
        for power, label in (("CHN", "China"), ("RUS", "Russia"), ("EU27", "the EU27")):
            sec.add(
                figure(
                    charts.line_chart(
                        _series(trade.assign(pct=100 * trade[f"share_{power}"]), "country", "pct"),
                        title=f"Share of {label} in each state's total trade, and in the C5's (%)",
                        y_label="% of total trade",
                    ),
                    f"Partner share in exports + imports, {view} view, over each state's reported world "
                    "total; C5 = the five states' summed trade with the partner over their summed total "
                    f"trade (not an average of shares). Source: {src}.",
                )
            )
        sec.add(
            figure(
                charts.line_chart(
                    _series(trade, "country", "balance"),
                    title="Multi-vector balance: normalised entropy of the six powers' shares (0 to 1)",
                    y_label="balance (0-1 index)",
                    y_range=(0.0, 1.0),
                ),
                "Balance = -sum(p ln p) / ln 6 over the shares of China, Russia, the EU27, the USA, Turkey "
                "and Iran "
                f"rescaled to sum 1: 1 = even spread, 0 = one power only. Source: {src}.",
            )
        )
        last = trade.sort_values("year").groupby("country", sort=False).tail(1)
        last = last.sort_values("country", key=lambda c: c.map(lambda v: (len(v) != 3, v)))  # states, then C5
        rows = []
        for r in last.to_dict(orient="records"):
            row = {"country": r["country"], "year": r["year"], "balance": r["balance"]}
            row.update({k: 100 * r[k] for k in DEPENDENCE_TABLE})
            rows.append(row)
        sec.add(
            figure(
                table(
                    rows,
                    ["country", "year", *DEPENDENCE_TABLE, "balance"],
                    ["state", "year", *DEPENDENCE_TABLE.values(), "balance (0-1 index)"],
                ),
                f"Latest year per state and for the C5: each power's share of total trade in percent, and "
                f"the balance index. Source: {src}.",
            )
        )
    else:
        sec.need("Bilateral trade is", FETCH_COMMANDS["trade"])
    fin = (
        dep.dropna(subset=["china_finance_usd_constant"])
        if "china_finance_usd_constant" in dep
        else dep.iloc[0:0]
    )
    if len(fin):
        sec.add(
            figure(
                charts.line_chart(
                    _series(fin.assign(bn=fin["china_finance_usd_constant"] / 1e9), "country", "bn"),
                    title="Chinese official finance committed, US$ bn (constant 2021)",
                    y_label="US$ bn",
                ),
                "All flow classes (ODA-like, OOF-like, vague) summed by recipient and commitment year; C5 = "
                "the five summed. Source: AidData "
                "Global Chinese Development Finance Dataset 3.0 (Custer et al. 2023): "
                f"{_source_caption(store, 'aiddata')}.",
            )
        )
    else:
        sec.need("Chinese official finance (AidData) is", FETCH_COMMANDS["finance"])
    rem = dep.dropna(subset=["remittances_share_gdp"]) if "remittances_share_gdp" in dep else dep.iloc[0:0]
    if len(rem):
        sec.add(
            figure(
                charts.line_chart(
                    _series(rem.assign(pct=100 * rem["remittances_share_gdp"]), "country", "pct"),
                    title="Personal remittances received (% of GDP)",
                    y_label="% of GDP",
                ),
                "BX.TRF.PWKR.DT.GD.ZS, or BX.TRF.PWKR.CD.DT over NY.GDP.MKTP.CD where only the two "
                "series are stored; C5 = summed remittances over summed GDP. Source: World Bank World "
                f"Development Indicators: {_source_caption(store, 'wdi')}.",
            )
        )
    else:
        sec.need("Remittances (WDI) are", FETCH_COMMANDS["remittances"])
    return sec


def index_section(store: Store, draws: int, seed: int) -> Section:
    from steppe.indicators.composite import gather_panel, load_methodology, sensitivity

    sec = Section("index", "Composite regional integration index, with uncertainty")
    method = load_methodology("central-asia")
    panel, info = gather_panel(method, store=store)
    result = sensitivity(panel, method, draws=draws, seed=seed)
    iv = result.intervals.dropna(subset=["score"])
    for gap in info["missing"]:
        sec.need(gap["data"].capitalize() + " is", gap["fetch"])
    if len(iv):
        series = _series(iv, "unit", "score")
        bands = {
            str(u): [
                (float(y), lo, hi)
                for y, lo, hi in zip(g["year"], g["score_p05"], g["score_p95"], strict=True)
            ]
            for u, g in iv.groupby("unit")
        }
        src = _dataset_caption(store, info["trade_dataset_id"])
        sec.add(
            figure(
                charts.line_chart(
                    series, bands=bands, title=f"{method.title} (0-100)", y_label="score", y_range=(0, 100)
                ),
                f"Lines: methodology {method.id} v{method.version} as declared; shaded: 5th-95th "
                f"percentile of {result.draws} Monte Carlo draws (seed {result.seed}) over "
                "normalisation, weighting, aggregation, imputation and weights. Sources: "
                f"{src or 'no trade data'}; steppe knowledge base memberships.",
            )
        )
        last = iv.sort_values("year").groupby("unit").tail(1)
        cols = ["unit", "year", "score", "score_p05", "score_p95", "rank", "rank_p05", "rank_p95"]
        heads = ["state", "year", "score", "score p5", "score p95", "rank", "rank p5", "rank p95"]
        pinned = bool(last["band_note"].notna().any())
        sec.add(
            table(last.to_dict(orient="records"), cols + ["band_note"] * pinned, heads + ["note"] * pinned)
        )
        if iv["band_note"].notna().any():
            low = iv[iv["rescaling_bound"] == "min"]
            where = ", ".join(f"{u} {y}" for u, y in zip(low["unit"], low["year"], strict=True))
            sec.add(
                "<p class='caption'>A band of [0, 0] or [100, 100] is not certainty: scores are rescaled "
                "to 0-100 over the panel in every draw, so the lowest (highest) unit-year is pinned "
                "there whatever the draw" + (f" ({escape(where)} at 0)" if where else "") + ".</p>"
            )
        sec.add(
            "<h3>Which choice moves the scores most</h3>"
            + table(
                [{"choice": k, "first_order": v} for k, v in result.first_order.items()],
                ["choice", "first_order"],
                ["choice", "first-order sensitivity index (share of score variance)"],
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


def gravity_section(store: Store) -> Section | None:
    """The latest stored structural-gravity run of each spec; None when no run is stored."""
    from steppe.store import gravity as gravity_sql

    runs = gravity_sql.latest_runs(store)
    if not runs:
        return None
    sec = Section("gravity", "Structural gravity estimates")
    sec.add(
        "<p>Latest stored run of each specification (<code>steppe gravity estimate NAME --store</code>); "
        "standard errors as the specification declares them. Method: docs/gravity.md.</p>"
    )
    for run in runs:
        provenance = run.get("provenance") or {}
        source = "; ".join(f"{k}: {v}" for k, v in sorted(provenance.items()) if v not in (None, "", [], {}))
        dropped = run.get("dropped") or {}
        dropped_text = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()) if v)
        sec.add(
            f"<h3>{escape(run['spec_name'])}</h3><p>{escape(run['estimator'].upper())} with fixed effects "
            f"{escape(', '.join(run['fixed_effects']) or 'none')}; {run['nobs']:,} observations used of "
            f"{run['rows_in']:,}{escape('; dropped: ' + dropped_text if dropped_text else '')}. "
            f"{escape(run['method'])}, steppe {escape(run['steppe_version'])}, "
            f"run {escape(str(run['created_at']))}.</p>"
        )
        sec.add(table(run["coefficients"], ["term", "estimate", "se", "p_value"]))
        sec.add(f"<p class='caption'>Source: {escape(source or 'not recorded')}.</p>")
    return sec


def framework_sections(store: Store) -> list[Section]:
    """The seed frameworks' sections (steppe.frameworks.report_sections), as text, table and notes.

    A minimal hook: the charts each framework returns (``steppe.charts`` objects) are named with
    their source here and drawn by the redesigned report; a framework that cannot run says why.
    """
    from steppe.frameworks import FRAMEWORKS, framework

    out = []
    for name in FRAMEWORKS:
        try:
            found = framework(name).report_section(store)
        except SteppeError as exc:
            sec = Section(f"framework-{name}", f"Framework: {name}")
            sec.add(f"<p class='missing'>{escape(str(exc))}</p>")
            out.append(sec)
            continue
        if found is None:
            continue
        sec = Section(found.id, found.title)
        sec.add(f"<p>{escape(found.text)}</p>")
        sec.add(table(found.rows, list(found.columns)))
        if found.charts:
            sec.add(
                "<ul>"
                + "".join(
                    f"<li>Chart: {escape(c.title)} ({len(c.data)} rows of data; source: "
                    f"{escape(c.source or '')})</li>"
                    for c in found.charts
                )
                + "</ul>"
            )
        if found.notes:
            sec.add("<ul class='caption'>" + "".join(f"<li>{escape(n)}</li>" for n in found.notes) + "</ul>")
        if found.references:
            sec.add(
                "<p class='caption'>References: " + " ".join(escape(r) for r in found.references) + "</p>"
            )
        out.append(sec)
    return out


def appendix_section(store: Store) -> Section:
    from steppe.indicators.regions import catalogue
    from steppe.kb import queries
    from steppe.store import indicators as sql

    sec = Section("appendix", "Appendix: sources, editions and methods")
    ds = sql.datasets(store)
    sec.add("<h3>Stored datasets</h3>")
    if ds:
        sec.add(
            table(
                ds,
                [
                    "dataset_id",
                    "source",
                    "dataset",
                    "edition",
                    "location",
                    "retrieved_at",
                    "rows",
                    "content_hash",
                ],
            )
        )
    else:
        sec.add(
            "<p class='missing'>No dataset is stored yet; the data sections above name the fetch "
            "commands.</p>"
        )
    sec.add("<h3>Known gaps in the knowledge base</h3>")
    known = queries.gaps(store=store)
    sec.add(table(known, ["org", "country", "what", "why"]) if known else "<p>No known gap.</p>")
    sec.add("<h3>Knowledge-base sources</h3>")
    sec.add(table(queries.sources(store=store), ["id", "title", "publisher", "date", "url"]))
    sec.add("<h3>Regions</h3>")
    sec.add(
        table(
            [
                {
                    "id": k,
                    "name": v["name"],
                    "members": ", ".join(v["members"]),
                    "source": v["source"],
                    "url": v["url"],
                }
                for k, v in ((r["id"], r) for r in catalogue(store=store))
            ],
            ["id", "name", "members", "source", "url"],
        )
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
def render(sections: Sequence[Section], title: str) -> str:
    template = Template(resources.files("steppe.report").joinpath("templates/report.html").read_text("utf-8"))
    nav = "".join(f'<li><a href="#{s.id}">{escape(s.title)}</a></li>' for s in sections)
    return template.substitute(
        title=escape(title),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
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
        raise SteppeError("PDF output needs Chromium: install it (apt-get install chromium) or drop --pdf.")
    try:
        subprocess.run(
            [
                exe,
                *CHROMIUM_FLAGS,
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf_path}",
                html_path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
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
    store: Store | None = None,
) -> ReportInfo:
    """Build the Central Asia report into ``out`` (HTML) and optionally a PDF beside it."""
    from steppe.kb.sync import kb_store

    if draws < 1:
        raise UsageError(f"--draws {draws} is too small: use at least 1 Monte Carlo draw.")
    store = kb_store(store)
    path = Path(out)
    if path.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"The report file '{out}' must end in .html; for example --out report.html.")
    sections = [
        membership_section(store),
        events_section(store),
        trade_section(store),
        dependence_section(store),
        index_section(store, draws, seed),
        *framework_sections(store),
        gravity_section(store),
        appendix_section(store),
    ]
    sections = [s for s in sections if s is not None]
    html = render(sections, "Central Asia: regional integration report")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
    except OSError as exc:
        raise UsageError(
            f"Cannot write the report to '{out}' ({exc.strerror}); choose another --out."
        ) from None
    info = ReportInfo(path, [s.id for s in sections], {s.id: s.missing for s in sections if s.missing})
    if pdf:
        info.pdf = to_pdf(path, path.with_suffix(".pdf"))
    return info
