"""The one HTTP client of the connectors: caching, retries with backoff, timeouts, rate limits.

- Responses of API calls are cached on disk by ``requests-cache`` (SQLite, one day), so a
  repeated fetch does not hit the service again.
- Transient failures (connection errors, timeouts, HTTP 429 and 5xx) are retried by
  ``tenacity`` with exponential backoff (``retries`` attempts, default 5; ``backoff_s`` first
  wait, default 1 s, doubling up to 60), never waiting less than the server's ``Retry-After``.
  When they keep failing the user gets ONE :class:`SourceError` naming the URL and the last
  status. The numbers come from :class:`steppe.config.HttpSettings` (the fetch's settings,
  STEPPE_HTTP_* by default); this module reads no environment variable.
- Requests to one host are spaced by ``interval_s`` seconds (default 1): polite.
- Bulk files are downloaded to ``<cache>/<source>/...``: into ``.part`` first, resumed with an
  HTTP Range request after an interruption, checked against a sha256 when one is known and
  against what the file should be (a zip opens as a zip, JSON parses, no HTML page in place of
  data), then renamed. A file already in the cache is reused while it is younger than
  STEPPE_CACHE_MAX_AGE_DAYS (or matches its known sha256); a bad download is never cached.
  API answers are cached only when they are not HTML pages (``filter_fn`` of requests-cache).
- Redirects are followed only to http(s) URLs on the source's own hosts (those it declares,
  the URL asked for and the fetch's ``base_url``), at most 5 in a row; anything else (``file://``, another
  host, a loop) is one :class:`SourceError`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from steppe.config import HttpSettings
from steppe.config import default_cache_dir as default_cache_dir
from steppe.config import http as http_settings
from steppe.errors import DataError, SourceError
from steppe.sources.connector import file_sha256

MAX_REDIRECTS = 5

if TYPE_CHECKING:
    from steppe.sources.connector import FetchContext, Progress

T = TypeVar("T")


class TransientHTTPError(Exception):
    """A failure worth retrying: HTTP 429/5xx or a dropped connection."""

    def __init__(self, url: str, status: int | None, reason: str, retry_after: float | None = None) -> None:
        super().__init__(f"{url}: {status or ''} {reason}".strip())
        self.url = url
        self.status = status
        self.reason = reason
        self.retry_after = retry_after


def retry_after(response: requests.Response) -> float | None:
    """Seconds a 429/503 answer asks us to wait (``Retry-After`` in seconds), capped at 5 minutes."""
    value = response.headers.get("Retry-After", "").strip()
    return min(float(value), 300.0) if value.replace(".", "", 1).isdigit() else None


# -- retries ---------------------------------------------------------------------------------


def _status_of(exc: BaseException) -> int | None:
    if isinstance(exc, TransientHTTPError):
        return exc.status
    code = getattr(exc, "code", None)  # wbgapi.APIError
    if isinstance(code, int):
        return code
    response = getattr(exc, "response", None)  # requests.HTTPError
    return getattr(response, "status_code", None) if response is not None else None


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientHTTPError):
        return True
    if isinstance(
        exc, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
    ):
        return True
    status = _status_of(exc)
    return status is not None and (status == 429 or status >= 500)


def with_retries(call: Callable[[], T], *, source: str, url: str, http: HttpSettings | None = None) -> T:
    """Run ``call``, retrying transient failures with exponential backoff; one clear error at the end.

    ``http`` gives the attempts and the first wait (default: the process's settings).
    """
    config = http or http_settings()
    attempts = max(1, config.retries)
    first_wait = config.backoff_s
    backoff = wait_exponential(multiplier=first_wait, min=first_wait, max=60)

    def wait(state: RetryCallState) -> float:
        # Exponential backoff, but never less than the server's Retry-After.
        asked = getattr(state.outcome.exception(), "retry_after", None) if state.outcome else None
        return max(backoff(state), asked or 0.0)

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait,
        retry=retry_if_exception(_transient),
        reraise=True,
    )
    try:
        return retrying(call)
    except BaseException as exc:
        if not _transient(exc):
            raise
        where = getattr(exc, "url", None) or url
        status = _status_of(exc)
        what = f"HTTP {status}" if status else type(exc).__name__
        hint = (
            "the service is rate-limiting; wait a few minutes" if status == 429 else "the service may be down"
        )
        raise SourceError(
            f"{source}: {where} failed {attempts} times in a row (last: {what}); {hint} and fetch again, "
            "or read the files from a local folder (mirror).",
            params=("mirror",),
        ) from None


# -- politeness ------------------------------------------------------------------------------

_last_request: dict[str, float] = {}
_lock = threading.Lock()


def throttle(url: str, http: HttpSettings | None = None) -> None:
    """Wait so that requests to one host are at least ``http.interval_s`` seconds apart."""
    interval = (http or http_settings()).interval_s
    host = urlparse(url).netloc
    with _lock:
        wait = _last_request.get(host, 0.0) + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_request[host] = time.monotonic()


# -- redirects -------------------------------------------------------------------------------


def check_redirect(source: str, origin: str, target: str, hosts: frozenset[str]) -> None:
    """Refuse a redirect that leaves http(s) or the source's hosts (one sentence, no retry)."""
    parsed = urlparse(target)
    host = (parsed.hostname or "").lower()
    if parsed.scheme not in ("http", "https"):
        raise SourceError(
            f"{source}: {origin} redirected to {target[:200]!r}, which is not an http(s) URL; "
            "steppe follows redirects only to the source's own web hosts: check base_url.",
            params=("base_url",),
        )
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        raise SourceError(
            f"{source}: {origin} redirected to another host ({host}); steppe follows redirects only to "
            f"{', '.join(sorted(hosts))}: check base_url, or download the file yourself into a local "
            "folder (mirror).",
            params=("base_url", "mirror"),
        )


class _RedirectGuard:
    """Mixin for requests sessions: every redirect target is checked before it is followed."""

    source = "http"
    hosts: frozenset[str] = frozenset()

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)  # type: ignore[misc]
        if target:
            from urllib.parse import urljoin

            try:
                check_redirect(self.source, resp.url, urljoin(resp.url, target), self.hosts)
            except SourceError:
                resp.close()  # release the connection of the refused redirect
                raise
        return target


class GuardedSession(_RedirectGuard, requests.Session):
    """A plain requests session that follows redirects only within the source's hosts."""


def guarded(cls: type, source: str, hosts: frozenset[str]) -> type:
    """A subclass of session class ``cls`` bound to ``source`` and its allowed ``hosts``."""
    return type(f"Guarded{cls.__name__}", (_RedirectGuard, cls), {"source": source, "hosts": hosts})


def _http_failure(source: str, url: str, exc: requests.RequestException) -> SourceError:
    if isinstance(exc, requests.TooManyRedirects):
        return SourceError(
            f"{source}: {url} redirected more than {MAX_REDIRECTS} times (a redirect loop?); "
            "the service is misconfigured: try later or read the files from a local folder (mirror).",
            params=("mirror",),
        )
    return SourceError(
        f"{source}: {url} cannot be requested ({type(exc).__name__}: {str(exc)[:200]}); "
        "check base_url or read the files from a local folder (mirror).",
        params=("base_url", "mirror"),
    )


_UNRETRIED = (
    requests.TooManyRedirects,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
)


def cacheable(response: requests.Response) -> bool:
    """Only answers that are not HTML pages are cached (a portal or error page must not stick)."""
    kind = response.headers.get("Content-Type", "").lower()
    return "text/html" not in kind and not response.content.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    )


# -- cached API calls ------------------------------------------------------------------------


def _cache_name(ctx: FetchContext) -> str:
    folder = (ctx.cache_dir or default_cache_dir()) / "http"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "responses")


def session(ctx: FetchContext, url: str | None = None) -> requests.Session:
    """A requests session with an on-disk response cache (one day) and guarded redirects
    (to the source's hosts, ``base_url``'s and ``url``'s)."""
    import requests_cache

    cls = guarded(requests_cache.CachedSession, ctx.source, ctx.allowed_hosts(url))
    s = cls(
        _cache_name(ctx),
        backend="sqlite",
        expire_after=86400,
        allowable_codes=(200,),
        filter_fn=cacheable,
    )
    s.max_redirects = MAX_REDIRECTS
    s.headers["User-Agent"] = ctx.http.user_agent
    return s


@contextmanager
def cached_requests(ctx: FetchContext) -> Iterator[None]:
    """Cache every ``requests`` call made inside (for libraries such as wbgapi that call requests.get).

    The patched session class also guards redirects like :func:`session`.
    """
    import requests_cache

    factory = guarded(requests_cache.CachedSession, ctx.source, ctx.allowed_hosts())
    factory.max_redirects = MAX_REDIRECTS  # type: ignore[attr-defined]
    try:
        with requests_cache.enabled(
            _cache_name(ctx),
            backend="sqlite",
            expire_after=86400,
            allowable_codes=(200,),
            filter_fn=cacheable,
            session_factory=factory,
        ):
            yield
    except _UNRETRIED as exc:
        raise _http_failure(ctx.source, ctx.base_url or "the API", exc) from None


def get(ctx: FetchContext, url: str, *, params: dict[str, Any] | None = None) -> requests.Response:
    """GET through the cache, retried; a non-transient HTTP error is one SourceError."""
    s = session(ctx, url)

    def once() -> requests.Response:
        throttle(url, ctx.http)
        try:
            response = s.get(url, params=params, timeout=ctx.timeout)
        except _UNRETRIED as exc:
            raise _http_failure(ctx.source, url, exc) from None
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientHTTPError(
                response.url, response.status_code, response.reason, retry_after(response)
            )
        return response

    try:
        response = with_retries(once, source=ctx.source, url=url, http=ctx.http)
    finally:
        s.close()
    if response.status_code != 200:
        raise SourceError(
            f"{ctx.source}: {response.url} answered HTTP {response.status_code} ({response.reason}); "
            "check the options (and STEPPE_COMTRADE_KEY for comtrade)."
        )
    return response


# -- bulk downloads --------------------------------------------------------------------------


def _fresh(dest: Path, sha256: str | None) -> bool:
    """A cached file is reused when it matches its checksum, or (without one) is not too old."""
    if not dest.is_file():
        return False
    if sha256 is not None:
        return file_sha256(dest) == sha256.lower()
    from steppe.config import limits

    age_days = (time.time() - dest.stat().st_mtime) / 86400
    return age_days <= limits().cache_max_age_days


def check_download(path: Path, name: str, content_type: str | None, *, source: str, url: str) -> None:
    """Refuse a download that is not what ``name`` says it is (before it enters the cache)."""
    head = b""
    with path.open("rb") as fh:
        head = fh.read(4096)
    suffix = Path(name).suffix.lower()
    looks_html = head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
    wrong = None
    if looks_html and suffix not in (".html", ".htm"):
        wrong = "an HTML page (an error or login page?)"
    elif suffix == ".zip":
        import zipfile

        if not zipfile.is_zipfile(path):
            wrong = "not a zip archive"
    elif suffix == ".json":
        import json

        try:
            json.loads(path.read_text("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            wrong = "not valid JSON"
    elif suffix in (".csv", ".txt") and b"\x00" in head:
        wrong = "binary data, not CSV text"
    if wrong:
        kind = f" (Content-Type {content_type})" if content_type else ""
        raise DataError(
            f"{source}: {url} answered {wrong}{kind} instead of {Path(name).name}; nothing was cached: "
            "check the URL or fetch again later (rule content)."
        )


def download(
    url: str,
    dest: Path,
    *,
    source: str,
    sha256: str | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
    hosts: frozenset[str] = frozenset(),
    http: HttpSettings | None = None,
) -> Path:
    """Download ``url`` to ``dest`` (resumable, checksummed, checked); return ``dest``."""
    config = http or http_settings()
    if _fresh(dest, sha256):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    client = guarded(requests.Session, source, hosts)()
    client.max_redirects = MAX_REDIRECTS
    content_type: list[str] = []

    def once() -> None:
        throttle(url, config)
        have = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": config.user_agent}
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            response = client.get(url, headers=headers, stream=True, timeout=timeout)
        except _UNRETRIED as exc:
            raise _http_failure(source, url, exc) from None
        with response:
            content_type[:] = [response.headers.get("Content-Type", "")]
            if response.status_code == 416:  # range past the end: the .part is already complete
                return
            if response.status_code == 429 or response.status_code >= 500:
                raise TransientHTTPError(url, response.status_code, response.reason, retry_after(response))
            if response.status_code not in (200, 206):
                raise SourceError(
                    f"{source}: {url} answered HTTP {response.status_code} ({response.reason}); "
                    "check the URL or read the files from a local folder (mirror).",
                    params=("mirror",),
                )
            mode = "ab" if response.status_code == 206 else "wb"
            done = have if mode == "ab" else 0
            length = response.headers.get("Content-Length")
            total = done + int(length) if length and length.isdigit() else None
            # Keep what arrived when the connection drops, so that the next attempt resumes there.
            response.raw.enforce_content_length = False
            with part.open(mode) as fh:
                for block in response.iter_content(1 << 16):
                    fh.write(block)
                    done += len(block)
                    if progress:
                        progress(dest.name, done, total)
            if total is not None and done < total:
                raise TransientHTTPError(url, None, f"connection closed after {done} of {total} bytes")

    try:
        with_retries(once, source=source, url=url, http=config)
    finally:
        client.close()
    try:
        check_download(part, dest.name, content_type[0] if content_type else None, source=source, url=url)
    except DataError:
        part.unlink(missing_ok=True)
        raise
    if sha256 is not None:
        got = file_sha256(part)
        if got != sha256.lower():
            part.unlink(missing_ok=True)
            raise DataError(
                f"{source}: {url} has sha256 {got}, expected {sha256.lower()}; the download was corrupted "
                "or the file changed: fetch again."
            )
    part.replace(dest)
    return dest
