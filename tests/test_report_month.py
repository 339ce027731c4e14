"""Which month is reported: ``--period``, else the workbook's ``report_period`` setting, else the last
complete month before today; one rule, the same in ``report``, ``send`` and the Excel button.

Each case asks for a month that cannot be reported, so the error names the month that was picked
without rendering anything. The test workbook has Actuals in September 2026 only.
"""

from __future__ import annotations

import datetime as dt

import fake_xlwings
import pytest
from workbook_factory import sample_book, write_xlsx

from kpi_xl import cli
from kpi_xl.excel import report_button as excel_button

NOW = dt.datetime(2026, 11, 22, 9, 30)
BEGUN = "has not begun (today is 2026-11-22)"
CASES = [
    ("2026-12", None, f"2026-12 {BEGUN}"),            # the workbook's setting
    ("2026-12", "2027-01", f"2027-01 {BEGUN}"),       # --period wins over it
    (None, None, "no client has Actuals rows in 2026-10"),  # blank: the last complete month, October
]


def _workbook(tmp_path, setting):
    book = sample_book()
    book["Goals"].rows = [row[:-1] for row in book["Goals"].rows]   # no formulas without values
    for row in book["Settings"].rows:
        if row[0] == "report_period":
            row[1] = setting
        elif row[0] == "default_locale":
            row[1] = "en_US"  # the button speaks the workbook's language
    return write_xlsx(book, tmp_path / "clients.xlsx")


@pytest.mark.parametrize("command", ["report", "send"])
@pytest.mark.parametrize(("setting", "option", "message"), CASES)
def test_the_command_line_reports_the_month_of_the_one_rule(tmp_path, monkeypatch, capsys, command, setting,
                                                              option, message):
    monkeypatch.setattr(cli, "today", NOW.date)
    argv = [command, str(_workbook(tmp_path, setting)), *(["--dry-run"] if command == "send" else [])]
    assert cli.main(argv + (["--period", option] if option else [])) == 1
    assert f"kpi-xl: {message}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clients.xlsx"]  # nothing written


@pytest.mark.parametrize(("setting", "message"), [(setting, message) for setting, option, message in CASES
                                                  if option is None])
def test_the_excel_button_reports_the_month_of_the_one_rule(tmp_path, setting, message):
    book = fake_xlwings.Book.from_xlsx(_workbook(tmp_path, setting))

    excel_button.main(book, now=NOW)

    summary, _, line = book.sheets["Reports"].column_values(1)
    assert summary == "Report generation stopped: see below."
    assert line.startswith(message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clients.xlsx"]
