"""The Excel face of kpi_xl: the ``=KPI_*`` functions and goal functions (:mod:`~kpi_xl.excel.functions`,
:mod:`~kpi_xl.excel.goal_functions`), Excel-shaped values (:mod:`~kpi_xl.excel.cells`), their
registration with xlwings (:mod:`~kpi_xl.excel.registration`), the add-in file
(:mod:`~kpi_xl.excel.addin`) and its two ribbon buttons, Generate report
(:mod:`~kpi_xl.excel.report_button`) and Import data (:mod:`~kpi_xl.excel.import_button`).

Nothing is imported here: xlwings Lite loads only the functions (:mod:`kpi_xl.lite`).
"""
