"""Open regionalism x commitment (the master's thesis on Central Asian regional integration,
section 7.4): how open each organisation is, how
committed each Central Asian state is to it, and whether the two go together.

The master's thesis on Central Asian regional integration proposes exactly this study:
operationalise (1) open regionalism in ECO, the CSTO, the
EEU and the SCO and (2) each Central Asian government's political commitment to each, then
cross-tabulate the two to see whether greater openness goes with greater commitment. Its own
reading: the SCO and ECO are "open" (they "do little to limit the foreign policy decisions of
their members"), the Russian-led EEU and CSTO are "old-fashioned, closed regionalism", and the
smaller members show "wavering political commitment" to the latter.

- **Openness** of an organisation in a year (``data/openness_commitment.yaml``): the mean of
  declared components read from the KB on 1 July (outside powers among the members, statuses for
  non-members, accession openness, no common external tariff, no exclusivity clause); a
  component the KB does not record is left out and named, with the KB's known gap.
- **Commitment** of a state to an organisation in a year: the weighted mean of its membership
  status (suspensions and withdrawals included), its participation in the organisation's KB
  summits, and whether its own UN General Debate speech names the organisation.
- **Association**: Spearman's rank correlation over the country-organisation-year cells, with a
  seeded bootstrap interval that resamples whole country-organisation pairs
  (:mod:`steppe.frameworks.association`), and the cross-tabulation by bands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.errors import UsageError
from steppe.frameworks.association import Association, bootstrap_spearman
from steppe.frameworks.institutions import KBFacts
from steppe.frameworks.params import declared, reference_day
from steppe.frameworks.result import Evidence, Measure, Section
from steppe.frameworks.statements import organisation_mentions, state_statements

if TYPE_CHECKING:
    from steppe.store import Store

NAME = "openness-commitment"
PARAMS = "openness_commitment"
TITLE = "Open regionalism x commitment"
METHOD_VERSION = "1"


def method_id(part: str) -> str:
    return f"{NAME}:{part}@{METHOD_VERSION}.{declared(PARAMS)['version']}"


# -- openness ------------------------------------------------------------------------------------
def openness_components(
    facts: KBFacts, org: str, day: date
) -> tuple[dict[str, float | None], list[Evidence]]:
    """Each declared openness component of ``org`` on ``day`` in [0, 1] (None: not recorded)."""
    spec = declared(PARAMS)["openness"]["components"]
    values: dict[str, float | None] = {}
    evidence = []
    for name, comp in spec.items():
        if name == "outside_powers":
            powers = facts.outside_powers(org, day)
            table = {int(k): float(v) for k, v in comp["scores"].items()}
            value = table[min(len(powers), max(table))]
            values[name] = value
            named = " ".join(powers) or "none"
            detail = f"outside powers among the members: {named} (derived from the memberships)"
            evidence.append(Evidence("component", f"{org}:outside_powers", detail, value, name))
            continue
        fact = facts.feature(org, comp["attribute"], day)
        scored = None if fact.value is None else comp["scores"].get(fact.value)
        values[name] = None if scored is None else float(scored)
        evidence.append(Evidence("attribute", fact.ref, fact.detail, values[name], name))
    return values, evidence


def mean_of(values: dict[str, float | None], weights: dict[str, float] | None = None) -> float | None:
    """The (weighted) mean of the values that are not None; None when all are."""
    known = {k: v for k, v in values.items() if v is not None}
    if not known:
        return None
    w = {k: (weights or {}).get(k, 1.0) for k in known}
    total = sum(w.values())
    return round(sum(known[k] * w[k] for k in known) / total, 6) if total else None


def openness(facts: KBFacts, orgs: Sequence[str], years: Sequence[int]) -> list[Measure]:
    """Openness of each organisation in each year it certainly exists on the reference day (pure
    over the KB facts)."""
    params = declared(PARAMS)
    out = []
    for org in orgs:
        for year in years:
            day = reference_day(year, params["reference_day"])
            if not facts.exists(org, day):
                continue
            values, evidence = openness_components(facts, org, day)
            score = mean_of(values)
            n = sum(v is not None for v in values.values())
            out.append(
                Measure(
                    NAME,
                    {"org": org, "year": year},
                    score,
                    None,
                    n,
                    method_id("openness"),
                    tuple(evidence),
                    {"components": values},
                )
            )
    return out


# -- commitment ----------------------------------------------------------------------------------
def status_component(facts: KBFacts, org: str, country: str, day: date) -> tuple[float, Evidence]:
    """The membership status component: the strongest role certainly held on ``day``."""
    scores = declared(PARAMS)["commitment"]["components"]["status"]["scores"]
    certain, uncertain = facts.roles(org, country, day)
    roles = certain or ["none"]
    best = max(roles, key=lambda r: scores.get(r, 0.0))
    value = float(scores.get(best, 0.0))
    sources = facts.membership_sources(org, country, day)
    detail = f"{country} in {org} on {day.isoformat()}: {best}"
    if uncertain:
        detail += f" (uncertain that day: {', '.join(uncertain)}; not counted)"
    if sources:
        detail += f" (sources: {', '.join(sources)})"
    return value, Evidence("membership", f"{org}:{country}", detail, value, "status")


def attendance_component(
    facts: KBFacts, org: str, country: str, year: int
) -> tuple[float | None, list[Evidence]]:
    """Share of the organisation's KB summits and meetings in ``year`` that list the state."""
    types = declared(PARAMS)["commitment"]["components"]["attendance"]["event_types"]
    events = facts.events_in([year], types=types, org=org)
    if not events:
        return None, []
    present = [e for e in events if country in (e.get("participants") or [])]
    value = round(len(present) / len(events), 6)
    evidence = [
        Evidence(
            "event",
            e["id"],
            f"{e['start']}: {e['title']} ({'present' if e in present else 'absent'})",
            float(e in present),
            "attendance",
        )
        for e in events
    ]
    return value, evidence


def speeches_by_state_year(statements: pd.DataFrame) -> dict[tuple[str, int], list[str]]:
    """(country, year) -> doc ids of the state statements of that year."""
    out: dict[tuple[str, int], list[str]] = {}
    for doc, country, year in zip(
        statements["doc_id"], statements["country"], statements["year"], strict=True
    ):
        out.setdefault((str(country), int(year)), []).append(str(doc))
    return out


def salience_component(
    org: str,
    country: str,
    year: int,
    speeches: dict[tuple[str, int], list[str]],
    mentions: dict[str, dict[str, tuple[int, list[int]]]],
) -> tuple[float | None, list[Evidence]]:
    """1 when the state's speech(es) of ``year`` name the organisation, 0 when not, None: no speech."""
    docs = speeches.get((country, year), [])
    if not docs:
        return None, []
    evidence = []
    named = False
    for doc in docs:
        hit = mentions.get(doc, {}).get(org)
        if hit:
            named = True
            count, segs = hit
            cites = ", ".join(f"{doc}:{s}" for s in segs[:5])
            evidence.append(
                Evidence("statement", doc, f"names {org} {count} time(s): {cites}", 1.0, "salience")
            )
        else:
            evidence.append(Evidence("statement", doc, f"does not name {org}", 0.0, "salience"))
    return float(named), evidence


def commitment_measure(
    facts: KBFacts,
    org: str,
    country: str,
    year: int,
    speeches: dict[tuple[str, int], list[str]],
    mentions: dict[str, dict[str, tuple[int, list[int]]]],
) -> Measure:
    """One state's commitment to one organisation in one year (pure over its inputs).

    ``speeches``: (country, year) -> the state's statements (:func:`speeches_by_state_year`);
    ``mentions``: doc id -> organisations it names
    (:func:`~steppe.frameworks.statements.organisation_mentions`).
    """
    params = declared(PARAMS)
    spec = params["commitment"]["components"]
    day = reference_day(year, params["reference_day"])
    status, status_ev = status_component(facts, org, country, day)
    attendance, attendance_ev = attendance_component(facts, org, country, year)
    salience, salience_ev = salience_component(org, country, year, speeches, mentions)
    values = {"status": status, "attendance": attendance, "salience": salience}
    weights = {k: float(v["weight"]) for k, v in spec.items()}
    score = mean_of(values, weights)
    n = sum(v is not None for v in values.values())
    evidence = (status_ev, *attendance_ev, *salience_ev)
    return Measure(
        NAME,
        {"org": org, "country": country, "year": year},
        score,
        None,
        n,
        method_id("commitment"),
        evidence,
        {"components": values},
    )


def commitment(
    facts: KBFacts,
    orgs: Sequence[str],
    countries: Sequence[str],
    years: Sequence[int],
    statements: pd.DataFrame,
    mentions: dict[str, dict[str, tuple[int, list[int]]]],
) -> list[Measure]:
    """Commitment of each state to each organisation in each year the organisation exists."""
    params = declared(PARAMS)
    speeches = speeches_by_state_year(statements)
    out = []
    for org in orgs:
        for year in years:
            if not facts.exists(org, reference_day(year, params["reference_day"])):
                continue
            for country in countries:
                out.append(commitment_measure(facts, org, country, year, speeches, mentions))
    return out


# -- association and cross-tabulation --------------------------------------------------------------
def cells(openness_rows: Sequence[Measure], commitment_rows: Sequence[Measure]) -> pd.DataFrame:
    """The country-organisation-year cells where both scores exist: org, country, year, openness,
    commitment."""
    open_by = {(m.unit["org"], m.unit["year"]): m.score for m in openness_rows}
    rows = []
    for m in commitment_rows:
        o = open_by.get((m.unit["org"], m.unit["year"]))
        if o is None or m.score is None:
            continue
        rows.append(
            {
                "org": m.unit["org"],
                "country": m.unit["country"],
                "year": m.unit["year"],
                "openness": o,
                "commitment": m.score,
            }
        )
    return pd.DataFrame(rows, columns=["org", "country", "year", "openness", "commitment"])


def association(table: pd.DataFrame) -> Association:
    """Spearman's rho of openness and commitment over the cells, bootstrap by country-org pair."""
    spec = declared(PARAMS)["association"]
    groups = list(zip(table["country"], table["org"], strict=True))
    return bootstrap_spearman(
        table["openness"].to_numpy(),
        table["commitment"].to_numpy(),
        groups,
        draws=int(spec["draws"]),
        seed=int(spec["seed"]),
        level=float(spec["level"]),
    )


def band(value: float, cuts: Sequence[float], labels: Sequence[str]) -> str:
    """The band label of a 0-1 value: below the first cut, up to the second, from it."""
    for cut, label in zip(cuts, labels, strict=False):
        if value < cut:
            return label
    return labels[-1]


def crosstab(table: pd.DataFrame) -> pd.DataFrame:
    """Cells counted by openness band (rows) and commitment band (columns), as the master's
    thesis on Central Asian regional integration proposes."""
    spec = declared(PARAMS)["crosstab"]
    cuts, labels = spec["cuts"], spec["labels"]
    if table.empty:
        return pd.DataFrame(0, index=labels, columns=labels)
    o = table["openness"].map(lambda v: band(v, cuts, labels))
    c = table["commitment"].map(lambda v: band(v, cuts, labels))
    out = pd.crosstab(pd.Categorical(o, labels), pd.Categorical(c, labels), dropna=False)
    out.index.name, out.columns.name = "openness", "commitment"
    return out


@dataclass(frozen=True)
class OpennessCommitment:
    """The framework's result: openness rows, commitment rows, their association and cross-tab."""

    openness: list[Measure]
    commitment: list[Measure]
    association: Association
    cells: pd.DataFrame
    crosstab: pd.DataFrame
    gaps: tuple[str, ...]

    def contract(self, *, evidence: bool = True) -> dict[str, Any]:
        """The JSON contract: ``{"openness": [{"org","year","score"}], "commitment": [{"org",
        "country","year","score"}], "association": {"spearman","ci_low","ci_high","n"}}`` (rows
        also carry their ``evidence``)."""

        def row(m: Measure, keys: Sequence[str]) -> dict[str, Any]:
            out: dict[str, Any] = {k: m.unit[k] for k in keys}
            out["score"] = m.score
            if evidence:
                out["evidence"] = [e.to_dict() for e in m.evidence]
            return out

        return {
            "openness": [row(m, ("org", "year")) for m in self.openness],
            "commitment": [row(m, ("org", "country", "year")) for m in self.commitment],
            "association": self.association.contract(),
        }


# -- the API -------------------------------------------------------------------------------------
def openness_commitment(
    orgs: Sequence[str] | None = None,
    years: tuple[int, int] = (2000, 2024),
    countries: Sequence[str] | None = None,
    *,
    store: Store | None = None,
) -> OpennessCommitment:
    """Openness of ``orgs`` (default ECO, CSTO, EAEU, SCO), commitment of ``countries`` (default
    the C5) to each, per year, and the rank association between the two.

    Organisations are KB names, aliases or slugs; an organisation is scored in the years it
    certainly exists on 1 July. Gap warnings of the KB about the organisations are in ``gaps``
    and in the evidence of their openness rows.
    """
    from steppe.kb.queries import country_index, gap_warnings, org_index
    from steppe.kb.sync import kb_store

    params = declared(PARAMS)
    if years[1] < years[0]:
        raise UsageError(f"The years {years[0]}:{years[1]} end before they start.")
    st = kb_store(store)
    slugs = [org_index(st).resolve(o) for o in (orgs or params["orgs"])]
    codes = [country_index(st).resolve(c) for c in (countries or params["countries"])]
    span = list(range(years[0], years[1] + 1))
    facts = KBFacts.load(st, [reference_day(y, params["reference_day"]) for y in span])
    statements = state_statements(st, codes)
    statements = statements[statements["year"].between(years[0], years[1])]
    mentions = organisation_mentions(st, list(statements["doc_id"]))
    gaps = tuple(gap_warnings(slugs, store=st))
    open_rows = openness(facts, slugs, span)
    by_org: dict[str, list[Evidence]] = {}
    for line in gaps:
        org = line.removeprefix("known gap in ").split(":")[0]
        by_org.setdefault(org, []).append(Evidence("gap", org, line))
    open_rows = [
        Measure(
            m.framework,
            m.unit,
            m.score,
            m.label,
            m.n,
            m.method,
            m.evidence + tuple(by_org.get(m.unit["org"], [])),
            m.extra,
        )
        for m in open_rows
    ]
    commit_rows = commitment(facts, slugs, codes, span, statements, mentions)
    table = cells(open_rows, commit_rows)
    return OpennessCommitment(open_rows, commit_rows, association(table), table, crosstab(table), gaps)


def ranking(result: OpennessCommitment) -> pd.DataFrame:
    """Organisations by mean openness over the years scored, with mean commitment of the C5."""
    o = pd.DataFrame(
        [{"org": m.unit["org"], "openness": m.score} for m in result.openness if m.score is not None]
    )
    c = result.cells.groupby("org")["commitment"].mean().rename("commitment")
    if o.empty:
        return pd.DataFrame(columns=["org", "openness", "commitment", "years"])
    out = o.groupby("org").agg(openness=("openness", "mean"), years=("openness", "size")).join(c)
    return out.sort_values("openness", ascending=False).reset_index()


# -- report hook -----------------------------------------------------------------------------------
def report_section(store: Store) -> Section | None:
    """Openness per organisation and year, commitment per state, the association and the cross-tab."""
    from steppe import charts

    last = date.today().year - 1
    result = openness_commitment(years=(2000, last), store=store)
    if not result.openness:
        return None
    open_frame = pd.DataFrame(
        [{"org": m.unit["org"], "year": m.unit["year"], "openness": m.score} for m in result.openness]
    )
    names = {o: o.upper() for o in open_frame["org"].unique()}
    line = charts.line(
        open_frame,
        x="year",
        y="openness",
        entity="org",
        title="Openness of each organisation (0-1)",
        y_title="Openness",
        unit="index",
        names=names,
        chart_id="openness-by-org",
        source="steppe knowledge base: memberships and organisation attributes",
        caption="Mean of the declared components (outside powers, statuses for non-members, accession, "
        "no common external tariff, no exclusivity clause) recorded on 1 July.",
    )
    mean_commit = (
        result.cells.groupby(["country", "org"])["commitment"].mean().reset_index()
        if not result.cells.empty
        else pd.DataFrame(columns=["country", "org", "commitment"])
    )
    heat = charts.heatmap(
        mean_commit,
        x="org",
        y="country",
        value="commitment",
        title=f"Mean commitment of each state to each organisation, 2000-{last}",
        value_title="Commitment (0-1)",
        unit="index",
        chart_id="commitment-by-state",
        source="steppe knowledge base memberships and summits; stored UN General Debate speeches",
    )
    a = result.association
    rank = ranking(result)
    order = " > ".join(f"{r.org} ({r.openness:.2f})" for r in rank.itertuples())
    rho = "n/a" if a.spearman is None else f"{a.spearman:.2f}"
    ci = "" if a.ci_low is None else f" ({int(a.level * 100)}% interval {a.ci_low:.2f} to {a.ci_high:.2f})"
    rows = [
        {"org": r.org, "mean_openness": r.openness, "mean_commitment": r.commitment, "years": r.years}
        for r in rank.itertuples()
    ]
    table = result.crosstab
    notes = (
        "Cross-tabulation (rows: openness band, columns: commitment band, cells: country-organisation-"
        "years): "
        + "; ".join(
            f"{i}: " + ", ".join(f"{c} {int(table.loc[i, c])}" for c in table.columns) for i in table.index
        ),
        *result.gaps,
    )
    return Section(
        framework=NAME,
        title=TITLE,
        text=(
            "The master's thesis on Central Asian regional integration (section 7.4) proposes "
            "operationalising the openness of ECO, the CSTO, the EEU and "
            "the SCO "
            "and each Central Asian government's commitment to each, and cross-tabulating them. Openness by "
            f"mean over the years: {order}. Spearman's rho between openness and commitment over "
            f"{a.n} country-organisation-years: {rho}{ci}, bootstrap over {a.clusters} country-organisation "
            f"pairs, seed {a.seed}."
        ),
        columns=["org", "mean_openness", "mean_commitment", "years"],
        rows=rows,
        references=(
            "The master's thesis on Central Asian regional integration, sections 2.1.3, 6.7.4, 7.2 "
            "and 7.4; Garnaut, R. (2004), as cited "
            "there.",
            "Bergsten, C. F. (1997). Open Regionalism. Peterson Institute Working Paper 97-3 (as cited in "
            "the master's thesis on Central Asian regional integration).",
        ),
        notes=notes,
        charts=(line, heat),
    )


__all__ = [
    "NAME",
    "OpennessCommitment",
    "association",
    "commitment",
    "crosstab",
    "openness",
    "openness_commitment",
    "report_section",
]
