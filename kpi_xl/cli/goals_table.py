"""The ``kpi-xl goals`` output: every goal with baseline, target, actual, expected to date, forecast,
status and SMART findings, as a table for a terminal (English, the client's currency) or as JSON
records for scripts (``--json``)."""

from __future__ import annotations

import datetime as dt
import decimal
import math

from babel.numbers import format_currency, format_decimal, format_percent

from kpi_xl.cli.table import format_table
from kpi_xl.core.goals import evaluate_goals
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.registry import Unit
from kpi_xl.core.tracking import GoalStatus
from kpi_xl.report.format import money_digits, span

__all__ = ["format_quantity", "goal_record", "goals_records", "goals_table"]

_LOCALE = "en_US"


def format_quantity(value: float | None, unit: Unit | str, currency: str = "USD") -> str:
    """A value in its unit, for the terminal.

    >>> format_quantity(0.0234, Unit.PERCENT), format_quantity(1234.5, Unit.CURRENCY, "EUR")
    ('2.34%', '€1,234.50')
    >>> format_quantity(95.0, Unit.SECONDS), format_quantity(None, Unit.COUNT), format_quantity(3, "months")
    ('95 s', '–', '3 months')
    >>> format_quantity(0.02392, Unit.CURRENCY, "EUR"), format_quantity(0.4, Unit.CURRENCY, "VND")
    ('€0.0239', '₫0.4')
    >>> format_quantity(1e308, Unit.CURRENCY, "EUR")[:8], format_quantity(float("inf"), Unit.PERCENT)
    ('€100,000', '∞')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    with decimal.localcontext() as context:
        context.prec = 400  # a float has up to ~310 digits: the default 28 fails from 1e26 on (a 1e308 target)
        return _format_quantity(value, unit, currency)


def _format_quantity(value: float, unit: Unit | str, currency: str) -> str:
    if unit in ("days", "months"):
        return span(value, str(unit), _LOCALE)
    if unit is Unit.PERCENT:
        misleading = value not in (0, 1, -1) and round(value * 100, 2) in (0, 100, -100)  # -99.999 %, not -100 %
        return format_percent(value, "#,##0.####%" if misleading else "#,##0.##%", locale=_LOCALE)
    if unit is Unit.CURRENCY:
        fewest, most = money_digits(value, currency)  # 0.0239 €, not 0.02 €, for a cost per view
        pattern = "¤#,##0" + ("." + "0" * fewest + "#" * (most - fewest) if most else "")
        return format_currency(value, currency, pattern, locale=_LOCALE, currency_digits=False)
    if unit is Unit.SECONDS:
        return f"{format_decimal(value, '#,##0.#', locale=_LOCALE)} s"
    if unit is Unit.RATIO:
        return f"{format_decimal(value, '#,##0.00', locale=_LOCALE)}x"
    return format_decimal(value, "#,##0.##", locale=_LOCALE)


def goals_table(data: WorkbookData, as_of: dt.date, client: str | None = None) -> str:

    header = ["Client", "Goal", "Baseline", "Target", "Actual", "Expected", "Forecast", "Pace", "Status",
              "SMART findings"]
    rows = [header]
    for result in evaluate_goals(data, as_of, client):
        known = data.clients.get(result.goal.client)
        currency = known.currency if known else "USD"

        def fmt(value: float | None, unit: Unit | str = result.kpi.unit, currency: str = currency) -> str:
            return format_quantity(value, unit, currency)

        findings = " ".join(
            f.text(fmt=lambda q, c=currency: format_quantity(q.value, q.unit, c)) for f in result.findings
        ) or "OK"
        rows.append([
            result.goal.client, result.goal.label, fmt(result.baseline), fmt(result.target), fmt(result.actual),
            fmt(result.expected), fmt(result.forecast), fmt(result.pace, Unit.PERCENT), result.status.value,
            findings,
        ])
    if len(rows) == 1:
        return f"no goals{f' for {client}' if client else ''} (as of {as_of})"
    return f"Goals as of {as_of}\n" + format_table(rows)


def _number(value: float | None) -> float | None:
    """A JSON number, or None (null) when there is none or it is not finite."""
    return value if value is not None and math.isfinite(value) else None


def goal_record(result: GoalStatus, currency: str = "USD") -> dict[str, object]:
    """One goal as plain JSON-ready data: numbers as numbers (fractions for percentages, as the Excel
    functions give them), None where there is none, status codes as ``KPI_STATUS`` returns them.

    >>> from kpi_xl.core.model import Goal
    >>> from kpi_xl.core.registry import get
    >>> from kpi_xl.core.tracking import Achievability, Status
    >>> g = Goal("Acme", "CPA", dt.date(2026, 10, 1), dt.date(2026, 10, 31), target=20.0, source="Goals!A2")
    >>> r = GoalStatus(g, get("CPA"), dt.date(2026, 10, 15), None, "none", 20.0, 25.0, 20.0, 25.0, None, 0.8,
    ...                15 / 31, Status.OFF_TRACK, Achievability.UNKNOWN)
    >>> record = goal_record(r)
    >>> record["kpi"], record["channel"], record["actual"], record["progress"], record["status"], record["findings"]
    ('CPA', None, 25.0, None, 'off_track', [])
    """
    goal = result.goal
    return {
        "client": goal.client,
        "kpi": result.kpi.code,
        "channel": goal.channel or None,
        "start": goal.start.isoformat(),
        "end": goal.end.isoformat(),
        "as_of": result.as_of.isoformat(),
        "unit": result.kpi.unit.value,
        "baseline": _number(result.baseline),
        "baseline_source": result.baseline_source,
        "target": _number(result.target),
        "actual": _number(result.actual),
        "expected": _number(result.expected),
        "forecast": _number(result.forecast),
        "pace": _number(result.pace),
        "progress": _number(result.progress),
        "elapsed": _number(result.elapsed),
        "status": result.status.value,
        "achievability": result.achievability.value,
        "findings": [
            {"criterion": f.criterion, "severity": f.severity,
             "text": f.text(fmt=lambda q: format_quantity(q.value, q.unit, currency))}
            for f in result.findings
        ],
        "source": goal.source or None,
    }


def goals_records(data: WorkbookData, as_of: dt.date, client: str | None = None) -> list[dict[str, object]]:
    """Every goal of the workbook (or of one client) on ``as_of`` as :func:`goal_record` data, in
    workbook order: what ``kpi-xl goals --json`` prints."""
    records = []
    for result in evaluate_goals(data, as_of, client):
        known = data.clients.get(result.goal.client)
        records.append(goal_record(result, known.currency if known else "USD"))
    return records
