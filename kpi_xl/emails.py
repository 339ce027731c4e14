"""E-mail addresses: the one rule the workbook check and the monthly send both apply.

An address is one ``local@domain`` (optionally ``Name <local@domain>`` or ``"Díaz, Ana" <local@domain>``)
with no line break or control character (a header injection), a dot-atom local part of at most 64
characters and a domain of letters, digits and hyphens. An internationalised domain is sent in its
ASCII (IDNA) form; a non-ASCII local part needs SMTPUTF8, which many servers lack, so it is refused
rather than bounced later.

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
>>> split_addresses('"Díaz, Ana" <ana@x.example>; bo@x.example, Cy <cy@x.example>')
['"Díaz, Ana" <ana@x.example>', 'bo@x.example', 'Cy <cy@x.example>']
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address

__all__ = ["check_one_line", "parse_address", "split_addresses"]

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})$")
_NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_PARTS = re.compile(r'(?:"[^"]*"|<[^>]*>|[^;,"<])+')


def split_addresses(text: str) -> list[str]:
    """The addresses of a cell, separated by ``;`` or ``,`` (not those inside quotes or ``<...>``)."""
    return [part.strip(" \t") for part in _PARTS.findall(text) if part.strip(" \t")]


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
