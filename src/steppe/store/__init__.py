"""The only code that talks to the database.

An embedded DuckDB file is the default store. Schema changes are numbered SQL migrations in
``migrations/``; loads run inside one transaction so that a failed or killed load leaves the
previous contents intact.
"""

from steppe.store.db import Store, default_store, open_store

__all__ = ["Store", "default_store", "open_store"]
