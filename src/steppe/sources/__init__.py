"""Data connectors: fetch outside data into the store, with provenance, from the network or a mirror.

>>> from steppe.sources import fetch
>>> fetch("imf_dots", mirror=Path("../shared/data"))       # doctest: +SKIP
FetchResult(dataset_id='imf_dots:dots:sha256-…', source='imf_dots', edition=…, rows=…, loaded=True)

Source ids: ``wdi``, ``imf_dots``, ``comtrade``, ``baci``, ``aiddata``, ``gravity``, ``gdelt``,
``cow_igo``, ``yotov2016``. Each lives
in its own module here; :mod:`steppe.store.data` has the readers analysis modules use.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from steppe.errors import DataError, NotFoundError, UsageError

if TYPE_CHECKING:
    from steppe.config import Settings
    from steppe.sources.connector import Progress
    from steppe.store.db import Store

#: Source id -> module under steppe.sources.
SOURCES: dict[str, str] = {
    "wdi": "steppe.sources.wdi",
    "imf_dots": "steppe.sources.imf_dots",
    "comtrade": "steppe.sources.comtrade",
    "baci": "steppe.sources.baci",
    "aiddata": "steppe.sources.aiddata",
    "gravity": "steppe.sources.gravity_covariates",
    "gdelt": "steppe.sources.gdelt",
    "cow_igo": "steppe.sources.cow_igo",
    "yotov2016": "steppe.sources.yotov2016",
}


@dataclass(frozen=True)
class FetchResult:
    """What one fetch did. ``loaded`` is False when that content was already stored.

    ``validation`` says what the validation layer did besides passing the data: exact
    duplicate rows dropped per table, rules waived with how many rows broke them.
    """

    dataset_id: str
    source: str
    edition: str
    rows: int
    loaded: bool
    location: str = ""
    validation: dict[str, Any] = field(default_factory=dict)
    #: Starter-snapshot datasets of the same source and dataset that this fetch replaced.
    replaced_starter: list[str] = field(default_factory=list)


def connector_for(source: str) -> ModuleType:
    """The connector module for ``source``."""
    name = SOURCES.get(source.strip().lower())
    if name is None:
        raise NotFoundError(f"Unknown source '{source}'; use one of: {', '.join(sorted(SOURCES))}.")
    return importlib.import_module(name)


def fetch(
    source: str,
    *,
    store: Store | Callable[[], Store] | None = None,
    mirror: Path | str | None = None,
    base_url: str | None = None,
    cache_dir: Path | str | None = None,
    progress: Progress | None = None,
    sha256: str | None = None,
    allow: Iterable[str] = (),
    edition: str | None = None,
    new_edition: bool = False,
    settings: Settings | None = None,
    **options: Any,
) -> FetchResult:
    """Fetch ``source`` and load it into ``store`` (default: STEPPE_DB) in one transaction.

    ``store`` may be a function that opens it, called only for the load (a session's store).
    ``settings`` (a session's) gives the mirror, cache folder, HTTP client settings and API
    keys; without it they come from :func:`steppe.config.settings` (the STEPPE_* variables).

    ``mirror`` (or STEPPE_MIRROR) reads the files from a local folder laid out like
    ``/work/shared/data`` instead of the network. ``base_url`` points network mode at another
    server (tests use 127.0.0.1); it wins over STEPPE_MIRROR, not over ``mirror``. ``options``
    are the connector's own (``dataset``, ``years``, ``indicators`` ...; see docs/sources.md).
    ``sha256`` is the expected checksum of the file read (bulk zips), verified after download
    or in the mirror. Same content twice: ``loaded=False``, nothing added.

    Before anything is stored, every table is checked against the source's declared rules
    (:mod:`steppe.sources.validation`, docs/validation.md): any problem refuses the whole load
    in one sentence naming file, line and rule, and the store is unchanged. ``allow`` waives
    overridable rules for this fetch (recorded in the dataset's params).

    Editions: the same edition name with other content (same options) is refused unless
    ``new_edition`` (stored beside the old one as ``<edition>~<hash>``) or ``edition`` (a name
    you choose) says it is a new edition. A new edition becomes the default only once stored;
    ``steppe data pin`` keeps an older one the default.
    """
    from steppe.config import settings as resolve_settings
    from steppe.sources import validation
    from steppe.sources.connector import FetchContext, clean_stale_scratch
    from steppe.store import data as store_data
    from steppe.store import default_store

    module = connector_for(source)
    _check_options(module, options)
    if options.get("years") is not None:  # an empty or malformed years is refused, not ignored
        from steppe.dates import parse_years

        parse_years(str(options["years"]))
    waived = validation.check_allow(allow)
    if edition is not None:
        edition = store_data.check_edition_name(edition)
    asked = _without_defaults(module, options)
    clean_stale_scratch()
    config = settings if settings is not None else resolve_settings()
    if mirror is not None:
        mirror_path: Path | None = Path(mirror).expanduser()
    else:  # the settings' mirror (STEPPE_MIRROR) applies unless a server was named for this fetch
        mirror_path = config.mirror if base_url is None else None
    mirror_path = mirror_path.resolve() if mirror_path is not None else None
    ctx = FetchContext(
        source=module.SOURCE,
        mirror=mirror_path,
        cache_dir=Path(cache_dir) if cache_dir is not None else config.cache_dir,
        base_url=base_url,
        progress=progress,
        sha256=sha256,
        allow=waived,
        hosts=tuple(getattr(module, "HOSTS", ())),
        timeout=config.http.timeout_s,
        http=config.http,
        keys=dict(config.keys),
    )
    schema = getattr(module, "SCHEMA", None) or validation.SourceSchema(module.SOURCE)
    try:
        payload = module.read(ctx, **options)
        if payload.location is None and ctx.location:
            payload.location = ctx.location
        checked = validation.validate(schema, payload, allow=waived)
        name = payload.edition or "sha256-" + payload.content_hash.removeprefix("sha256:")[:12]
        params = {"mode": "mirror" if ctx.offline else "network", "options": asked, **payload.params}
        ctx.bulk_notes.update(checked.summary)
        params["validation"] = ctx.bulk_notes  # bulk loaders add theirs while they run
        if edition is not None:
            params["edition_from_source"] = name
        record = store_data.DatasetRecord(
            source=module.SOURCE,
            dataset=payload.dataset,
            edition=edition or name,
            content_hash=payload.content_hash,
            location=payload.location or ctx.location,
            params=params,
        )
        target = (store() if callable(store) else store) if store is not None else default_store()
        outcome = store_data.load_dataset(
            target, record, checked.frames, payload.bulk, new_edition=new_edition or edition is not None
        )
        # fresh data of this group are stored: the bundled snapshot's copy goes (steppe.starter)
        replaced = store_data.retire_starter(target, record.source, record.dataset)
    except DataError:
        ctx.discard_downloads()  # a download whose content was refused is never kept in the cache
        raise
    finally:
        ctx.cleanup()  # extracted files live until the load has read them
    return FetchResult(
        dataset_id=outcome.dataset_id,
        source=module.SOURCE,
        edition=outcome.dataset_id.split(":", 2)[2],
        rows=outcome.rows,
        loaded=outcome.loaded,
        location=record.location,
        validation=dict(ctx.bulk_notes),
        replaced_starter=replaced,
    )


def _check_options(module: ModuleType, options: dict[str, Any]) -> None:
    accepted = [
        p.name for p in inspect.signature(module.read).parameters.values() if p.kind is p.KEYWORD_ONLY
    ]
    unknown = [k for k in options if k not in accepted]
    if unknown:
        raise UsageError(
            f"Source '{module.SOURCE}' has no option {', '.join(unknown)}; its options are: "
            f"{', '.join(accepted) or 'none'}."
        )


def _without_defaults(module: ModuleType, options: dict[str, Any]) -> dict[str, Any]:
    """The options that differ from the connector's defaults (what identifies a request)."""
    params = inspect.signature(module.read).parameters
    return {k: v for k, v in options.items() if v is not None and v != params[k].default}


def list_datasets(store: Store | None = None, source: str | None = None) -> list[dict[str, Any]]:
    """Every stored dataset with its provenance, newest load first."""
    from steppe.store import data as store_data
    from steppe.store import default_store

    return store_data.list_datasets(store if store is not None else default_store(), source)


__all__ = ["SOURCES", "FetchResult", "connector_for", "fetch", "list_datasets"]
