"""What every connector shares: where its files come from, what it hands back, strict parsing.

A connector module (``sources/wdi.py`` …) has ``SOURCE`` (its id), ``DATASETS`` (the dataset
names it knows, first = default) and ``read(ctx, **options) -> Payload``. It gets its raw files
through :meth:`FetchContext.obtain`, which reads them from the mirror folder when one is set
(the layout of ``/work/shared/data``, documented per source in docs/sources.md) and otherwise
downloads them (cached, retried, resumable, checksummed: :mod:`steppe.sources.http`). Parsing
is strict: a wrong header or a non-numeric value raises ONE :class:`DataError` naming the
source, file and line and field; nothing is stored then.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from steppe.codes import non_country_code, to_iso3
from steppe.config import HttpSettings
from steppe.errors import DataError, NotFoundError
from steppe.sources.validation import Problem, last_record, nul_byte

#: Country-group codes that to_iso3 returns but trade tables leave out (they would double count
#: member countries). 'WLD' (world total) is kept: it is the denominator of trade shares.
GROUP_CODES = frozenset({"EUU"})
WORLD = "WLD"


def trade_partner_codes(names: Iterable[str]) -> dict[str, str | None]:
    """Name -> ISO3 through :func:`steppe.codes.to_iso3`, 'World' -> 'WLD', non-country partners
    (Special Categories, areas not specified, former entities) -> their steppe code
    (:data:`steppe.codes.NON_COUNTRY_PARTNERS`, kept so that they count in totals), groups -> None."""
    names = sorted(set(names))
    codes = to_iso3(names, "name")
    out: dict[str, str | None] = {}
    for name, code in zip(names, codes, strict=True):
        if name.strip().casefold() == "world":
            out[name] = WORLD
        elif non_country_code(name) is not None:
            out[name] = non_country_code(name)
        else:
            out[name] = code if code not in GROUP_CODES else None
    return out


#: Progress callback: (description, bytes done, bytes total or None).
Progress = Callable[[str, int, int | None], None]


@dataclass
class FetchContext:
    """Where a connector reads from: a mirror folder, or the network through a cache folder."""

    source: str
    mirror: Path | None = None
    cache_dir: Path | None = None
    base_url: str | None = None
    progress: Progress | None = None
    timeout: float = 60.0
    #: The HTTP client's settings and the API keys by source (steppe.config.Settings).
    http: HttpSettings = field(default_factory=HttpSettings)
    keys: Mapping[str, str] = field(default_factory=dict, repr=False)
    sha256: str | None = None  # expected checksum of the (single) file a fetch reads
    allow: frozenset[str] = frozenset()  # validation rules the user waived for this fetch
    hosts: tuple[str, ...] = ()  # the source's own hosts: redirects may go there (and to base_url's)
    read: list[Path] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    downloaded: list[Path] = field(default_factory=list)  # files this fetch put in the cache
    bulk_notes: dict[str, Any] = field(default_factory=dict)  # what bulk loaders' checks did
    _work: Path | None = None

    @property
    def offline(self) -> bool:
        return self.mirror is not None

    def obtain(
        self, relpath: str, url: str | None = None, *, sha256: str | None = None, verify: bool = True
    ) -> Path:
        """The local file for ``relpath``: from the mirror, else downloaded from ``url``.

        Without a mirror, ``url`` defaults to ``base_url + relpath`` (a mirror served over HTTP).
        A checksum (``sha256`` here or the fetch's ``sha256``) is verified in both modes.
        """
        sha256 = (sha256 or self.sha256) if verify else None
        if self.mirror is not None:
            path = self.mirror / relpath
            if not path.is_file():
                raise NotFoundError(
                    f"{self.source}: the mirror folder {self.mirror} has no file {relpath}; put the file "
                    "there (layout in docs/sources.md) or fetch from the network instead."
                )
            if sha256 is not None and file_sha256(path) != sha256.lower():
                raise DataError(
                    f"{self.source}: {path} has sha256 {file_sha256(path)}, expected {sha256.lower()}; "
                    "the file is damaged or another release: replace it."
                )
            self.read.append(path)
            return path
        from steppe.sources import http

        if url is None:
            if not self.base_url:
                raise NotFoundError(
                    f"{self.source}: no URL is known for {relpath}; give a local folder (mirror) or a "
                    "server (base_url).",
                    params=("mirror", "base_url"),
                )
            url = self.base_url.rstrip("/") + "/" + relpath
        self.urls.append(url)
        path = http.download(
            url,
            self._cache() / relpath,
            source=self.source,
            sha256=sha256,
            timeout=self.timeout,
            progress=self.progress,
            hosts=self.allowed_hosts(url),
            http=self.http,
        )
        self.read.append(path)
        self.downloaded.append(path)
        return path

    def allowed_hosts(self, url: str | None = None) -> frozenset[str]:
        """Hosts a redirect may lead to: the source's own, base_url's and the requested URL's."""
        from urllib.parse import urlparse

        found = {h.lower() for h in self.hosts}
        for u in (self.base_url, url, *self.urls):
            if u:
                host = urlparse(u).hostname
                if host:
                    found.add(host.lower())
        return frozenset(found)

    def discard_downloads(self) -> None:
        """Remove from the cache what this fetch downloaded (after its content was refused)."""
        for path in self.downloaded:
            path.unlink(missing_ok=True)
        self.downloaded.clear()

    def glob(self, folder: str, pattern: str, skip: str | None = None) -> list[Path]:
        """Mirror files in ``folder`` matching ``pattern`` (names starting with ``skip`` left out)."""
        assert self.mirror is not None
        found = sorted(
            p for p in (self.mirror / folder).glob(pattern) if not (skip and p.name.startswith(skip))
        )
        if not found:
            raise NotFoundError(
                f"{self.source}: the mirror folder {self.mirror} has no {folder}/{pattern}; put the files "
                "there (layout in docs/sources.md) or fetch from the network instead."
            )
        self.read.extend(found)
        return found

    def work_dir(self) -> Path:
        """A scratch folder for extracted files, removed when the fetch ends.

        It lives under :func:`steppe.config.scratch_root` and carries this process's id, so
        that a fetch killed mid-way leaves nothing behind for long: the next fetch removes it
        (:func:`clean_stale_scratch`).
        """
        if self._work is None:
            from steppe.config import scratch_root

            root = scratch_root()
            root.mkdir(parents=True, exist_ok=True)
            self._work = Path(tempfile.mkdtemp(prefix=f"fetch-{os.getpid()}-{self.source}-", dir=root))
        return self._work

    def cleanup(self) -> None:
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    def _cache(self) -> Path:
        if self.cache_dir is None:
            from steppe.config import default_cache_dir

            self.cache_dir = default_cache_dir()
        return self.cache_dir / self.source

    @property
    def location(self) -> str:
        """Where the files came from, for the provenance row."""
        if self.mirror is not None:
            return "; ".join(str(p) for p in self.read) or str(self.mirror)
        return "; ".join(self.urls) or self.base_url or ""


@dataclass
class Payload:
    """A connector's result: provenance plus tidy frames per fact table (and bulk loaders).

    Frames may carry ``_line``/``_file`` columns (where each row was read) for validation
    messages; they are not stored. ``problems`` holds what the connector found about whole
    files (a cut last record, missing coverage) for the validation layer to judge.
    """

    dataset: str
    content_hash: str
    frames: dict[str, pd.DataFrame]
    edition: str | None = None  # None: 'sha256-<12 hex>' of the content
    params: dict[str, Any] = field(default_factory=dict)
    location: str | None = None
    bulk: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def clean_stale_scratch() -> list[Path]:
    """Remove scratch folders of steppe processes that no longer run (killed loads); return them."""
    from steppe.config import scratch_root

    root = scratch_root()
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for entry in root.iterdir():
        parts = entry.name.split("-")
        if len(parts) < 3 or parts[0] not in ("fetch", "snapshot") or not parts[1].isdigit():
            continue
        if _running(int(parts[1])):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def not_applied(source: str, option: str, value: Any, why: str) -> None:
    """Refuse an option the connector cannot apply in this mode (never store it as a parameter)."""
    from steppe.errors import UsageError

    raise UsageError(f"{source}: {option} {value} cannot be applied: {why}.", params=(option,))


# -- hashing ---------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """sha256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_hash(paths: Iterable[Path]) -> str:
    """One hash for the bytes of several files (by name and content, in name order)."""
    items = sorted((p.name, file_sha256(p)) for p in paths)
    if len(items) == 1:
        return "sha256:" + items[0][1]
    digest = hashlib.sha256()
    for name, sha in items:
        digest.update(f"{name}\0{sha}\n".encode())
    return "sha256:" + digest.hexdigest()


def frame_hash(frame: pd.DataFrame) -> str:
    """A hash of a tidy frame's CSV text (for API responses that have no file)."""
    return "sha256:" + hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


# -- strict parsing --------------------------------------------------------------------------


def read_csv_text(
    path: Path,
    *,
    source: str,
    required: Sequence[str],
    skiprows: int = 0,
    encoding: str = "utf-8-sig",
    problems: list[Problem] | None = None,
) -> pd.DataFrame:
    """A CSV read as text (no type guessing), after checking its header has ``required``.

    The frame gets ``attrs['first_line']`` = the file line number of its first data row, so
    that :func:`numbers` can name lines. A NUL byte (parsers cut the field there) and a file
    with a header but no rows are refused at once; a last record with fewer fields than the
    header (a cut file) is appended to ``problems`` for the validation layer.
    """
    nul = nul_byte(path)
    if nul is not None:
        raise DataError(f"{source}: {nul}; re-download the file.")
    try:
        with path.open(encoding=encoding, newline="") as fh:
            for _ in range(skiprows):
                fh.readline()
            header = next(csv.reader([fh.readline()]), [])
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{source}: {path} is not {encoding} text (byte {exc.start}); re-download it."
        ) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(
            f"{source}: {path} line {skiprows + 1} has a wrong header: missing column(s) "
            f"{', '.join(repr(c) for c in missing)} (found {', '.join(repr(h) for h in header[:12])}); "
            "is this the right file? (rule required_columns)"
        )
    try:
        frame = pd.read_csv(
            path,
            skiprows=skiprows,
            dtype=str,
            keep_default_na=False,
            encoding=encoding,
            on_bad_lines="error",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(
            f"{source}: {path} cannot be parsed as CSV ({_first_line(exc)}); re-download it."
        ) from None
    frame.attrs["first_line"] = skiprows + 2
    frame.attrs["path"] = str(path)
    if frame.empty:
        raise DataError(
            f"{source}: {path} line {skiprows + 2}: the file has a header but no data rows "
            "(rule not_empty); re-download it."
        )
    cut = last_record(path, header, encoding=encoding)
    if cut is not None:
        if problems is None:
            raise DataError(f"{source}: {cut}; re-download the file.")
        problems.append(cut)
    return frame


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def numbers(
    frame: pd.DataFrame,
    column: str,
    *,
    source: str,
    path: str | Path | None = None,
    missing: Sequence[str] = ("", "NA", ".."),
    integer: bool = False,
) -> pd.Series:
    """``frame[column]`` as floats; blanks (``missing``) become NaN, anything else non-numeric
    raises a :class:`DataError` naming the file, line and field."""
    text = frame[column].astype(str).str.strip()
    blank = text.isin(list(missing))
    coerced = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = coerced.isna() & ~blank
    if integer:
        bad |= coerced.notna() & (coerced != coerced.round())
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        line = frame.attrs.get("first_line", 2) + pos
        where = path or frame.attrs.get("path", "input")
        kind = "an integer" if integer else "a number"
        raise DataError(
            f"{source}: {where} line {line} field '{column}': {text.iloc[pos]!r} is not {kind}; "
            "fix the file or re-download it (rule number)."
        )
    # pandas' fast parser may be off in the last digit; Python's float() reads exactly.
    values = pd.Series(float("nan"), index=frame.index)
    values[~blank] = text[~blank].astype(float)
    return values
