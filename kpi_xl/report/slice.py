"""One client's part of a workbook: what its report reads, nothing more.

A report scans the Actuals once per channel it shows; on the client's own rows rather than the whole
workbook's that is several times faster (9 scans of 11,780 rows: 23 ms; of 3,000: 6 ms), and a
worker process receives only its client's rows.

>>> import datetime as dt
>>> from kpi_xl.core.model import Client, Settings
>>> rows = Actuals.from_rows([{"date": dt.date(2026, 9, 1), "client": c, "cost": 1.0} for c in "ABA"])
>>> data = WorkbookData({c: Client(c, (), "en_US", "EUR") for c in "AB"}, [], rows, Settings())
>>> part = client_slice(data, "A")
>>> list(part.clients), len(part.actuals), part.actuals.sources
(['A'], 2, [2, 4])
"""

from __future__ import annotations

from kpi_xl.core.model import Actuals, WorkbookData

__all__ = ["client_slice"]


def client_slice(data: WorkbookData, client: str) -> WorkbookData:
    """The part of the workbook one client's report reads: its rows, its goals, the settings."""
    actuals = data.actuals
    rows = [i for i, name in enumerate(actuals.clients) if name == client]
    part = Actuals(
        dates=[actuals.dates[i] for i in rows],
        clients=[client] * len(rows),
        channels=[actuals.channels[i] for i in rows],
        campaigns=[actuals.campaigns[i] for i in rows],
        measures={name: [column[i] for i in rows] for name, column in actuals.measures.items()},
        sources=[actuals.sources[i] for i in rows] if actuals.sources else [],
        custom=dict(actuals.custom),
    )
    return WorkbookData(
        clients={client: data.clients[client]}, goals=[g for g in data.goals if g.client == client],
        actuals=part, settings=data.settings, source=data.source, kpis=dict(data.kpis),
        custom_measures=dict(data.custom_measures),
    )
