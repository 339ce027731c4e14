"""What an export holds once read: rows on days, the range it covers, its currency.

>>> row = ExportRow(dt.date(2026, 5, 5), "Search", "Brand", {"cost": Decimal("12.50")}, 4)
>>> day, next_day = dt.date(2026, 5, 5), dt.date(2026, 5, 6)
>>> export = Export("ads.csv", "google_ads", "Google Ads", "daily", day, next_day, None, [row])
>>> export.totals(), export.days
({'cost': Decimal('12.50')}, 2)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kpi_xl.importing.errors import ImportNotice
from kpi_xl.importing.platforms import NON_ADDITIVE

__all__ = ["Export", "ExportRow"]


@dataclass(slots=True)
class ExportRow:
    """One Actuals row to be: a day (or a week's or month's first day), channel, campaign, measures."""

    date: dt.date
    channel: str
    campaign: str
    values: dict[str, Decimal]
    line: int = 0               # where the export holds it (its first line, when several were merged)

    @property
    def key(self) -> tuple[dt.date, str, str]:
        return self.date, self.channel.casefold(), self.campaign.casefold()


@dataclass(slots=True)
class Export:
    """A read export. ``start``..``end`` is the range it covers (None: it says none and has no rows)."""

    file: str
    platform: str               # the platform key, the default Source
    title: str                  # the platform's name for people
    layout: str                 # "daily", "weekly" or "monthly"
    start: dt.date | None
    end: dt.date | None
    currency: str | None
    rows: list[ExportRow]       # by date, channel, campaign (as read_export sorts them)
    notes: list[str] = field(default_factory=list)   # English, for the log: columns left out and why
    notices: list[ImportNotice] = field(default_factory=list)   # what the summary tells the reader
    filtered: str = ""          # the label of its "Total: Filtered campaigns" row, when it has one

    def totals(self) -> dict[str, Decimal]:
        """Each additive measure's exact total over the rows (reach and the like are never added up)."""
        totals: dict[str, Decimal] = {}
        for row in self.rows:
            for name, value in row.values.items():
                if name not in NON_ADDITIVE:
                    totals[name] = totals.get(name, Decimal(0)) + value
        return totals

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1 if self.start and self.end else 0
