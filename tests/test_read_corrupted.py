"""The reader on damaged workbooks: every case ends in located problems or a correct read, never a traceback.

Each case damages :func:`workbook_factory.sample_book` one way and lists every problem the reader must
report, exactly, as ``"error: Goals!F2: ..."``. Cases run on a file and, where Excel can hold the damage
(not merged cells, not formulas without values), on the live stand-in too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbook_factory import Book, ErrorValue, Formula, SheetSpec, fake_book, sample_book, write_xlsx

from kpi_xl.core.errors import KpiError
from kpi_xl.excel.cells import EXCEL_ERRORS
from kpi_xl.workbook.grid import NO_VALUE, Grid
from kpi_xl.workbook.parse import parse_grids
from kpi_xl.workbook.problems import ERROR
from kpi_xl.workbook.read import check_workbook, read_workbook
from kpi_xl.workbook.read_file import read_file
from kpi_xl.workbook.schema import ACTUALS, CLIENTS, GOALS, SETTINGS

D = dt.date
HEADERS = {t.sheet: t.headers for t in (CLIENTS, GOALS, ACTUALS, SETTINGS)}


def put(sheet: str, row: int, header: str, value: object) -> Callable[[Book], None]:
    """Sets the cell of ``header``'s column on sheet row ``row`` (the header is row 1)."""
    def damage(book: Book) -> None:
        book[sheet].rows[row - 1][HEADERS[sheet].index(header)] = value
    return damage


def add_row(sheet: str, *cells: object) -> Callable[[Book], None]:
    def damage(book: Book) -> None:
        book[sheet].rows.append(list(cells))
    return damage


def both(*damages: Callable[[Book], None]) -> Callable[[Book], None]:
    def damage(book: Book) -> None:
        for d in damages:
            d(book)
    return damage


def drop_sheet(name: str) -> Callable[[Book], None]:
    return lambda book: book.pop(name) and None


def drop_column(sheet: str, header: str) -> Callable[[Book], None]:
    def damage(book: Book) -> None:
        j = HEADERS[sheet].index(header)
        for row in book[sheet].rows:
            del row[j]
    return damage


def replace_rows(sheet: str, rows: list[list[object]]) -> Callable[[Book], None]:
    def damage(book: Book) -> None:
        book[sheet].rows = rows
    return damage


def merge(sheet: str, ref: str) -> Callable[[Book], None]:
    return lambda book: book[sheet].merged.append(ref)


def title_above(sheet: str) -> Callable[[Book], None]:
    def damage(book: Book) -> None:
        spec = book[sheet]
        spec.rows.insert(0, [f"{sheet} — Northwind"])
        spec.merged.append("A1:D1")
    return damage


LOCALES = "use one of en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN"
FILE, LIVE = "file", "live"

CASES = [
    # (id, damage, every problem expected, sources)
    ("text in a number column", put("Goals", 2, "Target", "ten"),
     ['error: Goals!F2: target must be a number, got "ten"'], (FILE, LIVE)),
    ("ambiguous thousands", put("Actuals", 2, "Cost", "1,234"),
     ['error: Actuals!F2: cost must be a number, got "1,234", which reads as a thousand in some languages and as '
      'a decimal in others: type it without a thousands separator'], (FILE, LIVE)),
    ("boolean in a number column", put("Actuals", 2, "Clicks", True),
     ["error: Actuals!I2: clicks must be a number, got TRUE"], (FILE, LIVE)),
    ("date in a number column", put("Goals", 3, "Target", D(2026, 1, 1)),
     ["error: Goals!F3: target must be a number, got 2026-01-01"], (FILE,)),
    ("missing sheet", drop_sheet("Settings"),
     ["error: Settings: sheet not found: every kpi_xl workbook has the sheets Clients, Goals, Actuals, Settings"],
     (FILE, LIVE)),
    ("missing required column", drop_column("Goals", "KPI"),
     ['error: Goals!tblGoals: required column "KPI" is missing'], (FILE, LIVE)),
    # An optional column may go, but not in silence: a renamed header would lose its data unseen.
    ("missing optional column", drop_column("Goals", "Channel"),
     ["warning: Goals!tblGoals: no column Channel: read as blank (renamed or deleted?)"], (FILE, LIVE)),
    ("duplicate column", put("Goals", 1, "Notes", "target"),
     ["warning: Goals!tblGoals: no column Notes: read as blank (renamed or deleted?)",
      'error: Goals!K1: column "Target" appears twice (first in column F): only the first is read'], (FILE, LIVE)),
    ("no header row", replace_rows("Clients", [["Our clients"], ["Acme", "ana@acme.example"]]),
     ["error: Clients: no header row found for the table tblClients: expected a row with the headers Client, "
      "Currency"], (FILE, LIVE)),
    ("empty sheet", replace_rows("Goals", []),
     ["error: Goals: no header row found for the table tblGoals: expected a row with the headers Client, KPI, "
      "Start, End"], (FILE, LIVE)),
    ("day-first date text", put("Goals", 2, "Start", "01/09/2026"),
     ['error: Goals!G2: start must be a date, got "01/09/2026"'], (FILE, LIVE)),
    ("empty date", put("Goals", 2, "Start", None), ["error: Goals!G2: start is required"], (FILE, LIVE)),
    ("spaces are empty", put("Actuals", 3, "Client", "   "), ["error: Actuals!B3: client is required"],
     (FILE, LIVE)),
    ("serial date out of range", put("Actuals", 2, "Date", -5),
     ["error: Actuals!A2: date must be a date, got -5"], (FILE, LIVE)),
    ("the day Excel invented", put("Actuals", 2, "Date", 60), ["error: Actuals!A2: date must be a date, got 60"],
     (FILE, LIVE)),
    ("unknown KPI code", put("Goals", 2, "KPI", "CPX"), ['error: Goals!B2: unknown KPI code "CPX"'], (FILE, LIVE)),
    ("unknown locale", put("Clients", 2, "Locale", "de_DE"),
     [f'error: Clients!C2: unknown locale "de_DE": {LOCALES}'], (FILE, LIVE)),
    ("unknown currency", put("Clients", 3, "Currency", "EURO"),
     ['error: Clients!D3: unknown currency "EURO": use an ISO 4217 code such as EUR, USD or BRL'], (FILE, LIVE)),
    ("malformed addresses, each reported", put("Clients", 2, "Emails", "ana@acme; luis(at)acme.example, ok@x.example"),
     ['warning: Clients!B2: malformed e-mail address "ana@acme": nothing is sent to it until it is corrected',
      'warning: Clients!B2: malformed e-mail address "luis(at)acme.example": nothing is sent to it until it is '
      'corrected'], (FILE, LIVE)),
    ("display names, quoted with a comma too, are addresses",
     put("Clients", 2, "Emails", '"Díaz, Ana" <ana@acme.example>; Luis <luis@acme.example>'), [], (FILE, LIVE)),
    ("a 65-character local part is what send refuses too", put("Clients", 2, "Emails", "a" * 65 + "@acme.example"),
     [f'warning: Clients!B2: malformed e-mail address "{"a" * 59}…": nothing is sent to it until it is corrected'],
     (FILE, LIVE)),
    ("line break in an address", put("Clients", 2, "Emails", "ana@acme.example\nBcc: x@evil.example"),
     ['error: Clients!B2: e-mail address "ana@acme.example\\nBcc: x@evil.example" contains a line break: '
      "separate addresses with ;"], (FILE, LIVE)),
    ("end before start", put("Goals", 2, "End", D(2026, 8, 1)),
     ["error: Goals!H2: end 2026-08-01 is before start 2026-09-01"], (FILE, LIVE)),
    ("neither target nor improvement", put("Goals", 2, "Improvement", None),
     ["error: Goals!F2: the goal has neither a Target nor an Improvement: give one of them"], (FILE, LIVE)),
    ("improvement without any baseline is fine", put("Goals", 2, "Baseline", None), [], (FILE, LIVE)),
    ("improvement of 100% on a lower-is-better KPI", put("Goals", 2, "Improvement", 1.0),
     ["error: Goals!E2: improvement for CPA must be below 100%, as lower is better, got 1"], (FILE, LIVE)),
    ("duplicate client", add_row("Clients", " acme ", None, "en_US", "USD", None),
     ['error: Clients!A5: client "acme" is listed twice (first at A2)'], (FILE, LIVE)),
    ("unknown client in Goals and Actuals",
     both(put("Goals", 2, "Client", "Zeta"), put("Actuals", 4, "Client", "Zeta")),
     ['error: Goals!A2: client "Zeta" is not in the Clients sheet',
      'error: Actuals!B4: client "Zeta" is not in the Clients sheet'], (FILE, LIVE)),
    ("a client whose row has an error is still known", put("Clients", 3, "Currency", "ZZZ"),
     ['error: Clients!D3: unknown currency "ZZZ": use an ISO 4217 code such as EUR, USD or BRL'], (FILE, LIVE)),
    ("negative measure", put("Actuals", 2, "Cost", -5), ["error: Actuals!F2: cost must not be negative, got -5"],
     (FILE, LIVE)),
    ("settings of the wrong type", both(
        put("Settings", 5, "Value", "lots"), put("Settings", 6, "Value", 70000),
        put("Settings", 4, "Value", "Sept"), put("Settings", 7, "Value", "tls"),
        add_row("Settings", "brand_colour", "blue"), add_row("Settings", "baseline_method", "average"),
        add_row("Settings", "Agency name", "Twice"), add_row("Settings", None, "orphan value"),
        put("Settings", 8, "Value", "reports at northwind")),
     ['error: Settings!B4: report_period must be a month like 2026-09, got "Sept"',
      'error: Settings!B5: on_track_min must be a share from 0 to 1, such as 0.95 or 95%, got "lots"',
      "error: Settings!B6: smtp_port must be a whole number from 1 to 65535, got 70000",
      'error: Settings!B7: smtp_security must be one of starttls, ssl, none, got "tls"',
      'error: Settings!B8: malformed e-mail address "reports at northwind"',
      'error: Settings!B9: brand_colour must be a colour like #1F4E79, got "blue"',
      'error: Settings!B10: baseline_method must be one of previous_3_months, same_period_last_year, got "average"',
      "error: Settings!A11: setting agency_name is given twice (first in row 2)",
      "error: Settings!A12: the setting's name is missing"], (FILE, LIVE)),
    ("thresholds the wrong way round", add_row("Settings", "at_risk_min", "97%"),
     ["error: Settings!B9: at_risk_min (0.97) must not be above on_track_min (0.9)"], (FILE, LIVE)),
    ("merged cells over data", merge("Goals", "A2:A3"),
     ["error: Goals!A2: cells A2:A3 are merged: unmerge them and give each row its own values"], (FILE,)),
    ("a merged title above the table is fine", title_above("Goals"), [], (FILE,)),
    ("formula without a computed value", put("Actuals", 3, "Cost", Formula("=2*50")),
     ["error: Actuals!F3: formula has no computed value: open and save the workbook in Excel"], (FILE,)),
    ("error cells in data", both(put("Goals", 2, "Baseline", ErrorValue("#REF!")),
                                 put("Actuals", 3, "Clicks", ErrorValue("#N/A")),
                                 put("Goals", 3, "KPI", ErrorValue("#N/A"))),
     ["error: Goals!D2: the cell shows the error #REF!: correct or clear it",
      "error: Goals!B3: the cell shows the error #N/A: correct or clear it",
      "error: Actuals!I3: the cell shows the error #N/A: correct or clear it"], (FILE, LIVE)),
    ("warnings only", both(put("Goals", 2, "Objective", None), add_row("Actuals", D(2026, 9, 3), "Acme", "Search"),
                           add_row("Settings", "colour", "dark")),
     ["warning: Goals!I2: the goal has no objective: say which business aim it serves",
      "warning: Actuals!A7: the row has no measures: every measure cell is empty",
      'warning: Settings!A9: unknown setting "colour": it is ignored'], (FILE, LIVE)),
    ("problems come in sheet, row, column order", both(
        put("Actuals", 3, "Cost", "x"), put("Actuals", 2, "Clicks", "y"), put("Goals", 3, "KPI", "Q"),
        put("Clients", 4, "Currency", "Q")),
     ['error: Clients!D4: unknown currency "Q": use an ISO 4217 code such as EUR, USD or BRL',
      'error: Goals!B3: unknown KPI code "Q"',
      'error: Actuals!I2: clicks must be a number, got "y"',
      'error: Actuals!F3: cost must be a number, got "x"'], (FILE, LIVE)),
]


def _lines(problems) -> list[str]:
    return [f"{p.severity.value}: {p}" for p in problems]


def _check(book: Book, source: str, tmp_path):
    if source == FILE:
        return check_workbook(write_xlsx(book, tmp_path / "damaged.xlsx"))
    return check_workbook(fake_book(book))


@pytest.mark.parametrize(("damage", "expected", "source"), [
    pytest.param(damage, expected, source, id=f"{name} ({source})")
    for name, damage, expected, sources in CASES for source in sources
])
def test_each_damage_is_reported_where_it_is(tmp_path, damage, expected, source):
    book = sample_book()
    damage(book)
    data, problems = _check(book, source, tmp_path)
    assert _lines(problems) == expected
    assert (data is None) == any(p.severity is ERROR for p in problems)


def test_read_workbook_raises_with_every_problem(tmp_path):
    book = sample_book()
    both(put("Goals", 2, "Target", "ten"), put("Goals", 3, "Objective", None))(book)
    with pytest.raises(KpiError) as raised:
        read_workbook(write_xlsx(book, tmp_path / "bad.xlsx"))
    assert [str(p) for p in raised.value.problems] == [
        'Goals!F2: target must be a number, got "ten"',
        "Goals!I3: the goal has no objective: say which business aim it serves"]
    assert str(raised.value) == '1 error in the workbook:\nGoals!F2: target must be a number, got "ten"'


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        # The file as it was given (here the absolute path the test passes), not only its name.
        ("junk.xlsx", b"this is not a zip file", "cannot read {path}: "),
        ("data.txt", b"Client,KPI\n", "cannot read {path}: not an .xlsx or .xlsm workbook"),
        ("data.csv", b"Client,KPI\n", "cannot read {path}: kpi-xl reads .xlsx workbooks, not .csv files: "
                                      "open it in your spreadsheet program and save it as .xlsx (Excel Workbook)"),
        ("nope.xlsx", None, "{path}: file not found"),
    ],
)
def test_a_file_that_cannot_be_opened_is_one_problem(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    data, problems = check_workbook(path)
    assert data is None
    (problem,) = problems
    assert problem.sheet == "" and problem.severity is ERROR and str(problem).startswith(expected.format(path=path))


# --- 100,000 rows, one bad cell in the middle, one empty row further down ---------------------------------

ROWS = 100_000


@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory):
    from workbook_factory import actuals_rows

    book = sample_book()
    book["Goals"].rows = [row[:-1] for row in book["Goals"].rows]   # XlsxWriter: no value-less formulas
    rows = actuals_rows(ROWS)
    rows[50_000][HEADERS["Actuals"].index("Cost")] = "ten"         # sheet row 50,002
    rows.insert(70_000, [None] * len(HEADERS["Actuals"]))           # sheet row 70,002 is empty
    book["Actuals"].rows = [book["Actuals"].rows[0], *rows]
    return write_xlsx(book, tmp_path_factory.mktemp("big") / "big.xlsx", engine="xlsxwriter")


@pytest.mark.slow
def test_one_bad_row_among_100_000_is_found_and_no_row_is_lost(big_workbook):
    data, problems = check_workbook(big_workbook)
    assert data is None
    assert _lines(problems) == [
        'error: Actuals!F50002: cost must be a number, got "ten"',
        "warning: Actuals!A70002: empty row inside the table: the rows below it are read too"]
    # Fixed in place, the same cells read to every one of the 100,000 rows.
    grids = read_file(big_workbook, {"clients", "goals", "actuals", "settings"})
    actuals = next(g for g in grids if g.name == "Actuals")
    actuals.rows[50_001][HEADERS["Actuals"].index("Cost")] = 10.0
    data, problems = parse_grids(grids)
    assert len(data.actuals) == ROWS
    assert data.actuals.sources[-1] == ROWS + 2
    assert data.actuals.measures["cost"][50_000] == 10.0


# --- garbage in every Goals cell: problems, never a crash ------------------------------------------------

cell = st.one_of(
    st.none(),
    st.just(""),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["CPA", "ctr", "Acme", "acme ", "2026-09-01", "01/09/2026", "10%", "1,234", "ana@x.example",
                     "Client", "KPI", "Start", "End", "#REF!", *sorted(EXCEL_ERRORS)[:3]]),
    st.dates(min_value=D(1, 1, 1)),
    st.datetimes(min_value=dt.datetime(1, 1, 1)),
    st.just(NO_VALUE),
)
goal_rows = st.lists(st.lists(cell, min_size=0, max_size=len(GOALS.headers) + 2), max_size=6)


def _grids(book: Book) -> list[Grid]:
    return [Grid(name, [list(r) for r in spec.rows], spec.top, spec.left) for name, spec in book.items()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=goal_rows)
def test_garbage_in_the_goals_table_gives_problems_never_a_crash(rows):
    book = sample_book()
    book["Goals"].rows = [GOALS.headers, *rows]
    data, problems = parse_grids(_grids(book))
    assert (data is None) == any(p.severity is ERROR for p in problems)
    assert all(p.sheet == "Goals" for p in problems)
    assert all("\n" not in str(p) for p in problems)   # one line each, whatever the cell held


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=st.sampled_from([CLIENTS, ACTUALS, SETTINGS]), keep=st.booleans(),
       rows=st.lists(st.lists(cell, max_size=len(ACTUALS.headers) + 2), max_size=5))
def test_garbage_in_any_other_table_gives_problems_never_a_crash(table, keep, rows):
    book = sample_book()
    spec = book[table.sheet]
    spec.rows = [spec.rows[0], *(spec.rows[1:] if keep else []), *rows]
    data, problems = parse_grids(_grids(book))
    assert (data is None) == any(p.severity is ERROR for p in problems)
    assert all("\n" not in str(p) for p in problems)


printable_cell = st.one_of(
    st.none(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=10),
    st.sampled_from(["CPA", "Acme", "2026-09-01", "12%", "1.234"]), st.dates(min_value=D(1900, 3, 1)),
    st.builds(ErrorValue, st.sampled_from(["#REF!", "#N/A", "#DIV/0!"])), st.just(Formula("=1+1")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(printable_cell, max_size=len(GOALS.headers)), min_size=1, max_size=4))
def test_garbage_written_to_a_file_raises_only_workbook_invalid(tmp_path, rows):
    book = sample_book()
    book["Goals"] = SheetSpec([GOALS.headers, *rows])
    path = write_xlsx(book, tmp_path / "garbage.xlsx")
    try:
        data = read_workbook(path)
    except KpiError as invalid:
        assert type(invalid).__name__ == "WorkbookInvalid" and invalid.errors  # type: ignore[attr-defined]
    else:
        assert len(data.goals) <= len(rows)


@pytest.mark.parametrize("engine", ["openpyxl", "xlsxwriter"])
def test_error_cells_and_formulas_without_values_are_seen_whoever_wrote_the_file(tmp_path, engine):
    book = sample_book()
    book["Goals"].rows = [row[:-1] for row in book["Goals"].rows]
    both(put("Actuals", 2, "Cost", ErrorValue("#DIV/0!")), put("Actuals", 6, "Reach", Formula("=1+1")),
         put("Actuals", 6, "Chat seconds", Formula("=2+2")),        # the last column
         add_row("Actuals", Formula("=TODAY()")),                  # a row of its own below the data
         put("Clients", 3, "Currency", ErrorValue("#N/A")))(book)
    data, problems = check_workbook(write_xlsx(book, tmp_path / f"{engine}.xlsx", engine))
    assert data is None
    no_value = "formula has no computed value: open and save the workbook in Excel"
    assert _lines(problems) == [
        "error: Clients!D3: the cell shows the error #N/A: correct or clear it",
        "error: Actuals!F2: the cell shows the error #DIV/0!: correct or clear it",
        f"error: Actuals!H6: {no_value}",
        f"error: Actuals!AM6: {no_value}",
        f"error: Actuals!A7: {no_value}",
        "warning: Actuals!A7: the row has no measures: every measure cell is empty",
        "error: Actuals!B7: client is required"]
