"""One client's monthly e-mail: subject, plain text, HTML alternative and the PDF, in the client's language.

The words come from the Jinja templates in ``templates/email/`` through gettext; the month is
Babel's ``yMMMM`` skeleton, which gives each language its own grammar ("octubre de 2026",
"październik 2026" in the nominative, "tháng 10 năm 2026").

The Message-ID is derived from the client, the period and the copy number, never random: a retry
after an unclear failure sends the same ID, so a receiving server or mail client that drops
duplicates by Message-ID (Gmail, Exchange) shows one message; only a deliberate ``--resend`` makes a
new copy with a new ID.

>>> month_label(Month(2026, 10), "es_ES"), month_label(Month(2026, 10), "pl_PL")
('octubre de 2026', 'październik 2026')
>>> first = message_id("Acme", Month(2026, 10), 1, "agency.example")
>>> first == message_id("Acme", Month(2026, 10), 1, "agency.example")
True
>>> first == message_id("Acme", Month(2026, 10), 2, "agency.example")   # a deliberate resend
False
>>> first.startswith("<kpi-xl.2026-10."), first.endswith(".1@agency.example>")
(True, True)
>>> attachment_names("Café Łódź", Month(2026, 10), "pl_PL")
('Café-Łódź_2026-10_pl_PL.pdf', 'Cafe-Lodz_2026-10_pl_PL.pdf')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.utils import format_datetime
from functools import cache

from babel.dates import format_skeleton
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kpi_xl.core.periods import Month
from kpi_xl.delivery.addresses import Recipient
from kpi_xl.i18n import translator
from kpi_xl.report.names import ascii_file_name, ascii_safe, report_file_name
from kpi_xl.report.typography import keep_word_groups
from kpi_xl.resources import templates_dir

__all__ = ["Letter", "ascii_safe", "attachment_names", "compose", "message_bytes", "message_id", "month_label"]

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?$")


@dataclass(frozen=True, slots=True)
class Letter:
    """What one e-mail says and to whom; ``copy`` is 1, then 2 after a first ``--resend``..."""

    client: str
    locale: str
    period: Month
    recipients: Sequence[Recipient]
    sender: Address
    agency: str
    pdf: bytes
    copy: int = 1
    figures: Mapping[str, str] = field(default_factory=dict)  # the month's key figures: label -> value
    brand_colour: str = "#1F4E79"


def month_label(period: Month, locale: str) -> str:
    """The month as a title in ``locale`` ("October 2026"), in the standalone form each language uses."""
    return format_skeleton("yMMMM", period.first_day, locale=locale)


def message_id(client: str, period: Month, copy: int, domain: str) -> str:
    digest = hashlib.sha256(f"{client}\x1f{period}".encode()).hexdigest()[:20]
    return f"<kpi-xl.{period}.{digest}.{copy}@{domain}>"


def attachment_names(client: str, period: Month, locale: str) -> tuple[str, str]:
    """The PDF's file name, the same as ``kpi-xl report`` writes on disk, and its ASCII stand-in for
    mail programs that do not read RFC 2231 names (kpi_xl.report.names)."""
    return report_file_name(client, period, locale), ascii_file_name(client, period, locale)


@cache
def _environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir() / "email"),
        extensions=["jinja2.ext.i18n"],
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.install_gettext_translations(translator(locale), newstyle=True)  # type: ignore[attr-defined]
    return env


def _texts(letter: Letter) -> tuple[str, str, str]:
    env = _environment(letter.locale)
    context = {
        "client": " ".join(letter.client.split()),
        "month": month_label(letter.period, letter.locale),
        "agency": letter.agency,
        "figures": list(letter.figures.items()),
        "language": letter.locale.replace("_", "-"),
        "colour": letter.brand_colour if _COLOUR.match(letter.brand_colour) else "#1F4E79",
    }
    subject = " ".join(env.get_template("subject.txt").render(context).split())
    text = env.get_template("body.txt").render(context)
    html = keep_word_groups(env.get_template("body.html").render(context, subject=subject), letter.locale)
    return subject, text, html


def compose(letter: Letter, *, date: dt.datetime) -> EmailMessage:
    """The e-mail, ready to send: To every recipient, the PDF attached."""
    subject, text, html = _texts(letter)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = letter.sender
    message["To"] = tuple(recipient.address for recipient in letter.recipients)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(letter.client, letter.period, letter.copy, letter.sender.domain)
    # Quoted-printable keeps every part 7-bit: no server needs 8BITMIME to carry it.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    message.make_mixed()
    message.attach(_pdf_part(letter))
    # Last: set_content and make_mixed move every Content-* header down into the parts.
    message["Content-Language"] = letter.locale.replace("_", "-")
    return message


def _pdf_part(letter: Letter) -> MIMEApplication:
    name, fallback = attachment_names(letter.client, letter.period, letter.locale)
    part = MIMEApplication(letter.pdf, "pdf")
    del part["MIME-Version"]
    part.set_param("name", fallback)
    # The ASCII name first, for old clients (and Python's parser), then the real name as RFC 2231
    # extended parameters, which current clients prefer. Written by hand because the email package
    # writes one or the other; lines are kept under 78 characters so no policy refolds them.
    lines = ["attachment;", f'filename="{fallback}"']
    if name != fallback:
        lines[-1] += ";"
        lines += _rfc2231("filename", name)
    part["Content-Disposition"] = "\n ".join(lines)
    return part


def _rfc2231(param: str, value: str) -> list[str]:
    """``param*=utf-8''...`` split into continuations (``param*0*=``, ``param*1*=``) of <= 50 characters."""
    tokens = re.findall(r"%[0-9A-F]{2}|.", urllib.parse.quote(value, safe=""))
    chunks = [""]
    for token in tokens:
        if len(chunks[-1]) + len(token) > 50:
            chunks.append("")
        chunks[-1] += token
    if len(chunks) == 1:
        return [f"{param}*=utf-8''{chunks[0]}"]
    charset = ["utf-8''"] + [""] * (len(chunks) - 1)
    ends = [";"] * (len(chunks) - 1) + [""]
    return [f"{param}*{i}*={charset[i]}{chunk}{ends[i]}" for i, chunk in enumerate(chunks)]


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it goes on the wire and into an .eml file: CRLF line ends, 7-bit, lines <= 78."""
    return message.as_bytes(policy=policy.SMTP)
