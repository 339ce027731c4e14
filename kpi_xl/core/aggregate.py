"""KPI values over slices of the Actuals: a client, optionally a channel, a window of days.

A KPI over a window is always the KPI of the window's totals (a ratio of sums). Flow measures
(cost, clicks) are summed with ``math.fsum``; stock measures (customers at start, at end) take the
value on the first or last day of the window that has data.

>>> import datetime as dt
>>> from kpi_xl.core.model import Actuals
>>> from kpi_xl.core.registry import get
>>> rows = Actuals.from_rows([
...     {"date": dt.date(2026, 9, 1), "client": "A", "channel": "Search", "cost": 100.0, "conversions": 1.0},
...     {"date": dt.date(2026, 9, 2), "client": "A", "channel": "Search", "cost": 100.0, "conversions": 9.0},
...     {"date": dt.date(2026, 9, 2), "client": "A", "channel": "Social", "cost": 40.0, "conversions": None},
... ])
>>> view = ActualsView(rows, "A")
>>> view.value(get("CPA"), dt.date(2026, 9, 1), dt.date(2026, 9, 30))
24.0
>>> ActualsView(rows, "A", "Search").value(get("CPA"), dt.date(2026, 9, 1), dt.date(2026, 9, 1))
100.0
>>> view.value(get("CPA"), dt.date(2026, 10, 1), dt.date(2026, 10, 31)) is None   # no rows: no value
True
>>> view.channels()
['Search', 'Social']

Over every channel, ROAS counts only the channels that had ad cost; MER counts them all:

>>> rows = Actuals.from_rows([
...     {"date": dt.date(2026, 9, 1), "client": "A", "channel": "Search", "cost": 100.0, "revenue": 300.0},
...     {"date": dt.date(2026, 9, 1), "client": "A", "channel": "WhatsApp", "revenue": 200.0},
... ])
>>> [ActualsView(rows, "A").value(get(k), dt.date(2026, 9, 1), dt.date(2026, 9, 1)) for k in ("ROAS", "MER")]
[3.0, 5.0]
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from kpi_xl.core.errors import KpiError
from kpi_xl.core.model import Actuals
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import MEASURES, Aggregation, Kpi

__all__ = ["ActualsView", "kpi_of_totals"]


def kpi_of_totals(kpi: Kpi, totals: dict[str, float | None]) -> float | None:
    """The KPI from measure totals; None when a measure has no data or the KPI is undefined (0/0)."""
    values = [totals.get(m) for m in kpi.measures]
    if not kpi.measures or any(v is None for v in values):
        return None
    try:
        return kpi.compute(*values)
    except KpiError:
        return None


class ActualsView:
    """The rows of one client (and channel, None for all), sorted by date, for fast window sums."""

    def __init__(self, actuals: Actuals, client: str, channel: str | None = None) -> None:
        mine = [i for i, c in enumerate(actuals.clients) if c == client]
        wanted = mine if channel is None else [i for i in mine if actuals.channels[i] == channel]
        wanted.sort(key=actuals.dates.__getitem__)
        #: The client's first row, on any channel: before it there is no history, not a zero.
        self.history_start: dt.date | None = min((actuals.dates[i] for i in mine), default=None)
        self.dates: list[dt.date] = [actuals.dates[i] for i in wanted]
        self._channels = [actuals.channels[i] for i in wanted]
        self._rows = wanted
        self._every_channel = channel is None
        self._measures = actuals.measures
        self._custom = actuals.custom
        # A view reads a few of the ~34 measures: each column is copied the first time it is asked for.
        self._columns: dict[str, list[float | None]] = {}

    def __len__(self) -> int:
        return len(self.dates)

    def _column(self, measure: str) -> list[float | None]:
        column = self._columns.get(measure)
        if column is None:
            source = self._measures[measure]
            column = self._columns[measure] = [source[i] for i in self._rows]
        return column

    def channels(self) -> list[str]:
        return sorted({c for c in self._channels if c})

    @property
    def first_date(self) -> dt.date | None:
        return self.dates[0] if self.dates else None

    @property
    def last_date(self) -> dt.date | None:
        return self.dates[-1] if self.dates else None

    def _bounds(self, start: dt.date, end: dt.date) -> tuple[int, int]:
        return bisect_left(self.dates, start), bisect_right(self.dates, end)

    def days_with(self, measure: str, start: dt.date, end: dt.date) -> int:
        """How many days of the window have a value of ``measure`` (daily data: all of them; losses
        recorded once a month: one)."""
        lo, hi = self._bounds(start, end)
        column = self._column(measure)
        return len({self.dates[i] for i in range(lo, hi) if column[i] is not None})

    def total(self, measure: str, start: dt.date, end: dt.date) -> float | None:
        """One measure over the window; None when no row in it has a value."""
        lo, hi = self._bounds(start, end)
        column = self._column(measure)
        aggregation = self._aggregation(measure)
        if aggregation is Aggregation.SUM:
            values = [v for v in column[lo:hi] if v is not None]
            return math.fsum(values) if values else None
        indices: Sequence[int] = range(lo, hi) if aggregation is Aggregation.FIRST else range(hi - 1, lo - 1, -1)
        for i in indices:  # the first (or last) day with data, summed over that day's rows
            if column[i] is not None:
                day = self.dates[i]
                same_day = range(*self._bounds(day, day))
                return math.fsum(column[j] for j in same_day if column[j] is not None)  # type: ignore[misc]
        return None

    def _aggregation(self, measure: str) -> Aggregation:
        known = MEASURES.get(measure)
        return known.aggregation if known is not None else self._custom.get(measure, Aggregation.SUM)

    def _reporting(self, measures: Sequence[str], start: dt.date, end: dt.date) -> set[str]:
        """The channels with a value of every one of ``measures`` in the window."""
        lo, hi = self._bounds(start, end)
        found: set[str] | None = None
        for measure in measures:
            column = self._column(measure)
            mine = {self._channels[i] for i in range(lo, hi) if column[i] is not None}
            found = mine if found is None else found & mine
        return found or set()

    def _totals_in(self, channels: set[str], measures: Sequence[str], start: dt.date, end: dt.date
                   ) -> dict[str, float | None]:
        """Like :meth:`totals`, over the rows of ``channels`` only."""
        lo, hi = self._bounds(start, end)
        rows = [i for i in range(lo, hi) if self._channels[i] in channels]
        totals: dict[str, float | None] = {}
        for measure in measures:
            column = self._column(measure)
            aggregation = self._aggregation(measure)
            with_value = [i for i in rows if column[i] is not None]
            if not with_value:
                totals[measure] = None
            elif aggregation is Aggregation.SUM:
                totals[measure] = math.fsum(column[i] for i in with_value)  # type: ignore[misc]
            else:  # the first (or last) day with data, summed over that day's rows of these channels
                day = self.dates[with_value[0] if aggregation is Aggregation.FIRST else with_value[-1]]
                totals[measure] = math.fsum(column[i] for i in with_value if self.dates[i] == day)  # type: ignore[misc]
        return totals

    def totals(self, measures: Sequence[str], start: dt.date, end: dt.date) -> dict[str, float | None]:
        return {m: self.total(m, start, end) for m in measures}

    def totals_where_reported(self, own: Sequence[str], measures: Sequence[str], start: dt.date, end: dt.date
                              ) -> dict[str, float | None]:
        """Like :meth:`totals`; over every channel, only the channels reporting the workbook's own
        measures among ``own`` count, as in :meth:`value` (no Search cost in a cost per video view)."""
        own = [m for m in own if m in self._custom]
        if not own or not self._every_channel:
            return self.totals(measures, start, end)
        return self._totals_in(self._reporting(own, start, end), measures, start, end)

    def paid_channels(self, start: dt.date, end: dt.date) -> set[str]:
        """The channels with ad cost (above zero) in the window."""
        lo, hi = self._bounds(start, end)
        cost = self._column("cost")
        spent: dict[str, float] = {}
        for i in range(lo, hi):
            if cost[i]:
                spent[self._channels[i]] = spent.get(self._channels[i], 0.0) + cost[i]  # type: ignore[operator]
        return {channel for channel, total in spent.items() if total > 0}

    def _paid_totals(self, measures: Sequence[str], start: dt.date, end: dt.date) -> dict[str, float | None]:
        """Flow measures summed over the rows of the channels with ad cost in the window only."""
        paid = self.paid_channels(start, end)
        lo, hi = self._bounds(start, end)
        rows = [i for i in range(lo, hi) if self._channels[i] in paid]
        totals: dict[str, float | None] = {}
        for measure in measures:
            column = self._column(measure)
            values = [column[i] for i in rows if column[i] is not None]
            totals[measure] = math.fsum(values) if values else None  # type: ignore[arg-type]
        return totals

    def value(self, kpi: Kpi, start: dt.date, end: dt.date) -> float | None:
        """The KPI over the window, as a ratio of the window's totals; None without data.

        An ad-efficiency KPI (ROAS, CPA, CPC, CPM) over every channel counts only the channels with
        ad cost in the window: WhatsApp's revenue was not bought with ads. A custom KPI over one of
        the workbook's own measures and others counts only the channels reporting its own measures.
        """
        if kpi.paid and self._every_channel:
            return kpi_of_totals(kpi, self._paid_totals(kpi.measures, start, end))
        own = [m for m in kpi.measures if m in self._custom]
        if own and len(kpi.measures) > 1 and self._every_channel:
            # A workbook's own measure (video views) over every channel: only the channels that report
            # it count, or Search's cost would land in a cost per video view.
            return kpi_of_totals(kpi, self._totals_in(self._reporting(own, start, end), kpi.measures, start, end))
        return kpi_of_totals(kpi, self.totals(kpi.measures, start, end))

    def monthly(self, kpi: Kpi, first: Month, last: Month) -> list[tuple[Month, float | None]]:
        """The KPI for each calendar month from ``first`` to ``last``, both included."""
        months = []
        month = first
        while month <= last:
            months.append((month, self.value(kpi, month.first_day, month.last_day)))
            month = month + 1
        return months
