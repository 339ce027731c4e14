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
    "EMPTY_FILE",
    "FILE_NOT_FOUND",
    "FILTERED_EXPORT",
    "FOLDER",
    "HAND_TYPED_TWIN",
    "LEFT_OUT",
    "LEFT_OUT_NOT_ADDITIVE",
    "LINE_TOO_LONG",
    "LOCKED",
    "NOT_A_DATE",
    "NOT_A_NUMBER",
    "NOT_RECOGNIZED",
    "NO_COST",
    "NO_SOURCE_COLUMN",
    "REMOVES_CAMPAIGNS",
    "SPREADSHEET",
    "TABLE_LAYOUT",
    "TOO_LARGE",
    "TOTAL_MISMATCH",
    "UNKNOWN_MEASURE",
    "UNREADABLE",
    "ImportNotice",
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
UNKNOWN_MEASURE = N_("{measure} is not a measure of the workbook: map a column to a built-in measure or to one "
                     "declared on the Custom KPIs sheet")
LOCKED = N_("the workbook is open in Excel or LibreOffice ({lock} exists): close it, or use the Import data "
            "button in Excel")
NO_SOURCE_COLUMN = N_('the Actuals table has no column "Source": add one with that header and import again')
TOO_LARGE = N_("the file is {size} MB, more than the {limit} MB an export can be: export a shorter date range, "
               "or split it into several files")
LINE_TOO_LONG = N_("a line longer than {limit} characters: this is not a platform export (download it again)")
FOLDER = N_("this is a folder, not an export file")
FILE_NOT_FOUND = N_("file not found")   # after the path as given: the words of every command
EMPTY_FILE = N_("the file is empty (0 bytes or only blank lines): download the export again")
SPREADSHEET = N_("this is a spreadsheet ({kind}), not a CSV export: download the report again as CSV "
                 "(Google Ads: Download > CSV; Meta Ads Manager: Export > Export table data > .csv; "
                 "GA4: Share this report > Download File > Download CSV)")
TOTAL_MISMATCH = N_('the file\'s own total "{label}" says {column} {stated}, but its data rows add up to '
                    '{summed}: rows are missing or edited; download the export again')
# Notices: the file is imported, and the summary says what the reader must know.
LEFT_OUT = N_('columns left out, no measure of ours: {columns}. To import one: --map "HEADER=MEASURE"')
LEFT_OUT_NOT_ADDITIVE = N_('column "{column}" left out: it counts people, and people reached on two days or '
                           'in two campaigns are not added up. To import it anyway: --map "{column}={measure}"')
NO_COST = N_('no cost imported, but column "{column}" looks like money: if it is the spend, import again '
             'with --map "{column}=cost"')
FILTERED_EXPORT = N_('"{label}": the export is filtered. It replaces every row of source {source} from {start} '
                     'to {end}: the campaigns it leaves out are removed from Actuals. Give it its own --source '
                     'to keep them')
REMOVES_CAMPAIGNS = N_("rows of {count} campaign(s) not in this export removed from {start} to {end} ({campaigns}): "
                       "if the export was filtered, import it again with its own --source")
HAND_TYPED_TWIN = N_("{date} {channel} {campaign}: typed by hand in Actuals row {row} and imported too: "
                     "both are added up. Delete the typed row if the import replaces it")
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


class ImportNotice:
    """Something the reader must know about an imported file (a column left out, a filtered export):
    the file goes in. ``line`` 0 means the whole file.

    >>> ImportNotice("pl.csv", 3, NO_COST, column="Wydatki").text()  # doctest: +NORMALIZE_WHITESPACE
    'pl.csv:3: no cost imported, but column "Wydatki" looks like money: if it is the spend, import again
     with --map "Wydatki=cost"'
    """

    __slots__ = ("file", "line", "params", "template")

    def __init__(self, file: str, line: int, template: str, **params: str) -> None:
        self.file, self.line, self.template, self.params = file, line, template, params

    def text(self, gettext: Callable[[str], str] = str) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {gettext(self.template).format(**self.params)}"

    def __repr__(self) -> str:
        return f"ImportNotice({self.text()!r})"
