"""Reading the platforms' exports: detection, layouts, localized numbers and dates, totals rows.

Expected figures are the fixtures' data rows added up by hand; where an export carries the
platform's own Total row, the imported totals must equal it to the cent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from kpi_xl.importing.errors import ImportRefusedError
from kpi_xl.importing.parse import read_export
from kpi_xl.importing.text import read_rows
from kpi_xl.importing.values import decimal_mark, parse_date, parse_number, parse_numbers, parse_range

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
D = dt.date


def read(name: str, **kwargs: object):
    return read_export(name, (FIXTURES / name).read_bytes(), **kwargs)  # type: ignore[arg-type]


def dec(**values: str) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in values.items()}


@pytest.mark.parametrize(("name", "platform", "layout", "start", "end", "currency", "rows", "totals"), [
    ("google_ads_en.csv", "google_ads", "daily", D(2025, 7, 1), D(2025, 7, 3), "USD", 6,
     dec(cost="40011.88", impressions="3340937", clicks="28325", conversions="390.75", revenue="59001.85")),
    ("google_ads_pt_excel.csv", "google_ads", "daily", D(2026, 5, 5), D(2026, 5, 7), "BRL", 5,
     dec(cost="12724.00", impressions="49025", clicks="2298", conversions="38.75", revenue="37222.16")),
    ("google_ads_es_weekly.csv", "google_ads", "weekly", D(2025, 10, 27), D(2025, 11, 30), "PEN", 5,
     dec(cost="2592.30", impressions="19401", clicks="1271", conversions="44.50")),
    ("google_ads_pt_overview.csv", "google_ads", "daily", D(2026, 5, 5), D(2026, 5, 7), None, 3,
     dec(cost="1035.23", clicks="927")),
    ("google_ads_month_total.csv", "google_ads", "monthly", D(2025, 6, 1), D(2025, 6, 30), "USD", 2,
     dec(cost="18995.00", impressions="208117", clicks="8912")),
    # Results: 4 + 6 leads; the 262 link clicks of the Traffic campaign are not conversions.
    ("meta_en.csv", "meta", "daily", D(2026, 5, 1), D(2026, 5, 2), "USD", 4,
     dec(cost="87.113579", impressions="21150", clicks="412", conversions="10")),
    ("meta_pt.csv", "meta", "daily", D(2026, 5, 5), D(2026, 5, 6), "BRL", 2,
     dec(cost="220.001", impressions="17700", clicks="400", conversions="5")),
    ("meta_es_month.csv", "meta", "monthly", D(2026, 4, 1), D(2026, 4, 30), "EUR", 1,
     dec(cost="1200.333333", impressions="150000", clicks="2100", conversions="40")),
    ("ga4_channels.csv", "ga4", "daily", D(2026, 5, 1), D(2026, 5, 3), None, 6,
     dec(sessions="6060", conversions="52", revenue="6421.50")),
    # The first block with sessions per day counts (530 + 512 + 498); the later repeat does not.
    ("ga4_overview_es.csv", "ga4", "daily", D(2026, 5, 1), D(2026, 5, 3), None, 3, dec(sessions="1540")),
    ("linkedin_daily.csv", "linkedin", "daily", D(2026, 5, 1), D(2026, 5, 2), "USD", 3,
     dec(cost="254.05", impressions="17800", clicks="99", conversions="5")),
    ("microsoft_ads.csv", "microsoft_ads", "daily", D(2026, 5, 1), D(2026, 5, 2), "USD", 3,
     dec(cost="561.28", impressions="12452", clicks="406", conversions="12", revenue="1000.10")),
    ("tiktok.csv", "tiktok", "daily", D(2026, 5, 1), D(2026, 5, 2), "USD", 3,
     dec(cost="131.52", impressions="26000", clicks="290", conversions="11")),
    # Revenue is Total sales; the (previous_year) columns are left out.
    ("shopify_daily.csv", "shopify", "daily", D(2026, 5, 1), D(2026, 5, 3), None, 3,
     dec(orders="36", revenue="3860.60", new_customers="15")),
    ("shopify_monthly.csv", "shopify", "monthly", D(2026, 3, 1), D(2026, 4, 30), None, 2,
     dec(orders="608", revenue="63050.55", new_customers="231")),
    ("google_ads_empty.csv", "google_ads", "daily", D(2025, 7, 4), D(2025, 7, 5), None, 0, {}),
    ("meta_no_data.csv", "meta", "daily", None, None, None, 0, {}),
])
def test_each_export_reads_to_its_rows_and_totals(name, platform, layout, start, end, currency, rows, totals):
    export = read(name)
    assert (export.platform, export.layout, export.start, export.end, export.currency) == (
        platform, layout, start, end, currency)
    assert len(export.rows) == rows
    assert export.totals() == totals


def _platform_total(name: str, label: str) -> dict[int, str]:
    rows = read_rows(name, (FIXTURES / name).read_bytes())
    return dict(enumerate(next(r for r in rows if label in r)))


@pytest.mark.parametrize(("name", "label", "columns", "mark"), [
    ("google_ads_en.csv", "Total: Account", {"impressions": 3, "clicks": 4, "cost": 5, "revenue": 7}, "."),
    ("google_ads_pt_excel.csv", "Total: Conta", {"impressions": 3, "clicks": 4, "cost": 5, "revenue": 7}, ","),
    ("google_ads_es_weekly.csv", "Total: Cuenta", {"impressions": 3, "clicks": 4, "cost": 5}, ","),
    ("google_ads_en_later.csv", "Total: Account", {"impressions": 3, "clicks": 4, "cost": 5, "revenue": 7}, "."),
    ("tiktok.csv", "Total of 3 records", {"cost": 3, "impressions": 4, "clicks": 6}, "."),
])
def test_imported_totals_equal_the_platforms_own_total_row_to_the_cent(name, label, columns, mark):
    totals = read(name).totals()
    platform = _platform_total(name, label)
    for measure, j in columns.items():
        assert totals[measure] == parse_number(platform[j], mark), measure


def test_totals_rows_and_the_meta_summary_row_are_never_data():
    google = read("google_ads_es_weekly.csv")
    assert [r.campaign for r in google.rows] == ["Marca"] * 5
    assert [r.date for r in google.rows][:2] == [D(2025, 10, 27), D(2025, 11, 3)]
    meta = read("meta_en.csv")
    assert {r.campaign for r in meta.rows} == {"Spring Leads", "Traffic"}
    traffic = [r for r in meta.rows if r.campaign == "Traffic"]
    assert all("conversions" not in r.values for r in traffic)
    # Reach counts people: it is not imported, and the summary says so.
    assert all("reach" not in r.values for r in meta.rows)
    assert any('column "Reach" left out: it counts people' in n.text() for n in meta.notices)
    assert "reach" not in meta.totals()


def test_blank_cells_and_dashes_are_no_data_not_zero():
    rows = {(r.date, r.campaign): r.values for r in read("google_ads_en.csv").rows}
    assert "conversions" not in rows[D(2025, 7, 3), "Brand"] and "revenue" not in rows[D(2025, 7, 3), "Brand"]
    pt = {(r.date, r.campaign): r.values for r in read("google_ads_pt_excel.csv").rows}
    assert pt[D(2026, 5, 5), "Marca"] == dec(impressions="1247", clicks="98", cost="8651.95", conversions="12.00",
                                              revenue="15230.40")


def test_ga4_channels_come_from_the_channel_group_column():
    export = read("ga4_channels.csv")
    by_key = {(r.date, r.channel): r.values["sessions"] for r in export.rows}
    assert by_key[D(2026, 5, 2), "Organic Search"] == 1210 and by_key[D(2026, 5, 1), "Paid Search"] == 870
    assert read("linkedin_daily.csv").rows[0].channel == "Social"


@pytest.mark.parametrize(("name", "message"), [
    ("google_ads_bad_number.csv", 'google_ads_bad_number.csv:5: cost "12,3,4" is not a number'),
    ("google_ads_range_total.csv", "google_ads_range_total.csv:4: one total over 2025-07-01 to 2025-07-24, which "
     "is not one calendar month: it cannot be placed on days. Export it again with a Day (or Week, Month) segment "
     "or time breakdown"),
    ("google_ads_all_time.csv", "google_ads_all_time.csv:4: one total over all time,"),
    ("meta_range.csv", "meta_range.csv:2: one total over 2026-05-01 to 2026-05-15,"),
    ("linkedin_total.csv", "linkedin_total.csv:7: one total over 2026-05-01 to 2026-05-20,"),
])
def test_bad_files_are_refused_with_their_place(name, message):
    with pytest.raises(ImportRefusedError) as refused:
        read(name)
    assert str(refused.value).startswith(message)


def test_an_unknown_file_is_refused_and_a_header_can_be_mapped_by_hand():
    with pytest.raises(ImportRefusedError, match="not an export kpi_xl knows"):
        read_export("notes.csv", b"Name,Phone\nAna,123\n")
    # Polish headers we could not confirm: --map teaches them.
    export = read("google_ads_pl_custom.csv", overrides={"Wydatki": "cost"})
    assert export.platform == "google_ads" and export.start == D(2026, 5, 1)
    assert export.totals() == dec(cost="220.40", clicks="75")


@pytest.mark.parametrize(("text", "mark", "expected"), [
    ("199421.15", ".", "199421.15"), ('14,117,313', ".", "14117313"), ("8651,95", ",", "8651.95"),
    ("1.247", ",", "1247"), ("1.247,50", ",", "1247.50"), ("R$\u00a012,28", ",", "12.28"),
    ("$1,234.50", ".", "1234.50"),
    ("12 345,67", ",", "12345.67"), ("--", ".", None), (" --", ",", None), ("< 10%", ".", None), ("", ".", None),
])
def test_numbers(text, mark, expected):
    assert parse_number(text, mark) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize("text", ["12,3,4", "1.2.3,4,5", "abc", "12..5"])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text, ".")


@pytest.mark.parametrize(("cells", "mark", "expected", "wrong"), [
    (["14,117,313", "199421.15", "7"], ".", ["14117313", "199421.15", "7"], None),   # one match, no per-cell test
    (["8651,95", "1247", "0,5"], ",", ["8651.95", "1247", "0.5"], None),
    (["12", "--", "$1,234.50", "< 10%"], ".", ["12", None, "1234.50", None], None),   # per cell
    (["1,23", "4"], ".", [], 0),             # not a grouping: never read as 123
    ([".5", "5"], ".", [], 0), (["5.", "5"], ".", [], 0), (["1_000"], ".", [], 0), (["1e3"], ".", ["1E+3"], None),
    (["12", "3\n4"], ".", ["12", "34"], None),   # a line break inside a quoted cell: spaces go, as per cell
    (["1.247,50", "12,3,4", "x"], ",", ["1247.50"], 1),
    ([], ".", [], None),
])
def test_a_column_of_numbers_reads_as_each_cell_does(cells, mark, expected, wrong):
    values, bad = parse_numbers(cells, mark)
    assert values == [None if e is None else Decimal(e) for e in expected] and bad == wrong
    assert all(parse_number(c, mark) == v for c, v in zip(cells, values, strict=False))


def test_the_first_bad_cell_in_reading_order_is_the_one_refused():
    head = b"Campaign report\nAll time\nDay,Campaign,Clicks,Cost\n"
    with pytest.raises(ImportRefusedError, match=r'x.csv:5: clicks "x" is not a number'):
        read_export("x.csv", head + b"2026-05-05,A,1,2.00\n2026-05-06,A,x,-3.00\n2026-05-07,A,1,abc\n")
    with pytest.raises(ImportRefusedError, match=r'x.csv:5: cost "-3.00" is negative'):
        read_export("x.csv", head + b"2026-05-05,A,1,2.00\n2026-05-06,A,1,-3.00\n2026-05-07,A,y,2\n")


@pytest.mark.parametrize(("values", "mark"), [
    (["199421.15", "14,117,313"], "."), (["8651,95", "1.247"], ","), (["1,247"], None), (["1.247.000"], ","),
])
def test_a_files_decimal_mark_comes_from_its_own_values(values, mark):
    assert decimal_mark(values) == mark


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-05-05", D(2026, 5, 5)), ("20260131", D(2026, 1, 31)), ("5/31/2026", D(2026, 5, 31)),
    ("July 1, 2025", D(2025, 7, 1)), ("1 November 2025", D(2025, 11, 1)), ("5 de maio de 2026", D(2026, 5, 5)),
    ("ter., 5 de mai. de 2026", D(2026, 5, 5)), ("1 de noviembre de 2025", D(2025, 11, 1)),
    ("5 maja 2026", D(2026, 5, 5)), ("5 thg 5, 2026", D(2026, 5, 5)), ("2026-04", D(2026, 4, 1)),
    ("All time", None), ("2026-02-30", None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_ranges():
    assert parse_range("5 de maio de 2026 - 15 de maio de 2026") == (D(2026, 5, 5), D(2026, 5, 15))
    assert parse_range("All time") is None


def test_a_conversion_action_segment_adds_up_per_day_and_campaign():
    export = read("google_ads_conversion_actions.csv")
    assert [(r.date, r.campaign, r.values) for r in export.rows] == [
        (D(2025, 7, 1), "Brand", dec(conversions="31.00", revenue="4210.50")),
        (D(2025, 7, 2), "Brand", dec(conversions="18.50", revenue="2700.25")),
    ]
    assert export.totals() == dec(conversions="49.50", revenue="6910.75")   # the file's Total: Account
