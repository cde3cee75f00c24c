"""IMF trade-by-partner data over SDMX (sdmx1), for :mod:`steppe.sources.imf_dots` network mode.

The IMF publishes DOTS as the dataflow ``IMTS`` (International Trade in Goods by partner
country) on its SDMX 2.1 service (sdmx1 source ``IMF_DATA``). The request asks, per reporter,
for exports FOB and imports CIF in US dollars to every counterpart, annual:
``<reporters>.<XG_FOB_USD+MG_CIF_USD>..A`` (dimensions COUNTRY, INDICATOR,
COUNTERPART_COUNTRY, FREQUENCY). Codes are ISO3. ``UNIT_MULT`` (power of ten) is applied when
the message carries it, else values are taken as US$ millions (the DOTS convention);
``OBS_STATUS`` 'E' marks an IMF estimate. The service answers either a data message or an SDMX
error message; the latter becomes one :class:`SourceError` quoting it.

The dataflow id, indicator codes and key layout are settings here, not facts steppe stores;
the local tests serve a hand-written SDMX-ML GenericData message in this layout.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from steppe.errors import DataError, MissingDependencyError, SourceError, UsageError
from steppe.sources.connector import FetchContext, frame_hash

SOURCE = "imf_dots"
SDMX_SOURCE = "IMF_DATA"
DATAFLOW = "IMTS"
INDICATORS = {"XG_FOB_USD": "exports_fob", "MG_CIF_USD": "imports_cif"}
CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
_ERROR_TEXT = re.compile(r"<(?:\w+:)?Text[^>]*>(.*?)</(?:\w+:)?Text>", re.S)
_ERROR_CODE = re.compile(r"<(?:\w+:)?ErrorMessage[^>]*code=\"(\d+)\"")


def _client(ctx: FetchContext) -> Any:
    try:
        import sdmx
    except ImportError:
        raise MissingDependencyError("sdmx1", "sources") from None
    from steppe.sources import http

    source = SDMX_SOURCE
    if ctx.base_url:
        source = "STEPPE_IMF"
        sdmx.add_source(
            {"id": source, "url": ctx.base_url.rstrip("/"), "name": "IMF SDMX (configured base URL)"},
            override=True,
        )
    return sdmx.Client(source, session=http.session(ctx))


def _sdmx_error(text: str) -> str | None:
    """The message of an SDMX-ML error message, or None."""
    found = _ERROR_TEXT.findall(text or "")
    if not found or "ErrorMessage" not in text:
        return None
    code = _ERROR_CODE.search(text)
    message = " ".join(part.strip() for part in found if part.strip())
    return f"SDMX error {code.group(1)}: {message}" if code else f"SDMX error: {message}"


def reporter_codes(countries: str) -> list[str]:
    """``--countries`` as a list of ISO3 reporter codes; anything else is one clear error."""
    reporters = [c.strip().upper() for c in countries.split(",") if c.strip()]
    if not reporters or any(not re.fullmatch(r"[A-Z]{3}", r) for r in reporters):
        raise UsageError(
            f"{SOURCE}: countries takes ISO3 codes such as KAZ,UZB, got {countries!r}.", params=("countries",)
        )
    return reporters


def download(
    ctx: FetchContext, *, years: str | None, countries: str | None
) -> tuple[pd.DataFrame, str, str, dict[str, Any]]:
    """DOTS rows (reporter, flow, partner, year, value_usd_millions, imf_estimate) from SDMX."""
    import requests

    from steppe.dates import parse_years
    from steppe.sources import http

    reporters = reporter_codes(countries) if countries else list(CENTRAL_ASIA)
    key = f"{'+'.join(reporters)}.{'+'.join(INDICATORS)}..A"
    params: dict[str, str] = {}
    if years:
        first, last = parse_years(years)
        params = {"startPeriod": str(first), "endPeriod": str(last)}
    client = _client(ctx)
    request = client.get("data", DATAFLOW, key=key, params=params, dry_run=True)
    where = request.url

    def call() -> Any:
        http.throttle(where, ctx.http)
        try:
            return client.get("data", DATAFLOW, key=key, params=params, timeout=ctx.timeout)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status == 429 or (status or 0) >= 500:
                raise http.TransientHTTPError(where, status, exc.response.reason) from None
            message = _sdmx_error(exc.response.text if exc.response is not None else "")
            raise SourceError(
                f"{SOURCE}: {where} answered HTTP {status}"
                + (f" with {message}" if message else "")
                + "; check countries and years.",
                params=("countries", "years"),
            ) from None

    try:
        message = http.with_retries(call, source=SOURCE, url=where, http=ctx.http)
    except (ValueError, KeyError, AttributeError) as exc:  # reader failures on a malformed body
        raise DataError(f"{SOURCE}: {where} did not return a readable SDMX message ({exc}).") from None
    finally:
        client.session.close()
    import sdmx

    if isinstance(message, sdmx.message.ErrorMessage):
        footer = getattr(message, "footer", None)
        text = "; ".join(str(t) for t in (footer.text if footer is not None else None) or [])
        raise SourceError(f"{SOURCE}: {where} answered an SDMX error message: {text or 'no text'}.")
    frame = _rows(message, where)
    return frame, frame_hash(frame), where, {"sdmx_source": SDMX_SOURCE, "dataflow": DATAFLOW, "key": key}


def _rows(message: Any, where: str) -> pd.DataFrame:
    """Observations of a data message as the tidy DOTS text columns."""
    records = []
    for dataset in getattr(message, "data", []) or []:
        for series_key, series in dataset.series.items():
            dims = {k: v.value for k, v in series_key.values.items()}
            series_attrs = {k: str(v.value) for k, v in (series_key.attrib or {}).items()}
            for obs in series:
                obs_attrs = {k: str(v.value) for k, v in (obs.attached_attribute or {}).items()}
                attrs = {**series_attrs, **obs_attrs}
                try:
                    dims_all = {**dims, "TIME_PERIOD": str(obs.dim.values["TIME_PERIOD"].value)}
                except (AttributeError, KeyError):
                    dims_all = {**dims, "TIME_PERIOD": str(obs.key.values.get("TIME_PERIOD").value)}
                missing = [d for d in ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY") if d not in dims_all]
                if missing:
                    raise DataError(
                        f"{SOURCE}: {where} series lack dimension(s) {missing}; the dataflow changed?"
                    )
                if dims_all["INDICATOR"] not in INDICATORS:
                    continue
                value = obs.value
                try:
                    number = float(value) if value is not None else None
                except (TypeError, ValueError):
                    raise DataError(
                        f"{SOURCE}: {where} series {series_key} {dims_all['TIME_PERIOD']} field 'OBS_VALUE': "
                        f"{value!r} is not a number."
                    ) from None
                if number is None or number != number:
                    continue
                mult = int(attrs.get("UNIT_MULT", "6") or 6)
                records.append(
                    {
                        "reporter": dims_all["COUNTRY"],
                        "flow": INDICATORS[dims_all["INDICATOR"]],
                        "partner": dims_all["COUNTERPART_COUNTRY"],
                        "year": dims_all["TIME_PERIOD"][:4],
                        "value_usd_millions": repr(number * 10 ** (mult - 6)),
                        "imf_estimate": "1" if attrs.get("OBS_STATUS", "").upper() == "E" else "0",
                    }
                )
    frame = pd.DataFrame.from_records(
        records, columns=["reporter", "flow", "partner", "year", "value_usd_millions", "imf_estimate"]
    )
    frame.attrs["first_line"] = 1
    frame.attrs["path"] = where
    return frame
