"""One session: settings, the store, and namespaces that mirror the command groups.

::

    import steppe

    s = steppe.connect(db="steppe.duckdb")
    s.kb.members("sco", as_of="2018-01-01")          # a DataFrame, start dates as datetime64
    s.indicators.regional("c5", years=(2000, 2005))  # provenance in .attrs

Every command of the CLI is a thin skin over a method here; docs/python-api.md walks through it.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from steppe.config import Settings, settings

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from steppe.dates import YearsLike
    from steppe.report.build import ReportInfo
    from steppe.session.data import Data
    from steppe.session.frameworks import Frameworks
    from steppe.session.gravity import Gravity
    from steppe.session.index import Index
    from steppe.session.indicators import Indicators
    from steppe.session.kb import KB
    from steppe.session.team import Team
    from steppe.session.texts import Texts
    from steppe.sources import FetchResult
    from steppe.store import Store

__all__ = ["Session", "connect"]


class Session:
    """Settings and an open store, with namespaces ``kb``, ``indicators``, ``data``, ``gravity``,
    ``texts``, ``index`` and ``frameworks``, and the verbs ``fetch`` and ``report``.

    Use :func:`connect`. The store is opened on first use (so that a fetch holds it only while
    it loads); a session is a context manager, and closing it closes its store.
    """

    def __init__(
        self, config: Settings, store: Store | None = None, *, read_only: bool | None = None
    ) -> None:
        self.settings = config
        self._store = store
        self._read_only = read_only
        self._kb_checked = False
        if store is not None:
            self._bind(store)

    def _bind(self, store: Store) -> None:
        from steppe.kb.sync import bind_kb

        bind_kb(store, self.settings.kb_dir)

    @property
    def store(self) -> Store:
        """The open store (opened, created and migrated on first use)."""
        if self._store is None or self._store.closed:
            from steppe.store import open_store

            self._store = open_store(
                self.settings.db, read_only=self._read_only, wait=self.settings.limits.lock_wait_s
            )
            self._bind(self._store)
            self._kb_checked = False
        return self._store

    @property
    def read_only(self) -> bool:
        """Whether the session was opened for reading only (``connect(read_only=True)``)."""
        return bool(self._read_only)

    @property
    def is_open(self) -> bool:
        """Whether the store has been opened and not closed."""
        return self._store is not None and not self._store.closed

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the store if it is open (a snapshot copy, if one was read, is removed)."""
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<steppe.Session db={self.settings.db!r} kb={str(self.settings.kb_dir)!r}>"

    # -- the knowledge base --------------------------------------------------------------------
    def ensure_kb(self, *, force: bool = False) -> bool:
        """Load the session's KB folder into the store when it is missing or stale (once per
        session unless ``force``); return whether it was loaded."""
        from steppe.kb.sync import ensure_kb

        if self._kb_checked and not force:
            return False
        loaded = ensure_kb(self.store, self.settings.kb_dir, force=force)
        self._kb_checked = True
        self.__dict__.pop("kb_fingerprint", None)
        return loaded

    @cached_property
    def kb_fingerprint(self) -> str | None:
        """The fingerprint of the KB loaded in the store (every answer's ``attrs`` carry it)."""
        from steppe.store import kb as store_kb

        self.ensure_kb()
        return store_kb.loaded_fingerprint(self.store)

    # -- namespaces ----------------------------------------------------------------------------
    @cached_property
    def kb(self) -> KB:
        """Knowledge-base questions: members, memberships, overlap, timeline, events, orgs ..."""
        from steppe.session.kb import KB

        return KB(self)

    @cached_property
    def indicators(self) -> Indicators:
        """Trade-integration indicators: regional, members, partners, hhi, intensity, rca ..."""
        from steppe.session.indicators import Indicators

        return Indicators(self)

    @cached_property
    def data(self) -> Data:
        """Stored datasets, editions and pins."""
        from steppe.session.data import Data

        return Data(self)

    @cached_property
    def gravity(self) -> Gravity:
        """Gravity specs: estimate, counterfactual, stored runs."""
        from steppe.session.gravity import Gravity

        return Gravity(self)

    @cached_property
    def texts(self) -> Texts:
        """Policy texts: add, list, code, suggest, agreement, kwic ..."""
        from steppe.session.texts import Texts

        return Texts(self)

    @cached_property
    def index(self) -> Index:
        """The composite index: compute, sensitivity, methodology."""
        from steppe.session.index import Index

        return Index(self)

    @cached_property
    def team(self) -> Team:
        """Team mode: accounts, KB proposals with review, coding together (docs/team.md)."""
        from steppe.session.team import Team

        return Team(self)

    @cached_property
    def frameworks(self) -> Frameworks:
        """Frameworks: regionness, openness_commitment, li, ecdpm, tone."""
        from steppe.session.frameworks import Frameworks

        return Frameworks(self)

    # -- verbs ---------------------------------------------------------------------------------
    def fetch(
        self,
        source: str,
        *,
        mirror: str | os.PathLike[str] | None = None,
        base_url: str | None = None,
        sha256: str | None = None,
        allow: tuple[str, ...] | list[str] = (),
        edition: str | None = None,
        new_edition: bool = False,
        progress: Any = None,
        **options: Any,
    ) -> FetchResult:
        """Fetch ``source`` into the store in one transaction (validated first; nothing is stored
        when anything fails). Files come from ``mirror``, else the session's mirror unless
        ``base_url`` names a server; ``options`` are the source's own (``years=(2015, 2022)``,
        ``countries=...``, ``dataset=...``; docs/sources.md). The store is opened only for the
        load, after download and validation."""
        from steppe.dates import year_span
        from steppe.sources import fetch

        if "years" in options and not isinstance(options["years"], str) and options["years"] is not None:
            first, last = year_span(options["years"], "years") or (0, 0)
            options["years"] = f"{first}:{last}"
        if mirror is None and base_url is None:
            mirror = self.settings.mirror
        return fetch(
            source,
            store=lambda: self.store,
            mirror=os.fspath(mirror) if mirror is not None else None,
            cache_dir=self.settings.cache_dir,
            base_url=base_url,
            progress=progress,
            sha256=sha256,
            allow=allow,
            edition=edition,
            new_edition=new_edition,
            settings=self.settings,
            **options,
        )

    def report(
        self,
        out: str | Path = "report.html",
        *,
        draws: int = 200,
        seed: int = 0,
        pdf: bool = False,
        years: YearsLike | None = None,
        countries: str | Sequence[str] | None = None,
        sections: str | Sequence[str] | None = None,
    ) -> ReportInfo:
        """Write the Central Asia report (HTML, and a PDF with ``pdf``) from the session's store.

        ``years`` (``(first, last)``) limits every time series and the events; ``countries`` picks
        the C5 states drawn one by one; ``sections`` the sections to include (docs/report.md).
        """
        from steppe.dates import year_span
        from steppe.report.build import central_asia

        span = year_span(years, "years") if not isinstance(years, str) else years
        self.ensure_kb()
        return central_asia(out, draws=draws, seed=seed, pdf=pdf, years=span, countries=countries,
                            sections=sections, store=self.store)  # fmt: skip


def connect(
    db: str | os.PathLike[str] | None = None,
    mirror: str | os.PathLike[str] | None = None,
    kb: str | os.PathLike[str] | None = None,
    *,
    read_only: bool | None = None,
) -> Session:
    """Open a session: the store at ``db`` (default STEPPE_DB, else the per-user store), files from
    ``mirror`` (a local folder laid out as docs/sources.md says; default STEPPE_MIRROR) and the
    KB folder ``kb`` (default STEPPE_KB, else the bundled KB).

    The store is created and migrated on first use and the KB loaded into it when it is missing
    or stale. With ``read_only`` a store that another process is writing is read from a snapshot
    of its last commit instead of waiting.
    """
    return Session(settings(db=db, kb=kb, mirror=mirror), read_only=read_only)
