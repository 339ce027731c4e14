"""The ledger follows the sender, not the workbook's file: Save As, a move or an upgrade sends nothing twice."""

from __future__ import annotations

import pytest
from smtp_server import USER, SmtpServer, ledger_path, make_workbook, render_stand_in, send

from kpi_xl.delivery.ledger import Ledger, default_ledger_path
from kpi_xl.delivery.ledger_home import data_folder, ledger_file_name

CLIENTS = [("Acme", ["ana@acme.example", "bo@acme.example"], "en_US"),
           ("Borsa", ["ola@borsa.example"], "pl_PL")]
EVERYONE = ["ana@acme.example", "bo@acme.example", "ola@borsa.example"]
FAST = ("--workers", "0")


def _send(server, path, *extra, **settings):
    return send(make_workbook(CLIENTS, **settings), path, *FAST, *extra, server=server,
                ssl_context=server.client_context(), render=render_stand_in)


def test_save_as_under_a_new_name_sends_nothing_twice(tmp_path):
    with SmtpServer(tmp_path) as server:
        status, out, _ = _send(server, tmp_path / "clients.xlsx")
        assert status == 0 and server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)
        assert f"Ledger: {ledger_path()}" in out
        moved = tmp_path / "elsewhere" / "clients (final) v2.xlsx"
        moved.parent.mkdir()
        status, out, _ = _send(server, moved)
        assert status == 0, out
        assert server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)   # still one each
        assert "already sent 3" in out
    assert not default_ledger_path(moved).exists() and not default_ledger_path(tmp_path / "clients.xlsx").exists()


def test_another_sender_has_its_own_ledger(tmp_path):
    with SmtpServer(tmp_path) as server:
        _send(server, tmp_path / "clients.xlsx")
        status, out, _ = _send(server, tmp_path / "clients.xlsx", from_address="Other <other@agency.example>")
        assert status == 0 and server.mailbox.counts() == dict.fromkeys(EVERYONE, 2)
    assert f"Ledger: {ledger_path('other@agency.example')}" in out


def test_an_earlier_versions_ledger_beside_the_workbook_is_adopted(tmp_path):
    legacy = default_ledger_path(tmp_path / "clients.xlsx")
    with Ledger(legacy) as old:
        old.claim("Acme", "2026-10", ["ana@acme.example", "bo@acme.example"], resend=False)
        old.mark_sending("Acme", "2026-10", ["ana@acme.example", "bo@acme.example"])
        old.mark_sent("Acme", "2026-10", ["ana@acme.example", "bo@acme.example"], "<old@agency.example>")
    with SmtpServer(tmp_path) as server:
        status, out, _ = _send(server, tmp_path / "clients.xlsx")
        assert status == 0 and server.mailbox.counts() == {"ola@borsa.example": 1}
        assert f"Copied 2 earlier deliveries from {legacy}." in out
        status, out, _ = _send(server, tmp_path / "clients.xlsx")   # adopted once: nothing copied again
        assert "Copied" not in out and server.mailbox.counts() == {"ola@borsa.example": 1}
    with Ledger(ledger_path()) as ledger:
        assert {e.recipient: e.message_id for e in ledger.entries(client="Acme")} == dict.fromkeys(
            ["ana@acme.example", "bo@acme.example"], "<old@agency.example>")


def test_ledger_option_overrides_the_data_folder(tmp_path):
    chosen = tmp_path / "mine.sqlite"
    with SmtpServer(tmp_path) as server:
        status, out, _ = _send(server, tmp_path / "clients.xlsx", "--ledger", str(chosen))
    assert status == 0 and chosen.is_file() and not ledger_path().exists()
    assert f"Ledger: {chosen}" in out


@pytest.mark.parametrize(("environ", "platform", "expected"), [
    ({"KPI_XL_DATA_DIR": "/d", "HOME": "/h"}, "linux", "/d"),
    ({"HOME": "/h"}, "linux", "/h/.local/share/kpi_xl"),
    ({"HOME": "/h", "XDG_DATA_HOME": "/x"}, "linux", "/x/kpi_xl"),
    ({"HOME": "/h"}, "darwin", "/h/Library/Application Support/kpi_xl"),
    ({"HOME": "/h", "LOCALAPPDATA": "/l"}, "win32", "/l/kpi_xl"),
])
def test_the_data_folder_is_the_platforms(environ, platform, expected):
    assert data_folder(environ, platform).as_posix() == expected


def test_two_mailboxes_never_share_a_file():
    names = {ledger_file_name(m) for m in ["a/b@x.example", "a_b@x.example", "A_B@X.example", "a:b@x.example"]}
    assert len(names) == 3   # the same mailbox in another case is the same ledger
    assert ledger_file_name(USER) == "deliveries-reports@agency.example.sqlite"


def test_what_was_sent_is_in_the_ledger_file_itself_not_only_its_wal(tmp_path):
    # The run still holds the ledger open (it is about to crash): a copy of the main file alone, as
    # if its -wal were deleted afterwards, must already know the report was sent.
    running = Ledger(tmp_path / "ledger.sqlite")
    running.claim("Acme", "2026-10", ["ana@acme.example"], resend=False)
    running.mark_sending("Acme", "2026-10", ["ana@acme.example"])
    running.mark_sent("Acme", "2026-10", ["ana@acme.example"], "<1@agency.example>")
    alone = tmp_path / "copy" / "ledger.sqlite"
    alone.parent.mkdir()
    alone.write_bytes((tmp_path / "ledger.sqlite").read_bytes())
    with Ledger(alone) as ledger:
        assert [(e.recipient, e.state) for e in ledger.entries()] == [("ana@acme.example", "sent")]
    running.close()
