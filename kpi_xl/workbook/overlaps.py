"""Actuals rows that count the same thing twice without repeating each other: ``kpi-xl check``'s
warnings for what the exactly-once import cannot see.

- **Typed by hand and imported.** A row with no Source and an imported row with the same date,
  client, channel and campaign are both added up: usually the import replaces the typed figures.
- **The same sales from two kinds of source.** An ad platform's attributed conversion value and
  conversions (Google Ads, Meta, Microsoft, LinkedIn, TikTok) and a store's or analytics' total
  (Shopify, GA4) describe the same orders: on one client's day with both, REVENUE, MER and the
  all-channel ROAS count those sales twice. The rule (README "Getting the data in"): revenue and
  conversions come from one kind of source per client; import the other with ``--map`` to nothing
  else, or keep it out.

>>> import datetime as dt
>>> day = dt.date(2026, 5, 5)
>>> values = {"date": [day, day, day], "channel": ["Search", "Search", "Store"], "campaign": ["Brand", "brand", ""],
...           "source": [None, "google_ads", "shopify"], "revenue": [None, 50.0, 80.0], "conversions": [2.0, 3.0, None]}
>>> found = []
>>> flag_overlaps(values, ["Acme"] * 3, [2, 3, 4], lambda i, key, template, **p: found.append((i, key, p)))
>>> found  # doctest: +NORMALIZE_WHITESPACE
[(0, 'source', {'other': '3'}), (2, 'revenue', {'other': '3', 'date': '2026-05-05', 'source': 'shopify',
  'platform': 'google_ads'})]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from kpi_xl.core.registry import N_

__all__ = ["AD_SOURCES", "HAND_AND_IMPORTED", "SALES_SOURCES", "SAME_SALES_TWICE", "flag_overlaps"]

#: The Source of rows imported from an ad platform (its own attribution) and from a store or analytics.
AD_SOURCES = frozenset({"google_ads", "meta", "microsoft_ads", "linkedin", "tiktok"})
SALES_SOURCES = frozenset({"ga4", "shopify"})

HAND_AND_IMPORTED = N_("the row is typed by hand (no Source) and row {other} imports the same date, client, "
                       "channel and campaign: both are added up; delete the typed row if the import replaces it")
SAME_SALES_TWICE = N_("{date}: {source} reports the client's sales and row {other} the {platform} attribution of "
                      "the same sales: revenue and conversions counted twice in totals, MER and ROAS. Keep one kind "
                      "of source per client (README \"Getting the data in\")")

Flag = Callable[..., None]


def flag_overlaps(values: Mapping[str, Sequence[object]], clients: Sequence[object], numbers: Sequence[int],
                  flag: Flag) -> None:
    """Calls ``flag(i, column, template, **params)`` for each row ``i`` (``numbers[i]`` its sheet row)
    that counts what another row counts; one pass over the rows."""
    dates, channels, campaigns = values["date"], values["channel"], values["campaign"]
    sources = values.get("source") or [None] * len(dates)
    if not any(str(source or "") for source in set(sources)):  # nothing imported: no row to count twice
        return
    imported: dict[tuple[object, ...], int] = {}
    hand: list[tuple[int, tuple[object, ...]]] = []
    ads: dict[tuple[object, object, str], int] = {}      # (client, date, measure) -> an ad platform's row
    sales: list[tuple[int, tuple[object, object, str], str]] = []
    measures = [m for m in ("revenue", "conversions") if m in values]
    for i, day in enumerate(dates):
        if not isinstance(day, dt.date):
            continue
        key = (clients[i], day, str(channels[i] or "").casefold(), str(campaigns[i] or "").casefold())
        source = str(sources[i] or "").casefold()
        if not source:
            hand.append((i, key))
            continue
        imported.setdefault(key, i)
        if source in AD_SOURCES or source in SALES_SOURCES:
            for measure in measures:
                if values[measure][i]:
                    if source in AD_SOURCES:
                        ads.setdefault((clients[i], day, measure), i)
                    else:
                        sales.append((i, (clients[i], day, measure), source))
    for i, key in hand:
        if (j := imported.get(key)) is not None:
            flag(i, "source", HAND_AND_IMPORTED, other=str(numbers[j]))
    told: set[tuple[object, object]] = set()
    for i, (client, day, measure), source in sales:
        j = ads.get((client, day, measure))
        if j is not None and (client, day) not in told:
            told.add((client, day))
            flag(i, measure, SAME_SALES_TWICE, other=str(numbers[j]), date=day.isoformat(),  # type: ignore[union-attr]
                 source=source, platform=str(sources[j]))
