"""What a workbook holds, as plain data: clients, goals, actuals and settings.

Every object remembers where it came from (``source``: ``"Goals!A7"``) so that any later finding can
name the place. The reader (:mod:`kpi_xl.workbook.read`) builds these; everything after reading, for
the command line and for the Excel button alike, works on them.

Actuals are stored by column (one list per field) because a workbook can hold 100,000 rows and
every KPI over a period is a sum over a slice of them.

>>> import datetime as dt
>>> rows = Actuals.from_rows([
...     {"date": dt.date(2026, 9, 1), "client": "Acme", "channel": "Search", "cost": 100.0, "conversions": 4.0},
...     {"date": dt.date(2026, 9, 2), "client": "Acme", "channel": "Social", "cost": 50.0, "conversions": None},
... ])
>>> len(rows), rows.measures["conversions"]
(2, [4.0, None])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kpi_xl.core.periods import Month
from kpi_xl.core.registry import MEASURES, Aggregation, Kpi, get

__all__ = ["Actuals", "Client", "Goal", "Settings", "WorkbookData"]


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    emails: tuple[str, ...]
    locale: str             # one of kpi_xl.i18n.SUPPORTED_LOCALES, already resolved
    currency: str           # ISO 4217 code, upper case
    commentary: str = ""    # the analyst's words for this period's report
    source: str = ""        # "Clients!A3"
    email_sources: tuple[str, ...] = ()  # the cell each address came from, for located errors


@dataclass(frozen=True, slots=True)
class Goal:
    """One SMART goal row. Either ``target`` or ``improvement`` is given (both: target wins).

    ``improvement`` is a fraction (0.10 for 10 %) in the KPI's good direction: for a lower-is-better
    KPI a 10 % improvement means 10 % lower.
    """

    client: str
    kpi: str                      # registry code, upper case
    start: dt.date
    end: dt.date                  # inclusive
    channel: str | None = None    # None: every channel
    baseline: float | None = None  # None: computed from history
    improvement: float | None = None
    target: float | None = None
    objective: str = ""
    owner: str = ""
    notes: str = ""
    source: str = ""              # "Goals!A7"
    planned_cost: float | None = None  # the spend planned for the window (optional): the budget check

    @property
    def label(self) -> str:
        return f"{self.kpi} ({self.channel})" if self.channel else self.kpi


@dataclass(frozen=True, slots=True)
class Settings:
    agency_name: str = "kpi_xl"
    brand_colour: str = "#1F4E79"
    default_locale: str = "en_US"
    report_period: Month | None = None        # None: the last complete month (core.periods.report_month)
    on_track_min: float = 0.95                 # pace >= 95 % of expected: on track
    at_risk_min: float = 0.85                  # 85 % to 95 %: at risk; below: off track
    baseline_method: str = "previous_3_months"  # or "same_period_last_year"
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str | None = None           # "starttls", "ssl" or "none"
    smtp_user: str | None = None
    from_address: str | None = None


@dataclass(slots=True)
class Actuals:
    """Daily or monthly rows, by column. ``measures[name][i]`` is None for an empty cell."""

    dates: list[dt.date] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # the Source column: the platform imported from, or ""
    measures: dict[str, list[float | None]] = field(default_factory=dict)
    sources: list[int] = field(default_factory=list)  # the sheet row number of each row
    #: The workbook's custom measures (Custom KPIs sheet) and how each adds up over a period.
    custom: dict[str, Aggregation] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.dates)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]],
                  custom: Mapping[str, Aggregation] | None = None) -> Actuals:
        """Builds columns from dict rows (tests, the demo generator); unknown keys are refused.
        ``custom``: the workbook's own measures and their aggregation."""
        custom = dict(custom or {})
        actuals = cls(measures={name: [] for name in [*MEASURES, *custom]}, custom=custom)
        for number, row in enumerate(rows, start=2):
            unknown = set(row) - {"date", "client", "channel", "campaign", "source", "row"} - set(actuals.measures)
            if unknown:
                raise KeyError(f"unknown Actuals fields: {sorted(unknown)}")
            actuals.dates.append(row["date"])  # type: ignore[arg-type]
            actuals.clients.append(str(row["client"]))
            actuals.channels.append(str(row.get("channel") or ""))
            actuals.campaigns.append(str(row.get("campaign") or ""))
            actuals.origins.append(str(row.get("source") or ""))
            actuals.sources.append(int(row.get("row", number)))  # type: ignore[call-overload]
            for name, column in actuals.measures.items():
                value = row.get(name)
                column.append(None if value is None else float(value))  # type: ignore[arg-type]
        return actuals

    @property
    def latest_date(self) -> dt.date | None:
        """The data-freshness date: the last day any row covers."""
        return max(self.dates, default=None)


@dataclass(slots=True)
class WorkbookData:
    clients: dict[str, Client]
    goals: list[Goal]
    actuals: Actuals
    settings: Settings
    source: str = ""  # the file path, or the workbook's name in Excel
    #: The workbook's own KPIs (Custom KPIs sheet) by code; built-in codes are in the registry.
    kpis: dict[str, Kpi] = field(default_factory=dict)
    #: The custom measures' Actuals headers and descriptions by key (``video_views``: ("Video views", "...")).
    custom_measures: dict[str, tuple[str, str]] = field(default_factory=dict)

    def kpi(self, code: str) -> Kpi:
        """The KPI of a goal's code: the workbook's own, or the registry's."""
        return self.kpis.get(code) or get(code)
