"""The command line behaves like the tools users know (csvkit, sqlite-utils, xlwings' own CLI):
``kpi-xl`` alone prints the help, every option has help, ``--json`` where scripts read, ``--quiet`` for
cron, a progress bar and a summary table for ``report``, a quiet end when the reader of a pipe goes
away, and ``addin status|remove``. All through ``main(argv)`` unless a real pipe is the point."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixtures import make_workbook
from smtp_server import make_workbook as make_clients
from smtp_server import render_broken, send

import kpi_xl
from kpi_xl import cli
from kpi_xl.cli.parser import build_parser
from kpi_xl.cli.report import _summary_row, add_report_arguments, run_report
from kpi_xl.core import registry
from kpi_xl.core.model import Actuals, Client, Settings, WorkbookData
from kpi_xl.delivery.ledger import Ledger
from kpi_xl.excel import addin
from kpi_xl.report.batch import ClientOutcome
from kpi_xl.workbook.problems import ERROR, problem
from kpi_xl.workbook.schema import GOALS
from kpi_xl.workbook.template import write_workbook

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "workbooks" / "demo.xlsx"
IMPORTS = Path(__file__).resolve().parent / "fixtures" / "imports"
COMMANDS = ["kpis", "new", "demo", "check", "import", "goals", "report", "addin", "send", "history"]


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


# -- help, version ---------------------------------------------------------------------------------

def test_kpi_xl_alone_prints_the_command_list_and_exits_0(capsys):
    status, text = run()
    assert status == 0 and capsys.readouterr().err == ""
    assert text.startswith("usage: kpi-xl [-h] [--version] COMMAND ...\n")
    assert "Marketing KPIs, SMART goals and reports." in text
    # Each command on its own line of the list, with its one-line description.
    described = {line.split()[0]: " ".join(line.split()[1:]) for line in text.splitlines()
                 if line.startswith("    ") and line.split()[0] in COMMANDS}
    assert sorted(described) == sorted(COMMANDS)
    assert described["kpis"] == "print the KPI catalog"
    assert described["history"] == "show what was sent, from the delivery ledger"
    assert all(described.values())


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    top = build_parser()
    (commands,) = [a for a in top._actions if isinstance(a, argparse._SubParsersAction)]
    return [("kpi-xl", top), *((f"kpi-xl {name}", sub) for name, sub in commands.choices.items())]


@pytest.mark.parametrize(("name", "parser"), _parsers(), ids=[name for name, _ in _parsers()])
def test_every_option_and_argument_has_help(name, parser):
    missing = [action.option_strings or action.dest for action in parser._actions
               if not isinstance(action, argparse._HelpAction) and not (action.help or "").strip()]
    assert missing == []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            assert [c.dest for c in action._choices_actions if not (c.help or "").strip()] == []
            assert len(action._choices_actions) == len(COMMANDS)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"kpi-xl {kpi_xl.__version__}\n"


# -- JSON ------------------------------------------------------------------------------------------

def test_kpis_json_one_object_per_kpi_in_the_locale():
    status, text = run("kpis", "--locale", "es_MX", "--json")
    assert status == 0
    records = json.loads(text)
    assert len(records) == len(registry.KPIS) == 31
    assert records[0] == {"code": "CPM", "name": "Costo por mil (CPM)",
                          "stage": "awareness", "stage_label": "Reconocimiento",
                          "formula": "costo / impresiones × 1000",
                          "unit": "currency", "unit_label": "moneda",
                          "direction": "lower", "direction_label": "cuanto más bajo, mejor"}
    assert [r["code"] for r in records] == list(registry.KPIS)
    assert text.endswith("}\n]\n") and '\n  {\n    "code": "CPM",' in text   # indent 2, accents as they are


def test_kpis_json_codes_do_not_change_with_the_locale_only_labels_do():
    english = {r["code"]: r for r in json.loads(run("kpis", "--json")[1])}
    spanish = {r["code"]: r for r in json.loads(run("kpis", "--json", "--locale", "es_ES")[1])}
    codes = ("stage", "unit", "direction")
    assert {c: tuple(r[k] for k in codes) for c, r in spanish.items()} == {
        c: tuple(r[k] for k in codes) for c, r in english.items()}
    roas = spanish["ROAS"]
    assert (roas["unit"], roas["direction"], roas["stage"]) == ("ratio", "higher", "conversion")
    assert (english["ROAS"]["unit_label"], english["ROAS"]["direction_label"]) == ("ratio", "higher is better")
    assert roas["direction_label"] == "cuanto más alto, mejor"
    assert english["CHURN_RATE"]["direction"] == "lower" and english["CHURN_RATE"]["unit"] == "percent"
    assert {r["stage"] for r in english.values()} == {stage.value for stage in registry.Stage}


def test_check_json_lists_each_problem_with_its_place_and_the_counts(tmp_path):
    broken = tmp_path / "broken.xlsx"
    shutil.copy(DEMO, broken)
    book = load_workbook(broken)
    sheet = book[GOALS.sheet]
    sheet.cell(row=3, column=[c.value for c in sheet[1]].index("Target") + 1, value="ten")   # Target is F
    book.save(broken)
    status, text = run("check", str(broken), "--json")
    assert status == 1   # as without --json: an error
    result = json.loads(text)
    assert (result["workbook"], result["errors"], result["warnings"]) == (str(broken), 1, 2)   # as given
    error, = [p for p in result["problems"] if p["severity"] == "error"]
    assert (error["place"], error["sheet"], error["row"], error["column"]) == ("Goals!F3", "Goals", 3, "F")
    assert '"ten"' in error["message"]
    # The demo's two goals without an objective (column I), as the text output counts them.
    warnings = [(p["place"], p["row"], p["column"]) for p in result["problems"] if p["severity"] == "warning"]
    assert warnings == [("Goals!I16", 16, "I"), ("Goals!I20", 20, "I")]


def test_check_json_of_a_sound_workbook_exits_0():
    status, text = run("check", str(DEMO), "--json")
    assert status == 0 and json.loads(text)["errors"] == 0


@pytest.fixture
def warsaw(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Warsaw")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_history_json_gives_the_ledger_rows_with_iso_times(tmp_path, warsaw):
    path = tmp_path / "ledger.sqlite"
    sent_at = 1761987600.0   # 2025-11-01 09:00 UTC: 10:00 in Warsaw (CET, +01:00)
    with Ledger(path, clock=lambda: sent_at) as ledger:
        ledger.claim("Łódź Sp. z o.o.", "2025-10", ["biuro@lodz.example"], resend=False)
        ledger.mark_sending("Łódź Sp. z o.o.", "2025-10", ["biuro@lodz.example"])
        ledger.mark_sent("Łódź Sp. z o.o.", "2025-10", ["biuro@lodz.example"], "<1@agency.example>")
    status, text = run("history", str(tmp_path / "clients.xlsx"), "--ledger", str(path), "--json")
    assert status == 0
    assert json.loads(text) == [{
        "client": "Łódź Sp. z o.o.", "period": "2025-10", "recipient": "biuro@lodz.example", "state": "sent",
        "sent_at": "2025-11-01T10:00:00+01:00", "updated_at": "2025-11-01T10:00:00+01:00", "copy": 1,
        "attempts": 1, "reason": "", "message_id": "<1@agency.example>"}]
    assert "Łódź" in text   # not \u0141


def test_history_json_without_a_ledger_is_an_empty_list(tmp_path):
    assert run("history", "c.xlsx", "--ledger", str(tmp_path / "none.sqlite"), "--json") == (0, "[]\n")


@pytest.mark.parametrize("argv", [
    ["kpis", "--locale", "pl_PL", "--json"],
    ["goals", str(DEMO), "--as-of", "2026-10-31", "--json"],
    ["check", str(DEMO), "--json"],
])
def test_json_is_utf8_whatever_the_streams_encoding(argv):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")   # a Windows console's
    assert cli.main(argv, out=stream) == 0
    stream.flush()
    text = raw.getvalue().decode("utf-8")
    assert json.loads(text) and text.endswith("\n")
    if "kpis" in argv:
        assert "Koszt tysiąca wyświetleń (CPM)" in text   # ą and ś: not in cp1252


# -- quiet -----------------------------------------------------------------------------------------

@pytest.fixture
def report_book(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(cli, "today", lambda: __import__("datetime").date(2026, 11, 15))   # reports 2026-10
    path = tmp_path / "clients.xlsx"
    write_workbook(path, make_workbook("pl_PL"))
    return path


@pytest.mark.parametrize("argv", [
    ["new", "{tmp}/fresh.xlsx", "--quiet"],
    ["demo", "--out", "{tmp}/demo", "--no-reports", "--today", "2026-11-22", "-q"],
    ["report", "{book}", "--out", "{tmp}/pdf", "--workers", "1", "--quiet"],
    ["addin", "build", "--out", "{tmp}/addin", "--quiet"],
])
def test_quiet_prints_nothing_when_all_goes_well(tmp_path, report_book, capsys, argv):
    argv = [a.format(tmp=tmp_path, book=report_book) for a in argv]
    assert cli.main(argv) == 0
    assert capsys.readouterr() == ("", "")
    written = {"new": ["fresh.xlsx"], "demo": ["demo/demo.xlsx"], "report": ["pdf/Acme-Gardens_2026-10_pl_PL.pdf"],
               "addin": ["addin/kpi_xl.xlam", "addin/kpi_xl.excel.import_button.xlam"]}[argv[0]]
    assert all((tmp_path / name).stat().st_size > 1000 for name in written)


def test_quiet_report_says_each_failure_on_stderr_with_the_same_exit_status(tmp_path, report_book, capsys):
    pdf = tmp_path / "pdf" / "Acme-Gardens_2026-10_pl_PL.pdf"
    pdf.mkdir(parents=True)   # as a PDF open in a viewer on Windows: it cannot be replaced
    assert cli.main(["report", str(report_book), "--out", str(tmp_path / "pdf"), "--workers", "1", "-q"]) == 1
    assert capsys.readouterr() == ("", f"kpi-xl: failed Acme Gardens: cannot write {pdf}: Is a directory\n")


@pytest.mark.parametrize("quiet", [["--quiet"], []])
def test_import_warnings_go_to_stderr_in_one_form_quiet_or_not(tmp_path, capsys, quiet):
    # As report's and send's warnings: "kpi-xl: warning: ..." on stderr; --quiet only empties stdout.
    book = tmp_path / "import.xlsx"
    write_workbook(book, WorkbookData({"Acme": Client("Acme", (), "en_US", "USD")}, [], Actuals.from_rows([]),
                                      Settings(agency_name="Northwind Digital")))
    before = book.read_bytes()
    assert cli.main(["import", str(book), str(IMPORTS / "google_ads_en.csv"), "--client", "Acme", *quiet]) == 0
    out, err = capsys.readouterr()
    assert (out == "") == bool(quiet) and book.read_bytes() != before
    assert not [line for line in out.splitlines() if "warning: " in line]   # only on stderr
    assert ('kpi-xl: warning: google_ads_en.csv:3: columns left out, no measure of ours: "Conv. rate". '
            'To import one: --map "HEADER=MEASURE"\n') in err
    assert all(line.startswith("kpi-xl: warning: ") for line in err.splitlines())


def test_quiet_send_lists_only_what_a_person_must_look_at(tmp_path):
    clients = make_clients([("Acme", ["ana@acme.example"], "en_US"), ("Broken Co", ["it@broken.example"], "en_US")])
    status, _, err = send(clients, tmp_path / "clients.xlsx", "--dry-run", "--workers", "0", "--quiet",
                          render=render_broken)
    assert status == 1   # as without --quiet
    # No progress lines ("[1/2] Acme: ..."): only the failure.
    assert err == ("kpi-xl: failed: Broken Co <it@broken.example>: report not rendered: "
                   "RuntimeError: no actuals for Broken Co in 2026-10\n")


# -- report: progress and summary -----------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_report_draws_a_bar_on_a_terminal_and_ends_with_the_summary_table(report_book, tmp_path):
    parser = argparse.ArgumentParser()
    add_report_arguments(parser)
    out, err = io.StringIO(), _Terminal()
    args = parser.parse_args([str(report_book), "--out", str(tmp_path / "pdf"), "--workers", "1"])
    assert run_report(args, out, __import__("datetime").date(2026, 11, 15), err) == 0
    # Drawn empty, then full with the client's name padded to 40, then a line break.
    assert err.getvalue() == ("\r[" + "-" * 30 + "] 0/1 " + " " * 40
                              + "\r[" + "#" * 30 + "] 1/1 Acme Gardens" + " " * 28 + "\n")
    pdf = tmp_path / "pdf" / "Acme-Gardens_2026-10_pl_PL.pdf"
    assert out.getvalue().splitlines() == ["Client        Result   File or reason",
                                           f"------------  -------  {'-' * len(str(pdf))}",
                                           f"Acme Gardens  written  {pdf}",
                                           "",
                                           "2026-10: written 1, skipped 0, failed 0"]


def test_report_summary_names_the_reason_of_a_failed_client(report_book, tmp_path, capsys):
    pdf = tmp_path / "pdf" / "Acme-Gardens_2026-10_pl_PL.pdf"
    pdf.mkdir(parents=True)
    status, text = run("report", str(report_book), "--out", str(tmp_path / "pdf"), "--workers", "1")
    assert status == 1
    reason = f"cannot write {pdf}: Is a directory"
    assert text == (f"failed Acme Gardens:\n  {reason}\n"
                    "Client        Result  File or reason\n"
                    f"------------  ------  {'-' * len(reason)}\n"
                    f"Acme Gardens  failed  {reason}\n"
                    "\n"
                    "2026-10: written 0, skipped 0, failed 1\n")
    assert capsys.readouterr().err == "[1/1] Acme Gardens: failed\n"   # not a terminal: one line per client


_A7 = problem("Actuals", 7, 1, ERROR, "date must be a date")
_B9 = problem("Goals", 9, 2, ERROR, "KPI is required")


@pytest.mark.parametrize(("outcome", "row"), [
    (ClientOutcome("Acme", "written", (), Path("/r/Acme_2026-10_en_US.pdf")),
     ["Acme", "written", str(Path("/r/Acme_2026-10_en_US.pdf"))]),
    (ClientOutcome("Bolt", "failed", (_A7,), Path("/r/Bolt.pdf")),
     ["Bolt", "failed", "Actuals!A7: date must be a date"]),
    (ClientOutcome("Coda", "failed", (_A7, _B9)),
     ["Coda", "failed", "Actuals!A7: date must be a date (+1 more, above)"]),
    (ClientOutcome("Dune", "skipped", (problem("", 0, 0, ERROR, "no Actuals rows"),)),
     ["Dune", "skipped", "no Actuals rows"]),
])
def test_a_summary_row_gives_the_file_or_the_first_reason(outcome, row):
    assert _summary_row(outcome) == row


# -- a closed pipe ---------------------------------------------------------------------------------

class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("argv", [["kpis"], ["kpis", "--json"], [], ["check", str(DEMO)]])
def test_a_closed_pipe_ends_quietly_with_141(argv, capsys):
    assert cli.main(argv, out=_ClosedPipe()) == cli.BROKEN_PIPE == 141
    assert capsys.readouterr() == ("", "")


def test_kpis_into_a_pipe_closed_before_it_writes_ends_quietly():
    read, write = os.pipe()
    os.close(read)   # the reader is gone before a byte is written: every write fails
    try:
        child = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "kpis"], stdout=write, stderr=subprocess.PIPE,
                               timeout=60)
    finally:
        os.close(write)
    assert (child.returncode, child.stderr) == (141, b"")   # no traceback, no "Exception ignored"


def test_kpis_into_a_pipe_whose_reader_leaves_midway_ends_quietly_with_141():
    # `kpi-xl kpis --json | head -1` for real, without the race: the pipe holds 4096 bytes, the JSON of
    # 31 KPIs is over 9000, and the reader takes 2 bytes and goes. kpi-xl is then still writing, so a
    # write fails with EPIPE whatever the timing. Its own exit status is checked, not head's.
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        pytest.skip("the pipe's size can be set on Linux only")
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    try:
        # Without PYTHONUNBUFFERED: unbuffered, CPython's stdout drops the rest of a short write silently.
        env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
        child = subprocess.Popen([sys.executable, "-m", "kpi_xl.cli", "kpis", "--json"], stdout=write,
                                 stderr=subprocess.PIPE, env=env)
    finally:
        os.close(write)
    try:
        first = os.read(read, 2)
    finally:
        os.close(read)   # the reader is gone after 2 bytes: kpi-xl's next write fails
    _, error = child.communicate(timeout=60)
    assert first == b"[\n"
    assert (child.returncode, error) == (141, b"")   # quiet: no traceback, no "Exception ignored"


def test_the_kpis_json_is_more_than_the_pipe_of_the_test_above_holds():
    assert len(run("kpis", "--json")[1].encode()) > 4096 + 2


# -- addin status and remove -----------------------------------------------------------------------

@pytest.fixture
def windows(tmp_path, monkeypatch) -> Path:
    """A Windows user's Excel start-up folder (XLSTART under %APPDATA%), empty."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    folder = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    folder.mkdir(parents=True)
    return folder


def test_addin_status_before_and_after_install(windows):
    main, second = windows / "kpi_xl.xlam", windows / "kpi_xl.excel.import_button.xlam"
    assert run("addin", "status") == (0, f"kpi_xl.xlam: not installed (`kpi-xl addin install` puts it at {main})\n"
                                         "kpi_xl.excel.import_button.xlam: not installed "
                                         f"(`kpi-xl addin install` puts it at {second})\n")
    assert run("addin", "install")[0] == 0
    assert run("addin", "status") == (0, f"kpi_xl.xlam: installed at {main}\n"
                                         f"kpi_xl.excel.import_button.xlam: installed at {second}\n")


def test_addin_status_reports_the_old_import_addin_as_outdated_with_the_fix(windows):
    (windows / "kpi_xl.excel_import.xlam").write_bytes(b"old build")
    status, text = run("addin", "status")
    assert status == 0
    assert text.splitlines()[-1] == (
        "kpi_xl.excel_import.xlam: outdated (the Import data add-in's former name; its button fails), "
        f"at {windows / 'kpi_xl.excel_import.xlam'}: run `kpi-xl addin install` to replace it, "
        "or `kpi-xl addin remove`")


def test_addin_install_deletes_the_old_import_addin(windows):
    (windows / "kpi_xl.excel_import.xlam").write_bytes(b"old build")
    status, text = run("addin", "install")
    assert status == 0
    assert f"removed {windows / 'kpi_xl.excel_import.xlam'} (outdated" in text
    assert sorted(p.name for p in windows.iterdir()) == ["kpi_xl.excel.import_button.xlam", "kpi_xl.xlam"]


def test_addin_remove_deletes_every_file_of_ours_and_nothing_else(windows):
    for name in ("kpi_xl.xlam", "kpi_xl.excel.import_button.xlam", "kpi_xl.excel_import.xlam", "Personal.xlsb"):
        (windows / name).write_bytes(b"x")
    status, text = run("addin", "remove")
    assert status == 0
    assert text == (f"removed {windows / 'kpi_xl.xlam'}\nremoved {windows / 'kpi_xl.excel.import_button.xlam'}\n"
                    f"removed {windows / 'kpi_xl.excel_import.xlam'}\nrestart Excel to unload the KPI tab\n")
    assert [p.name for p in windows.iterdir()] == ["Personal.xlsb"]   # the user's own file stays
    # Nothing left to remove: said, not an error.
    assert run("addin", "remove") == (0, f"nothing to remove: no kpi_xl add-in in {windows}\n")


@pytest.mark.parametrize(("platform", "env", "folder"), [
    ("win32", {"APPDATA": "{home}/AppData/Roaming"}, "AppData/Roaming/Microsoft/Excel/XLSTART"),
    ("darwin", {}, "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"),
])
def test_status_and_remove_functions_take_platform_home_and_env(tmp_path, platform, env, folder):
    env = {key: value.format(home=tmp_path) for key, value in env.items()}
    start = tmp_path / folder
    assert [(f.name, f.path, f.installed, f.outdated) for f in addin.addin_status(platform, tmp_path, env)] == [
        ("kpi_xl.xlam", start / "kpi_xl.xlam", False, False),
        ("kpi_xl.excel.import_button.xlam", start / "kpi_xl.excel.import_button.xlam", False, False)]
    assert addin.remove_addins(platform, tmp_path, env) == []   # no folder at all: nothing to remove
    start.mkdir(parents=True)
    (start / "kpi_xl.excel_import.xlam").write_bytes(b"old")
    assert addin.addin_status(platform, tmp_path, env)[-1] == addin.AddinFile(
        "kpi_xl.excel_import.xlam", start / "kpi_xl.excel_import.xlam", True, outdated=True)
    assert addin.remove_outdated_addins(platform, tmp_path, env) == [start / "kpi_xl.excel_import.xlam"]
    assert list(start.iterdir()) == []


@pytest.mark.parametrize(("action", "first_words"), [("status", "not installed"), ("remove", "nothing to remove")])
def test_addin_status_and_remove_on_linux_say_excel_is_not_here(monkeypatch, capsys, action, first_words):
    # Not install's error: a report (status) and a removal with nothing to remove are not failures.
    monkeypatch.setattr(sys, "platform", "linux")
    assert run("addin", action) == (0, f"{first_words}: Excel does not run on linux, so no kpi_xl add-in is "
                                       "installed here (`kpi-xl addin build` writes the files to add to Excel on "
                                       "Windows or macOS)\n")
    assert capsys.readouterr().err == ""


def test_addin_install_on_linux_still_refuses_with_the_way_to_do_it(monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "linux")
    assert run("addin", "install") == (1, "")
    assert capsys.readouterr().err.startswith("kpi-xl: cannot install the Excel add-in on linux: Excel runs only "
                                              "on Windows and macOS. Run `kpi-xl addin install` on the Windows")


def test_addin_remove_names_what_it_removed_and_what_excel_holds(windows, monkeypatch, capsys):
    held = windows / "kpi_xl.excel.import_button.xlam"
    for name in ("kpi_xl.xlam", "kpi_xl.excel.import_button.xlam", "kpi_xl.excel_import.xlam"):
        (windows / name).write_bytes(b"x")
    unlink = Path.unlink

    def locked(path: Path, missing_ok: bool = False) -> None:
        if path == held:   # the second of three: the first and the third are still deleted
            raise PermissionError(13, "Permission denied", str(path))
        unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", locked)
    assert run("addin", "remove") == (1, f"removed {windows / 'kpi_xl.xlam'}\n"
                                         f"removed {windows / 'kpi_xl.excel_import.xlam'}\n")
    assert capsys.readouterr().err == f"kpi-xl: {held}: permission denied: quit Excel and try again\n"
    assert [p.name for p in windows.iterdir()] == [held.name]


def test_addin_install_says_the_first_is_installed_when_the_second_fails(windows, monkeypatch, capsys):
    real = addin.install_addin

    def second_held(*args, name: str = addin.ADDIN_NAME, **kwargs) -> Path:
        if name == addin.IMPORT_ADDIN_NAME:
            raise addin.AddinError(windows / name, "permission denied: quit Excel and try again")
        return real(*args, name=name, **kwargs)

    monkeypatch.setattr(addin, "install_addin", second_held)
    assert run("addin", "install") == (1, "")
    assert capsys.readouterr().err == (
        f"kpi-xl: installed {windows / 'kpi_xl.xlam'}, but not kpi_xl.excel.import_button.xlam: "
        f"{windows / 'kpi_xl.excel.import_button.xlam'}: permission denied: quit Excel and try again\n")
    assert [p.name for p in windows.iterdir()] == ["kpi_xl.xlam"]


def test_addin_remove_while_excel_holds_the_file_says_to_quit_excel(windows, monkeypatch, capsys):
    held = windows / "kpi_xl.xlam"
    held.write_bytes(b"x")
    unlink = Path.unlink

    def locked(path: Path, missing_ok: bool = False) -> None:
        if path == held:   # as Windows refuses to delete a file Excel has open
            raise PermissionError(13, "Permission denied", str(path))
        unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", locked)
    assert run("addin", "remove") == (1, "")
    assert capsys.readouterr().err == f"kpi-xl: {held}: permission denied: quit Excel and try again\n"
    assert held.exists()
