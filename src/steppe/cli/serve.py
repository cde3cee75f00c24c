"""``steppe serve``: the dashboard and JSON API on this machine (steppe.web)."""

from __future__ import annotations

import typer

from steppe.cli.output import console
from steppe.errors import UsageError


def serve(
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on (default loopback only; 0.0.0.0 for every interface).",
    ),
    port: int = typer.Option(8000, "--port", help="TCP port to listen on."),
) -> None:
    """Serve the dashboard and the JSON API (read-only) from the store; stop with Ctrl-C."""
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port: use a number from 1 to 65535, e.g. 8000.")
    if not host.strip():
        raise UsageError("--host is empty: give an address such as 127.0.0.1.")
    from steppe.web.app import serve as run

    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"steppe serve: http://{shown}:{port}/ (API: /api, OpenAPI: /api/openapi.json), store "
        f"{_shown_store()}. Ctrl-C stops it."
    )
    run(host=host, port=port)


def _shown_store() -> str:
    """The store as the start-up line shows it: the file, or the server URL without its password."""
    from steppe.config import redact_url, settings

    conf = settings()
    return redact_url(conf.db) if conf.server else str(conf.db_path)
