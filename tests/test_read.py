"""The workbook reader on good workbooks: exact values from a file and from live Excel, wherever the
tables sit on their sheets, whatever extra columns surround them."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import string

import pytest
from workbook_factory import ErrorValue, Formula, SheetSpec, actuals_row, fake_book, sample_book, write_xlsx

from kpi_xl import cli
from kpi_xl.core.model import Actuals, Client, Goal, Settings, WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.i18n import translator
from kpi_xl.workbook import locate, parse, read_file, settings, values
from kpi_xl.workbook.problems import ERROR, WARNING
from kpi_xl.workbook.read import check_workbook, read_book, read_workbook
from kpi_xl.workbook.schema import ACTUALS, GOALS

D = dt.date


def expected_data(source: str) -> WorkbookData:
    """What :func:`workbook_factory.sample_book` holds, typed by hand."""
    clients = {
        "Acme": Client("Acme", ("ana@acme.example", "luis@acme.example"), "es_MX", "MXN", "Strong month",
                       "Clients!A2", ("Clients!B2", "Clients!B2")),
        "Borsa": Client("Borsa", ("ola@borsa.example",), "pl_PL", "PLN", "", "Clients!A3", ("Clients!B3",)),
        "Cafe Sol": Client("Cafe Sol", (), "pt_BR", "BRL", "", "Clients!A4", ()),
    }
    goals = [
        Goal("Acme", "CPA", D(2026, 9, 1), D(2026, 9, 30), "Search", 30.0, 0.1, None, "Cheaper leads", "Ana", "",
             "Goals!A2"),
        Goal("Borsa", "REVENUE", D(2026, 7, 1), D(2026, 12, 31), None, None, None, 50000.0, "Grow sales", "Ola",
             "H2", "Goals!A3"),
        Goal("Cafe Sol", "CTR", D(2026, 9, 1), D(2026, 9, 30), "Social", None, 0.25, None, "Reach", "", "",
             "Goals!A4"),
    ]
    actuals = Actuals.from_rows([
        {"date": D(2026, 9, 1), "client": "Acme", "channel": "Search", "campaign": "Brand", "cost": 120.5,
         "clicks": 300, "conversions": 4},
        {"date": D(2026, 9, 2), "client": "Acme", "channel": "Search", "cost": 99.5, "clicks": 250, "conversions": 0},
        {"date": D(2026, 9, 1), "client": "Borsa", "channel": "Email", "campaign": "Newsletter", "revenue": 1234.5,
         "orders": 12},
        {"date": D(2026, 9, 1), "client": "Cafe Sol", "channel": "Social", "impressions": 10000, "clicks": 120,
         "reach": 8000},
        {"date": D(2026, 9, 2), "client": "Cafe Sol", "channel": "Social", "campaign": "2026", "engagements": 40,
         "reach": 7000},
    ])
    settings = Settings(agency_name="Northwind Digital", default_locale="pt_BR", report_period=Month(2026, 9),
                        on_track_min=0.9, smtp_port=587, smtp_security="starttls",
                        from_address="reports@northwind.example")
    return WorkbookData(clients, goals, actuals, settings, source)


@pytest.mark.parametrize("engine", ["openpyxl", "xlsxwriter"])
def test_a_file_reads_to_exact_values(tmp_path, engine):
    book = sample_book()
    if engine == "xlsxwriter":  # it cannot write a formula without a value: none in the extra column
        book["Goals"].rows = [row[:-1] for row in book["Goals"].rows]
    path = write_xlsx(book, tmp_path / "clients.xlsx", engine)
    data, problems = check_workbook(path)
    assert problems == []
    assert data == expected_data(str(path))


def test_live_excel_gives_the_same_data_as_the_file(tmp_path):
    book = sample_book()
    from_file = read_workbook(write_xlsx(book, tmp_path / "clients.xlsx"))
    live = fake_book(book, "clients.xlsm")
    from_excel = read_book(live)
    assert from_excel.source == "C:\\Reports\\clients.xlsm"
    from_excel.source = from_file.source
    assert from_excel == from_file
    # Each sheet the reader needs is read in one call, and the Dashboard not at all.
    assert {s.name: s.used_range.reads for s in live.sheets} == {
        "Clients": 1, "Goals": 1, "Actuals": 1, "Settings": 1, "Dashboard": 0}


def _moved(book: dict[str, SheetSpec], top: int, left: int) -> dict[str, SheetSpec]:
    """Every table moved to (top, left), with a title above it and a note to its left."""
    moved = copy.deepcopy(book)
    for name in ("Clients", "Goals", "Actuals", "Settings"):
        spec = moved[name]
        width = len(spec.rows[0])
        title = [f"{name} of Northwind", *[None] * (width + left - 2)]
        rows = [[None] * (left - 1) + row for row in spec.rows]
        rows[1][0] = "note: from the CRM"
        spec.rows = [title, *[[None] * (width + left - 1)] * (top - 2), *rows]
        spec.top, spec.left = 1, 1
    return moved


@pytest.mark.parametrize("source", ["file", "live"])
def test_tables_are_found_below_and_right_of_a1(tmp_path, source):
    book = _moved(sample_book(), top=4, left=3)   # headers in row 4, first column C
    if source == "file":
        data = read_workbook(write_xlsx(book, tmp_path / "moved.xlsx"))
    else:
        data = read_book(fake_book(book))
    expected = expected_data(data.source)
    assert data.goals == [dataclasses.replace(g, source=f"Goals!C{5 + i}") for i, g in enumerate(expected.goals)]
    assert data.clients["Acme"].source == "Clients!C5"
    assert data.clients["Acme"].email_sources == ("Clients!D5", "Clients!D5")
    assert data.actuals.sources == [5, 6, 7, 8, 9]
    assert data.actuals.measures == expected.actuals.measures
    assert data.settings == expected.settings


def test_headers_match_ignoring_case_spaces_and_underscores(tmp_path):
    book = sample_book()
    book["Goals"].rows[0][:4] = ["  client ", "kpi", "CHANNEL", "base\u00a0line"]   # the last one is not a header
    bounced = ACTUALS.headers.index("Bounced sessions")
    book["Actuals"].rows[0][bounced] = "bounced_sessions"
    book["Actuals"].rows[1][bounced] = 12
    data, problems = check_workbook(write_xlsx(book, tmp_path / "headers.xlsx"))
    assert [g.client for g in data.goals] == ["Acme", "Borsa", "Cafe Sol"]
    assert data.goals[0].baseline is None        # "base line" is not Baseline: an extra column, ignored...
    assert data.actuals.measures["bounced_sessions"][0] == 12.0
    # ... and the Baseline it may have meant to be is said to be missing, not dropped in silence.
    assert [str(p) for p in problems] == ["Goals!tblGoals: no column Baseline: read as blank (renamed or deleted?)"]


def test_extra_columns_anywhere_are_ignored_even_when_broken(tmp_path):
    book = sample_book()
    for spec in (book["Goals"], book["Actuals"]):
        spec.rows[0].insert(2, "My notes")   # inside the table
        spec.rows[0].append("Check")          # and to its right
        for i, row in enumerate(spec.rows[1:]):
            row.insert(2, ErrorValue("#REF!") if i == 0 else "ten")
            row.extend([None] * (len(spec.rows[0]) - 1 - len(row)) + [Formula("=1/0")])
    path = write_xlsx(book, tmp_path / "extra.xlsx")
    assert check_workbook(path) == (expected_data(str(path)), [])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (46266, D(2026, 9, 1)),                          # a serial number: a date column that lost its format
        (46266.75, D(2026, 9, 1)),                       # ... with a time of day
        ("2026-09-01", D(2026, 9, 1)),                   # ISO text
        (" 2026-09-01 00:00:00 ", D(2026, 9, 1)),        # ISO text with a midnight time, pasted from a database
        (dt.datetime(2026, 9, 1, 18, 30), D(2026, 9, 1)),  # a date-time cell
    ],
)
@pytest.mark.parametrize("source", ["file", "live"])
def test_dates_in_every_form_excel_can_hold_them(tmp_path, source, cell, expected):
    book = sample_book()
    book["Goals"].rows[1][GOALS.headers.index("Start")] = cell
    book["Actuals"].rows[1][0] = cell
    data = read_workbook(write_xlsx(book, tmp_path / "dates.xlsx")) if source == "file" else read_book(
        fake_book(book))
    assert data.goals[0].start == expected
    assert data.actuals.dates[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1234.5", 1234.5), ("1,234.50", 1234.5), ("1.234,50", 1234.5), ("1 234,5", 1234.5), ("12,5", 12.5),
     (" 7 ", 7.0), ("0,500", 0.5)],
)
def test_numbers_typed_as_text_are_read_when_unambiguous(tmp_path, text, expected):
    book = sample_book()
    book["Actuals"].rows[1][ACTUALS.headers.index("Cost")] = text
    data = read_workbook(write_xlsx(book, tmp_path / "text.xlsx"))
    assert data.actuals.measures["cost"][0] == expected


def test_percent_text_is_a_fraction(tmp_path):
    book = sample_book()
    book["Goals"].rows[1][GOALS.headers.index("Improvement")] = "12%"
    assert read_workbook(write_xlsx(book, tmp_path / "pct.xlsx")).goals[0].improvement == pytest.approx(0.12)


def test_clients_are_matched_ignoring_case_and_take_the_clients_sheet_spelling(tmp_path):
    book = sample_book()
    book["Goals"].rows[1][0] = " ACME "
    book["Actuals"].rows[2][1] = "acme"
    data = read_workbook(write_xlsx(book, tmp_path / "case.xlsx"))
    assert data.goals[0].client == "Acme"
    assert data.actuals.clients[:2] == ["Acme", "Acme"]


def test_a_client_without_a_locale_gets_the_default_locale(tmp_path):
    data = read_workbook(write_xlsx(sample_book(), tmp_path / "default.xlsx"))
    assert data.clients["Cafe Sol"].locale == data.settings.default_locale == "pt_BR"


def test_an_empty_row_inside_a_table_does_not_end_it(tmp_path):
    book = sample_book()
    book["Actuals"].rows.insert(3, [None] * len(ACTUALS.headers))
    book["Actuals"].rows.insert(3, [None] * len(ACTUALS.headers))
    data, problems = check_workbook(write_xlsx(book, tmp_path / "gap.xlsx"))
    assert len(data.actuals) == 5                      # the three rows below the gap are there
    assert data.actuals.sources == [2, 3, 6, 7, 8]
    assert [str(p) for p in problems] == ["Actuals!A4: empty row inside the table: the rows below it are read too"]
    assert problems[0].severity is WARNING


def test_a_table_with_only_its_header_reads_as_empty(tmp_path):
    book = sample_book()
    book["Goals"].rows = book["Goals"].rows[:1]
    book["Actuals"].rows = book["Actuals"].rows[:1]
    data, problems = check_workbook(write_xlsx(book, tmp_path / "empty.xlsx"))
    assert (data.goals, len(data.actuals), problems) == ([], 0, [])


def test_an_xlsm_workbook_reads_like_an_xlsx(tmp_path):
    path = write_xlsx(sample_book(), tmp_path / "clients.xlsx").rename(tmp_path / "clients.xlsm")
    assert read_workbook(path) == expected_data(str(path))


def test_check_command_prints_nothing_but_a_summary_for_a_good_workbook(tmp_path):
    path = write_xlsx(sample_book(), tmp_path / "good.xlsx")
    out = io.StringIO()
    assert cli.main(["check", str(path)], out) == 0
    assert out.getvalue() == f"{path}: no problems\n"   # the workbook as it was given


def test_check_command_lists_every_problem_by_place_and_fails_on_errors(tmp_path):
    book = sample_book()
    book["Goals"].rows[1][GOALS.headers.index("Target")] = "ten"
    book["Goals"].rows[2][GOALS.headers.index("Objective")] = None
    book["Clients"].rows[2][2] = "de_DE"
    path = write_xlsx(book, tmp_path / "bad.xlsx")
    out = io.StringIO()
    assert cli.main(["check", str(path)], out) == 1
    assert out.getvalue().splitlines() == [
        'Clients!C3: error: unknown locale "de_DE": use one of en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN',
        'Goals!F2: error: target must be a number, got "ten"',
        "Goals!I3: warning: the goal has no objective: say which business aim it serves",
        f"{path}: 2 errors, 1 warning",
    ]


def test_check_command_passes_with_warnings_only(tmp_path):
    book = sample_book()
    book["Settings"].rows.append(["colour_theme", "dark", None])
    out = io.StringIO()
    path = write_xlsx(book, tmp_path / "warn.xlsx")
    assert cli.main(["check", str(path)], out) == 0
    assert out.getvalue().splitlines() == [
        'Settings!A9: warning: unknown setting "colour_theme": it is ignored', f"{path}: 0 errors, 1 warning"]


# Every message a person reads is in the catalogs, and every translation keeps the message's placeholders.
MESSAGES = sorted({value for module in (values, locate, parse, settings, read_file) for name, value in
                   vars(module).items() if name.isupper() and isinstance(value, str) and " " in value})


@pytest.mark.each_locale
def test_every_problem_message_is_translated_with_its_placeholders(locale):
    gettext = translator(locale).gettext
    for message in MESSAGES:
        fields = {f for _, f, _, _ in string.Formatter().parse(message) if f}
        translated = gettext(message)
        assert {f for _, f, _, _ in string.Formatter().parse(translated) if f} == fields, (locale, message)
        if not locale.startswith("en"):
            assert translated != message, (locale, message)


def test_problems_read_in_the_users_language(tmp_path):
    book = sample_book()
    book["Goals"].rows[1][GOALS.headers.index("Target")] = "diez"
    _, problems = check_workbook(write_xlsx(book, tmp_path / "es.xlsx"))
    (problem,) = problems
    assert problem.severity is ERROR
    assert problem.text(translator("es_ES").gettext) == 'Goals!F2: target: debe ser un número; valor indicado: "diez"'
    assert problem.text(translator("en_US").gettext) == str(problem) == 'Goals!F2: target must be a number, got "diez"'


def test_actuals_row_helper_matches_the_schema():
    assert len(actuals_row(D(2026, 1, 1), "Acme")) == len(ACTUALS.headers)


def test_nan_and_infinity_in_a_number_column_are_reported_not_passed_on():
    from kpi_xl.workbook.schema import Kind
    from kpi_xl.workbook.values import convert_column

    values, issues = convert_column([12.5, float("nan"), float("inf"), None], Kind.NUMBER, "Cost")
    assert values[0] == 12.5 and values[3] is None
    assert [index for index, *_ in issues] == [1, 2]
