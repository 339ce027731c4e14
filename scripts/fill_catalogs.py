"""Fills empty msgstr entries from a translator's table: one line per message,
``msgid | es | pt_BR | pl | vi``. Lines starting with # are skipped. A plural message separates its
forms with `` || ``: ``msgid || msgid_plural | es one || es other | ... | pl one || few || many | vi``.

    .venv/bin/python scripts/fill_catalogs.py table.txt [table.txt ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LANGUAGES = ("es", "pt_BR", "pl", "vi")
LOCALES = Path(__file__).resolve().parent.parent / "locales"

Key = str | tuple[str, ...]


def _forms(text: str) -> Key:
    parts = tuple(part.strip() for part in text.split(" || "))
    return parts if len(parts) > 1 else parts[0]


def read_table(path: Path) -> dict[Key, dict[str, Key]]:
    table: dict[Key, dict[str, Key]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or " | " not in line:
            continue
        msgid, *translations = line.split(" | ")
        table[_forms(msgid)] = {lang: _forms(t) for lang, t in zip(LANGUAGES, translations, strict=True)}
    return table


def fill(table: dict[Key, dict[str, Key]]) -> None:
    for language in LANGUAGES:
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=language)
        filled = 0
        for message in catalog:
            empty = not all(message.string) if isinstance(message.id, tuple) else not message.string
            if message.id and empty and message.id in table:
                string = table[message.id][language]
                if isinstance(message.id, tuple) and (not isinstance(string, tuple)
                                                      or len(string) != catalog.num_plurals):
                    raise ValueError(f"{language}: {message.id[0]!r} needs {catalog.num_plurals} plural forms")
                message.string = string
                filled += 1
        with path.open("wb") as po:
            write_po(po, catalog, width=76, sort_output=True, no_location=True)
        print(f"{language}: {filled} filled")


if __name__ == "__main__":
    merged: dict[Key, dict[str, Key]] = {}
    for name in sys.argv[1:]:
        merged.update(read_table(Path(name)))
    fill(merged)
