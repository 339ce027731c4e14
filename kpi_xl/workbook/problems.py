"""Located problems in a workbook, reported all at once like a linter, and the cell-address helpers.

A :class:`Problem` names its place (sheet, then a cell ``"C7"``, a column letter, a table name, or
nothing for the whole sheet), says what is wrong in English and keeps its gettext message id and
parameters so that an edge can show it in the user's language. :class:`WorkbookInvalid` carries
every problem of a workbook that has errors.

>>> p = problem("Goals", 7, 3, ERROR, "{column} must be a number, got {value}", column="target", value='"ten"')
>>> str(p)
'Goals!C7: target must be a number, got "ten"'
>>> cell_address(7, 28), column_letter(16384)
('AB7', 'XFD')
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from kpi_xl.core.errors import KpiError

__all__ = [
    "ERROR",
    "WARNING",
    "Problem",
    "Severity",
    "WorkbookInvalid",
    "cell_address",
    "column_letter",
    "column_number",
    "problem",
    "sort_problems",
]


class Severity(enum.Enum):
    ERROR = "error"      # the workbook cannot be used until it is fixed
    WARNING = "warning"  # read as is, but probably not what the user meant


ERROR, WARNING = Severity.ERROR, Severity.WARNING


def column_letter(col: int) -> str:
    """Excel's letters for a 1-based column number.

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(702), column_letter(703)
    ('A', 'Z', 'AA', 'ZZ', 'AAA')
    """
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """The 1-based column number of Excel's letters (the inverse of :func:`column_letter`).

    >>> column_number("A"), column_number("AB"), column_number(b"XFD")
    (1, 28, 16384)
    """
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ch if isinstance(ch, int) else ord(ch)) - 64
    return number


def cell_address(row: int, col: int) -> str:
    """``"C7"`` for 1-based row 7, column 3: the one place addresses are spelled."""
    return f"{column_letter(col)}{row}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. ``message`` is English; ``template`` and ``params`` translate it (see :meth:`text`).

    ``row`` and ``col`` (1-based, 0 when the place is not a cell) only order problems.
    """

    sheet: str            # "" for the file as a whole (it cannot be opened)
    cell: str | None      # "C7", a column letter, a table name, or None for the whole sheet
    message: str
    severity: Severity = ERROR
    template: str = field(default="", compare=False)
    params: Mapping[str, str] = field(default_factory=dict, compare=False)
    row: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)

    @property
    def place(self) -> str:
        if not self.sheet:
            return ""
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message

    def text(self, gettext: Callable[[str], str]) -> str:
        """The problem in another language, e.g. ``p.text(translator("es_ES").gettext)``.

        >>> from kpi_xl.i18n import translator
        >>> problem("Goals", 7, 3, ERROR, "{column} is required", column="KPI").text(translator("es_ES").gettext)
        'Goals!C7: KPI: el valor es obligatorio'
        """
        message = gettext(self.template).format(**self.params) if self.template else self.message
        return f"{self.place}: {message}" if self.place else message


def problem(sheet: str, row: int, col: int, severity: Severity, template: str, cell: str | None = None,
            **params: str) -> Problem:
    """A problem at ``row``/``col`` (1-based; 0 for neither), its English text formatted from ``template``.

    ``cell`` overrides the address (a column letter, a table name); without it the address is the cell's,
    or None when ``row`` is 0.
    """
    if cell is None and row:
        cell = cell_address(row, col) if col else str(row)
    return Problem(sheet, cell, template.format(**params), severity, template, MappingProxyType(params), row, col)


def sort_problems(problems: Iterable[Problem], sheet_order: Sequence[str]) -> list[Problem]:
    """Problems by sheet (in ``sheet_order``, others after it), then row, then column; errors before
    warnings at the same place."""
    rank = {name: i for i, name in enumerate(sheet_order)}
    return sorted(problems, key=lambda p: (bool(p.sheet), rank.get(p.sheet, len(rank)), p.sheet, p.row, p.col,
                                           p.severity is WARNING))


class WorkbookInvalid(KpiError):  # noqa: N818 (the name the callers know; it is the set of errors)
    """The workbook has errors; ``problems`` holds all of them (and the warnings), sorted by place.

    >>> err = WorkbookInvalid([problem("Clients", 0, 0, ERROR, "sheet not found")])
    >>> str(err)
    '1 error in the workbook:\\nClients: sheet not found'
    >>> str(WorkbookInvalid([problem("", 0, 0, ERROR, "{file}: file not found", file="q3/clients.xlsx")]))
    'q3/clients.xlsx: file not found'
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        self.errors = [p for p in self.problems if p.severity is ERROR]
        count = len(self.errors)
        if count == 1 and not self.errors[0].sheet:   # the file itself (not found, not a workbook): just that
            super().__init__(str(self.errors[0]))
            return
        lines = [f"{count} error{'s' if count != 1 else ''} in the workbook:", *map(str, self.errors)]
        super().__init__("\n".join(lines))
