"""Compares two .xlsx files part by part, as XlsxWriter's own tests do: the zip members must be the
same, and each member's XML the same once what always differs (creation and modification times) is
taken out. A file is equal to another if Excel would read the same thing from both.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = ["differences"]

# Member -> patterns removed before comparing.
_VOLATILE = {
    "docProps/core.xml": (re.compile(r"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>"),),
}


def _normalised(name: str, content: bytes) -> bytes:
    for pattern in _VOLATILE.get(name, ()):
        content = pattern.sub("", content.decode("utf-8")).encode("utf-8")
    return content


def differences(got: Path, expected: Path, *, context: int = 60) -> list[str]:
    """What differs between two .xlsx files, one line per member; empty when they are equal."""
    with zipfile.ZipFile(got) as a, zipfile.ZipFile(expected) as b:
        names_a, names_b = set(a.namelist()), set(b.namelist())
        found = [f"{name}: only in {got.name}" for name in sorted(names_a - names_b)]
        found += [f"{name}: only in {expected.name}" for name in sorted(names_b - names_a)]
        for name in sorted(names_a & names_b):
            left, right = _normalised(name, a.read(name)), _normalised(name, b.read(name))
            if left != right:
                at = next((i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y),
                          min(len(left), len(right)))
                found.append(f"{name}: differs at byte {at}: "
                             f"{_around(left, at, context)!r} != {_around(right, at, context)!r}")
    return found


def _around(data: bytes, at: int, context: int) -> str:
    return data[max(at - context, 0):at + context].decode("utf-8", "replace")
