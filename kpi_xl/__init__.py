"""kpi_xl: marketing KPIs as Excel functions, SMART goals and localized PDF reports.

The core (:mod:`kpi_xl.core`) is pure Python; Excel (:mod:`kpi_xl.excel`), the command line
(:mod:`kpi_xl.cli`), reports and delivery are adapters around it.
"""

from __future__ import annotations

__all__ = ["__version__", "main"]

__version__ = "0.1.0"


def main() -> None:
    """The add-in's "Generate report" button runs ``import kpi_xl;kpi_xl.main()``:
    see :mod:`kpi_xl.excel.report_button`."""
    from kpi_xl.excel.report_button import main as generate_report  # lazy: the =KPI_* functions import kpi_xl too

    generate_report()
