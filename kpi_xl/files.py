"""Files that appear whole or not at all: write beside the target, then rename over it.

A reader never sees half a PDF or workbook, and a failure leaves the old file in place. The
temporary file is created with ``open``, so the result gets the permissions any new file of the
user gets (``tempfile.mkstemp`` would make it private, 0600, and a colleague could not open it).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomic(folder / "report.pdf", b"%PDF-1.7")
>>> sorted(p.name for p in folder.iterdir()), (folder / "report.pdf").read_bytes()
(['report.pdf'], b'%PDF-1.7')
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["replacing", "write_atomic"]


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path`` to write to; when the block ends without an error it is
    flushed to disk and renamed over ``path``, and in every case it is gone afterwards.

    The caller writes and closes the file however it likes (xlsxwriter, zipfile, ``open``); the flush
    to disk happens here, before the rename, so after a power cut ``path`` is the old file or the
    whole new one, never a new name on empty or partial content.
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temp
        _fsync(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    if not path.exists():
        return  # nothing was written: the rename says so
    # Windows flushes only a handle open for writing; elsewhere reading is enough (and always allowed).
    descriptor = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomic(path: Path, content: bytes) -> None:
    """``content`` as the whole of ``path``, flushed to disk before it takes the name."""
    with replacing(path) as temp, open(temp, "xb") as file:
        file.write(content)
