"""Team-mode pages: sign in and out, code a document, compare coders and adjudicate, review KB
proposals. Server-rendered forms (POST, then a redirect back), each carrying the session's CSRF
token; the rules are :mod:`steppe.team`'s, the checks :func:`steppe.web.team.need`'s.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from steppe.errors import AuthenticationError, SteppeError
from steppe.team.auth import User, csrf_matches
from steppe.web.team import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    TeamAccounts,
    need,
    new_login_csrf,
    team_of,
    who,
)

router = APIRouter(include_in_schema=False)
SESSION_MAX_AGE = 12 * 3600


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    from steppe.web.pages import render

    found = who(request)
    return render(request, template, status=status, me=found, csrf=found.csrf, **context)


def _safe_next(target: str | None) -> str:
    """Only a path on this server (no open redirect to another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _back(path: str, message: str | None = None, error: str | None = None) -> RedirectResponse:
    sep = "&" if "?" in path else "?"
    if message:
        path += f"{sep}message={quote(message)}"
    elif error:
        path += f"{sep}error={quote(error)}"
    return RedirectResponse(path, status_code=303)


# -- sign in and out -------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", error: str | None = None) -> HTMLResponse:
    token = new_login_csrf()
    team = getattr(request.app.state, "team", None)
    enabled = isinstance(team, TeamAccounts) and team.enabled()
    response = _render(request, "login.html", title="Sign in", next=_safe_next(next), login_csrf=token,
                       error=error, enabled=enabled)  # fmt: skip
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=request.url.scheme == "https")  # fmt: skip
    return response


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    team = team_of(request)
    target = _safe_next(next)
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return _back(f"/login?next={quote(target)}", error="The sign-in form expired; please try again.")
    client = request.client.host if request.client else "unknown"
    try:
        with team.accounts() as accounts:
            user = accounts.verify(name.strip(), password, client=client)
            session_id, _ = accounts.start_session(user)
    except AuthenticationError as exc:
        return _back(f"/login?next={quote(target)}", error=str(exc))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="lax", path="/",
                        max_age=SESSION_MAX_AGE, secure=request.url.scheme == "https")  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, user: Annotated[User, Depends(need("reader"))]) -> Response:
    team = team_of(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        with team.accounts() as accounts:
            accounts.end_session(session_id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- coding a document -----------------------------------------------------------------------------
@router.get("/texts/{doc_id}/code", response_class=HTMLResponse)
def code_page(
    request: Request, doc_id: str, message: str | None = None, error: str | None = None
) -> HTMLResponse:
    user = who(request).user
    with team_of(request).ops() as ops:
        page = ops.coding_page(doc_id, user)
    by_segment: dict[int, list[dict[str, Any]]] = {}
    for c in page["codings"]:
        by_segment.setdefault(int(c["seg_no"]), []).append(c)
    doc = page["document"]
    codebooks = sorted({c["codebook"] for c in page["codes"]})
    return _render(request, "code.html", title=f"Code: {doc.get('title') or doc_id}", doc=doc,
                   segments=page["segments"], codes=page["codes"], by_segment=by_segment, codebooks=codebooks,
                   coders=page["coders"], message=message, error=error)  # fmt: skip


@router.post("/texts/{doc_id}/code")
def code_submit(
    request: Request,
    doc_id: str,
    user: Annotated[User, Depends(need("coder"))],
    seg_no: Annotated[int, Form(ge=0)],
    code: Annotated[str, Form(max_length=200)],
    memo: Annotated[str, Form(max_length=10_000)] = "",
    remove: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    here = f"/texts/{quote(doc_id)}/code"
    try:
        with team_of(request).ops() as ops:
            if remove:
                ops.uncode(doc_id, seg_no, code, user=user)
            else:
                ops.code(doc_id, seg_no, code, user=user, memo=memo or None)
    except SteppeError as exc:
        return _back(here, error=str(exc))
    return _back(f"{here}#seg-{seg_no}", message=None)


# -- comparison and adjudication ---------------------------------------------------------------------
@router.get("/texts/{doc_id}/compare-coders", response_class=HTMLResponse)
def compare_page(
    request: Request,
    doc_id: str,
    user: Annotated[User, Depends(need("editor"))],
    codebook: str = "ecdpm",
    message: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    with team_of(request).ops() as ops:
        try:
            result: dict[str, Any] | None = ops.compare([doc_id], codebook, editor=user)
            problem = None
        except SteppeError as exc:
            result, problem = None, str(exc)
    title = f"Compare coders: {doc_id}"
    return _render(request, "compare_coders.html", title=title, doc_id=doc_id, codebook=codebook,
                   result=result, problem=problem, message=message, error=error)  # fmt: skip


@router.post("/texts/{doc_id}/adjudicate")
def adjudicate_submit(
    request: Request,
    doc_id: str,
    user: Annotated[User, Depends(need("editor"))],
    seg_no: Annotated[int, Form(ge=0)],
    code: Annotated[str, Form(max_length=200)],
    decision: Annotated[str, Form(pattern="^(applies|does_not_apply)$")],
    codebook: Annotated[str, Form(max_length=100)] = "ecdpm",
    note: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    here = f"/texts/{quote(doc_id)}/compare-coders?codebook={quote(codebook)}"
    try:
        with team_of(request).ops() as ops:
            ops.adjudicate(doc_id, seg_no, code, decision, editor=user, note=note or None)
    except SteppeError as exc:
        return _back(here, error=str(exc))
    return _back(here, message=f"Recorded: segment {seg_no}, {code}: {decision.replace('_', ' ')}.")


# -- KB proposals ------------------------------------------------------------------------------------
@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, message: str | None = None, error: str | None = None) -> HTMLResponse:
    with team_of(request).ops() as ops:
        open_ = ops.proposals("open")
        recent = ops.history()[-30:][::-1]
    return _render(request, "team.html", title="Team: KB proposals", proposals=open_, history=recent,
                   message=message, error=error)  # fmt: skip


@router.post("/team/proposals/{proposal_id}/review")
def review_submit(
    request: Request,
    proposal_id: int,
    user: Annotated[User, Depends(need("editor"))],
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    version: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    try:
        with team_of(request).ops() as ops:
            act = ops.approve if decision == "approve" else ops.reject
            act(proposal_id, reviewer=user, version=version, note=note or None)
    except SteppeError as exc:
        return _back("/team", error=str(exc))
    return _back("/team", message=f"Proposal #{proposal_id} {decision}d.")
