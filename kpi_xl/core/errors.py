"""The exceptions kpi_xl raises, each carrying the data needed to report it.

The core raises them; only the edges turn them into something a person sees: Excel error text in a
cell (``excel``), a located message on the command line, a log line. ``excel`` is the text a classic
xlwings UDF returns, because it cannot return a real Excel error value.

>>> err = UnknownKpiError("CPX")
>>> err.code, err.excel
('CPX', '#N/A')
>>> str(WorkbookError("Goals", "C7", 'target must be a number, got "ten"'))
'Goals!C7: target must be a number, got "ten"'
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "EXCEL_ERRORS",
    "DivisionByZeroError",
    "InvalidValueError",
    "KpiError",
    "NotAvailableError",
    "PropagatedExcelError",
    "UnknownClientError",
    "UnknownKpiError",
    "UnknownLocaleError",
    "WorkbookError",
    "WrongTypeError",
]


#: The error texts a cell can show (what xlwings hands Python for an error cell, and what a classic
#: UDF returns for one): read as errors wherever a workbook's values are read.
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#PYTHON!",
})


class KpiError(Exception):
    """Base of every kpi_xl error. ``excel`` is the Excel error text it shows as in a cell."""

    excel = "#VALUE!"


class DivisionByZeroError(KpiError, ZeroDivisionError):
    """A KPI's denominator sums to zero (no impressions, no conversions...)."""

    excel = "#DIV/0!"

    def __init__(self, denominator: str) -> None:
        self.denominator = denominator
        super().__init__(f"{denominator} is zero")


class WrongTypeError(KpiError, TypeError):
    """A value of the wrong kind: text, a date or a boolean where a number is required."""

    excel = "#VALUE!"

    def __init__(self, argument: str, value: object, expected: str = "a number") -> None:
        self.argument = argument
        self.value = value
        self.expected = expected
        super().__init__(f"{argument} must be {expected}, got {value!r}")


class InvalidValueError(KpiError, ValueError):
    """A number outside what the measure allows: a negative count, a score off its scale."""

    excel = "#NUM!"

    def __init__(self, argument: str, value: object, rule: str) -> None:
        self.argument = argument
        self.value = value
        self.rule = rule
        super().__init__(f"{argument} {rule}, got {value!r}")


class NotAvailableError(KpiError):
    """A value that does not exist yet: a forecast before the window opens."""

    excel = "#N/A"

    def __init__(self, what: str, reason: str) -> None:
        self.what = what
        self.reason = reason
        super().__init__(f"{what}: {reason}")


class UnknownKpiError(KpiError, LookupError):
    """A KPI code that is not in the registry."""

    excel = "#N/A"

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(f"unknown KPI code {code!r}")


class UnknownLocaleError(KpiError, LookupError):
    """A locale kpi_xl has no catalog for (like Babel's ``UnknownLocaleError(identifier)``); ``supported``
    lists those it has, for the message.

    >>> str(UnknownLocaleError("de", ("en_US", "pl_PL")))
    "unknown or unsupported locale 'de' (supported: en_US, pl_PL)"
    """

    excel = "#N/A"

    def __init__(self, identifier: object, supported: Sequence[str] = ()) -> None:
        self.identifier = identifier
        self.supported = tuple(supported)
        listed = f" (supported: {', '.join(self.supported)})" if self.supported else ""
        super().__init__(f"unknown or unsupported locale {identifier!r}{listed}")


class UnknownClientError(KpiError, LookupError):
    """A client name (``--client``, ``--only``) that is not on the Clients sheet: ``clients`` are those
    that are, ``suggestion`` the nearest of them, if any is near (:mod:`kpi_xl.core.names`).

    >>> str(UnknownClientError("cafe aurora", ["Acme", "Café Aurora"], "Café Aurora"))
    'no client named "cafe aurora" in the workbook (clients: Acme, Café Aurora); did you mean "Café Aurora"?'
    >>> str(UnknownClientError("Nobody", []))
    'no client named "Nobody" in the workbook (clients: none)'
    """

    excel = "#N/A"

    def __init__(self, name: str, clients: Sequence[str], suggestion: str | None = None) -> None:
        self.name = name
        self.clients = tuple(clients)
        self.suggestion = suggestion
        hint = f'; did you mean "{suggestion}"?' if suggestion else ""
        super().__init__(f'no client named "{name}" in the workbook (clients: {", ".join(self.clients) or "none"})'
                         f"{hint}")


class PropagatedExcelError(KpiError):
    """An Excel error already present in the input (``#REF!`` in a range): it propagates as is."""

    def __init__(self, excel: str) -> None:
        self.excel = excel
        super().__init__(excel)


class WorkbookError(KpiError):
    """A problem located in a workbook: sheet, cell (or column, or table) and what is wrong."""

    def __init__(self, sheet: str, cell: str | None, message: str) -> None:
        self.sheet = sheet
        self.cell = cell
        self.message = message
        place = f"{sheet}!{cell}" if cell else sheet
        super().__init__(f"{place}: {message}")
