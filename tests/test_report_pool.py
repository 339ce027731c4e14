"""Many reports: one PDF per client from a process pool, clear file names, atomic writes, the CLI."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_fixtures import CLIENT, PERIOD, make_workbook, no_weasyprint_warnings, pdf_text

from kpi_xl.cli.report import add_report_arguments, run_report
from kpi_xl.core.errors import UnknownClientError, UnknownLocaleError
from kpi_xl.core.model import Actuals, WorkbookData
from kpi_xl.core.periods import Month
from kpi_xl.files import write_atomic
from kpi_xl.report.pool import report_file_name, write_reports
from kpi_xl.report.slice import client_slice
from kpi_xl.workbook.template import write_workbook

pytestmark = pytest.mark.usefixtures("no_weasyprint_warnings")
assert no_weasyprint_warnings

ROOT = Path(__file__).resolve().parent.parent


def two_clients() -> WorkbookData:
    """The test workbook twice over: "Acme Gardens" (Polish) and "Bistro / Sol" (Spanish)."""
    polish, spanish = make_workbook("pl_PL"), make_workbook("es_ES", client="Bistro / Sol")
    rows = Actuals(
        dates=polish.actuals.dates + spanish.actuals.dates,
        clients=polish.actuals.clients + spanish.actuals.clients,
        channels=polish.actuals.channels + spanish.actuals.channels,
        campaigns=polish.actuals.campaigns + spanish.actuals.campaigns,
        measures={m: polish.actuals.measures[m] + spanish.actuals.measures[m] for m in polish.actuals.measures},
        sources=polish.actuals.sources + spanish.actuals.sources,
    )
    return dataclasses.replace(polish, clients={**polish.clients, **spanish.clients},
                               goals=polish.goals + spanish.goals, actuals=rows)


def test_one_pdf_per_client_from_two_worker_processes(tmp_path):
    data = two_clients()
    paths = write_reports(data, PERIOD, tmp_path, workers=2)
    assert [p.name for p in paths] == ["Acme-Gardens_2026-10_pl_PL.pdf", "Bistro-Sol_2026-10_es_ES.pdf"]
    texts = [pdf_text(p.read_bytes()) for p in paths]
    assert "Raport obejmuje 4 cele." in texts[0] and "Acme Gardens" in texts[0]
    assert "Este informe hace seguimiento de 4 objetivos." in texts[1] and "Bistro / Sol" in texts[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temporary files left


def test_locale_override_and_one_client_in_process(tmp_path):
    (path,) = write_reports(two_clients(), PERIOD, tmp_path, client="Bistro / Sol", locale="pt_BR", workers=1)
    assert path.name == "Bistro-Sol_2026-10_pt_BR.pdf"
    assert "Este relatório acompanha 4 metas." in pdf_text(path.read_bytes())


def test_each_client_is_sliced_once_and_its_goals_evaluated_once(tmp_path, monkeypatch):
    from kpi_xl.report import pool, prepared

    calls = []

    def counted(real, name):
        return lambda *a, **k: calls.append((name, a[1] if name == "slice" else a[2])) or real(*a, **k)

    monkeypatch.setattr(pool, "client_slice", counted(pool.client_slice, "slice"))
    monkeypatch.setattr(prepared, "client_slice", counted(prepared.client_slice, "slice"))
    monkeypatch.setattr(prepared, "evaluate_goals", counted(prepared.evaluate_goals, "goals"))
    (path,) = write_reports(two_clients(), PERIOD, tmp_path, client="Bistro / Sol", workers=1)
    assert sorted(calls) == [("goals", "Bistro / Sol"), ("slice", "Bistro / Sol")]
    assert "Bistro / Sol" in pdf_text(path.read_bytes())


def test_a_slice_renders_like_the_whole_workbook():
    from kpi_xl.core.goals import evaluate_goals
    from kpi_xl.report.context import build_report
    from kpi_xl.report.render import render_html

    data = two_clients()
    part = client_slice(data, CLIENT)
    assert set(part.actuals.clients) == {CLIENT} and len(part.actuals) == len(data.actuals) // 2
    assert {g.client for g in part.goals} == {CLIENT} and list(part.clients) == [CLIENT]

    def html(source):
        statuses = evaluate_goals(source, PERIOD.last_day, CLIENT)
        return render_html(build_report(source, CLIENT, PERIOD, "en_US", statuses), "en_US")

    assert html(part) == html(data)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["A/B", "A B"], ["A-B_2026-10_en_US.pdf", "A-B_2026-10_en_US-2.pdf"]),
        (["../../etc/passwd"], ["etc-passwd_2026-10_en_US.pdf"]),
        (["<script>", "***"], ["script_2026-10_en_US.pdf", "client_2026-10_en_US.pdf"]),
        (["Café Serra Azul"], ["Café-Serra-Azul_2026-10_en_US.pdf"]),
    ],
)
def test_file_names_are_clear_safe_and_distinct(tmp_path, names, expected):
    base = make_workbook()
    clients = {n: dataclasses.replace(base.clients[CLIENT], name=n) for n in names}
    data = dataclasses.replace(base, clients=clients, goals=[])
    paths = write_reports(data, PERIOD, tmp_path, workers=1)
    assert [p.name for p in paths] == expected
    assert all(p.parent == tmp_path and p.read_bytes().startswith(b"%PDF") for p in paths)
    assert report_file_name(names[0], Month(2026, 10), "en_US") == expected[0]


def test_nothing_is_written_for_an_unknown_client_or_locale(tmp_path):
    unknown = r'^no client named "Nobody" in the workbook \(clients: Acme Gardens\)$'
    with pytest.raises(UnknownClientError, match=unknown):
        write_reports(make_workbook(), PERIOD, tmp_path, client="Nobody")
    with pytest.raises(UnknownLocaleError):
        write_reports(make_workbook(), PERIOD, tmp_path, locale="de_DE")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"

    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"newer")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kpi-xl report")
    add_report_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def workbook(tmp_path) -> Path:
    path = tmp_path / "clients.xlsx"
    write_workbook(path, make_workbook("pl_PL"))
    return path


def test_cli_defaults_last_complete_month_the_clients_locale_next_to_the_workbook(workbook):
    out = io.StringIO()
    assert run_report(_args(str(workbook), "--workers", "1"), out, today=dt.date(2026, 11, 15)) == 0
    expected = workbook.parent / "Acme-Gardens_2026-10_pl_PL.pdf"
    # The summary table (client, result, file), a blank line, the counts.
    assert out.getvalue() == ("Client        Result   File or reason\n"
                              f"------------  -------  {'-' * len(str(expected))}\n"
                              f"Acme Gardens  written  {expected}\n"
                              "\n"
                              "2026-10: written 1, skipped 0, failed 0\n")
    assert "październik 2026" in pdf_text(expected.read_bytes())


def test_cli_options(workbook, tmp_path):
    out = io.StringIO()
    args = _args(str(workbook), "--client", CLIENT, "--period", "2026-09", "--locale", "vi-VN",
                 "--out", str(tmp_path / "pdf"), "--pdf-a", "--workers", "1")
    assert run_report(args, out, today=PERIOD.last_day) == 0
    path = tmp_path / "pdf" / "Acme-Gardens_2026-09_vi_VN.pdf"
    reader = PdfReader(path)
    assert list(reader.attachments) == ["goals.csv"] and reader.trailer["/Root"]["/Lang"] == "vi-VN"
    assert "tháng 9 năm 2026" in pdf_text(path.read_bytes())


@pytest.mark.parametrize("bad", ["2026-13", "October", "26-10"])
def test_cli_rejects_a_bad_period_as_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        _args("book.xlsx", "--period", bad)
    assert exit_info.value.code == 2
    assert "period must be YYYY-MM" in capsys.readouterr().err


def test_cli_rejects_a_bad_locale_as_a_usage_error_before_reading(capsys):
    # As a bad --period: the parser refuses it, so nothing is read (book.xlsx does not exist).
    with pytest.raises(SystemExit) as exit_info:
        _args("book.xlsx", "--locale", "klingon")
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "kpi-xl report: error: argument --locale: unknown or unsupported locale 'klingon' "
        "(supported: en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN)")


def test_a_fresh_process_renders_one_report_and_imports_weasyprint_only_to_render(workbook):
    # A new interpreter (what the Excel button starts): the workbook path, one client. Importing
    # kpi_xl.report must not import WeasyPrint; rendering does.
    code = (
        "import sys\n"
        "import kpi_xl.report as report\n"
        "from kpi_xl.core.periods import Month\n"
        "from kpi_xl.workbook.read import read_workbook\n"
        "assert 'weasyprint' not in sys.modules\n"
        f"pdf = report.render_report_pdf(read_workbook({str(workbook)!r}), {CLIENT!r}, Month(2026, 10))\n"
        "sys.stdout.buffer.write(pdf)\n"
    )
    pdf = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, cwd=ROOT).stdout
    assert "październik 2026" in pdf_text(pdf)
