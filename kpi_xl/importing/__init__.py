"""Platform exports -> Actuals rows, exactly once.

:mod:`~kpi_xl.importing.parse` reads an export (:mod:`~kpi_xl.importing.text` for encodings and
separators, :mod:`~kpi_xl.importing.values` for localized numbers and dates, the header table in
:mod:`~kpi_xl.importing.platforms`); :mod:`~kpi_xl.importing.plan` works out which Actuals rows a
set of exports replaces; :mod:`~kpi_xl.importing.xlsx` writes that into a workbook file in place.
This package knows neither argparse nor xlwings: the command line and the Excel button call it.
"""
