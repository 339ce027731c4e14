"""The monthly batch of reports: which clients get one, which are skipped or failed, and why.

A batch never stops for one client. The workbook is read with
:func:`~kpi_xl.workbook.read.read_by_client`: a client whose own rows have an error fails alone,
listed with every one of them; a client with no Actuals rows in the month is skipped (a report of
dashes would tell them nothing true); a report that cannot be written fails alone. The period is
checked first: a month that has not begun, or with no data for anyone, is refused; a month that
has not ended is refused unless ``partial`` is asked for, and then its goals are judged on the last
day with data, never as final. The command line and the Excel button only show the outcomes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kpi_xl.core.errors import KpiError
from kpi_xl.core.model import WorkbookData
from kpi_xl.core.names import find_clients
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import N_
from kpi_xl.workbook.parse import Parsed
from kpi_xl.workbook.problems import ERROR, Problem, WorkbookInvalid, problem

__all__ = ["FAILED", "SKIPPED", "WRITTEN", "BatchProgress", "ClientOutcome", "PeriodError", "active_clients",
           "check_period", "plan", "write_batch"]

WRITTEN, SKIPPED, FAILED = "written", "skipped", "failed"

NO_ROWS = N_("no Actuals rows in {period}: nothing to report, so no report")
NOT_WRITTEN = N_("cannot write {file}: {reason}")
NOT_STARTED = N_("{period} has not begun (today is {today}): there is nothing to report yet")
NOT_ENDED = N_("{period} has not ended (today is {today}): ask for a partial report of the month so far "
               "(--partial) or choose an earlier month")
NO_DATA = N_("no client has Actuals rows in {period}: nothing to report")


@dataclass(frozen=True, slots=True)
class ClientOutcome:
    """One client's result: ``written`` (``path``), ``skipped`` or ``failed``, with the reasons."""

    client: str
    status: str
    reasons: tuple[Problem, ...] = ()
    path: Path | None = None

    def lines(self) -> list[str]:
        return [str(reason) for reason in self.reasons]


class BatchProgress(Protocol):
    """Told the number of clients, then each client's outcome as it is known (the command line's bar)."""

    def start(self, total: int) -> None: ...

    def step(self, client: str, outcomes: list[ClientOutcome]) -> None: ...


class PeriodError(KpiError):
    """The month cannot be reported (not begun, not ended, no data for anyone); ``problem`` says why."""

    def __init__(self, reason: Problem) -> None:
        self.problem = reason
        super().__init__(str(reason))


def active_clients(data: WorkbookData, period: Month) -> set[str]:
    """The clients with at least one Actuals row dated in ``period``."""
    first, last = period.first_day, period.last_day
    return {client for day, client in zip(data.actuals.dates, data.actuals.clients, strict=True)
            if first <= day <= last}


def check_period(data: WorkbookData, period: Month, today: dt.date, *, partial: bool = False) -> dt.date | None:
    """The day the goals are judged on before the month's end, None for a month that is over.

    Raises :class:`PeriodError` for a month that cannot be reported.

    >>> from kpi_xl.core.model import Actuals, Settings
    >>> data = WorkbookData({}, [], Actuals.from_rows([{"date": dt.date(2026, 11, 3), "client": "A", "cost": 1}]),
    ...                     Settings())
    >>> check_period(data, Month(2026, 11), dt.date(2026, 11, 20), partial=True)
    datetime.date(2026, 11, 3)
    >>> check_period(data, Month(2026, 11), dt.date(2026, 12, 1)) is None
    True
    >>> check_period(data, Month(2026, 12), dt.date(2026, 11, 20))
    Traceback (most recent call last):
    ...
    kpi_xl.report.batch.PeriodError: 2026-12 has not begun (today is 2026-11-20): there is nothing to report yet
    """
    params = {"period": str(period), "today": today.isoformat()}
    if period.first_day > today:
        raise PeriodError(problem("", 0, 0, ERROR, NOT_STARTED, **params))
    ended = period.last_day < today
    if not ended and not partial:
        raise PeriodError(problem("", 0, 0, ERROR, NOT_ENDED, **params))
    days = [d for d in data.actuals.dates if period.first_day <= d <= period.last_day]
    if not days:
        raise PeriodError(problem("", 0, 0, ERROR, NO_DATA, period=str(period)))
    return None if ended else min(max(days), today)


def plan(parsed: Parsed, period: Month, *, only: Sequence[str] = (), include_empty: bool = False,
         ) -> tuple[list[str], list[ClientOutcome]]:
    """The clients to report, in workbook order, and the outcomes of those that will not be.

    Raises :class:`WorkbookInvalid` when the workbook as a whole has an error,
    :class:`~kpi_xl.core.errors.UnknownClientError` for an ``only`` name that is no client.
    """
    if parsed.data is None:
        raise WorkbookInvalid(parsed.problems)
    data = parsed.data
    names = list(parsed.clients) or list(data.clients)
    if only:
        wanted = set(find_clients(only, names))
        names = [name for name in names if name in wanted]
    active = active_clients(data, period)
    todo: list[str] = []
    others: list[ClientOutcome] = []
    for name in names:
        if name in parsed.failed:
            others.append(ClientOutcome(name, FAILED, tuple(parsed.failed[name])))
        elif name not in data.clients:
            continue
        elif name not in active and not include_empty:
            others.append(ClientOutcome(name, SKIPPED, (problem("", 0, 0, ERROR, NO_ROWS, period=str(period)),)))
        else:
            todo.append(name)
    return todo, others


def write_batch(parsed: Parsed, period: Month, folder: Path, *, today: dt.date, only: Sequence[str] = (),
                locale: str | None = None, workers: int = 2, pdf_a: bool = False, review: bool = False,
                partial: bool = False, include_empty: bool = False,
                timeout: float | None = None, progress: BatchProgress | None = None) -> list[ClientOutcome]:
    """Every client's report for ``period`` in ``folder``: one outcome per client, in workbook order. A
    report that takes longer than ``timeout`` seconds to render (default: the pool's) fails alone.
    ``progress`` hears of the skipped and failed-before-rendering clients first, then of each report."""
    from kpi_xl.report.pool import RENDER_TIMEOUT, write_each

    todo, others = plan(parsed, period, only=only, include_empty=include_empty)
    assert parsed.data is not None
    as_of = check_period(parsed.data, period, today, partial=partial)
    outcomes = {o.client: o for o in others}
    if progress is not None:
        progress.start(len(todo) + len(others))
        for outcome in others:
            progress.step(outcome.client, [outcome])
    if todo:
        for name, path, error in write_each(parsed.data, period, folder, todo, locale=locale,
                                            workers=max(1, workers), pdf_a=pdf_a, review=review, as_of=as_of,
                                            timeout=timeout or RENDER_TIMEOUT):
            if error is None:
                outcomes[name] = ClientOutcome(name, WRITTEN, (), path)
            else:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
                if not isinstance(error, (OSError, KpiError)):
                    reason = f"{type(error).__name__}: {reason}"
                outcomes[name] = ClientOutcome(name, FAILED, (problem("", 0, 0, ERROR, NOT_WRITTEN, file=str(path),
                                                                      reason=reason),), path)
            if progress is not None:
                progress.step(name, [outcomes[name]])
    order = [name for name in (parsed.clients or tuple(outcomes)) if name in outcomes]
    return [outcomes[name] for name in order]
