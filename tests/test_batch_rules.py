"""The pieces of the monthly batch's rules, one by one: which problems belong to a client, lock files,
progress a client can read, bullets that never read as success when the goal is missed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from report_fixtures import CLIENT, PERIOD, make_workbook
from workbook_factory import actuals_row, sample_book, write_xlsx

from kpi_xl.core.goals import evaluate_goals
from kpi_xl.report import charts
from kpi_xl.report.context import build_report
from kpi_xl.workbook.read import lock_file, read_by_client
from kpi_xl.workbook.schema import ACTUALS

TEXTS = {"title": "CPA", "actual": "a", "expected": "e", "target": "t"}


def _read(tmp_path: Path, change) -> object:
    book = sample_book()
    change(book)
    return read_by_client(write_xlsx(book, tmp_path / "book.xlsx"))


def test_errors_in_a_clients_rows_fail_that_client_alone(tmp_path):
    def damage(book):
        book["Actuals"].rows.append(actuals_row("31/10/2026", "Borsa", "Email", None, revenue=5.0))  # row 7
        book["Clients"].rows[3][3] = "euros"  # Cafe Sol's currency, Clients!D4

    parsed = _read(tmp_path, damage)
    assert {name: [str(p) for p in problems] for name, problems in parsed.failed.items()} == {
        "Borsa": ['Actuals!A7: date must be a date, got "31/10/2026"'],
        "Cafe Sol": ['Clients!D4: unknown currency "euros": use an ISO 4217 code such as EUR, USD or BRL'],
    }
    assert list(parsed.data.clients) == ["Acme"]   # the others' data, as from a workbook without them
    assert set(parsed.data.actuals.clients) == {"Acme"} and [g.client for g in parsed.data.goals] == ["Acme"]
    assert parsed.clients == ("Acme", "Borsa", "Cafe Sol")


@pytest.mark.parametrize("damage", [
    lambda book: book["Settings"].rows.append(["brand_colour", "blue-ish", None]),            # Settings
    lambda book: book["Actuals"].rows.append(actuals_row("2026-09-03", "Nobody", cost=1.0)),  # no known client
    lambda book: book.pop("Goals"),                                                           # a missing sheet
    lambda book: book["Actuals"].rows[0].__setitem__(1, "Customer"),                          # a required header
], ids=["settings", "unknown-client", "missing-sheet", "missing-column"])
def test_an_error_of_the_workbook_as_a_whole_stops_every_client(tmp_path, damage):
    parsed = _read(tmp_path, damage)
    assert parsed.data is None and parsed.failed == {}
    assert any(p.severity.value == "error" for p in parsed.problems)


def _rename_cost(header: str):
    def rename(book):
        book["Actuals"].rows[0] = [header if h == "Cost" else h for h in ACTUALS.headers]
    return rename


def _move_cost_to_the_end_as(header: str):
    def move(book):
        at = ACTUALS.headers.index("Cost")
        for row in book["Actuals"].rows:
            row.append(row.pop(at))
        book["Actuals"].rows[0][-1] = header
    return move


def _delete_cost(book):
    at = ACTUALS.headers.index("Cost")
    for row in book["Actuals"].rows:
        del row[at]


GONE = 'Goals!B2: CPA needs the Actuals column "Cost", which the workbook no longer has (renamed or deleted?)'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # "Spend" stands where Cost was, between Source and Impressions: that is the header to rename back.
        (_rename_cost("Spend"), 'Goals!B2: CPA needs the Actuals column "Cost": where it was, the header reads '
                                '"Spend" (rename it back to "Cost")'),
        (_rename_cost("  Ad   spend "), 'Goals!B2: CPA needs the Actuals column "Cost": where it was, the header '
                                      'reads "Ad spend" (rename it back to "Cost")'),
        # Deleted: nothing stands in its place (Source is followed by Impressions); moved to the end and
        # renamed: the header at its place is a known one. Neither can be named.
        (_delete_cost, GONE),
        (_move_cost_to_the_end_as("Spend"), GONE),
    ],
    ids=["renamed", "renamed-spaces", "deleted", "moved-and-renamed"],
)
def test_a_goal_needing_a_renamed_measure_is_an_error_on_its_kpi_cell(tmp_path, change, message):
    parsed = _read(tmp_path, change)
    # Acme's CPA goal (Goals row 2) reads cost; Borsa's revenue and Cafe Sol's CTR goals do not.
    assert [str(p) for p in parsed.failed["Acme"]] == [message]
    assert set(parsed.failed) == {"Acme"}


@pytest.mark.parametrize("lock", ["~$book.xlsx", ".~lock.book.xlsx#", "~$long workbook name.xlsx"])
def test_lock_files_of_excel_and_libreoffice_are_found(tmp_path, lock):
    name = "long workbook name.xlsx" if "long" in lock else "book.xlsx"
    path = tmp_path / ("lo" + name if "long" in lock else name)  # Excel drops the first two letters of long names
    assert lock_file(path) is None
    (tmp_path / lock).write_bytes(b"")
    assert lock_file(path) == tmp_path / lock


def test_progress_worse_than_the_baseline_is_said_in_words_with_an_empty_bar():
    data = make_workbook()
    cpa = data.goals[1]
    assert cpa.kpi == "CPA"
    # A baseline far below the actual CPA: the month went the wrong way, hundreds of percent of it.
    data.goals[1] = dataclasses.replace(cpa, baseline=1.0, improvement=0.1, target=None)
    statuses = evaluate_goals(data, PERIOD.last_day, CLIENT)
    assert statuses[1].progress < -1
    row = build_report(data, CLIENT, PERIOD, "en_US", statuses).goals[1]
    assert row.progress == "worse than the baseline"
    assert re.search(r"<rect x=\"0.0\" y=\"0.0\" width=\"0.0\" height=\"9.0\" fill=\"#8E1B1B\"", str(row.bar))  # empty


def _bar_end_and_target(svg: str) -> tuple[float, float]:
    x, width = map(float, re.search(r'<rect x="([\d.]+)" y="23.0" width="([\d.]+)"', svg).groups())
    target = float(re.search(r'<line x1="([\d.]+)" y1="17.0"', svg).group(1))
    return x + width, target


@pytest.mark.parametrize(("lower_is_better", "reached"), [(True, False), (False, True)])
def test_a_bullet_bar_passes_the_target_tick_only_when_the_target_is_met(lower_is_better, reached):
    # Actual 50 against a target of 40: met for conversions, missed for a CPA.
    end, target = _bar_end_and_target(str(charts.bullet_chart(50.0, 40.0, 40.0, TEXTS, "#C62828",
                                                              lower_is_better=lower_is_better)))
    assert (end > target) is reached
    end, target = _bar_end_and_target(str(charts.bullet_chart(30.0, 40.0, 40.0, TEXTS, "#1B7F3B",
                                                              lower_is_better=lower_is_better)))
    assert (end > target) is (not reached)


def test_a_goal_longer_than_the_month_says_what_the_charts_last_point_is():
    from kpi_xl.core.periods import Month

    data = make_workbook()
    september = Month(2026, 9)
    report = build_report(data, CLIENT, september, "en_US", evaluate_goals(data, september.last_day, CLIENT))
    [chart] = [c for s in report.stages for c in s.charts]
    # The summer goal's revenue, July to September, against September's alone (the last point drawn).
    july_to_september = sum(data.actuals.measures["revenue"][i] or 0 for i, day in enumerate(data.actuals.dates)
                            if dt.date(2026, 7, 1) <= day <= dt.date(2026, 9, 30))
    september_alone = sum(data.actuals.measures["revenue"][i] or 0 for i, day in enumerate(data.actuals.dates)
                          if day.month == 9 and day.year == 2026)
    assert chart.status == (f"Achieved: ${july_to_september:,.2f}, from July 1, 2026 to September 30, 2026. "
                            f"The chart's last point is September 2026 alone: ${september_alone:,.2f}.")
    assert f"${september_alone:,.2f}" in str(chart.trend)  # the label at the line's end


@pytest.mark.parametrize(("row", "expected"), [
    (["agency_name", "Your agency", None],
     'Settings!B2: agency_name is still the template\'s "Your agency": clients would read it on every report and '
     "e-mail"),
    (["agency_name", None, None],
     'Settings!B2: agency_name is blank: clients would read "kpi_xl" as the agency on every report and e-mail'),
    (["Agency name", "Lumen Digital", None], None),
], ids=["placeholder", "blank", "set"])
def test_check_warns_about_the_agency_name_a_client_would_read(tmp_path, row, expected):
    def settings(book):
        book["Settings"].rows[1] = row

    warnings = [str(p) for p in _read(tmp_path, settings).problems if "agency" in p.message]
    assert warnings == ([expected] if expected else [])
