"""Reports built from the analysis modules: self-contained HTML with inline SVG charts."""

from steppe.report.build import central_asia as central_asia_report

__all__ = ["central_asia_report"]
