"""``kpi-xl send`` against a real SMTP server on loopback (STARTTLS, AUTH): what arrives, and how often."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
from email import policy
from email.parser import BytesParser

import pypdf
import pytest
from smtp_server import (
    PASSWORD,
    TODAY,
    USER,
    Mailbox,
    SmtpServer,
    ledger_path,
    make_workbook,
    render_broken,
    render_stand_in,
    send,
)

from kpi_xl import cli
from kpi_xl.cli.send import add_history_arguments, run_history, run_send
from kpi_xl.delivery.ledger import Ledger
from kpi_xl.delivery.rendering import render_report
from kpi_xl.delivery.smtp import RetryPolicy

CLIENTS = [
    ("Acme", ["ana@acme.example", "bo@acme.example"], "en_US"),
    ("Librería Sol", ["compras@sol.example"], "es_ES"),
    ("Tacos del Norte", ["hola@tacos.example"], "es_MX"),
    ("Café Paulista", ["contato@paulista.example"], "pt_BR"),
    ("Łódź Sp. z o.o.", ["biuro@lodz.example"], "pl_PL"),
    ("Cà phê Đà Lạt", ["lienhe@dalat.example"], "vi_VN"),
]
SUBJECTS = {  # the client's name in the subject, between the kind of report and the month
    "en_US": "Monthly KPI report – {} – October 2026",
    "es_ES": "Informe mensual de KPI – {} – octubre de 2026",
    "es_MX": "Informe mensual de KPI – {} – octubre de 2026",
    "pt_BR": "Relatório mensal de KPIs – {} – outubro de 2026",
    "pl_PL": "Miesięczny raport KPI – {} – październik 2026",
    "vi_VN": "Báo cáo KPI hằng tháng – {} – tháng 10 năm 2026",
}
EVERYONE = [address for _, addresses, _ in CLIENTS for address in addresses]
FAST = ("--workers", "0")  # render in this process: these tests are about SMTP, not the pool


@pytest.fixture
def server(tmp_path):
    with SmtpServer(tmp_path) as running:
        yield running


@pytest.fixture
def workbook():
    return make_workbook(CLIENTS)


def _send(server, workbook, tmp_path, *extra, **keywords):
    return send(workbook, tmp_path / "clients.xlsx", *extra, server=server,
                ssl_context=server.client_context() if server else None, **keywords)


def _entries(tmp_path):
    with Ledger(ledger_path()) as ledger:
        return {entry.recipient: entry for entry in ledger.entries()}


def test_every_recipient_gets_exactly_one_email_in_their_language(server, workbook, tmp_path):
    status, out, err = _send(server, workbook, tmp_path)  # the real thing: two render processes
    assert status == 0, out + err
    assert server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)
    assert server.logins == [("PLAIN", True)]  # one session for the whole batch, logged in over TLS
    for name, addresses, locale in CLIENTS:
        [message] = server.mailbox.to(addresses[0])
        assert message["Subject"] == SUBJECTS[locale].format(name)
        assert message["To"] == ", ".join(addresses)
        assert message["From"] == f"Agencia Norte <{USER}>"
        [attachment] = message.iter_attachments()
        pdf = pypdf.PdfReader(io.BytesIO(attachment.get_content()))
        assert name in pdf.pages[0].extract_text()
        assert attachment.get_filename().endswith(f"_2026-10_{locale}.pdf")  # the name kpi-xl report writes
        assert all(entry.state == "sent" and entry.message_id == message["Message-ID"]
                   for recipient, entry in _entries(tmp_path).items() if recipient in addresses)
    assert "sent 7, already sent 0" in out

    status, out, _ = _send(server, workbook, tmp_path, *FAST)  # the same command again: nothing new
    assert status == 0
    assert server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)
    assert "sent 0, already sent 7" in out


@pytest.mark.parametrize("security", ["ssl", "none"])
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd's view of port 465
def test_implicit_tls_and_a_plain_local_relay(tmp_path, security):
    with SmtpServer(tmp_path, security=security) as server:
        status, out, _ = _send(server, make_workbook(CLIENTS[:2]), tmp_path, *FAST)
    assert status == 0, out
    assert server.mailbox.counts() == {"ana@acme.example": 1, "bo@acme.example": 1, "compras@sol.example": 1}
    assert server.logins == ([("PLAIN", True)] if security == "ssl" else [])


@pytest.mark.slow
def test_the_real_report_read_from_the_workbook_file(server, tmp_path):
    from kpi_xl.demo import write_demo

    path = tmp_path / "demo.xlsx"
    write_demo(path, dt.date(2026, 11, 22))
    status, out, _ = send(None, path, "--only", "Café Serra Azul", "--workers", "1", server=server,
                          ssl_context=server.client_context(), render=render_report)
    assert status == 0, out
    [(address, count)] = server.mailbox.counts().items()
    [message] = server.mailbox.to(address)
    assert (count, message["Subject"]) == (1, SUBJECTS["pt_BR"].format("Café Serra Azul"))
    pdf = pypdf.PdfReader(io.BytesIO(next(message.iter_attachments()).get_content()))
    assert "Café Serra Azul" in pdf.pages[0].extract_text()
    # The worker that rendered the PDF also computed the figures the e-mail quotes, in Portuguese.
    from kpi_xl.core.periods import Month
    from kpi_xl.report import email_figures
    from kpi_xl.workbook.read import read_workbook

    figures = email_figures(read_workbook(path), "Café Serra Azul", Month(2026, 10))
    assert list(figures)[:2] == ["Metas", "Receita"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for label, value in figures.items():
        assert f"- {label}: {value}" in text
        assert value in html


def test_a_server_that_hangs_up_every_two_messages_gets_each_once(tmp_path, workbook):
    with SmtpServer(tmp_path, Mailbox(drop_after=2)) as server:
        status, out, _ = _send(server, workbook, tmp_path, *FAST)
    assert status == 0, out
    assert server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)
    assert server.mailbox.connections == 3  # it really reconnected, once per two messages


@pytest.mark.parametrize(
    ("mailbox", "sleeps", "envelopes"),
    [
        # The whole message refused for now at the end of DATA: sent again once the wait is over.
        (lambda: Mailbox(data_replies=["451 4.3.0 try again later"]), [5.0],
         [["ana@acme.example", "bo@acme.example"]]),
        # One recipient refused for now at RCPT, twice: only that one is retried, with longer waits.
        (lambda: Mailbox(rcpt_replies={"bo@acme.example": ["450 4.2.1 mailbox busy"] * 2}), [5.0, 10.0],
         [["ana@acme.example"], ["bo@acme.example"]]),
    ],
    ids=["4xx-at-data", "4xx-for-one-recipient"],
)
def test_temporary_failures_are_retried_with_backoff(tmp_path, mailbox, sleeps, envelopes):
    slept = []
    with SmtpServer(tmp_path, mailbox()) as server:  # a new one each time: the server uses its replies up
        status, out, _ = _send(server, make_workbook(CLIENTS[:1]), tmp_path, *FAST, sleep=slept.append)
    assert status == 0, out
    assert slept == sleeps
    assert [item.recipients for item in server.mailbox.received] == envelopes
    assert server.mailbox.counts() == {"ana@acme.example": 1, "bo@acme.example": 1}
    # Still one logical message: a retry carries the same Message-ID, so a server could drop a duplicate.
    assert len({item.message["Message-ID"] for item in server.mailbox.received}) == 1


def test_a_server_that_stops_answering_is_timed_out_and_tried_again(tmp_path):
    # 3 s per command is plenty for TLS and AUTH on a busy machine; the stalled RCPT stays silent far longer.
    config = tmp_path / "smtp.toml"
    config.write_text("timeout = 3\n", encoding="utf-8")
    mailbox = Mailbox(rcpt_delays={"bo@acme.example": [60.0]})  # silent once: the client gives up after 3 s
    slept = []
    with SmtpServer(tmp_path, mailbox) as server:
        status, out, _ = _send(server, make_workbook(CLIENTS[:1]), tmp_path, *FAST, config=config,
                               sleep=slept.append)
    assert status == 0, out
    assert slept == [5.0]
    assert server.mailbox.counts() == {"ana@acme.example": 1, "bo@acme.example": 1}
    assert server.mailbox.connections == 2


@pytest.mark.parametrize(
    ("retry", "sleeps"),
    [(RetryPolicy(), [5.0, 10.0, 20.0]), (RetryPolicy(budget=12.0), [5.0])],
    ids=["out-of-tries", "out-of-time"],
)
def test_a_lasting_temporary_failure_is_left_for_the_next_run(tmp_path, retry, sleeps):
    slept = []
    mailbox = Mailbox(data_replies=["451 4.3.0 try again later"] * 4)
    workbook = make_workbook(CLIENTS[:1])
    with SmtpServer(tmp_path, mailbox) as server:
        status, out, _ = _send(server, workbook, tmp_path, *FAST, sleep=slept.append, retry=retry)
        assert (status, slept, server.mailbox.received) == (1, sleeps, [])
        assert "451 4.3.0 try again later (temporary: the next run tries again)" in out
        mailbox.data_replies.clear()
        status, _, _ = _send(server, workbook, tmp_path, *FAST)  # later, the server is fine
    assert status == 0
    assert server.mailbox.counts() == {"ana@acme.example": 1, "bo@acme.example": 1}


def test_a_permanent_refusal_is_reported_and_everyone_else_delivered(tmp_path, workbook):
    mailbox = Mailbox(refuse={"bo@acme.example": "550 5.1.1 <bo@acme.example>: no such user"})
    with SmtpServer(tmp_path, mailbox) as server:
        status, out, _ = _send(server, workbook, tmp_path, *FAST)
        assert status == 1
        assert server.mailbox.counts() == {address: 1 for address in EVERYONE if address != "bo@acme.example"}
        [line] = [line for line in out.splitlines() if "bo@acme.example" in line]
        assert "failed" in line and "550 5.1.1" in line
        entry = _entries(tmp_path)["bo@acme.example"]
        assert (entry.state, entry.permanent) == ("failed", True)

        status, _, _ = _send(server, workbook, tmp_path, *FAST)  # tries bo again, nobody else
    assert status == 1
    assert server.mailbox.counts() == {address: 1 for address in EVERYONE if address != "bo@acme.example"}
    assert _entries(tmp_path)["bo@acme.example"].attempts == 2


def test_a_report_that_fails_to_render_does_not_stop_the_others(server, tmp_path):
    workbook = make_workbook([("Broken Co", ["x@broken.example"], "en_US"), *CLIENTS[:2]])
    status, out, _ = _send(server, workbook, tmp_path, render=render_broken)  # in the process pool
    assert status == 1
    assert server.mailbox.counts() == {"ana@acme.example": 1, "bo@acme.example": 1, "compras@sol.example": 1}
    assert "report not rendered: RuntimeError: no actuals for Broken Co in 2026-10" in out
    assert _entries(tmp_path)["x@broken.example"].state == "failed"


def test_bad_addresses_are_named_by_cell_and_the_good_ones_still_served(server, tmp_path):
    workbook = make_workbook([("Acme", ["ana@acme.example", "bo@@acme.example", "cy@acme.example\nBcc: x@y.z"],
                               "en_US")])
    status, out, _ = _send(server, workbook, tmp_path, *FAST)
    assert status == 1
    assert server.mailbox.counts() == {"ana@acme.example": 1}
    assert "Clients!E3: not an e-mail address: 'bo@@acme.example'" in out
    assert "Clients!F3: contains a line break" in out
    assert [message["To"] for message in server.mailbox.to("ana@acme.example")] == ["ana@acme.example"]


def test_a_message_the_server_may_have_taken_is_not_resent_until_asked(tmp_path, workbook):
    with SmtpServer(tmp_path, Mailbox(vanish_at=1)) as server:
        status, out, _ = _send(server, workbook, tmp_path, *FAST)
        assert status == 1
        assert server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)  # it did arrive, but we cannot know
        assert {r: e.state for r, e in _entries(tmp_path).items() if r.endswith("acme.example")} == {
            "ana@acme.example": "unknown", "bo@acme.example": "unknown"}
        assert "check the mailbox, then use --resend" in out

        status, out, _ = _send(server, workbook, tmp_path, *FAST)  # a plain rerun leaves it alone
        assert status == 1 and server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)

        status, out, _ = _send(server, workbook, tmp_path, *FAST, "--resend", "--only", "acme")
    assert status == 0, out
    first, again = server.mailbox.to("ana@acme.example")
    assert first["Message-ID"] == again["Message-ID"]  # the same message: a deduplicating server drops it


ANA, BO = "ana@acme.example", "bo@acme.example"


@pytest.mark.parametrize(
    ("mailbox", "expected", "received", "sleeps"),
    [
        # bo refused for good at RCPT, then ana's message kept without an answer: each its own outcome.
        (lambda: Mailbox(refuse={BO: "550 5.1.1 no such user"}, vanish_at=1),
         {ANA: ("unknown", False, 1), BO: ("failed", True, 1)}, {ANA: 1}, []),
        # bo refused for now at RCPT, then no answer for ana: bo still gets the report, in a second message.
        (lambda: Mailbox(rcpt_replies={BO: ["450 4.2.0 try again later"]}, vanish_at=1),
         {ANA: ("unknown", False, 1), BO: ("sent", False, 2)}, {ANA: 1, BO: 1}, [5.0]),
        # ana refused for good at RCPT, then the server hangs up before DATA: only bo is tried again.
        (lambda: Mailbox(refuse={ANA: "550 5.1.1 no such user"}, rcpt_hangups=[BO]),
         {ANA: ("failed", True, 1), BO: ("sent", False, 2)}, {BO: 1}, [5.0]),
    ],
    ids=["5xx-then-no-answer", "4xx-then-no-answer", "5xx-then-hang-up-before-data"],
)
def test_what_rcpt_answered_stands_when_the_connection_is_lost(tmp_path, mailbox, expected, received, sleeps):
    slept = []
    with SmtpServer(tmp_path, mailbox()) as server:
        status, out, _ = _send(server, make_workbook(CLIENTS[:1]), tmp_path, *FAST, sleep=slept.append)
    assert status == 1
    assert server.mailbox.counts() == received
    assert slept == sleeps
    entries = _entries(tmp_path)
    assert {r: (e.state, e.permanent, e.attempts) for r, e in entries.items()} == expected
    for recipient, (state, _, _) in expected.items():
        [line] = [line for line in out.splitlines() if recipient in line]
        assert state in line
        if state == "failed":
            assert "550 5.1.1 no such user" in line and entries[recipient].reason == "550 5.1.1 no such user"


def test_an_answer_to_the_message_that_is_not_smtp_is_in_doubt_not_resent(tmp_path):
    slept = []
    workbook = make_workbook(CLIENTS[:1])
    with SmtpServer(tmp_path, Mailbox(garble_at=1)) as server:
        status, out, _ = _send(server, workbook, tmp_path, *FAST, sleep=slept.append)
        assert status == 1 and slept == []
        assert server.mailbox.counts() == {ANA: 1, BO: 1}  # it did arrive: sending it again would be a duplicate
        assert {r: e.state for r, e in _entries(tmp_path).items()} == {ANA: "unknown", BO: "unknown"}
        [line] = [line for line in out.splitlines() if ANA in line]
        assert "not an SMTP reply" in line and "check the mailbox, then use --resend" in line

        status, _, _ = _send(server, workbook, tmp_path, *FAST)  # a plain rerun leaves it to a person
    assert status == 1 and server.mailbox.counts() == {ANA: 1, BO: 1}


class _OAuthOnly(Mailbox):
    """A server whose only login is OAuth 2 (XOAUTH2), which smtplib cannot do."""

    async def auth_XOAUTH2(self, server, args):
        await server.push("535 5.7.8 not today")


def test_a_login_that_cannot_work_stops_the_run_at_once(tmp_path, workbook):
    slept = []
    with SmtpServer(tmp_path, _OAuthOnly(), auth_exclude=("LOGIN", "PLAIN")) as server:
        status, out, _ = _send(server, workbook, tmp_path, *FAST, sleep=slept.append)
    assert status == 1
    assert "Stopped early:" in out and "No suitable authentication method found" in out
    # Permanent: no waiting and trying again as if the connection had dropped.
    assert (slept, server.mailbox.connections, server.mailbox.received) == ([], 1, [])
    assert {(e.state, e.permanent) for e in _entries(tmp_path).values()} == {("failed", False)}


def test_a_report_that_takes_too_long_to_render_is_given_up(tmp_path):
    workbook = make_workbook([CLIENTS[1], ("Slow Co", ["ops@slow.example"], "pl_PL"), CLIENTS[3]])
    with SmtpServer(tmp_path) as server:
        status, out, _ = _send(server, workbook, tmp_path, "--render-timeout", "2", render=render_stand_in)
    assert status == 1
    assert server.mailbox.counts() == {"compras@sol.example": 1, "contato@paulista.example": 1}
    [line] = [line for line in out.splitlines() if "ops@slow.example" in line]
    assert "failed" in line and "report not rendered: rendering took longer than 2 s" in line
    assert _entries(tmp_path)["ops@slow.example"].state == "failed"


def test_resend_sends_a_new_copy_on_purpose(server, workbook, tmp_path):
    _send(server, workbook, tmp_path, *FAST)
    status, out, _ = _send(server, workbook, tmp_path, *FAST, "--resend", "--only", "Acme")
    assert status == 0, out
    first, again = server.mailbox.to("ana@acme.example")
    assert first["Message-ID"] != again["Message-ID"] and again["Message-ID"].endswith(".2@agency.example>")
    assert server.mailbox.counts()["compras@sol.example"] == 1
    entry = _entries(tmp_path)["ana@acme.example"]
    assert (entry.state, entry.copy, entry.attempts) == ("sent", 2, 2)


def test_dry_run_writes_eml_files_and_records_nothing(tmp_path, workbook):
    status, out, _ = send(workbook, tmp_path / "clients.xlsx", "--dry-run", *FAST)
    assert status == 0, out
    folder = tmp_path / "clients_emails_2026-10"
    files = sorted(path.name for path in folder.iterdir())
    names = ["Acme", "Libreria-Sol", "Tacos-del-Norte", "Cafe-Paulista", "Lodz-Sp.-z-o.o", "Ca-phe-Da-Lat"]
    assert files == sorted(f"{name}_2026-10.eml" for name in names)
    message = BytesParser(policy=policy.default).parsebytes((folder / "Lodz-Sp.-z-o.o_2026-10.eml").read_bytes())
    assert message["Subject"] == SUBJECTS["pl_PL"].format("Łódź Sp. z o.o.") and message["To"] == "biuro@lodz.example"
    assert next(message.iter_attachments()).get_content().startswith(b"%PDF-")
    assert not ledger_path().exists()
    assert "written 6 (dry run: nothing sent)" in out


SPACED = "Zq8  spaced\tPASSWORD  9fK"  # white space a server or smtplib may collapse on the way


@pytest.mark.parametrize(
    ("right", "password"),
    [(PASSWORD, PASSWORD), (PASSWORD, "wrong-" + PASSWORD), (SPACED, SPACED), (PASSWORD, "wrong " + SPACED)],
    ids=["right", "wrong", "right-with-spaces", "wrong-with-spaces"],
)
def test_the_password_never_shows(tmp_path, workbook, right, password):
    # The server repeats what it was sent in its refusals (of the login, and of each recipient once,
    # greylisted, after a good login): kpi-xl must scrub it before printing or recording it.
    with SmtpServer(tmp_path, password=right, echo=True) as server:
        status, out, err = _send(server, workbook, tmp_path, *FAST, password=password)
    assert status == (0 if password == right else 1)
    if password != right:
        assert f"did not accept the login of {USER}" in out and server.mailbox.received == []
    else:
        assert server.mailbox.greylisted == set(EVERYONE)  # the password did come back, once per recipient
    wire = [password, base64.b64encode(password.encode()).decode(),
            base64.b64encode(f"\0{USER}\0{password}".encode()).decode(), " ".join(password.split())]
    ledger = ledger_path()
    stored = b"".join(path.read_bytes() for path in ledger.parent.glob(f"{ledger.name}*"))
    for form in wire:
        assert form not in out + err and form.encode() not in stored


def test_an_unreachable_server_stops_the_run_and_loses_nothing(tmp_path, workbook):
    with SmtpServer(tmp_path) as server:
        host, port, cafile, context = server.host, server.port, server.cafile, server.client_context()
    status, out, _ = send(workbook, tmp_path / "clients.xlsx", "--smtp-host", host, "--smtp-port", str(port),
                          "--smtp-user", USER, "--smtp-cafile", str(cafile), *FAST, ssl_context=context)
    assert status == 1
    assert "Stopped early: cannot reach SMTP server" in out
    assert {entry.state for entry in _entries(tmp_path).values()} == {"failed"}
    with SmtpServer(tmp_path) as server:
        status, _, _ = _send(server, workbook, tmp_path, *FAST)
    assert status == 0 and server.mailbox.counts() == dict.fromkeys(EVERYONE, 1)


@pytest.mark.parametrize(
    ("extra", "period", "message"),
    [
        ((), "2026-10", None),                     # the last complete month before TODAY
        (("--period", "2026-07"), None, "no client has Actuals rows in 2026-07: nothing to report"),
        (("--period", "2026-11"), None, "2026-11 has not ended (today is 2026-11-02)"),
        (("--period", "2027-01"), None, "2027-01 has not begun (today is 2026-11-02)"),
        (("--only", "Nobody"), None, 'no client named "Nobody" in the workbook'),
    ],
)
def test_period_and_client_selection(tmp_path, extra, period, message):
    status, _, err = send(make_workbook(CLIENTS[:1]), tmp_path / "c.xlsx", "--dry-run", *FAST, *extra)
    if message:
        assert status == 1 and err.startswith(f"kpi-xl: {message}")
    else:
        assert status == 0 and (tmp_path / f"c_emails_{period}" / f"Acme_{period}.eml").is_file()


@pytest.mark.parametrize("command", ["report", "send", "history"])
def test_a_bad_period_is_the_same_usage_error_in_every_command(tmp_path, command, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, str(tmp_path / "c.xlsx"), "--period", "2026-13"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.endswith("error: argument --period: period must be YYYY-MM, got '2026-13'\n")
    assert not (tmp_path / "c.xlsx").exists() and list(tmp_path.iterdir()) == []


def test_history_shows_the_ledger(tmp_path, workbook):
    with SmtpServer(tmp_path, Mailbox(refuse={"bo@acme.example": "550 5.1.1 no such user"})) as server:
        _send(server, workbook, tmp_path, *FAST)
    parser = argparse.ArgumentParser()
    add_history_arguments(parser)
    out = io.StringIO()
    history = [str(tmp_path / "clients.xlsx"), "--period", "2026-10", "--from", f"Agencia <{USER}>"]
    assert run_history(parser.parse_args(history), out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["Client", "Period", "Recipient", "State", "Time", "Copy", "Attempts", "Reason"]
    [bo] = [line for line in lines if "bo@acme.example" in line]
    assert "failed" in bo and "550 5.1.1 no such user" in bo
    assert sum(" sent " in line for line in lines) == len(EVERYONE) - 1
    empty = io.StringIO()
    assert run_history(parser.parse_args([str(tmp_path / "c.xlsx"), "--from", "other@agency.example"]), empty) == 0
    assert "No deliveries recorded yet" in empty.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_is_a_bar_on_a_terminal_and_lines_in_a_log(tmp_path, terminal):
    from smtp_server import render_pdf, send_args

    err = _Terminal() if terminal else io.StringIO()
    status = run_send(send_args(tmp_path / "c.xlsx", "--dry-run", *FAST), render=render_pdf, out=io.StringIO(),
                      err=err, today=TODAY, workbook=make_workbook(CLIENTS[:2]), environ={"KPI_XL_CONFIG": ""},
                      now=lambda: dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    assert status == 0
    if terminal:
        assert err.getvalue().startswith("\r[") and "2/2" in err.getvalue() and err.getvalue().endswith("\n")
    else:
        assert err.getvalue().splitlines() == ["[1/2] Acme: written", "[2/2] Librería Sol: written"]
