"""What an import's reader must know about what it does to Actuals, beyond the counts: a row typed by
hand that the import now doubles, campaigns a filtered export removes.

Both are warnings, not refusals: the import goes in (the exactly-once rule decides what it replaces),
and the summary names the rows so a person can decide. One pass over the client's Actuals rows per
file, not per cell.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from kpi_xl.core.model import Actuals
>>> from kpi_xl.importing.model import Export, ExportRow
>>> from kpi_xl.importing.plan import plan_import
>>> day = dt.date(2025, 7, 1)
>>> old = Actuals.from_rows([{"date": day, "client": "Acme", "channel": "Search", "campaign": "Brand",
...                           "cost": 10.0, "row": 7}])
>>> export = Export("ads.csv", "google_ads", "Google Ads", "daily", day, day, "USD",
...                 [ExportRow(day, "Search", "brand", {"cost": Decimal("12.5")}, 4)])
>>> plan = plan_import(old, "Acme", [export])
>>> [n.text() for n in plan_notices(old, plan)]  # doctest: +NORMALIZE_WHITESPACE
['ads.csv:4: 2025-07-01 Search brand: typed by hand in Actuals row 7 and imported too: both are added up.
  Delete the typed row if the import replaces it']
"""

from __future__ import annotations

import datetime as dt

from kpi_xl.core.model import Actuals
from kpi_xl.importing.errors import FILTERED_EXPORT, HAND_TYPED_TWIN, REMOVES_CAMPAIGNS, ImportNotice
from kpi_xl.importing.plan import Plan

__all__ = ["plan_notices"]

_NAMED = 5   # campaigns named in one notice; the rest are counted


def plan_notices(actuals: Actuals, plan: Plan, channel: str | None = None) -> list[ImportNotice]:
    """The warnings of ``plan`` over ``actuals`` (the rows before the import), file by file."""
    notices: list[ImportNotice] = []
    n = len(actuals)
    origins = actuals.origins or [""] * n
    rows = [i for i in range(n) if actuals.clients[i] == plan.client]
    hand: dict[tuple[dt.date, str, str], int] = {}
    for i in rows:
        if not origins[i]:
            hand.setdefault((actuals.dates[i], actuals.channels[i].casefold(), actuals.campaigns[i].casefold()), i)
    for change in plan.files:
        export = change.export
        if export.start is None or export.end is None:
            continue
        span = {"start": export.start.isoformat(), "end": export.end.isoformat()}
        for row in export.rows:
            key = (row.date, (channel or row.channel).casefold(), row.campaign.casefold())
            i = hand.get(key)
            if i is not None:
                notices.append(ImportNotice(export.file, row.line, HAND_TYPED_TWIN, date=row.date.isoformat(),
                                            channel=channel or row.channel, campaign=row.campaign,
                                            row=str(actuals.sources[i])))
        gone: list[str] = []
        if change.removed:
            kept = {r.campaign.casefold() for r in export.rows}
            gone = sorted({actuals.campaigns[i] for i in rows
                           if origins[i].casefold() == change.source.casefold()
                           and export.start <= actuals.dates[i] <= export.end
                           and actuals.campaigns[i].casefold() not in kept})
        if gone:   # named, whether the export says it is filtered or not
            named = ", ".join(gone[:_NAMED]) + (", …" if len(gone) > _NAMED else "")
            notices.append(ImportNotice(export.file, 0, REMOVES_CAMPAIGNS, count=str(len(gone)),
                                        campaigns=named, **span))
        elif export.filtered:   # nothing lost yet: what importing it means, before anything is
            notices.append(ImportNotice(export.file, 0, FILTERED_EXPORT, label=export.filtered,
                                        source=change.source, **span))
    return notices
