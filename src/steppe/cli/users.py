"""`steppe users ...`: team accounts, roles and API tokens (issue 16).

Passwords are read from a hidden prompt (typed twice) or, for scripts, from standard input with
``--password-stdin``; never from an option, which would leave them in the shell history and the
process list. The command line trusts whoever can open the store (they could edit it directly);
the web app and its API are where accounts are checked.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, err_console
from steppe.errors import UsageError

if TYPE_CHECKING:
    from steppe.team.auth import Accounts

app = typer.Typer(help="Team accounts: add, list, remove, change roles, API tokens.", no_args_is_help=True)

PASSWORD_STDIN = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input (for scripts)."
)
USER_COLUMNS = ["name", "role", "tokens", "created_at", "created_by", "role_changed_at"]


def _accounts() -> Accounts:
    from steppe.team.auth import Accounts

    return Accounts()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise UsageError("No password on standard input; pipe one line holding it.")
        return password
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat the password", hide_input=True)
    if first != second:
        raise UsageError("The two passwords differ; run the command again.")
    return str(first)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="Account name: lowercase letters, digits, '.', '_', '-'."),
    role: str = typer.Option("coder", "--role", "-r", help="reader, coder, editor or admin."),
    password_stdin: bool = PASSWORD_STDIN,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Create an account (the first one turns team mode on: the server accepts sign-ins)."""
    from steppe.team.auth import check_name, check_role

    check_name(name)
    check_role(role)
    password = _password(password_stdin)
    emit([_accounts().add(name, role, password, by="cli")], fmt, USER_COLUMNS)


@app.command("list")
def list_users(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Accounts with their roles (no secrets are stored to show)."""
    emit(
        _accounts().users(),
        fmt,
        USER_COLUMNS,
        empty="No accounts: team mode is off (the server is read-only).",
    )


@app.command("remove")
def remove(
    name: str = typer.Argument(...),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Delete an account with its tokens and sessions; what it coded or proposed keeps its name."""
    emit([_accounts().remove(name)], fmt, ["name", "role"])


@app.command("role")
def role(
    name: str = typer.Argument(...),
    new_role: str = typer.Argument(..., metavar="ROLE", help="reader, coder, editor or admin."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Change an account's role."""
    emit([_accounts().set_role(name, new_role)], fmt, USER_COLUMNS)


@app.command("password")
def password(name: str = typer.Argument(...), password_stdin: bool = PASSWORD_STDIN) -> None:
    """Set a new password for an account."""
    accounts = _accounts()
    accounts.get(name)
    accounts.set_password(name, _password(password_stdin))
    console.print(f"Password of {name} changed.")


@app.command("token")
def token(
    name: str = typer.Argument(...),
    label: str = typer.Option(None, "--label", help="What the token is for, e.g. 'nightly script'."),
) -> None:
    """Create an API token for scripts; it is printed once and stored only as a digest."""
    value = _accounts().create_token(name, label)
    err_console.print(
        "Store this token now: it cannot be shown again. Send it as 'Authorization: Bearer TOKEN'."
    )
    sys.stdout.write(value + "\n")


@app.command("tokens")
def tokens(name: str = typer.Argument(None), fmt: OutputFormat = FORMAT_OPTION) -> None:
    """API tokens (ids, labels, last use; never the tokens themselves)."""
    emit(_accounts().tokens(name), fmt, ["token_id", "user_name", "label", "created_at", "last_used_at"],
         empty="No API tokens.")  # fmt: skip


@app.command("revoke")
def revoke(token_id: int = typer.Argument(..., help="The token id from 'steppe users tokens'.")) -> None:
    """Revoke an API token."""
    _accounts().revoke_token(token_id)
    console.print(f"Token {token_id} revoked.")
