"""The FastAPI application: JSON API under ``/api``, dashboard pages, local static files.

Everything a page loads comes from this server (plotly.js, the chart bootstrap, the app's
script and styles); nothing is requested from any other host. A :class:`~steppe.errors.SteppeError`
becomes one sentence: JSON ``{"detail": ...}`` with 404 / 422 / 503 for the API, an error
page with the same sentence for the dashboard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from steppe import __version__
from steppe.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    SteppeError,
    StoreBusyError,
    UsageError,
    ValidationError,
)
from steppe.web.auth import Accounts
from steppe.web.data import WebData

#: Long-lived caching for files whose name carries their version.
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def status_of(exc: SteppeError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UsageError | ValidationError):
        return 422
    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, PermissionDeniedError):
        return 403
    if isinstance(exc, StoreBusyError):
        return 503
    return 409


def _static(name: str) -> str:
    return resources.files("steppe.web").joinpath(f"static/{name}").read_text("utf-8")


def create_app(
    db: str | Path | None = None,
    *,
    accounts: Accounts | None = None,
    prepare: bool = True,
) -> FastAPI:
    """The app over the store at ``db`` (default: STEPPE_DB). Read-only unless the store has team
    accounts (``steppe users add``): then sign-ins, API tokens and the team endpoints are live
    (:mod:`steppe.web.team`). ``accounts`` replaces the store's accounts (tests).

    ``prepare`` creates the store if missing and loads the bundled knowledge base first (the only
    write the server makes, the same as ``steppe init``).
    """
    from steppe import charts
    from steppe.web import api, pages, team_pages
    from steppe.web.team import TeamAccounts
    from steppe.web.team import router as team_api

    data = WebData(db)
    if prepare:
        data.prepare()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        data.close()  # the store is not held after the server stops

    app = FastAPI(
        lifespan=lifespan,
        title="steppe",
        version=__version__,
        description=(
            "Regional integration in Central Asia: memberships, trade, dependence, a composite index, "
            "gravity runs, texts and frameworks, every number with its source. Read-only unless team "
            "accounts are configured."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,  # FastAPI's Swagger UI loads its files from a CDN: /api/docs is our own page
        redoc_url=None,
    )
    app.state.data = data
    app.state.team = TeamAccounts(data)
    app.state.accounts = accounts if accounts is not None else app.state.team
    runtime = f"/static/plotly-{charts.runtime_version()}.min.js"
    app.state.runtime_url = runtime

    @app.get(runtime, include_in_schema=False)
    def plotly_js() -> Response:
        return Response(charts.runtime_js(), media_type="text/javascript", headers=IMMUTABLE)

    @app.get("/static/steppe-charts.js", include_in_schema=False)
    def chart_bootstrap() -> Response:
        return Response(charts.bootstrap_js(), media_type="text/javascript")

    @app.get("/static/steppe-charts.css", include_in_schema=False)
    def chart_css() -> Response:
        return Response(charts.stylesheet(), media_type="text/css")

    @app.get("/static/app.js", include_in_schema=False)
    def app_js() -> Response:
        return Response(_static("app.js"), media_type="text/javascript")

    @app.get("/static/app.css", include_in_schema=False)
    def app_css() -> Response:
        return Response(_static("app.css"), media_type="text/css")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(_static("favicon.svg"), media_type="image/svg+xml")

    @app.middleware("http")
    async def api_cache(request: Request, call_next: Any) -> Response:
        """Whole JSON answers of the read-only API, kept until the store changes: a repeated
        question is answered without the worker threads (anonymous readers only)."""
        path = request.url.path
        if request.method != "GET" or not path.startswith("/api/") or path == "/api/health":
            return await call_next(request)
        if accounts is not None or _team_mode(app, data):
            return await call_next(request)
        key = ("http", path, request.url.query)
        hit = data.peek(key)
        if hit is not None:
            return Response(hit[0], status_code=hit[1], media_type="application/json")
        stamp = data.stamp()
        response = await call_next(request)
        kind = response.headers.get("content-type", "")
        if response.status_code in (200, 404, 422) and kind.startswith("application/json"):
            body = b"".join([chunk async for chunk in response.body_iterator])
            data.put(key, (body, response.status_code), stamp)
            return Response(body, status_code=response.status_code, media_type="application/json")
        return response

    @app.exception_handler(SteppeError)
    def steppe_error(request: Request, exc: SteppeError) -> Response:
        status = status_of(exc)
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return pages.error_page(request, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "Not found."
        if request.url.path.startswith("/api") or exc.status_code not in (404, 405):
            return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
        return pages.error_page(request, exc.status_code, "There is no page at this address.")

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(_problem(e) for e in exc.errors()[:3])
        detail = f"Invalid request: {problems}."
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": detail, "errors": _errors(exc)}, status_code=422)
        return pages.error_page(request, 422, detail)

    app.include_router(api.router)
    app.include_router(team_api)
    app.include_router(team_pages.router)
    app.include_router(pages.router)
    return app


def _team_mode(app: FastAPI, data: WebData) -> bool:
    """Whether the store has team accounts (answers then depend on who asks: nothing is cached
    whole); remembered until the store changes, as a ``steppe users add`` changes it."""
    stamp = data.stamp()
    known = data.peek(("team-enabled",))
    if known is None:
        known = "yes" if app.state.team.enabled() else "no"
        data.put(("team-enabled",), known, stamp)
    return bool(known == "yes")


def _problem(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "input"
    return f"{where}: {error.get('msg', 'invalid')}"


def _errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | Path | None = None) -> None:
    """Run the app with uvicorn in this process (``steppe serve``)."""
    import threading

    import uvicorn

    app = create_app(db)
    # the first visitor should not wait for the overview's numbers: compute them while starting
    threading.Thread(target=app.state.data.warm, name="steppe-warm", daemon=True).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
