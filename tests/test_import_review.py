"""What an import tells its reader beyond the rows: columns left out, totals that do not add up, rows
counted twice (typed by hand and imported, ad attribution and store sales), filtered exports, and a
dry run's before and after. Expectations are worked out by hand from the fixtures."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kpi_xl import cli
from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.importing.api import import_files
from kpi_xl.importing.errors import ImportRefusedError
from kpi_xl.importing.parse import read_export
from kpi_xl.workbook.read import check_workbook
from kpi_xl.workbook.template import write_workbook

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
D = dt.date


def read(name: str, data: bytes | None = None, **overrides: str):
    return read_export(name, FIXTURES.joinpath(name).read_bytes() if data is None else data, overrides)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Acme (USD) with one row typed by hand: 2025-07-01, Search, Brand, cost 5."""
    clients = {"Acme": Client("Acme", (), "en_US", "USD"), "Zielony": Client("Zielony", (), "pl_PL", "PLN"),
               "Sen Vang": Client("Sen Vang", (), "vi_VN", "VND")}
    actuals = Actuals.from_rows([
        {"date": D(2025, 7, 1), "client": "Acme", "channel": "Search", "campaign": "Brand", "cost": 5.0},
    ])
    path = tmp_path / "clients.xlsx"
    write_workbook(path, WorkbookData(clients, [], actuals, Settings(agency_name="Northwind Digital")))
    return path


# 1. Columns left out are named; money without cost is a loud warning with the --map to use.
def test_a_money_column_left_out_is_named_with_the_map_that_imports_it(workbook, tmp_path, capsys):
    status, text = run("import", str(workbook), str(FIXTURES / "google_ads_pl_custom.csv"), "--client", "Zielony")
    assert status == 0
    # A warning, on stderr as every command's warnings are.
    assert ('kpi-xl: warning: google_ads_pl_custom.csv:3: no cost imported, but column "Wydatki" looks like money: '
            'if it is the spend, import again with --map "Wydatki=cost"\n') in capsys.readouterr().err
    status, text = run("import", str(workbook), str(FIXTURES / "google_ads_pl_custom.csv"), "--client", "Zielony",
                       "--dry-run", "--json")
    assert any('"Wydatki=cost"' in n["message"] for n in json.loads(text)["notices"])
    # Mapped, the cost goes in: 120,50 + 99,90 = 220.40, and nothing is left out.
    export = read("google_ads_pl_custom.csv", Wydatki="cost")
    assert export.totals() == {"cost": Decimal("220.40"), "clicks": Decimal(75)}
    assert export.notices == []


def test_every_column_left_out_is_named_once():
    [notice] = read("google_ads_en.csv").notices
    assert notice.text() == ('google_ads_en.csv:3: columns left out, no measure of ours: "Conv. rate". '
                             'To import one: --map "HEADER=MEASURE"')


@pytest.mark.parametrize(("name", "header", "money", "expected"), [
    # Polish and Vietnamese headers we could not confirm from published exports: --map reads them.
    ("pl.csv", "Dzień,Kampania,Kliknięcia,Wydatki", "Wydatki", {"cost": Decimal("220.40"), "clicks": Decimal(75)}),
    ("vi.csv", "Ngày,Chiến dịch,Lượt nhấp,Tiền chi tiêu", "Tiền chi tiêu",
     {"cost": Decimal("220.40"), "clicks": Decimal(75)}),
])
def test_map_reads_a_polish_and_a_vietnamese_money_column(name, header, money, expected):
    data = f'Report\n{header}\n2026-05-01,A,40,"120,50"\n2026-05-02,A,35,"99,90"\n'.encode()
    unmapped = read_export(name, data)
    assert "cost" not in unmapped.totals()
    assert f'--map "{money}=cost"' in unmapped.notices[0].text()
    assert read_export(name, data, {money: "cost"}).totals() == expected


# 4. Reach counts people: not imported unless mapped.
def test_reach_is_left_out_unless_mapped():
    meta = read("meta_en.csv")
    assert "reach" not in meta.totals() and all("reach" not in r.values for r in meta.rows)
    mapped = read("meta_en.csv", Reach="reach")
    assert [r.values["reach"] for r in mapped.rows if r.campaign == "Spring Leads"] == [Decimal(4100), Decimal(4000)]


# 5. A file's own total must equal its data rows to the cent.
def test_a_google_ads_file_missing_a_row_is_refused_at_its_total_row():
    lines = FIXTURES.joinpath("google_ads_en.csv").read_text().splitlines()
    del lines[4]   # 2025-07-01 Generic: 1,203,313 impressions, cost 12001.99
    with pytest.raises(ImportRefusedError) as refused:
        read("google_ads_en.csv", "\n".join(lines).encode())
    assert refused.value.line == 10   # "Total: Account", one line up
    # 3,340,937 - 1,203,313 = 2,137,624 impressions (cost: 40011.88 - 12001.99 = 28009.89)
    assert 'own total "Total: Account" says impressions 3340937, but its data rows add up to 2137624' in str(
        refused.value)


def test_a_meta_summary_row_that_disagrees_is_refused():
    data = FIXTURES.joinpath("meta_en.csv").read_bytes().replace(b"87.113579", b"87.12")
    with pytest.raises(ImportRefusedError) as refused:
        read("meta_en.csv", data)
    # 20.123456 + 15.5 + 30.490123 + 21 = 87.113579, 87.11 to the cent
    assert refused.value.line == 2 and "cost 87.12, but its data rows add up to 87.113579" in str(refused.value)


# 6. Empty files and spreadsheets.
@pytest.mark.parametrize(("name", "data", "words"), [
    ("empty.csv", b"", "the file is empty"),
    ("blank.csv", b"\n\r\n  \n", "the file is empty"),
    ("report.xlsx", b"PK\x03\x04" + b"\0" * 20, "a spreadsheet (.xlsx), not a CSV export"),
    ("report.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, "a spreadsheet (.xls)"),
])
def test_an_empty_file_or_a_spreadsheet_is_refused(name, data, words):
    with pytest.raises(ImportRefusedError) as refused:
        read_export(name, data)
    assert words in str(refused.value)


# 8. JSON totals are numbers.
def test_json_totals_are_numbers_exact_to_the_cent(workbook):
    status, text = run("import", str(workbook), str(FIXTURES / "google_ads_en.csv"), "--client", "Acme",
                       "--dry-run", "--json")
    assert status == 0
    totals = json.loads(text)["files"][0]["totals"]
    assert totals == {"impressions": 3340937, "clicks": 28325, "cost": 40011.88, "conversions": 390.75,
                      "revenue": 59001.85}
    assert isinstance(totals["clicks"], int)


# 3. Typed by hand and imported: import and check both say so.
def test_a_hand_typed_row_and_its_import_are_named_by_import_and_check(workbook):
    result = import_files(workbook, [FIXTURES / "google_ads_en.csv"], "Acme")
    [twin] = [n.text() for n in result.notices if "typed by hand" in n.text()]
    # The hand row is the table's first (sheet row 2); the imported Brand 2025-07-01 comes from line 4.
    assert twin.startswith("google_ads_en.csv:4: 2025-07-01 Search Brand: typed by hand in Actuals row 2")
    _data, problems = check_workbook(workbook)
    [warning] = [p for p in problems if "typed by hand" in p.message]
    assert (warning.sheet, warning.cell) == ("Actuals", "E2")   # its Source cell, blank
    assert "row 3 imports the same date" in warning.message   # the first imported row, sorted by date


# 2. Ad attribution and store sales on the same client's day.
def test_check_warns_when_ad_attribution_and_store_sales_count_the_same_day(tmp_path):
    clients = {"Acme": Client("Acme", (), "en_US", "USD")}
    day = D(2026, 5, 1)
    actuals = Actuals.from_rows([
        {"date": day, "client": "Acme", "channel": "Search", "campaign": "Brand", "source": "google_ads",
         "cost": 10.0, "revenue": 500.0},
        {"date": day, "client": "Acme", "channel": "Store", "source": "shopify", "orders": 3.0, "revenue": 1300.0},
        {"date": D(2026, 5, 2), "client": "Acme", "channel": "Store", "source": "shopify", "revenue": 975.6},
    ])
    path = tmp_path / "book.xlsx"
    write_workbook(path, WorkbookData(clients, [], actuals, Settings(agency_name="Northwind Digital")))
    _data, problems = check_workbook(path)
    [warning] = [p for p in problems if "counted twice" in p.message]
    assert warning.message.startswith("2026-05-01: shopify reports the client's sales and row 2 the google_ads")
    assert (warning.sheet, warning.row) == ("Actuals", 3)   # the Shopify row; May 2 has no ad revenue: no warning


# 7. A dry run shows before and after; a filtered export is named.
def test_a_dry_run_shows_the_range_before_and_after(workbook, capsys):
    import_files(workbook, [FIXTURES / "google_ads_en.csv"], "Acme")
    status, text = run("import", str(workbook), str(FIXTURES / "google_ads_en_brand_only.csv"), "--client", "Acme",
                       "--dry-run")
    assert status == 0
    # Before: the whole account (Total: Account 40011.88); after: Brand only 1994.15 + 1870.40 + 1655.33.
    assert ("google_ads_en_brand_only.csv: google_ads rows from 2025-07-01 to 2025-07-03, before -> after: "
            "cost 40011.88 -> 5519.88, impressions 3340937 -> 39619, clicks 28325 -> 2303, "
            "conversions 390.75 -> 0, revenue 59001.85 -> 0.00") in text
    assert "rows of 1 campaign(s) not in this export removed from 2025-07-01 to 2025-07-03 (Generic)" in (
        capsys.readouterr().err)   # a warning: on stderr


def test_a_filtered_export_is_checked_against_its_own_total_and_named():
    export = read("google_ads_filtered.csv")   # its Total: Account is the whole account's, not the filter's
    assert export.filtered == "Total: Filtered campaigns"
    assert export.totals()["cost"] == Decimal("5519.88")


def test_map_none_leaves_the_attributed_value_out_so_the_store_is_the_only_revenue():
    export = read("google_ads_en.csv", **{"Conv. value": "none"})
    assert "revenue" not in export.totals()
    assert export.totals()["cost"] == Decimal("40011.88")   # the rest as before, its Total: Account still checked
    shop = read("shopify_daily.csv", **{"Total sales": "none"})
    assert "revenue" not in shop.totals() and "orders" in shop.totals()


def test_comparison_columns_are_not_named_as_left_out():
    [notice] = read("shopify_daily.csv").notices
    assert notice.text() == ('shopify_daily.csv:1: columns left out, no measure of ours: "Gross sales", "Discounts", '
                             '"Returns", "Net sales", "Shipping", "Taxes". To import one: --map "HEADER=MEASURE"')


def test_a_filtered_export_warns_before_it_removes_anything_and_names_what_it_removes(workbook):
    first = import_files(workbook, [FIXTURES / "google_ads_filtered.csv"], "Acme")
    assert [n.text() for n in first.notices if "the export is filtered" in n.text()] == [
        'google_ads_filtered.csv: "Total: Filtered campaigns": the export is filtered. It replaces every row of '
        'source google_ads from 2025-07-01 to 2025-07-03: the campaigns it leaves out are removed from Actuals. '
        'Give it its own --source to keep them']
    import_files(workbook, [FIXTURES / "google_ads_en.csv"], "Acme")
    again = import_files(workbook, [FIXTURES / "google_ads_filtered.csv"], "Acme", dry_run=True)
    assert [n.text() for n in again.notices if "removed" in n.text()] == [
        "google_ads_filtered.csv: rows of 1 campaign(s) not in this export removed from 2025-07-01 to 2025-07-03 "
        "(Generic): if the export was filtered, import it again with its own --source"]
