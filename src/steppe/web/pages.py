"""The dashboard pages: server-rendered HTML (Jinja2) whose charts load from ``/api/charts``.

A page's state lives in its URL's query string (the controls are a GET form, and the page
script keeps the URL in step when a control moves), so any view can be shared by its address.
Every chart slot names the API endpoint that fills it; the script draws the payload with
``steppeCharts.mount`` and lists the sources under it as links to ``/sources``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from steppe import __version__, charts
from steppe.errors import NotFoundError, SteppeError
from steppe.web import views
from steppe.web.api import (
    NAME,
    YEARS,
    Aggregation,
    AsOf,
    Dataset,
    Method,
    Normalisation,
    TradeView,
    Weighting,
    Weights,
    _method,
    as_of_day,
    parse_weights,
)
from steppe.web.data import C5, FETCH, WebData

router = APIRouter(include_in_schema=False)

NAV = (
    ("/", "Overview"),
    ("/institutions", "Institutions"),
    ("/trade", "Trade"),
    ("/dependence", "Dependence"),
    ("/index", "Index"),
    ("/gravity", "Gravity"),
    ("/texts", "Texts"),
    ("/frameworks", "Frameworks"),
    ("/sources", "Sources"),
)


@cache
def env() -> Environment:
    e = Environment(
        loader=PackageLoader("steppe.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters["number"] = lambda v, unit="number": charts.format_value(v, unit) if v is not None else ""
    return e


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    from steppe.web.team import team_mode, who

    runtime = request.app.state.runtime_url
    try:
        starter = [d for d in data_of(request).datasets() if views.is_starter(d)]
    except SteppeError:  # an error page about the store itself still renders
        starter = []
    context.setdefault("me", who(request))
    context.setdefault("csrf", context["me"].csrf)
    context.setdefault("team_mode", team_mode(request))
    html = (
        env()
        .get_template(template)
        .render(
            starter=starter,
            nav=NAV,
            path=request.url.path,
            version=__version__,
            chart_head=charts.head(
                runtime_url=runtime,
                bootstrap_url="/static/steppe-charts.js",
                stylesheet_url="/static/steppe-charts.css",
            ),
            fetch=FETCH,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message, title="Error")


def data_of(request: Request) -> WebData:
    return request.app.state.data


# -- pages -----------------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    data = data_of(request)
    numbers, missing = views.key_numbers(data)
    events = views.latest_events(data)
    sources = data.kb_sources()
    return render(
        request,
        "overview.html",
        title="Overview",
        numbers=numbers,
        missing=missing,
        events=events,
        kb_sources=sources,
        datasets=data.datasets(),
    )


@router.get("/institutions", response_class=HTMLResponse)
def institutions(request: Request, as_of: AsOf = None) -> HTMLResponse:
    data = data_of(request)
    day = as_of_day(as_of)
    orgs = sorted(data.organisations(), key=lambda o: str(o.get("name") or o["slug"]).lower())
    return render(
        request,
        "institutions.html",
        title="Institutions",
        as_of=day.isoformat(),
        year=day.year,
        this_year=dt.date.today().year,
        orgs=orgs,
    )


@router.get("/institutions/{name}", response_class=HTMLResponse)
def organisation(request: Request, name: Annotated[str, Path(max_length=120)]) -> HTMLResponse:
    data = data_of(request)
    org = data.organisation(name)
    return render(
        request,
        "organisation.html",
        title=org["organisation"].get("name") or name,
        org=org,
        countries=data.country_names(),
    )


@router.get("/trade", response_class=HTMLResponse)
def trade(
    request: Request,
    indicator: Annotated[
        str, Query(pattern="^(regional|introversion|members|partners|hhi|intensity)$")
    ] = "regional",
    region: Annotated[str, Query(pattern=NAME)] = "c5",
    peers: Annotated[list[str] | None, Query(max_length=12)] = None,
    dataset: Dataset = None,
    view: TradeView = None,
    years: Annotated[str | None, Query(pattern=f"({YEARS})|^$")] = None,
) -> HTMLResponse:
    data = data_of(request)
    regions = sorted(data.regions(), key=lambda r: (r["kind"] != "fixed", str(r["name"]).lower()))
    chosen_peers = views.default_peers() if peers is None else [p for p in peers if p]
    return render(
        request,
        "trade.html",
        title="Trade",
        indicators=views.EXPLORER,
        indicator=indicator,
        region=region,
        regions=regions,
        peers=chosen_peers,
        datasets=data.trade_datasets(),
        dataset=dataset or "",
        views=views.VIEWS,
        view=view or views.default_view(indicator),
        years=years or "",
    )


@router.get("/dependence", response_class=HTMLResponse)
def dependence(
    request: Request,
    country: Annotated[str, Query(pattern="^[A-Za-z0-9]{2,5}$")] = "C5",
    years: Annotated[str | None, Query(pattern=f"({YEARS})|^$")] = None,
) -> HTMLResponse:
    data = data_of(request)
    code = country.upper()
    if code not in (*C5, "C5"):
        raise NotFoundError(f"Unknown state '{country}': use one of {', '.join((*C5, 'C5'))}.")
    names = data.country_names()
    states = [("C5", "The C5 as a whole"), *((c, names.get(c, c)) for c in C5)]
    return render(
        request, "dependence.html", title="Dependence", country=code, states=states, years=years or ""
    )


@router.get("/index", response_class=HTMLResponse)
def index(
    request: Request,
    methodology: Method = "central-asia",
    normalisation: Normalisation = None,
    weighting: Weighting = None,
    aggregation: Aggregation = None,
    weights: Weights = None,
) -> HTMLResponse:
    data = data_of(request)
    name = _method(data, methodology)
    method = data.methodology(name)
    given = dict(parse_weights(data, name, weights))
    from steppe.indicators.composite.methodology import (
        AGGREGATIONS,
        NORMALISATIONS,
        WEIGHTINGS,
        bundled_names,
    )

    return render(
        request,
        "index.html",
        title="Index",
        method=method,
        methodologies=bundled_names(),
        normalisations=NORMALISATIONS,
        weightings=WEIGHTINGS,
        aggregations=AGGREGATIONS,
        normalisation=normalisation or "",
        weighting=weighting or "",
        aggregation=aggregation or "",
        weights={d.id: given.get(d.id, d.weight) for d in method.dimensions},
    )


@router.get("/gravity", response_class=HTMLResponse)
def gravity(request: Request) -> HTMLResponse:
    data = data_of(request)
    runs = data.gravity_runs()
    stored = {d["dataset_id"] for d in data.datasets()}
    counterfactuals = [
        cf | {"table": views.counterfactual_table(cf).to_dict(orient="records")}
        for cf in data.gravity_counterfactuals()
    ]
    return render(
        request,
        "gravity.html",
        title="Gravity",
        runs=runs,
        z=views.Z95,
        stored=stored,
        counterfactuals=counterfactuals,
        changes=views.GE_CHANGES,
        names=data.country_names(),
    )


@router.get("/texts", response_class=HTMLResponse)
def texts(request: Request) -> HTMLResponse:
    return render(request, "texts.html", title="Texts", documents=data_of(request).documents())


@router.get("/texts/compare", response_class=HTMLResponse)
def texts_compare(
    request: Request,
    a: Annotated[str, Query(max_length=200)],
    b: Annotated[str, Query(max_length=200)],
    codebook: Annotated[str, Query(pattern=NAME)] = "priorities",
) -> HTMLResponse:
    data = data_of(request)
    docs = {d["doc_id"]: d for d in data.documents()}
    for d in (a, b):
        if d not in docs:
            raise NotFoundError(f"Unknown document '{d}'; the texts page lists every document.")
    try:
        rows = data.compare_documents(a, b, codebook) if a != b else []
        problem = None if a != b else "Pick two different documents to compare."
    except NotFoundError as exc:
        rows, problem = [], str(exc)
    chart = views.compare_chart(rows, docs[a], docs[b], codebook) if rows else None
    return render(
        request,
        "compare.html",
        chart_html=chart.to_html() if chart is not None else "",
        title="Compare documents",
        a=docs[a],
        b=docs[b],
        rows=rows,
        problem=problem,
        codebook=codebook,
        documents=list(docs.values()),
    )


@router.get("/texts/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    from steppe.web.team import visible

    found = data_of(request).document(doc_id)
    segments = found["segments"].to_dict(orient="records")
    codings = visible(request, found["codings"])
    by_segment: dict[int, list[dict[str, Any]]] = {}
    for record in codings.to_dict(orient="records"):
        c = {str(k): v for k, v in record.items()}
        by_segment.setdefault(int(c["seg_no"]), []).append(c)
    codes = sorted({str(c) for c in codings["code"]}) if len(codings) else []
    return render(
        request,
        "document.html",
        title=str(found["document"].get("title") or doc_id),
        doc=found["document"],
        segments=segments,
        by_segment=by_segment,
        codes=codes,
        colours={c: charts.colour(c) for c in codes},
    )


@router.get("/frameworks", response_class=HTMLResponse)
def frameworks(request: Request) -> HTMLResponse:
    titles = data_of(request).framework_titles()
    found = [{"name": name, "title": title} for name, title in titles.items()]
    return render(request, "frameworks.html", title="Frameworks", frameworks=found)


@router.get("/frameworks/{name}", response_class=HTMLResponse)
def framework(request: Request, name: Annotated[str, Path(max_length=40)]) -> HTMLResponse:
    data = data_of(request)
    if name not in data.frameworks():
        raise NotFoundError(f"Unknown framework '{name}': use one of {', '.join(data.frameworks())}.")
    section = data.framework_section(name)
    return render(
        request,
        "framework.html",
        title=section.title if section else name,
        name=name,
        section=section,
        empty=None if section else views.framework_empty(name),
    )


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request) -> HTMLResponse:
    data = data_of(request)
    kb = sorted(data.kb_sources().values(), key=lambda s: str(s["id"]))
    return render(request, "sources.html", title="Sources", datasets=data.datasets(), kb=kb)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API described from its OpenAPI document (served locally, unlike Swagger UI's CDN files)."""
    doc = request.app.openapi()
    operations = []
    for path, methods in doc.get("paths", {}).items():
        for method, op in methods.items():
            params = []
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                kinds = [
                    s.get("type")
                    for s in schema.get("anyOf", [schema])
                    if s.get("type") not in (None, "null")
                ]
                pattern = next(
                    (s.get("pattern") for s in schema.get("anyOf", [schema]) if s.get("pattern")), None
                )
                params.append(
                    {
                        "name": p["name"],
                        "in": p["in"],
                        "required": p.get("required", False),
                        "type": "/".join(str(k) for k in kinds),
                        "pattern": pattern,
                        "description": p.get("description") or schema.get("description") or "",
                        "default": schema.get("default"),
                    }
                )
            operations.append(
                {"method": method.upper(), "path": path, "summary": op.get("summary", ""), "params": params}
            )
    return render(request, "api.html", title="JSON API", operations=operations, info=doc.get("info", {}))
