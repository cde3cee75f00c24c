"""Team mode in the web app: who is asking, what they may do, and the endpoints that write.

- **Who**: a request carries an API token (``Authorization: Bearer stp_...``, for scripts) or
  a session cookie set by the sign-in page (for browsers). :class:`TeamAccounts` resolves either
  to a :class:`steppe.team.auth.User`; without both, the visitor is the anonymous reader.
- **May**: :func:`need` is the one dependency of every write endpoint. It refuses (and writes
  nothing) when the server has no accounts (read-only: 403), when nobody signed in (401), when a
  cookie-authenticated request lacks the session's CSRF token (403), and when the role is too
  weak (403). A token-authenticated request needs no CSRF token: a browser never sends one on
  its own.
- **Writes**: coding (``/api/texts/codings``), comparison and adjudication, KB proposals and
  their review (``/api/kb/proposals``), and account management (``/api/users``, admins). Each
  calls :mod:`steppe.team`'s Python API, which applies the same rules as the command line.

Every team operation goes through the session API (``session.team``, opened by
:meth:`steppe.web.data.WebData.team` for one operation and closed after it), so the server never
holds the store while it idles and ``steppe users add`` in a terminal still works.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from steppe.team.auth import ANONYMOUS, Accounts, LoginLimiter, User, csrf_matches
from steppe.web.data import WebData, plain

if TYPE_CHECKING:
    from steppe.web.data import Team as TeamOps

SESSION_COOKIE = "steppe_session"
LOGIN_CSRF_COOKIE = "steppe_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Resolved(BaseModel):
    """A request's user, how they proved it, and their session's CSRF token (sessions only)."""

    name: str
    role: str
    authenticated: bool
    how: Literal["token", "session", "none"]
    csrf: str | None = None

    @property
    def user(self) -> User:
        return User(self.name, self.role, self.authenticated)


class TeamAccounts:
    """Accounts for one server: request -> user, with a sign-in limiter shared by all requests."""

    def __init__(self, data: WebData, limiter: LoginLimiter | None = None) -> None:
        self.data = data
        self.limiter = limiter if limiter is not None else LoginLimiter()

    @contextmanager
    def ops(self) -> Iterator[TeamOps]:
        """``session.team`` for one operation (opened, used, closed)."""
        with self.data.team() as team:
            yield team

    @contextmanager
    def accounts(self) -> Iterator[Accounts]:
        with self.ops() as team:
            yield team.accounts(self.limiter)

    def enabled(self) -> bool:
        with self.ops() as team:
            return team.enabled()

    def resolve(self, request: Request) -> Resolved:
        """Who sent ``request`` (cached on the request)."""
        cached = getattr(request.state, "team_user", None)
        if isinstance(cached, Resolved):
            return cached
        found = Resolved(name=ANONYMOUS.name, role=ANONYMOUS.role, authenticated=False, how="none")
        header = request.headers.get("authorization", "")
        cookie = request.cookies.get(SESSION_COOKIE)
        if header or cookie:
            with self.accounts() as accounts:
                if header.lower().startswith("bearer "):
                    user = accounts.user_for_token(header[7:].strip())
                    if user is not None:
                        found = Resolved(name=user.name, role=user.role, authenticated=True, how="token")
                elif cookie:
                    session = accounts.session(cookie)
                    if session is not None:
                        user, csrf = session
                        found = Resolved(
                            name=user.name, role=user.role, authenticated=True, how="session", csrf=csrf
                        )
        request.state.team_user = found
        return found

    # the web app's Accounts protocol (steppe.web.auth)
    def user_for(self, request: Request) -> User | None:
        found = self.resolve(request)
        return found.user if found.authenticated else None


def team_mode(request: Request) -> bool:
    """Whether the server has accounts (else it is read-only)."""
    team = getattr(request.app.state, "team", None)
    return isinstance(team, TeamAccounts) and team.enabled()


def visible(request: Request, codings: pd.DataFrame) -> pd.DataFrame:
    """The codings this request's user may see (blind coding, :mod:`steppe.team.coding`); all of
    them when the server has no accounts."""
    team = getattr(request.app.state, "team", None)
    if not isinstance(team, TeamAccounts) or codings.empty or not team.enabled():
        return codings
    user = team.resolve(request).user
    with team.ops() as ops:
        return ops.filter_visible(codings, user)


def team_of(request: Request) -> TeamAccounts:
    team = getattr(request.app.state, "team", None)
    if not isinstance(team, TeamAccounts):
        raise HTTPException(status_code=403, detail="This server is read-only.")
    return team


def who(request: Request) -> Resolved:
    """The current user of a request (the anonymous reader when nobody signed in)."""
    team = getattr(request.app.state, "team", None)
    if not isinstance(team, TeamAccounts):
        return Resolved(name=ANONYMOUS.name, role=ANONYMOUS.role, authenticated=False, how="none")
    return team.resolve(request)


def need(role: str) -> Callable[[Request], Awaitable[User]]:
    """The dependency of a write endpoint: a signed-in ``role`` (or stronger), CSRF-checked."""

    async def check(request: Request) -> User:
        team = team_of(request)
        if not team.enabled():
            raise HTTPException(
                status_code=403,
                detail="This server is read-only: no accounts exist; create one with "
                "'steppe users add NAME --role admin'.",
            )
        found = team.resolve(request)
        if not found.authenticated:
            raise HTTPException(
                status_code=401,
                detail="Sign in, or send an API token as 'Authorization: Bearer TOKEN', to do this.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if found.how == "session" and request.method not in SAFE_METHODS:
            given = request.headers.get(CSRF_HEADER)
            if given is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                form = await request.form()
                value = form.get("csrf")
                given = value if isinstance(value, str) else None
            if not csrf_matches(found.csrf, given):
                raise HTTPException(
                    status_code=403,
                    detail="The CSRF token is missing or wrong; reload the page and try again.",
                )
        user = found.user
        if not user.can(role):
            raise HTTPException(
                status_code=403, detail=f"This needs the {role} role or higher; {user.name} is a {user.role}."
            )
        return user

    return check


Coder = Annotated[User, Depends(need("coder"))]
Editor = Annotated[User, Depends(need("editor"))]
Admin = Annotated[User, Depends(need("admin"))]
Team = Annotated[TeamAccounts, Depends(team_of)]

router = APIRouter(prefix="/api", tags=["team"])


# -- who am I ----------------------------------------------------------------------------------------
@router.get("/me", summary="The current user, role and whether team mode is on")
def me(request: Request) -> dict[str, Any]:
    found = who(request)
    team = getattr(request.app.state, "team", None)
    enabled = isinstance(team, TeamAccounts) and team.enabled()
    return {
        "name": found.name,
        "role": found.role,
        "authenticated": found.authenticated,
        "team_mode": enabled,
        "read_only": not enabled,
        "csrf": found.csrf,
    }


# -- coding together -----------------------------------------------------------------------------------
class CodingIn(BaseModel):
    doc_id: str = Field(min_length=1, max_length=200)
    seg_no: int = Field(ge=0, le=10_000_000)
    code: str = Field(min_length=1, max_length=200)
    memo: str | None = Field(default=None, max_length=10_000)


@router.post("/texts/codings", summary="Code a passage (coders and up); the coding carries your name")
def add_coding(body: CodingIn, user: Coder, team: Team) -> dict[str, Any]:
    with team.ops() as ops:
        return plain(ops.code(body.doc_id, body.seg_no, body.code, user=user, memo=body.memo))


@router.delete("/texts/codings", summary="Withdraw one of your codes from a passage")
def remove_coding(
    user: Coder,
    team: Team,
    doc_id: Annotated[str, Query(min_length=1, max_length=200)],
    seg_no: Annotated[int, Query(ge=0, le=10_000_000)],
    code: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    with team.ops() as ops:
        return plain(ops.uncode(doc_id, seg_no, code, user=user))


@router.get("/texts/codings", summary="The codings you may see (your own until an editor opens comparison)")
def list_codings(
    request: Request, team: Team, doc: Annotated[list[str] | None, Query(max_length=100)] = None
) -> dict[str, Any]:
    from steppe.web.api import rows

    user = who(request).user
    with team.ops() as ops:
        return {"rows": rows(ops.visible_codings(user, doc or None))}


class ComparisonIn(BaseModel):
    doc_ids: list[str] = Field(min_length=1, max_length=100)
    codebook: str = Field(min_length=1, max_length=100)
    coders: list[str] | None = Field(default=None, max_length=100)


@router.post("/texts/comparisons", summary="Open comparison (editors): agreement per code, disagreements")
def open_comparison(body: ComparisonIn, user: Editor, team: Team) -> dict[str, Any]:
    with team.ops() as ops:
        return plain(ops.compare(body.doc_ids, body.codebook, editor=user, coders=body.coders))


class AdjudicationIn(BaseModel):
    doc_id: str = Field(min_length=1, max_length=200)
    seg_no: int = Field(ge=0, le=10_000_000)
    code: str = Field(min_length=1, max_length=200)
    decision: Literal["applies", "does_not_apply"]
    note: str | None = Field(default=None, max_length=10_000)


@router.post("/texts/adjudications", summary="Record the adjudicated code of a passage (editors)")
def adjudicate(body: AdjudicationIn, user: Editor, team: Team) -> dict[str, Any]:
    with team.ops() as ops:
        return plain(
            ops.adjudicate(body.doc_id, body.seg_no, body.code, body.decision, editor=user, note=body.note)
        )


@router.get("/texts/adjudications", summary="Adjudicated decisions")
def list_adjudications(team: Team, history: bool = False) -> dict[str, Any]:
    with team.ops() as ops:
        return {"rows": plain(ops.adjudications(history=history))}


# -- KB proposals -------------------------------------------------------------------------------------
class ProposalIn(BaseModel):
    kind: Literal["membership", "event", "org_attribute"]
    cells: dict[str, str] = Field(max_length=20)
    source_url: str = Field(min_length=1, max_length=2000)
    accessed: dt.date
    source_kind: str = Field(min_length=1, max_length=40)
    source_title: str | None = Field(default=None, max_length=500)
    target: str | None = Field(default=None, max_length=300)
    reason: str | None = Field(default=None, max_length=5000)


class ReviewIn(BaseModel):
    version: int | None = Field(default=None, ge=1)
    note: str | None = Field(default=None, max_length=5000)


@router.post("/kb/proposals", summary="Propose a KB addition or change with its source (coders and up)")
def propose(body: ProposalIn, user: Coder, team: Team) -> dict[str, Any]:
    with team.ops() as ops:
        p = ops.propose(
            body.kind, body.cells, author=user, source_url=body.source_url, accessed=body.accessed,
            source_kind=body.source_kind, source_title=body.source_title, target=body.target,
            reason=body.reason,
        )  # fmt: skip
        return plain(p)


@router.post("/kb/proposals/{proposal_id}/approve", summary="Approve a proposal (an editor, not its author)")
def approve(proposal_id: int, body: ReviewIn, user: Editor, team: Team) -> dict[str, Any]:
    with team.ops() as ops:
        return plain(ops.approve(proposal_id, reviewer=user, version=body.version, note=body.note))


@router.post("/kb/proposals/{proposal_id}/reject", summary="Reject a proposal (an editor, not its author)")
def reject(proposal_id: int, body: ReviewIn, user: Editor, team: Team) -> dict[str, Any]:
    with team.ops() as ops:
        return plain(ops.reject(proposal_id, reviewer=user, version=body.version, note=body.note))


@router.post("/kb/proposals/{proposal_id}/withdraw", summary="Withdraw your own open proposal")
def withdraw(proposal_id: int, user: Coder, team: Team) -> dict[str, Any]:
    with team.ops() as ops:
        return plain(ops.withdraw(proposal_id, author=user))


@router.get("/kb/proposals", summary="KB proposals and their review state")
def list_proposals(
    team: Team,
    status: Annotated[str | None, Query(pattern="^(open|approved|rejected|withdrawn)$")] = None,
) -> dict[str, Any]:
    with team.ops() as ops:
        return {"rows": plain(ops.proposals(status))}


@router.get("/kb/history", summary="The KB's audit log (filters: org, country, author)")
def kb_history(
    team: Team,
    org: Annotated[str | None, Query(max_length=80)] = None,
    country: Annotated[str | None, Query(max_length=3)] = None,
    author: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    with team.ops() as ops:
        return {"rows": plain(ops.history(org, country, author))}


# -- accounts (admins) -----------------------------------------------------------------------------
class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=40)
    role: Literal["reader", "coder", "editor", "admin"]
    password: str = Field(min_length=1, max_length=1024)


class RoleIn(BaseModel):
    role: Literal["reader", "coder", "editor", "admin"]


class TokenIn(BaseModel):
    label: str | None = Field(default=None, max_length=200)


@router.get("/users", summary="Accounts and roles (admins)")
def list_users(user: Admin, team: Team) -> dict[str, Any]:
    with team.accounts() as accounts:
        return {"rows": plain(accounts.users())}


@router.post("/users", summary="Create an account (admins)")
def add_user(body: UserIn, user: Admin, team: Team) -> dict[str, Any]:
    with team.accounts() as accounts:
        return plain(accounts.add(body.name, body.role, body.password, by=user.name))


@router.post("/users/{name}/role", summary="Change an account's role (admins)")
def set_role(name: str, body: RoleIn, user: Admin, team: Team) -> dict[str, Any]:
    with team.accounts() as accounts:
        return plain(accounts.set_role(name, body.role))


@router.delete("/users/{name}", summary="Remove an account (admins)")
def remove_user(name: str, user: Admin, team: Team) -> dict[str, Any]:
    with team.accounts() as accounts:
        return plain(accounts.remove(name))


@router.post("/tokens", summary="A new API token for yourself, shown once")
def new_token(body: TokenIn, user: Annotated[User, Depends(need("reader"))], team: Team) -> dict[str, Any]:
    with team.accounts() as accounts:
        return {"token": accounts.create_token(user.name, body.label), "user": user.name}


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)
