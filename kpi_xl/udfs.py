"""The ``=KPI_*`` Excel functions under the module name every workbook's ``xlwings.conf`` gives
(``UDF Modules: kpi_xl.udfs``). They live in :mod:`kpi_xl.excel.functions`; this name stays so that
no workbook written before has to change.

>>> KPI_CPA([[100.0], [150.0]], [[4.0], [6.0]])
25.0
"""

from kpi_xl.excel.functions import *  # noqa: F403  (the classic add-in registers what this module holds)
from kpi_xl.excel.functions import __all__  # noqa: F401
