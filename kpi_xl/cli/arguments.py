"""Argument types shared by several commands: one wording for the same mistake everywhere."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from kpi_xl.core.periods import Month

__all__ = [
    "LOCALE_HELP",
    "RENDER_TIMEOUT_HELP",
    "GivenPath",
    "add_batch_arguments",
    "date_argument",
    "locale_argument",
    "period_argument",
    "port_argument",
    "seconds_argument",
    "send_workers_argument",
    "workbook_argument",
    "workers_argument",
]

#: The help of every ``--locale``, and of every ``--render-timeout``: one wording for one option. Written
#: out, as importing kpi_xl.i18n loads Babel; tests/test_one_source.py holds them to the code.
LOCALE_HELP = "en_US, es_ES, es_MX, pt_BR, pl_PL or vi_VN"
RENDER_TIMEOUT_HELP = ("give up a report that takes longer to render, record it as failed and go on with the "
                       "others (default: 120)")


def add_batch_arguments(parser: argparse.ArgumentParser, *, verb: str) -> None:
    """The options of a monthly batch's rules (:mod:`kpi_xl.report.batch`), the same in ``report`` and
    ``send``: ``verb`` says what is done to a client ("report", "send to")."""
    parser.add_argument("--partial", action="store_true",
                        help="allow a month that has not ended: the report says it is in progress")
    parser.add_argument("--include-empty", action="store_true",
                        help=f"also {verb} clients with no Actuals rows in the month (skipped by default)")
    parser.add_argument("--render-timeout", type=seconds_argument, default=None, metavar="SECONDS",
                        help=RENDER_TIMEOUT_HELP)


def date_argument(text: str) -> dt.date:
    """``--as-of``, ``--today``: a date as YYYY-MM-DD (or any form the workbook reader takes).

    >>> date_argument("2026-11-22")
    datetime.date(2026, 11, 22)
    """
    from kpi_xl.core.periods import date_from_text

    day = date_from_text(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    return day


def period_argument(text: str) -> Month:
    """``--period YYYY-MM`` of report, send and history: a bad month is a usage error, in the same
    words everywhere.

    >>> period_argument("2026-09")
    Month(2026, 9)
    >>> period_argument("2026-13")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: period must be YYYY-MM, got '2026-13'
    """
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def seconds_argument(text: str) -> float:
    """``--render-timeout`` of report and send: seconds above 0, at most a day.

    >>> seconds_argument("90"), seconds_argument("0.5")
    (90.0, 0.5)
    >>> seconds_argument("inf")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a number of seconds above 0 and at most 86400, got 'inf'
    """
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 86_400:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most 86400, got {text!r}")
    return seconds


def locale_argument(text: str) -> str:
    """``--locale`` of every command: a supported locale (any case, ``-`` or ``_``, a bare language), in
    the words of :class:`~kpi_xl.core.errors.UnknownLocaleError`, as a usage error.

    >>> locale_argument("pl"), locale_argument("es-mx")
    ('pl_PL', 'es_MX')
    >>> try:
    ...     locale_argument("de_DE")
    ... except argparse.ArgumentTypeError as error:
    ...     print(error)
    unknown or unsupported locale 'de_DE' (supported: en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN)
    """
    from kpi_xl.core.errors import UnknownLocaleError
    from kpi_xl.i18n import resolve_locale

    try:
        return resolve_locale(text)
    except UnknownLocaleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def port_argument(text: str) -> int:
    """``--smtp-port``: a TCP port, 1 to 65535.

    >>> port_argument("587")
    587
    >>> port_argument("99999")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a port number from 1 to 65535, got '99999'
    """
    return _whole(text, 1, 65_535, "must be a port number from 1 to 65535")


def workers_argument(text: str, minimum: int = 1) -> int:
    """``--workers`` of report (at least 1); ``send`` takes 0 too (it renders in its own process).

    >>> workers_argument("4")
    4
    >>> workers_argument("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a whole number of at least 1, got '0'
    """
    return _whole(text, minimum, None, f"must be a whole number of at least {minimum}")


def send_workers_argument(text: str) -> int:
    """``send --workers``: 0 renders every report in this process.

    >>> send_workers_argument("0")
    0
    """
    return workers_argument(text, minimum=0)


def _whole(text: str, low: int, high: int | None, words: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(f"{words}, got {text!r}")
    return value


class GivenPath(type(Path())):  # type: ignore[misc]
    """A path that keeps the text it was given (``./nope.xlsx``, not ``nope.xlsx``), for messages.

    >>> path = workbook_argument("./q3/clients.xlsx")
    >>> str(path), path.name, path.given
    ('./q3/clients.xlsx', 'clients.xlsx', './q3/clients.xlsx')
    """

    given: str

    def __str__(self) -> str:
        return getattr(self, "given", None) or super().__str__()


def workbook_argument(text: str) -> Path:
    """A WORKBOOK (or FILE) argument: a :class:`~pathlib.Path` that prints as it was typed."""
    path = GivenPath(text)
    path.given = text
    return path
