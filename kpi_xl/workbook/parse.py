"""The one step after reading, shared by the file and the live reader: grids -> WorkbookData and problems.

Each table is located on its sheet (:mod:`~kpi_xl.workbook.locate`), each column converted whole
(:mod:`~kpi_xl.workbook.values`), then the tables' own rules run: Settings first (the default locale),
Clients (unique names), Goals and Actuals (known clients, dates in order, no negative measures).
Clients are matched by name ignoring case and surrounding spaces, like Excel's own lookups, and
every row gets the Clients sheet's spelling. A client without a locale takes Settings'
``default_locale``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from kpi_xl.core.errors import KpiError
from kpi_xl.core.model import Actuals, Client, Goal, Settings, WorkbookData
from kpi_xl.core.registry import KPIS, MEASURES, N_, get
from kpi_xl.workbook import schema
from kpi_xl.workbook.custom_sheet import Custom, extend_actuals, extend_goals, read_custom
from kpi_xl.workbook.grid import Grid
from kpi_xl.workbook.locate import Located, locate
from kpi_xl.workbook.overlaps import flag_overlaps
from kpi_xl.workbook.problems import ERROR, WARNING, Problem, Severity, cell_address, problem, sort_problems
from kpi_xl.workbook.schema import (
    ACTUALS,
    CLIENTS,
    GOALS,
    SETTING_KEYS,
    SETTINGS,
    TABLES,
    Column,
    Kind,
    Table,
)
from kpi_xl.workbook.settings import settings_from_rows
from kpi_xl.workbook.values import INVALID, SKIPPED_EMAIL, UNKNOWN_KPI, convert_column, display, email_problem

__all__ = ["COMMENTARY_LIMIT", "SHEETS", "Parsed", "parse_by_client", "parse_grids"]

SHEETS = tuple(t.sheet for t in TABLES)
# Characters of commentary a report takes: about two pages. The PDF engine's line breaking slows with
# the square of an unbroken run of text (5,000 characters render in about a second, 100,000 in minutes).
COMMENTARY_LIMIT = 5_000

MISSING_SHEET = N_("sheet not found: every kpi_xl workbook has the sheets {sheets}")
REQUIRED = N_("{column} is required")
DUPLICATE_CLIENT = N_("client {value} is listed twice (first at {other})")
UNKNOWN_CLIENT = N_("client {value} is not in the Clients sheet")
END_BEFORE_START = N_("end {end} is before start {start}")
NO_TARGET = N_("the goal has neither a Target nor an Improvement: give one of them")
IMPROVEMENT_RANGE = N_("improvement must be above -100%, got {value}")
IMPROVEMENT_TOO_BIG = N_("improvement for {kpi} must be below 100%, as lower is better, got {value}")
NO_OBJECTIVE = N_("the goal has no objective: say which business aim it serves")
NEGATIVE = N_("{column} must not be negative, got {value}")
NO_MEASURES = N_("the row has no measures: every measure cell is empty")
MEASURE_GONE = N_('{kpi} needs the Actuals column "{column}", which the workbook no longer has (renamed or deleted?)')
MEASURE_RENAMED = N_('{kpi} needs the Actuals column "{column}": where it was, the header reads "{found}" '
                     '(rename it back to "{column}")')
NO_AGENCY = N_('agency_name is blank: clients would read "{value}" as the agency on every report and e-mail')
PLACEHOLDER = N_('agency_name is still the template\'s "{value}": clients would read it on every report and e-mail')
DUPLICATE_ROW = N_("the row repeats row {other} exactly (same {columns} and values): every total would count it "
                   "twice; delete one of them")
SAME_KEY = N_("the row has the same {columns} as row {other} but other values: both are added up; if one "
              "replaces the other, delete it")
COMMENTARY_TOO_LONG = N_("the commentary is {length} characters long, more than the {limit} a report holds: "
                         "shorten it")
FAR_CELLS = N_("cells far from the table are not read ({count} in all, the first here): clear them "
               "(Ctrl+End in Excel goes to the last one)")


@dataclass
class _Report:
    problems: list[Problem] = field(default_factory=list)

    def __call__(self, sheet: str, row: int, col: int, severity: Severity, template: str, cell: str | None = None,
                 **params: str) -> None:
        self.problems.append(problem(sheet, row, col, severity, template, cell, **params))

    @property
    def has_errors(self) -> bool:
        return any(p.severity is ERROR for p in self.problems)


def _name(column: Column) -> str:
    """How a message names a column: the header, lower case unless an acronym (``target``, ``KPI``)."""
    return column.header if column.header.isupper() else column.header.lower()


@dataclass
class _Table:
    """A located table with its columns converted (None for a blank or an absent optional column)."""

    at: Located
    values: dict[str, list[object]]
    report: _Report

    def cell(self, i: int, key: str) -> tuple[int, int]:
        """The sheet row and column of row ``i``'s ``key`` cell (the table's first column if ``key`` is absent)."""
        at = self.at
        return at.numbers[i], at.column_number(key) if key in at.columns else at.left + min(at.columns.values())

    def flag(self, i: int, key: str, severity: Severity, template: str, **params: str) -> None:
        row, col = self.cell(i, key)
        self.report(self.at.sheet, row, col, severity, template, **params)

    def source(self, i: int) -> str:
        return f"{self.at.sheet}!{cell_address(self.at.numbers[i], self.at.left + min(self.at.columns.values()))}"


def _columns(rows: list[list[object]], wanted: Iterable[int]) -> dict[int, list[object]]:
    """Column ``j`` of the rows for each ``j`` wanted. One flat list sliced with a step: three times faster
    than ``zip(*rows)`` over 100,000 rows, which steps every row's iterator once per column."""
    if not rows:
        return {j: [] for j in wanted}
    width = len(rows[0])
    flat = list(chain.from_iterable(rows))
    if len(flat) != width * len(rows):  # rows of unequal length (never, after locate): zip says so
        columns = list(zip(*rows, strict=True))
        return {j: list(columns[j]) for j in wanted}
    return {j: flat[j::width] for j in wanted}


def _convert(at: Located, report: _Report, raw: Iterable[str] = ()) -> _Table:
    count = len(at.rows)
    columns = _columns(at.rows, at.columns.values())
    values: dict[str, list[object]] = {}
    for column in at.table.columns:
        j = at.columns.get(column.key)
        if j is None:  # absent: a required one is already reported, don't repeat it on every row
            values[column.key] = [INVALID if column.required else None] * count
            continue
        converted, issues = convert_column(columns[j], None if column.key in raw else column.kind, _name(column))
        for i, template, params in issues:
            report(at.sheet, at.numbers[i], at.left + j, ERROR, template, **params)
        values[column.key] = converted
    table = _Table(at, values, report)
    for column in at.table.columns:
        # A blank setting name is the Settings rules' to word.
        if column.required and column.key in at.columns and at.table is not SETTINGS:
            for i in [i for i, v in enumerate(values[column.key]) if v is None]:
                table.flag(i, column.key, ERROR, REQUIRED, column=_name(column))
    return table


def parse_grids(grids: Iterable[Grid], source: str = "") -> tuple[WorkbookData | None, list[Problem]]:
    """The workbook's data (None when it has errors) and every problem, sorted by sheet, row, column."""
    data, problems, _ = _parse(list(grids), source)
    return data, problems


@dataclass(frozen=True, slots=True)
class Parsed:
    """A workbook read for a batch: the clients that can be reported, and those that cannot.

    ``data`` holds every client without an error (None when an error belongs to the workbook as a
    whole: Settings, a missing sheet or column, a row of no known client); ``failed`` maps each other
    client to the errors of its own rows (its Clients row, its goals, its Actuals rows); ``clients``
    lists every client of the Clients sheet in workbook order.
    """

    data: WorkbookData | None
    problems: list[Problem]
    failed: dict[str, list[Problem]] = field(default_factory=dict)
    clients: tuple[str, ...] = ()


_OWNED = (CLIENTS.sheet, GOALS.sheet, ACTUALS.sheet)


def parse_by_client(grids: Iterable[Grid], source: str = "") -> Parsed:
    """Like :func:`parse_grids`, but an error in one client's rows fails that client alone.

    The workbook is read once; when every error belongs to some client, it is read again with those
    clients' rows left out, so the others' data is built exactly as from a workbook without them.
    """
    grids = list(grids)
    copies = [Grid(g.name, [list(row) for row in g.rows], g.top, g.left, list(g.merged)) for g in grids]
    data, problems, tables = _parse(grids, source)
    owners = _owners(tables)
    order = tuple(dict.fromkeys(o for o in owners.get(CLIENTS.sheet, {}).values() if o is not None))
    if data is not None:
        return Parsed(data, problems, {}, order)
    failed: dict[str, list[Problem]] = {}
    for p in problems:
        if p.severity is not ERROR:
            continue
        owner = owners.get(p.sheet, {}).get(p.row) if p.sheet in owners else None
        if owner is None:  # the workbook's own problem: nothing can be reported
            return Parsed(None, problems, {}, order)
        failed.setdefault(owner, []).append(p)
    for grid in copies:
        rows = owners.get(grid.name)
        if rows is None:
            continue
        for number, owner in rows.items():
            if owner in failed and 0 <= number - grid.top < len(grid.rows):
                grid.rows[number - grid.top] = [None] * len(grid.rows[number - grid.top])
    kept, _, _ = _parse(copies, source)
    rank = {name: i for i, name in enumerate(order)}
    ordered = {name: failed[name] for name in sorted(failed, key=lambda n: rank.get(n, len(rank)))}
    return Parsed(kept, problems, ordered, order)


def _owners(tables: dict[str, _Table]) -> dict[str, dict[int, str | None]]:
    """Sheet -> (sheet row -> the client the row belongs to, by the Clients sheet's spelling)."""
    clients = tables.get(CLIENTS.sheet)
    if clients is None:
        return {}
    canon = _canon(clients)
    owners: dict[str, dict[int, str | None]] = {}
    for sheet, key in ((CLIENTS.sheet, "name"), (GOALS.sheet, "client"), (ACTUALS.sheet, "client")):
        table = tables.get(sheet)
        if table is None:
            continue
        names = table.values[key]
        owners[table.at.sheet] = {n: canon.get(name.casefold()) if type(name) is str else None
                                  for n, name in zip(table.at.numbers, names, strict=True)}
    return owners


def _parse(grids: list[Grid], source: str) -> tuple[WorkbookData | None, list[Problem], dict[str, _Table]]:
    report = _Report()
    by_key = {grid.name.strip().casefold(): grid for grid in grids}
    tables: dict[str, _Table] = {}
    names = []
    custom_grid = by_key.get(schema.CUSTOM_SHEET.casefold())
    custom = read_custom(custom_grid, report, _convert) if custom_grid is not None else Custom()
    for spec in TABLES:
        grid = by_key.get(spec.sheet.casefold())
        names.append(grid.name if grid else spec.sheet)
        if grid is None:
            report(spec.sheet, 0, 0, ERROR, MISSING_SHEET, sheets=", ".join(SHEETS))
            continue
        if grid.far_count:
            row, col = grid.far[0] if grid.far else (0, 0)
            report(grid.name, row, col, WARNING, FAR_CELLS, count=str(grid.far_count))
        if (at := locate(grid, spec, report)) is not None:
            if spec is ACTUALS:
                extend_actuals(at, grid, custom, report)
            if spec is GOALS and custom.declared:  # the KPI column takes the workbook's own codes too
                at.table = _GOALS_TEXT
            if spec is GOALS:
                extend_goals(at, grid)
            tables[spec.sheet] = _convert(at, report, raw=("value",) if spec is SETTINGS else ())
            if spec is GOALS and custom.declared:
                _custom_codes(tables[spec.sheet], custom)
    names.append(custom.sheet or schema.CUSTOM_SHEET)
    settings = _settings(tables.get(SETTINGS.sheet), report)
    clients = _clients(tables.get(CLIENTS.sheet), settings, report)
    canon = _canon(tables[CLIENTS.sheet]) if CLIENTS.sheet in tables else None
    goals = _goals(tables.get(GOALS.sheet), canon, report, custom)
    _measures_gone(tables.get(GOALS.sheet), tables.get(ACTUALS.sheet))
    actuals = _actuals(tables.get(ACTUALS.sheet), canon, report, custom)
    problems = sort_problems(report.problems, names)
    if report.has_errors:
        return None, problems, tables
    declared = {key: (header, custom.descriptions.get(key, "")) for key, (header, _, _) in custom.measures.items()}
    return WorkbookData(clients, goals, actuals, settings, source, dict(custom.kpis), declared), problems, tables


_GOALS_TEXT = Table(GOALS.sheet, GOALS.name, tuple(
    Column(c.key, c.header, Kind.TEXT, c.required, c.doc) if c.kind is Kind.KPI else c for c in GOALS.columns),
    GOALS.doc)


def _custom_codes(table: _Table, custom: Custom) -> None:
    """The Goals KPI column read as text, each code resolved: the workbook's own, then the registry's.
    A code of the Custom KPIs sheet whose row has an error is reported there, not again here."""
    column = table.values["kpi"]
    for i, text in enumerate(column):
        if type(text) is not str:
            continue
        code = text.strip().upper()
        if code in custom.kpis:
            column[i] = code
        elif code in custom.declared:
            column[i] = INVALID
        else:
            try:
                column[i] = get(code).code
            except KpiError:
                table.flag(i, "kpi", ERROR, UNKNOWN_KPI, value=display(text))
                column[i] = INVALID


def _measures_gone(goals: _Table | None, actuals: _Table | None) -> None:
    """A goal whose KPI reads a measure column the Actuals table lacks would read as "no data": an
    error on the goal's KPI cell, naming the missing header (a renamed Cost column, say)."""
    if goals is None or actuals is None:
        return
    absent = {name for name in MEASURES if name not in actuals.at.columns}
    if not absent:
        return
    for i, code in enumerate(goals.values["kpi"]):
        if type(code) is not str or code.strip().upper().removeprefix("KPI_") not in KPIS:
            continue
        kpi = get(code)
        for measure in (m for m in kpi.measures if m in absent):
            header = ACTUALS.column(measure).header
            if (found := _header_in_place_of(actuals.at, measure)) is not None:
                goals.flag(i, "kpi", ERROR, MEASURE_RENAMED, kpi=kpi.code, column=header, found=found)
            else:
                goals.flag(i, "kpi", ERROR, MEASURE_GONE, kpi=kpi.code, column=header)


def _header_in_place_of(at: Located, key: str) -> str | None:
    """The unknown header standing where the absent column ``key`` belongs: right after the template's
    column before it (and right before the one after it, when that one is there), as "Spend" where
    Cost was. None when no single such header is there.

    >>> from kpi_xl.workbook.schema import ACTUALS
    >>> keys = [c.key for c in ACTUALS.columns]
    >>> at = Located(ACTUALS, "Actuals", 0, 0, {k: j for j, k in enumerate(keys) if k != "cost"}, others={5: "Spend"})
    >>> keys.index("cost"), _header_in_place_of(at, "cost")
    (5, 'Spend')
    >>> at.others = {9: "Spend"}; _header_in_place_of(at, "cost") is None
    True
    """
    keys = [c.key for c in at.table.columns]
    place = keys.index(key)
    before = next((at.columns[k] for k in reversed(keys[:place]) if k in at.columns), None)
    after = next((at.columns[k] for k in keys[place + 1:] if k in at.columns), None)
    if before is not None:
        spot = before + 1
        if after is not None and after != before + 2:
            return None
    elif after is not None:
        spot = after - 1
    else:
        return None
    return at.others.get(spot)


def _settings(table: _Table | None, report: _Report) -> Settings:
    if table is None:
        return Settings()
    at = table.at

    def located(row: int, where: str, template: str, warning: bool = False, **params: str) -> None:
        col = at.column_number(where) if where in at.columns else 0
        report(at.sheet, row, col, WARNING if warning else ERROR, template, **params)

    keys, values = table.values["key"], table.values["value"]
    rows = [(at.numbers[i], keys[i], values[i]) for i in range(len(keys)) if keys[i] is not INVALID
            and values[i] is not INVALID]
    settings = settings_from_rows(rows, located)
    placeholder = str(SETTING_KEYS["agency_name"][0])
    row = next((r for r, key, _ in rows if "_".join(str(key).split()).casefold() == "agency_name"), 0)
    if settings.agency_name.strip().casefold() == placeholder.casefold():
        located(row, "value", PLACEHOLDER, warning=True, value=settings.agency_name)
    elif settings.agency_name == Settings().agency_name:  # blank or missing: the reports would say "kpi_xl"
        located(row, "value", NO_AGENCY, warning=True, value=settings.agency_name)
    return settings


def _clients(table: _Table | None, settings: Settings, report: _Report) -> dict[str, Client]:
    clients: dict[str, Client] = {}
    if table is None:
        return clients
    v = table.values
    first: dict[str, int] = {}
    for i, name in enumerate(v["name"]):
        if type(name) is not str:
            continue
        if (seen := first.setdefault(name.casefold(), i)) != i:
            table.flag(i, "name", ERROR, DUPLICATE_CLIENT, value=display(name),
                       other=cell_address(*table.cell(seen, "name")))
            continue
        emails, locale, currency = v["emails"][i], v["locale"][i], v["currency"][i]
        commentary = _str(v["commentary"][i])
        if len(commentary) > COMMENTARY_LIMIT:
            table.flag(i, "commentary", ERROR, COMMENTARY_TOO_LONG, length=f"{len(commentary):,}",
                       limit=f"{COMMENTARY_LIMIT:,}")
            continue
        if INVALID in (emails, locale, currency) or currency is None:
            continue
        emails = emails or ()
        for address in emails:  # kept: `send` skips it, names its cell and sends to the others
            if email_problem(address) is not None:
                table.flag(i, "emails", WARNING, SKIPPED_EMAIL, value=display(address))
        email_cell = f"{table.at.sheet}!{cell_address(*table.cell(i, 'emails'))}"
        clients[name] = Client(
            name, emails, locale or settings.default_locale, currency,  # type: ignore[arg-type]
            commentary, table.source(i), (email_cell,) * len(emails))  # type: ignore[arg-type]
    return clients


def _canon(table: _Table) -> dict[str, str]:
    """Every client name listed, valid row or not: a client whose row has an error is still known."""
    canon: dict[str, str] = {}
    for name in table.values["name"]:
        if type(name) is str:
            canon.setdefault(name.casefold(), name)
    return canon


def _str(value: object) -> str:
    return value if type(value) is str else ""


def _clients_column(table: _Table, canon: dict[str, str] | None) -> list[object]:
    """The client column in the Clients sheet's spelling; unknown names reported (once Clients was read)."""
    column = table.values["client"]
    if canon is None:
        return column
    lookup = {name: canon.get(name.casefold()) for name in set(column) if type(name) is str}
    unknown = {name for name, found in lookup.items() if found is None}
    if unknown:
        for i in [i for i, name in enumerate(column) if name in unknown]:
            table.flag(i, "client", ERROR, UNKNOWN_CLIENT, value=display(column[i]))
    return [lookup.get(name) or INVALID if type(name) is str else name for name in column]  # type: ignore[misc]


def _goals(table: _Table | None, canon: dict[str, str] | None, report: _Report, custom: Custom) -> list[Goal]:
    goals: list[Goal] = []
    if table is None:
        return goals
    v = table.values
    clients = _clients_column(table, canon)
    for i, client in enumerate(clients):
        kpi, start, end, target, improvement = (v[k][i] for k in ("kpi", "start", "end", "target", "improvement"))
        if start not in (None, INVALID) and end not in (None, INVALID) and end < start:  # type: ignore[operator]
            table.flag(i, "end", ERROR, END_BEFORE_START, end=display(end), start=display(start))
        if target is None and improvement is None:
            table.flag(i, "target", ERROR, NO_TARGET)
        elif type(improvement) is float:
            if improvement <= -1:
                table.flag(i, "improvement", ERROR, IMPROVEMENT_RANGE, value=display(improvement))
            elif improvement >= 1 and type(kpi) is str and (custom.kpis.get(kpi) or get(kpi)).lower_is_better:
                table.flag(i, "improvement", ERROR, IMPROVEMENT_TOO_BIG, kpi=kpi, value=display(improvement))
        if v["objective"][i] is None:
            table.flag(i, "objective", WARNING, NO_OBJECTIVE)
        planned = v["planned_cost"][i] if "planned_cost" in v else None
        if type(planned) is float and planned < 0:
            table.flag(i, "planned_cost", ERROR, NEGATIVE, column="planned cost", value=display(planned))
            planned = INVALID
        row = [client, kpi, start, end, v["channel"][i], v["baseline"][i], improvement, target, planned]
        if INVALID in row or None in row[:4]:
            continue
        goals.append(Goal(
            client, kpi, start, end, v["channel"][i], v["baseline"][i], improvement, target,  # type: ignore[arg-type]
            _str(v["objective"][i]), _str(v["owner"][i]), _str(v["notes"][i]), table.source(i),
            planned))  # type: ignore[arg-type]
    return goals


def _repeated_rows(table: _Table, clients: list[object], used: list[list[object]], skip: set[int]) -> None:
    """A row pasted twice doubles every total: an exact repeat is an error naming both rows; the same
    key (every column of Actuals that is not a measure: date, client, channel, campaign...) with other
    values is a warning, as the two are added up."""
    keys = [c.key for c in ACTUALS.columns if c.key not in MEASURES]
    columns = [clients if k == "client" else table.values[k] for k in keys]
    keyed: list[object] = list(zip(*columns, strict=True))
    dates = columns[keys.index("date")]
    if skip or None in dates or INVALID in dates:  # empty rows and rows without a date share no key
        for i, day in enumerate(dates):
            if i in skip or day is None or day is INVALID:
                keyed[i] = object()
    # Built from the end, the dict keeps each key's first row: 100,000 rows in a few milliseconds.
    first = dict(zip(reversed(keyed), range(len(keyed) - 1, -1, -1), strict=True))
    if len(first) == len(keyed):
        return
    words = ", ".join(_name(ACTUALS.column(k)) for k in keys)
    seen: dict[int, dict[tuple[object, ...], int]] = {}
    for i in [i for i, key in enumerate(keyed) if first[key] != i]:
        original = first[keyed[i]]
        values = seen.setdefault(original, {tuple(column[original] for column in used): original})
        row = tuple(column[i] for column in used)
        same = values.get(row)
        if same is not None:
            table.flag(i, "date", ERROR, DUPLICATE_ROW, other=str(table.at.numbers[same]), columns=words)
        else:
            values[row] = i
            table.flag(i, "date", WARNING, SAME_KEY, other=str(table.at.numbers[original]), columns=words)


def _blank_rows(columns: list[list[object]], count: int) -> list[int]:
    """The rows (of ``count``) blank in every one of ``columns``: narrowed column by column, as most
    rows leave the first column that has values filled.

    >>> _blank_rows([[None, 1.0, None, None], [2.0, None, None, None]], 4), _blank_rows([], 2)
    ([2, 3], [0, 1])
    """
    blank = range(count)
    for column in columns:
        blank = [i for i in blank if column[i] is None]
    return list(blank)


def _actuals(table: _Table | None, canon: dict[str, str] | None, report: _Report, custom: Custom) -> Actuals:
    actuals = Actuals(measures={name: [] for name in MEASURES})
    if table is None:
        return actuals
    v = table.values
    clients = _clients_column(table, canon)
    aggregations = {key: value for key, value in custom.aggregations.items() if key in v}
    measures = {name: v[name] for name in [*MEASURES, *aggregations]}
    # Most workbooks fill a few measures: the others, blank on every row, need no look.
    filled = {name: column for name, column in measures.items() if column.count(None) != len(column)}
    for name, column in filled.items():
        try:  # filter(None) drops blanks (and zeros): min() then runs in C
            any_negative = min(filter(None, column), default=0.0) < 0  # type: ignore[type-var]
        except TypeError:  # a bad cell, already reported, among the numbers: look at each
            any_negative = True
        negative = [i for i, x in enumerate(column) if type(x) is float and x < 0] if any_negative else []
        for i in negative:
            table.flag(i, name, ERROR, NEGATIVE, column=_name(table.at.table.column(name)), value=display(column[i]))
    used = list(filled.values())
    empty = _blank_rows(used, len(clients))
    for i in empty:
        table.flag(i, "date", WARNING, NO_MEASURES)
    _repeated_rows(table, clients, used, set(empty))
    flag_overlaps(v, clients, table.at.numbers,
                  lambda i, key, template, **params: table.flag(i, key, WARNING, template, **params))
    if report.has_errors:  # no data is built from a workbook with errors
        return actuals
    actuals.dates = v["date"]  # type: ignore[assignment]
    actuals.clients = clients  # type: ignore[assignment]
    actuals.channels = [x or "" for x in v["channel"]]  # type: ignore[misc]
    actuals.campaigns = [x or "" for x in v["campaign"]]  # type: ignore[misc]
    actuals.origins = [x or "" for x in v["source"]]  # type: ignore[misc]
    actuals.measures = measures  # type: ignore[assignment]
    actuals.custom = aggregations
    actuals.sources = table.at.numbers
    return actuals
