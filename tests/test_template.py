"""The workbook template and ``write_workbook``: tables, help, dropdowns, formulas, atomic writes,
and the committed workbooks in workbooks/ equal to freshly written ones."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter.workbook
from xlsx_compare import differences

from kpi_xl.core.model import Actuals, Client, Goal, Settings, WorkbookData
from kpi_xl.core.registry import KPIS
from kpi_xl.demo import write_demo
from kpi_xl.i18n import SUPPORTED_LOCALES, translator
from kpi_xl.workbook import template
from kpi_xl.workbook.schema import (
    ACTUALS,
    CLIENTS,
    CONFIG_SHEET,
    DASHBOARD_SHEET,
    GOALS,
    SETTING_KEYS,
    SETTINGS,
    TABLES,
)
from kpi_xl.workbook.template import write_template, write_workbook

ROOT = Path(__file__).resolve().parent.parent
DEMO_TODAY = dt.date(2026, 11, 22)
REGENERATE = ".venv/bin/python -c \"from pathlib import Path; {call}\""


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "kpi_template.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def book(fresh) -> openpyxl.Workbook:
    return openpyxl.load_workbook(fresh)


def _tables(book: openpyxl.Workbook) -> dict[str, tuple[object, object]]:
    """Every Excel table by name: (sheet, table)."""
    return {table.name: (ws, table) for ws in book.worksheets for table in ws.tables.values()}


def _headers(table) -> list[str]:
    return [column.name for column in table.tableColumns]


@pytest.mark.parametrize(
    ("name", "regenerate", "write"),
    [
        ("kpi_template.xlsx",
         "from kpi_xl.workbook.template import write_template; write_template(Path('workbooks/kpi_template.xlsx'))",
         write_template),
        ("demo.xlsx",
         "import datetime as dt; from kpi_xl.demo import write_demo; "
         "write_demo(Path('workbooks/demo.xlsx'), dt.date(2026, 11, 22))",
         lambda path: write_demo(path, DEMO_TODAY)),
    ],
)
def test_committed_workbook_equals_a_fresh_one(tmp_path, name, regenerate, write):
    committed = ROOT / "workbooks" / name
    assert committed.is_file(), f"workbooks/{name} is missing; create it with:\n{REGENERATE.format(call=regenerate)}"
    write(tmp_path / name)
    found = differences(tmp_path / name, committed)
    assert not found, (f"workbooks/{name} is stale; regenerate it from the repository root with:\n"
                       f"{REGENERATE.format(call=regenerate)}\n" + "\n".join(found[:5]))


def test_every_schema_table_is_an_excel_table_with_the_schema_headers_first(book):
    tables = _tables(book)
    for table in TABLES:
        sheet, excel_table = tables[table.name]
        assert sheet.title == table.sheet
        assert _headers(excel_table)[:len(table.columns)] == table.headers
        assert excel_table.ref.startswith("A1:")


def test_sheets_and_xlwings_configuration(book):
    assert {t.sheet for t in TABLES} | {DASHBOARD_SHEET, CONFIG_SHEET} <= set(book.sheetnames)
    config = book[CONFIG_SHEET]
    assert (config["A1"].value, config["B1"].value) == ("UDF Modules", "kpi_xl.udfs")
    assert book[template.LISTS_SHEET].sheet_state == "hidden"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_column_has_its_help_as_a_header_comment(book, table):
    sheet = book[table.sheet]
    for c, column in enumerate(table.columns, start=1):
        comment = sheet.cell(1, c).comment
        assert (comment.text if comment else "") == column.doc, column.header


def test_settings_are_prefilled_with_every_key_and_its_default(book):
    sheet = book[SETTINGS.sheet]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == list(SETTING_KEYS)
    assert rows == {key: default for key, (default, _help) in SETTING_KEYS.items()}


def _validations(sheet) -> dict[str, tuple[str, str | None]]:
    """First cell of each validated range -> (type, list source)."""
    found = {}
    for dv in sheet.data_validations.dataValidation:
        for cells in str(dv.sqref).split():
            found[cells.split(":")[0]] = (dv.type, dv.formula1)
    return found


@pytest.mark.parametrize(
    ("table", "key", "check"),
    [
        (CLIENTS, "locale", lambda source: all(loc in source for loc in SUPPORTED_LOCALES)),
        (GOALS, "kpi", lambda source: source.startswith(f"{template.LISTS_SHEET}!")),
        (GOALS, "client", lambda source: CLIENTS.name in source),
        (ACTUALS, "client", lambda source: CLIENTS.name in source),
    ],
)
def test_dropdowns(book, table, key, check):
    column = openpyxl.utils.get_column_letter(table.headers.index(table.column(key).header) + 1)
    kind, source = _validations(book[table.sheet])[f"{column}2"]
    assert kind == "list" and check(source), source


def test_kpi_dropdown_lists_every_registry_code_then_the_custom_codes(book):
    _sheet, kpi_list = _tables(book)["tblKpiList"]
    lists = book[template.LISTS_SHEET]
    first, last = (int(re.sub(r"\D", "", cell)) for cell in kpi_list.ref.split(":"))
    codes = [lists.cell(r, 1).value for r in range(first + 1, last + 1)]
    assert codes[:len(KPIS)] == list(KPIS)
    # then one formula per slot, reading the Custom KPIs sheet's k-th code as it is typed there
    assert len(codes) == len(KPIS) + template.CUSTOM_SLOTS
    assert codes[len(KPIS)] == '=IFERROR(UPPER(TRIM(INDEX(tblKpis[Code],1)))&"","")'
    source = _validations(book[GOALS.sheet])["B2"][1]
    assert source == f"{template.LISTS_SHEET}!$A$2:$A${len(KPIS) + template.CUSTOM_SLOTS + 1}"


def test_pace_has_traffic_lights_and_status_has_colours(book):
    sheet = book[GOALS.sheet]
    _ws, goals = _tables(book)[GOALS.name]
    headers = _headers(goals)
    letter = lambda header: openpyxl.utils.get_column_letter(headers.index(header) + 1)  # noqa: E731
    rules = {str(rng.sqref): [r for r in rng.rules] for rng in sheet.conditional_formatting}
    pace = rules[f"{letter('Pace')}2"]
    icons = pace[0].iconSet
    assert pace[0].type == "iconSet" and icons.iconSet in (None, "3TrafficLights1")  # None: Excel's default set
    thresholds = [float(cfvo.val) for cfvo in icons.cfvo[1:]]
    assert thresholds == [SETTING_KEYS["at_risk_min"][0], SETTING_KEYS["on_track_min"][0]]
    status = rules[f"{letter('Status')}2"]
    assert {r.type for r in status} == {"expression"} and len(status) == 6


def _formulas(book: openpyxl.Workbook) -> list[str]:
    found = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    for _ws, table in _tables(book).values():
        found += [col.calculatedColumnFormula.attr_text for col in table.tableColumns if col.calculatedColumnFormula]
    return found


@pytest.mark.each_locale
def test_every_structured_reference_names_a_real_column(tmp_path, locale):
    path = tmp_path / "t.xlsx"
    write_template(path, locale=locale)
    book = openpyxl.load_workbook(path)
    headers = {name: set(_headers(table)) for name, (_ws, table) in _tables(book).items()}
    formulas = _formulas(book)
    assert formulas
    for formula in formulas:
        assert "@" not in formula, formula  # stored formulas spell [#This Row] out
        for table, column in re.findall(r"(tbl\w+)\[(?:\[#This Row\],)?\[?([^\[\]#]+?)\]", formula):
            assert column in headers[table], f"{table}[{column}] in {formula[:120]}"
        names = set(re.findall(r"\b(dash_\w+|kpi_as_of)\b", formula))
        assert names <= set(book.defined_names), names


@pytest.mark.each_locale
def test_labels_are_translated(tmp_path, locale):
    path = tmp_path / "t.xlsx"
    write_template(path, locale=locale)
    book = openpyxl.load_workbook(path)
    _ = translator(locale).gettext
    assert book[DASHBOARD_SHEET]["A1"].value == _("KPI dashboard")
    headers = _headers(_tables(book)[GOALS.name][1])
    assert _(template.ACTUAL) in headers and headers[:len(GOALS.columns)] == GOALS.headers
    names = [book[DASHBOARD_SHEET].cell(r, 2).value for r in range(template.DASHBOARD_KPI_ROW + 2, 40)]
    assert _(KPIS["CPA"].name) in names


def test_dashboard_pairs_every_trackable_kpi_with_a_plain_excel_formula(book):
    sheet = book[DASHBOARD_SHEET]
    rows = list(sheet.iter_rows(min_row=template.DASHBOARD_KPI_ROW + 2, max_col=5, values_only=True))
    codes = [row[0] for row in rows if row[0]]
    assert codes == [code for code, kpi in KPIS.items() if kpi.measures]
    for code, _name, _stage, function, plain in rows[:len(codes)]:
        assert plain.startswith("=IFERROR(") and "KPI_" not in plain, code
        if function is not None:
            assert function.count(f"KPI_{code}(") == 1, code


def _small_data() -> WorkbookData:
    actuals = Actuals.from_rows([
        {"date": dt.date(2026, 9, 1), "client": "Acme", "channel": "Search", "campaign": "Brand",
         "cost": 1234.5, "conversions": 7.0},
        {"date": dt.date(2026, 9, 2), "client": "Acme", "channel": None, "customers_at_start": 90.0},
    ])
    return WorkbookData(
        clients={"Acme": Client("Acme", ("a@example.com", "b@example.org"), "pl_PL", "PLN", "=not a formula")},
        goals=[Goal("Acme", "CPA", dt.date(2026, 9, 1), dt.date(2026, 9, 30), channel="Search", improvement=0.1),
               Goal("Acme", "REVENUE", dt.date(2026, 10, 1), dt.date(2026, 12, 31), target=5e4, objective="Grow")],
        actuals=actuals,
        settings=Settings(agency_name="Agency", smtp_port=465),
    )


def test_write_workbook_writes_the_data_as_typed_cells(tmp_path):
    path = tmp_path / "w.xlsx"
    data = _small_data()
    write_workbook(path, data)
    book = openpyxl.load_workbook(path)
    clients = list(book[CLIENTS.sheet].iter_rows(min_row=2, max_col=len(CLIENTS.columns), values_only=True))
    assert clients == [("Acme", "a@example.com; b@example.org", "pl_PL", "PLN", "=not a formula")]
    goals = list(book[GOALS.sheet].iter_rows(min_row=2, max_col=len(GOALS.columns), values_only=True))
    assert goals[0][:8] == ("Acme", "CPA", "Search", None, 0.1, None, dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 30))
    assert goals[1][5] == 5e4 and goals[1][8] == "Grow"
    actuals = list(book[ACTUALS.sheet].iter_rows(min_row=2, values_only=True))
    cost, customers = (ACTUALS.headers.index(ACTUALS.column(k).header) for k in ("cost", "customers_at_start"))
    assert actuals[0][:4] == (dt.datetime(2026, 9, 1), "Acme", "Search", "Brand") and actuals[0][cost] == 1234.5
    assert actuals[1][2] is None and actuals[1][cost] is None and actuals[1][customers] == 90
    settings = {row[0]: row[1] for row in book[SETTINGS.sheet].iter_rows(min_row=2, values_only=True)}
    assert settings["agency_name"] == "Agency" and settings["smtp_port"] == 465 and settings["smtp_host"] is None
    assert book[DASHBOARD_SHEET]["B4"].value == "Acme"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"old")

    def fail(self):
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "close", fail)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(path, _small_data())
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["w.xlsx"]


def test_writing_into_a_missing_folder_fails_and_creates_nothing(tmp_path):
    with pytest.raises(OSError):
        write_template(tmp_path / "missing" / "t.xlsx")
    assert list(tmp_path.iterdir()) == []
