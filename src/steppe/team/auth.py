"""Accounts and roles: who may do what, and proving who you are.

Roles, in increasing order of rights (each holds the rights of those before it):

- ``reader``: reads everything; writes nothing;
- ``coder``: codes documents (sees only their own codes until an editor opens comparison)
  and proposes knowledge-base changes;
- ``editor``: also proposes, reviews other people's KB proposals, opens comparisons and
  records adjudicated codes;
- ``admin``: also manages accounts.

Without any account in the store, team mode is off: a server is read-only (:meth:`Accounts.enabled`).

Secrets: passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second
recommended parameter set); API tokens and session ids are 256-bit random values, shown once and
stored only as SHA-256 digests (a digest of a random 256-bit value cannot be reversed, and it can
be looked up). Sign-ins are rate limited per (account, client) in a bounded window
(:class:`LoginLimiter`). Pages that change something carry a CSRF token bound to the session
(:func:`csrf_matches`). Only the store speaks SQL (:mod:`steppe.store.team`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from steppe.errors import (
    AuthenticationError,
    ConflictError,
    MissingDependencyError,
    NotFoundError,
    PermissionDeniedError,
    UsageError,
)
from steppe.store import Store, open_store
from steppe.store import team as store_team

if TYPE_CHECKING:
    from argon2 import PasswordHasher

#: Roles in increasing order of rights.
ROLES: tuple[str, ...] = ("reader", "coder", "editor", "admin")

#: Names that stand for something other than a person in codings and the KB's history.
RESERVED_NAMES = frozenset({"auto", "adjudicated", "anonymous", "qdpx", "actors", "steppe-actors", "cli"})

_NAME = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
TOKEN_PREFIX = "stp_"
SESSION_HOURS = 12


@dataclass(frozen=True)
class User:
    """An account as a request or a command sees it."""

    name: str
    role: str
    authenticated: bool = True

    def can(self, role: str) -> bool:
        """Whether this account holds ``role`` or a stronger one."""
        return ROLES.index(self.role) >= ROLES.index(role)


ANONYMOUS = User("anonymous", "reader", authenticated=False)


def check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise UsageError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
    return role


def require(user: User, role: str, action: str) -> None:
    """Refuse ``action`` unless ``user`` is signed in with ``role`` or a stronger one."""
    if not user.authenticated or not user.can(role):
        who = f"{user.name} ({user.role})" if user.authenticated else "an anonymous visitor"
        raise PermissionDeniedError(f"{action} needs the {role} role or higher; {who} does not have it.")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise UsageError(
            f"Account name '{name}' is not allowed; use 2-32 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter (e.g. alice)."
        )
    if name in RESERVED_NAMES:
        raise UsageError(f"Account name '{name}' is reserved; choose another name.")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"The password is too short; use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise UsageError(f"The password is too long; use at most {MAX_PASSWORD} characters.")
    return password


# -- hashing ---------------------------------------------------------------------------------
#: Argon2 cost parameters: empty means argon2-cffi's defaults (RFC 9106's second recommended set).
#: Tests lower them to keep the suite fast; a hash records its own parameters, so hashes made
#: with other parameters still verify (and are re-hashed at the next sign-in).
HASH_PARAMETERS: dict[str, Any] = {}


def _hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - argon2-cffi is a core dependency
        raise MissingDependencyError("argon2-cffi", "team") from None
    p = HASH_PARAMETERS
    if not p:
        return PasswordHasher()
    return PasswordHasher(
        time_cost=p["time_cost"], memory_cost=p["memory_cost"], parallelism=p["parallelism"]
    )


def hash_password(password: str) -> str:
    """An argon2id hash (with its salt and parameters) of ``password``."""
    return str(_hasher().hash(password))


def verify_password(hashed: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return bool(_hasher().verify(hashed, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    """The stored form of a token or session id: its SHA-256 hex digest."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Whether a submitted CSRF token equals the session's, in constant time."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


# -- rate limiting ---------------------------------------------------------------------------
class LoginLimiter:
    """Failed sign-ins per (account, client) in a sliding window, in bounded memory.

    After ``max_failures`` failures within ``window_s`` seconds, that account cannot sign in
    from that client until the oldest failure leaves the window (a correct password is refused
    too, so guessing gains nothing). At most ``max_keys`` pairs are remembered; the least
    recently failed pair is forgotten first. Thread-safe.
    """

    def __init__(self, max_failures: int = 5, window_s: float = 300.0, max_keys: int = 10_000) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.max_keys = max_keys
        self._failures: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after(self, name: str, client: str, now: float | None = None) -> float:
        """Seconds until this pair may try again (0 when it may now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent((name, client), now)
            if len(times) < self.max_failures:
                return 0.0
            return max(0.0, times[-self.max_failures] + self.window_s - now)

    def failed(self, name: str, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        key = (name, client)
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times[-self.max_failures :]
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, name: str, client: str) -> None:
        with self._lock:
            self._failures.pop((name, client), None)

    def __len__(self) -> int:
        return len(self._failures)


#: A password hash to verify against when the account does not exist, so that an unknown name
#: takes as long to refuse as a wrong password.
_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY[0]


# -- accounts ----------------------------------------------------------------------------------
class Accounts:
    """Accounts, tokens and sessions in one store: the Python API behind ``steppe users`` and
    the web app's "current user and role" dependency."""

    def __init__(self, store: Store | None = None, limiter: LoginLimiter | None = None) -> None:
        self.store = store if store is not None else open_store()
        self.limiter = limiter if limiter is not None else LoginLimiter()

    # -- team mode on or off -----------------------------------------------------------------
    def enabled(self) -> bool:
        """Whether any account exists; without one a server is read-only."""
        return store_team.user_count(self.store) > 0

    # -- managing accounts ---------------------------------------------------------------------
    def add(self, name: str, role: str, password: str, *, by: str | None = None) -> dict:
        """Create an account; the password is hashed with argon2id before it is stored."""
        name = check_name(name)
        role = check_role(role)
        hashed = hash_password(check_password(password))
        with self.store.transaction():
            if store_team.user(self.store, name) is not None:
                raise store_team.account_exists(name)
            # another session may create the same name between this check and the insert: the
            # insert then raises the same sentence
            store_team.insert_user(self.store, name, role, hashed, by)
        return self.get(name)

    def get(self, name: str) -> dict:
        found = store_team.user(self.store, name)
        if found is None:
            raise NotFoundError(f"No account named '{name}'; run 'steppe users list' to see them.")
        return found

    def as_user(self, name: str) -> User:
        """The account ``name`` as a :class:`User` (the command line's ``--as``: whoever can open
        the store is trusted, as they could change it directly)."""
        found = self.get(name)
        return User(found["name"], found["role"])

    def users(self) -> list[dict]:
        return store_team.users(self.store)

    def remove(self, name: str) -> dict:
        """Delete an account with its tokens and sessions; refuse to remove the last admin."""
        with self.store.transaction():
            found = self.get(name)
            if (
                found["role"] == "admin"
                and store_team.admins(self.store) == [name]
                and store_team.user_count(self.store) > 1
            ):
                raise ConflictError(
                    f"'{name}' is the last admin; make another account admin before removing it."
                )
            store_team.delete_user(self.store, name)
        return found

    def set_role(self, name: str, role: str) -> dict:
        role = check_role(role)
        with self.store.transaction():
            found = self.get(name)
            if found["role"] == "admin" and role != "admin" and store_team.admins(self.store) == [name]:
                raise ConflictError(f"'{name}' is the last admin; make another account admin first.")
            store_team.set_role(self.store, name, role)
        return self.get(name)

    def set_password(self, name: str, password: str) -> None:
        hashed = hash_password(check_password(password))
        with self.store.transaction():
            self.get(name)
            store_team.set_password_hash(self.store, name, hashed)

    # -- proving who you are -----------------------------------------------------------------
    def verify(self, name: str, password: str, client: str = "local") -> User:
        """The account if ``password`` is right; rate limited per (name, client).

        Refusals are one sentence that does not say whether the name exists.
        """
        wait = self.limiter.retry_after(name, client)
        if wait > 0:
            raise AuthenticationError(
                f"Too many failed sign-ins for '{name}' from this client; try again in {int(wait) + 1} s."
            )
        hashed = store_team.password_hash(self.store, name)
        ok = verify_password(hashed if hashed is not None else _dummy_hash(), password)
        if not ok or hashed is None:
            self.limiter.failed(name, client)
            raise AuthenticationError("Wrong account name or password.")
        self.limiter.succeeded(name, client)
        found = store_team.user(self.store, name)
        if found is None:  # removed meanwhile
            raise AuthenticationError("Wrong account name or password.")
        self._rehash_if_needed(name, hashed, password)
        return User(found["name"], found["role"])

    def _rehash_if_needed(self, name: str, hashed: str, password: str) -> None:
        if _hasher().check_needs_rehash(hashed):
            with self.store.transaction():
                store_team.set_password_hash(self.store, name, hash_password(password))

    # -- API tokens ------------------------------------------------------------------------------
    def create_token(self, name: str, label: str | None = None) -> str:
        """A new API token for ``name``: returned once, stored only as its digest."""
        token = new_secret(TOKEN_PREFIX)
        with self.store.transaction():
            self.get(name)
            store_team.insert_token(self.store, name, label, digest(token))
        return token

    def tokens(self, name: str | None = None) -> list[dict]:
        return store_team.tokens(self.store, name)

    def revoke_token(self, token_id: int) -> None:
        with self.store.transaction():
            if not store_team.delete_token(self.store, token_id):
                raise NotFoundError(f"No API token {token_id}; run 'steppe users tokens' to see them.")

    def user_for_token(self, token: str) -> User | None:
        """The account a bearer token belongs to, or None."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        found = store_team.token_owner(self.store, digest(token))
        if found is None:
            return None
        return User(found["name"], found["role"])

    # -- browser sessions ------------------------------------------------------------------------
    def start_session(self, user: User, hours: float = SESSION_HOURS) -> tuple[str, str]:
        """A new session for a signed-in user: (session id for the cookie, CSRF token)."""
        session_id = new_secret()
        csrf = new_secret()
        now = datetime.now(UTC)
        with self.store.transaction():
            store_team.purge_sessions(self.store, now)
            store_team.insert_session(
                self.store, digest(session_id), user.name, csrf, now + timedelta(hours=hours)
            )
        return session_id, csrf

    def session(self, session_id: str) -> tuple[User, str] | None:
        """The user and CSRF token of a live session, or None (unknown, expired, signed out)."""
        if not session_id or len(session_id) > 200:
            return None
        found = store_team.session_owner(self.store, digest(session_id), datetime.now(UTC))
        if found is None:
            return None
        return User(found["name"], found["role"]), found["csrf_token"]

    def end_session(self, session_id: str) -> None:
        with self.store.transaction():
            store_team.delete_session(self.store, digest(session_id))
