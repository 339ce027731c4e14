"""The "Generate report" button, ``kpi_xl.main()``, against a stand-in for xlwings (tests/fake_xlwings.py).

The workbook is the demo workbook as kpi_xl writes it, loaded cell by cell into the stand-in: what
Excel would hold once the user opens it. The reader and the report writer are the real ones.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import fake_xlwings
import pytest

from kpi_xl.demo import write_demo
from kpi_xl.excel import report_button as excel_button
from kpi_xl.i18n import translator
from kpi_xl.workbook.problems import cell_address
from kpi_xl.workbook.read import check_workbook

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 14, 5)
EN = translator("en_US")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, fake_xlwings.Book]:
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    write_demo(path, TODAY)
    return path, fake_xlwings.Book.from_xlsx(path)


@pytest.fixture
def book(demo, tmp_path) -> fake_xlwings.Book:
    """The demo workbook open in Excel, saved in its own empty folder."""
    return demo[1].copy(str(tmp_path / "Agency KPIs.xlsx"))


def _find(sheet: fake_xlwings.Sheet, value: object) -> tuple[int, int]:
    return next(place for place, cell in sorted(sheet.cells.items()) if cell == value)


def _set_setting(book: fake_xlwings.Book, key: str, value: object) -> None:
    row, column = _find(book.sheets["Settings"], key)
    book.sheets["Settings"][(row, column + 1)] = value


def _reports(book: fake_xlwings.Book) -> list[object]:
    return book.sheets["Reports"].column_values(1)


@pytest.mark.slow  # about 4 s: four real PDFs through WeasyPrint
def test_success_lists_every_pdf_written_next_to_the_workbook(demo, book, tmp_path):
    excel_button.main(book, now=NOW)

    summary, stamp, *lines = _reports(book)
    pdfs = sorted(tmp_path.glob("*.pdf"))
    data, warnings = check_workbook(demo[0])  # the same workbook, read from its file
    assert len(pdfs) == len(data.clients) > 0
    assert sorted(Path(line) for line in lines[:len(pdfs)]) == pdfs
    assert warnings and lines[len(pdfs):] == [f"Warning: {w}" for w in warnings]
    assert all(pdf.read_bytes().startswith(b"%PDF-") for pdf in pdfs)
    period = "2026-10"  # Settings leaves report_period blank: the last complete month before TODAY
    assert summary == f"Reports for {period}, saved next to the workbook: {len(pdfs)}."
    assert stamp == "2026-11-22 14:05"
    assert book.app.status_history == [EN.gettext("kpi_xl: generating reports…"), summary]
    assert book.active is book.sheets["Reports"]
    assert book.sheets["Reports"].writes == 1  # one round trip to Excel


@pytest.mark.slow  # two real PDFs
def test_a_client_with_errors_fails_alone_with_its_cells_and_the_others_are_written(book, tmp_path):
    goals = book.sheets["Goals"]
    header_row, target_column = _find(goals, "Target")
    goals[(header_row + 1, target_column)] = "ten"              # the first goal: Aurora Moda's
    locale_row, locale_column = _find(book.sheets["Clients"], "Locale")
    book.sheets["Clients"][(locale_row + 2, locale_column)] = "Klingon"  # the second client: Café Serra Azul

    excel_button.main(book, now=NOW)

    summary, stamp, *lines = _reports(book)
    assert stamp == "2026-11-22 14:05"
    assert summary == "Reports for 2026-10: 2 saved next to the workbook, 2 not written: see below."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Sen-Vàng-Spa_2026-10_vi_VN.pdf",
                                                          "Zielony-Ogród_2026-10_pl_PL.pdf"]
    at = lines.index("Not written: Aurora Moda")
    target = f"  Goals!{cell_address(header_row + 1, target_column)}: "
    assert lines[at + 1].startswith(target) and "ten" in lines[at + 1]
    at = lines.index("Not written: Café Serra Azul")
    assert lines[at + 1].startswith(f"  Clients!{cell_address(locale_row + 2, locale_column)}: ")
    assert book.app.status_bar == summary


def test_a_workbook_error_stops_every_report(book, tmp_path):
    _set_setting(book, "brand_colour", "blue-ish")

    excel_button.main(book, now=NOW)

    summary, _, *lines = _reports(book)
    assert summary == "Problems that stop the reports: 1. Fix them and click Generate report again."
    (error,) = (line for line in lines if not line.startswith("Warning: "))
    assert error.startswith("Settings!") and "blue-ish" in error
    assert list(tmp_path.iterdir()) == []


def test_warnings_are_marked_and_listed_after_errors_stop_the_reports(book, tmp_path):
    settings = book.sheets["Settings"]
    last_row = max(row for row, _ in settings.cells)
    key_column = _find(settings, "agency_name")[1]
    settings[(last_row + 1, key_column)] = "agency_nmae"     # a typo: unknown setting, a warning
    _set_setting(book, "report_period", "October")          # not a month: an error

    excel_button.main(book, now=NOW)

    summary, _, *lines = _reports(book)
    assert summary.startswith("Problems that stop the reports: 1.")
    errors = [line for line in lines if not line.startswith("Warning: ")]
    assert len(errors) == 1 and errors[0].startswith("Settings!") and '"October"' in errors[0]
    (typo,) = (line for line in lines if "agency_nmae" in line)
    assert typo.startswith("Warning: Settings!")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_reports_sheet_is_emptied_and_reused(book):
    old = book.sheets.add("reports")  # any letter case: Excel's sheet names ignore it
    old.range("A1").value = [[f"old line {i}"] for i in range(40)]
    _set_setting(book, "report_period", "October")

    excel_button.main(book, now=NOW)

    assert [s.name for s in book.sheets].count("reports") == 1
    assert "Reports" not in [s.name for s in book.sheets]
    values = old.column_values(1)
    assert values[0].startswith("Problems that stop the reports: 1.")
    assert not any("old line" in str(v) for v in values)


@pytest.mark.each_locale
@pytest.mark.parametrize(("fullname", "message"), [
    ("Book1", excel_button._NOT_SAVED),
    ("https://contoso-my.sharepoint.com/personal/ana/Documents/KPIs.xlsx", excel_button._ONLINE),
], ids=["unsaved", "online"])
def test_a_workbook_without_a_folder_is_told_to_be_saved_in_its_language(demo, locale, fullname, message):
    book = demo[1].copy(fullname)
    _set_setting(book, "default_locale", locale)

    excel_button.main(book, now=NOW)

    summary, _, line = _reports(book)
    assert summary == translator(locale).gettext(message)
    assert line == fullname
    assert book.app.status_bar == summary


@pytest.mark.slow  # three real PDFs
def test_a_pdf_that_cannot_be_written_is_named_and_the_others_are_written(book, tmp_path):
    locked = tmp_path / "Aurora-Moda_2026-10_es_ES.pdf"
    locked.mkdir()  # stands for a PDF open in a viewer on Windows: the name cannot be replaced

    excel_button.main(book, now=NOW)

    summary, _, *lines = _reports(book)
    assert summary == "Reports for 2026-10: 3 saved next to the workbook, 1 not written: see below."
    at = lines.index("Not written: Aurora Moda")
    assert lines[at + 1].startswith(f"  cannot write {locked}: ")
    assert len(list(tmp_path.glob("*.pdf"))) == 4  # three reports and the folder


def test_without_a_book_it_reads_the_workbook_that_called_it(demo, monkeypatch):
    book = demo[1].copy("Book1")
    monkeypatch.setitem(sys.modules, "xlwings", fake_xlwings)
    monkeypatch.setattr(fake_xlwings.Book, "_mock_caller", None)
    book.set_mock_caller()

    excel_button.main(now=NOW)

    assert _reports(book)[0] == EN.gettext(excel_button._NOT_SAVED)


def test_kpi_xl_main_is_the_button(demo, monkeypatch):
    """What the add-in's VBA runs: ``import kpi_xl;kpi_xl.main()``."""
    import kpi_xl

    book = demo[1].copy("Book1")
    monkeypatch.setitem(sys.modules, "xlwings", fake_xlwings)
    monkeypatch.setattr(fake_xlwings.Book, "_mock_caller", None)
    book.set_mock_caller()

    kpi_xl.main()

    assert _reports(book)[0] == EN.gettext(excel_button._NOT_SAVED)
