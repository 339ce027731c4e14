"""Client names as people type them: one rule for every command that takes a client.

A name matches a client of the Clients sheet when it is the same apart from case and surrounding
spaces (``acme`` is ``Acme``). Anything else is refused with :class:`UnknownClientError`, which lists
the clients and suggests the nearest one, comparing the names without case or accents: ``cafe aurora``
is not taken for ``Café Aurora`` (two clients may differ only there), but it is suggested.

>>> find_client(" acme ", ["Acme", "Café Aurora"])
'Acme'
>>> find_client("cafe aurora", ["Acme", "Café Aurora"])  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
kpi_xl.core.errors.UnknownClientError: no client named "cafe aurora" in the workbook
(clients: Acme, Café Aurora); did you mean "Café Aurora"?
>>> nearest_client("Zielony Ogrod", ["Acme", "Zielony Ogród", "Sen Vàng Spa"]), nearest_client("Nobody", ["Acme"])
('Zielony Ogród', None)
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence

from kpi_xl.core.errors import UnknownClientError

__all__ = ["find_client", "find_clients", "folded", "nearest_client"]

# Letters NFKD does not split into a base letter and an accent (Polish ł, Vietnamese đ, Nordic ø).
_BASE_LETTERS = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ħ": "h"})
_CUTOFF = 0.6   # difflib's default: "Acme" for "acne", not "Acme" for "Aurora"


def folded(name: str) -> str:
    """``name`` without case, accents or surrounding spaces, for comparing.

    >>> folded(" Café Aurora "), folded("ZIELONY OGRÓD"), folded("Sen Vàng Spa"), folded("Łódź Đà")
    ('cafe aurora', 'zielony ogrod', 'sen vang spa', 'lodz da')
    """
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_BASE_LETTERS)


def nearest_client(name: str, clients: Sequence[str]) -> str | None:
    """The client whose name is nearest to ``name`` without case or accents, or None if none is near."""
    by_folded: dict[str, str] = {}
    for client in clients:
        by_folded.setdefault(folded(client), client)
    close = difflib.get_close_matches(folded(name), list(by_folded), n=1, cutoff=_CUTOFF)
    return by_folded[close[0]] if close else None


def find_client(name: str, clients: Sequence[str]) -> str:
    """The client ``name`` means, as the Clients sheet spells it (case and surrounding spaces ignored);
    :class:`UnknownClientError` when there is none."""
    key = name.strip().casefold()
    for client in clients:
        if client.strip().casefold() == key:
            return client
    raise UnknownClientError(name, clients, nearest_client(name, clients))


def find_clients(names: Iterable[str], clients: Sequence[str]) -> list[str]:
    """:func:`find_client` for each of ``names``, each client once, in the order given.

    >>> find_clients(["acme", "ACME", "Café Aurora"], ["Acme", "Café Aurora"])
    ['Acme', 'Café Aurora']
    """
    found = [find_client(name, clients) for name in names]
    return list(dict.fromkeys(found))
