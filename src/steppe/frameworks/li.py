"""Liberal Intergovernmentalism (Moravcsik 1993, 1998; as read by the journal article
doi:10.33687/jsas.011.03.4981): preferences, bargaining power,
institutional choice, and whether shifts in regional commitment follow shifts in interdependence.

The journal article doi:10.33687/jsas.011.03.4981 reads Central Asian integration through LI's
three stages: national preferences formed
domestically (above all by economic interdependence), interstate bargaining shaped by asymmetric
interdependence, and institutional choice (pooling and delegation to make commitments credible).
Per Central Asian state and year (``data/li.yaml``; docs/frameworks.md, "Liberal
Intergovernmentalism"):

1. **preferences**: export and import dependence on the rest of the region and on each power
   (reported view; every row names its dataset and view);
2. **bargaining**: per dyad (state, power), each side's dependence on the other and the asymmetry
   (Keohane and Nye's asymmetric interdependence), from a world matrix (both totals needed);
3. **institutional choice**: the organisations the state is a full member of, with their
   delegation and pooling (Hooghe and Marks 2015) from KB attributes;
4. **the test**: Spearman's rank correlation between year-on-year shifts in regional commitment
   and the shift in regional trade dependence ``lag`` years before, with a seeded bootstrap
   interval, the shifts listed, and the state's KB events (Uzbekistan's 2016 change of
   leadership among them) marked on the same chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from steppe.errors import NotFoundError, UsageError
from steppe.frameworks.association import Association, bootstrap_spearman
from steppe.frameworks.institutions import KBFacts, delegation, pooling
from steppe.frameworks.params import declared, reference_day
from steppe.frameworks.result import Evidence, Measure, Section
from steppe.frameworks.statements import organisation_mentions, state_statements

if TYPE_CHECKING:
    from steppe.indicators.compute import TradeData
    from steppe.store import Store

NAME = "li"
TITLE = "Liberal Intergovernmentalism: preferences, bargaining, institutional choice"
METHOD_VERSION = "1"
REGION = "region"


def method_id(part: str) -> str:
    return f"{NAME}:{part}@{METHOD_VERSION}.{declared(NAME)['version']}"


def partner_groups(
    state: str, region_members: Sequence[str], powers: Sequence[str]
) -> dict[str, frozenset[str]]:
    """Partner groups of a state: 'region' (the other members) and each power (EU27: its members)."""
    from steppe.indicators.dependence import powers as power_groups

    groups = power_groups()
    out = {REGION: frozenset(set(region_members) - {state})}
    for p in powers:
        if p not in groups:
            raise UsageError(f"Unknown power '{p}' in li.yaml: use one of {', '.join(groups)}.")
        out[p] = groups[p]
    return out


# -- stage 1: preferences ----------------------------------------------------------------------------
def flow_shares(flows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """WITS partner shares of every country for exports, imports and total trade (computed once)."""
    from steppe.indicators import formulas

    return {flow: formulas.partner_shares(flows, flow) for flow in ("exports", "imports", "trade")}


def dependence_shares(
    flows: pd.DataFrame,
    state: str,
    groups: dict[str, frozenset[str]],
    shares: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The state's export, import and trade shares with each partner group per year (pure).

    Returns ``year, partner, export_share, import_share, trade_share, denominator``: flows to (from)
    the group over the state's exports (imports) to the world, its reported world total where the
    frame has one.
    """
    every = shares if shares is not None else flow_shares(flows)
    parts = []
    for flow, column in (("exports", "export_share"), ("imports", "import_share"), ("trade", "trade_share")):
        shares_of = every[flow]
        shares_of = shares_of[shares_of["country"] == state]
        totals = shares_of.groupby("year").agg(total=("total", "first"), denominator=("denominator", "first"))
        for name, members in groups.items():
            value = shares_of[shares_of["partner"].isin(members)].groupby("year")["value"].sum()
            frame = totals.join(value.rename("value"), how="left").fillna({"value": 0.0})
            frame = frame.assign(partner=name, share=frame["value"] / frame["total"], flow=column)
            parts.append(frame.reset_index()[["year", "partner", "flow", "share", "denominator"]])
    if not parts:
        return pd.DataFrame(
            columns=["year", "partner", "export_share", "import_share", "trade_share", "denominator"]
        )
    long = pd.concat(parts, ignore_index=True)
    wide = long.pivot_table(
        index=["year", "partner"], columns="flow", values="share", aggfunc="first"
    ).reset_index()
    denom = long[long["flow"] == "trade_share"].set_index(["year", "partner"])["denominator"]
    wide = wide.join(denom, on=["year", "partner"])
    wide.columns.name = None
    return wide[["year", "partner", "export_share", "import_share", "trade_share", "denominator"]]


def preferences(
    data: TradeData,
    state: str,
    groups: dict[str, frozenset[str]],
    years: Sequence[int],
    shares: dict[str, pd.DataFrame] | None = None,
) -> list[Measure]:
    """Stage 1 rows: one per year and partner group, blank (with a reason) where the state is not
    covered by the dataset that year."""
    table = dependence_shares(data.flows, state, groups, shares)
    cov = data.coverage
    out = []
    for r in table.to_dict("records"):
        year = int(r["year"])
        if year not in years:
            continue
        reason = cov.country_reason(year, state)
        ok = reason is None
        extra = {
            "export_dependence": float(r["export_share"]) if ok else None,
            "import_dependence": float(r["import_share"]) if ok else None,
            "dataset_id": data.dataset_id,
            "view": data.view,
            "basis": data.basis,
            "denominator": r["denominator"],
            "reason": reason,
            "share_unit": "fraction",
        }
        detail = (
            (
                f"{state} with {r['partner']}: exports {r['export_share']:.1%}, "
                f"imports {r['import_share']:.1%} of its world "
                f"totals ({data.view} view, dataset {data.dataset_id})"
            )
            if ok
            else str(reason)
        )
        out.append(
            Measure(
                NAME,
                {"country": state, "year": year, "partner": r["partner"]},
                float(r["trade_share"]) if ok else None,
                None,
                1 if ok else 0,
                method_id("preferences"),
                (Evidence("trade", data.dataset_id, detail, float(r["trade_share"]) if ok else None),),
                extra,
            )
        )
    return out


# -- stage 2: bargaining -------------------------------------------------------------------------------
def dyads(
    flows: pd.DataFrame,
    state: str,
    groups: dict[str, frozenset[str]],
    trade_shares: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each side's dependence on the other per year and power (pure).

    ``state_dependence`` = trade with the power / the state's total trade; ``power_dependence`` =
    the power's trade with the state / the power's total trade, a group's total being its trade
    with partners outside it (the EU27's extra-EU trade); ``asymmetry`` = state - power.
    """
    from steppe.indicators import formulas

    shares = trade_shares if trade_shares is not None else formulas.partner_shares(flows, "trade")
    rows = []
    own = shares[shares["country"] == state]
    for power, members in groups.items():
        if power == REGION:
            continue
        theirs = dict(iter(shares[shares["country"].isin(members)].groupby("year")))
        year: Any  # a group key: the frame's integer year
        for year, mine in own.groupby("year"):
            total = float(mine["total"].iloc[0])
            with_power = float(mine.loc[mine["partner"].isin(members), "value"].sum())
            t = theirs.get(year)
            if t is None or t.empty:
                continue
            outside = t[~t["partner"].isin(members)]
            power_total = float(
                t.groupby("country")["total"].first().sum() - t[t["partner"].isin(members)]["value"].sum()
            )
            with_state = float(outside.loc[outside["partner"] == state, "value"].sum())
            sd = with_power / total if total else np.nan
            pd_ = with_state / power_total if power_total else np.nan
            rows.append(
                {
                    "year": int(year),
                    "power": power,
                    "state_dependence": sd,
                    "power_dependence": pd_,
                    "asymmetry": sd - pd_,
                }
            )
    return pd.DataFrame(rows, columns=["year", "power", "state_dependence", "power_dependence", "asymmetry"])


def bargaining(
    data: TradeData,
    state: str,
    groups: dict[str, frozenset[str]],
    years: Sequence[int],
    trade_shares: pd.DataFrame | None = None,
) -> list[Measure]:
    """Stage 2 rows: one per year and power; blank (with a reason) unless both sides are covered."""
    table = dyads(data.flows, state, groups, trade_shares)
    cov = data.coverage
    out = []
    for r in table.to_dict("records"):
        year = int(r["year"])
        if year not in years:
            continue
        reasons = [cov.country_reason(year, c) for c in sorted({state, *groups[r["power"]]})]
        reason = "; ".join(x for x in reasons if x) or None
        ok = reason is None
        extra = {
            "state_dependence": r["state_dependence"] if ok else None,
            "power_dependence": r["power_dependence"] if ok else None,
            "dataset_id": data.dataset_id,
            "view": data.view,
            "basis": data.basis,
            "reason": reason,
            "share_unit": "fraction",
        }
        detail = (
            (
                f"{state} depends on {r['power']} for {r['state_dependence']:.1%} of its trade, "
                f"{r['power']} on {state} for "
                f"{r['power_dependence']:.2%} of its own ({data.view} view, dataset {data.dataset_id})"
            )
            if ok
            else str(reason)
        )
        out.append(
            Measure(
                NAME,
                {"country": state, "year": year, "power": r["power"]},
                float(r["asymmetry"]) if ok else None,
                None,
                1 if ok else 0,
                method_id("bargaining"),
                (Evidence("trade", data.dataset_id, detail, float(r["asymmetry"]) if ok else None),),
                extra,
            )
        )
    return out


# -- stage 3: institutional choice ----------------------------------------------------------------------
def institutions(facts: KBFacts, state: str, years: Sequence[int]) -> list[Measure]:
    """Stage 3 rows: per year, the mean delegation and pooling of the organisations joined (pure)."""
    params = declared(NAME)
    spec = params["institutions"]
    out = []
    for year in years:
        day = reference_day(year, params["reference_day"])
        joined = [
            o
            for o in facts.organisations()
            if o not in spec["exclude"] and facts.exists(o, day) and state in facts.members(o, day)
        ]
        evidence = []
        dels, pools = [], []
        for org in joined:
            d, d_facts = delegation(facts, org, day, spec["third_party_settlement"])
            p, p_facts = pooling(facts, org, day, spec["pooling_rules"])
            recorded = (
                "; ".join(f.detail for f in (*d_facts, *p_facts) if f.value is not None)
                or "no attribute recorded"
            )
            show_d = "n/a" if d is None else f"{d:.2f}"
            show_p = "n/a" if p is None else f"{p:.0f}"
            evidence.append(
                Evidence("organisation", org, f"{org}: delegation {show_d}, pooling {show_p} ({recorded})", d)
            )
            if d is not None:
                dels.append(d)
            if p is not None:
                pools.append(p)
        extra = {
            "organisations": joined,
            "pooling": round(float(np.mean(pools)), 6) if pools else None,
            "delegating": len(dels),
            "pooling_known": len(pools),
            "pooling_organisations": [
                o for o in joined if pooling(facts, o, day, spec["pooling_rules"])[0] == 1.0
            ],
        }
        score = round(float(np.mean(dels)), 6) if dels else None
        out.append(
            Measure(
                NAME,
                {"country": state, "year": year},
                score,
                None,
                len(joined),
                method_id("institutions"),
                tuple(evidence),
                extra,
            )
        )
    return out


# -- the test --------------------------------------------------------------------------------------------
def regional_commitment(
    facts: KBFacts, state: str, years: Sequence[int], statements: pd.DataFrame, mentions: dict
) -> pd.DataFrame:
    """Mean commitment (openness x commitment's score) over the declared regional formats that exist
    on the reference day, per year: ``year, commitment, formats``."""
    from steppe.frameworks.openness_commitment import commitment_measure, speeches_by_state_year

    params = declared(NAME)
    speeches = speeches_by_state_year(statements)
    rows = []
    for year in years:
        day = reference_day(year, params["reference_day"])
        scores = {}
        for org in params["test"]["formats"]:
            if facts.exists(org, day):
                m = commitment_measure(facts, org, state, year, speeches, mentions)
                if m.score is not None:
                    scores[org] = m.score
        rows.append(
            {
                "year": year,
                "commitment": float(np.mean(list(scores.values()))) if scores else np.nan,
                "formats": scores,
            }
        )
    return pd.DataFrame(rows, columns=["year", "commitment", "formats"])


@dataclass(frozen=True)
class ShiftTest:
    """Do shifts in regional commitment follow shifts in interdependence?"""

    association: Association
    lag: int
    verdict: str
    pairs: pd.DataFrame  # year, d_commitment, d_interdependence_lagged
    shifts: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        a = self.association
        return {
            "spearman": a.spearman,
            "ci_low": a.ci_low,
            "ci_high": a.ci_high,
            "n": a.n,
            "lag": self.lag,
            "verdict": self.verdict,
            "draws": a.draws,
            "seed": a.seed,
            "level": a.level,
            "shifts": self.shifts,
        }


def shift_test(series: pd.DataFrame) -> ShiftTest:
    """The declared test on a ``year, commitment, interdependence`` frame (pure)."""
    spec = declared(NAME)["test"]
    lag = int(spec["lag"])
    s = series.set_index("year").sort_index()
    full = s.reindex(range(int(s.index.min()), int(s.index.max()) + 1)) if len(s) else s
    d_commit = full["commitment"].diff()
    d_inter = full["interdependence"].diff().shift(lag)
    pairs = pd.DataFrame({"d_commitment": d_commit, "d_interdependence_lagged": d_inter}).dropna()
    pairs = pairs.rename_axis("year").reset_index()
    a = bootstrap_spearman(
        pairs["d_interdependence_lagged"].to_numpy(),
        pairs["d_commitment"].to_numpy(),
        None,
        draws=int(spec["draws"]),
        seed=int(spec["seed"]),
        level=float(spec["level"]),
    )
    if a.n < int(spec["min_pairs"]) or a.spearman is None:
        verdict = "too few years"
    elif a.ci_low is not None and a.ci_low > 0:
        verdict = "follows"
    elif a.ci_high is not None and a.ci_high < 0:
        verdict = "opposite"
    else:
        verdict = "no evidence"
    shifts = []
    year: Any  # the index holds the integer years
    for year, dc in d_commit.items():
        if pd.isna(dc) or abs(dc) < float(spec["shift"]):
            continue
        di = d_inter.get(year)
        shifts.append(
            {
                "year": int(year),
                "commitment_change": round(float(dc), 6),
                "interdependence_change_before": None if di is None or pd.isna(di) else round(float(di), 6),
                "same_direction": None if di is None or pd.isna(di) else bool(np.sign(dc) == np.sign(di)),
            }
        )
    return ShiftTest(a, lag, verdict, pairs, shifts)


# -- the API ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LIResult:
    """One state's LI measures over the years, the test and the events to mark."""

    country: str
    years: tuple[int, int]
    preferences: list[Measure]
    bargaining: list[Measure]
    institutions: list[Measure]
    series: pd.DataFrame  # year, commitment, interdependence, formats
    test: ShiftTest
    events: list[dict[str, Any]]
    notes: tuple[str, ...]

    def contract(self) -> dict[str, Any]:
        """The JSON shape documented in the README."""

        def rows(ms: list[Measure]) -> list[dict[str, Any]]:
            return [m.to_dict() for m in ms]

        series = []
        for r in self.series.to_dict("records"):
            series.append(
                {
                    "year": int(r["year"]),
                    "commitment": _plain(r["commitment"]),
                    "interdependence": _plain(r["interdependence"]),
                    "formats": dict(r["formats"]),
                }
            )
        return {
            "country": self.country,
            "years": list(self.years),
            "preferences": rows(self.preferences),
            "bargaining": rows(self.bargaining),
            "institutions": rows(self.institutions),
            "series": series,
            "test": self.test.to_dict(),
            "events": [{k: e[k] for k in ("id", "start", "type", "title", "sources")} for e in self.events],
            "notes": list(self.notes),
        }


def _plain(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 6)


def _load(store: Store, years: tuple[int, int], prefer_world: bool) -> tuple[TradeData | None, str | None]:
    from steppe.indicators.compute import FETCH_COMMANDS, load_trade

    try:
        return load_trade(None, years, declared(NAME)["view"], prefer_world=prefer_world, store=store), None
    except NotFoundError:
        what = "trade_world" if prefer_world else "trade"
        return None, f"No bilateral trade is stored; run '{FETCH_COMMANDS[what]}' for this part."


def li(country: str, years: tuple[int, int] = (2010, 2024), *, store: Store | None = None) -> LIResult:
    """LI's three stages for one Central Asian state over ``years``, and the shift test.

    Preferences come from the stored trade dataset that covers most of the years (reported view),
    bargaining from a stored world matrix (both sides' totals); without stored trade those parts
    are empty and ``notes`` names the fetch command.
    """
    return li_states([country], years, store=store)[0]


def li_states(
    countries: Sequence[str], years: tuple[int, int] = (2010, 2024), *, store: Store | None = None
) -> list[LIResult]:
    """:func:`li` for several states, reading the trade data and the KB once."""
    from steppe.indicators.regions import region
    from steppe.kb.queries import country_index, gap_warnings
    from steppe.kb.sync import kb_store

    params = declared(NAME)
    if years[1] < years[0]:
        raise UsageError(f"The years {years[0]}:{years[1]} end before they start.")
    st = kb_store(store)
    index = country_index(st)
    states = [index.resolve(c) for c in countries]
    for state, given in zip(states, countries, strict=True):
        if state not in params["countries"]:
            raise UsageError(
                f"LI is measured for the Central Asian states ({', '.join(params['countries'])}), not "
                f"'{given}'."
            )
    span = list(range(years[0], years[1] + 1))
    reg = region(params["region"], span, store=st)
    members = sorted(set().union(*reg.members_by_year.values()))
    data, missing = _load(st, years, prefer_world=False)
    world, missing_world = _load(st, years, prefer_world=True)
    facts = KBFacts.load(st, [reference_day(y, params["reference_day"]) for y in span])
    statements = state_statements(st, states)
    mentions = organisation_mentions(st, list(statements["doc_id"]))
    types = params["events"]["types"]
    shares = flow_shares(data.flows) if data is not None else None
    world_shares = None
    if world is not None:
        from steppe.indicators import formulas
        from steppe.indicators.dependence import powers as power_groups

        wanted = set(params["countries"]).union(*(power_groups()[p] for p in params["powers"]))
        every = formulas.partner_shares(world.flows, "trade")
        world_shares = every[every["country"].isin(wanted)]
    out = []
    for state in states:
        groups = partner_groups(state, members, params["powers"])
        notes = [m for m in (missing, missing_world) if m]
        prefs = preferences(data, state, groups, span, shares) if data is not None else []
        bargain = bargaining(world, state, groups, span, world_shares) if world is not None else []
        inst = institutions(facts, state, span)
        series = regional_commitment(facts, state, span, statements, mentions)
        inter = {m.unit["year"]: m.score for m in prefs if m.unit["partner"] == REGION}
        series["interdependence"] = pd.to_numeric(
            pd.Series([inter.get(y) for y in series["year"]]), errors="coerce"
        )
        test = shift_test(series[["year", "commitment", "interdependence"]])
        events = [e for e in facts.events_in(span, types=types, countries=[state]) if e.get("start")]
        orgs = sorted({o for m in inst for o in m.extra["organisations"]})
        notes += gap_warnings(orgs, [state], store=st)
        out.append(LIResult(state, years, prefs, bargain, inst, series, test, events, tuple(notes)))
    return out


def chart(result: LIResult) -> Any:
    """Regional commitment and regional trade dependence over the years, the events marked."""
    from steppe import charts

    long = result.series.melt(
        id_vars=["year"], value_vars=["commitment", "interdependence"], var_name="series", value_name="value"
    ).dropna(subset=["value"])
    marks = pd.DataFrame(
        [{"year": int(e["start"][:4]), "label": f"{e['start']} {e['title']}"} for e in result.events],
        columns=["year", "label"],
    )
    names = {
        "commitment": "Regional commitment (0-1)",
        "interdependence": "Trade with the rest of the C5 (share)",
    }
    dataset = next((m.extra["dataset_id"] for m in result.preferences), None)
    return charts.line(
        long,
        x="year",
        y="value",
        entity="series",
        unit="index",
        names=names,
        title=f"{result.country}: regional commitment and regional trade dependence, events marked",
        y_title="Index (0-1)",
        marks=marks,
        mark_x="year",
        mark_label="label",
        source="steppe knowledge base; "
        + (f"trade dataset {dataset}, reported view" if dataset else "no trade stored"),
        chart_id=f"li-{result.country.lower()}",
    )


# -- report hook -----------------------------------------------------------------------------------------
def report_section(store: Store) -> Section | None:
    """For each C5 state: the shift test, its latest preferences, and its chart with events."""
    from steppe.store import data as store_data

    if not store_data.trade_datasets(store):
        return None
    last = date.today().year - 1
    rows: list[dict[str, Any]] = []
    figures = []
    notes: set[str] = set()
    for result in li_states(declared(NAME)["countries"], (1995, last), store=store):
        state = result.country
        t = result.test.to_dict()
        latest = [m for m in result.preferences if m.score is not None]
        last_year = max((m.unit["year"] for m in latest), default=None)
        region_share = next(
            (m.score for m in latest if m.unit["year"] == last_year and m.unit["partner"] == REGION), None
        )
        rows.append(
            {
                "country": state,
                "verdict": t["verdict"],
                "spearman": t["spearman"],
                "ci_low": t["ci_low"],
                "ci_high": t["ci_high"],
                "n": t["n"],
                "shifts": len(t["shifts"]),
                "latest_year": last_year,
                "regional_trade_share": region_share,
            }
        )
        figures.append(chart(result))
        notes.update(result.notes)
    return Section(
        framework=NAME,
        title=TITLE,
        text=(
            "Per Central Asian state: does a shift in regional commitment (mean commitment to the "
            "regional formats) "
            "follow a shift, one year before, in its trade with the rest of the C5 (reported view)? "
            "Spearman's rho of "
            "the year-on-year changes with a seeded bootstrap interval; 'follows' only when the interval "
            "lies above "
            "zero. The charts mark the state's KB events (accessions, suspensions, changes of leadership)."
        ),
        columns=[
            "country",
            "verdict",
            "spearman",
            "ci_low",
            "ci_high",
            "n",
            "shifts",
            "latest_year",
            "regional_trade_share",
        ],
        rows=rows,
        references=(
            "Moravcsik, A. (1993). Preferences and Power in the European Community: A Liberal "
            "Intergovernmentalist "
            "Approach. Journal of Common Market Studies 31(4): 473-524.",
            "Moravcsik, A. (1998). The Choice for Europe. Ithaca: Cornell University Press.",
            "Hooghe, L. and Marks, G. (2015). Delegation and pooling in international organizations. "
            "Review of "
            "International Organizations 10(3): 305-328.",
            "Keohane, R. O. and Nye, J. S. (1977). Power and Interdependence. Boston: Little, Brown.",
        ),
        notes=tuple(sorted(notes)),
        charts=tuple(figures),
    )
