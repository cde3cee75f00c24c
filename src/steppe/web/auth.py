"""Who is asking: one dependency for the current user and role, read-only by default.

Without accounts configured (today's only mode) every request is the anonymous ``reader``:
it may read everything and write nothing. Team mode (accounts with the roles reader, coder,
editor, admin) plugs in here: an :class:`Accounts` implementation given to
:func:`steppe.web.app.create_app` resolves a request to a :class:`User`; write endpoints
depend on :func:`require_role`, which refuses (403) whenever no accounts are configured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import HTTPException, Request

from steppe.team.auth import ROLES  # roles in increasing order of rights, defined once


@dataclass(frozen=True)
class User:
    name: str
    role: str
    authenticated: bool = False

    def can(self, role: str) -> bool:
        """Whether this user holds ``role`` or a stronger one."""
        return ROLES.index(self.role) >= ROLES.index(role)


ANONYMOUS = User("anonymous", "reader")


class Accounts(Protocol):
    """What team mode provides: the user a request belongs to (session cookie or API token)."""

    def user_for(self, request: Request) -> User | None: ...


def current_user(request: Request) -> User:
    """The user of this request: the anonymous reader unless accounts are configured and match."""
    accounts: Accounts | None = getattr(request.app.state, "accounts", None)
    if accounts is None:
        return ANONYMOUS
    return accounts.user_for(request) or ANONYMOUS


def require_role(role: str) -> Callable[[Request], User]:
    """A dependency for write endpoints: the user must hold ``role``; refused without accounts."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def check(request: Request) -> User:
        if getattr(request.app.state, "accounts", None) is None:
            raise HTTPException(
                status_code=403,
                detail="This server is read-only: no accounts are configured, so nothing can be written.",
            )
        user = current_user(request)
        if not user.authenticated or not user.can(role):
            raise HTTPException(status_code=403, detail=f"This needs the {role} role; sign in as one.")
        return user

    return check
