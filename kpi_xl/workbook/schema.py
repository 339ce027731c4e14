"""The workbook's shape, in one place: sheets, their Excel tables (ListObjects) and columns.

The template writer lays the workbook out from this; the reader checks a workbook against it and
names the place of every difference (``Goals!C7``). Column headers are what the user sees; ``key``
is the field name in :mod:`kpi_xl.core.model`.

>>> [c.header for c in GOALS.columns][:4]
['Client', 'KPI', 'Channel', 'Baseline']
>>> ACTUALS.column("bounced_sessions").header
'Bounced sessions'
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kpi_xl.core.registry import MEASURES, N_

__all__ = [
    "ACTUALS",
    "CLIENTS",
    "CONFIG_SHEET",
    "CUSTOM_KPIS",
    "CUSTOM_MEASURES",
    "CUSTOM_SHEET",
    "DASHBOARD_SHEET",
    "GOALS",
    "SETTINGS",
    "SETTING_CHOICES",
    "SETTING_KEYS",
    "TABLES",
    "Column",
    "Kind",
    "Table",
]


class Kind(enum.Enum):
    TEXT = "text"
    NUMBER = "number"
    PERCENT = "percent"     # a fraction; Excel shows 10 %
    DATE = "date"
    EMAILS = "emails"       # addresses separated by ; or ,
    LOCALE = "locale"
    CURRENCY = "currency"   # ISO 4217 code
    KPI = "kpi"             # a registry code


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: Kind
    required: bool = False
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    sheet: str
    name: str                  # the Excel table (ListObject) name
    columns: tuple[Column, ...]
    doc: str = ""

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


C, K = Column, Kind

CLIENTS = Table("Clients", "tblClients", (
    C("name", "Client", K.TEXT, True, N_("The client's name, unique: goals and actuals refer to it.")),
    C("emails", "Emails", K.EMAILS, False, N_("Report recipients, separated by ; (none: no e-mail is sent).")),
    C("locale", "Locale", K.LOCALE, False,
      N_("Report language and formats: en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN. Blank: Settings' default_locale.")),
    C("currency", "Currency", K.CURRENCY, True,
      N_("ISO 4217 code of the client's money columns: EUR, BRL, PLN, VND...")),
    C("commentary", "Commentary", K.TEXT, False, N_("The analyst's commentary, printed in this period's report.")),
), N_("One row per client."))

GOALS = Table("Goals", "tblGoals", (
    C("client", "Client", K.TEXT, True, N_("A client of the Clients sheet.")),
    C("kpi", "KPI", K.KPI, True, N_("A KPI code (dropdown): CPA, CONVERSION_RATE, REVENUE...")),
    C("channel", "Channel", K.TEXT, False, N_("Optional channel or segment; blank: all channels together.")),
    C("baseline", "Baseline", K.NUMBER, False, N_("Blank: computed from the Actuals history.")),
    C("improvement", "Improvement", K.PERCENT, False,
      N_("The change wanted, e.g. 10% (for lower-is-better KPIs 10% means 10% lower). Or give a Target.")),
    C("target", "Target", K.NUMBER, False, N_("An absolute target; wins over Improvement.")),
    C("start", "Start", K.DATE, True, N_("First day of the goal's window.")),
    C("end", "End", K.DATE, True, N_("Last day of the goal's window.")),
    C("objective", "Objective", K.TEXT, False, N_("The business aim the goal serves (the R of SMART).")),
    C("owner", "Owner", K.TEXT, False, N_("Who answers for the goal.")),
    C("notes", "Notes", K.TEXT, False, N_("Free notes.")),
), N_("One row per SMART goal."))

_ACTUAL_KEYS = ("date", "client", "channel", "campaign")
ACTUALS = Table("Actuals", "tblActuals", (
    C("date", "Date", K.DATE, True, N_("The day (daily rows) or the first day of the month (monthly rows).")),
    C("client", "Client", K.TEXT, True, N_("A client of the Clients sheet.")),
    C("channel", "Channel", K.TEXT, False, N_("Search, Social, Email, Chat...")),
    C("campaign", "Campaign", K.TEXT, False, N_("Optional campaign name.")),
    C("source", "Source", K.TEXT, False,
      N_("The platform an imported row came from (kpi-xl import); blank on rows typed by hand.")),
    *(C(m.name, m.name.replace("_", " ").capitalize(), K.NUMBER, False, m.label) for m in MEASURES.values()),
), N_("One row per day (or month), client, channel and campaign; blank cells are no data."))

SETTINGS = Table("Settings", "tblSettings", (
    C("key", "Setting", K.TEXT, True),
    C("value", "Value", K.TEXT, False),
), N_("One setting per row."))

#: Setting rows: key -> (default shown in the template, help). Keys match core.model.Settings fields.
SETTING_KEYS: dict[str, tuple[object, str]] = {
    "agency_name": ("Your agency", N_("Shown on the report cover and in e-mails.")),
    "brand_colour": ("#1F4E79", N_("Report accent colour, #RRGGBB.")),
    "default_locale": ("en_US", N_("Locale for clients without one.")),
    "report_period": (None, N_("YYYY-MM; blank: the last complete month.")),
    "on_track_min": (0.95, N_("Pace at or above this share of the expected value is on track.")),
    "at_risk_min": (0.85, N_("Pace from this share up to on_track_min is at risk; below it, off track.")),
    "baseline_method": ("previous_3_months", N_("previous_3_months or same_period_last_year.")),
    "smtp_host": (None, N_("Mail server for kpi-xl send.")),
    "smtp_port": (None, N_("587 for STARTTLS, 465 for SSL.")),
    "smtp_security": ("starttls", N_("starttls, ssl or none.")),
    "smtp_user": (None, N_("Login; the password comes only from KPI_XL_SMTP_PASSWORD or the keyring.")),
    "from_address": (None, N_("Sender address of report e-mails.")),
}

#: Settings whose value is one of a fixed list (the template's dropdowns, the reader's check).
SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "baseline_method": ("previous_3_months", "same_period_last_year"),
    "smtp_security": ("starttls", "ssl", "none"),
}

#: The workbook's own measures and KPIs: an optional sheet (workbooks from before it still read), two
#: tables side by side. Choices are the registry's values (sum/first/last, currency..., higher/lower...).
CUSTOM_SHEET = "Custom KPIs"
CUSTOM_MEASURES = Table(CUSTOM_SHEET, "tblMeasures", (
    C("measure", "Measure", K.TEXT, True,
      N_("The header of an extra Actuals column, e.g. Video views; formulas name it video_views.")),
    C("aggregation", "Aggregation", K.TEXT, False,
      N_("How a period adds up: sum (flows such as views), first or last (stocks such as followers). Blank: sum.")),
    C("description", "Description", K.TEXT, False, N_("What the measure counts.")),
), N_("One row per custom measure: add a column with the same header to the Actuals table."))
CUSTOM_KPIS = Table(CUSTOM_SHEET, "tblKpis", (
    C("code", "Code", K.TEXT, True, N_("A short code for the Goals sheet, e.g. CPV: letters, digits and _.")),
    C("name", "Name", K.TEXT, True, N_("The KPI's name, shown as written in every report.")),
    C("formula", "Formula", K.TEXT, True,
      N_("Measure keys, numbers, + - * / and parentheses, e.g. cost / video_views: over a period's totals.")),
    C("unit", "Unit", K.TEXT, True, N_("currency, percent, ratio, count, seconds or score.")),
    C("better", "Better", K.TEXT, True, N_("higher or lower: which way is good.")),
    C("stage", "Stage", K.TEXT, True,
      N_("The report section: awareness, conversion, retention, advocacy or conversational.")),
    C("description", "Description", K.TEXT, False, N_("What the KPI tells, shown in the report's appendix.")),
), N_("One row per custom KPI."))

TABLES = (CLIENTS, GOALS, ACTUALS, SETTINGS)
DASHBOARD_SHEET = "Dashboard"
CONFIG_SHEET = "xlwings.conf"   # two columns: "UDF Modules" | "kpi_xl.udfs"
