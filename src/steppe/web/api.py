"""The JSON API under ``/api``: every dashboard number, and every chart as a payload.

Data endpoints return ``{"rows": [...], "provenance": {...}}`` (or one object); chart endpoints
return a chart slot (:meth:`steppe.web.views.View.as_dict`): the plotly.js payload with its CSV
and JSON, the sources as links, or the sentence saying which ``steppe fetch`` fills it. Bad
input is a 404 (unknown name) or 422 (malformed value) with one sentence in ``detail``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request

from steppe import __version__
from steppe.errors import NotFoundError, UsageError
from steppe.web import views
from steppe.web.auth import User, current_user
from steppe.web.data import C5, WebData, plain, records

router = APIRouter(prefix="/api")

YEARS = r"^\s*\d{4}(\s*:\s*\d{4})?\s*$"
NAME = r"^[A-Za-z0-9_.:+-]{1,80}$"
#: Dates the as-of slider and the API accept (the KB starts with the Soviet Union's end).
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)

AsOf = Annotated[dt.date | None, Query(description="Day the roles are read on (ISO date; default today).")]
Years = Annotated[str | None, Query(pattern=YEARS, description="FIRST:LAST, e.g. 2005:2020 (default: all).")]
Dataset = Annotated[
    str | None, Query(pattern=NAME, description="A stored dataset id or source (default: steppe chooses).")
]
TradeView = Annotated[
    str | None,
    Query(pattern="^(reported|exports|imports|mirror|reconciled)$", description="Trade view."),
]


def data_of(request: Request) -> WebData:
    return request.app.state.data


Data = Annotated[WebData, Depends(data_of)]


def rows(found: pd.DataFrame | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A frame, or rows the web's data layer made of one, as the API's rows (strict JSON)."""
    if isinstance(found, pd.DataFrame):
        return records(found, strict=True)
    return [plain(r) for r in found]


def as_of_day(as_of: dt.date | None) -> dt.date:
    day = as_of or dt.date.today()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(f"as_of {day} is outside 1900-2100; give an ISO date such as 2016-01-01.")
    return day


def check_country(data: WebData, code: str) -> str:
    upper = code.strip().upper()
    if upper not in data.country_names():
        raise NotFoundError(
            f"Unknown country '{code}'; use an ISO3 code such as KAZ (see /api/kb/countries)."
        )
    return upper


# -- service ---------------------------------------------------------------------------------------
@router.get("/health", summary="Server status and the current user")
def health(request: Request, data: Data, user: Annotated[User, Depends(current_user)]) -> dict[str, Any]:
    from steppe.web.team import team_mode

    return {
        "status": "ok",
        "version": __version__,
        "store": data.display,
        "read_only": not team_mode(request),
        "user": {"name": user.name, "role": user.role},
    }


@router.get("/datasets", summary="Stored datasets with their provenance")
def datasets(data: Data) -> dict[str, Any]:
    return {"rows": rows(data.datasets())}


@router.get("/sources", summary="Knowledge-base sources")
def sources(data: Data) -> dict[str, Any]:
    return {"rows": rows(list(data.kb_sources().values()))}


# -- knowledge base --------------------------------------------------------------------------------
@router.get("/kb/organisations", summary="Every organisation and format")
def organisations(data: Data) -> dict[str, Any]:
    return {"rows": rows(data.organisations())}


@router.get("/kb/countries", summary="Every country and actor")
def countries(data: Data) -> dict[str, Any]:
    return {"rows": [{"iso3": k, "name": v} for k, v in data.country_names().items()]}


@router.get("/kb/organisations/{name}", summary="One organisation whole (facts, members, history, sources)")
def organisation(data: Data, name: Annotated[str, Path(max_length=120)]) -> dict[str, Any]:
    return plain(data.organisation(name))


@router.get("/kb/overlap", summary="Roles of the C5 in each organisation on a day")
def overlap(data: Data, as_of: AsOf = None) -> dict[str, Any]:
    day = as_of_day(as_of)
    return plain(data.overlap(day)) | {"cells": rows(views.overlap_cells(data, day))}


@router.get("/kb/timeline", summary="Membership periods of the C5 (or of one organisation)")
def timeline(data: Data, org: Annotated[str | None, Query(max_length=120)] = None) -> dict[str, Any]:
    if org:
        slug = data.organisation(org)["organisation"]["slug"]
        return {"rows": rows(data.org_periods(slug))}
    return {"rows": rows(data.periods())}


@router.get("/kb/events", summary="Events in the knowledge base")
def events(data: Data) -> dict[str, Any]:
    return {"rows": rows(data.events())}


@router.get("/kb/network", summary="Pairs of C5 states with the organisations both are full members of")
def network(data: Data, as_of: AsOf = None) -> dict[str, Any]:
    from steppe import charts

    day = as_of_day(as_of)
    ties = data.ties(day)
    edges = charts.shared_membership_edges(ties, org_names=data.org_names()) if len(ties) else ties
    return {"as_of": day.isoformat(), "rows": rows(edges)}


# -- trade -----------------------------------------------------------------------------------------
@router.get("/regions", summary="Declared regions (fixed lists and KB organisations)")
def regions(data: Data) -> dict[str, Any]:
    return {"rows": rows(data.regions())}


def _provenance(data: WebData, frame: pd.DataFrame, column: str = "dataset_id") -> dict[str, Any]:
    ids = sorted({str(i) for i in frame[column].dropna()}) if column in frame else []
    return {"datasets": [plain(data.dataset(i) or {"dataset_id": i}) for i in ids]}


@router.get("/indicators/{name}", summary="One indicator family for a region's members")
def indicator(
    data: Data,
    name: Annotated[str, Path(pattern="^(regional|members|partners|hhi|intensity|discrepancy|flows)$")],
    region: Annotated[str, Query(pattern=NAME)] = "c5",
    dataset: Dataset = None,
    view: TradeView = "reported",
    years: Years = None,
) -> dict[str, Any]:
    _check_region(data, region)
    frame = data.indicator(
        name, region, dataset=dataset, view=view or "reported", years=views.parse_years(years)
    )
    return {"rows": rows(frame), "provenance": _provenance(data, frame)}


def _check_region(data: WebData, region: str) -> None:
    known = views.region_names(data)
    if region not in known:
        raise NotFoundError(f"Unknown region '{region}': use one of {', '.join(sorted(known))}.")


@router.get("/compare", summary="Intra-regional share, intensity and introversion of regions on one dataset")
def compare(
    data: Data,
    regions: Annotated[list[str] | None, Query(max_length=12)] = None,
    dataset: Dataset = None,
    view: TradeView = "reported",
    years: Years = None,
) -> dict[str, Any]:
    chosen = regions or ["c5", "asean", "eu27", "mercosur"]
    for r in chosen:
        _check_region(data, r)
    frame = data.compare(chosen, dataset=dataset, view=view or "reported", years=views.parse_years(years))
    return {"rows": rows(frame), "provenance": _provenance(data, frame)}


@router.get("/dependence", summary="Powers' shares, Chinese finance, remittances and balance per state")
def dependence(
    data: Data,
    country: Annotated[str | None, Query(pattern="^[A-Za-z0-9]{2,5}$")] = None,
    years: Years = None,
) -> dict[str, Any]:
    frame = data.dependence(years=views.parse_years(years))
    if country:
        code = country.upper()
        if code not in (*C5, "C5"):
            raise NotFoundError(f"Unknown state '{country}': use one of {', '.join((*C5, 'C5'))}.")
        frame = frame[frame["country"] == code] if "country" in frame else frame
    return {"rows": rows(frame), "provenance": _provenance(data, frame, "trade_dataset_id")}


# -- composite index -------------------------------------------------------------------------------
Method = Annotated[str, Query(pattern="^[a-z0-9-]{1,40}$", description="A bundled methodology")]
Normalisation = Annotated[str | None, Query(pattern="^(min-max|z-score|distance-to-frontier)$")]
Weighting = Annotated[str | None, Query(pattern="^(equal|pca|given)$")]
Aggregation = Annotated[str | None, Query(pattern="^(arithmetic|geometric)$")]
Weights = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z0-9_]{1,40}:\d{1,3}(\.\d{1,3})?(,[a-z0-9_]{1,40}:\d{1,3}(\.\d{1,3})?){0,11}$",
        description="Dimension weights, e.g. trade:2,institutions:1",
    ),
]


def parse_weights(data: WebData, methodology: str, text: str | None) -> tuple[tuple[str, float], ...]:
    """``dim:2,other:1`` to sorted pairs; an unknown dimension or an all-zero set is refused."""
    if not text:
        return ()
    method = data.methodology(methodology)
    known = {d.id for d in method.dimensions}
    out = {}
    for part in text.split(","):
        key, _, value = part.partition(":")
        if key not in known:
            raise NotFoundError(f"Unknown dimension '{key}' in weights: use {', '.join(sorted(known))}.")
        out[key] = float(value)
    if not any(out.get(k, d.weight) > 0 for k, d in ((d.id, d) for d in method.dimensions)):
        raise UsageError("weights are all zero: give at least one dimension a positive weight.")
    return tuple(sorted(out.items()))


def _method(data: WebData, name: str) -> str:
    from steppe.indicators.composite.methodology import bundled_names

    if name not in bundled_names():
        raise NotFoundError(f"Unknown methodology '{name}': use one of {', '.join(bundled_names())}.")
    return name


@router.get("/index", summary="Composite index scores; other choices or weights recompute it")
def index(
    data: Data,
    methodology: Method = "central-asia",
    normalisation: Normalisation = None,
    weighting: Weighting = None,
    aggregation: Aggregation = None,
    weights: Weights = None,
) -> dict[str, Any]:
    name = _method(data, methodology)
    scores, info = data.index_scores(
        name,
        normalisation=normalisation,
        weighting=weighting,
        aggregation=aggregation,
        weights=parse_weights(data, name, weights),
    )
    return {"rows": rows(scores), "provenance": plain(info), "methodology": data.methodology(name).as_dict()}


# -- gravity, texts, frameworks --------------------------------------------------------------------
@router.get("/gravity/runs", summary="The latest stored run of each gravity specification")
def gravity_runs(data: Data) -> dict[str, Any]:
    return {"rows": rows(data.gravity_runs())}


@router.get(
    "/gravity/counterfactuals",
    summary="The latest stored GE counterfactual of each gravity specification, with its run",
)
def gravity_counterfactuals(data: Data) -> dict[str, Any]:
    return {"rows": rows(data.gravity_counterfactuals())}


@router.get("/texts/documents", summary="The corpus")
def documents(data: Data) -> dict[str, Any]:
    return {"rows": rows(data.documents())}


@router.get("/texts/documents/{doc_id}", summary="One document with its segments and codings")
def document(request: Request, data: Data, doc_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    from steppe.web.team import visible

    found = data.document(doc_id)
    return {
        "document": plain(found["document"]),
        "segments": rows(found["segments"]),
        "codings": rows(visible(request, found["codings"])),
    }


@router.get("/texts/compare", summary="Two documents' code profiles from their stored codings")
def compare_documents(
    data: Data,
    a: Annotated[str, Query(max_length=200)],
    b: Annotated[str, Query(max_length=200)],
    codebook: Annotated[str, Query(pattern=NAME)] = "priorities",
) -> dict[str, Any]:
    if a == b:
        raise UsageError("Give two different documents to compare.")
    return {"rows": rows(data.compare_documents(a, b, codebook))}


@router.get("/frameworks", summary="The frameworks with something to show")
def frameworks(data: Data) -> dict[str, Any]:
    return {"rows": [{"name": n, "href": f"/frameworks/{n}"} for n in data.frameworks()]}


def _framework(data: WebData, name: str) -> Any:
    if name not in data.frameworks():
        raise NotFoundError(f"Unknown framework '{name}': use one of {', '.join(data.frameworks())}.")
    return data.framework_section(name)


@router.get("/frameworks/{name}", summary="One framework's measures (its report section)")
def framework(data: Data, name: Annotated[str, Path(max_length=40)]) -> dict[str, Any]:
    section = _framework(data, name)
    if section is None:
        return {"name": name, "title": None, "rows": [], "empty": views.framework_empty(name)}
    return {
        "name": name,
        "title": section.title,
        "text": section.text,
        "columns": list(section.columns),
        "rows": rows(section.rows),
        "notes": list(section.notes),
        "references": list(section.references),
    }


# -- charts ----------------------------------------------------------------------------------------
@router.get("/charts/institutions/{part}", summary="A chart of the institutions page")
def institutions_chart(
    data: Data, part: Annotated[str, Path(pattern="^(overlap|timeline|network|events)$")], as_of: AsOf = None
) -> dict[str, Any]:
    day = as_of_day(as_of)
    if part == "overlap":
        return views.overlap_view(data, day).as_dict()
    if part == "network":
        return views.network_view(data, day).as_dict()
    if part == "timeline":
        return views.timeline_view(data, day).as_dict()
    return views.events_view(data).as_dict()


@router.get("/charts/organisation/{name}", summary="An organisation's membership timeline")
def organisation_chart(data: Data, name: Annotated[str, Path(max_length=120)]) -> dict[str, Any]:
    org = data.organisation(name)["organisation"]
    return views.org_timeline_view(data, org["slug"], org.get("name") or org["slug"]).as_dict()


@router.get("/charts/trade", summary="The indicator explorer's chart")
def trade_chart(
    data: Data,
    indicator: Annotated[
        str, Query(pattern="^(regional|introversion|members|partners|hhi|intensity)$")
    ] = "regional",
    region: Annotated[str, Query(pattern=NAME)] = "c5",
    peers: Annotated[list[str] | None, Query(max_length=12)] = None,
    dataset: Dataset = None,
    view: TradeView = None,
    years: Years = None,
) -> dict[str, Any]:
    return views.trade_view(
        data,
        indicator=indicator,
        region=region,
        peers=views.default_peers() if peers is None else [p for p in peers if p],
        dataset=dataset or None,
        view_name=view,
        years=views.parse_years(years),
    ).as_dict()


@router.get("/charts/dependence/{part}", summary="A chart of the dependence page")
def dependence_chart(
    data: Data,
    part: Annotated[str, Path(pattern="^(powers|balance|finance|remittances)$")],
    country: Annotated[str, Query(pattern="^[A-Za-z0-9]{2,5}$")] = "C5",
    years: Years = None,
) -> dict[str, Any]:
    for v in views.dependence_views(data, country.upper(), views.parse_years(years)):
        if v.id == f"dep-{part}":
            return v.as_dict()
    raise NotFoundError(f"Unknown dependence chart '{part}'.")


@router.get("/charts/index/{part}", summary="A chart of the index page")
def index_chart(
    data: Data,
    part: Annotated[str, Path(pattern="^(scores|latest)$")],
    methodology: Method = "central-asia",
    normalisation: Normalisation = None,
    weighting: Weighting = None,
    aggregation: Aggregation = None,
    weights: Weights = None,
) -> dict[str, Any]:
    name = _method(data, methodology)
    found = views.index_views(
        data,
        methodology=name,
        normalisation=normalisation,
        weighting=weighting,
        aggregation=aggregation,
        weights=parse_weights(data, name, weights),
    )
    for v in found:
        if v.id == f"index-{part}":
            return v.as_dict()
    return found[0].as_dict() | {"id": f"index-{part}"}


@router.get("/charts/gravity/{spec}", summary="A stored gravity run's coefficients with intervals")
def gravity_chart(data: Data, spec: Annotated[str, Path(max_length=120)]) -> dict[str, Any]:
    for v in views.gravity_views(data):
        if v.id == f"gravity-{spec}":
            return v.as_dict()
    raise NotFoundError(f"No stored gravity run of '{spec}'; run 'steppe gravity estimate {spec} --store'.")


@router.get(
    "/charts/gravity/{spec}/counterfactual",
    summary="A stored GE counterfactual's per-country change in real GDP",
)
def gravity_counterfactual_chart(data: Data, spec: Annotated[str, Path(max_length=120)]) -> dict[str, Any]:
    for v in views.counterfactual_views(data):
        if v.id == f"gravity-cf-{spec}":
            return v.as_dict()
    raise NotFoundError(
        f"No stored counterfactual of '{spec}'; run 'steppe gravity counterfactual {spec}' "
        "(the spec needs a 'counterfactual:' section)."
    )


@router.get("/charts/frameworks/{name}/{n}", summary="One of a framework's charts")
def framework_chart(
    data: Data, name: Annotated[str, Path(max_length=40)], n: Annotated[int, Path(ge=0, le=50)]
) -> dict[str, Any]:
    section = _framework(data, name)
    view = views.framework_links(data, views.framework_view(section, name, n))
    return view.as_dict()
