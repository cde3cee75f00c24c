"""Every read the web app makes, in one place: the server's door to the session API.

The pages and the JSON API call :class:`WebData` only; nothing else in ``steppe.web`` touches
data. Results are cached per query and invalidated when the store file changes (its size and
modification time), so a repeated request costs a dictionary look-up and a ``stat``, and a
``steppe fetch`` run beside the server shows up on the next request.

The store is opened for reading when an uncached question comes (a snapshot of the last commit
when another process is writing it), reused for the questions that follow, and closed after
:data:`IDLE_S` seconds idle or :data:`MAX_AGE_S` old: the server never holds the file while it
idles, and a ``steppe fetch`` in another terminal waits at most a few seconds.
Uncached queries run one at a time (one lock): DuckDB connections are not shared across
threads, and the analysis is pandas-bound anyway.
"""

from __future__ import annotations

import atexit
import dataclasses
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from steppe.config import redact_url
from steppe.errors import NotFoundError, SteppeError

# The one frame-to-rows rule and its JSON values: the rest of the web package takes them from
# here, its one door to the session API.
from steppe.session.frames import plain as plain
from steppe.session.frames import records as records

if TYPE_CHECKING:
    from steppe.session.team import Team

T = TypeVar("T")
_MISSING = object()

C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
#: The fetch command that fills each kind of data, shown by pages that have none.
FETCH: dict[str, str] = {
    "trade": "steppe fetch imf_dots",
    "trade_world": "steppe fetch comtrade",
    "finance": "steppe fetch aiddata",
    "remittances": "steppe fetch wdi && steppe fetch wdi --dataset gdp",
    "gravity": "steppe gravity estimate NAME --store",
    "gravity_counterfactual": "steppe gravity counterfactual NAME",
    "texts": "steppe texts add FILE ...",
}
#: A session is closed this long after its last question, or once this old, so that a
#: ``steppe fetch`` in another terminal waits at most about that long for the store.
IDLE_S = 2.0
MAX_AGE_S = 10.0
#: Roles that count as belonging for the shared-membership network (full ties only).
FULL_ROLES = ("founding_member", "member", "party", "signatory")
#: Seconds without a team request after which the server closes the store it writes to.
TEAM_IDLE_S = 2.0
#: Servers holding a store open for team requests: closed at exit, before daemon threads stop,
#: so that no database call is cut off mid-way.
_OPEN: weakref.WeakSet[WebData] = weakref.WeakSet()


@atexit.register
def _release_all() -> None:
    for data in list(_OPEN):
        data.release()
        data.close()


TRADE_SOURCES = ("imf_dots", "comtrade", "baci")


def _stamp(path: Path | None) -> tuple[Any, ...]:
    """The store's state as the cache keys it: size and modification time of a DuckDB file and
    its WAL. A database server (PostgreSQL) has no such cheap marker that other writers move, so
    its stamp differs on every call and the answer cache stays off (every request is answered
    from the store; correctness over speed)."""
    if path is None:
        return (time.monotonic_ns(),)
    out: list[Any] = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st = p.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


class WebData:
    """Cached, read-only queries over one store for the server (thread-safe)."""

    def __init__(self, db: str | Path | None = None) -> None:
        from steppe.config import settings

        conf = settings(db=db)
        #: The store as ``steppe.connect`` takes it: a DuckDB file path or a PostgreSQL URL.
        self.db: str | Path = conf.db if conf.server else Path(conf.db_path)
        #: The DuckDB file (None for a database server): its changes invalidate the cache.
        self.db_path: Path | None = None if conf.server else Path(conf.db_path)
        #: What the store is, for people: the path, or the URL without its password.
        self.display = redact_url(conf.db) if conf.server else str(conf.db_path)
        self._lock = threading.RLock()
        self._team_lock = threading.RLock()
        self._team_session: Any = None
        self._team_used = 0.0
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._cache_stamp: tuple[Any, ...] | None = None
        self.hits = 0
        self.misses = 0
        self._open: _Session | None = None
        self._opened_at = 0.0
        self._last_used = 0.0
        self._closer: threading.Timer | None = None

    # -- plumbing ----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the store if missing and load the bundled knowledge base (once, at start-up)."""
        _Session.prepare(self.db)

    @contextmanager
    def _session(self) -> Iterator[_Session]:
        """An open session (the caller holds the lock): reused for questions in quick succession,
        closed after :data:`IDLE_S` idle or :data:`MAX_AGE_S` old, so a writer never waits long."""
        now = time.monotonic()
        if self._open is not None and now - self._opened_at > MAX_AGE_S:
            self._close_session()
        if self._open is None:
            self._open = _Session.open(self.db)
            self._opened_at = now
            _OPEN.add(self)  # closed at exit, before daemon threads stop
        try:
            yield self._open
        finally:
            self._last_used = time.monotonic()
            self._schedule_close()

    @contextmanager
    def team(self) -> Iterator[Team]:
        """Team mode's reads and writes (``session.team``), one operation at a time.

        The store is opened for writing at the first team request and kept open while requests
        keep coming (opening a DuckDB file costs about a tenth of a second; the twenty coders of
        tests/e2e/web/test_team_concurrency.py would wait on it); it is closed once no team
        request came for TEAM_IDLE_S seconds, so the server does not hold the store while it
        idles and ``steppe users add`` in a terminal still works. A writing process elsewhere is
        waited for, up to STEPPE_LOCK_WAIT seconds.
        """
        import steppe

        with self._team_lock:
            if self._team_session is None:
                self._team_session = steppe.connect(db=self.db)
                _OPEN.add(self)
                # not a daemon: the interpreter waits for it (at most TEAM_IDLE_S) rather than
                # stopping it in the middle of closing the database
                threading.Thread(target=self._release_when_idle, name="steppe-team-release").start()
            self._team_used = time.monotonic()
            try:
                yield self._team_session.team
            finally:
                self._team_used = time.monotonic()

    def release(self) -> None:
        """Close the store team requests write to (idle, or the process ends)."""
        with self._team_lock:
            if self._team_session is not None:
                self._team_session.close()
                self._team_session = None

    def _release_when_idle(self) -> None:
        while True:
            time.sleep(TEAM_IDLE_S / 4)
            with self._team_lock:
                if self._team_session is None:
                    return
                if time.monotonic() - self._team_used >= TEAM_IDLE_S:
                    self.release()
                    return

    def _schedule_close(self) -> None:
        if self._closer is not None:
            self._closer.cancel()
        self._closer = threading.Timer(IDLE_S, self._close_if_idle)
        self._closer.daemon = True
        self._closer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            if self._open is not None and time.monotonic() - self._last_used >= IDLE_S * 0.9:
                self._close_session()

    def _close_session(self) -> None:
        if self._open is not None:
            try:
                self._open.close()
            finally:
                self._open = None

    def close(self) -> None:
        """Close the store if a session is open (the server's shutdown)."""
        with self._lock:
            if self._closer is not None:
                self._closer.cancel()
            self._close_session()

    def cached(self, key: tuple[Any, ...], compute: Callable[[_Session], T]) -> T:
        """``compute(session)`` once per key and store state; errors (one sentence) are cached too."""

        def make() -> T:
            with self._session() as session:
                return compute(session)

        return self.memo(("data", *key), make)

    def memo(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()`` once per key and store state (for answers built from cached data, such as a
        response's JSON text); a :class:`SteppeError` it raises is kept and raised again.

        A hit is a dictionary look-up without the lock, so cached answers never wait behind a
        question being computed; misses are computed one at a time.
        """
        stamp = _stamp(self.db_path)
        if stamp != self._cache_stamp:
            with self._lock:
                if stamp != self._cache_stamp:
                    self._cache = {}
                    self._cache_stamp = stamp
        found = self._cache.get(key, _MISSING)
        if found is _MISSING:
            with self._lock:
                found = self._cache.get(key, _MISSING)
                if found is _MISSING:
                    self.misses += 1
                    try:
                        found = make()
                    except SteppeError as exc:
                        found = exc
                    if len(self._cache) > 2048:
                        self._cache = {}
                    self._cache[key] = found
        else:
            self.hits += 1
        if isinstance(found, SteppeError):
            raise found
        return found

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The cached answer for ``key`` if the store has not changed since, else None (no lock)."""
        if _stamp(self.db_path) != self._cache_stamp:
            return None
        found = self._cache.get(key)
        if found is not None:
            self.hits += 1
        return found

    def put(self, key: tuple[Any, ...], value: Any, stamp: tuple[Any, ...]) -> None:
        """Keep ``value`` for ``key`` if the store is still as it was when the answer began."""
        with self._lock:
            if stamp == self._cache_stamp:
                self._cache[key] = value

    def stamp(self) -> tuple[Any, ...]:
        """The store's state now (size and modification time of the file and its WAL)."""
        return _stamp(self.db_path)

    def warm(self) -> None:
        """Compute what the first visitor would wait for (overview, default charts) in advance."""
        from steppe.web import views

        for step in (
            lambda: views.key_numbers(self),
            lambda: views.overlap_view(self, date.today()),
            lambda: views.timeline_view(self),
            lambda: views.trade_view(
                self,
                indicator="regional",
                region="c5",
                peers=views.default_peers(),
                dataset=None,
                view_name=None,
                years=None,
            ),
            lambda: views.dependence_views(self, "C5", None),
            lambda: views.index_views(
                self,
                methodology="central-asia",
                normalisation=None,
                weighting=None,
                aggregation=None,
                weights=(),
            ),
        ):
            try:
                step()
            except SteppeError:
                continue

    # -- provenance ---------------------------------------------------------------------------
    def datasets(self) -> list[dict[str, Any]]:
        """Every stored dataset with its provenance (source, edition, retrieval, rows, hash)."""
        return self.cached(("datasets",), lambda s: s.datasets())

    def dataset(self, dataset_id: str | None) -> dict[str, Any] | None:
        for d in self.datasets():
            if d["dataset_id"] == dataset_id:
                return d
        return None

    def kb_sources(self) -> dict[str, dict[str, Any]]:
        """The knowledge base's sources by id (title, publisher, date, url, accessed)."""
        return self.cached(("kb_sources",), lambda s: {r["id"]: r for r in s.kb_sources()})

    # -- knowledge base -----------------------------------------------------------------------
    def organisations(self) -> list[dict[str, Any]]:
        return self.cached(("orgs",), lambda s: s.organisations())

    def org_names(self) -> dict[str, str]:
        return {o["slug"]: o["name"] for o in self.organisations()}

    def country_names(self) -> dict[str, str]:
        return self.cached(("countries",), lambda s: {r["iso3"]: r["name"] for r in s.countries()})

    def overlap(self, as_of: date) -> dict[str, Any]:
        """The C5 x organisation roles on ``as_of``: as_of, countries, organisations, roles, uncertain."""
        return self.cached(("overlap", as_of), lambda s: s.overlap(as_of))

    def periods(self, countries: Sequence[str] = C5) -> pd.DataFrame:
        """Every membership period of the given states (one row per period, with sources)."""
        return self.cached(
            ("periods", tuple(countries)),
            lambda s: pd.DataFrame([r | {"country": c} for c in countries for r in s.timeline(country=c)]),
        )

    def org_periods(self, slug: str) -> pd.DataFrame:
        return self.cached(("org_periods", slug), lambda s: pd.DataFrame(s.timeline(org=slug)))

    def ties(self, as_of: date, countries: Sequence[str] = C5) -> pd.DataFrame:
        """(country, org, role) full ties on ``as_of`` for the shared-membership network."""

        def run(s: _Session) -> pd.DataFrame:
            rows = [
                {"country": c, "org": m["org"], "role": m["role"]}
                for c in countries
                for m in s.memberships(c, as_of)
                if m["role"] in FULL_ROLES and not m.get("uncertain")
            ]
            return pd.DataFrame(rows, columns=["country", "org", "role"])

        return self.cached(("ties", as_of, tuple(countries)), run)

    def events(self) -> list[dict[str, Any]]:
        return self.cached(("events",), lambda s: s.events())

    def organisation(self, name: str) -> dict[str, Any]:
        return self.cached(("org", name.lower()), lambda s: s.organisation(name))

    # -- trade --------------------------------------------------------------------------------
    def regions(self) -> list[dict[str, Any]]:
        return self.cached(("regions",), lambda s: s.regions())

    def trade_datasets(self) -> list[dict[str, Any]]:
        """Stored datasets that hold bilateral trade (the explorer's dataset choices)."""
        return [d for d in self.datasets() if d["source"] in TRADE_SOURCES]

    def indicator(
        self, name: str, region: str, *, dataset: str | None, view: str, years: tuple[int, int] | None
    ) -> pd.DataFrame:
        return self.cached(
            ("indicator", name, region, dataset, view, years),
            lambda s: s.indicator(name, region, years=years, dataset=dataset, view=view),
        )

    def compare(
        self, regions: Sequence[str], *, dataset: str | None, view: str, years: tuple[int, int] | None
    ) -> pd.DataFrame:
        return self.cached(
            ("compare", tuple(regions), dataset, view, years),
            lambda s: s.compare(list(regions), years=years, dataset=dataset, view=view),
        )

    def dependence(
        self, *, dataset: str | None = None, view: str = "reported", years: tuple[int, int] | None = None
    ) -> pd.DataFrame:
        return self.cached(
            ("dependence", dataset, view, years),
            lambda s: s.dependence(years=years, dataset=dataset, view=view),
        )

    # -- composite index ------------------------------------------------------------------------
    def methodology(self, name: str) -> Any:
        return self.cached(("method", name), lambda s: s.methodology(name))

    def index_scores(
        self,
        name: str,
        *,
        normalisation: str | None = None,
        weighting: str | None = None,
        aggregation: str | None = None,
        weights: tuple[tuple[str, float], ...] = (),
    ) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Scores of a methodology (and the panel's provenance), with other choices or weights."""
        return self.cached(
            ("index", name, normalisation, weighting, aggregation, weights),
            lambda s: s.index_scores(
                name,
                normalisation=normalisation,
                weighting=weighting,
                aggregation=aggregation,
                weights=weights,
            ),
        )

    def index_bands(self, name: str, draws: int = 200, seed: int = 0) -> pd.DataFrame:
        """Monte Carlo 5th-95th percentile bands of the declared methodology (seeded)."""
        return self.cached(("bands", name, draws, seed), lambda s: s.index_bands(name, draws, seed))

    # -- gravity ------------------------------------------------------------------------------------
    def gravity_runs(self) -> list[dict[str, Any]]:
        return self.cached(("gravity",), lambda s: s.gravity_runs())

    def gravity_counterfactuals(self) -> list[dict[str, Any]]:
        """The latest stored GE counterfactual of each spec, with its run and per-country rows."""
        return self.cached(("gravity-cf",), lambda s: s.gravity_counterfactuals())

    # -- texts ----------------------------------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        return self.cached(("docs",), lambda s: s.documents())

    def document(self, doc_id: str) -> dict[str, Any]:
        """One document: its row, segments and live codings."""
        return self.cached(("doc", doc_id), lambda s: s.document(doc_id))

    def compare_documents(self, doc_a: str, doc_b: str, codebook: str) -> list[dict[str, Any]]:
        """Code profiles of two documents from their stored codings (no auto-coding: read-only)."""
        return self.cached(
            ("doccompare", doc_a, doc_b, codebook), lambda s: s.compare_documents(doc_a, doc_b, codebook)
        )

    # -- frameworks -------------------------------------------------------------------------------------
    def frameworks(self) -> list[str]:
        return list(self.framework_titles())

    def framework_titles(self) -> dict[str, str]:
        """Framework name -> title, without measuring anything."""
        return self.cached(("frameworks",), lambda s: s.framework_titles())

    def framework_section(self, name: str) -> Any:
        """The framework's section (title, text, table, charts) or None when nothing is stored."""
        return self.cached(("framework", name), lambda s: s.framework_section(name))


class _Session:
    """The session API (``steppe.connect``) as the web app uses it, opened for reading.

    Each method returns plain rows, DataFrames with their provenance columns, or the analysis
    modules' result objects; none writes.
    """

    def __init__(self, session: Any) -> None:
        self.s = session

    @staticmethod
    def prepare(path: str | Path) -> None:
        import steppe

        with steppe.connect(db=path) as session:
            session.ensure_kb()

    @classmethod
    def open(cls, path: str | Path) -> _Session:
        import steppe

        return cls(steppe.connect(db=path, read_only=True))

    def close(self) -> None:
        self.s.close()

    def datasets(self) -> list[dict[str, Any]]:
        return records(self.s.data.datasets())

    def kb_sources(self) -> list[dict[str, Any]]:
        return records(self.s.kb.sources())

    def organisations(self) -> list[dict[str, Any]]:
        return records(self.s.kb.orgs())

    def countries(self) -> list[dict[str, Any]]:
        return records(self.s.kb.countries())

    def overlap(self, as_of: date) -> dict[str, Any]:
        return dict(self.s.kb.overlap(as_of).as_dict())

    def timeline(self, *, org: str | None = None, country: str | None = None) -> list[dict[str, Any]]:
        return records(self.s.kb.timeline(org=org, country=country))

    def memberships(self, country: str, as_of: date) -> list[dict[str, Any]]:
        return records(self.s.kb.memberships(country, as_of))

    def events(self) -> list[dict[str, Any]]:
        return records(self.s.kb.events())

    def organisation(self, name: str) -> dict[str, Any]:
        found = self.s.kb.org(name)
        return {k: records(v) if isinstance(v, pd.DataFrame) else v for k, v in found.items()}

    def regions(self) -> list[dict[str, Any]]:
        return records(self.s.indicators.regions())

    def indicator(
        self, name: str, region: str, *, years: tuple[int, int] | None, dataset: str | None, view: str
    ) -> pd.DataFrame:
        return self.s.indicators.compute(name, region, years, dataset=dataset, view=view)

    def compare(
        self, regions: list[str], *, years: tuple[int, int] | None, dataset: str | None, view: str
    ) -> pd.DataFrame:
        return self.s.indicators.compare(regions, years, dataset=dataset, view=view)

    def dependence(self, *, years: tuple[int, int] | None, dataset: str | None, view: str) -> pd.DataFrame:
        return self.s.indicators.dependence(years, dataset=dataset, view=view)

    def methodology(self, name: str) -> Any:
        return self.s.index.methodology(name)

    def index_scores(
        self,
        name: str,
        *,
        normalisation: str | None,
        weighting: str | None,
        aggregation: str | None,
        weights: tuple[tuple[str, float], ...],
    ) -> tuple[pd.DataFrame, dict[str, Any]]:
        if not (normalisation or weighting or aggregation or weights):
            result = self.s.index.compute(name)
            return result.scores, dict(result.info)
        # Recomputing with other choices: the methodology's panel from the session's store, the
        # choices or dimension weights replaced (the Monte Carlo varies the same ones).
        from steppe.indicators.composite import compute_index, gather_panel

        method = self.s.index.methodology(name)
        if weights:
            given = dict(weights)
            method = dataclasses.replace(
                method,
                dimensions=tuple(
                    dataclasses.replace(d, weight=given.get(d.id, d.weight)) for d in method.dimensions
                ),
            )
        self.s.ensure_kb()
        panel, info = gather_panel(method, store=self.s.store)
        result = compute_index(
            panel, method, normalisation=normalisation, weighting=weighting, aggregation=aggregation
        )
        return result.scores, info

    def index_bands(self, name: str, draws: int, seed: int) -> pd.DataFrame:
        return self.s.index.sensitivity(name, draws=draws, seed=seed).intervals

    def gravity_runs(self) -> list[dict[str, Any]]:
        return records(self.s.gravity.runs())

    def gravity_counterfactuals(self) -> list[dict[str, Any]]:
        return records(self.s.gravity.counterfactuals())

    def documents(self) -> list[dict[str, Any]]:
        return records(self.s.texts.list())

    def document(self, doc_id: str) -> dict[str, Any]:
        docs = [d for d in self.documents() if d["doc_id"] == doc_id]
        if not docs:
            raise NotFoundError(f"Unknown document '{doc_id}'; the texts page lists every document.")
        return {
            "document": docs[0],
            "segments": self.s.texts.segments(doc_id),
            "codings": self.s.texts.codings([doc_id]),
        }

    def compare_documents(self, doc_a: str, doc_b: str, codebook: str) -> list[dict[str, Any]]:
        known = {d["doc_id"] for d in self.documents()}
        for doc in (doc_a, doc_b):
            if doc not in known:
                raise NotFoundError(f"Unknown document '{doc}'; the texts page lists every document.")
        coded = self.s.texts.codings([doc_a, doc_b])
        if coded.empty or not coded["code"].astype(str).str.startswith(f"{codebook}:").any():
            raise NotFoundError(
                f"Neither {doc_a} nor {doc_b} has codings of the codebook {codebook}: run "
                f"'steppe texts compare {doc_a} {doc_b} --codebook {codebook}' once (it auto-codes them), "
                "then reload."
            )
        return records(self.s.texts.compare(doc_a, doc_b, codebook))

    def framework_titles(self) -> dict[str, str]:
        from steppe.frameworks import FRAMEWORKS, framework

        return {name: str(getattr(framework(name), "TITLE", name)) for name in FRAMEWORKS}

    def framework_section(self, name: str) -> Any:
        from steppe.frameworks import framework

        self.s.ensure_kb()
        return framework(name).report_section(self.s.store)
