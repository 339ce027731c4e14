"""The monthly run end to end, as a cron job runs it: one bad client never stops the others, and
nothing empty or wrong reaches a client.

A real four-client workbook in four languages (tests/workbook_factory.py), the real reader, report
renderer and ``kpi-xl`` commands, and a real SMTP server on loopback (tests/smtp_server.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from smtp_server import PASSWORD, USER, SmtpServer
from workbook_factory import SheetSpec, actuals_row, write_xlsx

from kpi_xl import cli
from kpi_xl.cli.send import add_send_arguments, run_send
from kpi_xl.core.periods import Month
from kpi_xl.delivery.rendering import render_report
from kpi_xl.i18n import translator
from kpi_xl.report.api import report_html
from kpi_xl.report.batch import write_batch
from kpi_xl.workbook.read import read_by_client
from kpi_xl.workbook.schema import ACTUALS, CLIENTS, GOALS, SETTINGS

pytestmark = pytest.mark.slow  # real PDFs through WeasyPrint

TODAY = dt.date(2026, 11, 20)  # the run for October 2026; November is still in progress
D = dt.date
CLIENT_ROWS = [
    ["Aurora Moda", "marta@aurora.example", "es_ES", "EUR", "Buen mes."],
    ["Café Serra", "joana@serra.example", "pt_BR", "BRL", None],
    ["Zielony Ogród", "anna@zielony.example; biuro@zielony.example", "pl_PL", "PLN", None],
    ["Sen Vàng Spa", "lan@senvang.example", "vi_VN", "VND", None],
]
PDF = {  # the file each client's October report is written to
    "Aurora Moda": "Aurora-Moda_2026-10_es_ES.pdf",
    "Café Serra": "Café-Serra_2026-10_pt_BR.pdf",
    "Zielony Ogród": "Zielony-Ogród_2026-10_pl_PL.pdf",
    "Sen Vàng Spa": "Sen-Vàng-Spa_2026-10_vi_VN.pdf",
}
BAD_ROW = 2 + 31 + 18  # header, Aurora Moda's 31 October and 18 November days: Café Serra's first row


def _days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(count)]


def _book(*, cost_header: str = "Cost", agency: str = "Agencia Norte") -> dict[str, SheetSpec]:
    """Aurora Moda and Zielony Ogród are sound; Café Serra has a date typed as text in one row;
    Sen Vàng Spa has rows only in September, none in October."""
    actuals = [[cost_header if h == "Cost" else h for h in ACTUALS.headers]]
    actuals += [actuals_row(day, "Aurora Moda", "Search", None, cost=100.0, clicks=50, sessions=80, conversions=4,
                            revenue=400.0) for day in _days(D(2026, 10, 1), 31 + 18)]
    actuals += [actuals_row("31/10/2026", "Café Serra", "Social", None, cost=10.0, sessions=5)]
    actuals += [actuals_row(day, "Café Serra", "Social", None, cost=20.0, sessions=30, conversions=1)
                for day in _days(D(2026, 10, 1), 30)]
    actuals += [actuals_row(day, "Zielony Ogród", "Search", None, cost=60.0, clicks=40, sessions=50, conversions=2)
                for day in _days(D(2026, 10, 1), 31)]
    actuals += [actuals_row(day, "Sen Vàng Spa", "Email", None, sessions=100, conversions=3)
                for day in _days(D(2026, 9, 1), 30)]
    return {
        "Clients": SheetSpec([CLIENTS.headers, *CLIENT_ROWS]),
        "Goals": SheetSpec([
            GOALS.headers,
            ["Aurora Moda", "REVENUE", None, None, None, 12000.0, D(2026, 10, 1), D(2026, 10, 31), "Ventas", None,
             None],
            ["Café Serra", "CONVERSIONS", None, None, None, 40.0, D(2026, 10, 1), D(2026, 10, 31), "Vendas", None,
             None],
            ["Zielony Ogród", "CPA", "Search", 35.0, 0.1, None, D(2026, 10, 1), D(2026, 10, 31), "Tańsze leady", None,
             None],
            ["Sen Vàng Spa", "SESSIONS", None, None, None, 3000.0, D(2026, 10, 1), D(2026, 10, 31), "Lượt truy cập",
             None, None],
        ]),
        "Actuals": SheetSpec(actuals),
        "Settings": SheetSpec([SETTINGS.headers, ["agency_name", agency], ["from_address", USER]]),
    }


@pytest.fixture
def workbook(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(cli, "today", lambda: TODAY)
    return write_xlsx(_book(), tmp_path / "clients.xlsx")


def _run(*argv: str, capsys) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_report_fails_the_bad_client_alone_skips_the_empty_one_and_writes_the_others(workbook, tmp_path, capsys):
    out = tmp_path / "out"
    status, stdout, _ = _run("report", str(workbook), "--out", str(out), "--workers", "1", capsys=capsys)

    assert status == 1
    assert sorted(p.name for p in out.iterdir()) == sorted([PDF["Aurora Moda"], PDF["Zielony Ogród"]])
    assert f'failed Café Serra:\n  Actuals!A{BAD_ROW}: date must be a date, got "31/10/2026"\n' in stdout
    assert "skipped Sen Vàng Spa:\n  no Actuals rows in 2026-10: nothing to report, so no report\n" in stdout
    assert stdout.endswith("2026-10: written 2, skipped 1, failed 1\n")
    # The client's copy: no analyst notes, a cover without the placeholder.
    aurora = _text(out / PDF["Aurora Moda"])
    assert "Agencia Norte" in aurora and "Your agency" not in aurora


def test_an_unwritable_pdf_fails_alone(workbook, tmp_path, capsys):
    out = tmp_path / "out"
    (out / PDF["Aurora Moda"]).mkdir(parents=True)  # as a PDF open in Acrobat on Windows: cannot be replaced

    status, stdout, _ = _run("report", str(workbook), "--out", str(out), "--workers", "2", capsys=capsys)

    assert status == 1
    assert f"failed Aurora Moda:\n  cannot write {out / PDF['Aurora Moda']}: " in stdout
    assert (out / PDF["Zielony Ogród"]).read_bytes().startswith(b"%PDF-")
    assert stdout.endswith("2026-10: written 1, skipped 1, failed 2\n")


def test_a_renamed_measure_header_fails_the_client_whose_goal_needs_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "today", lambda: TODAY)
    path = write_xlsx(_book(cost_header="Spend"), tmp_path / "renamed.xlsx")

    status, stdout, _ = _run("report", str(path), "--out", str(tmp_path / "out"), "--workers", "1", capsys=capsys)

    assert status == 1
    # Zielony Ogród's CPA goal (Goals row 4, KPI in column B) needs the cost column.
    # The header standing where Cost was is named: "Spend".
    assert ('failed Zielony Ogród:\n  Goals!B4: CPA needs the Actuals column "Cost": where it was, the header '
            'reads "Spend" (rename it back to "Cost")\n') in stdout
    assert (tmp_path / "out" / PDF["Aurora Moda"]).is_file()
    assert not (tmp_path / "out" / PDF["Zielony Ogród"]).exists()
    status, stdout, _ = _run("check", str(path), capsys=capsys)
    assert status == 1 and 'Goals!B4: error: CPA needs the Actuals column "Cost"' in stdout


@pytest.mark.parametrize(("period", "message"), [
    ("2030-01", "kpi-xl: 2030-01 has not begun (today is 2026-11-20): there is nothing to report yet\n"),
    ("2026-11", "kpi-xl: 2026-11 has not ended (today is 2026-11-20): ask for a partial report of the month so far "
                "(--partial) or choose an earlier month\n"),
    ("2026-06", "kpi-xl: no client has Actuals rows in 2026-06: nothing to report\n"),
])
def test_a_period_that_cannot_be_reported_is_refused(workbook, tmp_path, capsys, period, message):
    status, stdout, stderr = _run("report", str(workbook), "--period", period, "--out", str(tmp_path / "out"),
                                  capsys=capsys)
    assert (status, stdout, stderr) == (1, "", message)
    assert not (tmp_path / "out").exists()


def test_a_partial_month_says_so_and_judges_nothing_final(workbook, tmp_path, capsys):
    out = tmp_path / "out"
    status, stdout, _ = _run("report", str(workbook), "--period", "2026-11", "--partial", "--client", "Aurora Moda",
                             "--out", str(out), capsys=capsys)
    assert status == 0, stdout
    text = _text(out / "Aurora-Moda_2026-11_es_ES.pdf")
    # Aurora Moda's rows run to 18 November: the cover says the month is in progress, with that date.
    assert "Mes en curso: datos hasta el 18 de noviembre de 2026;" in " ".join(text.split())


@pytest.mark.parametrize(
    ("lock", "command"),
    [
        ("~$clients.xlsx", ("report", "--client", "Aurora Moda", "--out", "o")),   # Excel's lock file
        ("~$clients.xlsx", ("goals", "--as-of", "2026-10-31")),
        (".~lock.clients.xlsx#", ("goals", "--as-of", "2026-10-31", "--json")),  # LibreOffice's; JSON stays clean
        (".~lock.clients.xlsx#", ("check",)),
    ],
)
def test_a_lock_file_is_said_in_one_line(workbook, tmp_path, capsys, lock, command):
    (tmp_path / lock).write_bytes(b"ana")
    name, *options = command
    if name == "goals":  # goals reads the whole workbook: the demo's, sound, under the same name
        shutil.copyfile(Path(__file__).resolve().parent.parent / "workbooks" / "demo.xlsx", workbook)
    options = [str(tmp_path / o) if o == "o" else o for o in options]
    status, stdout, stderr = _run(name, str(workbook), *options, capsys=capsys)
    line = (f"clients.xlsx is open in a spreadsheet program ({lock} exists): the data read is the last saved "
            "version and may not include unsaved changes")
    if name == "check":   # check lists it among its findings, on stdout
        assert line in stdout
        return
    assert status == 0
    progress = "[1/1] Aurora Moda: written\n" if name == "report" else ""   # report's line per client, not a TTY
    assert stderr == f"kpi-xl: warning: {line}\n{progress}"
    if "--json" in options:
        json.loads(stdout)


def _send(path: Path, server: SmtpServer, *extra: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_send_arguments(parser)
    args = parser.parse_args([str(path), "--smtp-host", server.host, "--smtp-port", str(server.port),
                              "--smtp-security", server.security, "--smtp-cafile", str(server.cafile),
                              "--smtp-user", server.user, "--workers", "0", *extra])
    out, err = io.StringIO(), io.StringIO()
    status = run_send(args, render=render_report, out=out, err=err, today=TODAY,
                      environ={"KPI_XL_SMTP_PASSWORD": PASSWORD, "KPI_XL_CONFIG": ""},
                      ssl_context=server.client_context(), sleep=lambda seconds: None)
    return status, out.getvalue(), err.getvalue()


def test_send_delivers_to_the_sound_clients_only_and_lists_the_others(workbook, tmp_path):
    with SmtpServer(tmp_path) as server:
        status, out, _ = _send(workbook, server)
        assert status == 1, out
        assert server.mailbox.counts() == {"marta@aurora.example": 1, "anna@zielony.example": 1,
                                           "biuro@zielony.example": 1}
        [aurora] = server.mailbox.to("marta@aurora.example")
        assert aurora["Subject"] == "Informe mensual de KPI – Aurora Moda – octubre de 2026"
        assert "Your agency" not in aurora.get_body(("plain",)).get_content()
        assert re.search(rf"Café Serra +failed +Actuals!A{BAD_ROW}: date must be a date", out), out
        assert re.search(r"Sen Vàng Spa +skipped +no Actuals rows in 2026-10", out), out
        assert "2026-10: sent 3, already sent 0, failed 1, skipped 1" in out

        # Asked for, the empty client gets one; nobody gets a second copy.
        status, out, _ = _send(workbook, server, "--include-empty")
        assert server.mailbox.counts() == {"marta@aurora.example": 1, "anna@zielony.example": 1,
                                           "biuro@zielony.example": 1, "lan@senvang.example": 1}


def test_send_refuses_the_template_placeholder_agency_name(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "today", lambda: TODAY)
    path = write_xlsx(_book(agency="Your agency"), tmp_path / "clients.xlsx")
    with SmtpServer(tmp_path) as server:
        status, _, err = _send(path, server)
        assert status == 1 and server.mailbox.counts() == {}
    assert "Settings agency_name is still the template's \"Your agency\"" in err
    status, stdout, _ = _run("check", str(path), capsys=capsys)
    assert "Settings!B2: warning: agency_name is still the template's \"Your agency\"" in stdout


@pytest.mark.parametrize(
    ("agency", "dry_run", "status", "drafts", "refused"),
    [
        # The placeholder: a dry run still writes the drafts to preview, but says the real send would be
        # refused and fails like it; the real send writes and sends nothing.
        ("Your agency", True, 1, True, True),
        ("Your agency", False, 1, False, True),
        # A named agency: no refusal (the run still exits 1: Café Serra's text date fails that client).
        ("Agencia Norte", True, 1, True, False),
    ],
)
def test_a_dry_run_says_the_placeholder_would_stop_the_real_send(tmp_path, monkeypatch, agency, dry_run, status,
                                                                 drafts, refused):
    monkeypatch.setattr(cli, "today", lambda: TODAY)
    path = write_xlsx(_book(agency=agency), tmp_path / "clients.xlsx")
    folder = tmp_path / "drafts"
    extra = ("--dry-run", "--out", str(folder)) if dry_run else ()
    with SmtpServer(tmp_path) as server:
        code, _, err = _send(path, server, *extra)
        assert server.mailbox.counts() == {}
    assert code == status
    assert bool(list(folder.glob("**/*.eml")) if folder.exists() else []) is drafts
    assert ("would be refused" in err) is (refused and dry_run)
    assert ('agency_name is still the template\'s "Your agency"' in err) is refused


@pytest.mark.each_locale
def test_the_demo_client_pdf_has_no_review_notes_and_the_review_copy_has_them(locale, tmp_path):
    """The demo's client PDFs (one per language) carry no SMART review and no negative hundreds of percent;
    the --review copy carries the review, marked as internal."""
    demo = Path(__file__).resolve().parent.parent / "workbooks" / "demo.xlsx"
    parsed = read_by_client(demo)
    client = next((c.name for c in parsed.data.clients.values() if c.locale == locale), None)
    if client is None:
        pytest.skip(f"no demo client speaks {locale}")
    _, content = report_html(parsed.data, client, Month(2026, 10), review=True)
    notes = [" ".join(t.split())[:40] for g in content.goals for t in (*g.findings, g.achievability, g.notes) if t]
    if content.reviews:  # "Targets to review": the same findings again, named by their KPI
        notes.append(translator(locale).gettext("Targets to review"))
    # Every demo client but Café Serra Azul (pt_BR) has goals the SMART review comments on in October.
    assert bool(notes) == (locale != "pt_BR")
    [copy] = write_batch(parsed, Month(2026, 10), tmp_path, today=TODAY, only=[client], workers=1)
    text = " ".join(_text(copy.path).split())
    assert not [note for note in notes if note in text]
    assert not re.search(r"[-−]\d{3,} ?%", text)
    [review] = write_batch(parsed, Month(2026, 10), tmp_path, today=TODAY, only=[client], workers=1, review=True)
    review_text = " ".join(_text(review.path).split())
    assert review.path.name.endswith("_review.pdf")
    assert translator(locale).gettext("Internal review copy for the agency: not for the client.") in review_text
    pages = pypdf.PdfReader(review.path).pages
    assert all(translator(locale).gettext("Internal review copy") in page.extract_text() for page in pages)
    assert [note for note in notes if note in review_text] == notes
