"""The "Import data" button, ``kpi_xl.excel.import_button.main()``, against the stand-in for xlwings.

The open workbook must end up holding exactly what ``kpi-xl import`` writes into the file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import fake_xlwings
import pytest

from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.excel import import_button as excel_import
from kpi_xl.importing.api import import_files
from kpi_xl.workbook.read import check_workbook, read_workbook
from kpi_xl.workbook.template import write_workbook

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
NOW = dt.datetime(2026, 5, 20, 9, 30)
D = dt.date


def _workbook(path: Path) -> Path:
    clients = {"Acme": Client("Acme", (), "en_US", "USD"), "Café Serra": Client("Café Serra", (), "pt_BR", "BRL")}
    actuals = Actuals.from_rows([
        {"date": D(2025, 7, 1), "client": "Acme", "channel": "Search", "campaign": "Brand", "cost": 5.0},
        {"date": D(2025, 7, 2), "client": "Acme", "channel": "Email", "campaign": "News", "revenue": 100.0},
        {"date": D(2025, 7, 2), "client": "Acme", "channel": "Search", "campaign": "Generic", "source": "google_ads",
         "cost": 1.0},
    ])
    write_workbook(path, WorkbookData(clients, [], actuals, Settings(agency_name="Northwind Digital")))
    return path


def _open(path: Path) -> fake_xlwings.Book:
    book = fake_xlwings.Book.from_xlsx(path)
    sheet = book.sheets["Actuals"]
    last = max(r for r, _ in sheet.cells)
    sheet.tables["tblActuals"] = fake_xlwings.Table(sheet, "tblActuals", f"A1:AM{last}")
    return book


def _drop(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / name, folder / name)


FILES = {"Acme": ("google_ads_en.csv", "meta_en.csv", "google_ads_range_total.csv"),
         "Café Serra": ("google_ads_pt_excel.csv", "meta_pt.csv")}


def test_the_button_imports_what_the_command_line_imports(tmp_path):
    file_copy = _workbook(tmp_path / "file" / "Agency.xlsx") if (tmp_path / "file").mkdir() is None else None
    for client, names in FILES.items():
        import_files(file_copy, [FIXTURES / n for n in names], client)
    path = _workbook(tmp_path / "Agency.xlsx")
    book = _open(path)
    for client, names in FILES.items():
        _drop(tmp_path / "Imports" / client, *names)

    excel_import.main(book, now=NOW)

    live, problems = check_workbook(book)
    # Only the warning that the hand-typed Brand row of 2025-07-01 (Actuals!E2) is imported too.
    assert live is not None and [(p.cell, p.message[:25]) for p in problems] == [("E2", "the row is typed by hand ")]
    expected = read_workbook(file_copy).actuals
    assert live.actuals.dates == expected.dates and live.actuals.measures == expected.measures
    assert live.actuals.origins == expected.origins and live.actuals.campaigns == expected.campaigns
    # The hand-typed rows are where they were; the restated Generic row of July 2 too.
    assert book.sheets["Actuals"]["D3"] == "News" and book.sheets["Actuals"]["F4"] == 11500.01
    assert book.sheets["Actuals"].tables["tblActuals"].range.shape == (1 + len(expected), 39)
    # Imported files moved to done/; the refused one stays, and the sheet says why.
    assert sorted(p.name for p in (tmp_path / "Imports" / "Acme").iterdir()) == ["done",
                                                                                 "google_ads_range_total.csv"]
    assert sorted(p.name for p in (tmp_path / "Imports" / "Acme" / "done").iterdir()) == ["google_ads_en.csv",
                                                                                          "meta_en.csv"]
    sheet = book.sheets["Imports"]
    summary, stamp, header, *lines = sheet.column_values(1)
    assert summary == "Imported 4 files into Actuals. Save the workbook to keep them."
    assert (stamp, header) == ("2026-05-20 09:30", "Client")
    assert [sheet[(4 + i, 2)] for i in range(4)] == ["google_ads_en.csv", "meta_en.csv", "google_ads_pt_excel.csv",
                                                     "meta_pt.csv"]
    refused = lines.index("Refused: 1. Each line below says which file and why; the file stays in its folder.")
    assert lines[refused + 1].startswith("google_ads_range_total.csv:4: one total over 2025-07-01 to 2025-07-24")
    warned = next(i for i, line in enumerate(lines) if str(line).startswith("Warnings: "))
    notices = lines[warned + 1:]
    assert 'google_ads_en.csv:3: columns left out, no measure of ours: "Conv. rate". To import one: --map ' \
           '"HEADER=MEASURE"' in notices
    assert any(str(n).startswith('meta_en.csv:1: column "Reach" left out: it counts people') for n in notices)
    assert any(str(n).startswith("google_ads_en.csv:4: 2025-07-01 Search Brand: typed by hand in Actuals row 2")
               for n in notices)
    assert book.app.status_bar == summary


def test_clicking_again_finds_nothing_new_and_says_where_to_put_files(tmp_path):
    book = _open(_workbook(tmp_path / "Agency.xlsx"))
    excel_import.main(book, now=NOW)
    first = book.sheets["Imports"]["A1"]
    assert first.startswith("No exports to import. Put each client's export files in ")
    assert (tmp_path / "Imports" / "Acme").is_dir() and (tmp_path / "Imports" / "Café Serra").is_dir()


def test_an_unsaved_workbook_is_told_to_save_first(tmp_path):
    book = _open(_workbook(tmp_path / "Agency.xlsx"))
    book.fullname = "Book1"
    excel_import.main(book, now=NOW)
    assert book.sheets["Imports"]["A1"] == "Save the workbook first: the exports are read from the Imports folder " \
                                           "next to it."


def test_the_summary_speaks_the_workbooks_language(tmp_path):
    path = tmp_path / "Agency.xlsx"
    clients = {"Café Serra": Client("Café Serra", (), "pt_BR", "BRL")}
    write_workbook(path, WorkbookData(clients, [], Actuals(measures={}), Settings(default_locale="pt_BR",
                                                                              agency_name="Northwind Digital")))
    book = _open(path)
    _drop(tmp_path / "Imports", "google_ads_pt_excel.csv")   # one client: loose files are hers
    excel_import.main(book, now=NOW)
    summary = book.sheets["Imports"]["A1"]
    assert summary == "Importado 1 arquivo para Actuals. Salve a pasta de trabalho para mantê-lo."
    assert len(read_rows := check_workbook(book)[0].actuals) == 5 and read_rows.origins[0] == "google_ads"


@pytest.mark.parametrize("lock", [None])
def test_the_button_needs_no_lock_check(tmp_path, lock):
    """Excel holds the file open while the button runs: the lock file is expected, not refused."""
    path = _workbook(tmp_path / "Agency.xlsx")
    (tmp_path / "~$Agency.xlsx").write_text("")
    book = _open(path)
    _drop(tmp_path / "Imports" / "Acme", "tiktok.csv")
    excel_import.main(book, now=NOW)
    assert book.sheets["Imports"]["A1"] == "Imported 1 file into Actuals. Save the workbook to keep it."


def test_a_workbook_from_before_the_source_column_gets_it_from_the_button(tmp_path, monkeypatch):
    from kpi_xl.workbook import template
    from kpi_xl.workbook.schema import ACTUALS, Table

    path = tmp_path / "Agency.xlsx"
    with monkeypatch.context() as patch:
        patch.setattr(template, "ACTUALS", Table(ACTUALS.sheet, ACTUALS.name,
                                                 tuple(c for c in ACTUALS.columns if c.key != "source")))
        clients = {"Acme": Client("Acme", (), "en_US", "USD")}
        write_workbook(path, WorkbookData(clients, [], Actuals.from_rows(
            [{"date": D(2025, 6, 1), "client": "Acme", "channel": "Search", "cost": 5.0}]),
                                 Settings(agency_name="Northwind Digital")))
    book = fake_xlwings.Book.from_xlsx(path)
    sheet = book.sheets["Actuals"]
    sheet.tables["tblActuals"] = fake_xlwings.Table(sheet, "tblActuals", "A1:AL2")
    _drop(tmp_path / "Imports", "tiktok.csv")
    excel_import.main(book, now=NOW)
    data, problems = check_workbook(book)
    assert problems == [] and data.actuals.origins == ["", "tiktok", "tiktok", "tiktok"]
    assert sheet["AM1"] == "Source" and sheet.tables["tblActuals"].range.shape == (5, 39)


def test_a_folder_named_after_no_client_is_a_line_with_the_nearest_client(tmp_path):
    # The one rule of kpi-xl import --client: case ignored when matching; accents only in the suggestion.
    book = _open(_workbook(tmp_path / "Agency.xlsx"))
    _drop(tmp_path / "Imports" / "cafe serra", "google_ads_pt_excel.csv")   # accent missing: not Café Serra
    _drop(tmp_path / "Imports" / "ACME", "meta_en.csv")                     # case only: Acme
    _drop(tmp_path / "Imports" / "Nobody", "meta_pt.csv")
    (tmp_path / "Imports" / "Empty").mkdir()                                # nothing in it: nothing to say
    excel_import.main(book, now=NOW)
    lines = book.sheets["Imports"].column_values(1)
    assert lines[0] == "Imported 1 file into Actuals. Save the workbook to keep it."
    at = lines.index("Folders not imported: 2. Rename each to its client's name on the Clients sheet and click "
                     "Import data again.")
    assert lines[at + 1:at + 3] == [
        'Imports/Nobody: no client named "Nobody" in the workbook (clients: Acme, Café Serra)',
        'Imports/cafe serra: no client named "cafe serra" in the workbook (clients: Acme, Café Serra); '
        'did you mean "Café Serra"?']
    assert [p.name for p in (tmp_path / "Imports" / "cafe serra").iterdir()] == ["google_ads_pt_excel.csv"]
    assert sorted(p.name for p in (tmp_path / "Imports" / "ACME").iterdir()) == ["done"]


def test_only_folders_named_after_no_client_are_still_said(tmp_path):
    book = _open(_workbook(tmp_path / "Agency.xlsx"))
    _drop(tmp_path / "Imports" / "cafe serra", "google_ads_pt_excel.csv")
    excel_import.main(book, now=NOW)
    lines = book.sheets["Imports"].column_values(1)
    assert lines[0] == "Imported 0 files into Actuals. Save the workbook to keep them."
    assert lines[-1].endswith('; did you mean "Café Serra"?')
    assert len(check_workbook(book)[0].actuals) == 3   # nothing imported
