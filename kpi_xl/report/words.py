"""What every part of a report's text starts from: the client, the month, the locale's words and
number formats, and the client's Actuals seen per channel (each view built once per report).

The report's parts (:mod:`~kpi_xl.report.summary`, :mod:`~kpi_xl.report.goal_table`,
:mod:`~kpi_xl.report.stages`, :mod:`~kpi_xl.report.appendix`) are written on top of this class and
put together in :class:`kpi_xl.report.context.ReportWriter`.
"""

from __future__ import annotations

from kpi_xl.core.aggregate import ActualsView
from kpi_xl.core.custom import CustomKpi
from kpi_xl.core.model import Client, WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import Kpi
from kpi_xl.core.tracking import GoalStatus
from kpi_xl.i18n import translator
from kpi_xl.report import charts
from kpi_xl.report.format import Formatter

__all__ = ["ReportWords"]


class ReportWords:
    """One client's month in one locale: what the report's parts write with."""

    def __init__(self, data: WorkbookData, client: Client, period: Month, locale: str) -> None:
        self.data = data
        self.client = client
        self.period = period
        self.locale = locale
        translations = translator(locale)
        self._ = translations.gettext
        self.ngettext = translations.ngettext
        self.fmt = Formatter(locale, client.currency)
        self.brand = charts.safe_colour(data.settings.brand_colour)
        self._views: dict[str | None, ActualsView] = {}

    def view(self, channel: str | None) -> ActualsView:
        if channel not in self._views:
            self._views[channel] = ActualsView(self.data.actuals, self.client.name, channel)
        return self._views[channel]

    def own(self, kpi: Kpi, text: str) -> str:
        """A KPI's name or description in the report's language; a custom KPI's (Custom KPIs sheet)
        as the workbook wrote it."""
        return text if isinstance(kpi, CustomKpi) or not text else self._(text)

    def kpi_label(self, status: GoalStatus) -> str:
        """The KPI and its channel: "Click-through rate (CTR) – Meta Ads" (KPI names often end in a
        parenthesis already: a second one, "(CTR) (Meta Ads)", reads as a typo)."""
        name = self.own(status.kpi, status.kpi.name)
        return self._("{kpi} – {channel}").format(kpi=name, channel=status.goal.channel) if status.goal.channel \
            else name
