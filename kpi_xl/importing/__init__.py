"""Platform exports -> Actuals rows, exactly once.

:mod:`~kpi_xl.importing.parse` reads an export (:mod:`~kpi_xl.importing.text` for encodings and
separators, :mod:`~kpi_xl.importing.values` for localized numbers and dates, the header table in
:mod:`~kpi_xl.importing.platforms`) into an :class:`~kpi_xl.importing.model.Export`;
:mod:`~kpi_xl.importing.plan` works out which Actuals rows a set of exports adds, replaces and
removes for one client; :mod:`~kpi_xl.importing.xlsx` writes that into a workbook file in place and
:mod:`~kpi_xl.importing.live` into a workbook open in Excel; :mod:`~kpi_xl.importing.api` is the
command line's entry and :mod:`~kpi_xl.importing.summary` the table both faces show. This package
knows neither argparse nor xlwings: ``kpi-xl import`` and the Import data button call it.
"""
