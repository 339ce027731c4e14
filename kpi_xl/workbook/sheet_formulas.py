"""The Excel formulas the template writes: structured references to the schema's tables, a measure's
total over a window as :class:`kpi_xl.core.aggregate.ActualsView` computes it, a registry formula in
Excel syntax, and CHOOSE nested for LibreOffice."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kpi_xl.core.registry import Aggregation, Kpi
from kpi_xl.workbook.schema import ACTUALS, Table

__all__ = [
    "actuals_ref",
    "choose",
    "column_ref",
    "escape_header",
    "excel_expression",
    "this_row_ref",
    "total_formula",
    "where_criteria",
]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_ARITHMETIC = re.compile(r"[\d\s.+\-*/()]*")


def escape_header(header: str) -> str:
    """A header inside a structured reference: [ ] # and ' are escaped with '."""
    return re.sub(r"([\[\]#'])", r"'\1", header)


def column_ref(table: Table | str, header: str) -> str:
    return f"{table if isinstance(table, str) else table.name}[{escape_header(header)}]"


def this_row_ref(table: Table, header: str) -> str:
    return f"{table.name}[[#This Row],[{escape_header(header)}]]"


def actuals_ref(key: str) -> str:
    return column_ref(ACTUALS, ACTUALS.column(key).header)


def where_criteria(client: str, channel: str) -> str:
    """SUMIFS criteria for a client and a channel. A blank channel means every channel, blank ones
    included, which no criterion on the Channel column matches: the client criterion is repeated."""
    clients, channels = actuals_ref("client"), actuals_ref("channel")
    return f'{clients},{client},IF({channel}="",{clients},{channels}),IF({channel}="",{client},{channel})'


def total_formula(column: str, rule: Aggregation | str, where: str, start: str, end: str) -> str:
    """A measure's total over [start, end] as ActualsView computes it; blank without data.

    ``rule`` is the measure's aggregation, or an Excel expression giving its value ("sum"...)."""
    date = actuals_ref("date")
    window = f'{where},{date},">="&{start},{date},"<="&{end}'
    summed = f"SUMIFS({column},{window})"
    first, last = (f'{fn}({date},{column},"<>",{window})' for fn in ("MINIFS", "MAXIFS"))
    if isinstance(rule, Aggregation):
        day = {Aggregation.FIRST: first, Aggregation.LAST: last}.get(rule)
        value = summed if day is None else f"SUMIFS({column},{where},{date},{day})"
    else:
        value = (f'IF({rule}="{Aggregation.SUM.value}",{summed},SUMIFS({column},{where},{date},'
                 f'IF({rule}="{Aggregation.FIRST.value}",{first},{last})))')
    return f'IF(COUNTIFS({column},"<>",{window})=0,"",{value})'


def excel_expression(kpi: Kpi, operand: Callable[[int, str], str]) -> str:
    """The registry formula in Excel syntax; ``operand(index, measure)`` gives each measure's cell."""
    slot = dict(zip(kpi.params, enumerate(kpi.measures), strict=True))
    text = kpi.formula.replace("×", "*").replace("−", "-").replace(" ", "")
    if not _ARITHMETIC.fullmatch(_PLACEHOLDER.sub("", text)):
        raise ValueError(f"{kpi.code}: formula {kpi.formula!r} has no plain Excel form")
    return _PLACEHOLDER.sub(lambda m: operand(*slot[m.group(1)]), text)


_CHOOSE_LIMIT = 30  # LibreOffice's CHOOSE takes at most 30 values (Excel 254)


def choose(index: str, branches: Sequence[str]) -> str:
    """``CHOOSE(index, branches...)``, nested in blocks of 30 for LibreOffice.

    >>> choose("i", ["a", "b"])
    'CHOOSE(i,a,b)'
    >>> nested = choose("i", [str(n) for n in range(32)])
    >>> nested.startswith("IF(i<=30,CHOOSE(i,0,1,"), nested.endswith(",29),CHOOSE(i-30,30,31))")
    (True, True)
    """
    if len(branches) <= _CHOOSE_LIMIT:
        return f"CHOOSE({index},{','.join(branches)})"
    head, rest = branches[:_CHOOSE_LIMIT], branches[_CHOOSE_LIMIT:]
    return (f"IF({index}<={_CHOOSE_LIMIT},CHOOSE({index},{','.join(head)}),"
            f"{choose(f'{index}-{_CHOOSE_LIMIT}', rest)})")
