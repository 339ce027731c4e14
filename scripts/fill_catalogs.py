"""Fills empty msgstr entries from a translator's table: one line per message,
``msgid | es | pt_BR | pl | vi``. Lines starting with # are skipped.

    .venv/bin/python scripts/fill_catalogs.py table.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LANGUAGES = ("es", "pt_BR", "pl", "vi")
LOCALES = Path(__file__).resolve().parent.parent / "locales"


def read_table(path: Path) -> dict[str, dict[str, str]]:
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or " | " not in line:
            continue
        msgid, *translations = (part.strip() for part in line.split(" | "))
        table[msgid] = dict(zip(LANGUAGES, translations, strict=True))
    return table


def fill(table: dict[str, dict[str, str]]) -> None:
    for language in LANGUAGES:
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=language)
        filled = 0
        for message in catalog:
            if message.id and not message.string and message.id in table:
                message.string = table[message.id][language]
                filled += 1
        with path.open("wb") as po:
            write_po(po, catalog, width=76, sort_output=True, no_location=True)
        print(f"{language}: {filled} filled")


if __name__ == "__main__":
    fill(read_table(Path(sys.argv[1])))
