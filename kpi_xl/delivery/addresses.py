"""Recipient addresses checked before anything is sent, each problem named by its workbook cell.

An address is one ``local@domain`` (optionally ``Name <local@domain>``) with no line break or control
character (a header injection), a dot-atom local part and a domain of letters, digits and hyphens.
An internationalised domain is sent in its ASCII (IDNA) form; a non-ASCII local part needs SMTPUTF8,
which many servers lack, so it is refused rather than bounced later.

>>> parse_address("Ana Díaz <Ana.Diaz@Example.com>")
Address(display_name='Ana Díaz', username='Ana.Diaz', domain='Example.com')
>>> parse_address("kontakt@łódź.pl").addr_spec
'kontakt@xn--d-uga0v4h.pl'
>>> parse_address("ana@@example.com")
Traceback (most recent call last):
...
ValueError: not an e-mail address: 'ana@@example.com'
>>> parse_address("ana@example.com\\nBcc: everyone@example.com")
Traceback (most recent call last):
...
ValueError: contains a line break or control character: 'ana@example.com\\nBcc: everyone@example.com'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address

from kpi_xl.core.model import Client

__all__ = ["AddressProblem", "Recipient", "check_one_line", "check_recipients", "parse_address"]

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})$")
_NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Recipient:
    address: Address
    source: str  # the workbook cell it came from: "Clients!C3"

    @property
    def key(self) -> str:
        """What the ledger knows it by: the address, case-folded (no one has two mailboxes by case)."""
        return self.address.addr_spec.lower()


@dataclass(frozen=True, slots=True)
class AddressProblem:
    text: str
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" if self.source else self.reason


def check_one_line(text: str) -> str:
    """``text`` if it can go into a header as it is; ValueError on a line break (a header injection) or
    another control character.

    >>> check_one_line("Agencia\\r\\nBcc: everyone@example.com")
    Traceback (most recent call last):
    ...
    ValueError: contains a line break or control character: 'Agencia\\r\\nBcc: everyone@example.com'
    """
    if _CONTROL.search(text):
        raise ValueError(f"contains a line break or control character: {text!r}")
    return text


def parse_address(text: str) -> Address:
    """One address, checked; ValueError says what is wrong with it."""
    text = check_one_line(text).strip()
    named = _NAMED.match(text)
    name, addr = (named["name"].strip().strip('"').strip(), named["addr"].strip()) if named else ("", text)
    local, at, domain = addr.rpartition("@")
    if not at or len(addr) > 254 or len(local) > 64 or not _LOCAL.match(local):
        raise ValueError(f"not an e-mail address: {text!r}")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"not an e-mail address: {text!r}") from None
    if not _DOMAIN.match(domain):
        raise ValueError(f"not an e-mail address: {text!r}")
    try:
        return Address(display_name=name, username=local, domain=domain)
    except (HeaderParseError, ValueError, IndexError):
        raise ValueError(f"not an e-mail address: {text!r}") from None


def check_recipients(client: Client) -> tuple[list[Recipient], list[AddressProblem]]:
    """The client's usable recipients (each once) and the problems with the rest, cell by cell."""
    recipients: dict[str, Recipient] = {}
    problems = []
    sources = list(client.email_sources) + [client.source] * (len(client.emails) - len(client.email_sources))
    for text, source in zip(client.emails, sources, strict=False):
        try:
            recipient = Recipient(parse_address(text), source)
        except ValueError as error:
            problems.append(AddressProblem(text, source, str(error)))
            continue
        recipients.setdefault(recipient.key, recipient)
    return list(recipients.values()), problems
