"""Team accounts: argon2 passwords, roles, API tokens, sessions, CSRF and the sign-in limiter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steppe.errors import AuthenticationError, ConflictError, NotFoundError, PermissionDeniedError, UsageError
from steppe.store import open_store
from steppe.store import team as store_team
from steppe.team.auth import ANONYMOUS, Accounts, LoginLimiter, User, csrf_matches, digest, require
from tests.e2e.cli_inprocess import invoke

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(isolated_env: Path):
    store = open_store(isolated_env)
    yield Accounts(store)
    store.close()


def test_the_default_hash_is_argon2id_with_rfc_9106_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    from steppe.team import auth

    monkeypatch.setattr(auth, "HASH_PARAMETERS", {})
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth.verify_password(hashed, PASSWORD) and not auth.verify_password(hashed, PASSWORD + "!")


def test_a_hash_with_older_parameters_is_renewed_at_sign_in(accounts: Accounts) -> None:
    from steppe.team import auth

    accounts.add("old", "coder", PASSWORD)
    before = accounts.store.execute("SELECT password_hash FROM team_users").fetchone()[0]
    auth.HASH_PARAMETERS["time_cost"] = 2  # the monkeypatched dict: restored after the test
    accounts.verify("old", PASSWORD)
    after = accounts.store.execute("SELECT password_hash FROM team_users").fetchone()[0]
    assert ",t=1," in before and ",t=2," in after


def test_passwords_are_stored_as_argon2id_hashes_only(accounts: Accounts) -> None:
    assert not accounts.enabled()
    accounts.add("alice", "editor", PASSWORD)
    assert accounts.enabled()
    stored = accounts.store.execute("SELECT password_hash FROM team_users").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert accounts.verify("alice", PASSWORD) == User("alice", "editor")
    with pytest.raises(AuthenticationError, match="Wrong account name or password"):
        accounts.verify("alice", "wrong password!")
    with pytest.raises(AuthenticationError, match="Wrong account name or password"):
        accounts.verify("nobody", PASSWORD)


def test_names_roles_and_passwords_are_checked(accounts: Accounts) -> None:
    with pytest.raises(UsageError, match="Unknown role 'boss'"):
        accounts.add("bob", "boss", PASSWORD)
    with pytest.raises(UsageError, match="reserved"):
        accounts.add("adjudicated", "coder", PASSWORD)
    with pytest.raises(UsageError, match="not allowed"):
        accounts.add("Bob Smith", "coder", PASSWORD)
    with pytest.raises(UsageError, match="too short"):
        accounts.add("bob", "coder", "short")
    accounts.add("bob", "coder", PASSWORD)
    with pytest.raises(ConflictError, match="already exists"):
        accounts.add("bob", "reader", PASSWORD)
    assert [u["name"] for u in accounts.users()] == ["bob"]


TAKEN = "Account 'bob' already exists; choose another name or change its role."


def test_a_name_taken_after_the_check_gets_the_same_sentence(
    accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session created the name between the check and the insert (the check is made
    blind here): the primary key refuses the insert with the sequential duplicate's sentence."""
    accounts.add("bob", "coder", PASSWORD)
    with monkeypatch.context() as patch:
        patch.setattr(store_team, "user", lambda store, name: None)
        with pytest.raises(ConflictError) as caught:
            accounts.add("bob", "admin", "another long password")
    assert str(caught.value) == TAKEN
    assert [(u["name"], u["role"]) for u in accounts.users()] == [("bob", "coder")]
    assert accounts.verify("bob", PASSWORD).role == "coder"
    accounts.add("carol", "reader", PASSWORD)  # the store takes the next account as usual


def test_two_sessions_creating_one_name_at_once_store_one_account(isolated_env: Path) -> None:
    """DuckDB checks keys across open transactions when it commits: both sessions pass the check
    and insert, the first to commit keeps the name and the other gets the sentence at commit."""
    first, second = open_store(isolated_env), open_store(isolated_env)
    try:
        with pytest.raises(ConflictError) as caught, first.transaction():
            Accounts(first).add("bob", "coder", PASSWORD)  # inserted, not committed
            Accounts(second).add("bob", "admin", "another long password")  # commits first
        assert str(caught.value) == TAKEN
        for store in (first, second):
            assert [(u["name"], u["role"]) for u in Accounts(store).users()] == [("bob", "admin")]
        Accounts(first).add("carol", "reader", PASSWORD)
    finally:
        first.close()
        second.close()


def test_roles_change_and_the_last_admin_stays(accounts: Accounts) -> None:
    accounts.add("root", "admin", PASSWORD)
    accounts.add("carol", "coder", PASSWORD)
    with pytest.raises(ConflictError, match="last admin"):
        accounts.set_role("root", "editor")
    with pytest.raises(ConflictError, match="last admin"):
        accounts.remove("root")
    assert accounts.set_role("carol", "admin")["role"] == "admin"
    accounts.remove("root")
    assert [u["name"] for u in accounts.users()] == ["carol"]
    with pytest.raises(NotFoundError, match="No account named 'root'"):
        accounts.set_role("root", "reader")


def test_require_names_the_role_needed() -> None:
    require(User("e", "editor"), "coder", "Coding")
    with pytest.raises(PermissionDeniedError, match="needs the editor role"):
        require(User("c", "coder"), "editor", "Reviewing a proposal")
    with pytest.raises(PermissionDeniedError, match="anonymous"):
        require(ANONYMOUS, "reader", "Reading drafts")


def test_tokens_are_shown_once_and_stored_as_digests(accounts: Accounts) -> None:
    accounts.add("dora", "coder", PASSWORD)
    token = accounts.create_token("dora", "script")
    assert token.startswith("stp_") and len(token) > 40
    rows = accounts.store.rows("SELECT * FROM team_tokens")
    assert rows[0]["token_hash"] == digest(token) and token not in json.dumps(rows, default=str)
    assert accounts.user_for_token(token) == User("dora", "coder")
    assert accounts.user_for_token(token + "x") is None
    assert accounts.user_for_token("not a token") is None
    accounts.set_role("dora", "editor")
    assert accounts.user_for_token(token) == User("dora", "editor")  # the role is read at each use
    accounts.revoke_token(rows[0]["token_id"])
    assert accounts.user_for_token(token) is None
    with pytest.raises(NotFoundError):
        accounts.revoke_token(rows[0]["token_id"])
    other = accounts.create_token("dora")
    accounts.remove("dora")
    assert accounts.user_for_token(other) is None


def test_sessions_carry_a_csrf_token_and_end(accounts: Accounts) -> None:
    accounts.add("erin", "reader", PASSWORD)
    user = accounts.verify("erin", PASSWORD)
    session_id, csrf = accounts.start_session(user)
    assert accounts.session(session_id) == (user, csrf)
    assert accounts.store.execute("SELECT count(*) FROM team_sessions WHERE session_hash = ?",
                                  [session_id]).fetchone()[0] == 0  # fmt: skip
    assert (
        csrf_matches(csrf, csrf) and not csrf_matches(csrf, csrf[:-1] + "x") and not csrf_matches(csrf, None)
    )
    accounts.end_session(session_id)
    assert accounts.session(session_id) is None
    expired, _ = accounts.start_session(user, hours=-1)
    assert accounts.session(expired) is None
    assert accounts.session("") is None


def test_sign_ins_are_rate_limited_per_account_and_client(accounts: Accounts) -> None:
    accounts.limiter = LoginLimiter(max_failures=3, window_s=60)
    accounts.add("finn", "coder", PASSWORD)
    for _ in range(3):
        with pytest.raises(AuthenticationError, match="Wrong"):
            accounts.verify("finn", "guess guess guess", client="10.0.0.9")
    with pytest.raises(AuthenticationError, match="Too many failed sign-ins"):
        accounts.verify("finn", PASSWORD, client="10.0.0.9")  # even the right password
    assert accounts.verify("finn", PASSWORD, client="127.0.0.1").name == "finn"  # another client


def test_the_limiter_window_slides_and_its_memory_is_bounded() -> None:
    limiter = LoginLimiter(max_failures=2, window_s=10, max_keys=100)
    limiter.failed("a", "c", now=0.0)
    limiter.failed("a", "c", now=1.0)
    assert limiter.retry_after("a", "c", now=5.0) == pytest.approx(5.0)
    assert limiter.retry_after("a", "c", now=10.5) == 0.0
    for i in range(1000):
        limiter.failed(f"user{i}", "c", now=20.0)
    assert len(limiter) == 100
    limiter.succeeded("user999", "c")
    assert limiter.retry_after("user999", "c", now=20.0) == 0.0


def test_cli_users_reads_the_password_from_stdin_never_an_option(isolated_env: Path) -> None:
    from typer.testing import CliRunner

    from steppe.cli.main import app

    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "gina", "--role", "editor", "--password-stdin"],
                           input=PASSWORD + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    listed = json.loads(invoke("users", "list", "-f", "json").stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("gina", "editor")]
    assert invoke("users", "add", "hal", "--password", PASSWORD).code == 2  # no such option
    prompt = runner.invoke(app, ["users", "add", "hal", "--role", "coder"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompt.exit_code == 0, prompt.output
    assert invoke("users", "role", "hal", "reader").code == 0
    token = runner.invoke(app, ["users", "token", "hal"]).stdout.strip().splitlines()[-1]
    with open_store(isolated_env) as store:
        assert Accounts(store).user_for_token(token) == User("hal", "reader")
    assert invoke("users", "remove", "hal").code == 0
    bad = invoke("users", "role", "gina", "king")
    assert bad.code == 2 and "Unknown role 'king'" in bad.error
    mismatch = runner.invoke(app, ["users", "add", "ivy"], input=f"{PASSWORD}\nother password\n")
    assert mismatch.exit_code != 0
    assert [u["name"] for u in json.loads(invoke("users", "list", "-f", "json").stdout)] == ["gina"]
