"""``steppe serve``: the dashboard and JSON API (FastAPI), a thin skin over the session API.

``create_app(db)`` builds the app; ``serve(host, port, db)`` runs it with uvicorn. All data
access goes through :mod:`steppe.web.data`; charts through :mod:`steppe.charts`. See docs/web.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from steppe.web import app

        return getattr(app, name)
    raise AttributeError(f"module 'steppe.web' has no attribute {name!r}")
