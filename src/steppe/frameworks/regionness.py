"""Regionness (Hettne and Söderbaum 2000): the level a region reaches in a year, with its evidence.

Hettne's hierarchy has five levels: (1) regional space, (2) regional complex, (3) regional
society, (4) regional community, (5) region-state. The master's thesis on Central Asian
regional integration (section 1.1) places
Central Asia at level 3. This module scores each level from declared tests on the KB, the
stored trade data and the stored UN speeches (``data/regionness.yaml`` holds every test and
threshold with its reasoning; docs/frameworks.md, "Regionness", declares the method):

- a level's **score** is the share of its tests that pass among those with data (None when no
  test has data); the level is **reached** when the score meets its rule (``majority``: more
  than half; ``all``: every one) and every lower level is reached;
- every test says whether it passed, failed or had no data, and why, with the evidence behind
  it: KB ids (organisations, attributes, events), dataset ids with the trade view, and the
  speech sentences (``doc_id:start-end``); the KB's known gaps about the organisations a test
  read are part of the evidence.

Works for any region of :func:`steppe.indicators.regions.region` (the C5, the peers ASEAN, EU and
Mercosur, any KB organisation), so levels can be compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from steppe.errors import UsageError
from steppe.frameworks.institutions import KBFacts
from steppe.frameworks.params import declared, reference_day
from steppe.frameworks.result import Evidence, Measure, Section
from steppe.frameworks.statements import excerpt, regional_we, state_statements

if TYPE_CHECKING:
    from steppe.indicators.compute import TradeData
    from steppe.indicators.regions import Region
    from steppe.store import Store

NAME = "regionness"
TITLE = "Regionness (Hettne and Söderbaum)"
METHOD_VERSION = "1"
LEVELS = (1, 2, 3, 4, 5)
NOT_A_REGION = "not a region"


def method_id() -> str:
    return f"{NAME}:hettne-soderbaum@{METHOD_VERSION}.{declared(NAME)['version']}"


def level_names() -> dict[int, str]:
    """Level number -> name, as declared (1 regional space ... 5 region-state)."""
    return {int(k): str(v["name"]) for k, v in declared(NAME)["levels"].items()}


# -- results of one test ------------------------------------------------------------------------
@dataclass
class Outcome:
    """One test's result: passed (True/False) or no data (None), why, and the evidence."""

    level: int
    test: str
    passed: bool | None
    why: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def about(self) -> str:
        return f"{self.level}:{self.test}"

    def as_evidence(self) -> Evidence:
        value = None if self.passed is None else float(self.passed)
        state = "no data" if self.passed is None else "passed" if self.passed else "failed"
        return Evidence("test", self.about, f"{state}: {self.why}", value, self.about)


def level_score(outcomes: Sequence[Outcome]) -> float | None:
    """Share of tests passed among those with data; None when no test has data."""
    known = [o.passed for o in outcomes if o.passed is not None]
    return round(sum(known) / len(known), 6) if known else None


def level_reached(score: float | None, rule: str) -> bool:
    """``majority``: more than half of the tests with data pass; ``all``: every one does."""
    if score is None:
        return False
    if rule == "majority":
        return score > 0.5
    if rule == "all":
        return score >= 1.0
    raise UsageError(f"Unknown level rule '{rule}' in regionness.yaml: use majority or all.")


def highest_level(scores: dict[int, float | None], rules: dict[int, str]) -> int:
    """The highest level reached with every lower level reached or not measured (score None);
    0 when not even level 1 is reached."""
    level = 0
    for k in LEVELS:
        score = scores.get(k)
        if score is None and k > 1:
            continue  # not measured: neither blocks nor counts
        if not level_reached(score, rules[k]):
            break
        level = k
    return level


# -- trade evidence ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TradeYear:
    """One region-year's trade evidence from one dataset in one view."""

    dataset_id: str
    view: str
    basis: str
    world_matrix: bool
    intra_share: float | None
    intensity: float | None
    pairs: int
    pairs_trading: int
    connected: bool
    isolated: tuple[str, ...] = ()
    reason: str | None = None


def pair_network(flows: pd.DataFrame, members: frozenset[str], year: int) -> tuple[int, int, bool, list[str]]:
    """The members' trade network in ``year`` (pure): (pairs, pairs with recorded trade in either
    direction, whether the network is connected, members with no recorded trade with any other)."""
    codes = sorted(members)
    pairs = len(codes) * (len(codes) - 1) // 2
    rows = flows[
        (flows["year"] == year)
        & flows["exporter"].isin(codes)
        & flows["importer"].isin(codes)
        & (flows["exporter"] != flows["importer"])
        & (flows["value"] > 0)
    ]
    links = {tuple(sorted(p)) for p in zip(rows["exporter"], rows["importer"], strict=True)}
    neighbours: dict[str, set[str]] = {c: set() for c in codes}
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    reached: set[str] = set()
    frontier = codes[:1]
    while frontier:
        node = frontier.pop()
        if node not in reached:
            reached.add(node)
            frontier.extend(neighbours[node] - reached)
    isolated = [c for c in codes if not neighbours[c]]
    return pairs, len(links), len(reached) == len(codes) and len(codes) > 1, isolated


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def trade_evidence(
    regions: Sequence[Region], years: Sequence[int], view: str, store: Store
) -> dict[tuple[str, int], TradeYear]:
    """Per region and year, the trade evidence from the stored dataset that covers every member.

    Each stored total-trade dataset is read once in ``view``; a region-year is measured on a
    dataset that covers all its members (:mod:`steppe.indicators.compute`'s coverage guard),
    a world matrix first (the intensity needs world trade), then the longest series.
    """
    from steppe.errors import NotFoundError
    from steppe.indicators.compute import load_trade, regional_indicators
    from steppe.store import data as store_data

    span = (min(years), max(years))
    candidates: dict[tuple[str, int], list[tuple[tuple, TradeYear]]] = {}
    for d in store_data.trade_datasets(store):
        try:
            data: TradeData = load_trade(d["dataset_id"], span, view, store=store)  # type: ignore[arg-type]
        except NotFoundError:
            continue
        present = sorted(int(y) for y in data.flows["year"].unique())
        for reg in regions:
            table = regional_indicators(reg, data, present)
            everyone = set().union(*reg.members_by_year.values()) if reg.members_by_year else set()
            inside = data.flows[data.flows["exporter"].isin(everyone) & data.flows["importer"].isin(everyone)]
            for row in table.to_dict(orient="records"):
                year = int(row["year"])
                members = reg.members(year)
                if not row["members_covered"] or len(members) < 2:
                    continue
                pairs, trading, connected, isolated = pair_network(inside, members, year)
                world = bool(row["world_matrix"])
                found = TradeYear(
                    data.dataset_id,
                    data.view,
                    data.basis,
                    world,
                    _number(row["intra_share"]),
                    _number(row["intensity"]) if world else None,
                    pairs,
                    trading,
                    connected,
                    tuple(isolated),
                    row.get("reason"),
                )
                rank = (world, int(d["years"]), int(d["rows"]))
                candidates.setdefault((reg.id, year), []).append((rank, found))
    return {key: max(options, key=lambda o: o[0])[1] for key, options in candidates.items()}


def mirror_gaps(regions: Sequence[Region], years: Sequence[int], store: Store) -> dict[tuple[str, int], dict]:
    """Per region and year, the median |ln(imports reported / exports reported)| over member pairs,
    from the stored dataset with both exporters' and importers' reports (evidence, not a test)."""
    from steppe.indicators.compute import discrepancy
    from steppe.store import data as store_data

    out: dict[tuple[str, int], dict] = {}
    span = (min(years), max(years))
    for d in store_data.trade_datasets(store):
        if not {"exporter", "importer"} <= set(d["reporters"] or []):
            continue
        rows = store_data.trade_rows(store, d["dataset_id"], span)
        everyone = set().union(
            *(set().union(*r.members_by_year.values()) for r in regions if r.members_by_year)
        )
        gaps = discrepancy(rows, everyone)
        for reg in regions:
            for year in years:
                members = reg.members(year)
                inside = gaps[
                    (gaps["year"] == year) & gaps["exporter"].isin(members) & gaps["importer"].isin(members)
                ]
                if len(inside) and (reg.id, year) not in out:
                    out[(reg.id, year)] = {
                        "dataset_id": d["dataset_id"],
                        "median_abs_log_gap": float(np.median(np.abs(inside["log_gap"]))),
                        "pairs": len(inside),
                    }
    return out


# -- the tests -----------------------------------------------------------------------------------
@dataclass
class Context:
    """What the tests of one region-year read."""

    region: Region
    year: int
    day: date
    members: frozenset[str]
    facts: KBFacts
    trade: TradeYear | None
    gap: dict | None
    speeches: pd.DataFrame  # doc_id, country, year, title (members' statements that year)
    texts: dict[str, str]
    params: dict[str, Any]
    touched: set[str] = field(default_factory=set)  # organisations read (for gap warnings)

    @property
    def covered(self) -> bool:
        """Whether the KB collects this region's events and security organisations."""
        return self.region.id in self.params.get("kb_event_coverage", ())

    def p(self, test: str) -> dict[str, Any]:
        return self.params["tests"][test]


def region_only_formats(ctx: Context) -> list[str]:
    """Formats existing on the day whose full members are all region members (at least two)."""
    spec = ctx.p("region_only_format")
    region_all = ctx.members | ctx.region.uncertain_by_year.get(ctx.year, frozenset())
    out = []
    for org in ctx.facts.organisations():
        if ctx.facts.kind(org) in spec["exclude_kinds"] or not ctx.facts.exists(org, ctx.day):
            continue
        sure = ctx.facts.members(org, ctx.day)
        maybe = ctx.facts.uncertain_members(org, ctx.day)
        if len(sure & ctx.members) >= spec["min_members"] and (sure | maybe) <= region_all:
            out.append(org)
    return out


def _format_evidence(ctx: Context, org: str, about: str) -> Evidence:
    members = sorted(ctx.facts.members(org, ctx.day) & ctx.members)
    return Evidence(
        "format",
        org,
        f"{ctx.facts.name(org)} ({ctx.facts.kind(org)}): {' '.join(members)}",
        len(members),
        about,
    )


def test_members(ctx: Context) -> Outcome:
    n = len(ctx.members)
    ok = n >= ctx.p("members")["min_members"]
    ev = Evidence(
        "region",
        ctx.region.id,
        f"{ctx.region.name}: {' '.join(sorted(ctx.members))}; {ctx.region.source}",
        float(n),
        "1:members",
    )
    return Outcome(1, "members", ok, f"{n} members on {ctx.day.isoformat()}", [ev])


def _trade_ev(ctx: Context, detail: str, value: float | None, about: str) -> Evidence:
    t = ctx.trade
    assert t is not None
    return Evidence(
        "trade", t.dataset_id, f"{detail} ({t.view} view, {t.basis}; dataset {t.dataset_id})", value, about
    )


def test_trade_intensity(ctx: Context) -> Outcome:
    about = "2:trade_intensity"
    if ctx.trade is None:
        return Outcome(2, "trade_intensity", None, "no stored dataset covers every member this year")
    t = ctx.trade
    ev = []
    if t.intra_share is not None:
        ev.append(
            _trade_ev(
                ctx,
                f"intra-regional trade share {t.intra_share:.1%} (reported, not tested)",
                t.intra_share,
                about,
            )
        )
    if ctx.gap is not None:
        ev.append(
            Evidence(
                "trade",
                ctx.gap["dataset_id"],
                "mirror gap: median |ln(imports reported / exports reported)| "
                f"{ctx.gap['median_abs_log_gap']:.3f} over "
                f"{ctx.gap['pairs']} member pairs (ln 1.06 = 0.058 from CIF/FOB alone; larger gaps mean "
                "unrecorded "
                "or misallocated trade; not tested)",
                ctx.gap["median_abs_log_gap"],
                about,
            )
        )
    if t.intensity is None:
        return Outcome(
            2, "trade_intensity", None, f"dataset {t.dataset_id} is not a world matrix this year", ev
        )
    above = float(ctx.p("trade_intensity")["above"])
    ev.insert(0, _trade_ev(ctx, f"intra-regional trade intensity {t.intensity:.2f}", t.intensity, about))
    return Outcome(2, "trade_intensity", t.intensity > above, f"intensity {t.intensity:.2f} vs {above:g}", ev)


def test_trade_network(ctx: Context) -> Outcome:
    if ctx.trade is None:
        return Outcome(2, "trade_network", None, "no stored dataset covers every member this year")
    t = ctx.trade
    share = t.pairs_trading / t.pairs if t.pairs else 0.0
    ev = _trade_ev(
        ctx, f"{t.pairs_trading} of {t.pairs} member pairs have recorded trade", share, "2:trade_network"
    )
    why = "connected" if t.connected else "not connected"
    if t.isolated:
        why += f"; no recorded trade with any other member: {' '.join(t.isolated)}"
    return Outcome(
        2, "trade_network", t.connected, f"network of recorded trade {why} ({share:.0%} of pairs)", [ev]
    )


def test_security_ties(ctx: Context) -> Outcome:
    spec = ctx.p("security_ties")
    about = "2:security_ties"
    best: tuple[float, str] | None = None
    ev = []
    for org in ctx.facts.organisations():
        if not ctx.facts.exists(org, ctx.day):
            continue
        guarantee = ctx.facts.attribute(org, "security_guarantee", ctx.day).value == "yes"
        if ctx.facts.kind(org) != "security" and not guarantee:
            continue
        inside = ctx.facts.members(org, ctx.day) & ctx.members
        share = len(inside) / len(ctx.members) if ctx.members else 0.0
        if share >= spec["min_member_share"]:
            ctx.touched.add(org)
            ev.append(
                Evidence(
                    "membership",
                    org,
                    f"{ctx.facts.name(org)}: {len(inside)} of {len(ctx.members)} members "
                    f"({' '.join(sorted(inside))})",
                    share,
                    about,
                )
            )
        if best is None or share > best[0]:
            best = (share, org)
    events = ctx.facts.events_in(
        [ctx.year], types=spec["event_types"], countries=ctx.members, min_countries=2
    )
    for e in events:
        ev.append(Evidence("event", e["id"], f"{e['type']}: {e['title']}", None, about))
    if ev:
        orgs = len(ev) - len(events)
        why = f"{orgs} security organisation(s) with at least half the members, {len(events)} event(s)"
        return Outcome(2, "security_ties", True, why, ev)
    top = f" (largest in the KB: {best[1]}, {best[0]:.0%})" if best else ""
    why = f"no security organisation holds half the members{top} and no clash or crisis among members"
    if not ctx.covered:
        return Outcome(
            2, "security_ties", None, f"{why}; the KB does not collect this region's alliances", ev
        )
    return Outcome(2, "security_ties", False, why, ev)


def test_region_only_format(ctx: Context, formats: list[str]) -> Outcome:
    about = "3:region_only_format"
    ev = [_format_evidence(ctx, org, about) for org in formats]
    ctx.touched.update(formats)
    why = f"{len(formats)} active: {', '.join(formats)}" if formats else "no format of the members only"
    return Outcome(3, "region_only_format", bool(formats), why, ev)


def test_whole_region_covered(ctx: Context, formats: list[str]) -> Outcome:
    covered = (
        set().union(*(ctx.facts.members(o, ctx.day) for o in formats)) & ctx.members if formats else set()
    )
    share = len(covered) / len(ctx.members) if ctx.members else 0.0
    need = float(ctx.p("whole_region_covered")["min_share"])
    missing = sorted(ctx.members - covered)
    ev = Evidence(
        "region",
        ctx.region.id,
        f"members in a region-only format: {' '.join(sorted(covered)) or 'none'}"
        + (f"; not in any: {' '.join(missing)}" if missing else ""),
        share,
        "3:whole_region_covered",
    )
    return Outcome(3, "whole_region_covered", share >= need, f"{share:.0%} of members covered", [ev])


def format_fields(ctx: Context, org: str) -> list[tuple[str, str]]:
    """(field, why) pairs of one format on the day: its kind, declared field, binding attributes."""
    spec = ctx.p("fields")
    found = []
    kind = ctx.facts.kind(org) or ""
    if org in spec["format_fields"]:
        found.append((spec["format_fields"][org], "declared field of the format"))
    elif kind in spec["kind_fields"]:
        found.append((spec["kind_fields"][kind], f"kind {kind}"))
    for attribute, field_name in spec["attribute_fields"].items():
        if ctx.facts.attribute(org, attribute, ctx.day).value == "yes":
            found.append((field_name, f"{attribute} = yes"))
    return found


def test_fields(ctx: Context, formats: list[str]) -> Outcome:
    about = "3:fields"
    fields: dict[str, list[str]] = {}
    ev = []
    for org in formats:
        for field_name, why in format_fields(ctx, org):
            fields.setdefault(field_name, []).append(org)
            ev.append(Evidence("field", org, f"{org}: {field_name} ({why})", None, about))
    need = int(ctx.p("fields")["min_fields"])
    names = ", ".join(sorted(fields)) or "none"
    return Outcome(3, "fields", len(fields) >= need, f"{len(fields)} field(s): {names} (need {need})", ev)


def test_meetings(ctx: Context, formats: list[str]) -> Outcome:
    spec = ctx.p("meetings")
    types = spec["event_types"]
    held = ctx.facts.events_in([ctx.year], types=types, orgs=formats)
    ev = [Evidence("event", e["id"], f"{e['start']}: {e['title']}", None, "3:meetings") for e in held]
    need = int(spec["min_meetings"])
    why = f"{len(held)} summit(s) or meeting(s) (need {need})"
    if len(held) >= need:
        return Outcome(3, "meetings", True, why, ev)
    if not ctx.covered:
        return Outcome(3, "meetings", None, f"{why}; the KB does not collect this region's summits", ev)
    if not any(ctx.facts.events_of(o, types) for o in formats):
        return Outcome(
            3, "meetings", None, "the KB records no summit or meeting of this year's region-only formats"
        )
    return Outcome(3, "meetings", False, why, ev)


def test_no_armed_clash(ctx: Context) -> Outcome:
    spec = ctx.p("no_armed_clash")
    window = range(ctx.year - int(spec["window_years"]) + 1, ctx.year + 1)
    clashes = ctx.facts.events_in(window, types=spec["event_types"], countries=ctx.members, min_countries=2)
    total = len([e for e in ctx.facts.events if e["type"] in spec["event_types"]])
    about = "4:no_armed_clash"
    ev = [Evidence("event", e["id"], f"{e['start']}: {e['title']}", None, about) for e in clashes]
    ev.append(
        Evidence(
            "kb",
            "events:clash",
            f"the KB holds {total} clash event(s) in all; absence is weak evidence",
            float(total),
            about,
        )
    )
    span = f"{window.start}-{window.stop - 1}"
    why = f"{len(clashes)} clash(es) among members in {span}"
    if not clashes and not ctx.covered:
        return Outcome(4, "no_armed_clash", None, f"{why}; the KB does not collect this region's clashes", ev)
    return Outcome(4, "no_armed_clash", not clashes, why, ev)


def covering(ctx: Context, formats: list[str]) -> list[str]:
    """The region-only formats that include every member."""
    return [o for o in formats if ctx.members <= ctx.facts.members(o, ctx.day)]


def test_free_movement(ctx: Context, formats: list[str]) -> Outcome:
    attribute = ctx.p("free_movement")["attribute"]
    about = "4:free_movement"
    whole = covering(ctx, formats)
    if not whole:
        return Outcome(4, "free_movement", False, "no region-only format includes every member")
    facts = [ctx.facts.feature(o, attribute, ctx.day) for o in whole]
    ev = [
        Evidence("attribute", f.ref, f.detail, None if f.value is None else float(f.value == "yes"), about)
        for f in facts
    ]
    if any(f.value == "yes" for f in facts):
        return Outcome(4, "free_movement", True, f"{attribute} = yes", ev)
    if any(f.value is None for f in facts):
        unknown = ", ".join(f.org for f in facts if f.value is None)
        return Outcome(4, "free_movement", None, f"{attribute} not recorded for {unknown}", ev)
    return Outcome(
        4, "free_movement", False, f"no region-only format of all members has {attribute} = yes", ev
    )


def test_shared_identity(ctx: Context) -> Outcome:
    spec = ctx.p("shared_identity")
    about = "4:shared_identity"
    names = spec["names"].get(ctx.region.id)
    if not names:
        return Outcome(4, "shared_identity", None, f"no region names declared for {ctx.region.id}")
    if ctx.speeches.empty:
        return Outcome(4, "shared_identity", None, "no stored speech of a member this year")
    speaking: dict[str, bool] = {}
    ev = []
    for s in ctx.speeches.to_dict("records"):
        text = ctx.texts.get(s["doc_id"], "")
        hits = regional_we(text, names, spec["we_phrases"])
        speaking[s["country"]] = speaking.get(s["country"], False) or bool(hits)
        for a, b in hits[:3]:
            ev.append(Evidence("sentence", f"{s['doc_id']}:{a}-{b}", excerpt(text[a:b]), 1.0, about))
        if not hits:
            ev.append(
                Evidence(
                    "statement",
                    s["doc_id"],
                    f"{s['country']} {s['year']}: no regional-we sentence",
                    0.0,
                    about,
                )
            )
    share = sum(speaking.values()) / len(speaking)
    need = float(spec["min_share"])
    who = " ".join(sorted(c for c, v in speaking.items() if v)) or "none"
    return Outcome(
        4,
        "shared_identity",
        share > need,
        f"{sum(speaking.values())} of {len(speaking)} members speaking ({who}) use a regional we",
        ev,
    )


def test_formal_framework(ctx: Context, formats: list[str]) -> Outcome:
    spec = ctx.p("formal_framework")
    about = "4:formal_framework"
    ev = []
    for org in covering(ctx, formats):
        kind = ctx.facts.kind(org)
        kind_of = ctx.facts.attribute(org, "type", ctx.day)
        secretariat = ctx.facts.attribute(org, "secretariat", ctx.day)
        ok = (
            kind in spec["kinds"]
            and kind_of.value not in spec["exclude_types"]
            and secretariat.value == "yes"
        )
        ev.append(
            Evidence(
                "attribute",
                secretariat.ref,
                f"{org} (kind {kind}, type {kind_of.value or 'not recorded'}): {secretariat.detail}",
                float(ok),
                about,
            )
        )
        if ok:
            return Outcome(
                4, "formal_framework", True, f"{org}: a general-purpose organisation of all members", ev
            )
    if not ev:
        return Outcome(4, "formal_framework", False, "no region-only format includes every member")
    return Outcome(
        4, "formal_framework", False, "no region-only organisation of all members with a secretariat", ev
    )


def polity_tests(ctx: Context, formats: list[str]) -> list[Outcome]:
    """Level 5 on the best region-only body of all members (the one passing most tests)."""
    whole = covering(ctx, formats)
    if not whole:
        why = "no region-only format includes every member"
        return [Outcome(5, t, False, why) for t in ("secretariat", "binding_decisions", "court")]
    rules = ctx.p("binding_decisions")["decision_rules"]
    courts = ctx.p("court")["dispute_settlement"]
    best: list[Outcome] | None = None
    for org in whole:
        sec = ctx.facts.attribute(org, "secretariat", ctx.day)
        body = ctx.facts.attribute(org, "majority_voting_body", ctx.day)
        rule = ctx.facts.attribute(org, "decision_rule", ctx.day)
        court = ctx.facts.attribute(org, "dispute_settlement", ctx.day)
        binding = body.value == "yes" or rule.value in rules
        out = [
            Outcome(
                5,
                "secretariat",
                sec.value == "yes",
                f"{org}: {sec.detail}",
                [Evidence("attribute", sec.ref, sec.detail, None, "5:secretariat")],
            ),
            Outcome(
                5,
                "binding_decisions",
                binding,
                f"{org}: {body.detail}; {rule.detail}",
                [
                    Evidence("attribute", body.ref, body.detail, None, "5:binding_decisions"),
                    Evidence("attribute", rule.ref, rule.detail, None, "5:binding_decisions"),
                ],
            ),
            Outcome(
                5,
                "court",
                court.value in courts,
                f"{org}: {court.detail}",
                [Evidence("attribute", court.ref, court.detail, None, "5:court")],
            ),
        ]
        if best is None or sum(bool(o.passed) for o in out) > sum(bool(o.passed) for o in best):
            best = out
    assert best is not None
    return best


def run_tests(ctx: Context) -> list[Outcome]:
    """Every declared test of every level for one region-year."""
    formats = region_only_formats(ctx)
    outcomes = [
        test_members(ctx),
        test_trade_intensity(ctx),
        test_trade_network(ctx),
        test_security_ties(ctx),
        test_region_only_format(ctx, formats),
        test_whole_region_covered(ctx, formats),
        test_fields(ctx, formats),
        test_meetings(ctx, formats),
        test_no_armed_clash(ctx),
        test_free_movement(ctx, formats),
        test_shared_identity(ctx),
        test_formal_framework(ctx, formats),
        *polity_tests(ctx, formats),
    ]
    declared_tests = {(int(k), t) for k, v in ctx.params["levels"].items() for t in v["tests"]}
    return [o for o in outcomes if (o.level, o.test) in declared_tests]


# -- the API -------------------------------------------------------------------------------------
def regionness(
    regions: str | Sequence[str] = "c5",
    years: tuple[int, int] = (1995, 2024),
    *,
    view: str | None = None,
    store: Store | None = None,
) -> list[Measure]:
    """The regionness level of each region in each year, with a score per level and the evidence.

    ``regions``: region ids (``c5``, ``asean``, ``eu``, ``mercosur``, any KB organisation);
    ``years``: an inclusive range; ``view``: the trade view (default: the declared ``reported``).
    One :class:`~steppe.frameworks.result.Measure` per region and year: ``score`` and ``extra
    ["level"]`` the level reached, ``label`` its name, ``extra["scores"]`` the score of every
    level, ``evidence`` the tests and what backs them.
    """
    from steppe.indicators.regions import region
    from steppe.indicators.views import check_view
    from steppe.kb.queries import gap_warnings
    from steppe.kb.sync import kb_store
    from steppe.store import texts as store_texts

    params = declared(NAME)
    view = view or params["trade"]["view"]
    check_view(view)
    if years[1] < years[0]:
        raise UsageError(f"The years {years[0]}:{years[1]} end before they start.")
    st = kb_store(store)
    names = [regions] if isinstance(regions, str) else list(regions)
    span = list(range(years[0], years[1] + 1))
    regs = [region(n, span, store=st) for n in dict.fromkeys(names)]
    facts = KBFacts.load(st, [reference_day(y, params["reference_day"]) for y in span])
    trade = trade_evidence(regs, span, view, st)
    gaps = mirror_gaps(regs, span, st)
    everyone = set().union(*(set().union(*r.members_by_year.values()) for r in regs if r.members_by_year))
    statements = state_statements(st, everyone)
    statements = statements[statements["year"].between(years[0], years[1])]
    texts = store_texts.document_texts(st, list(statements["doc_id"]))
    rules = {int(k): str(v["rule"]) for k, v in params["levels"].items()}
    labels = level_names()
    method = method_id()
    warned: dict[tuple[str, ...], list[str]] = {}
    out = []
    for reg in regs:
        for year in span:
            members = reg.members(year)
            ctx = Context(
                reg,
                year,
                reference_day(year, params["reference_day"]),
                members,
                facts,
                trade.get((reg.id, year)),
                gaps.get((reg.id, year)),
                statements[(statements["year"] == year) & statements["country"].isin(members)],
                texts,
                params,
                set(reg.orgs),
            )
            outcomes = run_tests(ctx)
            scores = {k: level_score([o for o in outcomes if o.level == k]) for k in LEVELS}
            level = highest_level(scores, rules)
            evidence: list[Evidence] = []
            for o in outcomes:
                evidence.append(o.as_evidence())
                evidence.extend(o.evidence)
            touched = tuple(sorted(ctx.touched))
            if touched not in warned:
                warned[touched] = gap_warnings(list(touched), store=st)
            for line in warned[touched]:
                evidence.append(Evidence("gap", line.split(":")[0].removeprefix("known gap in "), line))
            level_name = labels.get(level, NOT_A_REGION)
            extra: dict[str, Any] = {
                "level": level,
                "level_name": level_name,
                "scores": {str(k): scores[k] for k in LEVELS},
                "reached": {str(k): level_reached(scores[k], rules[k]) for k in LEVELS},
                "members": sorted(members),
                "view": view,
            }
            n = sum(o.passed is not None for o in outcomes)
            out.append(
                Measure(
                    NAME,
                    {"region": reg.id, "year": year},
                    float(level),
                    level_name,
                    n,
                    method,
                    tuple(evidence),
                    extra,
                )
            )
    return out


def contract_row(m: Measure) -> dict[str, Any]:
    """The JSON contract row: ``{"region","year","level","level_name","scores","evidence"}``."""
    return {
        "region": m.unit["region"],
        "year": m.unit["year"],
        "level": m.extra["level"],
        "level_name": m.extra["level_name"],
        "scores": m.extra["scores"],
        "evidence": [e.to_dict() for e in m.evidence],
    }


def frame(measures: Sequence[Measure]) -> pd.DataFrame:
    """Measures as a table: region, year, level, level name, the five scores, method."""
    rows = []
    for m in measures:
        row: dict[str, Any] = {
            "region": m.unit["region"],
            "year": m.unit["year"],
            "level": m.extra["level"],
            "level_name": m.extra["level_name"],
        }
        row.update({f"score_{k}": v for k, v in m.extra["scores"].items()})
        row["view"] = m.extra["view"]
        row["method"] = m.method
        rows.append(row)
    return pd.DataFrame(rows)


# -- report hook -----------------------------------------------------------------------------------
#: The regions the report compares: the C5 and its peers.
REPORT_REGIONS = ("c5", "asean", "eu", "mercosur")


def report_section(store: Store) -> Section | None:
    """Regionness of the C5 and its peers, 1995 to last year, with charts of the levels."""
    from steppe import charts

    last = date.today().year - 1
    measures = regionness(list(REPORT_REGIONS), (1995, last), store=store)
    if not measures:
        return None
    table = frame(measures)
    names = {"c5": "C5", "asean": "ASEAN", "eu": "EU", "mercosur": "Mercosur"}
    drawn = table.assign(level=table["level"].astype(float), _last=table["region"] == "c5")
    drawn = drawn.sort_values(["_last", "region", "year"]).drop(columns="_last")  # the C5 on top
    chart = charts.line(
        drawn,
        x="year",
        y="level",
        entity="region",
        title="Regionness level reached (Hettne's hierarchy, 0-5)",
        y_title="Level",
        unit="index",
        names=names,
        order="given",
        keep=["level_name"],
        source="steppe knowledge base; stored trade datasets (reported view); stored UN speeches",
        caption="Level 1 regional space, 2 regional complex, 3 regional society, 4 regional community, "
        "5 region-state; each level from declared tests (docs/frameworks.md).",
        chart_id="regionness-levels",
    )
    c5 = table[table["region"] == "c5"].melt(
        id_vars=["year"], value_vars=[f"score_{k}" for k in LEVELS], var_name="level", value_name="score"
    )
    c5["level"] = c5["level"].str.removeprefix("score_").map(lambda k: f"{k} {level_names()[int(k)]}")
    heat = charts.heatmap(
        c5.dropna(subset=["score"]),
        x="year",
        y="level",
        value="score",
        title="C5: share of each level's tests passed",
        value_title="Share of tests passed",
        unit="share",
        source="steppe knowledge base; stored trade datasets (reported view); stored UN speeches",
        chart_id="regionness-c5-scores",
    )
    latest = table.sort_values("year").groupby("region").tail(1)
    rows = [{str(k): v for k, v in r.items()} for r in latest.to_dict(orient="records")]
    mid = table[(table["region"] == "c5") & table["year"].between(2014, 2016)]
    reading = ", ".join(
        f"{int(year)}: level {int(level)}" for year, level in zip(mid["year"], mid["level"], strict=True)
    )
    notes = sorted({e.detail for m in measures for e in m.evidence if e.kind == "gap"})
    return Section(
        framework=NAME,
        title=TITLE,
        text=(
            "The level of Hettne's hierarchy of regionness each region reaches per year: a level is reached "
            "when more than half of its declared tests with data pass (all three for the region-state) and "
            "every lower level is reached. Tests read the KB (formats of the members only, their attributes, "
            "clashes, summits), the stored trade data (reported view) and the members' UN speeches. "
            f"The C5 in the mid-2010s: {reading or 'not measured'} (the master's thesis on Central Asian "
            "regional integration places it at level 3)."
        ),
        columns=["region", "year", "level", "level_name", *[f"score_{k}" for k in LEVELS], "view"],
        rows=rows,
        references=(
            "Hettne, B. and Söderbaum, F. (2000). Theorising the Rise of Regionness. New Political Economy "
            "5(3).",
            "The master's thesis on Central Asian regional integration, section 1.1, after "
            "Naarajärvi (2012).",
        ),
        notes=tuple(notes),
        charts=(chart, heat),
    )
