"""Pages with charts: the plotly.js runtime exactly once per page, inline or from one URL.

The static report inlines everything (one file, opens offline, prints to PDF in headless
Chromium); the web app serves the same runtime from its own origin with :func:`runtime_js`
and :func:`bootstrap_js` and passes their paths to :func:`head`. Either way, chart fragments
(:meth:`Chart.to_html`) carry no script runtime themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from html import escape
from importlib import resources

from steppe.charts.chart import Chart


@cache
def runtime_js() -> str:
    """The minified plotly.js bundled with the plotly package (about 4.8 MB)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def runtime_version() -> str:
    """The plotly.js version the runtime is (for cache-busting URLs in the web app)."""
    from plotly.offline import get_plotlyjs_version

    return str(get_plotlyjs_version())


@cache
def bootstrap_js() -> str:
    """The small script that draws every chart fragment on a page and wires its downloads."""
    return resources.files("steppe.charts").joinpath("static/steppe-charts.js").read_text("utf-8")


@cache
def stylesheet() -> str:
    """CSS for chart fragments (the frame, the download buttons, print rules)."""
    return resources.files("steppe.charts").joinpath("static/steppe-charts.css").read_text("utf-8")


def _inline_script(js: str) -> str:
    # A '</script' inside the code would end the element early; plotly.js has none today,
    # and this keeps it so for any version.
    return "<script>" + js.replace("</script", "<\\/script") + "</script>"


def head(
    *, runtime_url: str | None = None, bootstrap_url: str | None = None, stylesheet_url: str | None = None
) -> str:
    """What a page's ``<head>`` needs for charts: styles, the runtime, the bootstrap script.

    With no URLs everything is inlined (a self-contained file). The web app passes
    same-origin paths, e.g. ``runtime_url="/static/plotly-4.1.1.min.js"``; nothing is ever
    loaded from another host.
    """
    parts = [
        f'<link rel="stylesheet" href="{escape(stylesheet_url, quote=True)}">'
        if stylesheet_url
        else f"<style>{stylesheet()}</style>",
        f'<script src="{escape(runtime_url, quote=True)}"></script>'
        if runtime_url
        else _inline_script(runtime_js()),
        f'<script src="{escape(bootstrap_url, quote=True)}"></script>'
        if bootstrap_url
        else _inline_script(bootstrap_js()),
    ]
    return "\n".join(parts)


PAGE_CSS = """
body { font-family: "DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; color: #222;
  margin: 0 auto; max-width: 1360px; padding: 1.2em 1.5em; }
h1 { font-size: 1.5em; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { max-width: none; padding: 0; } }
"""


def unique_ids(charts: Iterable[Chart]) -> list[Chart]:
    """The charts with distinct ids: a repeated id gets '-2', '-3', ... in page order."""
    seen: dict[str, int] = {}
    out = []
    for c in charts:
        n = seen.get(c.id, 0) + 1
        seen[c.id] = n
        out.append(c if n == 1 else c.with_id(f"{c.id}-{n}"))
    return out


def page(
    body: Iterable[Chart | str],
    *,
    title: str,
    lang: str = "en",
    runtime_url: str | None = None,
    bootstrap_url: str | None = None,
    stylesheet_url: str | None = None,
    extra_head: str = "",
) -> str:
    """A full HTML page of charts and HTML blocks (trusted, already escaped) in order.

    The runtime appears once however many charts the page holds; repeated chart ids are made
    unique. Without URLs the page is one self-contained file that makes no network request.
    """
    items = list(body)
    charts = unique_ids(i for i in items if isinstance(i, Chart))
    it = iter(charts)
    blocks = [next(it).to_html() if isinstance(i, Chart) else i for i in items]
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang, quote=True)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{PAGE_CSS}</style>\n"
        f"{head(runtime_url=runtime_url, bootstrap_url=bootstrap_url, stylesheet_url=stylesheet_url)}\n"
        f"{extra_head}</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        + "\n".join(blocks)
        + "\n</body>\n</html>\n"
    )
