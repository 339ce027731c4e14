"""Importing into a workbook file: exactly once, in place, every other part of the file untouched."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from workbook_factory import sample_book, write_xlsx

from kpi_xl import cli
from kpi_xl.core.errors import UnknownClientError
from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.importing.api import import_files
from kpi_xl.importing.errors import ImportRefusedError
from kpi_xl.workbook.read import check_workbook, read_workbook
from kpi_xl.workbook.template import write_workbook

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
D = dt.date


def fixture(name: str) -> Path:
    return FIXTURES / name


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Two clients and two rows typed by hand for Acme (no Source): they must never be touched."""
    clients = {"Acme": Client("Acme", (), "en_US", "USD"), "Café Serra": Client("Café Serra", (), "pt_BR", "BRL")}
    actuals = Actuals.from_rows([
        {"date": D(2025, 7, 1), "client": "Acme", "channel": "Search", "campaign": "Brand", "cost": 5.0},
        {"date": D(2025, 7, 2), "client": "Acme", "channel": "Email", "campaign": "News", "revenue": 100.0},
        {"date": D(2025, 7, 2), "client": "Café Serra", "channel": "Search", "source": "google_ads", "cost": 7.0},
    ])
    path = tmp_path / "clients.xlsx"
    write_workbook(path, WorkbookData(clients, [], actuals, Settings(agency_name="Northwind Digital")))
    return path


def rows(path: Path) -> list[tuple[object, ...]]:
    a = read_workbook(path).actuals
    return [(a.dates[i], a.clients[i], a.channels[i], a.campaigns[i], a.origins[i], a.measures["cost"][i],
             a.measures["conversions"][i]) for i in range(len(a))]


def only_the_hand_typed_twin(problems: list) -> bool:
    """The fixture's hand-typed 2025-07-01 Search Brand row (Actuals!E2) is also in google_ads_en.csv:
    check warns about it, and about nothing else."""
    return [(p.sheet, p.cell, p.message.startswith("the row is typed by hand")) for p in problems] == [
        ("Actuals", "E2", True)]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


HAND = [(D(2025, 7, 1), "Acme", "Search", "Brand", "", 5.0, None),
        (D(2025, 7, 2), "Acme", "Email", "News", "", None, None),
        (D(2025, 7, 2), "Café Serra", "Search", "", "google_ads", 7.0, None)]


def test_an_import_appends_the_rows_and_changes_no_other_part(workbook):
    before = parts(workbook)
    result = import_files(workbook, [fixture("google_ads_en.csv")], "acme")
    assert result.written and result.refused == []
    after = parts(workbook)
    assert list(after) == list(before)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"xl/worksheets/sheet4.xml", "xl/tables/table3.xml"}   # Actuals and tblActuals
    assert b'ref="A1:AM10"' in after["xl/tables/table3.xml"]
    assert rows(workbook) == [*HAND,
        (D(2025, 7, 1), "Acme", "Search", "Brand", "google_ads", 1994.15, 31.0),
        (D(2025, 7, 1), "Acme", "Search", "Generic", "google_ads", 12001.99, 120.5),
        (D(2025, 7, 2), "Acme", "Search", "Brand", "google_ads", 1870.4, 29.0),
        (D(2025, 7, 2), "Acme", "Search", "Generic", "google_ads", 11500.01, 110.0),
        (D(2025, 7, 3), "Acme", "Search", "Brand", "google_ads", 1655.33, None),
        (D(2025, 7, 3), "Acme", "Search", "Generic", "google_ads", 10990.0, 100.25),
    ]
    data, problems = check_workbook(workbook)
    assert data is not None and only_the_hand_typed_twin(problems)


def test_the_backup_is_the_workbook_before_the_import(workbook):
    before = workbook.read_bytes()
    import_files(workbook, [fixture("google_ads_en.csv")], "Acme")
    assert workbook.with_name("clients.xlsx.bak").read_bytes() == before


def test_importing_the_same_file_twice_changes_nothing(workbook):
    import_files(workbook, [fixture("google_ads_en.csv")], "Acme")
    once = workbook.read_bytes()
    result = import_files(workbook, [fixture("google_ads_en.csv")], "Acme")
    assert not result.written
    assert (result.plan.files[0].unchanged, result.plan.files[0].added) == (6, 0)
    assert workbook.read_bytes() == once


def test_a_later_overlapping_export_replaces_the_shared_days_in_place(workbook):
    import_files(workbook, [fixture("google_ads_en.csv")], "Acme")
    result = import_files(workbook, [fixture("google_ads_en_later.csv")], "Acme")
    change = result.plan.files[0]
    assert (change.added, change.replaced, change.unchanged, change.removed) == (1, 1, 1, 0)
    got = rows(workbook)
    assert got[:3] == HAND
    assert got[7] == (D(2025, 7, 3), "Acme", "Search", "Brand", "google_ads", 1660.0, 2.0)   # restated, same row
    assert got[-1] == (D(2025, 7, 4), "Acme", "Search", "Brand", "google_ads", 1500.0, 25.0)
    assert len(got) == 3 + 7
    assert sum(r[5] for r in got if r[4] == "google_ads" and r[1] == "Acme") == pytest.approx(40011.88 - 1655.33
                                                                                               + 1660 + 1500)


def test_rows_that_left_the_export_are_removed_and_the_rows_below_move_up(workbook):
    import_files(workbook, [fixture("google_ads_en.csv"), fixture("meta_en.csv")], "Acme")
    result = import_files(workbook, [fixture("google_ads_en_brand_only.csv")], "Acme")
    change = result.plan.files[0]
    # The file has no conversion columns: July 1 and 2 lose theirs, July 3 had none.
    assert (change.replaced, change.unchanged, change.removed) == (2, 1, 3)
    got = rows(workbook)
    assert [r[3] for r in got if r[4] == "google_ads" and r[1] == "Acme"] == ["Brand"] * 3
    assert [r[4] for r in got[-4:]] == ["meta"] * 4
    assert len(got) == 3 + 3 + 4
    assert only_the_hand_typed_twin(check_workbook(workbook)[1])
    with zipfile.ZipFile(workbook) as archive:
        assert b'ref="A1:AM11"' in archive.read("xl/tables/table3.xml")


def test_an_empty_export_clears_its_range_and_no_data_changes_nothing(workbook):
    import_files(workbook, [fixture("google_ads_en.csv"), fixture("google_ads_en_later.csv")], "Acme")
    assert len(rows(workbook)) == 3 + 7
    result = import_files(workbook, [fixture("google_ads_empty.csv")], "Acme")   # July 4-5: nothing spent
    assert result.plan.files[0].removed == 1
    assert len(rows(workbook)) == 3 + 6
    before = workbook.read_bytes()
    assert not import_files(workbook, [fixture("meta_no_data.csv")], "Acme").written
    assert workbook.read_bytes() == before


def test_another_source_and_another_client_are_never_touched(workbook):
    import_files(workbook, [fixture("google_ads_en.csv")], "Acme", source="agency_sheet")
    import_files(workbook, [fixture("google_ads_en.csv")], "Acme")
    got = rows(workbook)
    assert got[:3] == HAND
    assert sum(r[4] == "agency_sheet" for r in got) == 6 and sum(r[4] == "google_ads" and r[1] == "Acme"
                                                                   for r in got) == 6


def test_a_currency_mismatch_and_a_bad_file_are_refused_and_the_rest_imported(workbook):
    result = import_files(workbook, [fixture("google_ads_eur.csv"), fixture("google_ads_bad_number.csv"),
                                     fixture("meta_en.csv")], "Acme")
    assert [str(e) for e in result.refused] == [
        "google_ads_eur.csv: the export is in EUR, but Acme is billed in USD: export it in USD, or change the "
        "client's currency",
        'google_ads_bad_number.csv:5: cost "12,3,4" is not a number']
    assert {r[4] for r in rows(workbook)[3:]} == {"meta"}


def test_an_unknown_client_names_the_clients_and_writes_nothing(workbook):
    before = workbook.read_bytes()
    with pytest.raises(UnknownClientError, match=r'no client named "Nobody" in the workbook \(clients: Acme, Café'):
        import_files(workbook, [fixture("google_ads_en.csv")], "Nobody")
    assert workbook.read_bytes() == before


@pytest.mark.parametrize("lock", ["~$clients.xlsx", ".~lock.clients.xlsx#"])
def test_a_workbook_open_in_excel_or_libreoffice_is_refused(workbook, lock):
    (workbook.parent / lock).write_text("")
    before = workbook.read_bytes()
    with pytest.raises(ImportRefusedError, match="use the Import data button"):
        import_files(workbook, [fixture("google_ads_en.csv")], "Acme")
    assert workbook.read_bytes() == before


def test_an_empty_actuals_table_takes_rows_with_the_templates_formats(tmp_path):
    path = tmp_path / "new.xlsx"
    clients = {"Café Serra": Client("Café Serra", (), "pt_BR", "BRL")}
    write_workbook(path, WorkbookData(clients, [], Actuals(measures={}), Settings(agency_name="Northwind Digital")))
    import_files(path, [fixture("google_ads_pt_excel.csv")], "café serra")
    got = rows(path)
    assert got[1] == (D(2026, 5, 5), "Café Serra", "Search", "Marca", "google_ads", 8651.95, 12.0)
    assert len(got) == 5 and check_workbook(path)[1] == []
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet4.xml")
    # The date column has the template's date style (5: yyyy-mm-dd), cost its money style (6).
    assert b'<c r="A3" s="5"><v>46147</v></c>' in sheet and b'<c r="F3" s="6"><v>8651.95</v></c>' in sheet


def _old_workbook(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workbook as kpi_xl wrote it before the Source column (the template's Actuals without it)."""
    from kpi_xl.workbook import template
    from kpi_xl.workbook.schema import ACTUALS, Table

    old_actuals = Table(ACTUALS.sheet, ACTUALS.name, tuple(c for c in ACTUALS.columns if c.key != "source"))
    with monkeypatch.context() as patch:
        patch.setattr(template, "ACTUALS", old_actuals)
        clients = {"Acme": Client("Acme", (), "en_US", "USD")}
        actuals = Actuals.from_rows([{"date": D(2025, 7, 1), "client": "Acme", "channel": "Search", "cost": 5.0}])
        write_workbook(path, WorkbookData(clients, [], actuals, Settings(agency_name="Northwind Digital")))
    return path


def test_a_workbook_from_before_the_source_column_reads_and_gets_the_column_on_import(tmp_path, monkeypatch):
    old = _old_workbook(tmp_path / "old.xlsx", monkeypatch)
    data, problems = check_workbook(old)
    assert data is not None and data.actuals.origins == [""]
    assert [p.message for p in problems] == ["no column Source: read as blank (renamed or deleted?)"]
    import_files(old, [fixture("google_ads_en.csv")], "Acme")
    data, problems = check_workbook(old)
    assert problems == [] and data.actuals.origins == ["", *["google_ads"] * 6]
    assert data.actuals.measures["cost"][:3] == [5.0, 1994.15, 12001.99]
    with zipfile.ZipFile(old) as archive:
        table = archive.read("xl/tables/table3.xml")
        sheet = archive.read("xl/worksheets/sheet4.xml")
    assert b'<tableColumn id="39" name="Source"/>' in table and table.count(b'ref="A1:AM8"') == 2
    assert b'tableColumns count="39"' in table and b'<dimension ref="A1:AM8"/>' in sheet


def test_a_workbook_without_an_excel_table_is_refused_with_its_reason(tmp_path):
    plain = write_xlsx(sample_book(), tmp_path / "plain.xlsx")
    with pytest.raises(ImportRefusedError, match="no table named tblActuals"):
        import_files(plain, [fixture("google_ads_pt_overview.csv")], "Acme")


def test_cli_imports_prints_the_summary_and_exits_by_outcome(workbook, capsys):
    status, text = run("import", str(workbook), str(fixture("google_ads_en.csv")), "--client", "Acme")
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split() == ["File", "Platform", "Days", "Rows", "cost", "impressions", "clicks", "conversions",
                                "revenue"]
    assert lines[2].split() == ["google_ads_en.csv", "Google", "Ads", "2025-07-01..2025-07-03", "(3)", "6",
                                "40011.88", "3340937", "28325", "390.75", "59001.85"]
    status, text = run("import", str(workbook), str(fixture("google_ads_range_total.csv")), "--client", "Acme")
    assert status == 1
    assert "google_ads_range_total.csv:4: one total over 2025-07-01 to 2025-07-24" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        run("import", str(workbook), "--client", "Acme")
    assert usage.value.code == 2


def test_cli_dry_run_writes_nothing_and_says_what_would_change(workbook):
    import_files(workbook, [fixture("google_ads_en.csv")], "Acme")
    before = workbook.read_bytes()
    status, text = run("import", str(workbook), str(fixture("google_ads_en_later.csv")), "--client", "Acme",
                       "--dry-run", "--json")
    assert status == 0 and workbook.read_bytes() == before
    [file] = json.loads(text)["files"]
    assert (file["added"], file["replaced"], file["unchanged"], file["removed"]) == (1, 1, 1, 0)
    assert (file["start"], file["end"], file["totals"]["cost"]) == ("2025-07-03", "2025-07-04", 14150)
    status, text = run("import", str(workbook), str(fixture("google_ads_en_later.csv")), "--client", "Acme",
                       "--dry-run", "--channel", "Paid search")
    assert text.splitlines()[0].split()[3:7] == ["Added", "Replaced", "Unchanged", "Removed"]
    assert text.splitlines()[-1] == f"dry run: {workbook} not changed"


@pytest.mark.parametrize(("name", "client", "cost", "revenue"), [
    ("google_ads_en.csv", "Acme", "40011.88", "59001.85"),               # the file's "Total: Account" row
    ("google_ads_pt_excel.csv", "Café Serra", "12724.00", "37222.16"),    # its "Total: Conta" row
    ("microsoft_ads.csv", "Acme", "561.28", "1000.10"),                  # 78.90 + 412.33 + 70.05
])
def test_what_the_workbook_holds_adds_up_to_the_platforms_total_to_the_cent(workbook, name, client, cost, revenue):
    import math
    from decimal import Decimal

    change = import_files(workbook, [fixture(name)], client).plan.files[0]
    start, end = change.export.start, change.export.end
    a = read_workbook(workbook).actuals
    mine = [i for i in range(len(a)) if a.clients[i] == client and a.origins[i] == change.source
            and start <= a.dates[i] <= end]
    for measure, expected in (("cost", cost), ("revenue", revenue)):
        total = math.fsum(a.measures[measure][i] or 0.0 for i in mine)
        assert Decimal(f"{total:.2f}") == Decimal(expected), measure


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_an_imported_workbook_and_reads_the_same_rows(workbook, tmp_path):
    """A second program's view of the file: rows appended, restated in place and moved up."""
    import subprocess

    import_files(workbook, [fixture("google_ads_en.csv"), fixture("meta_en.csv")], "Acme")
    import_files(workbook, [fixture("google_ads_en_brand_only.csv"), fixture("google_ads_en_later.csv")], "Acme")
    out, profile = tmp_path / "lo", tmp_path / "profile"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
         "xlsx", "--outdir", str(out), str(workbook)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and (out / workbook.name).is_file(), done.stderr
    mine, theirs = read_workbook(workbook).actuals, read_workbook(out / workbook.name).actuals
    assert (theirs.dates, theirs.clients, theirs.campaigns, theirs.origins, theirs.measures) == (
        mine.dates, mine.clients, mine.campaigns, mine.origins, mine.measures)
    assert only_the_hand_typed_twin(check_workbook(out / workbook.name)[1])


def test_rows_written_column_by_column_are_the_rows_written_one_by_one():
    from decimal import Decimal

    from kpi_xl.importing.plan import NewRow
    from kpi_xl.importing.xlsx import _Layout, _RowWriter

    columns = {"date": 1, "client": 2, "channel": 3, "campaign": 4, "source": 5, "cost": 6, "clicks": 7}
    write = _RowWriter(_Layout("s", "t", 1, 7, 1, 1, columns), {1: b"3", 6: b"4"})
    def row(day: int, campaign: str, **values: str) -> NewRow:
        return NewRow(D(2026, 5, day), "Acme", "Search", campaign, "google_ads",
                      {k: Decimal(v) for k, v in values.items()})

    rows = [row(5, "A&B", cost="29.00", clicks="3"), row(5, " lead", cost="0.00"), row(6, "", cost="1E+3"),
            row(6, "", cost="12.50"), row(7, "C", cost="1119.98", clicks="0")]
    one_by_one = b"".join(write(10 + i, row) for i, row in enumerate(rows))
    assert b"".join(write.many(10, rows, size=2)) == one_by_one
    assert b'<c r="F12" s="4"><v>1000</v></c>' in one_by_one and b"<v>29</v>" in one_by_one
    assert b"<t>A&amp;B</t>" in one_by_one and b'<t xml:space="preserve"> lead</t>' in one_by_one
