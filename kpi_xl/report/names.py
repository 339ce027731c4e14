"""One file name for a report, on disk and as the e-mail's attachment.

``<client>_<YYYY-MM>_<locale>.pdf``: the client's letters and digits kept as written (accents,
``ł``, ``đ``), in NFC (the form Windows and Linux store and macOS shows; a name typed on a Mac in
NFD gets the same file name), every run of other characters one ``-``. Nothing in it is special on
Windows (``\\ / : * ? " < > |``, control characters, a trailing dot or space), macOS or Linux, and it
starts with a letter or digit, never a dot. An e-mail carries the same name, RFC 2231-encoded so
the accents arrive, with an ASCII stand-in for mail programs that read only that
(:func:`ascii_file_name`).

>>> report_file_name("Café Serra Azul", Month(2026, 10), "pt_BR")
'Café-Serra-Azul_2026-10_pt_BR.pdf'
>>> report_file_name("Cafe\\u0301 / Ło\\u0301dz\\u0301.", Month(2026, 10), "pl_PL")  # typed on a Mac (NFD)
'Café-Łódź_2026-10_pl_PL.pdf'
>>> report_file_name("../../etc/passwd", Month(2026, 10), "en_US"), report_file_name("***", Month(2026, 10), "en_US")
('etc-passwd_2026-10_en_US.pdf', 'client_2026-10_en_US.pdf')
>>> ascii_file_name("Café / Łódź", Month(2026, 10), "pl_PL"), ascii_file_name("東京", Month(2026, 10), "en_US")
('Cafe-Lodz_2026-10_pl_PL.pdf', 'client_2026-10_en_US.pdf')
"""

from __future__ import annotations

import re
import unicodedata

from kpi_xl.core.periods import Month

__all__ = ["CLIENT_ROOM", "ascii_file_name", "ascii_safe", "report_file_name"]

_NOT_WORD = re.compile(r"[^\w]+")
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Letters NFKD does not take apart into a base letter and an accent.
_TRANSLITERATE = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
                                "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "\u0131": "i"})
CLIENT_ROOM = 60  # characters of the client's name: the whole name stays far below 255 bytes


def report_file_name(client: str, period: Month, locale: str) -> str:
    """``<client>_<YYYY-MM>_<locale>.pdf`` (see the module's notes)."""
    name = unicodedata.normalize("NFC", client)
    slug = _NOT_WORD.sub("-", name).strip("-_")[:CLIENT_ROOM].strip("-_") or "client"
    return f"{slug}_{period}_{locale}.pdf"


def ascii_safe(text: str) -> str:
    """``text`` as ASCII letters, digits, ``._-`` (accents dropped, other runs of characters become ``-``).

    >>> ascii_safe("Đà Lạt Café / Łódź")
    'Da-Lat-Cafe-Lodz'
    """
    plain = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return _NOT_ASCII_SAFE.sub("-", plain).strip("-.")


def ascii_file_name(client: str, period: Month, locale: str) -> str:
    """The ASCII stand-in of :func:`report_file_name`: the same name with its accents dropped."""
    return report_file_name(ascii_safe(unicodedata.normalize("NFC", client)), period, locale)
