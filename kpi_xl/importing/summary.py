"""What an import did, as rows of a table (the command line prints it, the Excel button writes it on
a sheet) and as a JSON-ready dict. Headers and measure names come through gettext.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from kpi_xl.importing.model import Export, ExportRow
>>> from kpi_xl.importing.plan import FileChange
>>> day = dt.date(2026, 5, 5)
>>> export = Export("a.csv", "google_ads", "Google Ads", "daily", day, day, "USD",
...                 [ExportRow(day, "Search", "Brand", {"cost": Decimal("12.5"), "clicks": Decimal("3")})])
>>> for row in summary_rows([FileChange(export, "google_ads", added=1)]):
...     print(row)
['File', 'Platform', 'Days', 'Rows', 'cost', 'clicks']
['a.csv', 'Google Ads', '2026-05-05 (1)', '1', '12.50', '3']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from kpi_xl.core.model import Actuals
from kpi_xl.core.registry import KPIS, MEASURES, N_, Unit
from kpi_xl.importing.errors import ImportNotice, ImportRefusedError
from kpi_xl.importing.plan import FileChange

__all__ = ["MAIN_MEASURES", "change_lines", "json_number", "range_totals", "refusal_line", "summary_json",
           "summary_rows"]

#: The measures a summary shows first, in this order, when any file has them; every other measure a
#: file brings follows (built-in ones in the registry's order, then the workbook's own by key).
MAIN_MEASURES = ("cost", "impressions", "clicks", "conversions", "revenue", "sessions", "orders", "new_customers")
_MONEY = frozenset(k.measures[0] for k in KPIS.values() if k.unit is Unit.CURRENCY and k.measures)

FILE = N_("File")
PLATFORM = N_("Platform")
DAYS = N_("Days")
ROWS = N_("Rows")
ADDED = N_("Added")
REPLACED = N_("Replaced")
UNCHANGED = N_("Unchanged")
REMOVED = N_("Removed")
NO_DAYS = N_("no days")
WOULD_CHANGE = N_("{file}: {source} rows from {start} to {end}, before -> after: {changes}")


def _brought(totals: Sequence[dict[str, Decimal]]) -> list[str]:
    """The measures past the main ones that any of ``totals`` has: nothing a file brings is left out."""
    present = {m for t in totals for m in t} - set(MAIN_MEASURES)
    return [m for m in MEASURES if m in present] + sorted(present - set(MEASURES))


def _label(name: str, _: Callable[[str], str]) -> str:
    """A built-in measure's translated label; a custom one's key (``video_views``), as formulas name it."""
    return _(MEASURES[name].label) if name in MEASURES else name


def _figure(name: str, value: Decimal) -> str:
    return f"{value:.2f}" if name in _MONEY else format(value.normalize(), "f")


def _days(change: FileChange, _: Callable[[str], str]) -> str:
    export = change.export
    if export.start is None or export.end is None:
        return _(NO_DAYS)
    span = export.start.isoformat() if export.start == export.end else f"{export.start}..{export.end}"
    return f"{span} ({export.days})"


def summary_rows(changes: Sequence[FileChange], *, detail: bool = False,
                 gettext: Callable[[str], str] = str) -> list[list[str]]:
    """A header and one row per file: file, platform, days, rows (with ``detail``: added, replaced,
    unchanged, removed) and the exact totals of every measure any file has, the main ones first."""
    _ = gettext
    totals = [change.export.totals() for change in changes]
    shown = [m for m in MAIN_MEASURES if any(m in t for t in totals)] + _brought(totals)
    counts = [ADDED, REPLACED, UNCHANGED, REMOVED] if detail else [ROWS]
    rows = [[_(FILE), _(PLATFORM), _(DAYS), *map(_, counts), *(_label(m, _) for m in shown)]]
    for change, total in zip(changes, totals, strict=True):
        numbers = ([change.added, change.replaced, change.unchanged, change.removed] if detail
                   else [len(change.export.rows)])
        rows.append([change.export.file, change.export.title, _days(change, _), *map(str, numbers),
                     *(_figure(m, total[m]) if m in total else "" for m in shown)])
    return rows


def refusal_line(error: ImportRefusedError, gettext: Callable[[str], str] = str) -> str:
    return error.text(gettext)


def json_number(value: Decimal) -> int | float:
    """A total as a JSON number: an integer when whole, else the float that prints as the same digits
    (``float`` round-trips up to 15 significant digits, so money stays exact to the cent).

    >>> json_number(Decimal("14150.00")), json_number(Decimal("40011.88")), json_number(Decimal("87.113579"))
    (14150, 40011.88, 87.113579)
    """
    return int(value) if value == value.to_integral_value() else float(value)


def summary_json(changes: Sequence[FileChange], refused: Sequence[ImportRefusedError], *, written: bool,
                 notices: Sequence[ImportNotice] = ()) -> dict[str, object]:
    """The import for scripts: every file's range, counts and exact totals (JSON numbers), every
    refusal, every notice (a column left out, a row typed by hand that the import doubles...)."""
    return {
        "written": written,
        "files": [{
            "file": c.export.file, "platform": c.export.platform, "source": c.source, "layout": c.export.layout,
            "start": c.export.start.isoformat() if c.export.start else None,
            "end": c.export.end.isoformat() if c.export.end else None,
            "currency": c.export.currency, "rows": len(c.export.rows), "added": c.added, "replaced": c.replaced,
            "unchanged": c.unchanged, "removed": c.removed,
            "totals": {name: json_number(value) for name, value in c.export.totals().items()},
        } for c in changes],
        "refused": [{"file": e.file, "line": e.line, "message": e.text()} for e in refused],
        "notices": [{"file": n.file, "line": n.line, "message": n.text()} for n in notices],
    }


def range_totals(actuals: Actuals, client: str, change: FileChange) -> dict[str, Decimal]:
    """The exact totals of the Actuals rows ``change`` replaces: ``client``'s rows of its source in the
    range its export covers, as the workbook holds them now (what a dry run compares with)."""
    export = change.export
    totals: dict[str, Decimal] = {}
    if export.start is None or export.end is None:
        return totals
    origins = actuals.origins or [""] * len(actuals)
    source = change.source.casefold()
    rows = [i for i, name in enumerate(actuals.clients)
            if name == client and origins[i].casefold() == source and export.start <= actuals.dates[i] <= export.end]
    for name, column in actuals.measures.items():
        figures = [column[i] for i in rows if column[i] is not None]
        if figures:
            totals[name] = sum((Decimal(repr(x)) for x in figures), Decimal(0))
    return totals


def change_lines(changes: Sequence[FileChange], befores: Sequence[dict[str, Decimal]],
                 gettext: Callable[[str], str] = str) -> list[str]:
    """Per file, the totals over its range before and after of the main measures and of every other
    measure the file brings (a custom one by its key): what a dry run would change.

    >>> import datetime as dt
    >>> from kpi_xl.importing.model import Export, ExportRow
    >>> day = dt.date(2025, 7, 1)
    >>> export = Export("a.csv", "google_ads", "Google Ads", "daily", day, day, "USD",
    ...                 [ExportRow(day, "Search", "Brand", {"cost": Decimal("5519.88")})])
    >>> change_lines([FileChange(export, "google_ads", removed=3)], [{"cost": Decimal("40011.88"), "clicks": 3}])
    ['a.csv: google_ads rows from 2025-07-01 to 2025-07-01, before -> after: cost 40011.88 -> 5519.88, clicks 3 -> 0']
    """
    _ = gettext
    lines = []
    for change, before in zip(changes, befores, strict=True):
        export = change.export
        if export.start is None or export.end is None:
            continue
        after = export.totals()
        shown = [m for m in MAIN_MEASURES if m in before or m in after] + _brought([after])
        if not shown:
            continue   # nothing there, nothing coming: the counts say it all
        figures = ", ".join(f"{_label(m, _)} {_figure(m, Decimal(before.get(m, 0)))} -> "
                            f"{_figure(m, after.get(m, Decimal(0)))}" for m in shown)
        lines.append(_(WOULD_CHANGE).format(file=export.file, source=change.source, start=export.start.isoformat(),
                                            end=export.end.isoformat(), changes=figures))
    return lines
