"""Review of issue 14: the importer's caps on hostile files, escaped and multi-line messages, plain words
for files that are not workbooks. Hostile inputs are made here; nothing large is checked in."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hostile_corpus import base_workbook

from kpi_xl import cli
from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.importing import api
from kpi_xl.importing.api import import_files
from kpi_xl.importing.errors import ImportRefusedError
from kpi_xl.importing.text import MAX_LINE_CHARS
from kpi_xl.workbook.read import check_workbook, read_workbook
from kpi_xl.workbook.template import write_workbook

GOOD = "Day,Campaign,Cost,Clicks\n2026-08-03,Brand,12.50,4\n"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return base_workbook(tmp_path / "clients.xlsx")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    out = io.StringIO()
    code = cli.main(list(argv), out=out)
    return code, out.getvalue(), capsys.readouterr().err


def refused(result) -> list[str]:
    return [str(error) for error in result.refused]


# --- 1. caps on an export's size and on one line ---------------------------------------------------------

def test_a_file_past_the_size_cap_is_refused_before_it_is_read(target, tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.write(GOOD.encode())
        file.truncate(3 * 2**20 + 1)   # 3 MB and one byte, sparse
    monkeypatch.setattr(api, "MAX_EXPORT_BYTES", 3 * 2**20)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    result = import_files(target, [path], "Acme", dry_run=True)
    assert refused(result) == ["huge.csv: the file is 4 MB, more than the 3 MB an export can be: export a shorter "
                               "date range, or split it into several files"]


def test_the_documented_cap_is_200_mb():
    assert api.MAX_EXPORT_BYTES == 200 * 2**20


@pytest.mark.parametrize(("content", "line"), [
    ("a" * (MAX_LINE_CHARS + 1), 1),                                   # one line, no separator at all
    (GOOD + "2026-08-04,Brand," + "9" * (MAX_LINE_CHARS + 5) + "\n", 3),  # the third line
])
def test_a_line_past_the_cap_is_refused_with_its_line(target, tmp_path, content, line):
    path = tmp_path / "long.csv"
    path.write_text(content)
    result = import_files(target, [path], "Acme", dry_run=True)
    assert refused(result) == [f"long.csv:{line}: a line longer than 1,000,000 characters: this is not a "
                               "platform export (download it again)"]


def test_a_line_at_the_cap_is_not_a_long_line(target, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(GOOD + "x," * (MAX_LINE_CHARS // 2) + "\n")
    assert "a line longer than" not in " ".join(refused(import_files(target, [path], "Acme", dry_run=True)))


def test_an_unclosed_quote_is_a_cell_too_long_in_plain_words(target, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('Day,Campaign,Cost,Clicks\n2026-08-03,"Brand\n' + "1,2,3\n" * 30_000)
    assert refused(import_files(target, [path], "Acme", dry_run=True)) == [
        "quote.csv:2: cannot read the file: a cell longer than 131,072 characters (or a quote never closed)"]


def test_a_folder_as_export_is_refused_by_name(target, tmp_path, capsys):
    (tmp_path / "exports.csv").mkdir()
    code, _, err = run(capsys, "import", "--dry-run", "--client", "Acme", str(target), str(tmp_path / "exports.csv"))
    assert code == 1 and err == "kpi-xl: refused: exports.csv: this is a folder, not an export file\n"


def test_memory_running_out_on_one_file_refuses_that_file(target, tmp_path, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError
    monkeypatch.setattr(api, "read_export", exhausted)
    (tmp_path / "a.csv").write_text(GOOD)
    result = import_files(target, [tmp_path / "a.csv"], "Acme", dry_run=True)
    assert refused(result) == ["a.csv: cannot read the file: too large for the memory available"]


# --- 3. import prints nothing raw --------------------------------------------------------------------------

def test_import_escapes_control_characters_in_names_and_cells(target, tmp_path, capsys):
    evil = tmp_path / "evil\x1b]0;pwned\x07.csv"
    evil.write_text(GOOD.replace("12.50", "1\x1b[2J2"))
    good = tmp_path / "ok\x1b[31m.csv"
    good.write_text(GOOD)
    code, out, err = run(capsys, "import", "--dry-run", "--client", "Acme", str(target), str(evil), str(good))
    assert code == 1
    assert not RAW_CONTROL.search(out + err), (out, err)
    assert 'kpi-xl: refused: evil\\x1b]0;pwned\\x07.csv:2: cost "1\\x1b[2J2" is not a number' in err
    assert "ok\\x1b[31m.csv: google_ads rows from 2026-08-03" in out   # the before/after line


def test_import_escapes_the_workbooks_name_in_what_it_wrote(tmp_path, capsys):
    target = tmp_path / "c\x1b]0;x\x07.xlsx"
    write_workbook(target, WorkbookData({"Acme": Client("Acme", (), "en_US", "USD")}, [], Actuals.from_rows([]),
                                        Settings()))
    (tmp_path / "a.csv").write_text(GOOD)
    code, out, err = run(capsys, "import", "--client", "Acme", str(target), str(tmp_path / "a.csv"))
    assert code == 0 and not RAW_CONTROL.search(out + err), (out, err)
    assert "c\\x1b]0;x\\x07.xlsx" in out


# --- 4. a workbook's errors one per line --------------------------------------------------------------------

@pytest.mark.parametrize("command", [["goals"], ["import", "--client", "Acme"]])
def test_each_workbook_error_is_on_its_own_line(tmp_path, capsys, command):
    from test_read_corrupted import put
    from workbook_factory import sample_book, write_xlsx

    book = sample_book()
    put("Goals", 2, "Target", "ten\u202e")(book)
    put("Goals", 3, "Target", "x\ny")(book)
    path = write_xlsx(book, tmp_path / "bad.xlsx")
    (tmp_path / "a.csv").write_text(GOOD)
    argv = [command[0], str(path), *command[1:], *([str(tmp_path / "a.csv")] if command[0] == "import" else [])]
    code, _, err = run(capsys, *argv)
    lines = err.splitlines()
    assert code == 1 and lines[0].startswith("kpi-xl: ") and lines[0].endswith("errors in the workbook:"), err
    assert len(lines) == 1 + int(lines[0].split()[1]), err   # the heading, then one line per error
    assert any(line.startswith("Goals!F2: ") and "ten\\u202e" in line for line in lines[1:]), err
    assert "\\n" not in lines[0] and not RAW_CONTROL.search(err)


# --- 5. plain words for files that are not workbooks ---------------------------------------------------------

@pytest.mark.parametrize(("name", "make", "expected"), [
    ("data.xlsx", lambda p: p.write_text("Client,KPI\nAcme,cpa\n"),
     "cannot read {path}: it is not an .xlsx workbook inside (a file renamed .xlsx?): open it in Excel and "
     "save it as .xlsx"),
    ("cut.xlsx", lambda p: p.write_bytes(base_workbook(p.with_name("whole.xlsx")).read_bytes()[:3000]),
     "cannot read {path}: it is damaged or incomplete: copy or download it again"),
    ("folder.xlsx", lambda p: p.mkdir(), "cannot read {path}: it is a folder, not a workbook"),
])
def test_a_file_that_is_not_a_workbook_is_said_in_plain_words(tmp_path, name, make, expected):
    path = tmp_path / name
    make(path)
    data, problems = check_workbook(path)
    assert data is None and [str(p) for p in problems] == [expected.format(path=path)]   # the path as given
    assert "Error" not in expected and "Zip" not in str(problems[0])


# --- 2 and 7. a cell far below the table: kept where it is by import, as check accepts it ---------------------

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
SHEET = "xl/worksheets/sheet4.xml"   # Actuals in write_workbook's files


def _with_row(path: Path, row: bytes) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members[SHEET] = members[SHEET].replace(b"</sheetData>", row + b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _actuals_workbook(path: Path) -> Path:
    write_workbook(path, WorkbookData({"Acme": Client("Acme", (), "en_US", "USD")}, [], Actuals.from_rows([]),
                                      Settings(agency_name="Northwind Digital")))
    return path


FORMULA_ONLY = b'<row r="1048576"><c r="XFD1048576"><f>SUM(F2:F9)</f></c></row>'
VALUE = b'<row r="1048576"><c r="XFD1048576"><v>7</v></c></row>'


@pytest.mark.parametrize("far", [FORMULA_ONLY, VALUE], ids=["formula without value", "value"])
def test_a_far_cell_outlives_imports_that_append_and_remove_rows(tmp_path, far):
    path = _with_row(_actuals_workbook(tmp_path / "c.xlsx"), far)
    _, problems = check_workbook(path)
    assert [(p.cell, p.severity.value) for p in problems] == [("XFD1048576", "warning")]   # what check accepts
    first = import_files(path, [FIXTURES / "google_ads_en.csv", FIXTURES / "meta_en.csv"], "Acme")
    second = import_files(path, [FIXTURES / "google_ads_en_brand_only.csv"], "Acme")   # removes 3 rows
    assert first.written and second.written and not first.refused and not second.refused
    assert second.plan.files[0].removed == 3
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(SHEET)
    assert sheet.count(far) == 1 and sheet.rstrip().endswith(far + b"</sheetData>" + sheet.split(b"</sheetData>")[1])
    numbers = [int(n) for n in re.findall(rb'<row r="(\d+)"', sheet)]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))   # rows in order, none twice
    assert len(read_workbook(path).actuals) == 3 + 4   # Brand's 3 days, Meta's 4


def test_a_cell_right_below_the_table_is_not_overwritten_the_import_is_refused(tmp_path):
    path = _with_row(_actuals_workbook(tmp_path / "c.xlsx"), b'<row r="4"><c r="BA4"><f>1+1</f></c></row>')
    before = path.read_bytes()
    with pytest.raises(ImportRefusedError) as refused_error:
        import_files(path, [FIXTURES / "google_ads_en.csv"], "Acme")
    assert "row 4 below the table holds cells and the imported rows would reach it" in str(refused_error.value)
    assert path.read_bytes() == before


# --- 6. the Excel button reads an oversized sheet's tables whole ----------------------------------------------

@pytest.mark.parametrize("limit_rows", [7, 1, 200])
def test_the_live_reader_reads_every_row_of_a_table_larger_than_one_read(tmp_path, monkeypatch, limit_rows):
    import datetime as dt

    import fake_xlwings

    from kpi_xl.workbook import read_live

    rows = [{"date": dt.date(2026, 7, 1) + dt.timedelta(days=i), "client": "Acme", "channel": "Search",
             "campaign": f"C{i}", "cost": float(i + 1)} for i in range(30)]
    path = tmp_path / "live.xlsx"
    write_workbook(path, WorkbookData({"Acme": Client("Acme", (), "en_US", "USD")}, [], Actuals.from_rows(rows),
                                      Settings(agency_name="Northwind Digital")))
    book = fake_xlwings.Book.from_xlsx(path)
    actuals = book.sheets["Actuals"]
    width = actuals.used_range.shape[1]
    actuals.tables["tblActuals"] = fake_xlwings.Table(actuals, "tblActuals", f"A1:{_letter(width)}31")
    actuals["XFD1048576"] = "stray"   # the used range: 17 billion cells
    monkeypatch.setattr(read_live, "LIVE_MAX_CELLS", width * limit_rows)
    data, problems = check_workbook(book)
    assert [(p.place, p.severity.value) for p in problems if p.sheet == "Actuals"] == [
        ("Actuals!XFD1048576", "warning")]
    assert data is not None and data.actuals.campaigns == [f"C{i}" for i in range(30)]
    assert sum(data.actuals.measures["cost"]) == sum(range(1, 31))


def _letter(column: int) -> str:
    from kpi_xl.workbook.problems import column_letter

    return column_letter(column)
