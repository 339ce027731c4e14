"""The monthly e-mail itself: addresses, words per language, month grammar, attachment, headers."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.headerregistry import Address
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value

import pytest

from kpi_xl.core.model import Client
from kpi_xl.core.periods import Month
from kpi_xl.delivery.addresses import check_recipients, parse_address
from kpi_xl.delivery.message import Letter, attachment_names, compose, message_bytes, message_id, month_label
from kpi_xl.report.names import report_file_name

OCTOBER = Month(2026, 10)
SENDER = Address("Agencia Norte", "reports", "agency.example")
DATE = dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC)


def _letter(locale: str = "es_ES", client: str = "Acme", **changes) -> Letter:
    recipients, _ = check_recipients(Client(client, ("ana@acme.example", "Bo <bo@acme.example>"), locale, "EUR",
                                            email_sources=("Clients!D3", "Clients!E3")))
    values = {"client": client, "locale": locale, "period": OCTOBER, "recipients": recipients, "sender": SENDER,
              "agency": "Agencia Norte", "pdf": b"%PDF-1.7\n%fake\n"} | changes
    return Letter(**values)


def _parsed(letter: Letter):
    return BytesParser(policy=policy.default).parsebytes(message_bytes(compose(letter, date=DATE)))


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_US", "October 2026"),
        ("es_ES", "octubre de 2026"),
        ("es_MX", "octubre de 2026"),
        ("pt_BR", "outubro de 2026"),
        ("pl_PL", "październik 2026"),   # nominative, not the genitive "października" of a full date
        ("vi_VN", "tháng 10 năm 2026"),
    ],
)
def test_month_is_named_in_each_languages_grammar(locale, expected):
    assert month_label(OCTOBER, locale) == expected


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("en_US", "Monthly KPI report – Acme – October 2026"),
        ("es_ES", "Informe mensual de KPI – Acme – octubre de 2026"),
        ("es_MX", "Informe mensual de KPI – Acme – octubre de 2026"),
        ("pt_BR", "Relatório mensal de KPIs – Acme – outubro de 2026"),
        ("pl_PL", "Miesięczny raport KPI – Acme – październik 2026"),
        ("vi_VN", "Báo cáo KPI hằng tháng – Acme – tháng 10 năm 2026"),
    ],
)
def test_subject_is_in_the_clients_language(locale, subject):
    assert _parsed(_letter(locale))["Subject"] == subject


@pytest.mark.each_locale
def test_message_has_text_html_and_the_pdf(locale):
    message = _parsed(_letter(locale, figures={"CPA": "12,50 €", "ROAS": "4,2"}))
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    month = month_label(OCTOBER, locale)
    for body in (text, html):
        assert "Acme" in body and month in body and "Agencia Norte" in body
        assert "12,50 €" in body and "ROAS" in body
    assert (locale == "en_US") == ("Please find attached" in text)  # translated everywhere else
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.7\n%fake\n"
    assert attachment.get_filename() == attachment_names("Acme", OCTOBER, locale)[1]
    assert message["Content-Language"] == locale.replace("_", "-")


def test_message_headers():
    message = _parsed(_letter())
    assert message["From"] == "Agencia Norte <reports@agency.example>"
    assert message["To"] == "ana@acme.example, Bo <bo@acme.example>"
    assert message["Date"] == "Mon, 02 Nov 2026 07:00:00 +0000"
    assert message["Message-ID"] == message_id("Acme", OCTOBER, 1, "agency.example")
    assert all(len(line) <= 78 for line in message_bytes(compose(_letter(), date=DATE)).split(b"\r\n"))


def test_message_without_figures_reads_well():
    text = _parsed(_letter("en_US")).get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Key figures" not in text
    assert "\n\n\n" not in text and text.startswith("Hello,\n\n")


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ({}, True),                                   # a retry: the server can drop the duplicate
        ({"copy": 2}, False),                         # a deliberate --resend
        ({"period": Month(2026, 11)}, False),
        ({"client": "Acme Ltd"}, False),
    ],
)
def test_message_id_is_deterministic_per_client_period_and_copy(change, same):
    first = message_id("Acme", OCTOBER, 1, "agency.example")
    values = {"client": "Acme", "period": OCTOBER, "copy": 1} | change
    assert (message_id(values["client"], values["period"], values["copy"], "agency.example") == first) == same


@pytest.mark.parametrize(
    ("client", "locale", "name", "fallback"),
    [
        ("Acme", "en_US", "Acme_2026-10_en_US.pdf", "Acme_2026-10_en_US.pdf"),
        ("Łódź Café", "pl_PL", "Łódź-Café_2026-10_pl_PL.pdf", "Lodz-Cafe_2026-10_pl_PL.pdf"),
        ("Cà phê Đà Lạt", "vi_VN", "Cà-phê-Đà-Lạt_2026-10_vi_VN.pdf", "Ca-phe-Da-Lat_2026-10_vi_VN.pdf"),
        ("A/B: Tests?", "pt_BR", "A-B-Tests_2026-10_pt_BR.pdf", "A-B-Tests_2026-10_pt_BR.pdf"),
        ("東京", "en_US", "東京_2026-10_en_US.pdf", "client_2026-10_en_US.pdf"),
    ],
)
def test_attachment_name_is_readable_and_has_an_ascii_stand_in(client, locale, name, fallback):
    assert attachment_names(client, OCTOBER, locale) == (name, fallback)
    assert report_file_name(client, OCTOBER, locale) == name  # one rule: the PDF on disk has the same name
    raw = message_bytes(compose(_letter(locale, client=client), date=DATE))
    attachment = [part for part in BytesParser(policy=policy.compat32).parsebytes(raw).walk()][-1]
    params = attachment.get_params(header="content-disposition")
    assert params[1] == ("filename", fallback)
    if name != fallback:  # RFC 2231: filename*0*=utf-8''...; continuations joined back into the real name
        assert collapse_rfc2231_value(params[2][1]) == name


def test_a_line_break_in_a_client_name_cannot_add_a_header():
    letter = _letter("en_US", client="Acme\r\nBcc: everyone@example.com")
    raw = message_bytes(compose(letter, date=DATE))
    assert b"\r\nBcc:" not in raw
    message = _parsed(letter)
    assert message["Bcc"] is None
    assert "Acme Bcc: everyone@example.com" in message.get_body(("plain",)).get_content()
    assert next(message.iter_attachments()).get_filename() == "Acme-Bcc-everyone-example-com_2026-10_en_US.pdf"


def test_html_escapes_what_comes_from_the_workbook():
    html = _parsed(_letter("en_US", client="<b>Acme</b>", figures={"<i>CPA</i>": "<script>"})).get_body(("html",))
    content = html.get_content()
    assert "&lt;b&gt;Acme&lt;/b&gt;" in content and "<script>" not in content and "<i>" not in content


@pytest.mark.parametrize(
    ("text", "addr_spec"),
    [
        ("ana@acme.example", "ana@acme.example"),
        ("  Ana.Diaz+kpi@Acme.Example ", "Ana.Diaz+kpi@Acme.Example"),
        ('"Díaz, Ana" <ana@acme.example>', "ana@acme.example"),
        ("kontakt@łódź.pl", "kontakt@xn--d-uga0v4h.pl"),
    ],
)
def test_good_addresses(text, addr_spec):
    assert parse_address(text).addr_spec == addr_spec


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ana@acme.example\r\nBcc: x@y.example", "line break"),
        ("ana@@acme.example", "not an e-mail address"),
        ("ana@acme", "not an e-mail address"),
        ("ana@acme..example", "not an e-mail address"),
        (".ana@acme.example", "not an e-mail address"),
        ("ana acme@acme.example", "not an e-mail address"),
        ("ana@acme.example; bo@acme.example", "not an e-mail address"),
        ("añá@acme.example", "not an e-mail address"),    # needs SMTPUTF8
        ("mailto:ana@acme.example", "not an e-mail address"),
        ("", "not an e-mail address"),
    ],
)
def test_bad_addresses(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_address(text)


def test_recipients_are_checked_cell_by_cell_and_listed_once():
    client = Client("Acme", ("ana@acme.example", "ana@@acme", "ANA@acme.example", "bo@acme.example"), "en_US",
                    "EUR", source="Clients!A3", email_sources=("Clients!D3", "Clients!E3", "Clients!F3", "Clients!G3"))
    recipients, problems = check_recipients(client)
    assert [(r.address.addr_spec, r.source) for r in recipients] == [
        ("ana@acme.example", "Clients!D3"), ("bo@acme.example", "Clients!G3")]
    assert [str(p) for p in problems] == ["Clients!E3: not an e-mail address: 'ana@@acme'"]
