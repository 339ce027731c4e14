"""The ``=KPI_*`` functions for xlwings Lite: Excel on Mac, on the web and on Windows, Python in the browser.

The workbook's ``main.py`` needs one line::

    from kpi_xl.lite import *

xlwings Lite registers every member of ``main.py`` that carries xlwings' function metadata, so this
brings in every function of the Windows add-in (:data:`kpi_xl.excel.registration.FUNCTIONS`, the one list both
use) under the same name, help and argument names, decorated by ``from xlwings import func, arg`` --
in Lite, Lite's own decorators. No namespace is set: the cells say ``=KPI_CPA(...)`` as on Windows.

Lite hands a function what Office.js gives: numbers (whole ones as ``int``), date cells as serial
numbers, empty cells as ``None``, error cells as their text. The functions read all of these (a serial
number is a date wherever a date is expected):

>>> KPI_CPA([[100, None], [150, "n/a"]], 10), KPI_CPA([100, "#N/A"], 10)
(25.0, '#N/A')
>>> KPI_STATUS(15000, 31000, 46296, 46326, 46310)   # 1-31 Oct 2026, judged on 15 Oct
'on_track'

This module imports the core, the cell rules, the catalogs (Babel) and xlwings only: nothing of the
workbook reader, the reports (Jinja, WeasyPrint) or delivery, none of which can run in the browser.
"""

from __future__ import annotations

from kpi_xl.excel import functions  # noqa: F401  (defines and registers every function)
from kpi_xl.excel.registration import FUNCTIONS

# Derived, not listed: the Windows add-in and Lite can never disagree on which functions exist.
globals().update(FUNCTIONS)
__all__ = sorted(FUNCTIONS)
