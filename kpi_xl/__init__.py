"""kpi_xl: marketing KPIs as Excel functions, SMART goals and localized PDF reports.

The core (:mod:`kpi_xl.core`) is pure Python; Excel (:mod:`kpi_xl.udfs`), the command line
(:mod:`kpi_xl.cli`) and the later report and delivery packages are adapters around it.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
