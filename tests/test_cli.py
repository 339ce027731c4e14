"""The kpi-xl command line, driven through main(argv, out) like click's CliRunner."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi_xl import cli
from kpi_xl.core import registry
from kpi_xl.demo import demo_data
from kpi_xl.workbook.schema import GOALS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "workbooks" / "demo.xlsx"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


@pytest.mark.each_locale
def test_kpis_prints_every_kpi_in_the_locale(locale):
    status, text = run("kpis", "--locale", locale)
    assert status == 0
    lines = text.splitlines()
    assert len(lines) == 2 + len(registry.KPIS)
    assert all(any(f"  {code}  " in line for line in lines) for code in registry.KPIS)


def test_unknown_locale_is_a_usage_error_naming_the_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run("kpis", "--locale", "xx_XX")
    assert exit_info.value.code == 2   # a bad option value, as a bad --period: argparse's status
    assert capsys.readouterr().err.splitlines()[-1] == (
        "kpi-xl kpis: error: argument --locale: unknown or unsupported locale 'xx_XX' "
        "(supported: en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN)")


def test_new_writes_a_template_and_keeps_existing_files(tmp_path, capsys):
    path = tmp_path / "clients.xlsx"
    assert run("new", str(path)) == (0, f"wrote {path}\n")
    assert {"Clients", "Goals", "Actuals", "Settings", "Dashboard", "xlwings.conf"} <= set(
        load_workbook(path, read_only=True).sheetnames)
    before = path.read_bytes()
    assert run("new", str(path))[0] == 1
    assert "exists" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert run("new", str(path), "--force")[0] == 0


def test_check_passes_the_demo(tmp_path):
    status, text = run("check", str(DEMO))
    assert status == 0
    # The demo has two goals without an objective on purpose: warnings, not errors.
    assert text.splitlines()[-1] == f"{DEMO}: 0 errors, 2 warnings"   # the path as given


def test_check_names_the_cell_of_a_bad_target(tmp_path):
    broken = tmp_path / "broken.xlsx"
    shutil.copy(DEMO, broken)
    book = load_workbook(broken)
    sheet = book[GOALS.sheet]
    header = [c.value for c in sheet[1]]
    column = header.index("Target") + 1
    sheet.cell(row=3, column=column, value="ten")
    book.save(broken)
    status, text = run("check", str(broken))
    letter = sheet.cell(row=3, column=column).column_letter
    assert status == 1
    assert f"Goals!{letter}3" in text and '"ten"' in text


def test_goals_table_on_a_frozen_date():
    status, text = run("goals", str(DEMO), "--as-of", "2026-11-21")
    assert status == 0
    assert text.startswith("Goals as of 2026-11-21\n")
    body = text.splitlines()[3:]
    assert len(body) == len(demo_data(cli.dt.date(2026, 11, 22)).goals)
    assert sum("Unrealistic:" in line for line in body) == 1   # the demo's one deliberately unrealistic goal
    for status_code in ("on_track", "at_risk", "missed", "achieved"):
        assert any(f"  {status_code}  " in line for line in body), status_code


def test_goals_for_one_client():
    status, text = run("goals", str(DEMO), "--as-of", "2026-11-21", "--client", "Zielony Ogród")
    assert status == 0
    body = text.splitlines()[3:]
    assert body and all(line.startswith("Zielony Ogród") for line in body)


def test_goals_for_an_unknown_client_says_which_exist(capsys):
    assert run("goals", str(DEMO), "--client", "Nobody")[0] == 1
    assert "Aurora Moda" in capsys.readouterr().err


def test_bad_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run("goals", str(DEMO), "--as-of", "31/10/2026")
    assert exit_info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_a_missing_workbook_is_one_line(capsys):
    assert run("goals", "/nonexistent/book.xlsx")[0] == 1
    assert capsys.readouterr().err.startswith("kpi-xl: ")


def test_demo_without_reports_writes_the_workbook(tmp_path):
    status, text = run("demo", "--out", str(tmp_path), "--no-reports", "--today", "2026-11-22")
    assert (status, text) == (0, f"wrote {tmp_path / 'demo.xlsx'}\n")
    assert (tmp_path / "demo.xlsx").stat().st_size > 100_000
