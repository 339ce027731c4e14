"""The report's end matter: the appendix of the KPIs it shows (formula, unit, direction), and the goal
table as machine-readable CSV, attached to a PDF/A report."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

from kpi_xl.core.registry import DIRECTION_NAMES, PAID_NOTE, UNIT_NAMES, Stage, label_of
from kpi_xl.core.tracking import GoalStatus
from kpi_xl.report.words import ReportWords

__all__ = ["AppendixEntry", "AppendixWriter", "goal_table_csv"]


@dataclass(frozen=True, slots=True)
class AppendixEntry:
    name: str
    description: str
    variant: str
    formula: str
    unit: str
    direction: str


class AppendixWriter(ReportWords):
    def appendix(self, statuses: list[GoalStatus]) -> tuple[AppendixEntry, ...]:
        _ = self._
        kpis = sorted({s.kpi.code: s.kpi for s in statuses}.values(), key=lambda k: (list(Stage).index(k.stage),
                                                                                     k.name))
        return tuple(AppendixEntry(
            name=self.own(k, k.name), description=self.own(k, k.description),
            variant=" ".join(_(text) for text in (k.variant, PAID_NOTE if k.paid else "") if text),
            formula=k.formula_text(lambda p: _(label_of(p))), unit=_(UNIT_NAMES[k.unit]),
            direction=_(DIRECTION_NAMES[k.direction]),
        ) for k in kpis)


_CSV_FIELDS = ("client", "kpi", "channel", "start", "end", "baseline", "target", "actual", "expected", "forecast",
               "progress", "pace", "status", "achievability")


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def goal_table_csv(shown: Iterable[GoalStatus]) -> str:
    """The goals a report shows as machine-readable CSV (dot decimals, ISO dates, status codes) for PDF/A-3."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_FIELDS)
    for s in shown:
        writer.writerow([_cell(v) for v in (
            s.goal.client, s.kpi.code, s.goal.channel or "", s.goal.start.isoformat(), s.goal.end.isoformat(),
            s.baseline, s.target, s.actual, s.expected, s.forecast, s.progress, s.pace, s.status.value,
            s.achievability.value)])
    return out.getvalue()
