"""Every read the web app makes, in one place: the server's door to the session API.

The pages and the JSON API call :class:`WebData` only; nothing else in ``steppe.web`` touches
data. Results are cached per query and invalidated when the store file changes (its size and
modification time), so a repeated request costs a dictionary look-up and a ``stat``, and a
``steppe fetch`` run beside the server shows up on the next request.

The store is opened for each uncached query and closed afterwards, for reading
(a snapshot of the last commit when another process is writing it), so the server never
holds the file while it idles and a ``steppe fetch`` in another terminal is not blocked.
Uncached queries run one at a time (one lock): DuckDB connections are not shared across
threads, and the analysis is pandas-bound anyway.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from steppe.errors import NotFoundError, SteppeError

T = TypeVar("T")

C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
#: The fetch command that fills each kind of data, shown by pages that have none.
FETCH: dict[str, str] = {
    "trade": "steppe fetch imf_dots",
    "trade_world": "steppe fetch comtrade",
    "finance": "steppe fetch aiddata",
    "remittances": "steppe fetch wdi && steppe fetch wdi --dataset gdp",
    "gravity": "steppe gravity estimate NAME --store",
    "texts": "steppe texts add FILE ...",
}
#: Roles that count as belonging for the shared-membership network (full ties only).
FULL_ROLES = ("founding_member", "member", "party", "signatory")
TRADE_SOURCES = ("imf_dots", "comtrade", "baci")


def _stamp(path: Path) -> tuple[Any, ...]:
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

        self.db_path = Path(settings(db=db).db_path)
        self._lock = threading.RLock()
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._cache_stamp: tuple[Any, ...] | None = None
        self.hits = 0
        self.misses = 0

    # -- plumbing ----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the store if missing and load the bundled knowledge base (once, at start-up)."""
        _Session.prepare(self.db_path)

    @contextmanager
    def _session(self) -> Iterator[_Session]:
        session = _Session.open(self.db_path)
        try:
            yield session
        finally:
            session.close()

    def cached(self, key: tuple[Any, ...], compute: Callable[[Any], T]) -> T:
        """``compute(session)`` once per key and store state; errors are cached too."""
        stamp = _stamp(self.db_path)
        with self._lock:
            if stamp != self._cache_stamp:
                self._cache.clear()
                self._cache_stamp = stamp
            if key in self._cache:
                self.hits += 1
                found = self._cache[key]
            else:
                self.misses += 1
                try:
                    with self._session() as session:
                        found = compute(session)
                except SteppeError as exc:
                    found = exc
                if len(self._cache) > 512:
                    self._cache.clear()
                self._cache[key] = found
        if isinstance(found, SteppeError):
            raise found
        return found  # type: ignore[no-any-return]

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


def _text_day(value: Any, precision: Any) -> str | None:
    """A KB date back to the text it was given at: ``1994``, ``1997-06`` or ``1994-01-19``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    day = pd.Timestamp(value)
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.date().isoformat()


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A session frame as plain rows: KB dates as text at their precision, missing values None."""
    partial = [c.removesuffix("_precision") for c in frame.columns if str(c).endswith("_precision")]
    out = []
    for row in frame.to_dict(orient="records"):
        for col in partial:
            if col in row:
                row[col] = _text_day(row[col], row.pop(f"{col}_precision", None))
        for k, v in row.items():
            if (isinstance(v, float) and v != v) or v is pd.NaT or v is pd.NA:
                row[k] = None
            elif isinstance(v, pd.Timestamp):
                row[k] = v.date().isoformat() if v == v.normalize() else v.isoformat()
        out.append(row)
    return out


class _Session:
    """The session API (``steppe.connect``) as the web app uses it, opened for reading.

    Each method returns plain rows, DataFrames with their provenance columns, or the analysis
    modules' result objects; none writes.
    """

    def __init__(self, session: Any) -> None:
        self.s = session

    @staticmethod
    def prepare(path: Path) -> None:
        import steppe

        with steppe.connect(db=path) as session:
            session.ensure_kb()

    @classmethod
    def open(cls, path: Path) -> _Session:
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
