"""Hostile text in a workbook: periods out of range, huge numbers, control characters, long names,
malformed addresses and endless commentary end in a result or a located error, never a traceback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from smtp_server import SmtpServer, make_workbook, render_stand_in, send
from workbook_factory import sample_book, write_xlsx

from kpi_xl import cli
from kpi_xl.core.periods import Month
from kpi_xl.report.api import render_report_pdf
from kpi_xl.workbook.parse import COMMENTARY_LIMIT
from kpi_xl.workbook.read import check_workbook, read_workbook

FAST = ("--workers", "0")


def _valid_book():
    book = sample_book()
    book["Goals"].rows = [row[:-1] for row in book["Goals"].rows]   # no formulas without values
    return book


@pytest.fixture
def workbook_file(tmp_path):
    return write_xlsx(_valid_book(), tmp_path / "clients.xlsx")


@pytest.mark.parametrize("command", ["report", "goals"])
def test_a_period_out_of_range_on_the_command_line_is_an_argument_error(workbook_file, command, capsys):
    argv = [command, str(workbook_file), "--period" if command == "report" else "--as-of",
            "0000-01" if command == "report" else "0000-01-01"]
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("0000-01" in err)


def test_send_with_period_0000_01_is_an_argument_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        send(make_workbook([("Acme", ["a@acme.example"], "en_US")]), tmp_path / "c.xlsx",
             "--dry-run", "--period", "0000-01", *FAST)
    assert stopped.value.code == 2
    assert "argument --period: period must be a month from 1901-01 to 9998-12, got '0000-01'" in capsys.readouterr().err


def test_a_paragraph_separator_in_the_commentary_renders(workbook_file):
    data = read_workbook(workbook_file)
    for text in ["a \u2029b", " \u2029", "x\u2028 y\x0b\x0cz", "Café\x1b]0;pwned\x07 done"]:
        data.clients["Acme"] = dataclasses.replace(data.clients["Acme"], commentary=text)
        assert render_report_pdf(data, "Acme", Month(2026, 9), "en_US").startswith(b"%PDF-")


def test_a_commentary_past_the_limit_is_an_error_in_its_cell(tmp_path):
    book = _valid_book()
    book["Clients"].rows[2][4] = "x" * (COMMENTARY_LIMIT + 1)      # Borsa, sheet row 3, column E
    data, problems = check_workbook(write_xlsx(book, tmp_path / "long.xlsx"))
    assert data is None
    assert [f"{p.place}: {p.message}" for p in problems] == [
        "Clients!E3: the commentary is 5,001 characters long, more than the 5,000 a report holds: shorten it"]
    book["Clients"].rows[2][4] = "x" * COMMENTARY_LIMIT                # at the limit: fine
    assert check_workbook(write_xlsx(book, tmp_path / "ok.xlsx"))[1] == []


def test_one_malformed_address_skips_only_itself(tmp_path):
    book = _valid_book()
    book["Clients"].rows[1][1] = 'ana@acme; "Ríos, Luis" <luis@acme.example>'   # Acme, Clients!B2
    path = write_xlsx(book, tmp_path / "clients.xlsx")
    _, problems = check_workbook(path)
    assert [(p.place, p.severity.value) for p in problems] == [("Clients!B2", "warning")]
    with SmtpServer(tmp_path) as server:
        status, out, _ = send(None, path, *FAST, server=server, ssl_context=server.client_context(),
                              render=render_stand_in)
        assert server.mailbox.counts() == {"luis@acme.example": 1, "ola@borsa.example": 1}
    assert status == 1   # a bad address is something to correct
    [bad] = [line for line in out.splitlines() if "ana@acme " in line + " "]
    assert "invalid address" in bad and "Clients!B2: not an e-mail address: 'ana@acme'" in bad


def test_control_characters_never_reach_the_terminal(tmp_path):
    clients = [("Café\x1b]0;pwned\x07", ["a@cafe.example"], "en_US"),
               ("Evil\r\n2026-10: sent 99", ["b@evil.example"], "en_US")]
    status, out, err = send(make_workbook(clients), tmp_path / "c.xlsx", "--dry-run", *FAST,
                            render=render_stand_in)
    assert status == 0
    for stream in (out, err):
        assert not {"\x1b", "\x07", "\r"} & set(stream)
    assert "Café\\x1b]0;pwned\\x07" in out and "Evil\\r\\n2026-10: sent 99" in out
    assert [line for line in out.splitlines() if line.startswith("2026-10:")] == ["2026-10: written 2 (dry run: "
                                                                                   "nothing sent)"]


def test_check_escapes_control_characters_from_cells(tmp_path, capsys):
    book = _valid_book()
    book["Goals"].rows[1][5] = "ten\x1b[31m"
    assert cli.main(["check", str(write_xlsx(book, tmp_path / "c.xlsx", engine="xlsxwriter"))]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and 'Goals!F2: error: target must be a number, got "ten\\x1b[31m"' in out


def test_dry_run_drafts_of_long_names_are_capped_like_the_pdfs(tmp_path):
    clients = [(f"{n:02d} " + "Very Long Client Name " * 12, [f"c{n}@x.example"], "en_US") for n in range(35)]
    status, out, _ = send(make_workbook(clients), tmp_path / "c.xlsx", "--dry-run", *FAST, render=render_stand_in,
                          now=lambda: dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    assert status == 0, out
    files = sorted((tmp_path / "c_emails_2026-10").iterdir())
    assert len(files) == 35 and max(len(f.name) for f in files) <= 60 + len("_2026-10.eml")
    assert "2026-10: written 35" in out


def test_goals_prints_a_target_of_1e308(tmp_path):
    book = _valid_book()
    book["Goals"].rows[2][5] = 1e308
    out = io.StringIO()
    assert cli.main(["goals", str(write_xlsx(book, tmp_path / "g.xlsx")), "--as-of", "2026-09-20"], out) == 0
    assert "PLN100,000,000,000" in out.getvalue()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_report_gives_up_a_report_past_its_render_timeout(workbook_file, tmp_path, workers, capsys):
    out = io.StringIO()
    status = cli.main(["report", str(workbook_file), "--out", str(tmp_path / "out"), "--workers", workers,
                       "--render-timeout", "0.001"], out)
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err + out.getvalue()
    # Each client's report fails alone, named with its row; no report of the book's three renders in a
    # millisecond, so the summary counts three failures and the run still ends normally.
    assert "took longer than 0.001 s to render" in out.getvalue() and "Clients!A" in out.getvalue()
    assert out.getvalue().splitlines()[-1] == "2026-09: written 0, skipped 0, failed 3"
    assert not list((tmp_path / "out").glob("*.pdf"))


class _Huge:
    """A used range reaching XFD1048576: reading it whole must not even be tried."""

    row, column, shape = 1, 1, (1_048_576, 16_384)

    def options(self, **options):
        raise AssertionError("the whole used range was read")


class _Table:
    def __init__(self, area):
        self.range = area


def test_the_live_reader_reads_only_the_tables_of_an_oversized_sheet():
    from workbook_factory import fake_book

    from kpi_xl.workbook.read import check_workbook as check

    book = fake_book(_valid_book())
    actuals = next(sheet for sheet in book.sheets if sheet.name == "Actuals")
    table = actuals.used_range
    asked = []

    def area(first, last):
        asked.append((first, last))
        return table

    actuals.used_range, actuals.tables, actuals.range = _Huge(), [_Table(table)], area
    data, problems = check(book)
    width = table.shape[1]
    assert asked == [((1, 1), (table.shape[0], width))]
    assert [(p.place, p.severity.value) for p in problems] == [("Actuals!XFD1048576", "warning")]
    assert data is not None and len(data.actuals.dates) == table.shape[0] - 1
