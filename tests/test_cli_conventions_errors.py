"""The same mistake gets the same words and exit status in every command (issue 12), through main(argv).

An unknown client lists the clients and suggests the nearest (case and accents ignored); an unknown
locale lists the supported ones; a missing file is named as it was given; a spreadsheet that is not
an .xlsx gets the hint to save it as one; ``send`` names every missing SMTP setting at once and its
dry run needs none of them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi_xl import cli

DEMO = Path(__file__).resolve().parent.parent / "workbooks" / "demo.xlsx"
CLIENTS = "Aurora Moda, Café Serra Azul, Zielony Ogród, Sen Vàng Spa"   # the demo's, in workbook order
EXPORT = Path(__file__).resolve().parent / "fixtures" / "imports" / "google_ads_eur.csv"   # in Aurora Moda's EUR


@pytest.fixture(autouse=True)
def _setting(tmp_path, monkeypatch):
    """Every command runs in an empty folder (paths are given relative to it), on a fixed day, with no
    SMTP config file and no keyring."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "today", lambda: dt.date(2026, 11, 22))
    monkeypatch.setenv("KPI_XL_CONFIG", "")
    monkeypatch.delenv("KPI_XL_SMTP_PASSWORD", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)


@pytest.fixture
def demo(tmp_path) -> Path:
    return Path(shutil.copy(DEMO, tmp_path / "demo.xlsx"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- an unknown client ----------------------------------------------------------------------------------

CLIENT_COMMANDS = {   # how each command takes one client's name
    "goals": lambda name: ["goals", "demo.xlsx", "--client", name],
    "report": lambda name: ["report", "demo.xlsx", "--client", name, "--out", "pdfs"],
    "send": lambda name: ["send", "demo.xlsx", "--client", name, "--dry-run", "--out", "drafts", "--workers", "0"],
    "send --only": lambda name: ["send", "demo.xlsx", "--only", name, "--dry-run", "--out", "drafts", "--workers",
                                 "0"],   # the former name of send --client, kept for existing scripts
    "import": lambda name: ["import", "demo.xlsx", str(EXPORT), "--client", name, "--dry-run"],
}


@pytest.mark.parametrize("command", CLIENT_COMMANDS)
@pytest.mark.parametrize(("name", "suggestion"), [
    ("sen vang spa", "Sen Vàng Spa"),        # accents differ: suggested, never taken silently
    ("ZIELONY OGROD", "Zielony Ogród"),      # case and accents
    ("Aurora Mode", "Aurora Moda"),          # a typo
    ("Cafe Sierra Azul", "Café Serra Azul"),
    ("Nobody", None),                        # nothing near: the list alone
])
def test_an_unknown_client_lists_the_clients_and_suggests_the_nearest(capsys, demo, command, name, suggestion):
    before = demo.read_bytes()
    status, out, err = run(capsys, *CLIENT_COMMANDS[command](name))
    hint = f'; did you mean "{suggestion}"?' if suggestion else ""
    assert (status, out) == (1, "")
    assert err == f'kpi-xl: no client named "{name}" in the workbook (clients: {CLIENTS}){hint}\n'
    assert demo.read_bytes() == before and not Path("pdfs").exists() and not Path("drafts").exists()


@pytest.mark.parametrize("command", ["goals", "import"])
def test_a_client_named_in_another_case_is_that_client(capsys, demo, command):
    # As import, report and send always did (and goals now does too): case and spaces are not a mistake.
    status, out, err = run(capsys, *CLIENT_COMMANDS[command](" AURORA moda "))
    assert status == 0   # the export's own warnings on stderr (import's, as report's), nothing else
    assert [line for line in err.splitlines() if not line.startswith("kpi-xl: warning: ")] == []
    if command == "goals":
        assert {line.split("  ")[0] for line in out.splitlines()[3:]} == {"Aurora Moda"}
    else:
        assert out.splitlines()[-1] == "dry run: demo.xlsx not changed"


def test_report_takes_client_more_than_once(capsys, demo):
    status, out, err = run(capsys, "report", "demo.xlsx", "--client", "Sen Vàng Spa", "--client", "aurora moda",
                           "--out", "pdfs")
    assert status == 0, err
    assert sorted(p.name for p in Path("pdfs").iterdir()) == ["Aurora-Moda_2026-10_es_ES.pdf",
                                                              "Sen-Vàng-Spa_2026-10_vi_VN.pdf"]
    assert out.splitlines()[-1] == "2026-10: written 2, skipped 0, failed 0"


def test_goals_takes_client_more_than_once(capsys, demo):
    status, out, _ = run(capsys, "goals", "demo.xlsx", "--client", "Sen Vàng Spa", "--client", "Aurora Moda",
                         "--as-of", "2026-11-21")
    assert status == 0
    assert {line.split("  ")[0] for line in out.splitlines()[3:]} == {"Aurora Moda", "Sen Vàng Spa"}


# --- an unknown locale ----------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["kpis", "--locale", "de_DE"],
    ["new", "new.xlsx", "--locale", "de_DE"],
    ["report", "demo.xlsx", "--locale", "de_DE", "--out", "pdfs"],
    ["addin", "build", "--locale", "de_DE", "--out", "addin"],
])
def test_an_unknown_locale_lists_the_supported_ones(capsys, demo, argv):
    # A bad option value is a usage error (exit status 2, as argparse gives a bad --period), naming the option.
    status, out, err = usage_error(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.splitlines()[0].startswith(f"usage: kpi-xl {argv[0]} ")
    assert err.splitlines()[-1] == (f"kpi-xl {argv[0]}: error: argument --locale: unknown or unsupported locale "
                                    "'de_DE' (supported: en_US, es_ES, es_MX, pt_BR, pl_PL, vi_VN)")
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["demo.xlsx"]   # nothing written


@pytest.mark.parametrize(("argv", "message"), [
    (["send", "demo.xlsx", "--smtp-port", "99999"],
     "argument --smtp-port: must be a port number from 1 to 65535, got '99999'"),
    (["send", "demo.xlsx", "--smtp-port", "0"], "argument --smtp-port: must be a port number from 1 to 65535, got '0'"),
    (["send", "demo.xlsx", "--smtp-port", "smtp"],
     "argument --smtp-port: must be a port number from 1 to 65535, got 'smtp'"),
    (["send", "demo.xlsx", "--workers", "-1"], "argument --workers: must be a whole number of at least 0, got '-1'"),
    (["report", "demo.xlsx", "--workers", "-1"], "argument --workers: must be a whole number of at least 1, got '-1'"),
    (["report", "demo.xlsx", "--workers", "0"], "argument --workers: must be a whole number of at least 1, got '0'"),
    (["report", "demo.xlsx", "--workers", "two"],
     "argument --workers: must be a whole number of at least 1, got 'two'"),
    (["report", "demo.xlsx", "--period", "2026-13"], "argument --period: period must be YYYY-MM, got '2026-13'"),
    (["send", "demo.xlsx", "--smtp-security", "tls"],
     "argument --smtp-security: invalid choice: 'tls' (choose from 'starttls', 'ssl', 'none')"),
])
def test_a_bad_option_value_is_a_usage_error_naming_the_option(capsys, demo, argv, message):
    status, out, err = usage_error(capsys, *argv)
    assert (status, out, err.splitlines()[-1]) == (2, "", f"kpi-xl {argv[0]}: error: {message}")
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["demo.xlsx"]   # nothing read, nothing written


def test_send_workers_0_is_allowed_it_renders_in_this_process(capsys, demo):
    status, out, err = run(capsys, "send", "demo.xlsx", "--dry-run", "--client", "Aurora Moda", "--out", "drafts",
                           "--workers", "0")
    assert (status, out.splitlines()[-1]) == (0, "2026-10: written 1 (dry run: nothing sent)"), err


def usage_error(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


# --- a missing file -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "shown"), [
    (["goals", "q3/clients.xlsx"], "q3/clients.xlsx"),
    (["report", "q3/clients.xlsx"], "q3/clients.xlsx"),
    (["send", "q3/clients.xlsx"], "q3/clients.xlsx"),
    (["send", "q3/clients.xlsx", "--dry-run"], "q3/clients.xlsx"),
    (["history", "q3/clients.xlsx"], "q3/clients.xlsx"),
    (["import", "q3/clients.xlsx", str(EXPORT), "--client", "Acme"], "q3/clients.xlsx"),
    (["addin", "install", "--file", "q3/kpi_xl.xlam"], "q3/kpi_xl.xlam"),   # before "not on this platform"
    (["goals", "q3/clients.xls"], "q3/clients.xls"),   # missing first, whatever its kind
    # "./" kept as typed, in every command that takes a WORKBOOK (a Path alone would drop it)
    *(([command, "./nope.xlsx", *rest], "./nope.xlsx")
      for command, *rest in (["goals"], ["report"], ["send"], ["send", "--dry-run"], ["history"],
                             ["import", str(EXPORT), "--client", "A"])),
    (["addin", "install", "--file", "./kpi_xl.xlam"], "./kpi_xl.xlam"),
])
def test_a_missing_file_is_named_as_given(capsys, argv, shown):
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (1, "", f"kpi-xl: {shown}: file not found\n")


@pytest.mark.parametrize("path", ["q3/clients.xlsx", "q3/clients.xls", "./nope.xlsx"])
def test_check_lists_a_missing_file_as_its_one_error_in_the_same_words(capsys, path):
    # check lists findings like a linter (on stdout, then a count); the finding is the others' message.
    status, out, err = run(capsys, "check", path)
    assert (status, out, err) == (1, f"error: {path}: file not found\n{path}: 1 error, 0 warnings\n", "")


def test_a_missing_export_is_named_as_given_and_the_others_go_in(capsys, demo):
    status, out, err = run(capsys, "import", "demo.xlsx", "./exports/july.csv", str(EXPORT), "--client",
                           "Aurora Moda", "--dry-run")
    assert status == 1
    # The refusal; the other export's own warning (a row typed by hand) is on stderr too, as report's are.
    assert err.splitlines()[-1] == "kpi-xl: refused: ./exports/july.csv: file not found"
    assert [line for line in err.splitlines()[:-1] if not line.startswith("kpi-xl: warning: ")] == []
    assert "google_ads_eur.csv" in out   # the file that exists is read and planned


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".csv"])
@pytest.mark.parametrize("command", [
    ["check"], ["goals"], ["report"], ["send"], ["send", "--dry-run"], ["import", str(EXPORT), "--client", "Acme"],
])
def test_a_spreadsheet_that_is_not_xlsx_gets_the_hint_to_save_it_as_xlsx(capsys, command, suffix):
    Path(f"clients{suffix}").write_bytes(b"Client,Email\nAcme,ana@acme.example\n")
    status, out, err = run(capsys, command[0], f"clients{suffix}", *command[1:])
    message = (f"cannot read clients{suffix}: kpi-xl reads .xlsx workbooks, not {suffix} files: open it in your "
               "spreadsheet program and save it as .xlsx (Excel Workbook)")
    if command == ["check"]:
        assert (status, out, err) == (1, f"error: {message}\nclients{suffix}: 1 error, 0 warnings\n", "")
    else:
        assert (status, out, err) == (1, "", f"kpi-xl: {message}\n")


@pytest.mark.parametrize(("path", "advice"), [
    ("clients.xls", "clients.xlsx"), ("clients.xlsm", "clients.xlsx"), ("clients.ods", "clients.xlsx"),
    ("clients", "clients.xlsx"), ("q3/clients.csv", "q3/clients.xlsx"),
])
def test_new_writes_only_an_xlsx(capsys, tmp_path, path, advice):
    status, out, err = run(capsys, "new", path)
    assert (status, out) == (1, "")
    assert err == f"kpi-xl: {path}: a new workbook is an .xlsx file: name it {advice}\n"
    assert list(tmp_path.iterdir()) == []


# --- send: every missing SMTP setting at once; a dry run needs none -------------------------------------

def _without_smtp_settings(path: Path) -> Path:
    """The demo with no sender address, no SMTP server and no SMTP user in its Settings."""
    book = load_workbook(path)
    for key, value in book["Settings"].iter_rows(min_col=1, max_col=2):
        if key.value in ("from_address", "smtp_host", "smtp_user"):
            value.value = None
    book.save(path)
    return path


NO_SENDER = ("no sender address: give --from, from_address in the workbook's Settings or from in "
             f"{Path.home() / '.config' / 'kpi_xl' / 'smtp.toml'}")   # the path, as the missing server's line


def _no_server() -> str:
    return ("no SMTP server: give --smtp-host, smtp_host in the workbook's Settings or host in "
            f"{Path.home() / '.config' / 'kpi_xl' / 'smtp.toml'}")


def test_send_names_every_missing_setting_at_once(capsys, demo, monkeypatch):
    _without_smtp_settings(demo)
    status, out, err = run(capsys, "send", "demo.xlsx")
    assert (status, out) == (1, "")
    assert err == f"kpi-xl: 2 SMTP settings to fix:\n{NO_SENDER}\n{_no_server()}\n"
    # A bad timeout in the config file is one of them (a bad --smtp-port is a usage error before anything
    # is read); each missing setting then names that file, as KPI_XL_CONFIG gives it.
    Path("smtp.toml").write_text("timeout = 0\n", encoding="utf-8")
    monkeypatch.setenv("KPI_XL_CONFIG", "smtp.toml")
    status, out, err = run(capsys, "send", "demo.xlsx", "--smtp-user", "ana")
    assert (status, out) == (1, "")
    assert err == ("kpi-xl: 4 SMTP settings to fix:\n"
                   "smtp.toml: timeout must be a number of seconds above 0 and at most 3600, got 0\n"
                   "no sender address: give --from, from_address in the workbook's Settings or from in smtp.toml\n"
                   "no SMTP server: give --smtp-host, smtp_host in the workbook's Settings or host in smtp.toml\n"
                   "no password for ana: set KPI_XL_SMTP_PASSWORD or store it with "
                   "`keyring set kpi_xl:SMTP-HOST ana`\n")


def test_a_dry_run_needs_no_sender_and_says_what_sending_would(capsys, demo):
    _without_smtp_settings(demo)
    status, out, err = run(capsys, "send", "demo.xlsx", "--dry-run", "--only", "Aurora Moda", "--out", "drafts",
                           "--workers", "0")
    assert status == 0, err
    draft = Path("drafts", "Aurora-Moda_2026-10.eml").read_text(encoding="utf-8")
    # The agency's name over an address that cannot exist (RFC 2606's .invalid), never a real one.
    assert 'From: "Lumen Digital (demo)" <sender-not-set@example.invalid>' in draft.splitlines()
    assert out.endswith("2026-10: written 1 (dry run: nothing sent)\n"
                        f"Before sending for real: 2 SMTP settings to fix:\n{NO_SENDER}\n{_no_server()}\n")


def test_a_dry_run_with_every_setting_says_nothing_more(capsys, demo):
    status, out, err = run(capsys, "send", "demo.xlsx", "--dry-run", "--only", "Aurora Moda", "--out", "drafts",
                           "--workers", "0")
    assert (status, out.splitlines()[-1]) == (0, "2026-10: written 1 (dry run: nothing sent)"), err
    draft = Path("drafts", "Aurora-Moda_2026-10.eml").read_text(encoding="utf-8")
    assert 'From: "Lumen Digital (demo)" <reports@example.net>' in draft.splitlines()


def test_send_takes_client_more_than_once_and_only_is_the_same_option(capsys, demo):
    status, out, err = run(capsys, "send", "demo.xlsx", "--dry-run", "--client", "sen vàng spa", "--only",
                           "Aurora Moda", "--out", "drafts", "--workers", "0")
    assert status == 0, err
    drafts = sorted(p.name.split("_")[0] for p in Path("drafts").iterdir())
    assert drafts == ["Aurora-Moda", "Sen-Vang-Spa"]   # .eml names in ASCII
    table = out.splitlines()
    assert table[0].split() == ["Client", "Recipient", "Result", "Detail"]   # capitalised, as goals' and kpis'
    assert "2026-10: written 2 (dry run: nothing sent)" in table


# --- one option, one spelling ---------------------------------------------------------------------------

def _options() -> dict[str, dict[str, object]]:
    """Command -> option -> its action, for every command's parser."""
    import argparse

    from kpi_xl.cli.parser import build_parser

    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return {name: {option: action for action in sub._actions for option in action.option_strings}
            for name, sub in commands.choices.items()}


@pytest.mark.parametrize(("option", "commands", "metavar"), [
    ("--out", ["report", "send", "demo", "addin"], "FOLDER"),
    ("--workers", ["report", "send"], "N"),
    ("--client", ["report", "goals", "send", "import"], "NAME"),
    ("--locale", ["kpis", "new", "report", "addin"], "LOCALE"),
    ("--period", ["report", "send", "history"], "YYYY-MM"),
    ("--render-timeout", ["report", "send"], "SECONDS"),
    ("--ledger", ["send", "history"], "PATH"),
])
def test_the_same_option_has_the_same_metavar_in_every_command(option, commands, metavar):
    options = _options()
    assert {command: options[command][option].metavar for command in commands} == dict.fromkeys(commands, metavar)


def test_render_timeout_has_the_same_help_in_report_and_send():
    options = _options()
    assert options["report"]["--render-timeout"].help == options["send"]["--render-timeout"].help == (
        "give up a report that takes longer to render, record it as failed and go on with the others (default: 120)")


def test_history_table_headers_are_capitalised(capsys, demo, tmp_path):
    from kpi_xl.delivery.ledger import Ledger

    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.claim("Aurora Moda", "2026-10", ["ana@aurora.example"], resend=False)
        ledger.mark_sent("Aurora Moda", "2026-10", ["ana@aurora.example"], "<1@x>")
    status, out, _ = run(capsys, "history", "demo.xlsx", "--ledger", str(tmp_path / "ledger.sqlite"))
    assert status == 0
    assert out.splitlines()[0].split() == ["Client", "Period", "Recipient", "State", "Time", "Copy", "Attempts",
                                           "Reason"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda path: path.write_bytes(b"PK\x03\x04garbage"),
     "cannot read ./bad.xlsx: it is damaged or incomplete: copy or download it again"),
    (lambda path: path.mkdir(), "cannot read ./bad.xlsx: it is a folder, not a workbook"),
])
@pytest.mark.parametrize("command", [["goals"], ["report"], ["send", "--dry-run"], ["history"]])
def test_check_finds_an_unreadable_workbook_in_the_other_commands_words(capsys, make, message, command):
    make(Path("bad.xlsx"))
    assert run(capsys, "check", "./bad.xlsx") == (1, f"error: {message}\n./bad.xlsx: 1 error, 0 warnings\n", "")
    assert run(capsys, command[0], "./bad.xlsx", *command[1:]) == (1, "", f"kpi-xl: {message}\n")
