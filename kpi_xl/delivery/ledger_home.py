"""Where the delivery ledger lives: one per sender mailbox, in the user's data folder.

What identifies a delivery is the sender's mailbox, the client, the period and the recipient, never
the workbook's file name: a workbook saved under a new name, moved or copied still finds the ledger
of what its sender already sent, and sends nothing twice. The folder is

- Linux and others: ``$XDG_DATA_HOME/kpi_xl`` (``~/.local/share/kpi_xl``);
- macOS: ``~/Library/Application Support/kpi_xl``;
- Windows: ``%LOCALAPPDATA%\\kpi_xl``;

or the folder named by ``KPI_XL_DATA_DIR``. The file is ``deliveries-<mailbox>.sqlite``.

A ledger kept by an earlier version beside the workbook (``clients.ledger.sqlite``) is still read:
its rows are copied into the sender's ledger (:meth:`~kpi_xl.delivery.ledger.Ledger.adopt`; a row
already there is left as it is), so upgrading sends nothing again.

>>> data_folder({"KPI_XL_DATA_DIR": "/srv/kpi"}, "linux")
PosixPath('/srv/kpi')
>>> data_folder({"XDG_DATA_HOME": "/home/ana/.data"}, "linux"), data_folder({"HOME": "/home/ana"}, "linux")
(PosixPath('/home/ana/.data/kpi_xl'), PosixPath('/home/ana/.local/share/kpi_xl'))
>>> ledger_file_name("Reports@Agency.example"), ledger_file_name("o'neil/../x@agency.example")[:30]
('deliveries-reports@agency.example.sqlite', 'deliveries-o_neil_.._x@agency.')
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DATA_DIR_VARIABLE", "data_folder", "ledger_file_name", "sender_ledger_path"]

DATA_DIR_VARIABLE = "KPI_XL_DATA_DIR"
_UNSAFE = re.compile(r"[^a-z0-9@._+-]")


def data_folder(environ: Mapping[str, str], platform: str = sys.platform) -> Path:
    """The per-user folder kpi_xl keeps its ledgers in."""
    if environ.get(DATA_DIR_VARIABLE):
        return Path(environ[DATA_DIR_VARIABLE])
    home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    if platform == "win32":
        base = Path(environ["LOCALAPPDATA"]) if environ.get("LOCALAPPDATA") else home / "AppData" / "Local"
        return base / "kpi_xl"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "kpi_xl"
    base = Path(environ["XDG_DATA_HOME"]) if environ.get("XDG_DATA_HOME") else home / ".local" / "share"
    return base / "kpi_xl"


def ledger_file_name(mailbox: str) -> str:
    """A file name for a sender's mailbox: lower case, unsafe characters replaced (and then a short
    hash, so that two mailboxes never share a file)."""
    mailbox = mailbox.strip().lower()
    safe = _UNSAFE.sub("_", mailbox)[:120]
    if safe != mailbox:
        safe += "-" + hashlib.sha256(mailbox.encode()).hexdigest()[:10]
    return f"deliveries-{safe}.sqlite"


def sender_ledger_path(mailbox: str, environ: Mapping[str, str]) -> Path:
    """The sender's ledger file (its folder is created)."""
    folder = data_folder(environ)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / ledger_file_name(mailbox)
