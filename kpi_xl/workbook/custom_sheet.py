"""The Custom KPIs sheet: the workbook's own measures (extra Actuals columns) and KPIs (formulas).

The sheet is optional: a workbook without it has no custom KPIs. Its two tables sit side by side,
``tblMeasures`` then ``tblKpis``; both have a Description column, so the sheet is cut at the KPIs'
header (the row holding Code and Formula) before each table is located. Every problem is reported
at its cell: a syntax error in a formula with its character, an unknown measure, a code that is a
built-in KPI or is defined twice, a measure declared but missing from the Actuals table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kpi_xl.core.custom import NO_MEASURE, CustomKpi, FormulaError, custom_kpi, measure_key, parse_formula
from kpi_xl.core.registry import KPIS, MEASURES, N_, Aggregation, Direction, Stage, Unit
from kpi_xl.workbook.grid import Grid
from kpi_xl.workbook.locate import Located, locate
from kpi_xl.workbook.problems import ERROR, cell_address
from kpi_xl.workbook.schema import ACTUALS, CUSTOM_KPIS, CUSTOM_MEASURES, Column, Kind, Table
from kpi_xl.workbook.values import INVALID, display

__all__ = ["PLANNED_COST", "Custom", "extend_actuals", "extend_goals", "read_custom"]

#: The optional Goals column of the budget check: read when present, so older workbooks need no change.
PLANNED_COST = Column("planned_cost", "Planned cost", Kind.NUMBER, False,
                      N_("Optional: the spend planned for the goal's window. For volume KPIs (sessions, "
                         "conversions, revenue...) the SMART check asks whether it can buy the target."))

BAD_MEASURE_NAME = N_("measure {value} can't be named in a formula: use letters, digits and spaces, "
                      "starting with a letter")
BUILT_IN_MEASURE = N_("{value} is already a column of the Actuals table: give the custom measure another name")
DUPLICATE_MEASURE = N_("measure {value} is declared twice (first at {other})")
NOT_IN_ACTUALS = N_('the Actuals table has no column "{value}": add it, its values are this measure')
BAD_CODE = N_("code must be letters, digits and _, starting with a letter, got {value}")
BUILT_IN_CODE = N_("code {value} is a built-in KPI: choose another code")
DUPLICATE_CODE = N_("code {value} is defined twice (first at {other})")
NOT_A_CHOICE = N_("{column} must be one of {choices}, got {value}")

_KEY = re.compile(r"[^\W\d_]\w*")   # what measure_key gives and a formula reads as one name
_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
_CHOICES: dict[str, tuple[str, ...]] = {
    "aggregation": tuple(a.value for a in Aggregation),
    "unit": tuple(u.value for u in Unit),
    "better": tuple(d.value for d in Direction),
    "stage": tuple(s.value for s in Stage),
}


@dataclass
class Custom:
    """What the sheet defines: measure key -> (header, aggregation, where declared), KPIs by code."""

    measures: dict[str, tuple[str, Aggregation, tuple[int, int]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    kpis: dict[str, CustomKpi] = field(default_factory=dict)
    sheet: str = ""
    declared: set[str] = field(default_factory=set)   # every code of the sheet, valid or not

    @property
    def aggregations(self) -> dict[str, Aggregation]:
        return {key: aggregation for key, (_, aggregation, _) in self.measures.items()}


Convert = Callable[[Located, Callable[..., None]], object]   # parse._convert: Located -> its _Table


def _split(grid: Grid) -> tuple[Grid, Grid]:
    """The sheet cut before the KPIs' Code column (the row with Code and Formula), measures on the left."""
    for row in grid.rows[:50]:
        texts = [" ".join(v.split()).casefold() if type(v) is str else "" for v in row]
        if "code" in texts and "formula" in texts:
            j = texts.index("code")
            return (Grid(grid.name, [r[:j] for r in grid.rows], grid.top, grid.left, grid.merged),
                    Grid(grid.name, [r[j:] for r in grid.rows], grid.top, grid.left + j, grid.merged))
    return grid, Grid(grid.name, [], grid.top, grid.left, [])


def _choice(table: object, i: int, key: str, value: object, default: str | None = None) -> str | None:
    text = value.strip().lower() if type(value) is str else None
    if text is None:
        return default
    if text not in _CHOICES[key]:
        table.flag(i, key, ERROR, NOT_A_CHOICE, column=key, choices=", ".join(_CHOICES[key]),  # type: ignore[attr-defined]
                   value=display(value))
        return None
    return text


def read_custom(grid: Grid, report: Callable[..., None], convert: Callable[..., object]) -> Custom:
    """The sheet's definitions; every problem reported through ``report``."""
    custom = Custom(sheet=grid.name)
    left, right = _split(grid)
    if (at := locate(left, CUSTOM_MEASURES, report)) is not None:
        _measures(convert(at, report), custom)
    if (at := locate(right, CUSTOM_KPIS, report)) is not None:
        _kpis(convert(at, report), custom)
    return custom


def _measures(table: object, custom: Custom) -> None:
    v = table.values  # type: ignore[attr-defined]
    reserved = {c.key for c in ACTUALS.columns}
    for i, header in enumerate(v["measure"]):
        aggregation = _choice(table, i, "aggregation", v["aggregation"][i], "sum")
        if type(header) is not str:
            continue
        key = measure_key(header)
        if key in reserved or key in MEASURES:
            table.flag(i, "measure", ERROR, BUILT_IN_MEASURE, value=display(header))  # type: ignore[attr-defined]
        elif not _KEY.fullmatch(key):
            table.flag(i, "measure", ERROR, BAD_MEASURE_NAME, value=display(header))  # type: ignore[attr-defined]
        elif key in custom.measures:
            other = cell_address(*custom.measures[key][2])
            table.flag(i, "measure", ERROR, DUPLICATE_MEASURE, value=display(header), other=other)  # type: ignore[attr-defined]
        elif aggregation is not None:
            custom.measures[key] = (" ".join(header.split()), Aggregation(aggregation), table.cell(i, "measure"))  # type: ignore[attr-defined]
            description = v["description"][i]
            custom.descriptions[key] = description if type(description) is str else ""


def _kpis(table: object, custom: Custom) -> None:
    v = table.values  # type: ignore[attr-defined]
    known = set(MEASURES) | set(custom.measures)
    first: dict[str, tuple[int, int]] = {}
    for i, raw in enumerate(v["code"]):
        choices = {key: _choice(table, i, key, v[key][i]) for key in ("unit", "better", "stage")}
        formula = None
        if type(v["formula"][i]) is str:
            try:
                formula = parse_formula(v["formula"][i], known)
            except FormulaError as error:
                for problem in (error, *error.others):   # every problem of the formula, not just the first
                    table.flag(i, "formula", ERROR, problem.template, **problem.params)  # type: ignore[attr-defined]
            if formula is not None and not formula.measures:   # 2 / 0: a constant measures nothing
                table.flag(i, "formula", ERROR, NO_MEASURE)  # type: ignore[attr-defined]
                formula = None
        if type(raw) is not str:
            continue
        code = raw.strip().upper()
        custom.declared.add(code)
        if code in KPIS or code.removeprefix("KPI_") in KPIS:
            table.flag(i, "code", ERROR, BUILT_IN_CODE, value=display(raw))  # type: ignore[attr-defined]
            continue
        if not _CODE.fullmatch(code):
            table.flag(i, "code", ERROR, BAD_CODE, value=display(raw))  # type: ignore[attr-defined]
            continue
        if code in first:
            table.flag(i, "code", ERROR, DUPLICATE_CODE, value=display(raw), other=cell_address(*first[code]))  # type: ignore[attr-defined]
            continue
        first[code] = table.cell(i, "code")  # type: ignore[attr-defined]
        name = v["name"][i]
        if formula is None or type(name) is not str or None in choices.values() or INVALID in choices.values():
            continue
        description = v["description"][i]
        custom.kpis[code] = custom_kpi(
            code, name, formula, choices["unit"], choices["better"], choices["stage"],  # type: ignore[arg-type]
            description if type(description) is str else "", custom.aggregations,
            f"{table.at.sheet}!{cell_address(*table.cell(i, 'code'))}")  # type: ignore[attr-defined]


def extend_actuals(at: Located, grid: Grid, custom: Custom, report: Callable[..., None]) -> None:
    """Adds the custom measures' columns to the located Actuals table (by header, like the built-in
    ones); a declared measure without its column is an error at its declaration."""
    if not custom.measures:
        return
    header = grid.rows[at.header_row - grid.top]
    by_header = {" ".join(v.replace("_", " ").split()).casefold(): j for j, v in reversed(list(enumerate(header)))
                 if type(v) is str}
    extra = []
    for key, (text, _, (row, col)) in custom.measures.items():
        j = by_header.get(" ".join(text.replace("_", " ").split()).casefold())
        if j is None:
            report(custom.sheet, row, col, ERROR, NOT_IN_ACTUALS, value=text)
            continue
        at.columns[key] = j
        extra.append(Column(key, text, Kind.NUMBER, False, text))
    at.table = Table(ACTUALS.sheet, ACTUALS.name, (*ACTUALS.columns, *extra), ACTUALS.doc)


def extend_goals(at: Located, grid: Grid) -> None:
    """Adds the optional Planned cost column to the located Goals table when its header is there."""
    header = grid.rows[at.header_row - grid.top]
    wanted = " ".join(PLANNED_COST.header.split()).casefold()
    for j, value in enumerate(header):
        if type(value) is str and " ".join(value.replace("_", " ").split()).casefold() == wanted:
            at.columns[PLANNED_COST.key] = j
            at.table = Table(at.table.sheet, at.table.name, (*at.table.columns, PLANNED_COST), at.table.doc)
            return
