"""Recipient addresses checked before anything is sent, each problem named by its workbook cell.

The rule for one address is :mod:`kpi_xl.emails`, the same the workbook check applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address

from kpi_xl.core.model import Client
from kpi_xl.emails import check_one_line, parse_address

__all__ = ["AddressProblem", "Recipient", "check_one_line", "check_recipients", "parse_address"]


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
