"""Exactly once: which Actuals rows a set of exports adds, replaces and removes.

An export replaces, for one client and one source (its platform, or ``--source``), every Actuals row
dated inside the range it covers; rows outside it, rows of other sources and rows typed by hand (no
Source) are never touched. A row with the same day, channel and campaign as one it replaces is
rewritten where it stands, so restating recent days moves nothing; identical rows are left alone,
so importing the same file twice changes nothing. Exports are applied in the order given: a later
one that overlaps an earlier one wins on the days they share.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from kpi_xl.core.model import Actuals
>>> from kpi_xl.importing.model import Export, ExportRow
>>> day = dt.date(2026, 5, 5)
>>> old = Actuals.from_rows([{"date": day, "client": "Acme", "channel": "Search", "campaign": "Brand",
...                           "source": "google_ads", "cost": 10.0, "row": 2},
...                          {"date": day, "client": "Acme", "channel": "Search", "cost": 3.0, "row": 3}])
>>> rows = [ExportRow(day, "Search", "Brand", {"cost": Decimal("12.5")}), ExportRow(day, "Search", "Generic", {})]
>>> plan = plan_import(old, "Acme", [Export("a.csv", "google_ads", "Google Ads", "daily", day, day, None, rows)])
>>> sorted(plan.update), [r.campaign for r in plan.append], plan.delete
([2], ['Generic'], set())
>>> change = plan.files[0]
>>> change.added, change.replaced, change.removed
(1, 1, 0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from kpi_xl.core.model import Actuals
from kpi_xl.importing.model import Export

__all__ = ["FileChange", "NewRow", "Plan", "plan_import"]


@dataclass(slots=True)
class NewRow:
    """An Actuals row to write."""

    date: dt.date
    client: str
    channel: str
    campaign: str
    source: str
    values: dict[str, Decimal]

    @property
    def key(self) -> tuple[dt.date, str, str]:
        return self.date, self.channel.casefold(), self.campaign.casefold()


@dataclass(slots=True)
class FileChange:
    """What one export does to Actuals."""

    export: Export
    source: str
    added: int = 0
    replaced: int = 0      # rewritten with new figures
    unchanged: int = 0     # already there with the same figures
    removed: int = 0       # no longer in the export's range


@dataclass(slots=True)
class Plan:
    client: str
    update: dict[int, NewRow] = field(default_factory=dict)   # sheet row -> its new content
    append: list[NewRow] = field(default_factory=list)
    delete: set[int] = field(default_factory=set)             # sheet rows to remove
    files: list[FileChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.update or self.append or self.delete)


def _same(actuals: Actuals, i: int, row: NewRow) -> bool:
    if (actuals.channels[i], actuals.campaigns[i]) != (row.channel, row.campaign):
        return False
    return all(column[i] == (float(row.values[name]) if name in row.values else None)
               for name, column in actuals.measures.items())


def plan_import(actuals: Actuals, client: str, exports: Sequence[Export], *, channel: str | None = None,
                source: str | None = None) -> Plan:
    """The changes that put ``exports`` into ``actuals`` for ``client`` (the Clients sheet's spelling)."""
    plan = Plan(client)
    origins = actuals.origins or [""] * len(actuals)
    mine = [i for i, name in enumerate(actuals.clients) if name == client and origins[i]]
    for export in exports:
        label = source or export.platform
        change = FileChange(export, label)
        plan.files.append(change)
        if export.start is None or export.end is None:
            continue
        start, end = export.start, export.end
        # The export's values dicts are shared, not copied: nothing changes them once read.
        new = [NewRow(r.date, client, channel or r.channel, r.campaign, label, r.values) for r in export.rows]
        # Rows written earlier in this run for the same source and range give way first.
        kept = [r for r in plan.append if not (r.source.casefold() == label.casefold() and start <= r.date <= end)]
        change.removed += len(plan.append) - len(kept)
        plan.append = kept
        old = [i for i in mine if origins[i].casefold() == label.casefold() and start <= actuals.dates[i] <= end
               and actuals.sources[i] not in plan.delete]
        by_key: dict[tuple[dt.date, str, str], list[int]] = {}
        for i in old:
            key = (actuals.dates[i], actuals.channels[i].casefold(), actuals.campaigns[i].casefold())
            by_key.setdefault(key, []).append(i)
        if not by_key:   # nothing of this source in the range yet: every row is new
            plan.append.extend(new)
            change.added += len(new)
            continue
        for row in new:
            places = by_key.get(row.key)
            if not places:
                plan.append.append(row)
                change.added += 1
                continue
            i = places.pop(0)
            if _same(actuals, i, row) and actuals.sources[i] not in plan.update:
                change.unchanged += 1
            else:
                plan.update[actuals.sources[i]] = row
                change.replaced += 1
        for places in by_key.values():
            for i in places:
                plan.update.pop(actuals.sources[i], None)
                plan.delete.add(actuals.sources[i])
                change.removed += 1
    if len(exports) > 1 or channel:   # else in the export's order, which is this one (Export.rows)
        plan.append.sort(key=attrgetter("date", "channel", "campaign"))
    return plan
