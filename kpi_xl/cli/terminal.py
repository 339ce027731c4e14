"""Text from a workbook, a server or a file name, made safe to print on a terminal.

A client named ``Café\\x1b]0;pwned\\x07`` would retitle the terminal window, and one with a line break
would start an output line of its own. Every print path of the command line passes what it did not
write itself through :func:`shown`: control characters (C0, DEL, C1), Unicode line and paragraph
separators and bidirectional overrides come out as visible escapes.

>>> shown("Café\\x1b]0;pwned\\x07"), shown("Acme\\r\\nsent: 99"), shown("ok ‮txt")
('Café\\\\x1b]0;pwned\\\\x07', 'Acme\\\\r\\\\nsent: 99', 'ok \\\\u202etxt')
>>> shown("line one\\nline two", keep="\\n")
'line one\\nline two'
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["shown", "shown_error"]

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def shown(text: object, keep: str = "") -> str:
    """``text`` with every control character escaped, except those in ``keep``."""
    value = str(text)
    if not _UNSAFE.search(value):
        return value

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        if char in keep:
            return char
        return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")

    return _UNSAFE.sub(escape, value)


def shown_error(error: BaseException, redact: Callable[[str], str] = str) -> str:
    """An error for the terminal, escaped; a workbook's errors (its ``errors`` list) one per line, each
    escaped on its own, so a line break inside a cell stays an escape and never starts a line.

    >>> class Invalid(Exception):
    ...     errors = ["Goals!L13: bad", "Clients!A2: x\\x1b\\ny"]
    >>> print(shown_error(Invalid("2 errors in the workbook:\\nGoals!L13: bad\\nClients!A2: x\\x1b\\ny")))
    2 errors in the workbook:
    Goals!L13: bad
    Clients!A2: x\\x1b\\ny
    """
    errors = getattr(error, "errors", None)
    if not isinstance(errors, list) or not errors or [str(error)] == [str(p) for p in errors]:
        return shown(redact(str(error)))   # no list, or one error that is the whole message
    heading = str(error).split("\n", 1)[0]
    return "\n".join([shown(redact(heading)), *(shown(redact(str(problem))) for problem in errors)])
