"""Why an export is refused: one exception carrying the file, the line and the message's parameters.

The message is an English gettext id marked with ``N_`` (an edge shows it in the user's language);
``str()`` gives the located English text, the way ``kpi-xl`` prints it::

>>> str(ImportRefusedError("ads.csv", 17, NOT_A_NUMBER, column="cost", value="12,3,4"))
'ads.csv:17: cost "12,3,4" is not a number'
>>> str(ImportRefusedError("ads.csv", 0, UNREADABLE, reason="not valid UTF-16-LE"))
'ads.csv: cannot read the file: not valid UTF-16-LE'
"""

from __future__ import annotations

from collections.abc import Callable

from kpi_xl.core.errors import KpiError
from kpi_xl.core.registry import N_

__all__ = [
    "AGGREGATE",
    "CURRENCY_MISMATCH",
    "LOCKED",
    "NOT_A_DATE",
    "NOT_A_NUMBER",
    "NOT_RECOGNIZED",
    "NO_SOURCE_COLUMN",
    "TABLE_LAYOUT",
    "UNKNOWN_CLIENT",
    "UNKNOWN_MEASURE",
    "UNREADABLE",
    "ImportRefusedError",
]

NOT_RECOGNIZED = N_("not an export kpi_xl knows: no header row of Google Ads, Meta, GA4, LinkedIn, "
                    "Microsoft Advertising, TikTok or Shopify")
UNREADABLE = N_("cannot read the file: {reason}")
NOT_A_NUMBER = N_('{column} "{value}" is not a number')
NOT_A_DATE = N_('{column} "{value}" is not a date')
AGGREGATE = N_("one total over {range}, which is not one calendar month: it cannot be placed on "
               "days. Export it again with a Day (or Week, Month) segment or time breakdown")
CURRENCY_MISMATCH = N_("the export is in {currency}, but {client} is billed in {expected}: export it in "
                       "{expected}, or change the client's currency")
UNKNOWN_CLIENT = N_("no client {client} on the Clients sheet (clients: {clients})")
UNKNOWN_MEASURE = N_("{measure} is not a measure of the workbook: map a column to a built-in measure or to one "
                     "declared on the Custom KPIs sheet")
LOCKED = N_("the workbook is open in Excel or LibreOffice ({lock} exists): close it, or use the Import data "
            "button in Excel")
NO_SOURCE_COLUMN = N_('the Actuals table has no column "Source": add one with that header and import again')
TABLE_LAYOUT = N_("the Actuals sheet cannot take the rows: {reason}")


class ImportRefusedError(KpiError):
    """An export (or the workbook) that cannot be imported; ``line`` 0 means the whole file."""

    def __init__(self, file: str, line: int, template: str, **params: str) -> None:
        self.file = file
        self.line = line
        self.template = template
        self.params = params
        super().__init__(self.text())

    def text(self, gettext: Callable[[str], str] = str) -> str:
        """The located message, translated by ``gettext`` (default: the English id)."""
        place = f"{self.file}:{self.line}" if self.line else self.file
        message = gettext(self.template).format(**self.params)
        return f"{place}: {message}" if place else message
