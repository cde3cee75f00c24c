"""The report's opening: the key numbers, each with its year, its definition and its source.

Five cards: the C5's intra-regional trade share, its largest partners, its dependence on the
external powers, the composite index, the latest events, plus the institutional overlap. Each
number comes from the same analysis call the section below it draws, so the summary and the
charts cannot disagree; a card whose data are not stored names the fetch command instead.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.report.html import percent, source_links

if TYPE_CHECKING:
    from steppe.report.build import Context


def card(title: str, value_html: str, body_html: str, source_html: str, *, css: str = "") -> str:
    """One key-number card (trusted HTML parts)."""
    extra = f" {css}" if css else ""
    return (
        f'<div class="card{extra}"><div class="card-title">{escape(title)}</div>'
        f'<div class="card-value">{value_html}</div><div class="card-body">{body_html}</div>'
        f'<div class="card-source">Source: {source_html}</div></div>'
    )


def _missing(title: str, command: str) -> str:
    return card(
        title,
        "&ndash;",
        f"Not stored yet: run <code>{escape(command)}</code>.",
        "none stored",
        css="empty",
    )


def intra_share(ctx: Context) -> str:
    from steppe.indicators.compute import FETCH_COMMANDS

    title = "Intra-regional trade share of the C5"
    r = ctx.regional
    if r is None:
        return _missing(title, FETCH_COMMANDS["trade"])
    r = r.dropna(subset=["intra_share"]).sort_values("year")
    if not len(r):
        return _missing(title, FETCH_COMMANDS["trade"])
    last = r.iloc[-1]
    first = r.iloc[0]
    change = ""
    if int(first["year"]) != int(last["year"]):
        change = f"; {percent(first['intra_share'])}% in {int(first['year'])}"
    return card(
        title,
        f"{percent(last['intra_share'])}% <span class='card-year'>{int(last['year'])}</span>",
        "The five states' trade with each other, % of their total trade "
        f"({escape(str(last['view']))} view){escape(change)}.",
        ctx.source_short(str(last["dataset_id"])),
    )


def top_partners(ctx: Context) -> str:
    """The C5's largest partners: summed trade of the five with each partner over their summed
    total trade, the same definition the dependence measures use for the C5 as a whole."""
    from steppe.indicators.compute import FETCH_COMMANDS

    title = "Largest trading partners of the C5"
    p = ctx.partners
    if p is None or not len(p):
        return _missing(title, FETCH_COMMANDS["trade"])
    c5 = set(ctx.options.countries) | {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    year = int(p["year"].max())
    last = p[p["year"] == year]
    totals = last.drop_duplicates("country")["total"].sum()
    outside = last[(last["partner_kind"] == "country") & ~last["partner"].isin(c5)]
    if not len(outside) or not totals:
        return _missing(title, FETCH_COMMANDS["trade"])
    top = outside.groupby("partner")["value"].sum().sort_values(ascending=False).head(5) / totals
    names = ctx.names(top.index)
    items = "".join(f"<li>{escape(names[str(k)])} <b>{percent(v)}%</b></li>" for k, v in top.items())
    return card(
        title,
        f"{escape(names[str(top.index[0])])} <span class='card-year'>{year}</span>",
        f"<ol class='partners'>{items}</ol>Share of the five states' summed trade (exports + imports, "
        "reported view), partners outside the C5.",
        ctx.source_short(str(last["dataset_id"].iloc[0])),
    )


def dependence(ctx: Context) -> str:
    from steppe.indicators.compute import FETCH_COMMANDS

    title = "Dependence on the external powers"
    dep = ctx.dependence
    if not len(dep) or "share_CHN" not in dep:
        return _missing(title, FETCH_COMMANDS["trade"])
    c5 = dep[(dep["country"] == "C5")].dropna(subset=["share_CHN"]).sort_values("year")
    if not len(c5):
        return _missing(title, FETCH_COMMANDS["trade"])
    last = c5.iloc[-1]
    shares = [("China", last["share_CHN"]), ("Russia", last["share_RUS"]), ("EU27", last["share_EU27"])]
    items = " &middot; ".join(f"{escape(n)} <b>{percent(v)}%</b>" for n, v in shares if pd.notna(v))
    return card(
        title,
        f"{percent(last['powers_share'])}% <span class='card-year'>{int(last['year'])}</span>",
        f"of the C5's trade is with China, Russia, the EU27, the USA, Turkey and Iran: {items}; "
        f"balance {last['balance']:.2f} (0 = one power, 1 = even).",
        ctx.source_short(str(last["trade_dataset_id"])),
    )


def index(ctx: Context) -> str:
    from steppe import charts

    title = "Composite integration index (0-100)"
    method, result, info = ctx.index
    iv = ctx.in_years(result.intervals.dropna(subset=["score"]))
    if not len(iv):
        fetch = info["missing"][0]["fetch"] if info["missing"] else "steppe fetch imf_dots"
        return _missing(title, fetch)
    year = int(iv["year"].max())
    last = iv[iv["year"] == year].sort_values("score", ascending=False)
    items = "".join(
        f"<li>{escape(charts.label(r['unit']))} <b>{r['score']:.0f}</b> "
        f"<span class='band'>[{r['score_p05']:.0f}-{r['score_p95']:.0f}]</span></li>"
        for r in last.to_dict(orient="records")
    )
    dsid = info.get("trade_dataset_id")
    return card(
        title,
        f"{escape(charts.label(last.iloc[0]['unit']))} <span class='card-year'>{year}</span>",
        f"<ol class='partners'>{items}</ol>Score with its 5th-95th percentile band over "
        f"{result.draws} Monte Carlo draws; methodology {escape(method.id)} v{escape(str(method.version))}.",
        (ctx.source_short(dsid) if dsid else "no trade data") + "; steppe knowledge base",
    )


def latest_events(ctx: Context) -> str:

    evs = ctx.c5_events()
    if ctx.options.years:
        first, last = ctx.options.years
        evs = [e for e in evs if first <= int(str(e["start"])[:4]) <= last]
    evs = sorted(evs, key=lambda e: str(e["start"]), reverse=True)[:5]
    if not evs:
        return card("Latest events", "&ndash;", "No event in these years.", "steppe knowledge base")
    items = "".join(
        f"<li><span class='date'>{escape(str(e['start']))}</span> {escape(e['title'])} "
        f"<span class='ids'>({source_links(e.get('sources') or [])})</span></li>"
        for e in evs
    )
    ids = [s for e in evs for s in (e.get("sources") or [])]
    return card(
        "Latest events",
        f"{escape(str(evs[0]['start'])[:4])}",
        f"<ul class='events'>{items}</ul>",
        "steppe knowledge base (" + source_links(ids[:3]) + ("&hellip;" if len(ids) > 3 else "") + ")",
        css="wide",
    )


def overlap(ctx: Context) -> str:
    from steppe.kb import queries

    ov = queries.overlap(store=ctx.store)
    countries = list(ctx.options.countries)
    all_in = [o for o in ov.organisations if all(ov.cell(c, o) for c in countries)]
    security = [o for o in ("csto", "eaeu", "sco", "cis") if o in ov.organisations]
    split = "; ".join(
        f"{escape(ctx.org_names.get(o, o))}: {sum(1 for c in countries if ov.cell(c, o))} of {len(countries)}"
        for o in security
    )
    return card(
        "Institutional overlap",
        f"{len(all_in)} of {len(ov.organisations)} <span class='card-year'>{ov.as_of.isoformat()}</span>",
        f"organisations and formats that all of {escape(', '.join(countries))} belong to in some role; "
        f"the Russia- and China-centred ones split them ({split}).",
        '<a href="#membership">membership section</a>; steppe knowledge base '
        "(<code>steppe kb overlap</code>)",
    )


def key_numbers(ctx: Context) -> list[str]:
    """The summary's cards, in reading order."""
    out: list[str] = []
    builders: list[Any] = [intra_share, top_partners, dependence, index, overlap, latest_events]
    for build in builders:
        out.append(build(ctx))
    return out
