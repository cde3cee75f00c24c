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
    from steppe.config import settings
    from steppe.web.app import serve as run

    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"steppe serve: http://{shown}:{port}/ (API: /api, OpenAPI: /api/openapi.json), store "
        f"{settings().db_path}, read-only. Ctrl-C stops it."
    )
    run(host=host, port=port)
