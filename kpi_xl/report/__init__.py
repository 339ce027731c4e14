"""Localized PDF reports: one client, one month, one language.

Importing this package loads nothing heavy (the command line builds its parser from
:mod:`kpi_xl.cli.report` for every command); the names below load on first use, and
WeasyPrint only with the first render.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "PreparedReport",
    "email_figures",
    "month_figures",
    "render_report_pdf",
    "report_html",
    "write_reports",
]

_HOMES = {
    "PreparedReport": "kpi_xl.report.prepared",
    "email_figures": "kpi_xl.report.api",
    "month_figures": "kpi_xl.report.api",
    "render_report_pdf": "kpi_xl.report.api",
    "report_html": "kpi_xl.report.api",
    "write_reports": "kpi_xl.report.pool",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'kpi_xl.report' has no attribute {name!r}")
