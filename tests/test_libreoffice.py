"""A real spreadsheet application computes the workbooks' plain-Excel formulas, and gets what kpi_xl
gets: LibreOffice (headless) recalculates the template, the demo and a small workbook of edge cases,
and every Dashboard total, Dashboard KPI and Goals actual matches :class:`ActualsView`.

LibreOffice keeps the cached values of an .xlsx by default; a private profile tells it to recalculate
every file on load (XlsxWriter's cached values are all 0, so a missed recalculation cannot pass).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest

from kpi_xl.core.aggregate import ActualsView, kpi_of_totals
from kpi_xl.core.model import Actuals, Client, Goal, Settings, WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.core.registry import KPIS, MEASURES
from kpi_xl.demo import demo_data
from kpi_xl.workbook import template
from kpi_xl.workbook.schema import ACTUALS, DASHBOARD_SHEET, GOALS
from kpi_xl.workbook.template import write_template, write_workbook

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("soffice") is None,
                       reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"),
]

TODAY = dt.date(2026, 11, 22)
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
# Calc > Formula > Recalculation on file load: always, for Excel 2007+ and ODF files.
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def _edge_cases() -> WorkbookData:
    """Blank channels, two rows of a stock on one day, a 0/0, a client without conversions."""
    d = dt.date
    actuals = Actuals.from_rows([
        {"date": d(2026, 9, 1), "client": "A", "channel": "Search", "cost": 100.0, "conversions": 4.0,
         "customers_at_start": 50.0},
        {"date": d(2026, 9, 1), "client": "A", "channel": None, "customers_at_start": 30.0},
        {"date": d(2026, 9, 2), "client": "A", "channel": "Social", "cost": 40.0, "conversions": 0.0,
         "customers_lost": 5.0, "customers_at_start": 999.0},
        {"date": d(2026, 9, 29), "client": "A", "channel": None, "customers_at_end": 75.0},
        {"date": d(2026, 9, 30), "client": "A", "channel": "Search", "cost": 60.5, "conversions": 2.0,
         "new_customers": 3.0},
        {"date": d(2026, 10, 3), "client": "A", "channel": "Search", "cost": 10.0, "conversions": 1.0,
         "customers_at_end": 70.0},
        {"date": d(2026, 9, 5), "client": "B", "channel": "Search", "cost": 10.0},
    ])
    goals = [
        Goal("A", "CPA", d(2026, 9, 1), d(2026, 9, 30)),
        Goal("A", "CPA", d(2026, 9, 1), d(2026, 9, 30), channel="Social"),       # 0 conversions: no value
        Goal("A", "CHURN_RATE", d(2026, 9, 1), d(2026, 9, 30)),
        Goal("A", "RETENTION_RATE", d(2026, 9, 2), d(2026, 10, 31)),              # stocks on later days
        Goal("A", "CPA", d(2026, 10, 1), d(2026, 12, 31)),                        # ends after the data
        Goal("A", "CPA", d(2027, 1, 1), d(2027, 1, 31)),                          # not started: no data
        Goal("B", "CPA", d(2026, 9, 1), d(2026, 9, 30)),                          # no conversions at all
        Goal("B", "CLV", d(2026, 9, 1), d(2026, 9, 30)),                          # not tracked from rows
    ]
    clients = {name: Client(name, (), "en_US", "EUR") for name in ("A", "B")}
    return WorkbookData(clients=clients, goals=goals, actuals=actuals, settings=Settings())


def _cases() -> dict[str, tuple[WorkbookData, dict]]:
    """File name -> (data, Dashboard selection); None for the template."""
    demo = demo_data(TODAY)
    previous = Month.of(TODAY) - 1
    quarter = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    return {
        "template.xlsx": (None, {}),
        "demo.xlsx": (demo, {}),  # the first client over the last complete month, from formulas
        "demo_chat.xlsx": (demo, {"client": "Café Serra Azul", "channel": "WhatsApp", "period": quarter}),
        "demo_history.xlsx": (demo, {"client": "Sen Vàng Spa",
                                     "period": (min(demo.actuals.dates), TODAY - dt.timedelta(days=1))}),
        "demo_month.xlsx": (demo, {"client": "Zielony Ogród", "period": (previous.first_day, previous.last_day)}),
        "edge.xlsx": (_edge_cases(), {"client": "A", "period": (dt.date(2026, 9, 1), dt.date(2026, 9, 30))}),
    }


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[WorkbookData | None, dict, openpyxl.Workbook]]:
    """Every case written by kpi_xl, then opened, recalculated and saved again by LibreOffice."""
    tmp = tmp_path_factory.mktemp("libreoffice")
    written, out = tmp / "written", tmp / "out"
    written.mkdir()
    profile = tmp / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD, encoding="utf-8")
    cases = _cases()
    for name, (data, selection) in cases.items():
        if data is None:
            write_template(written / name)
        else:
            write_workbook(written / name, data, **selection)
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), *sorted(str(p) for p in written.iterdir())],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    missing = [name for name in cases if not (out / name).is_file()]
    assert not missing, f"LibreOffice did not convert {missing}: {done.stdout} {done.stderr}"
    return {name: (data, selection, openpyxl.load_workbook(out / name, data_only=True))
            for name, (data, selection) in cases.items()}


def _blank(value: object) -> bool:
    return value is None or value == ""


def _assert_matches(got: object, expected: float | None, where: str) -> None:
    if expected is None:
        assert _blank(got), f"{where}: expected blank, LibreOffice computed {got!r}"
    else:
        assert isinstance(got, int | float), f"{where}: expected {expected}, LibreOffice gave {got!r}"
        assert got == pytest.approx(expected, rel=1e-9), where


def _dashboard(book: openpyxl.Workbook) -> tuple[dict[str, object], dict[str, object], dict[str, object]]:
    """(inputs by label row, plain KPI values by code, totals by Actuals header) from the Dashboard."""
    sheet = book[DASHBOARD_SHEET]
    rows = list(sheet.iter_rows(min_row=1, values_only=True))
    inputs = {r: rows[r][1] for r in range(3, 8)}
    heads, body = rows[template.DASHBOARD_KPI_ROW], rows[template.DASHBOARD_KPI_ROW + 1:]
    plain, measure = heads.index("Plain Excel"), heads.index("Actuals column")  # en_US labels
    kpis = {row[0]: row[plain] for row in body if row[0]}
    totals = {row[measure]: row[measure + 1] for row in body if row[measure]}
    return inputs, kpis, totals


def _day(value: object) -> dt.date:
    assert isinstance(value, dt.datetime), value
    return value.date()


@pytest.mark.parametrize("name", [n for n in _cases() if n != "template.xlsx"])
def test_dashboard_plain_excel_equals_kpi_xl(recalculated, name):
    data, selection, book = recalculated[name]
    inputs, kpis, totals = _dashboard(book)
    client, channel = inputs[3], inputs[4] or None
    start, end = _day(inputs[5]), _day(inputs[6])
    assert client == selection.get("client", next(iter(data.clients)))
    assert _day(inputs[7]) == data.actuals.latest_date
    if "period" in selection:
        assert (start, end) == selection["period"]
    else:  # the last complete month of the data
        month = Month.of(data.actuals.latest_date + dt.timedelta(days=1)) - 1
        assert (start, end) == (month.first_day, month.last_day)
    view = ActualsView(data.actuals, client, channel)
    own = {header: key for key, (header, _description) in data.custom_measures.items()}
    assert set(totals) == {ACTUALS.column(m).header for m in MEASURES} | set(own)
    for header, key in own.items():  # the workbook's own measures (the demo's video views)
        _assert_matches(totals[header], view.total(key, start, end), f"{name} {key}")
    for measure in MEASURES:
        _assert_matches(totals[ACTUALS.column(measure).header], view.total(measure, start, end), f"{name} {measure}")
    assert list(kpis) == [code for code, kpi in KPIS.items() if kpi.measures] + list(data.kpis)
    computed = 0
    for code, got in kpis.items():
        kpi = data.kpi(code)
        # The Dashboard is plain SUMIFS over the chosen rows, like the functions over ranges: over every
        # channel its ad-efficiency KPIs include channels without ad cost, which the reports and goals
        # leave out (README, Dashboard). Picking a channel gives the same value in both.
        # So do custom KPIs over a custom measure and others (channels without video views' cost).
        loose = kpi.paid or (code in data.kpis and len(kpi.measures) > 1)
        expected = (kpi_of_totals(kpi, view.totals(kpi.measures, start, end)) if loose and channel is None
                    else view.value(kpi, start, end))
        _assert_matches(got, expected, f"{name} {code} for {client} {channel} {start}..{end}")
        computed += expected is not None
    assert computed >= (3 if name == "edge.xlsx" else 8), "too few KPIs have data to prove anything"


@pytest.mark.parametrize("name", [n for n in _cases() if n.startswith("demo") or n == "edge.xlsx"])
def test_goals_actual_equals_kpi_xl_to_the_latest_data(recalculated, name):
    data, _selection, book = recalculated[name]
    rows = list(book[GOALS.sheet].iter_rows(values_only=True))
    actual = rows[0].index(template.ACTUAL)  # the en_US header
    as_of = data.actuals.latest_date
    assert len(rows) - 1 == len(data.goals)
    values = 0
    for r, (goal, row) in enumerate(zip(data.goals, rows[1:], strict=True), start=2):
        view, kpi, window = ActualsView(data.actuals, goal.client, goal.channel), data.kpi(goal.kpi), (
            goal.start, min(goal.end, as_of))
        # Plain SUMIFS over the goal's rows: see the Dashboard test on ad-efficiency KPIs over every channel.
        loose = kpi.paid or (goal.kpi in data.kpis and len(kpi.measures) > 1)
        expected = (kpi_of_totals(kpi, view.totals(kpi.measures, *window)) if loose and not goal.channel
                    else view.value(kpi, *window))
        _assert_matches(row[actual], expected, f"{name} Goals row {r} {goal.label} of {goal.client}")
        values += expected is not None
    assert values >= len(data.goals) // 2


def test_the_template_converts_and_computes_to_blanks(recalculated):
    _data, _selection, book = recalculated["template.xlsx"]
    inputs, kpis, totals = _dashboard(book)
    assert all(_blank(v) for v in [*kpis.values(), *totals.values(), inputs[5], inputs[6], inputs[7]])
    goals = list(book[GOALS.sheet].iter_rows(min_row=2, values_only=True))
    assert goals and all(_blank(v) for v in goals[0])


@pytest.mark.parametrize("name", list(_cases()))
def test_no_plain_excel_cell_is_an_error(recalculated, name):
    """Only the =KPI_* cells may fail in LibreOffice (#NAME?: it has no add-in); nothing else."""
    _data, _selection, book = recalculated[name]
    goals_headers = next(book[GOALS.sheet].iter_rows(values_only=True))
    udf_columns = {i for i, h in enumerate(goals_headers) if h != template.ACTUAL
                   and i >= len(GOALS.columns) and not str(h).startswith("Total ")}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if value not in EXCEL_ERRORS and not (isinstance(value, str) and value.startswith("Err:")):
                    continue
                udf_cell = (sheet.title == DASHBOARD_SHEET and cell.column == 4) or (
                    sheet.title == GOALS.sheet and cell.column - 1 in udf_columns)
                assert udf_cell and value == "#NAME?", f"{name} {sheet.title}!{cell.coordinate}: {value}"
