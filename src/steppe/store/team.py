"""SQL for team accounts: users with a role, API tokens and browser sessions (migration 090).

Portable SQL with ``?`` parameters, so DuckDB and PostgreSQL run it alike. Secrets never reach
this module: callers pass argon2 password hashes and SHA-256 digests of tokens and session ids
(:mod:`steppe.team.auth`). Callers group writes in ``store.transaction()``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from steppe.errors import ConflictError

if TYPE_CHECKING:
    from steppe.store.db import Store

_USER_COLUMNS = "u.name, u.role, u.created_at, u.created_by, u.role_changed_at"


# -- users -----------------------------------------------------------------------------------
def user_count(store: Store) -> int:
    return int(store.execute("SELECT count(*) FROM team_users").fetchone()[0])


def users(store: Store) -> list[dict[str, Any]]:
    """Every account with its role and how many API tokens it holds (no secrets)."""
    return store.rows(
        f"SELECT {_USER_COLUMNS}, (SELECT count(*) FROM team_tokens t WHERE t.user_name = u.name) "
        "AS tokens FROM team_users u ORDER BY u.name"
    )


def user(store: Store, name: str) -> dict[str, Any] | None:
    found = store.rows(f"SELECT {_USER_COLUMNS} FROM team_users u WHERE u.name = ?", [name])
    return found[0] if found else None


def password_hash(store: Store, name: str) -> str | None:
    row = store.execute("SELECT password_hash FROM team_users WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def account_exists(name: str) -> ConflictError:
    """The one sentence for a new account whose name is taken (checked before, or found at insert)."""
    return ConflictError(f"Account '{name}' already exists; choose another name or change its role.")


def insert_user(store: Store, name: str, role: str, hashed: str, created_by: str | None) -> None:
    """Store a new account; :func:`account_exists` when the name is taken, also when another
    session creates the same name at the same moment (the primary key decides, see
    :meth:`Store.insert_new`)."""
    store.insert_new(
        "INSERT INTO team_users (name, role, password_hash, created_by) VALUES (?, ?, ?, ?)",
        [name, role, hashed, created_by],
        taken=lambda: account_exists(name),
    )


def set_password_hash(store: Store, name: str, hashed: str) -> None:
    store.execute("UPDATE team_users SET password_hash = ? WHERE name = ?", [hashed, name])


def set_role(store: Store, name: str, role: str) -> None:
    store.execute(
        "UPDATE team_users SET role = ?, role_changed_at = current_timestamp WHERE name = ?", [role, name]
    )


def delete_user(store: Store, name: str) -> None:
    """Remove an account with its tokens and sessions (what it coded or proposed stays, by name)."""
    store.execute("DELETE FROM team_tokens WHERE user_name = ?", [name])
    store.execute("DELETE FROM team_sessions WHERE user_name = ?", [name])
    store.execute("DELETE FROM team_users WHERE name = ?", [name])


def admins(store: Store) -> list[str]:
    return [
        r[0]
        for r in store.execute("SELECT name FROM team_users WHERE role = 'admin' ORDER BY name").fetchall()
    ]


# -- API tokens ------------------------------------------------------------------------------
def insert_token(store: Store, user_name: str, label: str | None, token_hash: str) -> int:
    return int(
        store.execute(
            "INSERT INTO team_tokens (user_name, label, token_hash) VALUES (?, ?, ?) RETURNING token_id",
            [user_name, label, token_hash],
        ).fetchone()[0]
    )


def token_owner(store: Store, token_hash: str) -> dict[str, Any] | None:
    """The account a token digest belongs to (name, role, token_id), or None."""
    found = store.rows(
        "SELECT u.name, u.role, t.token_id FROM team_tokens t JOIN team_users u ON u.name = t.user_name "
        "WHERE t.token_hash = ?",
        [token_hash],
    )
    return found[0] if found else None


def touch_token(store: Store, token_id: int) -> None:
    store.execute("UPDATE team_tokens SET last_used_at = current_timestamp WHERE token_id = ?", [token_id])


def tokens(store: Store, user_name: str | None = None) -> list[dict[str, Any]]:
    where, params = ("WHERE user_name = ?", [user_name]) if user_name else ("", [])
    return store.rows(
        f"SELECT token_id, user_name, label, created_at, last_used_at FROM team_tokens {where} "
        "ORDER BY user_name, token_id",
        params,
    )


def delete_token(store: Store, token_id: int) -> int:
    """Revoke one token; return how many were removed (0 when unknown)."""
    gone = store.execute(
        "DELETE FROM team_tokens WHERE token_id = ? RETURNING token_id", [token_id]
    ).fetchall()
    return len(gone)


# -- browser sessions ------------------------------------------------------------------------
def insert_session(store: Store, session_hash: str, user_name: str, csrf: str, expires_at: datetime) -> None:
    store.execute(
        "INSERT INTO team_sessions (session_hash, user_name, csrf_token, expires_at) VALUES (?, ?, ?, ?)",
        [session_hash, user_name, csrf, expires_at],
    )


def session_owner(store: Store, session_hash: str, now: datetime) -> dict[str, Any] | None:
    """The account and CSRF token of a live session, or None (unknown or expired)."""
    found = store.rows(
        "SELECT u.name, u.role, s.csrf_token, s.expires_at FROM team_sessions s "
        "JOIN team_users u ON u.name = s.user_name WHERE s.session_hash = ? AND s.expires_at > ?",
        [session_hash, now],
    )
    return found[0] if found else None


def delete_session(store: Store, session_hash: str) -> None:
    store.execute("DELETE FROM team_sessions WHERE session_hash = ?", [session_hash])


def purge_sessions(store: Store, now: datetime) -> None:
    store.execute("DELETE FROM team_sessions WHERE expires_at <= ?", [now])
